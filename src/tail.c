/*
 * tail.c: a client reading a program's log.  Everything sent is read
 * from the log's files, never kept in memory: a tail that started in a
 * rotated file (log.2) reads on into log.1 and log, and a follower whose
 * file was rotated under it finishes that file, then goes on to the next.
 */
#include <errno.h>
#include <fcntl.h>
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

#define TAIL_CHUNK	(64 * 1024)	/* one read, one data frame */
#define TAIL_QUEUED	(256 * 1024)	/* client bytes unread: stop reading */
#define TAIL_SCAN_MAX	(64LL * 1024 * 1024) /* looking back for lines */

struct tail {
	struct capture_listener	 t_listener;	/* first: a listener is its tail */
	struct tail		*t_all;		/* every tail */
	struct ctl_client	*t_client;
	struct capture_stream	*t_cs;
	int			 t_fd;		/* the file being read */
	long			 t_gen;		/* its lf_gen when it was current */
	bool			 t_follow;	/* -f: wait for more at the end */
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

/*
 * At the end of a file that is no longer the current one: on to the next
 * newer one, or to the current file when that one is gone.  The same
 * file opened again (reopened by SIGUSR2 without being moved) is read on
 * from where we were.  False when there is nothing newer to read.
 */
static bool
next_file(struct tail *t)
{
	const struct logfile *lf = capture_logfile(t->t_cs);
	long gen = (long)lf->lf_gen, want = t->t_gen + 1;
	char *name;
	int fd = -1;

	if (want < gen && (name = logfile_backup_name(lf,
	    (unsigned long)(gen - want))) != NULL) {
		fd = open(name, O_RDONLY | O_CLOEXEC);
		free(name);
	}
	if (fd == -1) {
		want = gen;
		if ((name = logfile_backup_name(lf, 0)) != NULL) {
			fd = open(name, O_RDONLY | O_CLOEXEC);
			free(name);
		}
	}
	t->t_gen = want;
	if (fd == -1)
		return false;
	if (same_file(fd, t->t_fd))
		(void)lseek(fd, lseek(t->t_fd, 0, SEEK_CUR), SEEK_SET);
	close(t->t_fd);
	t->t_fd = fd;
	return true;
}

/* Sends what the files hold, as much as the client takes.  False when
 * that ended the tail (t is freed). */
static bool
tail_pump(struct tail *t)
{
	ssize_t n;

	if (t->t_pumping)
		return true;
	t->t_pumping = true;
	while (control_pending(t->t_client) < TAIL_QUEUED) {
		n = read(t->t_fd, buf, sizeof(buf));
		if (n > 0) {
			control_data(t->t_client, buf, (size_t)n);
			continue;
		}
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			t->t_pumping = false;
			tail_end(t, CTL_FAILED, strerror(errno));
			return false;
		}
		if (t->t_gen < (long)capture_logfile(t->t_cs)->lf_gen &&
		    next_file(t))
			continue;
		if (!t->t_follow) {
			t->t_pumping = false;
			tail_end(t, CTL_OK, t->t_cs->cs_name);
			return false;
		}
		break;
	}
	t->t_pumping = false;
	return true;
}

/*
 * Where the last `lines` lines begin: the file (k back from the current
 * one) and the offset in it.  Looks back through at most TAIL_SCAN_MAX
 * bytes.  Returns the open file, or -1 when not even the current one
 * opens.
 */
static int
find_start(const struct logfile *lf, long lines, unsigned long *back)
{
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
		if ((name = logfile_backup_name(lf, k)) == NULL)
			break;
		fd = open(name, O_RDONLY | O_CLOEXEC);
		free(name);
		if (fd == -1)
			break;
		if (oldest != -1)
			close(oldest);
		oldest = fd;
		*back = k;
		if (fstat(fd, &st) == -1)
			break;
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
	if (oldest != -1)
		(void)lseek(oldest, start > 0 ? start : 0, SEEK_SET);
	return oldest;
}

static void	listener_written(struct capture_listener *);
static void	listener_log_changed(struct capture_listener *);
static void	listener_gone(struct capture_listener *);

void
tail_start(struct ctl_client *c, struct capture_stream *cs, long lines,
    bool follow)
{
	const struct logfile *lf = capture_logfile(cs);
	unsigned long back = 0;
	struct tail *t;
	int fd;

	if ((fd = find_start(lf, lines, &back)) == -1) {
		control_end(c, CTL_FAILED, "%s: open %s: %s", cs->cs_name,
		    lf->lf_path != NULL ? lf->lf_path : lf->lf_conf.lc_path,
		    strerror(errno));
		return;
	}
	if ((t = calloc(1, sizeof(*t))) == NULL) {
		close(fd);
		control_end(c, CTL_FAILED, "out of memory");
		return;
	}
	t->t_client = c;
	t->t_cs = cs;
	t->t_fd = fd;
	t->t_gen = (long)lf->lf_gen - (long)back;
	t->t_follow = follow;
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
 * from its start. */
static void
listener_log_changed(struct capture_listener *l)
{
	struct tail *t = (struct tail *)l;

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
	const struct log_config *lc;
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
	if (stream == OUT_STDERR && p->p_config->pcf_stderr_joined) {
		control_end(c, CTL_FAILED, "%s: stderr goes to stdout's log "
		    "(redirect_stderr, or one file for both); tail its stdout",
		    p->p_name);
		return;
	}
	lc = &p->p_config->pcf_log[stream];
	cs = &p->p_capture.c_stream[stream];
	/* Not started yet, or the log is elsewhere until its next start. */
	if (capture_logfile(cs)->lf_conf.lc_dest == LOG_TO_NONE &&
	    cs->cs_rfd == -1 && lc->lc_dest == LOG_TO_FILE)
		(void)capture_open_log(cs, lc);
	switch (capture_logfile(cs)->lf_conf.lc_dest) {
	case LOG_TO_FILE:
		tail_start(c, cs, lines, follow);
		return;
	case LOG_TO_STDOUT:
	case LOG_TO_STDERR:
		control_end(c, CTL_FAILED, "%s goes to the supervisor's %s, not "
		    "to a file", cs->cs_name,
		    capture_logfile(cs)->lf_conf.lc_dest == LOG_TO_STDOUT ?
		    "stdout" : "stderr");
		return;
	case LOG_TO_FD:
		control_end(c, CTL_FAILED, "%s goes to the supervisor's "
		    "descriptor %d, not to a file", cs->cs_name,
		    capture_logfile(cs)->lf_conf.lc_fd);
		return;
	default:
		control_end(c, CTL_FAILED, "%s is not logged (%s_logfile = "
		    "NONE)", cs->cs_name, stream == OUT_STDOUT ? "stdout" :
		    "stderr");
		return;
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
