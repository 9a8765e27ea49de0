/*
 * config_program.c: one [program:NAME] section -> struct program_config:
 * its keys checked against the table, its per-process values (command,
 * process_name, directory, environment) expanded once per process.
 */
#include <errno.h>
#include <limits.h>
#include <pwd.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "config_program.h"
#include "config_ready.h"
#include "config_value.h"
#include "parse.h"
#include "strmap.h"
#include "strv.h"

/*
 * Raw per-process keys of a program, expanded once per process; NULL
 * when not set.  Every key is tried, and the bad ones reported, for the
 * first process; the next ones are not tried once one is bad.
 */
struct program_raw {
	const struct raw_entry *pr_command;
	const struct raw_entry *pr_process_name;
	const struct raw_entry *pr_directory;
	const struct raw_entry *pr_environment;
	const struct raw_entry *pr_logfile[2];	/* OUT_STDOUT, OUT_STDERR */
	struct raw_entry	pr_default_name; /* process_name when unset */
	bool			pr_bad_name;	/* reported */
	bool			pr_bad_command;
	bool			pr_bad_directory;
	bool			pr_bad_environment;
	bool			pr_bad_logfile[2];
};

#define PG(field)	offsetof(struct program_config, field)
/* The keys stored in a program's probes (program_probes) */
#define PR(field)	offsetof(struct program_probes, field)

const struct program_probes program_probes_default = {
	.pp_ready = { .pb_kind = PROBE_NONE },
	.pp_ready_timeout = 60,
	.pp_ready_interval = 1,
	.pp_health = { .pb_kind = PROBE_NONE },
	.pp_health_interval = 10,
	.pp_health_timeout = 5,
	.pp_health_retries = 3,
};

static const struct key_def program_keys[] = {
	{ "command", KEY_STRING, 0, 0, 0 },
	{ "process_name", KEY_STRING, 0, 0, 0 },
	{ "directory", KEY_STRING, 0, 0, 0 },
	{ "environment", KEY_STRING, 0, 0, 0 },
	{ "numprocs", KEY_INT, PG(pg_numprocs), 1, 100000 },
	{ "inherit_environment", KEY_BOOL, PG(pg_inherit_env), 0, 0 },
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
	{ "user", KEY_STRING, 0, 0, 0 },
	{ "nice", KEY_INT, PG(pg_nice), -20, 19 },
	{ "rlimit_nofile", KEY_RLIMIT, PG(pg_rlimit[PG_RLIMIT_NOFILE]), 0, 0 },
	{ "rlimit_nproc", KEY_RLIMIT, PG(pg_rlimit[PG_RLIMIT_NPROC]), 0, 0 },
	{ "rlimit_core", KEY_RLIMIT, PG(pg_rlimit[PG_RLIMIT_CORE]), 0, 0 },
	{ "rlimit_as", KEY_RLIMIT, PG(pg_rlimit[PG_RLIMIT_AS]), 0, 0 },
	{ "redirect_stderr", KEY_BOOL, PG(pg_redirect_stderr), 0, 0 },
	{ "stdout_logfile", KEY_STRING, 0, 0, 0 },
	{ "stdout_logfile_maxbytes", KEY_BYTES, PG(pg_log_maxbytes[0]), 0, 0 },
	{ "stdout_logfile_backups", KEY_INT, PG(pg_log_backups[0]), 0, 1000 },
	{ "stdout_capture_maxbytes", KEY_BYTES, PG(pg_capture_maxbytes[0]), 0,
	    0 },
	{ "stdout_events_enabled", KEY_BOOL, PG(pg_events_enabled[0]), 0, 0 },
	{ "stdout_syslog", KEY_LATER, 0, 0, 0 },
	{ "stderr_logfile", KEY_STRING, 0, 0, 0 },
	{ "stderr_logfile_maxbytes", KEY_BYTES, PG(pg_log_maxbytes[1]), 0, 0 },
	{ "stderr_logfile_backups", KEY_INT, PG(pg_log_backups[1]), 0, 1000 },
	{ "stderr_capture_maxbytes", KEY_BYTES, PG(pg_capture_maxbytes[1]), 0,
	    0 },
	{ "stderr_events_enabled", KEY_BOOL, PG(pg_events_enabled[1]), 0, 0 },
	{ "stderr_syslog", KEY_LATER, 0, 0, 0 },
	{ "serverurl", KEY_LATER, 0, 0, 0 },
	{ "ready", KEY_STRING, 0, 0, 0 },
	{ "ready_timeout", KEY_DURATION, PR(pp_ready_timeout), 0, 0 },
	{ "ready_interval", KEY_DURATION, PR(pp_ready_interval), 0, 0 },
	{ "healthcheck", KEY_STRING, 0, 0, 0 },
	{ "healthcheck_interval", KEY_DURATION, PR(pp_health_interval), 0, 0 },
	{ "healthcheck_timeout", KEY_DURATION, PR(pp_health_timeout), 0, 0 },
	{ "healthcheck_retries", KEY_INT, PR(pp_health_retries), 1, 1000 },
	{ "watchdog_sec", KEY_DURATION, PR(pp_watchdog), 0, 0 },
	{ "depends_on", KEY_STRING, 0, 0, 0 },
	{ "depends_restart", KEY_BOOL, PG(pg_depends_restart), 0, 0 },
	/* [eventlistener:x] only. */
	{ "events", KEY_STRING, 0, 0, 0 },
	{ "buffer_size", KEY_INT, PG(pg_buffer_size), 1, LISTENER_BUFFER_MAX },
	{ "result_handler", KEY_STRING, 0, 0, 0 },
};

/* The one result handler there is: RESULT OK is done, anything else is
 * given back to the pool (supervisord's default). */
#define DEFAULT_RESULT_HANDLER	"supervisor.dispatchers:default_handler"

/* The strings of a program's probes (not pr itself). */
static void
probes_clear(struct program_probes *pr)
{
	config_probe_free(&pr->pp_ready);
	config_probe_free(&pr->pp_health);
}

void
config_program_free(struct program_config *pg)
{
	int i;

	if (pg == NULL)
		return;
	for (i = 0; pg->pg_procs != NULL && i < pg->pg_numprocs; i++) {
		if (pg->pg_procs[i].pcf_name != pg->pg_name)
			free(pg->pg_procs[i].pcf_name);
		strv_free(pg->pg_procs[i].pcf_argv);
		free(pg->pg_procs[i].pcf_directory);
		strv_free(pg->pg_procs[i].pcf_env);
		free(pg->pg_procs[i].pcf_log[OUT_STDOUT].lc_path);
		free(pg->pg_procs[i].pcf_log[OUT_STDERR].lc_path);
	}
	free(pg->pg_procs);
	if (pg->pg_probes != NULL && pg->pg_probes != &program_probes_default) {
		probes_clear((struct program_probes *)(uintptr_t)pg->pg_probes);
		free((void *)(uintptr_t)pg->pg_probes);
	}
	config_depends_free(pg);
	free(pg->pg_user);
	free(pg->pg_home);
	if (pg->pg_group != pg->pg_name)
		free(pg->pg_group);
	free(pg->pg_name);
	free(pg->pg_group_members);
	free(pg);
}

