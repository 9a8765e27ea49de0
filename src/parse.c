/*
 * parse.c: value parsers for the config language.  Each one either fills
 * its result or fails without side effects; config.c turns failures into
 * "FILE:LINE: key: ..." messages.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "parse.h"
#include "signals.h"
#include "strv.h"

/* The longest duration accepted: ten years, far from double's limits. */
#define DURATION_MAX	(10.0 * 365 * 24 * 3600)

/*
 * "10", "0.25", "250ms", "1.5s", "2m", "1h".  A plain number is seconds,
 * as in supervisord.  No signs, exponents, hex, "inf" or "nan": strtod
 * would take those, so the digits are scanned here.
 */
int
parse_duration(const char *s, double *out)
{
	double value = 0, scale = 1, frac = 0.1;
	const char *p = s;
	bool digits = false;

	while (isdigit((unsigned char)*p)) {
		value = value * 10 + (*p++ - '0');
		digits = true;
		if (value > DURATION_MAX * 1000)
			return -1;
	}
	if (*p == '.') {
		p++;
		while (isdigit((unsigned char)*p)) {
			value += frac * (*p++ - '0');
			frac /= 10;
			digits = true;
		}
	}
	if (!digits)
		return -1;
	if (strcmp(p, "ms") == 0)
		scale = 0.001;
	else if (strcmp(p, "s") == 0 || *p == '\0')
		scale = 1;
	else if (strcmp(p, "m") == 0)
		scale = 60;
	else if (strcmp(p, "h") == 0)
		scale = 3600;
	else
		return -1;
	value *= scale;
	if (value > DURATION_MAX)
		return -1;
	*out = value;
	return 0;
}

/* "TERM", "SIGTERM", "term" or "15". */
int
parse_signal(const char *s, int *out)
{
	const char *name = s;
	long n;

	if (parse_int(s, 1, SIGRTMAX, &n) == 0) {
		*out = (int)n;
		return 0;
	}
	if (strncasecmp(name, "SIG", 3) == 0)
		name += 3;
	return signal_from_name(name, out);
}

/* supervisord's words: true/false, yes/no, on/off, 1/0, any case. */
int
parse_bool(const char *s, bool *out)
{
	static const char *const yes[] = { "true", "yes", "on", "1" };
	static const char *const no[] = { "false", "no", "off", "0" };
	size_t i;

	for (i = 0; i < 4; i++) {
		if (strcasecmp(s, yes[i]) == 0) {
			*out = true;
			return 0;
		}
		if (strcasecmp(s, no[i]) == 0) {
			*out = false;
			return 0;
		}
	}
	return -1;
}

/* A decimal integer in [min, max], nothing before or after it. */
int
parse_int(const char *s, long min, long max, long *out)
{
	char *end;
	long n;

	if (*s == '\0' || isspace((unsigned char)*s))
		return -1;
	errno = 0;
	n = strtol(s, &end, 10);
	if (errno != 0 || *end != '\0' || n < min || n > max)
		return -1;
	*out = n;
	return 0;
}

/*
 * An absolute path written one way: "//" and "/./" become "/", and no
 * "/" ends it, so that two names of one file compare equal (".." is left
 * alone: it depends on symbolic links).  In place.
 */
void
path_clean(char *path)
{
	char *in = path, *out = path;

	while (*in != '\0') {
		if (in[0] == '/' && (in[1] == '/' ||
		    (in[1] == '.' && (in[2] == '/' || in[2] == '\0')))) {
			in += in[1] == '/' ? 1 : 2;
			continue;
		}
		*out++ = *in++;
	}
	if (out > path + 1 && out[-1] == '/')
		out--;
	if (out == path)
		*out++ = '/';
	*out = '\0';
}

/*
 * A size as supervisord writes it: a number of bytes, or with KB, MB or
 * GB (powers of 1024, any case; "5 MB" too), at most 2^62.
 */
int
parse_bytes(const char *s, long long *out)
{
	static const struct {
		const char	*suffix;
		long long	 mult;
	} units[] = {
		{ "", 1 }, { "B", 1 }, { "KB", 1LL << 10 }, { "MB", 1LL << 20 },
		{ "GB", 1LL << 30 },
	};
	char *end;
	long long n;
	size_t i;

	if (!isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	n = strtoll(s, &end, 10);
	if (errno != 0)
		return -1;
	while (*end == ' ' || *end == '\t')
		end++;
	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (strcasecmp(end, units[i].suffix) != 0)
			continue;
		if (n > (1LL << 62) / units[i].mult)
			return -1;
		*out = n * units[i].mult;
		return 0;
	}
	return -1;
}

