/*
 * capture.c: programs' output, from their pipes into their logs.  Each
 * stream reads into a writer of the sink its log is (sink.c), which
 * writes it there, line by line with every other stream that writes
 * there; a regular file that one stream alone writes is fed with
 * splice(2), so the bytes never pass through the supervisor.  Nothing is
 * read that the sink can't keep yet: a program that writes faster than
 * its log is written blocks on its full pipe.
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

#define DROP_BUF	(64 * 1024)	/* one read of output that is dropped */
#define SPLICE_MAX	(1024 * 1024)	/* one splice */
#define PUMPS_PER_WAKE	4		/* then other watchers get a turn */
#define PIPE_BIG	(1024 * 1024)	/* a busy pipe grows to this */

static struct ev_loop	*loop;
static bool		 strip_ansi;	/* [supervisor] strip_ansi */
static capture_tap_fn	*tap;		/* told of tapped streams' reads */
/* Reads of output nobody keeps: NONE, or a process gone that left more
 * than its sink can take. */
static char		 scratch[DROP_BUF];

static void	read_cb(struct ev_loop *, ev_io *, int);
static void	room_cb(void *);
static void	written_cb(void *);

static const struct sink_writer_ops stream_ops = { room_cb, written_cb };

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

/* The stream's log was written to: its followers read on. */
static void
written_cb(void *arg)
{
	struct capture_stream *cs = arg;
	struct capture_listener *l, *next;

	for (l = cs->cs_listeners; l != NULL; l = next) {
		next = l->cl_next;
		l->cl_written(l);
	}
}

void
capture_set_loop(struct ev_loop *l)
{
	loop = l;
	sink_set_loop(l);
}

/* From the next read on, for every stream. */
void
capture_set_strip_ansi(bool on)
{
	strip_ansi = on;
}

void
capture_set_tap(capture_tap_fn *fn)
{
	tap = fn;
}

void
capture_init(struct capture *c, const char *name, void *owner)
{
	memset(c, 0, sizeof(*c));
	c->c_owner = owner;
	c->c_name = name;
}

/*
 * The stream, made now if it was not yet (nowhere, no pipe); NULL when
 * out of memory.
 */
struct capture_stream *
capture_stream(struct capture *c, int stream)
{
	static const char *const suffix[] = { "stdout", "stderr" };
	struct capture_stream *cs;
	size_t len;

	if (c->c_stream[stream] != NULL)
		return c->c_stream[stream];
	len = strlen(c->c_name) + sizeof(" stdout");
	if ((cs = calloc(1, sizeof(*cs) + len)) == NULL)
		return NULL;
	snprintf(cs->cs_namebuf, len, "%s %s", c->c_name, suffix[stream]);
	cs->cs_name = cs->cs_namebuf;
	cs->cs_rfd = cs->cs_wfd = -1;
	cs->cs_conf.lc_dest = LOG_TO_NONE;
	cs->cs_capture = c;
	ev_io_init(&cs->cs_rio, read_cb, -1, EV_READ);
	cs->cs_rio.data = cs;
	c->c_stream[stream] = cs;
	return cs;
}

/* Its sink holds enough: not read until it says there is room. */
static void
hold(struct capture_stream *cs)
{
	if (cs->cs_held)
		return;
	cs->cs_held = true;
	ev_io_stop(loop, &cs->cs_rio);
}

static void
room_cb(void *arg)
{
	struct capture_stream *cs = arg;

	if (!cs->cs_held)
		return;
	cs->cs_held = false;
	if (cs->cs_rfd != -1)
		ev_io_start(loop, &cs->cs_rio);
}

/* A full pipe: this program writes a lot; a bigger pipe means fewer
 * wake-ups for it and for us. */
static void
grow(struct capture_stream *cs, size_t n)
{
	if (!cs->cs_grown && n >= 64 * 1024) {
		cs->cs_grown = true;
		(void)fcntl(cs->cs_rfd, F_SETPIPE_SZ, PIPE_BIG);
	}
}