static bool
valid_program_name(const char *name)
{
	const char *p;

	if (name[0] == '\0' || strlen(name) > 128 ||
	    strpbrk(name, " :/") != NULL || strcmp(name, ".") == 0 ||
	    strcmp(name, "..") == 0 || !utf8_valid(name))
		return false;
	/* No control characters: a name is printed to terminals and JSON. */
	for (p = name; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return false;
	return true;
}
/*
 * The supervisor's descriptor a log path names: /dev/stdout, /dev/stderr,
 * /dev/fd/N, /proc/self/fd/N, and /proc/1/fd/N (in a container, pid 1 is
 * the supervisor's guardian, whose descriptors the supervisor shares);
 * -1 for any other path.
 */
static long
descriptor_of(const char *path)
{
	static const char *const dirs[] = { "/dev/fd/", "/proc/self/fd/",
	    "/proc/1/fd/" };
	size_t i, n;
	long fd;

	if (strcmp(path, "/dev/stdout") == 0)
		return 1;
	if (strcmp(path, "/dev/stderr") == 0)
		return 2;
	for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		n = strlen(dirs[i]);
		if (strncmp(path, dirs[i], n) == 0 &&
		    strspn(path + n, "0123456789") == strlen(path + n) &&
		    parse_int(path + n, 0, 1023, &fd) == 0)
			return fd;
	}
	return -1;
}

/*
 * stdout_logfile or stderr_logfile of one process: AUTO (the default; a
 * file in childlogdir, named once the whole config is read), NONE (or
 * OFF, or empty), one of the supervisor's descriptors (descriptor_of:
 * /dev/stdout, /dev/stderr, /dev/fd/N...), syslog (supervisord's old
 * name for stdout_syslog, written here to the supervisor's stdout, which
 * reaches the journal under systemd), or a path (a relative one from the
 * directory the supervisor was started in).  False after reporting.
 */
static bool
expand_log(struct loader *ld, const struct program_config *pg,
    const struct program_raw *raw, struct proc_config *pc,
    struct program_vars *pv, int stream)
{
	static const char *const keys[] = { "stdout_logfile",
	    "stderr_logfile" };
	const struct raw_entry *re = raw->pr_logfile[stream];
	struct log_config *lc = &pc->pcf_log[stream];
	char *path, *abs;
	long fd;

	lc->lc_maxbytes = pg->pg_log_maxbytes[stream];
	lc->lc_uid = pg->pg_uid;
	lc->lc_gid = pg->pg_gid;
	lc->lc_backups = pg->pg_log_backups[stream];
	/* A listener's stdout is the event protocol, read by the pool. */
	if (pg->pg_listener && stream == OUT_STDOUT) {
		lc->lc_dest = LOG_TO_NONE;
		lc->lc_maxbytes = 0;
		return true;
	}
	if (re == NULL || strcasecmp(re->re_value, "AUTO") == 0) {
		lc->lc_dest = LOG_TO_FILE;
		lc->lc_auto = true;
		return true;
	}
	config_use_entry(ld, re, pv);
	if ((path = config_expand(ld, keys[stream], re->re_line, re->re_value,
	    pv)) == NULL)
		return false;
	if (*path == '\0' || strcasecmp(path, "NONE") == 0 ||
	    strcasecmp(path, "OFF") == 0)
		lc->lc_dest = LOG_TO_NONE;
	else if (strcasecmp(path, "AUTO") == 0) {
		free(path);
		lc->lc_dest = LOG_TO_FILE;
		lc->lc_auto = true;
		return true;
	} else if ((fd = descriptor_of(path)) == 1)
		lc->lc_dest = LOG_TO_STDOUT;
	else if (fd == 2)
		lc->lc_dest = LOG_TO_STDERR;
	else if (fd >= 0) {
		lc->lc_dest = LOG_TO_FD;
		lc->lc_fd = (int)fd;
	} else if (strcasecmp(path, "syslog") == 0) {
		/* Said once, for the first process. */
		if (pc == pg->pg_procs)
			config_msg(ld, false, re->re_line, "%s: syslog: "
			    "written to the supervisor's stdout (the journal "
			    "under systemd); supervisord's syslog logging is "
			    "not supported", keys[stream]);
		lc->lc_dest = LOG_TO_STDOUT;
	} else {
		abs = config_path_abs(ld, path);
		free(path);
		if (abs == NULL)
			return false;
		lc->lc_dest = LOG_TO_FILE;
		lc->lc_path = abs;
		return true;
	}
	free(path);
	if (lc->lc_dest != LOG_TO_FILE)
		lc->lc_maxbytes = 0;	/* nothing to rotate */
	return true;
}

/* A section's numprocs key, or NULL. */
static const struct raw_entry *
numprocs_entry(const struct raw_section *rs)
{
	size_t i;

	for (i = 0; i < rs->rs_count; i++)
		if (strcmp(rs->rs_entries[i].re_key, "numprocs") == 0)
			return &rs->rs_entries[i];
	return NULL;
}

/*
 * A command's words (or, with pairs, environment's KEY=value entries),
 * split first and each expanded after: what an expansion inserts, the
 * value of an environment variable above all, is data, and a blank, a
 * quote or a comma in it never makes another word or variable.  NULL
 * after reporting.
 */
static char **
expand_words(struct loader *ld, const char *key, const struct raw_entry *re,
    struct program_vars *pv, bool pairs)
{
	char err[PARSE_ERRLEN], **words, *s;
	size_t i;

	config_use_entry(ld, re, pv);
	words = pairs ? parse_environment(re->re_value, err, sizeof(err)) :
	    split_command(re->re_value, err, sizeof(err));
	if (words == NULL) {
		config_msg(ld, true, re->re_line, "%s: %s", key, err);
		return NULL;
	}
	for (i = 0; words[i] != NULL; i++) {
		if (!expand_needed(words[i])) {	/* kept: no copy to make */
			if (!config_count_bytes(ld, key, re->re_line,
			    strlen(words[i]))) {
				strv_free(words);
				return NULL;
			}
			continue;
		}
		if ((s = config_expand(ld, key, re->re_line, words[i], pv)) ==
		    NULL) {
			strv_free(words);
			return NULL;
		}
		free(words[i]);
		words[i] = s;
	}
	if (!pairs && words[0][0] == '\0') {
		config_msg(ld, true, re->re_line, "%s: empty command: the "
		    "program's name is an empty string", key);
		strv_free(words);
		return NULL;
	}
	return words;
}

/*
 * A process's environment: [supervisor] environment= first, then the
 * program's own (its values win: spawn.c takes the later of two).  The
 * copy of the first counts against the config's bytes: it is made for
 * every process.  NULL (said) when out of memory or past the limit.
 */
static char **
process_env(struct loader *ld, const struct program_config *pg, char **own)
{
	char **env;
	size_t i, bytes = 0;

	for (i = 0; ld->ld_env != NULL && ld->ld_env[i] != NULL; i++)
		bytes += strlen(ld->ld_env[i]) + 1;
	config_use_file(ld, pg->pg_fileno);
	if (!config_count_bytes(ld, "environment", pg->pg_line, bytes))
		return NULL;
	if ((env = strv_new()) == NULL)
		goto nomem;
	for (i = 0; ld->ld_env != NULL && ld->ld_env[i] != NULL; i++)
		if (strv_push(&env, ld->ld_env[i]) == -1)
			goto nomem;
	for (i = 0; own != NULL && own[i] != NULL; i++)
		if (strv_push(&env, own[i]) == -1)
			goto nomem;
	return env;
nomem:
	strv_free(env);
	ld->ld_nomem = true;
	return NULL;
}

/*
 * One process's per-process values.  The program's environment= is
 * expanded first: its variables are what %(ENV_X)s means in the others
 * (supervisord >= 4.2).  Every bad key is reported (once: *bad keeps it
 * from being tried for the next processes); false when one is bad.
 */
