/*
 * test_program.c: the process state machine and its timers, on a real
 * libev loop with real child processes.  Each case runs in a
 * child of the test so that it gets a fresh loop and process table (the
 * teardown state of program.c lasts for the life of the process), and
 * every wait is bounded by a timer.
 */
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <ev.h>

#include "config.h"
#include "log.h"
#include "monotime.h"
#include "process.h"
#include "proctable.h"
#include "teardown.h"
#include "spawn.h"
#include "tree.h"
#include "unit.h"

/* The longest any one wait may take, and any one case as a whole. */
#define WAIT_MAX	5.0
#define CASE_MAX	40.0

static struct ev_loop	*loop;
static struct config	*cf;
static struct process	*cur;		/* the predicates' process */
static bool		(*waiting_for)(void);
static int		 done_calls;	/* calls of shutdown_done */
static char		 trace[512];	/* states of cur, in order */

static void
shutdown_done(void)
{
	done_calls++;
}

/* Appends each state of cur the loop settles in, once per change. */
static void
trace_state(void)
{
	const char *name;
	size_t len = strlen(trace), last;

	if (cur == NULL)
		return;
	name = proc_state_name(cur->p_state);
	last = len;
	while (last > 0 && trace[last - 1] != ' ')
		last--;
	if (len > 0 && strcmp(trace + last, name) == 0)
		return;
	snprintf(trace + len, sizeof(trace) - len, "%s%s", len ? " " : "",
	    name);
}

/* Runs before the loop blocks, so after every batch of callbacks. */
static void
prepare_cb(struct ev_loop *l, ev_prepare *w, int revents)
{
	(void)w;
	(void)revents;
	trace_state();
	if (waiting_for != NULL && waiting_for())
		ev_break(l, EVBREAK_ALL);
}

static void
guard_cb(struct ev_loop *l, ev_timer *w, int revents)
{
	(void)w;
	(void)revents;
	ev_break(l, EVBREAK_ALL);
}

/* Wakes the loop so that conditions outside it (/proc) are seen. */
static void
tick_cb(struct ev_loop *l, ev_timer *w, int revents)
{
	(void)l;
	(void)w;
	(void)revents;
}

/* Runs the loop until pred() holds or secs pass; returns pred(). */
static bool
run_until(bool (*pred)(void), double secs)
{
	ev_prepare prepare;
	ev_timer guard, tick;

	trace_state();
	if (pred())
		return true;
	waiting_for = pred;
	ev_prepare_init(&prepare, prepare_cb);
	ev_prepare_start(loop, &prepare);
	ev_timer_init(&guard, guard_cb, secs, 0);
	ev_timer_start(loop, &guard);
	ev_timer_init(&tick, tick_cb, 0.01, 0.01);
	ev_timer_start(loop, &tick);
	ev_run(loop, 0);
	ev_timer_stop(loop, &tick);
	ev_timer_stop(loop, &guard);
	ev_prepare_stop(loop, &prepare);
	waiting_for = NULL;
	trace_state();
	return pred();
}

static bool
never(void)
{
	return false;
}

/* Runs the loop for secs, whatever happens. */
static void
run_for(double secs)
{
	ev_now_update(loop);
	run_until(never, secs);
}

static bool
is_running(void)
{
	return cur->p_state == PROC_RUNNING;
}

static bool
is_fatal(void)
{
	return cur->p_state == PROC_FATAL;
}

static bool
is_exited(void)
{
	return cur->p_state == PROC_EXITED;
}

static bool
is_shut_down(void)
{
	return done_calls > 0;
}

static bool
spawned_three_times(void)
{
	return cur->p_spawns >= 3;
}

/* The process's ignored-signal mask from /proc, or 0. */
static unsigned long long
ignored_signals(pid_t pid)
{
	char path[64], line[256];
	unsigned long long mask = 0;
	FILE *fp;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	if ((fp = fopen(path, "r")) == NULL)
		return 0;
	while (fgets(line, sizeof(line), fp) != NULL)
		if (sscanf(line, "SigIgn: %llx", &mask) == 1)
			break;
	fclose(fp);
	return mask;
}

static int ignore_wanted;	/* the signal ignores_signal waits for */

/* True once cur's leader has set ignore_wanted to SIG_IGN. */
static bool
ignores_signal(void)
{
	return cur->p_pid > 0 &&
	    (ignored_signals(cur->p_pid) >> (ignore_wanted - 1)) & 1;
}

static bool
pid_is_gone(pid_t pid)
{
	return kill(pid, 0) == -1 && errno == ESRCH;
}

