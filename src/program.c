/*
 * program.c: the process table and each process's state machine, with
 * its timers (startsecs, backoff, stop deadline, runtime limit), spawning
 * and stopping.  Events come from libev callbacks; process_event() handles
 * them with a switch on the state.  What follows an exit or a failed
 * start: program_exit.c.  How the table follows a reload: program_reload.c.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "monotime.h"
#include "parse.h"
#include "program.h"
#include "program_impl.h"
#include "signals.h"
#include "spawn.h"
#include "teardown.h"
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

static struct ev_loop	 *loop;		/* the supervisor's one loop */
static struct process	**procs;	/* every process, config order */
static size_t		  nprocs;
static ev_child		  child_watcher; /* every child, orphans too */
static ev_idle		  adopt_watcher; /* looks at orphans after exits */
static ev_prepare	  reaped_watcher; /* checks trees after reaps */
static void		(*observer)(struct process *); /* told of each change */

static void	process_event(struct process *, enum proc_event);

static const char *const state_names[] = {
	[PROC_STOPPED] = "STOPPED",
	[PROC_STARTING] = "STARTING",
	[PROC_RUNNING] = "RUNNING",
	[PROC_BACKOFF] = "BACKOFF",
	[PROC_STOPPING] = "STOPPING",
	[PROC_EXITED] = "EXITED",
	[PROC_FATAL] = "FATAL",
};

const char *
proc_state_name(enum proc_state state)
{
	return state_names[state];
}

void
process_set_state(struct process *p, enum proc_state state)
{
	log_debug("%s: %s -> %s", p->p_name, state_names[p->p_state],
	    state_names[state]);
	p->p_state = state;
	if (observer != NULL)
		observer(p);
}

/*
 * Timers count from the loop's cached time, which handling many processes
 * in one iteration (spawning, signalling whole trees) can leave behind by
 * more than a startsecs or a stopwaitsecs: refresh it first, so each
 * period counts from the moment it starts for its own process.
 */
void
process_timer_start(struct process *p, double after)
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

static void
exec_pipe_close(struct process *p)
{
	if (p->p_exec_fd == -1)
		return;
	ev_io_stop(loop, &p->p_exec_watcher);
	close(p->p_exec_fd);
	p->p_exec_fd = -1;
}

/* Reads what the child said about its exec, if anything yet. */
static void
exec_pipe_drain(struct process *p)
{
	int rc;

	if (p->p_exec_fd == -1)
		return;
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
	process_failed_start(p);
}