static bool
expand_proc(struct loader *ld, struct program_config *pg,
    struct program_raw *raw, struct proc_config *pc)
{
	struct program_vars pv;
	char **own = NULL;
	bool ok = true;
	int k;

	config_vars_init(&pv, ld, pg->pg_name, pg->pg_numprocs, pc->pcf_num);
	if (raw->pr_environment != NULL && !raw->pr_bad_environment &&
	    (own = expand_words(ld, "environment", raw->pr_environment, &pv,
	    true)) == NULL)
		raw->pr_bad_environment = true;
	if (raw->pr_bad_environment)
		ok = false;
	else if ((pc->pcf_env = process_env(ld, pg, own)) == NULL)
		ok = false;
	pv.pv_env[1] = own;
	if (!raw->pr_bad_name) {
		config_use_entry(ld, raw->pr_process_name, &pv);
		pc->pcf_name = config_expand(ld, "process_name",
		    raw->pr_process_name->re_line,
		    raw->pr_process_name->re_value, &pv);
		if (pc->pcf_name != NULL && !valid_program_name(pc->pcf_name)) {
			config_msg(ld, true, raw->pr_process_name->re_line,
			    "process_name: \"%s\" must be 1-128 bytes of "
			    "UTF-8 without blanks, control characters, ':' or "
			    "'/'", pc->pcf_name);
			free(pc->pcf_name);
			pc->pcf_name = NULL;
		}
		if (pc->pcf_name == NULL)
			raw->pr_bad_name = true;
		else if (strcmp(pc->pcf_name, pg->pg_name) == 0) {
			/* Its program's name, most often: not kept twice. */
			free(pc->pcf_name);
			pc->pcf_name = pg->pg_name;
		}
	}
	if (raw->pr_bad_name)
		ok = false;
	if (raw->pr_command != NULL && !raw->pr_bad_command &&
	    (pc->pcf_argv = expand_words(ld, "command", raw->pr_command, &pv,
	    false)) == NULL)
		raw->pr_bad_command = true;
	if (raw->pr_command == NULL || raw->pr_bad_command)
		ok = false;
	if (raw->pr_directory != NULL && !raw->pr_bad_directory) {
		char *dir;

		config_use_entry(ld, raw->pr_directory, &pv);
		dir = config_expand(ld, "directory",
		    raw->pr_directory->re_line, raw->pr_directory->re_value,
		    &pv);
		/* Relative: from where the supervisor was started. */
		if (dir != NULL && *dir != '\0')
			pc->pcf_directory = config_path_abs(ld, dir);
		if (dir == NULL || (*dir != '\0' && pc->pcf_directory == NULL))
			raw->pr_bad_directory = true;
		free(dir);
	}
	if (raw->pr_bad_directory)
		ok = false;
	for (k = 0; k < 2; k++) {
		if (raw->pr_bad_logfile[k])
			ok = false;
		else if (!expand_log(ld, pg, raw, pc, &pv, k)) {
			raw->pr_bad_logfile[k] = true;
			ok = false;
		}
	}
	for (k = 0; k < 2; k++)
		pc->pcf_tapped[k] = pg->pg_events_enabled[k] ||
		    pg->pg_capture_maxbytes[k] > 0;
	strv_free(own);
	return ok;
}

/* Fills pg_procs: one expanded process config per process number. */
static bool
program_expand_procs(struct loader *ld, struct program_config *pg,
    struct program_raw *raw)
{
	bool ok = true;
	int i;

	pg->pg_procs = calloc((size_t)pg->pg_numprocs, sizeof(*pg->pg_procs));
	if (pg->pg_procs == NULL) {
		ld->ld_nomem = true;
		return false;
	}
	for (i = 0; i < pg->pg_numprocs; i++) {
		pg->pg_procs[i].pcf_num = pg->pg_numprocs_start + i;
		/* Each key was tried for this one: the others would
		 * only say it again. */
		if (!expand_proc(ld, pg, raw, &pg->pg_procs[i])) {
			ok = false;
			break;
		}
	}
	return ok;
}

static int
entry_compare(const void *a, const void *b)
{
	const struct raw_entry *x = *(const struct raw_entry *const *)a;
	const struct raw_entry *y = *(const struct raw_entry *const *)b;

	return strcmp(x->re_key, y->re_key);
}

/*
 * pg_settings: the section's keys and values as written, sorted by key,
 * but for those compared once expanded per process (command, directory,
 * environment, process_name) and numprocs, which adds or removes
 * processes rather than changing them, and the dependency edges
 * (depends_on, depends_restart), which a reload applies to the process
 * as it runs.  Two programs with the same
 * settings string run their processes the same way, whatever keys a
 * later version adds.
 */
static char *
settings_string(const struct raw_section *rs)
{
	static const char *const per_process[] = {
		"command", "directory", "environment", "process_name",
		"numprocs", "numprocs_start", "stdout_logfile",
		"stderr_logfile", "depends_on", "depends_restart",
	};
	const struct raw_entry **sorted;
	size_t i, j, n = 0, len = 1, k, v;
	char *out, *at;

	if ((sorted = calloc(rs->rs_count + 1, sizeof(*sorted))) == NULL)
		return NULL;
	for (i = 0; i < rs->rs_count; i++) {
		for (j = 0; j < NKEYS(per_process); j++)
			if (config_key_is(rs->rs_entries[i].re_key, per_process[j]))
				break;
		if (j == NKEYS(per_process)) {
			sorted[n++] = &rs->rs_entries[i];
			len += strlen(rs->rs_entries[i].re_key) +
			    strlen(rs->rs_entries[i].re_value) + 2;
		}
	}
	qsort(sorted, n, sizeof(*sorted), entry_compare);
	/* Made to its size, without stdio: 10,000 programs make one each. */
	if ((out = malloc(len)) != NULL) {
		for (i = 0, at = out; i < n; i++) {
			k = strlen(sorted[i]->re_key);
			v = strlen(sorted[i]->re_value);
			memcpy(at, sorted[i]->re_key, k);
			at[k] = '\x1f';
			memcpy(at + k + 1, sorted[i]->re_value, v);
			at[k + 1 + v] = '\x1e';
			at += k + v + 2;
		}
		*at = '\0';
	}
	free(sorted);
	return out;
}

/*
 * The loader's copy of settings s (freed now when it has one already),
 * which the config it builds keeps: 10,000 programs written alike share
 * one.  NULL when out of memory (s is freed).
 */
static char *
settings_keep(struct loader *ld, char *s)
{
	char *kept, **nk;
	size_t cap;

	if (s == NULL)
		return NULL;
	if ((kept = strmap_get(&ld->ld_settings, s)) != NULL) {
		free(s);
		return kept;
	}
	if (ld->ld_nsettings == ld->ld_settings_cap) {
		cap = ld->ld_settings_cap == 0 ? 64 : ld->ld_settings_cap * 2;
		if ((nk = reallocarray(ld->ld_settings_kept, cap,
		    sizeof(*nk))) == NULL) {
			free(s);
			return NULL;
		}
		ld->ld_settings_kept = nk;
		ld->ld_settings_cap = cap;
	}
	if (strmap_put(&ld->ld_settings, s, s) == -1) {
		free(s);
		return NULL;
	}
	ld->ld_settings_kept[ld->ld_nsettings++] = s;
	return s;
}

/* Expands one value and stores it in pg; false (reported) when bad. */
static bool
expand_store(struct loader *ld, const struct key_def *kd, void *base,
    const struct raw_entry *re, const struct program_vars *pv)
{
	char *value;
	bool ok;

	if ((value = config_expand(ld, re->re_key, re->re_line, re->re_value,
	    pv)) == NULL)
		return false;
	ok = config_store_value(ld, kd, base, re, value);
	free(value);
	return ok;
}

