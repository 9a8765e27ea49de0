/*
 * config.c: INI text -> validated struct config.  Sections and keys are
 * collected first (with their lines), then checked against the tables of
 * known keys; every problem becomes a "FILE:LINE: message" and loading
 * goes on, so one run reports all of them.
 */
#include <errno.h>
#include <grp.h>
#include <limits.h>
#include <pthread.h>
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
#include "config_daemon.h"
#include "config_files.h"
#include "config_group.h"
#include "config_program.h"
#include "config_ready.h"
#include "config_value.h"
#include "inifile.h"
#include "parse.h"
#include "strmap.h"
#include "strv.h"


/* Sections supervisord has that this supervisor does not implement yet. */
static const char *const later_sections[] = {
	"rpcinterface:", "fcgi-program:",
	"ctlplugin:",
};

/* Every section name (or prefix) supervisord or this supervisor knows. */
static const char *const known_sections[] = {
	"supervisor", "supervisord", "program", "include", "unix_http_server",
	"inet_http_server", "supervisorctl", "rpcinterface", "group",
	"eventlistener", "fcgi-program", "ctlplugin",
};

/* The command line's word over the file's (config_set_options). */
static struct config_options options = {
	.co_nodaemon_default = true,
	.co_nodaemon = -1, .co_silent = -1, .co_nocleanup = -1,
	.co_strip_ansi = -1,
	.co_umask = -1, .co_logfile_maxbytes = -1, .co_logfile_backups = -1,
	.co_loglevel = -1, .co_minfds = -1, .co_minprocs = -1,
};
/* Where relative paths are from; NULL: the current directory. */
static char *base_dir;

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

/* An unknown section, ignored with a warning as supervisord ignores it. */
static void
unknown_section(struct loader *ld, const struct raw_section *rs)
{
	char word[64];
	const char *near;
	size_t len = strcspn(rs->rs_name, ":");

	snprintf(word, sizeof(word), "%.*s", (int)len, rs->rs_name);
	if ((near = config_closest(word, known_sections,
	    NKEYS(known_sections))) != NULL)
		config_msg(ld, false, rs->rs_line, "unknown section [%s]; "
		    "ignored; did you mean [%s%s]?", rs->rs_name, near,
		    rs->rs_name + len);
	else
		config_msg(ld, false, rs->rs_line, "unknown section [%s]; "
		    "ignored", rs->rs_name);
}

/* Where an unknown key belongs, for its warning: "[program:x]". */
static const char *
key_home(const char *key, const char *section)
{
	static const char *const daemon_keys[] = {
		"logfile", "logfile_maxbytes", "logfile_backups", "loglevel",
		"pidfile", "nodaemon", "minfds", "minprocs", "childlogdir",
		"identifier", "nocleanup", "silent",
	};
	static const char *const program_keys[] = {
		"command", "autostart", "autorestart", "startsecs",
		"startretries", "stopsignal", "stopwaitsecs", "redirect_stderr",
		"stdout_logfile", "stdout_logfile_maxbytes",
		"stdout_logfile_backups", "stderr_logfile",
		"stderr_logfile_maxbytes", "stderr_logfile_backups",
		"exitcodes", "priority", "numprocs", "process_name",
		"stopasgroup", "killasgroup",
	};
	size_t i;

	if (!config_is_program_section(section))
		for (i = 0; i < NKEYS(program_keys); i++)
			if (strcmp(key, program_keys[i]) == 0)
				return "[program:x]";
	if (strcmp(section, "supervisor") != 0 &&
	    strcmp(section, "supervisord") != 0)
		for (i = 0; i < NKEYS(daemon_keys); i++)
			if (strcmp(key, daemon_keys[i]) == 0)
				return "[supervisord]";
	return NULL;
}

/*
 * The raw entry of a [supervisor] (or [supervisord]) key, read before the
 * programs (which may come first in the file) need it; NULL when unset.
 * Of the two sections, the one read later wins.  A bad value is reported
 * when the section itself is loaded.
 */
