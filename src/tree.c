/*
 * tree.c: "stop this whole tree" and "is it gone", for one process of a
 * program.  The supervisor is a child subreaper, so orphans of every tree
 * are reparented to it.  A tree is its process groups, plus: where cgroup
 * v2 is writable, everything in the process's own cgroup (tree_cgroup.c:
 * exact); elsewhere, the leader's descendants and the supervisor's
 * descendants whose environment names the process (tree_proc.c).  Also
 * the choice between the two, and the last-resort sweeps.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "smallfile.h"
#include "tree.h"
#include "tree_cgroup.h"
#include "tree_proc.h"

static enum tree_mode	 mode = TREE_PROCFS;
static char		*cgroup_base;	/* our cgroup of process cgroups */
static char		 cgroup_base_kill[PATH_MAX]; /* for the alarm handler */
static char		 mode_text[PATH_MAX + 64];
static pid_t		 self_pid;
static int		 cgroup_lock = -1; /* held while we run: not stale */

/* Every tree, for the last-resort kill from the alarm handler. */
static struct tree	**all_trees;
static size_t		  all_count;
static bool		  batching;	/* tree_signal_batch */
static struct tree	 *sweeps;	/* sweeps put off, newest first */
static unsigned		  nsweeps;	/* how many */
/*
 * Sweeps put off at the most: between a tree's killpg and its sweep, a
 * member that leaves its group (setsid) would be signalled twice, and
 * one forked into it after the killpg not at all; a level of thousands
 * must not stretch that window over all of their killpg calls.
 */
#define SWEEPS_MAX	32

/* Populated cgroups of supervisors gone: the first few are named. */
#define STALE_NAMED	8
/*
 * In /proc mode, how old a snapshot may be for a stop's signals and for
 * asking whether a tree is gone: the trees of a teardown level are
 * stopped in one go, and a walk of /proc with every descendant's
 * environment read per tree made that quadratic (200 trees of 3: 100 ms
 * a tree, 20 s in all).  A process forked since is still reached through
 * its group, or found by the next look.
 */
#define SNAPSHOT_REUSE	0.005
static int		 stale_named;

static void
stale_left(const char *path)
{
	if (++stale_named <= STALE_NAMED)
		log_warnx("%s: a supervisor that ran before left processes "
		    "running there; not touched (echo 1 > %s/cgroup.kill "
		    "ends them)", path, path);
}

/*
 * Decides the mechanism once: a cgroup of the supervisor's own, made
 * here, unless one of cgroup v2 is out of reach (why says why).  Made
 * before the guardian forks the supervisor, so both know its name.
 */
static void
choose_mode(void)
{
	char why[PATH_MAX];
	int tries;

	if (mode_text[0] != '\0')
		return;		/* decided already, in the guardian */
	mode = TREE_PROCFS;
	for (tries = 0; tries < 8; tries++) {
		free(cgroup_base);
		if ((cgroup_base = tree_cgroup_base(getpid(), why,
		    sizeof(why))) == NULL)
			break;
		if (tree_cgroup_create_base(cgroup_base) == 0) {
			if ((cgroup_lock = tree_cgroup_lock(cgroup_base)) !=
			    -1) {
				mode = TREE_CGROUP;
				break;
			}
			/* Taken for a stale one in between: another name. */
			snprintf(why, sizeof(why), "lock %s: %s", cgroup_base,
			    strerror(errno));
			(void)tree_cgroup_remove_base(cgroup_base);
			continue;
		}
		/* Taken (a random name someone has), or swept away by a
		 * starting supervisor before our lock: another; else why. */
		if (errno != EEXIST && errno != ESTALE) {
			snprintf(why, sizeof(why), "%s: %s", cgroup_base,
			    errno == ENOENT ? "cgroup.kill is missing (Linux "
			    "before 5.14)" : strerror(errno));
			break;
		}
	}
	if (mode == TREE_CGROUP) {
		snprintf(cgroup_base_kill, sizeof(cgroup_base_kill),
		    "%s/cgroup.kill", cgroup_base);
		snprintf(mode_text, sizeof(mode_text), "cgroup v2 (%s)",
		    cgroup_base);
		return;
	}
	free(cgroup_base);
	cgroup_base = NULL;
	snprintf(mode_text, sizeof(mode_text), "process groups and /proc "
	    "(no cgroup v2 to use: %s)", why);
}

