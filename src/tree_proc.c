/*
 * tree_proc.c: the /proc mechanism of containment.  A snapshot lists every
 * live process that descends from the supervisor, with its parent and its
 * process group; the environment says which program a process came from
 * (SUPERVISOR_PROCESS_NAME), read only when asked.  Nothing outside the
 * supervisor's own descendants is ever listed, so nothing else can be
 * attributed to a program or signalled.  What belongs to a tree: tree.c.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "monotime.h"
#include "smallfile.h"
#include "tree_proc.h"

static struct tree_proc_entry *snap;	/* sorted by pid */
static size_t		  snap_count;
static double		  snap_time = -1; /* monotonic; -1: none */
static double		  snap_cost;	/* seconds the last one took */
/* The longest a snapshot is reused for because taking one is slow. */
#define SNAP_REUSE_MAX	0.05
static pid_t		  snap_self;

/*
 * Reads ppid, pgid, session and start time (clock ticks since boot) from
 * /proc/PID/stat; the command name there may hold ") ".  -1 for a process
 * that is gone or a zombie.
 */
int
tree_proc_stat(pid_t pid, pid_t *ppid, pid_t *pgid, pid_t *sid,
    unsigned long long *start)
{
	char path[64], buf[1024], *p;
	unsigned long long st;
	int pp, pg, se;
	char state;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if (smallfile_read(path, buf, sizeof(buf)) <= 0)
		return -1;
	if ((p = strrchr(buf, ')')) == NULL)
		return -1;
	/* state ppid pgrp session tty_nr tpgid flags minflt cminflt majflt
	 * cmajflt utime stime cutime cstime priority nice num_threads
	 * itrealvalue starttime */
	if (sscanf(p + 1, " %c %d %d %d %*d %*d %*u %*u %*u %*u %*u %*u "
	    "%*u %*d %*d %*d %*d %*d %*d %llu", &state, &pp, &pg, &se, &st)
	    != 5)
		return -1;
	if (state == 'Z' || state == 'X')
		return -1;
	*ppid = pp;
	*pgid = pg;
	*sid = se;
	*start = st;
	return 0;
}

/* Now, in the clock ticks of a process's start time in /proc. */
unsigned long long
tree_proc_now(void)
{
	struct timespec ts;
	long tck = sysconf(_SC_CLK_TCK);

	if (tck <= 0)
		tck = 100;
	clock_gettime(CLOCK_BOOTTIME, &ts);
	return (unsigned long long)ts.tv_sec * (unsigned long long)tck +
	    (unsigned long long)ts.tv_nsec * (unsigned long long)tck /
	    1000000000ULL;
}

/* pid's entry in list (n entries, sorted by pid), or NULL. */
static struct tree_proc_entry *
find_in(struct tree_proc_entry *list, size_t n, pid_t pid)
{
	size_t lo = 0, hi = n, mid;

	while (lo < hi) {
		mid = (lo + hi) / 2;
		if (list[mid].pe_pid == pid)
			return &list[mid];
		if (list[mid].pe_pid < pid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static struct tree_proc_entry *
find(pid_t pid)
{
	return find_in(snap, snap_count, pid);
}

static int
compare_pid(const void *a, const void *b)
{
	const struct tree_proc_entry *x = a, *y = b;

	return (x->pe_pid > y->pe_pid) - (x->pe_pid < y->pe_pid);
}

/* True when ancestor is e's parent, grandparent, ... in the snapshot. */
bool
tree_proc_descends(const struct tree_proc_entry *e, pid_t ancestor)
{
	int depth = 0;

	while (e != NULL && depth++ < 4096) {
		if (e->pe_ppid == ancestor)
			return true;
		e = find(e->pe_ppid);
	}
	return false;
}

/* Appends the pids listed in file (space-separated) to *list. */
static int
children_add(const char *file, pid_t **list, size_t *n, size_t *cap)
{
	pid_t *nl;
	long pid;
	FILE *fp;
	int rc = 0;

	if ((fp = fopen(file, "re")) == NULL)
		return -1;
	while (fscanf(fp, "%ld", &pid) == 1) {
		if (pid <= 0)
			continue;
		if (*n == *cap) {
			*cap = *cap == 0 ? 64 : *cap * 2;
			if ((nl = realloc(*list, *cap * sizeof(*nl))) == NULL) {
				rc = -1;
				break;
			}
			*list = nl;
		}
		(*list)[(*n)++] = (pid_t)pid;
	}
	if (ferror(fp))
		rc = -1;
	fclose(fp);
	return rc;
}

/*
 * Our children (live or not yet reaped), from each of our threads'
 * /proc/self/task/TID/children: a few small reads, where a snapshot walks
 * every process of the machine.  In a new array the caller frees; -1
 * when those files can't be read (a kernel without them).
 */
int
tree_proc_children(pid_t **out, size_t *count)
{
	char path[300];
	struct dirent *de;
	size_t n = 0, cap = 0;
	pid_t *list = NULL;
	DIR *d;

	if ((d = opendir("/proc/self/task")) == NULL)
		return -1;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] < '1' || de->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/self/task/%s/children",
		    de->d_name);
		if (children_add(path, &list, &n, &cap) == -1) {
			closedir(d);
			free(list);
			return -1;
		}
	}
	closedir(d);
	if (list == NULL && (list = malloc(sizeof(*list))) == NULL)
		return -1;
	*out = list;
	*count = n;
	return 0;
}

