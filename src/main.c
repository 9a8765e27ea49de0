/*
 * main.c: the command line, mode dispatch (run the supervisor, or check a
 * config file) and the start-up and exit of the daemon.
 */
#include <errno.h>
#include <malloc.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <pwd.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ev.h>

#include "capture.h"
#include "childlogdir.h"
#include "client.h"
#include "command.h"
#include "config.h"
#include "ctl.h"
#include "control.h"
#include "daemon.h"
#include "depends.h"
#include "events.h"
#include "guardian.h"
#include "log.h"
#include "logtail.h"
#include "monotime.h"
#include "notify.h"
#include "parse.h"
#include "pidfile.h"
#include "proctable.h"
#include "readiness.h"
#include "reload.h"
#include "rpc.h"
#include "metrics.h"
#include "web.h"
#include "service.h"
#include "signals.h"
#include "sink.h"
#include "spawn.h"
#include "strv.h"
#include "teardown.h"
#include "tree.h"
#include "watch.h"

#ifndef SUPERVISOR_VERSION
#define SUPERVISOR_VERSION "0.0.0"
#endif

/* sysexits.h values, spelled out where they are used. */
#define EXIT_USAGE	64	/* EX_USAGE */
#define EXIT_CONFIG	78	/* EX_CONFIG */
#define OUTPUT_FLUSH_S	1.0	/* at the exit: for output still queued */

static const char *const default_configs[] = {
	"./supervisor.ini", "/etc/supervisor.ini",
};

/* Started as supervisord (the name of argv[0]): its options, its files. */
static bool		 as_supervisord;

static struct ev_loop	*loop;
static ev_signal	 sig_watchers[7];
static pid_t		 guardian_pid;		/* our parent */

static void
usage(FILE *out)
{
	fprintf(out,
	    "usage: supervisor [-d] [-c FILE] [-s SOCKET] [COMMAND [ARG...]]\n"
	    "       supervisor -h | --help\n"
	    "       supervisor -V | --version\n"
	    "\n"
	    "Starts the programs of an INI config file, keeps them running,\n"
	    "and stops them, whole process trees included, on SIGTERM,\n"
	    "SIGINT or SIGQUIT.\n"
	    "\n"
	    "Options:\n"
	    "  -c, --config FILE  config file (default: ./supervisor.ini,\n"
	    "                     /etc/supervisor.ini, then supervisord's:\n"
	    "                     supervisord.conf, etc/supervisord.conf,\n"
	    "                     /etc/supervisord.conf,\n"
	    "                     /etc/supervisor/supervisord.conf)\n"
	    "  -s, --socket PATH  control socket (default: $SUPERVISOR_SOCKET,\n"
	    "                     else socket= of the config, else\n"
	    "                     /run/supervisor.sock as root, else\n"
	    "                     $XDG_RUNTIME_DIR/supervisor.sock, else\n"
	    "                     supervisor.sock beside the config file)\n"
	    "  -d, --daemon       detach (as nodaemon = false does): exit once\n"
	    "                     the supervisor is up, or with the reason\n"
	    "                     it did not start\n"
	    "  -h, --help         print this help and exit\n"
	    "  -V, --version      print the version and exit\n"
	    "\n"
	    "Commands:\n"
	    "  (none)             run the supervisor in the foreground\n"
	    "  check [--strict]   validate the config file and its includes;\n"
	    "                     print each problem\n"
	    "                     as FILE:LINE: message; exit 0 when valid, 78\n"
	    "                     when not (--strict: a warning too)\n"
	    "  status [--json] [NAME|PROGRAM:*|all]...\n"
	    "                     state of the running supervisor's processes\n"
	    "  start|stop|restart [--no-wait] NAME|PROGRAM:*|all...\n"
	    "                     and wait until done (RUNNING; tree gone)\n"
	    "  wait [--timeout DURATION] NAME|PROGRAM:*|all...\n"
	    "                     until ready or completed (0), or failed\n"
	    "                     or timed out (1); starts nothing\n"
	    "  signal SIGNAL NAME...  send a signal to their whole trees\n"
	    "  pid [NAME]...      the supervisor's pid, or the processes'\n"
	    "  reload [--dry-run] read the config file again and apply what\n"
	    "                     changed (--dry-run: only say what would)\n"
	    "  shutdown           stop everything and exit; wait until done\n"
	    "  tail [-f] [-n LINES] NAME [stdout|stderr]\n"
	    "                     last lines of a process's log file\n"
	    "                     (-f: then follow it until interrupted)\n"
	    "  version            the running supervisor's version\n"
	    "  help               the requests the running supervisor knows\n"
	    "  avail|reread|update|add|remove|clear|maintail|fg [ARG]...\n"
	    "                     supervisorctl's verbs, with its output\n"
	    "                     and exit statuses (see supervisor(8))\n"
	    "\n"
	    "Exit status: 0 success, 1 start-up failure or teardown time\n"
	    "limit, 64 usage error, 78 invalid config, 128+N killed by\n"
	    "signal N; with shutdown_on_exit, that program's status.\n"
	    "Commands: 0 done, 1 failed, 2 bad request, 3 not all RUNNING,\n"
	    "4 no such name, 69 no supervisor answers, 77 not allowed.\n");
}

