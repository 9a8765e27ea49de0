/*
 * config_daemon.c: the supervisor's own settings: [supervisor] (also
 * supervisord's [supervisord]) and the control socket's
 * [unix_http_server].
 */
#include <errno.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "config_daemon.h"
#include "config_value.h"
#include "parse.h"
#include "strv.h"

#define CF(field)	offsetof(struct config, field)

static const struct key_def supervisor_keys[] = {
	{ "logfile", KEY_STRING, 0, 0, 0 },
	{ "loglevel", KEY_LOGLEVEL, CF(cf_loglevel), 0, 0 },
	{ "exit_with_parent", KEY_BOOL, CF(cf_exit_with_parent), 0, 0 },
	{ "parent_poll_interval", KEY_DURATION, CF(cf_parent_poll_interval),
	    0, 0 },
	{ "socket", KEY_STRING, 0, 0, 0 },
	{ "control_timeout", KEY_DURATION, CF(cf_control_timeout), 0, 0 },
	{ "watch_config", KEY_BOOL, CF(cf_watch), 0, 0 },
	{ "logfile_maxbytes", KEY_BYTES, CF(cf_log.lc_maxbytes), 0, 0 },
	{ "logfile_backups", KEY_INT, CF(cf_log.lc_backups), 0, 1000 },
	{ "childlogdir", KEY_STRING, 0, 0, 0 },
	{ "pidfile", KEY_STRING, 0, 0, 0 },
	{ "umask", KEY_LATER, 0, 0, 0 },
	{ "nodaemon", KEY_BOOL, CF(cf_nodaemon), 0, 0 },
	{ "silent", KEY_LATER, 0, 0, 0 },
	{ "minfds", KEY_INT, CF(cf_minfds), 1, 1 << 30 },
	{ "minprocs", KEY_INT, CF(cf_minprocs), 1, 1 << 30 },
	{ "max_processes", KEY_INT, CF(cf_max_processes), 1, 1000000 },
	{ "inherit_environment", KEY_BOOL, CF(cf_inherit_env), 0, 0 },
	{ "nocleanup", KEY_LATER, 0, 0, 0 },
	{ "user", KEY_LATER, 0, 0, 0 },
	{ "directory", KEY_LATER, 0, 0, 0 },
	{ "strip_ansi", KEY_BOOL, CF(cf_strip_ansi), 0, 0 },
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

/*
 * A path from the config, absolute: a relative one is taken from the
 * directory the supervisor was started in, once, as it may later change
 * directory (-d goes to /).
 */
static bool
absolute_path(struct loader *ld, int line, const char *key,
    const char *value, char **out)
{
	char cwd[PATH_MAX];

	free(*out);
	*out = NULL;
	if (value[0] == '/')
		*out = strdup(value);
	else if (getcwd(cwd, sizeof(cwd)) == NULL) {
		config_msg(ld, true, line, "%s: \"%s\" is relative and the "
		    "current directory is unknown", key, value);
		return false;
	} else if (asprintf(out, "%s/%s", cwd, value) == -1)
		*out = NULL;
	if (*out == NULL)
		ld->ld_nomem = true;
	else
		path_clean(*out);
	return true;
}

/*
 * logfile = PATH, syslog, /dev/stdout, or stderr (supervisord's NONE and
 * empty, and /dev/stderr).  A relative path is taken from the directory
 * the supervisor was started in, once, as it may later change directory.
 */
static bool
set_logfile(struct loader *ld, struct config *cf, int line,
    const char *value)
{
	free(cf->cf_log.lc_path);
	cf->cf_log.lc_path = NULL;
	if (*value == '\0' || strcasecmp(value, "NONE") == 0 ||
	    strcmp(value, "/dev/stderr") == 0) {
		cf->cf_log.lc_dest = LOG_TO_STDERR;
		return true;
	}
	if (strcmp(value, "/dev/stdout") == 0) {
		cf->cf_log.lc_dest = LOG_TO_STDOUT;
		return true;
	}
	if (strcasecmp(value, "syslog") == 0) {
		cf->cf_log.lc_dest = LOG_TO_SYSLOG;
		return true;
	}
	cf->cf_log.lc_dest = LOG_TO_FILE;
	return absolute_path(ld, line, "logfile", value, &cf->cf_log.lc_path);
}

bool
config_supervisor_load(struct loader *ld, struct config *cf,
    const struct raw_section *rs)
{
	const struct key_def *kd;
	const struct raw_entry *re;
	struct program_vars pv;
	char *value;
	bool ok = true;
	size_t i;

	config_vars_init(&pv, ld, "supervisor", 1, 0);
	for (i = 0; i < rs->rs_count; i++) {
		re = &rs->rs_entries[i];
		kd = config_key_usable(ld, supervisor_keys,
		    NKEYS(supervisor_keys), rs, re, &ok);
		if (kd == NULL)
			continue;
		if ((value = config_expand(ld, re->re_key, re->re_line,
		    re->re_value, &pv)) == NULL) {
			ok = false;
			continue;
		}
		if (strcmp(kd->kd_name, "socket") == 0)
			set_socket(cf, value);
		else if (strcmp(kd->kd_name, "control_timeout") == 0) {
			if (!config_store_value(ld, kd, cf, re, value))
				ok = false;
			else if (cf->cf_control_timeout <= 0) {
				config_msg(ld, true, re->re_line, "control_timeout: "
				    "must be more than 0");
				ok = false;
			}
		} else if (strcmp(kd->kd_name, "logfile") == 0) {
			if (!set_logfile(ld, cf, re->re_line, value))
				ok = false;
		} else if (strcmp(kd->kd_name, "pidfile") == 0) {
			if (*value == '\0') {
				free(cf->cf_pidfile);
				cf->cf_pidfile = NULL;
			} else if (!absolute_path(ld, re->re_line, "pidfile",
			    value, &cf->cf_pidfile))
				ok = false;
		} else if (strcmp(kd->kd_name, "childlogdir") == 0) {
			free(cf->cf_childlogdir);
			cf->cf_childlogdir = NULL;
			if (value[0] != '/') {
				config_msg(ld, true, re->re_line, "childlogdir: "
				    "\"%s\" is not an absolute path", value);
				ok = false;
			} else if ((cf->cf_childlogdir = strdup(value)) == NULL)
				ld->ld_nomem = true;
			else
				path_clean(cf->cf_childlogdir);
		} else if (!config_store_value(ld, kd, cf, re, value))
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
		config_msg(ld, true, line, "chown: %s is not USER or USER:GROUP",
		    config_quoted(value, q, sizeof(q)));
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
		config_msg(ld, true, line, "chown: no such user %s",
		    config_quoted(user, q, sizeof(q)));
		return false;
	}
	if (colon != NULL) {
		if ((gr = getgrnam(colon + 1)) != NULL)
			cf->cf_socket_gid = (long)gr->gr_gid;
		else if (parse_int(colon + 1, 0, INT_MAX, &id) == 0)
			cf->cf_socket_gid = id;
		else {
			config_msg(ld, true, line, "chown: no such group %s",
			    config_quoted(colon + 1, q, sizeof(q)));
			return false;
		}
	}
	return true;
}

/* [unix_http_server]: supervisord's socket keys. */
bool
config_socket_load(struct loader *ld, struct config *cf, const struct raw_section *rs)
{
	const struct key_def *kd;
	const struct raw_entry *re;
	struct program_vars pv;
	char *value, *end, q[80];
	long mode;
	bool ok = true;
	size_t i;

	config_vars_init(&pv, ld, "supervisor", 1, 0);
	for (i = 0; i < rs->rs_count; i++) {
		re = &rs->rs_entries[i];
		kd = config_key_usable(ld, socket_keys, NKEYS(socket_keys), rs,
		    re, &ok);
		if (kd == NULL)
			continue;
		if ((value = config_expand(ld, re->re_key, re->re_line,
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
				config_msg(ld, true, re->re_line, "chmod: %s is not "
				    "an octal mode like 0770",
				    config_quoted(value, q, sizeof(q)));
				ok = false;
			} else
				cf->cf_socket_mode = (int)mode;
		} else if (strcmp(kd->kd_name, "chown") == 0) {
			if (!set_socket_owner(ld, cf, re->re_line, value))
				ok = false;
		} else
			config_msg(ld, false, re->re_line, "%s: ignored: control "
			    "clients are told apart by their uid", kd->kd_name);
		free(value);
	}
	return ok;
}
