/*
 * http.h: one HTTP/1.1 request read from a connection's bytes with
 * http-parser, within bounds: the URL, the headers, the body.  The
 * connection (control.c) feeds it and answers; nothing here writes.
 */
#ifndef SUPERVISOR_HTTP_H
#define SUPERVISOR_HTTP_H

#include <http_parser.h>
#include <stdbool.h>
#include <stddef.h>

#define HTTP_URL_MAX	2048		/* the request's URL */
#define HTTP_AUTH_MAX	1024		/* its Authorization header */
#define HTTP_HEADERS_MAX (32 * 1024)	/* all its header lines */
#define HTTP_BODY_MAX	(2 * 1024 * 1024) /* its body */
#define HTTP_NAME_MAX	255		/* its Host and Origin headers */

/* The short headers kept besides Authorization (the web page's checks). */
enum http_kept { HTTP_HOST, HTTP_ORIGIN, HTTP_KEPT };

struct http_request {
	http_parser	 hr_parser;
	char		 hr_url[HTTP_URL_MAX + 1];
	size_t		 hr_urllen;
	char		 hr_auth[HTTP_AUTH_MAX + 1];
	size_t		 hr_authlen;
	bool		 hr_has_auth;
	char		 hr_kept[HTTP_KEPT][HTTP_NAME_MAX + 1]; /* Host, Origin */
	size_t		 hr_keptlen[HTTP_KEPT];
	bool		 hr_has_kept[HTTP_KEPT];
	int		 hr_value_of;	/* the header being read: HTTP_HOST,
					   HTTP_ORIGIN; -1: another */
	char		 hr_field[16];	/* the header's name, if short */
	size_t		 hr_fieldlen;
	bool		 hr_in_value;	/* between a field and the next */
	size_t		 hr_header_bytes;
	char		*hr_body;
	size_t		 hr_bodylen;
	size_t		 hr_bodycap;
	bool		 hr_complete;	/* a whole request is here */
	int		 hr_status;	/* an error to answer: 400, 413, ... */
	const char	*hr_why;
};

void	http_request_init(struct http_request *r);
void	http_request_next(struct http_request *r);
void	http_request_free(struct http_request *r);
size_t	http_feed(struct http_request *r, const char *data, size_t len);
bool	http_keep_alive(const struct http_request *r);
const char *http_method_name(const struct http_request *r);
const char *http_status_text(int status);
const char *http_header(const struct http_request *r, enum http_kept h);

#endif
