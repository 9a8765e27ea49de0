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

/*
 * Removes the AUTO logs of identifier from dir.  The directory is
 * opened without following a link; each entry is checked (a regular
 * file, ours) without following one, and only its name is removed
 * (unlinkat), so a name swapped meanwhile costs at most that name, in
 * this directory.  A log a live process has open stays.  Problems are
 * logged; nothing stops the start.
 */
void
childlogdir_clean(const char *dir, const char *identifier)
{
	struct old_log *logs = NULL, *nl;
	struct dirent *de;
	struct stat st;
	size_t n = 0, i, removed = 0, kept = 0;
	DIR *d;
	int fd;

	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC)) == -1) {
		if (errno != ENOENT)
			log_warn("childlogdir: cannot clean %s of old AUTO logs",
			    dir);
		return;
	}
	if ((d = fdopendir(fd)) == NULL) {
		log_warn("childlogdir: %s", dir);
		close(fd);
		return;
	}
	while ((errno = 0, de = readdir(d)) != NULL) {
		if (!childlogdir_is_auto(de->d_name, identifier))
			continue;
		if (fstatat(fd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) == -1 ||
		    !S_ISREG(st.st_mode) || st.st_uid != geteuid())
			continue;
		if ((nl = realloc(logs, (n + 1) * sizeof(*nl))) == NULL)
			break;
		logs = nl;
		if ((logs[n].ol_name = strdup(de->d_name)) == NULL)
			break;
		logs[n].ol_dev = st.st_dev;
		logs[n].ol_ino = st.st_ino;
		logs[n].ol_open = false;
		n++;
	}
	if (errno != 0)
		log_warn("childlogdir: reading %s", dir);
	if (n > 0)
		mark_open(logs, n);
	for (i = 0; i < n; i++) {
		if (logs[i].ol_open)
			kept++;
		else if (unlinkat(fd, logs[i].ol_name, 0) == 0)
			removed++;
		else if (errno != ENOENT)
			log_warn("childlogdir: cannot remove %s/%s", dir,
			    logs[i].ol_name);
		free(logs[i].ol_name);
	}
	free(logs);
	closedir(d);
	if (removed > 0)
		log_info("childlogdir: removed %zu old AUTO log%s of %s from %s "
		    "(nocleanup = true keeps them)", removed,
		    removed == 1 ? "" : "s", identifier, dir);
	if (kept > 0)
		log_info("childlogdir: kept %zu AUTO log%s of %s in %s that a "
		    "running process still writes", kept, kept == 1 ? "" : "s",
		    identifier, dir);
}
