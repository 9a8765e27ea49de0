/*
 * rpcclient.c: XML-RPC calls over HTTP/1.1, as supervisorctl makes them:
 * a connection per call (unix socket or TCP), the request written whole,
 * the response read with http-parser and decoded with expat.  Every wait
 * is a poll() against the call's deadline; every body has a cap, so a
 * broken or hostile server costs an error message, never a hang.
 */
#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <resolv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "rpcclient.h"
#include "strbuf.h"

#define HOST_MAX	255

/* The response being read: its body, within a cap. */
struct reading {
	struct strbuf rd_body;
	bool	 rd_complete;
	bool	 rd_toobig;
	struct rpcc_stream *rd_stream;	/* a GET followed: bodies go there */
};

static int
fail(struct rpcc *c, enum rpcc_error e, const char *fmt, const char *arg)
{
	c->rc_error = e;
	snprintf(c->rc_why, sizeof(c->rc_why), fmt, arg);
	return -1;
}

/* unix:///path or http://host[:port][/...]; user and pass for Basic. */
int
rpcc_init(struct rpcc *c, const char *url, const char *user,
    const char *pass, char *why, size_t whylen)
{
	const char *h, *end, *colon;
	char *plain = NULL, *enc = NULL;
	size_t n;

	memset(c, 0, sizeof(*c));
	c->rc_timeout_ms = RPCC_TIMEOUT_S * 1000;
	if ((c->rc_url = strdup(url)) == NULL)
		goto nomem;
	if (strncmp(url, "unix://", 7) == 0) {
		if (url[7] == '\0') {
			snprintf(why, whylen, "%s: no socket path", url);
			goto bad;
		}
		if ((c->rc_path = strdup(url + 7)) == NULL)
			goto nomem;
	} else if (strncmp(url, "http://", 7) == 0) {
		h = url + 7;
		end = h + strcspn(h, "/");
		if (*h == '[') {	/* [::1]:9001 */
			colon = memchr(h, ']', (size_t)(end - h));
			if (colon == NULL) {
				snprintf(why, whylen, "%s: an unclosed [", url);
				goto bad;
			}
			c->rc_host = strndup(h + 1, (size_t)(colon - h - 1));
			colon = colon + 1 < end && colon[1] == ':' ? colon + 1 :
			    NULL;
		} else {
			colon = memchr(h, ':', (size_t)(end - h));
			c->rc_host = strndup(h, (size_t)((colon ? colon : end) -
			    h));
		}
		c->rc_port = colon != NULL ? strndup(colon + 1,
		    (size_t)(end - colon - 1)) : strdup("80");
		if (c->rc_host == NULL || c->rc_port == NULL)
			goto nomem;
		if (c->rc_host[0] == '\0' || strlen(c->rc_host) > HOST_MAX ||
		    c->rc_port[0] == '\0') {
			snprintf(why, whylen, "%s: no host or port", url);
			goto bad;
		}
	} else {
		snprintf(why, whylen, "%s: not a unix:// or http:// URL", url);
		goto bad;
	}
	if (user != NULL || pass != NULL) {
		if (asprintf(&plain, "%s:%s", user ? user : "", pass ? pass :
		    "") == -1) {
			plain = NULL;
			goto nomem;
		}
		n = strlen(plain);
		if ((enc = malloc((n + 2) / 3 * 4 + 1)) == NULL ||
		    b64_ntop((unsigned char *)plain, n, enc, (n + 2) / 3 * 4 +
		    1) == -1 || asprintf(&c->rc_auth, "Basic %s", enc) == -1) {
			c->rc_auth = NULL;
			goto nomem;
		}
		explicit_bzero(plain, n);
		free(plain);
		free(enc);
	}
	return 0;
nomem:
	snprintf(why, whylen, "out of memory");
bad:
	free(plain);
	free(enc);
	rpcc_free(c);
	return -1;
}

