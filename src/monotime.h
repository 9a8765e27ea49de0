/*
 * monotime.h: the monotonic clock, which a wall-clock step never moves:
 * every duration, deadline and rate limit of the supervisor is measured
 * on it.
 */
#ifndef SUPERVISOR_MONOTIME_H
#define SUPERVISOR_MONOTIME_H

#include <time.h>

/* Seconds since some fixed point (boot), with nanoseconds. */
static inline double
mono_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

#endif
