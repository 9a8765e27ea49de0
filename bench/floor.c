/*
 * floor.c: the physical floor of restart latency.  Runs STAMP FILE SECONDS
 * (default 0) COUNT times in a row, each by fork + exec + wait and nothing
 * else, so the gap from one exit stamp to the next start stamp is what any
 * supervisor must at least spend (child exit, reap, fork, exec).
 *
 *	usage: floor STAMP FILE COUNT [SECONDS]
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

int
main(int argc, char *argv[])
{
	char *child_argv[4], *end;
	long count, i;
	pid_t pid;
	int status;

	if (argc != 4 && argc != 5) {
		fprintf(stderr, "usage: floor STAMP FILE COUNT [SECONDS]\n");
		return 64;
	}
	count = strtol(argv[3], &end, 10);
	if (end == argv[3] || *end != '\0' || count < 1 || count > 100000) {
		fprintf(stderr, "floor: bad COUNT \"%s\"\n", argv[3]);
		return 64;
	}
	/* Built before the loop: only fork, exec and wait inside it. */
	child_argv[0] = argv[1];
	child_argv[1] = argv[2];
	child_argv[2] = argc == 5 ? argv[4] : "0";
	child_argv[3] = NULL;
	for (i = 0; i < count; i++) {
		if ((pid = fork()) == -1) {
			perror("floor: fork");
			return 1;
		}
		if (pid == 0) {
			execv(child_argv[0], child_argv);
			_exit(127);
		}
		while (waitpid(pid, &status, 0) == -1) {
			if (errno != EINTR) {
				perror("floor: waitpid");
				return 1;
			}
		}
		/* stamp exits 1 by design; anything else means it failed. */
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 1) {
			fprintf(stderr, "floor: %s exited with wait status "
			    "%#x\n", child_argv[0], status);
			return 1;
		}
	}
	return 0;
}
