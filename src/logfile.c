/*
 * logfile.c: one log being written.  A file is rotated by size (log ->
 * log.1 ... log.N) and never grows past maxbytes; a fault (no directory,
 * no permission, a full disk, a removed file) is reported once, the bytes
 * that could not be written are counted, and writing resumes by itself.
 * The supervisor's stdout, stderr or another descriptor it was started
 * with is opened so that a write never blocks (open_fd says how).  Who
 * writes a log, and in what order, is sink.c's business.
 */
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/fsuid.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "logfile.h"
#include "monotime.h"
#include "relay.h"
#include "trust.h"

#define CHECK_INTERVAL	1.0	/* seconds between open retries and checks */
#define LOGFILE_IOV	64	/* iovecs in one writev */
#define INHERITED_MAX	1024	/* descriptors noted at start-up */

/* Where a log says what went wrong (log.c's messages). */
static void	(*reporter)(enum logfile_say, const char *, bool own);
/* Descriptors above 2 the supervisor was started with, a bit each. */
static unsigned char	inherited[INHERITED_MAX / 8];

/*
 * Every log reports through fn; own: the supervisor's own log, which
 * can't report its faults to itself (log.c puts them on stderr).
 */
void
logfile_set_reporter(void (*fn)(enum logfile_say, const char *, bool own))
{
	reporter = fn;
}

/*
 * Called first thing, before anything is opened: the descriptors the
 * supervisor was started with, which a log may name (/dev/fd/N).  Any
 * other number is, or will be, a descriptor of the supervisor's own (its
 * control socket, the event loop's), which no program may write into.
 */
void
logfile_note_inherited(void)
{
	struct dirent *de;
	DIR *dir;
	int fd, self;

	memset(inherited, 0, sizeof(inherited));
	/* One directory read rather than a thousand fcntl calls: the
	 * start-up of a container's init is counted in milliseconds. */
	if ((dir = opendir("/proc/self/fd")) != NULL) {
		self = dirfd(dir);
		while ((de = readdir(dir)) != NULL) {
			fd = atoi(de->d_name);
			if (de->d_name[0] >= '0' && de->d_name[0] <= '9' &&
			    fd > 2 && fd < INHERITED_MAX && fd != self)
				inherited[fd / 8] |=
				    (unsigned char)(1 << (fd % 8));
		}
		closedir(dir);
		return;
	}
	for (fd = 3; fd < INHERITED_MAX; fd++)	/* no /proc */
		if (fcntl(fd, F_GETFD) != -1)
			inherited[fd / 8] |= (unsigned char)(1 << (fd % 8));
}

/* True when a log may write descriptor fd: 0, 1, 2, or noted above. */
bool
logfile_fd_given(int fd)
{
	return fd >= 0 && (fd <= 2 || (fd < INHERITED_MAX &&
	    (inherited[fd / 8] & (1 << (fd % 8))) != 0));
}