/* In the supervisor: the mechanism, said in the log. */
void
tree_init(void)
{
	self_pid = getpid();
	if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == -1)
		log_warn("prctl PR_SET_CHILD_SUBREAPER");
	choose_mode();
	log_info("containment: %s", mode_text);
}

void
tree_cleanup(void)
{
	struct timespec tick = { 0, 10 * 1000 * 1000 };
	int tries;

	/*
	 * After the loop, at exit: a process killed by the last sweep may
	 * not have left its cgroup yet (EBUSY), so retry for up to a second.
	 */
	for (tries = 0; cgroup_base != NULL &&
	    !tree_cgroup_remove_base(cgroup_base); tries++) {
		if (tries == 100) {
			log_warn("rmdir %s", cgroup_base);
			break;
		}
		nanosleep(&tick, NULL);
	}
	free(cgroup_base);
	cgroup_base = NULL;
	if (cgroup_lock != -1)
		close(cgroup_lock);
	cgroup_lock = -1;
	free(all_trees);
	all_trees = NULL;
	all_count = 0;
	tree_proc_free();
}

enum tree_mode
tree_mode(void)
{
	return mode;
}

const char *
tree_mode_description(void)
{
	return mode_text;
}

/* What /proc mode knows of a tree besides its groups. */
struct tree_procfs {
	pid_t		*tp_sessions;	/* sessions its leaders made (setsid):
					   a member leaves only by making its
					   own */
	size_t		 tp_nsessions;
	struct tree_adopted *tp_adopted; /* orphans it was found to own */
	size_t		 tp_nadopted;
	unsigned long long tp_leader_start; /* the leader's life, in /proc's */
	unsigned long long tp_leader_end;   /* ticks; end 0: it runs */
};

static bool	is_adopted(const struct tree *, pid_t, unsigned long long);
static void	sweep_unqueue(struct tree *);
static void	sweeps_run(void);

/* t's /proc mode state, made now if it was not; NULL: out of memory. */
static struct tree_procfs *
procfs_of(struct tree *t)
{
	if (t->t_procfs == NULL)
		t->t_procfs = calloc(1, sizeof(*t->t_procfs));
	return t->t_procfs;
}

/*
 * Its cgroup directory, made in buf from its name (not kept: 10,000 of
 * them would be 640 KB), relative to the base, which cgroup_lock holds
 * open: what the calls on it take, with cgroup_lock.  NULL when it has
 * none.
 */
static const char *
rel_dir(const struct tree *t, char *buf, size_t len)
{
	int n;

	if (!t->t_cgroup || cgroup_lock == -1)
		return NULL;
	n = snprintf(buf, len, "p.%s", t->t_name);
	return n > 0 && (size_t)n < len ? buf : NULL;
}

/* The same as a whole path, for messages and /proc's cgroup lines. */
const char *
tree_dir(const struct tree *t, char *buf, size_t len)
{
	char rel[PATH_MAX];
	int n;

	if (rel_dir(t, rel, sizeof(rel)) == NULL || cgroup_base == NULL)
		return NULL;
	n = snprintf(buf, len, "%s/%s", cgroup_base, rel);
	return n > 0 && (size_t)n < len ? buf : NULL;
}

void
tree_setup(struct tree *t, const char *name)
{
	struct tree **nl;

	memset(t, 0, sizeof(*t));
	t->t_name = name;
	nl = realloc(all_trees, (all_count + 1) * sizeof(*nl));
	if (nl != NULL) {
		all_trees = nl;
		all_trees[all_count++] = t;
	}
}

