/*
 * startfloor.c: the floor of starting N programs.  Forks and execs N
 * copies of STAMP FILE 3600 (each appends one line to FILE as it
 * starts) without waiting, then polls FILE until it has N lines.  Prints
 * the microseconds from the first fork to the latest of the programs' own
 * stamps (CLOCK_REALTIME, as the supervisors' runs are timed: the poll's
 * period is not in the figure), then on a second line the microseconds of
 * CPU it took itself to start them all (its loop, not the programs);
 * then kills and reaps them all.  Exit status 1, and no figure, when not
 * every program could be started.  (The
 * benchmark times it as it times a supervisor instead: from before its
 * launch to the latest stamp in FILE.)  With -g
 * each program starts in a cgroup of its own, made before its fork and
 * entered by clone3 (cgfloor.h); exit status 2 when that cannot be done
 * here.
 *
 *	usage: startfloor [-g] N STAMP FILE
 */
#include <errno.h>
#include <stdbool.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cgfloor.h"

/* The latest "S pid sec nsec" stamp in PATH, in microseconds; 0 if none. */
static double
last_stamp_us(const char *path)
{
	char line[128];
	long long sec;
	long nsec;
	double t, last = 0;
	FILE *fp;

	if ((fp = fopen(path, "re")) == NULL)
		return 0;
	while (fgets(line, sizeof(line), fp) != NULL)
		if (sscanf(line, "S %*d %lld %ld", &sec, &nsec) == 2 &&
		    (t = (double)sec * 1e6 + (double)(nsec / 1000)) > last)
			last = t;
	fclose(fp);
	return last;
}

static long
lines_in(const char *path)
{
	FILE *fp;
	long n = 0;
	int c;

	if ((fp = fopen(path, "re")) == NULL)
		return 0;
	while ((c = getc(fp)) != EOF)
		if (c == '\n')
			n++;
	fclose(fp);
	return n;
}

int
main(int argc, char *argv[])
{
	char *child_argv[4];
	pid_t *pids;
	struct timespec ts;
	double t0, t1;
	struct rusage ru;
	int n, asked, i, tries, cg = -1;
	bool failed = false;
	bool cgroups = false;
	int c;

	while ((c = getopt(argc, argv, "+g")) != -1)
		if (c == 'g')
			cgroups = true;
		else
			argc = 0;	/* usage */
	argc -= optind - 1;
	argv += optind - 1;
	if (argc != 4 || (n = atoi(argv[1])) < 1) {
		fprintf(stderr, "usage: startfloor [-g] N STAMP FILE\n");
		return 64;
	}
	asked = n;
	if ((pids = calloc((size_t)n, sizeof(*pids))) == NULL)
		return 1;
	if (cgroups && cg_base_make() == -1)
		return 2;
	child_argv[0] = argv[2];
	child_argv[1] = argv[3];
	child_argv[2] = "3600";
	child_argv[3] = NULL;
	clock_gettime(CLOCK_REALTIME, &ts);
	t0 = (double)ts.tv_sec * 1e6 + (double)(ts.tv_nsec / 1000);
	for (i = 0; i < n; i++) {
		if (cgroups && (cg = cg_make(i)) == -1) {
			perror("startfloor: cgroup");
			failed = true;
			break;
		}
		pids[i] = cgroups ? cg_fork(cg) : fork();
		if (cg != -1)
			close(cg);
		if (pids[i] == -1) {
			perror("startfloor: fork");
			failed = true;
			break;
		}
		if (pids[i] == 0) {
			execv(child_argv[0], child_argv);
			_exit(127);
		}
	}
	/* The loop's own CPU time: what a supervisor's would compare with. */
	getrusage(RUSAGE_SELF, &ru);
	for (tries = 0; !failed && lines_in(argv[3]) < n && tries < 12000;
	    tries++)
		usleep(5000);
	t1 = last_stamp_us(argv[3]);
	for (i = 0; i < n && pids[i] > 0; i++)
		kill(pids[i], SIGKILL);
	while (wait(NULL) != -1 || errno == EINTR)
		;
	cg_base_remove(asked);
	if (failed)		/* no figure for fewer programs than asked */
		return 1;
	if (tries >= 12000) {
		fprintf(stderr, "startfloor: only %ld of %d started\n",
		    lines_in(argv[3]), n);
		return 1;
	}
	printf("%.0f\n%.0f\n", t1 - t0,
	    (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e6 +
	    (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec));
	return 0;
}
