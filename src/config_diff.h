/*
 * config_diff.h: comparing two configurations (a reload's question: what
 * changed?).
 */
#ifndef SUPERVISOR_CONFIG_DIFF_H
#define SUPERVISOR_CONFIG_DIFF_H

#include <stdbool.h>
#include <stddef.h>

#include "config_types.h"
#include "strmap.h"

/*
 * The programs of one config found by name: at the place asked first
 * (a program most often is where it was), its names mapped into a table
 * at the first that is not there.
 */
struct program_finder {
	const struct config	*pf_config;
	struct strmap		 pf_names;
	bool			 pf_mapped;
};

bool	config_log_same(const struct log_config *a,
	    const struct log_config *b);
bool	config_process_same(const struct program_config *a,
	    const struct proc_config *pa, const struct program_config *b,
	    const struct proc_config *pb);
void	config_finder_init(struct program_finder *pf,
	    const struct config *cf);
const struct program_config *config_finder_get(struct program_finder *pf,
	    size_t at, const char *name);
void	config_finder_free(struct program_finder *pf);
void	config_mark_same(struct config *cf, const struct config *before);
size_t	config_daemon_changes(const struct config *a, const struct config *b,
	    const char **keys, size_t max);

#endif
