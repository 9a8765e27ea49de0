/*
 * process.h: one process of a program and its state machine (states as
 * supervisord's), with its timers, its tree and its output pipes.  Every
 * change of p_state happens in process.c and is told to the observers.
 * Only process.c and proctable.c write the fields of struct process;
 * everyone else reads them and calls the functions below.
 */
#ifndef SUPERVISOR_PROCESS_H
#define SUPERVISOR_PROCESS_H

#include <ev.h>
#include <stdbool.h>
#include <sys/types.h>

#include "capture.h"
#include "config_types.h"
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
	PROC_WAITING,		/* to start once its dependencies hold */
};
#define PROC_STATES	(PROC_WAITING + 1)

#define PROC_WAIT_MAX	192	/* a wait's reason, in bytes */

struct process {
	struct config	*p_cf;		/* holds p_program's config (a reference) */
	const struct program_config *p_program;	/* its [program:x] */
	const struct proc_config *p_config;	/* its expanded values */
	char		*p_name;	/* process name (ours: it outlives
					   every config it is bound to) */
	size_t		 p_index;	/* position in the table's order */
	struct tree	 p_tree;	/* everything it ever forked */
	struct capture	 p_capture;	/* its output pipes and logs */
	ev_io		*p_exec_watcher; /* on p_exec_fd while it is open (made
					   then: 10,000 idle ones are 480 KB) */
	ev_timer	 p_timer;	/* startsecs, backoff or stop deadline */
	ev_timer	 p_poll;	/* while waiting for the tree to empty */
	ev_timer	 p_limit;	/* runtime_limit */
	double		 p_poll_interval;
	double		 p_start_time;	/* monotonic time of the last spawn */
	double		 p_exit_time;	/* monotonic time of the last exit */
	unsigned long	 p_spawns;	/* processes started so far */
	char		*p_waiting_for;	/* WAITING: what for, in words (up to
					   PROC_WAIT_MAX); NULL: nothing */
	struct process	*p_spawn_next;	/* the spawn queue */
	/* Settings a reload gave it while it ran: taken once it has stopped. */
	struct config	*p_next_cf;
	const struct program_config *p_next_program;
	const struct proc_config *p_next_config;
	/* The smaller members last, without holes (10,000 of these). */
	enum proc_state	 p_state;
	pid_t		 p_pid;		/* the leader; 0 once reaped */
	int		 p_exec_fd;	/* exec-error pipe, -1 when closed */
	int		 p_stdin_fd;	/* its stdin's write end, -1: none */
	struct spawn_error p_exec_error;
	int		 p_retries;	/* failed starts in a row */
	int		 p_quick_exits;	/* runs shorter than RESTART_QUICK */
	int		 p_exit_status;	/* wait status of the last exit */
	int		 p_start_errno;	/* why the last start failed before
					   a child ran, said once; 0: none */
	int		 p_ready_fd;	/* fd:N readiness: the pipe's read
					   end, -1 when none */
	bool		 p_listed;	/* the table's, by name (proctable) */
	bool		 p_exec_failed;	/* the child reported an error */
	bool		 p_limit_hit;	/* this stop is the runtime limit's */
	bool		 p_killed;	/* SIGKILL already sent in this stop */
	bool		 p_held;	/* a user stopped it: reloads don't start it */
	bool		 p_retired;	/* gone from the config: freed once stopped */
	bool		 p_then_start;	/* a reload restarts it once stopped */
	bool		 p_ready_failed; /* this stop ends a start that was
					   not ready in ready_timeout */
	bool		 p_spawn_queued; /* STARTING, waiting for a loop round
					   with room to spawn (crash storms) */
};

/* A RUNNING process that lived less than this is restarted after a delay. */
#define RESTART_QUICK		0.5

/*
 * Told of what happens to processes; any number of observers join.  They
 * run inside the state machine: they may read any process and start work
 * on the loop (a zero timer), but must not call the functions below that
 * change a state.  Each callback may be NULL.
 */
