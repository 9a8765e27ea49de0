/*
 * test_process.c: the process state machine (process.c), its table
 * (proctable.c) and the teardown (teardown.c), driven in-process with no
 * fork and no waiting.  Spawns, process trees and reaps are fakes
 * (fake_tree_spawn.c); the monotonic clock is one the test moves
 * (fake_clock.c), and advance() runs the loop through each timer at its
 * time.  An observer records every change of state, with the state it
 * left and the time, and the cases compare that history whole.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <ev.h>

#include "config.h"
#include "depends.h"
#include "events.h"
#include "log.h"
#include "monotime.h"
#include "process.h"
#include "proctable.h"
#include "spawn.h"
#include "teardown.h"
#include "tree.h"
#include "fake_clock.h"
#include "fake_tree_spawn.h"
#include "unit.h"

/* Every program: no output pipes or log files, a command never run. */
#define PROGRAM(name)	"[program:" name "]\ncommand=/usr/bin/" name "\n" \
			"stdout_logfile=NONE\nstderr_logfile=NONE\n"

#define CHANGES_MAX	256
#define CONFIGS_MAX	4

static struct ev_loop	*loop;
static const char	*label;		/* the case, for messages */
static struct config	*configs[CONFIGS_MAX];	/* freed at the end */
static size_t		 nconfigs;
static unsigned long	 invoked;	/* callbacks the loop ran */
static int		 done_calls;	/* teardown's done callback */

/* What the observer saw. */
static struct change {
	char		 c_name[32];
	enum proc_state	 c_from;
	enum proc_state	 c_to;
	double		 c_at;		/* seconds from the case's start */
} changes[CHANGES_MAX];
static size_t		 nchanges;
static int		 shutdown_calls;
static int		 shutdown_status;
static char		 shutdown_by[32];
static char		 removed[256];	/* names, in order */

static void
on_changed(struct process *p, enum proc_state from, void *arg)
{
	struct change *c;

	(void)arg;
	if (nchanges == CHANGES_MAX)
		return;
	c = &changes[nchanges++];
	snprintf(c->c_name, sizeof(c->c_name), "%s", p->p_name);
	c->c_from = from;
	c->c_to = p->p_state;
	c->c_at = fake_clock_elapsed();
}

static void
on_shutdown(struct process *p, int status, void *arg)
{
	(void)arg;
	shutdown_calls++;
	shutdown_status = status;
	snprintf(shutdown_by, sizeof(shutdown_by), "%s", p->p_name);
}

static void
on_removed(struct process *p, void *arg)
{
	size_t len = strlen(removed);

	(void)arg;
	snprintf(removed + len, sizeof(removed) - len, "%s%s",
	    len > 0 ? " " : "", p->p_name);
}

static struct process_observer observer = {
	.po_changed = on_changed,
	.po_shutdown = on_shutdown,
	.po_removed = on_removed,
};

static void
teardown_done(void)
{
	done_calls++;
}

/* ---- reading the history --------------------------------------------- */

/* name's changes, "FROM>TO@seconds ...". */
static const char *
history(const char *name)
{
	static char bufs[4][2048];
	static int turn;
	char *buf = bufs[turn++ % 4];
	size_t i, len = 0, size = sizeof(bufs[0]);
	int n;

	buf[0] = '\0';
	for (i = 0; i < nchanges && len < size; i++) {
		if (strcmp(changes[i].c_name, name) != 0)
			continue;
		n = snprintf(buf + len, size - len, "%s%s>%s@%.3f",
		    len ? " " : "", proc_state_name(changes[i].c_from),
		    proc_state_name(changes[i].c_to), changes[i].c_at);
		if (n > 0)
			len += (size_t)n;
	}
	return buf;
}

/* Where name's first change from -> to is in the whole history, or -1. */
static int
seq(const char *name, enum proc_state from, enum proc_state to)
{
	size_t i;

	for (i = 0; i < nchanges; i++)
		if (strcmp(changes[i].c_name, name) == 0 &&
		    changes[i].c_from == from && changes[i].c_to == to)
			return (int)i;
	return -1;
}

/* When name's last change from -> to happened, or -1. */
static double
when(const char *name, enum proc_state from, enum proc_state to)
{
	size_t i;
	double at = -1;

	for (i = 0; i < nchanges; i++)
		if (strcmp(changes[i].c_name, name) == 0 &&
		    changes[i].c_from == from && changes[i].c_to == to)
			at = changes[i].c_at;
	return at;
}

/* ---- the loop and the clock ------------------------------------------ */

static void
count_and_invoke(struct ev_loop *l)
{
	invoked += ev_pending_count(l);
	ev_invoke_pending(l);
}

/*
 * Runs the loop until a round runs no callback.  The clock moves one
 * nanosecond before each round: libev fires a timer only once the clock
 * is past its time, and a zero timer started in a callback (the table's
 * sweep, the teardown's next step) is due in the round after.
 */
static void
settle(void)
{
	int rounds = 0;

	do {
		fake_clock_set(fake_clock_ns() + 1);
		invoked = 0;
		ev_run(loop, EVRUN_NOWAIT);
	} while (invoked > 0 && ++rounds < 100000);
	if (rounds == 100000) {
		printf("# %s: the loop never settles\n", label);
		abort();
	}
}

/* The nanosecond the next process timer is due at, or -1 if none. */
static long long
next_timer_ns(void)
{
	long long next = -1, at;
	struct process *p;
	ev_timer *timers[3];
	size_t i, j;

	for (i = 0; i < proctable_count(); i++) {
		p = proctable_get(i);
		timers[0] = &p->p_timer;
		timers[1] = &p->p_poll;
		timers[2] = &p->p_limit;
		for (j = 0; j < 3; j++) {
			if (!ev_is_active(timers[j]))
				continue;
			/* Rounded up: at or just past its time. */
			at = fake_clock_ns() + 1 + (long long)(
			    ev_timer_remaining(loop, timers[j]) * 1e9);
			if (next == -1 || at < next)
				next = at;
		}
	}
	return next;
}

/*
 * settle()'s ticks put a few nanoseconds between things the test does at
 * one instant (an exit, the restart it causes); a timer due this little
 * after the end of an advance() counts as due at its end.
 */
#define SLACK_NS	1000

/*
 * Runs what is due now, then moves the clock by secs, stopping at each
 * process timer's time on the way: each fires when it is due, and what
 * it starts counts from then.  Those are the only timers with a delay in
 * the modules under test; their zero timers fire in settle().
 */
static void
advance(double secs)
{
	long long end, next;
	int steps = 0;

	settle();
	end = fake_clock_ns() + (long long)(secs * 1e9 + 0.5);
	while ((next = next_timer_ns()) != -1 && next <= end + SLACK_NS) {
		if (++steps == 1000000) {
			printf("# %s: a timer never fires\n", label);
			abort();
		}
		fake_clock_set(next);
		settle();
	}
	fake_clock_set(end);
	settle();
}

/* ---- a case's world -------------------------------------------------- */

static int
exited(int code)
{
	return W_EXITCODE(code, 0);
}

static int
killed(int sig)
{
	return W_EXITCODE(0, sig);
}

static struct config *
load(const char *text)
{
	struct config_msgs msgs;
	struct config *cf;
	char name[160];
	size_t i;

	cf = config_load_text("t.ini", text, strlen(text), &msgs);
	for (i = 0; i < msgs.cm_count; i++)
		printf("# %s: %s\n", label, msgs.cm_list[i].cm_text);
	config_msgs_free(&msgs);
	snprintf(name, sizeof(name), "%s: config loads", label);
	CHECK(name, cf != NULL);
	if (cf != NULL && nconfigs < CONFIGS_MAX)
		configs[nconfigs++] = cf;
	return cf;
}

/* The program and process config of name in cf. */
static const struct program_config *
program_in(struct config *cf, const char *name)
{
	size_t i;

	for (i = 0; cf != NULL && i < cf->cf_nprograms; i++)
		if (strcmp(cf->cf_programs[i]->pg_name, name) == 0)
			return cf->cf_programs[i];
	return NULL;
}

static struct process *
proc(const char *name)
{
	return proctable_by_name(name);
}

/* What reload.c does with a process whose settings changed. */
static enum replace_outcome
replace(struct config *cf, const char *name)
{
	const struct program_config *pg = program_in(cf, name);

	return process_replace(proc(name), cf, pg, &pg->pg_procs[0]);
}

/* The table of text's processes on a fresh loop, none started, and a
 * clock that counts the case from 0. */
static bool
setup(const char *name, const char *text)
{
	struct config *cf;

	label = name;
	nchanges = 0;
	shutdown_calls = 0;
	shutdown_status = -1;
	shutdown_by[0] = removed[0] = '\0';
	done_calls = 0;
	fake_reset();
	fake_clock_origin();
	if ((cf = load(text)) == NULL)
		return false;
	loop = ev_loop_new(0);
	if (loop == NULL)
		return false;
	ev_set_invoke_pending_cb(loop, count_and_invoke);
	tree_init();
	if (proctable_init(loop, cf) == -1)
		return false;
	teardown_init(loop, teardown_done);
	process_observe(&observer);
	return true;
}

/* Stops whatever is left, as the supervisor does at its end, then frees
 * everything. */
static void
finish(void)
{
	char name[160];
	size_t i, alive = 0;

	if (loop != NULL) {
		if (done_calls == 0) {
			teardown_begin(0);
			advance(120);
		}
		if (done_calls == 0) {
			teardown_kill_all();
			advance(1);
		}
		for (i = 0; i < proctable_count(); i++)
			alive += fake_alive_in(proctable_get(i)->p_name);
		snprintf(name, sizeof(name), "%s: a teardown ends it all",
		    label);
		CHECK(name, done_calls == 1 && alive == 0);
		process_unobserve(&observer);
		teardown_free();
		proctable_free();
		tree_cleanup();
		ev_loop_destroy(loop);
		loop = NULL;
	}
	while (nconfigs > 0)
		config_free(configs[--nconfigs]);
	alarm(0);		/* the teardown's bound, in real time */
}

