/*
 * config_files.h: reading the config's files: the StrictModes check of
 * each (as root) and the [include] files.
 */
#ifndef SUPERVISOR_CONFIG_FILES_H
#define SUPERVISOR_CONFIG_FILES_H

#include <stdbool.h>

#include "config_value.h"

struct inifile_sink;

/* Adds path to ld_files and makes it the file messages name; -1: no memory. */
int	config_add_file(struct loader *ld, const char *path);
/* A config file open to read, or -1 after saying why (as root: refused
 * when others could have written it; an include is then skipped). */
int	config_open(struct loader *ld, const char *path, bool include);
/* Reads the main file's [include] files into ld, through sink. */
void	config_read_includes(struct loader *ld,
	    const struct inifile_sink *sink);

#endif
