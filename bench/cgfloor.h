/*
 * cgfloor.h: what the floors (startfloor, treefloor) need for their -g
 * runs, where each program gets a cgroup v2 of its own, made and entered
 * as the supervisor makes and enters one (mkdir, then clone3 with
 * CLONE_INTO_CGROUP), and removed when its program is gone (rmdir).  The
 * difference between a floor's plain and -g runs is what the kernel
 * charges for a cgroup per program: a cost no supervisor that contains
 * each program in a cgroup can get under.
 *
 * The cgroups are made in a directory of their own, "floor.PID", below
 * the cgroup this process is in.
 */
#ifndef CGFLOOR_H
#define CGFLOOR_H

#include <fcntl.h>
#include <linux/sched.h>
#include <mntent.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

static int	cg_base = -1;		/* the directory, open */
static char	cg_base_path[4096];

/* Where cgroup v2 is mounted (the first such mount), into buf. */
static int
cg_mount(char *buf, size_t len)
{
	struct mntent *m;
	FILE *fp;
	int found = -1;

	if ((fp = setmntent("/proc/self/mounts", "re")) == NULL)
		return -1;
	while (found == -1 && (m = getmntent(fp)) != NULL)
		if (strcmp(m->mnt_type, "cgroup2") == 0 &&
		    strlen(m->mnt_dir) < len) {
			strcpy(buf, m->mnt_dir);
			found = 0;
		}
	endmntent(fp);
	return found;
}

/* Makes the directory the programs' cgroups go in; -1 when it cannot. */
static int
cg_base_make(void)
{
	char mnt[2048], line[2048], *nl;
	FILE *fp;
	int ok = -1;

	if (cg_mount(mnt, sizeof(mnt)) == -1) {
		fprintf(stderr, "no cgroup v2 mounted\n");
		return -1;
	}
	if ((fp = fopen("/proc/self/cgroup", "re")) == NULL)
		return -1;
	while (ok == -1 && fgets(line, sizeof(line), fp) != NULL)
		if (strncmp(line, "0::", 3) == 0) {
			if ((nl = strchr(line, '\n')) != NULL)
				*nl = '\0';
			snprintf(cg_base_path, sizeof(cg_base_path),
			    "%s%s/floor.%d", mnt,
			    strcmp(line + 3, "/") == 0 ? "" : line + 3,
			    (int)getpid());
			ok = 0;
		}
	fclose(fp);
	if (ok == -1) {
		fprintf(stderr, "no cgroup v2 of ours in /proc/self/cgroup\n");
		return -1;
	}
	if (mkdir(cg_base_path, 0755) == -1 ||
	    (cg_base = open(cg_base_path, O_RDONLY | O_DIRECTORY |
	    O_CLOEXEC)) == -1) {
		perror(cg_base_path);
		return -1;
	}
	return 0;
}

/* Program i's cgroup, made and opened; -1 on failure. */
static int
cg_make(int i)
{
	char name[32];

	snprintf(name, sizeof(name), "p%d", i);
	if (mkdirat(cg_base, name, 0755) == -1)
		return -1;
	return openat(cg_base, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
}

/* Program i's cgroup removed (it must be empty). */
static void
cg_remove(int i)
{
	char name[32];

	snprintf(name, sizeof(name), "p%d", i);
	(void)unlinkat(cg_base, name, AT_REMOVEDIR);
}

/* Everything in program i's cgroup killed (cgroup.kill, Linux 5.14). */
static void __attribute__((unused))	/* startfloor's SIGKILL suffices */
cg_kill(int i)
{
	char name[64];
	int fd;

	if (cg_base == -1)
		return;
	snprintf(name, sizeof(name), "p%d/cgroup.kill", i);
	if ((fd = openat(cg_base, name, O_WRONLY | O_CLOEXEC)) != -1) {
		(void)write(fd, "1", 1);
		close(fd);
	}
}

/* The base removed, with whatever cgroups are left in it (n at most). */
static void
cg_base_remove(int n)
{
	int i;

	if (cg_base == -1)
		return;
	for (i = 0; i < n; i++)
		cg_remove(i);
	close(cg_base);
	(void)rmdir(cg_base_path);
}

/* fork(), the child starting in the cgroup whose directory is cgfd. */
static pid_t
cg_fork(int cgfd)
{
	struct clone_args ca;

	memset(&ca, 0, sizeof(ca));
	ca.flags = CLONE_INTO_CGROUP;
	ca.cgroup = (uint64_t)cgfd;
	ca.exit_signal = SIGCHLD;
	return (pid_t)syscall(SYS_clone3, &ca, sizeof(ca));
}

#endif
