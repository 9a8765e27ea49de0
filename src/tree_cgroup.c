/*
 * tree_cgroup.c: the cgroup v2 mechanism of containment.  The supervisor
 * makes OWN/supervisor.PID below the cgroup it runs in, and a cgroup
 * p.NAME below that for each process (spawn.c starts the child in it);
 * everything the process forks stays in it, whatever it does with
 * process groups or sessions.  What to signal and when is tree.c's.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/magic.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "smallfile.h"
#include "tree_cgroup.h"

/*
 * Where cgroup v2 is mounted and which cgroup we are in; NULL with why
 * (for the log) when there is none.
 */
static char *
own_cgroup_dir(char *why, size_t whylen)
{
	static const char *const usual[] = { "/sys/fs/cgroup",
	    "/sys/fs/cgroup/unified" };
	char line[4096], mountpoint[PATH_MAX] = "", cg[PATH_MAX] = "";
	bool have_cg = false;
	struct statfs sf;
	char *dir, *field;
	size_t k;
	FILE *fp;
	int i;

	/* Where it usually is (unified, or hybrid's): found without the
	 * mount table, which a container may make long. */
	for (k = 0; k < sizeof(usual) / sizeof(usual[0]); k++)
		if (statfs(usual[k], &sf) == 0 &&
		    sf.f_type == CGROUP2_SUPER_MAGIC) {
			snprintf(mountpoint, sizeof(mountpoint), "%s",
			    usual[k]);
			break;
		}
	if (mountpoint[0] != '\0')
		fp = NULL;
	else if ((fp = fopen("/proc/self/mountinfo", "re")) == NULL) {
		snprintf(why, whylen, "/proc/self/mountinfo: %s",
		    strerror(errno));
		return NULL;
	}
	while (fp != NULL && fgets(line, sizeof(line), fp) != NULL) {
		if (strstr(line, " - cgroup2 ") == NULL)
			continue;
		field = strtok(line, " ");
		for (i = 0; field != NULL && i < 4; i++)
			field = strtok(NULL, " ");
		if (field != NULL)
			snprintf(mountpoint, sizeof(mountpoint), "%s", field);
		break;
	}
	if (fp != NULL)
		fclose(fp);
	if (mountpoint[0] == '\0') {
		snprintf(why, whylen, "cgroup v2 is not mounted (no cgroup2 "
		    "in /proc/self/mountinfo)");
		return NULL;
	}
	if ((fp = fopen("/proc/self/cgroup", "re")) == NULL) {
		snprintf(why, whylen, "/proc/self/cgroup: %s", strerror(errno));
		return NULL;
	}
	while (fgets(line, sizeof(line), fp) != NULL) {
		if (strncmp(line, "0::", 3) == 0) {
			line[strcspn(line, "\n")] = '\0';
			snprintf(cg, sizeof(cg), "%s", line + 3);
			have_cg = true;
		}
	}
	fclose(fp);
	if (!have_cg) {
		snprintf(why, whylen, "cgroup v2 is mounted at %s, but "
		    "/proc/self/cgroup names no cgroup v2 of ours", mountpoint);
		return NULL;
	}
	if (asprintf(&dir, "%s%s", mountpoint, strcmp(cg, "/") == 0 ? "" :
	    cg) == -1) {
		snprintf(why, whylen, "%s", strerror(ENOMEM));
		return NULL;
	}
	return dir;
}

/*
 * A name for the supervisor's cgroup, below the one the caller runs in:
 * OWN/supervisor.PID-XXXXXXXX, PID the guardian's (the pid users know)
 * and a random part, so that two supervisors of one pid in one cgroup
 * (two pid namespaces: sandboxes, CI runners) never share it.  NULL with
 * why when there is no cgroup v2 to use.
 */
char *
tree_cgroup_base(pid_t guardian, char *why, size_t whylen)
{
	unsigned char r[4];
	char *own, *base;

	if ((own = own_cgroup_dir(why, whylen)) == NULL)
		return NULL;
	if (getrandom(r, sizeof(r), 0) != (ssize_t)sizeof(r)) {
		snprintf(why, whylen, "getrandom: %s", strerror(errno));
		free(own);
		return NULL;
	}
	if (asprintf(&base, "%s/supervisor.%d-%02x%02x%02x%02x", own,
	    (int)guardian, r[0], r[1], r[2], r[3]) == -1) {
		snprintf(why, whylen, "%s", strerror(ENOMEM));
		base = NULL;
	}
	free(own);
	return base;
}