static void
report(struct logfile *lf, int err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
report(struct logfile *lf, int err, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if (reporter == NULL)
		dprintf(STDERR_FILENO, "supervisor: %s%s%s\n", msg,
		    err ? ": " : "", err ? strerror(err) : "");
	else if (err != 0) {
		char full[1200];

		snprintf(full, sizeof(full), "%s: %s", msg, strerror(err));
		reporter(LOGFILE_SAY_WARN, full, lf->lf_own);
	} else
		reporter(LOGFILE_SAY_INFO, msg, lf->lf_own);
}

static const char *
dest_name(const struct logfile *lf)
{
	static char fd_name[64];

	switch (lf->lf_conf.lc_dest) {
	case LOG_TO_FILE:
		return lf->lf_path != NULL ? lf->lf_path : lf->lf_conf.lc_path;
	case LOG_TO_STDOUT:
		return "the supervisor's stdout";
	case LOG_TO_STDERR:
		return "the supervisor's stderr";
	case LOG_TO_FD:
		snprintf(fd_name, sizeof(fd_name), "the supervisor's "
		    "descriptor %d", lf->lf_conf.lc_fd);
		return fd_name;
	default:
		return "nowhere";
	}
}

/* The start of a fault: said once, until writing works again. */
static void
fault(struct logfile *lf, int err, const char *what)
{
	if (lf->lf_fault != 0)
		return;
	lf->lf_fault = err;
	lf->lf_lost_now = 0;
	report(lf, err, "%s: %s %s (output is dropped and counted until it "
	    "can be written)", lf->lf_name, what, dest_name(lf));
}

static void
fault_over(struct logfile *lf)
{
	if (lf->lf_fault == 0)
		return;
	lf->lf_fault = 0;
	report(lf, 0, "%s: writing %s again; %llu bytes were lost",
	    lf->lf_name, dest_name(lf), lf->lf_lost_now);
}

static void
lost(struct logfile *lf, size_t n)
{
	lf->lf_lost += n;
	lf->lf_lost_now += n;
}

void
logfile_init(struct logfile *lf, const char *name, bool own)
{
	memset(lf, 0, sizeof(*lf));
	lf->lf_name = name;
	lf->lf_fd = -1;
	lf->lf_own = own;
	lf->lf_conf.lc_dest = LOG_TO_NONE;
}

/*
 * The supervisor's stdout, stderr or another descriptor it was started
 * with (which), as a descriptor of the log's that the loop writes without
 * ever blocking:
 *   a socket (journald, some container runtimes): a copy, written with
 *   MSG_DONTWAIT, which asks each call alone not to wait;
 *   a regular file or a block device: a copy, as a write there never
 *   waits for a reader;
 *   a pipe, a FIFO or a terminal: opened anew through /proc/self/fd/N,
 *   with O_NONBLOCK on the new open file description, which is ours.
 * O_NONBLOCK is never set (F_SETFL) on the descriptor we were given: its
 * open file description is shared with whoever else holds it (the
 * guardian, the shell or container runtime that started us and its other
 * children), for whom it would change too: a shell whose terminal turned
 * non-blocking under it sees its reads fail with EAGAIN and exits.  Nor
 * is the flag relied on when someone else set it there (F_GETFL), as
 * they may clear it again at any time.  So when the descriptor cannot be
 * opened anew (another user's pipe: EACCES, as in a container whose USER
 * is not root; a FIFO with no reader yet: ENXIO), a relay's thread
 * writes a copy of it with blocking writes, and the loop writes into the
 * relay's pipe (relay.c).
 */
static int
open_fd(struct logfile *lf, int which)
{
	char path[40];
	struct stat st;
	int fd, copy, err;

	if (!logfile_fd_given(which) || fstat(which, &st) == -1) {
		errno = EBADF;
		return -1;
	}
	if (S_ISSOCK(st.st_mode))
		lf->lf_send = true;
	else if (S_ISFIFO(st.st_mode) || S_ISCHR(st.st_mode)) {
		snprintf(path, sizeof(path), "/proc/self/fd/%d", which);
		fd = open(path, O_WRONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
		if (fd != -1)
			return fd;
		err = errno;
		if ((copy = fcntl(which, F_DUPFD_CLOEXEC, 3)) == -1)
			return -1;
		if ((lf->lf_relay = relay_start(copy)) == NULL) {
			err = errno;
			close(copy);
			errno = err;
			return -1;
		}
		lf->lf_relay_seen = 0;
		report(lf, 0, "%s: %s cannot be opened anew to be written "
		    "without blocking (%s); a thread of its own writes it",
		    lf->lf_name, dest_name(lf), strerror(err));
		return relay_fd(lf->lf_relay);
	}
	return fcntl(which, F_DUPFD_CLOEXEC, 3);
}

/* "-XXXXXX" after an AUTO log's prefix: six letters nobody can guess. */
static int
random_suffix(char *buf, size_t len)
{
	static const char chars[] = "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
	unsigned char r[6];
	size_t i;

	if (len < sizeof(r) + 1 || getrandom(r, sizeof(r), 0) !=
	    (ssize_t)sizeof(r))
		return -1;
	for (i = 0; i < sizeof(r); i++)
		buf[i] = chars[r[i] % (sizeof(chars) - 1)];
	buf[i] = '\0';
	return 0;
}

/*
 * Opens a log file never through a link (O_NOFOLLOW), never blocking (a
 * FIFO).  As root, when the directories that lead to the file's directory
 * are root's alone, root opens it; when someone else controls one (a
 * home directory), the path could be bent to any file of root's, so it
 * is opened as the program's user (setfsuid: the kernel checks that
 * user's rights along the whole path, and a file made is that user's),
 * or refused (said once) when the program runs as root.
 */
static int
log_open(struct logfile *lf, const char *path, int flags, mode_t mode)
{
	char why[TRUST_WHY], *dir, *slash;
	int fd, err, uid, gid;

	flags |= O_WRONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC;
	if (geteuid() != 0)
		return open(path, flags, mode);
	if ((dir = strdup(path)) == NULL)
		return -1;
	if ((slash = strrchr(dir, '/')) != NULL)
		slash[slash == dir ? 1 : 0] = '\0';
	if (trust_path_to(dir, why, sizeof(why)) == 0) {
		free(dir);
		return open(path, flags, mode);
	}
	err = errno;
	free(dir);
	if (err != EPERM) {
		errno = err;
		return -1;
	}
	if (lf->lf_conf.lc_uid < 0 || lf->lf_own) {
		report(lf, 0, "%s: not writing to %s as root: %s", lf->lf_name,
		    path, why);
		errno = EACCES;
		return -1;
	}
	uid = setfsuid((uid_t)lf->lf_conf.lc_uid);
	gid = setfsgid((gid_t)lf->lf_conf.lc_gid);
	fd = open(path, flags, mode);
	err = errno;
	(void)setfsgid((gid_t)gid);
	(void)setfsuid((uid_t)uid);
	errno = err;
	return fd;
}

/* A regular file with one name, ours or the program's user's (opened as
 * that user): what an AUTO log must stay. */
static bool
is_our_file(const struct logfile *lf, const struct stat *st)
{
	return S_ISREG(st->st_mode) && st->st_nlink == 1 &&
	    (trust_uid(st->st_uid) || (lf->lf_conf.lc_uid >= 0 &&
	    st->st_uid == (uid_t)lf->lf_conf.lc_uid));
}

/*
 * An AUTO log, in a directory others may write to (/tmp): created under a
 * name nobody can guess or claim first (PREFIX-XXXXXX.log, as
 * supervisord's), with O_EXCL, mode 0600; reopened only while it is
 * still a file of ours with one name.  A name someone else took (or put
 * a link at, between a rotation's rename and the new file) is abandoned
 * for a new one.
 */
static int
open_auto(struct logfile *lf, struct stat *st)
{
	char suffix[8], *path;
	int fd, tries;

	if (lf->lf_path != NULL) {
		if ((fd = log_open(lf, lf->lf_path, 0, 0)) != -1) {
			if (fstat(fd, st) == 0 && is_our_file(lf, st))
				return fd;
			close(fd);
			report(lf, 0, "%s: %s is not a file of ours any more; "
			    "writing to a new file", lf->lf_name, lf->lf_path);
		} else if (errno == ENOENT && (fd = log_open(lf, lf->lf_path,
		    O_CREAT | O_EXCL, 0600)) != -1 && fstat(fd, st) == 0)
			return fd;
		else if (errno != EEXIST && errno != ELOOP)
			return -1;
		else
			report(lf, 0, "%s: someone else made %s; writing to a "
			    "new file", lf->lf_name, lf->lf_path);
	}
	for (tries = 0; tries < 100; tries++) {
		if (random_suffix(suffix, sizeof(suffix)) == -1)
			return -1;
		if (asprintf(&path, "%s-%s.log", lf->lf_conf.lc_path, suffix)
		    == -1)
			return -1;
		fd = log_open(lf, path, O_CREAT | O_EXCL, 0600);
		if (fd != -1 && fstat(fd, st) == 0) {
			free(lf->lf_path);
			lf->lf_path = path;
			return fd;
		}
		free(path);
		if (fd == -1 && errno != EEXIST)
			return -1;
		if (fd != -1)
			close(fd);
	}
	errno = EEXIST;
	return -1;
}

/*
 * A log at a path the config gives: opened as log_open says, and a
 * regular file must have no other name (a hard link to a file of root's,
 * made where the program's user can write).
 */
static int
open_named(struct logfile *lf, struct stat *st)
{
	int fd, err;

	fd = log_open(lf, lf->lf_path, O_CREAT | (lf->lf_own ? O_APPEND : 0),
	    0666);
	if (fd == -1)
		return -1;
	if (fstat(fd, st) == -1) {
		err = errno;
		close(fd);
		errno = err;
		return -1;
	}
	if (S_ISREG(st->st_mode) && st->st_nlink != 1) {
		close(fd);
		errno = EMLINK;
		return -1;
	}
	return fd;
}

/*
 * Opens the current file at its end.  Not O_APPEND: splice(2) refuses
 * such files, and no one else writes this one: however many programs
 * log to a path, one sink writes it (sink.c).
 */
static int
open_file(struct logfile *lf)
{
	struct stat st;
	int fd;

	if (lf->lf_conf.lc_auto)
		fd = open_auto(lf, &st);
	else {
		if (lf->lf_path == NULL &&
		    (lf->lf_path = strdup(lf->lf_conf.lc_path)) == NULL)
			return -1;
		fd = open_named(lf, &st);
	}
	if (fd == -1)
		return -1;
	if (lseek(fd, 0, SEEK_END) == -1 && errno != ESPIPE) {
		close(fd);
		return -1;
	}
	lf->lf_regular = S_ISREG(st.st_mode);
	lf->lf_size = lf->lf_regular ? st.st_size : 0;
	return fd;
}

/* Opens the destination; a fault when it can't (reported, retried). */
static void
open_dest(struct logfile *lf)
{
	int fd = -1;

	lf->lf_send = lf->lf_regular = false;
	lf->lf_size = 0;
	switch (lf->lf_conf.lc_dest) {
	case LOG_TO_FILE:
		fd = open_file(lf);
		break;
	case LOG_TO_STDOUT:
		fd = open_fd(lf, STDOUT_FILENO);
		break;
	case LOG_TO_STDERR:
		fd = open_fd(lf, STDERR_FILENO);
		break;
	case LOG_TO_FD:
		fd = open_fd(lf, lf->lf_conf.lc_fd);
		break;
	default:
		return;
	}
	lf->lf_next_check = mono_now() + CHECK_INTERVAL;
	if (fd == -1) {
		fault(lf, errno, "open");
		return;
	}
	lf->lf_fd = fd;
	lf->lf_gen++;
	lf->lf_checked = lf->lf_written;
}

void
logfile_close(struct logfile *lf)
{
	unsigned long long dropped;

	if (lf->lf_relay != NULL)
		(void)relay_finish(lf->lf_relay, 0, &dropped); /* and lf_fd */
	else if (lf->lf_fd != -1)
		close(lf->lf_fd);
	lf->lf_relay = NULL;
	lf->lf_fd = -1;
	free(lf->lf_conf.lc_path);
	lf->lf_conf.lc_path = NULL;
	free(lf->lf_path);
	lf->lf_path = NULL;
	lf->lf_conf.lc_dest = LOG_TO_NONE;
}

/*
 * Points the log at lc (a copy is kept) and opens it.  Returns -1 when
 * it could not be opened: the fault is reported and opening is retried as
 * output comes.
 */
int
logfile_configure(struct logfile *lf, const struct log_config *lc)
{
	char *path = NULL;

	if (lc->lc_path != NULL && (path = strdup(lc->lc_path)) == NULL)
		return -1;
	logfile_close(lf);
	lf->lf_conf = *lc;
	lf->lf_conf.lc_path = path;
	lf->lf_fault = 0;
	open_dest(lf);
	return lf->lf_fd == -1 && lc->lc_dest != LOG_TO_NONE ? -1 : 0;
}

/* SIGUSR2: the file may have been moved away (logrotate); open it anew. */
void
logfile_reopen(struct logfile *lf)
{
	if (lf->lf_conf.lc_dest != LOG_TO_FILE)
		return;
	if (lf->lf_fd != -1)
		close(lf->lf_fd);
	lf->lf_fd = -1;
	open_dest(lf);
}

/* True when output is thrown away by design (NONE). */
bool
logfile_discards(const struct logfile *lf)
{
	return lf->lf_conf.lc_dest == LOG_TO_NONE ||
	    lf->lf_conf.lc_dest == LOG_TO_SYSLOG;
}

/* "PATH.k", the k-th newest backup (k = 0: the current file). */
char *
logfile_backup_name(const struct logfile *lf, unsigned long k)
{
	char *name;

	if (lf->lf_path == NULL)
		return NULL;
	if (k == 0)
		return strdup(lf->lf_path);
	if (asprintf(&name, "%s.%lu", lf->lf_path, k) == -1)
		return NULL;
	return name;
}

/*
 * log -> log.1 -> ... -> log.N, the oldest dropped, and a new log.  With
 * no backups the file starts again empty.
 */
static void
rotate(struct logfile *lf)
{
	const char *path = lf->lf_path;
	char from[PATH_MAX], to[PATH_MAX];
	int i, bad = 0;

	for (i = lf->lf_conf.lc_backups - 1; i >= 1 && bad == 0; i--) {
		snprintf(from, sizeof(from), "%s.%d", path, i);
		snprintf(to, sizeof(to), "%s.%d", path, i + 1);
		if (rename(from, to) == -1 && errno != ENOENT)
			bad = errno;
	}
	if (bad == 0 && lf->lf_conf.lc_backups > 0) {
		snprintf(to, sizeof(to), "%s.1", path);
		if (rename(path, to) == -1 && errno != ENOENT)
			bad = errno;
	} else if (bad == 0 && unlink(path) == -1 && errno != ENOENT)
		bad = errno;
	if (bad != 0) {
		/* Keep writing this file; try again after another maxbytes. */
		report(lf, bad, "%s: rotate %s", lf->lf_name, path);
		lf->lf_size = 0;
		return;
	}
	close(lf->lf_fd);
	lf->lf_fd = -1;
	open_dest(lf);
}

/*
 * Once a second while writing: a file someone removed is created again
 * (writing on would fill an invisible inode), one moved away is left for
 * a new one at the path, and one truncated under us (logrotate's
 * copytruncate) is written at its new end.
 */
static void
check_file(struct logfile *lf, double now)
{
	struct stat st, now_st;

	lf->lf_next_check = now + CHECK_INTERVAL;
	if (lf->lf_conf.lc_dest != LOG_TO_FILE || lf->lf_fd == -1 ||
	    fstat(lf->lf_fd, &st) == -1)
		return;
	if (st.st_nlink == 0) {
		/* What went into the removed file since the last check is
		 * out of reach: lost. */
		lost(lf, (size_t)(lf->lf_written - lf->lf_checked));
		report(lf, 0, "%s: %s was removed; creating it again (%llu "
		    "bytes written since it was last seen are lost)",
		    lf->lf_name, lf->lf_path,
		    lf->lf_written - lf->lf_checked);
		logfile_reopen(lf);
	} else if (lstat(lf->lf_path, &now_st) == -1 ||
	    now_st.st_dev != st.st_dev || now_st.st_ino != st.st_ino) {
		/* Moved away (a rotation by logrotate without SIGUSR2, or by
		 * the other process of the supervisor): follow the name. */
		if (reporter != NULL) {
			char msg[1200];

			snprintf(msg, sizeof(msg), "%s: %s is another file "
			    "now; opening it", lf->lf_name, lf->lf_path);
			reporter(LOGFILE_SAY_DEBUG, msg, false);
		}
		logfile_reopen(lf);
	} else if (st.st_size < lf->lf_size) {
		(void)lseek(lf->lf_fd, 0, SEEK_END);
		lf->lf_size = st.st_size;
	}
	lf->lf_checked = lf->lf_written;
}

/*
 * Ready to write: open (again) if a fault closed it and a retry is due,
 * rotate if the file is full, check the file once a second.  False when
 * there is nothing to write to.
 */
static bool
ready(struct logfile *lf, size_t n)
{
	double now;

	if (lf->lf_conf.lc_dest == LOG_TO_NONE ||
	    lf->lf_conf.lc_dest == LOG_TO_SYSLOG)
		return false;
	if (lf->lf_fd == -1 || lf->lf_fault != 0 ||
	    lf->lf_conf.lc_dest == LOG_TO_FILE) {
		now = mono_now();
		if (now >= lf->lf_next_check) {
			if (lf->lf_fd == -1)
				open_dest(lf);
			else
				check_file(lf, now);
		}
	}
	if (lf->lf_fd == -1)
		return false;
	if (lf->lf_conf.lc_dest == LOG_TO_FILE &&
	    lf->lf_conf.lc_maxbytes > 0 && lf->lf_size > 0 &&
	    (lf->lf_size >= lf->lf_conf.lc_maxbytes ||
	    (lf->lf_own && lf->lf_size + (long long)n >
	    lf->lf_conf.lc_maxbytes)))
		rotate(lf);
	return lf->lf_fd != -1;
}

/* How much of n fits before the file must rotate (own lines: all). */
static size_t
room(const struct logfile *lf, size_t n)
{
	long long left = lf->lf_conf.lc_maxbytes - lf->lf_size;

	if (lf->lf_conf.lc_dest != LOG_TO_FILE ||
	    lf->lf_conf.lc_maxbytes <= 0 || lf->lf_own || left <= 0 ||
	    (long long)n <= left)
		return n;
	return (size_t)left;
}

static void
wrote(struct logfile *lf, size_t n)
{
	lf->lf_size += (long long)n;
	lf->lf_written += n;
	/* Into a relay's pipe, which says nothing of the descriptor. */
	if (lf->lf_relay == NULL)
		fault_over(lf);
}

/*
 * What a relay's thread could not write is counted lost, and is a fault
 * until one of its writes works again.
 */
static void
relay_check(struct logfile *lf)
{
	unsigned long long dropped = relay_dropped(lf->lf_relay);
	int err = relay_error(lf->lf_relay);

	if (dropped > lf->lf_relay_seen) {
		fault(lf, err != 0 ? err : EIO, "write");
		lost(lf, (size_t)(dropped - lf->lf_relay_seen));
		lf->lf_relay_seen = dropped;
	}
	if (err == 0)
		fault_over(lf);
}

/*
 * iov[] from byte `skip` on, at most max bytes of it, into part[] (at
 * most LOGFILE_IOV entries); returns the entries, *len what they hold.
 */
static int
slice(const struct iovec *iov, int iovcnt, size_t skip, size_t max,
    struct iovec *part, size_t *len)
{
	size_t take;
	int i, n = 0;

	*len = 0;
	for (i = 0; i < iovcnt && n < LOGFILE_IOV && *len < max; i++) {
		if (skip >= iov[i].iov_len) {
			skip -= iov[i].iov_len;
			continue;
		}
		take = iov[i].iov_len - skip;
		if (take > max - *len)
			take = max - *len;
		part[n].iov_base = (char *)iov[i].iov_base + skip;
		part[n].iov_len = take;
		n++;
		*len += take;
		skip = 0;
	}
	return n;
}

/*
 * Writes the bytes of iov, in order; what can't be written (a fault) is
 * counted as lost, and *lost_out says how many of the bytes consumed
 * that was (the last ones).  Returns the bytes consumed: less than all
 * only when a non-blocking destination is full, and the caller should
 * wait for it to drain.
 */
size_t
logfile_writev(struct logfile *lf, const struct iovec *iov, int iovcnt,
    size_t *lost_out)
{
	struct iovec part[LOGFILE_IOV];
	struct msghdr mh;
	size_t total = 0, done = 0, chunk;
	ssize_t w;
	int i, n;

	*lost_out = 0;
	for (i = 0; i < iovcnt; i++)
		total += iov[i].iov_len;
	if (lf->lf_relay != NULL)
		relay_check(lf);
	while (done < total) {
		if (!ready(lf, total - done)) {
			if (!logfile_discards(lf)) {
				lost(lf, total - done);
				*lost_out = total - done;
			}
			return total;
		}
		n = slice(iov, iovcnt, done, room(lf, total - done), part,
		    &chunk);
		if (lf->lf_send) {
			memset(&mh, 0, sizeof(mh));
			mh.msg_iov = part;
			mh.msg_iovlen = (size_t)n;
			w = sendmsg(lf->lf_fd, &mh, MSG_DONTWAIT | MSG_NOSIGNAL);
		} else
			w = writev(lf->lf_fd, part, n);
		if (w > 0) {
			wrote(lf, (size_t)w);
			done += (size_t)w;
			continue;
		}
		if (w == -1 && errno == EINTR)
			continue;
		if (w == -1 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return done;
		fault(lf, w == 0 || chunk == 0 ? EIO : errno, "write");
		lost(lf, total - done);
		*lost_out = total - done;
		return total;
	}
	return total;
}

/* As logfile_writev, for one buffer. */
size_t
logfile_write(struct logfile *lf, const char *buf, size_t n)
{
	struct iovec iov;
	size_t lost_n;

	/* writev(2) takes no const; it only reads. */
	iov.iov_base = (void *)(uintptr_t)buf;
	iov.iov_len = n;
	return logfile_writev(lf, &iov, 1, &lost_n);
}

/*
 * The last byte written to the current file (a splice put it there
 * without it passing through us), or -1: none, or not a file.  The log
 * is open write-only: the byte is read through a read-only open of the
 * same file (/proc/self/fd), which only a file we may not read refuses.
 */
int
logfile_last_byte(struct logfile *lf)
{
	unsigned char c;
	char path[40];
	off_t at;
	int fd, got;

	if (lf->lf_fd == -1 || !lf->lf_regular || lf->lf_size <= 0 ||
	    (at = lseek(lf->lf_fd, 0, SEEK_CUR)) <= 0)
		return -1;
	snprintf(path, sizeof(path), "/proc/self/fd/%d", lf->lf_fd);
	if ((fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)) == -1)
		return -1;
	got = pread(fd, &c, 1, at - 1) == 1 ? c : -1;
	close(fd);
	return got;
}

/* At the exit: n bytes given to this log that it could not write. */
void
logfile_unwritten(struct logfile *lf, unsigned long long n)
{
	char msg[1024];

	if (n == 0)
		return;
	lost(lf, (size_t)n);
	snprintf(msg, sizeof(msg), "%s: %llu bytes of output were not "
	    "written: %s did not take them before the supervisor exited",
	    lf->lf_name, n, dest_name(lf));
	if (reporter != NULL)
		reporter(LOGFILE_SAY_WARN, msg, lf->lf_own);
	else
		dprintf(STDERR_FILENO, "supervisor: %s\n", msg);
}

/*
 * At the exit: a relay's thread gets until deadline to write what it
 * was given; returns the bytes it did not write (for logfile_unwritten).
 */
size_t
logfile_finish(struct logfile *lf, double deadline)
{
	unsigned long long dropped;
	size_t left;

	if (lf->lf_relay == NULL)
		return 0;
	relay_check(lf);
	left = relay_finish(lf->lf_relay, deadline, &dropped);
	lf->lf_relay = NULL;
	lf->lf_fd = -1;
	return left + (size_t)(dropped - lf->lf_relay_seen);
}

/*
 * Moves up to max bytes from the pipe from into the file without copying
 * them through the supervisor.  Returns what was moved, 0 when the pipe
 * is empty, -1 when the caller must read and logfile_write instead (not
 * a regular file, a fault, rotation due, or splice refused).
 */
ssize_t
logfile_splice(struct logfile *lf, int from, size_t max)
{
	ssize_t n;
	int avail;

	if (lf->lf_fault != 0 || lf->lf_fd == -1 || !lf->lf_regular ||
	    lf->lf_own)
		return -1;
	/* A full file is rotated when more comes, not before: the last
	 * bytes stay in the current file until then. */
	if (lf->lf_conf.lc_maxbytes > 0 &&
	    lf->lf_size >= lf->lf_conf.lc_maxbytes &&
	    ioctl(from, FIONREAD, &avail) == 0 && avail == 0)
		return 0;
	if (!ready(lf, max) || !lf->lf_regular)
		return -1;
	n = splice(from, NULL, lf->lf_fd, NULL, room(lf, max),
	    SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
	if (n > 0) {
		wrote(lf, (size_t)n);
		return n;
	}
	if (n == -1 && (errno == EAGAIN || errno == EINTR))
		return 0;
	if (n == -1 && errno == EINVAL)
		lf->lf_regular = false;		/* this file system says no */
	return -1;
}
