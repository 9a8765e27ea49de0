/*
 * control.h: the control socket.  The daemon listens on a Unix stream
 * socket; each client sends request lines and reads replies (see
 * ctlproto.h).  What each request does is command.c's.
 */
#ifndef SUPERVISOR_CONTROL_H
#define SUPERVISOR_CONTROL_H

#include <ev.h>
#include <stdbool.h>
#include <stddef.h>

#include "config.h"
#include "ctlproto.h"
#include "log.h"

struct ctl_client;

char	*control_default_path(const char *config_path);
char	*control_socket_path(const struct config *cf, const char *override,
	    const char *config_path, bool *is_default);
int	 control_listen(const struct config *cf, const char *path,
	    bool is_default);
void	 control_start(struct ev_loop *loop, const struct config *cf);
void	 control_set_timeout(double seconds);
void	 control_close(void);
void	 control_unlink(void);
void	 control_reply(struct ctl_client *c, const char *fmt, ...)
	    PRINTFLIKE(2, 3);
void	 control_error(struct ctl_client *c, const char *fmt, ...)
	    PRINTFLIKE(2, 3);
void	 control_end(struct ctl_client *c, int code, const char *fmt, ...)
	    PRINTFLIKE(3, 4);
void	 control_data(struct ctl_client *c, const char *data, size_t n);
size_t	 control_pending(const struct ctl_client *c);
void	 control_stream(struct ctl_client *c);
void	 control_flush_all(void);

#endif