/*
 * Signal dispositions inherited that would break us.  SIGCHLD ignored
 * (some CI systems and shells start children so): the kernel would reap
 * every child at once and no exit would ever be seen.  SIGTTOU and
 * SIGTTIN: run in the background of a terminal with `stty tostop`, our
 * own log lines to it would stop us, Ctrl-C and all.  Programs get every
 * disposition back to the default (spawn.c).
 */
static void
reset_signals(void)
{
	(void)signal(SIGCHLD, SIG_DFL);
	(void)signal(SIGTTOU, SIG_IGN);
	(void)signal(SIGTTIN, SIG_IGN);
}

/* The help of the name supervisord: its options, as supervisor(8) has. */
static void
usage_supervisord(FILE *out)
{
	fprintf(out,
	    "usage: supervisord [-c FILE] [-n] [-s] [-u USER] [-m UMASK]\n"
	    "                   [-d DIRECTORY] [-l LOGFILE] [-y BYTES] [-z NUM]\n"
	    "                   [-e LEVEL] [-j PIDFILE] [-i IDENTIFIER]\n"
	    "                   [-q CHILDLOGDIR] [-k] [-t] [-a NUM]\n"
	    "                   [--minprocs NUM] [--profile_options OPTIONS]\n"
	    "       supervisord -h | -? | --help\n"
	    "       supervisord -v | --version\n"
	    "\n"
	    "The supervisor under supervisord's name, with supervisord's\n"
	    "options; each sets the [supervisord] key of its name over the\n"
	    "config file.  It detaches unless -n or nodaemon = true.\n"
	    "\n"
	    "Options:\n"
	    "  -c, --configuration FILE  config file (default: the first of\n"
	    "                     ../etc/supervisord.conf and ../supervisord.conf\n"
	    "                     from this program, supervisord.conf,\n"
	    "                     etc/supervisord.conf, /etc/supervisord.conf,\n"
	    "                     /etc/supervisor/supervisord.conf)\n"
	    "  -n, --nodaemon     run in the foreground\n"
	    "  -s, --silent       no copy of the log on stdout\n"
	    "  -u, --user USER    run as this user (or uid)\n"
	    "  -m, --umask UMASK  umask of the detached supervisor (022)\n"
	    "  -d, --directory DIRECTORY  where the detached supervisor goes\n"
	    "  -l, --logfile FILE the supervisor's log (or syslog)\n"
	    "  -y, --logfile_maxbytes BYTES  rotate it at this size\n"
	    "  -z, --logfile_backups NUM  rotated files kept\n"
	    "  -e, --loglevel LEVEL  critical, error, warn, info, debug,\n"
	    "                     trace or blather\n"
	    "  -j, --pidfile FILE the pidfile\n"
	    "  -i, --identifier STR  in AUTO log names (supervisor)\n"
	    "  -q, --childlogdir DIRECTORY  where AUTO logs go\n"
	    "  -k, --nocleanup    keep old AUTO logs at start\n"
	    "  -t, --strip_ansi   strip escape sequences from programs' logs\n"
	    "  -a, --minfds NUM   open files the programs may have\n"
	    "  --minprocs NUM     processes the user may have\n"
	    "  --profile_options OPTIONS  accepted and ignored\n"
	    "  -h, -?, --help     print this help and exit\n"
	    "  -v, --version      print the version and exit\n"
	    "\n"
	    "Exit status: 0 success, 1 start-up failure, 64 usage error, 78\n"
	    "invalid config, 128+N killed by signal N.\n");
}

/* Daemons must not write into a file that landed on fd 0, 1 or 2. */
static void
ensure_std_fds(void)
{
	int fd;

	while ((fd = open("/dev/null", O_RDWR)) != -1 && fd <= 2)
		;
	if (fd > 2)
		close(fd);
}

/*
 * supervisord's default config files, in its order: two beside the
 * program (argv[0]'s directory's parent, as it is typed: ../etc and ..),
 * then two relative to the current directory, then two in /etc.  NULL
 * when out of memory.
 */
