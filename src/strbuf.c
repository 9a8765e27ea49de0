/*
 * strbuf.c: a growable text buffer and the escapes of the formats the
 * HTTP side writes.  Every byte of a value that is not the format's own
 * goes through an escape here: HTML text and attributes, JSON strings
 * (with <, > and & as \u escapes, so a value never closes a tag), and
 * Prometheus label values.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"

void
sb_free(struct strbuf *b)
{
	free(b->sb_data);
	memset(b, 0, sizeof(*b));
}

/* Empty again, keeping the memory. */
void
sb_reset(struct strbuf *b)
{
	b->sb_len = 0;
	b->sb_nomem = false;
	if (b->sb_data != NULL)
		b->sb_data[0] = '\0';
}

/* Room for n more bytes at once: a text whose size is known roughly
 * is not copied again and again as it grows. */
void
sb_reserve(struct strbuf *b, size_t n)
{
	size_t cap;
	char *nd;

	if (b->sb_nomem || b->sb_len + n + 1 <= b->sb_cap)
		return;
	cap = b->sb_cap ? b->sb_cap : 1024;
	while (cap < b->sb_len + n + 1)
		cap *= 2;
	if ((nd = realloc(b->sb_data, cap)) == NULL) {
		b->sb_nomem = true;
		return;
	}
	b->sb_data = nd;
	b->sb_cap = cap;
}

void
sb_add(struct strbuf *b, const char *s, size_t n)
{
	if (b->sb_len + n + 1 > b->sb_cap)
		sb_reserve(b, n);
	if (b->sb_nomem)
		return;
	memcpy(b->sb_data + b->sb_len, s, n);
	b->sb_len += n;
	b->sb_data[b->sb_len] = '\0';
}

void
sb_str(struct strbuf *b, const char *s)
{
	sb_add(b, s, strlen(s));
}

/* A number in decimal, without printf: a reply about 10,000 processes
 * says 100,000 of them. */
void
sb_uint(struct strbuf *b, unsigned long long v)
{
	char digits[24];
	size_t i = sizeof(digits);

	do
		digits[--i] = (char)('0' + v % 10);
	while ((v /= 10) != 0);
	sb_add(b, digits + i, sizeof(digits) - i);
}

void
sb_int(struct strbuf *b, long long v)
{
	if (v < 0) {
		sb_add(b, "-", 1);
		sb_uint(b, 0ULL - (unsigned long long)v);
	} else
		sb_uint(b, (unsigned long long)v);
}

/* v with three decimals, as "%.3f" says it, without printf for v that
 * rounds to 0 or more (a status or a scrape of 10,000 says 10,000). */
void
sb_milli(struct strbuf *b, double v)
{
	long long m = (long long)(v * 1000.0 + (v < 0 ? -0.5 : 0.5));
	char frac[4];

	if (m < 0) {
		sb_printf(b, "%.3f", v);
		return;
	}
	sb_uint(b, (unsigned long long)(m / 1000));
	frac[0] = '.';
	frac[1] = (char)('0' + m / 100 % 10);
	frac[2] = (char)('0' + m / 10 % 10);
	frac[3] = (char)('0' + m % 10);
	sb_add(b, frac, sizeof(frac));
}

void
sb_printf(struct strbuf *b, const char *fmt, ...)
{
	char small[256], *big;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n < sizeof(small)) {
		sb_add(b, small, (size_t)n);
		return;
	}
	if ((big = malloc((size_t)n + 1)) == NULL) {
		b->sb_nomem = true;
		return;
	}
	va_start(ap, fmt);
	(void)vsnprintf(big, (size_t)n + 1, fmt, ap);
	va_end(ap);
	sb_add(b, big, (size_t)n);
	free(big);
}

/*
 * s with each byte that esc_of() names an escape for replaced by it,
 * the runs between copied whole.
 */
static void
sb_escaped(struct strbuf *b, const char *s, const char *(*esc_of)(char))
{
	const char *run = s, *esc;

	for (; *s != '\0'; s++) {
		if ((esc = esc_of(*s)) == NULL)
			continue;
		sb_add(b, run, (size_t)(s - run));
		sb_str(b, esc);
		run = s + 1;
	}
	sb_add(b, run, (size_t)(s - run));
}

static const char *
html_escape(char ch)
{
	switch (ch) {
	case '&': return "&amp;";
	case '<': return "&lt;";
	case '>': return "&gt;";
	case '"': return "&quot;";
	case '\'': return "&#39;";
	default: return NULL;
	}
}

/* JSON: controls, quote and backslash, and <, > and & (a value never
 * closes a tag) as \u escapes. */
static const char *
json_escape(char c)
{
	static const char hex[] = "0123456789abcdef";
	static char esc[7] = "\\u00";
	unsigned char ch = (unsigned char)c;

	if (ch >= 0x20 && ch != '"' && ch != '\\' && ch != '<' &&
	    ch != '>' && ch != '&' && ch != 0x7f)
		return NULL;
	esc[4] = hex[ch >> 4];
	esc[5] = hex[ch & 15];
	return esc;
}

static const char *
label_escape(char ch)
{
	switch (ch) {
	case '\\': return "\\\\";
	case '"': return "\\\"";
	case '\n': return "\\n";
	default: return NULL;
	}
}

/* Text or a quoted attribute's value in HTML. */
void
sb_html(struct strbuf *b, const char *s)
{
	sb_escaped(b, s, html_escape);
}

/* A JSON string, quotes included. */
void
sb_json(struct strbuf *b, const char *s)
{
	sb_add(b, "\"", 1);
	sb_escaped(b, s, json_escape);
	sb_add(b, "\"", 1);
}

/* A Prometheus label value: backslash, quote and newline escaped. */
void
sb_label(struct strbuf *b, const char *s)
{
	sb_escaped(b, s, label_escape);
}

/* A URL path's segment: what is not unreserved (or ':') as %XX. */
void
sb_url(struct strbuf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	char esc[3] = { '%', 0, 0 };

	for (; *s != '\0'; s++) {
		unsigned char ch = (unsigned char)*s;

		if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		    (ch >= '0' && ch <= '9') || strchr("-._~:", ch) != NULL) {
			sb_add(b, s, 1);
			continue;
		}
		esc[1] = hex[ch >> 4];
		esc[2] = hex[ch & 15];
		sb_add(b, esc, 3);
	}
}