static bool
group_is_gone(pid_t pgid)
{
	return kill(-pgid, 0) == -1 && errno == ESRCH;
}

/* Loads text and builds the table on a fresh loop, as main.c. */
static bool
setup(const char *label, const char *text)
{
	struct config_msgs msgs;
	char name[160];
	size_t i;

	cf = config_load_text("t.ini", text, strlen(text), &msgs);
	for (i = 0; i < msgs.cm_count; i++)
		printf("# %s\n", msgs.cm_list[i].cm_text);
	config_msgs_free(&msgs);
	snprintf(name, sizeof(name), "%s: config loads", label);
	CHECK(name, cf != NULL);
	if (cf == NULL)
		return false;
	loop = ev_loop_new(EVFLAG_AUTO | EVFLAG_SIGNALFD);
	snprintf(name, sizeof(name), "%s: a loop", label);
	CHECK(name, loop != NULL);
	if (loop == NULL)
		return false;
	tree_init();
	if (proctable_init(loop, cf) == -1) {
		snprintf(name, sizeof(name), "%s: proctable_init", label);
		CHECK(name, false);
		return false;
	}
	teardown_init(loop, shutdown_done);
	cur = proctable_get(0);
	trace[0] = '\0';
	done_calls = 0;
	return true;
}

/* Stops whatever is left (bounded), then frees everything. */
static void
teardown(void)
{
	if (loop != NULL && cf != NULL) {
		if (done_calls == 0)
			teardown_begin(0);
		if (!run_until(is_shut_down, WAIT_MAX)) {
			teardown_kill_all();
			run_until(is_shut_down, WAIT_MAX);
		}
		teardown_free();
		proctable_free();
		tree_cleanup();
	}
	config_free(cf);
	if (loop != NULL)
		ev_loop_destroy(loop);
	cf = NULL;
	loop = NULL;
	cur = NULL;
}

static void
case_reaches_running(void)
{
	double t0, elapsed;
	pid_t pid;

	if (!setup("running",
	    "[program:s]\ncommand=sleep 100\nstartsecs=0.1\n"))
		goto out;
	ev_now_update(loop);
	t0 = mono_now();
	proctable_start_autostart();
	pid = cur->p_pid;
	CHECK("running: STARTING right after the start",
	    cur->p_state == PROC_STARTING);
	CHECK("running: spawned once", cur->p_spawns == 1);
	CHECK("running: the leader is alive", pid > 0 && kill(pid, 0) == 0);
	CHECK("running: leads its own process group", pid > 0 &&
	    cur->p_tree.t_ngroups == 1 &&
	    cur->p_tree.t_groups[0] == pid && getpgid(pid) == pid);
	CHECK("running: reaches RUNNING", run_until(is_running, WAIT_MAX));
	elapsed = mono_now() - t0;
	CHECK("running: after about startsecs (0.08 s to 2 s)",
	    elapsed >= 0.08 && elapsed < 2.0);
	run_for(0.3);
	CHECK("running: still RUNNING 0.3 s later, same pid",
	    cur->p_state == PROC_RUNNING && cur->p_pid == pid);
	CHECK_STR("running: states seen", trace, "STARTING RUNNING");
out:
	teardown();
}

static void
case_fatal(void)
{
	if (!setup("fatal",
	    "[program:f]\ncommand=sh -c 'exit 1'\nstartsecs=1\n"
	    "startretries=1\nbackoff_max=0.05\n"))
		goto out;
	proctable_start_autostart();
	CHECK("fatal: reaches FATAL", run_until(is_fatal, WAIT_MAX));
	CHECK("fatal: spawned twice (one start, one retry)",
	    cur->p_spawns == 2);
	CHECK_STR("fatal: states seen", trace,
	    "STARTING BACKOFF STARTING FATAL");
	CHECK("fatal: last exit status 1", WIFEXITED(cur->p_exit_status) &&
	    WEXITSTATUS(cur->p_exit_status) == 1);
	CHECK("fatal: no pid left", cur->p_pid == 0);
	run_for(0.3);
	CHECK("fatal: stays FATAL, no more spawns",
	    cur->p_state == PROC_FATAL && cur->p_spawns == 2);
	teardown_begin(0);
	CHECK("fatal: shutdown with nothing to stop is done at once",
	    done_calls == 1);
out:
	teardown();
}

