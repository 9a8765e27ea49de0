/*
 * test_config.c: config_load_text() and config_load(): defaults, every
 * key, process names, and the exact "FILE:LINE: message" of each error
 * and warning, with line numbers through comments, continuations, CRLF,
 * a byte order mark and very long lines.
 */
#include <errno.h>
#include <pwd.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "config.h"
#include "config_diff.h"
#include "parse.h"
#include "strv.h"
#include "unit.h"

#define FILE_NAME	"t.ini"

static char msgs_text[16384];

/* Every message of msgs, one per line, without a trailing newline. */
static const char *
join_msgs(const struct config_msgs *msgs)
{
	size_t i, used = 0;

	msgs_text[0] = '\0';
	for (i = 0; i < msgs->cm_count && used < sizeof(msgs_text); i++)
		used += (size_t)snprintf(msgs_text + used,
		    sizeof(msgs_text) - used, "%s%s", i ? "\n" : "",
		    msgs->cm_list[i].cm_text);
	return msgs_text;
}

static struct config *
load(const char *text, struct config_msgs *msgs)
{
	return config_load_text(FILE_NAME, text, strlen(text), msgs);
}

/*
 * Loads text, expects it rejected with exactly the messages want (joined
 * by newlines), and frees everything.
 */
static void
check_rejected(const char *name, const char *text, const char *want)
{
	struct config_msgs msgs;
	struct config *cf;
	char label[256];

	cf = load(text, &msgs);
	CHECK_STR(name, join_msgs(&msgs), want);
	snprintf(label, sizeof(label), "%s: config rejected", name);
	CHECK(label, cf == NULL && msgs.cm_errors > 0);
	config_free(cf);
	config_msgs_free(&msgs);
}

/* A value that expands past EXPAND_MAX (64 KiB) is refused, not built. */
static void
check_expand_limit(void)
{
	char *text, *p;
	size_t i, n = 260;	/* 260 * 256 bytes: past 64 KiB */

	text = malloc(64 + n * 24);
	if (text == NULL)
		return;
	p = text + sprintf(text, "[program:a]\ncommand=x ");
	for (i = 0; i < n; i++)
		p += sprintf(p, "%%(program_name)0256s");
	strcpy(p, "\n");
	check_rejected("error: a value that expands past its limit", text,
	    "t.ini:2: command: expands to more than 65536 bytes, the limit "
	    "for one value");
	free(text);
}

/* Loads text, expects it accepted with exactly the warnings want. */
static void
check_warned(const char *name, const char *text, const char *want)
{
	struct config_msgs msgs;
	struct config *cf;
	char label[256];

	cf = load(text, &msgs);
	CHECK_STR(name, join_msgs(&msgs), want);
	snprintf(label, sizeof(label), "%s: config accepted", name);
	CHECK(label, cf != NULL && msgs.cm_errors == 0);
	config_free(cf);
	config_msgs_free(&msgs);
}

static char argv_text[16384];

/* A process's argv as "[a][b]". */
static const char *
argv_str(char *const *argv)
{
	size_t i, used = 0;

	argv_text[0] = '\0';
	for (i = 0; argv != NULL && argv[i] != NULL &&
	    used < sizeof(argv_text); i++)
		used += (size_t)snprintf(argv_text + used,
		    sizeof(argv_text) - used, "[%s]", argv[i]);
	return argv_text;
}

/* The argv of the first process of the only program, or "(not loaded)". */
static const char *
command_of(const char *text)
{
	struct config_msgs msgs;
	struct config *cf;

	cf = load(text, &msgs);
	if (cf == NULL || cf->cf_nprograms != 1)
		snprintf(argv_text, sizeof(argv_text), "(not loaded: %s)",
		    join_msgs(&msgs));
	else
		argv_str(cf->cf_programs[0]->pg_procs[0].pcf_argv);
	config_free(cf);
	config_msgs_free(&msgs);
	return argv_text;
}

static void
test_defaults(void)
{
	struct config_msgs msgs;
	struct config *cf;
	struct program_config *pg;
	int i, others = 0;

	cf = load("[program:x]\ncommand=sleep 1\n", &msgs);
	CHECK("defaults: minimal program loads", cf != NULL);
	CHECK("defaults: no messages", msgs.cm_count == 0);
	if (cf == NULL) {
		config_msgs_free(&msgs);
		return;
	}
	CHECK_STR("defaults: cf_file is the name", cf->cf_file, FILE_NAME);
	CHECK("defaults: no logfile", cf->cf_log.lc_dest == LOG_TO_STDERR);
	CHECK("defaults: loglevel info", cf->cf_loglevel == LOG_LEVEL_INFO);
	CHECK("defaults: strip_ansi false", !cf->cf_strip_ansi);
	CHECK("defaults: one program", cf->cf_nprograms == 1);
	pg = cf->cf_programs[0];
	CHECK_STR("defaults: program name", pg->pg_name, "x");
	CHECK_STR("defaults: program file", pg->pg_file, FILE_NAME);
	CHECK("defaults: program line", pg->pg_line == 1);
	CHECK("defaults: startsecs 1", pg->pg_startsecs == 1);
	CHECK("defaults: startretries 3", pg->pg_startretries == 3);
	CHECK("defaults: stopwaitsecs 10", pg->pg_stopwaitsecs == 10);
	CHECK("defaults: autostart true", pg->pg_autostart);
	CHECK("defaults: autorestart unexpected",
	    pg->pg_autorestart == AUTORESTART_UNEXPECTED);
	for (i = 1; i < 256; i++)
		others += exit_set_has(&pg->pg_exitcodes, i);
	CHECK("defaults: exitcodes {0}",
	    exit_set_has(&pg->pg_exitcodes, 0) && others == 0);
	CHECK("defaults: stopsignal TERM", pg->pg_stopsignal == SIGTERM);
	CHECK("defaults: priority 999", pg->pg_priority == 999);
	CHECK("defaults: numprocs 1", pg->pg_numprocs == 1);
	CHECK("defaults: numprocs_start 0", pg->pg_numprocs_start == 0);
	CHECK("defaults: umask -1", pg->pg_umask == -1);
	CHECK("defaults: backoff_max 60", pg->pg_backoff_max == 60);
	CHECK("defaults: stopasgroup false", !pg->pg_stopasgroup);
	CHECK("defaults: killasgroup false", !pg->pg_killasgroup);
	CHECK_STR("defaults: process name is the program name",
	    pg->pg_procs[0].pcf_name, "x");
	CHECK("defaults: process_num 0", pg->pg_procs[0].pcf_num == 0);
	CHECK_STR("defaults: argv", argv_str(pg->pg_procs[0].pcf_argv),
	    "[sleep][1]");
	CHECK("defaults: no directory", pg->pg_procs[0].pcf_directory == NULL);
	CHECK("defaults: empty environment", pg->pg_procs[0].pcf_env != NULL &&
	    pg->pg_procs[0].pcf_env[0] == NULL);
	config_free(cf);
	config_msgs_free(&msgs);
}

static void
test_every_key(void)
{
	static const char text[] =
	    "[supervisor]\n"
	    "logfile = /var/log/sup.log\n"
	    "loglevel = debug\n"
	    "\n"
	    "[program:web]\n"
	    "command = /bin/sleep %(process_num)d\n"
	    "process_name = %(program_name)s-a%(process_num)d\n"
	    "directory = /tmp/%(program_name)s\n"
	    "environment = A=\"1 2\",B=%(group_name)s\n"
	    "numprocs = 1\n"
	    "numprocs_start = 5\n"
	    "umask = 027\n"
	    "autostart = false\n"
	    "autorestart = true\n"
	    "exitcodes = 0,2\n"
	    "startsecs = 2.5\n"
	    "startretries = 7\n"
	    "backoff_max = 30s\n"
	    "stopsignal = INT\n"
	    "stopwaitsecs = 250ms\n"
	    "priority = -5\n"
	    "stopasgroup = true\n"
	    "killasgroup = yes\n"
	    "\n"
	    "[program:other]\n"
	    "command = true\n"
	    "autorestart = false\n"
	    "exitcodes = 3\n"
	    "stopsignal = 9\n"
	    "umask = 0o777\n";
	struct config_msgs msgs;
	struct config *cf;
	struct program_config *pg;
	struct proc_config *pc;

	cf = load(text, &msgs);
	CHECK("every key: loads", cf != NULL);
	CHECK_STR("every key: no messages", join_msgs(&msgs), "");
	if (cf == NULL || cf->cf_nprograms != 2) {
		CHECK("every key: two programs", false);
		config_free(cf);
		config_msgs_free(&msgs);
		return;
	}
	CHECK_STR("every key: logfile", cf->cf_log.lc_path, "/var/log/sup.log");
	CHECK("every key: loglevel", cf->cf_loglevel == LOG_LEVEL_DEBUG);
	pg = cf->cf_programs[0];
	pc = &pg->pg_procs[0];
	CHECK_STR("every key: programs in file order", pg->pg_name, "web");
	CHECK("every key: program line", pg->pg_line == 5);
	CHECK("every key: numprocs", pg->pg_numprocs == 1);
	CHECK("every key: numprocs_start", pg->pg_numprocs_start == 5);
	CHECK("every key: process_num from numprocs_start", pc->pcf_num == 5);
	CHECK_STR("every key: process_name", pc->pcf_name, "web-a5");
	CHECK_STR("every key: command", argv_str(pc->pcf_argv),
	    "[/bin/sleep][5]");
	CHECK_STR("every key: directory", pc->pcf_directory, "/tmp/web");
	CHECK_STR("every key: environment", argv_str(pc->pcf_env),
	    "[A=1 2][B=web]");
	CHECK("every key: umask", pg->pg_umask == 027);
	CHECK("every key: autostart", pg->pg_autostart == false);
	CHECK("every key: autorestart true",
	    pg->pg_autorestart == AUTORESTART_TRUE);
	CHECK("every key: exitcodes", exit_set_has(&pg->pg_exitcodes, 0) &&
	    !exit_set_has(&pg->pg_exitcodes, 1) &&
	    exit_set_has(&pg->pg_exitcodes, 2) &&
	    !exit_set_has(&pg->pg_exitcodes, 3));
	CHECK("every key: startsecs", pg->pg_startsecs == 2.5);
	CHECK("every key: startretries", pg->pg_startretries == 7);
	CHECK("every key: backoff_max", pg->pg_backoff_max == 30);
	CHECK("every key: stopsignal", pg->pg_stopsignal == SIGINT);
	CHECK("every key: stopwaitsecs", pg->pg_stopwaitsecs > 0.2499 &&
	    pg->pg_stopwaitsecs < 0.2501);
	CHECK("every key: priority", pg->pg_priority == -5);
	CHECK("every key: stopasgroup", pg->pg_stopasgroup);
	CHECK("every key: killasgroup", pg->pg_killasgroup);

	pg = cf->cf_programs[1];
	CHECK_STR("every key: second program", pg->pg_name, "other");
	CHECK("every key: autorestart false",
	    pg->pg_autorestart == AUTORESTART_FALSE);
	CHECK("every key: exitcodes replace the default 0",
	    !exit_set_has(&pg->pg_exitcodes, 0) &&
	    exit_set_has(&pg->pg_exitcodes, 3));
	CHECK("every key: stopsignal by number", pg->pg_stopsignal == SIGKILL);
	CHECK("every key: umask 0o777", pg->pg_umask == 0777);
	config_free(cf);
	config_msgs_free(&msgs);
}

static void
test_supervisor_section(void)
{
	static const char here_text[] = "[supervisor]\n"
	    "logfile = %(here)s/sup.log\n";
	struct config_msgs msgs;
	struct config *cf;

	cf = load("[supervisord]\nloglevel = warn\nlogfile = /tmp/s.log\n"
	    "[program:x]\ncommand=a\n", &msgs);
	CHECK("[supervisord]: accepted", cf != NULL && msgs.cm_count == 0);
	CHECK("[supervisord]: loglevel", cf != NULL &&
	    cf->cf_loglevel == LOG_LEVEL_WARN);
	CHECK_STR("[supervisord]: logfile", cf ? cf->cf_log.lc_path : NULL,
	    "/tmp/s.log");
	config_free(cf);
	config_msgs_free(&msgs);

	cf = load("[supervisor]\nlogfile = NONE\nloglevel = blather\n", &msgs);
	CHECK("[supervisor]: logfile NONE means stderr", cf != NULL &&
	    cf->cf_log.lc_dest == LOG_TO_STDERR);
	CHECK("[supervisor]: blather is trace", cf != NULL &&
	    cf->cf_loglevel == LOG_LEVEL_TRACE);
	CHECK("[supervisor]: no programs is fine", cf != NULL &&
	    cf->cf_nprograms == 0);
	config_free(cf);
	config_msgs_free(&msgs);

	cf = config_load_text("/etc/sup/t.ini", here_text, strlen(here_text),
	    &msgs);
	CHECK_STR("[supervisor]: %(here)s in logfile",
	    cf ? cf->cf_log.lc_path : NULL, "/etc/sup/sup.log");
	config_free(cf);
	config_msgs_free(&msgs);
}

/* The log config of stream k of process i of the only program. */
static const struct log_config *
log_of(const struct config *cf, int i, int k)
{
	if (cf == NULL || cf->cf_nprograms != 1 ||
	    i >= cf->cf_programs[0]->pg_numprocs)
		return NULL;
	return &cf->cf_programs[0]->pg_procs[i].pcf_log[k];
}

/* Stream k's log of program p's first process. */
static const struct log_config *
program_log(const struct config *cf, size_t p, int k)
{
	if (cf == NULL || p >= cf->cf_nprograms)
		return NULL;
	return &cf->cf_programs[p]->pg_procs[0].pcf_log[k];
}

/* lc's path, or "(no log)" / "(no path)" to compare with. */
static const char *
log_path(const struct log_config *lc)
{
	if (lc == NULL)
		return "(no log)";
	return lc->lc_path != NULL ? lc->lc_path : "(no path)";
}

