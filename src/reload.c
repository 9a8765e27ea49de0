/*
 * reload.c: live reconfiguration.  The config file is loaded again and
 * compared with the running one process by process: added processes
 * start (if autostart), removed ones stop (whole tree), changed ones
 * restart on their new settings, unchanged ones are not touched.  An
 * invalid, empty or missing file changes nothing.
 */
#include <errno.h>
#include <malloc.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "config_diff.h"
#include "control.h"
#include "log.h"
#include "monotime.h"
#include "process.h"
#include "proctable.h"
#include "reload.h"
#include "service.h"

/* What applying the plan does to one process. */
enum action {
	ACT_KEEP,		/* same settings: rebind to the new config */
	ACT_REPLACE,		/* changed settings */
	ACT_ADD,		/* new: start if autostart */
	ACT_REVIVE,		/* removed earlier, still stopping, back now */
	ACT_RETIRE,		/* removed */
	ACT_UNTOUCHED,		/* another group's: left as it runs */
};

struct step {
	struct process	*s_proc;
	enum action	 s_action;
	const struct program_config *s_program;	/* new settings */
	const struct proc_config *s_config;
};

static struct config	*current;	/* the config being run */
static void		(*applied)(const struct config *); /* watch.c's */
static unsigned long long reloads_applied, reloads_refused; /* so far */

/* ---- the plan ------------------------------------------------------ */

static void
add_item(struct reload_result *r, const char *name, enum reload_what what)
{
	r->rr_items[r->rr_nitems].ri_name = name;
	r->rr_items[r->rr_nitems].ri_what = what;
	r->rr_nitems++;
	r->rr_count[what]++;
}

static enum reload_what
replace_what(struct process *p, const struct program_config *pg)
{
	switch (process_replace_outcome(p, pg)) {
	case REPLACE_RESTARTING:
		return RELOAD_RESTARTED;
	case REPLACE_STARTED:
		return RELOAD_STARTED;
	case REPLACE_UPDATED:
		break;
	}
	return RELOAD_KEPT_DOWN;
}

/* Whether a reload of group only (NULL: all) touches this process, by
 * the group it runs in now. */
static bool
outside(const char *only, struct process *p)
{
	return only != NULL && strcmp(process_group(p), only) != 0;
}

/*
 * Compares cf with the running table: one step per process of cf (in
 * its order) and one per removed process, and the result's items.
 * With only set, the changes of that group alone (supervisord's
 * addProcessGroup): a process of another group is left untouched, one
 * new in another group is not added, and one that leaves the group is
 * removed.  Returns the number of steps, or -1 when out of memory.
 */
static long
plan(struct config *cf, const char *only, struct step *steps,
    struct reload_result *r)
{
	const struct program_config *pg, *old_pg;
	const struct proc_config *pc, *old_pc;
	struct process *p;
	size_t i, n = proctable_count(), k = 0, top = 0, at = 0;
	bool *seen;
	int j;