void
tree_free(struct tree *t)
{
	char buf[PATH_MAX];
	const char *dir;
	size_t i;

	sweep_unqueue(t);
	for (i = 0; i < all_count; i++) {
		if (all_trees[i] == t) {
			all_trees[i] = all_trees[--all_count];
			break;
		}
	}
	if ((dir = rel_dir(t, buf, sizeof(buf))) != NULL &&
	    tree_cgroup_remove(cgroup_lock, dir) == -1 && errno != EBUSY)
		log_warn("rmdir %s/%s", cgroup_base, dir);
	if (t->t_groups != &t->t_group_one)
		free(t->t_groups);
	if (t->t_procfs != NULL) {
		free(t->t_procfs->tp_sessions);
		free(t->t_procfs->tp_adopted);
		free(t->t_procfs);
	}
	memset(t, 0, sizeof(*t));
}

/*
 * The tree will not be started again (the supervisor is shutting down)
 * and nothing of it runs: its cgroup goes now, while other trees are
 * still stopping, rather than all of them at the end (2,000 rmdirs).
 */
void
tree_retire(struct tree *t)
{
	char buf[PATH_MAX];
	const char *dir;

	if ((dir = rel_dir(t, buf, sizeof(buf))) != NULL &&
	    tree_cgroup_remove(cgroup_lock, dir) == 0)
		t->t_cgroup = false;
}

/*
 * Before fork: in cgroup mode, makes sure the process's cgroup exists and
 * returns its directory, open, for spawn_process to start the child in.
 * Returns -2 when no cgroup is used, -1 with errno on failure.
 */
int
tree_prepare_spawn(struct tree *t)
{
	char buf[PATH_MAX];
	const char *dir;

	if (mode != TREE_CGROUP)
		return -2;
	t->t_cgroup = true;
	t->t_cgroup_empty = false;
	if ((dir = rel_dir(t, buf, sizeof(buf))) == NULL) {
		t->t_cgroup = false;
		errno = cgroup_lock == -1 ? EBADF : ENAMETOOLONG;
		return -1;
	}
	/*
	 * A cgroup that cgroup.kill was written to kills every process
	 * later created in it with CLONE_INTO_CGROUP (seen on Linux 6.18:
	 * its kill count no longer matches the parent's), so it is made
	 * anew.  Still busy: try again at the next start.
	 */
	if (t->t_cgroup_killed && tree_cgroup_remove(cgroup_lock, dir) == 0)
		t->t_cgroup_killed = false;
	return tree_cgroup_open(cgroup_lock, dir);
}

static void
add_group(struct tree *t, pid_t pgid)
{
	pid_t *nl;
	size_t i;

	for (i = 0; i < t->t_ngroups; i++)
		if (t->t_groups[i] == pgid)
			return;
	/* The usual: one group, in the tree itself. */
	if (t->t_groups == NULL || (t->t_groups == &t->t_group_one &&
	    t->t_ngroups == 0))
		nl = &t->t_group_one;
	else if (t->t_groups == &t->t_group_one) {
		if ((nl = malloc((t->t_ngroups + 1) * sizeof(*nl))) != NULL)
			memcpy(nl, t->t_groups, t->t_ngroups * sizeof(*nl));
	} else
		nl = realloc(t->t_groups, (t->t_ngroups + 1) * sizeof(*nl));
	if (nl == NULL) {
		/* Can't track it: end it now rather than lose it. */
		log_warnx("%s: out of memory; killing process group %d",
		    t->t_name, (int)pgid);
		killpg(pgid, SIGKILL);
		return;
	}
	t->t_groups = nl;
	t->t_groups[t->t_ngroups++] = pgid;
}

