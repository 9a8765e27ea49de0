/*
 * teardown.c: stopping everything, in reverse priority order (programs of
 * one priority in parallel), a second signal's SIGKILL, the sweep of what
 * no program owns, and alarm(2) as the last-resort bound.
 */
#include <signal.h>
#include <stdbool.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "program.h"
#include "notify.h"
#include "teardown.h"
#include "tree.h"

/* Seconds past the longest stopwaitsecs before SIGALRM ends teardown. */
#define TEARDOWN_MARGIN	10

static bool	  active;		/* teardown has begun */
static bool	  hard;			/* second signal: no grace period */
static void	(*teardown_done)(void);
static int	  exit_status;		/* the supervisor's, once it ends */

/*
 * SIGALRM: teardown overran its bound and something may be wedged.  Not
 * a libev watcher on purpose: it must work even if the loop is stuck.
 * Only async-signal-safe calls.
 */
static void
teardown_alarm(int sig)
{
	static const char msg[] = "ERROR teardown did not finish in time; "
	    "killing every remaining process\n";

	(void)sig;
	log_signal_safe(msg, sizeof(msg) - 1);
	tree_last_resort_kill();
	_exit(1);
}

/*
 * The teardown bound: priority levels stop one after another, so the sum
 * over levels of each level's longest stopwaitsecs, plus a margin.
 */
static void
arm_teardown_alarm(void)
{
	struct sigaction sa;
	double bound = 0, level_longest = 0, wait;
	int level = 0;
	size_t i;

	/* The table is sorted by priority. */
	for (i = 0; i < programs_count(); i++) {
		const struct program_config *pg = programs_get(i)->p_program;

		if (i == 0 || pg->pg_priority != level) {
			bound += level_longest;
			level_longest = 0;
			level = pg->pg_priority;
		}
		wait = pg->pg_stopwaitsecs;
		if (wait > level_longest)
			level_longest = wait;
	}
	bound += level_longest + TEARDOWN_MARGIN;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = teardown_alarm;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, NULL);
	/* Whole seconds, rounded up; alarm() takes no fraction. */
	alarm(bound < 1e6 ? (unsigned)bound + 1 : 1000000);
}

/*
 * Teardown, one priority level at a time from the highest; the processes
 * of one level stop in parallel.  Runs after every event while shutting
 * down, and calls teardown_done once nothing is left.
 */
void
teardown_step(void)
{
	static bool alarm_armed;
	bool found = false;
	int level = 0, swept;
	size_t i;

	if (!alarm_armed) {
		arm_teardown_alarm();
		alarm_armed = true;
	}
	for (i = 0; i < programs_count(); i++) {
		if (programs_get(i)->p_state == PROC_BACKOFF)
			process_stop(programs_get(i));
		if (programs_get(i)->p_state == PROC_STOPPING && !hard)
			return;
	}
	for (i = programs_count(); i-- > 0;) {
		if (!process_needs_stop(programs_get(i)))
			continue;
		if (!found) {
			level = programs_get(i)->p_program->pg_priority;
			found = true;
		}
		if (hard || programs_get(i)->p_program->pg_priority == level)
			process_stop(programs_get(i));
	}
	for (i = 0; i < programs_count(); i++)
		if (programs_get(i)->p_state == PROC_STOPPING)
			return;
	/* What no program owns (it escaped and hid its origin) goes too. */
	if ((swept = tree_kill_all_descendants()) > 0)
		log_warnx("killed %d process%s that belonged to no program",
		    swept, swept == 1 ? "" : "es");
	alarm(0);
	if (teardown_done != NULL) {
		void (*done)(void) = teardown_done;

		teardown_done = NULL;
		done();
	}
}

/* Starts teardown; status is what the supervisor will exit with. */
void
teardown_begin(int status)
{
	if (active)
		return;
	active = true;
	exit_status = status;
	notify_stopping();	/* whatever began it: a signal, shutdown_on_exit */
	teardown_step();
}

/* Second signal during teardown: SIGKILL every tree now. */
void
teardown_kill_all(void)
{
	size_t i;

	active = true;
	hard = true;
	for (i = 0; i < programs_count(); i++)
		if (programs_get(i)->p_state == PROC_STOPPING)
			process_kill(programs_get(i));
	teardown_step();
}

bool
teardown_is_active(void)
{
	return active;
}

bool
teardown_is_hard(void)
{
	return hard;
}

int
teardown_exit_status(void)
{
	return exit_status;
}

/* done runs once, when a teardown has finished. */
void
teardown_init(void (*done)(void))
{
	active = false;
	hard = false;
	exit_status = 0;
	teardown_done = done;
}
