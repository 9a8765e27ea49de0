/*
 * reap.c: the supervisor's children reaped.  waitpid(-1) has the kernel
 * look at every child in turn until it finds one that exited: with
 * 10,000 programs about 3 ms a call, and libev's own SIGCHLD handler
 * calls it until it finds none, twice for every exit.  Here SIGCHLD is
 * read from a signalfd of our own: its siginfo names the child, and
 * waitpid(pid) looks at that child alone.  A SIGCHLD that came while one
 * was pending is merged into it, its child unnamed: a pass of
 * waitpid(-1) a moment after each burst reaps those, off the path from
 * an exit to what follows it.  The moment is four times what the last
 * pass's final walk took (the one that found nothing, what a pass costs
 * when none was needed), up to PASS_DELAY_MAX: with 10,000 children a
 * walk is 3 ms and a burst's exits share one a millisecond later; with
 * ten it is a few microseconds and runs in the next round, so that a
 * merged exit (a stop of them all makes many) is not a millisecond late.
 * The loop must not be libev's default loop, whose SIGCHLD handler would
 * reap first (main.c makes its own).
 */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "log.h"
#include "monotime.h"
#include "reap.h"

/* From a burst's first SIGCHLD to the pass that finds merged ones, at
 * most; pass_delay is four times the last pass's length under that. */
#define PASS_DELAY_MAX	0.001

static double		 pass_delay;

static struct ev_loop	*loop;
static int		 sfd = -1;
static ev_io		 sfd_watcher;
static ev_timer		 pass_timer;
static reap_fn		*all_fn;
static void		*all_arg;
static struct reap_watch *watches;

/* pid's exit to whoever asked for it, then to all_fn. */
static void
dispatch(pid_t pid, int status)
{
	struct reap_watch **pp, *w;

	for (;;) {
		for (pp = &watches; *pp != NULL; pp = &(*pp)->rw_next)
			if ((*pp)->rw_pid == pid)
				break;
		if ((w = *pp) == NULL)
			break;
		*pp = w->rw_next;
		w->rw_pid = 0;
		w->rw_fn(pid, status, w->rw_arg);
	}
	all_fn(pid, status, all_arg);
}

/* Every child that has exited, found by walking them all. */
static void
pass_cb(struct ev_loop *l, ev_timer *w, int revents)
{
	double t0, took = 0;
	pid_t pid;
	int status;

	(void)l;
	(void)w;
	(void)revents;
	for (;;) {
		/* Only the last walk is timed, the one that found nothing:
		 * what a pass costs when it is not needed.  Reaping the ones
		 * found is work a pass saves, not its cost (it had made the
		 * delay 1 ms after a burst of 30 exits, and an exit merged
		 * at a stop's end a millisecond late). */
		t0 = mono_now();
		pid = waitpid(-1, &status, WNOHANG);
		took = mono_now() - t0;
		if (pid == -1 && errno == EINTR)
			continue;
		if (pid <= 0)
			break;
		dispatch(pid, status);
	}
	pass_delay = took * 4 < PASS_DELAY_MAX ? took * 4 : PASS_DELAY_MAX;
}

static void
sfd_cb(struct ev_loop *l, ev_io *w, int revents)
{
	struct signalfd_siginfo si[16];
	ssize_t n;
	size_t i;
	pid_t pid;
	int status;

	(void)revents;
	while ((n = read(w->fd, si, sizeof(si))) > 0) {
		for (i = 0; i < (size_t)n / sizeof(si[0]); i++) {
			if (si[i].ssi_signo != SIGCHLD ||
			    (si[i].ssi_code != CLD_EXITED &&
			    si[i].ssi_code != CLD_KILLED &&
			    si[i].ssi_code != CLD_DUMPED))
				continue;
			do
				pid = waitpid((pid_t)si[i].ssi_pid, &status,
				    WNOHANG);
			while (pid == -1 && errno == EINTR);
			if (pid > 0)
				dispatch(pid, status);
		}
	}
	if (n == -1 && errno != EAGAIN && errno != EINTR)
		log_warn("signalfd: read");
	if (!ev_is_active(&pass_timer)) {
		ev_timer_set(&pass_timer, pass_delay, 0);
		ev_timer_start(l, &pass_timer);
	}
}

/*
 * Reaps the children of this process on l from now on (SIGCHLD blocked
 * in every thread: main.c blocks it before any is made), each exit told
 * to fn.  Returns -1 when there is no signalfd.
 */
int
reap_init(struct ev_loop *l, reap_fn *fn, void *arg)
{
	sigset_t set;

	reap_free();
	loop = l;
	all_fn = fn;
	all_arg = arg;
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	if (sigprocmask(SIG_BLOCK, &set, NULL) == -1 ||
	    (sfd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC)) == -1)
		return -1;
	/* Exits first in a round, before the clients' requests and the
	 * timers, as libev's own SIGCHLD watcher has them. */
	ev_io_init(&sfd_watcher, sfd_cb, sfd, EV_READ);
	ev_set_priority(&sfd_watcher, EV_MAXPRI);
	ev_io_start(loop, &sfd_watcher);
	/* An exit before now left SIGCHLD pending: the signalfd has it. */
	ev_timer_init(&pass_timer, pass_cb, 0, 0);
	ev_set_priority(&pass_timer, EV_MAXPRI);
	return 0;
}

void
reap_free(void)
{
	if (sfd == -1)
		return;
	ev_io_stop(loop, &sfd_watcher);
	ev_timer_stop(loop, &pass_timer);
	close(sfd);
	sfd = -1;
	watches = NULL;
}

void
reap_watch_start(struct reap_watch *w, pid_t pid, reap_fn *fn, void *arg)
{
	reap_watch_stop(w);
	w->rw_pid = pid;
	w->rw_fn = fn;
	w->rw_arg = arg;
	w->rw_next = watches;
	watches = w;
}

void
reap_watch_stop(struct reap_watch *w)
{
	struct reap_watch **pp;

	if (w->rw_pid == 0)
		return;
	for (pp = &watches; *pp != NULL; pp = &(*pp)->rw_next)
		if (*pp == w) {
			*pp = w->rw_next;
			break;
		}
	w->rw_pid = 0;
}

/* A pass over every child at the next round (tests that fake exits). */
void
reap_soon(void)
{
	if (sfd == -1)
		return;
	ev_timer_stop(loop, &pass_timer);
	ev_timer_set(&pass_timer, 0, 0);
	ev_timer_start(loop, &pass_timer);
}
