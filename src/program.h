/*
 * program.h: the process table.  Each process of each program has a state
 * (supervisord's), its own timers and its process group; process_event()
 * is the one place where states change.
 */
#ifndef SUPERVISOR_PROGRAM_H
#define SUPERVISOR_PROGRAM_H

#include <ev.h>
#include <stdbool.h>
#include <sys/types.h>

#include "capture.h"
#include "config.h"
#include "spawn.h"
#include "tree.h"

enum proc_state {
	PROC_STOPPED,
	PROC_STARTING,
	PROC_RUNNING,
	PROC_BACKOFF,
	PROC_STOPPING,
	PROC_EXITED,
	PROC_FATAL,
};

struct process {
	struct config	*p_cf;		/* holds p_program's config (a reference) */
	const struct program_config *p_program;	/* its [program:x] */
	const struct proc_config *p_config;	/* its expanded values */
	const char	*p_name;		/* process name */
	size_t		 p_index;		/* position in the config */
	enum proc_state	 p_state;
	pid_t		 p_pid;		/* the leader; 0 once reaped */
	struct tree	 p_tree;	/* everything it ever forked */
	struct capture	 p_capture;	/* its output pipes and logs */
	int		 p_exec_fd;	/* exec-error pipe, -1 when closed */
	ev_io		 p_exec_watcher;
	bool		 p_exec_failed;	/* the child reported an error */
	struct spawn_error p_exec_error;
	ev_timer	 p_timer;	/* startsecs, backoff or stop deadline */
	ev_timer	 p_poll;	/* while waiting for the tree to empty */
	ev_timer	 p_limit;	/* runtime_limit */
	bool		 p_limit_hit;	/* this stop is the runtime limit's */
	double		 p_poll_interval;
	double		 p_start_time;	/* monotonic time of the last spawn */
	int		 p_retries;	/* failed starts in a row */
	int		 p_quick_exits;	/* runs shorter than RESTART_QUICK */
	int		 p_exit_status;	/* wait status of the last exit */
	double		 p_exit_time;	/* monotonic time of that exit */
	unsigned long	 p_spawns;	/* processes started so far */
	int		 p_start_errno;	/* why the last start failed before
					   a child ran, said once; 0: none */
	bool		 p_killed;	/* SIGKILL already sent in this stop */
	bool		 p_held;	/* a user stopped it: reloads don't start it */
	bool		 p_retired;	/* gone from the config: freed once stopped */
	bool		 p_then_start;	/* a reload restarts it once stopped */
	/* Settings a reload gave it while it ran: taken once it has stopped. */
	struct config	*p_next_cf;
	const struct program_config *p_next_program;
	const struct proc_config *p_next_config;
};

/* What a reload did to a process whose settings changed. */
enum replace_outcome {
	REPLACE_RESTARTING,	/* stopping with the old, then starts anew */
	REPLACE_STARTED,	/* was down; started with the new settings */
	REPLACE_UPDATED,	/* stays down; the new settings are kept */
};

/* A RUNNING process that lived less than this is restarted after a delay. */
#define RESTART_QUICK		0.5

int	programs_init(struct ev_loop *loop, struct config *cf);
void	programs_free(void);
void	programs_start_autostart(void);
bool	process_needs_stop(struct process *p);
void	process_stop(struct process *p);
void	process_kill(struct process *p);
void	process_start(struct process *p);
bool	process_signal(struct process *p, int sig);
bool	process_is_gone(struct process *p);
struct process *process_by_name(const char *name);
void	programs_set_observer(void (*fn)(struct process *));
void	programs_set_forget(void (*fn)(struct process *));
void	programs_reopen_logs(void);

/* Live reload (reload.c): the table follows a new config. */
struct process *process_create(struct config *cf,
	    const struct program_config *pg, const struct proc_config *pc);
void	process_free(struct process *p);
void	process_rebind(struct process *p, struct config *cf,
	    const struct program_config *pg, const struct proc_config *pc);
enum replace_outcome process_replace_outcome(struct process *p,
	    const struct program_config *pg);
enum replace_outcome process_replace(struct process *p, struct config *cf,
	    const struct program_config *pg, const struct proc_config *pc);
void	process_keep(struct process *p, struct config *cf,
	    const struct program_config *pg, const struct proc_config *pc);
void	process_retire(struct process *p);
void	programs_set_table(struct process **list, size_t n, size_t cap);
size_t	programs_count(void);
struct process *programs_get(size_t i);
const char *proc_state_name(enum proc_state state);

#endif
