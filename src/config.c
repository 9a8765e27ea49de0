/*
 * config.c: INI text -> validated struct config.  Sections and keys are
 * collected first (with their lines), then checked against the tables of
 * known keys; every problem becomes a "FILE:LINE: message" and loading
 * goes on, so one run reports all of them.
 */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/utsname.h>

#include "config.h"
#include "config_impl.h"
#include "inifile.h"
#include "parse.h"


/* Sections supervisord has that this supervisor does not implement yet. */
static const char *const later_sections[] = {
	"inet_http_server", "supervisorctl",
	"rpcinterface:", "group:", "eventlistener:", "fcgi-program:",
	"ctlplugin:",
};

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

/* The slot of name in the index: where it is, or where it would go. */
static size_t
section_slot(const struct loader *ld, const char *name)
{
	size_t mask = ld->ld_index_cap - 1, slot;

	if (ld->ld_index == NULL)
		return 0;
	for (slot = str_hash(name) & mask; ld->ld_index[slot] != 0;
	    slot = (slot + 1) & mask)
		if (strcmp(ld->ld_sections[ld->ld_index[slot] - 1].rs_name,
		    name) == 0)
			break;
	return slot;
}

/* Keeps the index at most half full, rebuilt when it grows. */
static int
index_grow(struct loader *ld)
{
	size_t cap = ld->ld_index_cap ? ld->ld_index_cap : 32, i;
	size_t *old = ld->ld_index;

	if (old != NULL && ld->ld_nsections * 2 <= ld->ld_index_cap)
		return 0;
	while (ld->ld_nsections * 2 > cap)
		cap *= 2;
	if ((ld->ld_index = calloc(cap, sizeof(*ld->ld_index))) == NULL) {
		ld->ld_index = old;
		return -1;
	}
	free(old);
	ld->ld_index_cap = cap;
	/* The newest section is indexed by the caller. */
	for (i = 0; i + 1 < ld->ld_nsections; i++)
		ld->ld_index[section_slot(ld, ld->ld_sections[i].rs_name)] =
		    i + 1;
	return 0;
}

/* The section called name, or NULL: by the index, not by a scan. */
const struct raw_section *
config_section_find(const struct loader *ld, const char *name)
{
	size_t slot = section_slot(ld, name);

	if (ld->ld_index == NULL || ld->ld_index[slot] == 0)
		return NULL;
	return &ld->ld_sections[ld->ld_index[slot] - 1];
}

