/*
 * tree.c: "stop this whole tree" and "is it gone".  The supervisor is a
 * child subreaper, so orphans of every tree are reparented to it.  Where
 * cgroup v2 is writable, each process gets its own cgroup (exact:
 * cgroup.procs, cgroup.kill, cgroup.events); elsewhere a tree is its
 * process groups, the descendants of its leader, and the supervisor's
 * descendants whose environment names the process (SUPERVISOR_PROCESS_NAME).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "tree.h"

static enum tree_mode	 mode = TREE_PROCFS;
static char		*cgroup_base;	/* our cgroup of process cgroups */
static char		 cgroup_base_kill[PATH_MAX]; /* for the alarm handler */
static char		 mode_text[PATH_MAX + 64];
static pid_t		 self_pid;

/* Every tree, for the last-resort kill from the alarm handler. */
static struct tree	**all_trees;
static size_t		  all_count;

/* One /proc snapshot: our descendants with their links. */
struct snap_entry {
	pid_t	se_pid;
	pid_t	se_ppid;
	pid_t	se_pgid;
	int	se_owner_state;		/* 0 unread, 1 known, 2 unknown */
	char	se_owner[128];
};

static struct snap_entry *snap;
static size_t		  snap_count;

static int
read_small_file(const char *path, char *buf, size_t len)
{
	ssize_t n;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	do {
		n = read(fd, buf, len - 1);
	} while (n == -1 && errno == EINTR);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	return (int)n;
}

static int
write_small_file(const char *path, const char *text)
{
	ssize_t n;
	int fd, saved;

	if ((fd = open(path, O_WRONLY | O_CLOEXEC)) == -1)
		return -1;
	n = write(fd, text, strlen(text));
	saved = errno;
	close(fd);
	errno = saved;
	return n == (ssize_t)strlen(text) ? 0 : -1;
}

/* Where cgroup v2 is mounted and which cgroup we are in; NULL if none. */
static char *
own_cgroup_dir(void)
{
	char line[4096], mountpoint[PATH_MAX] = "", cg[PATH_MAX] = "";
	char *dir, *sep, *field;
	FILE *fp;
	int i;

	if ((fp = fopen("/proc/self/mountinfo", "re")) == NULL)
		return NULL;
	while (fgets(line, sizeof(line), fp) != NULL) {
		if ((sep = strstr(line, " - cgroup2 ")) == NULL)
			continue;
		field = strtok(line, " ");
		for (i = 0; field != NULL && i < 4; i++)
			field = strtok(NULL, " ");
		if (field != NULL)
			snprintf(mountpoint, sizeof(mountpoint), "%s", field);
		break;
	}
	fclose(fp);
	if (mountpoint[0] == '\0')
		return NULL;
	if ((fp = fopen("/proc/self/cgroup", "re")) == NULL)
		return NULL;
	while (fgets(line, sizeof(line), fp) != NULL) {
		if (strncmp(line, "0::", 3) == 0) {
			line[strcspn(line, "\n")] = '\0';
			snprintf(cg, sizeof(cg), "%s", line + 3);
		}
	}
	fclose(fp);
	if (cg[0] == '\0')
		return NULL;
	if (asprintf(&dir, "%s%s", mountpoint, strcmp(cg, "/") == 0 ? "" :
	    cg) == -1)
		return NULL;
	return dir;
}

/* Decides the mechanism once, and says which in the log. */
void
tree_init(void)
{
	char *own, path[PATH_MAX];
	int err = 0;

	self_pid = getpid();
	if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == -1)
		log_warn("prctl PR_SET_CHILD_SUBREAPER");
	own = own_cgroup_dir();
	if (own == NULL)
		err = ENOENT;
	else if (asprintf(&cgroup_base, "%s/supervisor.%d", own,
	    (int)self_pid) == -1)
		err = ENOMEM;
	else if (mkdir(cgroup_base, 0755) == -1 && errno != EEXIST)
		err = errno;
	else {
		snprintf(path, sizeof(path), "%s/cgroup.kill", cgroup_base);
		if (access(path, W_OK) == -1) {
			err = errno;
			rmdir(cgroup_base);
		}
	}
	free(own);
	if (err == 0) {
		mode = TREE_CGROUP;
		snprintf(cgroup_base_kill, sizeof(cgroup_base_kill),
		    "%s/cgroup.kill", cgroup_base);
		snprintf(mode_text, sizeof(mode_text), "cgroup v2 (%s)",
		    cgroup_base);
	} else {
		free(cgroup_base);
		cgroup_base = NULL;
		mode = TREE_PROCFS;
		snprintf(mode_text, sizeof(mode_text), "process groups and "
		    "/proc (cgroup v2 not writable: %s)", strerror(err));
	}
	log_info("containment: %s", mode_text);
}

