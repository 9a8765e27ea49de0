/*
 * process.c: the state machine of one process of a program: its states
 * (supervisord's), its timers (startsecs, backoff, stop deadline, runtime
 * limit), spawning and stopping its whole tree, what follows an exit or a
 * failed start (restart, backoff, EXITED, FATAL, shutdown_on_exit), and
 * the settings a reload gives it.  Events come from libev callbacks and
 * from the table (proctable.c); process_event() handles them with a
 * switch on the state, and process_set_state() is the one place where
 * p_state changes: it checks the change is legal, logs it and tells the
 * observers.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "config.h"
#include "log.h"
#include "monotime.h"
#include "notifysock.h"
#include "process.h"
#include "signals.h"
#include "spawn.h"
#include "tree.h"

enum proc_event {
	PEV_START,		/* start requested */
	PEV_STOP,		/* stop requested */
	PEV_KILL,		/* skip the grace period: SIGKILL now */
	PEV_EXIT,		/* the leader exited; p_exit_status is set */
	PEV_TIMER,		/* p_timer fired; meaning depends on the state */
	PEV_GONE,		/* leader reaped and the whole tree gone */
	PEV_LIMIT,		/* runtime_limit reached */
};

/* Poll bounds while waiting for a group whose leader is gone to empty. */
#define POLL_FIRST	0.005
#define POLL_MAX	0.2

/* Seconds of spawning in one loop round; more wait for the next round,
 * so that clients are served between them (a crash storm). */
#define SPAWN_ROUND_S	0.005

static struct ev_loop	*loop;		/* the supervisor's one loop */
static struct process_observer *observers;
static struct process	*spawn_queue;	/* waiting for a round with room */
static struct process	*spawn_queue_tail;
static ev_timer		 spawn_watcher;	/* runs the queue, round by round */
static unsigned		 spawn_round;	/* ev_iteration of the last spawn */
static double		 spawn_round_start; /* and when it began spawning */
static bool		 shutting_down;	/* nothing starts any more */
static bool		 shutdown_hard;	/* ... and stops are SIGKILL */
static process_gate_fn	*gate;		/* dependencies; NULL: none */

static void	process_event(struct process *, enum proc_event);
static void	spawn_cb(struct ev_loop *, ev_timer *, int);

static const char *const state_names[] = {
	[PROC_STOPPED] = "STOPPED",
	[PROC_STARTING] = "STARTING",
	[PROC_RUNNING] = "RUNNING",
	[PROC_BACKOFF] = "BACKOFF",
	[PROC_STOPPING] = "STOPPING",
	[PROC_EXITED] = "EXITED",
	[PROC_FATAL] = "FATAL",
	[PROC_WAITING] = "WAITING",
};

const char *
proc_state_name(enum proc_state state)
{
	return state_names[state];
}

void
process_init(struct ev_loop *l)
{
	loop = l;
	capture_set_loop(l);
	shutting_down = shutdown_hard = false;
	spawn_queue = spawn_queue_tail = NULL;
	spawn_round = ev_iteration(l) - 1;	/* no spawn in this round yet */
	ev_timer_init(&spawn_watcher, spawn_cb, 0, 0);
}

void
process_set_gate(process_gate_fn *g)
{
	gate = g;
}

/* o is told of every change from now on, after those who joined before. */
void
process_observe(struct process_observer *o)
{
	struct process_observer **pp;

	for (pp = &observers; *pp != NULL; pp = &(*pp)->po_next)
		;
	o->po_next = NULL;
	*pp = o;
}

void
process_unobserve(struct process_observer *o)
{
	struct process_observer **pp;

	for (pp = &observers; *pp != NULL; pp = &(*pp)->po_next)
		if (*pp == o) {
			*pp = o->po_next;
			return;
		}
}

/*
 * The changes the machine makes.  Anything else is a broken invariant:
 * a stop always ends in STOPPED once the tree is gone, and nothing
 * leaves STOPPING another way.
 */
static bool
transition_is_legal(enum proc_state from, enum proc_state to)
{
	if (from == PROC_STOPPING)
		return to == PROC_STOPPED;
	switch (to) {
	case PROC_STOPPED:	/* a stop of one in BACKOFF or WAITING:
				   nothing ran */
		return from == PROC_BACKOFF || from == PROC_WAITING;
	case PROC_WAITING:	/* a start its dependencies hold back */
		return from != PROC_WAITING && from != PROC_STARTING;
	case PROC_STARTING:	/* a spawn, or a RUNNING whose exec failed */
		return from != PROC_STARTING;
	case PROC_EXITED:	/* an exit, or a runtime limit's stop done */
		return from == PROC_STARTING || from == PROC_RUNNING ||
		    from == PROC_STOPPED;
	case PROC_RUNNING:
	case PROC_BACKOFF:
	case PROC_STOPPING:
	case PROC_FATAL:
		return true;
	}
	return false;
}

/* Every change of p_state: checked, logged, told to the observers. */
static void
process_set_state(struct process *p, enum proc_state state)
{
	enum proc_state from = p->p_state;
	struct process_observer *o, *next;

	if (!transition_is_legal(from, state))
		fatalx("%s: illegal state change %s -> %s", p->p_name,
		    state_names[from], state_names[state]);
	log_debug("%s: %s -> %s", p->p_name, state_names[from],
	    state_names[state]);
	p->p_state = state;
	for (o = observers; o != NULL; o = next) {
		next = o->po_next;
		if (o->po_changed != NULL)
			o->po_changed(p, from, o->po_arg);
	}
}

/*
 * Timers count from the loop's cached time, which handling many processes
 * in one iteration (spawning, signalling whole trees) can leave behind by
 * more than a startsecs or a stopwaitsecs: refresh it first, so each
 * period counts from the moment it starts for its own process.
 */
