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
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "smallfile.h"
#include "tree_cgroup.h"

/* Where cgroup v2 is mounted and which cgroup we are in; NULL if none. */
static char *
own_cgroup_dir(void)
{
	char line[4096], mountpoint[PATH_MAX] = "", cg[PATH_MAX] = "";
	char *dir, *field;
	FILE *fp;
	int i;

	if ((fp = fopen("/proc/self/mountinfo", "re")) == NULL)
		return NULL;
	while (fgets(line, sizeof(line), fp) != NULL) {
		if (strstr(line, " - cgroup2 ") == NULL)
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

/* The cgroup the supervisor of that pid uses: OWN/supervisor.PID, where
 * OWN is the caller's cgroup; NULL (errno ENOENT) without cgroup v2. */
char *
tree_cgroup_base(pid_t supervisor)
{
	char *own = own_cgroup_dir(), *base;

	if (own == NULL) {
		errno = ENOENT;
		return NULL;
	}
	if (asprintf(&base, "%s/supervisor.%d", own, (int)supervisor) == -1) {
		base = NULL;
		errno = ENOMEM;
	}
	free(own);
	return base;
}

/* Makes base, and checks it can be killed whole; -1 with errno if not. */
int
tree_cgroup_create_base(const char *base)
{
	char path[PATH_MAX];
	int err;

	if (mkdir(base, 0755) == -1 && errno != EEXIST)
		return -1;
	snprintf(path, sizeof(path), "%s/cgroup.kill", base);
	if (access(path, W_OK) == -1) {
		err = errno;
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

/* base/p.NAME, allocated; NULL when out of memory. */
char *
tree_cgroup_dir(const char *base, const char *name)
{
	char *dir;

	if (asprintf(&dir, "%s/p.%s", base, name) == -1)
		return NULL;
	return dir;
}

/* Makes sure dir exists and returns it open, for a child to be started
 * in; -1 with errno. */
int
tree_cgroup_open(const char *dir)
{
	if (mkdir(dir, 0755) == -1 && errno != EEXIST)
		return -1;
	return open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
}

/* Removes dir, an empty process cgroup: 0, or -1 with errno (EBUSY while
 * a process is still in it). */
int
tree_cgroup_remove(const char *dir)
{
	if (rmdir(dir) == -1 && errno != ENOENT)
		return -1;
	return 0;
}

/* cgroup.kill: SIGKILL to every process in dir, and any forking now. */
int
tree_cgroup_kill(const char *dir)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/cgroup.kill", dir);
	return smallfile_write(path, "1");
}

/*
 * Sends sig to every pid listed in dir's cgroup.procs, but those in a
 * process group skip(pgid) says were signalled already; returns how many
 * were signalled.
 */
int
tree_cgroup_signal(const char *dir, int sig,
    bool (*skip)(pid_t pgid, const void *ctx), const void *ctx)
{
	char path[PATH_MAX], line[32];
	FILE *fp;
	pid_t pid;
	int n = 0;

	snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
	if ((fp = fopen(path, "re")) == NULL)
		return 0;
	while (fgets(line, sizeof(line), fp) != NULL) {
		pid = (pid_t)atoi(line);
		if (pid <= 0 || skip(getpgid(pid), ctx))
			continue;
		if (kill(pid, sig) == 0)
			n++;
	}
	fclose(fp);
	return n;
}

/* True while any process (zombies included) is in dir's cgroup. */
bool
tree_cgroup_populated(const char *dir)
{
	char path[PATH_MAX], buf[256], *p;

	snprintf(path, sizeof(path), "%s/cgroup.events", dir);
	if (smallfile_read(path, buf, sizeof(buf)) <= 0)
		return false;
	p = strstr(buf, "populated ");
	return p != NULL && p[10] == '1';
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
