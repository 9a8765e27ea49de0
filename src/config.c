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
#include <unistd.h>

#include "config.h"
#include "config_daemon.h"
#include "config_files.h"
#include "config_program.h"
#include "config_value.h"
#include "inifile.h"
#include "parse.h"
#include "strv.h"


/* Sections supervisord has that this supervisor does not implement yet. */
static const char *const later_sections[] = {
	"inet_http_server", "supervisorctl",
	"rpcinterface:", "group:", "eventlistener:", "fcgi-program:",
	"ctlplugin:",
};


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

/*
 * The raw value of a [supervisor] (or [supervisord]) key, read before the
 * programs (which may come first in the file) need it; NULL when unset.
 * A bad value is reported when the section itself is loaded.
 */
static const char *
early_value(const struct loader *ld, const char *key)
{
	static const char *const names[] = { "supervisor", "supervisord" };
	const struct raw_section *rs;
	size_t i, j;

	for (j = 0; j < NKEYS(names); j++) {
		if ((rs = config_section_find(ld, names[j])) == NULL)
			continue;
		for (i = 0; i < rs->rs_count; i++)
			if (strcmp(rs->rs_entries[i].re_key, key) == 0)
				return rs->rs_entries[i].re_value;
	}
	return NULL;
}

/* What the programs need of [supervisor] before it is loaded. */
static void
early_settings(struct loader *ld)
{
	const char *v;
	long n;
	bool b;

	ld->ld_max_processes = CONFIG_MAX_PROCESSES;
	if ((v = early_value(ld, "max_processes")) != NULL &&
	    parse_int(v, 1, 1000000, &n) == 0)
		ld->ld_max_processes = (size_t)n;
	if ((v = early_value(ld, "inherit_environment")) != NULL &&
	    parse_bool(v, &b) == 0)
		ld->ld_inherit_env = b;
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
	cf->cf_max_processes = CONFIG_MAX_PROCESSES;
	early_settings(ld);
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
	struct inifile_sink sink;
	struct config *cf = NULL;
	struct loader ld;
	bool parsed = false;
	int fd;

	loader_init(&ld, path, msgs);
	config_sink_init(&ld, &sink);
	ld.ld_daemon_only = daemon_only;
	ld.ld_from_text = text != NULL;
	if (daemon_only)
		sink.is_wanted = want_daemon_section;
	if (ld.ld_nomem)
		config_msg(&ld, true, 0, "out of memory");
	else if (text != NULL) {
		if (inifile_parse_text(text, len, &sink) == -1)
			config_msg(&ld, true, 0, "out of memory");
		else
			parsed = true;
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
	config_loader_free(&ld);
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

/*
 * Where the daemon listens when the config does not say: /run as root,
 * else $XDG_RUNTIME_DIR, else next to the config file.
 */
char *
config_default_socket(const char *config_path)
{
	const char *xdg = getenv("XDG_RUNTIME_DIR"), *slash;
	char *path, *abs = NULL;

	if (geteuid() == 0)
		return strdup("/run/supervisor.sock");
	if (xdg != NULL && xdg[0] == '/') {
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
	return config_default_socket(config_path);
}
