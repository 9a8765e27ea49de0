/*
 * treefloor.c: the floor of teardown.  Starts N copies of "sh -c CMD",
 * each in a process group of its own, waits until TOTAL processes run
 * below it, then sends SIGTERM to every group and reaps until nothing is
 * left (it is a child subreaper, so grandchildren come back to it).
 * Prints the microseconds from the first killpg to the last reap: what
 * any supervisor must at least spend to tear the same trees down.  With
 * -g each tree starts in a cgroup of its own (cgfloor.h), and the time
 * runs on until the last of them is removed; exit status 2 when that
 * cannot be done here.  With -s it prints "up" once the trees are up and
 * waits for a SIGTERM before the killpg: the caller can then time it as
 * it times a supervisor, from its kill to its wait's return (the floor of
 * what a supervisor's teardown costs, its own exit and its parent's
 * wake-up included).
 *
 *	usage: treefloor [-s] [-g] N TOTAL CMD
 */
#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cgfloor.h"

static double
now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

/* Live processes that descend from self, from /proc's parent links. */
static int
descendants(pid_t self)
{
	static pid_t pids[65536], ppids[65536];
	char path[300], buf[512], *p;
	struct dirent *de;
	DIR *dir;
	FILE *fp;
	int n = 0, count = 0, i, j, k;

	if ((dir = opendir("/proc")) == NULL)
		return -1;
	while ((de = readdir(dir)) != NULL && n < 65536) {
		if (de->d_name[0] < '0' || de->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/stat", de->d_name);
		if ((fp = fopen(path, "re")) == NULL)
			continue;
		if (fgets(buf, sizeof(buf), fp) != NULL &&
		    (p = strrchr(buf, ')')) != NULL && p[2] != 'Z') {
			pids[n] = atoi(buf);
			ppids[n] = atoi(p + 4);
			n++;
		}
		fclose(fp);
	}
	closedir(dir);
	for (i = 0; i < n; i++) {
		pid_t up = ppids[i];

		for (k = 0; k < 64 && up > 1 && up != self; k++) {
			for (j = 0; j < n && pids[j] != up; j++)
				;
			up = j < n ? ppids[j] : 0;
		}
		if (up == self)
			count++;
	}
	return count;
}

/*
 * The first n trees killed and reaped, their cgroups and the base
 * removed (cg_base_remove takes every one that was made, i included).
 * Returns 1, the exit status.
 */
static int
give_up(const pid_t *groups, int n)
{
	pid_t r = 0;
	int i, tries;

	for (i = 0; i < n; i++) {
		killpg(groups[i], SIGKILL);
		cg_kill(i);	/* what left its group too */
	}
	/* A bounded wait: a process that left its group may live on. */
	for (tries = 0; tries < 200 && r != -1; tries++) {
		while ((r = waitpid(-1, NULL, WNOHANG)) > 0)
			;
		if (r == 0)
			usleep(10000);
	}
	cg_base_remove(n + 1);
	return 1;
}

int
main(int argc, char *argv[])
{
	pid_t *groups, pid;
	int n, total, i, tries, cg = -1;
	double t0, t1;
	bool cgroups = false, on_signal = false;
	sigset_t term;
	int sig, c;

	while ((c = getopt(argc, argv, "+gs")) != -1)
		if (c == 'g')
			cgroups = true;
		else if (c == 's')
			on_signal = true;
		else
			argc = 0;	/* usage */
	argc -= optind - 1;
	argv += optind - 1;
	if (argc != 4 || (n = atoi(argv[1])) < 1 || (total = atoi(argv[2])) < 1) {
		fprintf(stderr, "usage: treefloor [-s] [-g] N TOTAL CMD\n");
		return 64;
	}
	if (prctl(PR_SET_CHILD_SUBREAPER, 1) == -1) {
		perror("treefloor: PR_SET_CHILD_SUBREAPER");
		return 1;
	}
	if ((groups = calloc((size_t)n, sizeof(*groups))) == NULL)
		return 1;
	if (cgroups && cg_base_make() == -1)
		return 2;
	for (i = 0; i < n; i++) {
		if (cgroups && (cg = cg_make(i)) == -1) {
			perror("treefloor: cgroup");
			return give_up(groups, i);
		}
		pid = cgroups ? cg_fork(cg) : fork();
		if (cg != -1)
			close(cg);
		if (pid == -1) {
			perror("treefloor: fork");
			return give_up(groups, i);
		}
		if (pid == 0) {
			setpgid(0, 0);
			execl("/bin/sh", "sh", "-c", argv[3], (char *)NULL);
			_exit(127);
		}
		setpgid(pid, pid);
		groups[i] = pid;
	}
	for (tries = 0; descendants(getpid()) < total; tries++) {
		if (tries > 3000) {
			fprintf(stderr, "treefloor: only %d of %d processes\n",
			    descendants(getpid()), total);
			return give_up(groups, n);
		}
		usleep(10000);
	}
	if (on_signal) {
		/* Blocked only now: the trees' processes have their own masks. */
		sigemptyset(&term);
		sigaddset(&term, SIGTERM);
		sigprocmask(SIG_BLOCK, &term, NULL);
		printf("up\n");
		fflush(stdout);
		while (sigwait(&term, &sig) != 0)
			;
	}
	t0 = now_us();
	for (i = 0; i < n; i++)
		killpg(groups[i], SIGTERM);
	while (wait(NULL) != -1 || errno == EINTR)
		;
	if (cgroups)
		for (i = 0; i < n; i++)
			cg_remove(i);
	t1 = now_us();
	cg_base_remove(0);
	printf("%.0f\n", t1 - t0);
	return 0;
}
