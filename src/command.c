/*
 * command.c: the control requests (status, start, stop, restart, signal,
 * pid, reload, shutdown, tail, version), acting on the process table.
 * start, stop and restart act on every named process at once and reply
 * per process as each one finishes: started = RUNNING after startsecs,
 * stopped = its whole tree gone.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "command.h"
#include "eventpool.h"
#include "config.h"
#include "control.h"
#include "depends.h"
#include "ctlproto.h"
#include "monotime.h"
#include "parse.h"
#include "process.h"
#include "proctable.h"
#include "readiness.h"
#include "reload.h"
#include "signals.h"
#include "strbuf.h"
#include "tail.h"

#ifndef SUPERVISOR_VERSION
#define SUPERVISOR_VERSION "0.0.0"
#endif

enum op_kind {
	OP_START,
	OP_STOP,
	OP_RESTART,
	OP_WAIT,		/* nothing asked: until ready, or failed */
};

enum target_phase {
	T_HELD,			/* its stop waits for its dependents' */
	T_STOPPING,		/* waiting for the whole tree to be gone */
	T_STARTING,		/* waiting for RUNNING */
	T_DONE,
};

struct op_target {
	struct process	*t_proc;
	enum target_phase t_phase;
	bool		 t_then_start;	/* start once stopped (restart) */
	bool		 t_was_running;	/* reached RUNNING while starting */
	unsigned long	 t_spawns;	/* its p_spawns when the op began */
};

/* One start/stop/restart request: its processes and who waits for it. */
struct op {
	struct op	*o_next;
	struct ctl_client *o_client;	/* NULL: nobody waits (--no-wait) */
	enum op_kind	 o_kind;
	size_t		 o_n;
	size_t		 o_left;	/* targets not done */
	size_t		 o_failed;
	int		 o_code;	/* CTL_NOSUCH when names were unknown */
	ev_timer	 o_deadline;	/* wait --timeout */
	double		 o_timeout;	/* its seconds; 0: none */
	struct op_target o_targets[];
};

static struct ev_loop	*loop;
static pid_t		 main_pid;		/* the pid users signal */
static void		(*shutdown_fn)(const char *);
static struct op	*ops;
static ev_timer		 ops_watcher;		/* advances ops after changes */
static struct ctl_client **shutdown_waiters;
static struct process_observer observer;
static size_t		 nshutdown_waiters;

static const char *const verbs[] = {
	[OP_START] = "start", [OP_STOP] = "stop", [OP_RESTART] = "restart",
	[OP_WAIT] = "wait",
};

/* ---- names ------------------------------------------------------------ */

/*
 * Adds the processes a name means to the set (one flag per process):
 * "all", "GROUP:*", "GROUP:PROCESS" (a program in no group is its own
 * group; PROGRAM: works too), a process name, or a program or group name
 * (all its processes).  0, or -1 when it names nothing.
 */
static int
resolve(const char *name, bool *set)
{
	const char *colon = strchr(name, ':');
	size_t i, n = proctable_count(), plen;
	struct process *p;
	int found = 0;

	for (i = 0; i < n; i++) {
		p = proctable_get(i);
		if (p->p_retired)	/* removed by a reload, still stopping */
			continue;
		if (strcmp(name, "all") == 0)
			set[i] = true;
		else if (colon != NULL) {
			/* GROUP:NAME, or PROGRAM:NAME for a program in a
			 * group (which is its own group when in none). */
			plen = (size_t)(colon - name);
			if ((strlen(process_group(p)) != plen ||
			    strncmp(process_group(p), name, plen) != 0) &&
			    (strlen(p->p_program->pg_name) != plen ||
			    strncmp(p->p_program->pg_name, name, plen) != 0))
				continue;
			if (strcmp(colon + 1, "*") != 0 &&
			    strcmp(colon + 1, p->p_name) != 0)
				continue;
			set[i] = true;
		} else if (strcmp(p->p_name, name) == 0 ||
		    strcmp(p->p_program->pg_name, name) == 0 ||
		    strcmp(process_group(p), name) == 0)
			set[i] = true;
		else
			continue;
		found = 1;
	}
	return found ? 0 : -1;
}