/*
 * Takes a snapshot of every live process that descends from self, with
 * its parent and group.  -1 when /proc can't be read or memory is short.
 */
int
tree_proc_snapshot(pid_t self)
{
	struct tree_proc_entry *all = NULL, *nl, *old, *e;
	size_t n = 0, cap = 0, i, kept = 0, old_count;
	struct dirent *de;
	pid_t pid, ppid, pgid, sid;
	unsigned long long start;
	double t0 = mono_now();
	DIR *dir;

	if ((dir = opendir("/proc")) == NULL)
		return -1;
	while ((de = readdir(dir)) != NULL) {
		if (de->d_name[0] < '1' || de->d_name[0] > '9')
			continue;
		pid = (pid_t)atoi(de->d_name);
		if (pid == self ||
		    tree_proc_stat(pid, &ppid, &pgid, &sid, &start) == -1)
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
		all[n].pe_pid = pid;
		all[n].pe_ppid = ppid;
		all[n].pe_pgid = pgid;
		all[n].pe_sid = sid;
		all[n].pe_start = start;
		n++;
	}
	closedir(dir);
	old = snap;
	old_count = snap_count;
	snap = all;
	snap_count = n;
	snap_time = mono_now();
	snap_cost = snap_time - t0;
	snap_self = self;
	if (snap_count > 0)	/* snap is NULL when /proc listed nothing */
		qsort(snap, snap_count, sizeof(*snap), compare_pid);
	/* Keep only our descendants (marking first, compacting after). */
	for (i = 0; i < snap_count; i++)
		snap[i].pe_owner_state = tree_proc_descends(&snap[i], self) ?
		    0 : -1;
	for (i = 0; i < snap_count; i++)
		if (snap[i].pe_owner_state == 0)
			snap[kept++] = snap[i];
	snap_count = kept;
	/* What a process's environment said is kept for its life (the same
	 * pid and start): each environment is read once, not at every
	 * snapshot of a stop or a wait. */
	for (i = 0; i < snap_count; i++)
		if ((e = find_in(old, old_count, snap[i].pe_pid)) != NULL &&
		    e->pe_start == snap[i].pe_start) {
			snap[i].pe_owner_state = e->pe_owner_state;
			memcpy(snap[i].pe_owner, e->pe_owner,
			    sizeof(snap[i].pe_owner));
		}
	free(old);
	return 0;
}

/*
 * The snapshot taken at most max_age seconds ago, else a new one: a stop
 * of many trees in one go (a teardown) walks /proc, and reads each
 * process's environment, once rather than once per tree.  When taking
 * one took longer than half of max_age (2,000 processes: tens of ms of
 * reading /proc), twice that long instead, up to SNAP_REUSE_MAX: else a
 * teardown's polls would each take their own, one after another (a stop
 * of 2,000 programs spent 74% of its time there, 3-4 s in all).
 */
int
tree_proc_snapshot_recent(pid_t self, double max_age)
{
	if (snap_cost * 2 > max_age)
		max_age = snap_cost * 2 < SNAP_REUSE_MAX ? snap_cost * 2 :
		    SNAP_REUSE_MAX;
	if (snap_time >= 0 && snap_self == self &&
	    mono_now() - snap_time <= max_age)
		return 0;
	return tree_proc_snapshot(self);
}

size_t
tree_proc_count(void)
{
	return snap_count;
}

struct tree_proc_entry *
tree_proc_entry(size_t i)
{
	return i < snap_count ? &snap[i] : NULL;
}

/* SUPERVISOR_PROCESS_NAME from a process's environment, if readable. */
bool
tree_proc_owner(pid_t pid, char *name, size_t len)
{
	static char env[65536];
	char path[64], *p, *end;
	int n;

	snprintf(path, sizeof(path), "/proc/%d/environ", (int)pid);
	if ((n = smallfile_read(path, env, sizeof(env))) <= 0)
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

/* True when e's environment names the process called name (read once). */
bool
tree_proc_owned_by(struct tree_proc_entry *e, const char *name)
{
	if (e->pe_owner_state == 0)
		e->pe_owner_state = tree_proc_owner(e->pe_pid, e->pe_owner,
		    sizeof(e->pe_owner)) ? 1 : 2;
	return e->pe_owner_state == 1 && strcmp(e->pe_owner, name) == 0;
}

void
tree_proc_free(void)
{
	free(snap);
	snap = NULL;
	snap_time = -1;
	snap_count = 0;
}