/*
 * Whether kd's value is stored in the program's probes (its PR offset),
 * not in the program: the keys named, no others.
 */
static bool
probe_key(const struct key_def *kd)
{
	static const char *const keys[] = {
		"ready_timeout", "ready_interval", "healthcheck_interval",
		"healthcheck_timeout", "healthcheck_retries", "watchdog_sec",
	};
	size_t i;

	for (i = 0; i < NKEYS(keys); i++)
		if (config_key_is(kd->kd_name, keys[i]))
			return true;
	return false;
}

/*
 * The probes a program loaded: its own copy when they are not the
 * defaults, else the defaults every such program shares.  NULL: out of
 * memory.
 */
static const struct program_probes *
probes_keep(const struct program_probes *pr)
{
	const struct program_probes *d = &program_probes_default;
	struct program_probes *own;

	if (pr->pp_ready.pb_kind == PROBE_NONE &&
	    pr->pp_health.pb_kind == PROBE_NONE &&
	    pr->pp_ready.pb_spec == NULL && pr->pp_health.pb_spec == NULL &&
	    pr->pp_ready_timeout == d->pp_ready_timeout &&
	    pr->pp_ready_interval == d->pp_ready_interval &&
	    pr->pp_health_interval == d->pp_health_interval &&
	    pr->pp_health_timeout == d->pp_health_timeout &&
	    pr->pp_watchdog == d->pp_watchdog &&
	    pr->pp_health_retries == d->pp_health_retries)
		return d;
	if ((own = malloc(sizeof(*own))) != NULL)
		*own = *pr;
	return own;
}

/*
 * user = NAME or a uid: looked up now, so that a user that does not exist
 * is a config error, not a failed start.  A supervisor that does not run
 * as root (its own user, or [supervisor] user's) can run programs only as
 * itself: another user is an error too.
 */
static bool
set_user(struct loader *ld, struct program_config *pg,
    const struct raw_entry *re, const struct program_vars *pv)
{
	struct passwd *pw;
	char *name;
	long id, self = ld->ld_daemon_uid;

	if ((name = config_expand(ld, "user", re->re_line, re->re_value,
	    pv)) == NULL)
		return false;
	errno = 0;
	if ((pw = getpwnam(name)) == NULL &&
	    parse_int(name, 0, INT_MAX, &id) == 0)
		pw = getpwuid((uid_t)id);
	if (pw == NULL) {
		config_msg(ld, true, re->re_line, "user: no such user \"%s\"",
		    name);
		free(name);
		return false;
	}
	if (self != 0 && (long)pw->pw_uid != self) {
		config_msg(ld, true, re->re_line, "user: \"%s\": only root "
		    "can run programs as another user (this supervisor runs "
		    "as uid %ld)", name, self);
		free(name);
		return false;
	}
	free(pg->pg_user);
	free(pg->pg_home);
	pg->pg_user = strdup(pw->pw_name);
	pg->pg_home = strdup(pw->pw_dir);
	pg->pg_uid = (long)pw->pw_uid;
	pg->pg_gid = (long)pw->pw_gid;
	/* Its own user: nothing to switch (and setgroups is root's). */
	if (self != 0)
		pg->pg_uid = pg->pg_gid = -1;
	free(name);
	if (pg->pg_user == NULL || pg->pg_home == NULL) {
		ld->ld_nomem = true;
		return false;
	}
	return true;
}

/* ready=, healthcheck=, depends_on=: expanded, then parsed. */
static bool
ready_store(struct loader *ld, struct program_config *pg,
    struct program_probes *pr, const struct raw_entry *re,
    const struct program_vars *pv)
{
	char *value;
	bool ok;

	if ((value = config_expand(ld, re->re_key, re->re_line, re->re_value,
	    pv)) == NULL)
		return false;
	if (strcmp(re->re_key, "depends_on") == 0)
		ok = config_depends_parse(ld, re->re_line, value, pg);
	else
		ok = config_probe_parse(ld, re->re_key, re->re_line, value,
		    strcmp(re->re_key, "ready") == 0 ? &pr->pp_ready :
		    &pr->pp_health, strcmp(re->re_key, "healthcheck") == 0);
	free(value);
	return ok;
}

/* The line of key in rs, or the section's. */
static int
key_line(const struct raw_section *rs, const char *key)
{
	size_t i;

	for (i = 0; i < rs->rs_count; i++)
		if (strcmp(rs->rs_entries[i].re_key, key) == 0)
			return rs->rs_entries[i].re_line;
	return rs->rs_line;
}

/* The readiness keys that only mean something together. */
static bool
ready_settings_agree(struct loader *ld, const struct program_probes *pr,
    const struct raw_section *rs)
{
	bool ok = true;

	if (pr->pp_watchdog > 0 && pr->pp_ready.pb_kind != PROBE_NOTIFY) {
		config_msg(ld, true, key_line(rs, "watchdog_sec"),
		    "watchdog_sec: needs ready = notify (the program sends "
		    "WATCHDOG=1 on NOTIFY_SOCKET)");
		ok = false;
	}
	if (pr->pp_ready_interval < 0.01) {
		config_msg(ld, true, key_line(rs, "ready_interval"),
		    "ready_interval: at least 0.01 (10 ms)");
		ok = false;
	}
	if (pr->pp_health_interval < 0.01 || pr->pp_health_timeout < 0.01) {
		config_msg(ld, true, key_line(rs, pr->pp_health_interval < 0.01 ?
		    "healthcheck_interval" : "healthcheck_timeout"),
		    "%s: at least 0.01 (10 ms)", pr->pp_health_interval < 0.01 ?
		    "healthcheck_interval" : "healthcheck_timeout");
		ok = false;
	}
	return ok;
}

/* A capture (PROCESS_COMMUNICATION) is one event: kept to CAPTURE_MAX. */
static void
capture_cap(struct loader *ld, struct program_config *pg,
    const struct raw_entry *re)
{
	int s = re->re_key[3] == 'o' ? OUT_STDOUT : OUT_STDERR;

	if (pg->pg_capture_maxbytes[s] <= CAPTURE_MAX)
		return;
	config_msg(ld, false, re->re_line, "%s: more than %d bytes; a "
	    "capture keeps its last %d", re->re_key, CAPTURE_MAX,
	    CAPTURE_MAX);
	pg->pg_capture_maxbytes[s] = CAPTURE_MAX;
}

/* A listener's key in a [program:x]: supervisord ignores it too. */
static void
listener_only(struct loader *ld, const struct raw_entry *re)
{
	config_msg(ld, false, re->re_line, "%s: only [eventlistener:x] has "
	    "it; ignored", re->re_key);
}

/*
 * events= (names separated by commas or blanks, any case, each type
 * taking its children) and result_handler=.  False after reporting.
 */
