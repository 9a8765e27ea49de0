/*
 * capture.c: programs' output, from their pipes into their logs.  A
 * regular file is fed with splice(2), so the bytes never pass through the
 * supervisor; anything else is read into a fixed buffer.  Nothing is read
 * that the log can't take yet: a program that writes faster than its log
 * is written blocks on its full pipe.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "capture.h"
#include "config_diff.h"
#include "log.h"

#define CAPTURE_BUF	(64 * 1024)	/* one read, when not spliced */
#define SPLICE_MAX	(1024 * 1024)	/* one splice */
#define PUMPS_PER_WAKE	4		/* then other watchers get a turn */
#define PIPE_BIG	(1024 * 1024)	/* a busy pipe grows to this */

static struct ev_loop	*loop;
/* Reads for logs that take every byte at once (files): no copy is kept. */
static char		 scratch[CAPTURE_BUF];

static void	read_cb(struct ev_loop *, ev_io *, int);

void
capture_listen(struct capture_stream *cs, struct capture_listener *l)
{
	l->cl_next = cs->cs_listeners;
	cs->cs_listeners = l;
}

void
capture_unlisten(struct capture_stream *cs, struct capture_listener *l)
{
	struct capture_listener **pp;

	for (pp = &cs->cs_listeners; *pp != NULL; pp = &(*pp)->cl_next)
		if (*pp == l) {
			*pp = l->cl_next;
			return;
		}
}

/* The stream wrote to its log: its followers read on. */
static void
tell_written(struct capture_stream *cs)
{
	struct capture_listener *l, *next;

	for (l = cs->cs_listeners; l != NULL; l = next) {
		next = l->cl_next;
		l->cl_written(l);
	}
}
static void	write_cb(struct ev_loop *, ev_io *, int);

void
capture_set_loop(struct ev_loop *l)
{
	loop = l;
}

void
capture_init(struct capture *c, const char *name)
{
	static const char *const suffix[] = { "stdout", "stderr" };
	struct capture_stream *cs;
	int s;

	memset(c, 0, sizeof(*c));
	for (s = 0; s < 2; s++) {
		cs = &c->c_stream[s];
		snprintf(cs->cs_name, sizeof(cs->cs_name), "%s %s", name,
		    suffix[s]);
		cs->cs_rfd = cs->cs_wfd = -1;
		logfile_init(&cs->cs_log, cs->cs_name, false);
		ev_io_init(&cs->cs_rio, read_cb, -1, EV_READ);
		ev_io_init(&cs->cs_wio, write_cb, -1, EV_WRITE);
		cs->cs_rio.data = cs->cs_wio.data = cs;
	}
}

/* The log is full (a pipe or terminal): wait until it can take more. */
static void
wait_writable(struct capture_stream *cs)
{
	ev_io_stop(loop, &cs->cs_rio);
	ev_io_set(&cs->cs_wio, cs->cs_log.lf_fd, EV_WRITE);
	ev_io_start(loop, &cs->cs_wio);
}

/* Keeps what the log did not take; false (counted lost) if it can't. */
static bool
keep_rest(struct capture_stream *cs, const char *from, size_t n)
{
	if (cs->cs_buf == NULL && (cs->cs_buf = malloc(CAPTURE_BUF)) == NULL) {
		cs->cs_log.lf_lost += n;
		return false;
	}
	memmove(cs->cs_buf, from, n);
	cs->cs_off = 0;
	cs->cs_len = n;
	return true;
}

/*
 * Moves what the pipe holds into the log, a few chunks per call.  Final:
 * the process is leaving the table; take everything now, and count as
 * lost what the log can't take.
 */
static void
pump(struct capture_stream *cs, bool final)
{
	ssize_t n;
	size_t used;
	int i;

	/* Final: until the pipe is empty, bounded if something still writes. */
	for (i = 0; i < (final ? 4096 : PUMPS_PER_WAKE); i++) {
		if (cs->cs_off < cs->cs_len) {
			cs->cs_off += logfile_write(&cs->cs_log,
			    cs->cs_buf + cs->cs_off, cs->cs_len - cs->cs_off);
			if (cs->cs_off < cs->cs_len) {
				if (!final) {
					wait_writable(cs);
					return;
				}
				cs->cs_log.lf_lost += cs->cs_len - cs->cs_off;
			}
			cs->cs_off = cs->cs_len = 0;
		}
		n = logfile_splice(&cs->cs_log, cs->cs_rfd, SPLICE_MAX);
		if (n == 0)
			break;
		if (n < 0) {
			n = read(cs->cs_rfd, scratch, sizeof(scratch));
			if (n == -1 && errno == EINTR)
				continue;
			if (n <= 0)
				break;		/* EAGAIN: empty */
			used = logfile_write(&cs->cs_log, scratch, (size_t)n);
			if (used < (size_t)n && !keep_rest(cs, scratch + used,
			    (size_t)n - used))
				continue;
		}
		/* A full pipe: this program writes a lot; a bigger pipe
		 * means fewer wake-ups for it and for us. */
		if (!cs->cs_grown && n >= 64 * 1024) {
			cs->cs_grown = true;
			(void)fcntl(cs->cs_rfd, F_SETPIPE_SZ, PIPE_BIG);
		}
	}
	tell_written(cs);
}

