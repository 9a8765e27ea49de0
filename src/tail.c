/*
 * tail.c: a client reading a program's log.  Everything sent is read
 * from the log's files, never kept in memory: a tail that started in a
 * rotated file (log.2) reads on into log.1 and log, and a follower whose
 * file was rotated under it finishes that file, then goes on to the next.
 * Only files the supervisor made and the client could read are read.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "capture.h"
#include "control.h"
#include "log.h"
#include "parse.h"
#include "process.h"
#include "proctable.h"
#include "tail.h"
#include "trust.h"

#define TAIL_CHUNK	(64 * 1024)	/* one read, one data frame */
#define TAIL_QUEUED	(256 * 1024)	/* client bytes unread: stop reading */
#define TAIL_SCAN_MAX	(64LL * 1024 * 1024) /* looking back for lines */
#define TAIL_WHY	(PATH_MAX + 160) /* a file refused, and why */

struct tail {
	struct capture_listener	 t_listener;	/* first: a listener is its tail */
	struct tail		*t_all;		/* every tail */
	struct ctl_client	*t_client;
	struct capture_stream	*t_cs;
	int			 t_fd;		/* the file being read */
	long			 t_gen;		/* its lf_gen when it was current */
	bool			 t_follow;	/* -f: wait for more at the end */
	bool			 t_bounded;	/* a plain tail: it ends where
						   the files ended when asked */
	long			 t_end_gen;	/* ... lf_gen then */
	dev_t			 t_end_dev;	/* ... the current file then */
	ino_t			 t_end_ino;
	off_t			 t_end_size;	/* ... and its size */
	bool			 t_last;	/* t_fd is that file */
	bool			 t_pumping;	/* inside tail_pump */
};

static struct tail	*tails;
static char		 buf[TAIL_CHUNK];

static void
tail_free(struct tail *t)
{
	struct tail **pp;

	capture_unlisten(t->t_cs, &t->t_listener);
	for (pp = &tails; *pp != NULL; pp = &(*pp)->t_all)
		if (*pp == t) {
			*pp = t->t_all;
			break;
		}
	if (t->t_fd != -1)
		close(t->t_fd);
	free(t);
}

static void
tail_end(struct tail *t, int code, const char *why)
{
	struct ctl_client *c = t->t_client;

	tail_free(t);
	control_end(c, code, "%s", why);
}