/* ---- starting ---------------------------------------------------------- */

static void
case_reaches_running(void)
{
	struct process *p;
	pid_t pid;

	if (!setup("running", PROGRAM("web") "startsecs=2\n"))
		goto out;
	p = proc("web");
	proctable_start_autostart();
	pid = p->p_pid;
	CHECK("running: STARTING right after the start",
	    p->p_state == PROC_STARTING);
	CHECK("running: spawned once, a fake pid", p->p_spawns == 1 &&
	    pid >= FAKE_PID_FIRST && fake_alive(pid));
	CHECK("running: its tree is its own group", p->p_tree.t_leader == pid &&
	    p->p_tree.t_ngroups == 1 && p->p_tree.t_groups[0] == pid);
	advance(1.999);
	CHECK("running: still STARTING 1 ms before startsecs",
	    p->p_state == PROC_STARTING);
	CHECK("running: the exec pipe was read and closed",
	    p->p_exec_fd == -1 && !p->p_exec_failed);
	advance(0.001);
	CHECK("running: RUNNING at startsecs", p->p_state == PROC_RUNNING);
	advance(100);
	CHECK("running: still RUNNING, same pid, one spawn",
	    p->p_state == PROC_RUNNING && p->p_pid == pid && p->p_spawns == 1);
	CHECK("running: up 102 s", process_uptime(p) > 101.999 &&
	    process_uptime(p) < 102.001);
	CHECK_STR("running: no signal sent", fake_signals("web"), "");
	CHECK_STR("running: states", history("web"),
	    "STOPPED>STARTING@0.000 STARTING>RUNNING@2.000");
out:
	finish();
}

static void
case_startsecs_zero(void)
{
	struct process *p;

	if (!setup("startsecs=0", PROGRAM("now") "startsecs=0\n"))
		goto out;
	p = proc("now");
	process_start(p);
	CHECK("startsecs=0: RUNNING at once", p->p_state == PROC_RUNNING);
	advance(10);
	CHECK_STR("startsecs=0: states", history("now"),
	    "STOPPED>RUNNING@0.000");
out:
	finish();
}

/* Exits before startsecs: BACKOFF 1, 2, 4 ... capped by backoff_max,
 * FATAL after startretries retries. */
static void
case_backoff_fatal(void)
{
	static const double delays[] = { 1, 2, 3, 3 };
	struct process *p;
	char name[128];
	size_t i;

	if (!setup("backoff", PROGRAM("b") "startsecs=10\nstartretries=4\n"
	    "backoff_max=3\n"))
		goto out;
	p = proc("b");
	process_start(p);
	advance(0.5);
	fake_exit("b", exited(1));
	advance(0);
	CHECK("backoff: BACKOFF after an exit before startsecs",
	    p->p_state == PROC_BACKOFF && p->p_retries == 1);
	for (i = 0; i < 4; i++) {
		advance(delays[i] - 0.001);
		snprintf(name, sizeof(name), "backoff: retry %zu not before "
		    "%gs", i + 1, delays[i]);
		CHECK(name, p->p_state == PROC_BACKOFF &&
		    p->p_spawns == i + 1);
		advance(0.001);
		snprintf(name, sizeof(name), "backoff: retry %zu after %gs",
		    i + 1, delays[i]);
		CHECK(name, p->p_state == PROC_STARTING &&
		    p->p_spawns == i + 2);
		advance(0.001);
		fake_exit("b", exited(1));
		advance(0);
	}
	CHECK("backoff: FATAL after 4 retries", p->p_state == PROC_FATAL &&
	    p->p_spawns == 5);
	advance(1000);
	CHECK("backoff: stays FATAL", p->p_state == PROC_FATAL &&
	    p->p_spawns == 5);
	CHECK("backoff: no shutdown asked", shutdown_calls == 0);
	CHECK_STR("backoff: nothing left to kill", fake_signals("b"), "");
	CHECK_STR("backoff: states", history("b"),
	    "STOPPED>STARTING@0.000 STARTING>BACKOFF@0.500 "
	    "BACKOFF>STARTING@1.500 STARTING>BACKOFF@1.501 "
	    "BACKOFF>STARTING@3.501 STARTING>BACKOFF@3.502 "
	    "BACKOFF>STARTING@6.502 STARTING>BACKOFF@6.503 "
	    "BACKOFF>STARTING@9.503 STARTING>FATAL@9.504");
out:
	finish();
}

/* A start that reaches RUNNING clears the failed starts before it. */
static void
case_retries_reset(void)
{
	struct process *p;

	if (!setup("retries reset", PROGRAM("r") "startsecs=1\n"
	    "startretries=1\n"))
		goto out;
	p = proc("r");
	process_start(p);
	advance(0.5);
	fake_exit("r", exited(1));
	advance(1);
	advance(1);
	CHECK("retries reset: RUNNING on the retry, count cleared",
	    p->p_state == PROC_RUNNING && p->p_retries == 0);
	advance(1);
	fake_exit("r", exited(1));	/* up 1 s: restarted at once */
	advance(0.5);
	fake_exit("r", exited(1));	/* before startsecs: one retry left */
	advance(0);
	CHECK("retries reset: BACKOFF, not FATAL", p->p_state == PROC_BACKOFF &&
	    p->p_retries == 1);
	CHECK_STR("retries reset: states", history("r"),
	    "STOPPED>STARTING@0.000 STARTING>BACKOFF@0.500 "
	    "BACKOFF>STARTING@1.500 STARTING>RUNNING@2.500 "
	    "RUNNING>STARTING@3.500 STARTING>BACKOFF@4.000");
out:
	finish();
}

/* startretries=0: the first failed start is FATAL. */
static void
case_no_retries(void)
{
	if (!setup("startretries=0", PROGRAM("z") "startretries=0\n"))
		goto out;
	process_start(proc("z"));
	advance(0.2);
	fake_exit("z", killed(SIGSEGV));
	advance(10);
	CHECK_STR("startretries=0: states", history("z"),
	    "STOPPED>STARTING@0.000 STARTING>FATAL@0.200");
out:
	finish();
}

/*
 * A failed exec (the error pipe) with startsecs=0 is still a failed
 * start, even when exitcodes holds its exit status; EACCES exits 126.
 */
static void
case_exec_fails(void)
{
	struct process *p, *q;

	if (!setup("exec fails", PROGRAM("x") "startsecs=0\nstartretries=1\n"
	    "exitcodes=0,127\n" PROGRAM("y") "startretries=0\n"))
		goto out;
	p = proc("x");
	q = proc("y");
	fake_exec("x", FAKE_EXEC_FAILS, SPAWN_STAGE_EXEC, ENOENT);
	fake_exec("y", FAKE_EXEC_FAILS, SPAWN_STAGE_EXEC, EACCES);
	proctable_start_autostart();
	CHECK("exec fails: RUNNING before the pipe is read",
	    p->p_state == PROC_RUNNING);
	advance(0);
	CHECK("exec fails: the child's report was read", p->p_exec_failed &&
	    p->p_exec_error.se_stage == SPAWN_STAGE_EXEC &&
	    p->p_exec_error.se_errno == ENOENT && p->p_exec_fd == -1);
	CHECK("exec fails: exit status 127",
	    p->p_exit_status == exited(SPAWN_EXIT_NOTFOUND));
	CHECK("exec fails: one failed start", p->p_state == PROC_BACKOFF &&
	    p->p_retries == 1);
	advance(10);
	CHECK("exec fails: FATAL after the retry", p->p_state == PROC_FATAL &&
	    p->p_spawns == 2);
	CHECK_STR("exec fails: states", history("x"),
	    "STOPPED>RUNNING@0.000 RUNNING>STARTING@0.000 "
	    "STARTING>BACKOFF@0.000 BACKOFF>RUNNING@1.000 "
	    "RUNNING>STARTING@1.000 STARTING>FATAL@1.000");
	CHECK("exec fails: EACCES exits 126",
	    q->p_exit_status == exited(SPAWN_EXIT_NOEXEC) &&
	    q->p_exec_error.se_errno == EACCES);
	CHECK_STR("exec fails: EACCES states", history("y"),
	    "STOPPED>STARTING@0.000 STARTING>FATAL@0.000");
out:
	finish();
}

/* With startsecs=0 a good exec is what clears the failed starts. */
static void
case_good_exec_resets(void)
{
	struct process *p;

	if (!setup("good exec", PROGRAM("g") "startsecs=0\nstartretries=1\n"
	    "autorestart=true\n"))
		goto out;
	p = proc("g");
	fake_exec("g", FAKE_EXEC_FAILS, SPAWN_STAGE_CHDIR, ENOENT);
	process_start(p);
	advance(0);
	CHECK("good exec: a failed chdir is a failed start",
	    p->p_state == PROC_BACKOFF && p->p_retries == 1 &&
	    p->p_exec_error.se_stage == SPAWN_STAGE_CHDIR);
	fake_exec("g", FAKE_EXEC_OK, 0, 0);
	advance(1);
	CHECK("good exec: RUNNING, the count cleared by the exec",
	    p->p_state == PROC_RUNNING && p->p_retries == 0);
	fake_exec("g", FAKE_EXEC_FAILS, SPAWN_STAGE_EXEC, ENOENT);
	advance(1);
	fake_exit("g", exited(0));	/* restarted at once: exec fails */
	advance(0);
	CHECK("good exec: BACKOFF again, not FATAL",
	    p->p_state == PROC_BACKOFF && p->p_retries == 1);
	CHECK_STR("good exec: states", history("g"),
	    "STOPPED>RUNNING@0.000 RUNNING>STARTING@0.000 "
	    "STARTING>BACKOFF@0.000 BACKOFF>RUNNING@1.000 "
	    "RUNNING>RUNNING@2.000 RUNNING>STARTING@2.000 "
	    "STARTING>BACKOFF@2.000");
out:
	finish();
}