void
rpcc_free(struct rpcc *c)
{
	free(c->rc_url);
	free(c->rc_path);
	free(c->rc_host);
	free(c->rc_port);
	if (c->rc_auth != NULL)
		explicit_bzero(c->rc_auth, strlen(c->rc_auth));
	free(c->rc_auth);
	memset(c, 0, sizeof(*c));
}

static long long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Waits for fd to be ready for events, until deadline (ms; -1: ever). */
static int
wait_fd(struct rpcc *c, int fd, short events, long long deadline)
{
	struct pollfd pfd = { .fd = fd, .events = events };
	long long left;
	int r;

	for (;;) {
		left = deadline < 0 ? -1 : deadline - now_ms();
		if (deadline >= 0 && left <= 0)
			return fail(c, RPCC_TIMEOUT, "%s: no answer in time "
			    "(SUPERVISOR_CTL_TIMEOUT)", c->rc_url);
		r = poll(&pfd, 1, left > 0x7fffffff ? 0x7fffffff : (int)left);
		if (r == -1 && errno == EINTR)
			return fail(c, RPCC_INTERRUPTED, "%s: interrupted",
			    c->rc_url);
		if (r == -1)
			return fail(c, RPCC_PROTOCOL, "poll: %s",
			    strerror(errno));
		if (r > 0)
			return 0;
	}
}

/* A non-blocking connect, finished within the deadline. */
static int
connect_within(struct rpcc *c, int fd, const struct sockaddr *sa,
    socklen_t len, long long deadline)
{
	socklen_t elen = sizeof(int);
	int err = 0;

	if (connect(fd, sa, len) == 0)
		return 0;
	if (errno != EINPROGRESS && errno != EAGAIN) {
		c->rc_errno = errno;
		return -1;
	}
	if (wait_fd(c, fd, POLLOUT, deadline) == -1)
		return -2;
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &elen) == -1)
		err = errno;
	if (err != 0) {
		c->rc_errno = err;
		return -1;
	}
	return 0;
}

/* A connected, non-blocking socket to the server, or -1. */
static int
connect_server(struct rpcc *c, long long deadline)
{
	struct sockaddr_un sun;
	struct addrinfo hints, *res = NULL, *ai;
	int fd = -1, r, gai;

	c->rc_errno = 0;
	if (c->rc_path != NULL) {
		memset(&sun, 0, sizeof(sun));
		sun.sun_family = AF_UNIX;
		if (strlen(c->rc_path) >= sizeof(sun.sun_path)) {
			c->rc_errno = ENAMETOOLONG;
			return fail(c, RPCC_CONNECT, "%s: path too long",
			    c->rc_url);
		}
		strcpy(sun.sun_path, c->rc_path);
		if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC |
		    SOCK_NONBLOCK, 0)) == -1)
			return fail(c, RPCC_CONNECT, "socket: %s",
			    strerror(errno));
		if ((r = connect_within(c, fd, (struct sockaddr *)&sun,
		    sizeof(sun), deadline)) < 0) {
			close(fd);
			if (r == -2)
				return -1;
			c->rc_error = RPCC_CONNECT;
			snprintf(c->rc_why, sizeof(c->rc_why), "%s: %s",
			    c->rc_url, strerror(c->rc_errno));
			return -1;
		}
		return fd;
	}
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	if ((gai = getaddrinfo(c->rc_host, c->rc_port, &hints, &res)) != 0) {
		c->rc_errno = ENOENT;
		c->rc_error = RPCC_CONNECT;
		snprintf(c->rc_why, sizeof(c->rc_why), "%s: %s", c->rc_url,
		    gai_strerror(gai));
		return -1;
	}
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		if ((fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC |
		    SOCK_NONBLOCK, ai->ai_protocol)) == -1)
			continue;
		if ((r = connect_within(c, fd, ai->ai_addr, ai->ai_addrlen,
		    deadline)) == 0)
			break;
		close(fd);
		fd = -1;
		if (r == -2) {
			freeaddrinfo(res);
			return -1;
		}
	}
	freeaddrinfo(res);
	if (fd == -1) {
		c->rc_error = RPCC_CONNECT;
		snprintf(c->rc_why, sizeof(c->rc_why), "%s: %s", c->rc_url,
		    strerror(c->rc_errno ? c->rc_errno : ECONNREFUSED));
	}
	return fd;
}