/* stdout_logfile, stderr_logfile and their sizes; childlogdir. */
static void
test_program_logs(void)
{
	struct config_msgs msgs;
	struct config *cf;
	const struct log_config *lc;
	char *saved = getenv("TMPDIR") ? strdup(getenv("TMPDIR")) : NULL;

	unsetenv("TMPDIR");
	cf = load("[program:web]\ncommand=a\n", &msgs);
	lc = log_of(cf, 0, OUT_STDOUT);
	CHECK("logs: AUTO by default is a file",
	    lc != NULL && lc->lc_dest == LOG_TO_FILE && lc->lc_auto);
	CHECK_STR("logs: AUTO without TMPDIR is in /tmp", log_path(lc),
	    "/tmp/web-stdout---supervisor");
	CHECK_STR("logs: AUTO stderr", log_path(log_of(cf, 0, OUT_STDERR)),
	    "/tmp/web-stderr---supervisor");
	CHECK("logs: default maxbytes 50MB, 10 backups", lc != NULL &&
	    lc->lc_maxbytes == 50LL * 1024 * 1024 && lc->lc_backups == 10);
	CHECK("logs: redirect_stderr is false by default", cf != NULL &&
	    !cf->cf_programs[0]->pg_redirect_stderr);
	config_free(cf);
	config_msgs_free(&msgs);

	setenv("TMPDIR", "/var/tmp/t", 1);
	cf = load("[program:web]\ncommand=a\n", &msgs);
	CHECK_STR("logs: AUTO is in $TMPDIR",
	    log_path(log_of(cf, 0, OUT_STDOUT)), "/var/tmp/t/web-stdout---supervisor");
	config_free(cf);
	config_msgs_free(&msgs);

	setenv("TMPDIR", "rel", 1);
	cf = load("[program:web]\ncommand=a\n", &msgs);
	CHECK_STR("logs: a relative $TMPDIR is not used",
	    log_path(log_of(cf, 0, OUT_STDOUT)), "/tmp/web-stdout---supervisor");
	config_free(cf);
	config_msgs_free(&msgs);

	/* childlogdir applies to programs before [supervisor] too. */
	cf = load("[program:web]\ncommand=a\nnumprocs=2\n"
	    "process_name=%(program_name)s_%(process_num)d\n"
	    "stdout_logfile=auto\n[supervisor]\nchildlogdir=/var/log/sup\n",
	    &msgs);
	CHECK_STR("logs: AUTO in childlogdir, named by process",
	    log_path(log_of(cf, 0, OUT_STDOUT)),
	    "/var/log/sup/web_0-stdout---supervisor");
	CHECK_STR("logs: AUTO of the second process",
	    log_path(log_of(cf, 1, OUT_STDOUT)),
	    "/var/log/sup/web_1-stdout---supervisor");
	CHECK_STR("logs: its stderr", log_path(log_of(cf, 1, OUT_STDERR)),
	    "/var/log/sup/web_1-stderr---supervisor");
	CHECK_STR("logs: childlogdir kept", cf ? cf->cf_childlogdir : NULL,
	    "/var/log/sup");
	config_free(cf);
	config_msgs_free(&msgs);

	/*
	 * childlogdir written with a trailing slash: the same files, so
	 * that the one-writer check below compares like with like.
	 */
	cf = load("[supervisor]\nchildlogdir=/var/log/\n"
	    "[program:web]\ncommand=a\n", &msgs);
	CHECK_STR("logs: childlogdir's trailing slash is not doubled",
	    log_path(log_of(cf, 0, OUT_STDOUT)),
	    "/var/log/web-stdout---supervisor");
	config_free(cf);
	config_msgs_free(&msgs);
	/* An AUTO log's name ends in a random part: no named file is one. */
	cf = load("[supervisor]\nchildlogdir=/var/log/\n"
	    "[program:a]\ncommand=x\n"
	    "[program:b]\ncommand=x\nstdout_logfile=/var/log/a-stdout.log\n",
	    &msgs);
	CHECK("logs: a named file is never another's AUTO log",
	    cf != NULL && msgs.cm_errors == 0);
	config_free(cf);
	config_msgs_free(&msgs);

	cf = load("[program:w]\ncommand=a\nstdout_logfile=NONE\n"
	    "stderr_logfile=/dev/stdout\n", &msgs);
	lc = log_of(cf, 0, OUT_STDOUT);
	CHECK("logs: NONE", lc != NULL && lc->lc_dest == LOG_TO_NONE &&
	    lc->lc_path == NULL && !lc->lc_auto && lc->lc_maxbytes == 0);
	lc = log_of(cf, 0, OUT_STDERR);
	CHECK("logs: /dev/stdout is the supervisor's stdout", lc != NULL &&
	    lc->lc_dest == LOG_TO_STDOUT && lc->lc_path == NULL &&
	    lc->lc_maxbytes == 0);
	config_free(cf);
	config_msgs_free(&msgs);

	cf = load("[program:w]\ncommand=a\nstdout_logfile=/dev/fd/1\n"
	    "stderr_logfile=/proc/self/fd/2\n"
	    "[program:v]\ncommand=a\nstdout_logfile=/proc/1/fd/1\n"
	    "stderr_logfile=/dev/fd/7\n"
	    "[program:u]\ncommand=a\nstdout_logfile=/proc/self/fd/3\n"
	    "stderr_logfile=/dev/fd/\n", &msgs);
	lc = program_log(cf, 0, OUT_STDOUT);
	CHECK("logs: /dev/fd/1 is the supervisor's stdout", lc != NULL &&
	    lc->lc_dest == LOG_TO_STDOUT && lc->lc_path == NULL);
	lc = program_log(cf, 0, OUT_STDERR);
	CHECK("logs: /proc/self/fd/2 is the supervisor's stderr", lc != NULL &&
	    lc->lc_dest == LOG_TO_STDERR && lc->lc_path == NULL);
	lc = program_log(cf, 1, OUT_STDOUT);
	CHECK("logs: /proc/1/fd/1 is the supervisor's stdout", lc != NULL &&
	    lc->lc_dest == LOG_TO_STDOUT);
	lc = program_log(cf, 1, OUT_STDERR);
	CHECK("logs: /dev/fd/7 is the supervisor's descriptor 7", lc != NULL &&
	    lc->lc_dest == LOG_TO_FD && lc->lc_fd == 7 &&
	    lc->lc_path == NULL && lc->lc_maxbytes == 0);
	lc = program_log(cf, 2, OUT_STDOUT);
	CHECK("logs: /proc/self/fd/3 is its descriptor 3", lc != NULL &&
	    lc->lc_dest == LOG_TO_FD && lc->lc_fd == 3);
	lc = program_log(cf, 2, OUT_STDERR);
	CHECK("logs: /dev/fd/ alone is a path", lc != NULL &&
	    lc->lc_dest == LOG_TO_FILE && lc->lc_path != NULL);
	config_free(cf);
	config_msgs_free(&msgs);

	cf = load("[program:w]\ncommand=a\nstdout_logfile=/dev/stderr\n"
	    "stderr_logfile=\n", &msgs);
	lc = log_of(cf, 0, OUT_STDOUT);
	CHECK("logs: /dev/stderr is the supervisor's stderr", lc != NULL &&
	    lc->lc_dest == LOG_TO_STDERR && lc->lc_path == NULL);
	lc = log_of(cf, 0, OUT_STDERR);
	CHECK("logs: empty is NONE", lc != NULL && lc->lc_dest == LOG_TO_NONE);
	config_free(cf);
	config_msgs_free(&msgs);

	cf = load("[supervisord]\nstrip_ansi = true\n[program:w]\ncommand=a\n",
	    &msgs);
	CHECK("strip_ansi: [supervisord] strip_ansi = true, no warning",
	    cf != NULL && cf->cf_strip_ansi && msgs.cm_count == 0);
	config_free(cf);
	config_msgs_free(&msgs);

	cf = load("[program:w]\ncommand=a\nnumprocs=2\n"
	    "process_name=w%(process_num)d\nnumprocs_start=3\n"
	    "stdout_logfile=/var/log/%(program_name)s-%(process_num)d.log\n"
	    "stdout_logfile_maxbytes=1KB\nstdout_logfile_backups=0\n"
	    "stderr_logfile=/var/log/%(process_num)02d.err\n"
	    "stderr_logfile_maxbytes=0\nstderr_logfile_backups=5\n"
	    "redirect_stderr=true\n", &msgs);
	CHECK_STR("logs: path expanded per process",
	    log_path(log_of(cf, 0, OUT_STDOUT)), "/var/log/w-3.log");
	CHECK_STR("logs: path of the second process",
	    log_path(log_of(cf, 1, OUT_STDOUT)), "/var/log/w-4.log");
	CHECK_STR("logs: stderr path expanded",
	    log_path(log_of(cf, 1, OUT_STDERR)), "/var/log/04.err");
	lc = log_of(cf, 1, OUT_STDOUT);
	CHECK("logs: a named file is not AUTO", lc != NULL &&
	    lc->lc_dest == LOG_TO_FILE && !lc->lc_auto);
	CHECK("logs: maxbytes 1KB, backups 0", lc != NULL &&
	    lc->lc_maxbytes == 1024 && lc->lc_backups == 0);
	lc = log_of(cf, 1, OUT_STDERR);
	CHECK("logs: stderr maxbytes 0, backups 5", lc != NULL &&
	    lc->lc_maxbytes == 0 && lc->lc_backups == 5);
	CHECK("logs: redirect_stderr true", cf != NULL &&
	    cf->cf_programs[0]->pg_redirect_stderr);
	config_free(cf);
	config_msgs_free(&msgs);

	cf = load("[program:w]\ncommand=a\nstdout_logfile_maxbytes=50MB\n"
	    "stderr_logfile_maxbytes=1gb\nredirect_stderr=no\n", &msgs);
	CHECK("logs: maxbytes 50MB", log_of(cf, 0, OUT_STDOUT) != NULL &&
	    log_of(cf, 0, OUT_STDOUT)->lc_maxbytes == 50LL * 1024 * 1024);
	CHECK("logs: maxbytes 1gb", log_of(cf, 0, OUT_STDERR) != NULL &&
	    log_of(cf, 0, OUT_STDERR)->lc_maxbytes == 1024LL * 1024 * 1024);
	CHECK("logs: redirect_stderr no", cf != NULL &&
	    !cf->cf_programs[0]->pg_redirect_stderr);
	config_free(cf);
	config_msgs_free(&msgs);

	check_rejected("logs: one file, rotated two ways",
	    "[program:x]\ncommand=a\nstderr_logfile=/x.log\n"
	    "[program:y]\ncommand=a\nstderr_logfile=/x.log\n"
	    "stderr_logfile_backups=3\n",
	    "t.ini:4: [program:y] stderr_logfile: /x.log is also the stderr "
	    "log of process x, which rotates it at 52428800 bytes and keeps "
	    "10 backups: give every log of one file the same "
	    "_logfile_maxbytes and _logfile_backups");
	check_rejected("logs: an unknown name in stdout_logfile",
	    "[program:x]\ncommand=a\nstdout_logfile=/x/%(foo)s\n",
	    "t.ini:3: stdout_logfile: unknown name %(foo)");
	check_rejected("logs: a bad size",
	    "[program:x]\ncommand=a\nstdout_logfile_maxbytes=50XB\n",
	    "t.ini:3: stdout_logfile_maxbytes: \"50XB\" is not a size "
	    "(a number of bytes, or with KB, MB or GB)");
	check_rejected("logs: a fractional size",
	    "[program:x]\ncommand=a\nstderr_logfile_maxbytes=1.5MB\n",
	    "t.ini:3: stderr_logfile_maxbytes: \"1.5MB\" is not a size "
	    "(a number of bytes, or with KB, MB or GB)");
	check_rejected("logs: negative backups",
	    "[program:x]\ncommand=a\nstdout_logfile_backups=-1\n",
	    "t.ini:3: stdout_logfile_backups: \"-1\" is not a whole number "
	    "from 0 to 1000");
	check_rejected("logs: too many backups",
	    "[program:x]\ncommand=a\nstderr_logfile_backups=1001\n",
	    "t.ini:3: stderr_logfile_backups: \"1001\" is not a whole number "
	    "from 0 to 1000");
	check_rejected("logs: a bad redirect_stderr",
	    "[program:x]\ncommand=a\nredirect_stderr=maybe\n",
	    "t.ini:3: redirect_stderr: \"maybe\" is not true or false");
	check_rejected("logs: an empty childlogdir",
	    "[supervisor]\nchildlogdir=\n[program:x]\ncommand=a\n",
	    "t.ini:2: childlogdir: empty");

	/* Logs share a file when they rotate it the same way. */
	cf = load("[program:w]\ncommand=a\nnumprocs=2\n"
	    "process_name=w%(process_num)d\nstdout_logfile=/var/log/w.log\n"
	    "[program:v]\ncommand=a\nstderr_logfile=/var/log/w.log\n",
	    &msgs);
	CHECK("logs: processes and programs may share a file", cf != NULL &&
	    msgs.cm_count == 0 && program_log(cf, 1, OUT_STDERR) != NULL &&
	    strcmp(program_log(cf, 1, OUT_STDERR)->lc_path,
	    "/var/log/w.log") == 0 && strcmp(cf->cf_programs[0]->
	    pg_procs[1].pcf_log[OUT_STDOUT].lc_path, "/var/log/w.log") == 0);
	config_free(cf);
	config_msgs_free(&msgs);
	check_rejected("logs: a shared file rotated at two sizes",
	    "[program:w]\ncommand=a\nstdout_logfile=/var/log/w.log\n"
	    "[program:v]\ncommand=a\nstderr_logfile=/var/log/w.log\n"
	    "stderr_logfile_maxbytes=1MB\n",
	    "t.ini:4: [program:v] stderr_logfile: /var/log/w.log is also the "
	    "stdout log of process w, which rotates it at 52428800 bytes and "
	    "keeps 10 backups: give every log of one file the same "
	    "_logfile_maxbytes and _logfile_backups");
	check_rejected("logs: a shared file with two numbers of backups",
	    "[program:w]\ncommand=a\nstdout_logfile=/var/log/w.log\n"
	    "stdout_logfile_backups=0\n"
	    "[program:v]\ncommand=a\nstdout_logfile=/var/log/w.log\n",
	    "t.ini:5: [program:v] stdout_logfile: /var/log/w.log is also the "
	    "stdout log of process w, which rotates it at 52428800 bytes and "
	    "keeps 0 backups: give every log of one file the same "
	    "_logfile_maxbytes and _logfile_backups");
	check_rejected("logs: the supervisor's own logfile",
	    "[supervisor]\nlogfile=/tmp/web-stdout.log\n"
	    "[program:web]\ncommand=a\nstdout_logfile=/tmp/web-stdout.log\n",
	    "t.ini:3: [program:web] stdout_logfile: /tmp/web-stdout.log is the "
	    "supervisor's own logfile");
	cf = load("[program:w]\ncommand=a\nstdout_logfile=/var/log/w.log\n"
	    "stderr_logfile=/var/log/w.log\n", &msgs);
	CHECK("logs: one process's stdout and stderr may share a file",
	    cf != NULL && msgs.cm_count == 0 &&
	    cf->cf_programs[0]->pg_procs[0].pcf_stderr_joined);
	config_free(cf);
	config_msgs_free(&msgs);
	cf = load("[program:w]\ncommand=a\nredirect_stderr=true\n", &msgs);
	CHECK("logs: redirect_stderr joins stderr to stdout", cf != NULL &&
	    cf->cf_programs[0]->pg_procs[0].pcf_stderr_joined);
	config_free(cf);
	config_msgs_free(&msgs);
	cf = load("[program:w]\ncommand=a\n", &msgs);
	CHECK("logs: AUTO stdout and stderr are apart", cf != NULL &&
	    !cf->cf_programs[0]->pg_procs[0].pcf_stderr_joined);
	config_free(cf);
	config_msgs_free(&msgs);
	cf = load("[program:w]\ncommand=a\nstdout_logfile=NONE\n"
	    "stderr_logfile=NONE\n[program:v]\ncommand=a\n"
	    "stdout_logfile=/dev/stdout\nstderr_logfile=/dev/stdout\n", &msgs);
	CHECK("logs: NONE and /dev/stdout are not files to own", cf != NULL &&
	    msgs.cm_count == 0);
	config_free(cf);
	config_msgs_free(&msgs);

	if (saved != NULL)
		setenv("TMPDIR", saved, 1);
	else
		unsetenv("TMPDIR");
	free(saved);
}

/* [supervisor] logfile, logfile_maxbytes, logfile_backups. */
static void
test_supervisor_log(void)
{
	struct config_msgs msgs;
	struct config *cf;
	char cwd[4096], want[4200];

	cf = load("[supervisor]\nlogfile=syslog\n", &msgs);
	CHECK("own log: syslog", cf != NULL &&
	    cf->cf_log.lc_dest == LOG_TO_SYSLOG && cf->cf_log.lc_path == NULL);
	config_free(cf);
	config_msgs_free(&msgs);

	cf = load("[supervisor]\nlogfile=SYSLOG\n", &msgs);
	CHECK("own log: SYSLOG in capitals", cf != NULL &&
	    cf->cf_log.lc_dest == LOG_TO_SYSLOG);
	config_free(cf);
	config_msgs_free(&msgs);

	cf = load("[supervisor]\nlogfile=/dev/stdout\n", &msgs);
	CHECK("own log: /dev/stdout", cf != NULL &&
	    cf->cf_log.lc_dest == LOG_TO_STDOUT && cf->cf_log.lc_path == NULL);
	config_free(cf);
	config_msgs_free(&msgs);

	cf = load("[supervisor]\nlogfile=/var/log/a.log\nlogfile=none\n",
	    &msgs);
	CHECK("own log: none after a path is stderr", cf != NULL &&
	    cf->cf_log.lc_dest == LOG_TO_STDERR && cf->cf_log.lc_path == NULL);
	config_free(cf);
	config_msgs_free(&msgs);

	cf = load("[supervisor]\nlogfile=/dev/stderr\n", &msgs);
	CHECK("own log: /dev/stderr", cf != NULL &&
	    cf->cf_log.lc_dest == LOG_TO_STDERR);
	config_free(cf);
	config_msgs_free(&msgs);

	cf = load("[supervisor]\nlogfile=\n", &msgs);
	CHECK("own log: empty is stderr", cf != NULL &&
	    cf->cf_log.lc_dest == LOG_TO_STDERR);
	config_free(cf);
	config_msgs_free(&msgs);

	cf = load("[supervisor]\nlogfile=logs/sup.log\nlogfile_maxbytes=1MB\n"
	    "logfile_backups=2\n", &msgs);
	if (getcwd(cwd, sizeof(cwd)) == NULL)
		strcpy(cwd, "(cwd unknown)");
	snprintf(want, sizeof(want), "%s/logs/sup.log", cwd);
	CHECK("own log: a relative path is a file", cf != NULL &&
	    cf->cf_log.lc_dest == LOG_TO_FILE);
	CHECK_STR("own log: made absolute against the current directory",
	    cf ? cf->cf_log.lc_path : NULL, want);
	CHECK("own log: logfile_maxbytes, logfile_backups", cf != NULL &&
	    cf->cf_log.lc_maxbytes == 1024 * 1024 &&
	    cf->cf_log.lc_backups == 2);
	config_free(cf);
	config_msgs_free(&msgs);

	cf = load("[supervisor]\nlogfile=/var/log/s.log\n", &msgs);
	CHECK("own log: default size 50MB, 10 backups", cf != NULL &&
	    cf->cf_log.lc_maxbytes == 50LL * 1024 * 1024 &&
	    cf->cf_log.lc_backups == 10 && !cf->cf_log.lc_auto);
	config_free(cf);
	config_msgs_free(&msgs);

	check_rejected("own log: a bad logfile_maxbytes",
	    "[supervisor]\nlogfile_maxbytes=1.5MB\n",
	    "t.ini:2: logfile_maxbytes: \"1.5MB\" is not a size "
	    "(a number of bytes, or with KB, MB or GB)");
	check_rejected("own log: a bad logfile_backups",
	    "[supervisor]\nlogfile_backups=x\n",
	    "t.ini:2: logfile_backups: \"x\" is not a whole number "
	    "from 0 to 1000");
}

