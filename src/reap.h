/*
 * reap.h: every child of the supervisor reaped, each by the pid its
 * SIGCHLD names (see reap.c), and the exits handed to those who asked.
 */
#ifndef SUPERVISOR_REAP_H
#define SUPERVISOR_REAP_H

#include <sys/types.h>

#include <ev.h>

/* pid exited with status (as waitpid gives it). */
typedef void reap_fn(pid_t pid, int status, void *arg);

/* One child's exit wanted (a probe's command): told before reap_init's
 * fn, then forgotten. */
struct reap_watch {
	pid_t			 rw_pid;	/* 0: not started */
	reap_fn			*rw_fn;
	void			*rw_arg;
	struct reap_watch	*rw_next;
};

int	reap_init(struct ev_loop *loop, reap_fn *fn, void *arg);
void	reap_free(void);
void	reap_watch_start(struct reap_watch *w, pid_t pid, reap_fn *fn,
	    void *arg);
void	reap_watch_stop(struct reap_watch *w);
void	reap_soon(void);

#endif
