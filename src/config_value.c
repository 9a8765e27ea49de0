/*
 * config_value.c: the loader's working state and the helpers every
 * section loader shares: the raw sections and keys read from the files
 * (with their lines), "FILE:LINE: message" reporting, the key tables and
 * the check of one value against its key's type, %(...) expansion.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <pwd.h>
#include <sys/utsname.h>

#include "config_value.h"
#include "inifile.h"
#include "log.h"
#include "parse.h"
#include "strmap.h"
#include "strv.h"

void
config_msg(struct loader *ld, bool error, int line, const char *fmt, ...)
{
	struct config_msgs *m = ld->ld_msgs;
	struct config_msg *nl;
	char text[1024];
	int n;
	va_list ap;

	/* Line 0 is the file as a whole (it could not be read). */
	if (line > 0)
		n = snprintf(text, sizeof(text), "%s:%d: %s", ld->ld_file,
		    line, error ? "" : "warning: ");
	else
		n = snprintf(text, sizeof(text), "%s: %s", ld->ld_file,
		    error ? "" : "warning: ");
	va_start(ap, fmt);
	if (n > 0 && (size_t)n < sizeof(text))
		vsnprintf(text + n, sizeof(text) - (size_t)n, fmt, ap);
	va_end(ap);
	nl = realloc(m->cm_list, (m->cm_count + 1) * sizeof(*nl));
	if (nl == NULL) {
		ld->ld_nomem = true;
		return;
	}
	m->cm_list = nl;
	if ((nl[m->cm_count].cm_text = strdup(text)) == NULL) {
		ld->ld_nomem = true;
		return;
	}
	nl[m->cm_count].cm_error = error;
	nl[m->cm_count].cm_file = ld->ld_file_index;
	nl[m->cm_count].cm_line = line;
	nl[m->cm_count].cm_seq = m->cm_count;
	m->cm_count++;
	if (error)
		m->cm_errors++;
}

/* Quotes a user's value for a message, cut short if it is long. */
const char *
config_quoted(const char *value, char *buf, size_t len)
{
	size_t vlen = strlen(value);

	if (vlen + 3 <= len)
		snprintf(buf, len, "\"%s\"", value);
	else
		snprintf(buf, len, "\"%.*s...\"", (int)(len - 6), value);
	return buf;
}

/* The section called name, or NULL: by the index, not by a scan. */
const struct raw_section *
config_section_find(const struct loader *ld, const char *name)
{
	uintptr_t at = (uintptr_t)strmap_get(&ld->ld_index, name);

	return at == 0 ? NULL : &ld->ld_sections[at - 1];
}

/* [program:x] or [eventlistener:x]: a section config_program_load reads. */
bool
config_is_program_section(const char *name)
{
	return strncmp(name, "program:", 8) == 0 ||
	    strncmp(name, "eventlistener:", 14) == 0;
}

/*
 * A process's section ([program:x] and the like) is written once; in two
 * files it is likely a copy left behind.  The supervisor's own sections
 * are layered on purpose: Debian's main file has [supervisord], and a
 * file in conf.d sets it again for a container.
 */
static bool
is_process_section(const char *name)
{
	static const char *const prefixes[] = {
		"program:", "fcgi-program:", "eventlistener:", "group:",
	};
	size_t i;

	for (i = 0; i < NKEYS(prefixes); i++)
		if (strncmp(name, prefixes[i], strlen(prefixes[i])) == 0)
			return true;
	return false;
}

/*
 * A copy of the len bytes at s, with a NUL, kept until the loader is
 * freed; NULL out of memory.  A string bigger than a chunk gets its own.
 */
#define LOADER_CHUNK	(64 * 1024)