static void
case_exited(void)
{
	if (!setup("exited",
	    "[program:e]\ncommand=false\nautorestart=false\n"
	    "startsecs=0\n"))
		goto out;
	proctable_start_autostart();
	CHECK("exited: RUNNING at once with startsecs=0",
	    cur->p_state == PROC_RUNNING);
	CHECK("exited: reaches EXITED", run_until(is_exited, WAIT_MAX));
	CHECK("exited: status 1", WIFEXITED(cur->p_exit_status) &&
	    WEXITSTATUS(cur->p_exit_status) == 1);
	run_for(0.3);
	CHECK("exited: not restarted", cur->p_state == PROC_EXITED &&
	    cur->p_spawns == 1);
	CHECK_STR("exited: states seen", trace, "RUNNING EXITED");
out:
	teardown();
}

static void
case_expected_exit(void)
{
	if (!setup("expected exit",
	    "[program:t]\ncommand=true\nstartsecs=0\n"))
		goto out;
	proctable_start_autostart();
	CHECK("expected exit: reaches EXITED", run_until(is_exited, WAIT_MAX));
	run_for(0.3);
	CHECK("expected exit: exit 0 is not restarted (autorestart "
	    "unexpected)", cur->p_state == PROC_EXITED && cur->p_spawns == 1);
out:
	teardown();
}

static void
case_unexpected_exit(void)
{
	if (!setup("unexpected exit",
	    "[program:u]\ncommand=sh -c 'exit 3'\nstartsecs=0\n"
	    "backoff_max=0.05\n"))
		goto out;
	proctable_start_autostart();
	CHECK("unexpected exit: restarted again and again",
	    run_until(spawned_three_times, WAIT_MAX));
	CHECK("unexpected exit: never FATAL", cur->p_state != PROC_FATAL);
out:
	teardown();
}

static void
case_exec_fails(void)
{
	if (!setup("exec fails",
	    "[program:n]\ncommand=/nonexistent/supervisor-unit\n"
	    "startsecs=0\nstartretries=0\n"))
		goto out;
	proctable_start_autostart();
	CHECK("exec fails: reaches FATAL", run_until(is_fatal, WAIT_MAX));
	CHECK("exec fails: the child reported it", cur->p_exec_failed &&
	    cur->p_exec_error.se_stage == SPAWN_STAGE_EXEC &&
	    cur->p_exec_error.se_errno == ENOENT);
	CHECK("exec fails: exit status 127", WIFEXITED(cur->p_exit_status) &&
	    WEXITSTATUS(cur->p_exit_status) == SPAWN_EXIT_NOTFOUND);
	CHECK("exec fails: spawned once", cur->p_spawns == 1);
	CHECK("exec fails: exec pipe closed", cur->p_exec_fd == -1);
out:
	teardown();
}

static void
case_shutdown(void)
{
	struct process *p;
	pid_t pids[2] = { 0, 0 };
	double t0;
	size_t i;
	bool ok;

	if (!setup("shutdown",
	    "[program:s]\ncommand=sleep 100\nstartsecs=0\n"
	    "numprocs=2\n"))
		goto out;
	proctable_start_autostart();
	run_for(0.1);
	CHECK("shutdown: two processes", proctable_count() == 2);
	for (i = 0; i < 2 && i < proctable_count(); i++) {
		p = proctable_get(i);
		pids[i] = p->p_pid;
		CHECK("shutdown: RUNNING before", p->p_state == PROC_RUNNING &&
		    p->p_pid > 0 && kill(p->p_pid, 0) == 0);
	}
	ev_now_update(loop);
	t0 = mono_now();
	teardown_begin(0);
	CHECK("shutdown: not done before the processes are gone",
	    done_calls == 0);
	ok = true;
	for (i = 0; i < proctable_count(); i++)
		ok = ok && proctable_get(i)->p_state == PROC_STOPPING;
	CHECK("shutdown: every process STOPPING", ok);
	CHECK("shutdown: done callback called",
	    run_until(is_shut_down, WAIT_MAX));
	CHECK("shutdown: TERM was enough (well under stopwaitsecs)",
	    mono_now() - t0 < 3.0);
	run_for(0.1);
	CHECK("shutdown: done callback called once", done_calls == 1);
	for (i = 0; i < 2 && i < proctable_count(); i++) {
		p = proctable_get(i);
		CHECK("shutdown: STOPPED", p->p_state == PROC_STOPPED);
		CHECK("shutdown: pid and group forgotten", p->p_pid == 0 &&
		    p->p_tree.t_leader == 0 && p->p_tree.t_ngroups == 0);
		CHECK("shutdown: leader died of SIGTERM",
		    WIFSIGNALED(p->p_exit_status) &&
		    WTERMSIG(p->p_exit_status) == SIGTERM);
		CHECK("shutdown: pid gone", pids[i] > 0 &&
		    pid_is_gone(pids[i]));
		CHECK("shutdown: group gone", pids[i] > 0 &&
		    group_is_gone(pids[i]));
	}
out:
	teardown();
}

