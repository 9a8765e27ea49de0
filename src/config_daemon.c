/*
 * config_daemon.c: the supervisor's own settings: [supervisor] (also
 * supervisord's [supervisord]) and the control socket's
 * [unix_http_server].
 */
#include <arpa/inet.h>
#include <ctype.h>
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
	{ "umask", KEY_UMASK, CF(cf_umask), 0, 0 },
	{ "nodaemon", KEY_BOOL, CF(cf_nodaemon), 0, 0 },
	{ "silent", KEY_BOOL, CF(cf_silent), 0, 0 },
	{ "minfds", KEY_INT, CF(cf_minfds), 1, 1 << 30 },
	{ "minprocs", KEY_INT, CF(cf_minprocs), 1, 1 << 30 },
	{ "max_processes", KEY_INT, CF(cf_max_processes), 1, 1000000 },
	{ "inherit_environment", KEY_BOOL, CF(cf_inherit_env), 0, 0 },
	{ "nocleanup", KEY_BOOL, CF(cf_nocleanup), 0, 0 },
	{ "user", KEY_STRING, 0, 0, 0 },
	{ "directory", KEY_STRING, 0, 0, 0 },
	{ "strip_ansi", KEY_BOOL, CF(cf_strip_ansi), 0, 0 },
	{ "environment", KEY_STRING, 0, 0, 0 },
	{ "identifier", KEY_STRING, 0, 0, 0 },
};

/* supervisord's control socket; clients are told apart by their uid. */
static const struct key_def socket_keys[] = {
	{ "file", KEY_STRING, 0, 0, 0 },
	{ "chmod", KEY_STRING, 0, 0, 0 },
	{ "chown", KEY_STRING, 0, 0, 0 },
	{ "username", KEY_STRING, 0, 0, 0 },
	{ "password", KEY_STRING, 0, 0, 0 },
};

/* supervisord's TCP listener. */
static const struct key_def inet_keys[] = {
	{ "port", KEY_STRING, 0, 0, 0 },
	{ "username", KEY_STRING, 0, 0, 0 },
	{ "password", KEY_STRING, 0, 0, 0 },
	{ "readonly", KEY_STRING, 0, 0, 0 },
};

/* username= or password=: kept; a {SHA} password must be 40 hex digits. */
static bool
set_credential(struct loader *ld, struct http_config *hc, const char *key,
    int line, const char *value)
{
	char **slot = strcmp(key, "username") == 0 ? &hc->hc_username :
	    &hc->hc_password;
	size_t i;

	if (strncmp(value, "{SHA}", 5) == 0 && slot == &hc->hc_password) {
		for (i = 5; isxdigit((unsigned char)value[i]); i++)
			;
		if (i != 45 || value[i] != '\0') {
			config_msg(ld, true, line, "password: {SHA} must be "
			    "followed by the 40 hex digits of the password's "
			    "SHA-1");
			return false;
		}
	}
	free(*slot);
	if ((*slot = strdup(value)) == NULL)
		ld->ld_nomem = true;
	return true;
}