struct process_observer {
	/* p_state changed; from is the state it left. */
	void	(*po_changed)(struct process *p, enum proc_state from,
		    void *arg);
	/* shutdown_on_exit: p asks that everything stop, the supervisor
	 * then exiting with status.  Nothing starts any more from here. */
	void	(*po_shutdown)(struct process *p, int status, void *arg);
	/* p was spawned and its state set: p_pid is its new leader
	 * (p_ready_fd its fd:N pipe).  p_state is STARTING, or RUNNING with
	 * startsecs = 0. */
	void	(*po_started)(struct process *p, void *arg);
	/* p is about to be freed (a reload removed it, or the end). */
	void	(*po_removed)(struct process *p, void *arg);
	/* p is about to be spawned: the observer may give the child's stdin
	 * and stdout (stdio[0], stdio[1]: an event listener's protocol
	 * pipes), which stay its own; po_spawned follows, pid -1 when the
	 * spawn failed, and the child's ends can be closed. */
	void	(*po_spawning)(struct process *p, int stdio[3], void *arg);
	/* Its leader was reaped (p_exit_status), before the machine acts on
	 * it: what it does next (a restart) may take a while. */
	void	(*po_exited)(struct process *p, void *arg);
	void	(*po_spawned)(struct process *p, pid_t pid, void *arg);
	/* p stays WAITING, for something else now (p_waiting_for). */
	void	(*po_waiting)(struct process *p, void *arg);
	void	 *po_arg;
	struct process_observer *po_next;	/* process.c's list */
};

/* What a reload did to a process whose settings changed. */
enum replace_outcome {
	REPLACE_RESTARTING,	/* stopping with the old, then starts anew */
	REPLACE_STARTED,	/* was down; started with the new settings */
	REPLACE_UPDATED,	/* stays down; the new settings are kept */
};

/*
 * Whether p may start now (its dependencies hold); when not, why, in
 * words.  One gate, set by the policy that owns the dependencies.
 */
typedef bool process_gate_fn(struct process *p, char *why, size_t len);

void	process_init(struct ev_loop *loop);
void	process_set_gate(process_gate_fn *gate);
void	process_observe(struct process_observer *o);
void	process_unobserve(struct process_observer *o);
const char *proc_state_name(enum proc_state state);

struct process *process_create(struct config *cf,
	    const struct program_config *pg, const struct proc_config *pc);
void	process_free(struct process *p);

/* What users, reloads and the teardown ask of a process. */
void	process_start(struct process *p);
void	process_stop(struct process *p);
void	process_kill(struct process *p);
bool	process_signal(struct process *p, int sig);
void	process_hold(struct process *p, bool held);
void	process_reopen_logs(struct process *p);

/* What readiness, health and dependencies tell it. */
void	process_ready(struct process *p, const char *how);
void	process_restart(struct process *p, const char *why);
void	process_recheck(struct process *p);
bool	process_has_readiness(const struct process *p);

/* From now on nothing starts; hard: stops send SIGKILL at once. */
void	process_set_shutdown(bool hard);
bool	process_shutting_down(void);
bool	process_shutdown_is_hard(void);

/* What the table hands it: its leader's exit, a tree that may be empty. */
bool	process_exited(struct process *p, int status);
void	process_check_gone(struct process *p);

/* Questions. */
bool	process_is_gone(struct process *p);
bool	process_is_down(struct process *p);
bool	process_needs_stop(struct process *p);
/* Its group's name, as supervisord's groupname: its program's name, a
 * program being its own group. */
/* Whether its exit status is one of its program's exitcodes. */
bool	process_exit_expected(const struct process *p);
int	process_stdin(const struct process *p);
const char *process_waiting_for(const struct process *p);
double	process_uptime(const struct process *p);
const char *process_group(const struct process *p);
const char *process_log_path(const struct process *p, int stream);

/* A reload's new settings. */
enum replace_outcome process_replace_outcome(struct process *p,
	    const struct program_config *pg);
enum replace_outcome process_replace(struct process *p, struct config *cf,
	    const struct program_config *pg, const struct proc_config *pc);
void	process_keep(struct process *p, struct config *cf,
	    const struct program_config *pg, const struct proc_config *pc);
void	process_retire(struct process *p);
void	process_revive(struct process *p);

#endif