/*
 * Moves what the pipe holds into the log, a few chunks per call.  Final:
 * the process is leaving the table; take everything now, and count as
 * lost what the sink can't keep.
 */
static void
pump(struct capture_stream *cs, bool final)
{
	struct capture *c = cs->cs_capture;
	struct sink_writer *w = cs->cs_writer;
	size_t room = 0;
	ssize_t n;
	char *buf;
	int i;

	if (w != NULL)
		sink_writer_strip(w, strip_ansi);
	/* Final: until the pipe is empty, bounded if something still writes. */
	for (i = 0; i < (final ? 4096 : PUMPS_PER_WAKE); i++) {
		if (w != NULL && cs->cs_peek == NULL && !cs->cs_tapped &&
		    (n = sink_splice(w, cs->cs_rfd, SPLICE_MAX)) >= 0) {
			if (n == 0)
				break;
			cs->cs_read += (unsigned long long)n;
			grow(cs, (size_t)n);
			continue;
		}
		buf = NULL;
		if (w != NULL && sink_may_read(w))
			buf = sink_space(w, &room);
		else if (w != NULL && !final) {
			hold(cs);
			return;
		}
		if (buf == NULL) {
			buf = scratch;
			room = sizeof(scratch);
		}
		n = read(cs->cs_rfd, buf, room);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;		/* EAGAIN: empty */
		if (cs->cs_tapped && tap != NULL)
			n = (ssize_t)tap(c->c_owner,
			    cs == c->c_stream[OUT_STDOUT] ? OUT_STDOUT :
			    OUT_STDERR, buf, (size_t)n);
		if (n == 0)
			continue;	/* all of it captured */
		if (cs->cs_peek != NULL)
			cs->cs_peek(cs->cs_peek_arg, buf, (size_t)n);
		if (buf != scratch)
			sink_commit(w, (size_t)n);
		else if (w != NULL)
			sink_lose(w, (size_t)n);
		cs->cs_read += (unsigned long long)n;
		grow(cs, (size_t)n);
	}
}

/* fn is given what the stream writes from now on (NULL: no more). */
void
capture_peek(struct capture_stream *cs, capture_peek_fn *fn, void *arg)
{
	cs->cs_peek = fn;
	cs->cs_peek_arg = arg;
}

static void
read_cb(struct ev_loop *l, ev_io *w, int revents)
{
	(void)l;
	(void)revents;
	pump(w->data, false);
}

/* Lets go of its writer: what it holds is its sink's to write. */
static void
drop_writer(struct capture_stream *cs)
{
	if (cs->cs_writer == NULL)
		return;
	cs->cs_lost_before += sink_writer_lost(cs->cs_writer);
	sink_writer_release(cs->cs_writer);
	cs->cs_writer = NULL;
	if (cs->cs_held) {
		cs->cs_held = false;
		if (cs->cs_rfd != -1)
			ev_io_start(loop, &cs->cs_rio);
	}
}

/*
 * Points the stream at lc: at a spawn whose settings changed, or when a
 * tail needs the file before the first spawn.  Returns -1 when the log
 * could not be opened (reported; opening is retried as output comes).
 */
int
capture_open_log(struct capture_stream *cs, const struct log_config *lc)
{
	struct capture_listener *l, *next;
	char *path = NULL;
	int ret = 0;

	if (lc->lc_path != NULL && (path = strdup(lc->lc_path)) == NULL)
		return -1;
	drop_writer(cs);
	free(cs->cs_conf.lc_path);
	cs->cs_conf = *lc;
	cs->cs_conf.lc_path = path;
	if (lc->lc_dest != LOG_TO_NONE && lc->lc_dest != LOG_TO_SYSLOG) {
		cs->cs_writer = sink_writer_new(cs->cs_name, lc, &stream_ops,
		    cs);
		if (cs->cs_writer == NULL) {
			log_warn("%s: its log (its output is dropped)",
			    cs->cs_name);
			ret = -1;
		} else if (!sink_writer_open(cs->cs_writer))
			ret = -1;
	}
	for (l = cs->cs_listeners; l != NULL; l = next) {
		next = l->cl_next;
		l->cl_log_changed(l);
	}
	return ret;
}

