/*
 * fuzz_parse.c: libFuzzer target for the value parsers (src/parse.c).
 * The first byte picks the parser, the rest is its string.  Any bytes:
 * no crash, leak or overflow, and what a parser accepts is in range.
 */
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse.h"
#include "signals.h"
#include "strv.h"

enum parser {
	P_DURATION,
	P_SIGNAL,
	P_BYTES,
	P_BOOL,
	P_INT,
	P_UMASK,
	P_EXITCODES,
	P_EXPAND,
	P_SPLIT_COMMAND,
	P_ENVIRONMENT,
	P_PATH_CLEAN,
	P_COUNT
};

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	/* %(ENV_FUZZ_HOME)s expands the same on every machine. */
	setenv("FUZZ_HOME", "/home/fuzz", 1);
	return 0;
}

/* A parser's message: set, NUL-terminated, inside its buffer. */
static void
check_err(const char *err)
{
	if (err[0] == '\0' || memchr(err, '\0', PARSE_ERRLEN) == NULL)
		abort();
}

static void
check_strv(char **v, bool nonempty)
{
	size_t i;

	if (nonempty && v[0] == NULL)
		abort();
	for (i = 0; v[i] != NULL; i++)
		(void)strlen(v[i]);
	strv_free(v);
}

static void
fuzz_path_clean(const char *s, size_t len)
{
	char *path, *again;
	size_t out;

	/* path_clean takes absolute paths: the loader makes them so. */
	if ((path = malloc(len + 2)) == NULL)
		return;
	path[0] = '/';
	memcpy(path + 1, s, len + 1);
	path_clean(path);
	out = strlen(path);
	if (out == 0 || out > len + 1 || path[0] != '/' ||
	    strstr(path, "//") != NULL || strstr(path, "/./") != NULL ||
	    (out > 1 && path[out - 1] == '/') ||
	    (out >= 2 && strcmp(path + out - 2, "/.") == 0))
		abort();
	/* Written one way: cleaning again changes nothing. */
	if ((again = strdup(path)) != NULL) {
		path_clean(again);
		if (strcmp(again, path) != 0)
			abort();
		free(again);
	}
	free(path);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct expand_var vars[] = {
		{ "here", "/etc/supervisor", 0 },
		{ "program_name", "web", 0 },
		{ "group_name", "web", 0 },
		{ "host_node_name", "fuzzhost", 0 },
		{ "process_num", NULL, 3 },
		{ "numprocs", NULL, 4 },
	};
	unsigned char codes[256];
	char err[PARSE_ERRLEN], *s, *out, **v;
	long long bytes;
	double d;
	long n;
	bool b;
	int i;
	size_t len;

	if (size < 1 || size > 64 * 1024)
		return 0;
	len = size - 1;
	/* Exactly len + 1 bytes, as the loader's strings: ASan sees more. */
	if ((s = malloc(len + 1)) == NULL)
		return 0;
	memcpy(s, data + 1, len);
	s[len] = '\0';
	err[0] = '\0';
	switch (data[0] % P_COUNT) {
	case P_DURATION:
		if (parse_duration(s, &d) == 0 && !(d >= 0 && isfinite(d)))
			abort();
		break;
	case P_SIGNAL:
		if (parse_signal(s, &i) == 0 &&
		    (i < 1 || i > SIGRTMAX || signal_name(i) == NULL))
			abort();
		break;
	case P_BYTES:
		if (parse_bytes(s, &bytes) == 0 &&
		    (bytes < 0 || bytes > (1LL << 62)))
			abort();
		break;
	case P_BOOL:
		(void)parse_bool(s, &b);
		break;
	case P_INT:
		if (parse_int(s, -1000, 100000, &n) == 0 &&
		    (n < -1000 || n > 100000))
			abort();
		(void)parse_int(s, LONG_MIN, LONG_MAX, &n);
		break;
	case P_UMASK:
		if (parse_umask(s, &i) == 0 && (i < 0 || i > 0777))
			abort();
		break;
	case P_EXITCODES:
		/* Refused: codes are left as they were. */
		memset(codes, 0xaa, sizeof(codes));
		if (parse_exitcodes(s, codes) == 0) {
			for (i = 0; i < 256; i++)
				if (codes[i] > 1)
					abort();
		} else {
			for (i = 0; i < 256; i++)
				if (codes[i] != 0xaa)
					abort();
		}
		break;
	case P_EXPAND:
		if ((out = expand(s, vars, sizeof(vars) / sizeof(vars[0]),
		    err, sizeof(err))) == NULL)
			check_err(err);
		free(out);
		break;
	case P_SPLIT_COMMAND:
		if ((v = split_command(s, err, sizeof(err))) == NULL)
			check_err(err);
		else
			check_strv(v, true);
		break;
	case P_ENVIRONMENT:
		if ((v = parse_environment(s, err, sizeof(err))) == NULL)
			check_err(err);
		else {
			for (i = 0; v[i] != NULL; i++)
				if (strchr(v[i], '=') == NULL ||
				    v[i][0] == '=')
					abort();
			check_strv(v, false);
		}
		break;
	case P_PATH_CLEAN:
		fuzz_path_clean(s, len);
		break;
	}
	free(s);
	return 0;
}