static void
timer_start(struct process *p, double after)
{
	ev_now_update(loop);
	ev_timer_stop(loop, &p->p_timer);
	ev_timer_set(&p->p_timer, after, 0);
	ev_timer_start(loop, &p->p_timer);
}

/* Seconds since the current process was spawned, on the monotonic clock. */
double
process_uptime(const struct process *p)
{
	return mono_now() - p->p_start_time;
}

bool
process_is_gone(struct process *p)
{
	return p->p_pid == 0 && tree_is_gone(&p->p_tree);
}

/* Down for good or for now, and nothing of it left running. */
bool
process_is_down(struct process *p)
{
	return (p->p_state == PROC_STOPPED || p->p_state == PROC_EXITED ||
	    p->p_state == PROC_FATAL || p->p_state == PROC_WAITING) &&
	    process_is_gone(p);
}

/*
 * Its group's name ([group:x], or its program's when in none): the one
 * answer for XML-RPC's group, SUPERVISOR_GROUP_NAME and events.
 */
const char *
process_group(const struct process *p)
{
	return p->p_program->pg_group;
}

/*
 * The file its stream's log is written to now (an AUTO log's name once
 * made), or NULL when it has none.
 */
const char *
process_log_path(const struct process *p, int stream)
{
	const struct capture_stream *cs = p->p_capture.c_stream[stream];
	const struct logfile *lf = cs != NULL ? capture_logfile(cs) : NULL;

	if (lf != NULL && lf->lf_path != NULL)
		return lf->lf_path;
	if (p->p_config->pcf_log[stream].lc_dest == LOG_TO_FILE &&
	    p->p_config->pcf_log[stream].lc_path != NULL)
		return p->p_config->pcf_log[stream].lc_path;
	return NULL;
}

/* True while anything of the process may still run and no stop is under
 * way. */
bool
process_needs_stop(struct process *p)
{
	if (p->p_state == PROC_STOPPING)
		return false;
	return p->p_spawn_queued || !process_is_gone(p);
}

/* ---- spawning -------------------------------------------------------- */

static void
exec_pipe_close(struct process *p)
{
	if (p->p_exec_fd == -1)
		return;
	if (p->p_exec_watcher != NULL) {
		ev_io_stop(loop, p->p_exec_watcher);
		free(p->p_exec_watcher);
		p->p_exec_watcher = NULL;
	}
	close(p->p_exec_fd);
	p->p_exec_fd = -1;
}

static void
stdin_close(struct process *p)
{
	if (p->p_stdin_fd == -1)
		return;
	close(p->p_stdin_fd);
	p->p_stdin_fd = -1;
}

/*
 * A pipe for the stdin of p's next process, as supervisord gives: the
 * supervisor holds its write end (non-blocking) while the process runs,
 * so a program that reads its stdin waits for input rather than seeing
 * end of file at once.  Returns the read end for the child, or -1
 * (said) for /dev/null.
 */
static int
stdin_open(struct process *p)
{
	int fds[2];

	stdin_close(p);
	if (pipe2(fds, O_CLOEXEC) == -1) {
		log_warn("%s: stdin pipe: %s (its stdin is /dev/null)",
		    p->p_name, strerror(errno));
		return -1;
	}
	(void)fcntl(fds[1], F_SETFL, O_NONBLOCK);
	p->p_stdin_fd = fds[1];
	return fds[0];
}

/* What a WAITING process waits for, in words ("" when nothing). */
const char *
process_waiting_for(const struct process *p)
{
	return p->p_waiting_for != NULL ? p->p_waiting_for : "";
}

/* The write end of the running process's stdin, -1 if it has none. */
int
process_stdin(const struct process *p)
{
	return p->p_stdin_fd;
}

/* Reads what the child said about its exec, if anything yet. */
static void
exec_pipe_drain(struct process *p)
{
	int rc;

	if (p->p_exec_fd == -1)
		return;
	spawn_collect();	/* a child that exec'd leaves our slots */
	rc = spawn_read_error(p->p_exec_fd, &p->p_exec_error);
	if (rc == -1)
		return;
	/* startsecs=0 never passes through STARTING: a good exec counts. */
	if (rc == 0 && p->p_state == PROC_RUNNING)
		p->p_retries = 0;
	if (rc == 1) {
		p->p_exec_failed = true;
		errno = p->p_exec_error.se_errno;
		if (p->p_exec_error.se_stage == SPAWN_STAGE_EXEC)
			log_warn("%s: exec %s", p->p_name,
			    p->p_config->pcf_argv[0]);
		else if (p->p_exec_error.se_stage == SPAWN_STAGE_CHDIR)
			log_warn("%s: chdir %s", p->p_name,
			    p->p_config->pcf_directory);
		else
			log_warn("%s: %s", p->p_name,
			    spawn_stage_name(p->p_exec_error.se_stage));
	}
	exec_pipe_close(p);
}

static void
exec_pipe_cb(struct ev_loop *l, ev_io *w, int revents)
{
	(void)l;
	(void)revents;
	exec_pipe_drain(w->data);
}

static void	failed_start(struct process *);

static void
ready_pipe_close(struct process *p)
{
	if (p->p_ready_fd != -1) {
		close(p->p_ready_fd);
		p->p_ready_fd = -1;
	}
}

bool
process_has_readiness(const struct process *p)
{
	return p->p_program->pg_probes->pp_ready.pb_kind != PROBE_NONE;
}

/*
 * A start that failed before there was a child (errno says why): said
 * once while it keeps failing the same way (out of processes or
 * descriptors, each retry would say it again), then at debug level.
 */