/* Adds sid to the tree's sessions, if it is not there. */
static void
add_session(struct tree *t, pid_t sid)
{
	struct tree_procfs *pf;
	pid_t *nl;

	if (tree_owns_session(t, sid) || (pf = procfs_of(t)) == NULL)
		return;		/* its group still finds what stays in it */
	nl = realloc(pf->tp_sessions, (pf->tp_nsessions + 1) * sizeof(*nl));
	if (nl == NULL)
		return;
	pf->tp_sessions = nl;
	pf->tp_sessions[pf->tp_nsessions++] = sid;
}

/*
 * The leader runs.  It made a session of its own (spawn.c): its pid is
 * its group's and its session's.  In /proc mode its start is noted, to
 * tell later which trees ran when an orphan was born.
 */
void
tree_spawned(struct tree *t, pid_t pid)
{
	t->t_leader = pid;
	add_group(t, pid);
	if (mode != TREE_PROCFS)
		return;
	add_session(t, pid);
	if (procfs_of(t) != NULL) {
		t->t_procfs->tp_leader_start = tree_proc_now();
		t->t_procfs->tp_leader_end = 0;
	}
}

/*
 * True once no process (zombies included) is in the group.  EPERM means
 * a member exists that we may not signal: not empty.
 */
static bool
group_is_empty(pid_t pgid)
{
	return kill(-pgid, 0) == -1 && errno == ESRCH;
}

/*
 * Forgets groups that emptied: a group number is never signalled again
 * once it was seen empty, so a reused number is never hit.  The leader's
 * own group is kept while the leader is unreaped (its zombie pins it).
 */
static void
prune_groups(struct tree *t)
{
	size_t i, kept = 0;

	for (i = 0; i < t->t_ngroups; i++)
		if (t->t_groups[i] == t->t_leader ||
		    !group_is_empty(t->t_groups[i]))
			t->t_groups[kept++] = t->t_groups[i];
	t->t_ngroups = kept;
}

void
tree_leader_reaped(struct tree *t)
{
	t->t_leader = 0;
	if (t->t_procfs != NULL)
		t->t_procfs->tp_leader_end = tree_proc_now();
	prune_groups(t);
}

/*
 * Whether pid is of t's tree now, on evidence its processes can't forge:
 * its leader; its cgroup (only root moves processes between them); or,
 * without cgroups, its session (a process joins no session but the one
 * it was forked in, or a new one it makes, owned by none).
 */
bool
tree_contains(const struct tree *t, pid_t pid)
{
	char file[64], buf[4096], dirbuf[PATH_MAX], *rel;
	const char *dir;
	unsigned long long start;
	size_t rlen, clen;
	pid_t sid;
	int n;

	if (pid <= 0)
		return false;
	if (pid == t->t_leader)
		return true;
	if (mode == TREE_CGROUP &&
	    (dir = tree_dir(t, dirbuf, sizeof(dirbuf))) != NULL) {
		snprintf(file, sizeof(file), "/proc/%d/cgroup", (int)pid);
		if ((n = smallfile_read(file, buf, sizeof(buf) - 1)) <= 0)
			return false;
		buf[n] = '\0';
		/* The v2 line; a hybrid system lists v1 hierarchies first. */
		if (strncmp(buf, "0::", 3) == 0)
			rel = buf + 3;
		else if ((rel = strstr(buf, "\n0::")) != NULL)
			rel += 4;
		else
			return false;
		rlen = strcspn(rel, "\n");
		clen = strlen(dir);
		return rlen > 1 && rlen <= clen && strncmp(dir + clen - rlen,
		    rel, rlen) == 0;
	}
	if (tree_pid_info(pid, &sid, &start) == -1)
		return false;
	return tree_owns_session(t, sid);
}

bool
tree_owns_session(const struct tree *t, pid_t sid)
{
	size_t i;

	for (i = 0; t->t_procfs != NULL && i < t->t_procfs->tp_nsessions; i++)
		if (t->t_procfs->tp_sessions[i] == sid)
			return true;
	return false;
}

