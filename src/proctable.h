/*
 * proctable.h: every process of the config, in priority order (then file
 * order), found by name or pid; the reaper of every child; the sweep of
 * processes a reload removed once they are gone; counts by state.
 */
#ifndef SUPERVISOR_PROCTABLE_H
#define SUPERVISOR_PROCTABLE_H

#include <ev.h>
#include <stdbool.h>
#include <stddef.h>

#include "config_types.h"
#include "process.h"

int	proctable_init(struct ev_loop *loop, struct config *cf);
void	proctable_free(void);
size_t	proctable_count(void);
bool	proctable_fits(const struct config *cf, char *why, size_t len);
struct process *proctable_get(size_t i);
struct process *proctable_by_name(const char *name);
size_t	proctable_count_in(enum proc_state state);
void	proctable_start_autostart(void);
void	proctable_reopen_logs(void);
void	proctable_split_spec(const char *spec, char *group, size_t glen,
	    const char **proc);
bool	proctable_has_group(const char *group);
struct process *proctable_in_group(const char *group, const char *proc);

/* A reload's part: room first, then the swap, which cannot fail. */
int	proctable_reserve(size_t more);
void	proctable_replace(struct process **list, size_t n, size_t cap);
void	proctable_retire(struct process *p);

#endif
