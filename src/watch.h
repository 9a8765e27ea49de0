/*
 * watch.h: following the config file.  Edits of the file and of its
 * includes (watch_config = true, the default) are told to a callback.
 */
#ifndef SUPERVISOR_WATCH_H
#define SUPERVISOR_WATCH_H

#include <ev.h>

#include "config_types.h"

void	watch_start(struct ev_loop *loop, const struct config *cf,
	    void (*changed)(void));
void	watch_follow(const struct config *cf);
void	watch_quiesce(void);
void	watch_stop(void);

#endif