static const char *
loader_strndup(struct loader *ld, const char *s, size_t len)
{
	struct string_chunk *sc = ld->ld_strings, *nc;
	bool big = len + 1 > LOADER_CHUNK / 4;
	size_t size;
	char *out;

	if (sc == NULL || sc->sc_size - sc->sc_used < len + 1) {
		size = big ? len + 1 : LOADER_CHUNK;
		if ((nc = malloc(sizeof(*nc) + size)) == NULL)
			return NULL;
		nc->sc_used = 0;
		nc->sc_size = size;
		/* A big string's chunk goes behind the current one, which
		 * still has room for small ones. */
		if (sc != NULL && big) {
			nc->sc_next = sc->sc_next;
			sc->sc_next = nc;
		} else {
			nc->sc_next = sc;
			ld->ld_strings = nc;
		}
		sc = nc;
	}
	out = sc->sc_text + sc->sc_used;
	memcpy(out, s, len);
	out[len] = '\0';
	sc->sc_used += len + 1;
	return out;
}

static const char *
loader_strdup(struct loader *ld, const char *s)
{
	return loader_strndup(ld, s, strlen(s));
}

/*
 * A section seen again, in this file or a later one, goes on: its keys
 * join the first one's, a later value winning, as supervisord's
 * ConfigParser reads several files into one.
 */
static void
sink_section(void *ctx, int line, const char *name)
{
	struct loader *ld = ctx;
	const struct raw_section *found;
	struct raw_section *nl;
	size_t cap;

	/* The main file's [include] is read before the files it names. */
	if (ld->ld_file_index != 0 && strcmp(name, "include") == 0) {
		config_msg(ld, false, line, "[include] in an included file is "
		    "not read; only the main file's is");
		ld->ld_current = NULL;
		return;
	}
	/* A thousand programs: find repeated headers by hash, not by scan. */
	ld->ld_merged = false;
	if ((found = config_section_find(ld, name)) != NULL) {
		ld->ld_current = &ld->ld_sections[found - ld->ld_sections];
		/* Two parts: neither is one span's any more. */
		ld->ld_merged = true;
		if (ld->ld_current->rs_skipped)
			ld->ld_span_failed = true;
		ld->ld_current->rs_span = 0;
		if (ld->ld_current->rs_file == ld->ld_file_index)
			config_msg(ld, false, line, "[%s] appears again (first "
			    "at line %d); its keys are merged", name,
			    ld->ld_current->rs_line);
		else if (is_process_section(name))
			config_msg(ld, false, line, "[%s] is also in %s at line "
			    "%d; its keys are merged, this file's values win",
			    name, ld->ld_files[ld->ld_current->rs_file].lf_name,
			    ld->ld_current->rs_line);
		return;
	}
	ld->ld_current = NULL;
	if (ld->ld_nsections == ld->ld_sections_cap) {
		cap = ld->ld_sections_cap ? ld->ld_sections_cap * 2 : 16;
		if ((nl = realloc(ld->ld_sections, cap * sizeof(*nl))) == NULL) {
			ld->ld_nomem = true;
			return;
		}
		ld->ld_sections = nl;
		ld->ld_sections_cap = cap;
	}
	nl = &ld->ld_sections[ld->ld_nsections];
	memset(nl, 0, sizeof(*nl));
	if ((nl->rs_name = loader_strdup(ld, name)) == NULL) {
		ld->ld_nomem = true;
		return;
	}
	nl->rs_line = line;
	nl->rs_file = ld->ld_file_index;
	ld->ld_nsections++;
	ld->ld_current = nl;
	/* Positions, not pointers: the array moves as it grows. */
	if (strmap_put(&ld->ld_index, nl->rs_name,
	    (void *)(uintptr_t)ld->ld_nsections) == -1)
		ld->ld_nomem = true;
}