static void
start_fault(struct process *p, const char *what, const char *on)
{
	int err = errno;

	if (err != p->p_start_errno)
		log_warnx("%s: %s%s%s: %s", p->p_name, what, on ? " " : "",
		    on ? on : "", strerror(err));
	else
		log_debug("%s: %s%s%s: %s (again)", p->p_name, what,
		    on ? " " : "", on ? on : "", strerror(err));
	p->p_start_errno = err;
	failed_start(p);
}

/* The observers give a listener's pipes (stdio) before the fork. */
static void
tell_spawning(struct process *p, int stdio[3])
{
	struct process_observer *o, *next;

	for (o = observers; o != NULL; o = next) {
		next = o->po_next;
		if (o->po_spawning != NULL)
			o->po_spawning(p, stdio, o->po_arg);
	}
}

static void
tell_spawned(struct process *p, pid_t pid)
{
	struct process_observer *o, *next;

	for (o = observers; o != NULL; o = next) {
		next = o->po_next;
		if (o->po_spawned != NULL)
			o->po_spawned(p, pid, o->po_arg);
	}
}

bool
process_exit_expected(const struct process *p)
{
	int status = p->p_exit_status;

	return WIFEXITED(status) &&
	    exit_set_has(&p->p_program->pg_exitcodes, WEXITSTATUS(status));
}

/*
 * Forks and execs p now: STARTING (or RUNNING with startsecs=0), or a
 * failed start.  p may be STARTING already, queued by spawn_attempt.
 */
static void
spawn_now(struct process *p)
{
	struct spawn_extra sx = { .sx_fd = -1 };
	const struct probe_config *ready = &p->p_program->pg_probes->pp_ready;
	struct process_observer *o, *next;
	char cgroup_dir[PATH_MAX];
	int fd, cgroup_fd, stdio[3], ready_pipe[2] = { -1, -1 };
	bool own_stdin;
	pid_t pid;

	p->p_exec_failed = false;
	p->p_limit_hit = false;
	p->p_ready_failed = false;
	ready_pipe_close(p);
	if (ready->pb_kind == PROBE_FD) {
		/* The program writes its newline to fd N (s6's way). */
		if (pipe2(ready_pipe, O_CLOEXEC | O_NONBLOCK) == -1) {
			start_fault(p, "readiness pipe", NULL);
			return;
		}
		sx.sx_fd = ready_pipe[1];
		sx.sx_fd_target = ready->pb_fd;
	} else if (ready->pb_kind == PROBE_NOTIFY ||
	    p->p_program->pg_probes->pp_watchdog > 0)
		sx.sx_notify_socket = notifysock_path();
	if ((cgroup_fd = tree_prepare_spawn(&p->p_tree)) == -1) {
		start_fault(p, "cgroup", tree_dir(&p->p_tree,
		    cgroup_dir, sizeof(cgroup_dir)));
		if (ready_pipe[0] != -1) {
			close(ready_pipe[0]);
			close(ready_pipe[1]);
		}
		return;
	}
	stdio[0] = -1;
	(void)capture_prepare(&p->p_capture, p->p_config, stdio + 1);
	/* An event listener's stdin is its protocol pipe, its observer's. */
	tell_spawning(p, stdio);
	if ((own_stdin = stdio[0] == -1))
		stdio[0] = stdin_open(p);
	pid = spawn_process(p->p_program, p->p_config, cgroup_fd, stdio, &sx,
	    &fd);
	tell_spawned(p, pid);
	if (cgroup_fd >= 0)
		close(cgroup_fd);
	if (own_stdin && stdio[0] != -1)
		close(stdio[0]);
	if (ready_pipe[1] != -1)
		close(ready_pipe[1]);
	if (pid == -1 && ready_pipe[0] != -1)
		close(ready_pipe[0]);
	else
		p->p_ready_fd = ready_pipe[0];
	if (pid == -1) {
		stdin_close(p);
		/* The fork, or a pipe or memory it needs first. */
		start_fault(p, "cannot start", NULL);
		return;
	}
	if (p->p_start_errno != 0) {
		log_info("%s: started again after failing to (%s)", p->p_name,
		    strerror(p->p_start_errno));
		p->p_start_errno = 0;
	}
	p->p_spawns++;
	p->p_pid = pid;
	tree_spawned(&p->p_tree, pid);
	/* Uptime, startsecs and runtime_limit count from this spawn; the
	 * clock is read before the loop's, so its timers cannot end early. */
	p->p_start_time = mono_now();
	ev_now_update(loop);
	if (p->p_program->pg_runtime_limit > 0) {
		ev_timer_set(&p->p_limit, p->p_program->pg_runtime_limit, 0);
		ev_timer_start(loop, &p->p_limit);
	}
	p->p_exec_fd = fd;
	/* Out of memory, the pipe is read when the process exits. */
	if ((p->p_exec_watcher = malloc(sizeof(*p->p_exec_watcher))) != NULL) {
		ev_io_init(p->p_exec_watcher, exec_pipe_cb, fd, EV_READ);
		p->p_exec_watcher->data = p;
		ev_io_start(loop, p->p_exec_watcher);
	}
	log_info("spawned %s pid %d", p->p_name, (int)pid);
	if (p->p_program->pg_startsecs <= 0 && !process_has_readiness(p))
		process_set_state(p, PROC_RUNNING);
	else {
		if (p->p_state != PROC_STARTING)
			process_set_state(p, PROC_STARTING);
		/* With ready=, RUNNING means ready: startsecs gives way. */
		if (!process_has_readiness(p))
			timer_start(p, p->p_program->pg_startsecs);
		else if (p->p_program->pg_probes->pp_ready_timeout > 0)
			timer_start(p,
			    p->p_program->pg_probes->pp_ready_timeout);
	}
	for (o = observers; o != NULL; o = next) {
		next = o->po_next;
		if (o->po_started != NULL)
			o->po_started(p, o->po_arg);
	}
}