	/* Seen by p_index, unique in the table (the sweep leaves gaps). */
	for (i = 0; i < n; i++)
		if (proctable_get(i)->p_index >= top)
			top = proctable_get(i)->p_index + 1;
	if ((seen = calloc(top + 1, sizeof(*seen))) == NULL)
		return -1;
	for (i = 0; i < cf->cf_nprograms; i++) {
		pg = cf->cf_programs[i];
		for (j = 0; j < pg->pg_numprocs; j++) {
			pc = &pg->pg_procs[j];
			steps[k].s_program = pg;
			steps[k].s_config = pc;
			/* The table is in the config's order but for
			 * priorities: an unchanged process is most often the
			 * next one, found without hashing its name. */
			p = proctable_get(at);
			if (p != NULL && pc->pcf_was != NULL && !p->p_retired &&
			    (p->p_next_cf ? p->p_next_config : p->p_config) ==
			    pc->pcf_was)
				at++;
			else if ((p = proctable_by_name(pc->pcf_name)) != NULL)
				/* Changed in its place, or after one removed. */
				at += p == proctable_get(at) ? 1 :
				    p == proctable_get(at + 1) ? 2 : 0;
			if (only != NULL && strcmp(pg->pg_group, only) != 0) {
				/* Another group's: as it is, or gone from
				 * this group; never added here. */
				if (p == NULL || p->p_retired)
					continue;
				seen[p->p_index] = true;
				steps[k].s_proc = p;
				if (outside(only, p))
					steps[k++].s_action = ACT_UNTOUCHED;
				else {
					steps[k++].s_action = ACT_RETIRE;
					add_item(r, p->p_name, RELOAD_REMOVED);
				}
				continue;
			}
			if (p == NULL) {
				steps[k].s_proc = NULL;
				steps[k++].s_action = ACT_ADD;
				add_item(r, pc->pcf_name, RELOAD_ADDED);
				continue;
			}
			seen[p->p_index] = true;
			steps[k].s_proc = p;
			if (p->p_retired) {
				steps[k++].s_action = ACT_REVIVE;
				add_item(r, pc->pcf_name, RELOAD_ADDED);
				continue;
			}
			/* Against what it is to run next, if a reload
			 * already changed it while it was stopping. */
			old_pg = p->p_next_cf ? p->p_next_program : p->p_program;
			old_pc = p->p_next_cf ? p->p_next_config : p->p_config;
			/* Compared as it was loaded (config_mark_same), or
			 * here when it runs on another config than that. */
			if ((pc->pcf_was != NULL && pc->pcf_was == old_pc) ||
			    config_process_same(old_pg, old_pc, pg, pc)) {
				steps[k++].s_action = ACT_KEEP;
				r->rr_unchanged++;
				continue;
			}
			steps[k++].s_action = ACT_REPLACE;
			add_item(r, pc->pcf_name, replace_what(p, pg));
		}
	}
	for (i = 0; i < n; i++) {
		p = proctable_get(i);
		if (seen[p->p_index] || p->p_retired)
			continue;
		steps[k].s_proc = p;
		if (outside(only, p)) {
			steps[k++].s_action = ACT_UNTOUCHED;
			continue;
		}
		steps[k++].s_action = ACT_RETIRE;
		add_item(r, p->p_name, RELOAD_REMOVED);
	}
	free(seen);
	return (long)k;
}

/* ---- applying it ------------------------------------------------- */

/*
 * Makes the table follow cf.  Everything that can fail (memory) is done
 * before the first change, so a reload is applied whole or not at all.
 */
static int
apply(struct config *cf, struct step *steps, size_t nsteps, size_t nnew)
{
	struct process **list;
	size_t i, k = 0, cap = nnew + proctable_count() + 1;

	if ((list = calloc(cap, sizeof(*list))) == NULL)
		return -1;
	if (proctable_reserve(nnew) == -1) {
		free(list);
		return -1;
	}
	for (i = 0; i < nsteps; i++) {
		if (steps[i].s_action != ACT_ADD)
			continue;
		steps[i].s_proc = process_create(cf, steps[i].s_program,
		    steps[i].s_config);
		if (steps[i].s_proc == NULL) {
			while (i-- > 0)
				if (steps[i].s_action == ACT_ADD)
					process_free(steps[i].s_proc);
			free(list);
			return -1;
		}
	}
	/* From here on nothing fails.  The removed stop first: the table
	 * keeps them, after the others, until they are gone. */
	for (i = 0; i < nsteps; i++) {
		if (steps[i].s_action == ACT_RETIRE)
			proctable_retire(steps[i].s_proc);
		else {
			if (steps[i].s_action == ACT_REVIVE)
				process_revive(steps[i].s_proc);
			list[k++] = steps[i].s_proc;
		}
	}
	proctable_replace(list, k, cap);
	for (i = 0; i < nsteps; i++) {
		struct step *s = &steps[i];

		switch (s->s_action) {
		case ACT_KEEP:
			process_keep(s->s_proc, cf, s->s_program, s->s_config);
			break;
		case ACT_REPLACE:
		case ACT_REVIVE:
			process_replace(s->s_proc, cf, s->s_program,
			    s->s_config);
			break;
		case ACT_ADD:
			if (s->s_program->pg_autostart)
				process_start(s->s_proc);
			break;
		case ACT_RETIRE:
		case ACT_UNTOUCHED:
			break;
		}
	}
	return 0;
}

