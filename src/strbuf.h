/*
 * strbuf.h: text being made for a client (a page, an event, metrics):
 * appended to, with the escapes HTML, JSON and Prometheus's labels need.
 * A failed allocation sets sb_nomem; the writers then do nothing.
 */
#ifndef SUPERVISOR_STRBUF_H
#define SUPERVISOR_STRBUF_H

#include <stdbool.h>
#include <stddef.h>

#include "log.h"

struct strbuf {
	char	*sb_data;	/* NUL-terminated once anything is in it */
	size_t	 sb_len;
	size_t	 sb_cap;
	bool	 sb_nomem;
};

void	sb_free(struct strbuf *b);
void	sb_reset(struct strbuf *b);
void	sb_reserve(struct strbuf *b, size_t n);
void	sb_add(struct strbuf *b, const char *s, size_t n);
void	sb_str(struct strbuf *b, const char *s);
void	sb_uint(struct strbuf *b, unsigned long long v);
void	sb_int(struct strbuf *b, long long v);
void	sb_milli(struct strbuf *b, double v);
void	sb_printf(struct strbuf *b, const char *fmt, ...) PRINTFLIKE(2, 3);
void	sb_html(struct strbuf *b, const char *s);
void	sb_json(struct strbuf *b, const char *s);
void	sb_label(struct strbuf *b, const char *s);
void	sb_url(struct strbuf *b, const char *s);

#endif