/*
 * A start that fails before there is a child (fork) is a failed start
 * too; FATAL that way with shutdown_on_exit=fatal asks for the end with
 * status 1, as no child ever exited.
 */
static void
case_fork_fails(void)
{
	struct process *p;

	if (!setup("fork fails", PROGRAM("f") "startretries=1\n"
	    "shutdown_on_exit=fatal\npriority=10\n"
	    PROGRAM("other") "startsecs=0\npriority=20\n"))
		goto out;
	p = proc("f");
	fake_spawn_fails("f", EAGAIN);
	proctable_start_autostart();
	CHECK("fork fails: BACKOFF at once, nothing spawned",
	    p->p_state == PROC_BACKOFF && p->p_spawns == 0 &&
	    p->p_start_errno == EAGAIN);
	fake_spawn_fails("f", EAGAIN);
	advance(1);
	CHECK("fork fails: FATAL after the retry", p->p_state == PROC_FATAL);
	CHECK("fork fails: shutdown asked with status 1",
	    shutdown_calls == 1 && shutdown_status == 1 &&
	    strcmp(shutdown_by, "f") == 0 && teardown_exit_status() == 1);
	CHECK("fork fails: the teardown is done", done_calls == 1);
	process_start(p);
	CHECK("fork fails: nothing starts after that",
	    p->p_state == PROC_FATAL && p->p_spawns == 0);
	CHECK_STR("fork fails: states", history("f"),
	    "STOPPED>BACKOFF@0.000 BACKOFF>FATAL@1.000");
	CHECK_STR("fork fails: the other is stopped", history("other"),
	    "STOPPED>RUNNING@0.000 RUNNING>STOPPING@1.000 "
	    "STOPPING>STOPPED@1.000");
out:
	finish();
}

/* ---- exits of a RUNNING process ------------------------------------ */

static void
case_autorestart(void)
{
	if (!setup("autorestart", PROGRAM("t") "autorestart=true\n"
	    PROGRAM("f") "autorestart=false\n"
	    PROGRAM("u") "autorestart=unexpected\nexitcodes=0,2\n"))
		goto out;
	proctable_start_autostart();
	advance(1.5);
	fake_exit("t", exited(0));
	fake_exit("f", exited(1));
	fake_exit("u", exited(2));
	advance(1);
	process_start(proc("u"));
	advance(1);
	fake_exit("t", killed(SIGKILL));
	fake_exit("u", exited(3));
	advance(1);
	fake_exit("u", killed(SIGSEGV));
	advance(100);
	CHECK_STR("autorestart: true restarts after any exit", history("t"),
	    "STOPPED>STARTING@0.000 STARTING>RUNNING@1.000 "
	    "RUNNING>STARTING@1.500 STARTING>RUNNING@2.500 "
	    "RUNNING>STARTING@3.500 STARTING>RUNNING@4.500");
	CHECK_STR("autorestart: false never restarts", history("f"),
	    "STOPPED>STARTING@0.000 STARTING>RUNNING@1.000 "
	    "RUNNING>EXITED@1.500");
	CHECK("autorestart: false, spawned once", proc("f")->p_spawns == 1 &&
	    proc("f")->p_exit_status == exited(1));
	CHECK_STR("autorestart: unexpected restarts after 3 and SIGSEGV, "
	    "not after 2", history("u"),
	    "STOPPED>STARTING@0.000 STARTING>RUNNING@1.000 "
	    "RUNNING>EXITED@1.500 EXITED>STARTING@2.500 "
	    "STARTING>RUNNING@3.500 RUNNING>STARTING@3.500 "
	    "STARTING>RUNNING@4.500 RUNNING>STARTING@4.500 "
	    "STARTING>RUNNING@5.500");
out:
	finish();
}

/* A RUNNING process that dies within RESTART_QUICK waits 1, 2, 4 ...
 * capped by backoff_max; one that lived longer restarts at once. */
static void
case_quick_exits(void)
{
	static const double delays[] = { 1, 2, 4, 5 };
	struct process *p;
	char name[128];
	size_t i;

	if (!setup("quick exits", PROGRAM("q") "startsecs=0\n"
	    "autorestart=true\nbackoff_max=5\nstartretries=0\n"))
		goto out;
	p = proc("q");
	process_start(p);
	for (i = 0; i < 4; i++) {
		advance(0.1);
		fake_exit("q", exited(0));
		advance(delays[i] - 0.001);
		snprintf(name, sizeof(name), "quick exits: BACKOFF for %gs",
		    delays[i]);
		CHECK(name, p->p_state == PROC_BACKOFF);
		advance(0.001);
		snprintf(name, sizeof(name), "quick exits: RUNNING after %gs",
		    delays[i]);
		CHECK(name, p->p_state == PROC_RUNNING);
	}
	advance(0.6);
	fake_exit("q", exited(0));
	advance(0);
	CHECK("quick exits: up 0.6 s, restarted at once",
	    p->p_state == PROC_RUNNING && p->p_quick_exits == 0);
	advance(0.1);
	fake_exit("q", exited(0));
	advance(1);
	CHECK("quick exits: the delays begin again at 1 s",
	    p->p_state == PROC_RUNNING && p->p_spawns == 7);
	CHECK_STR("quick exits: states", history("q"),
	    "STOPPED>RUNNING@0.000 RUNNING>BACKOFF@0.100 "
	    "BACKOFF>RUNNING@1.100 RUNNING>BACKOFF@1.200 "
	    "BACKOFF>RUNNING@3.200 RUNNING>BACKOFF@3.300 "
	    "BACKOFF>RUNNING@7.300 RUNNING>BACKOFF@7.400 "
	    "BACKOFF>RUNNING@12.400 RUNNING>RUNNING@13.000 "
	    "RUNNING>BACKOFF@13.100 BACKOFF>RUNNING@14.100");
out:
	finish();
}

/* ---- stopping ---------------------------------------------------------- */

static void
case_stop(void)
{
	struct process *p;
	pid_t pid;

	if (!setup("stop", PROGRAM("s") "startsecs=0\n"))
		goto out;
	p = proc("s");
	process_start(p);
	pid = p->p_pid;
	advance(5);
	process_stop(p);
	CHECK("stop: STOPPING at once", p->p_state == PROC_STOPPING);
	CHECK_STR("stop: TERM, then CONT", fake_signals("s"),
	    "TERM@5.000 CONT@5.000");
	advance(0);
	CHECK("stop: STOPPED once reaped", p->p_state == PROC_STOPPED &&
	    !fake_alive(pid));
	CHECK("stop: died of TERM; pid and group forgotten",
	    p->p_exit_status == killed(SIGTERM) && p->p_pid == 0 &&
	    p->p_tree.t_leader == 0 && p->p_tree.t_ngroups == 0);
	advance(100);
	CHECK("stop: stays STOPPED", p->p_state == PROC_STOPPED &&
	    p->p_spawns == 1);
	CHECK_STR("stop: nothing sent after", fake_signals("s"),
	    "TERM@5.000 CONT@5.000");
	CHECK_STR("stop: states", history("s"),
	    "STOPPED>RUNNING@0.000 RUNNING>STOPPING@5.000 "
	    "STOPPING>STOPPED@5.000");
out:
	finish();
}

static void
case_stop_kills(void)
{
	struct process *p;

	if (!setup("stop kills", PROGRAM("k") "startsecs=0\n"))
		goto out;
	p = proc("k");
	fake_ignore("k", SIGTERM);
	process_start(p);
	advance(1);
	process_stop(p);
	advance(9.999);
	CHECK("stop kills: STOPPING until stopwaitsecs",
	    p->p_state == PROC_STOPPING);
	CHECK_STR("stop kills: no KILL before", fake_signals("k"),
	    "TERM@1.000 CONT@1.000");
	advance(0.001);
	CHECK_STR("stop kills: KILL at stopwaitsecs", fake_signals("k"),
	    "TERM@1.000 CONT@1.000 KILL@11.000");
	CHECK("stop kills: died of KILL", p->p_state == PROC_STOPPED &&
	    p->p_exit_status == killed(SIGKILL));
	CHECK_STR("stop kills: states", history("k"),
	    "STOPPED>RUNNING@0.000 RUNNING>STOPPING@1.000 "
	    "STOPPING>STOPPED@11.000");
out:
	finish();
}

