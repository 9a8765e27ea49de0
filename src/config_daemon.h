/*
 * config_daemon.h: the supervisor's own sections, [supervisor] (or
 * supervisord's [supervisord]) and [unix_http_server], and where the
 * control socket is when the config does not say.
 */
#ifndef SUPERVISOR_CONFIG_DAEMON_H
#define SUPERVISOR_CONFIG_DAEMON_H

#include <stdbool.h>

#include "config_value.h"

bool	config_supervisor_load(struct loader *ld, struct config *cf,
	    const struct raw_section *rs);
bool	config_supervisor_env(struct loader *ld);
void	config_supervisor_options(struct loader *ld, struct config *cf,
	    const struct config_options *co);
bool	config_socket_load(struct loader *ld, struct config *cf,
	    const struct raw_section *rs);
bool	config_ctl_load(struct loader *ld, struct config *cf,
	    const struct raw_section *rs);
bool	config_inet_load(struct loader *ld, struct config *cf,
	    const struct raw_section *rs);

#endif