/*
 * Supervisor cgroups of earlier runs beside base, left by a supervisor
 * killed with SIGKILL, guardian and all: a live supervisor holds a lock
 * on its cgroup for as long as it runs (tree_cgroup_lock), whatever pid
 * namespace it is in; one nobody holds is stale.  A stale one with no
 * process in it is removed; one with processes still in it (what that
 * supervisor's programs left running) is told to left(), for the caller
 * to say.  Returns how many were removed.
 */
int
tree_cgroup_remove_stale(const char *base, void (*left)(const char *path))
{
	char *parent, *mine, path[PATH_MAX];
	struct dirent *de;
	DIR *dir;
	int n = 0, fd;

	if ((parent = strdup(base)) == NULL)
		return 0;
	if ((mine = strrchr(parent, '/')) == NULL) {
		free(parent);
		return 0;
	}
	*mine++ = '\0';
	if ((dir = opendir(parent)) == NULL) {
		free(parent);
		return 0;
	}
	while ((de = readdir(dir)) != NULL) {
		if (strncmp(de->d_name, "supervisor.", 11) != 0 ||
		    strcmp(de->d_name, mine) == 0 || de->d_type != DT_DIR)
			continue;
		snprintf(path, sizeof(path), "%s/%s", parent, de->d_name);
		if ((fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
		    O_CLOEXEC)) == -1)
			continue;
		if (flock(fd, LOCK_EX | LOCK_NB) == -1) {
			close(fd);	/* held: a live supervisor's */
			continue;
		}
		if (tree_cgroup_populated(AT_FDCWD, path))
			left(path);
		else if (tree_cgroup_remove_base(path))
			n++;
		close(fd);
	}
	closedir(dir);
	free(parent);
	return n;
}

/*
 * Holds base's lock for as long as the descriptor is open, in the
 * guardian and the supervisor (both have it): tree_cgroup_remove_stale
 * of a later supervisor knows it from one left behind.  The descriptor,
 * or -1.
 */
int
tree_cgroup_lock(const char *base)
{
	struct stat held, now;
	int fd;

	if ((fd = open(base, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC)) == -1)
		return -1;
	/* Between the mkdir and here, another supervisor starting may have
	 * taken it for a stale one: it holds the lock, or has removed it
	 * (the lock is then on a directory that is gone). */
	if (flock(fd, LOCK_EX | LOCK_NB) == -1) {
		close(fd);
		errno = EBUSY;
		return -1;
	}
	if (fstat(fd, &held) == -1 || stat(base, &now) == -1 ||
	    held.st_ino != now.st_ino || held.st_dev != now.st_dev) {
		close(fd);
		errno = ESTALE;
		return -1;
	}
	return fd;
}

/* Makes base, and checks it can be killed whole; -1 with errno if not. */
int
tree_cgroup_create_base(const char *base)
{
	char path[PATH_MAX];
	int err;

	/* Never one that exists: it may hold another supervisor's trees. */
	if (mkdir(base, 0755) == -1)
		return -1;
	snprintf(path, sizeof(path), "%s/cgroup.kill", base);
	if (access(path, W_OK) == -1) {
		err = errno;
		/* Gone already: a supervisor starting beside us took it for
		 * a stale one before we could lock it.  ESTALE: another name. */
		if (err == ENOENT && access(base, F_OK) == -1) {
			errno = ESTALE;
			return -1;
		}
		(void)rmdir(base);
		errno = err;
		return -1;
	}
	return 0;
}

/*
 * One pass over base: every p.NAME below it, then base itself.  True
 * when base is gone.
 */