/*
 * Whether this loop round has room for one more spawn: at least one, then
 * as many as fit in SPAWN_ROUND_S of spawning (a spawn takes from a tenth
 * of a millisecond to several, by build and machine).
 */
static bool
spawn_room(void)
{
	unsigned round = ev_iteration(loop);
	double now = mono_now();

	if (round != spawn_round) {
		spawn_round = round;
		spawn_round_start = now;
		return true;
	}
	return now - spawn_round_start < SPAWN_ROUND_S;
}

static void
dequeue(struct process *p)
{
	struct process **pp;

	if (!p->p_spawn_queued)
		return;
	for (pp = &spawn_queue; *pp != NULL; pp = &(*pp)->p_spawn_next)
		if (*pp == p) {
			*pp = p->p_spawn_next;
			break;
		}
	if (spawn_queue_tail == p) {
		spawn_queue_tail = NULL;
		for (pp = &spawn_queue; *pp != NULL; pp = &(*pp)->p_spawn_next)
			spawn_queue_tail = *pp;
	}
	p->p_spawn_queued = false;
	p->p_spawn_next = NULL;
}

/*
 * A spawn, now if this loop round has room, else in a later round: a
 * crash storm of hundreds of programs must not keep the loop from its
 * clients (each spawn waits for its child to exec).  A queued process is
 * STARTING, with no pid yet, until its turn.
 */
static void
spawn_attempt(struct process *p)
{
	if (p->p_spawn_queued)
		return;
	if (spawn_room()) {
		spawn_now(p);
		return;
	}
	p->p_spawn_queued = true;
	p->p_spawn_next = NULL;
	if (spawn_queue_tail != NULL)
		spawn_queue_tail->p_spawn_next = p;
	else
		spawn_queue = p;
	spawn_queue_tail = p;
	if (p->p_state != PROC_STARTING)
		process_set_state(p, PROC_STARTING);
	if (!ev_is_active(&spawn_watcher)) {
		ev_timer_set(&spawn_watcher, 0, 0);
		ev_timer_start(loop, &spawn_watcher);
	}
}

/*
 * A start, unless its dependencies hold it back: then WAITING, with what
 * for, until process_recheck finds them holding.
 */
static void
start_or_wait(struct process *p)
{
	char why[PROC_WAIT_MAX], *w;
	struct process_observer *o, *next;

	if (gate != NULL && !gate(p, why, sizeof(why))) {
		bool changed = p->p_waiting_for == NULL ||
		    strcmp(why, p->p_waiting_for) != 0;

		if (changed && (w = strdup(why)) != NULL) {
			free(p->p_waiting_for);
			p->p_waiting_for = w;
		}
		if (p->p_state != PROC_WAITING) {
			ev_timer_stop(loop, &p->p_timer);
			process_set_state(p, PROC_WAITING);
			log_info("%s is WAITING: %s", p->p_name, why);
		} else if (changed) {
			log_info("%s is WAITING: %s", p->p_name, why);
			for (o = observers; o != NULL; o = next) {
				next = o->po_next;
				if (o->po_waiting != NULL)
					o->po_waiting(p, o->po_arg);
			}
		}
		return;
	}
	free(p->p_waiting_for);
	p->p_waiting_for = NULL;
	spawn_attempt(p);
}

/* A later loop round: the next batch of queued spawns, oldest first. */
static void
spawn_cb(struct ev_loop *l, ev_timer *w, int revents)
{
	struct process *p;

	(void)revents;
	/* Nothing starts once the supervisor is stopping: the teardown
	 * stops what is queued as it stops the rest. */
	while (spawn_queue != NULL && !shutting_down && spawn_room()) {
		p = spawn_queue;
		dequeue(p);
		spawn_now(p);
	}
	if (spawn_queue != NULL && !shutting_down) {
		ev_timer_set(w, 0, 0);
		ev_timer_start(l, w);
	}
}

/* ---- what follows an exit or a failed start ----------------------- */

/* 1, 2, 4, 8 ... seconds for attempt 1, 2, 3 ..., capped by backoff_max. */
static double
backoff_delay(const struct process *p, int attempt)
{
	double delay = 1;
	int i;

	for (i = 1; i < attempt && delay < p->p_program->pg_backoff_max; i++)
		delay *= 2;

	return delay < p->p_program->pg_backoff_max ? delay :
	    p->p_program->pg_backoff_max;
}

/*
 * shutdown_on_exit: this process takes everything down with it.  From
 * here on nothing starts; the observers (the teardown) stop the rest.
 */
static void
request_shutdown(struct process *p, const char *what)
{
	static const char *const words[] = {
		[SHUTDOWN_NEVER] = "false", [SHUTDOWN_ANY_EXIT] = "true",
		[SHUTDOWN_UNEXPECTED] = "unexpected", [SHUTDOWN_FATAL] = "fatal",
	};
	struct process_observer *o, *next;
	int code;

	if (shutting_down)
		return;
	/* FATAL without ever running (fork failed): no status to pass on. */
	code = p->p_spawns > 0 ? wstatus_exit_code(p->p_exit_status) : 1;
	log_warnx("%s %s and has shutdown_on_exit = %s; stopping everything "
	    "(exit status %d)", p->p_name, what,
	    words[p->p_program->pg_shutdown_on_exit], code);
	shutting_down = true;
	for (o = observers; o != NULL; o = next) {
		next = o->po_next;
		if (o->po_shutdown != NULL)
			o->po_shutdown(p, code, o->po_arg);
	}
}

/*
 * The process is done for good (EXITED or FATAL) while the supervisor
 * runs on: whatever is left of its tree has lost its program, and is
 * killed rather than left to run unsupervised.
 */
