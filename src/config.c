/*
 * config.c: INI text -> validated struct config.  Sections and keys are
 * collected first (with their lines), then checked against the tables of
 * known keys; every problem becomes a "FILE:LINE: message" and loading
 * goes on, so one run reports all of them.
 */
#include <errno.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "config.h"
#include "inifile.h"
#include "parse.h"

/* Raw "key = value" lines of one section, before validation. */
struct raw_entry {
	int	 re_line;
	char	*re_key;
	char	*re_value;
};

struct raw_section {
	char		 *rs_name;
	int		  rs_line;
	struct raw_entry *rs_entries;
	size_t		  rs_count;
};

struct loader {
	const char		*ld_file;
	char			*ld_here;	/* %(here)s: the file's directory */
	struct config_msgs	*ld_msgs;
	struct raw_section	*ld_sections;
	size_t			 ld_nsections;
	size_t			 ld_sections_cap;
	size_t			*ld_index;	/* hash of names: position + 1 */
	size_t			 ld_index_cap;	/* a power of two, or 0 */
	struct raw_section	*ld_current;	/* NULL after a bad header */
	bool			 ld_nomem;
	bool			 ld_daemon_only; /* skip [program:x] sections */
};

enum key_type {
	KEY_STRING,		/* kept raw; expanded where it is used */
	KEY_DURATION,
	KEY_INT,
	KEY_BOOL,
	KEY_SIGNAL,
	KEY_UMASK,
	KEY_EXITCODES,
	KEY_AUTORESTART,
	KEY_LOGLEVEL,
	KEY_SHUTDOWN,
	KEY_LATER,		/* supervisord has it; not implemented yet */
};

struct key_def {
	const char	*kd_name;
	enum key_type	 kd_type;
	size_t		 kd_offset;	/* into the section's struct */
	long		 kd_min;	/* KEY_INT bounds */
	long		 kd_max;
};

/* Raw per-process strings of a program, expanded once per process. */
struct program_raw {
	char	*pr_command;
	int	 pr_command_line;
	char	*pr_process_name;
	int	 pr_process_name_line;
	char	*pr_directory;
	int	 pr_directory_line;
	char	*pr_environment;
	int	 pr_environment_line;
};

#define PG(field)	offsetof(struct program_config, field)
#define CF(field)	offsetof(struct config, field)

static const struct key_def program_keys[] = {
	{ "command", KEY_STRING, 0, 0, 0 },
	{ "process_name", KEY_STRING, 0, 0, 0 },
	{ "directory", KEY_STRING, 0, 0, 0 },
	{ "environment", KEY_STRING, 0, 0, 0 },
	{ "numprocs", KEY_INT, PG(pg_numprocs), 1, 100000 },
	{ "numprocs_start", KEY_INT, PG(pg_numprocs_start), 0, 1000000 },
	{ "umask", KEY_UMASK, PG(pg_umask), 0, 0 },
	{ "autostart", KEY_BOOL, PG(pg_autostart), 0, 0 },
	{ "autorestart", KEY_AUTORESTART, PG(pg_autorestart), 0, 0 },
	{ "exitcodes", KEY_EXITCODES, PG(pg_exitcodes), 0, 0 },
	{ "startsecs", KEY_DURATION, PG(pg_startsecs), 0, 0 },
	{ "startretries", KEY_INT, PG(pg_startretries), 0, 1000000 },
	{ "backoff_max", KEY_DURATION, PG(pg_backoff_max), 0, 0 },
	{ "runtime_limit", KEY_DURATION, PG(pg_runtime_limit), 0, 0 },
	{ "shutdown_on_exit", KEY_SHUTDOWN, PG(pg_shutdown_on_exit), 0, 0 },
	{ "stopsignal", KEY_SIGNAL, PG(pg_stopsignal), 0, 0 },
	{ "stopwaitsecs", KEY_DURATION, PG(pg_stopwaitsecs), 0, 0 },
	{ "priority", KEY_INT, PG(pg_priority), INT_MIN, INT_MAX },
	{ "stopasgroup", KEY_BOOL, PG(pg_stopasgroup), 0, 0 },
	{ "killasgroup", KEY_BOOL, PG(pg_killasgroup), 0, 0 },
	{ "user", KEY_LATER, 0, 0, 0 },
	{ "redirect_stderr", KEY_LATER, 0, 0, 0 },
	{ "stdout_logfile", KEY_LATER, 0, 0, 0 },
	{ "stdout_logfile_maxbytes", KEY_LATER, 0, 0, 0 },
	{ "stdout_logfile_backups", KEY_LATER, 0, 0, 0 },
	{ "stdout_capture_maxbytes", KEY_LATER, 0, 0, 0 },
	{ "stdout_events_enabled", KEY_LATER, 0, 0, 0 },
	{ "stdout_syslog", KEY_LATER, 0, 0, 0 },
	{ "stderr_logfile", KEY_LATER, 0, 0, 0 },
	{ "stderr_logfile_maxbytes", KEY_LATER, 0, 0, 0 },
	{ "stderr_logfile_backups", KEY_LATER, 0, 0, 0 },
	{ "stderr_capture_maxbytes", KEY_LATER, 0, 0, 0 },
	{ "stderr_events_enabled", KEY_LATER, 0, 0, 0 },
	{ "stderr_syslog", KEY_LATER, 0, 0, 0 },
	{ "serverurl", KEY_LATER, 0, 0, 0 },
};