/* An octal mode like "022" or "0o22", at most 0777. */
int
parse_umask(const char *s, int *out)
{
	unsigned long n = 0;
	const char *p = s;

	if (strncasecmp(p, "0o", 2) == 0)
		p += 2;
	if (*p == '\0')
		return -1;
	for (; *p != '\0'; p++) {
		if (*p < '0' || *p > '7')
			return -1;
		n = n * 8 + (unsigned long)(*p - '0');
		if (n > 0777)
			return -1;
	}
	*out = (int)n;
	return 0;
}

/*
 * "0,2" -> codes[0] = codes[2] = 1.  Spaces around the commas are fine.
 * Empty: no status is expected, as in supervisord.
 */
int
parse_exitcodes(const char *s, unsigned char codes[256])
{
	unsigned char tmp[256] = { 0 };
	char buf[16];
	const char *p = s;
	size_t len;
	long n;

	if (s[strspn(s, " \t")] == '\0') {
		memcpy(codes, tmp, sizeof(tmp));
		return 0;
	}
	for (;;) {
		while (*p == ' ' || *p == '\t')
			p++;
		len = strcspn(p, ", \t");
		if (len == 0 || len >= sizeof(buf))
			return -1;
		memcpy(buf, p, len);
		buf[len] = '\0';
		if (parse_int(buf, 0, 255, &n) == -1)
			return -1;
		tmp[n] = 1;
		p += len;
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '\0')
			break;
		if (*p++ != ',')
			return -1;
	}
	memcpy(codes, tmp, sizeof(tmp));
	return 0;
}

/* A growing string for the expander and the splitters. */
struct buf {
	char	*b_data;
	size_t	 b_len;
	size_t	 b_cap;
};

static int
buf_addn(struct buf *b, const char *s, size_t n)
{
	char *nd;
	size_t cap;

	if (b->b_len + n + 1 > b->b_cap) {
		cap = b->b_cap ? b->b_cap : 64;
		while (cap < b->b_len + n + 1)
			cap *= 2;
		if ((nd = realloc(b->b_data, cap)) == NULL)
			return -1;
		b->b_data = nd;
		b->b_cap = cap;
	}
	memcpy(b->b_data + b->b_len, s, n);
	b->b_len += n;
	b->b_data[b->b_len] = '\0';
	return 0;
}

static int
buf_addc(struct buf *b, char c)
{
	return buf_addn(b, &c, 1);
}

/* Makes an empty buffer hold "" so that an empty token is a real string. */
static int
buf_touch(struct buf *b)
{
	return buf_addn(b, "", 0);
}

static const struct expand_var *
expand_lookup(const char *name, const struct expand_var *vars, size_t nvars,
    struct expand_var *env_slot)
{
	size_t i;

	for (i = 0; i < nvars; i++)
		if (strcmp(vars[i].ev_name, name) == 0)
			return &vars[i];
	if (strncmp(name, "ENV_", 4) == 0 && getenv(name + 4) != NULL) {
		env_slot->ev_name = name;
		env_slot->ev_str = getenv(name + 4);
		env_slot->ev_num = 0;
		return env_slot;
	}
	return NULL;
}

/* A width or precision past this is a typo that would eat memory. */
#define EXPAND_WIDTH_MAX	256

/* Every number in a conversion spec (flags, width, precision) in bounds. */
static bool
spec_in_bounds(const char *spec, size_t len)
{
	size_t i;
	long n = 0;

	for (i = 0; i < len; i++) {
		if (!isdigit((unsigned char)spec[i])) {
			n = 0;
			continue;
		}
		n = n * 10 + (spec[i] - '0');
		if (n > EXPAND_WIDTH_MAX)
			return false;
	}
	return true;
}

/* Whether expand(s) would be other than a copy of s (or an error). */
bool
expand_needed(const char *s)
{
	return strchr(s, '%') != NULL || strlen(s) > EXPAND_MAX;
}

/*
 * Python's %-formatting with a mapping, as supervisord uses it:
 * "%(name)s", "%(num)d", "%(num)02d", "%%".  Flags, width and precision
 * are honoured for s and d.  A lone '%' is an error, as in supervisord.
 */
