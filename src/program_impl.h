/*
 * program_impl.h: what program.c (the table, the state machine) and
 * program_reload.c (the table following a new config) share.  Only those
 * two include it; everyone else goes through program.h.
 */
#ifndef SUPERVISOR_PROGRAM_IMPL_H
#define SUPERVISOR_PROGRAM_IMPL_H

#include <ev.h>
#include <stddef.h>

#include "program.h"

/*
 * program.c owns the loop and the table; a reload replaces the table's
 * array and the sweep drops retired processes from it, so both reach it
 * here rather than through file-scope globals.
 */
struct ev_loop *programs_loop(void);
struct process **programs_table(size_t *n);
void	programs_table_set(struct process **list, size_t n);
void	programs_table_sort(void);

/*
 * program_reload.c's part in the state machine: once a process has
 * stopped, it takes the settings a reload left for it, and a retired one
 * is swept out of the table.
 */
void	programs_reload_init(void);
void	programs_reload_stop(void);
void	process_take_next(struct process *p);
void	programs_sweep_soon(void);

#endif