static const struct raw_entry *
early_entry(const struct loader *ld, const char *key)
{
	static const char *const names[] = { "supervisor", "supervisord" };
	const struct raw_section *rs;
	const struct raw_entry *re = NULL;
	size_t i, j;

	for (j = 0; j < NKEYS(names); j++) {
		if ((rs = config_section_find(ld, names[j])) == NULL)
			continue;
		for (i = 0; i < rs->rs_count; i++)
			if (strcmp(rs->rs_entries[i].re_key, key) == 0 &&
			    (re == NULL || rs->rs_entries[i].re_file >
			    re->re_file || (rs->rs_entries[i].re_file ==
			    re->re_file && rs->rs_entries[i].re_line >
			    re->re_line)))
				re = &rs->rs_entries[i];
	}
	return re;
}

static const char *
early_value(const struct loader *ld, const char *key)
{
	const struct raw_entry *re = early_entry(ld, key);

	return re == NULL ? NULL : re->re_value;
}

/*
 * What the programs need of [supervisor] before it is loaded: limits,
 * whom the supervisor runs as, and environment= (reported here).
 */
static bool
early_settings(struct loader *ld)
{
	const char *v;
	struct passwd *pw;
	long n;
	bool b;

	ld->ld_max_processes = CONFIG_MAX_PROCESSES;
	if ((v = early_value(ld, "max_processes")) != NULL &&
	    parse_int(v, 1, 1000000, &n) == 0)
		ld->ld_max_processes = (size_t)n;
	if ((v = early_value(ld, "inherit_environment")) != NULL &&
	    parse_bool(v, &b) == 0)
		ld->ld_inherit_env = b;
	ld->ld_daemon_uid = (long)geteuid();
	if ((v = options.co_user) != NULL || (v = early_value(ld, "user")) !=
	    NULL) {
		if ((pw = getpwnam(v)) == NULL && parse_int(v, 0, INT_MAX, &n)
		    == 0)
			pw = getpwuid((uid_t)n);
		if (pw != NULL)
			ld->ld_daemon_uid = (long)pw->pw_uid;
	}
	return config_supervisor_env(ld);
}

static struct config *
config_build(struct loader *ld, const char *path)
{
	struct config *cf;
	struct program_config *pg, **nl;
	struct raw_section *rs;
	bool ok = true, programs_ok = true;
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
	cf->cf_uid = cf->cf_gid = -1;
	cf->cf_umask = 022;
	if ((cf->cf_identifier = strdup("supervisor")) == NULL) {
		config_free(cf);
		ld->ld_nomem = true;
		return NULL;
	}
	cf->cf_loglevel = LOG_LEVEL_INFO;
	cf->cf_parent_poll_interval = 1;
	cf->cf_socket_mode = 0600;
	cf->cf_socket_uid = -1;
	cf->cf_socket_gid = -1;
	cf->cf_control_timeout = 10;
	cf->cf_nodaemon = options.co_nodaemon_default;
	cf->cf_minfds = 1024;
	cf->cf_minprocs = 200;
	cf->cf_max_processes = CONFIG_MAX_PROCESSES;
	if (!early_settings(ld))
		ok = false;
	cf->cf_log.lc_dest = LOG_TO_STDERR;
	cf->cf_log.lc_maxbytes = LOG_MAXBYTES_DEFAULT;
	cf->cf_log.lc_uid = cf->cf_log.lc_gid = -1;
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
		} else if (config_is_program_section(rs->rs_name)) {
			if (ld->ld_daemon_only)
				continue;
			if ((pg = config_program_load(ld, rs)) == NULL) {
				ok = programs_ok = false;
				continue;
			}
			/* Room for every section at the first: growing one
			 * by one copied 10,000 pointers 10,000 times. */
			nl = cf->cf_programs != NULL ? cf->cf_programs :
			    calloc(ld->ld_nsections, sizeof(*nl));
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
		} else if (strcmp(rs->rs_name, "inet_http_server") == 0) {
			if (!config_inet_load(ld, cf, rs))
				ok = false;
		} else if (strcmp(rs->rs_name, "supervisorctl") == 0) {
			if (!config_ctl_load(ld, cf, rs))
				ok = false;
		} else if (strncmp(rs->rs_name, "group:", 6) == 0) {
			continue;	/* config_groups_load, once programs are */
		} else if (is_later_section(rs->rs_name)) {
			config_msg(ld, false, rs->rs_line, "[%s] is not supported "
			    "yet; its %zu key%s ignored", rs->rs_name,
			    rs->rs_count, rs->rs_count == 1 ? " is" : "s are");
		} else
			unknown_section(ld, rs);
	}
	config_use_file(ld, 0);
	if (!ld->ld_daemon_only && !config_groups_load(ld, cf))
		ok = false;
	config_supervisor_options(ld, cf, &options);
	/* Even after an error elsewhere (each problem is said at once), but
	 * not with two processes of one name: their logs would be one. */
	if (!config_check_unique_names(ld, cf))
		ok = false;
	else if (!config_check_depends(ld, cf, programs_ok))
		ok = false;
	else if (!config_settle_logs(ld, cf))
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
	cf->cf_copied = ld->ld_copied;
	cf->cf_unread = ld->ld_unread;
	/* The settings strings its programs point at are its own now. */
	cf->cf_settings = ld->ld_settings_kept;
	cf->cf_nsettings = ld->ld_nsettings;
	ld->ld_settings_kept = NULL;
	ld->ld_nsettings = ld->ld_settings_cap = 0;
	return cf;
}

