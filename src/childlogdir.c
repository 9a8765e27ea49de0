/*
 * childlogdir.c: the AUTO logs an earlier run left in childlogdir,
 * removed when the supervisor starts (unless nocleanup), as supervisord
 * removes its own: only names made like ours, for this identifier, only
 * regular files of our own user that no live process has open, never
 * through a link.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "childlogdir.h"
#include "log.h"

/* The random part logfile.c puts in an AUTO log's name. */
#define RANDOM_LEN	6

/*
 * Whether name is an AUTO log of identifier, as config_program.c and
 * logfile.c name them: PROCESS-STREAM---IDENTIFIER-XXXXXX.log, or a
 * rotated one of them, .log.N.
 */
bool
childlogdir_is_auto(const char *name, const char *identifier)
{
	static const char *const streams[] = { "-stdout---", "-stderr---" };
	size_t len = strlen(name), ilen = strlen(identifier), i, end = len;

	/* .N, a backup */
	while (end > 0 && isdigit((unsigned char)name[end - 1]))
		end--;
	if (end < len) {
		if (end == 0 || name[end - 1] != '.' || len - end > 9)
			return false;
		end--;
	}
	if (end < 4 || memcmp(name + end - 4, ".log", 4) != 0)
		return false;
	end -= 4;
	if (end < RANDOM_LEN + 1)
		return false;
	for (i = end - RANDOM_LEN; i < end; i++)
		if (!isalnum((unsigned char)name[i]))
			return false;
	end -= RANDOM_LEN;
	if (name[--end] != '-' || end < ilen ||
	    memcmp(name + end - ilen, identifier, ilen) != 0)
		return false;
	end -= ilen;
	/* PROCESS (at least one byte), then -stdout--- or -stderr--- */
	for (i = 0; i < 2; i++)
		if (end > 10 && memcmp(name + end - 10, streams[i], 10) == 0)
			return true;
	return false;
}

/* An old AUTO log found, and whether a live process still writes it. */
struct old_log {
	char	*ol_name;
	dev_t	 ol_dev;
	ino_t	 ol_ino;
	bool	 ol_open;
};

/*
 * Marks the logs some process has open: another supervisor that shares
 * the directory (/tmp, the default) and the identifier still writes
 * them.  Only the processes we may look into are seen: ours, all of
 * them as root; the files are ours, and so are their writers.
 */
static void
mark_open(struct old_log *logs, size_t n)
{
	char path[300];
	struct dirent *pe, *fe;
	struct stat st;
	DIR *procs, *fds;
	size_t i;

	if ((procs = opendir("/proc")) == NULL)
		return;
	while ((pe = readdir(procs)) != NULL) {
		if (!isdigit((unsigned char)pe->d_name[0]))
			continue;
		snprintf(path, sizeof(path), "/proc/%s/fd", pe->d_name);
		if ((fds = opendir(path)) == NULL)
			continue;
		while ((fe = readdir(fds)) != NULL) {
			if (fe->d_name[0] == '.' || fstatat(dirfd(fds),
			    fe->d_name, &st, 0) == -1 || !S_ISREG(st.st_mode))
				continue;
			for (i = 0; i < n; i++)
				if (logs[i].ol_dev == st.st_dev &&
				    logs[i].ol_ino == st.st_ino)
					logs[i].ol_open = true;
		}
		closedir(fds);
	}
	closedir(procs);
}

/* The old AUTO logs found in one directory, to be removed. */
struct childlogdir_old {
	DIR		*co_dir;
	char		*co_path;
	char		*co_identifier;
	struct old_log	*co_logs;
	size_t		 co_n;
};

static void
childlogdir_forget(struct childlogdir_old *old)
{
	size_t i;

	if (old == NULL)
		return;
	for (i = 0; i < old->co_n; i++)
		free(old->co_logs[i].ol_name);
	free(old->co_logs);
	if (old->co_dir != NULL)
		closedir(old->co_dir);
	free(old->co_path);
	free(old->co_identifier);
	free(old);
}