/*
 * One pass over our cgroups: every p.NAME below the base, then the base.
 * True when the base is gone.
 */
static bool
remove_cgroups(void)
{
	char path[PATH_MAX];
	struct dirent *de;
	DIR *dir;

	if ((dir = opendir(cgroup_base)) == NULL)
		return errno == ENOENT;
	while ((de = readdir(dir)) != NULL) {
		if (strncmp(de->d_name, "p.", 2) != 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", cgroup_base, de->d_name);
		(void)rmdir(path);
	}
	closedir(dir);
	return rmdir(cgroup_base) == 0 || errno == ENOENT;
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
	for (tries = 0; cgroup_base != NULL && !remove_cgroups(); tries++) {
		if (tries == 100) {
			log_warn("rmdir %s", cgroup_base);
			break;
		}
		nanosleep(&tick, NULL);
	}
	free(cgroup_base);
	cgroup_base = NULL;
	free(all_trees);
	all_trees = NULL;
	all_count = 0;
	free(snap);
	snap = NULL;
	snap_count = 0;
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
	size_t i;

	for (i = 0; i < all_count; i++) {
		if (all_trees[i] == t) {
			all_trees[i] = all_trees[--all_count];
			break;
		}
	}
	if (t->t_cgroup != NULL && rmdir(t->t_cgroup) == -1 &&
	    errno != ENOENT && errno != EBUSY)
		log_warn("rmdir %s", t->t_cgroup);
	free(t->t_cgroup);
	free(t->t_groups);
	memset(t, 0, sizeof(*t));
}

/*
 * Before fork: in cgroup mode, makes sure the process's cgroup exists and
 * returns its directory, open, for spawn_process to start the child in.
 * Returns -2 when no cgroup is used, -1 with errno on failure.
 */
int
tree_prepare_spawn(struct tree *t)
{
	if (mode != TREE_CGROUP)
		return -2;
	if (t->t_cgroup == NULL) {
		if (asprintf(&t->t_cgroup, "%s/p.%s", cgroup_base, t->t_name)
		    == -1) {
			t->t_cgroup = NULL;
			errno = ENOMEM;
			return -1;
		}
	}
	/*
	 * A cgroup that cgroup.kill was written to kills every process
	 * later created in it with CLONE_INTO_CGROUP (seen on Linux 6.18:
	 * its kill count no longer matches the parent's), so it is made
	 * anew.  Still busy: try again at the next start.
	 */
	if (t->t_cgroup_killed && (rmdir(t->t_cgroup) == 0 || errno == ENOENT))
		t->t_cgroup_killed = false;
	if (mkdir(t->t_cgroup, 0755) == -1 && errno != EEXIST)
		return -1;
	return open(t->t_cgroup, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
}

static void
add_group(struct tree *t, pid_t pgid)
{
	pid_t *nl;
	size_t i;

	for (i = 0; i < t->t_ngroups; i++)
		if (t->t_groups[i] == pgid)
			return;
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

void
tree_spawned(struct tree *t, pid_t pid)
{
	t->t_leader = pid;
	add_group(t, pid);
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
	prune_groups(t);
}

/* Reads ppid and pgid from /proc/PID/stat; the name may hold ") ". */
static int
read_stat(pid_t pid, pid_t *ppid, pid_t *pgid)
{
	char path[64], buf[1024], *p;
	int pp, pg;
	char state;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if (read_small_file(path, buf, sizeof(buf)) <= 0)
		return -1;
	if ((p = strrchr(buf, ')')) == NULL)
		return -1;
	if (sscanf(p + 1, " %c %d %d", &state, &pp, &pg) != 3)
		return -1;
	if (state == 'Z' || state == 'X')
		return -1;
	*ppid = pp;
	*pgid = pg;
	return 0;
}

static struct snap_entry *
snap_find(pid_t pid)
{
	size_t lo = 0, hi = snap_count, mid;

	while (lo < hi) {
		mid = (lo + hi) / 2;
		if (snap[mid].se_pid == pid)
			return &snap[mid];
		if (snap[mid].se_pid < pid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static int
snap_compare(const void *a, const void *b)
{
	const struct snap_entry *x = a, *y = b;

	return (x->se_pid > y->se_pid) - (x->se_pid < y->se_pid);
}

/* True when ancestor is pid's parent, grandparent, ... in the snapshot. */
static bool
snap_descends(struct snap_entry *e, pid_t ancestor)
{
	int depth = 0;

	while (e != NULL && depth++ < 4096) {
		if (e->se_ppid == ancestor)
			return true;
		e = snap_find(e->se_ppid);
	}
	return false;
}

/*
 * Takes a snapshot of every live process that descends from us, with its
 * parent and group.  Our descendants only: nothing outside our tree is
 * ever attributed to a program or signalled.
 */
static int
snap_take(void)
{
	struct snap_entry *all = NULL, *nl, *e;
	size_t n = 0, cap = 0, i, kept = 0;
	struct dirent *de;
	pid_t pid, ppid, pgid;
	DIR *dir;

	if ((dir = opendir("/proc")) == NULL)
		return -1;
	while ((de = readdir(dir)) != NULL) {
		if (de->d_name[0] < '1' || de->d_name[0] > '9')
			continue;
		pid = (pid_t)atoi(de->d_name);
		if (pid == self_pid || read_stat(pid, &ppid, &pgid) == -1)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 256;
			if ((nl = realloc(all, cap * sizeof(*nl))) == NULL) {
				free(all);
				closedir(dir);
				return -1;
			}
			all = nl;
		}
		memset(&all[n], 0, sizeof(all[n]));
		all[n].se_pid = pid;
		all[n].se_ppid = ppid;
		all[n].se_pgid = pgid;
		n++;
	}
	closedir(dir);
	free(snap);
	snap = all;
	snap_count = n;
	if (snap_count > 0)	/* snap is NULL when /proc listed nothing */
		qsort(snap, snap_count, sizeof(*snap), snap_compare);
	/* Keep only our descendants (marking first, compacting after). */
	for (i = 0; i < snap_count; i++) {
		e = &snap[i];
		e->se_owner_state = snap_descends(e, self_pid) ? 0 : -1;
	}
	for (i = 0; i < snap_count; i++)
		if (snap[i].se_owner_state == 0)
			snap[kept++] = snap[i];
	snap_count = kept;
	return 0;
}

/* SUPERVISOR_PROCESS_NAME from a process's environment, if readable. */
static bool
read_owner(pid_t pid, char *name, size_t len)
{
	static char env[65536];
	char path[64], *p, *end;
	int n;

	snprintf(path, sizeof(path), "/proc/%d/environ", (int)pid);
	if ((n = read_small_file(path, env, sizeof(env))) <= 0)
		return false;
	end = env + n;
	for (p = env; p < end; p += strlen(p) + 1) {
		if (strncmp(p, "SUPERVISOR_PROCESS_NAME=", 24) == 0) {
			snprintf(name, len, "%s", p + 24);
			return true;
		}
	}
	return false;
}

static bool
snap_owner_is(struct snap_entry *e, const char *name)
{
	if (e->se_owner_state == 0)
		e->se_owner_state = read_owner(e->se_pid, e->se_owner,
		    sizeof(e->se_owner)) ? 1 : 2;
	return e->se_owner_state == 1 && strcmp(e->se_owner, name) == 0;
}

static bool
snap_is_member(struct tree *t, struct snap_entry *e)
{
	size_t i;

	if (e->se_pid == t->t_leader)
		return true;
	for (i = 0; i < t->t_ngroups; i++)
		if (e->se_pgid == t->t_groups[i])
			return true;
	if (t->t_leader != 0 && snap_descends(e, t->t_leader))
		return true;
	return snap_owner_is(e, t->t_name);
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

/*
 * Signals every pid listed in the tree's cgroup that is not in one of the
 * tree's groups (killpg reached those already: each process gets the
 * signal once); returns how many there were.
 */
static int
cgroup_signal(const struct tree *t, int sig)
{
	char path[PATH_MAX], line[32];
	FILE *fp;
	pid_t pid;
	int n = 0;

	snprintf(path, sizeof(path), "%s/cgroup.procs", t->t_cgroup);
	if ((fp = fopen(path, "re")) == NULL)
		return 0;
	while (fgets(line, sizeof(line), fp) != NULL) {
		pid = (pid_t)atoi(line);
		if (pid <= 0 || tree_has_group(t, getpgid(pid)))
			continue;
		if (kill(pid, sig) == 0)
			n++;
	}
	fclose(fp);
	return n;
}

static bool
cgroup_populated(const char *dir)
{
	char path[PATH_MAX], buf[256], *p;

	snprintf(path, sizeof(path), "%s/cgroup.events", dir);
	if (read_small_file(path, buf, sizeof(buf)) <= 0)
		return false;
	p = strstr(buf, "populated ");
	return p != NULL && p[10] == '1';
}

/* Sends sig to the whole tree: groups, then cgroup or /proc members. */
void
tree_signal(struct tree *t, int sig)
{
	size_t i;

	prune_groups(t);
	for (i = 0; i < t->t_ngroups; i++)
		if (killpg(t->t_groups[i], sig) == -1 && errno != ESRCH)
			log_warn("%s: killpg %d", t->t_name,
			    (int)t->t_groups[i]);
	if (mode == TREE_CGROUP && t->t_cgroup != NULL) {
		char path[PATH_MAX];

		if (sig == SIGKILL) {
			snprintf(path, sizeof(path), "%s/cgroup.kill",
			    t->t_cgroup);
			t->t_cgroup_killed = true;
			if (write_small_file(path, "1") == -1 &&
			    errno != ENOENT)
				log_warn("%s: write %s", t->t_name, path);
		} else
			cgroup_signal(t, sig);
		return;
	}
	if (snap_take() == -1) {
		log_warn("%s: reading /proc", t->t_name);
		return;
	}
	for (i = 0; i < snap_count; i++)
		if (!tree_has_group(t, snap[i].se_pgid) &&
		    snap_is_member(t, &snap[i]))
			kill(snap[i].se_pid, sig);
}

/*
 * True while anything of the tree may still run.  Cheap checks first;
 * the /proc walk only when the leader and every group are gone.
 */
bool
tree_has_members(struct tree *t)
{
	size_t i;

	if (t->t_leader != 0)
		return true;
	prune_groups(t);
	if (t->t_ngroups > 0)
		return true;
	if (mode == TREE_CGROUP)
		return t->t_cgroup != NULL && cgroup_populated(t->t_cgroup);
	if (snap_take() == -1)
		return false;
	for (i = 0; i < snap_count; i++)
		if (snap_is_member(t, &snap[i]))
			return true;
	return false;
}

bool
tree_is_gone(struct tree *t)
{
	return !tree_has_members(t);
}

/* SIGKILLs every descendant of ours; returns how many were found. */
int
tree_kill_all_descendants(void)
{
	size_t i;
	int n = 0;

	if (cgroup_base_kill[0] != '\0')	/* set in cgroup mode only */
		(void)write_small_file(cgroup_base_kill, "1");
	if (snap_take() == -1)
		return 0;
	for (i = 0; i < snap_count; i++)
		if (kill(snap[i].se_pid, SIGKILL) == 0)
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
	if (mode == TREE_CGROUP && t->t_cgroup != NULL)
		return cgroup_populated(t->t_cgroup);
	return true;
}

/* Our live children, in a new array the caller frees. */
int
tree_children(pid_t **out, size_t *count)
{
	size_t i, n = 0;
	pid_t *list;

	if (snap_take() == -1)
		return -1;
	if ((list = calloc(snap_count ? snap_count : 1, sizeof(*list))) ==
	    NULL)
		return -1;
	for (i = 0; i < snap_count; i++)
		if (snap[i].se_ppid == self_pid)
			list[n++] = snap[i].se_pid;
	*out = list;
	*count = n;
	return 0;
}

/* Which process an orphan came from, by its cgroup or its environment. */
bool
tree_owner(pid_t pid, char *name, size_t len)
{
	char path[64], buf[PATH_MAX], *p;
	size_t blen;

	if (mode == TREE_CGROUP) {
		snprintf(path, sizeof(path), "/proc/%d/cgroup", (int)pid);
		if (read_small_file(path, buf, sizeof(buf)) > 0 &&
		    (p = strstr(buf, "/supervisor.")) != NULL &&
		    (p = strstr(p, "/p.")) != NULL) {
			p += 3;
			blen = strcspn(p, "/\n");
			snprintf(name, len, "%.*s", (int)blen, p);
			return true;
		}
	}
	return read_owner(pid, name, len);
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
}

/* The supervisor's cgroup of process cgroups, as it names it. */
void
tree_guardian_watch(pid_t supervisor)
{
	char *own = own_cgroup_dir();

	if (own == NULL)
		return;
	free(cgroup_base);
	if (asprintf(&cgroup_base, "%s/supervisor.%d", own, (int)supervisor)
	    == -1)
		cgroup_base = NULL;
	else
		snprintf(cgroup_base_kill, sizeof(cgroup_base_kill),
		    "%s/cgroup.kill", cgroup_base);
	free(own);
}