static void
loader_init(struct loader *ld, const char *path, struct config_msgs *msgs)
{
	memset(ld, 0, sizeof(*ld));
	memset(msgs, 0, sizeof(*msgs));
	ld->ld_file = path;
	ld->ld_msgs = msgs;
	ld->ld_key_home = key_home;
	ld->ld_base = base_dir;
	if (ld->ld_base == NULL) {
		ld->ld_cwd = getcwd(NULL, 0);
		ld->ld_base = ld->ld_cwd != NULL ? ld->ld_cwd : "/";
	}
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
	return !config_is_program_section(section);
}

/*
 * One load at a time: a watched reload is read by a thread while a client's
 * reread or update may load on the loop, and both would use getpwnam's and
 * getgrnam's one static result (a user's uid given to another's program).
 * The second waits for the first (at 10,000 programs, some 60 ms).
 */
static pthread_mutex_t	load_lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned long	serial;		/* configs loaded so far */

/*
 * Loads and validates path and its includes.  Returns NULL when there is
 * any error; msgs then holds every error and warning, each naming
 * FILE:LINE.  text, if not NULL, stands in for the main file.
 */
/*
 * One read of path (or text) into a config, or NULL.  spans: the sections
 * whose text before has (inifile.h) are not read but copied; *failed is
 * set when one of them could not be (the read is then to be made again
 * without).
 */
static struct config *
load_once(const char *path, const char *text, size_t len,
    struct config_msgs *msgs, bool daemon_only, const struct config *before,
    bool spans, bool *failed)
{
	struct inifile_sink sink;
	struct config *cf = NULL;
	struct loader ld;
	bool parsed = false;
	int fd;

	loader_init(&ld, path, msgs);
	ld.ld_daemon_only = daemon_only;
	ld.ld_before = before;
	ld.ld_spans = spans;
	config_sink_init(&ld, &sink);
	if (before != NULL)
		config_finder_init(&ld.ld_before_find, before);
	/* As many sections as last time, most likely: no table regrown. */
	if (before != NULL && strmap_reserve(&ld.ld_index,
	    before->cf_nprograms + 16) == -1)
		ld.ld_nomem = true;
	ld.ld_from_text = text != NULL;
	if (daemon_only) {
		sink.is_wanted = want_daemon_section;
		sink.is_span = NULL;
	}
	if (ld.ld_nomem)
		config_msg(&ld, true, 0, "out of memory");
	else if (text != NULL) {
		if (inifile_parse_text(text, len, &sink) == 0)
			parsed = true;
		else if (errno == EFBIG)
			config_msg(&ld, true, 0, "cannot read: %s",
			    strerror(errno));
		else
			config_msg(&ld, true, 0, "out of memory");
	} else if ((fd = config_open(&ld, path, false)) != -1) {
		if (inifile_parse_fd(fd, &sink) == -1)
			config_msg(&ld, true, 0, "cannot read: %s",
			    errno == EINVAL ? "not a regular file" :
			    strerror(errno));
		else
			parsed = true;
	}
	if (parsed) {
		config_read_includes(&ld, &sink);
		cf = config_build(&ld, path);
	}
	*failed = ld.ld_span_failed;
	config_loader_free(&ld);
	return cf;
}

