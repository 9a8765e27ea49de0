/*
 * config_ready.h: ready=, healthcheck= and depends_on= of a program, and
 * the dependency graph's check across programs.
 */
#ifndef SUPERVISOR_CONFIG_READY_H
#define SUPERVISOR_CONFIG_READY_H

#include <stdbool.h>

#include "config_value.h"

/* Dependencies one program may name. */
#define CONFIG_DEPENDS_MAX	256

bool	config_probe_parse(struct loader *ld, const char *key, int line,
	    const char *value, struct probe_config *pb, bool health);
void	config_probe_free(struct probe_config *pb);
bool	config_depends_parse(struct loader *ld, int line, const char *value,
	    struct program_config *pg);
void	config_depends_free(struct program_config *pg);
bool	config_check_depends(struct loader *ld, struct config *cf,
	    bool all_loaded);
const char *config_condition_name(enum dep_condition cond);

#endif