static void
sink_entry(void *ctx, int line, const char *section, const char *key,
    const char *value)
{
	struct loader *ld = ctx;
	struct raw_section *rs = ld->ld_current;
	struct raw_entry *nl;
	size_t i, cap;

	(void)section;
	if (rs == NULL || (ld->ld_daemon_only &&
	    config_is_program_section(rs->rs_name)))
		return;
	/* Keys for a section whose text was not read (after a line that
	 * ended its span but began no section): read it all again. */
	if (rs->rs_skipped)
		ld->ld_span_failed = true;
	for (i = 0; i < rs->rs_count; i++) {
		if (config_key_is(rs->rs_entries[i].re_key, key)) {
			/* From another file, a layer over the first: the
			 * section said so, or nothing needed saying. */
			if (rs->rs_entries[i].re_file == ld->ld_file_index)
				config_msg(ld, false, line, "%s: set again "
				    "(first at line %d); this value wins", key,
				    rs->rs_entries[i].re_line);
			rs->rs_entries[i].re_value = loader_strdup(ld, value);
			rs->rs_entries[i].re_line = line;
			rs->rs_entries[i].re_file = ld->ld_file_index;
			if (rs->rs_entries[i].re_value == NULL)
				ld->ld_nomem = true;
			rs->rs_span = 0;	/* said: to be said again */
			return;
		}
	}
	if (rs->rs_count == rs->rs_cap) {	/* doubling: 10,000 sections */
		cap = rs->rs_cap ? rs->rs_cap * 2 : 8;
		if ((nl = reallocarray(rs->rs_entries, cap, sizeof(*nl))) ==
		    NULL) {
			ld->ld_nomem = true;
			return;
		}
		rs->rs_entries = nl;
		rs->rs_cap = cap;
	}
	nl = rs->rs_entries;
	nl[rs->rs_count].re_line = line;
	nl[rs->rs_count].re_file = ld->ld_file_index;
	nl[rs->rs_count].re_key = loader_strdup(ld, key);
	nl[rs->rs_count].re_value = loader_strdup(ld, value);
	if (nl[rs->rs_count].re_key == NULL ||
	    nl[rs->rs_count].re_value == NULL) {
		ld->ld_nomem = true;
		return;
	}
	rs->rs_count++;
}

static void
sink_error(void *ctx, int line, const char *message)
{
	config_msg(ctx, true, line, "%s", message);
}

/*
 * Whether the running config (ld_before) has a program whose section was
 * this span of text: its keys need not be read (config_program_load
 * copies it, or the whole load is made again without skipping).
 */
static bool
sink_known(void *ctx, const char *section, uint64_t span)
{
	struct loader *ld = ctx;
	const struct program_config *old;

	if (!ld->ld_spans || span == 0 || !config_is_program_section(section))
		return false;
	old = config_finder_get(&ld->ld_before_find, ld->ld_span_at++,
	    strchr(section, ':') + 1);
	return old != NULL && old->pg_span == span;
}

static void
sink_span(void *ctx, uint64_t span, bool skipped)
{
	struct loader *ld = ctx;
	struct raw_section *rs = ld->ld_current;

	if (rs == NULL || ld->ld_merged) {
		if (skipped)
			ld->ld_span_failed = true;
		return;
	}
	rs->rs_span = span;
	rs->rs_skipped = skipped;
}

/* The INI reader's callbacks that fill ld's raw sections. */
void
config_sink_init(struct loader *ld, struct inifile_sink *sink)
{
	memset(sink, 0, sizeof(*sink));
	sink->is_section = sink_section;
	sink->is_entry = sink_entry;
	sink->is_error = sink_error;
	sink->is_span = sink_span;
	if (ld->ld_spans)
		sink->is_known = sink_known;
	sink->is_ctx = ld;
}



/*
 * The [group:x] whose programs= names program, from the raw sections (it
 * is needed before the groups are loaded: %(group_name)s is x there, as
 * supervisord expands it); program itself when none does.
 */
/*
 * The positions of the [group:x] sections, found again only when sections
 * were added since: a config of 10,000 programs would otherwise scan its
 * 10,000 sections for each of them.  Returns false out of memory.
 */