/* Both or neither: a user without a password would let anyone in. */
static bool
credentials_whole(struct loader *ld, struct http_config *hc,
    const struct raw_section *rs)
{
	if ((hc->hc_username == NULL) == (hc->hc_password == NULL))
		return true;
	config_msg(ld, true, rs->rs_line, "[%s]: %s= without %s=",
	    rs->rs_name, hc->hc_username != NULL ? "username" : "password",
	    hc->hc_username != NULL ? "password" : "username");
	return false;
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

/* A path from the config, absolute (config_path_abs); false if not. */
static bool
absolute_path(struct loader *ld, const char *value, char **out)
{
	free(*out);
	*out = config_path_abs(ld, value);
	return *out != NULL;
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
	(void)line;
	cf->cf_log.lc_dest = LOG_TO_FILE;
	return absolute_path(ld, value, &cf->cf_log.lc_path);
}

/*
 * user = NAME or a uid: the supervisor runs as that user once the config
 * is read (main.c drops to it first thing, as supervisord does).  It
 * must exist now.
 */
static bool
set_daemon_user(struct loader *ld, struct config *cf, int line,
    const char *value)
{
	struct passwd *pw;
	char q[80];
	long id;

	if ((pw = getpwnam(value)) == NULL &&
	    parse_int(value, 0, INT_MAX, &id) == 0)
		pw = getpwuid((uid_t)id);
	if (pw == NULL) {
		config_msg(ld, true, line, "user: no such user %s",
		    config_quoted(value, q, sizeof(q)));
		return false;
	}
	free(cf->cf_user);
	if ((cf->cf_user = strdup(pw->pw_name)) == NULL)
		ld->ld_nomem = true;
	cf->cf_uid = (long)pw->pw_uid;
	cf->cf_gid = (long)pw->pw_gid;
	return true;
}

/* identifier = NAME: part of every AUTO log's file name. */
static bool
set_identifier(struct loader *ld, struct config *cf, int line,
    const char *value)
{
	const char *p;
	char q[80];

	for (p = value; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f || *p == '/')
			break;
	if (*value == '\0' || *p != '\0' || strlen(value) > 64) {
		config_msg(ld, true, line, "identifier: %s must be 1-64 "
		    "characters, without '/' or control characters: it is "
		    "part of AUTO log file names",
		    config_quoted(value, q, sizeof(q)));
		return false;
	}
	free(cf->cf_identifier);
	if ((cf->cf_identifier = strdup(value)) == NULL)
		ld->ld_nomem = true;
	return true;
}

/* One key's value, expanded, stored; false (reported) if bad. */
typedef bool value_fn(struct loader *ld, struct config *cf,
    const struct key_def *kd, const struct raw_entry *re, const char *value);

/*
 * Each known key of rs (a table of keys), its value expanded and given to
 * store; false when any was bad (reported).  own_env: [supervisor]'s
 * %(ENV_X)s sees the supervisor's environment, not its environment=,
 * which was read apart (config_supervisor_env).
 */
static bool
each_value(struct loader *ld, struct config *cf, const struct raw_section *rs,
    const struct key_def *keys, size_t nkeys, bool own_env, value_fn *store)
{
	const struct key_def *kd;
	const struct raw_entry *re;
	struct program_vars pv;
	char *value;
	bool ok = true;
	size_t i;

	config_vars_init(&pv, ld, "supervisor", 1, 0);
	if (own_env)
		pv.pv_env[0] = NULL;
	for (i = 0; i < rs->rs_count; i++) {
		re = &rs->rs_entries[i];
		config_use_entry(ld, re, &pv);
		kd = config_key_usable(ld, keys, nkeys, rs, re);
		if (kd == NULL || (own_env &&
		    strcmp(kd->kd_name, "environment") == 0))
			continue;
		if ((value = config_expand(ld, re->re_key, re->re_line,
		    re->re_value, &pv)) == NULL) {
			ok = false;
			continue;
		}
		if (!store(ld, cf, kd, re, value))
			ok = false;
		free(value);
	}
	return ok;
}

/* One [supervisor] value, expanded, stored; false (reported) if bad. */
static bool
supervisor_value(struct loader *ld, struct config *cf,
    const struct key_def *kd, const struct raw_entry *re, const char *value)
{
	const char *name = kd->kd_name;

	if (strcmp(name, "socket") == 0)
		set_socket(cf, value);
	else if (strcmp(name, "control_timeout") == 0) {
		if (!config_store_value(ld, kd, cf, re, value))
			return false;
		if (cf->cf_control_timeout <= 0) {
			config_msg(ld, true, re->re_line, "control_timeout: "
			    "must be more than 0");
			return false;
		}
	} else if (strcmp(name, "logfile") == 0)
		return set_logfile(ld, cf, re->re_line, value);
	else if (strcmp(name, "pidfile") == 0) {
		if (*value != '\0')
			return absolute_path(ld, value, &cf->cf_pidfile);
		free(cf->cf_pidfile);
		cf->cf_pidfile = NULL;
	} else if (strcmp(name, "childlogdir") == 0) {
		if (*value == '\0') {
			config_msg(ld, true, re->re_line, "childlogdir: empty");
			return false;
		}
		return absolute_path(ld, value, &cf->cf_childlogdir);
	} else if (strcmp(name, "directory") == 0) {
		if (*value != '\0')
			return absolute_path(ld, value, &cf->cf_directory);
		free(cf->cf_directory);
		cf->cf_directory = NULL;
	} else if (strcmp(name, "user") == 0)
		return set_daemon_user(ld, cf, re->re_line, value);
	else if (strcmp(name, "identifier") == 0)
		return set_identifier(ld, cf, re->re_line, value);
	else
		return config_store_value(ld, kd, cf, re, value);
	return true;
}

/*
 * [supervisor] (or [supervisord]).  Its values see the supervisor's own
 * environment in %(ENV_X)s, not its environment= (read after them, as
 * supervisord reads it).
 */
bool
config_supervisor_load(struct loader *ld, struct config *cf,
    const struct raw_section *rs)
{
	return each_value(ld, cf, rs, supervisor_keys, NKEYS(supervisor_keys),
	    true, supervisor_value);
}

/*
 * [supervisor] environment = KEY=value,...: every program's, under its
 * own environment=, and what %(ENV_KEY)s means in every section but
 * [supervisor] itself and [include] (as in supervisord 4.2).  Read
 * before any section is loaded, into ld_env; the last of [supervisor]
 * and [supervisord] to set it wins.  False (reported) when bad.
 */
bool
config_supervisor_env(struct loader *ld)
{
	static const char *const names[] = { "supervisor", "supervisord" };
	const struct raw_section *rs;
	const struct raw_entry *re = NULL;
	struct program_vars pv;
	char err[PARSE_ERRLEN], **pairs, *s;
	size_t i, j;

	for (j = 0; j < NKEYS(names); j++) {
		if ((rs = config_section_find(ld, names[j])) == NULL)
			continue;
		for (i = 0; i < rs->rs_count; i++)
			if (strcmp(rs->rs_entries[i].re_key, "environment") == 0 &&
			    (re == NULL || rs->rs_file > re->re_file ||
			    (rs->rs_file == re->re_file &&
			    rs->rs_entries[i].re_line > re->re_line)))
				re = &rs->rs_entries[i];
	}
	if (re == NULL)
		return true;
	config_vars_init(&pv, ld, "supervisor", 1, 0);
	pv.pv_env[0] = NULL;
	config_use_entry(ld, re, &pv);
	if ((pairs = parse_environment(re->re_value, err, sizeof(err))) ==
	    NULL) {
		config_msg(ld, true, re->re_line, "environment: %s", err);
		return false;
	}
	/* Split first, then expanded: what a variable holds is data. */
	for (i = 0; pairs[i] != NULL; i++) {
		if ((s = config_expand(ld, "environment", re->re_line, pairs[i],
		    &pv)) == NULL) {
			strv_free(pairs);
			return false;
		}
		free(pairs[i]);
		pairs[i] = s;
	}
	strv_free(ld->ld_env);
	ld->ld_env = pairs;
	return true;
}

/*
 * The command line over [supervisor] (supervisord's options): set after
 * the file's values, on every load.  The caller checked each value.
 */
void
config_supervisor_options(struct loader *ld, struct config *cf,
    const struct config_options *co)
{
	if (co->co_nodaemon != -1)
		cf->cf_nodaemon = co->co_nodaemon != 0;
	if (co->co_silent != -1)
		cf->cf_silent = co->co_silent != 0;
	if (co->co_nocleanup != -1)
		cf->cf_nocleanup = co->co_nocleanup != 0;
	if (co->co_strip_ansi != -1)
		cf->cf_strip_ansi = co->co_strip_ansi != 0;
	if (co->co_user != NULL)
		(void)set_daemon_user(ld, cf, 0, co->co_user);
	if (co->co_umask != -1)
		cf->cf_umask = co->co_umask;
	if (co->co_directory != NULL)
		(void)absolute_path(ld, co->co_directory, &cf->cf_directory);
	if (co->co_logfile != NULL)
		(void)set_logfile(ld, cf, 0, co->co_logfile);
	if (co->co_logfile_maxbytes != -1)
		cf->cf_log.lc_maxbytes = co->co_logfile_maxbytes;
	if (co->co_logfile_backups != -1)
		cf->cf_log.lc_backups = co->co_logfile_backups;
	if (co->co_loglevel != -1)
		cf->cf_loglevel = (enum log_level)co->co_loglevel;
	if (co->co_pidfile != NULL)
		(void)absolute_path(ld, co->co_pidfile, &cf->cf_pidfile);
	if (co->co_identifier != NULL)
		(void)set_identifier(ld, cf, 0, co->co_identifier);
	if (co->co_childlogdir != NULL)
		(void)absolute_path(ld, co->co_childlogdir, &cf->cf_childlogdir);
	if (co->co_minfds != -1)
		cf->cf_minfds = co->co_minfds;
	if (co->co_minprocs != -1)
		cf->cf_minprocs = co->co_minprocs;
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

/* One [unix_http_server] value. */
static bool
socket_value(struct loader *ld, struct config *cf, const struct key_def *kd,
    const struct raw_entry *re, const char *value)
{
	char *end, q[80];
	long mode;

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
			return false;
		}
		cf->cf_socket_mode = (int)mode;
	} else if (strcmp(kd->kd_name, "chown") == 0)
		return set_socket_owner(ld, cf, re->re_line, value);
	else
		return set_credential(ld, &cf->cf_unix_http, kd->kd_name,
		    re->re_line, value);
	return true;
}