char *
expand(const char *s, const struct expand_var *vars, size_t nvars,
    char *err, size_t errlen)
{
	struct buf out = { 0 };
	struct expand_var env_slot;
	const struct expand_var *var;
	char name[128], spec[32], *piece;
	const char *p = s, *close;
	size_t nlen, slen, run;
	int n;

	/* Most values name nothing: one copy at their size. */
	if (!expand_needed(s)) {
		if ((out.b_data = strdup(s)) == NULL)
			goto nomem;
		return out.b_data;
	}
	if (buf_touch(&out) == -1)
		goto nomem;
	while (*p != '\0') {
		if (*p != '%') {
			run = strcspn(p, "%");
			if (buf_addn(&out, p, run) == -1)
				goto nomem;
			p += run;
			continue;
		}
		if (p[1] == '%') {
			if (buf_addc(&out, '%') == -1)
				goto nomem;
			p += 2;
			continue;
		}
		if (p[1] != '(') {
			snprintf(err, errlen, "a lone '%%' must be written "
			    "'%%%%' (at \"%.20s\")", p);
			goto fail;
		}
		if ((close = strchr(p + 2, ')')) == NULL) {
			snprintf(err, errlen, "unterminated %%(name) "
			    "(at \"%.20s\")", p);
			goto fail;
		}
		nlen = (size_t)(close - (p + 2));
		if (nlen == 0 || nlen >= sizeof(name)) {
			snprintf(err, errlen, "bad %%(name) (at \"%.20s\")", p);
			goto fail;
		}
		memcpy(name, p + 2, nlen);
		name[nlen] = '\0';
		p = close + 1;
		/* Conversion spec: flags, width, precision, then s/d/i. */
		slen = strspn(p, "-+ #0123456789.");
		/* spec holds '%', the flags, "ld" and the NUL. */
		if (slen > sizeof(spec) - 4 || (p[slen] != 's' &&
		    p[slen] != 'd' && p[slen] != 'i')) {
			snprintf(err, errlen, "%%(%s) must be followed by a "
			    "conversion like s or d", name);
			goto fail;
		}
		if (!spec_in_bounds(p, slen)) {
			snprintf(err, errlen, "%%(%s): width or precision above "
			    "%d", name, EXPAND_WIDTH_MAX);
			goto fail;
		}
		var = expand_lookup(name, vars, nvars, &env_slot);
		if (var == NULL && strncmp(name, "ENV_", 4) == 0) {
			snprintf(err, errlen, "%%(%s): environment variable %s "
			    "is not set", name, name + 4);
			goto fail;
		}
		if (var == NULL) {
			snprintf(err, errlen, "unknown name %%(%s)", name);
			goto fail;
		}
		if (slen == 0 && p[0] == 's' && var->ev_str != NULL) {
			/* The usual %(name)s: no format to apply. */
			if (buf_addn(&out, var->ev_str, strlen(var->ev_str))
			    == -1)
				goto nomem;
			p++;
			if (out.b_len > EXPAND_MAX)
				break;
			continue;
		}
		spec[0] = '%';
		memcpy(spec + 1, p, slen);
		if (p[slen] == 's') {
			spec[slen + 1] = 's';
			spec[slen + 2] = '\0';
			if (var->ev_str != NULL)
				n = asprintf(&piece, spec, var->ev_str);
			else {
				char num[32];

				snprintf(num, sizeof(num), "%ld", var->ev_num);
				n = asprintf(&piece, spec, num);
			}
		} else {
			if (var->ev_str != NULL) {
				snprintf(err, errlen, "%%(%s) is not a number",
				    name);
				goto fail;
			}
			spec[slen + 1] = 'l';
			spec[slen + 2] = 'd';
			spec[slen + 3] = '\0';
			n = asprintf(&piece, spec, var->ev_num);
		}
		if (n < 0)
			goto nomem;
		if (buf_addn(&out, piece, (size_t)n) == -1) {
			free(piece);
			goto nomem;
		}
		free(piece);
		p += slen + 1;
		if (out.b_len > EXPAND_MAX)
			break;
	}
	if (out.b_len > EXPAND_MAX) {
		snprintf(err, errlen, "expands to more than %d bytes, the limit "
		    "for one value", EXPAND_MAX);
		goto fail;
	}
	/* Kept to its size: a config keeps 10,000s of these. */
	if (out.b_cap > out.b_len + 1 &&
	    (piece = realloc(out.b_data, out.b_len + 1)) != NULL)
		out.b_data = piece;
	return out.b_data;
nomem:
	snprintf(err, errlen, "out of memory");
fail:
	free(out.b_data);
	return NULL;
}

static bool
is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* What ends a run of plain characters in a word: is_blank's, the
 * escape, the quotes. */
#define SPLIT_SPECIAL	" \t\n\r\\'\""

/*
 * POSIX shell-like word splitting, as Python's shlex.split() that
 * supervisord applies to "command": blanks separate words, '...' is
 * literal, "..." allows \" and \\, a backslash outside quotes escapes the
 * next character.  No variables, globs or comments.
 */