static char **
supervisord_configs(const char *argv0)
{
	static const char *const beside[] = {
		"etc/supervisord.conf", "supervisord.conf",
	};
	static const char *const fixed[] = {
		"supervisord.conf", "etc/supervisord.conf",
		"/etc/supervisord.conf", "/etc/supervisor/supervisord.conf",
	};
	char **paths = strv_new(), *here, *slash, *p;
	size_t i, len;

	if (paths == NULL || (here = strdup(argv0)) == NULL) {
		strv_free(paths);
		return NULL;
	}
	/* Python's os.path.dirname twice: "" for a bare name. */
	for (i = 0; i < 2; i++) {
		if ((slash = strrchr(here, '/')) == NULL) {
			here[0] = '\0';
			break;
		}
		slash[1] = '\0';
		len = strlen(here);
		while (len > 1 && here[len - 1] == '/')
			here[--len] = '\0';
	}
	len = strlen(here);
	for (i = 0; i < 2; i++) {
		if (asprintf(&p, "%s%s%s", here, len > 0 &&
		    here[len - 1] != '/' ? "/" : "", beside[i]) == -1)
			goto nomem;
		if (strv_push(&paths, p) == -1) {
			free(p);
			goto nomem;
		}
		free(p);
	}
	for (i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
		if (strv_push(&paths, fixed[i]) == -1)
			goto nomem;
	free(here);
	return paths;
nomem:
	free(here);
	strv_free(paths);
	return NULL;
}

/*
 * The config file: -c, else the first default that exists.  Under its
 * own name, ./supervisor.ini and /etc/supervisor.ini first, then
 * supervisord's; under supervisord's, supervisord's alone.  NULL when
 * there is none (tried then lists them).
 */
static const char *
find_config(const char *given, const char *argv0, char *tried, size_t len)
{
	static char *found;
	char **paths;
	size_t i, used = 0;

	if (given != NULL)
		return given;
	if (found != NULL)
		return found;
	if ((paths = supervisord_configs(argv0)) == NULL)
		return NULL;
	tried[0] = '\0';
	for (i = 0; !as_supervisord && i < sizeof(default_configs) /
	    sizeof(default_configs[0]); i++) {
		if (access(default_configs[i], F_OK) == 0) {
			found = strdup(default_configs[i]);
			break;
		}
		used += strlen(default_configs[i]) + 2;
		if (used < len)
			strcat(strcat(tried, default_configs[i]), ", ");
	}
	for (i = 0; found == NULL && paths[i] != NULL; i++) {
		if (access(paths[i], F_OK) == 0) {
			found = strdup(paths[i]);
			break;
		}
		used += strlen(paths[i]) + 2;
		if (used < len)
			strcat(strcat(tried, paths[i]),
			    paths[i + 1] != NULL ? ", " : "");
	}
	strv_free(paths);
	return found;
}

static void
print_msgs(const struct config_msgs *msgs, bool to_log)
{
	size_t i;

	for (i = 0; i < msgs->cm_count; i++) {
		if (!to_log)
			fprintf(stderr, "%s\n", msgs->cm_list[i].cm_text);
		else if (msgs->cm_list[i].cm_error)
			log_error("%s", msgs->cm_list[i].cm_text);
		else
			log_warnx("%s", msgs->cm_list[i].cm_text);
	}
}

static int
cmd_check(const char *path, bool strict)
{
	struct config_msgs msgs;
	struct config *cf;
	size_t i, n = 0, warnings;

	cf = config_load(path, &msgs);
	print_msgs(&msgs, false);
	warnings = msgs.cm_count - msgs.cm_errors;
	config_msgs_free(&msgs);
	if (cf == NULL)
		return EXIT_CONFIG;
	if (strict && warnings > 0) {
		fprintf(stderr, "%s: %zu warning%s, refused by --strict\n",
		    path, warnings, warnings == 1 ? "" : "s");
		config_free(cf);
		return EXIT_CONFIG;
	}
	for (i = 0; i < cf->cf_nprograms; i++)
		n += (size_t)cf->cf_programs[i]->pg_numprocs;
	printf("%s: OK (%zu program%s, %zu process%s)\n", path,
	    cf->cf_nprograms, cf->cf_nprograms == 1 ? "" : "s", n,
	    n == 1 ? "" : "es");
	config_free(cf);
	return 0;
}

static void
teardown_done(void)
{
	ev_break(loop, EVBREAK_ALL);
}

static void
begin_teardown(const char *why)
{
	log_info("%s; stopping all programs", why);
	events_stopping();
	teardown_begin(0);
}

static void
signal_cb(struct ev_loop *l, ev_signal *w, int revents)
{
	(void)l;
	(void)revents;
	if (w->signum == GUARDIAN_DEATH_SIGNAL) {
		/* PDEATHSIG: confirm the guardian is really gone. */
		if (getppid() != guardian_pid && !teardown_is_active())
			begin_teardown("the guardian died");
		return;
	}
	if (w->signum == SIGHUP) {
		struct reload_result r;

		log_info("SIGHUP received; reloading %s",
		    reload_current()->cf_file);
		reload_run("SIGHUP", false, &r);
		reload_result_free(&r);
		return;
	}
	if (w->signum == SIGUSR2) {
		log_reopen();
		log_info("SIGUSR2 received; log files reopened");
		proctable_reopen_logs();
		return;
	}
	if (w->signum == SIGUSR1) {
		log_info("SIG%s received; ignored", signal_name(w->signum));
		return;
	}
	if (!teardown_is_active()) {
		begin_teardown(w->signum == SIGTERM ? "SIGTERM received" :
		    w->signum == SIGINT ? "SIGINT received" :
		    "SIGQUIT received");
	} else {
		log_warnx("second stop signal (SIG%s); killing all programs "
		    "now", signal_name(w->signum));
		teardown_kill_all();
	}
}

/* An edit of the config file is done: it is loaded again. */
static void
config_changed(void)
{
	reload_start("the config file changed");
}

/* A reload was applied: its files are the ones to watch now. */
static void
config_applied(const struct config *cf)
{
	watch_follow(cf);
	capture_set_strip_ansi(cf->cf_strip_ansi);
	control_set_auth(cf);
	control_set_processes(proctable_count());
	events_configure(cf);
	readiness_socket(cf);
	depends_recheck();	/* edges may have changed */
}

/*
 * Every autostart program is ready, or has failed (service.c's word): a
 * detached start's command may exit now.
 */
static void
supervisor_ready(void)
{
	daemon_ready();
	log_start(loop);		/* if not yet */
}

static void
client_gone(struct ctl_client *c)
{
	command_client_gone(c);
	rpc_client_gone(c);
	web_client_gone(c);
}

static void
client_drained(struct ctl_client *c)
{
	command_client_drained(c);
	logtail_client_drained(c);
	(void)web_client_drained(c);
}

/* HTTP: the metrics, the web page, then supervisord's paths (rpc.c). */
static void
http_request(struct ctl_client *c, const char *method, const char *url,
    const char *body, size_t len)
{
	char path[HTTP_URL_MAX + 1];

	snprintf(path, sizeof(path), "%s", url);
	path[strcspn(path, "?#")] = '\0';
	if (metrics_http(c, method, path) || web_http(c, method, url, body,
	    len))
		return;
	rpc_http(c, method, url, body, len);
}

/* The control socket's requests go to command.c, HTTP ones as above. */
static const struct control_handler command_handler = {
	command_run, client_gone, client_drained, http_request,
};

/*
 * SUPERVISOR_SERVER_URL, as supervisord sets it: the Unix socket if
 * there is one, else the TCP listener.
 */
static void
set_server_url(const struct config *cf, const char *sock_path)
{
	char *url = NULL, *cwd;

	if (sock_path != NULL && sock_path[0] == '/')
		(void)!asprintf(&url, "unix://%s", sock_path);
	else if (sock_path != NULL && (cwd = getcwd(NULL, 0)) != NULL) {
		(void)!asprintf(&url, "unix://%s/%s", cwd, sock_path);
		free(cwd);
	} else if (cf->cf_inet)
		(void)!asprintf(&url, "http://%s:%s", cf->cf_inet_host[0] ?
		    cf->cf_inet_host : "localhost", cf->cf_inet_port);
	spawn_set_server_url(url);
	free(url);
}

/*
 * The supervisor's own start-up, said at debug: from the config's opening
 * to the first program's spawn (bench/run.sh's startup scenario reads it).
 */
static double			 config_opened;
static struct process_observer	 first_spawn;

static void
first_spawn_started(struct process *p, void *arg)
{
	(void)p;
	(void)arg;
	log_debug("start-up: the first program spawned %.3f ms after the "
	    "config was opened", (mono_now() - config_opened) * 1e3);
	process_unobserve(&first_spawn);
}

/*
 * The supervisor proper, in the guardian's child.  Who listens to whom
 * is decided here: the table, the teardown, the commands and the service
 * manager's view observe the processes, in that order.  It takes the
 * caller's reference to cf (freed by the first reload that replaces it).
 */
static int
supervise(struct config *cf, const char *path)
{
	int signums[] = { SIGTERM, SIGINT, SIGQUIT, SIGHUP, SIGUSR1, SIGUSR2,
	    GUARDIAN_DEATH_SIGNAL };
	size_t i;
	int status;

	/* Not libev's default loop: its SIGCHLD handler would reap what
	 * reap.c reaps by pid. */
	loop = ev_loop_new(EVFLAG_AUTO | EVFLAG_SIGNALFD);
	if (loop == NULL) {
		log_error("cannot initialise the event loop");
		config_free(cf);
		return 1;
	}
	/* Lines to stdout or stderr never block from here on; a detached
	 * supervisor's stderr is the start-up pipe until it is up. */
	if (!daemon_starting())
		log_start(loop);
	tree_init();
	for (i = 0; i < sizeof(signums) / sizeof(signums[0]); i++) {
		ev_signal_init(&sig_watchers[i], signal_cb, signums[i]);
		ev_signal_start(loop, &sig_watchers[i]);
	}
	if (proctable_init(loop, cf) == -1) {
		log_error("out of memory building the process table");
		proctable_free();
		config_free(cf);
		return 1;
	}
	first_spawn.po_started = first_spawn_started;
	process_observe(&first_spawn);
	teardown_init(loop, teardown_done);
	capture_set_strip_ansi(cf->cf_strip_ansi);
	reload_init(loop, cf);
	reload_set_applied(config_applied);
	watch_start(loop, cf, config_changed);
	command_init(loop, guardian_pid, begin_teardown);
	readiness_start(loop);
	readiness_socket(cf);
	depends_start(loop);
	rpc_init(loop, guardian_pid, begin_teardown);
	rpc_set_remote_comm(events_remote_communication);
	web_init(loop);
	metrics_init();
	control_start(loop, &command_handler);
	control_set_processes(proctable_count());
	log_info("supervisor %s started as pid %d (guardian pid %d) with %s "
	    "(%zu process%s)", SUPERVISOR_VERSION, (int)getpid(),
	    (int)guardian_pid, path, proctable_count(),
	    proctable_count() == 1 ? "" : "es");
	events_start(loop, cf);
	/* The caller's reference goes: the first reload frees this config
	 * as any later one frees the one before (10,000 programs: 15 MB). */
	config_free(cf);
	/* What the parse freed goes back (10,000 programs: megabytes). */
	(void)malloc_trim(0);
	if (getppid() != guardian_pid)
		begin_teardown("the guardian died");
	else
		proctable_start_autostart();
	service_start(loop, guardian_pid, supervisor_ready);
	ev_run(loop, 0);

	status = teardown_exit_status();
	command_finish(status);
	control_close();
	rpc_free();
	web_free();
	metrics_free();
	command_free();
	watch_stop();
	depends_stop();
	readiness_stop();
	service_stop();
	teardown_free();
	events_free();
	proctable_free();
	reload_free();
	tree_cleanup();
	for (i = 0; i < sizeof(signums) / sizeof(signums[0]); i++)
		ev_signal_stop(loop, &sig_watchers[i]);
	log_info("all programs stopped; supervisor exiting with status %d",
	    status);
	sink_finish(OUTPUT_FLUSH_S);
	ev_loop_destroy(loop);
	return status;
}

static int	run_guarded(struct config **, const char *, const char *, bool);

/*
 * Loads the config, then splits in two: this process stays the guardian
 * (the pid the user sees), its child becomes the supervisor.
 */
static int
run_daemon(const char *path, const char *sock_arg, bool detach)
{
	struct config_msgs msgs;
	struct config *cf;
	char *abs = NULL;
	int status;

	/* Before any program is spawned: they must not inherit it. */
	notify_init();
	config_opened = mono_now();
	cf = config_load(path, &msgs);
	print_msgs(&msgs, true);
	config_msgs_free(&msgs);
	if (cf == NULL) {
		log_error("%s: invalid configuration; not starting", path);
		return EXIT_CONFIG;
	}
	detach = detach || !cf->cf_nodaemon;
	/*
	 * A detached supervisor is in / (or its directory =): reloads must
	 * read the file (and its includes) by absolute paths.  Loaded again
	 * so; its messages were shown already.
	 */
	if (detach && path[0] != '/' &&
	    (abs = realpath(path, NULL)) != NULL) {
		config_free(cf);
		path = abs;
		cf = config_load(path, &msgs);
		config_msgs_free(&msgs);
		if (cf == NULL) {
			log_error("%s: invalid configuration; not starting",
			    path);
			free(abs);
			return EXIT_CONFIG;
		}
	}
	if (detach && cf->cf_exit_with_parent) {
		/* The parent is the shell that starts it, gone at once. */
		log_warnx("exit_with_parent is ignored by a detached "
		    "supervisor: it has no parent to follow");
		cf->cf_exit_with_parent = false;
	}
	/*
	 * [supervisor] user first of all, as supervisord: the log, the
	 * pidfile, the socket and every later reload are that user's.
	 */
	if (cf->cf_user != NULL && daemon_become(cf->cf_user,
	    (uid_t)cf->cf_uid, (gid_t)cf->cf_gid) == -1) {
		config_free(cf);
		free(abs);
		return 1;
	}
	if (detach) {
		switch (daemon_detach(cf->cf_directory, cf->cf_umask, &status)) {
		case 1:		/* the command that was started */
			config_free(cf);
			free(abs);
			return status;
		case -1:
			config_free(cf);
			free(abs);
			return 1;
		}
	}
	status = run_guarded(&cf, path, sock_arg, detach);
	config_free(cf);	/* NULL in the supervisor: it let go */
	free(abs);
	return status;
}

/*
 * The signals the guardian's and the supervisor's loops take, blocked
 * from before the fork until each loop's signalfd has them (the mask
 * is inherited; programs get an empty one in spawn.c).  One that comes
 * in between waits for its loop: the supervisor's exit (SIGCHLD) above
 * all, which a guardian that is PID 1 of a namespace would otherwise
 * lose (a signal with the default action is dropped there, not
 * ignored), and then wait for ever; and a SIGTERM sent at once.
 */
static void
block_early_signals(void)
{
	static const int early[] = {
		SIGCHLD, SIGTERM, SIGINT, SIGQUIT, SIGHUP, SIGUSR1, SIGUSR2,
	};
	sigset_t set;
	size_t i;

	sigemptyset(&set);
	for (i = 0; i < sizeof(early) / sizeof(early[0]); i++)
		sigaddset(&set, early[i]);
	(void)sigprocmask(SIG_BLOCK, &set, NULL);
}

/*
 * What the guardian cleans once the start is past: the cgroups earlier
 * supervisors left, and the old AUTO logs, as supervisord at start (those
 * changed before this start began).
 */
static const struct config	*clean_cf;
static struct timespec		 clean_began;

static void
clean_after_start(void)
{
	tree_guardian_sweep_stale();
	if (clean_cf != NULL)
		childlogdir_clean(childlogdir_find(config_childlogdir(clean_cf),
		    clean_cf->cf_identifier, &clean_began));
}

/*
 * The config loaded (and detached, if asked): log, pidfile, control
 * socket, then the split into guardian and supervisor.
 */
static int
run_guarded(struct config **cfp, const char *path, const char *sock_arg,
    bool detached)
{
	struct config *cf = *cfp;
	char *sock_path, why[320];
	bool sock_default;
	pid_t child;
	int status;

	log_set_level(cf->cf_loglevel);
	if (log_configure(&cf->cf_log) == -1) {
		log_warn("logfile: open %s", cf->cf_log.lc_path);
		return 1;
	}
	/* supervisord's foreground copy of its log on stdout. */
	log_echo_stdout(!detached && !cf->cf_silent);
	if (cf->cf_user != NULL)
		log_info("running as user %s (uid %ld)", cf->cf_user,
		    cf->cf_uid);
	if (!detached && cf->cf_directory != NULL)
		log_info("directory = %s is where a detached supervisor goes "
		    "(as supervisord's); in the foreground it stays here",
		    cf->cf_directory);
	if (spawn_set_limits(cf->cf_minfds, cf->cf_minprocs) == -1)
		return 1;
	if (!proctable_fits(cf, why, sizeof(why))) {
		log_error("%s: %s; not starting", path, why);
		return 1;
	}
	/* Before the socket: "already running" says it best. */
	if (cf->cf_pidfile != NULL &&
	    pidfile_acquire(cf->cf_pidfile, getpid()) == -1)
		return 1;
	/* Before the fork: a second daemon on the same socket stops here. */
	sock_path = config_socket_path(cf, sock_arg, path, &sock_default);
	if (sock_path == NULL && !cf->cf_socket_off) {
		log_error("control socket: out of memory");
		pidfile_release();
		return 1;
	}
	if (control_listen(cf, sock_path, sock_default) == -1) {
		free(sock_path);
		pidfile_release();
		return 1;
	}
	if (control_listen_inet(cf) == -1) {
		free(sock_path);
		control_close();
		control_unlink();
		pidfile_release();
		return 1;
	}
	set_server_url(cf, cf->cf_socket_off && sock_arg == NULL ? NULL :
	    sock_path);
	free(sock_path);
	/*
	 * The old AUTO logs, as supervisord at start; once the pidfile and
	 * the socket are ours, so that a second supervisor refused there
	 * touches nothing of the first's.  Those changed before now: found
	 * and removed by the guardian once the first programs run.
	 */
	clock_gettime(CLOCK_REALTIME_COARSE, &clean_began);
	/* Children get default dispositions back in spawn.c. */
	signal(SIGPIPE, SIG_IGN);
	guardian_pid = getpid();
	tree_guardian_init();
	block_early_signals();
	child = fork();
	if (child == -1) {
		log_warn("fork");
		control_close();
		control_unlink();
		pidfile_release();
		return 1;
	}
	if (child == 0) {
		/*
		 * Its own process group: a terminal's ^C reaches only the
		 * guardian, which forwards it once.
		 */
		if (setpgid(0, 0) == -1)
			log_warn("setpgid");
		if (prctl(PR_SET_PDEATHSIG, GUARDIAN_DEATH_SIGNAL) == -1)
			log_warn("prctl PR_SET_PDEATHSIG");
		status = supervise(cf, path);
		*cfp = NULL;	/* supervise() let go of it */
	} else {
		/* The supervisor first: on this CPU it would wait for us. */
		(void)sched_yield();
		/*
		 * The programs are the supervisor's now: their memory,
		 * shared with it until either writes, goes back (10,000
		 * programs: 15 MB of PSS the guardian would keep).
		 */
		config_drop_programs(cf);
		(void)malloc_trim(0);
		control_close();	/* the supervisor answers */
		log_share();		/* and rotates the log */
		daemon_quiet();		/* and reports that it is up */
		tree_guardian_watch(child);
		clean_cf = cf->cf_nocleanup ? NULL : cf;
		status = guardian_run(cf, child, clean_after_start);
		control_unlink();
		pidfile_release();
	}
	log_close();
	return status;
}

/* A usage error under supervisord's name: what and why, then -h. */
static int
bad_option(const char *opt, const char *value, const char *why)
{
	if (value != NULL)
		fprintf(stderr, "supervisord: invalid value for %s \"%s\": %s\n",
		    opt, value, why);
	else
		fprintf(stderr, "supervisord: %s: %s\n", opt, why);
	fprintf(stderr, "For help, use supervisord -h\n");
	return EXIT_USAGE;
}

static bool
is_directory(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* supervisord's existing_dirpath: a file whose directory exists. */
static bool
in_a_directory(const char *path)
{
	const char *slash = strrchr(path, '/');
	char dir[PATH_MAX];

	if (slash == NULL)
		return true;
	snprintf(dir, sizeof(dir), "%.*s", slash == path ? 1 :
	    (int)(slash - path), path);
	return is_directory(dir);
}

/*
 * supervisord's command line, exactly: each option sets its
 * [supervisord] key over the file's (config_set_options), checked as
 * supervisord checks it.  Returns -1 to go on, else the exit status.
 */
static int
supervisord_options(int argc, char *argv[], struct config_options *co,
    const char **config_arg)
{
	static const struct option longopts[] = {
		{ "configuration", required_argument, NULL, 'c' },
		{ "nodaemon", no_argument, NULL, 'n' },
		{ "silent", no_argument, NULL, 's' },
		{ "user", required_argument, NULL, 'u' },
		{ "umask", required_argument, NULL, 'm' },
		{ "directory", required_argument, NULL, 'd' },
		{ "logfile", required_argument, NULL, 'l' },
		{ "logfile_maxbytes", required_argument, NULL, 'y' },
		{ "logfile_backups", required_argument, NULL, 'z' },
		{ "loglevel", required_argument, NULL, 'e' },
		{ "pidfile", required_argument, NULL, 'j' },
		{ "identifier", required_argument, NULL, 'i' },
		{ "childlogdir", required_argument, NULL, 'q' },
		{ "nocleanup", no_argument, NULL, 'k' },
		{ "strip_ansi", no_argument, NULL, 't' },
		{ "minfds", required_argument, NULL, 'a' },
		{ "minprocs", required_argument, NULL, 'M' },
		{ "profile_options", required_argument, NULL, 'P' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'v' },
		{ NULL, 0, NULL, 0 },
	};
	bool seen[128] = { false };
	enum log_level level;
	struct passwd *pw;
	long long bytes;
	char opt[4];
	long n;
	int ch, i;

	co->co_nodaemon_default = false;
	opterr = 0;
	for (;;) {
		optopt = 0;
		if ((ch = getopt_long(argc, argv,
		    "c:nsu:m:d:l:y:z:e:j:i:q:kta:hv?", longopts, NULL)) == -1)
			break;
		snprintf(opt, sizeof(opt), "-%c", ch);
		/* '?' is supervisord's -? (help), or getopt's complaint. */
		if (ch == '?' && optopt > 0 && optopt < 128 &&
		    strchr("cumdlyzejiqa", optopt) != NULL) {
			snprintf(opt, sizeof(opt), "-%c", optopt);
			return bad_option(opt, NULL, "needs a value");
		}
		if (ch == '?' && optopt != 0) {
			snprintf(opt, sizeof(opt), "-%c", optopt);
			return bad_option(opt, NULL, "unknown option");
		}
		if (ch == '?' && strcmp(argv[optind - 1], "-?") != 0)
			return bad_option(argv[optind - 1], NULL,
			    "unknown option");
		if (ch == '?' || ch == 'h') {
			usage_supervisord(stdout);
			return 0;
		}
		if (ch == 'v') {
			printf("%s\n", SUPERVISOR_VERSION);
			return 0;
		}
		/* As supervisord: an option said twice is an error. */
		if (ch > 0 && ch < 128 && seen[ch] && ch != 'P')
			return bad_option(opt, NULL, "given twice (conflicting "
			    "command line option)");
		if (ch > 0 && ch < 128)
			seen[ch] = true;
		switch (ch) {
		case 'c':
			*config_arg = optarg;
			break;
		case 'n':
			co->co_nodaemon = 1;
			break;
		case 's':
			co->co_silent = 1;
			break;
		case 'k':
			co->co_nocleanup = 1;
			break;
		case 't':
			co->co_strip_ansi = 1;
			break;
		case 'P':
			fprintf(stderr, "supervisord: --profile_options is "
			    "ignored\n");
			break;
		case 'u':
			if ((pw = getpwnam(optarg)) == NULL &&
			    parse_int(optarg, 0, INT_MAX, &n) == 0)
				pw = getpwuid((uid_t)n);
			if (pw == NULL)
				return bad_option(opt, optarg, "no such user");
			co->co_user = optarg;
			break;
		case 'm':
			if (parse_umask(optarg, &i) == -1)
				return bad_option(opt, optarg, "not an octal "
				    "mask like 022");
			co->co_umask = i;
			break;
		case 'd':
		case 'q':
			if (!is_directory(optarg))
				return bad_option(opt, optarg, "not an "
				    "existing directory");
			if (ch == 'd')
				co->co_directory = optarg;
			else
				co->co_childlogdir = optarg;
			break;
		case 'l':
		case 'j':
			if (!in_a_directory(optarg))
				return bad_option(opt, optarg, "its directory "
				    "does not exist");
			if (ch == 'l')
				co->co_logfile = optarg;
			else
				co->co_pidfile = optarg;
			break;
		case 'y':
			if (parse_bytes(optarg, &bytes) == -1)
				return bad_option(opt, optarg, "not a size (a "
				    "number of bytes, or with KB, MB or GB)");
			co->co_logfile_maxbytes = bytes;
			break;
		case 'z':
			if (parse_int(optarg, 0, 1000, &n) == -1)
				return bad_option(opt, optarg, "not a whole "
				    "number from 0 to 1000");
			co->co_logfile_backups = (int)n;
			break;
		case 'e':
			if (log_level_parse(optarg, &level) == -1)
				return bad_option(opt, optarg, "not a level "
				    "(critical, error, warn, info, debug, "
				    "trace, blather)");
			co->co_loglevel = (int)level;
			break;
		case 'i':
			if (*optarg == '\0' || strlen(optarg) > 64 ||
			    strchr(optarg, '/') != NULL)
				return bad_option(opt, optarg, "must be 1-64 "
				    "characters without '/'");
			co->co_identifier = optarg;
			break;
		case 'a':
		case 'M':
			if (parse_int(optarg, 1, 1 << 30, &n) == -1)
				return bad_option(ch == 'a' ? "-a" :
				    "--minprocs", optarg, "not a whole number "
				    "from 1 to 1073741824");
			if (ch == 'a')
				co->co_minfds = (int)n;
			else
				co->co_minprocs = (int)n;
			break;
		default:
			return bad_option(opt, NULL, "unknown option");
		}
	}
	if (optind < argc)
		return bad_option(argv[optind], NULL, "positional arguments "
		    "are not supported");
	return -1;
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "socket", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ "daemon", no_argument, NULL, 'd' },
		{ NULL, 0, NULL, 0 },
	};
	const char *config_arg = NULL, *sock_arg = NULL, *path, *command = NULL;
	const char *name = strrchr(argv[0], '/');
	struct config_options co;
	char tried[2048] = "", *cwd;
	bool detach = false, strict = false;
	int ch, status;

	/*
	 * One heap for every thread: a reload's config, made by the loading
	 * thread, reuses what the last one freed rather than growing an
	 * arena of its own (10,000 programs: 15 MB more after each).  No
	 * fast bins: a chunk freed is merged at once, where fast bins keep
	 * them apart until a larger request sweeps them all (a reload of
	 * 10,000 in that heap: 295 ms save to exec with them, 175 without).
	 */
	(void)mallopt(M_ARENA_MAX, 1);
	(void)mallopt(M_MXFAST, 0);
	/* Before anything is opened: which descriptors a log may name. */
	logfile_note_inherited();
	guardian_note_parent();
	reset_signals();
	ensure_std_fds();
	log_init("supervisor");
	as_supervisord = strcmp(name != NULL ? name + 1 : argv[0],
	    "supervisord") == 0;
	/* Under supervisorctl's name: supervisorctl (ctl.c). */
	if (strcmp(name != NULL ? name + 1 : argv[0], "supervisorctl") == 0)
		return ctl_main(argc, argv, find_config(NULL, argv[0], tried,
		    sizeof(tried)));
	config_options_init(&co);
	/* Relative paths in the config, on every reload too, are from here. */
	if ((cwd = getcwd(NULL, 0)) != NULL) {
		config_set_base(cwd);
		free(cwd);
	}
	if (as_supervisord) {
		if ((status = supervisord_options(argc, argv, &co,
		    &config_arg)) != -1)
			return status;
		config_set_options(&co);
		if ((path = find_config(config_arg, argv[0], tried,
		    sizeof(tried))) == NULL) {
			fprintf(stderr, "supervisord: no config file found at "
			    "the default paths (%s); use -c FILE\n", tried);
			return EXIT_CONFIG;
		}
		return run_daemon(path, NULL, false);
	}
	/* '+': the first non-option word is a command; stop there. */
	while ((ch = getopt_long(argc, argv, "+c:s:dhV", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			config_arg = optarg;
			break;
		case 's':
			sock_arg = optarg;
			break;
		case 'd':
			detach = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("supervisor %s\n", SUPERVISOR_VERSION);
			return 0;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind < argc)
		command = argv[optind];
	if (command != NULL && client_is_command(command))
		return client_run(find_config(config_arg, argv[0], tried,
		    sizeof(tried)), sock_arg, argc - optind, argv + optind);
	if (command != NULL)
		optind++;
	if (command != NULL && strcmp(command, "check") != 0) {
		fprintf(stderr, "supervisor: unknown command \"%s\"\n", command);
		usage(stderr);
		return EXIT_USAGE;
	}
	if (command != NULL && optind < argc &&
	    strcmp(argv[optind], "--strict") == 0) {
		strict = true;
		optind++;
	}
	if (optind < argc) {
		fprintf(stderr, "supervisor: unexpected argument \"%s\"\n",
		    argv[optind]);
		usage(stderr);
		return EXIT_USAGE;
	}
	if ((path = find_config(config_arg, argv[0], tried, sizeof(tried))) ==
	    NULL) {
		fprintf(stderr, "supervisor: no config file: tried %s (use -c "
		    "FILE)\n", tried);
		return EXIT_CONFIG;
	}
	if (command != NULL)
		return cmd_check(path, strict);
	return run_daemon(path, sock_arg, detach);
}