/* The control socket's keys: socket=, control_timeout, [unix_http_server]. */
static void
test_socket_keys(void)
{
	struct config_msgs msgs;
	struct config *cf;

	cf = load("[program:x]\ncommand=a\n", &msgs);
	CHECK("socket: default path is left to the daemon", cf != NULL &&
	    cf->cf_socket == NULL && !cf->cf_socket_off);
	CHECK("socket: default mode 0600, no chown, timeout 10 s",
	    cf != NULL && cf->cf_socket_mode == 0600 &&
	    cf->cf_socket_uid == -1 && cf->cf_socket_gid == -1 &&
	    cf->cf_control_timeout == 10);
	config_free(cf);
	config_msgs_free(&msgs);

	cf = load("[supervisor]\nsocket = %(here)s/s.sock\n"
	    "control_timeout = 2.5\n", &msgs);
	CHECK("socket =: accepted", cf != NULL && msgs.cm_count == 0);
	CHECK("socket =: %(here)s expanded", cf != NULL &&
	    cf->cf_socket != NULL && cf->cf_socket[0] == '/' &&
	    strstr(cf->cf_socket, "/s.sock") != NULL);
	CHECK("control_timeout = 2.5", cf != NULL &&
	    cf->cf_control_timeout == 2.5);
	config_free(cf);
	config_msgs_free(&msgs);

	cf = load("[supervisor]\nsocket = none\n", &msgs);
	CHECK("socket = none turns it off", cf != NULL && cf->cf_socket_off &&
	    cf->cf_socket == NULL);
	config_free(cf);
	config_msgs_free(&msgs);

	cf = load("[unix_http_server]\nfile = /tmp/x.sock\nchmod = 0770\n"
	    "chown = root:root\n", &msgs);
	CHECK("[unix_http_server]: accepted without warnings", cf != NULL &&
	    msgs.cm_count == 0);
	CHECK_STR("[unix_http_server]: file", cf ? cf->cf_socket : NULL,
	    "/tmp/x.sock");
	CHECK("[unix_http_server]: chmod 0770, chown root:root", cf != NULL &&
	    cf->cf_socket_mode == 0770 && cf->cf_socket_uid == 0 &&
	    cf->cf_socket_gid == 0);
	config_free(cf);
	config_msgs_free(&msgs);

	cf = load("[unix_http_server]\nusername = u\npassword = p\n"
	    "[inet_http_server]\nport = 127.0.0.1:9001\nusername = v\n"
	    "password = {SHA}0123456789abcdef0123456789ABCDEF01234567\n", &msgs);
	CHECK("http credentials: kept", cf != NULL && msgs.cm_count == 0 &&
	    strcmp(cf->cf_unix_http.hc_username, "u") == 0 &&
	    strcmp(cf->cf_unix_http.hc_password, "p") == 0 &&
	    strcmp(cf->cf_inet_http.hc_username, "v") == 0 &&
	    strcmp(cf->cf_inet_host, "127.0.0.1") == 0 &&
	    strcmp(cf->cf_inet_port, "9001") == 0);
	config_free(cf);
	config_msgs_free(&msgs);
	check_rejected("[inet_http_server]: open to others without a password",
	    "[inet_http_server]\nport = 9001\n",
	    "t.ini:1: [inet_http_server]: port=9001 is reachable from other "
	    "machines and has no password: anyone who connects would control "
	    "every program (set username= and password=, or listen on "
	    "127.0.0.1)");
	check_rejected("[inet_http_server]: a bad port, half credentials",
	    "[inet_http_server]\nport = host:99999\n"
	    "[unix_http_server]\npassword = p\n",
	    "t.ini:2: port: \"host:99999\" is not [HOST:]PORT with a port "
	    "from 1 to 65535\n"
	    "t.ini:3: [unix_http_server]: password= without username=");
	cf = load("[inet_http_server]\nport = 127.0.0.1:9001\nreadonly = true\n",
	    &msgs);
	CHECK("[inet_http_server]: readonly = true", cf != NULL &&
	    msgs.cm_count == 0 && cf->cf_inet_http.hc_readonly);
	config_free(cf);
	config_msgs_free(&msgs);
	check_rejected("[inet_http_server]: readonly is a boolean",
	    "[inet_http_server]\nport = 127.0.0.1:9001\nreadonly = maybe\n",
	    "t.ini:3: readonly=maybe: not a boolean (true or false)");
	check_rejected("[unix_http_server]: bad chmod, chown, key",
	    "[unix_http_server]\nchmod = 0800\nchown = nosuchuser\n"
	    "port = 9001\n",
	    "t.ini:2: chmod: \"0800\" is not an octal mode like 0770\n"
	    "t.ini:3: chown: no such user \"nosuchuser\"\n"
	    "t.ini:4: warning: unknown key \"port\" in [unix_http_server]; "
	    "ignored");
	check_rejected("[unix_http_server]: chown to a missing group",
	    "[unix_http_server]\nchown = root:nosuchgroup\n",
	    "t.ini:2: chown: no such group \"nosuchgroup\"");
	check_rejected("control_timeout: a duration",
	    "[supervisor]\ncontrol_timeout = soon\n",
	    "t.ini:2: control_timeout: \"soon\" is not a duration (like 10, "
	    "0.5, 250ms, 2m)");
}

static void
test_numprocs(void)
{
	struct config_msgs msgs;
	struct config *cf;
	struct program_config *pg;

	cf = load("[program:w]\ncommand=echo %(process_num)02d "
	    "%(numprocs)d\nnumprocs=3\n", &msgs);
	CHECK("numprocs: loads", cf != NULL && cf->cf_nprograms == 1);
	if (cf != NULL) {
		pg = cf->cf_programs[0];
		CHECK("numprocs: 3 processes", pg->pg_numprocs == 3);
		CHECK_STR("numprocs: name 0", pg->pg_procs[0].pcf_name, "w_00");
		CHECK_STR("numprocs: name 1", pg->pg_procs[1].pcf_name, "w_01");
		CHECK_STR("numprocs: name 2", pg->pg_procs[2].pcf_name, "w_02");
		CHECK("numprocs: numbers 0..2", pg->pg_procs[0].pcf_num == 0 &&
		    pg->pg_procs[1].pcf_num == 1 &&
		    pg->pg_procs[2].pcf_num == 2);
		CHECK_STR("numprocs: command expanded per process",
		    argv_str(pg->pg_procs[2].pcf_argv), "[echo][02][3]");
	}
	config_free(cf);
	config_msgs_free(&msgs);

	/* numprocs last: it still applies to the keys before it. */
	cf = load("[program:w]\nprocess_name=%(program_name)s-%(process_num)d\n"
	    "command=echo\nenvironment=N=%(process_num)d\nnumprocs=3\n", &msgs);
	CHECK("numprocs: with process_name loads", cf != NULL);
	if (cf != NULL) {
		pg = cf->cf_programs[0];
		CHECK_STR("numprocs: process_name 0", pg->pg_procs[0].pcf_name,
		    "w-0");
		CHECK_STR("numprocs: process_name 1", pg->pg_procs[1].pcf_name,
		    "w-1");
		CHECK_STR("numprocs: process_name 2", pg->pg_procs[2].pcf_name,
		    "w-2");
		CHECK_STR("numprocs: environment per process",
		    argv_str(pg->pg_procs[1].pcf_env), "[N=1]");
	}
	config_free(cf);
	config_msgs_free(&msgs);

	cf = load("[program:w]\nprocess_name=%(program_name)s-%(process_num)d\n"
	    "command=echo\nnumprocs=2\nnumprocs_start=1\n", &msgs);
	CHECK("numprocs_start: loads", cf != NULL);
	if (cf != NULL) {
		pg = cf->cf_programs[0];
		CHECK_STR("numprocs_start: first name",
		    pg->pg_procs[0].pcf_name, "w-1");
		CHECK_STR("numprocs_start: second name",
		    pg->pg_procs[1].pcf_name, "w-2");
	}
	config_free(cf);
	config_msgs_free(&msgs);
}

static void
test_variables(void)
{
	struct config_msgs msgs;
	struct config *cf;
	struct utsname uts;
	char want[512], cwd[400];

	static const char text[] = "[program:v]\n"
	    "command=%(here)s/run %(group_name)s %(host_node_name)s\n";
	static const char here_text[] = "[program:x]\ncommand=a\n"
	    "directory=%(here)s/work\n";

	cf = config_load_text("/etc/sup/t.ini", text, strlen(text), &msgs);
	CHECK("variables: loads", cf != NULL);
	if (cf != NULL && uname(&uts) == 0) {
		snprintf(want, sizeof(want), "[/etc/sup/run][v][%s]",
		    uts.nodename);
		CHECK_STR("variables: here, group_name, host_node_name",
		    argv_str(cf->cf_programs[0]->pg_procs[0].pcf_argv), want);
	}
	config_free(cf);
	config_msgs_free(&msgs);

	/* supervisord: here = os.path.abspath(os.path.dirname(configfile)). */
	cf = config_load_text("conf/t.ini", here_text, strlen(here_text),
	    &msgs);
	CHECK_STR("variables: %(here)s of a relative path is absolute",
	    join_msgs(&msgs), "");
	if (getcwd(cwd, sizeof(cwd)) == NULL)
		snprintf(cwd, sizeof(cwd), "(getcwd failed)");
	snprintf(want, sizeof(want), "%s/conf/work", cwd);
	CHECK_STR("variables: %(here)s of a relative path", cf ?
	    cf->cf_programs[0]->pg_procs[0].pcf_directory : NULL, want);
	config_free(cf);
	config_msgs_free(&msgs);

	CHECK_STR("variables: %% in a command",
	    command_of("[program:x]\ncommand=date +%%H\n"), "[date][+%H]");
}

static void
test_errors(void)
{
	char text[512], want[512], x200[201];

	check_rejected("error: bad duration",
	    "[program:x]\ncommand=a\nstartsecs=abc\n",
	    "t.ini:3: startsecs: \"abc\" is not a duration "
	    "(like 10, 0.5, 250ms, 2m)");
	check_rejected("error: negative stopwaitsecs",
	    "[program:x]\ncommand=a\nstopwaitsecs=-1\n",
	    "t.ini:3: stopwaitsecs: \"-1\" is not a duration "
	    "(like 10, 0.5, 250ms, 2m)");
	check_rejected("error: bad int",
	    "[program:x]\ncommand=a\nstartretries=-1\n",
	    "t.ini:3: startretries: \"-1\" is not a whole number from 0 to "
	    "1000000");
	check_rejected("error: numprocs 0, reported once",
	    "[program:x]\ncommand=a\nnumprocs=0\n",
	    "t.ini:3: numprocs: \"0\" is not a whole number from 1 to 100000");
	check_rejected("error: bad priority",
	    "[program:x]\ncommand=a\npriority=high\n",
	    "t.ini:3: priority: \"high\" is not a whole number from "
	    "-2147483648 to 2147483647");
	check_rejected("error: bad bool",
	    "[program:x]\ncommand=a\nautostart=maybe\n",
	    "t.ini:3: autostart: \"maybe\" is not true or false");
	check_rejected("error: bad signal",
	    "[program:x]\ncommand=a\nstopsignal=FOO\n",
	    "t.ini:3: stopsignal: \"FOO\" is not a signal (like TERM, INT, "
	    "HUP, QUIT, KILL, USR1, USR2)");
	check_rejected("error: bad umask",
	    "[program:x]\ncommand=a\numask=999\n",
	    "t.ini:3: umask: \"999\" is not an octal mask like 022");
	check_rejected("error: bad exitcodes",
	    "[program:x]\ncommand=a\nexitcodes=1,,2\n",
	    "t.ini:3: exitcodes: \"1,,2\" is not a list of exit statuses "
	    "0-255 like 0,2");
	check_rejected("error: bad autorestart",
	    "[program:x]\ncommand=a\nautorestart=sometimes\n",
	    "t.ini:3: autorestart: \"sometimes\" is not true, false or "
	    "unexpected");
	check_rejected("error: bad loglevel",
	    "[supervisor]\nloglevel=loud\n",
	    "t.ini:2: loglevel: \"loud\" is not a level (critical, error, "
	    "warn, info, debug, trace)");
	check_rejected("error: no command",
	    "[program:x]\nstartsecs=1\n",
	    "t.ini:1: [program:x] has no command");
	check_rejected("error: empty command",
	    "[program:x]\ncommand=\n",
	    "t.ini:2: command: empty command");
	check_rejected("error: more processes than max_processes",
	    "[program:a]\ncommand=x\nnumprocs=60\n"
	    "[program:b]\ncommand=y\nnumprocs=60\n"
	    "[supervisor]\nmax_processes=100\n",
	    "t.ini:6: numprocs: 60 more processes would make 120, over "
	    "max_processes = 100; raise max_processes in [supervisor] if this "
	    "machine can run them");
	check_expand_limit();
	check_rejected("error: a quoted empty command",
	    "[program:x]\ncommand='' arg\n",
	    "t.ini:2: command: empty command: the program's name is an empty "
	    "string");
	check_rejected("error: blank in program name",
	    "[program:a b]\ncommand=a\n",
	    "t.ini:1: [program:a b]: a program name must be 1-128 bytes of "
	    "UTF-8 without blanks, control characters, ':' or '/'");
	check_rejected("error: empty program name",
	    "[program:]\ncommand=a\n",
	    "t.ini:1: [program:]: a program name must be 1-128 bytes of "
	    "UTF-8 without blanks, control characters, ':' or '/'");
	check_rejected("error: '/' in program name",
	    "[program:a/b]\ncommand=a\n",
	    "t.ini:1: [program:a/b]: a program name must be 1-128 bytes of "
	    "UTF-8 without blanks, control characters, ':' or '/'");
	check_rejected("error: process_name without process_num",
	    "[program:x]\ncommand=a\nnumprocs=2\nprocess_name=foo\n",
	    "t.ini:4: process_name: must contain %(process_num)d when "
	    "numprocs is above 1");
	check_rejected("error: process_name with a '/'",
	    "[program:x]\ncommand=a\nprocess_name=a/b\n",
	    "t.ini:3: process_name: \"a/b\" must be 1-128 bytes of UTF-8 "
	    "without blanks, control characters, ':' or '/'");
	check_rejected("error: invalid UTF-8 in a program name",
	    "[program:a\xff]\ncommand=a\n",
	    "t.ini:1: [program:a\xff]: a program name must be 1-128 bytes "
	    "of UTF-8 without blanks, control characters, ':' or '/'");
	check_rejected("error: an escape character in a process_name",
	    "[program:x]\ncommand=a\nprocess_name=a\x1b[2J\n",
	    "t.ini:3: process_name: \"a\x1b[2J\" must be 1-128 bytes of "
	    "UTF-8 without blanks, control characters, ':' or '/'");
	check_rejected("error: duplicate process names",
	    "[program:a]\ncommand=x\nprocess_name=same\n\n"
	    "[program:b]\ncommand=y\nprocess_name=same\n",
	    "t.ini:5: process name \"same\" is also used by [program:a] at "
	    "line 1");
	check_rejected("error: default names collide with a program",
	    "[program:a_00]\ncommand=x\n[program:a]\ncommand=y\nnumprocs=2\n",
	    "t.ini:3: process name \"a_00\" is also used by [program:a_00] "
	    "at line 1");
	check_rejected("error: key outside a section",
	    "command=x\n[program:x]\ncommand=a\n",
	    "t.ini:1: key outside of any [section]");
	check_rejected("error: line without '='",
	    "[program:x]\ncommand=a\njunk\n",
	    "t.ini:3: expected \"key = value\" or \"[section]\"");
	check_rejected("error: missing key",
	    "[program:x]\ncommand=a\n= 1\n",
	    "t.ini:3: missing key before '='");
	check_rejected("error: section header without ']'",
	    "[program:x\ncommand=a\n",
	    "t.ini:1: section header without a closing ']'\n"
	    "t.ini:2: key outside of any [section]");
	check_rejected("error: empty section name",
	    "[ ]\n[program:x]\ncommand=a\n",
	    "t.ini:1: empty section name");
	check_rejected("error: unterminated quote in command",
	    "[program:x]\ncommand=echo 'abc\n",
	    "t.ini:2: command: unterminated ' quote");
	check_rejected("error: trailing backslash in command",
	    "[program:x]\ncommand=echo \\\n",
	    "t.ini:2: command: trailing backslash");
	check_rejected("error: bad environment",
	    "[program:x]\ncommand=a\nenvironment=A\n",
	    "t.ini:3: environment: \"A\" has no '=value'");
	check_rejected("error: garbage in environment",
	    "[program:x]\ncommand=a\nenvironment=A=\"1\"x\n",
	    "t.ini:3: environment: expected ',' before \"x\"");
	check_rejected("error: unknown %(name) in command",
	    "[program:x]\ncommand=echo %(nope)s\n",
	    "t.ini:2: command: unknown name %(nope)");
	check_rejected("error: lone % in command",
	    "[program:x]\ncommand=date +%H\n",
	    "t.ini:2: command: a lone '%' must be written '%%' (at \"%H\")");
	check_rejected("error: bad expansion in a number",
	    "[program:x]\ncommand=a\nstartsecs=%(x)\n",
	    "t.ini:3: startsecs: %(x) must be followed by a conversion like "
	    "s or d");

	/* A long bad value is cut short in the message. */
	memset(x200, 'x', 200);
	x200[200] = '\0';
	snprintf(text, sizeof(text), "[program:x]\ncommand=a\nstartsecs=%s\n",
	    x200);
	snprintf(want, sizeof(want), "t.ini:3: startsecs: \"%.90s...\" is not "
	    "a duration (like 10, 0.5, 250ms, 2m)", x200);
	check_rejected("error: long value is cut short", text, want);

	/* One run reports every problem, from every section. */
	check_rejected("error: every problem is reported",
	    "[program:a]\ncommand=x\nstartsecs=bad\nautostart=maybe\n"
	    "[program:b]\nautostart=true\n",
	    "t.ini:3: startsecs: \"bad\" is not a duration (like 10, 0.5, "
	    "250ms, 2m)\n"
	    "t.ini:4: autostart: \"maybe\" is not true or false\n"
	    "t.ini:5: [program:b] has no command");

	/* config.h: "Problems found while loading, in file order." */
	check_rejected("error: messages come in file order",
	    "[program:x]\ncommand=a\nfoo=1\njunk\nstartsecs=x\n",
	    "t.ini:3: warning: unknown key \"foo\" in [program:x]; ignored\n"
	    "t.ini:4: expected \"key = value\" or \"[section]\"\n"
	    "t.ini:5: startsecs: \"x\" is not a duration (like 10, 0.5, 250ms, "
	    "2m)");
}

