/*
 * http.c: an HTTP request read with http-parser (Debian's
 * libhttp-parser), one at a time: after a whole one the parser pauses,
 * so pipelined requests wait their turn in the connection's buffer.
 * Every part is capped; over a cap, the request gets the status
 * supervisord's server would send, or the one HTTP names for it.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "http.h"

static struct http_request *
req_of(http_parser *p)
{
	return p->data;
}

static int
refuse(struct http_request *r, int status, const char *why)
{
	r->hr_status = status;
	r->hr_why = why;
	return 1;	/* the parser stops */
}

static int
on_begin(http_parser *p)
{
	struct http_request *r = req_of(p);

	r->hr_urllen = r->hr_authlen = r->hr_fieldlen = 0;
	r->hr_has_auth = r->hr_in_value = false;
	memset(r->hr_has_kept, 0, sizeof(r->hr_has_kept));
	memset(r->hr_keptlen, 0, sizeof(r->hr_keptlen));
	r->hr_header_bytes = r->hr_bodylen = 0;
	return 0;
}

static int
on_url(http_parser *p, const char *at, size_t len)
{
	struct http_request *r = req_of(p);

	if (r->hr_urllen + len > HTTP_URL_MAX)
		return refuse(r, 414, "URL too long");
	memcpy(r->hr_url + r->hr_urllen, at, len);
	r->hr_urllen += len;
	r->hr_url[r->hr_urllen] = '\0';
	return 0;
}

static bool
field_is_auth(const struct http_request *r)
{
	return r->hr_fieldlen == 13 && strncasecmp(r->hr_field,
	    "authorization", 13) == 0;
}

/* Which kept header the field names; -1: none of them. */
static int
field_kept(const struct http_request *r)
{
	if (r->hr_fieldlen == 4 && strncasecmp(r->hr_field, "host", 4) == 0)
		return HTTP_HOST;
	if (r->hr_fieldlen == 6 && strncasecmp(r->hr_field, "origin", 6) == 0)
		return HTTP_ORIGIN;
	return -1;
}

/* A Host or Origin value: kept whole, or the request is refused. */
static int
kept_value(struct http_request *r, const char *at, size_t len)
{
	int h = r->hr_value_of;

	if (r->hr_keptlen[h] + len > HTTP_NAME_MAX)
		return refuse(r, 431, "Host or Origin header too long");
	memcpy(r->hr_kept[h] + r->hr_keptlen[h], at, len);
	r->hr_keptlen[h] += len;
	r->hr_kept[h][r->hr_keptlen[h]] = '\0';
	return 0;
}

static int
on_field(http_parser *p, const char *at, size_t len)
{
	struct http_request *r = req_of(p);

	if ((r->hr_header_bytes += len) > HTTP_HEADERS_MAX)
		return refuse(r, 431, "headers too large");
	if (r->hr_in_value) {		/* a new header begins */
		r->hr_fieldlen = 0;
		r->hr_in_value = false;
	}
	if (r->hr_fieldlen + len < sizeof(r->hr_field))
		memcpy(r->hr_field + r->hr_fieldlen, at, len);
	r->hr_fieldlen += len;		/* too long: matches nothing */
	return 0;
}

static int
on_value(http_parser *p, const char *at, size_t len)
{
	struct http_request *r = req_of(p);

	if ((r->hr_header_bytes += len) > HTTP_HEADERS_MAX)
		return refuse(r, 431, "headers too large");
	if (!r->hr_in_value && field_is_auth(r)) {
		if (r->hr_has_auth)
			return refuse(r, 400, "two Authorization headers");
		r->hr_has_auth = true;
		r->hr_authlen = 0;
	}
	if (!r->hr_in_value) {
		r->hr_value_of = field_kept(r);
		if (r->hr_value_of != -1) {
			if (r->hr_has_kept[r->hr_value_of])
				return refuse(r, 400, "two Host or Origin "
				    "headers");
			r->hr_has_kept[r->hr_value_of] = true;
			r->hr_kept[r->hr_value_of][0] = '\0';
		}
	}
	r->hr_in_value = true;
	if (r->hr_value_of != -1)
		return kept_value(r, at, len);
	if (!field_is_auth(r))
		return 0;
	if (r->hr_authlen + len > HTTP_AUTH_MAX)
		return refuse(r, 431, "Authorization header too long");
	memcpy(r->hr_auth + r->hr_authlen, at, len);
	r->hr_authlen += len;
	r->hr_auth[r->hr_authlen] = '\0';
	return 0;
}

