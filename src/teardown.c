/*
 * teardown.c: stopping everything, in reverse order of dependency depth
 * and then priority (programs of one depth and priority in parallel), a second signal's SIGKILL, the sweep of what
 * no program owns, and alarm(2) as the last-resort bound.  It watches the
 * processes' states (an observer): when the last process of a level has
 * stopped, the next level begins, from the loop.
 */
#include <signal.h>
#include <stdbool.h>
#include <string.h>
#include <unistd.h>

#include "eventpool.h"
#include "log.h"
#include "monotime.h"
#include "process.h"
#include "proctable.h"
#include "service.h"
#include "teardown.h"
#include "tree.h"
#include "watch.h"

/* Seconds past the longest stopwaitsecs before SIGALRM ends teardown. */
#define TEARDOWN_MARGIN	10
/* Event listeners of the next level get this long to hand on what the
 * levels before them said as they stopped (their last output). */
#define LISTENER_DRAIN	1.0
#define DRAIN_POLL	0.02

static struct ev_loop	*loop;
static bool		 active;	/* teardown has begun */
static bool		 hard;		/* second signal: no grace period */
static bool		 finished;	/* teardown_done has been called */
static void		(*teardown_done)(void);
static int		 exit_status;	/* the supervisor's, once it ends */
static ev_timer		 step_watcher;	/* the next step, from the loop */
static double		 drain_until;	/* the listeners' drain ends; 0:
					   none begun for this level */
static struct process_observer observer;

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
arm_alarm(void)
{
	struct sigaction sa;
	double bound = 0, level_longest = 0, wait;
	int level = 0, depth = 0;
	size_t i;

	/* The table is sorted by dependency depth, then priority. */
	for (i = 0; i < proctable_count(); i++) {
		const struct program_config *pg = proctable_get(i)->p_program;

		if (i == 0 || pg->pg_priority != level ||
		    pg->pg_depends_level != depth) {
			bound += level_longest;
			level_longest = 0;
			level = pg->pg_priority;
			depth = pg->pg_depends_level;
		}
		wait = pg->pg_stopwaitsecs;
		if (wait > level_longest)
			level_longest = wait;
	}
	bound += level_longest + TEARDOWN_MARGIN;
	for (i = 0; i < proctable_count(); i++)
		if (proctable_get(i)->p_program->pg_listener) {
			bound += LISTENER_DRAIN;
			break;
		}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = teardown_alarm;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, NULL);
	/* Whole seconds, rounded up; alarm() takes no fraction. */
	alarm(bound < 1e6 ? (unsigned)bound + 1 : 1000000);
}

/*
 * process_needs_stop, told whether anything of any tree runs: when
 * nothing does (tree_none_left, one check), no tree is asked (each would
 * read its cgroup.events), only whether a start is queued.
 */
static bool
needs_stop(struct process *p, bool none_left)
{
	if (none_left)
		return p->p_state != PROC_STOPPING && p->p_spawn_queued;
	return process_needs_stop(p);
}

/*
 * Stops the highest priority level that has anything left (every level
 * at once after a second signal).  Returns false when nothing is left.
 */
static bool
stop_next_level(bool none_left)
{
	bool found = false;
	int level = 0, depth = 0;
	size_t i;

	/* Every program's groups signalled first, then their cgroups swept. */
	tree_signal_batch(true);
	for (i = proctable_count(); i-- > 0;) {
		struct process *p = proctable_get(i);

		if (found && !hard && (p->p_program->pg_priority != level ||
		    p->p_program->pg_depends_level != depth))
			break;
		if (!needs_stop(p, none_left))
			continue;
		if (!found) {
			level = p->p_program->pg_priority;
			depth = p->p_program->pg_depends_level;
			found = true;
		}
		process_stop(p);
	}
	tree_signal_batch(false);
	return found;
}

/*
 * Whether the next level to stop has event listeners still handing on
 * events (as those of the levels stopped before them): they get up to
 * LISTENER_DRAIN, polled, before they are stopped.
 */