/* Was the tree's last leader alive at when (ticks; a tick of slack)? */
bool
tree_ran_at(const struct tree *t, unsigned long long when)
{
	const struct tree_procfs *pf = t->t_procfs;

	return pf != NULL && pf->tp_leader_start != 0 &&
	    pf->tp_leader_start <= when + 1 &&
	    (pf->tp_leader_end == 0 || when <= pf->tp_leader_end + 1);
}

/* An orphan found to be the tree's: stopped with it, waited for. */
void
tree_adopt(struct tree *t, pid_t pid, unsigned long long start)
{
	struct tree_procfs *pf;
	struct tree_adopted *nl;

	if (is_adopted(t, pid, start) || (pf = procfs_of(t)) == NULL)
		return;
	nl = realloc(pf->tp_adopted, (pf->tp_nadopted + 1) * sizeof(*nl));
	if (nl == NULL)
		return;
	pf->tp_adopted = nl;
	nl[pf->tp_nadopted].ta_pid = pid;
	nl[pf->tp_nadopted].ta_start = start;
	pf->tp_nadopted++;
}

static bool
is_adopted(const struct tree *t, pid_t pid, unsigned long long start)
{
	const struct tree_procfs *pf = t->t_procfs;
	size_t i;

	for (i = 0; pf != NULL && i < pf->tp_nadopted; i++)
		if (pf->tp_adopted[i].ta_pid == pid &&
		    pf->tp_adopted[i].ta_start == start)
			return true;
	return false;
}

/* A process's session and start (ticks since boot); -1 if it is gone. */
int
tree_pid_info(pid_t pid, pid_t *sid, unsigned long long *start)
{
	pid_t ppid, pgid;

	return tree_proc_stat(pid, &ppid, &pgid, sid, start);
}

/*
 * After a snapshot: the sessions and adopted orphans of which nothing is
 * left are forgotten (as groups are), so a number reused later is not
 * taken for the tree's.  The running leader's session is kept.
 */
static void
prune_proc_members(struct tree *t)
{
	struct tree_procfs *pf = t->t_procfs;
	size_t i, j, kept = 0;
	bool found;

	if (pf == NULL)
		return;
	for (i = 0; i < pf->tp_nsessions; i++) {
		found = pf->tp_sessions[i] == t->t_leader;
		for (j = 0; j < tree_proc_count() && !found; j++)
			found = tree_proc_entry(j)->pe_sid ==
			    pf->tp_sessions[i];
		if (found)
			pf->tp_sessions[kept++] = pf->tp_sessions[i];
	}
	pf->tp_nsessions = kept;
	for (i = kept = 0; i < pf->tp_nadopted; i++) {
		struct tree_proc_entry *e = NULL;

		for (j = 0; j < tree_proc_count(); j++)
			if (tree_proc_entry(j)->pe_pid ==
			    pf->tp_adopted[i].ta_pid)
				e = tree_proc_entry(j);
		if (e != NULL && e->pe_start == pf->tp_adopted[i].ta_start)
			pf->tp_adopted[kept++] = pf->tp_adopted[i];
	}
	pf->tp_nadopted = kept;
}

/* True when pgid is one of the tree's process groups. */
static bool
tree_has_group(const struct tree *t, pid_t pgid)
{
	size_t i;

	for (i = 0; i < t->t_ngroups; i++)
		if (t->t_groups[i] == pgid)
			return true;
	return false;
}

/* As tree_cgroup_signal's skip: processes that killpg reached already. */
static bool
in_groups(pid_t pgid, const void *ctx)
{
	return tree_has_group(ctx, pgid);
}

/*
 * In /proc mode: is e (in the snapshot) part of t?  Its leader, one of
 * its groups or sessions, a descendant of its leader, an orphan found to
 * be its, or a process whose environment names it.
 */