static int
send_all(struct rpcc *c, int fd, const char *s, size_t n, long long deadline)
{
	ssize_t w;

	while (n > 0) {
		if ((w = send(fd, s, n, MSG_NOSIGNAL)) == -1) {
			if (errno == EAGAIN || errno == EINTR) {
				if (wait_fd(c, fd, POLLOUT, deadline) == -1)
					return -1;
				continue;
			}
			return fail(c, RPCC_PROTOCOL, "write: %s",
			    strerror(errno));
		}
		s += w;
		n -= (size_t)w;
	}
	return 0;
}

static int
on_body(http_parser *p, const char *at, size_t len)
{
	struct reading *rd = p->data;

	if (rd->rd_stream != NULL) {
		rd->rd_stream->rs_data(rd->rd_stream->rs_ctx, at, len);
		return 0;
	}
	if (len > RPCC_BODY_MAX - rd->rd_body.sb_len) {
		rd->rd_toobig = true;
		return -1;
	}
	sb_add(&rd->rd_body, at, len);
	if (rd->rd_body.sb_nomem) {
		rd->rd_toobig = true;
		return -1;
	}
	return 0;
}

static int
on_headers_complete(http_parser *p)
{
	struct reading *rd = p->data;

	/* A length past the cap is refused before a byte of it comes. */
	if (rd->rd_stream == NULL && p->content_length != ULLONG_MAX &&
	    p->content_length > RPCC_BODY_MAX) {
		rd->rd_toobig = true;
		return -1;
	}
	if (rd->rd_stream != NULL)
		rd->rd_stream->rs_headers = true;
	return 0;
}

static int
on_complete(http_parser *p)
{
	struct reading *rd = p->data;

	rd->rd_complete = true;
	if (rd->rd_stream != NULL)
		rd->rd_stream->rs_done = true;
	return 0;
}

static const http_parser_settings settings = {
	.on_body = on_body,
	.on_headers_complete = on_headers_complete,
	.on_message_complete = on_complete,
};

/* Feeds n bytes (0: the end of the connection) to the parser. */
static int
feed(struct rpcc *c, http_parser *p, const char *buf, size_t n)
{
	struct reading *rd = p->data;
	size_t used;

	used = http_parser_execute(p, &settings, buf, n);
	if (rd->rd_toobig)
		return fail(c, RPCC_PROTOCOL, "%s: the response is too large",
		    c->rc_url);
	if (HTTP_PARSER_ERRNO(p) != HPE_OK && !rd->rd_complete)
		return fail(c, RPCC_PROTOCOL, "%s: not an HTTP response",
		    c->rc_url);
	if (used != n && !rd->rd_complete)
		return fail(c, RPCC_PROTOCOL, "%s: not an HTTP response",
		    c->rc_url);
	return 0;
}

