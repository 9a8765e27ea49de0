/*
 * inifile.c: the line reader under inih.  It splits the file into logical
 * lines the way supervisord's parser does (comments, indented continuation
 * lines joined with "\n", any length) and feeds them to inih's
 * ini_parse_stream(), which calls back for each section and entry; an
 * entry's key and value travel beside inih's fixed line buffer (any
 * length, already split).  Every callback carries the physical line where
 * its logical line starts.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <ini.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "inifile.h"
#include "strv.h"

enum logical_kind {
	LOGICAL_SECTION,
	LOGICAL_ENTRY,
	LOGICAL_KNOWN,		/* a section the sink has (is_known): told
				   to it, not handed to inih */
};

/*
 * One section header or one key with its (joined) value.  Their text is
 * in the reader's r_text, by offset (it moves as it grows): 80,000 lines
 * are one buffer, not two allocations each.
 */
struct logical {
	enum logical_kind	 lg_kind;
	int			 lg_line;	/* physical line it starts on */
	uint32_t		 lg_key;	/* section name, or lowercased key */
	uint32_t		 lg_value;	/* after the key's NUL */
	uint32_t		 lg_value_len;	/* (the text is at most twice
						   INIFILE_MAX_SIZE: 20 bytes
						   a line, not 32) */
};

/* A span (see inifile.h) whose header made a section. */
struct span {
	size_t		 sp_section;	/* its header's logical line */
	uint64_t	 sp_hash;	/* 0: not a span of one section */
	bool		 sp_skipped;	/* is_known: its keys not split */
};

struct reader {
	const struct inifile_sink *r_sink;
	struct span	*r_spans;
	size_t		 r_nspans;
	size_t		 r_spans_cap;
	size_t		 r_span_next;	/* next span to tell the sink of */
	struct span	*r_in_span;	/* the span being split, or NULL */
	struct logical	*r_lines;
	size_t		 r_count;
	size_t		 r_cap;
	char		*r_text;	/* the keys and values, NUL after each */
	size_t		 r_used;
	size_t		 r_size;
	size_t		 r_next;	/* next logical line to hand to inih */
	const char	*r_section;	/* current section, full length */
	struct logical	*r_current;	/* the line inih is parsing now: a
					   section, or the first of a run of
					   entries ... */
	struct logical	*r_run_end;	/* ... and the line after the run */
};

static bool
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

/* Room for len more bytes of text; -1 out of memory. */
static int
reader_room(struct reader *r, size_t len)
{
	size_t size;
	char *nt;

	if (r->r_size - r->r_used >= len)
		return 0;
	size = r->r_size ? r->r_size : 4096;
	while (size - r->r_used < len)
		size *= 2;
	if ((nt = realloc(r->r_text, size)) == NULL)
		return -1;
	r->r_text = nt;
	r->r_size = size;
	return 0;
}

static int
reader_reserve(struct reader *r, const char *text, size_t len)
{
	const char *p = text, *end = text + len;
	size_t lines = 1;

	while (p < end && (p = memchr(p, '\n', (size_t)(end - p))) != NULL) {
		lines++;
		p++;
	}
	/* Blank and comment lines make none: a file of newlines reserves
	 * no more than its size, and reader_add grows past the guess. */
	if (lines > len / 8 + 64)
		lines = len / 8 + 64;
	if ((r->r_lines = reallocarray(NULL, lines, sizeof(*r->r_lines))) ==
	    NULL)
		return -1;
	r->r_cap = lines;
	return reader_room(r, len + 16);
}