static bool
raw_groups(struct loader *ld)
{
	size_t i, n = 0, *v;

	if (ld->ld_groups_at == ld->ld_nsections && ld->ld_nsections > 0)
		return true;
	for (i = 0; i < ld->ld_nsections; i++)
		if (strncmp(ld->ld_sections[i].rs_name, "group:", 6) == 0)
			n++;
	if ((v = reallocarray(ld->ld_groups, n + 1, sizeof(*v))) == NULL)
		return false;
	ld->ld_groups = v;
	for (i = 0, n = 0; i < ld->ld_nsections; i++)
		if (strncmp(ld->ld_sections[i].rs_name, "group:", 6) == 0)
			v[n++] = i;
	ld->ld_ngroups = n;
	ld->ld_groups_at = ld->ld_nsections;
	return true;
}

/* The [group:x] a program is in, as written: x, or the program's name. */
const char *
config_raw_group(struct loader *ld, const char *program)
{
	const struct raw_section *rs;
	const char *w;
	size_t g, j, len, plen = strlen(program);

	if (!raw_groups(ld)) {
		ld->ld_nomem = true;
		return program;
	}
	for (g = 0; g < ld->ld_ngroups; g++) {
		rs = &ld->ld_sections[ld->ld_groups[g]];
		for (j = 0; j < rs->rs_count; j++) {
			if (strcmp(rs->rs_entries[j].re_key, "programs") != 0)
				continue;
			for (w = rs->rs_entries[j].re_value; *w != '\0';
			    w += len) {
				w += strspn(w, ", \t");
				len = strcspn(w, ", \t");
				if (len == plen && strncmp(w, program, len) == 0)
					return rs->rs_name + 6;
			}
		}
	}
	return program;
}

void
config_vars_init(struct program_vars *pv, struct loader *ld,
    const char *name, int numprocs, int process_num)
{
	static struct utsname uts;
	static bool have_uts;

	if (!have_uts) {
		if (uname(&uts) == -1)
			snprintf(uts.nodename, sizeof(uts.nodename), "localhost");
		have_uts = true;
	}
	pv->pv_vars[0] = (struct expand_var){ "here", ld->ld_here, 0 };
	pv->pv_vars[1] = (struct expand_var){ "program_name", name, 0 };
	pv->pv_vars[2] = (struct expand_var){ "group_name",
	    config_raw_group(ld, name), 0 };
	pv->pv_vars[3] = (struct expand_var){ "host_node_name", uts.nodename,
	    0 };
	pv->pv_vars[4] = (struct expand_var){ "process_num", NULL,
	    process_num };
	pv->pv_vars[5] = (struct expand_var){ "numprocs", NULL, numprocs };
	pv->pv_count = 6;
	pv->pv_env[0] = ld->ld_env;
	pv->pv_env[1] = NULL;
}

/*
 * Checks one value against its key's type and stores it in base.  Returns
 * false (after reporting) when the value is bad.
 */
