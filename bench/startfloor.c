/*
 * startfloor.c: the floor of starting N programs.  Forks and execs N
 * copies of STAMP FILE 3600 (each appends one line to FILE as it
 * starts) without waiting, then polls FILE until it has N lines.  Prints
 * the microseconds from the first fork to the Nth line; then kills and
 * reaps them all.
 *
 *	usage: startfloor N STAMP FILE
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double
now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
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
	double t0, t1;
	int n, i, tries;

	if (argc != 4 || (n = atoi(argv[1])) < 1) {
		fprintf(stderr, "usage: startfloor N STAMP FILE\n");
		return 64;
	}
	if ((pids = calloc((size_t)n, sizeof(*pids))) == NULL)
		return 1;
	child_argv[0] = argv[2];
	child_argv[1] = argv[3];
	child_argv[2] = "3600";
	child_argv[3] = NULL;
	t0 = now_us();
	for (i = 0; i < n; i++) {
		if ((pids[i] = fork()) == -1) {
			perror("startfloor: fork");
			n = i;
			break;
		}
		if (pids[i] == 0) {
			execv(child_argv[0], child_argv);
			_exit(127);
		}
	}
	for (tries = 0; lines_in(argv[3]) < n && tries < 12000; tries++)
		usleep(5000);
	t1 = now_us();
	for (i = 0; i < n; i++)
		kill(pids[i], SIGKILL);
	while (wait(NULL) != -1 || errno == EINTR)
		;
	if (tries >= 12000) {
		fprintf(stderr, "startfloor: only %ld of %d started\n",
		    lines_in(argv[3]), n);
		return 1;
	}
	printf("%.0f\n", t1 - t0);
	return 0;
}
