/*
 * teardown.h: stopping everything, in order, within a bound.
 */
#ifndef SUPERVISOR_TEARDOWN_H
#define SUPERVISOR_TEARDOWN_H

#include <stdbool.h>

void	teardown_init(void (*done)(void));
void	teardown_begin(int exit_status);
void	teardown_kill_all(void);
void	teardown_step(void);
bool	teardown_is_active(void);
bool	teardown_is_hard(void);
int	teardown_exit_status(void);

#endif