static const struct key_def supervisor_keys[] = {
	{ "logfile", KEY_STRING, 0, 0, 0 },
	{ "loglevel", KEY_LOGLEVEL, CF(cf_loglevel), 0, 0 },
	{ "exit_with_parent", KEY_BOOL, CF(cf_exit_with_parent), 0, 0 },
	{ "parent_poll_interval", KEY_DURATION, CF(cf_parent_poll_interval),
	    0, 0 },
	{ "socket", KEY_STRING, 0, 0, 0 },
	{ "control_timeout", KEY_DURATION, CF(cf_control_timeout), 0, 0 },
	{ "logfile_maxbytes", KEY_LATER, 0, 0, 0 },
	{ "logfile_backups", KEY_LATER, 0, 0, 0 },
	{ "pidfile", KEY_LATER, 0, 0, 0 },
	{ "umask", KEY_LATER, 0, 0, 0 },
	{ "nodaemon", KEY_LATER, 0, 0, 0 },
	{ "silent", KEY_LATER, 0, 0, 0 },
	{ "minfds", KEY_LATER, 0, 0, 0 },
	{ "minprocs", KEY_LATER, 0, 0, 0 },
	{ "nocleanup", KEY_LATER, 0, 0, 0 },
	{ "childlogdir", KEY_LATER, 0, 0, 0 },
	{ "user", KEY_LATER, 0, 0, 0 },
	{ "directory", KEY_LATER, 0, 0, 0 },
	{ "strip_ansi", KEY_LATER, 0, 0, 0 },
	{ "environment", KEY_LATER, 0, 0, 0 },
	{ "identifier", KEY_LATER, 0, 0, 0 },
};

/* supervisord's control socket; clients are told apart by their uid. */
static const struct key_def socket_keys[] = {
	{ "file", KEY_STRING, 0, 0, 0 },
	{ "chmod", KEY_STRING, 0, 0, 0 },
	{ "chown", KEY_STRING, 0, 0, 0 },
	{ "username", KEY_STRING, 0, 0, 0 },
	{ "password", KEY_STRING, 0, 0, 0 },
};

/* Sections supervisord has that this supervisor does not implement yet. */
static const char *const later_sections[] = {
	"inet_http_server", "supervisorctl", "include",
	"rpcinterface:", "group:", "eventlistener:", "fcgi-program:",
	"ctlplugin:",
};

#define NKEYS(t)	(sizeof(t) / sizeof((t)[0]))

static void msg_add(struct loader *, bool, int, const char *, ...)
    PRINTFLIKE(4, 5);

static void
msg_add(struct loader *ld, bool error, int line, const char *fmt, ...)
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
	nl[m->cm_count].cm_line = line;
	nl[m->cm_count].cm_seq = m->cm_count;
	m->cm_count++;
	if (error)
		m->cm_errors++;
}

/* Quotes a user's value for a message, cut short if it is long. */
static const char *
quoted(const char *value, char *buf, size_t len)
{
	size_t vlen = strlen(value);

	if (vlen + 3 <= len)
		snprintf(buf, len, "\"%s\"", value);
	else
		snprintf(buf, len, "\"%.*s...\"", (int)(len - 6), value);
	return buf;
}

/* FNV-1a: section names into the loader's hash index. */
static size_t
name_hash(const char *s)
{
	size_t h = (size_t)14695981039346656037ULL;

	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * (size_t)1099511628211ULL;
	return h;
}