/*
 * The AUTO logs of identifier in dir changed before began (the coarse
 * real-time clock, the one file times are taken from, read before the
 * first program started: none of this run's is among them), removed by
 * childlogdir_clean.  Both run in the guardian while the programs start:
 * reading a directory of thousands (a busy /tmp, the default) and every
 * process's descriptors takes milliseconds a start need not wait for.
 * The directory is opened without following a link; each entry is
 * checked (a regular file, ours) without following one.  NULL when
 * there is nothing to remove; problems are logged, nothing stops the
 * start.
 */
struct childlogdir_old *
childlogdir_find(const char *dir, const char *identifier,
    const struct timespec *began)
{
	struct childlogdir_old *old;
	struct old_log *nl;
	struct dirent *de;
	struct stat st;
	int fd;

	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC)) == -1) {
		if (errno != ENOENT)
			log_warn("childlogdir: cannot clean %s of old AUTO logs",
			    dir);
		return NULL;
	}
	if ((old = calloc(1, sizeof(*old))) == NULL ||
	    (old->co_path = strdup(dir)) == NULL ||
	    (old->co_identifier = strdup(identifier)) == NULL) {
		log_warn("childlogdir: %s", dir);
		childlogdir_forget(old);
		close(fd);
		return NULL;
	}
	if ((old->co_dir = fdopendir(fd)) == NULL) {
		log_warn("childlogdir: %s", dir);
		close(fd);
		childlogdir_forget(old);
		return NULL;
	}
	while ((errno = 0, de = readdir(old->co_dir)) != NULL) {
		if (!childlogdir_is_auto(de->d_name, identifier))
			continue;
		if (fstatat(fd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) == -1 ||
		    !S_ISREG(st.st_mode) || st.st_uid != geteuid())
			continue;
		/* Made or changed since: this run's (the same instant, too). */
		if (st.st_ctim.tv_sec > began->tv_sec ||
		    (st.st_ctim.tv_sec == began->tv_sec &&
		    st.st_ctim.tv_nsec >= began->tv_nsec))
			continue;
		if ((nl = reallocarray(old->co_logs, old->co_n + 1,
		    sizeof(*nl))) == NULL)
			break;
		old->co_logs = nl;
		if ((nl[old->co_n].ol_name = strdup(de->d_name)) == NULL)
			break;
		nl[old->co_n].ol_dev = st.st_dev;
		nl[old->co_n].ol_ino = st.st_ino;
		nl[old->co_n].ol_open = false;
		old->co_n++;
	}
	if (errno != 0)
		log_warn("childlogdir: reading %s", dir);
	if (old->co_n == 0) {
		childlogdir_forget(old);
		return NULL;
	}
	return old;
}

/*
 * Removes what childlogdir_find found, but for the logs some live process
 * has open (another supervisor sharing the directory and identifier);
 * only the names are removed (unlinkat), so a name swapped meanwhile
 * costs at most that name, in this directory.  Frees old.
 */
void
childlogdir_clean(struct childlogdir_old *old)
{
	size_t i, removed = 0, kept = 0;
	int fd;

	if (old == NULL)
		return;
	fd = dirfd(old->co_dir);
	mark_open(old->co_logs, old->co_n);
	for (i = 0; i < old->co_n; i++) {
		if (old->co_logs[i].ol_open)
			kept++;
		else if (unlinkat(fd, old->co_logs[i].ol_name, 0) == 0)
			removed++;
		else if (errno != ENOENT)
			log_warn("childlogdir: cannot remove %s/%s",
			    old->co_path, old->co_logs[i].ol_name);
	}
	if (removed > 0)
		log_info("childlogdir: removed %zu old AUTO log%s of %s from %s "
		    "(nocleanup = true keeps them)", removed,
		    removed == 1 ? "" : "s", old->co_identifier, old->co_path);
	if (kept > 0)
		log_info("childlogdir: kept %zu AUTO log%s of %s in %s that a "
		    "running process still writes", kept, kept == 1 ? "" : "s",
		    old->co_identifier, old->co_path);
	childlogdir_forget(old);
}
