/*
 * daemon.c: detaching.  fork (the shell gets its prompt back from the
 * first process only when we say so), setsid (no controlling terminal),
 * fork again (never one again), chdir to [supervisor] directory or /,
 * umask, stdin and stdout to /dev/null.  Until the supervisor is up, its
 * stderr is a pipe to the first process, which keeps what comes and
 * prints it if the daemon never came up: the reason it failed.  A line
 * READY_LINE means it is up.  And becoming [supervisor] user.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "daemon.h"
#include "log.h"

#define READY_LINE	"\001supervisor is up\n"

static bool	detached;		/* this is the daemon */
static bool	reported;		/* READY_LINE sent, stderr let go */

/*
 * In the first process: waits until the daemon is up (0: say nothing) or
 * gone without being up (1: print what it said while starting, the
 * last 64 KB of it, which holds the reason).
 */
static int
wait_for_daemon(int fd)
{
	static char buf[64 * 1024 + 1];
	size_t len = 0, room;
	ssize_t n;

	for (;;) {
		if (len == sizeof(buf) - 1) {	/* keep the newest half */
			memmove(buf, buf + len / 2, len - len / 2);
			len -= len / 2;
		}
		room = sizeof(buf) - 1 - len;
		n = read(fd, buf + len, room);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
		buf[len] = '\0';
		if (strstr(buf, READY_LINE) != NULL)
			return 0;
	}
	(void)!write(STDERR_FILENO, buf, len);
	fprintf(stderr, "supervisor: the daemon did not start\n");
	return 1;
}

/*
 * Returns 1 in the process that was started, which should exit with
 * *exit_status; 0 in the daemon, in dir (NULL: /) with umask mask, as
 * supervisord's daemon; -1 (logged) when nothing was started.
 */
int
daemon_detach(const char *dir, int mask, int *exit_status)
{
	int report[2], null;
	pid_t pid;

	if (pipe2(report, O_CLOEXEC) == -1) {
		log_warn("daemon: pipe");
		return -1;
	}
	if ((pid = fork()) == -1) {
		log_warn("daemon: fork");
		close(report[0]);
		close(report[1]);
		return -1;
	}
	if (pid > 0) {
		close(report[1]);
		*exit_status = wait_for_daemon(report[0]);
		close(report[0]);
		(void)waitpid(pid, NULL, 0);
		return 1;
	}
	close(report[0]);
	if (setsid() == -1)
		_exit(1);
	if ((pid = fork()) == -1)
		_exit(1);
	if (pid > 0)
		_exit(0);
	if (chdir("/") == -1 || (null = open("/dev/null", O_RDWR)) == -1)
		_exit(1);
	(void)dup2(null, STDIN_FILENO);
	(void)dup2(null, STDOUT_FILENO);
	(void)dup2(report[1], STDERR_FILENO);
	close(null);
	close(report[1]);
	detached = true;
	log_tee_stderr(true);
	(void)umask((mode_t)mask);
	/* supervisord goes on where it is when it cannot: here, in /. */
	if (dir != NULL && chdir(dir) == -1)
		log_warn("directory: cannot change to %s; staying in /", dir);
	return 0;
}

/*
 * Becomes user (uid, gid: its primary group, and its other groups), for
 * good: what supervisord does first with [supervisord] user, before its
 * log, its socket and its pidfile are made.  Nothing to do when it is
 * already that user.  -1 (logged) when it cannot.
 */
int
daemon_become(const char *user, uid_t uid, gid_t gid)
{
	if (getuid() == uid && geteuid() == uid)
		return 0;
	if (geteuid() != 0) {
		log_error("user: cannot run as %s (uid %u): only root can "
		    "change its user", user, (unsigned)uid);
		return -1;
	}
	if (initgroups(user, gid) == -1) {
		log_warn("user: initgroups %s", user);
		return -1;
	}
	if (setgid(gid) == -1 || setuid(uid) == -1) {
		log_warn("user: cannot become %s (uid %u)", user,
		    (unsigned)uid);
		return -1;
	}
	/* For good: no way back to root. */
	if (uid != 0 && setuid(0) == 0) {
		log_error("user: could still become root after becoming %s",
		    user);
		return -1;
	}
	return 0;
}

/* A detached supervisor not up yet: its stderr is the start-up pipe. */
bool
daemon_starting(void)
{
	return detached && !reported;
}

/* Lets go of the start-up pipe: stderr becomes /dev/null. */
void
daemon_quiet(void)
{
	int null;

	if (!detached || reported)
		return;
	reported = true;
	log_tee_stderr(false);
	if ((null = open("/dev/null", O_WRONLY | O_CLOEXEC)) != -1) {
		(void)dup2(null, STDERR_FILENO);
		close(null);
	}
}

/* The supervisor is up: the starting command may exit 0. */
void
daemon_ready(void)
{
	if (!detached || reported)
		return;
	(void)!write(STDERR_FILENO, READY_LINE, sizeof(READY_LINE) - 1);
	daemon_quiet();
}
