/*
 * main.c: the command line, mode dispatch (run the supervisor, or check a
 * config file) and the start-up and exit of the daemon.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ev.h>

#include "capture.h"
#include "client.h"
#include "command.h"
#include "config.h"
#include "control.h"
#include "daemon.h"
#include "guardian.h"
#include "log.h"
#include "notify.h"
#include "pidfile.h"
#include "proctable.h"
#include "reload.h"
#include "service.h"
#include "signals.h"
#include "sink.h"
#include "spawn.h"
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
	    "                     then /etc/supervisor.ini)\n"
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
	    "  check              validate the config file and its includes;\n"
	    "                     print each problem\n"
	    "                     as FILE:LINE: message; exit 0 when valid, 78\n"
	    "                     when not\n"
	    "  status [--json] [NAME|PROGRAM:*|all]...\n"
	    "                     state of the running supervisor's processes\n"
	    "  start|stop|restart [--no-wait] NAME|PROGRAM:*|all...\n"
	    "                     and wait until done (RUNNING; tree gone)\n"
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

static const char *
find_config(const char *given)
{
	size_t i;

	if (given != NULL)
		return given;
	for (i = 0; i < sizeof(default_configs) / sizeof(default_configs[0]);
	    i++)
		if (access(default_configs[i], F_OK) == 0)
			return default_configs[i];
	return NULL;
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
cmd_check(const char *path)
{
	struct config_msgs msgs;
	struct config *cf;
	size_t i, n = 0;

	cf = config_load(path, &msgs);
	print_msgs(&msgs, false);
	config_msgs_free(&msgs);
	if (cf == NULL)
		return EXIT_CONFIG;
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
	struct reload_result r;

	reload_run("the config file changed", false, &r);
	reload_result_free(&r);
}

/* A reload was applied: its files are the ones to watch now. */
static void
config_applied(const struct config *cf)
{
	watch_follow(cf);
	capture_set_strip_ansi(cf->cf_strip_ansi);
}

/* The control socket's requests go to command.c. */
static const struct control_handler command_handler = {
	command_run, command_client_gone, command_client_drained,
};

/*
 * The supervisor proper, in the guardian's child.  Who listens to whom
 * is decided here: the table, the teardown, the commands and the service
 * manager's view observe the processes, in that order.
 */
static int
supervise(struct config *cf, const char *path)
{
	int signums[] = { SIGTERM, SIGINT, SIGQUIT, SIGHUP, SIGUSR1, SIGUSR2,
	    GUARDIAN_DEATH_SIGNAL };
	size_t i;
	int status;

	loop = ev_default_loop(EVFLAG_AUTO | EVFLAG_SIGNALFD);
	if (loop == NULL) {
		log_error("cannot initialise the event loop");
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
		return 1;
	}
	teardown_init(loop, teardown_done);
	capture_set_strip_ansi(cf->cf_strip_ansi);
	reload_init(cf);
	reload_set_applied(config_applied);
	watch_start(loop, cf, config_changed);
	command_init(loop, guardian_pid, begin_teardown);
	control_start(loop, &command_handler);
	log_info("supervisor %s started as pid %d (guardian pid %d) with %s "
	    "(%zu process%s)", SUPERVISOR_VERSION, (int)getpid(),
	    (int)guardian_pid, path, proctable_count(),
	    proctable_count() == 1 ? "" : "es");
	if (getppid() != guardian_pid)
		begin_teardown("the guardian died");
	else
		proctable_start_autostart();
	service_start(loop, guardian_pid);
	daemon_ready();
	log_start(loop);		/* if not yet */
	ev_run(loop, 0);

	status = teardown_exit_status();
	command_finish(status);
	control_close();
	command_free();
	watch_stop();
	service_stop();
	teardown_free();
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

static int	run_guarded(struct config *, const char *, const char *);

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
	cf = config_load(path, &msgs);
	print_msgs(&msgs, true);
	config_msgs_free(&msgs);
	if (cf == NULL) {
		log_error("%s: invalid configuration; not starting", path);
		return EXIT_CONFIG;
	}
	detach = detach || !cf->cf_nodaemon;
	/*
	 * A detached supervisor is in /: reloads must read the file (and
	 * its includes) by absolute paths.  Loaded again so; its messages
	 * were shown already.
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
	if (detach) {
		switch (daemon_detach(&status)) {
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
	status = run_guarded(cf, path, sock_arg);
	config_free(cf);
	free(abs);
	return status;
}

/*
 * The config loaded (and detached, if asked): log, pidfile, control
 * socket, then the split into guardian and supervisor.
 */
static int
run_guarded(struct config *cf, const char *path, const char *sock_arg)
{
	char *sock_path;
	bool sock_default;
	pid_t child;
	int status;

	log_set_level(cf->cf_loglevel);
	if (log_configure(&cf->cf_log) == -1) {
		log_warn("logfile: open %s", cf->cf_log.lc_path);
		return 1;
	}
	if (spawn_set_limits(cf->cf_minfds, cf->cf_minprocs) == -1)
		return 1;
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
	free(sock_path);
	/* Children get default dispositions back in spawn.c. */
	signal(SIGPIPE, SIG_IGN);
	guardian_pid = getpid();
	tree_guardian_init();
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
	} else {
		control_close();	/* the supervisor answers */
		log_share();		/* and rotates the log */
		daemon_quiet();		/* and reports that it is up */
		tree_guardian_watch(child);
		status = guardian_run(cf, child);
		control_unlink();
		pidfile_release();
	}
	log_close();
	return status;
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
	bool detach = false;
	int ch;

	/* Before anything is opened: which descriptors a log may name. */
	logfile_note_inherited();
	guardian_note_parent();
	reset_signals();
	ensure_std_fds();
	log_init("supervisor");
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
		return client_run(find_config(config_arg), sock_arg,
		    argc - optind, argv + optind);
	if (command != NULL)
		optind++;
	if (command != NULL && strcmp(command, "check") != 0) {
		fprintf(stderr, "supervisor: unknown command \"%s\"\n", command);
		usage(stderr);
		return EXIT_USAGE;
	}
	if (optind < argc) {
		fprintf(stderr, "supervisor: unexpected argument \"%s\"\n",
		    argv[optind]);
		usage(stderr);
		return EXIT_USAGE;
	}
	if ((path = find_config(config_arg)) == NULL) {
		fprintf(stderr, "supervisor: no config file: tried "
		    "./supervisor.ini and /etc/supervisor.ini (use -c FILE)\n");
		return EXIT_CONFIG;
	}
	if (command != NULL)
		return cmd_check(path);
	return run_daemon(path, sock_arg, detach);
}