static void
settle(struct process *p, enum proc_state state)
{
	process_set_state(p, state);
	if (shutting_down || process_is_gone(p))
		return;
	log_warnx("%s: killing what is left of its process tree", p->p_name);
	tree_signal(&p->p_tree, SIGKILL);
}

/* A start that did not reach RUNNING: retry later, or give up. */
static void
failed_start(struct process *p)
{
	double delay;

	p->p_retries++;
	if (p->p_retries > p->p_program->pg_startretries) {
		settle(p, PROC_FATAL);
		log_error("%s gave up after %d retr%s (FATAL)", p->p_name,
		    p->p_retries - 1, p->p_retries - 1 == 1 ? "y" : "ies");
		if (p->p_program->pg_shutdown_on_exit == SHUTDOWN_FATAL)
			request_shutdown(p, "went FATAL");
		return;
	}
	delay = backoff_delay(p, p->p_retries);
	process_set_state(p, PROC_BACKOFF);
	log_info("%s: retry %d of %d in %gs", p->p_name, p->p_retries,
	    p->p_program->pg_startretries, delay);
	timer_start(p, delay);
}

/* Restarts at once, or after a growing delay if it keeps dying young. */
static void
restart_after_exit(struct process *p, double up, const char *how)
{
	double delay;

	if (up >= RESTART_QUICK) {
		p->p_quick_exits = 0;
		log_info("%s exited with %s; restarting", p->p_name, how);
		start_or_wait(p);
		return;
	}
	/* It keeps dying at once: don't let it spin the supervisor. */
	p->p_quick_exits++;
	delay = backoff_delay(p, p->p_quick_exits);
	process_set_state(p, PROC_BACKOFF);
	log_info("%s exited with %s after %.3fs; restarting in %gs",
	    p->p_name, how, up, delay);
	timer_start(p, delay);
}

/* A RUNNING process exited on its own: restart it, or not. */
static void
running_exited(struct process *p)
{
	const struct program_config *pg = p->p_program;
	int status = p->p_exit_status;
	bool expected, restart;
	double up = process_uptime(p);
	char how[64];

	ev_timer_stop(loop, &p->p_limit);
	expected = WIFEXITED(status) && exit_set_has(&pg->pg_exitcodes,
	    WEXITSTATUS(status));
	restart = pg->pg_autorestart == AUTORESTART_TRUE ||
	    (pg->pg_autorestart == AUTORESTART_UNEXPECTED && !expected);
	wstatus_describe(status, how, sizeof(how));
	if (!shutting_down && (pg->pg_shutdown_on_exit == SHUTDOWN_ANY_EXIT ||
	    (pg->pg_shutdown_on_exit == SHUTDOWN_UNEXPECTED && !expected))) {
		process_set_state(p, PROC_EXITED);
		log_info("%s exited with %s (%s)", p->p_name, how,
		    expected ? "expected" : "not expected");
		request_shutdown(p, "exited");
		return;
	}
	if (shutting_down || !restart) {
		settle(p, PROC_EXITED);
		log_info("%s exited with %s (%s)", p->p_name, how,
		    expected ? "expected" : "not expected");
		return;
	}
	restart_after_exit(p, up, how);
}

/* A STARTING process died before startsecs. */
static void
starting_exited(struct process *p)
{
	const struct program_config *pg = p->p_program;
	int status = p->p_exit_status;
	bool expected;
	char how[64];

	ev_timer_stop(loop, &p->p_timer);
	ev_timer_stop(loop, &p->p_limit);
	log_info("%s exited with %s before %s", p->p_name,
	    wstatus_describe(status, how, sizeof(how)),
	    process_has_readiness(p) ? "it was ready" : "startsecs");
	expected = WIFEXITED(status) && exit_set_has(&pg->pg_exitcodes,
	    WEXITSTATUS(status))
	    && !p->p_exec_failed;
	if (shutting_down) {
		process_set_state(p, PROC_EXITED);
		return;
	}
	if (pg->pg_shutdown_on_exit == SHUTDOWN_ANY_EXIT ||
	    (pg->pg_shutdown_on_exit == SHUTDOWN_UNEXPECTED && !expected)) {
		process_set_state(p, PROC_EXITED);
		request_shutdown(p, "exited");
		return;
	}
	failed_start(p);
}

/* The stop the runtime limit began has finished: an unexpected exit. */
static void
limit_stop_done(struct process *p)
{
	const struct program_config *pg = p->p_program;
	double up = process_uptime(p);
	char how[64];

	wstatus_describe(p->p_exit_status, how, sizeof(how));
	if (!shutting_down && (pg->pg_shutdown_on_exit == SHUTDOWN_ANY_EXIT ||
	    pg->pg_shutdown_on_exit == SHUTDOWN_UNEXPECTED)) {
		process_set_state(p, PROC_EXITED);
		request_shutdown(p, "reached its runtime limit");
		return;
	}
	if (shutting_down || pg->pg_autorestart == AUTORESTART_FALSE) {
		process_set_state(p, PROC_EXITED);
		return;
	}
	restart_after_exit(p, up, how);
}

/* ---- stopping --------------------------------------------------------- */

/* The leader is gone; poll until the rest of its tree is gone too. */
static void
wait_for_tree(struct process *p)
{
	if (p->p_pid != 0)
		return;
	if (!ev_is_active(&p->p_poll)) {
		p->p_poll_interval = POLL_FIRST;
		ev_timer_set(&p->p_poll, 0, 0);
		ev_timer_start(loop, &p->p_poll);
	}
}

static void
kill_now(struct process *p)
{
	ev_timer_stop(loop, &p->p_timer);
	tree_signal(&p->p_tree, SIGKILL);
	p->p_killed = true;
	wait_for_tree(p);
}