/* SIGCONT follows the stop signal, except after KILL, CONT, STOP, TSTP. */
static void
case_stopsignals(void)
{
	static const struct {
		const char *name, *signals, *states;
		int status;
	} want[] = {
		{ "int", "INT@0.000 CONT@0.000", "STOPPED>RUNNING@0.000 "
		    "RUNNING>STOPPING@0.000 STOPPING>STOPPED@0.000", SIGINT },
		{ "hup", "HUP@0.000 CONT@0.000", "STOPPED>RUNNING@0.000 "
		    "RUNNING>STOPPING@0.000 STOPPING>STOPPED@0.000", SIGHUP },
		{ "usr1", "USR1@0.000 CONT@0.000", "STOPPED>RUNNING@0.000 "
		    "RUNNING>STOPPING@0.000 STOPPING>STOPPED@0.000", SIGUSR1 },
		{ "quit", "QUIT@0.000 CONT@0.000", "STOPPED>RUNNING@0.000 "
		    "RUNNING>STOPPING@0.000 STOPPING>STOPPED@0.000", SIGQUIT },
		{ "kill", "KILL@0.000", "STOPPED>RUNNING@0.000 "
		    "RUNNING>STOPPING@0.000 STOPPING>STOPPED@0.000", SIGKILL },
		{ "cont", "CONT@0.000 KILL@3.000", "STOPPED>RUNNING@0.000 "
		    "RUNNING>STOPPING@0.000 STOPPING>STOPPED@3.000", SIGKILL },
		{ "stop", "STOP@0.000 KILL@3.000", "STOPPED>RUNNING@0.000 "
		    "RUNNING>STOPPING@0.000 STOPPING>STOPPED@3.000", SIGKILL },
		{ "tstp", "TSTP@0.000 KILL@3.000", "STOPPED>RUNNING@0.000 "
		    "RUNNING>STOPPING@0.000 STOPPING>STOPPED@3.000", SIGKILL },
	};
	char text[2048], name[128];
	size_t i, len = 0;

	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		len += (size_t)snprintf(text + len, sizeof(text) - len,
		    "[program:%s]\ncommand=/usr/bin/x\nstdout_logfile=NONE\n"
		    "stderr_logfile=NONE\nstartsecs=0\nstopwaitsecs=3\n"
		    "stopsignal=%s\n", want[i].name, want[i].name);
	if (!setup("stopsignal", text))
		goto out;
	proctable_start_autostart();
	for (i = 0; i < proctable_count(); i++)
		process_stop(proctable_get(i));
	advance(5);
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		snprintf(name, sizeof(name), "stopsignal %s: signals sent",
		    want[i].name);
		CHECK_STR(name, fake_signals(want[i].name), want[i].signals);
		snprintf(name, sizeof(name), "stopsignal %s: states",
		    want[i].name);
		CHECK_STR(name, history(want[i].name), want[i].states);
		snprintf(name, sizeof(name), "stopsignal %s: died of SIG%s",
		    want[i].name, want[i].status == SIGKILL ? "KILL" :
		    want[i].name);
		CHECK(name, proc(want[i].name)->p_exit_status ==
		    killed(want[i].status));
	}
out:
	finish();
}

/*
 * What is left of a tree after its leader's exit keeps it STOPPING:
 * g's child ignores TERM and takes the KILL; i's child exits on its own
 * and its reap ends the stop; h's child left the process group, so no
 * group is left to look at and the poll sees it gone.
 */
static void
case_tree_outlives_leader(void)
{
	struct process *g;
	pid_t gc, hc, ic;
	double h_stopped;

	if (!setup("tree", PROGRAM("g") "startsecs=0\n"
	    PROGRAM("h") "startsecs=0\n" PROGRAM("i") "startsecs=0\n"))
		goto out;
	g = proc("g");
	proctable_start_autostart();
	gc = fake_fork("g", false);
	hc = fake_fork("h", true);
	ic = fake_fork("i", false);
	fake_ignore_pid(gc, SIGTERM);
	fake_ignore_pid(hc, SIGTERM);
	fake_ignore_pid(ic, SIGTERM);
	advance(1);
	process_stop(g);
	process_stop(proc("h"));
	process_stop(proc("i"));
	advance(0);
	CHECK("tree: the leaders died of TERM", g->p_pid == 0 &&
	    proc("h")->p_pid == 0 && proc("i")->p_pid == 0 &&
	    g->p_exit_status == killed(SIGTERM));
	CHECK("tree: the children are left", fake_alive(gc) &&
	    fake_alive(hc) && fake_alive(ic));
	CHECK("tree: g keeps its group for its child",
	    g->p_tree.t_ngroups == 1 && proc("h")->p_tree.t_ngroups == 0);
	advance(1);
	CHECK("tree: all three still STOPPING", g->p_state == PROC_STOPPING &&
	    proc("h")->p_state == PROC_STOPPING &&
	    proc("i")->p_state == PROC_STOPPING);
	fake_exit_pid(ic, exited(0));
	fake_exit_pid(hc, exited(0));
	advance(0);
	CHECK("tree: i STOPPED as soon as its child is reaped",
	    proc("i")->p_state == PROC_STOPPED);
	advance(0.2);
	h_stopped = when("h", PROC_STOPPING, PROC_STOPPED);
	CHECK("tree: h STOPPED by the poll within 0.2 s",
	    h_stopped > 2.0 && h_stopped <= 2.2);
	advance(8.799);
	CHECK("tree: g STOPPING until stopwaitsecs",
	    g->p_state == PROC_STOPPING && fake_alive(gc));
	advance(0.001);
	CHECK("tree: g's child killed, g STOPPED",
	    g->p_state == PROC_STOPPED && !fake_alive(gc));
	CHECK_STR("tree: g's signals", fake_signals("g"),
	    "TERM@1.000 CONT@1.000 KILL@11.000");
	CHECK_STR("tree: g's states", history("g"),
	    "STOPPED>RUNNING@0.000 RUNNING>STOPPING@1.000 "
	    "STOPPING>STOPPED@11.000");
	CHECK_STR("tree: i's states", history("i"),
	    "STOPPED>RUNNING@0.000 RUNNING>STOPPING@1.000 "
	    "STOPPING>STOPPED@2.000");
	CHECK_STR("tree: i's signals", fake_signals("i"),
	    "TERM@1.000 CONT@1.000");
out:
	finish();
}

/* A leader that exits for good leaves a child: the child is killed. */
static void
case_exited_leaves_child(void)
{
	struct process *p;
	pid_t child;

	if (!setup("leftover", PROGRAM("l") "startsecs=0\n"
	    "autorestart=false\n"))
		goto out;
	p = proc("l");
	process_start(p);
	child = fake_fork("l", false);
	advance(1);
	fake_exit("l", exited(0));
	advance(0);
	CHECK("leftover: EXITED, its child killed", p->p_state == PROC_EXITED &&
	    !fake_alive(child) && process_is_down(p));
	CHECK_STR("leftover: KILL", fake_signals("l"), "KILL@1.000");
	teardown_begin(0);
	CHECK("leftover: a teardown has nothing to stop", done_calls == 1);
	CHECK_STR("leftover: states", history("l"),
	    "STOPPED>RUNNING@0.000 RUNNING>EXITED@1.000");
out:
	finish();
}

/* Stops in BACKOFF and STARTING; a start in BACKOFF does not wait. */
static void
case_stop_and_start_early(void)
{
	struct process *p;

	if (!setup("early", PROGRAM("e") "startsecs=2\n"))
		goto out;
	p = proc("e");
	process_start(p);
	advance(0.5);
	fake_exit("e", exited(1));
	advance(0.5);
	process_stop(p);
	CHECK("early: BACKOFF stops at once", p->p_state == PROC_STOPPED);
	advance(5);
	CHECK("early: no retry after the stop", p->p_spawns == 1);
	process_start(p);
	advance(1);
	fake_exit("e", exited(1));
	advance(0.1);
	process_start(p);
	CHECK("early: a start in BACKOFF spawns now",
	    p->p_state == PROC_STARTING && p->p_spawns == 3 &&
	    p->p_retries == 0);
	advance(1);
	process_stop(p);
	advance(0);
	CHECK_STR("early: TERM for a STARTING process", fake_signals("e"),
	    "TERM@8.100 CONT@8.100");
	CHECK_STR("early: states", history("e"),
	    "STOPPED>STARTING@0.000 STARTING>BACKOFF@0.500 "
	    "BACKOFF>STOPPED@1.000 STOPPED>STARTING@6.000 "
	    "STARTING>BACKOFF@7.000 BACKOFF>STARTING@7.100 "
	    "STARTING>STOPPING@8.100 STOPPING>STOPPED@8.100");
out:
	finish();
}

static void
case_signal(void)
{
	struct process *p;

	if (!setup("signal", PROGRAM("s") "startsecs=0\nautostart=false\n"))
		goto out;
	p = proc("s");
	CHECK("signal: nothing to signal while STOPPED",
	    !process_signal(p, SIGHUP));
	process_start(p);
	fake_ignore("s", SIGHUP);
	CHECK("signal: sent to a RUNNING tree", process_signal(p, SIGHUP));
	advance(1);
	CHECK("signal: still RUNNING", p->p_state == PROC_RUNNING);
	CHECK_STR("signal: HUP recorded", fake_signals("s"), "HUP@0.000");
out:
	finish();
}

/* ---- runtime_limit ----------------------------------------------------- */

static void
case_runtime_limit(void)
{
	if (!setup("runtime limit", PROGRAM("r") "runtime_limit=5\n"
	    PROGRAM("n") "startsecs=0\nruntime_limit=2\nautorestart=false\n"
	    PROGRAM("x") "startsecs=0\nruntime_limit=3\n"
	    PROGRAM("y") "startsecs=5\nruntime_limit=4\n"))
		goto out;
	fake_ignore("x", SIGTERM);
	proctable_start_autostart();
	advance(3);
	fake_exit("x", exited(0));	/* its answer to TERM: exit 0 */
	advance(7.5);
	CHECK_STR("runtime limit: stopped and restarted each 5 s", history("r"),
	    "STOPPED>STARTING@0.000 STARTING>RUNNING@1.000 "
	    "RUNNING>STOPPING@5.000 STOPPING>STOPPED@5.000 "
	    "STOPPED>STARTING@5.000 STARTING>RUNNING@6.000 "
	    "RUNNING>STOPPING@10.000 STOPPING>STOPPED@10.000 "
	    "STOPPED>STARTING@10.000");
	CHECK_STR("runtime limit: r got TERM each time", fake_signals("r"),
	    "TERM@5.000 CONT@5.000 TERM@10.000 CONT@10.000");
	CHECK_STR("runtime limit: autorestart=false ends EXITED", history("n"),
	    "STOPPED>RUNNING@0.000 RUNNING>STOPPING@2.000 "
	    "STOPPING>STOPPED@2.000 STOPPED>EXITED@2.000");
	CHECK_STR("runtime limit: exit 0 after it is still unexpected",
	    history("x"),
	    "STOPPED>RUNNING@0.000 RUNNING>STOPPING@3.000 "
	    "STOPPING>STOPPED@3.000 STOPPED>RUNNING@3.000 "
	    "RUNNING>STOPPING@6.000");
	CHECK_STR("runtime limit: counts in STARTING too", history("y"),
	    "STOPPED>STARTING@0.000 STARTING>STOPPING@4.000 "
	    "STOPPING>STOPPED@4.000 STOPPED>STARTING@4.000 "
	    "STARTING>STOPPING@8.000 STOPPING>STOPPED@8.000 "
	    "STOPPED>STARTING@8.000");
out:
	finish();
}

