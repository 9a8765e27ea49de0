/*
 * proctable.c: the table of processes.  It holds them in the order they
 * start (priority, then file order; they stop in reverse), finds them by
 * name and by pid, reaps every child of the supervisor (leaders, and
 * orphans of their trees, as it is a subreaper) and hands each leader's
 * exit to its process, attributes or kills orphans, frees the processes a
 * reload removed once their trees are gone, and keeps counts by state.
 */
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "capture.h"
#include "log.h"
#include "proctable.h"
#include "reap.h"
#include "signals.h"
#include "spawn.h"
#include "strmap.h"
#include "tree.h"

static struct ev_loop	 *loop;
static struct process	**procs;	/* the table, in start order */
static size_t		  nprocs;
static struct strmap	  by_name;	/* p_name -> process */
static size_t		  in_state[PROC_STATES]; /* processes per state */
static ev_idle		  adopt_watcher; /* looks at orphans after exits */
static ev_prepare	  reaped_watcher; /* checks trees after reaps */
static ev_timer		  sweep_watcher; /* frees removed processes */
static struct process_observer observer;
static pid_t		  last_ambiguous; /* said once */

static void
sweep_soon(void)
{
	if (!ev_is_active(&sweep_watcher)) {
		ev_timer_set(&sweep_watcher, 0, 0);
		ev_timer_start(loop, &sweep_watcher);
	}
}

/* Counts follow every change; a removed process is swept once stopped. */
static void
state_changed(struct process *p, enum proc_state from, void *arg)
{
	(void)arg;
	if (!p->p_listed)
		return;		/* not in the table (yet) */
	in_state[from]--;
	in_state[p->p_state]++;
	if (p->p_retired && p->p_state == PROC_STOPPED)
		sweep_soon();
}

/* p_listed says whether the table's name is p's, without a lookup: a
 * reload of 10,000 asks it of each. */
static void
add(struct process *p)
{
	struct process *was = strmap_get(&by_name, p->p_name);

	if (was != NULL)
		was->p_listed = false;
	(void)strmap_put(&by_name, p->p_name, p);	/* room reserved */
	p->p_listed = true;
	in_state[p->p_state]++;
}

static void
forget(struct process *p)
{
	struct process *was = strmap_remove(&by_name, p->p_name);

	if (was != NULL)
		was->p_listed = false;
	in_state[p->p_state]--;
}

static int
compare_priority(const void *a, const void *b)
{
	const struct process *pa = *(struct process *const *)a;
	const struct process *pb = *(struct process *const *)b;

	/* A program starts after what it depends on, and stops before. */
	if (pa->p_program->pg_depends_level != pb->p_program->pg_depends_level)
		return pa->p_program->pg_depends_level <
		    pb->p_program->pg_depends_level ? -1 : 1;
	/* A group's priority then, as supervisord starts group by group. */
	if (pa->p_program->pg_group_priority !=
	    pb->p_program->pg_group_priority)
		return pa->p_program->pg_group_priority <
		    pb->p_program->pg_group_priority ? -1 : 1;
	if (pa->p_program->pg_priority != pb->p_program->pg_priority)
		return pa->p_program->pg_priority < pb->p_program->pg_priority ?
		    -1 : 1;
	/* Same priority: file order (qsort alone is not stable). */
	return (pa->p_index > pb->p_index) - (pa->p_index < pb->p_index);
}

/* In order already (a reload that changed no priority): not sorted. */
static void
sort_table(void)
{
	size_t i;

	for (i = 1; i < nprocs; i++)
		if (compare_priority(&procs[i - 1], &procs[i]) > 0)
			break;
	if (i < nprocs)
		qsort(procs, nprocs, sizeof(*procs), compare_priority);
}

size_t
proctable_count(void)
{
	return nprocs;
}

struct process *
proctable_get(size_t i)
{
	return i < nprocs ? procs[i] : NULL;
}

struct process *
proctable_by_name(const char *name)
{
	return strmap_get(&by_name, name);
}

static struct process *
by_pid(pid_t pid)
{
	size_t i;

	for (i = 0; i < nprocs; i++)
		if (procs[i]->p_pid == pid)
			return procs[i];
	return NULL;
}

size_t
proctable_count_in(enum proc_state state)
{
	return in_state[state];
}