static void
test_warnings(void)
{
	struct config_msgs msgs;
	struct config *cf;

	check_warned("warning: program keys not implemented yet",
	    "[program:x]\ncommand=a\nserverurl=AUTO\nstdout_syslog=true\n"
	    "stderr_events_enabled=true\n",
	    "t.ini:3: warning: serverurl: not supported yet; ignored\n"
	    "t.ini:4: warning: stdout_syslog: not supported yet; ignored");
	check_warned("warning: sections not implemented yet",
	    "[inet_http_server]\nport=127.0.0.1:9001\n\n"
	    "[group:g]\nprograms=x\npriority=1\n\n"
	    "[rpcinterface:supervisor]\n\n"
	    "[program:x]\ncommand=a\n",
	    "t.ini:8: warning: [rpcinterface:supervisor] is not supported "
	    "yet; its 0 keys are ignored");
	cf = load("[program:x]\ncommand=a %(group_name)s\npriority=7\n"
	    "[program:y]\ncommand=b\n[group:g]\nprograms=x\npriority=1\n",
	    &msgs);
	CHECK("[group:g]: its program's group and priority", cf != NULL &&
	    strcmp(cf->cf_programs[0]->pg_group, "g") == 0 &&
	    cf->cf_programs[0]->pg_group_priority == 1 &&
	    cf->cf_programs[0]->pg_priority == 7 &&
	    strcmp(cf->cf_programs[0]->pg_procs[0].pcf_argv[1], "g") == 0);
	CHECK("[group:g]: a program in none is its own group", cf != NULL &&
	    strcmp(cf->cf_programs[1]->pg_group, "y") == 0 &&
	    cf->cf_programs[1]->pg_group_priority == 999);
	config_free(cf);
	config_msgs_free(&msgs);
	check_rejected("[group:g]: unknown program, two groups, a taken name",
	    "[program:x]\ncommand=a\n[program:y]\ncommand=b\n"
	    "[group:g]\nprograms=x,nosuch\n[group:h]\nprograms=x\n"
	    "[group:y]\nprograms=x\n",
	    "t.ini:6: programs: no [program:nosuch] for [group:g]\n"
	    "t.ini:8: programs: [program:x] is already in [group:g]; a program "
	    "has one group\n"
	    "t.ini:10: programs: [program:x] is already in [group:g]; a "
	    "program has one group");
}

/* [eventlistener:x]: supervisord's keys, rules and defaults. */
static void
test_listeners(void)
{
	struct config_msgs msgs;
	struct config *cf;
	const struct program_config *pg;

	cf = load("[eventlistener:l]\ncommand=a\nevents=process_state_exited,"
	    " TICK\nbuffer_size=3\n\n[program:x]\ncommand=b\n"
	    "stdout_events_enabled=true\nstderr_events_enabled=false\n",
	    &msgs);
	CHECK("listener: accepted", cf != NULL && msgs.cm_errors == 0 &&
	    msgs.cm_count == 0);
	if (cf != NULL) {
		pg = cf->cf_programs[0];
		CHECK("listener: is one", pg->pg_listener &&
		    strcmp(pg->pg_name, "l") == 0);
		CHECK("listener: events, a parent with its children",
		    pg->pg_events == (event_type_subtree(
		    EV_PROCESS_STATE_EXITED) | event_type_subtree(EV_TICK)) &&
		    event_mask_has(pg->pg_events, EV_TICK_60) &&
		    !event_mask_has(pg->pg_events, EV_PROCESS_STATE_FATAL));
		CHECK("listener: buffer_size", pg->pg_buffer_size == 3);
		CHECK("listener: priority -1 (first up, last down)",
		    pg->pg_priority == -1);
		CHECK("listener: stdout is the protocol, not a log",
		    pg->pg_procs[0].pcf_log[OUT_STDOUT].lc_dest ==
		    LOG_TO_NONE);
		pg = cf->cf_programs[1];
		CHECK("program: not a listener, default buffer_size",
		    !pg->pg_listener && pg->pg_priority == 999);
		CHECK("program: stdout events, not stderr's",
		    pg->pg_events_enabled[OUT_STDOUT] &&
		    !pg->pg_events_enabled[OUT_STDERR] &&
		    pg->pg_procs[0].pcf_tapped[OUT_STDOUT] &&
		    !pg->pg_procs[0].pcf_tapped[OUT_STDERR]);
	}
	config_free(cf);
	config_msgs_free(&msgs);
	check_rejected("listener: no events=", "[eventlistener:l]\ncommand=a\n",
	    "t.ini:1: [eventlistener:l] has no events= line (the event types "
	    "its listeners get)");
	check_rejected("listener: an unknown event type",
	    "[eventlistener:l]\ncommand=a\nevents=PROCESS_STATE,NOPE\n",
	    "t.ini:3: events: unknown event type \"NOPE\"");
	check_rejected("listener: buffer_size 0",
	    "[eventlistener:l]\ncommand=a\nevents=TICK_5\nbuffer_size=0\n",
	    "t.ini:4: buffer_size: \"0\" is not a whole number from 1 to 10000");
	check_rejected("listener: redirect_stderr",
	    "[eventlistener:l]\ncommand=a\nevents=TICK_5\n"
	    "redirect_stderr=true\n",
	    "t.ini:1: [eventlistener:l]: redirect_stderr = true would mix "
	    "stderr into the event protocol on stdout");
	check_rejected("listener: a result_handler of Python",
	    "[eventlistener:l]\ncommand=a\nevents=TICK_5\n"
	    "result_handler=mymod:handler\n",
	    "t.ini:4: result_handler: \"mymod:handler\" is Python code this "
	    "supervisor can't run; only supervisor.dispatchers:default_handler "
	    "(the default: RESULT OK is done, anything else is sent again) is "
	    "supported");
	check_warned("listener: the default result_handler is fine",
	    "[eventlistener:l]\ncommand=a\nevents=TICK_5\n"
	    "result_handler=supervisor.dispatchers:default_handler\n", "");
	check_warned("program: a capture over 1 MB is cut to 1 MB",
	    "[program:x]\ncommand=a\nstdout_capture_maxbytes=2MB\n",
	    "t.ini:3: warning: stdout_capture_maxbytes: more than 1048576 "
	    "bytes; a capture keeps its last 1048576");
	check_warned("program: listener keys are ignored",
	    "[program:x]\ncommand=a\nevents=TICK_5\nbuffer_size=2\n",
	    "t.ini:3: warning: events: only [eventlistener:x] has it; "
	    "ignored\n"
	    "t.ini:4: warning: buffer_size: only [eventlistener:x] has it; "
	    "ignored");
}

static void
test_duplicates(void)
{
	struct config_msgs msgs;
	struct config *cf;

	cf = load("[program:x]\ncommand=a\nstartsecs=2\ncommand=b c\n", &msgs);
	CHECK_STR("duplicate key: warning", join_msgs(&msgs),
	    "t.ini:4: warning: command: set again (first at line 2); this "
	    "value wins");
	CHECK("duplicate key: accepted", cf != NULL && msgs.cm_errors == 0);
	CHECK_STR("duplicate key: the later value wins", cf ?
	    argv_str(cf->cf_programs[0]->pg_procs[0].pcf_argv) : NULL,
	    "[b][c]");
	config_free(cf);
	config_msgs_free(&msgs);

	cf = load("[program:x]\ncommand=a\nstartsecs=bad\nstartsecs=3\n",
	    &msgs);
	CHECK_STR("duplicate key: a bad first value is not checked",
	    join_msgs(&msgs), "t.ini:4: warning: startsecs: set again "
	    "(first at line 3); this value wins");
	CHECK("duplicate key: later value used", cf != NULL &&
	    cf->cf_programs[0]->pg_startsecs == 3);
	config_free(cf);
	config_msgs_free(&msgs);

	cf = load("[program:x]\ncommand=a\nCOMMAND=b\n", &msgs);
	CHECK_STR("duplicate key: case does not matter", join_msgs(&msgs),
	    "t.ini:3: warning: command: set again (first at line 2); this "
	    "value wins");
	config_free(cf);
	config_msgs_free(&msgs);

	cf = load("[program:x]\ncommand=a\n\n[program:y]\ncommand=b\n\n"
	    "[program:x]\nstartsecs=5\n", &msgs);
	CHECK_STR("duplicate section: warning", join_msgs(&msgs),
	    "t.ini:7: warning: [program:x] appears again (first at line 1); "
	    "its keys are merged");
	CHECK("duplicate section: accepted", cf != NULL &&
	    msgs.cm_errors == 0);
	CHECK("duplicate section: merged into one program", cf != NULL &&
	    cf->cf_nprograms == 2);
	CHECK("duplicate section: keys merged", cf != NULL &&
	    strcmp(cf->cf_programs[0]->pg_name, "x") == 0 &&
	    cf->cf_programs[0]->pg_startsecs == 5 &&
	    strcmp(cf->cf_programs[0]->pg_procs[0].pcf_argv[0], "a") == 0);
	config_free(cf);
	config_msgs_free(&msgs);
}

static void
test_line_numbers(void)
{
	static const char lf[] =
	    "; a comment\n"			/* 1 */
	    "# another one\n"			/* 2 */
	    "\n"				/* 3 */
	    "[program:x]\n"			/* 4 */
	    "command=sh -c\n"			/* 5 */
	    "    'echo hi'\n"			/* 6 */
	    "\n"				/* 7 */
	    "   \n"				/* 8 */
	    "  ; indented comment\n"		/* 9 */
	    "startsecs=bad\n"			/* 10 */
	    "autorestart=sometimes\n";		/* 11 */
	static const char want[] =
	    "t.ini:10: startsecs: \"bad\" is not a duration (like 10, 0.5, "
	    "250ms, 2m)\n"
	    "t.ini:11: autorestart: \"sometimes\" is not true, false or "
	    "unexpected";
	char crlf[sizeof(lf) * 2], *text, *big;
	const char *p;
	size_t n = 0, biglen = 5000;
	struct config_msgs msgs;
	struct config *cf;

	check_rejected("lines: after comments, blanks and continuations",
	    lf, want);
	for (p = lf; *p != '\0'; p++) {
		if (*p == '\n')
			crlf[n++] = '\r';
		crlf[n++] = *p;
	}
	crlf[n] = '\0';
	check_rejected("lines: CRLF line endings", crlf, want);
	CHECK_STR("lines: CRLF command has no \\r",
	    command_of("[program:x]\r\ncommand=sh -c\r\n  'echo hi'\r\n"),
	    "[sh][-c][echo hi]");

	check_rejected("lines: an error in a continued value is at its key",
	    "[program:x]\ncommand=a\n; c\n\nenvironment=A=1,\n  B\n",
	    "t.ini:5: environment: \"B\" has no '=value'");
	check_warned("lines: UTF-8 BOM",
	    "\xef\xbb\xbf[program:x]\ncommand=a\nfoo=1\n",
	    "t.ini:3: warning: unknown key \"foo\" in [program:x]; ignored");
	CHECK_STR("lines: UTF-8 BOM file loads",
	    command_of("\xef\xbb\xbf[program:x]\ncommand=a b\n"), "[a][b]");

	/* A 5000-character command line, then a warning and an error. */
	big = malloc(biglen + 1);
	text = malloc(biglen + 256);
	if (big == NULL || text == NULL) {
		CHECK("lines: malloc", false);
		free(big);
		free(text);
		return;
	}
	memset(big, 'a', biglen);
	big[biglen] = '\0';
	snprintf(text, biglen + 256, "[program:x]\ncommand=echo %s\n"
	    "serverurl=AUTO\n", big);
	cf = load(text, &msgs);
	CHECK_STR("lines: after a 5000-character line", join_msgs(&msgs),
	    "t.ini:3: warning: serverurl: not supported yet; ignored");
	CHECK("lines: 5000-character command kept whole", cf != NULL &&
	    strv_len(cf->cf_programs[0]->pg_procs[0].pcf_argv) == 2 &&
	    strcmp(cf->cf_programs[0]->pg_procs[0].pcf_argv[1], big) == 0);
	config_free(cf);
	config_msgs_free(&msgs);

	snprintf(text, biglen + 256, "[program:x]\ncommand=echo %s\n"
	    "  more\nfoo=1\n", big);
	check_warned("lines: after a long line with a continuation", text,
	    "t.ini:4: warning: unknown key \"foo\" in [program:x]; ignored");
	free(big);
	free(text);
}

static void
test_text_shapes(void)
{
	static const char nul[] = "[program:x]\ncommand=a\0b\n";
	struct config_msgs msgs;
	struct config *cf;

	cf = load("", &msgs);
	CHECK("text: empty text is a valid, empty config", cf != NULL &&
	    cf->cf_nprograms == 0 && msgs.cm_count == 0);
	config_free(cf);
	config_msgs_free(&msgs);

	CHECK_STR("text: no newline at the end",
	    command_of("[program:x]\ncommand=a b"), "[a][b]");

	cf = config_load_text(FILE_NAME, nul, sizeof(nul) - 1, &msgs);
	CHECK("text: NUL byte rejected", cf == NULL);
	CHECK("text: NUL byte reported at its line",
	    strstr(join_msgs(&msgs), "t.ini:2: NUL byte in line") != NULL);
	config_free(cf);
	config_msgs_free(&msgs);
}

static void
test_comments(void)
{
	CHECK_STR("comments: \" ;\" starts a comment",
	    command_of("[program:x]\ncommand=echo a ;comment\n"), "[echo][a]");
	CHECK_STR("comments: \" #\" starts a comment",
	    command_of("[program:x]\ncommand=echo a #comment\n"), "[echo][a]");
	CHECK_STR("comments: tab then ';' starts a comment",
	    command_of("[program:x]\ncommand=echo a\t; comment\n"),
	    "[echo][a]");
	CHECK_STR("comments: a;b is kept",
	    command_of("[program:x]\ncommand=echo a;b\n"), "[echo][a;b]");
	CHECK_STR("comments: a#b is kept",
	    command_of("[program:x]\ncommand=echo a#b\n"), "[echo][a#b]");
	CHECK_STR("comments: after a section header",
	    command_of("[program:x] ; the x\ncommand=echo\n"), "[echo]");
	CHECK_STR("comments: on a continuation line",
	    command_of("[program:x]\ncommand=sh -c\n  'echo a' ; note\n"),
	    "[sh][-c][echo a]");
	CHECK_STR("comments: a comment line inside a continued value",
	    command_of("[program:x]\ncommand=echo\n  a\n; note\n  b\n"),
	    "[echo][a][b]");
}

/*
 * A value continued over 400 lines, in a file of 300 sections before and
 * after it: the value grows in place at the end of the reader's text,
 * and stays whole; a key set again keeps the last value.
 */
static void
check_long_continuation(void)
{
	struct config_msgs msgs;
	struct config *cf;
	char *text, *at, *want, *w;
	const char *got = NULL;
	size_t size = 400 * 40 + 300 * 80 + 256;
	int i;

	if ((text = malloc(size)) == NULL || (want = malloc(size)) == NULL)
		abort();
	at = text;
	w = want;
	for (i = 0; i < 150; i++)
		at += sprintf(at, "[program:a%d]\ncommand=x\ncommand=y %d\n", i,
		    i);
	at += sprintf(at, "[program:long]\ncommand=sh -c 'echo\n");
	w += sprintf(w, "[sh][-c][echo");
	for (i = 0; i < 400; i++) {
		at += sprintf(at, "  word%d\n", i);
		w += sprintf(w, "\nword%d", i);
	}
	at += sprintf(at, "  '\n");
	w += sprintf(w, "\n]");
	for (i = 0; i < 150; i++)
		at += sprintf(at, "[program:b%d]\ncommand=z %d\n", i, i);
	cf = config_load_text(FILE_NAME, text, (size_t)(at - text), &msgs);
	CHECK("continuation: 400 lines among 300 sections load",
	    cf != NULL && cf->cf_nprograms == 301);
	for (i = 0; cf != NULL && i < (int)cf->cf_nprograms; i++)
		if (strcmp(cf->cf_programs[i]->pg_name, "long") == 0)
			got = argv_str(cf->cf_programs[i]->pg_procs[0].pcf_argv);
	CHECK_STR("continuation: the long value whole", got, want);
	CHECK_STR("continuation: a key set again keeps the last value",
	    cf != NULL ? argv_str(cf->cf_programs[7]->pg_procs[0].pcf_argv) :
	    NULL, "[y][7]");
	config_free(cf);
	config_msgs_free(&msgs);
	free(text);
	free(want);
}