/*
 * A program whose whole group ignores its stop signal: SIGKILL after
 * stopwaitsecs.  The shell's `sleep` children inherit the SIG_IGN.
 */
static void
stubborn_case(const char *label, const char *sig)
{
	char text[512], name[128];
	double t0, elapsed;
	pid_t pid;

	snprintf(text, sizeof(text), "[program:stubborn]\n"
	    "command=sh -c 'trap \"\" %s; while :; do sleep 0.05; done'\n"
	    "startsecs=0\nstopwaitsecs=0.2\nstopsignal=%s\n", sig, sig);
	if (!setup(label, text))
		goto out;
	ignore_wanted = strcmp(sig, "TERM") == 0 ? SIGTERM : SIGUSR1;
	proctable_start_autostart();
	pid = cur->p_pid;
	snprintf(name, sizeof(name), "%s: the shell ignores SIG%s", label, sig);
	CHECK(name, run_until(ignores_signal, WAIT_MAX));
	ev_now_update(loop);
	t0 = mono_now();
	teardown_begin(0);
	run_for(0.05);
	snprintf(name, sizeof(name), "%s: still STOPPING and alive after "
	    "0.05 s", label);
	CHECK(name, cur->p_state == PROC_STOPPING && pid > 0 &&
	    kill(pid, 0) == 0);
	snprintf(name, sizeof(name), "%s: stopped in the end", label);
	CHECK(name, run_until(is_shut_down, WAIT_MAX));
	elapsed = mono_now() - t0;
	snprintf(name, sizeof(name), "%s: killed after stopwaitsecs (0.15 s "
	    "to 3 s)", label);
	CHECK(name, elapsed >= 0.15 && elapsed < 3.0);
	snprintf(name, sizeof(name), "%s: STOPPED, pid forgotten", label);
	CHECK(name, cur->p_state == PROC_STOPPED && cur->p_pid == 0 &&
	    cur->p_tree.t_ngroups == 0);
	snprintf(name, sizeof(name), "%s: leader died of SIGKILL", label);
	CHECK(name, WIFSIGNALED(cur->p_exit_status) &&
	    WTERMSIG(cur->p_exit_status) == SIGKILL);
	snprintf(name, sizeof(name), "%s: whole group gone", label);
	CHECK(name, pid > 0 && pid_is_gone(pid) && group_is_gone(pid));
out:
	teardown();
}

static void
case_stubborn_term(void)
{
	stubborn_case("ignores TERM", "TERM");
}

static void
case_stubborn_usr1(void)
{
	stubborn_case("ignores USR1", "USR1");
}

static void
case_stopsignal(void)
{
	pid_t pid;

	if (!setup("stopsignal INT",
	    "[program:i]\ncommand=sleep 100\nstartsecs=0\n"
	    "stopsignal=INT\nstopwaitsecs=10\n"))
		goto out;
	proctable_start_autostart();
	pid = cur->p_pid;
	run_for(0.1);
	teardown_begin(0);
	CHECK("stopsignal INT: stopped", run_until(is_shut_down, WAIT_MAX));
	CHECK("stopsignal INT: leader died of SIGINT",
	    WIFSIGNALED(cur->p_exit_status) &&
	    WTERMSIG(cur->p_exit_status) == SIGINT);
	CHECK("stopsignal INT: pid gone", pid > 0 && pid_is_gone(pid));
out:
	teardown();
}

static pid_t lingering_pgid;

static bool
lingering_gone(void)
{
	return group_is_gone(lingering_pgid);
}

/*
 * A leader that exits for good (EXITED) leaves a background process in
 * its group: what is left of the tree is killed, and teardown has nothing
 * more to wait for.
 */
static void
case_lingering_group(void)
{
	if (!setup("lingering",
	    "[program:l]\ncommand=sh -c 'sleep 100 & exit 0'\n"
	    "startsecs=0\nautorestart=false\n"))
		goto out;
	proctable_start_autostart();
	lingering_pgid = cur->p_pid;
	CHECK("lingering: leader EXITED", run_until(is_exited, WAIT_MAX));
	CHECK("lingering: the background sleep is killed",
	    lingering_pgid > 0 && run_until(lingering_gone, WAIT_MAX));
	CHECK("lingering: still EXITED", cur->p_state == PROC_EXITED);
	teardown_begin(0);
	CHECK("lingering: shutdown done", run_until(is_shut_down, WAIT_MAX));
	CHECK("lingering: not stopped again", cur->p_state == PROC_EXITED);
out:
	teardown();
}