bool
config_store_value(struct loader *ld, const struct key_def *kd, void *base,
    const struct raw_entry *re, const char *value)
{
	char *field = (char *)base + kd->kd_offset, q[96];
	unsigned char codes[256];
	struct exit_set set;
	enum log_level level;
	long long bytes;
	double d;
	long n;
	bool b;
	int i;

	switch (kd->kd_type) {
	case KEY_DURATION:
		if (parse_duration(value, &d) == -1) {
			config_msg(ld, true, re->re_line, "%s: %s is not a "
			    "duration (like 10, 0.5, 250ms, 2m)", kd->kd_name,
			    config_quoted(value, q, sizeof(q)));
			return false;
		}
		memcpy(field, &d, sizeof(d));
		return true;
	case KEY_INT:
		if (parse_int(value, kd->kd_min, kd->kd_max, &n) == -1) {
			config_msg(ld, true, re->re_line, "%s: %s is not a whole "
			    "number from %ld to %ld", kd->kd_name,
			    config_quoted(value, q, sizeof(q)), kd->kd_min,
			    kd->kd_max);
			return false;
		}
		i = (int)n;
		memcpy(field, &i, sizeof(i));
		return true;
	case KEY_BOOL:
		if (parse_bool(value, &b) == -1) {
			config_msg(ld, true, re->re_line, "%s: %s is not true or "
			    "false", kd->kd_name, config_quoted(value, q, sizeof(q)));
			return false;
		}
		memcpy(field, &b, sizeof(b));
		return true;
	case KEY_SIGNAL:
		if (parse_signal(value, &i) == -1) {
			config_msg(ld, true, re->re_line, "%s: %s is not a signal "
			    "(like TERM, INT, HUP, QUIT, KILL, USR1, USR2)",
			    kd->kd_name, config_quoted(value, q, sizeof(q)));
			return false;
		}
		memcpy(field, &i, sizeof(i));
		return true;
	case KEY_UMASK:
		if (parse_umask(value, &i) == -1) {
			config_msg(ld, true, re->re_line, "%s: %s is not an octal "
			    "mask like 022", kd->kd_name,
			    config_quoted(value, q, sizeof(q)));
			return false;
		}
		memcpy(field, &i, sizeof(i));
		return true;
	case KEY_EXITCODES:
		if (parse_exitcodes(value, codes) == -1) {
			config_msg(ld, true, re->re_line, "%s: %s is not a list "
			    "of exit statuses 0-255 like 0,2", kd->kd_name,
			    config_quoted(value, q, sizeof(q)));
			return false;
		}
		memset(&set, 0, sizeof(set));
		for (i = 0; i < 256; i++)
			if (codes[i])
				exit_set_add(&set, i);
		memcpy(field, &set, sizeof(set));
		return true;
	case KEY_AUTORESTART:
		if (strcasecmp(value, "unexpected") == 0)
			i = AUTORESTART_UNEXPECTED;
		else if (parse_bool(value, &b) == 0)
			i = b ? AUTORESTART_TRUE : AUTORESTART_FALSE;
		else {
			config_msg(ld, true, re->re_line, "%s: %s is not true, "
			    "false or unexpected", kd->kd_name,
			    config_quoted(value, q, sizeof(q)));
			return false;
		}
		memcpy(field, &i, sizeof(i));
		return true;
	case KEY_SHUTDOWN:
		if (strcasecmp(value, "unexpected") == 0)
			i = SHUTDOWN_UNEXPECTED;
		else if (strcasecmp(value, "fatal") == 0)
			i = SHUTDOWN_FATAL;
		else if (parse_bool(value, &b) == 0)
			i = b ? SHUTDOWN_ANY_EXIT : SHUTDOWN_NEVER;
		else {
			config_msg(ld, true, re->re_line, "%s: %s is not false, "
			    "true, unexpected or fatal", kd->kd_name,
			    config_quoted(value, q, sizeof(q)));
			return false;
		}
		memcpy(field, &i, sizeof(i));
		return true;
	case KEY_BYTES:
		if (parse_bytes(value, &bytes) == -1) {
			config_msg(ld, true, re->re_line, "%s: %s is not a size "
			    "(a number of bytes, or with KB, MB or GB)",
			    kd->kd_name, config_quoted(value, q, sizeof(q)));
			return false;
		}
		memcpy(field, &bytes, sizeof(bytes));
		return true;
	case KEY_RLIMIT:
		if (strcasecmp(value, "unlimited") == 0 ||
		    strcasecmp(value, "infinity") == 0)
			bytes = RLIMIT_UNLIMITED;
		else if (parse_bytes(value, &bytes) == -1) {
			config_msg(ld, true, re->re_line, "%s: %s is not a "
			    "number (KB, MB, GB allowed) or unlimited",
			    kd->kd_name, config_quoted(value, q, sizeof(q)));
			return false;
		}
		memcpy(field, &bytes, sizeof(bytes));
		return true;
	case KEY_LOGLEVEL:
		if (log_level_parse(value, &level) == -1) {
			config_msg(ld, true, re->re_line, "%s: %s is not a level "
			    "(critical, error, warn, info, debug, trace)",
			    kd->kd_name, config_quoted(value, q, sizeof(q)));
			return false;
		}
		memcpy(field, &level, sizeof(level));
		return true;
	case KEY_STRING:
	case KEY_LATER:
		break;
	}
	return true;
}