/* [unix_http_server]: supervisord's socket keys. */
bool
config_socket_load(struct loader *ld, struct config *cf, const struct raw_section *rs)
{
	bool ok;

	ok = each_value(ld, cf, rs, socket_keys, NKEYS(socket_keys), false,
	    socket_value);
	return credentials_whole(ld, &cf->cf_unix_http, rs) && ok;
}

/* Is host (of port=HOST:PORT) only reachable from this machine? */
static bool
host_is_loopback(const char *host)
{
	struct in6_addr a6;
	struct in_addr a4;

	if (strcasecmp(host, "localhost") == 0)
		return true;
	if (inet_pton(AF_INET, host, &a4) == 1)
		return (ntohl(a4.s_addr) >> 24) == 127;
	return inet_pton(AF_INET6, host, &a6) == 1 && IN6_IS_ADDR_LOOPBACK(&a6);
}

/* port = [HOST:]PORT, as supervisord's inet_address reads it. */
static bool
set_inet_port(struct loader *ld, struct config *cf, int line,
    const char *value)
{
	const char *colon = strrchr(value, ':'), *port;
	char q[80], *host, *end;
	long n;

	port = colon != NULL ? colon + 1 : value;
	errno = 0;
	n = strtol(port, &end, 10);
	if (*port == '\0' || *end != '\0' || errno != 0 || n < 1 ||
	    n > 65535) {
		config_msg(ld, true, line, "port: %s is not [HOST:]PORT with "
		    "a port from 1 to 65535", config_quoted(value, q,
		    sizeof(q)));
		return false;
	}
	host = colon != NULL ? strndup(value, (size_t)(colon - value)) :
	    strdup("");
	if (host == NULL) {
		ld->ld_nomem = true;
		return false;
	}
	/* [::1]:9001 */
	if (host[0] == '[' && host[strlen(host) - 1] == ']') {
		memmove(host, host + 1, strlen(host) - 2);
		host[strlen(host) - 2] = '\0';
	}
	if (strcmp(host, "*") == 0)
		host[0] = '\0';
	free(cf->cf_inet_host);
	free(cf->cf_inet_port);
	cf->cf_inet_host = host;
	if ((cf->cf_inet_port = strdup(port)) == NULL)
		ld->ld_nomem = true;
	return true;
}

