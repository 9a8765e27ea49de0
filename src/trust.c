/*
 * trust.c: paths that only root (or the supervisor's own user) controls.
 * A name looked up in a directory is only as safe as that directory: if
 * others can write it, they can replace the name with their own file or a
 * link to anything.  So a path is walked one name at a time from /, as the
 * kernel would resolve it, links expanded here, and every directory a name
 * is looked up in is checked (sshd's StrictModes, over the whole path, and
 * over every link's path too).  A directory others can write to is only
 * crossed when it is sticky and the entry in it is root's (or ours): there
 * nobody else can rename or remove it, as in /tmp.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "trust.h"

#define TRUST_LINKS_MAX	40	/* links followed in one path, as Linux */

/* Root and the supervisor's own user: whose files the supervisor believes. */
bool
trust_uid(uid_t uid)
{
	return uid == 0 || uid == geteuid();
}

/*
 * Can someone else write st?  Its group may write it when that group is
 * root's (a checkout copied under umask 002 is mode 0664, group root).
 */
static bool
others_can_write(const struct stat *st)
{
	return !trust_uid(st->st_uid) || (st->st_mode & S_IWOTH) != 0 ||
	    ((st->st_mode & S_IWGRP) != 0 && st->st_gid != 0);
}

static int
refuse(char *why, size_t len, const char *fmt, const char *path,
    const struct stat *st)
{
	snprintf(why, len, fmt, path, (int)st->st_uid,
	    (unsigned)(st->st_mode & 07777));
	errno = EPERM;
	return -1;
}

/* Puts "WHAT: strerror(errno)" in why; -1, errno kept. */
static int
say(char *why, size_t len, const char *what)
{
	int err = errno;

	snprintf(why, len, "%s: %s", what, strerror(err));
	errno = err;
	return -1;
}

/*
 * Walks path (made absolute from the working directory), each name looked
 * up in a directory checked as above.  The end must be a directory when
 * want_dir, else a regular file that only trusted users can write.  On
 * success, real holds the path with every link resolved and *st its end.
 */
static int
walk(const char *path, bool want_dir, char *real, size_t reallen,
    struct stat *st, char *why, size_t whylen)
{
	char resolved[PATH_MAX], todo[PATH_MAX * 2], link[PATH_MAX];
	char name[NAME_MAX + 1], *slash;
	struct stat dir, ent;
	size_t len;
	ssize_t n;
	int links = 0;

	if (path[0] == '/')
		snprintf(todo, sizeof(todo), "%s", path);
	else if (getcwd(resolved, sizeof(resolved)) == NULL)
		return say(why, whylen, "getcwd");
	else
		snprintf(todo, sizeof(todo), "%s/%s", resolved, path);
	strcpy(resolved, "/");
	if (lstat("/", &dir) == -1)
		return say(why, whylen, "/");
	if (others_can_write(&dir) && (dir.st_mode & S_ISVTX) == 0)
		return refuse(why, whylen, "%s is a directory others can write "
		    "to (owner uid %d, mode %04o)", "/", &dir);
	ent = dir;
	for (;;) {
		char *p = todo;

		while (*p == '/')
			p++;
		if (*p == '\0')
			break;
		len = strcspn(p, "/");
		if (len > NAME_MAX) {
			errno = ENAMETOOLONG;
			return say(why, whylen, path);
		}
		memcpy(name, p, len);
		name[len] = '\0';
		memmove(todo, p + len, strlen(p + len) + 1);
		if (strcmp(name, ".") == 0)
			continue;
		if (strcmp(name, "..") == 0) {
			/* Back up to a directory already crossed. */
			if ((slash = strrchr(resolved, '/')) != NULL)
				slash[slash == resolved ? 1 : 0] = '\0';
			if (lstat(resolved, &dir) == -1)
				return say(why, whylen, resolved);
			continue;
		}
		if (strlen(resolved) + len + 2 > sizeof(resolved)) {
			errno = ENAMETOOLONG;
			return say(why, whylen, path);
		}
		if (strcmp(resolved, "/") != 0)
			strcat(resolved, "/");
		strcat(resolved, name);
		if (lstat(resolved, &ent) == -1)
			return say(why, whylen, resolved);
		/* Looked up in dir: could anyone else have put it there? */
		if (others_can_write(&dir) && ((dir.st_mode & S_ISVTX) == 0 ||
		    !trust_uid(ent.st_uid))) {
			if ((dir.st_mode & S_ISVTX) == 0) {
				*strrchr(resolved, '/') = '\0';
				return refuse(why, whylen, "%s is a directory "
				    "others can write to (owner uid %d, mode "
				    "%04o)", resolved[0] ? resolved : "/",
				    &dir);
			}
			return refuse(why, whylen, "%s is another user's, in a "
			    "directory others can write to (owner uid %d, "
			    "mode %04o)", resolved, &ent);
		}
		if (S_ISLNK(ent.st_mode)) {
			if (++links > TRUST_LINKS_MAX) {
				errno = ELOOP;
				return say(why, whylen, path);
			}
			if ((n = readlink(resolved, link, sizeof(link) - 1)) ==
			    -1)
				return say(why, whylen, resolved);
			link[n] = '\0';
			if (strlen(link) + strlen(todo) + 2 > sizeof(todo)) {
				errno = ENAMETOOLONG;
				return say(why, whylen, path);
			}
			/* The link's target, then what was left of the path. */
			memmove(todo + strlen(link) + 1, todo,
			    strlen(todo) + 1);
			memcpy(todo, link, strlen(link));
			todo[strlen(link)] = '/';
			if (link[0] == '/')
				strcpy(resolved, "/");
			else
				*strrchr(resolved, '/') = '\0';
			if (resolved[0] == '\0')
				strcpy(resolved, "/");
			if (lstat(resolved, &dir) == -1)
				return say(why, whylen, resolved);
			continue;
		}
		if (S_ISDIR(ent.st_mode)) {
			dir = ent;
			continue;
		}
		/* Not a directory: it must be the end. */
		while (todo[0] == '/' && todo[1] == '/')
			memmove(todo, todo + 1, strlen(todo));
		if (strcmp(todo, "") != 0 && strcmp(todo, "/") != 0) {
			errno = ENOTDIR;
			return say(why, whylen, resolved);
		}
		break;
	}
	if (want_dir ? !S_ISDIR(ent.st_mode) : !S_ISREG(ent.st_mode)) {
		snprintf(why, whylen, "%s is not a %s", resolved,
		    want_dir ? "directory" : "regular file");
		errno = want_dir ? ENOTDIR : S_ISDIR(ent.st_mode) ? EISDIR :
		    EINVAL;
		return -1;
	}
	if (!want_dir && others_can_write(&ent))
		return refuse(why, whylen, "%s is a file others can write "
		    "(owner uid %d, mode %04o)", resolved, &ent);
	if (real != NULL)
		snprintf(real, reallen, "%s", resolved);
	if (st != NULL)
		*st = ent;
	return 0;
}

