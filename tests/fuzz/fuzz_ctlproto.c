/*
 * fuzz_ctlproto.c: libFuzzer target for the control request parser
 * (src/ctlproto.c).  Any bytes: no crash, no overflow, and what it
 * accepts holds: words are non-empty, blank-free, control-free, inside
 * the line, at most CTL_WORDS_MAX of them.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ctlproto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct ctl_request rq;
	const char *why;
	char *line;
	int i;

	if (size > CTL_LINE_MAX + 64)
		return 0;
	/* Exactly len + 1 bytes, as the server guarantees: ASan sees more. */
	if ((line = malloc(size + 1)) == NULL)
		return 0;
	memcpy(line, data, size);
	if (ctl_parse(line, size, &rq, &why) == 0) {
		if (rq.rq_argc < 0 || rq.rq_argc > CTL_WORDS_MAX ||
		    rq.rq_argv[rq.rq_argc] != NULL)
			abort();
		for (i = 0; i < rq.rq_argc; i++) {
			const char *w = rq.rq_argv[i];

			if (w < line || w >= line + size || *w == '\0' ||
			    strpbrk(w, " \t\r\n") != NULL)
				abort();
			for (; *w != '\0'; w++)
				if ((unsigned char)*w < 0x20 || *w == 0x7f)
					abort();
		}
	} else if (why == NULL || rq.rq_argc != 0)
		abort();
	free(line);
	return 0;
}