static bool
second_running(void)
{
	return proctable_count() == 2 &&
	    proctable_get(0)->p_state == PROC_RUNNING &&
	    ignored_signals(proctable_get(1)->p_pid) & (1ULL << (SIGTERM - 1));
}

/* Teardown goes from the highest priority number down, one level a time. */
static void
case_priority_order(void)
{
	struct process *low, *high;

	if (!setup("priority", "[program:high]\n"
	    "command=sh -c 'trap \"\" TERM; while :; do sleep 0.05; done'\n"
	    "priority=20\nstartsecs=0\nstopwaitsecs=1\n"
	    "[program:low]\ncommand=sleep 100\npriority=10\nstartsecs=0\n"))
		goto out;
	low = proctable_get(0);
	high = proctable_get(1);
	CHECK("priority: table sorted by priority", low != NULL &&
	    high != NULL && strcmp(low->p_name, "low") == 0 &&
	    strcmp(high->p_name, "high") == 0);
	if (low == NULL || high == NULL)
		goto out;
	proctable_start_autostart();
	CHECK("priority: both up", run_until(second_running, WAIT_MAX));
	teardown_begin(0);
	run_for(0.1);
	CHECK("priority: the higher number stops first",
	    high->p_state == PROC_STOPPING);
	CHECK("priority: the lower number waits", low->p_state ==
	    PROC_RUNNING && low->p_pid > 0 && kill(low->p_pid, 0) == 0);
	CHECK("priority: all stopped", run_until(is_shut_down, WAIT_MAX));
	CHECK("priority: both STOPPED", low->p_state == PROC_STOPPED &&
	    high->p_state == PROC_STOPPED);
	CHECK("priority: the lower one got TERM, not KILL",
	    WIFSIGNALED(low->p_exit_status) &&
	    WTERMSIG(low->p_exit_status) == SIGTERM);
out:
	teardown();
}

/*
 * Runs fn in a child, bounded by CASE_MAX; one check says the child ran
 * to its end with every check passed and no sanitizer or leak report.
 */
static void
run_case(const char *name, void (*fn)(void))
{
	struct timespec tick = { 0, 10 * 1000 * 1000 };
	char label[160];
	double deadline;
	pid_t pid, got;
	int status = 0;

	fflush(stdout);
	fflush(stderr);
	if ((pid = fork()) == -1) {
		snprintf(label, sizeof(label), "%s: fork", name);
		CHECK(label, false);
		return;
	}
	if (pid == 0) {
		if (getenv("UNIT_DEBUG") == NULL)
			log_set_level(LOG_LEVEL_CRIT);
		else
			log_set_level(LOG_LEVEL_DEBUG);
		fn();
		fflush(stdout);
		exit(unit_failed ? 3 : 0);
	}
	deadline = mono_now() + CASE_MAX;
	while ((got = waitpid(pid, &status, WNOHANG)) == 0 &&
	    mono_now() < deadline)
		nanosleep(&tick, NULL);
	if (got == 0) {
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
		snprintf(label, sizeof(label), "%s: finished within %gs", name,
		    CASE_MAX);
		CHECK(label, false);
		return;
	}
	snprintf(label, sizeof(label), "%s: every check passed, no sanitizer "
	    "or leak report", name);
	CHECK(label, got == pid && WIFEXITED(status) &&
	    WEXITSTATUS(status) == 0);
}

int
main(void)
{
	UNIT_BEGIN("test_program");
	run_case("reaches RUNNING", case_reaches_running);
	run_case("FATAL after retries", case_fatal);
	run_case("EXITED without restart", case_exited);
	run_case("expected exit", case_expected_exit);
	run_case("unexpected exit", case_unexpected_exit);
	run_case("exec failure", case_exec_fails);
	run_case("shutdown", case_shutdown);
	run_case("stop: TERM ignored", case_stubborn_term);
	run_case("stop: USR1 ignored", case_stubborn_usr1);
	run_case("stopsignal", case_stopsignal);
	run_case("lingering group", case_lingering_group);
	run_case("priority order", case_priority_order);
	return unit_failed;
}