/* ---- shutdown_on_exit ------------------------------------------------ */

/* true: any exit; the teardown then stops the rest, and what the exited
 * process left, in reverse priority. */
static void
case_shutdown_any_exit(void)
{
	pid_t child;

	if (!setup("shutdown true", PROGRAM("main") "startsecs=0\n"
	    "shutdown_on_exit=true\npriority=10\n"
	    PROGRAM("side") "startsecs=0\npriority=20\n"))
		goto out;
	proctable_start_autostart();
	child = fake_fork("main", false);
	advance(2);
	fake_exit("main", exited(0));
	advance(0);
	CHECK("shutdown true: asked with status 0", shutdown_calls == 1 &&
	    shutdown_status == 0 && strcmp(shutdown_by, "main") == 0);
	CHECK("shutdown true: the teardown is done", done_calls == 1 &&
	    teardown_exit_status() == 0 && !fake_alive(child));
	process_start(proc("main"));
	CHECK("shutdown true: nothing starts any more",
	    proc("main")->p_state == PROC_STOPPED);
	CHECK_STR("shutdown true: main's states", history("main"),
	    "STOPPED>RUNNING@0.000 RUNNING>EXITED@2.000 "
	    "EXITED>STOPPING@2.000 STOPPING>STOPPED@2.000");
	CHECK_STR("shutdown true: side's states", history("side"),
	    "STOPPED>RUNNING@0.000 RUNNING>STOPPING@2.000 "
	    "STOPPING>STOPPED@2.000");
	CHECK("shutdown true: side (priority 20) stopped before main",
	    seq("side", PROC_STOPPING, PROC_STOPPED) <
	    seq("main", PROC_EXITED, PROC_STOPPING));
	CHECK_STR("shutdown true: TERM for what main left",
	    fake_signals("main"), "TERM@2.000 CONT@2.000");
out:
	finish();
}

/* unexpected: an exit status not in exitcodes, or a signal: 128+N. */
static void
case_shutdown_unexpected(void)
{
	struct process *p;

	if (!setup("shutdown unexpected", PROGRAM("u") "startsecs=0\n"
	    "shutdown_on_exit=unexpected\n"))
		goto out;
	p = proc("u");
	process_start(p);
	advance(1);
	fake_exit("u", exited(0));
	advance(1);
	CHECK("shutdown unexpected: exit 0 is expected: EXITED, no shutdown",
	    p->p_state == PROC_EXITED && shutdown_calls == 0);
	process_start(p);
	advance(1);
	fake_exit("u", killed(SIGKILL));
	advance(0);
	CHECK("shutdown unexpected: SIGKILL asks with status 137",
	    shutdown_calls == 1 && shutdown_status == 137 && done_calls == 1 &&
	    teardown_exit_status() == 137);
	CHECK_STR("shutdown unexpected: states", history("u"),
	    "STOPPED>RUNNING@0.000 RUNNING>EXITED@1.000 "
	    "EXITED>RUNNING@2.000 RUNNING>EXITED@3.000");
out:
	finish();
}

/* An exit before startsecs, and a runtime limit, ask for it too. */
static void
case_shutdown_early_and_limit(void)
{
	if (!setup("shutdown starting", PROGRAM("s") "startsecs=5\n"
	    "shutdown_on_exit=true\n"))
		goto out;
	process_start(proc("s"));
	advance(1);
	fake_exit("s", exited(3));
	advance(0);
	CHECK("shutdown starting: status 3", shutdown_calls == 1 &&
	    shutdown_status == 3 && done_calls == 1);
	CHECK_STR("shutdown starting: states", history("s"),
	    "STOPPED>STARTING@0.000 STARTING>EXITED@1.000");
out:
	finish();
	if (!setup("shutdown limit", PROGRAM("l") "startsecs=0\n"
	    "runtime_limit=3\nshutdown_on_exit=unexpected\n"))
		goto out2;
	process_start(proc("l"));
	advance(4);
	CHECK("shutdown limit: the limit's stop asks with 143 (TERM)",
	    shutdown_calls == 1 && shutdown_status == 143 && done_calls == 1);
	CHECK_STR("shutdown limit: states", history("l"),
	    "STOPPED>RUNNING@0.000 RUNNING>STOPPING@3.000 "
	    "STOPPING>STOPPED@3.000 STOPPED>EXITED@3.000");
out2:
	finish();
}

/* A failed exec is unexpected even when exitcodes holds its status. */
static void
case_shutdown_exec_fails(void)
{
	if (!setup("shutdown exec fails", PROGRAM("x") "exitcodes=0,127\n"
	    "shutdown_on_exit=unexpected\n"))
		goto out;
	fake_exec("x", FAKE_EXEC_FAILS, SPAWN_STAGE_EXEC, ENOENT);
	process_start(proc("x"));
	advance(0);
	CHECK("shutdown exec fails: asks with status 127",
	    shutdown_calls == 1 && shutdown_status == 127 && done_calls == 1);
	CHECK_STR("shutdown exec fails: states", history("x"),
	    "STOPPED>STARTING@0.000 STARTING>EXITED@0.000");
out:
	finish();
}

/* fatal: only giving up asks for it; status is the last exit's. */
static void
case_shutdown_fatal(void)
{
	struct process *p;

	if (!setup("shutdown fatal", PROGRAM("f") "startretries=1\n"
	    "shutdown_on_exit=fatal\nautorestart=true\n"))
		goto out;
	p = proc("f");
	process_start(p);
	advance(2);
	fake_exit("f", exited(0));	/* RUNNING: restarted */
	advance(0.5);
	CHECK("shutdown fatal: an exit while RUNNING does not ask",
	    shutdown_calls == 0 && p->p_state == PROC_STARTING);
	fake_exit("f", exited(2));
	advance(1);
	fake_exit("f", exited(2));
	advance(0);
	CHECK("shutdown fatal: FATAL asks with the last status, 2",
	    p->p_state == PROC_FATAL && shutdown_calls == 1 &&
	    shutdown_status == 2 && done_calls == 1);
	CHECK_STR("shutdown fatal: states", history("f"),
	    "STOPPED>STARTING@0.000 STARTING>RUNNING@1.000 "
	    "RUNNING>STARTING@2.000 STARTING>BACKOFF@2.500 "
	    "BACKOFF>STARTING@3.500 STARTING>FATAL@3.500");
out:
	finish();
}

/* ---- the teardown ------------------------------------------------------ */

/*
 * Levels stop from the highest priority number down, programs of one
 * level together, the next only once the level is gone; BACKOFF stops
 * at once; EXITED is left as it is.
 */
static void
case_teardown_levels(void)
{
	if (!setup("teardown", PROGRAM("a") "startsecs=0\npriority=10\n"
	    PROGRAM("b") "startsecs=0\npriority=20\nstopwaitsecs=3\n"
	    PROGRAM("c") "startsecs=0\npriority=20\n"
	    PROGRAM("d") "startsecs=0\npriority=30\nstopwaitsecs=5\n"
	    PROGRAM("e") "priority=40\n"
	    PROGRAM("f") "startsecs=0\npriority=5\nautorestart=false\n"))
		goto out;
	fake_ignore("b", SIGTERM);
	fake_ignore("d", SIGTERM);
	proctable_start_autostart();
	advance(0.5);
	fake_exit("e", exited(1));
	fake_exit("f", exited(0));
	advance(0.5);
	teardown_begin(7);
	CHECK("teardown: active, status 7", teardown_is_active() &&
	    teardown_exit_status() == 7 && process_shutting_down());
	advance(7.999);
	CHECK("teardown: not done before the last level",
	    done_calls == 0 && proc("a")->p_state == PROC_RUNNING);
	advance(0.001);
	CHECK("teardown: done once everything is gone", done_calls == 1 &&
	    fake_swept() == 0);
	advance(10);
	CHECK("teardown: done once", done_calls == 1);
	CHECK_STR("teardown: a, last", history("a"),
	    "STOPPED>RUNNING@0.000 RUNNING>STOPPING@9.000 "
	    "STOPPING>STOPPED@9.000");
	CHECK_STR("teardown: b, with c, killed after 3 s", history("b"),
	    "STOPPED>RUNNING@0.000 RUNNING>STOPPING@6.000 "
	    "STOPPING>STOPPED@9.000");
	CHECK_STR("teardown: b's signals", fake_signals("b"),
	    "TERM@6.000 CONT@6.000 KILL@9.000");
	CHECK_STR("teardown: c, with b", history("c"),
	    "STOPPED>RUNNING@0.000 RUNNING>STOPPING@6.000 "
	    "STOPPING>STOPPED@6.000");
	CHECK_STR("teardown: d, first, killed after 5 s", history("d"),
	    "STOPPED>RUNNING@0.000 RUNNING>STOPPING@1.000 "
	    "STOPPING>STOPPED@6.000");
	CHECK_STR("teardown: e, in BACKOFF, stopped at once", history("e"),
	    "STOPPED>STARTING@0.000 STARTING>BACKOFF@0.500 "
	    "BACKOFF>STOPPED@1.000");
	CHECK_STR("teardown: f, EXITED, left alone", history("f"),
	    "STOPPED>RUNNING@0.000 RUNNING>EXITED@0.500");
	CHECK("teardown: b and c begin after d is gone",
	    seq("d", PROC_STOPPING, PROC_STOPPED) <
	    seq("b", PROC_RUNNING, PROC_STOPPING) &&
	    seq("d", PROC_STOPPING, PROC_STOPPED) <
	    seq("c", PROC_RUNNING, PROC_STOPPING));
	CHECK("teardown: a begins after b is gone",
	    seq("b", PROC_STOPPING, PROC_STOPPED) <
	    seq("a", PROC_RUNNING, PROC_STOPPING));
out:
	finish();
}