/* The log the stream writes, for a tail (lc_dest LOG_TO_NONE: none). */
const struct logfile *
capture_logfile(const struct capture_stream *cs)
{
	return sink_writer_log(cs->cs_writer);
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
		child_fds[s] = -1;
		if (s == OUT_STDERR && pc->pcf_stderr_joined) {
			child_fds[s] = child_fds[OUT_STDOUT];
			continue;
		}
		/* Output that goes nowhere needs no stream to say so. */
		if ((cs = c->c_stream[s]) == NULL && !capture_piped(pc, s))
			continue;
		if (cs == NULL && (cs = capture_stream(c, s)) == NULL) {
			log_warn("%s: its output (it goes to /dev/null)",
			    c->c_name);
			ret = -1;
			continue;
		}
		if (!config_log_same(&cs->cs_conf, &pc->pcf_log[s]))
			(void)capture_open_log(cs, &pc->pcf_log[s]);
		cs->cs_tapped = pc->pcf_tapped[s];
		if (!capture_piped(pc, s))
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

/*
 * The descriptors the output of a process of pc holds while it runs: a
 * pipe (both ends, kept across restarts) for each stream that goes
 * anywhere, and the log file of each that goes to one.
 */
int
capture_fds(const struct proc_config *pc)
{
	int s, n = 0;

	for (s = 0; s < 2; s++) {
		if (s == OUT_STDERR && pc->pcf_stderr_joined)
			continue;
		if (capture_piped(pc, s))
			n += 2;
		if (pc->pcf_log[s].lc_dest == LOG_TO_FILE)
			n++;
	}
	return n;
}

/*
 * Whether a process of pc has a pipe for stream: one that goes anywhere
 * (a log, or a tap), and is not stderr joined to stdout's.
 */
bool
capture_piped(const struct proc_config *pc, int stream)
{
	if (stream == OUT_STDERR && pc->pcf_stderr_joined)
		return false;
	return pc->pcf_log[stream].lc_dest != LOG_TO_NONE ||
	    pc->pcf_tapped[stream];
}

/* SIGUSR2: every log file opened anew (after an external rotation). */
void
capture_reopen(struct capture *c)
{
	struct capture_stream *cs;
	int s;

	for (s = 0; s < 2; s++) {
		cs = c->c_stream[s];
		if (cs == NULL || cs->cs_writer == NULL)
			continue;
		sink_writer_reopen(cs->cs_writer);
		if (cs->cs_rfd != -1 && !cs->cs_held)
			pump(cs, false);
	}
}

/* Of one stream's bytes read from its pipe, those lost (NULL: none). */
unsigned long long
capture_stream_lost(const struct capture_stream *cs)
{
	if (cs == NULL)
		return 0;
	return cs->cs_lost_before + (cs->cs_writer != NULL ?
	    sink_writer_lost(cs->cs_writer) : 0);
}

unsigned long long
capture_lost(const struct capture *c)
{
	return capture_stream_lost(c->c_stream[0]) +
	    capture_stream_lost(c->c_stream[1]);
}

/*
 * The process leaves the table, its whole tree gone: what its pipes still
 * hold is read and given to the sinks, then everything is closed.
 */
void
capture_free(struct capture *c)
{
	struct capture_stream *cs;
	int s;

	for (s = 0; s < 2; s++) {
		if ((cs = c->c_stream[s]) == NULL)
			continue;
		ev_io_stop(loop, &cs->cs_rio);
		cs->cs_held = false;
		cs->cs_peek = NULL;
		if (cs->cs_rfd != -1) {
			pump(cs, true);
			close(cs->cs_rfd);
			close(cs->cs_wfd);
			cs->cs_rfd = cs->cs_wfd = -1;
		}
		/* Each gone callback takes its listener off the list. */
		while (cs->cs_listeners != NULL)
			cs->cs_listeners->cl_gone(cs->cs_listeners);
		drop_writer(cs);
		free(cs->cs_conf.lc_path);
		free(cs);
		c->c_stream[s] = NULL;
	}
}