static bool
listeners_draining(bool none_left)
{
	bool found = false, busy = false;
	int level = 0;
	size_t i;

	for (i = proctable_count(); i-- > 0;) {
		struct process *p = proctable_get(i);

		if (found && p->p_program->pg_priority != level)
			break;
		if (!needs_stop(p, none_left))
			continue;
		if (!found) {
			level = p->p_program->pg_priority;
			found = true;
		}
		if (eventpool_draining(p))
			busy = true;
	}
	if (!busy) {
		drain_until = 0;
		return false;
	}
	if (drain_until == 0)
		drain_until = mono_now() + LISTENER_DRAIN;
	else if (mono_now() >= drain_until) {
		drain_until = 0;
		return false;
	}
	ev_timer_stop(loop, &step_watcher);
	ev_timer_set(&step_watcher, DRAIN_POLL, 0);
	ev_timer_start(loop, &step_watcher);
	return true;
}

/*
 * One step, once the processes being stopped are all gone: the next
 * level, or, when nothing is left, the sweep of what no program owns
 * and the end.
 */
static void
step(void)
{
	bool none_left;
	int swept;
	size_t i;

	if (finished)
		return;
	/* Nothing starts any more: a pending retry is dropped. */
	for (i = 0; i < proctable_count(); i++)
		if (proctable_get(i)->p_state == PROC_BACKOFF ||
		    proctable_get(i)->p_state == PROC_WAITING)
			process_stop(proctable_get(i));
	if (proctable_count_in(PROC_STOPPING) > 0)
		return;
	none_left = tree_none_left();	/* once for both */
	if (!hard && listeners_draining(none_left))
		return;
	if (stop_next_level(none_left))
		return;
	/* What no program owns (it escaped and hid its origin) goes too. */
	if ((swept = tree_kill_all_descendants()) > 0)
		log_warnx("killed %d process%s that belonged to no program",
		    swept, swept == 1 ? "" : "es");
	alarm(0);
	finished = true;
	if (teardown_done != NULL)
		teardown_done();
}

static void
step_cb(struct ev_loop *l, ev_timer *w, int revents)
{
	(void)l;
	(void)w;
	(void)revents;
	step();
}

/* A zero timer, not a prepare watcher: changes also happen inside the
 * table's prepare watcher, where a new one would wait a loop round. */
static void
step_soon(void)
{
	if (!ev_is_active(&step_watcher)) {
		ev_timer_set(&step_watcher, 0, 0);
		ev_timer_start(loop, &step_watcher);
	}
}

/* A process left STOPPING (or anything changed): the level may be done. */
static void
state_changed(struct process *p, enum proc_state from, void *arg)
{
	(void)p;
	(void)arg;
	if (active && from == PROC_STOPPING)
		step_soon();
}

/* Teardown has begun: nothing starts any more, and the clock runs. */
static void
begin(int status)
{
	active = true;
	exit_status = status;
	process_set_shutdown(false);
	service_stopping();	/* whatever began it: a signal, shutdown_on_exit */
	arm_alarm();
}

/* shutdown_on_exit: a process asks for the end, with its status.  From
 * inside the state machine: the stops themselves begin from the loop. */
static void
shutdown_asked(struct process *p, int status, void *arg)
{
	(void)p;
	(void)arg;
	if (active)
		return;
	begin(status);
	watch_quiesce();	/* no reload any more; see there */
	step_soon();
}

/* Starts teardown (a signal, a command); status is what the supervisor
 * will exit with.  The first level is told to stop now. */
void
teardown_begin(int status)
{
	if (active)
		return;
	begin(status);
	step();
	/* No reload any more (see there); after the first signals, which
	 * need not wait for it: nothing runs in between. */
	watch_quiesce();
}

/* Second signal during teardown: SIGKILL every tree now. */
void
teardown_kill_all(void)
{
	size_t i;

	if (!active)
		teardown_begin(0);
	hard = true;
	process_set_shutdown(true);
	for (i = 0; i < proctable_count(); i++)
		if (proctable_get(i)->p_state == PROC_STOPPING)
			process_kill(proctable_get(i));
	(void)stop_next_level(tree_none_left());
	step_soon();
}

bool
teardown_is_active(void)
{
	return active;
}

int
teardown_exit_status(void)
{
	return exit_status;
}

/* done runs once, when a teardown has finished. */
void
teardown_init(struct ev_loop *l, void (*done)(void))
{
	loop = l;
	active = hard = finished = false;
	exit_status = 0;
	teardown_done = done;
	ev_timer_init(&step_watcher, step_cb, 0, 0);
	observer.po_changed = state_changed;
	observer.po_shutdown = shutdown_asked;
	process_observe(&observer);
}

void
teardown_free(void)
{
	process_unobserve(&observer);
	if (loop != NULL)
		ev_timer_stop(loop, &step_watcher);
}