static struct logical *
reader_add(struct reader *r, enum logical_kind kind, int line, const char *key,
    size_t keylen, const char *value, size_t valuelen)
{
	struct logical *lg, *nl;
	size_t cap, i;
	char *t;

	if (r->r_count == r->r_cap) {
		cap = r->r_cap ? r->r_cap * 2 : 32;
		if ((nl = realloc(r->r_lines, cap * sizeof(*nl))) == NULL)
			return NULL;
		r->r_lines = nl;
		r->r_cap = cap;
	}
	if (reader_room(r, keylen + 1 + valuelen + 1) == -1)
		return NULL;
	lg = &r->r_lines[r->r_count];
	memset(lg, 0, sizeof(*lg));
	lg->lg_kind = kind;
	lg->lg_line = line;
	lg->lg_key = (uint32_t)r->r_used;
	t = r->r_text + r->r_used;
	if (kind == LOGICAL_ENTRY) {
		for (i = 0; i < keylen; i++)
			t[i] = (char)tolower((unsigned char)key[i]);
	} else
		memcpy(t, key, keylen);
	t[keylen] = '\0';
	r->r_used += keylen + 1;
	lg->lg_value = (uint32_t)r->r_used;
	if (kind == LOGICAL_ENTRY) {
		memcpy(r->r_text + r->r_used, value, valuelen);
		lg->lg_value_len = (uint32_t)valuelen;
	}
	r->r_text[r->r_used + lg->lg_value_len] = '\0';
	r->r_used += lg->lg_value_len + 1;
	r->r_count++;
	return lg;
}

static const char *
logical_key(const struct reader *r, const struct logical *lg)
{
	return r->r_text + lg->lg_key;
}

static const char *
logical_value(const struct reader *r, const struct logical *lg)
{
	return r->r_text + lg->lg_value;
}

/*
 * Appends "\n" x blanks, "\n", text to a continued value: the last line
 * added, so its value ends the text and grows in place.
 */
static int
logical_continue(struct reader *r, struct logical *lg, int blanks,
    const char *text, size_t len)
{
	size_t nl;

	if (reader_room(r, (size_t)blanks + 1 + len) == -1)
		return -1;
	/* "key =" with the value on the next lines: no leading newline. */
	nl = lg->lg_value_len == 0 ? 0 : (size_t)blanks + 1;
	r->r_used--;			/* over the value's NUL */
	memset(r->r_text + r->r_used, '\n', nl);
	r->r_used += nl;
	memcpy(r->r_text + r->r_used, text, len);
	r->r_used += len;
	r->r_text[r->r_used++] = '\0';
	lg->lg_value_len += (uint32_t)(nl + len);
	return 0;
}

static void
reader_error(struct reader *r, int line, const char *msg)
{
	r->r_sink->is_error(r->r_sink->is_ctx, line, msg);
	if (r->r_in_span != NULL)
		r->r_in_span->sp_hash = 0;	/* read again: said again */
}

/*
 * Where the span that starts at start ends: at the next line that starts
 * with '[', or len; *lines: the newlines before it.
 */
static size_t
span_end(const char *text, size_t start, size_t len, int *lines)
{
	const char *p = text + start, *end = text + len;

	*lines = 0;
	while ((p = memchr(p, '\n', (size_t)(end - p))) != NULL) {
		(*lines)++;
		if (++p < end && *p == '[')
			return (size_t)(p - text);
	}
	return len;
}

/* Records the span of the section just added; NULL out of memory. */
static struct span *
span_add(struct reader *r, uint64_t hash, bool skipped)
{
	struct span *sp;
	size_t cap;

	if (r->r_nspans == r->r_spans_cap) {
		cap = r->r_spans_cap ? r->r_spans_cap * 2 : 64;
		if ((sp = reallocarray(r->r_spans, cap, sizeof(*sp))) == NULL)
			return NULL;
		r->r_spans = sp;
		r->r_spans_cap = cap;
	}
	sp = &r->r_spans[r->r_nspans++];
	sp->sp_section = r->r_count - 1;
	sp->sp_hash = hash != 0 ? hash : 1;
	sp->sp_skipped = skipped;
	return sp;
}

/*
 * Where a comment starts on this line, as supervisord's parser sees it:
 * ';' or '#' first on the line (after blanks) or after a blank.  Returns
 * the line's length when there is none.
 */