/*
 * Which process an orphan is of, and on what evidence: its cgroup or its
 * environment (tree_owner), else its session (every program makes one:
 * what it forks stays in it unless it makes its own), else its start:
 * the one process whose leader was alive when it was born.  NULL with
 * *ambiguous set when several were; NULL alone when none was.
 */
static struct process *
orphan_owner(pid_t pid, const char **how, bool *ambiguous,
    unsigned long long *start)
{
	struct process *owner = NULL, *p;
	char name[128];
	pid_t sid;
	size_t i;

	*ambiguous = false;
	*start = 0;
	if (tree_owner(pid, name, sizeof(name)) &&
	    (owner = proctable_by_name(name)) != NULL) {
		*how = "its cgroup or environment";
		return owner;
	}
	if (tree_mode() != TREE_PROCFS || tree_pid_info(pid, &sid, start) == -1)
		return NULL;
	for (i = 0; i < nprocs; i++)
		if (tree_owns_session(&procs[i]->p_tree, sid)) {
			*how = "its session";
			return procs[i];
		}
	for (i = 0; i < nprocs; i++) {
		p = procs[i];
		if (!tree_ran_at(&p->p_tree, *start))
			continue;
		if (owner != NULL) {
			*ambiguous = true;
			return NULL;
		}
		owner = p;
	}
	*how = "its start, when no other program ran";
	return owner;
}

/*
 * After a leader exits, its children are ours (we are a subreaper).  Each
 * child that is no leader is attributed to the process it came from, and
 * kept: it is stopped with that process's tree.  Only one that is
 * provably no one's (born when no program of ours ran, and owned by
 * none by cgroup, environment or session) is killed; one that several
 * running programs could have made is left to the teardown, said once.
 * Runs when the loop is idle, after restarts have been done.
 */
static void
adopt_cb(struct ev_loop *l, ev_idle *w, int revents)
{
	unsigned long long start;
	struct process *owner;
	const char *how = "";
	bool ambiguous;
	pid_t *children, sid;
	size_t i, n;

	(void)revents;
	ev_idle_stop(l, w);
	if (tree_children(&children, &n) == -1)
		return;
	for (i = 0; i < n; i++) {
		/* The list has the children not yet reaped too. */
		if (by_pid(children[i]) != NULL ||
		    tree_pid_info(children[i], &sid, &start) == -1)
			continue;
		owner = orphan_owner(children[i], &how, &ambiguous, &start);
		if (owner != NULL) {
			if (start != 0) {
				/* The evidence, when it is more than a name. */
				tree_adopt(&owner->p_tree, children[i], start);
				log_info("adopted pid %d, an orphan of %s (by "
				    "%s)", (int)children[i], owner->p_name, how);
			} else
				log_debug("adopted pid %d, an orphan of %s (by "
				    "%s)", (int)children[i], owner->p_name, how);
			continue;
		}
		if (ambiguous) {
			if (children[i] != last_ambiguous)
				log_info("pid %d, an orphan, could be of "
				    "several programs (none by cgroup, "
				    "environment or session; it was born while "
				    "they ran): left until the supervisor "
				    "stops", (int)children[i]);
			last_ambiguous = children[i];
			continue;
		}
		log_warnx("pid %d was orphaned to the supervisor and belongs "
		    "to no program (none by cgroup, environment or session, "
		    "and none ran when it was born); killing it",
		    (int)children[i]);
		kill(children[i], SIGKILL);
	}
	free(children);
}

/*
 * Every child the loop reaps comes here: our leaders, and orphans of
 * their trees that were reparented to us.
 */
static void
reaped(pid_t pid, int status, void *arg)
{
	struct process *p;
	char how[64];

	(void)arg;
	if ((p = by_pid(pid)) != NULL) {
		if (process_exited(p, status))
			ev_idle_start(loop, &adopt_watcher);
	} else
		log_debug("reaped pid %d (%s)", (int)pid,
		    wstatus_describe(status, how, sizeof(how)));
	/* Trees are looked at once per loop iteration, not once per reap. */
	ev_prepare_start(loop, &reaped_watcher);
}

/*
 * After the reaps of one loop iteration: any of them may have emptied a
 * tree that is waiting to be gone.  A teardown of N trees reaps about 3N
 * processes; checking every tree on every reap would cost N * 3N.
 */
