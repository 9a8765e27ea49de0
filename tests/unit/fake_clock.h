/*
 * fake_clock.h: a monotonic clock that moves only when a test moves it.
 * fake_clock.c defines clock_gettime(); libev, linked statically, and
 * monotime.h read it, so timers fire when the test says time has passed.
 */
#ifndef SUPERVISOR_FAKE_CLOCK_H
#define SUPERVISOR_FAKE_CLOCK_H

long long fake_clock_ns(void);
void	fake_clock_set(long long ns);
void	fake_clock_origin(void);
double	fake_clock_elapsed(void);

#endif