static bool
same_file(int a, int b)
{
	struct stat sa, sb;

	return fstat(a, &sa) == 0 && fstat(b, &sb) == 0 &&
	    sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

static const char *
file_kind(const struct stat *st)
{
	if (S_ISFIFO(st->st_mode))
		return "a FIFO";
	if (S_ISDIR(st->st_mode))
		return "a directory";
	if (S_ISCHR(st->st_mode) || S_ISBLK(st->st_mode))
		return "a device";
	if (S_ISSOCK(st->st_mode))
		return "a socket";
	return "not a regular file";
}

/*
 * Opens one of the log's files (name) for client c, or refuses it.  The
 * client may be a user the socket's chown= lets in, and the program, as
 * another user, may write the log's directory: either can put a link, a
 * hard link or a FIFO at a backup's name.  So a file is read only when
 * it is a regular file with one name, opened without following a link
 * or blocking (trust_open), that root, the supervisor or (on a path
 * that user controls) the program's user made, and that the client
 * could have read itself.  -1 with why filled in: errno is
 * ENOENT when there is no such file, EPERM when it was refused.
 */
static int
open_log(struct ctl_client *c, const struct logfile *lf, const char *name,
    struct stat *st, char *why, size_t whylen)
{
	int fd, err;

	if ((fd = trust_open(name, O_RDONLY | O_NOCTTY, 0, st)) == -1) {
		err = errno;
		if (err == ELOOP)
			snprintf(why, whylen, "open %s: refused: a symbolic "
			    "link", name);
		else if (err == EMLINK)
			snprintf(why, whylen, "open %s: refused: a file with "
			    "%lu hard links", name, (unsigned long)st->st_nlink);
		else if (err == EINVAL)
			snprintf(why, whylen, "open %s: refused: %s", name,
			    file_kind(st));
		else if (err == ENXIO)
			snprintf(why, whylen, "open %s: refused: not a "
			    "regular file", name);
		else
			snprintf(why, whylen, "open %s: %s", name,
			    strerror(err));
		errno = err == ENOENT ? ENOENT : EPERM;
		return -1;
	}
	/* Root's or ours; or the program's user's, where the log is on a
	 * path that user controls and was made as that user (logfile.c). */
	if (!trust_uid(st->st_uid) && (lf->lf_conf.lc_uid < 0 ||
	    st->st_uid != (uid_t)lf->lf_conf.lc_uid))
		snprintf(why, whylen, "open %s: refused: owned by uid %d, not "
		    "by root, the supervisor or the program's user", name,
		    (int)st->st_uid);
	else if (!control_client_can_read(c, st))
		snprintf(why, whylen, "open %s: refused: uid %ld may not read "
		    "it (owner uid %d, group %d, mode %04o)", name,
		    control_client_uid(c), (int)st->st_uid, (int)st->st_gid,
		    (unsigned)(st->st_mode & 07777));
	else
		return fd;
	close(fd);
	errno = EPERM;
	return -1;
}

/*
 * At the end of a file that is no longer the current one: on to the next
 * newer one, or to the current file when that one is gone.  The same
 * file opened again (reopened by SIGUSR2 without being moved) is read on
 * from where we were.  1 when there is a file to read on; 0 when there
 * is nothing newer, or, for a plain tail, nothing it was asked for; -1
 * when the next file is refused (why says so).
 */
static int
next_file(struct tail *t, char *why, size_t whylen)
{
	const struct logfile *lf = capture_logfile(t->t_cs);
	long gen = (long)lf->lf_gen, want = t->t_gen + 1;
	struct stat st;
	char *name;
	int fd = -1;

	if (want < gen && !(t->t_bounded && want > t->t_end_gen)) {
		if ((name = logfile_backup_name(lf,
		    (unsigned long)(gen - want))) == NULL) {
			snprintf(why, whylen, "out of memory");
			return -1;
		}
		fd = open_log(t->t_client, lf, name, &st, why, whylen);
		free(name);
		if (fd == -1 && errno != ENOENT)
			return -1;
	}
	if (fd == -1) {
		want = gen;
		if (t->t_bounded && want > t->t_end_gen) {
			t->t_gen = want;
			return 0;
		}
		if ((name = logfile_backup_name(lf, 0)) == NULL) {
			snprintf(why, whylen, "out of memory");
			return -1;
		}
		fd = open_log(t->t_client, lf, name, &st, why, whylen);
		free(name);
		if (fd == -1 && errno != ENOENT)
			return -1;
	}
	t->t_gen = want;
	if (fd == -1)
		return 0;
	if (same_file(fd, t->t_fd))
		(void)lseek(fd, lseek(t->t_fd, 0, SEEK_CUR), SEEK_SET);
	close(t->t_fd);
	t->t_fd = fd;
	t->t_last = st.st_dev == t->t_end_dev && st.st_ino == t->t_end_ino;
	return 1;
}

/* Ends the tail from inside tail_pump; false, as tail_pump returns. */
static bool
pump_end(struct tail *t, int code, const char *why)
{
	t->t_pumping = false;
	tail_end(t, code, why);
	return false;
}

/*
 * How much of t_fd to read next: a chunk, but a plain tail in the file
 * that was current when it was asked stops where that file ended then,
 * however fast the program writes.  0 at that end.
 */
static size_t
read_size(struct tail *t)
{
	off_t pos;

	if (!t->t_bounded || !t->t_last)
		return sizeof(buf);
	if ((pos = lseek(t->t_fd, 0, SEEK_CUR)) == -1 ||
	    pos >= t->t_end_size)
		return 0;
	return t->t_end_size - pos < (off_t)sizeof(buf) ?
	    (size_t)(t->t_end_size - pos) : sizeof(buf);
}

/* Sends what the files hold, as much as the client takes.  False when
 * that ended the tail (t is freed). */
static bool
tail_pump(struct tail *t)
{
	char why[TAIL_WHY], msg[TAIL_WHY + 200];
	size_t want;
	ssize_t n;
	int next;

	if (t->t_pumping)
		return true;
	t->t_pumping = true;
	while (control_can_send(t->t_client, TAIL_QUEUED)) {
		if ((want = read_size(t)) == 0)
			return pump_end(t, CTL_OK, t->t_cs->cs_name);
		n = read(t->t_fd, buf, want);
		if (n > 0) {
			control_data(t->t_client, buf, (size_t)n);
			continue;
		}
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return pump_end(t, CTL_FAILED, strerror(errno));
		if (t->t_gen < (long)capture_logfile(t->t_cs)->lf_gen) {
			if ((next = next_file(t, why, sizeof(why))) == 1)
				continue;
			if (next == -1) {
				snprintf(msg, sizeof(msg), "%s: %s",
				    t->t_cs->cs_name, why);
				return pump_end(t, CTL_FAILED, msg);
			}
		}
		if (!t->t_follow)
			return pump_end(t, CTL_OK, t->t_cs->cs_name);
		break;
	}
	t->t_pumping = false;
	return true;
}

/*
 * Where the last `lines` lines begin: the file (k back from the current
 * one) and the offset in it.  Looks back through at most TAIL_SCAN_MAX
 * bytes.  Notes the current file and its size: where a plain tail ends.
 * Returns the open file, or -1 with why when the current one does not
 * open or a file is refused.
 */
static int
find_start(struct tail *t, long lines, unsigned long *back, char *why,
    size_t whylen)
{
	const struct logfile *lf = capture_logfile(t->t_cs);
	long long scanned = 0;
	off_t pos, chunk, i, start = -1;
	unsigned long k;
	bool last = true;	/* the log's very last byte: its newline ends,
				   not begins, a line */
	struct stat st;
	long found = 0;
	char *name;
	int fd, oldest = -1;

	for (k = 0; k <= (unsigned long)lf->lf_conf.lc_backups && start < 0;
	    k++) {
		if ((name = logfile_backup_name(lf, k)) == NULL) {
			snprintf(why, whylen, "out of memory");
			goto fail;
		}
		fd = open_log(t->t_client, lf, name, &st, why, whylen);
		free(name);
		/* No older file: the oldest one's start is the start. */
		if (fd == -1 && errno == ENOENT && k > 0)
			break;
		if (fd == -1)
			goto fail;
		if (oldest != -1)
			close(oldest);
		oldest = fd;
		*back = k;
		if (k == 0) {
			t->t_end_gen = (long)lf->lf_gen;
			t->t_end_dev = st.st_dev;
			t->t_end_ino = st.st_ino;
			t->t_end_size = st.st_size;
		}
		if (lines == 0) {
			start = st.st_size;
			break;
		}
		for (pos = st.st_size; pos > 0 && start < 0; pos -= chunk) {
			chunk = pos < TAIL_CHUNK ? pos : TAIL_CHUNK;
			if (pread(fd, buf, (size_t)chunk, pos - chunk) != chunk)
				break;
			for (i = chunk - 1; i >= 0 && start < 0; i--) {
				if (buf[i] == '\n' && !last && ++found == lines)
					start = pos - chunk + i + 1;
				last = false;
			}
			scanned += chunk;
			if (scanned >= TAIL_SCAN_MAX && start < 0)
				start = pos - chunk;
		}
	}
	(void)lseek(oldest, start > 0 ? start : 0, SEEK_SET);
	t->t_last = *back == 0;
	return oldest;
fail:
	if (oldest != -1)
		close(oldest);
	return -1;
}

static void	listener_written(struct capture_listener *);
static void	listener_log_changed(struct capture_listener *);
static void	listener_gone(struct capture_listener *);

void
tail_start(struct ctl_client *c, struct capture_stream *cs, long lines,
    bool follow)
{
	char why[TAIL_WHY];
	unsigned long back = 0;
	struct tail *t;

	if ((t = calloc(1, sizeof(*t))) == NULL) {
		control_end(c, CTL_FAILED, "out of memory");
		return;
	}
	t->t_client = c;
	t->t_cs = cs;
	t->t_follow = follow;
	t->t_bounded = !follow;
	if ((t->t_fd = find_start(t, lines, &back, why, sizeof(why))) == -1) {
		free(t);
		control_end(c, CTL_FAILED, "%s: %s", cs->cs_name, why);
		return;
	}
	t->t_gen = (long)capture_logfile(cs)->lf_gen - (long)back;
	t->t_listener.cl_written = listener_written;
	t->t_listener.cl_log_changed = listener_log_changed;
	t->t_listener.cl_gone = listener_gone;
	capture_listen(cs, &t->t_listener);
	t->t_all = tails;
	tails = t;
	if (follow)
		control_stream(c);
	(void)tail_pump(t);
}

/* The stream wrote to its log: read on. */
static void
listener_written(struct capture_listener *l)
{
	(void)tail_pump((struct tail *)l);
}

/* The log now writes elsewhere: finish this file, then read the new one
 * from its start.  A plain tail reads on through its files in order, to
 * the one that was current when it was asked. */
static void
listener_log_changed(struct capture_listener *l)
{
	struct tail *t = (struct tail *)l;

	if (!t->t_bounded)
		t->t_gen = (long)capture_logfile(t->t_cs)->lf_gen - 1;
}

/* The stream goes (its process left the table): what is left in the
 * file, then the end. */
static void
listener_gone(struct capture_listener *l)
{
	struct tail *t = (struct tail *)l;

	if (tail_pump(t))
		tail_end(t, CTL_OK, "no longer logged: the process left the "
		    "config or the supervisor is stopping");
}

void
tail_client_drained(struct ctl_client *c)
{
	struct tail *t;

	for (t = tails; t != NULL; t = t->t_all)
		if (t->t_client == c) {
			(void)tail_pump(t);
			return;
		}
}

void
tail_client_gone(struct ctl_client *c)
{
	struct tail *t;

	for (t = tails; t != NULL; t = t->t_all)
		if (t->t_client == c) {
			tail_free(t);
			return;
		}
}

/*
 * tail [-f] [-n LINES] NAME [stdout|stderr]: NAME is a process, or a
 * program with one process.
 */
void
tail_command(struct ctl_client *c, int argc, char **argv)
{
	char why[TAIL_WHY];
	struct capture_stream *cs;
	struct process *p;
	long lines = TAIL_LINES_DEFAULT;
	bool follow = false;
	int i = 0, stream = OUT_STDOUT;

	for (; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "-f") == 0)
			follow = true;
		else if (strcmp(argv[i], "-n") == 0 && i + 1 < argc &&
		    parse_int(argv[i + 1], 0, TAIL_LINES_MAX, &lines) == 0)
			i++;
		else {
			control_end(c, CTL_BADREQ, "tail: bad option; usage: "
			    "tail [-f] [-n LINES] NAME [stdout|stderr]");
			return;
		}
	}
	if (i < argc - 1 && strcmp(argv[argc - 1], "stderr") == 0)
		stream = OUT_STDERR;
	else if (i < argc - 1 && strcmp(argv[argc - 1], "stdout") != 0)
		argc = -1;
	if (argc - i != 1 && argc - i != 2) {
		control_end(c, CTL_BADREQ, "tail: usage: tail [-f] [-n LINES] "
		    "NAME [stdout|stderr]");
		return;
	}
	if ((p = proctable_by_name(argv[i])) == NULL) {
		control_end(c, CTL_NOSUCH, "%s: no such process", argv[i]);
		return;
	}
	if ((cs = tail_stream(p, stream, why, sizeof(why))) == NULL) {
		control_end(c, CTL_FAILED, "%s", why);
		return;
	}
	tail_start(c, cs, lines, follow);
}

