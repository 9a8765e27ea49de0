/*
 * depends.c: the dependencies between programs at run time.  It is the
 * process layer's gate: a process may start when every program it
 * depends on holds its condition (ready: RUNNING; started: spawned;
 * completed: exited with an expected code), for each of its processes.
 * It observes every change of state and, from the loop, lets WAITING
 * processes try again and restarts the dependents (depends_restart) of
 * a process that went down while RUNNING.  A dependency that is FATAL
 * leaves its dependents WAITING, the reason shown; nothing spins.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "config_ready.h"
#include "depends.h"
#include "log.h"
#include "proctable.h"

static struct ev_loop	*loop;
static ev_timer		 recheck_watcher; /* from the loop, after changes */
static struct process_observer observer;
static struct process	**went_down;	/* RUNNING, then not: their
					   dependents may restart */
static size_t		 ndown, down_cap;

/* Whether q holds cond now. */
static bool
holds(const struct process *q, enum dep_condition cond)
{
	int st = q->p_exit_status;

	switch (cond) {
	case DEP_READY:
		return q->p_state == PROC_RUNNING;
	case DEP_STARTED:
		return (q->p_state == PROC_STARTING && q->p_pid != 0) ||
		    q->p_state == PROC_RUNNING ||
		    (q->p_state == PROC_EXITED && q->p_spawns > 0);
	case DEP_COMPLETED:
		return q->p_state == PROC_EXITED && q->p_spawns > 0 &&
		    WIFEXITED(st) && exit_set_has(&q->p_program->pg_exitcodes,
		    WEXITSTATUS(st));
	}
	return false;
}

/*
 * The next process, from *at on, of a program p depends on that does not
 * hold what p needs of it (*dep); NULL when none is left.  *at counts
 * through every dependency and, for each, every process of the table.
 */
static struct process *
next_unmet(const struct process *p, size_t *at,
    const struct dependency **dep)
{
	const struct program_config *pg = p->p_program;
	size_t n = proctable_count();
	struct process *q;

	for (; n > 0 && *at < pg->pg_ndepends * n; (*at)++) {
		*dep = &pg->pg_depends[*at / n];
		q = proctable_get(*at % n);
		if (!q->p_retired && strcmp(q->p_program->pg_name,
		    (*dep)->dp_name) == 0 && !holds(q, (*dep)->dp_cond)) {
			(*at)++;
			return q;
		}
	}
	return NULL;
}

/* The gate: false, and why, while a dependency of p does not hold. */
bool
depends_blocked(struct process *p, char *why, size_t len)
{
	const struct dependency *d;
	struct process *q;
	size_t at = 0;

	if ((q = next_unmet(p, &at, &d)) == NULL)
		return true;
	snprintf(why, len, "%s to be %s (%s is %s%s)", d->dp_name,
	    config_condition_name(d->dp_cond), q->p_name,
	    proc_state_name(q->p_state), q->p_state == PROC_FATAL ?
	    ": it gave up; start it to go on" : "");
	return false;
}

/*
 * A WAITING p that can't go on by itself: a program it waits for is
 * FATAL, has exited for good, or was stopped by a user (what wait
 * reports as failed).
 */
bool
depends_doomed(struct process *p)
{
	const struct dependency *d;
	struct process *q;
	size_t at = 0;

	if (p->p_state != PROC_WAITING)
		return false;
	while ((q = next_unmet(p, &at, &d)) != NULL)
		if (q->p_state == PROC_FATAL ||
		    (q->p_state == PROC_EXITED && d->dp_cond != DEP_STARTED) ||
		    (q->p_state == PROC_STOPPED && q->p_held))
			return true;
	return false;
}

static bool
gate(struct process *p, char *why, size_t len)
{
	return depends_blocked(p, why, len);
}

/* Does q's program name p's among those it restarts with? */
static bool
bound_to(const struct process *q, const struct process *p)
{
	size_t i;

	if (!q->p_program->pg_depends_restart)
		return false;
	for (i = 0; i < q->p_program->pg_ndepends; i++)
		if (strcmp(q->p_program->pg_depends[i].dp_name,
		    p->p_program->pg_name) == 0)
			return true;
	return false;
}

static void
recheck_cb(struct ev_loop *l, ev_timer *w, int revents)
{
	size_t i, j, n;
	struct process *p, *q;
	char why[256];

	(void)l;
	(void)w;
	(void)revents;
	/* Restarts first: a dependent goes down with its dependency. */
	for (i = 0; i < ndown; i++) {
		p = went_down[i];
		n = proctable_count();
		for (j = 0; j < n; j++) {
			q = proctable_get(j);
			if (q == p || !bound_to(q, p))
				continue;
			snprintf(why, sizeof(why), "its dependency %s went "
			    "down (depends_restart)", p->p_name);
			process_restart(q, why);
		}
	}
	ndown = 0;
	n = proctable_count();
	for (i = 0; i < n; i++)
		process_recheck(proctable_get(i));
}

/* From the loop, soon: a zero timer, as changes happen inside prepare
 * watchers too. */
static void
recheck_soon(void)
{
	if (!ev_is_active(&recheck_watcher)) {
		ev_timer_set(&recheck_watcher, 0, 0);
		ev_timer_start(loop, &recheck_watcher);
	}
}

void
depends_recheck(void)
{
	recheck_soon();
}

static void
state_changed(struct process *p, enum proc_state from, void *arg)
{
	struct process **nl;

	(void)arg;
	/* Nothing to do for a config without edges (a reload that drops
	 * the last ones rechecks on its own). */
	if (!p->p_cf->cf_has_depends)
		return;
	if (from == PROC_RUNNING && !process_shutting_down() &&
	    !p->p_retired && p->p_program->pg_restarts_dependents) {
		if (ndown == down_cap) {
			down_cap = down_cap ? down_cap * 2 : 8;
			if ((nl = realloc(went_down, down_cap * sizeof(*nl))) ==
			    NULL) {
				log_warnx("depends_restart: out of memory");
				down_cap = ndown;
				goto soon;
			}
			went_down = nl;
		}
		went_down[ndown++] = p;
	}
soon:
	recheck_soon();
}

static void
removed(struct process *p, void *arg)
{
	size_t i, k = 0;

	(void)arg;
	for (i = 0; i < ndown; i++)
		if (went_down[i] != p)
			went_down[k++] = went_down[i];
	ndown = k;
}

void
depends_start(struct ev_loop *l)
{
	loop = l;
	ev_timer_init(&recheck_watcher, recheck_cb, 0, 0);
	observer.po_changed = state_changed;
	observer.po_removed = removed;
	process_observe(&observer);
	process_set_gate(gate);
}

void
depends_stop(void)
{
	process_set_gate(NULL);
	process_unobserve(&observer);
	if (loop != NULL)
		ev_timer_stop(loop, &recheck_watcher);
	free(went_down);
	went_down = NULL;
	ndown = down_cap = 0;
}
