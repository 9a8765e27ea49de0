/*
 * ctlproto.c: splits and checks one control request line.  Shared by the
 * daemon (which must survive any bytes a client sends) and the client;
 * tests/fuzz/fuzz_ctlproto.c feeds it arbitrary input.
 */
#include <stdbool.h>
#include <string.h>

#include "ctlproto.h"

static bool
is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/*
 * Splits line (len bytes, no newline; room for one more) in place into
 * blank-separated words.  Returns 0, or -1 with *why saying what is wrong: a request is
 * text (no NUL or other control characters but tab), at most
 * CTL_LINE_MAX - 1 bytes and CTL_WORDS_MAX words.  An empty line gives
 * rq_argc 0.
 */
int
ctl_parse(char *line, size_t len, struct ctl_request *rq, const char **why)
{
	size_t i;
	char *p;

	rq->rq_argc = 0;
	rq->rq_argv[0] = NULL;
	if (len > 0 && line[len - 1] == '\r')	/* socat's crlf, telnet */
		len--;
	if (len >= CTL_LINE_MAX) {
		*why = "request line too long";
		return -1;
	}
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)line[i];

		if ((c < 0x20 && c != '\t') || c == 0x7f) {
			*why = "request has control characters or binary data";
			return -1;
		}
	}
	line[len] = '\0';
	for (p = line; ; ) {
		while (is_blank(*p))
			p++;
		if (*p == '\0')
			break;
		if (rq->rq_argc == CTL_WORDS_MAX) {
			*why = "too many words in the request";
			rq->rq_argc = 0;
			rq->rq_argv[0] = NULL;
			return -1;
		}
		rq->rq_argv[rq->rq_argc++] = p;
		while (*p != '\0' && !is_blank(*p))
			p++;
		if (*p != '\0')
			*p++ = '\0';
	}
	rq->rq_argv[rq->rq_argc] = NULL;
	return 0;
}

/* A reply field stays one field of one line: tabs, newlines and other
 * control characters become '?'. */
void
ctl_clean_field(char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			*s = '?';
}
