/*
 * test_ctlproto.c: the control protocol's request splitting (src/ctlproto.c):
 * words, blanks, CR, limits, and the bytes that make a request malformed.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctlproto.h"
#include "unit.h"

static char buf[CTL_LINE_MAX + 16];
static struct ctl_request rq;
static const char *why;

/* Parses s (copied into a buffer with room for the terminator). */
static int
parse(const char *s, size_t len)
{
	memcpy(buf, s, len);
	why = NULL;
	return ctl_parse(buf, len, &rq, &why);
}

static int
parse_str(const char *s)
{
	return parse(s, strlen(s));
}

static void
test_words(void)
{
	CHECK("one word", parse_str("status") == 0 && rq.rq_argc == 1 &&
	    strcmp(rq.rq_argv[0], "status") == 0 && rq.rq_argv[1] == NULL);
	CHECK("words split at blanks, runs of them too",
	    parse_str("  start\t --no-wait   web:*  all ") == 0 &&
	    rq.rq_argc == 4 && strcmp(rq.rq_argv[1], "--no-wait") == 0 &&
	    strcmp(rq.rq_argv[2], "web:*") == 0 &&
	    strcmp(rq.rq_argv[3], "all") == 0);
	CHECK("a trailing CR is dropped (socat crlf, telnet)",
	    parse_str("status\r") == 0 && rq.rq_argc == 1 &&
	    strcmp(rq.rq_argv[0], "status") == 0);
	CHECK("an empty line is no request", parse_str("") == 0 &&
	    rq.rq_argc == 0 && rq.rq_argv[0] == NULL);
	CHECK("blanks only are no request", parse_str(" \t ") == 0 &&
	    rq.rq_argc == 0);
	CHECK("UTF-8 names pass", parse_str("status caf\xc3\xa9") == 0 &&
	    rq.rq_argc == 2 && strcmp(rq.rq_argv[1], "caf\xc3\xa9") == 0);
}

static void
test_malformed(void)
{
	char big[CTL_LINE_MAX + 8], many[CTL_WORDS_MAX * 2 + 8];
	size_t i;

	CHECK("NUL is binary data", parse("stat\0us", 7) == -1 &&
	    why != NULL && strstr(why, "control") != NULL);
	CHECK("ESC is refused", parse_str("status \x1b[31m") == -1);
	CHECK("DEL is refused", parse_str("status \x7f") == -1);
	CHECK("a CR inside is refused", parse_str("sta\rtus") == -1);
	memset(big, 'a', sizeof(big));
	CHECK("4095 bytes pass", parse(big, CTL_LINE_MAX - 1) == 0 &&
	    rq.rq_argc == 1 && strlen(rq.rq_argv[0]) == CTL_LINE_MAX - 1);
	CHECK("4096 bytes are too long", parse(big, CTL_LINE_MAX) == -1 &&
	    strstr(why, "too long") != NULL);
	for (i = 0; i < CTL_WORDS_MAX; i++) {
		many[2 * i] = 'x';
		many[2 * i + 1] = ' ';
	}
	CHECK("CTL_WORDS_MAX words pass",
	    parse(many, 2 * CTL_WORDS_MAX) == 0 &&
	    rq.rq_argc == CTL_WORDS_MAX && rq.rq_argv[CTL_WORDS_MAX] == NULL);
	many[2 * CTL_WORDS_MAX] = 'y';
	CHECK("one more word is refused",
	    parse(many, 2 * CTL_WORDS_MAX + 1) == -1 && rq.rq_argc == 0 &&
	    strstr(why, "too many") != NULL);
}

static void
test_clean_field(void)
{
	char s[] = "a\tb\nc\x01" "d\x7f" "e";

	ctl_clean_field(s);
	CHECK_STR("tabs, newlines and control bytes become ?", s,
	    "a?b?c?d?e");
}

int
main(void)
{
	UNIT_BEGIN("test_ctlproto");
	test_words();
	test_malformed();
	test_clean_field();
	return unit_failed;
}