void
process_spawn_attempt(struct process *p)
{
	int fd, cgroup_fd, stdio[2];
	pid_t pid;

	p->p_exec_failed = false;
	p->p_limit_hit = false;
	if ((cgroup_fd = tree_prepare_spawn(&p->p_tree)) == -1) {
		start_fault(p, "cgroup", p->p_tree.t_cgroup);
		return;
	}
	(void)capture_prepare(&p->p_capture, p->p_config, stdio);
	pid = spawn_process(p->p_program, p->p_config, cgroup_fd, stdio, &fd);
	if (cgroup_fd >= 0)
		close(cgroup_fd);
	if (pid == -1) {
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
	ev_io_set(&p->p_exec_watcher, fd, EV_READ);
	ev_io_start(loop, &p->p_exec_watcher);
	log_info("spawned %s pid %d", p->p_name, (int)pid);
	if (p->p_program->pg_startsecs <= 0) {
		process_set_state(p, PROC_RUNNING);
		return;
	}
	process_set_state(p, PROC_STARTING);
	process_timer_start(p, p->p_program->pg_startsecs);
}

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
begin_stop(struct process *p)
{
	const struct program_config *pg = p->p_program;

	ev_timer_stop(loop, &p->p_timer);
	ev_timer_stop(loop, &p->p_limit);
	process_set_state(p, PROC_STOPPING);
	p->p_killed = false;
	if (teardown_is_hard()) {
		log_info("stopping %s (SIGKILL)", p->p_name);
		process_event(p, PEV_KILL);
		wait_for_tree(p);
		return;
	}
	log_info("stopping %s (SIG%s)", p->p_name,
	    signal_name(pg->pg_stopsignal));
	tree_signal(&p->p_tree, pg->pg_stopsignal);
	/* A stopped process can't act on the signal until it runs again. */
	if (pg->pg_stopsignal != SIGKILL && pg->pg_stopsignal != SIGCONT &&
	    pg->pg_stopsignal != SIGSTOP && pg->pg_stopsignal != SIGTSTP)
		tree_signal(&p->p_tree, SIGCONT);
	if (pg->pg_stopsignal == SIGKILL)
		p->p_killed = true;
	process_timer_start(p, pg->pg_stopwaitsecs);
	wait_for_tree(p);
}

static void
kill_now(struct process *p)
{
	ev_timer_stop(loop, &p->p_timer);
	tree_signal(&p->p_tree, SIGKILL);
	p->p_killed = true;
	wait_for_tree(p);
}

/* The whole tree of a STOPPING process is gone: what comes next. */
static void
stopped(struct process *p)
{
	process_take_next(p);
	if (p->p_retired) {
		programs_sweep_soon();
		return;
	}
	if (p->p_then_start && !teardown_is_active()) {
		p->p_then_start = false;
		p->p_limit_hit = false;
		log_info("%s: starting with its new settings", p->p_name);
		process_event(p, PEV_START);
	} else if (p->p_limit_hit)
		process_limit_stop_done(p);
}

/* The state machine.  Every change of p_state happens here. */
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
		if (ev == PEV_START && !teardown_is_active()) {
			p->p_retries = 0;
			p->p_quick_exits = 0;
			process_spawn_attempt(p);
		} else if (ev == PEV_STOP && !process_is_gone(p))
			begin_stop(p);
		break;
	case PROC_STARTING:
		if (ev == PEV_TIMER) {
			double left = p->p_program->pg_startsecs - process_uptime(p);

			if (left > 0) {	/* the loop's clock ran ahead */
				process_timer_start(p, left);
				break;
			}
			process_set_state(p, PROC_RUNNING);
			p->p_retries = 0;
			log_info("%s is RUNNING (up %.3fs)", p->p_name,
			    process_uptime(p));
		} else if (ev == PEV_EXIT)
			process_starting_exited(p);
		else if (ev == PEV_STOP || ev == PEV_LIMIT)
			begin_stop(p);
		break;
	case PROC_RUNNING:
		if (ev == PEV_EXIT) {
			ev_timer_stop(loop, &p->p_limit);
			process_running_exited(p);
		} else if (ev == PEV_STOP || ev == PEV_LIMIT)
			begin_stop(p);
		break;
	case PROC_BACKOFF:
		if (ev == PEV_TIMER && !teardown_is_active())
			process_spawn_attempt(p);
		else if (ev == PEV_STOP) {
			ev_timer_stop(loop, &p->p_timer);
			if (process_is_gone(p))
				process_set_state(p, PROC_STOPPED);
			else
				begin_stop(p);
		} else if (ev == PEV_START) {
			ev_timer_stop(loop, &p->p_timer);
			p->p_retries = 0;
			process_spawn_attempt(p);
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
	if (teardown_is_active())
		teardown_step();
}

static void
limit_cb(struct ev_loop *l, ev_timer *w, int revents)
{
	struct process *p = w->data;
	double left = p->p_program->pg_runtime_limit - process_uptime(p);

	(void)revents;
	if (left > 0 && (p->p_state == PROC_STARTING ||
	    p->p_state == PROC_RUNNING)) {	/* the loop's clock ran ahead */
		ev_timer_set(w, left, 0);
		ev_timer_start(l, w);
		return;
	}
	if (p->p_state == PROC_STARTING || p->p_state == PROC_RUNNING) {
		log_info("%s: runtime limit %gs reached (up %.3fs)", p->p_name,
		    p->p_program->pg_runtime_limit, process_uptime(p));
		p->p_limit_hit = true;
		process_event(p, PEV_LIMIT);
	}
	if (teardown_is_active())
		teardown_step();
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
	if (p->p_state == PROC_STOPPING && process_is_gone(p))
		process_event(p, PEV_GONE);
	else if (p->p_state == PROC_STOPPING) {
		if (p->p_killed)
			tree_signal(&p->p_tree, SIGKILL);
		ev_timer_set(&p->p_poll, p->p_poll_interval, 0);
		ev_timer_start(loop, &p->p_poll);
		p->p_poll_interval *= 2;
		if (p->p_poll_interval > POLL_MAX)
			p->p_poll_interval = POLL_MAX;
	}
	if (teardown_is_active())
		teardown_step();
}

static struct process *
process_by_pid(pid_t pid)
{
	size_t i;

	for (i = 0; i < nprocs; i++)
		if (procs[i]->p_pid == pid)
			return procs[i];
	return NULL;
}

struct process *
process_by_name(const char *name)
{
	size_t i;

	for (i = 0; i < nprocs; i++)
		if (strcmp(procs[i]->p_name, name) == 0)
			return procs[i];
	return NULL;
}

/*
 * After a leader exits, its children are ours (we are a subreaper).  Each
 * child that is no leader is attributed to the process it came from; one
 * that belongs to no process of ours is killed.  Runs when the loop is
 * idle, after restarts have been done.
 */
static void
adopt_cb(struct ev_loop *l, ev_idle *w, int revents)
{
	char name[128];
	pid_t *children;
	size_t i, n;
	struct process *owner;

	(void)l;
	(void)revents;
	ev_idle_stop(loop, w);
	if (tree_children(&children, &n) == -1)
		return;
	for (i = 0; i < n; i++) {
		if (process_by_pid(children[i]) != NULL)
			continue;
		owner = tree_owner(children[i], name, sizeof(name)) ?
		    process_by_name(name) : NULL;
		if (owner != NULL) {
			log_debug("adopted pid %d, an orphan of %s",
			    (int)children[i], owner->p_name);
			continue;
		}
		log_warnx("pid %d was orphaned to the supervisor and belongs "
		    "to no program; killing it", (int)children[i]);
		kill(children[i], SIGKILL);
	}
	free(children);
}

/*
 * Every child the loop reaps comes here: our leaders, and orphans of
 * their trees that were reparented to us (we are a subreaper).
 */
static void
child_cb(struct ev_loop *l, ev_child *w, int revents)
{
	struct process *p;
	char how[64];
	bool orphans;

	(void)l;
	(void)revents;
	p = process_by_pid(w->rpid);
	if (p != NULL) {
		p->p_pid = 0;
		tree_leader_reaped(&p->p_tree);
		p->p_exit_status = w->rstatus;
		p->p_exit_time = mono_now();
		exec_pipe_drain(p);
		exec_pipe_close(p);
		if (p->p_exec_failed && p->p_state == PROC_RUNNING) {
			/* startsecs=0: a failed exec is still a failed start. */
			process_set_state(p, PROC_STARTING);
		}
		/*
		 * A walk of /proc for orphans: only when the tree may have
		 * left some, asked before a restart puts a new process in it.
		 */
		orphans = tree_may_have_orphans(&p->p_tree);
		process_event(p, PEV_EXIT);
		if (orphans)
			ev_idle_start(loop, &adopt_watcher);
	} else
		log_debug("reaped pid %d (%s)", (int)w->rpid,
		    wstatus_describe(w->rstatus, how, sizeof(how)));
	/* Trees are looked at once per loop iteration, not once per reap. */
	ev_prepare_start(loop, &reaped_watcher);
}

/*
 * After the reaps of one loop iteration: any of them may have emptied a
 * tree that is waiting to be gone.  A teardown of N trees reaps about 3N
 * processes; checking every tree on every reap would cost N * 3N.
 */
static void
reaped_cb(struct ev_loop *l, ev_prepare *w, int revents)
{
	struct process *p;
	size_t i;

	(void)l;
	(void)revents;
	ev_prepare_stop(loop, w);
	for (i = 0; i < nprocs; i++) {
		p = procs[i];
		if (p->p_state == PROC_STOPPING && p->p_pid == 0 &&
		    p->p_tree.t_ngroups > 0 && process_is_gone(p))
			process_event(p, PEV_GONE);
	}
	if (teardown_is_active())
		teardown_step();
}

static int
compare_priority(const void *a, const void *b)
{
	const struct process *pa = *(struct process *const *)a;
	const struct process *pb = *(struct process *const *)b;

	if (pa->p_program->pg_priority != pb->p_program->pg_priority)
		return pa->p_program->pg_priority < pb->p_program->pg_priority ?
		    -1 : 1;
	/* Same priority: file order (qsort alone is not stable). */
	return (pa->p_index > pb->p_index) - (pa->p_index < pb->p_index);
}

/* A new process, STOPPED, watchers ready, none active; not in the table. */
struct process *
process_create(struct config *cf, const struct program_config *pg,
    const struct proc_config *pc)
{
	struct process *p;

	if ((p = calloc(1, sizeof(*p))) == NULL)
		return NULL;
	p->p_cf = config_ref(cf);
	p->p_program = pg;
	p->p_config = pc;
	p->p_name = pc->pcf_name;
	p->p_state = PROC_STOPPED;
	p->p_exec_fd = -1;
	tree_setup(&p->p_tree, p->p_name);
	capture_init(&p->p_capture, p->p_name);
	ev_io_init(&p->p_exec_watcher, exec_pipe_cb, -1, EV_READ);
	p->p_exec_watcher.data = p;
	ev_timer_init(&p->p_timer, timer_cb, 0, 0);
	p->p_timer.data = p;
	ev_timer_init(&p->p_poll, poll_cb, 0, 0);
	p->p_poll.data = p;
	ev_timer_init(&p->p_limit, limit_cb, 0, 0);
	p->p_limit.data = p;
	return p;
}

/*
 * Stops every watcher, closes every fd, drops its configs, frees it: a
 * process leaving the table, or one process_create made that never
 * joined it.
 */
void
process_free(struct process *p)
{
	ev_timer_stop(loop, &p->p_timer);
	ev_timer_stop(loop, &p->p_poll);
	ev_timer_stop(loop, &p->p_limit);
	exec_pipe_close(p);
	capture_free(&p->p_capture);
	tree_free(&p->p_tree);
	config_free(p->p_next_cf);
	config_free(p->p_cf);
	free(p);
}

/* Sorts the table by priority, then by position in the config. */
void
programs_table_sort(void)
{
	qsort(procs, nprocs, sizeof(*procs), compare_priority);
}

/* Builds the table from cf: every process STOPPED, none started. */
int
programs_init(struct ev_loop *l, struct config *cf)
{
	struct process *p;
	size_t i, n = 0;
	int j;

	loop = l;
	capture_set_loop(l);
	for (i = 0; i < cf->cf_nprograms; i++)
		n += (size_t)cf->cf_programs[i]->pg_numprocs;
	if ((procs = calloc(n ? n : 1, sizeof(*procs))) == NULL)
		return -1;
	for (i = 0; i < cf->cf_nprograms; i++) {
		for (j = 0; j < cf->cf_programs[i]->pg_numprocs; j++) {
			p = process_create(cf, cf->cf_programs[i],
			    &cf->cf_programs[i]->pg_procs[j]);
			if (p == NULL)
				return -1;
			p->p_index = nprocs;
			procs[nprocs++] = p;
		}
	}
	/* Lower priority starts first and stops last, as in supervisord. */
	programs_table_sort();
	ev_child_init(&child_watcher, child_cb, 0, 0);
	ev_child_start(loop, &child_watcher);
	ev_idle_init(&adopt_watcher, adopt_cb);
	ev_prepare_init(&reaped_watcher, reaped_cb);
	programs_reload_init();
	return 0;
}

void
programs_free(void)
{
	size_t i;

	for (i = 0; i < nprocs; i++)
		process_free(procs[i]);
	free(procs);
	procs = NULL;
	nprocs = 0;
	if (loop != NULL) {
		ev_child_stop(loop, &child_watcher);
		ev_idle_stop(loop, &adopt_watcher);
		ev_prepare_stop(loop, &reaped_watcher);
		programs_reload_stop();
	}
}

/*
 * The table's array and its length, for program_reload.c: a reload puts
 * in a new array, the sweep shortens this one.  The array is malloc'd;
 * programs_table_set takes list and does not free the old one.
 */
struct process **
programs_table(size_t *n)
{
	*n = nprocs;
	return procs;
}

void
programs_table_set(struct process **list, size_t n)
{
	procs = list;
	nprocs = n;
}

struct ev_loop *
programs_loop(void)
{
	return loop;
}

/* SIGUSR2: every program's log files are opened anew. */
void
programs_reopen_logs(void)
{
	size_t i;

	for (i = 0; i < nprocs; i++)
		capture_reopen(&procs[i]->p_capture);
}

void
programs_start_autostart(void)
{
	size_t i;

	for (i = 0; i < nprocs; i++)
		if (procs[i]->p_program->pg_autostart)
			process_event(procs[i], PEV_START);
}

size_t
programs_count(void)
{
	return nprocs;
}

struct process *
programs_get(size_t i)
{
	return i < nprocs ? procs[i] : NULL;
}

/* True while anything of the process may still run. */
bool
process_needs_stop(struct process *p)
{
	if (p->p_state == PROC_STOPPING)
		return false;
	return !process_is_gone(p);
}

/* Teardown's and reloads' entry points into the state machine. */
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

/* The control interface's entry points. */
void
process_start(struct process *p)
{
	process_event(p, PEV_START);
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

/* fn(p) runs after every state change of every process; NULL: none. */
void
programs_set_observer(void (*fn)(struct process *))
{
	observer = fn;
}