static bool
listener_key(struct loader *ld, struct program_config *pg,
    const struct raw_entry *re)
{
	char *list, *word, *save = NULL;
	int t;
	bool ok = true;

	if (!pg->pg_listener) {
		listener_only(ld, re);
		return true;
	}
	if (strcmp(re->re_key, "result_handler") == 0) {
		if (strcmp(re->re_value, DEFAULT_RESULT_HANDLER) == 0)
			return true;
		config_msg(ld, true, re->re_line, "result_handler: \"%s\" "
		    "is Python code this supervisor can't run; only %s (the "
		    "default: RESULT OK is done, anything else is sent again) "
		    "is supported", re->re_value, DEFAULT_RESULT_HANDLER);
		return false;
	}
	if ((list = strdup(re->re_value)) == NULL) {
		ld->ld_nomem = true;
		return false;
	}
	pg->pg_events = 0;
	for (word = strtok_r(list, ", \t\r\n", &save); word != NULL;
	    word = strtok_r(NULL, ", \t\r\n", &save)) {
		if ((t = event_type_lookup(word)) == -1) {
			config_msg(ld, true, re->re_line, "events: unknown "
			    "event type \"%s\"", word);
			ok = false;
			continue;
		}
		pg->pg_events |= event_type_subtree(t);
	}
	free(list);
	if (ok && pg->pg_events == 0) {
		config_msg(ld, true, re->re_line, "events: no event type");
		ok = false;
	}
	return ok;
}

/* What supervisord requires of an [eventlistener:x]. */
static bool
listener_check(struct loader *ld, struct program_config *pg,
    const struct raw_section *rs)
{
	bool ok = true;
	size_t i;

	for (i = 0; i < rs->rs_count; i++)
		if (strcmp(rs->rs_entries[i].re_key, "events") == 0)
			break;
	if (i == rs->rs_count) {
		config_msg(ld, true, rs->rs_line, "[%s] has no events= line "
		    "(the event types its listeners get)", rs->rs_name);
		ok = false;
	}
	if (pg->pg_redirect_stderr) {
		config_msg(ld, true, rs->rs_line, "[%s]: redirect_stderr = "
		    "true would mix stderr into the event protocol on stdout",
		    rs->rs_name);
		ok = false;
	}
	return ok;
}

/* ---- a section read before: copied, not read again -------------------- */

/*
 * What a program's section reads besides its own entries, hashed once a
 * load: where relative paths are from, the files' directories (%(here)s),
 * [supervisor] environment= and inherit_environment, whom the supervisor
 * runs as.  Called once [supervisor]'s early settings are read.
 */
static uint64_t
context_hash(struct loader *ld)
{
	uint64_t h = HASH64_INIT;
	size_t i;

	if (ld->ld_context != 0)
		return ld->ld_context;
	h = hash64_str(h, ld->ld_base);
	for (i = 0; i < ld->ld_nfiles; i++)
		h = hash64_str(h, ld->ld_files[i].lf_here);
	h = hash64_bytes(h, "\1", 1);
	for (i = 0; ld->ld_env != NULL && ld->ld_env[i] != NULL; i++)
		h = hash64_str(h, ld->ld_env[i]);
	h = hash64_bytes(h, &ld->ld_inherit_env, sizeof(ld->ld_inherit_env));
	h = hash64_bytes(h, &ld->ld_daemon_uid, sizeof(ld->ld_daemon_uid));
	ld->ld_context = h != 0 ? h : 1;
	return ld->ld_context;
}

/*
 * A program's source: its section (name, then each key, value and file,
 * in order; not its lines), its group's name and the context.  Two loads
 * that hash a section alike read it to the same program_config, but for
 * what the later passes set (groups, dependency depths, log paths) and
 * the lines.
 */
static uint64_t
source_hash(struct loader *ld, const struct raw_section *rs)
{
	const struct raw_entry *re;
	uint64_t h = context_hash(ld);
	size_t i;

	h = hash64_str(h, rs->rs_name);
	h = hash64_str(h, config_raw_group(ld, strchr(rs->rs_name, ':') + 1));
	for (i = 0; i < rs->rs_count; i++) {
		re = &rs->rs_entries[i];
		h = hash64_str(h, re->re_key);
		h = hash64_str(h, re->re_value);
		h = hash64_bytes(h, &re->re_file, sizeof(re->re_file));
	}
	return h != 0 ? h : 1;
}

/*
 * What a section that is one span (inifile.h) reads besides its text: the
 * context, its group's name and its file.  A program whose span and this
 * hash as they did is the same program, its keys unread.
 */
static uint64_t
span_around(struct loader *ld, const struct raw_section *rs)
{
	uint64_t h = context_hash(ld);

	h = hash64_str(h, config_raw_group(ld, strchr(rs->rs_name, ':') + 1));
	h = hash64_str(h, ld->ld_files[rs->rs_file].lf_name);
	h = hash64_bytes(h, &rs->rs_file, sizeof(rs->rs_file));
	return h != 0 ? h : 1;
}

/* s in the loader's settings strings, copied only if it has none alike. */
static char *
settings_keep_copy(struct loader *ld, const char *s)
{
	char *kept;

	if ((kept = strmap_get(&ld->ld_settings, s)) != NULL)
		return kept;
	return settings_keep(ld, strdup(s));
}

static bool
dup_string(char **to, const char *from)
{
	*to = NULL;
	return from == NULL || (*to = strdup(from)) != NULL;
}

static bool
dup_probe(struct probe_config *to, const struct probe_config *from)
{
	memcpy(to, from, sizeof(*to));
	to->pb_spec = to->pb_host = to->pb_port = to->pb_path = NULL;
	to->pb_command = to->pb_regex = NULL;
	return dup_string(&to->pb_spec, from->pb_spec) &&
	    dup_string(&to->pb_host, from->pb_host) &&
	    dup_string(&to->pb_port, from->pb_port) &&
	    dup_string(&to->pb_path, from->pb_path) &&
	    dup_string(&to->pb_command, from->pb_command) &&
	    dup_string(&to->pb_regex, from->pb_regex);
}

/* The probes of a program copied: program_probes_default is shared. */
static const struct program_probes *
dup_probes(const struct program_probes *from)
{
	struct program_probes *pr;

	if (from == &program_probes_default)
		return from;
	if ((pr = malloc(sizeof(*pr))) == NULL)
		return NULL;
	memcpy(pr, from, sizeof(*pr));
	pr->pp_ready = pr->pp_health = program_probes_default.pp_ready;
	if (!dup_probe(&pr->pp_ready, &from->pp_ready) ||
	    !dup_probe(&pr->pp_health, &from->pp_health)) {
		probes_clear(pr);
		free(pr);
		return NULL;
	}
	return pr;
}

/* One process's settings copied; false when out of memory (pc then holds
 * only what config_program_free frees). */
static bool
dup_proc(struct proc_config *pc, const struct proc_config *from,
    const struct program_config *old, const struct program_config *pg)
{
	int k;

	memcpy(pc, from, sizeof(*pc));
	pc->pcf_was = NULL;
	pc->pcf_argv = pc->pcf_env = NULL;
	pc->pcf_directory = NULL;
	pc->pcf_log[OUT_STDOUT].lc_path = pc->pcf_log[OUT_STDERR].lc_path =
	    NULL;
	if (from->pcf_name == old->pg_name)
		pc->pcf_name = pg->pg_name;
	else if ((pc->pcf_name = strdup(from->pcf_name)) == NULL)
		return false;
	if ((pc->pcf_argv = strv_dup(from->pcf_argv)) == NULL ||
	    (from->pcf_env != NULL &&
	    (pc->pcf_env = strv_dup(from->pcf_env)) == NULL) ||
	    !dup_string(&pc->pcf_directory, from->pcf_directory))
		return false;
	/* An AUTO log's path is made by config_settle_logs, again. */
	for (k = 0; k < 2; k++)
		if (!from->pcf_log[k].lc_auto &&
		    !dup_string(&pc->pcf_log[k].lc_path,
		    from->pcf_log[k].lc_path))
			return false;
	return true;
}

