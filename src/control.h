/*
 * control.h: the control socket.  The daemon listens on a Unix stream
 * socket; each client sends request lines and reads replies (see
 * ctlproto.h).  A handler (command.c's, wired by main.c) answers them.
 */
#ifndef SUPERVISOR_CONTROL_H
#define SUPERVISOR_CONTROL_H

#include <ev.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>

#include "config.h"
#include "ctlproto.h"
#include "http.h"
#include "log.h"

struct ctl_client;

int	 control_listen(const struct config *cf, const char *path,
	    bool is_default);
/* What answers the requests; each function is called with the client. */
struct control_handler {
	/* A request: argv[0] is the command.  Its reply ends with
	 * control_end(), now or later. */
	void	(*ch_request)(struct ctl_client *c, int argc, char **argv);
	/* The client went away, or was dropped: forget it. */
	void	(*ch_gone)(struct ctl_client *c);
	/* A client whose reply goes on (tail) read all it was sent: send
	 * it more. */
	void	(*ch_drained)(struct ctl_client *c);
	/* An HTTP request, authenticated: answered with
	 * control_http_respond() (or a stream), now or later. */
	void	(*ch_http)(struct ctl_client *c, const char *method,
		    const char *url, const char *body, size_t len);
};

void	 control_start(struct ev_loop *loop, const struct control_handler *h);
void	 control_set_timeout(double seconds);
void	 control_set_processes(size_t n);
void	 control_close(void);
void	 control_unlink(void);
void	 control_reply(struct ctl_client *c, const char *fmt, ...)
	    PRINTFLIKE(2, 3);
void	 control_lines(struct ctl_client *c, const char *lines, size_t n);
void	 control_error(struct ctl_client *c, const char *fmt, ...)
	    PRINTFLIKE(2, 3);
void	 control_end(struct ctl_client *c, int code, const char *fmt, ...)
	    PRINTFLIKE(3, 4);
void	 control_data(struct ctl_client *c, const char *data, size_t n);
bool	 control_can_send(const struct ctl_client *c, size_t max);
bool	 control_client_can_read(const struct ctl_client *c,
	    const struct stat *st);
long	 control_client_uid(const struct ctl_client *c);
void	 control_stream(struct ctl_client *c);
void	 control_flush_all(void);
int	 control_listen_inet(const struct config *cf);
void	 control_set_auth(const struct config *cf);
void	 control_http_respond(struct ctl_client *c, int status,
	    const char *ctype, const char *body, size_t len);
void	 control_http_respond_with(struct ctl_client *c, int status,
	    const char *ctype, const char *extra, const char *body,
	    size_t len);
void	 control_http_stream(struct ctl_client *c, const char *ctype);
void	 control_http_stream_with(struct ctl_client *c, const char *ctype,
	    const char *extra);
const char *control_http_header(const struct ctl_client *c,
	    enum http_kept h);
bool	 control_client_readonly(const struct ctl_client *c);
bool	 control_client_open_tcp(const struct ctl_client *c);
size_t	 control_client_count(void);
unsigned long long control_requests(bool http);

#endif