/*
 * A file root is about to believe (a config file): 0 when no one but
 * root (or us) can have written it or anything leading to it; else -1
 * with why.  real gets the path with links resolved, to open.
 */
int
trust_file(const char *path, char *real, size_t reallen, struct stat *st,
    char *why, size_t whylen)
{
	return walk(path, false, real, reallen, st, why, whylen);
}

/*
 * The directories leading to dir (not dir itself: a program's own log
 * directory may be its user's) can be changed only by trusted users, so
 * dir is the directory it was when the walk ended.  0, or -1 with why.
 */
int
trust_path_to(const char *dir, char *why, size_t whylen)
{
	return walk(dir, true, NULL, 0, NULL, why, whylen);
}

/*
 * A directory the supervisor creates files in (its socket, its pidfile):
 * 0 when others can't replace them once made (the directory is ours, or
 * sticky) and the path to it is trusted; else -1 with why.
 */
int
trust_dir_for_files(const char *dir, char *why, size_t whylen)
{
	struct stat st;

	if (walk(dir, true, NULL, 0, &st, why, whylen) == -1)
		return -1;
	if (others_can_write(&st) && (st.st_mode & S_ISVTX) == 0)
		return refuse(why, whylen, "%s is a directory others can write "
		    "to (owner uid %d, mode %04o)", dir, &st);
	return 0;
}

/*
 * Opens a file that may sit where others can write: never through a link
 * (O_NOFOLLOW), never blocking on a FIFO (O_NONBLOCK, which regular files
 * ignore), and only a regular file with one name (a hard link to another
 * file is refused: EMLINK).  st gets what was opened.  -1 with errno.
 */
int
trust_openat(int dirfd, const char *name, int flags, mode_t mode,
    struct stat *st)
{
	struct stat mine;
	int fd, err;

	if (st == NULL)
		st = &mine;
	fd = openat(dirfd, name, flags | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC,
	    mode);
	if (fd == -1)
		return -1;
	if (fstat(fd, st) == -1) {
		err = errno;
		close(fd);
		errno = err;
		return -1;
	}
	if (!S_ISREG(st->st_mode) || st->st_nlink > 1) {
		close(fd);
		errno = S_ISREG(st->st_mode) ? EMLINK : EINVAL;
		return -1;
	}
	return fd;
}

int
trust_open(const char *path, int flags, mode_t mode, struct stat *st)
{
	return trust_openat(AT_FDCWD, path, flags, mode, st);
}