/*
 * The program old as config_program_load would read rs again: its own
 * settings copied; what the passes after the sections set (its group,
 * its depth among dependencies, AUTO log paths) left for them, as a
 * section just read leaves it; the lines rs's.  NULL when out of memory.
 */
static struct program_config *
program_copy(struct loader *ld, const struct program_config *old,
    const struct raw_section *rs)
{
	struct program_config *pg;
	size_t i;
	int j;

	if ((pg = malloc(sizeof(*pg))) == NULL)
		return NULL;
	memcpy(pg, old, sizeof(*pg));
	/* Nothing of old's until copied: a failure frees only pg's own. */
	pg->pg_name = pg->pg_user = pg->pg_home = pg->pg_settings = NULL;
	pg->pg_probes = &program_probes_default;
	pg->pg_depends = NULL;
	pg->pg_ndepends = 0;
	pg->pg_procs = NULL;
	pg->pg_group = pg->pg_group_members = NULL;
	pg->pg_group_priority = 0;
	pg->pg_depends_level = 0;
	pg->pg_restarts_dependents = false;
	pg->pg_fileno = rs->rs_file;
	pg->pg_file = ld->ld_files[rs->rs_file].lf_name;
	pg->pg_line = rs->rs_line;
	pg->pg_depends_line = 0;
	for (i = 0; i < rs->rs_count; i++)
		if (config_key_is(rs->rs_entries[i].re_key, "depends_on"))
			pg->pg_depends_line = rs->rs_entries[i].re_line;
	/* A span's keys unread: where they were, moved as its header. */
	if (rs->rs_skipped && old->pg_depends_line != 0)
		pg->pg_depends_line = old->pg_depends_line - old->pg_line +
		    rs->rs_line;
	pg->pg_span = rs->rs_span;
	pg->pg_span_around = rs->rs_span != 0 ? span_around(ld, rs) : 0;
	if ((pg->pg_name = strdup(old->pg_name)) == NULL ||
	    !dup_string(&pg->pg_user, old->pg_user) ||
	    !dup_string(&pg->pg_home, old->pg_home) ||
	    (pg->pg_settings = settings_keep_copy(ld, old->pg_settings)) ==
	    NULL || (pg->pg_probes = dup_probes(old->pg_probes)) == NULL)
		goto fail;
	if (old->pg_ndepends > 0) {
		if ((pg->pg_depends = calloc(old->pg_ndepends,
		    sizeof(*pg->pg_depends))) == NULL)
			goto fail;
		for (i = 0; i < old->pg_ndepends; i++) {
			pg->pg_depends[i].dp_cond = old->pg_depends[i].dp_cond;
			pg->pg_ndepends++;
			if ((pg->pg_depends[i].dp_name =
			    strdup(old->pg_depends[i].dp_name)) == NULL)
				goto fail;
		}
	}
	if ((pg->pg_procs = calloc((size_t)old->pg_numprocs,
	    sizeof(*pg->pg_procs))) == NULL)
		goto fail;
	for (j = 0; j < old->pg_numprocs; j++)
		if (!dup_proc(&pg->pg_procs[j], &old->pg_procs[j], old, pg))
			goto fail;
	return pg;
fail:
	if (pg->pg_probes == NULL)
		pg->pg_probes = &program_probes_default;
	config_program_free(pg);
	return NULL;
}

/*
 * The program a section read by an earlier load (ld_before) was, copied,
 * when the section and what it reads hash as they did then (source) and
 * the program had nothing said of it; NULL to read the section.  A user=
 * is looked up again: the copy holds only if it is still the same user.
 */
static struct program_config *
program_reuse(struct loader *ld, const struct raw_section *rs,
    uint64_t source)
{
	const struct program_config *old;
	struct program_config *pg;
	struct passwd *pw;

	if ((old = config_finder_get(&ld->ld_before_find, ld->ld_before_at++,
	    strchr(rs->rs_name, ':') + 1)) == NULL)
		return NULL;
	if (rs->rs_skipped ? old->pg_span != rs->rs_span ||
	    old->pg_span_around != span_around(ld, rs) :
	    old->pg_source != source)
		return NULL;
	/* Over a limit: read, so that the message is said. */
	if (ld->ld_processes + (size_t)old->pg_numprocs >
	    ld->ld_max_processes || ld->ld_expanded_over ||
	    ld->ld_expanded + old->pg_expanded > CONFIG_EXPANDED_MAX)
		return NULL;
	if (old->pg_user != NULL && ((pw = getpwnam(old->pg_user)) == NULL ||
	    !str_same(pw->pw_dir, old->pg_home) || (old->pg_uid != -1 &&
	    ((long)pw->pw_uid != old->pg_uid ||
	    (long)pw->pw_gid != old->pg_gid)) || (old->pg_uid == -1 &&
	    (long)pw->pw_uid != ld->ld_daemon_uid)))
		return NULL;
	if ((pg = program_copy(ld, old, rs)) == NULL) {
		ld->ld_nomem = true;
		return NULL;
	}
	ld->ld_processes += (size_t)pg->pg_numprocs;
	ld->ld_expanded += pg->pg_expanded;
	ld->ld_copied++;
	if (rs->rs_skipped)
		ld->ld_unread++;
	return pg;
}