static bool
proc_is_member(struct tree *t, struct tree_proc_entry *e)
{
	if (e->pe_pid == t->t_leader || tree_has_group(t, e->pe_pgid) ||
	    tree_owns_session(t, e->pe_sid) ||
	    is_adopted(t, e->pe_pid, e->pe_start))
		return true;
	if (t->t_leader != 0 && tree_proc_descends(e, t->t_leader))
		return true;
	return tree_proc_owned_by(e, t->t_name);
}

/*
 * Sends sig, then (if not 0) then, to the whole tree: its groups, then
 * the members the cgroup or /proc shows, in one pass.  In /proc mode the
 * snapshot is taken first, while the leader's descendants are still its
 * descendants (once the signal ends the leader, they are orphans of
 * ours); each member found only by its descent or its environment is
 * remembered (adopted), so that the stop waits for it too.
 */
static void
signal_tree(struct tree *t, int sig, int then)
{
	struct tree_proc_entry *e;
	char buf[PATH_MAX];
	const char *dir = NULL;
	bool snapped = false;
	size_t i;

	prune_groups(t);
	if (mode == TREE_CGROUP)
		dir = rel_dir(t, buf, sizeof(buf));
	if (dir == NULL) {
		if (tree_proc_snapshot_recent(self_pid, SNAPSHOT_REUSE) == -1)
			log_warn("%s: reading /proc", t->t_name);
		else
			snapped = true;
	}
	for (i = 0; i < t->t_ngroups; i++) {
		if (killpg(t->t_groups[i], sig) == -1 && errno != ESRCH)
			log_warn("%s: killpg %d", t->t_name,
			    (int)t->t_groups[i]);
		if (then != 0)
			(void)killpg(t->t_groups[i], then);
	}
	if (dir != NULL) {
		if (sig != SIGKILL && batching && t->t_sweep_sig == 0) {
			t->t_sweep_sig = sig;
			t->t_sweep_then = then;
			t->t_sweep_next = sweeps;
			sweeps = t;
			if (++nsweeps >= SWEEPS_MAX)
				sweeps_run();
			return;
		}
		if (sig == SIGKILL) {
			t->t_cgroup_killed = true;
			if (tree_cgroup_kill(cgroup_lock, dir) == -1 &&
			    errno != ENOENT)
				log_warn("%s: write %s/%s/cgroup.kill",
				    t->t_name, cgroup_base, dir);
		} else
			(void)tree_cgroup_signal(cgroup_lock, dir, sig, then,
			    in_groups, t);
		return;
	}
	for (i = 0; snapped && i < tree_proc_count(); i++) {
		e = tree_proc_entry(i);
		if (tree_has_group(t, e->pe_pgid) || !proc_is_member(t, e))
			continue;
		if (!tree_owns_session(t, e->pe_sid))
			tree_adopt(t, e->pe_pid, e->pe_start);
		kill(e->pe_pid, sig);
		if (then != 0)
			(void)kill(e->pe_pid, then);
	}
}

/* The sweep put off for t, dropped (it is freed, or swept now). */
static void
sweep_unqueue(struct tree *t)
{
	struct tree **pp;

	if (t->t_sweep_sig == 0)
		return;
	for (pp = &sweeps; *pp != NULL; pp = &(*pp)->t_sweep_next)
		if (*pp == t) {
			*pp = t->t_sweep_next;
			nsweeps--;
			break;
		}
	t->t_sweep_sig = 0;
	t->t_sweep_next = NULL;
}

/* The sweeps put off, run in the order signalled. */
static void
sweeps_run(void)
{
	struct tree *t, *rev = NULL;
	char buf[PATH_MAX];
	const char *dir;

	while ((t = sweeps) != NULL) {	/* oldest first */
		sweeps = t->t_sweep_next;
		t->t_sweep_next = rev;
		rev = t;
	}
	nsweeps = 0;
	while ((t = rev) != NULL) {
		rev = t->t_sweep_next;
		t->t_sweep_next = NULL;
		if ((dir = rel_dir(t, buf, sizeof(buf))) != NULL)
			(void)tree_cgroup_signal(cgroup_lock, dir,
			    t->t_sweep_sig, t->t_sweep_then, in_groups, t);
		t->t_sweep_sig = 0;
	}
}