static size_t
comment_start(const char *s, size_t len)
{
	size_t i;

	/* Most lines have neither: memchr looks at 32 bytes at a time. */
	if (memchr(s, ';', len) == NULL && memchr(s, '#', len) == NULL)
		return len;
	for (i = 0; i < len; i++) {
		if ((s[i] == ';' || s[i] == '#') && (i == 0 ||
		    is_space(s[i - 1])))
			return i;
	}
	return len;
}

/* Splits the text into logical lines; reports malformed lines. */
static int
reader_split(struct reader *r, const char *text, size_t len)
{
	struct logical *option = NULL;	/* the key a continuation extends */
	bool option_skipped = false;	/* ... or one of a skipped section */
	bool skip_section = false;	/* is_wanted said no */
	char name[256];
	size_t option_indent = 0, pos = 0, end, vlen, linelen, cstart, indent;
	size_t sep;
	const char *line, *value, *nl;
	bool in_section = false;
	int lineno = 0, blanks = 0, span_lines = 0;
	size_t span_at = SIZE_MAX, span_to = 0;	/* the span this line is in
						   (SIZE_MAX: none) */
	bool spans = r->r_sink->is_span != NULL;
	uint64_t span_hash = 0;

	/* A UTF-8 byte order mark, as editors on some systems write. */
	if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0)
		pos = 3;
	while (pos < len) {
		lineno++;
		line = text + pos;
		if (spans && pos >= span_to) {	/* out of the span */
			r->r_in_span = NULL;
			span_hash = 0;
			span_at = SIZE_MAX;
			if (*line == '[') {
				span_at = pos;
				span_to = span_end(text, pos, len, &span_lines);
				span_hash = hash64_bytes(HASH64_INIT, line,
				    span_to - pos);
			}
		}
		nl = memchr(line, '\n', len - pos);
		end = nl != NULL ? (size_t)(nl - text) : len;
		linelen = end - pos;
		pos = end < len ? end + 1 : end;

		cstart = comment_start(line, linelen);
		indent = 0;
		while (indent < linelen && is_space(line[indent]))
			indent++;
		value = line + indent;
		vlen = cstart > indent ? cstart - indent : 0;
		while (vlen > 0 && is_space(value[vlen - 1]))
			vlen--;
		if (vlen == 0) {
			/*
			 * A blank line (not a comment) inside a value keeps
			 * its place if the value continues after it.
			 */
			if (option != NULL && cstart == linelen)
				blanks++;
			continue;
		}
		if (memchr(value, '\0', vlen) != NULL) {
			reader_error(r, lineno, "NUL byte in line");
			option = NULL;
			continue;
		}
		if ((option != NULL || option_skipped) &&
		    indent > option_indent) {
			if (option != NULL && logical_continue(r, option,
			    blanks, value, vlen) == -1)
				return -1;
			blanks = 0;
			continue;
		}
		blanks = 0;
		option = NULL;
		option_skipped = false;
		option_indent = indent;
		if (value[0] == '[') {
			if (value[vlen - 1] != ']') {
				reader_error(r, lineno, "section header "
				    "without a closing ']'");
				in_section = false;
				continue;
			}
			value++;
			vlen -= 2;
			while (vlen > 0 && is_space(*value)) {
				value++;
				vlen--;
			}
			while (vlen > 0 && is_space(value[vlen - 1]))
				vlen--;
			if (vlen == 0) {
				reader_error(r, lineno, "empty section name");
				in_section = false;
				continue;
			}
			if (reader_add(r, LOGICAL_SECTION, lineno, value, vlen,
			    NULL, 0) == NULL)
				return -1;
			in_section = true;
			skip_section = false;
			if (r->r_sink->is_wanted != NULL && vlen < sizeof(name)) {
				memcpy(name, value, vlen);
				name[vlen] = '\0';
				skip_section = !r->r_sink->is_wanted(
				    r->r_sink->is_ctx, name);
			}
			if (!spans)
				continue;
			if ((size_t)(line - text) != span_at) {
				/* A second section in the span: not one. */
				if (r->r_in_span != NULL)
					r->r_in_span->sp_hash = 0;
				continue;
			}
			if (r->r_sink->is_known != NULL &&
			    r->r_sink->is_known(r->r_sink->is_ctx,
			    logical_key(r, &r->r_lines[r->r_count - 1]),
			    span_hash)) {
				if (span_add(r, span_hash, true) == NULL)
					return -1;
				r->r_lines[r->r_count - 1].lg_kind =
				    LOGICAL_KNOWN;
				/* Its lines are the sink's already. */
				lineno += span_lines - (span_to < len ||
				    (len > 0 && text[len - 1] == '\n'));
				pos = span_to;
				continue;
			}
			if ((r->r_in_span = span_add(r, span_hash, false)) ==
			    NULL)
				return -1;
			continue;
		}
		if (!in_section) {
			reader_error(r, lineno, "key outside of any [section]");
			continue;
		}
		/* Within the line: text from memory need not end in a NUL. */
		sep = 0;
		while (sep < vlen && value[sep] != '=' && value[sep] != ':')
			sep++;
		if (sep == vlen) {
			reader_error(r, lineno, "expected \"key = value\" or "
			    "\"[section]\"");
			continue;
		}
		end = sep;
		while (end > 0 && is_space(value[end - 1]))
			end--;
		if (end == 0) {
			reader_error(r, lineno, "missing key before '='");
			continue;
		}
		if (skip_section) {	/* a thousand programs nobody asked for */
			option_skipped = true;
			continue;
		}
		indent = sep + 1;
		while (indent < vlen && is_space(value[indent]))
			indent++;
		option = reader_add(r, LOGICAL_ENTRY, lineno, value, end,
		    value + indent, vlen - indent);
		if (option == NULL)
			return -1;
	}
	return 0;
}