static void
test_continuations(void)
{
	struct config_msgs msgs;
	struct config *cf;

	CHECK_STR("continuation: multi-line command split into argv",
	    command_of("[program:x]\ncommand=sh -c\n  'echo one\n"
	    "   echo two'\n"), "[sh][-c][echo one\necho two]");
	CHECK_STR("continuation: blank line inside a value is kept",
	    command_of("[program:x]\ncommand=sh -c\n  'echo one\n\n"
	    "  echo two'\n"), "[sh][-c][echo one\n\necho two]");
	CHECK_STR("continuation: blank lines after a value are dropped",
	    command_of("[program:x]\ncommand=sh -c\n  'echo one'\n\n\n"),
	    "[sh][-c][echo one]");
	CHECK_STR("continuation: value starting on the next line",
	    command_of("[program:x]\ncommand=\n  echo\n  hi\n"),
	    "[echo][hi]");

	cf = load("[program:x]\ncommand=a\nenvironment=A=1,\n  B=\"2 3\",\n"
	    "  C=4\n", &msgs);
	CHECK_STR("continuation: environment over several lines",
	    cf ? argv_str(cf->cf_programs[0]->pg_procs[0].pcf_env) :
	    join_msgs(&msgs), "[A=1][B=2 3][C=4]");
	config_free(cf);
	config_msgs_free(&msgs);
	check_long_continuation();
}

static void
test_keys(void)
{
	struct config_msgs msgs;
	struct config *cf;

	cf = load("[program:x]\nCommand=echo hi\nStartSecs = 2\n"
	    "AUTOSTART = false\n", &msgs);
	CHECK("keys: case-insensitive", cf != NULL && msgs.cm_count == 0);
	CHECK_STR("keys: Command=", cf ?
	    argv_str(cf->cf_programs[0]->pg_procs[0].pcf_argv) : NULL,
	    "[echo][hi]");
	CHECK("keys: StartSecs and AUTOSTART", cf != NULL &&
	    cf->cf_programs[0]->pg_startsecs == 2 &&
	    !cf->cf_programs[0]->pg_autostart);
	config_free(cf);
	config_msgs_free(&msgs);

	CHECK_STR("keys: ':' separates like '='",
	    command_of("[program:x]\ncommand: echo a=b\n"), "[echo][a=b]");
	CHECK_STR("keys: blanks around '='",
	    command_of("[program:x]\n  command \t=\t echo  \n"), "[echo]");
}

static void
test_files(void)
{
	char path[] = "/tmp/supervisor-unit-XXXXXX", file[64], want[128];
	static const char text[] = "[program:f]\ncommand=echo %(here)s\n";
	struct config_msgs msgs;
	struct config *cf;
	FILE *fp;

	cf = config_load("/nonexistent-supervisor-unit/t.ini", &msgs);
	CHECK_STR("file: does not exist", join_msgs(&msgs),
	    "/nonexistent-supervisor-unit/t.ini: cannot read: No such file or "
	    "directory");
	CHECK("file: does not exist is an error", cf == NULL &&
	    msgs.cm_errors == 1);
	config_free(cf);
	config_msgs_free(&msgs);

	cf = config_load("/", &msgs);
	CHECK_STR("file: a directory", join_msgs(&msgs),
	    "/: cannot read: Is a directory");
	config_free(cf);
	config_msgs_free(&msgs);

	if (mkdtemp(path) == NULL) {
		CHECK("file: mkdtemp", false);
		return;
	}
	snprintf(file, sizeof(file), "%s/sup.ini", path);
	if ((fp = fopen(file, "w")) != NULL) {
		fputs(text, fp);
		fclose(fp);
	}
	cf = config_load(file, &msgs);
	CHECK("file: a real file loads", cf != NULL && msgs.cm_count == 0);
	snprintf(want, sizeof(want), "[echo][%s]", path);
	CHECK_STR("file: %(here)s is the file's directory", cf ?
	    argv_str(cf->cf_programs[0]->pg_procs[0].pcf_argv) : NULL, want);
	CHECK_STR("file: cf_file is the path", cf ? cf->cf_file : NULL, file);
	config_free(cf);
	config_msgs_free(&msgs);
	unlink(file);
	rmdir(path);
}

/* Writes text to dir/name. */
static void
write_file(const char *dir, const char *name, const char *text)
{
	char file[256];
	FILE *fp;

	snprintf(file, sizeof(file), "%s/%s", dir, name);
	if ((fp = fopen(file, "w")) != NULL) {
		fputs(text, fp);
		fclose(fp);
	}
}

static void
remove_file(const char *dir, const char *name)
{
	char file[256];

	snprintf(file, sizeof(file), "%s/%s", dir, name);
	unlink(file);
}

static void
test_includes(void)
{
	char dir[] = "/tmp/supervisor-unit-XXXXXX", main_file[128],
	    sub[160], want[1024];
	struct config_msgs msgs;
	struct config *cf;

	if (mkdtemp(dir) == NULL) {
		CHECK("include: mkdtemp", false);
		return;
	}
	snprintf(sub, sizeof(sub), "%s/conf.d", dir);
	mkdir(sub, 0700);
	snprintf(main_file, sizeof(main_file), "%s/main.ini", dir);
	write_file(dir, "main.ini", "[include]\nfiles = conf.d/*.ini\n\n"
	    "[program:a]\ncommand = a\n");
	write_file(dir, "conf.d/c.ini", "[program:c]\ncommand = c "
	    "%(here)s\n");
	write_file(dir, "conf.d/b.ini", "[program:b]\ncommand = b\n");
	write_file(dir, "conf.d/notes.txt", "not ini\n");
	cf = config_load(main_file, &msgs);
	CHECK("include: loads", cf != NULL && msgs.cm_count == 0);
	CHECK("include: three programs", cf != NULL && cf->cf_nprograms == 3);
	CHECK_STR("include: main file's first, then sorted", cf == NULL ? NULL :
	    cf->cf_nprograms != 3 ? "?" : cf->cf_programs[1]->pg_name, "b");
	snprintf(want, sizeof(want), "[c][%s]", sub);
	CHECK_STR("include: %(here)s is the included file's directory",
	    cf != NULL && cf->cf_nprograms == 3 ?
	    argv_str(cf->cf_programs[2]->pg_procs[0].pcf_argv) : NULL, want);
	CHECK("include: three files read", cf != NULL && cf->cf_nfiles == 3);
	snprintf(want, sizeof(want), "%s/conf.d/b.ini", dir);
	CHECK_STR("include: files named from the main file's directory",
	    cf != NULL && cf->cf_nfiles == 3 ? cf->cf_files[1] : NULL, want);
	CHECK_STR("include: pg_file is the included file",
	    cf != NULL && cf->cf_nprograms == 3 ?
	    cf->cf_programs[1]->pg_file : NULL, want);
	snprintf(want, sizeof(want), "%s/conf.d/*.ini", dir);
	CHECK_STR("include: the pattern is kept for the watcher",
	    cf != NULL ? cf->cf_include_patterns[0] : NULL, want);
	config_free(cf);
	config_msgs_free(&msgs);

	/* Errors in an included file name it; files come in reading order. */
	write_file(dir, "conf.d/b.ini", "[program:b]\ncommand = b\n"
	    "startsecs = x\n");
	write_file(dir, "conf.d/c.ini", "[program:a]\ncommand = again\n");
	cf = config_load(main_file, &msgs);
	snprintf(want, sizeof(want),
	    "%s/conf.d/b.ini:3: startsecs: \"x\" is not a duration (like 10, "
	    "0.5, 250ms, 2m)\n"
	    "%s/conf.d/c.ini:1: warning: [program:a] is also in %s at line 4; "
	    "its keys are merged, this file's values win",
	    dir, dir, main_file);
	CHECK_STR("include: errors name the included FILE:LINE",
	    join_msgs(&msgs), want);
	CHECK("include: errors reject the config", cf == NULL);
	config_free(cf);
	config_msgs_free(&msgs);

	/* A pattern without wildcards must exist; with, it may match none. */
	write_file(dir, "main.ini", "[include]\nfiles = none.d/*.ini "
	    "missing.ini\n[program:a]\ncommand = a\n");
	cf = config_load(main_file, &msgs);
	snprintf(want, sizeof(want), "%s:2: warning: files: %s/missing.ini: "
	    "no such file; skipped", main_file, dir);
	CHECK_STR("include: a missing file is a warning", join_msgs(&msgs),
	    want);
	CHECK("include: a missing file is skipped", cf != NULL &&
	    cf->cf_nprograms == 1);
	config_free(cf);
	config_msgs_free(&msgs);

	write_file(dir, "main.ini", "[include]\nfile = x\n");
	cf = config_load(main_file, &msgs);
	snprintf(want, sizeof(want), "%s:1: [include] has no files key\n"
	    "%s:2: warning: unknown key \"file\" in [include]; ignored; did "
	    "you mean files?", main_file, main_file);
	CHECK_STR("include: files is required, nothing else allowed",
	    join_msgs(&msgs), want);
	config_free(cf);
	config_msgs_free(&msgs);

	/* The Debian layout: [supervisord] again in conf.d, merged. */
	write_file(dir, "main.ini", "[supervisord]\nlogfile = /var/log/a.log\n"
	    "pidfile = /run/a.pid\n[include]\nfiles = conf.d/*.ini\n");
	write_file(dir, "conf.d/b.ini", "[supervisord]\nnodaemon = false\n"
	    "logfile = /dev/stdout\n[program:b]\ncommand = b\n");
	write_file(dir, "conf.d/c.ini", "[include]\nfiles = x\n");
	cf = config_load(main_file, &msgs);
	snprintf(want, sizeof(want), "%s/conf.d/c.ini:1: warning: [include] "
	    "in an included file is not read; only the main file's is", dir);
	CHECK_STR("include: a section in two files merges, silently",
	    join_msgs(&msgs), want);
	CHECK("include: the later file's values win, the others stay",
	    cf != NULL && !cf->cf_nodaemon &&
	    cf->cf_log.lc_dest == LOG_TO_STDOUT &&
	    strcmp(cf->cf_pidfile, "/run/a.pid") == 0);
	config_free(cf);
	config_msgs_free(&msgs);

	write_file(dir, "conf.d/c.ini", "[supervisord]\nnodaemon = maybe\n");
	cf = config_load(main_file, &msgs);
	snprintf(want, sizeof(want), "%s/conf.d/c.ini:2: nodaemon: \"maybe\" "
	    "is not true or false", dir);
	CHECK_STR("include: a merged key's error names its own file",
	    join_msgs(&msgs), want);
	config_free(cf);
	config_msgs_free(&msgs);

	write_file(dir, "main.ini", "[include]\nfiles =\n");
	cf = config_load(main_file, &msgs);
	snprintf(want, sizeof(want), "%s:2: warning: files: empty; no file "
	    "included", main_file);
	CHECK_STR("include: an empty files is a warning", join_msgs(&msgs),
	    want);
	CHECK("include: ... and loads", cf != NULL);
	config_free(cf);
	config_msgs_free(&msgs);

	remove_file(dir, "main.ini");
	remove_file(dir, "conf.d/b.ini");
	remove_file(dir, "conf.d/c.ini");
	remove_file(dir, "conf.d/notes.txt");
	rmdir(sub);
	rmdir(dir);
}

/* process i of program j of a and of b run the same way. */
static bool
same(const struct config *a, const struct config *b, size_t j, int i)
{
	return config_process_same(a->cf_programs[j],
	    &a->cf_programs[j]->pg_procs[i], b->cf_programs[j],
	    &b->cf_programs[j]->pg_procs[i]);
}

/* text marked against a: whether it says it has a's groups. */
static void
mark_groups(const struct config *a, const char *text, bool same,
    const char *name)
{
	struct config_msgs m;
	struct config *c = load(text, &m);

	if (c != NULL)
		config_mark_same(c, a);
	CHECK(name, c != NULL && (c->cf_groups_as == a->cf_serial) == same);
	config_free(c);
	config_msgs_free(&m);
}

/* config_mark_same: what a reload's loading thread marks. */
static void
test_mark_same(void)
{
	struct config_msgs ma, mb;
	struct config *a, *b;
	const struct program_config *x, *y, *z;
	const struct proc_config *old_y;

	a = load("[program:x]\ncommand = sleep 1\n"
	    "[program:y]\ncommand = sleep 2\nnumprocs = 2\n"
	    "process_name = y%(process_num)d\n", &ma);
	b = load("[program:z]\ncommand = sleep 3\n"
	    "[program:y]\ncommand = sleep 2\nnumprocs = 3\n"
	    "process_name = y%(process_num)d\n"
	    "[program:x]\ncommand = sleep 10\n", &mb);
	CHECK("mark same: both load", a != NULL && b != NULL);
	if (a == NULL || b == NULL) {
		config_free(a);
		config_free(b);
		config_msgs_free(&ma);
		config_msgs_free(&mb);
		return;
	}
	config_mark_same(b, a);
	z = b->cf_programs[0];
	y = b->cf_programs[1];
	x = b->cf_programs[2];
	CHECK("mark same: a new program points at nothing",
	    z->pg_procs[0].pcf_was == NULL);
	CHECK("mark same: a changed one points at nothing",
	    x->pg_procs[0].pcf_was == NULL);
	old_y = a->cf_programs[1]->pg_procs;
	CHECK("mark same: the same ones at theirs, found by name whatever "
	    "the order", y->pg_procs[0].pcf_was == &old_y[0] &&
	    y->pg_procs[1].pcf_was == &old_y[1]);
	CHECK("mark same: one numprocs added points at nothing",
	    y->pg_procs[2].pcf_was == NULL);
	CHECK("mark same: another set of programs: groups unknown",
	    b->cf_groups_as == 0 && a->cf_serial != 0 &&
	    b->cf_serial != a->cf_serial);
	mark_groups(a, "[program:x]\ncommand = sleep 5\n"
	    "[program:y]\ncommand = sleep 2\nnumprocs = 2\n"
	    "process_name = y%(process_num)d\n", true,
	    "mark same: a setting changed, the same groups");
	mark_groups(a, "[program:y]\ncommand = sleep 2\nnumprocs = 2\n"
	    "process_name = y%(process_num)d\n[program:x]\ncommand = s\n",
	    true, "mark same: the same groups in another order");
	mark_groups(a, "[program:x]\ncommand = sleep 1\n"
	    "[program:y]\ncommand = sleep 2\nnumprocs = 2\n"
	    "process_name = y%(process_num)d\n[group:g]\nprograms = x,y\n",
	    false, "mark same: the same programs in a group: not the same");
	mark_groups(a, "[program:x]\ncommand = sleep 1\n", false,
	    "mark same: a program fewer: not the same groups");
	config_mark_same(a, NULL);
	CHECK("mark same: nothing to compare with marks nothing",
	    a->cf_programs[0]->pg_procs[0].pcf_was == NULL);
	config_free(a);
	config_free(b);
	config_msgs_free(&ma);
	config_msgs_free(&mb);
}

static void
test_diff(void)
{
	static const char base[] = "[program:w]\ncommand = sleep 1\n"
	    "numprocs = 2\nprocess_name = w%(process_num)d\nstartsecs = 1\n"
	    "stopsignal = INT\n";
	struct config_msgs ma, mb;
	struct config *a, *b;
	const char *keys[8];

	a = load(base, &ma);
	b = load("[program:w]\n; reordered, comments, blanks\n"
	    "stopsignal = INT\nstartsecs = 1\n\ncommand = sleep 1\n"
	    "process_name = w%(process_num)d\nnumprocs = 3\n", &mb);
	CHECK("diff: both load", a != NULL && b != NULL);
	CHECK("diff: order, comments and numprocs leave a process the same",
	    a != NULL && b != NULL && same(a, b, 0, 0) && same(a, b, 0, 1));
	config_free(b);
	config_msgs_free(&mb);

	b = load("[program:w]\ncommand = sleep 1\nnumprocs = 2\n"
	    "process_name = w%(process_num)d\nstartsecs = 2\n"
	    "stopsignal = INT\n", &mb);
	CHECK("diff: a changed key changes every process",
	    a != NULL && b != NULL && !same(a, b, 0, 0) && !same(a, b, 0, 1));
	config_free(b);
	config_msgs_free(&mb);

	b = load("[program:w]\ncommand = sleep %(process_num)d\nnumprocs = 2\n"
	    "process_name = w%(process_num)d\nstartsecs = 1\n"
	    "stopsignal = INT\n", &mb);
	CHECK("diff: the expanded command decides, per process",
	    a != NULL && b != NULL && !same(a, b, 0, 0) && same(a, b, 0, 1));
	config_free(b);
	config_msgs_free(&mb);

	b = load("[program:w]\ncommand = sleep 1\nnumprocs = 2\n"
	    "process_name = w%(process_num)d\nstartsecs = 1\n"
	    "stopsignal = INT\nenvironment = A=1\n", &mb);
	CHECK("diff: an environment added changes it",
	    a != NULL && b != NULL && !same(a, b, 0, 0));
	config_free(b);
	config_msgs_free(&mb);

	b = load("[program:w]\ncommand = sleep 1\nnumprocs = 2\n"
	    "process_name = w%(process_num)d\nstartsecs = 1\n"
	    "stopsignal = INT\n"
	    "stdout_logfile = /var/log/w%(process_num)d.log\n", &mb);
	CHECK("diff: a stdout_logfile set changes it",
	    a != NULL && b != NULL && !same(a, b, 0, 0) && !same(a, b, 0, 1));
	config_free(b);
	config_msgs_free(&mb);

	b = load("[program:w]\ncommand = sleep 1\nnumprocs = 2\n"
	    "process_name = w%(process_num)d\nstartsecs = 1\n"
	    "stopsignal = INT\nstdout_logfile_maxbytes = 1MB\n", &mb);
	CHECK("diff: a stdout_logfile_maxbytes set changes it",
	    a != NULL && b != NULL && !same(a, b, 0, 0));
	config_free(b);
	config_msgs_free(&mb);

	b = load("[supervisor]\nchildlogdir = /var/log/x\n"
	    "[program:w]\ncommand = sleep 1\nnumprocs = 2\n"
	    "process_name = w%(process_num)d\nstartsecs = 1\n"
	    "stopsignal = INT\n", &mb);
	CHECK("diff: a childlogdir moves AUTO logs and changes it",
	    a != NULL && b != NULL && !same(a, b, 0, 0));
	config_free(b);
	config_msgs_free(&mb);

	b = load("[supervisor]\nlogfile = /var/log/sup.log\n"
	    "[program:w]\ncommand = sleep 1\n", &mb);
	CHECK("diff: [supervisor] logfile is listed",
	    a != NULL && b != NULL && config_daemon_changes(a, b, keys, 8) == 1
	    && strcmp(keys[0], "[supervisor] logfile") == 0);
	config_free(b);
	config_msgs_free(&mb);

	b = load("[supervisor]\nlogfile_backups = 3\n"
	    "[program:w]\ncommand = sleep 1\n", &mb);
	CHECK("diff: [supervisor] logfile_backups is listed as the logfile",
	    a != NULL && b != NULL && config_daemon_changes(a, b, keys, 8) == 1
	    && strcmp(keys[0], "[supervisor] logfile") == 0);
	config_free(b);
	config_msgs_free(&mb);

	b = load("[supervisor]\nloglevel = debug\ncontrol_timeout = 3\n"
	    "socket = /x.sock\n[unix_http_server]\nchmod = 0660\n"
	    "[program:w]\ncommand = sleep 1\n", &mb);
	CHECK("diff: settings a restart applies are listed, live ones not",
	    a != NULL && b != NULL && config_daemon_changes(a, b, keys, 8) == 2
	    && strcmp(keys[0], "the control socket's path") == 0 &&
	    strcmp(keys[1], "[unix_http_server] chmod") == 0);
	CHECK("diff: a config has no changes against itself",
	    a != NULL && config_daemon_changes(a, a, keys, 8) == 0);
	config_free(b);
	config_msgs_free(&mb);
	config_free(a);
	config_msgs_free(&ma);

	/* Written differently, expanded the same: the same log. */
	a = load("[program:w]\ncommand = sleep 1\n"
	    "stdout_logfile = /var/log/%(program_name)s.log\n", &ma);
	b = load("[program:w]\ncommand = sleep 1\n"
	    "stdout_logfile = /var/log/w.log\n", &mb);
	CHECK("diff: the expanded stdout_logfile decides",
	    a != NULL && b != NULL && same(a, b, 0, 0));
	config_free(b);
	config_msgs_free(&mb);
	b = load("[program:w]\ncommand = sleep 1\n"
	    "stdout_logfile = /var/log/w2.log\n", &mb);
	CHECK("diff: a changed stdout_logfile changes it",
	    a != NULL && b != NULL && !same(a, b, 0, 0));
	config_free(b);
	config_msgs_free(&mb);
	config_free(a);
	config_msgs_free(&ma);
}