/* A second signal: SIGKILL for what is stopping, and for every level
 * left, at once. */
static void
case_teardown_kill_all(void)
{
	if (!setup("kill all", PROGRAM("a") "startsecs=0\npriority=10\n"
	    "stopwaitsecs=30\n"
	    PROGRAM("b") "startsecs=0\npriority=20\nstopwaitsecs=30\n"))
		goto out;
	fake_ignore("a", SIGTERM);
	fake_ignore("b", SIGTERM);
	proctable_start_autostart();
	teardown_begin(0);
	advance(1);
	CHECK("kill all: b STOPPING, a waits",
	    proc("b")->p_state == PROC_STOPPING &&
	    proc("a")->p_state == PROC_RUNNING);
	teardown_kill_all();
	advance(0);
	CHECK("kill all: done at once", done_calls == 1 &&
	    process_shutdown_is_hard());
	CHECK_STR("kill all: b got KILL after its TERM", fake_signals("b"),
	    "TERM@0.000 CONT@0.000 KILL@1.000");
	CHECK_STR("kill all: a got KILL alone", fake_signals("a"),
	    "KILL@1.000");
	CHECK_STR("kill all: a's states", history("a"),
	    "STOPPED>RUNNING@0.000 RUNNING>STOPPING@1.000 "
	    "STOPPING>STOPPED@1.000");
out:
	finish();
	if (!setup("kill all first", PROGRAM("k") "startsecs=0\n"))
		goto out2;
	fake_ignore("k", SIGTERM);
	proctable_start_autostart();
	advance(1);
	teardown_kill_all();
	advance(0);
	CHECK("kill all first: begins the teardown and ends it",
	    teardown_is_active() && done_calls == 1);
	CHECK_STR("kill all first: the stop's TERM, then KILL at once",
	    fake_signals("k"), "TERM@1.000 CONT@1.000 KILL@1.000");
out2:
	finish();
}

/* ---- what a reload does ---------------------------------------------- */

/* Replaced while RUNNING: it stops with its old stopsignal and
 * stopwaitsecs, then starts with the new settings. */
static void
case_replace_running(void)
{
	struct config *cf2;
	struct process *p;

	if (!setup("replace", PROGRAM("w") "stopsignal=INT\nstopwaitsecs=2\n"))
		goto out;
	cf2 = load(PROGRAM("w") "startsecs=3\nstopwaitsecs=7\n");
	if (cf2 == NULL)
		goto out;
	p = proc("w");
	fake_ignore("w", SIGINT);
	process_start(p);
	advance(2);
	CHECK("replace: outcome RESTARTING",
	    replace(cf2, "w") == REPLACE_RESTARTING);
	CHECK("replace: stops with the old settings",
	    p->p_state == PROC_STOPPING && p->p_cf != cf2 &&
	    p->p_next_cf == cf2 && p->p_then_start);
	advance(1.999);
	CHECK_STR("replace: INT, not yet KILL", fake_signals("w"),
	    "INT@2.000 CONT@2.000");
	advance(0.001);
	CHECK("replace: started with the new settings",
	    p->p_state == PROC_STARTING && p->p_cf == cf2 &&
	    p->p_program == program_in(cf2, "w") && p->p_next_cf == NULL &&
	    !p->p_then_start);
	advance(4);
	process_stop(p);
	advance(0);
	CHECK_STR("replace: signals", fake_signals("w"),
	    "INT@2.000 CONT@2.000 KILL@4.000 TERM@8.000 CONT@8.000");
	CHECK_STR("replace: states", history("w"),
	    "STOPPED>STARTING@0.000 STARTING>RUNNING@1.000 "
	    "RUNNING>STOPPING@2.000 STOPPING>STOPPED@4.000 "
	    "STOPPED>STARTING@4.000 STARTING>RUNNING@7.000 "
	    "RUNNING>STOPPING@8.000 STOPPING>STOPPED@8.000");
out:
	finish();
}

/* Replaced while down: started if autostart says so, unless a user
 * stopped it; a BACKOFF is up, and starts at once. */
static void
case_replace_down(void)
{
	struct config *cf2;

	if (!setup("replace down", PROGRAM("d") "autostart=false\n"
	    PROGRAM("n") "autostart=false\n" PROGRAM("h") "autostart=false\n"
	    PROGRAM("b") "\n"))
		goto out;
	cf2 = load(PROGRAM("d") "startsecs=0\n"
	    PROGRAM("n") "autostart=false\nstartsecs=0\n"
	    PROGRAM("h") "startsecs=0\n" PROGRAM("b") "startsecs=0.5\n");
	if (cf2 == NULL)
		goto out;
	process_hold(proc("h"), true);
	proctable_start_autostart();
	advance(0.5);
	fake_exit("b", exited(1));
	advance(0.5);
	CHECK("replace down: d is started",
	    replace(cf2, "d") == REPLACE_STARTED);
	CHECK("replace down: n stays down",
	    replace(cf2, "n") == REPLACE_UPDATED);
	CHECK("replace down: h, held, stays down",
	    replace(cf2, "h") == REPLACE_UPDATED);
	CHECK("replace down: b in BACKOFF starts now",
	    replace(cf2, "b") == REPLACE_STARTED);
	CHECK("replace down: n and h hold the new settings",
	    proc("n")->p_cf == cf2 && proc("h")->p_cf == cf2 &&
	    proc("n")->p_state == PROC_STOPPED &&
	    proc("h")->p_state == PROC_STOPPED);
	advance(3);
	CHECK("replace down: b's old retry never came",
	    proc("b")->p_spawns == 2 && proc("b")->p_retries == 0);
	CHECK_STR("replace down: d", history("d"), "STOPPED>RUNNING@1.000");
	CHECK_STR("replace down: n", history("n"), "");
	CHECK_STR("replace down: h", history("h"), "");
	CHECK_STR("replace down: b", history("b"),
	    "STOPPED>STARTING@0.000 STARTING>BACKOFF@0.500 "
	    "BACKOFF>STARTING@1.000 STARTING>RUNNING@1.500");
out:
	finish();
}

/*
 * Unchanged: it runs on, holding the new config.  While a replace waits
 * for the stop, the newest settings are the ones it starts with.
 */
static void
case_keep(void)
{
	struct config *cf2, *cf3;
	const struct program_config *pg;
	struct process *k, *m;

	if (!setup("keep", PROGRAM("k") "startsecs=0\n"
	    PROGRAM("m") "startsecs=0\n"))
		goto out;
	cf2 = load(PROGRAM("k") "startsecs=0\n" PROGRAM("m") "startsecs=1\n");
	cf3 = load(PROGRAM("k") "startsecs=0\n" PROGRAM("m") "startsecs=1\n");
	if (cf2 == NULL || cf3 == NULL)
		goto out;
	k = proc("k");
	m = proc("m");
	fake_ignore("m", SIGTERM);
	proctable_start_autostart();
	advance(1);
	pg = program_in(cf2, "k");
	process_keep(k, cf2, pg, &pg->pg_procs[0]);
	CHECK("keep: runs on with the new config", k->p_cf == cf2 &&
	    k->p_program == pg && k->p_state == PROC_RUNNING);
	replace(cf2, "m");
	advance(1);
	pg = program_in(cf3, "m");
	process_keep(m, cf3, pg, &pg->pg_procs[0]);
	CHECK("keep: while stopping, kept for later", m->p_cf != cf3 &&
	    m->p_next_cf == cf3 && m->p_state == PROC_STOPPING);
	advance(10);
	CHECK("keep: m started with the newest settings", m->p_cf == cf3 &&
	    m->p_program == pg && m->p_next_cf == NULL);
	CHECK_STR("keep: k's states", history("k"), "STOPPED>RUNNING@0.000");
	CHECK_STR("keep: k got no signal", fake_signals("k"), "");
	CHECK_STR("keep: m's states", history("m"),
	    "STOPPED>RUNNING@0.000 RUNNING>STOPPING@1.000 "
	    "STOPPING>STOPPED@11.000 STOPPED>STARTING@11.000 "
	    "STARTING>RUNNING@12.000");
out:
	finish();
}

/* Removed: its tree stops and the table's sweep frees it once gone. */
static void
case_retire(void)
{
	if (!setup("retire", PROGRAM("r") "startsecs=0\n"
	    PROGRAM("s") "autostart=false\n"
	    PROGRAM("t") "startsecs=0\nstopwaitsecs=2\n"))
		goto out;
	fake_ignore("t", SIGTERM);
	proctable_start_autostart();
	advance(1);
	proctable_retire(proc("r"));
	proctable_retire(proc("s"));
	proctable_retire(proc("t"));
	advance(0);
	CHECK("retire: r and s are gone from the table",
	    proc("r") == NULL && proc("s") == NULL && proctable_count() == 1);
	CHECK("retire: t stays while it stops", proc("t") != NULL &&
	    proc("t")->p_state == PROC_STOPPING);
	advance(1.999);
	CHECK("retire: t still there before its KILL", proc("t") != NULL);
	advance(0.001);
	CHECK("retire: t gone once stopped", proc("t") == NULL &&
	    proctable_count() == 0 && fake_trees() == 0);
	CHECK("retire: each told as removed once", strlen(removed) == 5 &&
	    strstr(removed, "r") != NULL && strstr(removed, "s") != NULL &&
	    strcmp(removed + 4, "t") == 0);
	CHECK_STR("retire: r's states", history("r"),
	    "STOPPED>RUNNING@0.000 RUNNING>STOPPING@1.000 "
	    "STOPPING>STOPPED@1.000");
	CHECK_STR("retire: s's states", history("s"), "");
	CHECK_STR("retire: t's states", history("t"),
	    "STOPPED>RUNNING@0.000 RUNNING>STOPPING@1.000 "
	    "STOPPING>STOPPED@3.000");
out:
	finish();
}