static int
send_request(struct rpcc *c, int fd, const char *method, const char *path,
    const char *body, size_t len, long long deadline)
{
	char head[1024];
	int n;

	n = snprintf(head, sizeof(head), "%s %s HTTP/1.1\r\nHost: %s\r\n"
	    "Accept-Encoding: identity\r\nUser-Agent: supervisorctl\r\n"
	    "%s%s%s" "%s" "\r\n", method, path, c->rc_host ? c->rc_host :
	    "localhost", c->rc_auth ? "Authorization: " : "",
	    c->rc_auth ? c->rc_auth : "", c->rc_auth ? "\r\n" : "",
	    body != NULL ? "Content-Type: text/xml\r\n" : "");
	if (n < 0 || (size_t)n >= sizeof(head))
		return fail(c, RPCC_PROTOCOL, "%s: request path too long",
		    c->rc_url);
	if (body != NULL) {
		/* Content-Length before the blank line. */
		n -= 2;
		n += snprintf(head + n, sizeof(head) - (size_t)n,
		    "Content-Length: %zu\r\n\r\n", len);
		if ((size_t)n >= sizeof(head))
			return fail(c, RPCC_PROTOCOL, "%s: request too long",
			    c->rc_url);
	}
	if (send_all(c, fd, head, (size_t)n, deadline) == -1)
		return -1;
	return body != NULL ? send_all(c, fd, body, len, deadline) : 0;
}

static int
check_status(struct rpcc *c, const http_parser *p)
{
	char code[16];

	if (p->status_code == 200)
		return 0;
	c->rc_status = (int)p->status_code;
	snprintf(code, sizeof(code), "%u", p->status_code);
	c->rc_error = RPCC_HTTP;
	snprintf(c->rc_why, sizeof(c->rc_why), "%s: HTTP status %s %s",
	    c->rc_url, code, http_status_str((enum http_status)p->status_code));
	return -1;
}

/* Reads the response until it is whole (or the connection ends). */
static int
read_response(struct rpcc *c, int fd, http_parser *p, long long deadline)
{
	struct reading *rd = p->data;
	char buf[65536];
	ssize_t n;

	while (!rd->rd_complete) {
		if (wait_fd(c, fd, POLLIN, deadline) == -1)
			return -1;
		n = recv(fd, buf, sizeof(buf), 0);
		if (n == -1 && (errno == EAGAIN || errno == EINTR))
			continue;
		if (n == -1 && errno != ECONNRESET)
			return fail(c, RPCC_PROTOCOL, "read: %s",
			    strerror(errno));
		if (n <= 0) {
			if (feed(c, p, buf, 0) == -1)
				return -1;
			if (!rd->rd_complete)
				return fail(c, RPCC_PROTOCOL, "%s: the "
				    "connection closed before the response "
				    "ended", c->rc_url);
			break;
		}
		if (feed(c, p, buf, (size_t)n) == -1)
			return -1;
	}
	return 0;
}

/*
 * Calls method with params (the <param>s written by rpcc_params_*):
 * 0 with *result (a Fault: *fault true, the struct in *result), or -1
 * with rc_error and rc_why set.
 */
int
rpcc_call(struct rpcc *c, const char *method, const struct xr_buf *params,
    struct xr_value **result, bool *fault)
{
	struct xr_buf req = { 0 };
	struct reading rd = { 0 };
	http_parser p;
	long long deadline = now_ms() + c->rc_timeout_ms;
	char why[200];
	int fd, r = -1;

	*result = NULL;
	c->rc_error = RPCC_OK;
	c->rc_status = 0;
	xr_raw(&req, "<?xml version='1.0'?>\n<methodCall>\n<methodName>");
	xr_raw(&req, method);
	xr_raw(&req, "</methodName>\n<params>\n");
	if (params != NULL && params->xb_data != NULL)
		xr_raw(&req, params->xb_data);
	xr_raw(&req, "</params>\n</methodCall>\n");
	if (req.xb_nomem || (params != NULL && params->xb_nomem)) {
		xr_buf_free(&req);
		return fail(c, RPCC_PROTOCOL, "%s", "out of memory");
	}
	if ((fd = connect_server(c, deadline)) == -1) {
		xr_buf_free(&req);
		return -1;
	}
	http_parser_init(&p, HTTP_RESPONSE);
	p.data = &rd;
	if (send_request(c, fd, "POST", "/RPC2", req.xb_data, req.xb_len,
	    deadline) == -1 || read_response(c, fd, &p, deadline) == -1)
		goto out;
	if (check_status(c, &p) == -1)
		goto out;
	if (xr_decode_response(rd.rd_body.sb_data ? rd.rd_body.sb_data : "",
	    rd.rd_body.sb_len,
	    result, fault, why, sizeof(why)) == -1) {
		fail(c, RPCC_PROTOCOL, "not an XML-RPC response: %s", why);
		goto out;
	}
	r = 0;
out:
	close(fd);
	xr_buf_free(&req);
	sb_free(&rd.rd_body);
	return r;
}