/*
 * While on, a signal to a tree with a cgroup goes to its process groups
 * at once, and the sweep of its cgroup for members outside them (one
 * read of cgroup.procs and a getpgid each) waits, SWEEPS_MAX trees at
 * the most, until it is turned off: a level of stops signals its
 * programs' groups first, and the last one's signal is not late by the
 * sweeps of all the others.  Turning it off sweeps the rest, in the
 * order signalled.
 */
void
tree_signal_batch(bool on)
{
	batching = on;
	if (!on)
		sweeps_run();
}

void
tree_signal(struct tree *t, int sig)
{
	signal_tree(t, sig, 0);
}

/* sig, then SIGCONT, so that a stopped process acts on sig: one walk of
 * the cgroup or of /proc for both. */
void
tree_signal_then_cont(struct tree *t, int sig)
{
	signal_tree(t, sig, SIGCONT);
}

/*
 * Whether t's cgroup (dir) has a process.  Only a spawn puts a process
 * into it: once read as empty it stays so, and the finishing check after
 * the last exit reads nothing again (2,000 reads in a teardown of 2,000).
 * A failed read counts as empty, as before, but is not remembered.
 */
static bool
cgroup_populated(struct tree *t, const char *dir)
{
	int r;

	if (t->t_cgroup_empty)
		return false;
	if ((r = tree_cgroup_populated_read(cgroup_lock, dir)) == 0)
		t->t_cgroup_empty = true;
	return r == 1;
}

/*
 * True while anything of the tree may still run.  Cheap checks first;
 * the /proc walk only when the leader and every group are gone.
 */
bool
tree_has_members(struct tree *t)
{
	char buf[PATH_MAX];
	const char *dir;
	size_t i;

	if (t->t_leader != 0)
		return true;
	prune_groups(t);
	if (t->t_ngroups > 0)
		return true;
	if (mode == TREE_CGROUP)
		return (dir = rel_dir(t, buf, sizeof(buf))) != NULL &&
		    cgroup_populated(t, dir);
	if (tree_proc_snapshot_recent(self_pid, SNAPSHOT_REUSE) == -1)
		return false;
	prune_proc_members(t);
	for (i = 0; i < tree_proc_count(); i++)
		if (proc_is_member(t, tree_proc_entry(i)))
			return true;
	return false;
}

bool
tree_is_gone(struct tree *t)
{
	return !tree_has_members(t);
}

/*
 * Whether any process, live or not yet reaped, is our child: without one
 * we have no descendant at all (orphans come to us, the subreaper), and
 * a walk of every process in /proc would find nothing.
 */
static bool
has_children(void)
{
	siginfo_t si;

	return waitid(P_ALL, 0, &si, WEXITED | WSTOPPED | WCONTINUED |
	    WNOHANG | WNOWAIT) == 0 || errno != ECHILD;
}

/*
 * Whether nothing we ever started runs any more: no child of ours
 * (orphans come to us, the subreaper) and, with cgroups, nothing in
 * them.  One check for every tree, where asking each tree would read
 * 2,000 cgroup.events files.
 */
bool
tree_none_left(void)
{
	if (cgroup_base != NULL &&
	    tree_cgroup_populated(AT_FDCWD, cgroup_base))
		return false;
	return !has_children();
}

/* SIGKILLs every descendant of ours; returns how many were found. */
int
tree_kill_all_descendants(void)
{
	size_t i;
	int n = 0;

	if (cgroup_base != NULL)	/* cgroup mode, or the guardian's */
		(void)tree_cgroup_kill(AT_FDCWD, cgroup_base);
	if (!has_children())
		return 0;
	if (tree_proc_snapshot(self_pid) == -1)
		return 0;
	for (i = 0; i < tree_proc_count(); i++)
		if (kill(tree_proc_entry(i)->pe_pid, SIGKILL) == 0)
			n++;
	return n;
}

