/*
 * launchstamp.c: the start-up benchmark's launcher.  It appends
 * "L pid sec nsec" (CLOCK_REALTIME, the clock of stamp.c's lines) to FILE
 * and execs COMMAND: a supervisor, whose one program is stamp, so that
 * stamp's "S" line minus this one is the supervisor's whole start-up, its
 * own exec and the program's included.  With -f it forks first, execs
 * COMMAND in the child and exits: the floor, one fork and one exec, what
 * any supervisor must do at least.
 *
 *	usage: launchstamp [-f] FILE COMMAND [ARG...]
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

int
main(int argc, char **argv)
{
	struct timespec ts;
	char line[96];
	int fd, len, fork_first = 0;
	pid_t pid;

	if (argc > 1 && strcmp(argv[1], "-f") == 0) {
		fork_first = 1;
		argv++;
		argc--;
	}
	if (argc < 3) {
		fprintf(stderr, "usage: launchstamp [-f] FILE COMMAND [ARG...]\n");
		return 2;
	}
	if ((fd = open(argv[1], O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC,
	    0644)) == -1) {
		fprintf(stderr, "launchstamp: open %s: %s\n", argv[1],
		    strerror(errno));
		return 2;
	}
	/* The clock last: the line's own making is not counted. */
	clock_gettime(CLOCK_REALTIME, &ts);
	len = snprintf(line, sizeof(line), "L %ld %lld %ld\n", (long)getpid(),
	    (long long)ts.tv_sec, ts.tv_nsec);
	if (write(fd, line, (size_t)len) != len) {
		fprintf(stderr, "launchstamp: write %s\n", argv[1]);
		return 2;
	}
	close(fd);
	if (fork_first) {
		if ((pid = fork()) == -1) {
			perror("launchstamp: fork");
			return 2;
		}
		if (pid > 0)
			return 0;
	}
	execvp(argv[2], argv + 2);
	fprintf(stderr, "launchstamp: exec %s: %s\n", argv[2], strerror(errno));
	_exit(127);
}