bool
tree_cgroup_remove_base(const char *base)
{
	char path[PATH_MAX];
	struct dirent *de;
	DIR *dir;

	if ((dir = opendir(base)) == NULL)
		return errno == ENOENT;
	while ((de = readdir(dir)) != NULL) {
		if (strncmp(de->d_name, "p.", 2) != 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", base, de->d_name);
		(void)rmdir(path);
	}
	closedir(dir);
	return rmdir(base) == 0 || errno == ENOENT;
}

/*
 * The functions below act on one process's cgroup, dir, named relative
 * to the directory open as at (the supervisor's own cgroup): each call
 * walks one or two names rather than the whole path (10,000 stops read
 * 10,000 cgroup.procs).
 */

/* Makes sure dir exists and returns it open, for a child to be started
 * in; -1 with errno. */
int
tree_cgroup_open(int at, const char *dir)
{
	if (mkdirat(at, dir, 0755) == -1 && errno != EEXIST)
		return -1;
	return openat(at, dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
}

/* Removes dir, an empty process cgroup: 0, or -1 with errno (EBUSY while
 * a process is still in it). */
int
tree_cgroup_remove(int at, const char *dir)
{
	if (unlinkat(at, dir, AT_REMOVEDIR) == -1 && errno != ENOENT)
		return -1;
	return 0;
}

/* cgroup.kill: SIGKILL to every process in dir, and any forking now. */
int
tree_cgroup_kill(int at, const char *dir)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/cgroup.kill", dir);
	return smallfile_write_at(at, path, "1");
}

/*
 * Sends sig, then (if not 0) then, to every pid listed in dir's
 * cgroup.procs, but those in a process group skip(pgid) says were
 * signalled already; returns how many were signalled.
 */
int
tree_cgroup_signal(int at, const char *dir, int sig, int then,
    bool (*skip)(pid_t pgid, const void *ctx), const void *ctx)
{
	char path[PATH_MAX], buf[4096];
	size_t have = 0, i, start;
	ssize_t got;
	pid_t pid;
	int fd, n = 0;

	snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
	if ((fd = openat(at, path, O_RDONLY | O_CLOEXEC)) == -1)
		return 0;
	/* One pid a line; a line cut by a read is finished by the next. */
	for (;;) {
		got = read(fd, buf + have, sizeof(buf) - 1 - have);
		if (got == -1 && errno == EINTR)
			continue;
		if (got <= 0)
			break;
		have += (size_t)got;
		buf[have] = '\0';
		for (i = start = 0; i < have; i++) {
			if (buf[i] != '\n')
				continue;
			pid = (pid_t)atoi(buf + start);
			start = i + 1;
			if (pid <= 0 || skip(getpgid(pid), ctx))
				continue;
			if (kill(pid, sig) == 0)
				n++;
			if (then != 0)
				(void)kill(pid, then);
		}
		memmove(buf, buf + start, have - start);
		have -= start;
		if (have == sizeof(buf) - 1)
			have = 0;	/* no line is this long */
	}
	close(fd);
	return n;
}

/*
 * Whether any process (zombies included) is in dir's cgroup: 1 or 0, as
 * its cgroup.events says; -1 when that can't be read.
 */
int
tree_cgroup_populated_read(int at, const char *dir)
{
	char path[PATH_MAX], buf[256], *p;

	snprintf(path, sizeof(path), "%s/cgroup.events", dir);
	if (smallfile_read_at(at, path, buf, sizeof(buf)) <= 0 ||
	    (p = strstr(buf, "populated ")) == NULL)
		return -1;
	return p[10] == '1';
}

/* True while any process is in dir's cgroup (false when unreadable). */
bool
tree_cgroup_populated(int at, const char *dir)
{
	return tree_cgroup_populated_read(at, dir) == 1;
}

/* The process whose cgroup pid is in (.../supervisor.N/p.NAME). */
bool
tree_cgroup_owner(pid_t pid, char *name, size_t len)
{
	char path[64], buf[PATH_MAX], *p;
	size_t blen;

	snprintf(path, sizeof(path), "/proc/%d/cgroup", (int)pid);
	if (smallfile_read(path, buf, sizeof(buf)) <= 0 ||
	    (p = strstr(buf, "/supervisor.")) == NULL ||
	    (p = strstr(p, "/p.")) == NULL)
		return false;
	p += 3;
	blen = strcspn(p, "/\n");
	snprintf(name, len, "%.*s", (int)blen, p);
	return true;
}
