/*
 * guardian.c: the process the user starts.  It stays tiny: a subreaper
 * that runs the real supervisor as its child and forwards signals to it.
 * If the supervisor dies (even by SIGKILL), every orphan of every program
 * lands here, and the guardian kills and reaps them all.  It also watches
 * its own parent when exit_with_parent is set.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <ev.h>

#include "guardian.h"
#include "log.h"
#include "notifysock.h"
#include "parse.h"
#include "signals.h"
#include "sink.h"
#include "tree.h"

/* Sweep ticks before giving up on processes that will not die (D state). */
#define SWEEP_TICK	0.01
#define SWEEP_TICKS_MAX	500
#define GUARDIAN_FLUSH_S 1.0	/* at the exit: for its lines still queued */
#define LATER_S		0.1	/* guardian_run's later work: past the start */

static struct ev_loop	*loop;
static pid_t		 supervisor_pid;	/* our child; 0 once reaped */
static int		 supervisor_status;
static pid_t		 original_parent;	/* for exit_with_parent */
static int		 exit_code;
static int		 sweep_ticks;
static ev_signal	 forward_watchers[6];
static ev_signal	 parent_death_watcher;
static ev_timer		 parent_poll;
static ev_timer		 sweep_timer;
static ev_child		 child_watcher;
static ev_timer		 later_timer;
static void		(*later_work)(void);

/* The work the start need not wait for, once. */
static void
run_later(void)
{
	void (*fn)(void) = later_work;

	later_work = NULL;
	if (fn != NULL)
		fn();
}

static void
later_cb(struct ev_loop *l, ev_timer *w, int revents)
{
	(void)l;
	(void)w;
	(void)revents;
	run_later();
}

static void
forward_cb(struct ev_loop *l, ev_signal *w, int revents)
{
	(void)l;
	(void)revents;
	if (supervisor_pid != 0 && kill(supervisor_pid, w->signum) == -1 &&
	    errno != ESRCH)
		log_warn("guardian: forwarding signal %d", w->signum);
}

/* exit_with_parent: the parent is gone; everything stops. */
static void
parent_gone(void)
{
	if (supervisor_pid == 0)
		return;
	if (original_parent == 0)
		log_info("parent went away (exit_with_parent; it was outside "
		    "our pid namespace); stopping everything");
	else
		log_info("parent pid %d went away (exit_with_parent); "
		    "stopping everything", (int)original_parent);
	ev_timer_stop(loop, &parent_poll);
	ev_signal_stop(loop, &parent_death_watcher);
	kill(supervisor_pid, SIGTERM);
}

static void
check_parent(void)
{
	if (getppid() != original_parent)
		parent_gone();
}

static void
parent_death_cb(struct ev_loop *l, ev_signal *w, int revents)
{
	(void)l;
	(void)w;
	(void)revents;
	/*
	 * PDEATHSIG fires when the parent *thread* ends: confirm by the
	 * parent's pid.  As the first process of a pid namespace (a
	 * container's PID 1) the parent is outside it and getppid() is 0
	 * before and after: the signal is the only word there is, as for
	 * tini -p.
	 */
	if (original_parent == 0)
		parent_gone();
	else
		check_parent();
}

static void
parent_poll_cb(struct ev_loop *l, ev_timer *w, int revents)
{
	(void)l;
	(void)w;
	(void)revents;
	check_parent();
}

/*
 * Kills every descendant until none is left and no child remains to
 * reap.  Only runs after the supervisor is gone, when nothing else is
 * left for the guardian to do.
 */
static void
sweep_cb(struct ev_loop *l, ev_timer *w, int revents)
{
	int killed, status;
	pid_t pid;

	(void)l;
	(void)revents;
	killed = tree_kill_all_descendants();
	while ((pid = waitpid(-1, &status, WNOHANG)) > 0)
		;
	if (killed == 0 && pid == -1 && errno == ECHILD) {
		tree_cleanup();
		ev_break(loop, EVBREAK_ALL);
		return;
	}
	if (++sweep_ticks >= SWEEP_TICKS_MAX) {
		log_error("guardian: %d process%s would not die; giving up",
		    killed, killed == 1 ? "" : "es");
		ev_break(loop, EVBREAK_ALL);
		return;
	}
	ev_timer_set(w, SWEEP_TICK, 0);
	ev_timer_start(loop, w);
}