/* The slot of name in the index: where it is, or where it would go. */
static size_t
section_slot(const struct loader *ld, const char *name)
{
	size_t mask = ld->ld_index_cap - 1, slot;

	if (ld->ld_index == NULL)
		return 0;
	for (slot = name_hash(name) & mask; ld->ld_index[slot] != 0;
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
		msg_add(ld, false, line, "[%s] appears again (first at line "
		    "%d); its keys are merged", name, ld->ld_current->rs_line);
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
			msg_add(ld, false, line, "%s: set again (first at line "
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
	msg_add(ctx, true, line, "%s", message);
}

/* The names %(...) can use in a program's values. */
struct program_vars {
	struct expand_var	 pv_vars[6];
	size_t			 pv_count;
};

static void
program_vars_init(struct program_vars *pv, const struct loader *ld,
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
static bool
store_value(struct loader *ld, const struct key_def *kd, void *base,
    const struct raw_entry *re, const char *value)
{
	char *field = (char *)base + kd->kd_offset, q[96];
	enum log_level level;
	double d;
	long n;
	bool b;
	int i;

	switch (kd->kd_type) {
	case KEY_DURATION:
		if (parse_duration(value, &d) == -1) {
			msg_add(ld, true, re->re_line, "%s: %s is not a "
			    "duration (like 10, 0.5, 250ms, 2m)", kd->kd_name,
			    quoted(value, q, sizeof(q)));
			return false;
		}
		memcpy(field, &d, sizeof(d));
		return true;
	case KEY_INT:
		if (parse_int(value, kd->kd_min, kd->kd_max, &n) == -1) {
			msg_add(ld, true, re->re_line, "%s: %s is not a whole "
			    "number from %ld to %ld", kd->kd_name,
			    quoted(value, q, sizeof(q)), kd->kd_min,
			    kd->kd_max);
			return false;
		}
		i = (int)n;
		memcpy(field, &i, sizeof(i));
		return true;
	case KEY_BOOL:
		if (parse_bool(value, &b) == -1) {
			msg_add(ld, true, re->re_line, "%s: %s is not true or "
			    "false", kd->kd_name, quoted(value, q, sizeof(q)));
			return false;
		}
		memcpy(field, &b, sizeof(b));
		return true;
	case KEY_SIGNAL:
		if (parse_signal(value, &i) == -1) {
			msg_add(ld, true, re->re_line, "%s: %s is not a signal "
			    "(like TERM, INT, HUP, QUIT, KILL, USR1, USR2)",
			    kd->kd_name, quoted(value, q, sizeof(q)));
			return false;
		}
		memcpy(field, &i, sizeof(i));
		return true;
	case KEY_UMASK:
		if (parse_umask(value, &i) == -1) {
			msg_add(ld, true, re->re_line, "%s: %s is not an octal "
			    "mask like 022", kd->kd_name,
			    quoted(value, q, sizeof(q)));
			return false;
		}
		memcpy(field, &i, sizeof(i));
		return true;
	case KEY_EXITCODES:
		if (parse_exitcodes(value, (unsigned char *)field) == -1) {
			msg_add(ld, true, re->re_line, "%s: %s is not a list "
			    "of exit statuses 0-255 like 0,2", kd->kd_name,
			    quoted(value, q, sizeof(q)));
			return false;
		}
		return true;
	case KEY_AUTORESTART:
		if (strcasecmp(value, "unexpected") == 0)
			i = AUTORESTART_UNEXPECTED;
		else if (parse_bool(value, &b) == 0)
			i = b ? AUTORESTART_TRUE : AUTORESTART_FALSE;
		else {
			msg_add(ld, true, re->re_line, "%s: %s is not true, "
			    "false or unexpected", kd->kd_name,
			    quoted(value, q, sizeof(q)));
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
			msg_add(ld, true, re->re_line, "%s: %s is not false, "
			    "true, unexpected or fatal", kd->kd_name,
			    quoted(value, q, sizeof(q)));
			return false;
		}
		memcpy(field, &i, sizeof(i));
		return true;
	case KEY_LOGLEVEL:
		if (log_level_parse(value, &level) == -1) {
			msg_add(ld, true, re->re_line, "%s: %s is not a level "
			    "(critical, error, warn, info, debug, trace)",
			    kd->kd_name, quoted(value, q, sizeof(q)));
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

static const struct key_def *
key_find(const struct key_def *table, size_t n, const char *key)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(table[i].kd_name, key) == 0)
			return &table[i];
	return NULL;
}

/* Expands value for the message-producing callers; NULL after reporting. */
static char *
expand_value(struct loader *ld, const char *key, int line, const char *value,
    const struct program_vars *pv)
{
	char err[PARSE_ERRLEN], *out;

	out = expand(value, pv->pv_vars, pv->pv_count, err, sizeof(err));
	if (out == NULL)
		msg_add(ld, true, line, "%s: %s", key, err);
	return out;
}

static void
program_config_free(struct program_config *pg)
{
	int i;

	if (pg == NULL)
		return;
	for (i = 0; pg->pg_procs != NULL && i < pg->pg_numprocs; i++) {
		free(pg->pg_procs[i].pcf_name);
		strv_free(pg->pg_procs[i].pcf_argv);
		free(pg->pg_procs[i].pcf_directory);
		strv_free(pg->pg_procs[i].pcf_env);
	}
	free(pg->pg_procs);
	free(pg->pg_name);
	free(pg);
}

static bool
valid_program_name(const char *name)
{
	return name[0] != '\0' && strlen(name) <= 128 &&
	    strpbrk(name, " \t\n:/") == NULL && strcmp(name, ".") != 0 &&
	    strcmp(name, "..") != 0;
}

/* Fills pg_procs: one expanded process config per process number. */
static bool
program_expand_procs(struct loader *ld, struct program_config *pg,
    const struct program_raw *raw)
{
	struct program_vars pv;
	struct proc_config *pc;
	char err[PARSE_ERRLEN], *s;
	bool ok = true;
	int i;

	pg->pg_procs = calloc((size_t)pg->pg_numprocs, sizeof(*pg->pg_procs));
	if (pg->pg_procs == NULL) {
		ld->ld_nomem = true;
		return false;
	}
	for (i = 0; i < pg->pg_numprocs && ok; i++) {
		pc = &pg->pg_procs[i];
		pc->pcf_num = pg->pg_numprocs_start + i;
		program_vars_init(&pv, ld, pg->pg_name, pg->pg_numprocs,
		    pc->pcf_num);
		pc->pcf_name = expand_value(ld, "process_name",
		    raw->pr_process_name_line, raw->pr_process_name, &pv);
		if (pc->pcf_name == NULL)
			return false;
		if (!valid_program_name(pc->pcf_name)) {
			msg_add(ld, true, raw->pr_process_name_line,
			    "process_name: \"%s\" must be 1-128 characters "
			    "without blanks, ':' or '/'", pc->pcf_name);
			return false;
		}
		if ((s = expand_value(ld, "command", raw->pr_command_line,
		    raw->pr_command, &pv)) == NULL)
			return false;
		pc->pcf_argv = split_command(s, err, sizeof(err));
		free(s);
		if (pc->pcf_argv == NULL) {
			msg_add(ld, true, raw->pr_command_line, "command: %s",
			    err);
			return false;
		}
		if (raw->pr_directory != NULL) {
			pc->pcf_directory = expand_value(ld, "directory",
			    raw->pr_directory_line, raw->pr_directory, &pv);
			if (pc->pcf_directory == NULL)
				return false;
			if (pc->pcf_directory[0] != '/') {
				msg_add(ld, true, raw->pr_directory_line,
				    "directory: \"%s\" is not an absolute path",
				    pc->pcf_directory);
				return false;
			}
		}
		if (raw->pr_environment != NULL) {
			if ((s = expand_value(ld, "environment",
			    raw->pr_environment_line, raw->pr_environment,
			    &pv)) == NULL)
				return false;
			pc->pcf_env = parse_environment(s, err, sizeof(err));
			free(s);
			if (pc->pcf_env == NULL) {
				msg_add(ld, true, raw->pr_environment_line,
				    "environment: %s", err);
				return false;
			}
		} else if ((pc->pcf_env = strv_new()) == NULL) {
			ld->ld_nomem = true;
			return false;
		}
	}
	return ok;
}

/* Validates one [program:NAME] section; NULL when it has errors. */
static struct program_config *
program_load(struct loader *ld, const struct raw_section *rs)
{
	struct program_config *pg;
	struct program_raw raw = { 0 };
	const struct key_def *kd;
	const struct raw_entry *re;
	struct program_vars pv;
	char *value;
	bool ok = true;
	size_t i;

	if ((pg = calloc(1, sizeof(*pg))) == NULL) {
		ld->ld_nomem = true;
		return NULL;
	}
	if ((pg->pg_name = strdup(rs->rs_name + strlen("program:"))) == NULL) {
		ld->ld_nomem = true;
		free(pg);
		return NULL;
	}
	pg->pg_file = ld->ld_file;
	pg->pg_line = rs->rs_line;
	pg->pg_numprocs = 1;
	pg->pg_umask = -1;
	pg->pg_autostart = true;
	pg->pg_autorestart = AUTORESTART_UNEXPECTED;
	pg->pg_exitcodes[0] = 1;
	pg->pg_startsecs = 1;
	pg->pg_startretries = 3;
	pg->pg_backoff_max = 60;
	pg->pg_stopsignal = SIGTERM;
	pg->pg_stopwaitsecs = 10;
	pg->pg_priority = 999;

	if (!valid_program_name(pg->pg_name)) {
		msg_add(ld, true, rs->rs_line, "[%s]: a program name must be "
		    "1-128 characters without blanks, ':' or '/'", rs->rs_name);
		ok = false;
	}
	/* numprocs first: the other values are expanded with it. */
	program_vars_init(&pv, ld, pg->pg_name, 1, 0);
	for (i = 0; i < rs->rs_count; i++) {
		re = &rs->rs_entries[i];
		if (strcmp(re->re_key, "numprocs") != 0 &&
		    strcmp(re->re_key, "numprocs_start") != 0)
			continue;
		kd = key_find(program_keys, NKEYS(program_keys), re->re_key);
		if ((value = expand_value(ld, re->re_key, re->re_line,
		    re->re_value, &pv)) == NULL) {
			ok = false;
			continue;
		}
		if (!store_value(ld, kd, pg, re, value))
			ok = false;
		free(value);
	}
	program_vars_init(&pv, ld, pg->pg_name, pg->pg_numprocs,
	    pg->pg_numprocs_start);
	for (i = 0; i < rs->rs_count; i++) {
		re = &rs->rs_entries[i];
		kd = key_find(program_keys, NKEYS(program_keys), re->re_key);
		if (kd == NULL) {
			msg_add(ld, true, re->re_line, "unknown key \"%s\" in "
			    "[%s]", re->re_key, rs->rs_name);
			ok = false;
			continue;
		}
		if (kd->kd_type == KEY_LATER) {
			msg_add(ld, false, re->re_line, "%s: not supported "
			    "yet; ignored", re->re_key);
			continue;
		}
		if (strcmp(re->re_key, "numprocs") == 0 ||
		    strcmp(re->re_key, "numprocs_start") == 0)
			continue;
		if (kd->kd_type == KEY_STRING) {
			/* Per-process strings are expanded per process. */
			if (strcmp(kd->kd_name, "command") == 0) {
				raw.pr_command = re->re_value;
				raw.pr_command_line = re->re_line;
			} else if (strcmp(kd->kd_name, "process_name") == 0) {
				raw.pr_process_name = re->re_value;
				raw.pr_process_name_line = re->re_line;
			} else if (strcmp(kd->kd_name, "directory") == 0) {
				raw.pr_directory = re->re_value;
				raw.pr_directory_line = re->re_line;
			} else {
				raw.pr_environment = re->re_value;
				raw.pr_environment_line = re->re_line;
			}
			continue;
		}
		if ((value = expand_value(ld, re->re_key, re->re_line,
		    re->re_value, &pv)) == NULL) {
			ok = false;
			continue;
		}
		if (!store_value(ld, kd, pg, re, value))
			ok = false;
		free(value);
	}
	if (raw.pr_command == NULL) {
		msg_add(ld, true, rs->rs_line, "[%s] has no command",
		    rs->rs_name);
		ok = false;
	}
	if (raw.pr_process_name == NULL) {
		raw.pr_process_name = pg->pg_numprocs > 1 ?
		    "%(program_name)s_%(process_num)02d" : "%(program_name)s";
		raw.pr_process_name_line = rs->rs_line;
	} else if (pg->pg_numprocs > 1 &&
	    strstr(raw.pr_process_name, "%(process_num)") == NULL) {
		msg_add(ld, true, raw.pr_process_name_line, "process_name: "
		    "must contain %%(process_num)d when numprocs is above 1");
		ok = false;
	}
	if (ok && !program_expand_procs(ld, pg, &raw))
		ok = false;
	if (!ok) {
		program_config_free(pg);
		return NULL;
	}
	return pg;
}

/* socket = PATH, or none (also supervisord's file=). */
static void
set_socket(struct config *cf, const char *value)
{
	free(cf->cf_socket);
	cf->cf_socket = NULL;
	cf->cf_socket_off = strcasecmp(value, "none") == 0;
	if (!cf->cf_socket_off && *value != '\0')
		cf->cf_socket = strdup(value);
}

static bool
supervisor_load(struct loader *ld, struct config *cf,
    const struct raw_section *rs)
{
	const struct key_def *kd;
	const struct raw_entry *re;
	struct program_vars pv;
	char *value;
	bool ok = true;
	size_t i;

	program_vars_init(&pv, ld, "supervisor", 1, 0);
	for (i = 0; i < rs->rs_count; i++) {
		re = &rs->rs_entries[i];
		kd = key_find(supervisor_keys, NKEYS(supervisor_keys),
		    re->re_key);
		if (kd == NULL) {
			msg_add(ld, true, re->re_line, "unknown key \"%s\" in "
			    "[%s]", re->re_key, rs->rs_name);
			ok = false;
			continue;
		}
		if (kd->kd_type == KEY_LATER) {
			msg_add(ld, false, re->re_line, "%s: not supported "
			    "yet; ignored", re->re_key);
			continue;
		}
		if ((value = expand_value(ld, re->re_key, re->re_line,
		    re->re_value, &pv)) == NULL) {
			ok = false;
			continue;
		}
		if (strcmp(kd->kd_name, "socket") == 0)
			set_socket(cf, value);
		else if (strcmp(kd->kd_name, "control_timeout") == 0) {
			if (!store_value(ld, kd, cf, re, value))
				ok = false;
			else if (cf->cf_control_timeout <= 0) {
				msg_add(ld, true, re->re_line, "control_timeout: "
				    "must be more than 0");
				ok = false;
			}
		} else if (strcmp(kd->kd_name, "logfile") == 0) {
			free(cf->cf_logfile);
			cf->cf_logfile = NULL;
			/* supervisord's words for "no file". */
			if (strcmp(value, "") != 0 &&
			    strcasecmp(value, "NONE") != 0 &&
			    strcmp(value, "/dev/stderr") != 0)
				cf->cf_logfile = strdup(value);
		} else if (!store_value(ld, kd, cf, re, value))
			ok = false;
		free(value);
	}
	return ok;
}

/* chown = USER or USER:GROUP, names or numbers. */
static bool
set_socket_owner(struct loader *ld, struct config *cf, int line,
    const char *value)
{
	char user[256], q[80];
	const char *colon = strchr(value, ':');
	struct passwd *pw;
	struct group *gr;
	long id;
	size_t ulen = colon != NULL ? (size_t)(colon - value) : strlen(value);

	if (ulen == 0 || ulen >= sizeof(user)) {
		msg_add(ld, true, line, "chown: %s is not USER or USER:GROUP",
		    quoted(value, q, sizeof(q)));
		return false;
	}
	memcpy(user, value, ulen);
	user[ulen] = '\0';
	if ((pw = getpwnam(user)) != NULL) {
		cf->cf_socket_uid = (long)pw->pw_uid;
		cf->cf_socket_gid = (long)pw->pw_gid;
	} else if (parse_int(user, 0, INT_MAX, &id) == 0)
		cf->cf_socket_uid = id;		/* a number, as chown(1) */
	else {
		msg_add(ld, true, line, "chown: no such user %s",
		    quoted(user, q, sizeof(q)));
		return false;
	}
	if (colon != NULL) {
		if ((gr = getgrnam(colon + 1)) != NULL)
			cf->cf_socket_gid = (long)gr->gr_gid;
		else if (parse_int(colon + 1, 0, INT_MAX, &id) == 0)
			cf->cf_socket_gid = id;
		else {
			msg_add(ld, true, line, "chown: no such group %s",
			    quoted(colon + 1, q, sizeof(q)));
			return false;
		}
	}
	return true;
}

/* [unix_http_server]: supervisord's socket keys. */
static bool
socket_load(struct loader *ld, struct config *cf, const struct raw_section *rs)
{
	const struct key_def *kd;
	const struct raw_entry *re;
	struct program_vars pv;
	char *value, *end, q[80];
	long mode;
	bool ok = true;
	size_t i;

	program_vars_init(&pv, ld, "supervisor", 1, 0);
	for (i = 0; i < rs->rs_count; i++) {
		re = &rs->rs_entries[i];
		kd = key_find(socket_keys, NKEYS(socket_keys), re->re_key);
		if (kd == NULL) {
			msg_add(ld, true, re->re_line, "unknown key \"%s\" in "
			    "[%s]", re->re_key, rs->rs_name);
			ok = false;
			continue;
		}
		if ((value = expand_value(ld, re->re_key, re->re_line,
		    re->re_value, &pv)) == NULL) {
			ok = false;
			continue;
		}
		if (strcmp(kd->kd_name, "file") == 0)
			set_socket(cf, value);
		else if (strcmp(kd->kd_name, "chmod") == 0) {
			errno = 0;
			mode = strtol(value, &end, 8);
			if (*value == '\0' || *end != '\0' || errno != 0 ||
			    mode < 0 || mode > 0777) {
				msg_add(ld, true, re->re_line, "chmod: %s is not "
				    "an octal mode like 0770",
				    quoted(value, q, sizeof(q)));
				ok = false;
			} else
				cf->cf_socket_mode = (int)mode;
		} else if (strcmp(kd->kd_name, "chown") == 0) {
			if (!set_socket_owner(ld, cf, re->re_line, value))
				ok = false;
		} else
			msg_add(ld, false, re->re_line, "%s: ignored: control "
			    "clients are told apart by their uid", kd->kd_name);
		free(value);
	}
	return ok;
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
	free(ld->ld_here);
}

/*
 * Every process name must be unique across programs.  Each process whose
 * name an earlier process already has is reported once, naming the first
 * program that has it.
 */
static bool
check_unique_names(struct loader *ld, struct config *cf)
{
	struct program_config *a, *b;
	size_t i, j;
	int k, l;
	bool ok = true, dup;

	for (j = 0; j < cf->cf_nprograms; j++) {
		b = cf->cf_programs[j];
		for (l = 0; l < b->pg_numprocs; l++) {
			dup = false;
			for (i = 0; i <= j && !dup; i++) {
				a = cf->cf_programs[i];
				for (k = 0; k < (i == j ? l : a->pg_numprocs);
				    k++) {
					if (strcmp(a->pg_procs[k].pcf_name,
					    b->pg_procs[l].pcf_name) != 0)
						continue;
					msg_add(ld, true, b->pg_line, "process "
					    "name \"%s\" is also used by "
					    "[program:%s] at line %d",
					    b->pg_procs[l].pcf_name,
					    a->pg_name, a->pg_line);
					dup = true;
					ok = false;
					break;
				}
			}
		}
	}
	return ok;
}

static struct config *
config_build(struct loader *ld, const char *path)
{
	struct config *cf;
	struct program_config *pg, **nl;
	struct raw_section *rs;
	bool ok = true;
	size_t i;

	if ((cf = calloc(1, sizeof(*cf))) == NULL ||
	    (cf->cf_file = strdup(path)) == NULL) {
		free(cf);
		ld->ld_nomem = true;
		return NULL;
	}
	cf->cf_loglevel = LOG_LEVEL_INFO;
	cf->cf_parent_poll_interval = 1;
	cf->cf_socket_mode = 0600;
	cf->cf_socket_uid = -1;
	cf->cf_socket_gid = -1;
	cf->cf_control_timeout = 10;
	for (i = 0; i < ld->ld_nsections; i++) {
		rs = &ld->ld_sections[i];
		if (strcmp(rs->rs_name, "supervisor") == 0 ||
		    strcmp(rs->rs_name, "supervisord") == 0) {
			if (!supervisor_load(ld, cf, rs))
				ok = false;
		} else if (strncmp(rs->rs_name, "program:", 8) == 0) {
			if (ld->ld_daemon_only)
				continue;
			if ((pg = program_load(ld, rs)) == NULL) {
				ok = false;
				continue;
			}
			nl = realloc(cf->cf_programs, (cf->cf_nprograms + 1) *
			    sizeof(*nl));
			if (nl == NULL) {
				program_config_free(pg);
				ld->ld_nomem = true;
				break;
			}
			cf->cf_programs = nl;
			pg->pg_file = cf->cf_file;
			nl[cf->cf_nprograms++] = pg;
		} else if (strcmp(rs->rs_name, "unix_http_server") == 0) {
			if (!socket_load(ld, cf, rs))
				ok = false;
		} else if (is_later_section(rs->rs_name)) {
			msg_add(ld, false, rs->rs_line, "[%s] is not supported "
			    "yet; its %zu key%s ignored", rs->rs_name,
			    rs->rs_count, rs->rs_count == 1 ? " is" : "s are");
		} else {
			msg_add(ld, true, rs->rs_line, "unknown section [%s]",
			    rs->rs_name);
			ok = false;
		}
	}
	if (!check_unique_names(ld, cf))
		ok = false;
	if (ld->ld_nomem) {
		msg_add(ld, true, 0, "out of memory");
		ok = false;
	}
	if (!ok || ld->ld_msgs->cm_errors > 0) {
		config_free(cf);
		return NULL;
	}
	return cf;
}

static void
loader_init(struct loader *ld, const char *path, struct config_msgs *msgs)
{
	const char *slash;
	char *dir;

	memset(ld, 0, sizeof(*ld));
	memset(msgs, 0, sizeof(*msgs));
	ld->ld_file = path;
	ld->ld_msgs = msgs;
	/* %(here)s is absolute, as in supervisord, whatever -c was given. */
	slash = strrchr(path, '/');
	if (slash == NULL)
		dir = strdup(".");
	else if (slash == path)
		dir = strdup("/");
	else
		dir = strndup(path, (size_t)(slash - path));
	if (dir != NULL && (ld->ld_here = realpath(dir, NULL)) == NULL) {
		/* Not there (yet): make it absolute by hand. */
		char cwd[PATH_MAX];

		if (dir[0] == '/' || getcwd(cwd, sizeof(cwd)) == NULL)
			ld->ld_here = strdup(dir);
		else if (asprintf(&ld->ld_here, "%s/%s", cwd, dir) == -1)
			ld->ld_here = NULL;
	}
	free(dir);
	if (ld->ld_here == NULL)
		ld->ld_nomem = true;
}

/* Messages by line; those of one line keep the order they were found in. */
static int
msg_compare(const void *a, const void *b)
{
	const struct config_msg *x = a, *y = b;

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

/*
 * Loads and validates path.  Returns NULL when there is any error; msgs
 * then holds every error and warning, each naming FILE:LINE.
 */
/* With config_load_daemon: the programs' keys are not even read. */
static bool
want_daemon_section(void *ctx, const char *section)
{
	(void)ctx;
	return strncmp(section, "program:", 8) != 0;
}

static struct config *
load_file(const char *path, struct config_msgs *msgs, bool daemon_only)
{
	static const struct inifile_sink sink_proto = {
		sink_section, sink_entry, sink_error, NULL, NULL
	};
	struct inifile_sink sink = sink_proto;
	struct config *cf = NULL;
	struct loader ld;

	loader_init(&ld, path, msgs);
	ld.ld_daemon_only = daemon_only;
	if (daemon_only)
		sink.is_wanted = want_daemon_section;
	sink.is_ctx = &ld;
	if (inifile_parse_file(path, &sink) == -1)
		msg_add(&ld, true, 0, "cannot read: %s", strerror(errno));
	else
		cf = config_build(&ld, path);
	loader_free(&ld);
	msgs_sort(msgs);
	return cf;
}

struct config *
config_load(const char *path, struct config_msgs *msgs)
{
	return load_file(path, msgs, false);
}

/*
 * Only the daemon's own settings ([supervisor], [unix_http_server]):
 * what a control command needs to find the socket, without building
 * (and checking) a thousand programs.
 */
struct config *
config_load_daemon(const char *path, struct config_msgs *msgs)
{
	return load_file(path, msgs, true);
}

/* The same from memory, for tests; name stands in for the file. */
struct config *
config_load_text(const char *name, const char *text, size_t len,
    struct config_msgs *msgs)
{
	static const struct inifile_sink sink_proto = {
		sink_section, sink_entry, sink_error, NULL, NULL
	};
	struct inifile_sink sink = sink_proto;
	struct config *cf = NULL;
	struct loader ld;

	loader_init(&ld, name, msgs);
	sink.is_ctx = &ld;
	if (inifile_parse_text(text, len, &sink) == -1)
		msg_add(&ld, true, 0, "out of memory");
	else
		cf = config_build(&ld, name);
	loader_free(&ld);
	msgs_sort(msgs);
	return cf;
}

void
config_free(struct config *cf)
{
	size_t i;

	if (cf == NULL)
		return;
	for (i = 0; i < cf->cf_nprograms; i++)
		program_config_free(cf->cf_programs[i]);
	free(cf->cf_programs);
	free(cf->cf_logfile);
	free(cf->cf_socket);
	free(cf->cf_file);
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
