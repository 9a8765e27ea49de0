/*
 * teardown.h: stopping everything, in order, within a bound.
 */
#ifndef SUPERVISOR_TEARDOWN_H
#define SUPERVISOR_TEARDOWN_H

#include <ev.h>
#include <stdbool.h>

void	teardown_init(struct ev_loop *loop, void (*done)(void));
void	teardown_free(void);
void	teardown_begin(int exit_status);
void	teardown_kill_all(void);
bool	teardown_is_active(void);
int	teardown_exit_status(void);

#endif