/* The supervisor's own settings that only a restart applies. */
static void
daemon_settings(struct config *cf, struct reload_result *r)
{
	const char *keys[16];
	size_t i, n;

	n = config_daemon_changes(current, cf, keys, 16);
	for (i = 0; i < n; i++)
		add_item(r, keys[i], RELOAD_NOT_LIVE);
}

static void
log_result(const char *why, const struct reload_result *r, bool dry_run)
{
	char line[256];
	size_t i;

	for (i = 0; i < r->rr_msgs.cm_count; i++) {
		if (r->rr_msgs.cm_list[i].cm_error)
			log_error("%s", r->rr_msgs.cm_list[i].cm_text);
		else
			log_warnx("%s", r->rr_msgs.cm_list[i].cm_text);
	}
	if (r->rr_refused != NULL) {
		log_error("reload (%s): %s %s; nothing changed", why,
		    current->cf_file, r->rr_refused);
		return;
	}
	for (i = 0; i < r->rr_nitems && !dry_run; i++)
		log_info("reload: %s: %s", r->rr_items[i].ri_name,
		    reload_what_text(r->rr_items[i].ri_what, false));
	reload_summary(r, dry_run, line, sizeof(line));
	if (dry_run)
		log_debug("reload --dry-run (%s): %s", why, line);
	else
		log_info("reload (%s): %s", why, line);
}

/* Whether the file is worth loading now; else r says why not. */
static bool
reload_may(struct reload_result *r)
{
	struct stat st;

	if (process_shutting_down())
		r->rr_refused = "was not reloaded: the supervisor is "
		    "shutting down";
	else if (stat(current->cf_file, &st) == 0 && st.st_size == 0)
		/* A file truncated for an in-place write, most likely. */
		r->rr_refused = "is empty (still being written?)";
	return r->rr_refused == NULL;
}

static void	reload_apply_loaded(const char *, const char *, bool,
		    struct reload_result *, struct config *);

/* only: one group's changes, the others' left for later; NULL: all. */
static void
reload_apply(const char *why, const char *only, bool dry_run,
    struct reload_result *r)
{
	struct config *cf = NULL;

	memset(r, 0, sizeof(*r));
	if (reload_may(r))
		cf = config_load_after(current->cf_file, &r->rr_msgs,
		    current);
	reload_apply_loaded(why, only, dry_run, r, cf);
}

/*
 * The rest of a reload, once the file is loaded: cf (NULL when it was
 * not, r->rr_msgs saying why, or r->rr_refused) against the running one.
 */
static void
reload_apply_loaded(const char *why, const char *only, bool dry_run,
    struct reload_result *r, struct config *cf)
{
	struct step *steps = NULL;
	size_t nnew = 0, i;
	long nsteps;
	char unfit[280];

	if (r->rr_refused == NULL && process_shutting_down())
		r->rr_refused = "was not reloaded: the supervisor is "
		    "shutting down";
	if (r->rr_refused != NULL)
		;
	else if (cf == NULL)
		r->rr_refused = r->rr_msgs.cm_errors > 0 ? "is invalid" :
		    "was not reloaded: out of memory";
	else if (!proctable_fits(cf, unfit, sizeof(unfit))) {
		snprintf(r->rr_why, sizeof(r->rr_why), "was not reloaded: %s",
		    unfit);
		r->rr_refused = r->rr_why;
	}
	if (cf != NULL && r->rr_refused == NULL) {
		for (i = 0; i < cf->cf_nprograms; i++)
			nnew += (size_t)cf->cf_programs[i]->pg_numprocs;
		r->rr_items = calloc(nnew + proctable_count() + 8,
		    sizeof(*r->rr_items));
		steps = calloc(nnew + proctable_count() + 1, sizeof(*steps));
		if (r->rr_items == NULL || steps == NULL ||
		    (nsteps = plan(cf, only, steps, r)) == -1)
			r->rr_refused = "was not reloaded: out of memory";
		else {
			if (only == NULL)
				daemon_settings(cf, r);
			if (!dry_run && apply(cf, steps, (size_t)nsteps,
			    nnew) == -1)
				r->rr_refused = "was not reloaded: out of "
				    "memory";
		}
	}
	if (r->rr_refused != NULL) {
		/* Nothing was applied: the result says nothing either. */
		r->rr_nitems = 0;
		memset(r->rr_count, 0, sizeof(r->rr_count));
		r->rr_unchanged = 0;
	}
	free(steps);
	if (!dry_run && r->rr_refused != NULL)
		reloads_refused++;
	else if (!dry_run)
		reloads_applied++;
	log_result(why, r, dry_run);
	r->rr_config = cf;	/* the items' names are in it */
	/* One group applied: the rest still runs on the config it had. */
	if (cf == NULL || dry_run || r->rr_refused != NULL || only != NULL)
		return;
	/* The settings a running supervisor takes up. */
	log_set_level(cf->cf_loglevel);
	control_set_timeout(cf->cf_control_timeout);
	config_free(current);
	current = config_ref(cf);
	if (applied != NULL)
		applied(current);
}