/*
 * The set of processes argv names (all of them when none is named, if
 * none_is_all); unknown names get a "! NAME" line each.  NULL when out of
 * memory; *unknown counts the names that matched nothing.
 */
static bool *
resolve_all(struct ctl_client *c, int argc, char **argv, bool none_is_all,
    int *unknown)
{
	size_t n = proctable_count(), i;
	bool *set = calloc(n + 1, sizeof(*set));
	int k;

	*unknown = 0;
	if (set == NULL)
		return NULL;
	if (argc == 0 && none_is_all)
		for (i = 0; i < n; i++)
			set[i] = !proctable_get(i)->p_retired;
	for (k = 0; k < argc; k++)
		if (resolve(argv[k], set) == -1) {
			control_error(c, "%s\tno such process", argv[k]);
			(*unknown)++;
		}
	return set;
}

/* ---- status ----------------------------------------------------------- */

/* What to say of its readiness, health or wait, on one line of fields:
 * no tab or control character (a program's STATUS= says what it likes). */
static const char *
status_info(struct process *p, char *buf, size_t len)
{
	char *c;

	if (p->p_state == PROC_WAITING)
		snprintf(buf, len, "waiting for %s", process_waiting_for(p));
	else
		readiness_describe(p, buf, len);
	for (c = buf; *c != '\0'; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			*c = '?';
	return buf[0] != '\0' ? buf : "-";
}

/* One status line, "* FIELDS\n", appended to b: fields as the protocol
 * says them (see print_status_table in client.c). */
static void
status_line(struct strbuf *b, struct process *p, double now)
{
	char how[64], info[384];
	size_t queued;
	unsigned long long dropped;
	enum listener_state ls;

	sb_add(b, "* ", 2);
	sb_str(b, p->p_name);
	sb_add(b, "\t", 1);
	sb_str(b, p->p_program->pg_name);
	sb_add(b, "\t", 1);
	sb_str(b, proc_state_name(p->p_state));
	sb_add(b, "\t", 1);
	sb_int(b, p->p_pid);
	sb_add(b, "\t", 1);
	if (p->p_pid != 0)
		sb_milli(b, now - p->p_start_time);
	else
		sb_add(b, "-", 1);
	sb_add(b, "\t", 1);
	if (p->p_pid == 0 && p->p_spawns > 0)
		sb_milli(b, now - p->p_exit_time);
	else
		sb_add(b, "-", 1);
	sb_add(b, "\t", 1);
	if (p->p_spawns > 0 && p->p_pid == 0)
		sb_str(b, wstatus_describe(p->p_exit_status, how,
		    sizeof(how)));
	else
		sb_add(b, "-", 1);
	sb_add(b, "\t", 1);
	sb_uint(b, p->p_spawns > 0 ? p->p_spawns - 1 : 0);
	sb_add(b, "\t", 1);
	sb_uint(b, capture_lost(&p->p_capture));
	sb_add(b, "\t", 1);
	sb_str(b, status_info(p, info, sizeof(info)));
	/* An event listener: its protocol state, its pool's queue. */
	if (eventpool_status(p, &queued, &dropped, &ls)) {
		sb_add(b, "\t", 1);
		sb_str(b, listener_state_name(ls));
		sb_add(b, "\t", 1);
		sb_uint(b, queued);
		sb_add(b, "\t", 1);
		sb_uint(b, dropped);
		sb_add(b, "\t", 1);
		sb_int(b, p->p_program->pg_buffer_size);
	}
	sb_add(b, "\n", 1);
}

/*
 * What status_line will read of p, asked of memory ahead of time: at
 * 10,000 processes each line is a handful of cache misses (the process,
 * its two streams, its names, its program), and waiting for them one
 * after the other is most of a status's time.  Ahead: the process
 * STATUS_AHEAD lines on, and the strings of the one half as far.
 */
#define STATUS_AHEAD	8

static void
status_prefetch(const struct process *p, bool strings)
{
	if (!strings) {
		__builtin_prefetch(&p->p_name);
		__builtin_prefetch(&p->p_capture.c_stream);
		__builtin_prefetch(&p->p_start_time);
		return;
	}
	__builtin_prefetch(p->p_name);
	__builtin_prefetch(p->p_program);
	if (p->p_capture.c_stream[0] != NULL)
		__builtin_prefetch(&p->p_capture.c_stream[0]->cs_lost_before);
	if (p->p_capture.c_stream[1] != NULL)
		__builtin_prefetch(&p->p_capture.c_stream[1]->cs_lost_before);
}

/* The lines made so far go to the client once there are this many bytes
 * of them (a status of 10,000 is about 450 KB). */
#define STATUS_CHUNK	65536

static void
cmd_status(struct ctl_client *c, int argc, char **argv)
{
	size_t i, n = proctable_count(), shown = 0, running = 0;
	double now = mono_now();
	struct strbuf b = { 0 };
	int unknown;
	bool *set;

	if ((set = resolve_all(c, argc, argv, true, &unknown)) == NULL) {
		control_end(c, CTL_FAILED, "out of memory");
		return;
	}
	sb_reserve(&b, STATUS_CHUNK + 1024);
	for (i = 0; i < n && !b.sb_nomem; i++) {
		if (i + STATUS_AHEAD < n)
			status_prefetch(proctable_get(i + STATUS_AHEAD), false);
		if (i + STATUS_AHEAD / 2 < n)
			status_prefetch(proctable_get(i + STATUS_AHEAD / 2),
			    true);
		if (!set[i])
			continue;
		status_line(&b, proctable_get(i), now);
		if (b.sb_len >= STATUS_CHUNK) {
			control_lines(c, b.sb_data, b.sb_len);
			sb_reset(&b);
		}
		shown++;
		if (proctable_get(i)->p_state == PROC_RUNNING)
			running++;
	}
	free(set);
	if (b.sb_nomem) {
		sb_free(&b);
		control_end(c, CTL_FAILED, "out of memory");
		return;
	}
	control_lines(c, b.sb_data, b.sb_len);
	sb_free(&b);
	if (unknown > 0)
		control_end(c, CTL_NOSUCH, "%d unknown name%s", unknown,
		    unknown == 1 ? "" : "s");
	else if (running < shown)
		control_end(c, CTL_NOTRUNNING, "%zu of %zu running", running,
		    shown);
	else
		control_end(c, CTL_OK, "%zu of %zu running", running, shown);
}

/* ---- start, stop, restart ------------------------------------------- */

static void
target_done(struct op *o, struct op_target *t, bool ok, const char *what)
{
	t->t_phase = T_DONE;
	o->o_left--;
	if (!ok)
		o->o_failed++;
	if (o->o_client == NULL)
		return;
	if (ok)
		control_reply(o->o_client, "%s\t%s", t->t_proc->p_name, what);
	else
		control_error(o->o_client, "%s\t%s", t->t_proc->p_name, what);
}

/*
 * wait: done when the process is ready (RUNNING) or, for a program that
 * runs once, completed (exited with an expected code); failed when it
 * can't get there on its own: FATAL, exited otherwise, stopped, or
 * waiting for a dependency that is FATAL.
 */
static void
wait_step(struct op *o, struct op_target *t)
{
	struct process *p = t->t_proc;
	char why[PROC_WAIT_MAX + 32];
	int st = p->p_exit_status;

	switch (p->p_state) {
	case PROC_RUNNING:
		target_done(o, t, true, "ready");
		break;
	case PROC_EXITED:
		if (WIFEXITED(st) && exit_set_has(&p->p_program->pg_exitcodes,
		    WEXITSTATUS(st)))
			target_done(o, t, true, "completed");
		else {
			wstatus_describe(st, why, sizeof(why));
			target_done(o, t, false, why);
		}
		break;
	case PROC_FATAL:
		target_done(o, t, false, "FATAL: gave up after its "
		    "startretries");
		break;
	case PROC_STOPPED:
		if (!process_shutting_down() && (p->p_then_start ||
		    (p->p_spawns == 0 && p->p_program->pg_autostart &&
		    !p->p_held)))
			break;	/* it is to start */
		target_done(o, t, false, "STOPPED: not started");
		break;
	case PROC_WAITING:
		if (depends_doomed(p)) {
			snprintf(why, sizeof(why), "waiting for %s",
			    process_waiting_for(p));
			target_done(o, t, false, why);
		}
		break;
	default:
		break;		/* on its way */
	}
}

static void	op_advance(struct op *);

/* wait --timeout: what is not done has failed. */
static void
deadline_cb(struct ev_loop *l, ev_timer *w, int revents)
{
	struct op *o = w->data;
	char why[448], info[384];
	const char *detail;
	size_t i;

	(void)l;
	(void)revents;
	for (i = 0; i < o->o_n; i++) {
		struct op_target *t = &o->o_targets[i];

		if (t->t_phase == T_DONE)
			continue;
		detail = status_info(t->t_proc, info, sizeof(info));
		snprintf(why, sizeof(why), "timed out after %gs (%s%s%s)",
		    o->o_timeout, proc_state_name(t->t_proc->p_state),
		    strcmp(detail, "-") != 0 ? ": " : "",
		    strcmp(detail, "-") != 0 ? detail : "");
		target_done(o, t, false, why);
	}
	op_advance(o);
}

/*
 * Whether t's stop waits: another target of o that depends on t's
 * program is not down yet.  Dependents stop first, as in a teardown.
 */
static bool
stop_waits(struct op *o, struct op_target *t)
{
	const struct program_config *pg;
	struct process *u;
	size_t i, j;

	if (!t->t_proc->p_cf->cf_has_depends)
		return false;
	for (i = 0; i < o->o_n; i++) {
		u = o->o_targets[i].t_proc;
		if (u == t->t_proc || process_is_down(u))
			continue;
		pg = u->p_program;
		for (j = 0; j < pg->pg_ndepends; j++)
			if (strcmp(pg->pg_depends[j].dp_name,
			    t->t_proc->p_program->pg_name) == 0)
				return true;
	}
	return false;
}

/* A restart with dependencies starts again once all its stops are done:
 * a dependent would otherwise start before its dependency stopped. */
static bool
stops_pending(struct op *o)
{
	size_t i;

	for (i = 0; i < o->o_n; i++)
		if (o->o_targets[i].t_phase == T_HELD ||
		    (o->o_targets[i].t_phase == T_STOPPING &&
		    !process_is_down(o->o_targets[i].t_proc)))
			return true;
	return false;
}

static void	target_begin(struct op *, struct op_target *);

/* Moves one target on as far as its process's state lets it. */
static void
target_step(struct op *o, struct op_target *t)
{
	struct process *p = t->t_proc;

	if (t->t_phase == T_HELD) {
		if (!stop_waits(o, t))
			target_begin(o, t);
		return;
	}
	if (t->t_phase == T_STOPPING && t->t_then_start &&
	    p->p_spawns > t->t_spawns && !process_is_down(p)) {
		/* A reload restarted it before the op saw it down. */
		t->t_phase = T_STARTING;
		t->t_was_running = false;
	}
	if (t->t_phase == T_STOPPING) {
		if (!process_is_down(p))
			return;
		if (!t->t_then_start) {
			target_done(o, t, true, "stopped");
			return;
		}
		if (p->p_cf->cf_has_depends && stops_pending(o))
			return;
		if (process_shutting_down()) {
			target_done(o, t, false, "not started: the supervisor "
			    "is shutting down");
			return;
		}
		t->t_phase = T_STARTING;
		t->t_was_running = false;
		process_start(p);
	}
	if (t->t_phase != T_STARTING)
		return;
	if (o->o_kind == OP_WAIT) {
		wait_step(o, t);
		return;
	}
	if (t->t_was_running || p->p_state == PROC_RUNNING)
		target_done(o, t, true, "started");
	else if (p->p_state == PROC_FATAL)
		target_done(o, t, false, "could not be started: gave up after "
		    "its startretries (FATAL)");
	else if (p->p_state == PROC_STOPPED || p->p_state == PROC_EXITED)
		target_done(o, t, false, p->p_state == PROC_STOPPED ?
		    "stopped before it was RUNNING" :
		    "exited before it was RUNNING");
	else if (p->p_state == PROC_WAITING && depends_doomed(p)) {
		char why[PROC_WAIT_MAX + 64];

		snprintf(why, sizeof(why), "not started: waiting for %s",
		    process_waiting_for(p));
		target_done(o, t, false, why);
	}
}

static void
op_free(struct op *o)
{
	struct op **pp;

	ev_timer_stop(loop, &o->o_deadline);
	for (pp = &ops; *pp != NULL; pp = &(*pp)->o_next)
		if (*pp == o) {
			*pp = o->o_next;
			break;
		}
	free(o);
}

/* Steps every target of o; ends the reply once all are done. */
static void
op_advance(struct op *o)
{
	struct ctl_client *c = o->o_client;
	size_t i;

	for (i = 0; i < o->o_n; i++)
		if (o->o_targets[i].t_phase != T_DONE)
			target_step(o, &o->o_targets[i]);
	if (o->o_left > 0)
		return;
	if (c != NULL) {
		if (o->o_code == CTL_NOSUCH)
			control_end(c, CTL_NOSUCH, "%s: unknown names",
			    verbs[o->o_kind]);
		else if (o->o_failed > 0)
			control_end(c, CTL_FAILED, "%s: %zu of %zu failed",
			    verbs[o->o_kind], o->o_failed, o->o_n);
		else
			control_end(c, CTL_OK, "%s: done", verbs[o->o_kind]);
	}
	op_free(o);
}

static void
ops_cb(struct ev_loop *l, ev_timer *w, int revents)
{
	struct op *o, *next;

	(void)l;
	(void)w;
	(void)revents;
	for (o = ops; o != NULL; o = next) {
		next = o->o_next;
		op_advance(o);
	}
}

/*
 * The ops move on from the loop, soon, not from inside the state machine.
 * A zero timer, not a prepare watcher: changes also happen inside
 * program.c's prepare watcher, and a prepare watcher started there would
 * wait for the next loop iteration, after the loop blocked.
 */
static void
ops_soon(void)
{
	if (!ev_is_active(&ops_watcher)) {
		ev_timer_set(&ops_watcher, 0, 0);
		ev_timer_start(loop, &ops_watcher);
	}
}

/*
 * Every state change of every process comes here (an observer, in the
 * middle of the state machine): note a RUNNING seen, and let the ops move
 * on from the loop.
 */
static void
state_changed(struct process *p, enum proc_state from, void *arg)
{
	struct op *o;
	size_t i;

	(void)from;
	(void)arg;
	for (o = ops; o != NULL; o = o->o_next)
		for (i = 0; i < o->o_n; i++)
			if (o->o_targets[i].t_proc == p &&
			    o->o_targets[i].t_phase == T_STARTING &&
			    p->p_state == PROC_RUNNING)
				o->o_targets[i].t_was_running = true;
	if (ops != NULL)
		ops_soon();
}

/* Sets one process going; the target waits for the outcome. */
static void
target_begin(struct op *o, struct op_target *t)
{
	struct process *p = t->t_proc;

	t->t_spawns = p->p_spawns;
	if (o->o_kind == OP_WAIT) {
		t->t_phase = T_STARTING;
		wait_step(o, t);
		return;
	}
	/* A user's stop holds across reloads; a start releases it. */
	process_hold(p, o->o_kind == OP_STOP);
	switch (o->o_kind) {
	case OP_WAIT:
		break;
	case OP_START:
		if (p->p_state == PROC_RUNNING) {
			target_done(o, t, true, "already running");
			return;
		}
		if (p->p_state == PROC_STOPPING) {
			t->t_phase = T_STOPPING;	/* then start */
			t->t_then_start = true;
			return;
		}
		t->t_phase = T_STARTING;
		if (p->p_state != PROC_STARTING)
			process_start(p);
		return;
	case OP_STOP:
		if (process_is_down(p)) {
			target_done(o, t, true, "not running");
			return;
		}
		if (stop_waits(o, t)) {
			t->t_phase = T_HELD;
			return;
		}
		t->t_phase = T_STOPPING;
		process_stop(p);
		return;
	case OP_RESTART:
		t->t_then_start = true;
		if (!process_is_down(p) && stop_waits(o, t)) {
			t->t_phase = T_HELD;
			return;
		}
		t->t_phase = T_STOPPING;
		if (!process_is_down(p))
			process_stop(p);
		return;
	}
}

static void
cmd_op(struct ctl_client *c, enum op_kind kind, int argc, char **argv)
{
	bool wait = true, *set;
	size_t i, n = proctable_count(), count = 0;
	double timeout = 0;
	int unknown;
	struct op *o;

	if (kind != OP_WAIT && argc > 0 && strcmp(argv[0], "--no-wait") == 0) {
		wait = false;
		argc--;
		argv++;
	}
	if (kind == OP_WAIT && argc > 0 && strcmp(argv[0], "--timeout") == 0) {
		if (argc < 2 || parse_duration(argv[1], &timeout) == -1 ||
		    timeout <= 0) {
			control_end(c, CTL_BADREQ, "wait: --timeout takes a "
			    "duration above 0 (seconds, or 1m30s ...)");
			return;
		}
		argc -= 2;
		argv += 2;
	}
	if (argc == 0) {
		control_end(c, CTL_BADREQ, "%s: name a process, a program, "
		    "PROGRAM:* or all", verbs[kind]);
		return;
	}
	if (kind != OP_STOP && kind != OP_WAIT && process_shutting_down()) {
		control_end(c, CTL_FAILED, "%s: the supervisor is shutting "
		    "down", verbs[kind]);
		return;
	}
	if ((set = resolve_all(c, argc, argv, false, &unknown)) == NULL) {
		control_end(c, CTL_FAILED, "out of memory");
		return;
	}
	for (i = 0; i < n; i++)
		count += set[i];
	o = calloc(1, sizeof(*o) + count * sizeof(o->o_targets[0]));
	if (o == NULL) {
		free(set);
		control_end(c, CTL_FAILED, "out of memory");
		return;
	}
	o->o_kind = kind;
	o->o_client = c;
	o->o_timeout = timeout;
	ev_timer_init(&o->o_deadline, deadline_cb, timeout, 0);
	o->o_deadline.data = o;
	if (timeout > 0)
		ev_timer_start(loop, &o->o_deadline);
	o->o_code = unknown > 0 ? CTL_NOSUCH : CTL_OK;
	for (i = 0; i < n; i++)
		if (set[i])
			o->o_targets[o->o_n++].t_proc = proctable_get(i);
	free(set);
	o->o_left = o->o_n;
	o->o_next = ops;
	ops = o;
	/* All at once: a stop of 200 programs takes one grace period. */
	for (i = 0; i < o->o_n; i++)
		target_begin(o, &o->o_targets[i]);
	if (!wait) {
		for (i = 0; i < o->o_n; i++)
			if (o->o_targets[i].t_phase != T_DONE)
				control_reply(c, "%s\t%s", o->o_targets[i]
				    .t_proc->p_name, kind == OP_STOP ?
				    "stopping" : "starting");
		o->o_client = NULL;
		if (unknown > 0)
			control_end(c, CTL_NOSUCH, "%s: unknown names",
			    verbs[kind]);
		else
			control_end(c, CTL_OK, "%s: under way", verbs[kind]);
	}
	ops_soon();
}

/* ---- the others -------------------------------------------------------- */

static void
cmd_signal(struct ctl_client *c, int argc, char **argv)
{
	size_t i, n = proctable_count(), sent = 0, missed = 0;
	int sig, unknown;
	bool *set;

	if (argc < 2) {
		control_end(c, CTL_BADREQ, "signal: usage: signal SIGNAL "
		    "NAME...");
		return;
	}
	if (parse_signal(argv[0], &sig) == -1) {
		control_end(c, CTL_BADREQ, "signal: \"%.64s\" is not a signal",
		    argv[0]);
		return;
	}
	if ((set = resolve_all(c, argc - 1, argv + 1, false, &unknown))
	    == NULL) {
		control_end(c, CTL_FAILED, "out of memory");
		return;
	}
	for (i = 0; i < n; i++) {
		struct process *p = proctable_get(i);

		if (!set[i])
			continue;
		if (process_signal(p, sig)) {
			control_reply(c, "%s\tsent SIG%s", p->p_name,
			    signal_name(sig));
			sent++;
		} else {
			control_error(c, "%s\tnot running", p->p_name);
			missed++;
		}
	}
	free(set);
	if (unknown > 0)
		control_end(c, CTL_NOSUCH, "signal: unknown names");
	else if (missed > 0)
		control_end(c, CTL_FAILED, "signal: %zu not running", missed);
	else
		control_end(c, CTL_OK, "signal: sent to %zu", sent);
}

static void
cmd_pid(struct ctl_client *c, int argc, char **argv)
{
	size_t i, n = proctable_count();
	int unknown;
	bool *set;

	if (argc == 0) {
		control_reply(c, "%d", (int)main_pid);
		control_end(c, CTL_OK, "the supervisor's pid");
		return;
	}
	if ((set = resolve_all(c, argc, argv, false, &unknown)) == NULL) {
		control_end(c, CTL_FAILED, "out of memory");
		return;
	}
	for (i = 0; i < n; i++)
		if (set[i])
			control_reply(c, "%s\t%d", proctable_get(i)->p_name,
			    (int)proctable_get(i)->p_pid);
	free(set);
	if (unknown > 0)
		control_end(c, CTL_NOSUCH, "pid: unknown names");
	else
		control_end(c, CTL_OK, "pid: 0 = not running");
}

/*
 * reload [--dry-run]: the config file again, applied (or only compared).
 * Replies with the file's errors and warnings, one line per process or
 * setting that changes, and a summary; 78 when the file is invalid.
 */
static void
cmd_reload(struct ctl_client *c, int argc, char **argv)
{
	struct reload_result r;
	bool dry_run = false;
	char line[256], *text;
	size_t i;

	if (argc == 1 && strcmp(argv[0], "--dry-run") == 0)
		dry_run = true;
	else if (argc > 0) {
		control_end(c, CTL_BADREQ, "reload: usage: reload [--dry-run]");
		return;
	}
	reload_run(dry_run ? "reload --dry-run" : "the reload command",
	    dry_run, &r);
	for (i = 0; i < r.rr_msgs.cm_count; i++) {
		if ((text = strdup(r.rr_msgs.cm_list[i].cm_text)) == NULL)
			continue;
		ctl_clean_field(text);
		if (r.rr_msgs.cm_list[i].cm_error)
			control_error(c, "%s", text);
		else
			control_reply(c, "%s", text);
		free(text);
	}
	for (i = 0; i < r.rr_nitems; i++)
		control_reply(c, "%s\t%s", r.rr_items[i].ri_name,
		    reload_what_text(r.rr_items[i].ri_what, dry_run));
	if (r.rr_refused != NULL)
		control_end(c, r.rr_msgs.cm_errors > 0 ? CTL_CONFIG :
		    CTL_FAILED, "reload: %s %s; nothing changed",
		    reload_current()->cf_file, r.rr_refused);
	else {
		reload_summary(&r, dry_run, line, sizeof(line));
		control_end(c, CTL_OK, "reload: %s", line);
	}
	reload_result_free(&r);
}

static void
cmd_shutdown(struct ctl_client *c)
{
	struct ctl_client **nl;

	nl = realloc(shutdown_waiters, (nshutdown_waiters + 1) *
	    sizeof(*nl));
	if (nl == NULL) {
		control_end(c, CTL_FAILED, "out of memory");
		return;
	}
	shutdown_waiters = nl;
	nl[nshutdown_waiters++] = c;
	control_reply(c, "shutting down");
	if (!process_shutting_down())
		shutdown_fn("shutdown requested over the control socket");
}

static void
cmd_help(struct ctl_client *c)
{
	static const char *const lines[] = {
		"hello 1",
		"status [NAME|PROGRAM:*|all]...",
		"start [--no-wait] NAME|PROGRAM:*|all...",
		"stop [--no-wait] NAME|PROGRAM:*|all...",
		"restart [--no-wait] NAME|PROGRAM:*|all...",
		"wait [--timeout DURATION] NAME|PROGRAM:*|all...",
		"signal SIGNAL NAME|PROGRAM:*|all...",
		"pid [NAME]...",
		"reload [--dry-run]",
		"shutdown",
		"tail [-f] [-n LINES] NAME [stdout|stderr]",
		"version",
		"help",
	};
	size_t i;

	for (i = 0; i < sizeof(lines) / sizeof(lines[0]); i++)
		control_reply(c, "%s", lines[i]);
	control_end(c, CTL_OK, "commands");
}

/* One request: argv[0] is the command.  Ends the reply now or later. */
void
command_run(struct ctl_client *c, int argc, char **argv)
{
	const char *cmd = argv[0];

	argc--;
	argv++;
	if (strcmp(cmd, "hello") == 0) {
		if (argc == 1 && strcmp(argv[0], "1") == 0)
			control_end(c, CTL_OK, "supervisor %s protocol %d",
			    SUPERVISOR_VERSION, 1);
		else
			control_end(c, CTL_BADREQ, "this supervisor speaks "
			    "protocol 1");
	} else if (strcmp(cmd, "status") == 0)
		cmd_status(c, argc, argv);
	else if (strcmp(cmd, "start") == 0)
		cmd_op(c, OP_START, argc, argv);
	else if (strcmp(cmd, "stop") == 0)
		cmd_op(c, OP_STOP, argc, argv);
	else if (strcmp(cmd, "restart") == 0)
		cmd_op(c, OP_RESTART, argc, argv);
	else if (strcmp(cmd, "wait") == 0)
		cmd_op(c, OP_WAIT, argc, argv);
	else if (strcmp(cmd, "signal") == 0)
		cmd_signal(c, argc, argv);
	else if (strcmp(cmd, "pid") == 0)
		cmd_pid(c, argc, argv);
	else if (strcmp(cmd, "reload") == 0)
		cmd_reload(c, argc, argv);
	else if (strcmp(cmd, "shutdown") == 0 && argc == 0)
		cmd_shutdown(c);
	else if (strcmp(cmd, "tail") == 0)
		tail_command(c, argc, argv);
	else if (strcmp(cmd, "version") == 0 && argc == 0) {
		control_reply(c, "%s", SUPERVISOR_VERSION);
		control_end(c, CTL_OK, "version");
	} else if (strcmp(cmd, "help") == 0)
		cmd_help(c);
	else {
		char word[72];

		snprintf(word, sizeof(word), "%s", cmd);
		ctl_clean_field(word);
		control_end(c, CTL_BADREQ, "unknown request \"%s\" (or wrong "
		    "arguments); try help", word);
	}
}

/* The client went away: its ops go on, with nobody to tell. */
void
command_client_gone(struct ctl_client *c)
{
	struct op *o;
	size_t i;

	for (o = ops; o != NULL; o = o->o_next)
		if (o->o_client == c)
			o->o_client = NULL;
	for (i = 0; i < nshutdown_waiters; i++)
		if (shutdown_waiters[i] == c)
			shutdown_waiters[i] = NULL;
	tail_client_gone(c);
}

/* A streaming client read all it was sent: send it more. */
void
command_client_drained(struct ctl_client *c)
{
	tail_client_drained(c);
}

/* The teardown is over: the shutdown requests are answered. */
void
command_finish(int status)
{
	size_t i;

	for (i = 0; i < nshutdown_waiters; i++)
		if (shutdown_waiters[i] != NULL)
			control_end(shutdown_waiters[i], CTL_OK, "shut down; "
			    "exit status %d", status);
	tail_finish_all();
	control_flush_all();
}

/* A process a reload removed is about to be freed: ops let go of it. */
static void
process_forgotten(struct process *p, void *arg)
{
	struct op *o;
	size_t i;

	(void)arg;
	for (o = ops; o != NULL; o = o->o_next) {
		for (i = 0; i < o->o_n; i++) {
			struct op_target *t = &o->o_targets[i];

			if (t->t_proc != p)
				continue;
			if (t->t_phase == T_STOPPING && !t->t_then_start)
				target_done(o, t, true, "stopped (removed from "
				    "the configuration)");
			else if (t->t_phase != T_DONE)
				target_done(o, t, false, "removed from the "
				    "configuration");
			t->t_proc = NULL;
		}
	}
	if (ops != NULL)
		ops_soon();
}

void
command_init(struct ev_loop *l, pid_t pid, void (*shutdown)(const char *))
{
	loop = l;
	main_pid = pid;
	shutdown_fn = shutdown;
	ev_timer_init(&ops_watcher, ops_cb, 0, 0);
	observer.po_changed = state_changed;
	observer.po_removed = process_forgotten;
	process_observe(&observer);
}

void
command_free(void)
{
	struct op *o;

	process_unobserve(&observer);
	while ((o = ops) != NULL) {
		ops = o->o_next;
		free(o);
	}
	if (loop != NULL)
		ev_timer_stop(loop, &ops_watcher);
	free(shutdown_waiters);
	shutdown_waiters = NULL;
	nshutdown_waiters = 0;
}