/* One [inet_http_server] value. */
static bool
inet_value(struct loader *ld, struct config *cf, const struct key_def *kd,
    const struct raw_entry *re, const char *value)
{
	if (strcmp(kd->kd_name, "port") == 0)
		return set_inet_port(ld, cf, re->re_line, value);
	if (strcmp(kd->kd_name, "readonly") == 0) {
		if (parse_bool(value, &cf->cf_inet_http.hc_readonly) == -1) {
			config_msg(ld, true, re->re_line, "readonly=%s: not a "
			    "boolean (true or false)", value);
			return false;
		}
		return true;
	}
	return set_credential(ld, &cf->cf_inet_http, kd->kd_name, re->re_line,
	    value);
}

static const struct key_def ctl_keys[] = {
	{ "serverurl", KEY_STRING, 0, 0, 0 },
	{ "username", KEY_STRING, 0, 0, 0 },
	{ "password", KEY_STRING, 0, 0, 0 },
	{ "prompt", KEY_STRING, 0, 0, 0 },
	{ "history_file", KEY_STRING, 0, 0, 0 },
};

/* One [supervisorctl] value: kept as written (expanded) for the client. */
static bool
ctl_value(struct loader *ld, struct config *cf, const struct key_def *kd,
    const struct raw_entry *re, const char *value)
{
	char **slot;

	(void)re;
	if (strcmp(kd->kd_name, "serverurl") == 0)
		slot = &cf->cf_ctl.cc_serverurl;
	else if (strcmp(kd->kd_name, "username") == 0)
		slot = &cf->cf_ctl.cc_username;
	else if (strcmp(kd->kd_name, "password") == 0)
		slot = &cf->cf_ctl.cc_password;
	else if (strcmp(kd->kd_name, "prompt") == 0)
		slot = &cf->cf_ctl.cc_prompt;
	else
		slot = &cf->cf_ctl.cc_history_file;
	free(*slot);
	if ((*slot = strdup(value)) == NULL)
		ld->ld_nomem = true;
	return true;
}