/* pidfile and nodaemon ([supervisor]). */
static void
test_daemon_keys(void)
{
	struct config_msgs msgs;
	struct config *cf;

	cf = load("[supervisor]\npidfile=/run/s.pid\n", &msgs);
	CHECK_STR("pidfile: kept", cf ? cf->cf_pidfile : NULL, "/run/s.pid");
	CHECK("pidfile: no nodaemon, no detaching", cf != NULL &&
	    cf->cf_nodaemon);
	config_free(cf);
	config_msgs_free(&msgs);
	cf = load("[supervisor]\nnodaemon=false\n", &msgs);
	CHECK("nodaemon=false: detach", cf != NULL && !cf->cf_nodaemon);
	config_free(cf);
	config_msgs_free(&msgs);
	cf = load("[supervisor]\nnodaemon=true\n", &msgs);
	CHECK("nodaemon=true: stay", cf != NULL && cf->cf_nodaemon);
	config_free(cf);
	config_msgs_free(&msgs);
	cf = load("[supervisor]\nnodaemon=perhaps\n", &msgs);
	CHECK("nodaemon=perhaps: an error", cf == NULL);
	CHECK_STR("nodaemon=perhaps: says so", join_msgs(&msgs),
	    "t.ini:2: nodaemon: \"perhaps\" is not true or false");
	config_msgs_free(&msgs);
	cf = load("[supervisor]\npidfile=run/s.pid\n", &msgs);
	CHECK("pidfile relative: made absolute", cf != NULL &&
	    cf->cf_pidfile != NULL && cf->cf_pidfile[0] == '/' &&
	    strstr(cf->cf_pidfile, "/run/s.pid") != NULL);
	config_free(cf);
	config_msgs_free(&msgs);
}


/* The env of the only program's first process as "[A=1][B=2]". */
static const char *
env_of_first(const struct config *cf)
{
	return cf == NULL || cf->cf_nprograms == 0 ? "(not loaded)" :
	    argv_str(cf->cf_programs[0]->pg_procs[0].pcf_env);
}

/* Unknown keys and sections: warnings, with the likely key meant. */
static void
test_unknown(void)
{
	check_warned("unknown: a key near a known one",
	    "[supervisord]\nunmask = 022\n",
	    "t.ini:2: warning: unknown key \"unmask\" in [supervisord]; "
	    "ignored; did you mean umask?");
	check_warned("unknown: a program key in [supervisord]",
	    "[supervisord]\nstdout_logfile = /dev/stdout\n",
	    "t.ini:2: warning: unknown key \"stdout_logfile\" in "
	    "[supervisord]; ignored (it is a key of [program:x])");
	check_warned("unknown: a [supervisord] key in a program",
	    "[program:x]\ncommand = a\nloglevel = debug\n",
	    "t.ini:3: warning: unknown key \"loglevel\" in [program:x]; "
	    "ignored (it is a key of [supervisord])");
	check_warned("unknown: a key near nothing",
	    "[program:site]\ncommand = a\ngroup = www\n",
	    "t.ini:3: warning: unknown key \"group\" in [program:site]; "
	    "ignored");
	check_warned("unknown: a swap of two letters is one edit",
	    "[program:x]\ncommand = a\nautostrat = false\n",
	    "t.ini:3: warning: unknown key \"autostrat\" in [program:x]; "
	    "ignored; did you mean autostart?");
	check_warned("unknown: a section",
	    "[foo]\nx=1\n[program:x]\ncommand=a\n",
	    "t.ini:1: warning: unknown section [foo]; ignored");
	check_warned("unknown: a section near a known one",
	    "[programs:x]\ncommand=a\n",
	    "t.ini:1: warning: unknown section [programs:x]; ignored; did you "
	    "mean [program:x]?");
	check_rejected("unknown: a warning does not hide an error",
	    "[program:x]\ncommand=a\nfoo=1\npriority=high\n",
	    "t.ini:3: warning: unknown key \"foo\" in [program:x]; ignored\n"
	    "t.ini:4: priority: \"high\" is not a whole number from "
	    "-2147483648 to 2147483647");
}

/* Every problem of a program is said, not only the first. */
static void
test_every_problem(void)
{
	check_rejected("every problem: a bad value hides nothing after it",
	    "[program:x]\ncommand='unterminated\npriority=x\n"
	    "directory=%(nope)s\nstdout_logfile=/x/%(nope2)s\n"
	    "environment=A\nprocess_name=%(bad)s\n",
	    "t.ini:2: command: unterminated ' quote\n"
	    "t.ini:3: priority: \"x\" is not a whole number from -2147483648 "
	    "to 2147483647\n"
	    "t.ini:4: directory: unknown name %(nope)\n"
	    "t.ini:5: stdout_logfile: unknown name %(nope2)\n"
	    "t.ini:6: environment: \"A\" has no '=value'\n"
	    "t.ini:7: process_name: unknown name %(bad)");
	check_rejected("every problem: each program's",
	    "[program:a]\ncommand=a\nstartsecs=x\n"
	    "[program:b]\ncommand=b\nstdout_logfile=/l\n"
	    "[program:c]\ncommand=c\nstdout_logfile=/l\n"
	    "stdout_logfile_maxbytes=1KB\n",
	    "t.ini:3: startsecs: \"x\" is not a duration (like 10, 0.5, 250ms, "
	    "2m)\n"
	    "t.ini:7: [program:c] stdout_logfile: /l is also the stdout log "
	    "of process b, which rotates it at 52428800 bytes and keeps 10 "
	    "backups: give every log of one file the same _logfile_maxbytes "
	    "and _logfile_backups");
	check_rejected("every problem: numprocs said once, not per process",
	    "[program:x]\ncommand=%(nope)s\nnumprocs=3\n"
	    "process_name=x%(process_num)d\n",
	    "t.ini:2: command: unknown name %(nope)");
}

/* supervisord's smaller syntax. */
static void
test_syntax(void)
{
	struct config_msgs msgs;
	struct config *cf;
	int i, expected = 0;

	cf = load("[program:x]\ncommand=a\nenvironment = A = 1, B= \"2\" ,C =3\n",
	    &msgs);
	CHECK_STR("syntax: blanks around = in environment", env_of_first(cf),
	    "[A=1][B=2][C=3]");
	config_free(cf);
	config_msgs_free(&msgs);

	cf = load("[program:x]\ncommand=a\nstdout_logfile_maxbytes = 5 MB\n"
	    "stderr_logfile_maxbytes = 1\tkb\n", &msgs);
	CHECK("syntax: a blank before the unit", cf != NULL &&
	    cf->cf_programs[0]->pg_log_maxbytes[OUT_STDOUT] == 5LL << 20 &&
	    cf->cf_programs[0]->pg_log_maxbytes[OUT_STDERR] == 1024);
	config_free(cf);
	config_msgs_free(&msgs);

	cf = load("[program:x]\ncommand=a\nexitcodes=\n", &msgs);
	for (i = 0; cf != NULL && i < 256; i++)
		expected += exit_set_has(&cf->cf_programs[0]->pg_exitcodes, i);
	CHECK("syntax: an empty exitcodes expects no status", cf != NULL &&
	    msgs.cm_count == 0 && expected == 0);
	config_free(cf);
	config_msgs_free(&msgs);

	cf = load("[program:x]\ncommand=a\nstdout_logfile=syslog\n"
	    "stderr_logfile=OFF\n", &msgs);
	CHECK_STR("syntax: stdout_logfile = syslog", join_msgs(&msgs),
	    "t.ini:3: warning: stdout_logfile: syslog: written to the "
	    "supervisor's stdout (the journal under systemd); supervisord's "
	    "syslog logging is not supported");
	CHECK("syntax: syslog is the supervisor's stdout, off is none",
	    cf != NULL && cf->cf_programs[0]->pg_procs[0].pcf_log[0].lc_dest ==
	    LOG_TO_STDOUT && cf->cf_programs[0]->pg_procs[0].pcf_log[1].lc_dest
	    == LOG_TO_NONE);
	config_free(cf);
	config_msgs_free(&msgs);

	/* Relative paths: from the directory the supervisor started in. */
	config_set_base("/srv/base");
	cf = load("[supervisord]\nlogfile=sup.log\npidfile=run/s.pid\n"
	    "childlogdir=logs\ndirectory=.\n"
	    "[program:x]\ncommand=a\ndirectory=app\n"
	    "stdout_logfile=logs/x.log\nstderr_logfile=../e.log\n", &msgs);
	CHECK("syntax: relative paths load", cf != NULL && msgs.cm_count == 0);
	if (cf != NULL) {
		const struct proc_config *pc = &cf->cf_programs[0]->pg_procs[0];

		CHECK_STR("relative: logfile", cf->cf_log.lc_path,
		    "/srv/base/sup.log");
		CHECK_STR("relative: pidfile", cf->cf_pidfile,
		    "/srv/base/run/s.pid");
		CHECK_STR("relative: childlogdir", cf->cf_childlogdir,
		    "/srv/base/logs");
		CHECK_STR("relative: [supervisord] directory", cf->cf_directory,
		    "/srv/base");
		CHECK_STR("relative: directory", pc->pcf_directory,
		    "/srv/base/app");
		CHECK_STR("relative: stdout_logfile", pc->pcf_log[0].lc_path,
		    "/srv/base/logs/x.log");
		CHECK_STR("relative: stderr_logfile", pc->pcf_log[1].lc_path,
		    "/srv/base/../e.log");
	}
	config_free(cf);
	config_msgs_free(&msgs);
	config_set_base(NULL);
}

/*
 * [supervisord] environment= is copied into every process: the copies
 * count against the config's 32 MiB, as expanded values do.
 */
static void
check_env_copies(void)
{
	char *text, *p;
	size_t i;

	if ((text = malloc(64 * 1024)) == NULL)
		return;
	p = text + sprintf(text, "[supervisord]\nenvironment=BIG=");
	for (i = 0; i < 60000; i++)
		*p++ = 'x';
	strcpy(p, "\n[program:w]\ncommand=a\nnumprocs=1000\n");
	check_rejected("env: copies of [supervisord] environment count",
	    text, "t.ini:3: environment: the config's values expand to more "
	    "than 32 MiB in all (each per-process value times numprocs); "
	    "lower numprocs or shorten the values");
	free(text);
}

/* %(ENV_X)s sees [supervisord] environment=, and a program's own. */
static void
test_environment(void)
{
	struct config_msgs msgs;
	struct config *cf;

	unsetenv("SUPERVISOR_UNIT_FOO");
	cf = load("[supervisord]\nenvironment=SUPERVISOR_UNIT_FOO=\"from "
	    "supervisord\",B=2\n"
	    "[program:x]\ncommand=echo %(ENV_SUPERVISOR_UNIT_FOO)s\n", &msgs);
	CHECK_STR("env: [supervisord] environment in a program's command",
	    cf != NULL ? argv_str(cf->cf_programs[0]->pg_procs[0].pcf_argv) :
	    NULL, "[echo][from supervisord]");
	CHECK_STR("env: and in its environment",
	    env_of_first(cf), "[SUPERVISOR_UNIT_FOO=from supervisord][B=2]");
	config_free(cf);
	config_msgs_free(&msgs);

	/* supervisord's fixture issue-1170b: the program's own wins. */
	cf = load("[supervisord]\nenvironment=SUPERVISOR_UNIT_FOO=\"from "
	    "supervisord\"\n"
	    "[program:x]\ncommand=echo %(ENV_SUPERVISOR_UNIT_FOO)s "
	    "%(ENV_B)s\ndirectory=/%(ENV_B)s\n"
	    "environment=SUPERVISOR_UNIT_FOO=\"from program\",B=b\n", &msgs);
	CHECK_STR("env: a program's environment in its command",
	    cf != NULL ? argv_str(cf->cf_programs[0]->pg_procs[0].pcf_argv) :
	    NULL, "[echo][from program][b]");
	CHECK_STR("env: and in its directory", cf != NULL ?
	    cf->cf_programs[0]->pg_procs[0].pcf_directory : NULL, "/b");
	CHECK_STR("env: both lists, the program's last (it wins)",
	    env_of_first(cf), "[SUPERVISOR_UNIT_FOO=from supervisord]"
	    "[SUPERVISOR_UNIT_FOO=from program][B=b]");
	config_free(cf);
	config_msgs_free(&msgs);

	check_rejected("env: [supervisord]'s own keys see the real one only",
	    "[supervisord]\nenvironment=SUPERVISOR_UNIT_FOO=x\n"
	    "logfile=/%(ENV_SUPERVISOR_UNIT_FOO)s\n",
	    "t.ini:3: logfile: %(ENV_SUPERVISOR_UNIT_FOO): environment "
	    "variable SUPERVISOR_UNIT_FOO is not set");
	check_rejected("env: a program's keys other than the per-process "
	    "ones do not see its environment",
	    "[program:x]\ncommand=a\npriority=%(ENV_SUPERVISOR_UNIT_FOO)s\n"
	    "environment=SUPERVISOR_UNIT_FOO=1\n",
	    "t.ini:3: priority: %(ENV_SUPERVISOR_UNIT_FOO): environment "
	    "variable SUPERVISOR_UNIT_FOO is not set");
	cf = load("[supervisord]\nenvironment=SUPERVISOR_UNIT_FOO=7\n"
	    "[program:x]\ncommand=a\npriority=%(ENV_SUPERVISOR_UNIT_FOO)s\n",
	    &msgs);
	CHECK("env: ... but [supervisord]'s", cf != NULL &&
	    cf->cf_programs[0]->pg_priority == 7);
	config_free(cf);
	config_msgs_free(&msgs);
	check_rejected("env: a bad [supervisord] environment",
	    "[supervisord]\nenvironment=A\n",
	    "t.ini:2: environment: \"A\" has no '=value'");
	check_env_copies();
}