void
rpcc_params_string(struct xr_buf *b, const char *s)
{
	xr_raw(b, "<param>");
	xr_string(b, s);
	xr_raw(b, "</param>\n");
}

void
rpcc_params_int(struct xr_buf *b, long long i)
{
	xr_raw(b, "<param>");
	xr_int(b, i);
	xr_raw(b, "</param>\n");
}

void
rpcc_params_bool(struct xr_buf *b, bool v)
{
	xr_raw(b, "<param>");
	xr_bool(b, v);
	xr_raw(b, "</param>\n");
}

/*
 * GET path, its headers read within the call's time; then its body is
 * read by rpcc_stream_read as the caller's poll finds s->rs_fd ready,
 * each piece handed to data.  0, or -1 with rc_error and rc_why.
 */
int
rpcc_stream_open(struct rpcc *c, const char *path, struct rpcc_stream *s,
    void (*data)(void *ctx, const char *s, size_t n), void *ctx)
{
	struct reading *rd;
	long long deadline = now_ms() + c->rc_timeout_ms;
	char buf[4096];
	ssize_t n;

	memset(s, 0, sizeof(*s));
	s->rs_fd = -1;
	s->rs_data = data;
	s->rs_ctx = ctx;
	c->rc_error = RPCC_OK;
	if ((rd = calloc(1, sizeof(*rd))) == NULL)
		return fail(c, RPCC_PROTOCOL, "%s", "out of memory");
	rd->rd_stream = s;
	http_parser_init(&s->rs_parser, HTTP_RESPONSE);
	s->rs_parser.data = rd;
	if ((s->rs_fd = connect_server(c, deadline)) == -1 ||
	    send_request(c, s->rs_fd, "GET", path, NULL, 0, deadline) == -1)
		goto bad;
	while (!s->rs_headers && !s->rs_done) {
		if (wait_fd(c, s->rs_fd, POLLIN, deadline) == -1)
			goto bad;
		n = recv(s->rs_fd, buf, sizeof(buf), 0);
		if (n == -1 && (errno == EAGAIN || errno == EINTR))
			continue;
		if (n <= 0) {
			fail(c, RPCC_PROTOCOL, "%s: the connection closed "
			    "before the response", c->rc_url);
			goto bad;
		}
		if (feed(c, &s->rs_parser, buf, (size_t)n) == -1)
			goto bad;
	}
	if (check_status(c, &s->rs_parser) == -1)
		goto bad;
	return 0;
bad:
	rpcc_stream_close(s);
	return -1;
}

/* What is there to read: 0, or 1 when the stream ended, -1 on error. */
int
rpcc_stream_read(struct rpcc *c, struct rpcc_stream *s)
{
	char buf[65536];
	ssize_t n;

	n = recv(s->rs_fd, buf, sizeof(buf), 0);
	if (n == -1 && (errno == EAGAIN || errno == EINTR))
		return 0;
	if (n <= 0) {
		feed(c, &s->rs_parser, buf, 0);
		return 1;
	}
	if (feed(c, &s->rs_parser, buf, (size_t)n) == -1)
		return -1;
	return s->rs_done ? 1 : 0;
}

void
rpcc_stream_close(struct rpcc_stream *s)
{
	if (s->rs_fd != -1)
		close(s->rs_fd);
	s->rs_fd = -1;
	free(s->rs_parser.data);
	s->rs_parser.data = NULL;
}
