/*
 * filled.c: the end of a run of the output benchmark.  Polls every 2 ms
 * until FILE and its rotated copies FILE.1, FILE.2, ... together hold
 * exactly BYTES, then prints that moment (CLOCK_REALTIME, microseconds).
 * Exactly: a copy seen twice while a rotation renames the files can make
 * the sum too large for a moment, never the right size.
 *
 *	usage: filled BYTES SECONDS FILE
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#define POLL_NS		2000000L	/* 2 ms */
#define MAX_COPIES	1000

static long long
now_us(clockid_t clock)
{
	struct timespec ts;

	if (clock_gettime(clock, &ts) == -1) {
		perror("filled: clock_gettime");
		exit(2);
	}
	return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* FILE's size plus its copies' up to the first missing one. */
static long long
held(const char *path)
{
	char copy[PATH_MAX];
	struct stat st;
	long long sum;
	int i;

	if (stat(path, &st) == -1)
		return 0;
	sum = st.st_size;
	for (i = 1; i <= MAX_COPIES; i++) {
		if (snprintf(copy, sizeof(copy), "%s.%d", path, i) >=
		    (int)sizeof(copy) || stat(copy, &st) == -1)
			break;
		sum += st.st_size;
	}
	return sum;
}

int
main(int argc, char *argv[])
{
	const struct timespec poll = { 0, POLL_NS };
	long long bytes, deadline, sum;
	char *end;
	long secs;

	if (argc != 4) {
		fprintf(stderr, "usage: filled BYTES SECONDS FILE\n");
		return 64;
	}
	errno = 0;
	bytes = strtoll(argv[1], &end, 10);
	if (errno != 0 || end == argv[1] || *end != '\0' || bytes < 0) {
		fprintf(stderr, "filled: bad BYTES \"%s\"\n", argv[1]);
		return 64;
	}
	secs = strtol(argv[2], &end, 10);
	if (end == argv[2] || *end != '\0' || secs <= 0 || secs > 86400) {
		fprintf(stderr, "filled: bad SECONDS \"%s\"\n", argv[2]);
		return 64;
	}
	deadline = now_us(CLOCK_MONOTONIC) + (long long)secs * 1000000;
	while ((sum = held(argv[3])) != bytes) {
		if (now_us(CLOCK_MONOTONIC) >= deadline) {
			fprintf(stderr, "filled: %s holds %lld of %lld bytes "
			    "after %ld s\n", argv[3], sum, bytes, secs);
			return 1;
		}
		nanosleep(&poll, NULL);
	}
	printf("%lld\n", now_us(CLOCK_REALTIME));
	return 0;
}