/* Validates one [program:NAME] section; NULL when it has errors. */
struct program_config *
config_program_load(struct loader *ld, const struct raw_section *rs)
{
	struct program_config *pg;
	struct program_raw raw = { 0 };
	struct program_probes probes = program_probes_default;
	const struct key_def *kd;
	const struct raw_entry *re;
	struct program_vars pv;
	uint64_t source = rs->rs_skipped ? 0 : source_hash(ld, rs);
	size_t i, said = ld->ld_msgs->cm_count, expanded = ld->ld_expanded;
	bool ok = true;
	int j;

	if (ld->ld_before != NULL && (pg = program_reuse(ld, rs, source)) !=
	    NULL)
		return pg;
	/* Its keys were not read (the running config had its span): the
	 * load is made again, whole (config.c). */
	if (rs->rs_skipped) {
		ld->ld_span_failed = true;
		return NULL;
	}
	ld->ld_looked_up = false;
	if ((pg = calloc(1, sizeof(*pg))) == NULL) {
		ld->ld_nomem = true;
		return NULL;
	}
	pg->pg_listener = strncmp(rs->rs_name, "eventlistener:", 14) == 0;
	if ((pg->pg_name = strdup(strchr(rs->rs_name, ':') + 1)) == NULL) {
		ld->ld_nomem = true;
		free(pg);
		return NULL;
	}
	pg->pg_file = ld->ld_file;
	pg->pg_fileno = ld->ld_file_index;
	pg->pg_line = rs->rs_line;
	pg->pg_numprocs = 1;
	pg->pg_umask = -1;
	pg->pg_autostart = true;
	pg->pg_autorestart = AUTORESTART_UNEXPECTED;
	exit_set_add(&pg->pg_exitcodes, 0);
	pg->pg_startsecs = 1;
	pg->pg_startretries = 3;
	pg->pg_backoff_max = 60;
	pg->pg_stopsignal = SIGTERM;
	pg->pg_stopwaitsecs = 10;
	/* Listeners start first and stop last, as supervisord's. */
	pg->pg_priority = pg->pg_listener ? -1 : 999;
	pg->pg_buffer_size = 10;
	pg->pg_probes = &program_probes_default;
	pg->pg_log_maxbytes[OUT_STDOUT] = LOG_MAXBYTES_DEFAULT;
	pg->pg_log_maxbytes[OUT_STDERR] = LOG_MAXBYTES_DEFAULT;
	pg->pg_log_backups[OUT_STDOUT] = LOG_BACKUPS_DEFAULT;
	pg->pg_log_backups[OUT_STDERR] = LOG_BACKUPS_DEFAULT;
	pg->pg_uid = pg->pg_gid = -1;
	pg->pg_inherit_env = ld->ld_inherit_env;
	for (i = 0; i < PG_RLIMITS; i++)
		pg->pg_rlimit[i] = RLIMIT_INHERIT;

	if (!valid_program_name(pg->pg_name)) {
		config_msg(ld, true, rs->rs_line, "[%s]: a program name must be "
		    "1-128 bytes of UTF-8 without blanks, control characters, "
		    "':' or '/'", rs->rs_name);
		ok = false;
	}
	/* numprocs first: the other values are expanded with it. */
	config_vars_init(&pv, ld, pg->pg_name, 1, 0);
	for (i = 0; i < rs->rs_count; i++) {
		re = &rs->rs_entries[i];
		if (!config_key_is(re->re_key, "numprocs") &&
		    !config_key_is(re->re_key, "numprocs_start"))
			continue;
		config_use_entry(ld, re, &pv);
		kd = config_key_find(ld, program_keys, NKEYS(program_keys),
		    re->re_key);
		if (!expand_store(ld, kd, pg, re, &pv))
			ok = false;
	}
	/* Before anything is expanded per process: a count too large to
	 * run costs nothing more than this message. */
	if (ld->ld_processes + (size_t)pg->pg_numprocs > ld->ld_max_processes) {
		if ((re = numprocs_entry(rs)) != NULL)
			config_use_entry(ld, re, NULL);
		else
			config_use_file(ld, rs->rs_file);
		config_msg(ld, true, re != NULL ? re->re_line : rs->rs_line,
		    "numprocs: %d more "
		    "process%s would make %zu, over max_processes = %zu; raise "
		    "max_processes in [supervisor] if this machine can run "
		    "them", pg->pg_numprocs, pg->pg_numprocs == 1 ? "" : "es",
		    ld->ld_processes + (size_t)pg->pg_numprocs,
		    ld->ld_max_processes);
		ok = false;
		pg->pg_numprocs = 1;
	}
	ld->ld_processes += (size_t)pg->pg_numprocs;
	config_vars_init(&pv, ld, pg->pg_name, pg->pg_numprocs,
	    pg->pg_numprocs_start);
	for (i = 0; i < rs->rs_count; i++) {
		re = &rs->rs_entries[i];
		config_use_entry(ld, re, &pv);
		kd = config_key_usable(ld, program_keys, NKEYS(program_keys), rs,
		    re);
		if (kd == NULL)
			continue;
		if (config_key_is(re->re_key, "numprocs") ||
		    config_key_is(re->re_key, "numprocs_start"))
			continue;
		if (kd->kd_type == KEY_STRING) {
			/* Per-process strings are expanded per process. */
			if (config_key_is(kd->kd_name, "command"))
				raw.pr_command = re;
			else if (config_key_is(kd->kd_name, "process_name"))
				raw.pr_process_name = re;
			else if (config_key_is(kd->kd_name, "directory"))
				raw.pr_directory = re;
			else if (config_key_is(kd->kd_name, "user")) {
				if (!set_user(ld, pg, re, &pv))
					ok = false;
			} else if (config_key_is(kd->kd_name, "ready") ||
			    config_key_is(kd->kd_name, "healthcheck") ||
			    config_key_is(kd->kd_name, "depends_on")) {
				if (!ready_store(ld, pg, &probes, re, &pv))
					ok = false;
			} else if (config_key_is(kd->kd_name, "stdout_logfile"))
				raw.pr_logfile[OUT_STDOUT] = re;
			else if (config_key_is(kd->kd_name, "stderr_logfile"))
				raw.pr_logfile[OUT_STDERR] = re;
			else if (config_key_is(kd->kd_name, "events") ||
			    config_key_is(kd->kd_name, "result_handler")) {
				if (!listener_key(ld, pg, re))
					ok = false;
			} else
				raw.pr_environment = re;
			continue;
		}
		if (config_key_is(kd->kd_name, "buffer_size") &&
		    !pg->pg_listener) {
			listener_only(ld, re);
			continue;
		}
		if (!expand_store(ld, kd, probe_key(kd) ? (void *)&probes :
		    (void *)pg, re, &pv))
			ok = false;
		else if (config_key_is(kd->kd_name, "nice"))
			pg->pg_nice_set = true;
		else if (strncmp(kd->kd_name, "std", 3) == 0 &&
		    strstr(kd->kd_name, "_capture_maxbytes") != NULL)
			capture_cap(ld, pg, re);
	}
	config_use_file(ld, rs->rs_file);
	if (!ready_settings_agree(ld, &probes, rs))
		ok = false;
	if (pg->pg_listener && !listener_check(ld, pg, rs))
		ok = false;
	if ((pg->pg_settings = settings_keep(ld, settings_string(rs))) ==
	    NULL) {
		ld->ld_nomem = true;
		ok = false;
	}
	if (raw.pr_command == NULL) {
		config_msg(ld, true, rs->rs_line, "[%s] has no command",
		    rs->rs_name);
		ok = false;
	}
	if (raw.pr_process_name == NULL) {
		raw.pr_default_name.re_line = rs->rs_line;
		raw.pr_default_name.re_file = rs->rs_file;
		raw.pr_default_name.re_key = (char *)(uintptr_t)"process_name";
		raw.pr_default_name.re_value = (char *)(uintptr_t)
		    (pg->pg_numprocs > 1 ? "%(program_name)s_%(process_num)02d" :
		    "%(program_name)s");
		raw.pr_process_name = &raw.pr_default_name;
		/* The program's name, said to be bad already. */
		if (!valid_program_name(pg->pg_name))
			raw.pr_bad_name = true;
	} else if (pg->pg_numprocs > 1 &&
	    strstr(raw.pr_process_name->re_value, "%(process_num)") == NULL) {
		config_use_entry(ld, raw.pr_process_name, NULL);
		config_msg(ld, true, raw.pr_process_name->re_line,
		    "process_name: must contain %%(process_num)d when numprocs "
		    "is above 1");
		raw.pr_bad_name = true;
		ok = false;
	}
	/* Even after an error: a bad value must not hide the next. */
	if (!program_expand_procs(ld, pg, &raw))
		ok = false;
	config_use_file(ld, rs->rs_file);
	if (ok && (pg->pg_probes = probes_keep(&probes)) == NULL) {
		pg->pg_probes = &program_probes_default;
		ld->ld_nomem = true;
		ok = false;
	}
	/* ready = log: reads its output: output logged nowhere goes
	 * through a pipe all the same (a listener's stdout is its
	 * protocol's). */
	for (j = 0; ok && probes.pp_ready.pb_kind == PROBE_LOG &&
	    j < pg->pg_numprocs; j++) {
		if (!pg->pg_listener &&
		    pg->pg_procs[j].pcf_log[OUT_STDOUT].lc_dest == LOG_TO_NONE)
			pg->pg_procs[j].pcf_tapped[OUT_STDOUT] = true;
		if (pg->pg_procs[j].pcf_log[OUT_STDERR].lc_dest == LOG_TO_NONE)
			pg->pg_procs[j].pcf_tapped[OUT_STDERR] = true;
	}
	if (!ok) {
		probes_clear(&probes);
		config_program_free(pg);
		return NULL;
	}
	/* Copied by the next load if its section is the same, unless
	 * something was said of it (said again) or it read what may change. */
	if (ld->ld_msgs->cm_count == said && !ld->ld_looked_up) {
		pg->pg_source = source;
		pg->pg_span = rs->rs_span;
		pg->pg_span_around = rs->rs_span != 0 ? span_around(ld, rs) :
		    0;
	}
	pg->pg_expanded = (unsigned)(ld->ld_expanded - expanded);
	return pg;
}