char **
split_command(const char *s, char *err, size_t errlen)
{
	struct buf word = { 0 };
	char **argv = strv_new();
	const char *p = s;
	bool in_word = false;
	size_t run;
	char quote;

	if (argv == NULL)
		goto nomem;
	for (;;) {
		if (*p == '\0' || is_blank(*p)) {
			if (in_word) {
				if (strv_push(&argv, word.b_data) == -1)
					goto nomem;
				word.b_len = 0;
				word.b_data[0] = '\0';
				in_word = false;
			}
			if (*p == '\0')
				break;
			p++;
			continue;
		}
		in_word = true;
		if (buf_touch(&word) == -1)
			goto nomem;
		if (*p == '\\') {
			if (p[1] == '\0') {
				snprintf(err, errlen, "trailing backslash");
				goto fail;
			}
			if (buf_addc(&word, p[1]) == -1)
				goto nomem;
			p += 2;
			continue;
		}
		if (*p != '\'' && *p != '"') {
			/* The run of plain characters, at once. */
			run = strcspn(p, SPLIT_SPECIAL);
			if (run == 0)
				run = 1;
			if (buf_addn(&word, p, run) == -1)
				goto nomem;
			p += run;
			continue;
		}
		quote = *p++;
		for (;;) {
			if (*p == '\0') {
				snprintf(err, errlen, "unterminated %c quote",
				    quote);
				goto fail;
			}
			if (*p == quote) {
				p++;
				break;
			}
			if (quote == '"' && *p == '\\' &&
			    (p[1] == '"' || p[1] == '\\'))
				p++;
			if (buf_addc(&word, *p++) == -1)
				goto nomem;
		}
	}
	free(word.b_data);
	if (argv[0] == NULL) {
		snprintf(err, errlen, "empty command");
		strv_free(argv);
		return NULL;
	}
	/* '' as the program: nothing to run, however it is quoted. */
	if (argv[0][0] == '\0') {
		snprintf(err, errlen, "empty command: the program's name is "
		    "an empty string");
		strv_free(argv);
		return NULL;
	}
	return argv;
nomem:
	snprintf(err, errlen, "out of memory");
fail:
	free(word.b_data);
	strv_free(argv);
	return NULL;
}

/*
 * supervisord's environment syntax: KEY="value",KEY2=value2, with blanks
 * and newlines allowed around the commas and the '='.  Quotes let a value hold commas;
 * inside "..." a backslash escapes " and \.  Returns "KEY=value" strings.
 */
char **
parse_environment(const char *s, char *err, size_t errlen)
{
	struct buf item = { 0 };
	char **env = strv_new();
	const char *p = s, *key;
	size_t klen, vend;
	char quote;

	if (env == NULL)
		goto nomem;
	for (;;) {
		while (is_blank(*p))
			p++;
		if (*p == '\0')
			break;
		key = p;
		klen = strcspn(p, "=, \t\r\n\"'");
		p = key + klen;
		while (*p == ' ' || *p == '\t')
			p++;
		if (klen == 0 || *p != '=') {
			if (klen == 0)
				snprintf(err, errlen, "expected KEY=value at "
				    "\"%.20s\"", p);
			else
				snprintf(err, errlen, "\"%.*s\" has no "
				    "'=value'", (int)(klen > 40 ? 40 : klen),
				    key);
			goto fail;
		}
		item.b_len = 0;
		if (buf_addn(&item, key, klen) == -1 ||
		    buf_addc(&item, '=') == -1)
			goto nomem;
		p++;
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '"' || *p == '\'') {
			quote = *p++;
			while (*p != quote) {
				if (*p == '\0') {
					snprintf(err, errlen, "unterminated %c "
					    "quote in the value of %.*s", quote,
					    (int)(klen > 40 ? 40 : klen), key);
					goto fail;
				}
				if (quote == '"' && *p == '\\' &&
				    (p[1] == '"' || p[1] == '\\'))
					p++;
				if (buf_addc(&item, *p++) == -1)
					goto nomem;
			}
			p++;
		} else {
			/* Unquoted: up to a comma or a blank, as supervisord. */
			vend = strcspn(p, ", \t\r\n");
			if (buf_addn(&item, p, vend) == -1)
				goto nomem;
			p += vend;
		}
		while (is_blank(*p))
			p++;
		if (strv_push(&env, item.b_data) == -1)
			goto nomem;
		if (*p == ',') {
			p++;
			continue;
		}
		if (*p != '\0') {
			snprintf(err, errlen, "expected ',' before \"%.20s\"",
			    p);
			goto fail;
		}
	}
	free(item.b_data);
	return env;
nomem:
	snprintf(err, errlen, "out of memory");
fail:
	free(item.b_data);
	strv_free(env);
	return NULL;
}