/* A section header, told to the sink: its name, and its span's hash. */
static const char *
section_tell(struct reader *r, const struct logical *lg)
{
	const struct span *sp;
	const char *key = logical_key(r, lg);

	r->r_section = key;
	r->r_sink->is_section(r->r_sink->is_ctx, lg->lg_line, key);
	if (r->r_span_next < r->r_nspans &&
	    r->r_spans[r->r_span_next].sp_section == (size_t)(lg - r->r_lines)) {
		sp = &r->r_spans[r->r_span_next++];
		r->r_sink->is_span(r->r_sink->is_ctx, sp->sp_hash,
		    sp->sp_skipped);
	}
	return key;
}

/*
 * inih's reader: a section header as it is (or as "[-]" when inih could
 * not read its name back); the entries that follow it, one "k=" for all
 * of them: their keys and values, already split, trimmed and joined as
 * supervisord's parser does, go to the sink from the handler (inih
 * splitting 80,000 lines again would find the same).  A section the sink
 * knew (and whose keys it has) is told to it here and not handed on:
 * inih would have nothing to do with it.
 */
static char *
reader_next(char *str, int num, void *stream)
{
	struct reader *r = stream;
	struct logical *lg;
	const char *key;
	size_t keylen;

	do {
		if (r->r_next >= r->r_count || num < 8)
			return NULL;
		lg = &r->r_lines[r->r_next++];
		if (lg->lg_kind == LOGICAL_KNOWN)
			(void)section_tell(r, lg);
	} while (lg->lg_kind == LOGICAL_KNOWN);
	r->r_current = lg;
	if (lg->lg_kind == LOGICAL_ENTRY) {
		while (r->r_next < r->r_count &&
		    r->r_lines[r->r_next].lg_kind == LOGICAL_ENTRY)
			r->r_next++;
		r->r_run_end = &r->r_lines[r->r_next];
		memcpy(str, "k=\n", 4);
		return str;
	}
	key = section_tell(r, lg);
	keylen = strlen(key);
	if (keylen + 3 < (size_t)num && strcspn(key, "];") == keylen) {
		str[0] = '[';
		memcpy(str + 1, key, keylen);
		memcpy(str + 1 + keylen, "]\n", 3);
	} else
		memcpy(str, "[-]\n", 5);
	return str;
}