/*
 * Every process name must be unique across programs.  Each process whose
 * name an earlier process already has is reported once, naming the first
 * program that has it.  Names go into a hash table of the programs that
 * hold them: a thousand programs cost a thousand lookups, not a million
 * comparisons.
 */
bool
config_check_unique_names(struct loader *ld, struct config *cf)
{
	struct program_config *a, *b;
	struct strmap owners;		/* process name -> its program */
	const char *name;
	size_t j, n = 0;
	bool ok = true;
	int l;

	for (j = 0; j < cf->cf_nprograms; j++)
		n += (size_t)cf->cf_programs[j]->pg_numprocs;
	strmap_init(&owners);
	if (strmap_reserve(&owners, n) == -1) {
		ld->ld_nomem = true;
		return false;
	}
	for (j = 0; j < cf->cf_nprograms; j++) {
		b = cf->cf_programs[j];
		for (l = 0; l < b->pg_numprocs; l++) {
			name = b->pg_procs[l].pcf_name;
			if ((a = strmap_get(&owners, name)) == NULL) {
				(void)strmap_put(&owners, name, b); /* reserved */
				continue;
			}
			ok = false;
			config_use_file(ld, b->pg_fileno);
			if (a->pg_fileno == b->pg_fileno)
				config_msg(ld, true, b->pg_line, "process name "
				    "\"%s\" is also used by [program:%s] at line "
				    "%d", name, a->pg_name, a->pg_line);
			else
				config_msg(ld, true, b->pg_line, "process name "
				    "\"%s\" is also used by [program:%s] in %s "
				    "at line %d", name, a->pg_name, a->pg_file,
				    a->pg_line);
		}
	}
	strmap_free(&owners);
	return ok;
}

/* Who writes a log file, for the one-writer-per-file check. */
struct log_owner {
	const char			*lo_path;
	const struct program_config	*lo_program;
	const struct proc_config	*lo_proc;
	int				 lo_stream;
};

static const char *const stream_names[] = { "stdout", "stderr" };

/*
 * Adds one log file to the table of owners.  Several logs may write one
 * file: one sink writes it for all, line by line, and rotates it (see
 * sink.c), so they must agree on when and with how many backups: false
 * (reported) when they don't.  False too for the supervisor's own
 * logfile, which its guardian writes as well (when the supervisor is
 * gone), with lines that must stay whole and its own.
 */
static bool
own_log(struct loader *ld, struct strmap *owners, struct log_owner *lo,
    const char *supervisor_log)
{
	const struct log_owner *other;
	const struct log_config *a, *b;

	if (supervisor_log != NULL && strcmp(lo->lo_path, supervisor_log) == 0) {
		config_use_file(ld, lo->lo_program->pg_fileno);
		config_msg(ld, true, lo->lo_program->pg_line, "[program:%s] "
		    "%s_logfile: %s is the supervisor's own logfile",
		    lo->lo_program->pg_name, stream_names[lo->lo_stream],
		    lo->lo_path);
		return false;
	}
	if ((other = strmap_get(owners, lo->lo_path)) == NULL) {
		(void)strmap_put(owners, lo->lo_path, lo);	/* reserved */
		return true;
	}
	a = &other->lo_proc->pcf_log[other->lo_stream];
	b = &lo->lo_proc->pcf_log[lo->lo_stream];
	if (a->lc_maxbytes == b->lc_maxbytes && a->lc_backups == b->lc_backups)
		return true;
	config_use_file(ld, lo->lo_program->pg_fileno);
	config_msg(ld, true, lo->lo_program->pg_line, "[program:%s] "
	    "%s_logfile: %s is also the %s log of process %s, which rotates "
	    "it at %lld bytes and keeps %d backups: give every log of one "
	    "file the same _logfile_maxbytes and _logfile_backups",
	    lo->lo_program->pg_name, stream_names[lo->lo_stream], lo->lo_path,
	    stream_names[other->lo_stream], other->lo_proc->pcf_name,
	    a->lc_maxbytes, a->lc_backups);
	return false;
}

/*
 * Once the whole config is read: AUTO logs are named (childlogdir may
 * come after the programs): CHILDLOGDIR/PROCESS-stdout---IDENTIFIER
 * (supervisor unless [supervisor] identifier says), a
 * prefix that logfile.c ends with a random part and .log when it makes
 * the file (once per supervisor run: a restart of the process appends to
 * it), as supervisord does, so nobody can guess or claim the name first
 * in a shared directory.  A process whose stdout and stderr name one file
 * gets one pipe for both, as with redirect_stderr; logs of several
 * processes may share a file (own_log says on what terms).
 */
bool
config_settle_logs(struct loader *ld, struct config *cf)
{
	const char *dir = cf->cf_childlogdir, *tmp = getenv("TMPDIR");
	const char *own = cf->cf_log.lc_dest == LOG_TO_FILE ?
	    cf->cf_log.lc_path : NULL;
	struct program_config *pg;
	struct log_owner *lo, *los;
	struct strmap owners;		/* log path -> who writes it */
	struct log_config *lc;
	struct proc_config *pc;
	size_t i, n = 0, used = 0;
	bool ok = true;
	int j, k;

	if (dir == NULL)
		dir = tmp != NULL && tmp[0] == '/' ? tmp : "/tmp";
	for (i = 0; i < cf->cf_nprograms; i++)
		n += 2 * (size_t)cf->cf_programs[i]->pg_numprocs;
	strmap_init(&owners);
	if ((los = calloc(n + 1, sizeof(*los))) == NULL ||
	    strmap_reserve(&owners, n) == -1) {
		free(los);
		ld->ld_nomem = true;
		return false;
	}
	for (i = 0; i < cf->cf_nprograms; i++) {
		pg = cf->cf_programs[i];
		for (j = 0; j < pg->pg_numprocs; j++) {
			pc = &pg->pg_procs[j];
			for (k = 0; k < 2; k++) {
				lc = &pc->pcf_log[k];
				if (!lc->lc_auto)
					continue;
				/* A prefix: the file gets its random end (and
				 * .log) when it is made, as supervisord's. */
				if (asprintf(&lc->lc_path, "%s/%s-%s---%s", dir,
				    pc->pcf_name, stream_names[k],
				    cf->cf_identifier) == -1) {
					lc->lc_path = NULL;
					ld->ld_nomem = true;
					ok = false;
					goto out;
				}
				path_clean(lc->lc_path);
			}
			pc->pcf_stderr_joined = pg->pg_redirect_stderr ||
			    (pc->pcf_log[OUT_STDOUT].lc_path != NULL &&
			    str_same(pc->pcf_log[OUT_STDOUT].lc_path,
			    pc->pcf_log[OUT_STDERR].lc_path));
			for (k = 0; k < 2; k++) {
				lc = &pc->pcf_log[k];
				if (lc->lc_path == NULL ||
				    (k == OUT_STDERR && pc->pcf_stderr_joined))
					continue;
				lo = &los[used++];
				lo->lo_path = lc->lc_path;
				lo->lo_program = pg;
				lo->lo_proc = pc;
				lo->lo_stream = k;
				if (!own_log(ld, &owners, lo, own))
					ok = false;
			}
		}
	}
out:
	strmap_free(&owners);
	free(los);
	return ok;
}