static void
sink_section(void *ctx, int line, const char *name)
{
	struct loader *ld = ctx;
	struct raw_section *nl;
	size_t slot, cap;

	/* A thousand programs: find repeated headers by hash, not by scan. */
	slot = section_slot(ld, name);
	if (ld->ld_index != NULL && ld->ld_index[slot] != 0) {
		ld->ld_current = &ld->ld_sections[ld->ld_index[slot] - 1];
		if (ld->ld_current->rs_file == ld->ld_file_index) {
			config_msg(ld, false, line, "[%s] appears again (first "
			    "at line %d); its keys are merged", name,
			    ld->ld_current->rs_line);
			return;
		}
		/* Across files, a merge would hide which file wins. */
		config_msg(ld, true, line, "[%s] is already in %s at line %d",
		    name, ld->ld_files[ld->ld_current->rs_file].lf_name,
		    ld->ld_current->rs_line);
		ld->ld_current = NULL;
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
	if ((nl->rs_name = strdup(name)) == NULL) {
		ld->ld_nomem = true;
		return;
	}
	nl->rs_line = line;
	nl->rs_file = ld->ld_file_index;
	ld->ld_nsections++;
	ld->ld_current = nl;
	if (index_grow(ld) == -1) {
		ld->ld_nomem = true;
		return;
	}
	ld->ld_index[section_slot(ld, name)] = ld->ld_nsections;
}

static void
sink_entry(void *ctx, int line, const char *section, const char *key,
    const char *value)
{
	struct loader *ld = ctx;
	struct raw_section *rs = ld->ld_current;
	struct raw_entry *nl;
	size_t i;

	(void)section;
	if (rs == NULL || (ld->ld_daemon_only &&
	    strncmp(rs->rs_name, "program:", 8) == 0))
		return;
	for (i = 0; i < rs->rs_count; i++) {
		if (strcmp(rs->rs_entries[i].re_key, key) == 0) {
			config_msg(ld, false, line, "%s: set again (first at line "
			    "%d); this value wins", key,
			    rs->rs_entries[i].re_line);
			free(rs->rs_entries[i].re_value);
			rs->rs_entries[i].re_value = strdup(value);
			rs->rs_entries[i].re_line = line;
			if (rs->rs_entries[i].re_value == NULL)
				ld->ld_nomem = true;
			return;
		}
	}
	nl = realloc(rs->rs_entries, (rs->rs_count + 1) * sizeof(*nl));
	if (nl == NULL) {
		ld->ld_nomem = true;
		return;
	}
	rs->rs_entries = nl;
	nl[rs->rs_count].re_line = line;
	nl[rs->rs_count].re_key = strdup(key);
	nl[rs->rs_count].re_value = strdup(value);
	if (nl[rs->rs_count].re_key == NULL ||
	    nl[rs->rs_count].re_value == NULL) {
		free(nl[rs->rs_count].re_key);
		free(nl[rs->rs_count].re_value);
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



void
config_vars_init(struct program_vars *pv, const struct loader *ld,
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
	pv->pv_vars[2] = (struct expand_var){ "group_name", name, 0 };
	pv->pv_vars[3] = (struct expand_var){ "host_node_name", uts.nodename,
	    0 };
	pv->pv_vars[4] = (struct expand_var){ "process_num", NULL,
	    process_num };
	pv->pv_vars[5] = (struct expand_var){ "numprocs", NULL, numprocs };
	pv->pv_count = 6;
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
		if (parse_exitcodes(value, (unsigned char *)field) == -1) {
			config_msg(ld, true, re->re_line, "%s: %s is not a list "
			    "of exit statuses 0-255 like 0,2", kd->kd_name,
			    config_quoted(value, q, sizeof(q)));
			return false;
		}
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
config_key_find(const struct key_def *table, size_t n, const char *key)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(table[i].kd_name, key) == 0)
			return &table[i];
	return NULL;
}

/*
 * The definition of re's key in table, if the key can be used: an
 * unknown key is an error (*ok becomes false), a key supervisord has and
 * this supervisor does not yet a warning; both give NULL.
 */
const struct key_def *
config_key_usable(struct loader *ld, const struct key_def *table, size_t n,
    const struct raw_section *rs, const struct raw_entry *re, bool *ok)
{
	const struct key_def *kd = config_key_find(table, n, re->re_key);

	if (kd == NULL) {
		config_msg(ld, true, re->re_line, "unknown key \"%s\" in [%s]",
		    re->re_key, rs->rs_name);
		*ok = false;
		return NULL;
	}
	if (kd->kd_type == KEY_LATER) {
		config_msg(ld, false, re->re_line, "%s: not supported yet; "
		    "ignored", re->re_key);
		return NULL;
	}
	return kd;
}

/* Expands value for the message-producing callers; NULL after reporting. */
char *
config_expand(struct loader *ld, const char *key, int line, const char *value,
    const struct program_vars *pv)
{
	char err[PARSE_ERRLEN], *out;

	out = expand(value, pv->pv_vars, pv->pv_count, err, sizeof(err));
	if (out == NULL)
		config_msg(ld, true, line, "%s: %s", key, err);
	return out;
}


static bool
is_later_section(const char *name)
{
	size_t i, len;

	for (i = 0; i < NKEYS(later_sections); i++) {
		len = strlen(later_sections[i]);
		if (later_sections[i][len - 1] == ':' ?
		    strncmp(name, later_sections[i], len) == 0 :
		    strcmp(name, later_sections[i]) == 0)
			return true;
	}
	return false;
}

static void
loader_free(struct loader *ld)
{
	size_t i, j;

	for (i = 0; i < ld->ld_nsections; i++) {
		for (j = 0; j < ld->ld_sections[i].rs_count; j++) {
			free(ld->ld_sections[i].rs_entries[j].re_key);
			free(ld->ld_sections[i].rs_entries[j].re_value);
		}
		free(ld->ld_sections[i].rs_entries);
		free(ld->ld_sections[i].rs_name);
	}
	free(ld->ld_sections);
	free(ld->ld_index);
	for (i = 0; i < ld->ld_nfiles; i++) {
		free(ld->ld_files[i].lf_name);
		free(ld->ld_files[i].lf_here);
	}
	free(ld->ld_files);
	strv_free(ld->ld_patterns);
}

/* Messages name file i, and %(here)s is its directory, from now on. */
void
config_use_file(struct loader *ld, size_t i)
{
	ld->ld_file_index = i;
	ld->ld_file = ld->ld_files[i].lf_name;
	ld->ld_here = ld->ld_files[i].lf_here;
}

static struct config *
config_build(struct loader *ld, const char *path)
{
	struct config *cf;
	struct program_config *pg, **nl;
	struct raw_section *rs;
	bool ok = true;
	size_t i;

	if ((cf = calloc(1, sizeof(*cf))) == NULL) {
		ld->ld_nomem = true;
		return NULL;
	}
	cf->cf_refs = 1;
	cf->cf_file = strdup(path);
	cf->cf_files = calloc(ld->ld_nfiles + 1, sizeof(*cf->cf_files));
	cf->cf_include_patterns = strv_dup(ld->ld_patterns);
	if (cf->cf_file == NULL || cf->cf_files == NULL ||
	    cf->cf_include_patterns == NULL) {
		config_free(cf);
		ld->ld_nomem = true;
		return NULL;
	}
	for (i = 0; i < ld->ld_nfiles; i++) {
		if ((cf->cf_files[i] = strdup(ld->ld_files[i].lf_name)) == NULL) {
			config_free(cf);
			ld->ld_nomem = true;
			return NULL;
		}
		cf->cf_nfiles++;
	}
	cf->cf_watch = true;
	cf->cf_loglevel = LOG_LEVEL_INFO;
	cf->cf_parent_poll_interval = 1;
	cf->cf_socket_mode = 0600;
	cf->cf_socket_uid = -1;
	cf->cf_socket_gid = -1;
	cf->cf_control_timeout = 10;
	cf->cf_nodaemon = true;
	cf->cf_minfds = 1024;
	cf->cf_minprocs = 200;
	cf->cf_log.lc_dest = LOG_TO_STDERR;
	cf->cf_log.lc_maxbytes = LOG_MAXBYTES_DEFAULT;
	cf->cf_log.lc_backups = LOG_BACKUPS_DEFAULT;
	for (i = 0; i < ld->ld_nsections; i++) {
		rs = &ld->ld_sections[i];
		config_use_file(ld, rs->rs_file);
		if (strcmp(rs->rs_name, "include") == 0)
			continue;	/* config_read_includes has done it */
		if (strcmp(rs->rs_name, "supervisor") == 0 ||
		    strcmp(rs->rs_name, "supervisord") == 0) {
			if (!config_supervisor_load(ld, cf, rs))
				ok = false;
		} else if (strncmp(rs->rs_name, "program:", 8) == 0) {
			if (ld->ld_daemon_only)
				continue;
			if ((pg = config_program_load(ld, rs)) == NULL) {
				ok = false;
				continue;
			}
			nl = realloc(cf->cf_programs, (cf->cf_nprograms + 1) *
			    sizeof(*nl));
			if (nl == NULL) {
				config_program_free(pg);
				ld->ld_nomem = true;
				break;
			}
			cf->cf_programs = nl;
			pg->pg_file = cf->cf_files[rs->rs_file];
			nl[cf->cf_nprograms++] = pg;
		} else if (strcmp(rs->rs_name, "unix_http_server") == 0) {
			if (!config_socket_load(ld, cf, rs))
				ok = false;
		} else if (is_later_section(rs->rs_name)) {
			config_msg(ld, false, rs->rs_line, "[%s] is not supported "
			    "yet; its %zu key%s ignored", rs->rs_name,
			    rs->rs_count, rs->rs_count == 1 ? " is" : "s are");
		} else {
			config_msg(ld, true, rs->rs_line, "unknown section [%s]",
			    rs->rs_name);
			ok = false;
		}
	}
	if (!config_check_unique_names(ld, cf))
		ok = false;
	if (ok && !config_settle_logs(ld, cf))
		ok = false;
	config_use_file(ld, 0);
	if (ld->ld_nomem) {
		config_msg(ld, true, 0, "out of memory");
		ok = false;
	}
	/* For a client, what could be read: the file may be mid-edit. */
	if ((!ok || ld->ld_msgs->cm_errors > 0) && !ld->ld_daemon_only) {
		config_free(cf);
		return NULL;
	}
	return cf;
}

static void
loader_init(struct loader *ld, const char *path, struct config_msgs *msgs)
{
	memset(ld, 0, sizeof(*ld));
	memset(msgs, 0, sizeof(*msgs));
	ld->ld_file = path;
	ld->ld_msgs = msgs;
	if (config_add_file(ld, path) == -1 ||
	    (ld->ld_patterns = strv_new()) == NULL)
		ld->ld_nomem = true;
}

/*
 * Messages by file (in reading order), then by line; those of one line
 * keep the order they were found in.
 */
static int
msg_compare(const void *a, const void *b)
{
	const struct config_msg *x = a, *y = b;

	if (x->cm_file != y->cm_file)
		return x->cm_file < y->cm_file ? -1 : 1;
	if (x->cm_line != y->cm_line)
		return x->cm_line < y->cm_line ? -1 : 1;
	return (x->cm_seq > y->cm_seq) - (x->cm_seq < y->cm_seq);
}

static void
msgs_sort(struct config_msgs *msgs)
{
	if (msgs->cm_count > 1)
		qsort(msgs->cm_list, msgs->cm_count, sizeof(*msgs->cm_list),
		    msg_compare);
}

/* With config_load_daemon: the programs' keys are not even read. */
static bool
want_daemon_section(void *ctx, const char *section)
{
	(void)ctx;
	return strncmp(section, "program:", 8) != 0;
}

/*
 * Loads and validates path and its includes.  Returns NULL when there is
 * any error; msgs then holds every error and warning, each naming
 * FILE:LINE.  text, if not NULL, stands in for the main file.
 */
static struct config *
load(const char *path, const char *text, size_t len,
    struct config_msgs *msgs, bool daemon_only)
{
	static const struct inifile_sink sink_proto = {
		sink_section, sink_entry, sink_error, NULL, NULL
	};
	struct inifile_sink sink = sink_proto;
	struct config *cf = NULL;
	struct loader ld;
	int rc;

	loader_init(&ld, path, msgs);
	ld.ld_daemon_only = daemon_only;
	ld.ld_from_text = text != NULL;
	if (daemon_only)
		sink.is_wanted = want_daemon_section;
	sink.is_ctx = &ld;
	if (!ld.ld_nomem && text == NULL && !config_safe_to_trust(&ld, path))
		;	/* said why */
	else if (!ld.ld_nomem) {
		rc = text != NULL ? inifile_parse_text(text, len, &sink) :
		    inifile_parse_file(path, &sink);
		if (rc == -1)
			config_msg(&ld, true, 0, text != NULL ?
			    "out of memory" : "cannot read: %s",
			    strerror(errno));
		else {
			config_read_includes(&ld, &sink);
			cf = config_build(&ld, path);
		}
	} else
		config_msg(&ld, true, 0, "out of memory");
	loader_free(&ld);
	msgs_sort(msgs);
	return cf;
}

struct config *
config_load(const char *path, struct config_msgs *msgs)
{
	return load(path, NULL, 0, msgs, false);
}

/*
 * Only the daemon's own settings ([supervisor], [unix_http_server]):
 * what a control command needs to find the socket, without building
 * (and checking) a thousand programs.  Errors elsewhere in the file do
 * not stop it: `supervisor reload` must reach the daemon to hear them.
 */
struct config *
config_load_daemon(const char *path, struct config_msgs *msgs)
{
	return load(path, NULL, 0, msgs, true);
}

/*
 * The same from memory, for tests; name stands in for the file.  Its
 * [include] patterns are checked and kept, not read (config_files.c).
 */
struct config *
config_load_text(const char *name, const char *text, size_t len,
    struct config_msgs *msgs)
{
	return load(name, text, len, msgs, false);
}

/* One more holder of cf: config_free drops each. */
struct config *
config_ref(struct config *cf)
{
	cf->cf_refs++;
	return cf;
}

void
config_free(struct config *cf)
{
	size_t i;

	if (cf == NULL || --cf->cf_refs > 0)
		return;
	for (i = 0; i < cf->cf_nprograms; i++)
		config_program_free(cf->cf_programs[i]);
	free(cf->cf_programs);
	free(cf->cf_log.lc_path);
	free(cf->cf_childlogdir);
	free(cf->cf_pidfile);
	free(cf->cf_socket);
	free(cf->cf_file);
	for (i = 0; i < cf->cf_nfiles; i++)
		free(cf->cf_files[i]);
	free(cf->cf_files);
	strv_free(cf->cf_include_patterns);
	free(cf);
}

void
config_msgs_free(struct config_msgs *msgs)
{
	size_t i;

	for (i = 0; i < msgs->cm_count; i++)
		free(msgs->cm_list[i].cm_text);
	free(msgs->cm_list);
	memset(msgs, 0, sizeof(*msgs));
}