static void
begin_stop(struct process *p)
{
	const struct program_config *pg = p->p_program;

	dequeue(p);
	ev_timer_stop(loop, &p->p_timer);
	ev_timer_stop(loop, &p->p_limit);
	process_set_state(p, PROC_STOPPING);
	p->p_killed = false;
	if (shutdown_hard) {
		log_info("stopping %s (SIGKILL)", p->p_name);
		kill_now(p);
		return;
	}
	log_info("stopping %s (SIG%s)", p->p_name,
	    signal_name(pg->pg_stopsignal));
	/* A stopped process can't act on the signal until it runs again. */
	if (pg->pg_stopsignal != SIGKILL && pg->pg_stopsignal != SIGCONT &&
	    pg->pg_stopsignal != SIGSTOP && pg->pg_stopsignal != SIGTSTP)
		tree_signal_then_cont(&p->p_tree, pg->pg_stopsignal);
	else
		tree_signal(&p->p_tree, pg->pg_stopsignal);
	if (pg->pg_stopsignal == SIGKILL)
		p->p_killed = true;
	timer_start(p, pg->pg_stopwaitsecs);
	wait_for_tree(p);
}

static void	take_next(struct process *);

/* The whole tree of a STOPPING process is gone: what comes next. */
static void
stopped(struct process *p)
{
	bool renewed = p->p_next_cf != NULL;

	if (shutting_down)
		tree_retire(&p->p_tree);	/* it starts no more */
	take_next(p);
	if (p->p_retired)
		return;		/* the table sweeps it out */
	if (p->p_ready_failed) {
		p->p_ready_failed = false;
		/* Unless a reload has asked for a start with new settings. */
		if (!shutting_down && !p->p_then_start) {
			failed_start(p);
			return;
		}
	}
	if (p->p_then_start && !shutting_down) {
		p->p_then_start = false;
		p->p_limit_hit = false;
		log_info("%s: starting %s", p->p_name, renewed ?
		    "with its new settings" : "again");
		process_event(p, PEV_START);
	} else if (p->p_limit_hit)
		limit_stop_done(p);
}

/* ---- the state machine ---------------------------------------------- */

static void
process_event(struct process *p, enum proc_event ev)
{
	/* Any stop asked for cancels the start a reload had planned. */
	if (ev == PEV_STOP)
		p->p_then_start = false;
	switch (p->p_state) {
	case PROC_STOPPED:
	case PROC_EXITED:
	case PROC_FATAL:
		if (ev == PEV_START && !shutting_down) {
			p->p_retries = 0;
			p->p_quick_exits = 0;
			start_or_wait(p);
		} else if (ev == PEV_STOP && !process_is_gone(p))
			begin_stop(p);
		break;
	case PROC_WAITING:
		if (ev == PEV_START && !shutting_down)
			start_or_wait(p);
		else if (ev == PEV_STOP) {
			free(p->p_waiting_for);
			p->p_waiting_for = NULL;
			process_set_state(p, PROC_STOPPED);
		}
		break;
	case PROC_STARTING:
		if (ev == PEV_TIMER && process_has_readiness(p)) {
			double left = p->p_program->pg_probes->pp_ready_timeout -
			    process_uptime(p);

			if (left > 0) {	/* the loop's clock ran ahead */
				timer_start(p, left);
				break;
			}
			log_warnx("%s was not ready within ready_timeout = %gs; "
			    "stopping it (a failed start)", p->p_name,
			    p->p_program->pg_probes->pp_ready_timeout);
			begin_stop(p);
			p->p_ready_failed = true;
		} else if (ev == PEV_TIMER) {
			double left = p->p_program->pg_startsecs - process_uptime(p);

			if (left > 0) {	/* the loop's clock ran ahead */
				timer_start(p, left);
				break;
			}
			process_set_state(p, PROC_RUNNING);
			p->p_retries = 0;
			log_info("%s is RUNNING (up %.3fs)", p->p_name,
			    process_uptime(p));
		} else if (ev == PEV_EXIT)
			starting_exited(p);
		else if (ev == PEV_STOP || ev == PEV_LIMIT)
			begin_stop(p);
		break;
	case PROC_RUNNING:
		if (ev == PEV_EXIT)
			running_exited(p);
		else if (ev == PEV_STOP || ev == PEV_LIMIT)
			begin_stop(p);
		break;
	case PROC_BACKOFF:
		if (ev == PEV_TIMER && !shutting_down)
			start_or_wait(p);
		else if (ev == PEV_STOP) {
			ev_timer_stop(loop, &p->p_timer);
			if (process_is_gone(p))
				process_set_state(p, PROC_STOPPED);
			else
				begin_stop(p);
		} else if (ev == PEV_START) {
			ev_timer_stop(loop, &p->p_timer);
			p->p_retries = 0;
			start_or_wait(p);
		}
		break;
	case PROC_STOPPING:
		if (ev == PEV_TIMER) {
			log_warnx("%s did not stop within %gs; sending SIGKILL",
			    p->p_name, p->p_program->pg_stopwaitsecs);
			kill_now(p);
		} else if (ev == PEV_KILL)
			kill_now(p);
		else if (ev == PEV_EXIT) {
			char how[64];

			log_debug("%s: leader exited with %s", p->p_name,
			    wstatus_describe(p->p_exit_status, how, sizeof(how)));
			wait_for_tree(p);
		} else if (ev == PEV_GONE) {
			ev_timer_stop(loop, &p->p_timer);
			ev_timer_stop(loop, &p->p_poll);
			process_set_state(p, PROC_STOPPED);
			log_info("%s stopped", p->p_name);
			stopped(p);
		}
		break;
	}
}