static int
reader_handler(void *user, const char *section, const char *name,
    const char *value)
{
	struct reader *r = user;
	struct logical *lg = r->r_current;

	(void)section;
	(void)name;
	(void)value;
	if (lg == NULL || lg->lg_kind != LOGICAL_ENTRY || r->r_section == NULL)
		return 1;
	for (; lg < r->r_run_end; lg++)
		r->r_sink->is_entry(r->r_sink->is_ctx, lg->lg_line,
		    r->r_section, logical_key(r, lg), logical_value(r, lg));
	return 1;
}

/* The logical line of the nth line handed to inih (from 1); NULL: none. */
static const struct logical *
handed(const struct reader *r, size_t n)
{
	size_t i;

	for (i = 0; i < r->r_count; i++) {
		if (r->r_lines[i].lg_kind == LOGICAL_KNOWN)
			continue;
		if (--n == 0)
			return &r->r_lines[i];
		while (r->r_lines[i].lg_kind == LOGICAL_ENTRY &&
		    i + 1 < r->r_count &&
		    r->r_lines[i + 1].lg_kind == LOGICAL_ENTRY)
			i++;
	}
	return NULL;
}

static void
reader_free(struct reader *r)
{
	free(r->r_spans);
	free(r->r_lines);
	free(r->r_text);
}

int
inifile_parse_text(const char *text, size_t len,
    const struct inifile_sink *sink)
{
	const struct logical *lg;
	struct reader r;
	int rc;

	memset(&r, 0, sizeof(r));
	r.r_sink = sink;
	if (len > INIFILE_MAX_SIZE) {
		errno = EFBIG;
		return -1;
	}
	/* Sized once: a logical line's text is never longer than its lines
	 * (the '=' and newline it drops are its two NULs), and there are no
	 * more logical lines than lines (below a cap); growing 80,000 of
	 * them copied megabytes. */
	if (reader_reserve(&r, text, len) == -1 ||
	    reader_split(&r, text, len) == -1) {
		reader_free(&r);
		errno = ENOMEM;
		return -1;
	}
	r.r_in_span = NULL;
	rc = ini_parse_stream(reader_next, &r, reader_handler, &r);
	if (rc > 0 && (lg = handed(&r, (size_t)rc)) != NULL)
		reader_error(&r, lg->lg_line, "syntax error");
	reader_free(&r);
	if (rc < 0) {
		errno = ENOMEM;
		return -1;
	}
	return 0;
}

/*
 * Reads the regular file open on fd (which it closes) and parses it.
 * Returns -1 with errno set when it can't be read: EINVAL when it is not
 * a regular file, EFBIG when it is over INIFILE_MAX_SIZE.
 */
int
inifile_parse_fd(int fd, const struct inifile_sink *sink)
{
	struct stat st;
	char *text;
	size_t got = 0;
	ssize_t n;
	int rc, saved;

	if (fstat(fd, &st) == -1) {
		saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}
	if (!S_ISREG(st.st_mode) || st.st_size > INIFILE_MAX_SIZE) {
		close(fd);
		errno = S_ISDIR(st.st_mode) ? EISDIR : !S_ISREG(st.st_mode) ?
		    EINVAL : EFBIG;
		return -1;
	}
	if ((text = malloc((size_t)st.st_size + 1)) == NULL) {
		close(fd);
		errno = ENOMEM;
		return -1;
	}
	/* The file may change size while it is read: take what is there. */
	while (got < (size_t)st.st_size) {
		n = read(fd, text + got, (size_t)st.st_size - got);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			saved = errno;
			free(text);
			close(fd);
			errno = saved;
			return -1;
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	text[got] = '\0';
	rc = inifile_parse_text(text, got, sink);
	free(text);
	return rc;
}

/*
 * Opens path without blocking (a FIFO there would hold the caller until
 * someone writes it) and parses it; -1 with errno as inifile_parse_fd.
 */
int
inifile_parse_file(const char *path, const struct inifile_sink *sink)
{
	int fd;

	if ((fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)) == -1)
		return -1;
	return inifile_parse_fd(fd, sink);
}