/*
 * Loads and validates path and its includes.  Returns NULL when there is
 * any error; msgs then holds every error and warning, each naming
 * FILE:LINE.  text, if not NULL, stands in for the main file.  After
 * before, the sections whose text is as it was are first copied unread;
 * if one of them cannot be (what it reads besides its text changed), the
 * whole read is made again, the copies then made by what the sections
 * read to (config_program.c).
 */
static struct config *
load(const char *path, const char *text, size_t len,
    struct config_msgs *msgs, bool daemon_only, const struct config *before)
{
	struct config *cf;
	bool failed = false;

	pthread_mutex_lock(&load_lock);
	cf = load_once(path, text, len, msgs, daemon_only, before,
	    before != NULL && !daemon_only, &failed);
	if (failed) {
		config_free(cf);
		config_msgs_free(msgs);		/* said again */
		cf = load_once(path, text, len, msgs, daemon_only, before,
		    false, &failed);
	}
	if (cf != NULL)
		cf->cf_serial = ++serial;	/* under load_lock */
	msgs_sort(msgs);
	pthread_mutex_unlock(&load_lock);
	return cf;
}

struct config *
config_load(const char *path, struct config_msgs *msgs)
{
	return load(path, NULL, 0, msgs, false, NULL);
}

/*
 * The same, read after before (the running config, not changed by it):
 * a program whose section, and all that section reads, is as it was
 * then is copied from before rather than read again.  A reload of 10,000
 * programs with one edited reads one.  before is only read (by the
 * reload's thread, while the loop uses it too).
 */
struct config *
config_load_after(const char *path, struct config_msgs *msgs,
    const struct config *before)
{
	return load(path, NULL, 0, msgs, false, before);
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
	return load(path, NULL, 0, msgs, true, NULL);
}

/*
 * The same from memory, for tests; name stands in for the file.  Its
 * [include] patterns are checked and kept, not read (config_files.c).
 */
struct config *
config_load_text(const char *name, const char *text, size_t len,
    struct config_msgs *msgs)
{
	return load(name, text, len, msgs, false, NULL);
}

/* config_load_after from memory, for tests. */
struct config *
config_load_text_after(const char *name, const char *text, size_t len,
    struct config_msgs *msgs, const struct config *before)
{
	return load(name, text, len, msgs, false, before);
}

/* Nothing said by the command line: the file's values stand. */
void
config_options_init(struct config_options *co)
{
	memset(co, 0, sizeof(*co));
	co->co_nodaemon_default = true;
	co->co_nodaemon = co->co_silent = co->co_nocleanup = -1;
	co->co_strip_ansi = -1;
	co->co_umask = co->co_logfile_backups = co->co_loglevel = -1;
	co->co_minfds = co->co_minprocs = -1;
	co->co_logfile_maxbytes = -1;
}

/* What every later load takes from the command line; co must last. */
void
config_set_options(const struct config_options *co)
{
	options = *co;
}

/*
 * Relative paths of every later load are from dir (the directory the
 * supervisor was started in), not from where it is by then.
 */
void
config_set_base(const char *dir)
{
	free(base_dir);
	base_dir = dir != NULL ? strdup(dir) : NULL;
}

/* One more holder of cf: config_free drops each. */
struct config *
config_ref(struct config *cf)
{
	cf->cf_refs++;
	return cf;
}

/*
 * Who frees a config whose last reference goes, when not config_free
 * itself: freeing 10,000 programs takes the loop 15 ms, so the reload
 * hands them to a thread (reload.c).
 */
static void	(*disposer)(struct config *);

void
config_set_disposer(void (*fn)(struct config *cf))
{
	disposer = fn;
}

void
config_free(struct config *cf)
{
	if (cf == NULL || --cf->cf_refs > 0)
		return;
	if (disposer != NULL)
		disposer(cf);
	else
		config_destroy(cf);
}

