/*
 * depends.h: depends_on: a process starts once what it depends on holds
 * (the process layer's gate), waits in WAITING until then, and with
 * depends_restart is restarted when a dependency restarts.
 */
#ifndef SUPERVISOR_DEPENDS_H
#define SUPERVISOR_DEPENDS_H

#include <ev.h>
#include <stdbool.h>

#include "process.h"

void	depends_start(struct ev_loop *loop);
void	depends_recheck(void);
void	depends_stop(void);
bool	depends_blocked(struct process *p, char *why, size_t len);
bool	depends_doomed(struct process *p);

#endif