/* Reloads applied and refused since the start (dry runs are neither). */
void
reload_counts(unsigned long long *applied_n, unsigned long long *refused_n)
{
	*applied_n = reloads_applied;
	*refused_n = reloads_refused;
}

/* ---- words ------------------------------------------------------- */

const char *
reload_what_text(enum reload_what what, bool dry_run)
{
	static const char *const done[] = {
		[RELOAD_ADDED] = "added",
		[RELOAD_REMOVED] = "removed; stopping",
		[RELOAD_RESTARTED] = "changed; restarting",
		[RELOAD_STARTED] = "changed; started",
		[RELOAD_KEPT_DOWN] = "changed; stays stopped",
		[RELOAD_NOT_LIVE] = "changed; applies when the supervisor is "
		    "next started",
	};
	static const char *const would[] = {
		[RELOAD_ADDED] = "would be added",
		[RELOAD_REMOVED] = "would be removed",
		[RELOAD_RESTARTED] = "changed; would restart",
		[RELOAD_STARTED] = "changed; would start",
		[RELOAD_KEPT_DOWN] = "changed; would stay stopped",
		[RELOAD_NOT_LIVE] = "changed; would apply when the supervisor "
		    "is next started",
	};

	return dry_run ? would[what] : done[what];
}

/* "1 added, 2 restarted, 997 unchanged": the counts that are not 0. */
void
reload_summary(const struct reload_result *r, bool dry_run, char *buf,
    size_t len)
{
	static const char *const words[] = {
		[RELOAD_ADDED] = "added", [RELOAD_REMOVED] = "removed",
		[RELOAD_RESTARTED] = "restarted", [RELOAD_STARTED] = "started",
		[RELOAD_KEPT_DOWN] = "changed but stopped",
		[RELOAD_NOT_LIVE] = "settings not applied live",
	};
	size_t used = 0, i;
	int n;

	buf[0] = '\0';
	for (i = 0; i <= RELOAD_NOT_LIVE; i++) {
		if (r->rr_count[i] == 0)
			continue;
		n = snprintf(buf + used, len - used, "%s%zu %s",
		    used > 0 ? ", " : "", r->rr_count[i], words[i]);
		if (n < 0 || (size_t)n >= len - used)
			return;
		used += (size_t)n;
	}
	snprintf(buf + used, len - used, "%s%zu unchanged%s",
	    used > 0 ? ", " : "", r->rr_unchanged,
	    dry_run ? " (dry run: nothing done)" : "");
}

void
reload_result_free(struct reload_result *r)
{
	config_msgs_free(&r->rr_msgs);
	config_free(r->rr_config);
	free(r->rr_items);
	memset(r, 0, sizeof(*r));
}

/* ---- loading off the loop ------------------------------------------- */

/*
 * A reload the config watch asks for is loaded by a thread of its own
 * (config_load touches nothing of the loop's: it reads files and builds
 * a new struct config), so the loop goes on answering clients and
 * reaping while 10,000 programs are parsed (about 60 ms); the loop
 * applies the result (ev_async).  One load at a time: a change during a
 * load loads again once it is done.  A reload a client asks for runs as
 * before, on the loop (its reply waits for it anyway), after any load in
 * flight is done.  Only one thread ever runs config_load, so its
 * getpwnam and the like need not be reentrant.
 */
struct load_job {
	pthread_t		 lj_thread;
	char			*lj_file;
	char			*lj_why;
	struct config		*lj_base;	/* the running one, compared */
	struct config		*lj_config;	/* NULL: see lj_msgs */
	double			 lj_read;	/* seconds the read took */
	struct config_msgs	 lj_msgs;
};