static void
timer_cb(struct ev_loop *l, ev_timer *w, int revents)
{
	(void)l;
	(void)revents;
	process_event(w->data, PEV_TIMER);
}

static void
limit_cb(struct ev_loop *l, ev_timer *w, int revents)
{
	struct process *p = w->data;
	double left = p->p_program->pg_runtime_limit - process_uptime(p);

	(void)revents;
	if (p->p_state != PROC_STARTING && p->p_state != PROC_RUNNING)
		return;
	if (left > 0) {		/* the loop's clock ran ahead */
		ev_timer_set(w, left, 0);
		ev_timer_start(l, w);
		return;
	}
	log_info("%s: runtime limit %gs reached (up %.3fs)", p->p_name,
	    p->p_program->pg_runtime_limit, process_uptime(p));
	p->p_limit_hit = true;
	process_event(p, PEV_LIMIT);
}

/*
 * Polls a tree whose leader is gone, backing off up to POLL_MAX; after
 * SIGKILL, each poll kills again whatever the tree forked meanwhile.
 */
static void
poll_cb(struct ev_loop *l, ev_timer *w, int revents)
{
	struct process *p = w->data;

	(void)l;
	(void)revents;
	if (p->p_state != PROC_STOPPING)
		return;
	if (process_is_gone(p)) {
		process_event(p, PEV_GONE);
		return;
	}
	if (p->p_killed)
		tree_signal(&p->p_tree, SIGKILL);
	ev_timer_set(&p->p_poll, p->p_poll_interval, 0);
	ev_timer_start(loop, &p->p_poll);
	p->p_poll_interval *= 2;
	if (p->p_poll_interval > POLL_MAX)
		p->p_poll_interval = POLL_MAX;
}

/*
 * The table reaped p's leader.  Returns whether orphans of its tree may
 * be among the supervisor's children: asked before a restart puts a new
 * process in the tree.
 */
bool
process_exited(struct process *p, int status)
{
	struct process_observer *o, *next;
	bool orphans;

	p->p_pid = 0;
	tree_leader_reaped(&p->p_tree);
	p->p_exit_status = status;
	p->p_exit_time = mono_now();
	exec_pipe_drain(p);
	exec_pipe_close(p);
	stdin_close(p);
	if (p->p_exec_failed && p->p_state == PROC_RUNNING) {
		/* startsecs=0: a failed exec is still a failed start. */
		process_set_state(p, PROC_STARTING);
	}
	for (o = observers; o != NULL; o = next) {
		next = o->po_next;
		if (o->po_exited != NULL)
			o->po_exited(p, o->po_arg);
	}
	orphans = tree_may_have_orphans(&p->p_tree);
	process_event(p, PEV_EXIT);
	return orphans;
}

/* Reaps may have emptied the tree of a STOPPING process whose leader is
 * gone: it is STOPPED once nothing of it is left. */
void
process_check_gone(struct process *p)
{
	if (p->p_state == PROC_STOPPING && p->p_pid == 0 &&
	    p->p_tree.t_ngroups > 0 && process_is_gone(p))
		process_event(p, PEV_GONE);
}

/* ---- asked from outside ---------------------------------------------- */

void
process_start(struct process *p)
{
	process_event(p, PEV_START);
}

void
process_stop(struct process *p)
{
	process_event(p, PEV_STOP);
}

void
process_kill(struct process *p)
{
	process_event(p, PEV_KILL);
}

/*
 * Its readiness probe (or READY=1, or its fd:N newline) says it is ready:
 * a STARTING process is RUNNING from now.  Anything else ignores it (a
 * second READY=1, one after a stop began).
 */
void
process_ready(struct process *p, const char *how)
{
	if (p->p_state != PROC_STARTING || p->p_pid == 0 ||
	    !process_has_readiness(p))
		return;
	ev_timer_stop(loop, &p->p_timer);
	process_set_state(p, PROC_RUNNING);
	p->p_retries = 0;
	log_info("%s is RUNNING: ready (%s) after %.3fs", p->p_name, how,
	    process_uptime(p));
}

/*
 * Its health check failed too often, its watchdog ran out, or a
 * dependency it is bound to restarted: its whole tree is stopped (its
 * stop signal and grace), then it starts again.
 */
void
process_restart(struct process *p, const char *why)
{
	if (shutting_down || (p->p_state != PROC_RUNNING &&
	    p->p_state != PROC_STARTING))
		return;
	log_warnx("%s: restarting: %s", p->p_name, why);
	begin_stop(p);
	p->p_then_start = true;
}

/* Its dependencies may hold now: a WAITING process tries again. */
void
process_recheck(struct process *p)
{
	if (p->p_state == PROC_WAITING && !shutting_down)
		start_or_wait(p);
}

/* Sends sig to every process of p's tree; false when nothing is left. */
bool
process_signal(struct process *p, int sig)
{
	if (process_is_gone(p))
		return false;
	tree_signal(&p->p_tree, sig);
	return true;
}

/* A user stopped it (held): reloads leave it down until a user starts it. */
void
process_hold(struct process *p, bool held)
{
	p->p_held = held;
}

/* SIGUSR2: its log files opened anew. */
void
process_reopen_logs(struct process *p)
{
	capture_reopen(&p->p_capture);
}

void
process_set_shutdown(bool hard)
{
	shutting_down = true;
	if (hard)
		shutdown_hard = true;
}

bool
process_shutting_down(void)
{
	return shutting_down;
}

bool
process_shutdown_is_hard(void)
{
	return shutdown_hard;
}

/* ---- life --------------------------------------------------------------- */