/* Removed, then back while it still stops: it stays in the table and
 * starts anew once stopped; a user's stop cancels such a start. */
static void
case_revive(void)
{
	struct config *cf2;
	struct process *v, *c;

	if (!setup("revive", PROGRAM("v") "startsecs=0\nstopwaitsecs=2\n"
	    PROGRAM("c") "startsecs=0\nstopwaitsecs=2\n"))
		goto out;
	cf2 = load(PROGRAM("v") "startsecs=1\n" PROGRAM("c") "startsecs=1\n");
	if (cf2 == NULL)
		goto out;
	v = proc("v");
	c = proc("c");
	fake_ignore("v", SIGTERM);
	fake_ignore("c", SIGTERM);
	proctable_start_autostart();
	advance(1);
	proctable_retire(v);
	advance(0.5);
	process_revive(v);
	CHECK("revive: outcome RESTARTING",
	    replace(cf2, "v") == REPLACE_RESTARTING);
	CHECK("revive: c outcome RESTARTING",
	    replace(cf2, "c") == REPLACE_RESTARTING);
	advance(0.5);
	process_stop(c);
	advance(10);
	CHECK("revive: v stays in the table, RUNNING on the new settings",
	    proc("v") == v && v->p_state == PROC_RUNNING && v->p_cf == cf2 &&
	    removed[0] == '\0');
	CHECK("revive: c's stop cancelled its start",
	    c->p_state == PROC_STOPPED && !c->p_then_start && c->p_cf == cf2);
	CHECK_STR("revive: v's states", history("v"),
	    "STOPPED>RUNNING@0.000 RUNNING>STOPPING@1.000 "
	    "STOPPING>STOPPED@3.000 STOPPED>STARTING@3.000 "
	    "STARTING>RUNNING@4.000");
	CHECK_STR("revive: c's states", history("c"),
	    "STOPPED>RUNNING@0.000 RUNNING>STOPPING@1.500 "
	    "STOPPING>STOPPED@3.500");
out:
	finish();
}

/* ---- the fakes themselves ------------------------------------------- */

static int fired;

static void
fired_cb(struct ev_loop *l, ev_timer *w, int revents)
{
	(void)l;
	(void)w;
	(void)revents;
	fired++;
}

/* The clock the loop reads is the test's, and no real time passes. */
static void
case_fake_clock(void)
{
	struct timespec real0, real1;
	ev_timer t;
	double real;

	if (!setup("fake clock", PROGRAM("c") "autostart=false\n"))
		goto out;
	clock_gettime(CLOCK_REALTIME, &real0);
	fired = 0;
	ev_timer_init(&t, fired_cb, 30, 0);
	ev_timer_start(loop, &t);
	advance(29.999);
	CHECK("fake clock: a 30 s timer waits 29.999 s", fired == 0);
	fake_clock_set(fake_clock_ns() + 1000000);
	ev_run(loop, EVRUN_NOWAIT);
	CHECK("fake clock: ... and fires at 30 s, with EVRUN_NOWAIT",
	    fired == 1);
	CHECK("fake clock: 30 s passed on it",
	    fake_clock_elapsed() > 30.0 && fake_clock_elapsed() < 30.001);
	CHECK("fake clock: monotime.h reads it too",
	    mono_now() == (double)(fake_clock_ns() / 1000000000) +
	    (double)(fake_clock_ns() % 1000000000) / 1e9);
	clock_gettime(CLOCK_REALTIME, &real1);
	real = (double)(real1.tv_sec - real0.tv_sec) +
	    (double)(real1.tv_nsec - real0.tv_nsec) / 1e9;
	CHECK("fake clock: in well under a second of real time", real < 0.5);
out:
	finish();
}

/* Descriptors open now: finds one left open by a case. */
static int
open_fds(void)
{
	struct dirent *d;
	DIR *dir;
	int n = 0;

	if ((dir = opendir("/proc/self/fd")) == NULL)
		return -1;
	while ((d = readdir(dir)) != NULL)
		if (d->d_name[0] != '.')
			n++;
	closedir(dir);
	return n;
}

/* ---- readiness, health and dependencies ---------------------------- */

/* With ready=, startsecs gives way: STARTING until the input says ready;
 * a second word changes nothing. */
static void
case_ready_input(void)
{
	struct process *p;

	if (!setup("ready", PROGRAM("db") "startsecs=1\n"
	    "ready=tcp:127.0.0.1:5432\nready_timeout=10\n"))
		goto out;
	p = proc("db");
	process_start(p);
	advance(2);
	CHECK("ready: still STARTING past startsecs", p->p_state ==
	    PROC_STARTING);
	process_ready(p, "test");
	CHECK("ready: RUNNING once said ready", p->p_state == PROC_RUNNING);
	process_ready(p, "test again");
	advance(20);
	CHECK("ready: RUNNING, no timeout after it", p->p_state ==
	    PROC_RUNNING && p->p_spawns == 1);
	CHECK_STR("ready: states", history("db"),
	    "STOPPED>STARTING@0.000 STARTING>RUNNING@2.000");
out:
	finish();
}

/* Not ready within ready_timeout: a failed start (stopped with its
 * stopsignal, then BACKOFF), then FATAL after startretries. */
static void
case_ready_timeout(void)
{
	struct process *p;

	if (!setup("ready_timeout", PROGRAM("slow") "ready=notify\n"
	    "ready_timeout=3\nstartretries=1\n"))
		goto out;
	p = proc("slow");
	process_start(p);
	advance(2.999);
	CHECK("ready_timeout: STARTING before it", p->p_state == PROC_STARTING);
	advance(0.001);
	CHECK("ready_timeout: stopped at it", p->p_state == PROC_STOPPING ||
	    p->p_state == PROC_BACKOFF);
	CHECK_STR("ready_timeout: with its stopsignal", fake_signals("slow"),
	    "TERM@3.000 CONT@3.000");
	advance(20);
	CHECK("ready_timeout: FATAL after one retry", p->p_state == PROC_FATAL &&
	    p->p_spawns == 2);
	CHECK("ready_timeout: never RUNNING",
	    seq("slow", PROC_STARTING, PROC_RUNNING) == -1);
	CHECK("ready_timeout: BACKOFF once the first is gone",
	    seq("slow", PROC_STOPPED, PROC_BACKOFF) != -1);
out:
	finish();
}

/* A health check's restart: the whole tree stopped, then started. */
static void
case_restart(void)
{
	struct process *p;
	pid_t pid;

	if (!setup("restart", PROGRAM("web") "startsecs=0\n"))
		goto out;
	p = proc("web");
	process_start(p);
	pid = p->p_pid;
	advance(5);
	process_restart(p, "test");
	advance(1);
	CHECK("restart: RUNNING again, a new pid", p->p_state == PROC_RUNNING &&
	    p->p_pid != pid && p->p_spawns == 2);
	CHECK_STR("restart: states", history("web"),
	    "STOPPED>RUNNING@0.000 RUNNING>STOPPING@5.000 "
	    "STOPPING>STOPPED@5.000 STOPPED>RUNNING@5.000");
out:
	finish();
}

/* depends_on: WAITING until the dependency is RUNNING; a FATAL one
 * leaves it WAITING without a spawn; a dependency's start frees it. */
static void
case_depends(void)
{
	struct process *db, *app;

	if (!setup("depends", PROGRAM("db") "startsecs=1\nstartretries=0\n"
	    PROGRAM("app") "startsecs=1\ndepends_on=db\n"))
		goto out;
	depends_start(loop);
	db = proc("db");
	app = proc("app");
	CHECK("depends: db first in the table", proctable_get(0) == db);
	proctable_start_autostart();
	settle();
	CHECK("depends: app WAITING", app->p_state == PROC_WAITING &&
	    app->p_spawns == 0);
	CHECK_STR("depends: app says what for", process_waiting_for(app),
	    "db to be ready (db is STARTING)");
	advance(1);
	CHECK("depends: app STARTING once db is RUNNING",
	    app->p_state == PROC_STARTING);
	CHECK_STR("depends: app's states", history("app"),
	    "STOPPED>WAITING@0.000 WAITING>STARTING@1.000");
	process_stop(app);
	process_stop(db);
	advance(1);
	/* db fails its start: FATAL.  app waits, and spawns nothing. */
	process_start(db);
	process_start(app);
	settle();
	fake_exit("db", exited(1));
	advance(30);
	CHECK("depends: db FATAL", db->p_state == PROC_FATAL);
	CHECK("depends: app WAITING on a FATAL db, one spawn in all",
	    app->p_state == PROC_WAITING && app->p_spawns == 1);
	CHECK("depends: doomed (wait fails)", depends_doomed(app));
	process_start(db);
	advance(2);
	CHECK("depends: app starts once db runs again",
	    app->p_state == PROC_RUNNING && app->p_spawns == 2);
out:
	depends_stop();
	finish();
}

/* ---- events: supervisord's sequence, told to a listener ---------------- */

/* The test plays the listener: what it got, "EVENT payload" with the
 * pids left out, one per line. */
static char	 got[8192];

/* Reads every event sent to the listener, answering OK and READY to
 * each; appends them to got. */