static struct ev_loop	*loop;
static ev_async		 load_done;
static struct load_job	*job;		/* the load in flight, or NULL */
static bool		 load_again;	/* a change came during it */

static void *
load_main(void *arg)
{
	struct load_job *j = arg;
	double start = mono_now();

	j->lj_config = config_load_after(j->lj_file, &j->lj_msgs,
	    j->lj_base);
	if (j->lj_config != NULL)
		config_mark_same(j->lj_config, j->lj_base);
	j->lj_read = mono_now() - start;
	ev_async_send(loop, &load_done);
	return NULL;
}

/* Waits for the load in flight; returns it (the caller frees it). */
static struct load_job *
load_join(void)
{
	struct load_job *j = job;

	if (j == NULL)
		return NULL;
	(void)pthread_join(j->lj_thread, NULL);
	job = NULL;
	return j;
}

static void
load_free(struct load_job *j)
{
	if (j == NULL)
		return;
	config_free(j->lj_config);
	config_free(j->lj_base);
	config_msgs_free(&j->lj_msgs);
	free(j->lj_file);
	free(j->lj_why);
	free(j);
}

/* A reload that runs on the loop: the load in flight is dropped. */
static void
load_drop(void)
{
	load_free(load_join());
	load_again = false;
}

static void
load_done_cb(struct ev_loop *l, ev_async *w, int revents)
{
	struct reload_result r;
	struct load_job *j;

	(void)l;
	(void)w;
	(void)revents;
	if ((j = load_join()) == NULL)
		return;		/* dropped by a reload on the loop */
	if (j->lj_config != NULL)
		log_debug("reload: read in %.1f ms: %zu programs, %zu of them "
		    "copied from the running config (%zu with their text "
		    "unread)", j->lj_read * 1e3, j->lj_config->cf_nprograms,
		    j->lj_config->cf_copied, j->lj_config->cf_unread);
	memset(&r, 0, sizeof(r));
	r.rr_msgs = j->lj_msgs;
	memset(&j->lj_msgs, 0, sizeof(j->lj_msgs));
	reload_apply_loaded(j->lj_why, NULL, false, &r, j->lj_config);
	j->lj_config = NULL;	/* r holds it now */
	reload_result_free(&r);
	service_reloaded();
	if (load_again) {
		load_again = false;
		reload_start(j->lj_why);
	}
	load_free(j);
}

/*
 * Loads the config file again off the loop and applies it when loaded,
 * as reload_run does (why names the trigger, for the log).  Falls back to
 * reload_run where a thread cannot be had.
 */
void
reload_start(const char *why)
{
	struct reload_result r;
	struct load_job *j = NULL;
	sigset_t all, old;
	int err;

	if (job != NULL) {
		load_again = true;
		return;
	}
	memset(&r, 0, sizeof(r));
	if (!reload_may(&r)) {
		reload_apply_loaded(why, NULL, false, &r, NULL);
		reload_result_free(&r);
		return;
	}
	if (loop == NULL || (j = calloc(1, sizeof(*j))) == NULL ||
	    (j->lj_file = strdup(current->cf_file)) == NULL ||
	    (j->lj_why = strdup(why)) == NULL) {
		load_free(j);
		reload_run(why, false, &r);
		reload_result_free(&r);
		return;
	}
	service_reloading();
	/* Read by the thread, kept until the load is applied or dropped. */
	j->lj_base = config_ref(current);
	/* No signal for this thread: the loop takes them (signalfd). */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	err = pthread_create(&j->lj_thread, NULL, load_main, j);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (err != 0) {
		log_warnx("reload: no thread to load the config in (%s); "
		    "loading it in the loop", strerror(err));
		load_free(j);
		reload_apply(why, NULL, false, &r);
		service_reloaded();
		reload_result_free(&r);
		return;
	}
	job = j;
}

/* ---- freeing off the loop ------------------------------------------ */

/*
 * A config whose last reference goes is freed by a thread of its own
 * (config_set_disposer): 10,000 programs take 15 ms to free, a time the
 * loop would serve nothing.  The thread gives the memory back to the
 * system after each (malloc_trim: the pages the old config held alone),
 * holding the heap's lock meanwhile; the loop's allocations wait that
 * long, its other work does not.  Started with the first.
 */
