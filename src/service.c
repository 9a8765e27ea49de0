/*
 * service.c: the supervisor as a service, seen by its service manager.
 * It watches the processes' states and, once a loop round has settled,
 * says READY=1 when every autostart program is ready (RUNNING: ready=
 * says when) or has failed its way out, and "N of M running" as STATUS=;
 * the same moment ends a detached start (the ready callback); RELOADING=1
 * and READY=1 around reloads, STOPPING=1 once.  notify.c carries the
 * words; nothing is computed when no service manager listens.
 */
#include <stdbool.h>
#include <stdio.h>

#include "depends.h"
#include "log.h"
#include "notify.h"
#include "process.h"
#include "proctable.h"
#include "service.h"

static struct ev_loop	*loop;
static ev_prepare	 settle_watcher;	/* states changed this round */
static pid_t		 main_pid;		/* the pid systemd started */
static bool		 ready_sent;
static bool		 stopping;
static void		(*on_ready)(void);	/* once, when first ready */
static struct process_observer observer;

/* True once no autostart process is waiting to be started, WAITING
 * for dependencies that may still come, or STARTING: each is RUNNING
 * (ready), or has failed its way out. */
static bool
all_started(void)
{
	size_t i, n = proctable_count();
	struct process *p;

	/* The common answer at once, from the counts: a crash storm keeps
	 * some process STARTING, and this runs each round of it. */
	if (proctable_count_in(PROC_STARTING) > 0)
		return false;
	for (i = 0; i < n; i++) {
		p = proctable_get(i);
		if (!p->p_program->pg_autostart || p->p_held)
			continue;
		if (p->p_state == PROC_STARTING ||
		    (p->p_state == PROC_STOPPED && p->p_spawns == 0) ||
		    (p->p_state == PROC_WAITING && !depends_doomed(p)))
			return false;
	}
	return true;
}

/* "3 of 4 running", sent when it changes. */
static void
send_status(const char *prefix)
{
	char status[128];

	snprintf(status, sizeof(status), "%s%zu of %zu running", prefix,
	    proctable_count_in(PROC_RUNNING), proctable_count());
	notify_status(status);
}

/* Once a loop round, after the states settled. */
static void
settle_cb(struct ev_loop *l, ev_prepare *w, int revents)
{
	(void)revents;
	ev_prepare_stop(l, w);
	if (stopping)
		return;
	if (!ready_sent && all_started()) {
		ready_sent = true;
		log_info("ready: every autostart program is ready, or failed");
		if (on_ready != NULL)
			on_ready();
		if (notify_enabled()) {
			send_status("");
			notify_ready(main_pid);
		}
		return;
	}
	if (notify_enabled())
		send_status(ready_sent ? "" : "starting: ");
}

/* Readiness and STATUS are looked at once the loop round is over, not at
 * each of a thousand starts. */
static void
settle_soon(void)
{
	if (loop != NULL && (notify_enabled() || !ready_sent))
		ev_prepare_start(loop, &settle_watcher);
}

static void
state_changed(struct process *p, enum proc_state from, void *arg)
{
	(void)p;
	(void)from;
	(void)arg;
	settle_soon();
}

void
service_start(struct ev_loop *l, pid_t pid, void (*ready)(void))
{
	loop = l;
	main_pid = pid;
	on_ready = ready;
	ev_prepare_init(&settle_watcher, settle_cb);
	observer.po_changed = state_changed;
	process_observe(&observer);
	settle_soon();
}

void
service_reloading(void)
{
	notify_reloading();
}

void
service_reloaded(void)
{
	notify_reloaded();
	settle_soon();
}

/* Whatever began it: a signal, a command, shutdown_on_exit. */
void
service_stopping(void)
{
	if (stopping)
		return;
	stopping = true;
	/* A start that ends before it was ready still lets its command go. */
	if (!ready_sent && on_ready != NULL) {
		ready_sent = true;
		on_ready();
	}
	notify_stopping();
}

void
service_stop(void)
{
	process_unobserve(&observer);
	if (loop != NULL)
		ev_prepare_stop(loop, &settle_watcher);
	notify_close();
}
