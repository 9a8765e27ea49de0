/*
 * watch.h: following the config file.  Edits of the file and of its
 * includes (watch_config = true, the default) lead to a reload.
 */
#ifndef SUPERVISOR_WATCH_H
#define SUPERVISOR_WATCH_H

#include <ev.h>

#include "config.h"

void	watch_start(struct ev_loop *loop, const struct config *cf);
void	watch_stop(void);

#endif