static int
on_headers_complete(http_parser *p)
{
	struct http_request *r = req_of(p);

	/* No Content-Length: content_length is ULLONG_MAX, and a body
	 * comes only chunked (counted as it comes). */
	if (p->content_length != (uint64_t)-1 &&
	    p->content_length > HTTP_BODY_MAX) {
		refuse(r, 413, "body too large");
		return -1;	/* an error: the parser stops */
	}
	return 0;
}

static int
on_body(http_parser *p, const char *at, size_t len)
{
	struct http_request *r = req_of(p);
	size_t cap;
	char *nb;

	if (r->hr_bodylen + len > HTTP_BODY_MAX)
		return refuse(r, 413, "body too large");
	if (r->hr_bodylen + len + 1 > r->hr_bodycap) {
		cap = r->hr_bodycap ? r->hr_bodycap : 4096;
		/*
		 * Room for what is announced, once: Content-Length, or in a
		 * chunked body the chunk's size (http-parser keeps it in
		 * content_length), never more than a body may be: a client
		 * announcing a chunk of 2^54 bytes gets no such buffer.
		 */
		if (p->content_length != (uint64_t)-1 &&
		    p->content_length <= HTTP_BODY_MAX &&
		    r->hr_bodylen + len + p->content_length + 1 > cap)
			cap = r->hr_bodylen + len + p->content_length + 1;
		while (cap < r->hr_bodylen + len + 1)
			cap *= 2;
		if (cap > HTTP_BODY_MAX + 1)
			cap = HTTP_BODY_MAX + 1;
		if ((nb = realloc(r->hr_body, cap)) == NULL)
			return refuse(r, 503, "out of memory");
		r->hr_body = nb;
		r->hr_bodycap = cap;
	}
	memcpy(r->hr_body + r->hr_bodylen, at, len);
	r->hr_bodylen += len;
	r->hr_body[r->hr_bodylen] = '\0';
	return 0;
}

static int
on_complete(http_parser *p)
{
	struct http_request *r = req_of(p);

	r->hr_complete = true;
	http_parser_pause(p, 1);	/* one at a time */
	return 0;
}

static const http_parser_settings settings = {
	.on_message_begin = on_begin,
	.on_url = on_url,
	.on_header_field = on_field,
	.on_header_value = on_value,
	.on_headers_complete = on_headers_complete,
	.on_body = on_body,
	.on_message_complete = on_complete,
};

void
http_request_init(struct http_request *r)
{
	memset(r, 0, sizeof(*r));
	http_parser_init(&r->hr_parser, HTTP_REQUEST);
	r->hr_parser.data = r;
}

/* Done with the request: the next one may be read.  A big body's buffer
 * goes; a small one is kept for the next. */
void
http_request_next(struct http_request *r)
{
	r->hr_complete = false;
	r->hr_bodylen = 0;
	if (r->hr_bodycap > 64 * 1024) {
		free(r->hr_body);
		r->hr_body = NULL;
		r->hr_bodycap = 0;
	}
	http_parser_pause(&r->hr_parser, 0);
}

void
http_request_free(struct http_request *r)
{
	free(r->hr_body);
	r->hr_body = NULL;
	r->hr_bodycap = 0;
}

/*
 * Reads what it can of data: the bytes it took.  Afterwards hr_complete
 * says a request is whole (the rest of data is the next one's), or
 * hr_status an error to answer before closing.
 */
size_t
http_feed(struct http_request *r, const char *data, size_t len)
{
	size_t n;
	enum http_errno e;

	if (r->hr_complete || r->hr_status != 0)
		return 0;
	n = http_parser_execute(&r->hr_parser, &settings, data, len);
	e = HTTP_PARSER_ERRNO(&r->hr_parser);
	if (r->hr_status == 0 && e != HPE_OK && e != HPE_PAUSED) {
		r->hr_status = 400;
		r->hr_why = http_errno_description(e);
	}
	return n;
}

bool
http_keep_alive(const struct http_request *r)
{
	return http_should_keep_alive(&r->hr_parser) != 0;
}

const char *
http_method_name(const struct http_request *r)
{
	return http_method_str((enum http_method)r->hr_parser.method);
}

/* The request's Host or Origin header; NULL: it had none. */
const char *
http_header(const struct http_request *r, enum http_kept h)
{
	return r->hr_has_kept[h] ? r->hr_kept[h] : NULL;
}

const char *
http_status_text(int status)
{
	switch (status) {
	case 200: return "OK";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 408: return "Request Timeout";
	case 413: return "Payload Too Large";
	case 414: return "URI Too Long";
	case 431: return "Request Header Fields Too Large";
	case 500: return "Internal Server Error";
	case 503: return "Service Unavailable";
	default: return "Error";
	}
}