/* Frees cf now, whatever its references (its disposer's call). */
void
config_destroy(struct config *cf)
{
	size_t i;

	if (cf == NULL)
		return;
	config_drop_programs(cf);
	free(cf->cf_log.lc_path);
	free(cf->cf_childlogdir);
	free(cf->cf_pidfile);
	free(cf->cf_socket);
	free(cf->cf_unix_http.hc_username);
	free(cf->cf_unix_http.hc_password);
	free(cf->cf_inet_host);
	free(cf->cf_inet_port);
	free(cf->cf_inet_http.hc_username);
	free(cf->cf_inet_http.hc_password);
	free(cf->cf_ctl.cc_serverurl);
	free(cf->cf_ctl.cc_username);
	free(cf->cf_ctl.cc_password);
	free(cf->cf_ctl.cc_prompt);
	free(cf->cf_ctl.cc_history_file);
	free(cf->cf_user);
	free(cf->cf_directory);
	free(cf->cf_identifier);
	free(cf->cf_file);
	for (i = 0; i < cf->cf_nfiles; i++)
		free(cf->cf_files[i]);
	free(cf->cf_files);
	strv_free(cf->cf_include_patterns);
	free(cf);
}

/*
 * Frees the programs of cf, keeping the daemon's settings: what the
 * guardian needs of a config that the supervisor, once forked, runs.
 */
void
config_drop_programs(struct config *cf)
{
	size_t i;

	for (i = 0; i < cf->cf_nprograms; i++)
		config_program_free(cf->cf_programs[i]);
	free(cf->cf_programs);
	cf->cf_programs = NULL;
	cf->cf_nprograms = 0;
	for (i = 0; i < cf->cf_nsettings; i++)
		free(cf->cf_settings[i]);
	free(cf->cf_settings);
	cf->cf_settings = NULL;
	cf->cf_nsettings = 0;
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

/* Where AUTO logs go: childlogdir, else $TMPDIR, else /tmp. */
const char *
config_childlogdir(const struct config *cf)
{
	const char *tmp = getenv("TMPDIR");

	if (cf->cf_childlogdir != NULL)
		return cf->cf_childlogdir;
	return tmp != NULL && tmp[0] == '/' ? tmp : "/tmp";
}

/*
 * Where the daemon listens when the config does not say: /run as root,
 * else $XDG_RUNTIME_DIR, else next to the config file.  uid is whom it
 * runs as ([supervisor] user), or -1 for ourselves: the supervisor and
 * the clients (perhaps root, or the user that starts it) must agree, and
 * $XDG_RUNTIME_DIR is then the starting user's, not its.
 */
char *
config_default_socket(const char *config_path, long uid)
{
	const char *xdg = getenv("XDG_RUNTIME_DIR"), *slash;
	char *path, *abs = NULL;

	if (uid == -1 ? geteuid() == 0 : uid == 0)
		return strdup("/run/supervisor.sock");
	if (uid == -1 && xdg != NULL && xdg[0] == '/') {
		if (asprintf(&path, "%s/supervisor.sock", xdg) == -1)
			return NULL;
		return path;
	}
	if (config_path == NULL)
		config_path = "./supervisor.ini";
	if (config_path[0] != '/' && (abs = realpath(config_path, NULL)) != NULL)
		config_path = abs;
	slash = strrchr(config_path, '/');
	if (asprintf(&path, "%.*s/supervisor.sock", slash == NULL ? 1 :
	    (int)(slash - config_path), slash == NULL ? "." : config_path)
	    == -1)
		path = NULL;
	free(abs);
	return path;
}

/* -s PATH, else $SUPERVISOR_SOCKET, else socket= (or [unix_http_server]
 * file=), else the default; NULL when socket = none and nothing else. */
char *
config_socket_path(const struct config *cf, const char *override,
    const char *config_path, bool *is_default)
{
	const char *env = getenv("SUPERVISOR_SOCKET");

	if (is_default != NULL)
		*is_default = false;
	if (override == NULL && env != NULL && env[0] != '\0')
		override = env;
	if (override != NULL)
		return strdup(override);
	if (cf != NULL && cf->cf_socket_off)
		return NULL;
	if (cf != NULL && cf->cf_socket != NULL)
		return strdup(cf->cf_socket);
	if (is_default != NULL)
		*is_default = true;
	return config_default_socket(config_path, cf != NULL ? cf->cf_uid : -1);
}