const struct key_def *
config_key_find(struct loader *ld, const struct key_def *table, size_t n,
    const char *key)
{
	size_t i;

	/* 10,000 sections ask one table for the same few keys: an index of
	 * the table last asked, made once (a scan was 20 strcmp a key). */
	if (ld->ld_keys_of != table) {
		strmap_free(&ld->ld_keys);
		ld->ld_keys_of = NULL;
		for (i = 0; i < n; i++)
			if (strmap_put(&ld->ld_keys, table[i].kd_name,
			    (void *)(uintptr_t)&table[i]) == -1)
				break;
		if (i == n)
			ld->ld_keys_of = table;
	}
	if (ld->ld_keys_of == table)
		return strmap_get(&ld->ld_keys, key);
	for (i = 0; i < n; i++)		/* out of memory for the index */
		if (strcmp(table[i].kd_name, key) == 0)
			return &table[i];
	return NULL;
}

/*
 * The edit distance of a and b (Damerau's: a swap of two neighbours is
 * one edit), or more than max once it is sure to be.  Names are short.
 */
static size_t
edit_distance(const char *a, const char *b, size_t max)
{
	size_t la = strlen(a), lb = strlen(b), i, j, cost, d;
	size_t row[3][65];	/* rows i-2, i-1 and i of the table */

	if (la > 64 || lb > 64)
		return max + 1;
	if ((la > lb ? la - lb : lb - la) > max)
		return max + 1;
	for (j = 0; j <= lb; j++)
		row[1][j] = j;
	for (i = 1; i <= la; i++) {
		row[2][0] = i;
		for (j = 1; j <= lb; j++) {
			cost = a[i - 1] == b[j - 1] ? 0 : 1;
			d = row[1][j] + 1;
			if (row[2][j - 1] + 1 < d)
				d = row[2][j - 1] + 1;
			if (row[1][j - 1] + cost < d)
				d = row[1][j - 1] + cost;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
			    a[i - 2] == b[j - 1] && row[0][j - 2] + 1 < d)
				d = row[0][j - 2] + 1;
			row[2][j] = d;
		}
		memcpy(row[0], row[1], sizeof(row[0]));
		memcpy(row[1], row[2], sizeof(row[1]));
	}
	return row[1][lb];
}

/*
 * The one name of names[0..n) that word is a likely typo of: within two
 * edits (one for a word of four letters or less), and nearer than any
 * other; NULL when there is none, or no single one.
 */
const char *
config_closest(const char *word, const char *const *names, size_t n)
{
	size_t i, d, best_d, max = strlen(word) <= 4 ? 1 : 2;
	const char *best = NULL;
	bool tie = false;

	best_d = max + 1;
	for (i = 0; i < n; i++) {
		d = edit_distance(word, names[i], max);
		if (d == 0 || d > max)
			continue;
		if (d < best_d) {
			best = names[i];
			best_d = d;
			tie = false;
		} else if (d == best_d && strcmp(best, names[i]) != 0)
			tie = true;
	}
	return tie ? NULL : best;
}

/*
 * The definition of re's key in table, if the key can be used.  An
 * unknown key is ignored with a warning, as supervisord ignores it
 * (naming the key it is likely a typo of, or the section it belongs
 * in); a key supervisord has and this supervisor does not yet, too.
 * Both give NULL.
 */
