/*
 * program_reload.c: how the process table follows a reload: a process
 * keeps, takes or waits to take its new settings, a removed one is
 * stopped and then swept out of the table.  The state machine: program.c.
 */
#include <stdlib.h>

#include "config.h"
#include "log.h"
#include "program.h"
#include "program_impl.h"

static ev_timer		  sweep_watcher; /* frees retired processes */
static void		(*forget)(struct process *); /* told before a free */

static void	sweep_cb(struct ev_loop *, ev_timer *, int);

/* p's settings are now pg and pc of cf (the same as before, or new). */
void
process_rebind(struct process *p, struct config *cf,
    const struct program_config *pg, const struct proc_config *pc)
{
	struct config *old = p->p_cf;

	p->p_cf = config_ref(cf);
	p->p_program = pg;
	p->p_config = pc;
	p->p_name = pc->pcf_name;
	p->p_tree.t_name = p->p_name;
	config_free(old);
}

/*
 * What process_replace will do to p, given its new program settings: a
 * process that is up (or was to start again) restarts; one that is down
 * starts if autostart says so; one a user stopped stays stopped.
 */
enum replace_outcome
process_replace_outcome(struct process *p,
    const struct program_config *pg)
{
	bool was_up = p->p_state == PROC_STARTING ||
	    p->p_state == PROC_RUNNING || p->p_state == PROC_BACKOFF ||
	    (p->p_state == PROC_STOPPING && p->p_then_start);

	if (p->p_held || !(was_up || pg->pg_autostart))
		return REPLACE_UPDATED;
	if (p->p_state != PROC_STOPPING && process_is_gone(p))
		return REPLACE_STARTED;
	return REPLACE_RESTARTING;
}

/*
 * A reload changed p's settings.  What runs was started with the old ones
 * and stops with them (its stopsignal, its stopwaitsecs); it then starts
 * on the new ones.  A process that is down takes them at once.
 */
enum replace_outcome
process_replace(struct process *p, struct config *cf,
    const struct program_config *pg, const struct proc_config *pc)
{
	enum replace_outcome outcome = process_replace_outcome(p, pg);

	if (p->p_state != PROC_STOPPING && process_is_gone(p)) {
		process_rebind(p, cf, pg, pc);
		if (outcome == REPLACE_STARTED) {
			if (p->p_state == PROC_BACKOFF)
				ev_timer_stop(programs_loop(), &p->p_timer);
			process_start(p);
		}
		return outcome;
	}
	config_free(p->p_next_cf);
	p->p_next_cf = config_ref(cf);
	p->p_next_program = pg;
	p->p_next_config = pc;
	if (p->p_state != PROC_STOPPING)
		process_stop(p);
	p->p_then_start = outcome == REPLACE_RESTARTING;
	return outcome;
}

/*
 * A reload found p's settings unchanged: it keeps running as it is, and
 * holds the new config from now on (the old one can go).
 */
void
process_keep(struct process *p, struct config *cf,
    const struct program_config *pg, const struct proc_config *pc)
{
	if (p->p_next_cf == NULL) {
		process_rebind(p, cf, pg, pc);
		return;
	}
	config_free(p->p_next_cf);
	p->p_next_cf = config_ref(cf);
	p->p_next_program = pg;
	p->p_next_config = pc;
}

/* Takes the settings a reload left for p while it was running. */
void
process_take_next(struct process *p)
{
	if (p->p_next_cf == NULL)
		return;
	process_rebind(p, p->p_next_cf, p->p_next_program,
	    p->p_next_config);
	config_free(p->p_next_cf);	/* process_rebind took its own */
	p->p_next_cf = NULL;
	p->p_next_program = NULL;
	p->p_next_config = NULL;
}

/*
 * A reload removed p from the config: its whole tree is stopped, and it
 * leaves the table once gone.  Until then it keeps its name, so that a
 * later reload that brings it back finds it.
 */
void
process_retire(struct process *p)
{
	p->p_retired = true;
	p->p_then_start = false;
	config_free(p->p_next_cf);
	p->p_next_cf = NULL;
	if (p->p_state == PROC_STOPPING)
		return;
	if (process_is_gone(p)) {
		if (p->p_state == PROC_BACKOFF)
			process_stop(p);
		programs_sweep_soon();
		return;
	}
	process_stop(p);
}

/*
 * The table becomes list (the new config's processes, in its order), plus
 * the retired processes still stopping.  Takes list, which has room for
 * cap entries: n plus every retired process.
 */
void
programs_set_table(struct process **list, size_t n, size_t cap)
{
	struct process **old;
	size_t i, nold, k = n;

	for (i = 0; i < n; i++)
		list[i]->p_index = i;
	old = programs_table(&nold);
	for (i = 0; i < nold && k < cap; i++)
		if (old[i]->p_retired) {
			old[i]->p_index = k;
			list[k++] = old[i];
		}
	free(old);
	programs_table_set(list, k);
	programs_table_sort();
}

/* Frees the retired processes that are gone, from the loop. */
static void
sweep_cb(struct ev_loop *l, ev_timer *w, int revents)
{
	struct process **table, *p;
	size_t i, n, k = 0;

	(void)l;
	(void)w;
	(void)revents;
	table = programs_table(&n);
	for (i = 0; i < n; i++) {
		p = table[i];
		if (p->p_retired && p->p_state != PROC_STOPPING &&
		    process_is_gone(p)) {
			log_info("%s: removed", p->p_name);
			if (forget != NULL)
				forget(p);
			process_free(p);
			continue;
		}
		table[k++] = p;
	}
	programs_table_set(table, k);
}

/*
 * A retired process is freed later, from the loop: whoever found it gone
 * may still be walking the table (reaped_cb) or a reload's steps.
 */
void
programs_sweep_soon(void)
{
	if (!ev_is_active(&sweep_watcher)) {
		ev_timer_set(&sweep_watcher, 0, 0);
		ev_timer_start(programs_loop(), &sweep_watcher);
	}
}

/* From programs_init and programs_free: the sweep's timer. */
void
programs_reload_init(void)
{
	ev_timer_init(&sweep_watcher, sweep_cb, 0, 0);
}

void
programs_reload_stop(void)
{
	ev_timer_stop(programs_loop(), &sweep_watcher);
}

/* fn(p) runs just before a process removed by a reload is freed. */
void
programs_set_forget(void (*fn)(struct process *))
{
	forget = fn;
}