static void
reaped_cb(struct ev_loop *l, ev_prepare *w, int revents)
{
	size_t i;

	(void)revents;
	ev_prepare_stop(l, w);
	for (i = 0; i < nprocs; i++)
		process_check_gone(procs[i]);
}

/*
 * Frees the removed processes that are gone, from the loop: whoever found
 * one gone may still be walking the table or a reload's steps.
 */
static void
sweep_cb(struct ev_loop *l, ev_timer *w, int revents)
{
	struct process *p;
	size_t i, k = 0;

	(void)l;
	(void)w;
	(void)revents;
	for (i = 0; i < nprocs; i++) {
		p = procs[i];
		if (p->p_retired && p->p_state != PROC_STOPPING &&
		    process_is_gone(p)) {
			log_info("%s: removed", p->p_name);
			forget(p);
			process_free(p);
			continue;
		}
		procs[k++] = p;
	}
	nprocs = k;
}

/* Builds the table from cf: every process STOPPED, none started. */
int
proctable_init(struct ev_loop *l, struct config *cf)
{
	struct process *p;
	size_t i, n = 0;
	int j;

	loop = l;
	process_init(l);
	observer.po_changed = state_changed;
	process_observe(&observer);
	strmap_init(&by_name);
	memset(in_state, 0, sizeof(in_state));
	for (i = 0; i < cf->cf_nprograms; i++)
		n += (size_t)cf->cf_programs[i]->pg_numprocs;
	if ((procs = calloc(n ? n : 1, sizeof(*procs))) == NULL ||
	    strmap_reserve(&by_name, n) == -1)
		return -1;
	for (i = 0; i < cf->cf_nprograms; i++) {
		for (j = 0; j < cf->cf_programs[i]->pg_numprocs; j++) {
			p = process_create(cf, cf->cf_programs[i],
			    &cf->cf_programs[i]->pg_procs[j]);
			if (p == NULL)
				return -1;
			p->p_index = nprocs;
			procs[nprocs++] = p;
			add(p);
		}
	}
	/* Lower priority starts first and stops last, as in supervisord. */
	sort_table();
	if (reap_init(loop, reaped, NULL) == -1)
		return -1;
	spawn_init(loop);
	ev_idle_init(&adopt_watcher, adopt_cb);
	ev_prepare_init(&reaped_watcher, reaped_cb);
	ev_timer_init(&sweep_watcher, sweep_cb, 0, 0);
	return 0;
}

void
proctable_free(void)
{
	size_t i;

	for (i = 0; i < nprocs; i++) {
		forget(procs[i]);
		process_free(procs[i]);
	}
	free(procs);
	procs = NULL;
	nprocs = 0;
	strmap_free(&by_name);
	process_unobserve(&observer);
	if (loop != NULL) {
		reap_free();
		ev_idle_stop(loop, &adopt_watcher);
		ev_prepare_stop(loop, &reaped_watcher);
		ev_timer_stop(loop, &sweep_watcher);
	}
}

void
proctable_start_autostart(void)
{
	size_t i, n = 0;

	for (i = 0; i < nprocs; i++)
		n += procs[i]->p_program->pg_autostart;
	if (n > 1)
		spawn_burst();
	for (i = 0; i < nprocs; i++)
		if (procs[i]->p_program->pg_autostart)
			process_start(procs[i]);
}

/* SIGUSR2: every program's log files are opened anew. */
void
proctable_reopen_logs(void)
{
	size_t i;

	for (i = 0; i < nprocs; i++)
		process_reopen_logs(procs[i]);
}

/* Room for more processes to join; -1 when out of memory. */
int
proctable_reserve(size_t more)
{
	return strmap_reserve(&by_name, nprocs + more);
}

/*
 * The table becomes list (the new config's processes, in its order:
 * those it had and new ones), plus the removed processes still stopping.
 * Takes list, which has room for cap entries: n plus every removed
 * process.  proctable_reserve made room for the new ones.
 */
void
proctable_replace(struct process **list, size_t n, size_t cap)
{
	size_t i, k = n;

	for (i = 0; i < n; i++) {
		list[i]->p_index = i;
		if (!list[i]->p_listed)
			add(list[i]);
	}
	for (i = 0; i < nprocs && k < cap; i++)
		if (procs[i]->p_retired) {
			procs[i]->p_index = k;
			list[k++] = procs[i];
		}
	free(procs);
	procs = list;
	nprocs = k;
	sort_table();
}