const struct key_def *
config_key_usable(struct loader *ld, const struct key_def *table, size_t n,
    const struct raw_section *rs, const struct raw_entry *re)
{
	const struct key_def *kd = config_key_find(ld, table, n,
	    re->re_key);
	const char *names[128], *near, *home;
	size_t i;

	if (kd == NULL) {
		for (i = 0; i < n && i < NKEYS(names); i++)
			names[i] = table[i].kd_name;
		near = config_closest(re->re_key, names, i);
		home = ld->ld_key_home == NULL ? NULL :
		    ld->ld_key_home(re->re_key, rs->rs_name);
		if (near != NULL)
			config_msg(ld, false, re->re_line, "unknown key \"%s\" "
			    "in [%s]; ignored; did you mean %s?", re->re_key,
			    rs->rs_name, near);
		else if (home != NULL)
			config_msg(ld, false, re->re_line, "unknown key \"%s\" "
			    "in [%s]; ignored (it is a key of %s)", re->re_key,
			    rs->rs_name, home);
		else
			config_msg(ld, false, re->re_line, "unknown key \"%s\" "
			    "in [%s]; ignored", re->re_key, rs->rs_name);
		return NULL;
	}
	if (kd->kd_type == KEY_LATER) {
		config_msg(ld, false, re->re_line, "%s: not supported yet; "
		    "ignored", re->re_key);
		return NULL;
	}
	return kd;
}

/*
 * The %(ENV_X)s names of pv's lists, before the fixed names: each list
 * the later one first, and in each the later of two equal keys first,
 * as expand() takes the first it finds.  *out is NULL when there are
 * none; -1 when out of memory.
 */
static int
env_vars(const struct program_vars *pv, struct expand_var **out,
    size_t *count)
{
	struct expand_var *vars;
	size_t n = 0, k, i, at = 0;
	const char *eq;
	char *name;
	int l;

	*out = NULL;
	*count = pv->pv_count;
	for (l = 0; l < 2; l++)
		for (i = 0; pv->pv_env[l] != NULL && pv->pv_env[l][i] != NULL;
		    i++)
			n++;
	if (n == 0)
		return 0;
	if ((vars = calloc(n + pv->pv_count, sizeof(*vars))) == NULL)
		return -1;
	for (l = 1; l >= 0; l--) {
		for (k = 0; pv->pv_env[l] != NULL && pv->pv_env[l][k] != NULL;
		    k++)
			;
		while (k-- > 0) {
			eq = strchr(pv->pv_env[l][k], '=');
			if (eq == NULL || asprintf(&name, "ENV_%.*s",
			    (int)(eq - pv->pv_env[l][k]), pv->pv_env[l][k])
			    == -1)
				continue;
			vars[at].ev_name = name;
			vars[at].ev_str = eq + 1;
			at++;
		}
	}
	memcpy(vars + at, pv->pv_vars, pv->pv_count * sizeof(*vars));
	*out = vars;
	*count = at + pv->pv_count;
	return 0;
}

static void
env_vars_free(struct expand_var *vars, size_t count, size_t fixed)
{
	size_t i;

	if (vars == NULL)
		return;
	for (i = 0; i + fixed < count; i++)
		free((char *)(uintptr_t)vars[i].ev_name);
	free(vars);
}

/* Expands value for the message-producing callers; NULL after reporting. */
char *
config_expand(struct loader *ld, const char *key, int line, const char *value,
    const struct program_vars *pv)
{
	char err[PARSE_ERRLEN], *out;
	struct expand_var *vars;
	size_t count;

	if (ld->ld_expanded_over)
		return NULL;		/* said once; a thousand times more is noise */
	vars = NULL;
	count = pv->pv_count;
	/* Most values name nothing: no %(ENV_X)s list made for them. */
	if (expand_needed(value) && env_vars(pv, &vars, &count) == -1) {
		ld->ld_nomem = true;
		return NULL;
	}
	out = expand(value, vars != NULL ? vars : pv->pv_vars, count, err,
	    sizeof(err));
	env_vars_free(vars, count, pv->pv_count);
	if (out == NULL) {
		config_msg(ld, true, line, "%s: %s", key, err);
		return NULL;
	}
	if (!config_count_bytes(ld, key, line, strlen(out))) {
		free(out);
		return NULL;
	}
	return out;
}

