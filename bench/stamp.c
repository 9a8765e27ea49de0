/*
 * stamp.c: the program the restart benchmark supervises.  It appends
 * "S pid sec nsec" (CLOCK_REALTIME) to FILE as soon as it starts, runs for
 * SECONDS, appends "E pid sec nsec" and exits with status 1.
 *
 *	usage: stamp FILE SECONDS
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static void
stamp(const char *path, char kind, const struct timespec *ts)
{
	char line[96];
	ssize_t n;
	int fd, len;

	len = snprintf(line, sizeof(line), "%c %ld %lld %ld\n", kind,
	    (long)getpid(), (long long)ts->tv_sec, ts->tv_nsec);
	if (len < 0 || (size_t)len >= sizeof(line)) {
		fprintf(stderr, "stamp: line too long\n");
		exit(2);
	}
	/* O_APPEND and one write: lines of successive runs never mix. */
	if ((fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC,
	    0644)) == -1) {
		fprintf(stderr, "stamp: open %s: %s\n", path, strerror(errno));
		exit(2);
	}
	do {
		n = write(fd, line, (size_t)len);
	} while (n == -1 && errno == EINTR);
	if (n != len) {
		fprintf(stderr, "stamp: write %s: %s\n", path,
		    n == -1 ? strerror(errno) : "short write");
		exit(2);
	}
	if (close(fd) == -1) {
		fprintf(stderr, "stamp: close %s: %s\n", path, strerror(errno));
		exit(2);
	}
}

/* Sleeps until an absolute monotonic deadline, across signals. */
static void
run_for(double seconds)
{
	struct timespec deadline;
	int rc;

	if (clock_gettime(CLOCK_MONOTONIC, &deadline) == -1) {
		perror("stamp: clock_gettime");
		exit(2);
	}
	deadline.tv_sec += (time_t)seconds;
	deadline.tv_nsec += (long)((seconds - (double)(time_t)seconds) * 1e9);
	if (deadline.tv_nsec >= 1000000000L) {
		deadline.tv_sec++;
		deadline.tv_nsec -= 1000000000L;
	}
	while ((rc = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME,
	    &deadline, NULL)) == EINTR)
		;
	if (rc != 0) {
		fprintf(stderr, "stamp: clock_nanosleep: %s\n", strerror(rc));
		exit(2);
	}
}

int
main(int argc, char *argv[])
{
	struct timespec ts;
	char *end;
	double seconds;

	/* The start stamp is the first thing: exec time counts as restart. */
	if (clock_gettime(CLOCK_REALTIME, &ts) == -1) {
		perror("stamp: clock_gettime");
		return 2;
	}
	if (argc != 3) {
		fprintf(stderr, "usage: stamp FILE SECONDS\n");
		return 64;
	}
	seconds = strtod(argv[2], &end);
	if (end == argv[2] || *end != '\0' || seconds < 0 || seconds > 3600) {
		fprintf(stderr, "stamp: bad SECONDS \"%s\"\n", argv[2]);
		return 64;
	}
	stamp(argv[1], 'S', &ts);
	if (seconds > 0)
		run_for(seconds);
	if (clock_gettime(CLOCK_REALTIME, &ts) == -1) {
		perror("stamp: clock_gettime");
		return 2;
	}
	stamp(argv[1], 'E', &ts);
	return 1;
}
