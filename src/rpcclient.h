/*
 * rpcclient.h: the client side of supervisord's protocol: one XML-RPC
 * call over HTTP/1.1 to a unix:// or http:// server URL, with Basic
 * auth, bounded in size and time; and a GET whose body streams (the
 * /logtail and /mainlogtail that tail -f and fg follow).
 */
#ifndef SUPERVISOR_RPCCLIENT_H
#define SUPERVISOR_RPCCLIENT_H

#include <http_parser.h>
#include <stdbool.h>
#include <stddef.h>

#include "xmlrpc.h"

#define RPCC_BODY_MAX	(64 * 1024 * 1024)	/* a response's body */
#define RPCC_TIMEOUT_S	120		/* a whole call, by default */

/* What went wrong, for the messages supervisorctl gives each. */
enum rpcc_error {
	RPCC_OK,
	RPCC_CONNECT,		/* rc_errno: ENOENT, ECONNREFUSED, ... */
	RPCC_HTTP,		/* rc_status: 401, 404, 500, ... */
	RPCC_PROTOCOL,		/* not HTTP, not XML-RPC, too big, cut */
	RPCC_TIMEOUT,
	RPCC_INTERRUPTED,	/* a signal (Ctrl-C) while waiting */
};

struct rpcc {
	char		*rc_url;	/* as given */
	char		*rc_path;	/* unix://: the socket */
	char		*rc_host;	/* http://: host and port */
	char		*rc_port;
	char		*rc_auth;	/* "Basic ..." or NULL */
	int		 rc_timeout_ms;
	enum rpcc_error	 rc_error;	/* the last call's */
	int		 rc_errno;
	int		 rc_status;
	char		 rc_why[256];	/* the last error in words */
};

/* A GET whose body is followed as it comes. */
struct rpcc_stream {
	int		 rs_fd;
	http_parser	 rs_parser;
	bool		 rs_headers;	/* its headers are all in */
	bool		 rs_done;	/* its body ended */
	void		(*rs_data)(void *ctx, const char *s, size_t n);
	void		*rs_ctx;
};

int	rpcc_init(struct rpcc *c, const char *url, const char *user,
	    const char *pass, char *why, size_t whylen);
void	rpcc_free(struct rpcc *c);
int	rpcc_call(struct rpcc *c, const char *method,
	    const struct xr_buf *params, struct xr_value **result,
	    bool *fault);
void	rpcc_params_string(struct xr_buf *b, const char *s);
void	rpcc_params_int(struct xr_buf *b, long long i);
void	rpcc_params_bool(struct xr_buf *b, bool v);
int	rpcc_stream_open(struct rpcc *c, const char *path,
	    struct rpcc_stream *s,
	    void (*data)(void *ctx, const char *s, size_t n), void *ctx);
int	rpcc_stream_read(struct rpcc *c, struct rpcc_stream *s);
void	rpcc_stream_close(struct rpcc_stream *s);

#endif
