/*
 * pidfile.c: the pidfile.  A new file, locked (flock) before it is
 * renamed into place, so that a reader never sees it half-written and the
 * lock lasts as long as the supervisor's main process holds it open.  A
 * second supervisor finds the lock taken and refuses to start; a file
 * nobody holds (its supervisor was SIGKILLed) is stale and taken over.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "pidfile.h"
#include "trust.h"

static int	 pid_fd = -1;		/* the locked file, while we hold it */
static char	*pid_path;
static dev_t	 pid_dev;		/* to remove it only if still ours */
static ino_t	 pid_ino;

/* The pid a running supervisor wrote, or -1. */
static long
read_pid(const char *path)
{
	char buf[32];
	ssize_t n;
	long pid;
	int fd;

	if ((fd = trust_open(path, O_RDONLY, 0, NULL)) == -1)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	pid = strtol(buf, NULL, 10);
	return pid > 0 ? pid : -1;
}

/* True when someone holds the lock of the file at path. */
static bool
held(const char *path)
{
	int fd;
	bool locked;

	/* Not through a link, not blocking on a FIFO put there. */
	if ((fd = trust_open(path, O_RDONLY, 0, NULL)) == -1)
		return false;
	locked = flock(fd, LOCK_SH | LOCK_NB) == -1 && errno == EWOULDBLOCK;
	close(fd);
	return locked;
}

/*
 * Writes pid to path, or says why not (logged) and returns -1: another
 * supervisor holds it, or the file can't be written.
 */
int
pidfile_acquire(const char *path, pid_t pid)
{
	char *tmp = NULL, *dir, why[TRUST_WHY];
	struct stat st, ours;
	int fd = -1;

	/* Where others could replace it, root's pidfile says nothing
	 * reliable: refused (a sticky directory such as /tmp is fine). */
	if ((dir = strdup(path)) == NULL) {
		log_error("pidfile %s: out of memory", path);
		return -1;
	}
	if (strrchr(dir, '/') != NULL)
		*(strrchr(dir, '/') == dir ? dir + 1 : strrchr(dir, '/')) = '\0';
	else
		strcpy(dir, ".");
	if (geteuid() == 0 &&
	    trust_dir_for_files(dir, why, sizeof(why)) == -1) {
		log_error("pidfile %s: %s", path, why);
		free(dir);
		return -1;
	}
	free(dir);
	if (held(path)) {
		log_error("pidfile %s: already running as pid %ld", path,
		    read_pid(path));
		return -1;
	}
	if (asprintf(&tmp, "%s.XXXXXX", path) == -1) {
		log_error("pidfile %s: out of memory", path);
		return -1;
	}
	if ((fd = mkostemp(tmp, O_CLOEXEC)) == -1) {
		log_warn("pidfile %s: create %s", path, tmp);
		free(tmp);
		return -1;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) == -1 || fchmod(fd, 0644) == -1 ||
	    dprintf(fd, "%ld\n", (long)pid) < 0 || fstat(fd, &ours) == -1 ||
	    rename(tmp, path) == -1) {
		log_warn("pidfile %s: write", path);
		unlink(tmp);
		close(fd);
		free(tmp);
		return -1;
	}
	free(tmp);
	/* Two started at once over a stale file: the last rename wins. */
	if (lstat(path, &st) == -1 || st.st_dev != ours.st_dev ||
	    st.st_ino != ours.st_ino) {
		log_error("pidfile %s: already running as pid %ld", path,
		    read_pid(path));
		close(fd);
		return -1;
	}
	if ((pid_path = strdup(path)) == NULL) {
		unlink(path);
		close(fd);
		log_error("pidfile %s: out of memory", path);
		return -1;
	}
	pid_fd = fd;
	pid_dev = ours.st_dev;
	pid_ino = ours.st_ino;
	return 0;
}

/* The main process is about to exit: the file goes, if it is still ours. */
void
pidfile_release(void)
{
	struct stat st;

	if (pid_fd == -1)
		return;
	if (lstat(pid_path, &st) == 0 && st.st_dev == pid_dev &&
	    st.st_ino == pid_ino && unlink(pid_path) == -1)
		log_warn("pidfile %s: remove", pid_path);
	close(pid_fd);
	pid_fd = -1;
	free(pid_path);
	pid_path = NULL;
}