/* A reload removed p: its tree stops, and it leaves once gone. */
void
proctable_retire(struct process *p)
{
	process_retire(p);
	sweep_soon();
}

/*
 * supervisord's split_namespec: "GROUP:NAME" (NAME empty or "*": the
 * whole group, *proc NULL), or "NAME" for "NAME:NAME".
 */
void
proctable_split_spec(const char *spec, char *group, size_t glen,
    const char **proc)
{
	const char *colon = strchr(spec, ':');

	if (colon == NULL) {
		snprintf(group, glen, "%s", spec);
		*proc = spec;
		return;
	}
	snprintf(group, glen, "%.*s", (int)(colon - spec), spec);
	*proc = colon[1] == '\0' || strcmp(colon + 1, "*") == 0 ? NULL :
	    colon + 1;
}

/* Has any process of the table (not one a reload removed) this group? */
bool
proctable_has_group(const char *group)
{
	size_t i;

	for (i = 0; i < nprocs; i++)
		if (!procs[i]->p_retired &&
		    strcmp(process_group(procs[i]), group) == 0)
			return true;
	return false;
}

/* The process proc of group, or NULL. */
struct process *
proctable_in_group(const char *group, const char *proc)
{
	struct process *p = proctable_by_name(proc);

	if (p == NULL || p->p_retired || strcmp(process_group(p), group) != 0)
		return NULL;
	return p;
}

/* ---- limits ------------------------------------------------------------ */

/* Descriptors of the supervisor's own: its log, sockets, clients, spares. */
#define OWN_FDS		64

/* kernel.pid_max, or 0 when it cannot be read. */
static long
pid_max(void)
{
	char buf[32];
	ssize_t n;
	int fd;

	if ((fd = open("/proc/sys/kernel/pid_max", O_RDONLY | O_CLOEXEC)) == -1)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	return strtol(buf, NULL, 10);
}

/*
 * Whether the processes of cf fit this machine's limits: the descriptors
 * they hold open in the supervisor (a stdin pipe each, their output's
 * pipes and log files, a readiness pipe) under RLIMIT_NOFILE, and their
 * number under RLIMIT_NPROC (which binds a supervisor that is not root)
 * and kernel.pid_max.  Returns false with why filled (the numbers and the
 * limit named) when they do not: such a config is refused whole, never
 * half-started.
 */
bool
proctable_fits(const struct config *cf, char *why, size_t len)
{
	const struct program_config *pg;
	unsigned long long fds = OWN_FDS, n = 0;
	struct rlimit rl;
	size_t i;
	long max;
	int j;

	for (i = 0; i < cf->cf_nprograms; i++) {
		pg = cf->cf_programs[i];
		for (j = 0; j < pg->pg_numprocs; j++) {
			fds += 1 + (unsigned long long)capture_fds(&pg->pg_procs[j]);
			if (pg->pg_probes->pp_ready.pb_kind == PROBE_FD)
				fds++;
			n++;
		}
	}
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
	    fds > rl.rlim_cur) {
		snprintf(why, len, "%llu processes need about %llu file "
		    "descriptors (stdin, output pipes and log files, and %d of "
		    "the supervisor's own); the limit is %llu (RLIMIT_NOFILE%s): "
		    "raise it (ulimit -n, minfds=, systemd's LimitNOFILE=) or "
		    "log less", n, fds, OWN_FDS, (unsigned long long)rl.rlim_cur,
		    rl.rlim_cur < rl.rlim_max ? "" : ", its hard limit");
		return false;
	}
	if (geteuid() != 0 && getrlimit(RLIMIT_NPROC, &rl) == 0 &&
	    rl.rlim_cur != RLIM_INFINITY && n >= rl.rlim_cur) {
		snprintf(why, len, "%llu processes are more than this user may "
		    "run: the limit is %llu (RLIMIT_NPROC): raise it (ulimit -u, "
		    "minprocs=, systemd's LimitNPROC=)", n,
		    (unsigned long long)rl.rlim_cur);
		return false;
	}
	if ((max = pid_max()) > 0 && n >= (unsigned long long)max) {
		snprintf(why, len, "%llu processes are more than the kernel "
		    "runs: the limit is %ld (kernel.pid_max)", n, max);
		return false;
	}
	return true;
}
