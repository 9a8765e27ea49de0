/*
 * config_diff.h: comparing two configurations (a reload's question: what
 * changed?).
 */
#ifndef SUPERVISOR_CONFIG_DIFF_H
#define SUPERVISOR_CONFIG_DIFF_H

#include <stdbool.h>
#include <stddef.h>

#include "config_types.h"

bool	config_log_same(const struct log_config *a,
	    const struct log_config *b);
bool	config_process_same(const struct program_config *a,
	    const struct proc_config *pa, const struct program_config *b,
	    const struct proc_config *pb);
void	config_mark_same(struct config *cf, const struct config *before);
size_t	config_daemon_changes(const struct config *a, const struct config *b,
	    const char **keys, size_t max);

#endif