/* The [supervisord] keys supervisord has. */
static void
test_supervisord_keys(void)
{
	struct config_msgs msgs;
	struct config *cf;

	cf = load("[supervisord]\nuser=root\numask=002\nidentifier=web1\n"
	    "nocleanup=true\nsilent=true\nchildlogdir=/l\n"
	    "[program:x]\ncommand=a\n", &msgs);
	CHECK("supervisord keys: load", cf != NULL && msgs.cm_count == 0);
	CHECK("supervisord keys: user, umask, nocleanup, silent", cf != NULL &&
	    cf->cf_uid == 0 && cf->cf_gid == 0 && cf->cf_umask == 002 &&
	    cf->cf_nocleanup && cf->cf_silent &&
	    strcmp(cf->cf_user, "root") == 0);
	CHECK_STR("supervisord keys: identifier in AUTO log names",
	    cf != NULL ? cf->cf_programs[0]->pg_procs[0].pcf_log[0].lc_path :
	    NULL, "/l/x-stdout---web1");
	config_free(cf);
	config_msgs_free(&msgs);

	cf = load("[program:x]\ncommand=a\n", &msgs);
	CHECK("supervisord keys: defaults", cf != NULL && cf->cf_uid == -1 &&
	    cf->cf_user == NULL && cf->cf_umask == 022 &&
	    !cf->cf_nocleanup && !cf->cf_silent && cf->cf_directory == NULL &&
	    strcmp(cf->cf_identifier, "supervisor") == 0);
	config_free(cf);
	config_msgs_free(&msgs);

	check_rejected("supervisord keys: bad values",
	    "[supervisord]\nuser=nosuchuser\numask=9\nidentifier=a/b\n"
	    "nocleanup=maybe\nsilent=2\n",
	    "t.ini:2: user: no such user \"nosuchuser\"\n"
	    "t.ini:3: umask: \"9\" is not an octal mask like 022\n"
	    "t.ini:4: identifier: \"a/b\" must be 1-64 characters, without "
	    "'/' or control characters: it is part of AUTO log file names\n"
	    "t.ini:5: nocleanup: \"maybe\" is not true or false\n"
	    "t.ini:6: silent: \"2\" is not true or false");
	/* As another user, the supervisor runs programs only as it. */
	check_rejected("supervisord keys: user, then a program as root",
	    "[supervisord]\nuser=nobody\n[program:x]\ncommand=a\nuser=root\n",
	    "t.ini:5: user: \"root\": only root can run programs as another "
	    "user (this supervisor runs as uid 65534)");
	cf = load("[program:x]\ncommand=a\nuser=nobody\n"
	    "[supervisord]\nuser=nobody\n", &msgs);
	CHECK("supervisord keys: a program as the supervisor's user switches "
	    "nothing", cf != NULL && cf->cf_programs[0]->pg_uid == -1 &&
	    strcmp(cf->cf_programs[0]->pg_user, "nobody") == 0);
	config_free(cf);
	config_msgs_free(&msgs);
}

/* The command line's word over the file's (supervisord's options). */
static void
test_options(void)
{
	struct config_options co;
	struct config_msgs msgs;
	struct config *cf;

	config_options_init(&co);
	co.co_nodaemon_default = false;
	co.co_identifier = "cli";
	co.co_umask = 077;
	co.co_logfile_backups = 3;
	co.co_silent = 1;
	config_set_options(&co);
	cf = load("[supervisord]\nidentifier=file\nsilent=false\n"
	    "[program:x]\ncommand=a\n", &msgs);
	CHECK("options: nodaemon defaults to false as supervisord's",
	    cf != NULL && !cf->cf_nodaemon);
	CHECK("options: over the file's values", cf != NULL &&
	    strcmp(cf->cf_identifier, "cli") == 0 && cf->cf_umask == 077 &&
	    cf->cf_log.lc_backups == 3 && cf->cf_silent);
	config_free(cf);
	config_msgs_free(&msgs);
	cf = load("[supervisord]\nnodaemon=true\n", &msgs);
	CHECK("options: the file's nodaemon still counts", cf != NULL &&
	    cf->cf_nodaemon);
	config_free(cf);
	config_msgs_free(&msgs);
	config_options_init(&co);
	config_set_options(&co);
}

/* The program named name in cf. */
static const struct program_config *
program_named(const struct config *cf, const char *name)
{
	size_t i;

	for (i = 0; cf != NULL && i < cf->cf_nprograms; i++)
		if (strcmp(cf->cf_programs[i]->pg_name, name) == 0)
			return cf->cf_programs[i];
	return NULL;
}

/* Programs written alike share one settings string; others have theirs. */
static void
test_settings_shared(void)
{
	struct config_msgs m;
	struct config *cf;
	const struct program_config *a, *b, *c;

	cf = load("[program:a]\ncommand = sleep 1\nstartsecs = 0\n"
	    "[program:b]\ncommand = sleep 2\nstartsecs = 0\n"
	    "[program:c]\ncommand = sleep 1\nstartsecs = 1\n", &m);
	a = cf != NULL ? program_named(cf, "a") : NULL;
	b = cf != NULL ? program_named(cf, "b") : NULL;
	c = cf != NULL ? program_named(cf, "c") : NULL;
	CHECK("settings: a and b, alike but for their commands, share one",
	    a != NULL && b != NULL && a->pg_settings == b->pg_settings &&
	    cf->cf_nsettings == 2);
	CHECK("settings: c, another startsecs, has its own",
	    c != NULL && a != NULL && c->pg_settings != a->pg_settings &&
	    strcmp(c->pg_settings, a->pg_settings) != 0);
	config_free(cf);
	config_msgs_free(&m);
}

/* ---- a config read after another: unchanged sections copied --------- */

/* a and b's log configs alike, their paths compared as strings. */
static bool
log_equal(const struct log_config *a, const struct log_config *b)
{
	struct log_config x, y;

	memcpy(&x, a, sizeof(x));
	memcpy(&y, b, sizeof(y));
	x.lc_path = y.lc_path = NULL;
	return memcmp(&x, &y, sizeof(x)) == 0 &&
	    str_same(a->lc_path, b->lc_path);
}

static bool
probe_equal(const struct probe_config *a, const struct probe_config *b)
{
	struct probe_config x, y;

	memcpy(&x, a, sizeof(x));
	memcpy(&y, b, sizeof(y));
	x.pb_spec = x.pb_host = x.pb_port = x.pb_path = x.pb_command =
	    x.pb_regex = NULL;
	y.pb_spec = y.pb_host = y.pb_port = y.pb_path = y.pb_command =
	    y.pb_regex = NULL;
	return memcmp(&x, &y, sizeof(x)) == 0 &&
	    str_same(a->pb_spec, b->pb_spec) &&
	    str_same(a->pb_host, b->pb_host) &&
	    str_same(a->pb_port, b->pb_port) &&
	    str_same(a->pb_path, b->pb_path) &&
	    str_same(a->pb_command, b->pb_command) &&
	    str_same(a->pb_regex, b->pb_regex);
}

/*
 * A program and another read from the same text are one in every byte
 * but their pointers, which point at equal things.  Every member not a
 * pointer is compared whole (memcmp): one added later is compared too.
 */
static bool
program_equal(const struct program_config *a, const struct program_config *b)
{
	struct program_config x, y;
	struct proc_config p, q;
	const struct program_probes *pa = a->pg_probes, *pb = b->pg_probes;
	struct program_probes r, t;
	size_t i;
	int j;

	memcpy(&x, a, sizeof(x));
	memcpy(&y, b, sizeof(y));
	x.pg_name = y.pg_name = x.pg_user = y.pg_user = NULL;
	x.pg_home = y.pg_home = x.pg_settings = y.pg_settings = NULL;
	x.pg_group = y.pg_group = x.pg_group_members = y.pg_group_members =
	    NULL;
	x.pg_file = y.pg_file = NULL;
	x.pg_probes = y.pg_probes = NULL;
	x.pg_depends = y.pg_depends = NULL;
	x.pg_procs = y.pg_procs = NULL;
	if (memcmp(&x, &y, sizeof(x)) != 0 ||
	    strcmp(a->pg_name, b->pg_name) != 0 ||
	    !str_same(a->pg_user, b->pg_user) ||
	    !str_same(a->pg_home, b->pg_home) ||
	    strcmp(a->pg_settings, b->pg_settings) != 0 ||
	    !str_same(a->pg_group, b->pg_group) ||
	    (a->pg_group == a->pg_name) != (b->pg_group == b->pg_name) ||
	    !str_same(a->pg_group_members, b->pg_group_members) ||
	    strcmp(a->pg_file, b->pg_file) != 0 ||
	    (pa == &program_probes_default) != (pb == &program_probes_default))
		return false;
	memcpy(&r, pa, sizeof(r));
	memcpy(&t, pb, sizeof(t));
	memset(&r.pp_ready, 0, sizeof(r.pp_ready));
	memset(&r.pp_health, 0, sizeof(r.pp_health));
	memset(&t.pp_ready, 0, sizeof(t.pp_ready));
	memset(&t.pp_health, 0, sizeof(t.pp_health));
	if (memcmp(&r, &t, sizeof(r)) != 0 ||
	    !probe_equal(&pa->pp_ready, &pb->pp_ready) ||
	    !probe_equal(&pa->pp_health, &pb->pp_health))
		return false;
	for (i = 0; i < a->pg_ndepends; i++)
		if (strcmp(a->pg_depends[i].dp_name, b->pg_depends[i].dp_name)
		    != 0 || a->pg_depends[i].dp_cond != b->pg_depends[i].dp_cond)
			return false;
	for (j = 0; j < a->pg_numprocs; j++) {
		memcpy(&p, &a->pg_procs[j], sizeof(p));
		memcpy(&q, &b->pg_procs[j], sizeof(q));
		p.pcf_name = q.pcf_name = p.pcf_directory = q.pcf_directory =
		    NULL;
		p.pcf_argv = q.pcf_argv = p.pcf_env = q.pcf_env = NULL;
		p.pcf_log[0].lc_path = p.pcf_log[1].lc_path = NULL;
		q.pcf_log[0].lc_path = q.pcf_log[1].lc_path = NULL;
		p.pcf_was = q.pcf_was = NULL;
		if (memcmp(&p, &q, sizeof(p)) != 0 ||
		    !config_process_same(a, &a->pg_procs[j], b,
		    &b->pg_procs[j]) ||
		    (a->pg_procs[j].pcf_name == a->pg_name) !=
		    (b->pg_procs[j].pcf_name == b->pg_name) ||
		    !log_equal(&a->pg_procs[j].pcf_log[0],
		    &b->pg_procs[j].pcf_log[0]) ||
		    !log_equal(&a->pg_procs[j].pcf_log[1],
		    &b->pg_procs[j].pcf_log[1]))
			return false;
	}
	return true;
}

static struct config *
load_after(const char *text, struct config_msgs *msgs,
    const struct config *before)
{
	return config_load_text_after(FILE_NAME, text, strlen(text), msgs,
	    before);
}

/* Every program of a equal to b's at the same place. */
static bool
configs_equal(const struct config *a, const struct config *b)
{
	size_t i;

	if (a == NULL || b == NULL || a->cf_nprograms != b->cf_nprograms)
		return false;
	for (i = 0; i < a->cf_nprograms; i++)
		if (!program_equal(a->cf_programs[i], b->cf_programs[i]))
			return false;
	return true;
}

/* A text read after a config, and read fresh, to compare. */
struct reread {
	struct config		*rr_after, *rr_fresh;
	struct config_msgs	 rr_after_msgs, rr_fresh_msgs;
};

static void
reread(struct reread *r, const char *text, const struct config *before)
{
	r->rr_after = load_after(text, &r->rr_after_msgs, before);
	r->rr_fresh = load(text, &r->rr_fresh_msgs);
}

static void
reread_free(struct reread *r)
{
	config_free(r->rr_after);
	config_msgs_free(&r->rr_after_msgs);
	config_free(r->rr_fresh);
	config_msgs_free(&r->rr_fresh_msgs);
}

/*
 * config_load_after: what a section read as before is copied from the
 * config before, equal in every byte to a fresh read of it (with the
 * passes after the sections run on it again: groups, depths, AUTO log
 * paths, lines); what changed, what it reads, what said something or
 * looked a user up is read again.
 */
static void
test_copied(void)
{
	static const char *const rich_fmt =
	    "[supervisor]\nenvironment = A=1,B=\"two\"\nchildlogdir = /tmp\n"
	    "[group:g]\nprograms = a,b\npriority = 5\n"
	    "[program:a]\ncommand = /bin/echo %%(group_name)s %%(ENV_A)s "
	    "%%(here)s\nnumprocs = 3\nprocess_name = a_%%(process_num)d\n"
	    "environment = X=%%(process_num)d\ndirectory = /tmp\n"
	    "stdout_logfile = AUTO\nstderr_logfile = %%(here)s/a.err\n"
	    "ready = log:^up$\nready_timeout = 5\nexitcodes = 0,3\n"
	    "rlimit_nofile = 4096\nstopsignal = INT\n"
	    "[program:b]\ncommand = sleep 9\ndepends_on = a:started\n"
	    "depends_restart = true\nhealthcheck = tcp:127.0.0.1:9\n"
	    "user = %s\nstdout_logfile = NONE\nredirect_stderr = true\n"
	    "[program:c]\ncommand = sleep 1\nautorestart = true\n"
	    "stdout_events_enabled = true\n"
	    "[eventlistener:l]\ncommand = cat\nevents = PROCESS_STATE\n"
	    "buffer_size = 20\n";
	struct config_msgs m1, m2, m3;
	struct config *cf1, *cf2, *cf3;
	const struct program_config *pg;
	struct reread r;
	char text[4096], text2[4200];
	struct passwd *pw = getpwuid(geteuid());
	size_t i;
	bool all_was = true;

	snprintf(text, sizeof(text), rich_fmt, pw != NULL ? pw->pw_name :
	    "root");
	cf1 = load(text, &m1);
	CHECK_STR("copied: the rich config loads", join_msgs(&m1), "");
	cf2 = load_after(text, &m2, cf1);
	cf3 = load(text, &m3);
	CHECK("copied: every program copied, a fresh load copies none",
	    cf2 != NULL && cf3 != NULL && cf2->cf_copied == 4 &&
	    cf2->cf_nprograms == 4 && cf1->cf_copied == 0 &&
	    cf3->cf_copied == 0);
	CHECK("copied: each equal in every byte to a fresh read",
	    configs_equal(cf2, cf3));
	CHECK("copied: nothing shared with the config read before",
	    cf2 != NULL && cf1 != NULL && cf2->cf_programs[0]->pg_procs[0]
	    .pcf_argv != cf1->cf_programs[0]->pg_procs[0].pcf_argv &&
	    cf2->cf_programs[0]->pg_settings !=
	    cf1->cf_programs[0]->pg_settings);
	if (cf2 != NULL && cf1 != NULL) {
		config_mark_same(cf2, cf1);
		for (i = 0; i < cf2->cf_nprograms; i++)
			if (cf2->cf_programs[i]->pg_procs[0].pcf_was == NULL)
				all_was = false;
		CHECK("copied: each the same process as before (a reload "
		    "restarts none)", all_was && cf2->cf_groups_as ==
		    cf1->cf_serial);
	}
	config_free(cf3);
	config_msgs_free(&m3);

	config_free(cf2);
	config_msgs_free(&m2);

	/* Lines move: copied all the same, at their new lines. */
	snprintf(text2, sizeof(text2), "; a comment\n\n%s", text);
	reread(&r, text2, cf1);
	pg = r.rr_after != NULL ? program_named(r.rr_after, "b") : NULL;
	CHECK("copied: two lines more above: all copied, equal to a fresh "
	    "read, lines included", r.rr_after != NULL &&
	    r.rr_after->cf_copied == 4 && configs_equal(r.rr_after,
	    r.rr_fresh) && pg != NULL && pg->pg_depends_line > 2);
	reread_free(&r);

	/* One edited: it alone is read. */
	snprintf(text2, sizeof(text2), "%s", text);
	memcpy(strstr(text2, "sleep 1"), "sleep 2", 7);
	reread(&r, text2, cf1);
	pg = r.rr_after != NULL ? program_named(r.rr_after, "c") : NULL;
	CHECK("copied: one command edited: the three others copied, it "
	    "read (its new command)", r.rr_after != NULL &&
	    r.rr_after->cf_copied == 3 && configs_equal(r.rr_after,
	    r.rr_fresh) && pg != NULL &&
	    strcmp(pg->pg_procs[0].pcf_argv[1], "2") == 0);
	reread_free(&r);

	/* What sections read besides themselves. */
	snprintf(text2, sizeof(text2), "%s", text);
	memcpy(strstr(text2, "A=1"), "A=7", 3);
	cf2 = load_after(text2, &m2, cf1);
	pg = cf2 != NULL ? program_named(cf2, "a") : NULL;
	CHECK("copied: [supervisor] environment= changed: every program "
	    "read again (%(ENV_A)s is 7)", cf2 != NULL && cf2->cf_copied == 0
	    && pg != NULL && strcmp(pg->pg_procs[0].pcf_argv[2], "7") == 0);
	config_free(cf2);
	config_msgs_free(&m2);
	snprintf(text2, sizeof(text2), "%s", text);
	memcpy(strstr(text2, "programs = a,b"), "programs = a  ", 14);
	reread(&r, text2, cf1);
	CHECK("copied: b out of the group: b read again (its group_name), "
	    "a (its %(group_name)s unchanged) copied", r.rr_after != NULL &&
	    r.rr_after->cf_copied == 3 && configs_equal(r.rr_after,
	    r.rr_fresh) && strcmp(program_named(r.rr_after, "b")->pg_group,
	    "b") == 0);
	reread_free(&r);

	/* Limits: copies count as reads do. */
	snprintf(text2, sizeof(text2), "%s[program:z]\ncommand=x\n"
	    "numprocs=2\n", text);
	memcpy(strstr(text2, "childlogdir = /tmp\n"),
	    "max_processes=7   \n", 19);
	cf2 = load_after(text2, &m2, cf1);
	CHECK_STR("copied: copies count against max_processes",
	    join_msgs(&m2), "t.ini:38: numprocs: 2 more processes would make "
	    "8, over max_processes = 7; raise max_processes in [supervisor] "
	    "if this machine can run them");
	config_free(cf2);
	config_msgs_free(&m2);
	config_free(cf1);
	config_msgs_free(&m1);

	/* Said something, or looked a user up: read again, said again. */
	static const char said[] = "[program:w]\ncommand = x\nbogus = 1\n"
	    "[program:h]\ncommand = x\ndirectory = ~root/x\n"
	    "[program:o]\ncommand = x\n";
	cf1 = load(said, &m1);
	cf2 = load_after(said, &m2, cf1);
	CHECK("copied: a warning said again, the user database read again; "
	    "only the quiet program copied", cf1 != NULL && cf2 != NULL &&
	    cf2->cf_copied == 1 && m2.cm_count == 1 && m1.cm_count == 1 &&
	    strcmp(m1.cm_list[0].cm_text, m2.cm_list[0].cm_text) == 0);
	config_free(cf2);
	config_msgs_free(&m2);
	config_free(cf1);
	config_msgs_free(&m1);
}