static void
child_cb(struct ev_loop *l, ev_child *w, int revents)
{
	(void)l;
	(void)revents;
	if (w->rpid != supervisor_pid)
		return;	/* an orphan; the sweep deals with the rest */
	supervisor_pid = 0;
	supervisor_status = w->rstatus;
	exit_code = wstatus_exit_code(w->rstatus);
	if (!WIFEXITED(w->rstatus)) {
		log_error("guardian: supervisor pid %d died (signal %d, %s); "
		    "killing every program", (int)w->rpid,
		    WIFSIGNALED(w->rstatus) ? WTERMSIG(w->rstatus) : 0,
		    WIFSIGNALED(w->rstatus) ?
		    signal_name(WTERMSIG(w->rstatus)) : "?");
	}
	ev_child_stop(loop, &child_watcher);
	notifysock_sweep(w->rpid);
	ev_timer_set(&sweep_timer, 0, 0);
	ev_timer_start(loop, &sweep_timer);
}

/*
 * Called first thing in main, before anything can reparent us.  The
 * parent-death signal is asked for now, not once the config is read:
 * a launcher that dies in between would go unnoticed.  It stays blocked
 * until the guardian's loop takes it (or, without exit_with_parent,
 * ignores it): a real-time signal's default action would end us.
 */
void
guardian_note_parent(void)
{
	sigset_t set;

	original_parent = getppid();
	sigemptyset(&set);
	sigaddset(&set, PARENT_DEATH_SIGNAL);
	(void)sigprocmask(SIG_BLOCK, &set, NULL);
	if (prctl(PR_SET_PDEATHSIG, PARENT_DEATH_SIGNAL) == -1)
		log_warn("prctl PR_SET_PDEATHSIG");
}

pid_t
guardian_original_parent(void)
{
	return original_parent;
}

/*
 * Runs the guardian's loop until the supervisor (pid child) is gone and
 * its trees are swept.  Returns the exit status to leave with: the
 * supervisor's, or 128+signal if it was killed.
 */
int
guardian_run(const struct config *cf, pid_t child, void (*later)(void))
{
	static const int forwarded[] = {
		SIGTERM, SIGINT, SIGQUIT, SIGHUP, SIGUSR1, SIGUSR2,
	};
	size_t i;

	supervisor_pid = child;
	later_work = later;
	loop = ev_default_loop(EVFLAG_AUTO | EVFLAG_SIGNALFD);
	if (loop == NULL) {
		/* Without a loop, the supervisor runs unguarded. */
		log_error("guardian: cannot initialise the event loop");
		run_later();
		while (waitpid(child, &supervisor_status, 0) == -1 &&
		    errno == EINTR)
			;
		return WIFEXITED(supervisor_status) ?
		    WEXITSTATUS(supervisor_status) : 1;
	}
	for (i = 0; i < sizeof(forwarded) / sizeof(forwarded[0]); i++) {
		ev_signal_init(&forward_watchers[i], forward_cb, forwarded[i]);
		ev_signal_start(loop, &forward_watchers[i]);
	}
	ev_child_init(&child_watcher, child_cb, 0, 0);
	ev_child_start(loop, &child_watcher);
	ev_timer_init(&sweep_timer, sweep_cb, 0, 0);
	/* Not on the start's path: the first programs are running by then
	 * (a 2-core machine has no core to spare for it at the start). */
	ev_timer_init(&later_timer, later_cb, LATER_S, 0);
	if (later_work != NULL)
		ev_timer_start(loop, &later_timer);
	log_start(loop);
	if (!cf->cf_exit_with_parent)
		(void)prctl(PR_SET_PDEATHSIG, 0);
	else {
		ev_signal_init(&parent_death_watcher, parent_death_cb,
		    PARENT_DEATH_SIGNAL);
		ev_signal_start(loop, &parent_death_watcher);
		ev_timer_init(&parent_poll, parent_poll_cb,
		    cf->cf_parent_poll_interval, cf->cf_parent_poll_interval);
		if (cf->cf_parent_poll_interval > 0)
			ev_timer_start(loop, &parent_poll);
		/* The parent may have gone before the prctl took effect. */
		check_parent();
	}
	ev_run(loop, 0);
	for (i = 0; i < sizeof(forwarded) / sizeof(forwarded[0]); i++)
		ev_signal_stop(loop, &forward_watchers[i]);
	ev_signal_stop(loop, &parent_death_watcher);
	ev_timer_stop(loop, &parent_poll);
	ev_timer_stop(loop, &sweep_timer);
	ev_timer_stop(loop, &later_timer);
	run_later();		/* an exit within LATER_S: done all the same */
	sink_finish(GUARDIAN_FLUSH_S);
	ev_loop_destroy(loop);
	return exit_code;
}
