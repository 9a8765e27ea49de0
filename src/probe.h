/*
 * probe.h: one check of a program, run on the loop and never blocking
 * it: a connect (tcp:, unix:), a GET (http://) or a command (exec:),
 * each bounded in time; its outcome, with the reason of a failure, goes
 * to a callback.
 */
#ifndef SUPERVISOR_PROBE_H
#define SUPERVISOR_PROBE_H

#include <ev.h>
#include <stdbool.h>
#include <sys/types.h>

#include "config_types.h"
#include "reap.h"

/* Bytes of an HTTP answer read for its status line. */
#define PROBE_HTTP_READ_MAX	1024
#define PROBE_ERR_MAX		160

struct probe;
typedef void probe_done_fn(struct probe *pr, bool ok, const char *err);

struct probe {
	const struct probe_config *pr_config;
	probe_done_fn	*pr_done;
	void		*pr_arg;	/* the caller's */
	bool		 pr_active;	/* a check is under way */
	int		 pr_fd;		/* the connection, -1 when none */
	ev_io		 pr_io;
	ev_timer	 pr_timeout;
	struct reap_watch pr_reap;	/* exec: the command's exit */
	pid_t		 pr_pid;	/* exec: its pid (its group's), or 0 */
	bool		 pr_sent;	/* http: the request went out */
	char		 pr_buf[PROBE_HTTP_READ_MAX + 1]; /* http: the answer */
	size_t		 pr_len;
};

void	probe_init(struct ev_loop *loop);
void	probe_setup(struct probe *pr, probe_done_fn *done, void *arg);
void	probe_run(struct probe *pr, const struct probe_config *pc,
	    double timeout, const struct program_config *pg,
	    const struct proc_config *proc);
void	probe_cancel(struct probe *pr);

#endif