/* A text read after before and fresh: the same programs, the same words. */
static bool
reread_same(const struct reread *r)
{
	const char *a = join_msgs(&r->rr_after_msgs);
	char *copy = strdup(a != NULL ? a : "");
	const char *b = join_msgs(&r->rr_fresh_msgs);
	bool same = copy != NULL && b != NULL && strcmp(copy, b) == 0 &&
	    (r->rr_after == NULL) == (r->rr_fresh == NULL) &&
	    (r->rr_after == NULL || configs_equal(r->rr_after, r->rr_fresh));

	free(copy);
	return same;
}

/*
 * A section whose text, from its header to the next line that starts
 * with '[', is as the running config read it is copied with its keys not
 * even read; where that is not enough (what it reads besides changed, or
 * a later part merges into it) the whole read is made again: the result
 * and the messages always those of a fresh read.
 */
static void
test_spans(void)
{
	static const char base[] =
	    "[supervisor]\nenvironment = A=1\n"
	    "[program:a]\ncommand = x %(ENV_A)s\ndepends_on = b\n\n"
	    "[program:b]\ncommand = y\n  ; a comment\nnumprocs = 2\n"
	    "process_name = b%(process_num)s\n"
	    "[program:w]\ncommand = x\nbogus = 1\n"
	    "[program:c]\ncommand = z";		/* no newline at the end */
	char text[2048], dir[] = "/tmp/supervisor-unit-XXXXXX", main_file[128];
	struct config_msgs m1, m2;
	struct config *cf1, *cf2;
	const struct program_config *pg;
	struct reread r;

	cf1 = load(base, &m1);
	CHECK("spans: the config loads, with w's warning", cf1 != NULL &&
	    m1.cm_count == 1);

	reread(&r, base, cf1);
	CHECK("spans: read after itself: a, b, c unread, w (said something) "
	    "read; as a fresh read", r.rr_after != NULL &&
	    r.rr_after->cf_unread == 3 && r.rr_after->cf_copied == 3 &&
	    reread_same(&r) && r.rr_after_msgs.cm_count == 1);
	reread_free(&r);

	snprintf(text, sizeof(text), "; moved\n\n\n%s", base);
	reread(&r, text, cf1);
	pg = r.rr_after != NULL ? program_named(r.rr_after, "a") : NULL;
	CHECK("spans: three lines above: unread, at their new lines",
	    r.rr_after != NULL && r.rr_after->cf_unread == 3 &&
	    reread_same(&r) && pg != NULL && pg->pg_line == 6 &&
	    pg->pg_depends_line == 8);
	reread_free(&r);

	snprintf(text, sizeof(text), "%s", base);
	memcpy(strstr(text, "; a comment"), "; a remark ", 11);
	reread(&r, text, cf1);
	CHECK("spans: a comment changed in b: b's text read (and copied, its "
	    "keys the same), a and c unread", r.rr_after != NULL &&
	    r.rr_after->cf_unread == 2 && r.rr_after->cf_copied == 3 &&
	    reread_same(&r));
	reread_free(&r);

	snprintf(text, sizeof(text), "%s", base);
	memcpy(strstr(text, "command = y"), "command = Y", 11);
	reread(&r, text, cf1);
	CHECK("spans: b edited: read, a and c unread", r.rr_after != NULL &&
	    r.rr_after->cf_unread == 2 && r.rr_after->cf_copied == 2 &&
	    reread_same(&r));
	reread_free(&r);

	snprintf(text, sizeof(text), "%s", base);
	memcpy(strstr(text, "A=1"), "A=2", 3);
	reread(&r, text, cf1);
	pg = r.rr_after != NULL ? program_named(r.rr_after, "a") : NULL;
	CHECK("spans: environment= changed: read again whole, every program "
	    "read, w's warning said once", r.rr_after != NULL &&
	    r.rr_after->cf_copied == 0 && reread_same(&r) &&
	    r.rr_after_msgs.cm_count == 1 && pg != NULL &&
	    strcmp(pg->pg_procs[0].pcf_argv[1], "2") == 0);
	reread_free(&r);

	snprintf(text, sizeof(text), "%s\n[program:a]\nautostart = false\n",
	    base);
	reread(&r, text, cf1);
	pg = r.rr_after != NULL ? program_named(r.rr_after, "a") : NULL;
	CHECK("spans: a second [program:a] merged into an unread one: read "
	    "again whole; merged, said once", r.rr_after != NULL &&
	    r.rr_after->cf_unread == 0 && reread_same(&r) &&
	    r.rr_after_msgs.cm_count == 2 && pg != NULL && !pg->pg_autostart);
	reread_free(&r);
	config_free(cf1);
	config_msgs_free(&m1);

	/* Spans that are not one section, or said something while read. */
	static const char odd[] =
	    "[program:i]\n  command = x\n [program:j]\ncommand = y\n"
	    "[program:d]\ncommand = x\ncommand = y\n"
	    "[program:e]\ncommand = e\n";
	cf1 = load(odd, &m1);
	reread(&r, odd, cf1);
	CHECK("spans: an indented header makes two sections of one span, a "
	    "key set twice is said again (its text read, its keys copied): "
	    "only e unread", cf1 != NULL &&
	    r.rr_after != NULL && r.rr_after->cf_unread == 1 &&
	    r.rr_after->cf_copied == 4 && reread_same(&r) &&
	    r.rr_after_msgs.cm_count == 1);
	reread_free(&r);
	config_free(cf1);
	config_msgs_free(&m1);

	/* Texts a span could be taken wrongly from: the same as fresh. */
	static const struct {
		const char *before, *after;
		size_t before_len, after_len;	/* 0: strlen */
		const char *what;
	} shapes[] = {
		{ ";c\n [program:x]\ncommand=/bin/cat\n",
		  " [program:x]\ncommand=/bin/cat\n", 0, 0,
		  "a header indented on the first line, after a program "
		  "whose span was nothing" },
		{ " [program:x]\ncommand=/bin/cat\ncommand=/bin/cat\n",
		  " [program:x]\ncommand=/bin/cat\ncommand=/bin/cat\n", 0, 0,
		  "the same, read after itself" },
		{ "[program:x]\ncommand=/bin/cat\n",
		  "[program:x]\ncommand=/bin/cat\n[\0]\nautostart=maybe\n",
		  0, 49, "keys after a '[' line that began no section" },
		{ "\xef\xbb\xbf[program:x]\r\ncommand=/bin/cat\r\n",
		  "\xef\xbb\xbf\r\n[program:x]\r\ncommand=/bin/cat\r\n", 0, 0,
		  "a byte order mark and CRLF" },
	};
	size_t k, blen, alen;

	for (k = 0; k < sizeof(shapes) / sizeof(shapes[0]); k++) {
		blen = shapes[k].before_len ? shapes[k].before_len :
		    strlen(shapes[k].before);
		alen = shapes[k].after_len ? shapes[k].after_len :
		    strlen(shapes[k].after);
		cf1 = config_load_text(FILE_NAME, shapes[k].before, blen, &m1);
		r.rr_after = config_load_text_after(FILE_NAME, shapes[k].after,
		    alen, &r.rr_after_msgs, cf1);
		r.rr_fresh = config_load_text(FILE_NAME, shapes[k].after, alen,
		    &r.rr_fresh_msgs);
		snprintf(text, sizeof(text), "spans: %s: as a fresh read",
		    shapes[k].what);
		CHECK(text, cf1 != NULL && reread_same(&r));
		reread_free(&r);
		config_free(cf1);
		config_msgs_free(&m1);
	}

	/* Files: a span moved from one file to another is read there. */
	if (mkdtemp(dir) == NULL) {
		CHECK("spans: mkdtemp", false);
		return;
	}
	snprintf(main_file, sizeof(main_file), "%s/main.ini", dir);
	snprintf(text, sizeof(text), "%s/conf.d", dir);
	mkdir(text, 0700);
	write_file(dir, "main.ini", "[include]\nfiles = conf.d/*.ini\n"
	    "[program:a]\ncommand = a %(here)s\n");
	write_file(dir, "conf.d/b.ini", "[program:b]\ncommand = b %(here)s\n");
	cf1 = config_load(main_file, &m1);
	cf2 = config_load_after(main_file, &m2, cf1);
	CHECK("spans: files read after themselves: a and b unread",
	    cf1 != NULL && cf2 != NULL && cf2->cf_unread == 2 &&
	    configs_equal(cf1, cf2));
	config_free(cf2);
	config_msgs_free(&m2);
	write_file(dir, "main.ini", "[include]\nfiles = conf.d/*.ini\n"
	    "[program:a]\ncommand = a %(here)s\n"
	    "[program:b]\ncommand = b %(here)s\n");
	write_file(dir, "conf.d/c.ini", "[program:c]\ncommand = c\n");
	remove_file(dir, "conf.d/b.ini");
	r.rr_after = config_load_after(main_file, &r.rr_after_msgs, cf1);
	r.rr_fresh = config_load(main_file, &r.rr_fresh_msgs);
	pg = r.rr_after != NULL ? program_named(r.rr_after, "b") : NULL;
	CHECK("spans: b's text moved to the main file: read there (its "
	    "%(here)s, its file)", r.rr_after != NULL && reread_same(&r) &&
	    pg != NULL && strcmp(pg->pg_file, main_file) == 0 &&
	    strcmp(pg->pg_procs[0].pcf_argv[1], dir) == 0);
	reread_free(&r);
	config_free(cf1);
	config_msgs_free(&m1);
	remove_file(dir, "conf.d/c.ini");
	remove_file(dir, "main.ini");
	rmdir(text);
	rmdir(dir);
}

/*
 * depends_on and the other readiness keys: parsed, the graph's depths
 * (its start order), its errors (a cycle named whole, a program on
 * itself, unknown names), and a reload's view: an edge that changes
 * leaves the process's settings the same (nothing restarts).
 */
static void
test_depends_graph(void)
{
	struct config_msgs msgs;
	struct config *cf, *cf2;
	const struct program_config *a, *b, *c, *d, *b2;

	cf = load("[program:c]\ncommand=x\ndepends_on = b:completed, a\n"
	    "[program:b]\ncommand=x\ndepends_on=a:started\n"
	    "ready = tcp:[::1]:5432\nready_timeout = 2m\n"
	    "[program:a]\ncommand=x\nready=notify\nwatchdog_sec=5\n"
	    "healthcheck=http://127.0.0.1:8080/healthz\n"
	    "healthcheck_retries=2\n"
	    "[program:d]\ncommand=x\n", &msgs);
	CHECK_STR("graph: loads", join_msgs(&msgs), "");
	a = program_named(cf, "a");
	b = program_named(cf, "b");
	c = program_named(cf, "c");
	d = program_named(cf, "d");
	CHECK("graph: all four", a && b && c && d);
	if (a && b && c && d) {
		CHECK("graph: depths a 0, b 1, c 2, d 0",
		    a->pg_depends_level == 0 && b->pg_depends_level == 1 &&
		    c->pg_depends_level == 2 && d->pg_depends_level == 0);
		CHECK("graph: c's edges in order, with conditions",
		    c->pg_ndepends == 2 && strcmp(c->pg_depends[0].dp_name,
		    "b") == 0 && c->pg_depends[0].dp_cond == DEP_COMPLETED &&
		    strcmp(c->pg_depends[1].dp_name, "a") == 0 &&
		    c->pg_depends[1].dp_cond == DEP_READY);
		CHECK("graph: b after a started", b->pg_ndepends == 1 &&
		    b->pg_depends[0].dp_cond == DEP_STARTED);
		const struct program_probes *pa = a->pg_probes,
		    *pb = b->pg_probes, *pd = d->pg_probes;

		CHECK("probes: b's tcp to [::1]:5432, 120 s",
		    pb->pp_ready.pb_kind == PROBE_TCP &&
		    strcmp(pb->pp_ready.pb_host, "::1") == 0 &&
		    strcmp(pb->pp_ready.pb_port, "5432") == 0 &&
		    pb->pp_ready_timeout == 120);
		CHECK("probes: a's notify, watchdog, http check",
		    pa->pp_ready.pb_kind == PROBE_NOTIFY &&
		    pa->pp_watchdog == 5 &&
		    pa->pp_health.pb_kind == PROBE_HTTP &&
		    strcmp(pa->pp_health.pb_path, "/healthz") == 0 &&
		    strcmp(pa->pp_health.pb_port, "8080") == 0 &&
		    pa->pp_health_retries == 2);
		CHECK("probes: defaults", pd->pp_ready.pb_kind == PROBE_NONE &&
		    pd->pp_ready_timeout == 60 && pd->pp_ready_interval == 1 &&
		    pd->pp_health_interval == 10 &&
		    pd->pp_health_timeout == 5 &&
		    pd->pp_health_retries == 3 && !d->pg_depends_restart);
		CHECK("probes: a program without them shares the defaults",
		    pd == &program_probes_default && pa != pd && pb != pd);
	}
	config_msgs_free(&msgs);

	/* A reload's view: c's edges change, its settings do not. */
	cf2 = load("[program:c]\ncommand=x\ndepends_on = a\n"
	    "depends_restart = true\n"
	    "[program:b]\ncommand=x\n"
	    "ready = tcp:[::1]:5432\nready_timeout = 2m\n"
	    "[program:a]\ncommand=x\nready=notify\nwatchdog_sec=5\n"
	    "healthcheck=http://127.0.0.1:8080/healthz\n"
	    "healthcheck_retries=2\n"
	    "[program:d]\ncommand=x\n", &msgs);
	CHECK_STR("graph edit: loads", join_msgs(&msgs), "");
	b2 = program_named(cf2, "b");
	CHECK("graph edit: c's new edges leave its settings the same",
	    c != NULL && program_named(cf2, "c") != NULL &&
	    strcmp(c->pg_settings, program_named(cf2, "c")->pg_settings) == 0);
	CHECK("graph edit: b, no longer after a, is at depth 0 and the same",
	    b2 != NULL && b2->pg_depends_level == 0 && b != NULL &&
	    strcmp(b->pg_settings, b2->pg_settings) == 0);
	CHECK("graph edit: c at depth 1 now",
	    program_named(cf2, "c") != NULL &&
	    program_named(cf2, "c")->pg_depends_level == 1);
	config_msgs_free(&msgs);
	config_free(cf);
	config_free(cf2);

	check_rejected("graph: a cycle, named whole at its first program",
	    "[program:a]\ncommand=x\ndepends_on=c\n"
	    "[program:b]\ncommand=x\ndepends_on=a\n"
	    "[program:c]\ncommand=x\ndepends_on=b\n"
	    "[program:e]\ncommand=x\ndepends_on=e\n"
	    "[program:f]\ncommand=x\ndepends_on=a, webb\n"
	    "[program:web]\ncommand=x\n",
	    "t.ini:3: depends_on: a cycle: a -> c -> b -> a\n"
	    "t.ini:12: depends_on: [program:e] depends on itself\n"
	    "t.ini:15: depends_on: no [program:webb] (did you mean \"web\"?)");
	check_rejected("probes: bad ones, each at its line",
	    "[program:a]\ncommand=x\nready=tcp:db.example:5432\n"
	    "healthcheck=log:ready\nready_interval=0\n"
	    "depends_on=b:maybe, b, b\nwatchdog_sec=3\n[program:b]\ncommand=x\n",
	    "t.ini:3: ready: \"tcp:db.example:5432\": the host must be an IP "
	    "address or localhost (a name lookup would hold up the supervisor; "
	    "probe names with exec:)\n"
	    "t.ini:4: healthcheck: \"log:ready\": log:REGEX is a readiness, not "
	    "a health check\n"
	    "t.ini:5: ready_interval: at least 0.01 (10 ms)\n"
	    "t.ini:6: depends_on: \"maybe\": the condition must be ready, "
	    "started or completed\n"
	    "t.ini:6: depends_on: b is named twice\n"
	    "t.ini:7: watchdog_sec: needs ready = notify (the program sends "
	    "WATCHDOG=1 on NOTIFY_SOCKET)");
}

int
main(void)
{
	UNIT_BEGIN("test_config");
	test_defaults();
	test_every_key();
	test_supervisor_section();
	test_socket_keys();
	test_program_logs();
	test_supervisor_log();
	test_numprocs();
	test_variables();
	test_errors();
	test_warnings();
	test_listeners();
	test_duplicates();
	test_line_numbers();
	test_text_shapes();
	test_comments();
	test_continuations();
	test_keys();
	test_files();
	test_includes();
	test_diff();
	test_mark_same();
	test_settings_shared();
	test_copied();
	test_spans();
	test_daemon_keys();
	test_unknown();
	test_every_problem();
	test_syntax();
	test_environment();
	test_supervisord_keys();
	test_options();
	test_depends_graph();
	return unit_failed;
}