/*
 * After the leader exited: can orphans of this tree be among our
 * children?  With a cgroup, only if it is still populated; without, any
 * process may have left the group, so always.
 */
bool
tree_may_have_orphans(struct tree *t)
{
	char buf[PATH_MAX];
	const char *dir;

	if (mode == TREE_CGROUP &&
	    (dir = rel_dir(t, buf, sizeof(buf))) != NULL)
		return cgroup_populated(t, dir);
	return true;
}

/*
 * Our children, in a new array the caller frees: live ones, and (where
 * /proc/self/task/TID/children can be read, which is read instead of
 * all of /proc) those not yet reaped.
 */
int
tree_children(pid_t **out, size_t *count)
{
	size_t i, n = 0;
	pid_t *list;

	if (tree_proc_children(out, count) == 0)
		return 0;
	if (tree_proc_snapshot(self_pid) == -1)
		return -1;
	if ((list = calloc(tree_proc_count() + 1, sizeof(*list))) == NULL)
		return -1;
	for (i = 0; i < tree_proc_count(); i++)
		if (tree_proc_entry(i)->pe_ppid == self_pid)
			list[n++] = tree_proc_entry(i)->pe_pid;
	*out = list;
	*count = n;
	return 0;
}

/* Which process an orphan came from, by its cgroup or its environment. */
bool
tree_owner(pid_t pid, char *name, size_t len)
{
	if (mode == TREE_CGROUP && tree_cgroup_owner(pid, name, len))
		return true;
	return tree_proc_owner(pid, name, len);
}

/*
 * From the SIGALRM handler when teardown overran its bound: async-signal-
 * safe calls only (kill, open, write).  Our parent, the guardian, sweeps
 * whatever this misses once we are gone.
 */
void
tree_last_resort_kill(void)
{
	size_t i, j;
	int fd;

	if (cgroup_base_kill[0] != '\0' &&
	    (fd = open(cgroup_base_kill, O_WRONLY | O_CLOEXEC)) != -1) {
		(void)write(fd, "1", 1);
		close(fd);
	}
	for (i = 0; i < all_count; i++)
		for (j = 0; j < all_trees[i]->t_ngroups; j++)
			(void)kill(-all_trees[i]->t_groups[j], SIGKILL);
}

/*
 * The guardian's side.  It is a subreaper too: if the supervisor dies,
 * every orphan of every tree is reparented here.
 */
void
tree_guardian_init(void)
{
	self_pid = getpid();
	if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == -1)
		log_warn("prctl PR_SET_CHILD_SUBREAPER");
	choose_mode();
}

/*
 * In the guardian, once the start is past: the cgroups of supervisors
 * that ran before and left theirs (killed, say) removed, empty ones;
 * a live one's, locked, stays.  Not on the start's path: no program of
 * this run needs them gone.
 */
void
tree_guardian_sweep_stale(void)
{
	int stale;

	/* Gone already (tree_cleanup: the supervisor exited within the
	 * delay): the next start sweeps them. */
	if (mode != TREE_CGROUP || cgroup_base == NULL)
		return;
	if ((stale = tree_cgroup_remove_stale(cgroup_base, stale_left)) > 0)
		log_info("removed %d empty cgroup%s of supervisors that ran "
		    "before", stale, stale == 1 ? "" : "s");
	if (stale_named > STALE_NAMED)
		log_warnx("and %d more such cgroups", stale_named -
		    STALE_NAMED);
}

/* The supervisor is pid supervisor: its cgroup is the one made above. */
void
tree_guardian_watch(pid_t supervisor)
{
	(void)supervisor;
}