static pthread_mutex_t	 dispose_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t	 dispose_wake = PTHREAD_COND_INITIALIZER;
static struct config	*dispose_queue;
static bool		 dispose_started, dispose_end;
static pthread_t	 dispose_thread;

static void *
dispose_main(void *arg)
{
	struct config *cf;

	(void)arg;
	pthread_mutex_lock(&dispose_lock);
	for (;;) {
		while (dispose_queue == NULL && !dispose_end)
			pthread_cond_wait(&dispose_wake, &dispose_lock);
		if ((cf = dispose_queue) == NULL)
			break;
		dispose_queue = cf->cf_disposed_next;
		pthread_mutex_unlock(&dispose_lock);
		config_destroy(cf);
		malloc_trim(0);
		pthread_mutex_lock(&dispose_lock);
	}
	pthread_mutex_unlock(&dispose_lock);
	return NULL;
}

static void
dispose(struct config *cf)
{
	sigset_t all, old;
	int err = 0;

	pthread_mutex_lock(&dispose_lock);
	if (!dispose_started) {
		sigfillset(&all);
		pthread_sigmask(SIG_SETMASK, &all, &old);
		err = pthread_create(&dispose_thread, NULL, dispose_main, NULL);
		pthread_sigmask(SIG_SETMASK, &old, NULL);
		dispose_started = err == 0;
	}
	if (dispose_started) {
		cf->cf_disposed_next = dispose_queue;
		dispose_queue = cf;
		pthread_cond_signal(&dispose_wake);
	}
	pthread_mutex_unlock(&dispose_lock);
	if (err != 0)
		config_destroy(cf);	/* no thread: here, then */
}

/* Those queued freed, the thread gone; later ones are freed at once. */
static void
dispose_stop(void)
{
	config_set_disposer(NULL);
	if (!dispose_started)
		return;
	pthread_mutex_lock(&dispose_lock);
	dispose_end = true;
	pthread_cond_signal(&dispose_wake);
	pthread_mutex_unlock(&dispose_lock);
	(void)pthread_join(dispose_thread, NULL);
	dispose_started = dispose_end = false;
}

/* The config the daemon starts with; reload holds its own reference. */
void
reload_init(struct ev_loop *l, struct config *cf)
{
	loop = l;
	ev_async_init(&load_done, load_done_cb);
	ev_async_start(loop, &load_done);
	current = config_ref(cf);
	config_set_disposer(dispose);
}

struct config *
reload_current(void)
{
	return current;
}

/* fn(cf) runs after each reload that was applied (to watch new files). */
void
reload_set_applied(void (*fn)(const struct config *cf))
{
	applied = fn;
}

void
reload_free(void)
{
	load_drop();
	if (loop != NULL)
		ev_async_stop(loop, &load_done);
	dispose_stop();
	config_free(current);
	current = NULL;
	applied = NULL;
}

/*
 * Loads the config file again and applies it (or, dry_run, only says
 * what would change).  why names the trigger, for the log.  r says what
 * happened; reload_result_free() releases it.
 */
void
reload_run(const char *why, bool dry_run, struct reload_result *r)
{
	/* The service manager hears of it (RELOADING=1, then READY=1). */
	if (!dry_run) {
		if (job != NULL)
			service_reloaded();	/* the load dropped */
		load_drop();
		service_reloading();
	}
	reload_apply(why, NULL, dry_run, r);
	if (!dry_run)
		service_reloaded();
}

/*
 * As reload_run, but only group's changes are applied (its processes
 * added, changed, removed as the file says); every other process goes
 * on as it runs.  The supervisor's own settings are not taken up.
 */
void
reload_run_group(const char *why, const char *group, struct reload_result *r)
{
	char *again = NULL;

	/* The watch's load in flight is for every group: it runs after. */
	if (job != NULL) {
		again = strdup(job->lj_why);
		service_reloaded();
	}
	load_drop();
	service_reloading();
	reload_apply(why, group, false, r);
	service_reloaded();
	if (again != NULL) {
		reload_start(again);
		free(again);
	}
}