/* Says stream of p is not logged; NULL, for tail_stream to return. */
static struct capture_stream *
not_logged(const struct process *p, int stream, char *why, size_t whylen)
{
	const char *name = stream == OUT_STDOUT ? "stdout" : "stderr";

	snprintf(why, whylen, "%s %s is not logged (%s_logfile = NONE)",
	    p->p_name, name, name);
	return NULL;
}

/*
 * The stream of p whose log a tail reads; NULL, with why, when it has
 * none to read (stderr into stdout's, a log that is not a file).
 */
struct capture_stream *
tail_stream(struct process *p, int stream, char *why, size_t whylen)
{
	const struct log_config *lc;
	struct capture_stream *cs;

	if (stream == OUT_STDERR && p->p_config->pcf_stderr_joined) {
		snprintf(why, whylen, "%s: stderr goes to stdout's log "
		    "(redirect_stderr, or one file for both); tail its stdout",
		    p->p_name);
		return NULL;
	}
	lc = &p->p_config->pcf_log[stream];
	/* No stream made: nothing it wrote went anywhere yet. */
	if (p->p_capture.c_stream[stream] == NULL &&
	    lc->lc_dest != LOG_TO_FILE)
		return not_logged(p, stream, why, whylen);
	if ((cs = capture_stream(&p->p_capture, stream)) == NULL) {
		snprintf(why, whylen, "%s: out of memory", p->p_name);
		return NULL;
	}
	/* Not started yet, or the log is elsewhere until its next start. */
	if (capture_logfile(cs)->lf_conf.lc_dest == LOG_TO_NONE &&
	    cs->cs_rfd == -1 && lc->lc_dest == LOG_TO_FILE)
		(void)capture_open_log(cs, lc);
	switch (capture_logfile(cs)->lf_conf.lc_dest) {
	case LOG_TO_FILE:
		return cs;
	case LOG_TO_STDOUT:
	case LOG_TO_STDERR:
		snprintf(why, whylen, "%s goes to the supervisor's %s, not "
		    "to a file", cs->cs_name,
		    capture_logfile(cs)->lf_conf.lc_dest == LOG_TO_STDOUT ?
		    "stdout" : "stderr");
		return NULL;
	case LOG_TO_FD:
		snprintf(why, whylen, "%s goes to the supervisor's "
		    "descriptor %d, not to a file", cs->cs_name,
		    capture_logfile(cs)->lf_conf.lc_fd);
		return NULL;
	default:
		return not_logged(p, stream, why, whylen);
	}
}

/* The supervisor is stopping: each tail gets what is in its files, then
 * the end of its reply. */
void
tail_finish_all(void)
{
	while (tails != NULL) {
		tails->t_follow = false;
		/* Ends it at the end of its files, unless the client is
		 * too far behind to take them. */
		if (tail_pump(tails))
			tail_end(tails, CTL_OK, "the supervisor is stopping");
	}
}