/* [supervisorctl]: what the supervisorctl personality reads; the daemon
 * only checks its keys. */
bool
config_ctl_load(struct loader *ld, struct config *cf,
    const struct raw_section *rs)
{
	if (!each_value(ld, cf, rs, ctl_keys, NKEYS(ctl_keys), false,
	    ctl_value))
		return false;
	if (cf->cf_ctl.cc_serverurl != NULL &&
	    strncmp(cf->cf_ctl.cc_serverurl, "unix://", 7) != 0 &&
	    strncmp(cf->cf_ctl.cc_serverurl, "http://", 7) != 0) {
		config_msg(ld, true, rs->rs_line, "[supervisorctl]: serverurl="
		    "%s: not a unix:///PATH or http://HOST:PORT URL",
		    cf->cf_ctl.cc_serverurl);
		return false;
	}
	return true;
}

/*
 * [inet_http_server]: supervisord's TCP listener.  Unlike supervisord,
 * one that other machines can reach must have a password: there, anyone
 * who can connect would control (and, through programs, be) root.
 */
bool
config_inet_load(struct loader *ld, struct config *cf,
    const struct raw_section *rs)
{
	cf->cf_inet = true;
	if (!each_value(ld, cf, rs, inet_keys, NKEYS(inet_keys), false,
	    inet_value))
		return false;
	if (cf->cf_inet_port == NULL) {
		config_msg(ld, true, rs->rs_line, "[inet_http_server]: port= "
		    "is required (HOST:PORT, like 127.0.0.1:9001)");
		return false;
	}
	if (!credentials_whole(ld, &cf->cf_inet_http, rs))
		return false;
	if (cf->cf_inet_http.hc_password == NULL &&
	    !host_is_loopback(cf->cf_inet_host)) {
		config_msg(ld, true, rs->rs_line, "[inet_http_server]: port=%s%s"
		    "%s is reachable from other machines and has no password: "
		    "anyone who connects would control every program (set "
		    "username= and password=, or listen on 127.0.0.1)",
		    cf->cf_inet_host, *cf->cf_inet_host ? ":" : "",
		    cf->cf_inet_port);
		return false;
	}
	return true;
}
