/*
 * config.h: loading the configuration.  config_load() turns an INI file
 * and its includes into a struct config (config_types.h), or into a list
 * of "FILE:LINE: message" errors; config_diff.h compares two.
 */
#ifndef SUPERVISOR_CONFIG_H
#define SUPERVISOR_CONFIG_H

#include "config_types.h"

void		 config_options_init(struct config_options *co);
void		 config_set_options(const struct config_options *co);
void		 config_set_base(const char *dir);

struct config	*config_load(const char *path, struct config_msgs *msgs);
struct config	*config_load_after(const char *path,
		    struct config_msgs *msgs, const struct config *before);
struct config	*config_load_daemon(const char *path,
		    struct config_msgs *msgs);
struct config	*config_load_text(const char *name, const char *text,
		    size_t len, struct config_msgs *msgs);
struct config	*config_load_text_after(const char *name, const char *text,
		    size_t len, struct config_msgs *msgs,
		    const struct config *before);
struct config	*config_ref(struct config *cf);
void		 config_free(struct config *cf);
void		 config_destroy(struct config *cf);
void		 config_set_disposer(void (*fn)(struct config *cf));
void		 config_drop_programs(struct config *cf);
void		 config_msgs_free(struct config_msgs *msgs);
const char	*config_childlogdir(const struct config *cf);
char		*config_default_socket(const char *config_path, long uid);
char		*config_socket_path(const struct config *cf,
		    const char *override, const char *config_path,
		    bool *is_default);

#endif
