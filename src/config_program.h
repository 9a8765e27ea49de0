/*
 * config_program.h: the [program:x] sections: each validated into a
 * struct program_config with its processes expanded; then the checks
 * across programs (unique process names, one writer per log file).
 */
#ifndef SUPERVISOR_CONFIG_PROGRAM_H
#define SUPERVISOR_CONFIG_PROGRAM_H

#include <stdbool.h>

#include "config_value.h"

struct program_config *config_program_load(struct loader *ld,
	    const struct raw_section *rs);
void	config_program_free(struct program_config *pg);
bool	config_check_unique_names(struct loader *ld, struct config *cf);
bool	config_settle_logs(struct loader *ld, struct config *cf);

#endif
