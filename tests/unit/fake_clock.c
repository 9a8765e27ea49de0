/*
 * fake_clock.c: CLOCK_MONOTONIC (and the other clocks counted from boot)
 * as the test sets it, in whole nanoseconds; every other clock is the
 * kernel's.  Defined in the test binary, this clock_gettime() is the one
 * libev's static objects and the supervisor's modules call.
 */
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "fake_clock.h"

#define NS	1000000000LL

/* Far from 0, as on a machine up for a while. */
static long long now_ns = 1000 * NS;
static long long origin_ns = 1000 * NS;

int
clock_gettime(clockid_t id, struct timespec *ts)
{
	switch (id) {
	case CLOCK_MONOTONIC:
	case CLOCK_MONOTONIC_RAW:
	case CLOCK_MONOTONIC_COARSE:
	case CLOCK_BOOTTIME:
		ts->tv_sec = (time_t)(now_ns / NS);
		ts->tv_nsec = (long)(now_ns % NS);
		return 0;
	default:
		return (int)syscall(SYS_clock_gettime, id, ts);
	}
}

long long
fake_clock_ns(void)
{
	return now_ns;
}

/* The clock never goes back. */
void
fake_clock_set(long long ns)
{
	if (ns > now_ns)
		now_ns = ns;
}

/* What fake_clock_elapsed() counts from: now. */
void
fake_clock_origin(void)
{
	origin_ns = now_ns;
}

double
fake_clock_elapsed(void)
{
	return (double)(now_ns - origin_ns) / (double)NS;
}