static void
listen_all(int in, int out)
{
	char buf[4096], name[64], *nl, *line;
	size_t len = 0, plen, k;
	ssize_t n;
	const char *w;

	for (;;) {
		settle();
		n = read(in, buf + len, sizeof(buf) - 1 - len);
		if (n <= 0)
			break;
		len += (size_t)n;
		buf[len] = '\0';
		while ((nl = strchr(buf, '\n')) != NULL) {
			*nl = '\0';
			if ((w = strstr(buf, "eventname:")) == NULL ||
			    sscanf(w, "eventname:%63s len:%zu", name,
			    &plen) != 2 || (size_t)(nl + 1 - buf) + plen > len)
				break;
			k = strlen(got);
			snprintf(got + k, sizeof(got) - k, "%s ", name);
			line = nl + 1;
			for (k = 0; k < plen; k++) {
				size_t g = strlen(got);

				/* pid:N as pid */
				if (strncmp(line + k, "pid:", 4) == 0) {
					snprintf(got + g, sizeof(got) - g,
					    "pid");
					k += 4;
					while (k < plen && line[k] >= '0' &&
					    line[k] <= '9')
						k++;
					k--;
					continue;
				}
				if (g + 1 < sizeof(got)) {
					got[g] = line[k] == '\n' ? '|' :
					    line[k];
					got[g + 1] = '\0';
				}
			}
			k = strlen(got);
			snprintf(got + k, sizeof(got) - k, "\n");
			memmove(buf, line + plen, len - (size_t)(line + plen -
			    buf));
			len -= (size_t)(line + plen - buf);
			buf[len] = '\0';
			if (write(out, "RESULT 2\nOKREADY\n", 17) != 17)
				return;
		}
	}
}

static void
case_events(void)
{
	struct config *cf = NULL;
	int in = -1, out = -1, flags;

	got[0] = '\0';
	if (!setup("events", "[eventlistener:rec]\ncommand=/usr/bin/rec\n"
	    "events=PROCESS_STATE,REMOTE_COMMUNICATION\nbuffer_size=50\n"
	    "stderr_logfile=NONE\n"
	    PROGRAM("zero") "startsecs=0\nautorestart=true\n"
	    PROGRAM("slow") "startsecs=1\nstartretries=1\n"))
		goto out;
	cf = configs[nconfigs - 1];
	events_start(loop, cf);
	proctable_start_autostart();
	advance(1.5);
	CHECK("events: the listener was given pipes",
	    fake_stdio("rec", &in, &out) && in != -1 && out != -1);
	if (in == -1 || out == -1)
		goto out;
	flags = fcntl(in, F_GETFL);
	(void)fcntl(in, F_SETFL, flags | O_NONBLOCK);
	if (write(out, "READY\n", 6) != 6)
		goto out;
	listen_all(in, out);
	/* zero ran 10 s, exits: restarted at once, RUNNING again (the
	 * machine goes RUNNING -> RUNNING); slow, restarted from RUNNING
	 * (the machine goes RUNNING -> STARTING), twice. */
	advance(8.5);
	fake_exit("zero", exited(0));
	fake_exit("slow", exited(1));
	advance(0.1);
	listen_all(in, out);
	advance(2);
	fake_exit("slow", exited(1));
	advance(0.1);
	events_remote_communication("mytype", "some data");
	listen_all(in, out);
	CHECK_STR("events: supervisord's sequence and payloads", got,
	    "PROCESS_STATE_STARTING processname:rec groupname:rec "
	    "from_state:STOPPED tries:0\n"
	    "PROCESS_STATE_STARTING processname:zero groupname:zero "
	    "from_state:STOPPED tries:0\n"
	    "PROCESS_STATE_RUNNING processname:zero groupname:zero "
	    "from_state:STARTING pid\n"
	    "PROCESS_STATE_STARTING processname:slow groupname:slow "
	    "from_state:STOPPED tries:0\n"
	    "PROCESS_STATE_RUNNING processname:rec groupname:rec "
	    "from_state:STARTING pid\n"
	    "PROCESS_STATE_RUNNING processname:slow groupname:slow "
	    "from_state:STARTING pid\n"
	    "PROCESS_STATE_EXITED processname:zero groupname:zero "
	    "from_state:RUNNING expected:1 pid\n"
	    "PROCESS_STATE_STARTING processname:zero groupname:zero "
	    "from_state:EXITED tries:0\n"
	    "PROCESS_STATE_RUNNING processname:zero groupname:zero "
	    "from_state:STARTING pid\n"
	    "PROCESS_STATE_EXITED processname:slow groupname:slow "
	    "from_state:RUNNING expected:0 pid\n"
	    "PROCESS_STATE_STARTING processname:slow groupname:slow "
	    "from_state:EXITED tries:0\n"
	    "PROCESS_STATE_RUNNING processname:slow groupname:slow "
	    "from_state:STARTING pid\n"
	    "PROCESS_STATE_EXITED processname:slow groupname:slow "
	    "from_state:RUNNING expected:0 pid\n"
	    "PROCESS_STATE_STARTING processname:slow groupname:slow "
	    "from_state:EXITED tries:0\n"
	    "REMOTE_COMMUNICATION type:mytype|some data\n");
out:
	if (in != -1)
		close(in);
	if (out != -1)
		close(out);
	events_free();
	finish();
	fake_reset();		/* the other processes' kept stdin */
}

/* The teardown gives a listener up to a second to take the events the
 * programs stopped before it made, then stops it. */
static void
case_teardown_drain(void)
{
	struct config *cf;
	struct process *rec;
	int in = -1, out = -1, flags;

	got[0] = '\0';
	if (!setup("drain", "[eventlistener:rec]\ncommand=/usr/bin/rec\n"
	    "events=PROCESS_STATE_STOPPED\nstartsecs=0\n"
	    "stderr_logfile=NONE\n"
	    PROGRAM("web") "startsecs=0\n"))
		goto out;
	cf = configs[nconfigs - 1];
	events_start(loop, cf);
	proctable_start_autostart();
	advance(0.1);
	rec = proc("rec");
	if (!fake_stdio("rec", &in, &out) || in == -1 || out == -1)
		goto out;
	flags = fcntl(in, F_GETFL);
	(void)fcntl(in, F_SETFL, flags | O_NONBLOCK);
	if (write(out, "READY\n", 6) != 6)
		goto out;
	settle();
	teardown_begin(0);
	advance(0.5);
	CHECK("drain: web stopped first, its STOPPED sent to rec",
	    proc("web")->p_state == PROC_STOPPED);
	CHECK("drain: rec, BUSY with it, not stopped half a second on",
	    rec->p_state == PROC_RUNNING);
	listen_all(in, out);
	advance(0.1);
	CHECK_STR("drain: rec got web's STOPPED", got,
	    "PROCESS_STATE_STOPPED processname:web groupname:web "
	    "from_state:STOPPING pid\n");
	CHECK("drain: rec stopped once it answered",
	    rec->p_state == PROC_STOPPED || rec->p_state == PROC_STOPPING);
out:
	if (in != -1)
		close(in);
	if (out != -1)
		close(out);
	events_free();
	finish();
	fake_reset();
}

/* A listener that never answers is stopped a second on. */
static void
case_teardown_drain_bound(void)
{
	struct config *cf;
	struct process *rec;
	int in = -1, out = -1;

	if (!setup("drain bound", "[eventlistener:rec]\n"
	    "command=/usr/bin/rec\nevents=PROCESS_STATE_STOPPED\n"
	    "startsecs=0\nstderr_logfile=NONE\n"
	    PROGRAM("web") "startsecs=0\n"))
		goto out;
	cf = configs[nconfigs - 1];
	events_start(loop, cf);
	proctable_start_autostart();
	advance(0.1);
	rec = proc("rec");
	if (!fake_stdio("rec", &in, &out) || in == -1 || out == -1)
		goto out;
	if (write(out, "READY\n", 6) != 6)
		goto out;
	settle();
	teardown_begin(0);
	advance(0.9);
	CHECK("drain bound: rec still running 0.9 s on",
	    rec->p_state == PROC_RUNNING);
	advance(0.2);
	CHECK("drain bound: rec stopped after a second",
	    rec->p_state != PROC_RUNNING);
out:
	if (in != -1)
		close(in);
	if (out != -1)
		close(out);
	events_free();
	finish();
	fake_reset();
}

int
main(void)
{
	int fds;

	UNIT_BEGIN("test_process");
	/* The listener the test plays may write to a pipe already closed:
	 * a failed check, not the test's end. */
	signal(SIGPIPE, SIG_IGN);
	if (getenv("UNIT_DEBUG") == NULL)
		log_set_level(LOG_LEVEL_CRIT);
	else
		log_set_level(LOG_LEVEL_DEBUG);
	fds = open_fds();
	case_fake_clock();
	case_reaches_running();
	case_startsecs_zero();
	case_backoff_fatal();
	case_retries_reset();
	case_no_retries();
	case_exec_fails();
	case_good_exec_resets();
	case_fork_fails();
	case_autorestart();
	case_quick_exits();
	case_stop();
	case_stop_kills();
	case_stopsignals();
	case_tree_outlives_leader();
	case_exited_leaves_child();
	case_stop_and_start_early();
	case_signal();
	case_runtime_limit();
	case_shutdown_any_exit();
	case_shutdown_unexpected();
	case_shutdown_early_and_limit();
	case_shutdown_exec_fails();
	case_shutdown_fatal();
	case_teardown_levels();
	case_teardown_kill_all();
	case_replace_running();
	case_replace_down();
	case_keep();
	case_retire();
	case_revive();
	case_ready_input();
	case_ready_timeout();
	case_restart();
	case_depends();
	case_events();
	case_teardown_drain();
	case_teardown_drain_bound();
	CHECK("every fake tree freed", fake_trees() == 0);
	CHECK("every exec pipe closed", open_fds() == fds);
	return unit_failed;
}