static void
read_cb(struct ev_loop *l, ev_io *w, int revents)
{
	(void)l;
	(void)revents;
	pump(w->data, false);
}

static void
write_cb(struct ev_loop *l, ev_io *w, int revents)
{
	struct capture_stream *cs = w->data;

	(void)revents;
	ev_io_stop(l, w);
	ev_io_start(l, &cs->cs_rio);
	pump(cs, false);
}

/* Stops waiting on the log's descriptor, which is about to change. */
static void
stop_waiting(struct capture_stream *cs)
{
	if (!ev_is_active(&cs->cs_wio))
		return;
	ev_io_stop(loop, &cs->cs_wio);
	ev_io_start(loop, &cs->cs_rio);
}

/* Points the stream's log at lc: at a spawn whose settings changed, or
 * when a tail needs the file before the first spawn. */
int
capture_open_log(struct capture_stream *cs, const struct log_config *lc)
{
	struct capture_listener *l, *next;
	int ret;

	stop_waiting(cs);
	ret = logfile_configure(&cs->cs_log, lc);
	for (l = cs->cs_listeners; l != NULL; l = next) {
		next = l->cl_next;
		l->cl_log_changed(l);
	}
	return ret;
}

static int
make_pipe(struct capture_stream *cs)
{
	int fds[2];

	/* Only our end is non-blocking: the program's writes block. */
	if (pipe2(fds, O_CLOEXEC) == -1)
		return -1;
	if (fcntl(fds[0], F_SETFL, O_NONBLOCK) == -1) {
		close(fds[0]);
		close(fds[1]);
		return -1;
	}
	cs->cs_rfd = fds[0];
	cs->cs_wfd = fds[1];
	ev_io_set(&cs->cs_rio, cs->cs_rfd, EV_READ);
	ev_io_start(loop, &cs->cs_rio);
	return 0;
}

/*
 * Before a spawn: the logs follow the process's settings, the pipes
 * exist.  child_fds gets the descriptors for the child's stdout and
 * stderr, -1 for /dev/null.  Returns -1 (reported) if a pipe could not
 * be made; that stream goes to /dev/null.
 */
int
capture_prepare(struct capture *c, const struct proc_config *pc,
    int child_fds[2])
{
	struct capture_stream *cs;
	int s, ret = 0;

	for (s = 0; s < 2; s++) {
		cs = &c->c_stream[s];
		child_fds[s] = -1;
		if (s == OUT_STDERR && pc->pcf_stderr_joined) {
			child_fds[s] = child_fds[OUT_STDOUT];
			continue;
		}
		if (!config_log_same(&cs->cs_log.lf_conf, &pc->pcf_log[s]))
			(void)capture_open_log(cs, &pc->pcf_log[s]);
		if (pc->pcf_log[s].lc_dest == LOG_TO_NONE)
			continue;
		if (cs->cs_rfd == -1 && make_pipe(cs) == -1) {
			log_warn("%s: pipe (its output goes to /dev/null)",
			    cs->cs_name);
			ret = -1;
			continue;
		}
		child_fds[s] = cs->cs_wfd;
	}
	return ret;
}

/* SIGUSR2: every log file opened anew (after an external rotation). */
void
capture_reopen(struct capture *c)
{
	struct capture_stream *cs;
	int s;

	for (s = 0; s < 2; s++) {
		cs = &c->c_stream[s];
		if (cs->cs_log.lf_conf.lc_dest != LOG_TO_FILE)
			continue;
		stop_waiting(cs);
		logfile_reopen(&cs->cs_log);
		if (cs->cs_rfd != -1)
			pump(cs, false);
	}
}

unsigned long long
capture_lost(const struct capture *c)
{
	return c->c_stream[OUT_STDOUT].cs_log.lf_lost +
	    c->c_stream[OUT_STDERR].cs_log.lf_lost;
}

/*
 * The process leaves the table, its whole tree gone: what its pipes still
 * hold is written, then everything is closed.
 */
void
capture_free(struct capture *c)
{
	struct capture_stream *cs;
	int s;

	for (s = 0; s < 2; s++) {
		cs = &c->c_stream[s];
		ev_io_stop(loop, &cs->cs_rio);
		ev_io_stop(loop, &cs->cs_wio);
		if (cs->cs_rfd != -1) {
			pump(cs, true);
			close(cs->cs_rfd);
			close(cs->cs_wfd);
			cs->cs_rfd = cs->cs_wfd = -1;
		}
		/* Each gone callback takes its listener off the list. */
		while (cs->cs_listeners != NULL)
			cs->cs_listeners->cl_gone(cs->cs_listeners);
		logfile_close(&cs->cs_log);
		free(cs->cs_buf);
		cs->cs_buf = NULL;
	}
}