/*
 * Counts n more bytes that the config's values make, against
 * CONFIG_EXPANDED_MAX; false (said once) past it.  Values copied into
 * every process, as [supervisor] environment=, count once for each.
 */
bool
config_count_bytes(struct loader *ld, const char *key, int line, size_t n)
{
	if (ld->ld_expanded_over)
		return false;
	ld->ld_expanded += n;
	if (ld->ld_expanded <= CONFIG_EXPANDED_MAX)
		return true;
	config_msg(ld, true, line, "%s: the config's values expand to more "
	    "than %lu MiB in all (each per-process value times numprocs); "
	    "lower numprocs or shorten the values", key,
	    CONFIG_EXPANDED_MAX >> 20);
	ld->ld_expanded_over = true;
	return false;
}


void
config_loader_free(struct loader *ld)
{
	struct string_chunk *sc;
	size_t i;

	for (i = 0; i < ld->ld_nsections; i++)
		free(ld->ld_sections[i].rs_entries);
	while ((sc = ld->ld_strings) != NULL) {
		ld->ld_strings = sc->sc_next;
		free(sc);
	}
	free(ld->ld_sections);
	free(ld->ld_groups);
	strmap_free(&ld->ld_index);
	strmap_free(&ld->ld_keys);
	strmap_free(&ld->ld_settings);
	config_finder_free(&ld->ld_before_find);
	for (i = 0; i < ld->ld_nsettings; i++)	/* not handed to a config */
		free(ld->ld_settings_kept[i]);
	free(ld->ld_settings_kept);
	for (i = 0; i < ld->ld_nfiles; i++) {
		free(ld->ld_files[i].lf_name);
		free(ld->ld_files[i].lf_here);
	}
	free(ld->ld_files);
	strv_free(ld->ld_patterns);
	strv_free(ld->ld_env);
	free(ld->ld_cwd);
}

/*
 * A path from the config made absolute, as supervisord reads it: "~" and
 * "~USER" at its start are a home directory, and a relative path is
 * taken from ld_base (the directory the supervisor was started in, fixed
 * once, as it may later change directory).  Cleaned (path_clean).  NULL
 * when out of memory.
 */
char *
config_path_abs(struct loader *ld, const char *path)
{
	const char *home = NULL, *rest = path, *slash;
	struct passwd *pw;
	char user[256], *out;
	size_t ulen;

	if (path[0] == '~') {
		slash = strchrnul(path, '/');
		ulen = (size_t)(slash - path - 1);
		if (ulen == 0)
			home = getenv("HOME");
		else if (ulen < sizeof(user)) {
			memcpy(user, path + 1, ulen);
			user[ulen] = '\0';
			if ((pw = getpwnam(user)) != NULL)
				home = pw->pw_dir;
			/* The user database may change: read again. */
			ld->ld_looked_up = true;
		}
		if (home != NULL)
			rest = slash;
	}
	if (home == NULL && path[0] == '/')
		out = strdup(path);
	else if (asprintf(&out, "%s/%s", home != NULL ? home : ld->ld_base,
	    rest) == -1)
		out = NULL;
	if (out == NULL) {
		ld->ld_nomem = true;
		return NULL;
	}
	path_clean(out);
	return out;
}

/* Messages name re's file, and %(here)s (in pv too) is its directory. */
void
config_use_entry(struct loader *ld, const struct raw_entry *re,
    struct program_vars *pv)
{
	config_use_file(ld, re->re_file);
	if (pv != NULL)
		pv->pv_vars[0].ev_str = ld->ld_here;
}

/* Messages name file i, and %(here)s is its directory, from now on. */
void
config_use_file(struct loader *ld, size_t i)
{
	ld->ld_file_index = i;
	ld->ld_file = ld->ld_files[i].lf_name;
	ld->ld_here = ld->ld_files[i].lf_here;
}

