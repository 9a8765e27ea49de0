/*
 * program_impl.h: what program.c (the table, the state machine),
 * program_exit.c (exits and failed starts) and program_reload.c (the table
 * following a new config) share.  Only those include it; everyone else
 * goes through program.h.
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

/*
 * program.c's pieces of the state machine that program_exit.c uses to
 * retry, restart or give up.
 */
/* Every change of p_state: logs it and tells the observer. */
void	process_set_state(struct process *p, enum proc_state state);
/* (Re)arms p_timer for after seconds from now, not the loop's stale now. */
void	process_timer_start(struct process *p, double after);
/* Seconds since p's current process was spawned (monotonic). */
double	process_uptime(const struct process *p);
/* Forks and execs p: STARTING (or RUNNING with startsecs=0), or a failed
 * start handed to process_failed_start. */
void	process_spawn_attempt(struct process *p);

/*
 * program_exit.c: the state machine hands it a leader's exit (RUNNING or
 * STARTING) or the end of a runtime-limit stop, and spawning a failed
 * start; each decides between restart, backoff, EXITED/FATAL and
 * shutdown_on_exit.
 */
/* A start that did not reach RUNNING: BACKOFF and a retry, or FATAL. */
void	process_failed_start(struct process *p);
/* A RUNNING process exited on its own: restart it, or not. */
void	process_running_exited(struct process *p);
/* A STARTING process died before startsecs. */
void	process_starting_exited(struct process *p);
/* The stop the runtime limit began is done: treated as an unexpected exit. */
void	process_limit_stop_done(struct process *p);

#endif