/* A new process, STOPPED, watchers ready, none active; in no table. */
struct process *
process_create(struct config *cf, const struct program_config *pg,
    const struct proc_config *pc)
{
	struct process *p;

	if ((p = calloc(1, sizeof(*p))) == NULL)
		return NULL;
	if ((p->p_name = strdup(pc->pcf_name)) == NULL) {
		free(p);
		return NULL;
	}
	p->p_cf = config_ref(cf);
	p->p_program = pg;
	p->p_config = pc;
	p->p_state = PROC_STOPPED;
	p->p_exec_fd = -1;
	p->p_ready_fd = -1;
	p->p_stdin_fd = -1;
	tree_setup(&p->p_tree, p->p_name);
	capture_init(&p->p_capture, p->p_name, p);
	ev_timer_init(&p->p_timer, timer_cb, 0, 0);
	p->p_timer.data = p;
	ev_timer_init(&p->p_poll, poll_cb, 0, 0);
	p->p_poll.data = p;
	ev_timer_init(&p->p_limit, limit_cb, 0, 0);
	p->p_limit.data = p;
	return p;
}

/*
 * Tells the observers, stops every watcher, closes every fd, drops its
 * configs, frees it: a process leaving the table, or one process_create
 * made that never joined it.
 */
void
process_free(struct process *p)
{
	struct process_observer *o, *next;

	for (o = observers; o != NULL; o = next) {
		next = o->po_next;
		if (o->po_removed != NULL)
			o->po_removed(p, o->po_arg);
	}
	dequeue(p);
	ev_timer_stop(loop, &p->p_timer);
	ev_timer_stop(loop, &p->p_poll);
	ev_timer_stop(loop, &p->p_limit);
	exec_pipe_close(p);
	ready_pipe_close(p);
	stdin_close(p);
	capture_free(&p->p_capture);
	free(p->p_waiting_for);
	p->p_waiting_for = NULL;
	tree_free(&p->p_tree);
	config_free(p->p_next_cf);
	config_free(p->p_cf);
	free(p->p_name);
	free(p);
}

/* ---- a reload's new settings -------------------------------------- */

/* p's settings are now pg and pc of cf (the same as before, or new). */
static void
rebind(struct process *p, struct config *cf, const struct program_config *pg,
    const struct proc_config *pc)
{
	struct config *old = p->p_cf;

	p->p_cf = config_ref(cf);
	p->p_program = pg;
	p->p_config = pc;
	config_free(old);
}

/* Settings a reload left for p while it ran, to take once it stopped. */
static void
set_next(struct process *p, struct config *cf,
    const struct program_config *pg, const struct proc_config *pc)
{
	config_free(p->p_next_cf);
	p->p_next_cf = cf != NULL ? config_ref(cf) : NULL;
	p->p_next_program = pg;
	p->p_next_config = pc;
}

/* Takes the settings a reload left for p while it was running. */
static void
take_next(struct process *p)
{
	if (p->p_next_cf == NULL)
		return;
	rebind(p, p->p_next_cf, p->p_next_program, p->p_next_config);
	set_next(p, NULL, NULL, NULL);
}

/*
 * What process_replace will do to p, given its new program settings: a
 * process that is up (or was to start again) restarts; one that is down
 * starts if autostart says so; one a user stopped stays stopped.
 */
enum replace_outcome
process_replace_outcome(struct process *p, const struct program_config *pg)
{
	bool was_up = p->p_state == PROC_STARTING ||
	    p->p_state == PROC_RUNNING || p->p_state == PROC_BACKOFF ||
	    (p->p_state == PROC_STOPPING && p->p_then_start);

	if (p->p_held || !(was_up || pg->pg_autostart))
		return REPLACE_UPDATED;
	if (p->p_state != PROC_STOPPING && process_is_gone(p))
		return REPLACE_STARTED;
	return REPLACE_RESTARTING;
}

/*
 * A reload changed p's settings.  What runs was started with the old ones
 * and stops with them (its stopsignal, its stopwaitsecs); it then starts
 * on the new ones.  A process that is down takes them at once.
 */
enum replace_outcome
process_replace(struct process *p, struct config *cf,
    const struct program_config *pg, const struct proc_config *pc)
{
	enum replace_outcome outcome = process_replace_outcome(p, pg);

	if (p->p_state != PROC_STOPPING && process_is_gone(p)) {
		rebind(p, cf, pg, pc);
		if (outcome == REPLACE_STARTED) {
			if (p->p_state == PROC_BACKOFF)
				ev_timer_stop(loop, &p->p_timer);
			process_event(p, PEV_START);
		}
		return outcome;
	}
	set_next(p, cf, pg, pc);
	if (p->p_state != PROC_STOPPING)
		process_event(p, PEV_STOP);
	p->p_then_start = outcome == REPLACE_RESTARTING;
	return outcome;
}

/*
 * A reload found p's settings unchanged: it keeps running as it is, and
 * holds the new config from now on (the old one can go).
 */
void
process_keep(struct process *p, struct config *cf,
    const struct program_config *pg, const struct proc_config *pc)
{
	if (p->p_next_cf == NULL)
		rebind(p, cf, pg, pc);
	else
		set_next(p, cf, pg, pc);
}

/*
 * A reload removed p from the config: its whole tree is stopped, and the
 * table frees it once gone.  Until then it keeps its name, so that a
 * later reload that brings it back finds it.
 */
void
process_retire(struct process *p)
{
	p->p_retired = true;
	p->p_then_start = false;
	set_next(p, NULL, NULL, NULL);
	if (p->p_state == PROC_STOPPING)
		return;
	if (process_is_gone(p)) {
		if (p->p_state == PROC_BACKOFF)
			process_event(p, PEV_STOP);
		return;
	}
	process_event(p, PEV_STOP);
}

/* A reload brought back a process it had removed, still stopping. */
void
process_revive(struct process *p)
{
	p->p_retired = false;
	p->p_held = false;
}
