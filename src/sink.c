/*
 * sink.c: where output is written.  One sink per destination: a log
 * file, the supervisor's stdout or stderr (whichever of /dev/stdout,
 * /dev/fd/1, /proc/self/fd/1 names it), another descriptor it was started
 * with.  However many streams write there (every program's stdout in a
 * container, programs that name one file, the supervisor's own lines on
 * its stderr), the sink is the destination's one writer, and the one
 * that rotates a file.
 *
 * A descriptor is known by the file it is open on: a stdout and stderr
 * that are one pipe (2>&1) are one destination.
 *
 * Each stream writes through a writer of its own, a buffer its program's
 * output is read into (sink_space, sink_commit).  A commit ends whole
 * lines: the bytes up to the last newline wait for their turn at the
 * sink, the line not ended yet stays in the writer until its newline
 * comes.  The sink writes the waiting writers' lines in turn, straight
 * from their buffers, many writers' in one writev.  A write cut short
 * (EAGAIN in the middle of a writer's bytes) leaves that writer first in
 * line with the rest, and the others wait behind it: the destination
 * never gets another writer's bytes inside a line.  A writer alone at
 * its destination holds nothing back: its bytes go as they come, as when
 * a program writes there itself, and into a regular file with splice(2),
 * never passing through the supervisor.
 *
 * A line is kept whole up to SINK_LINE_MAX, 64 KB: a longer one goes out
 * in pieces of that size.  A line not ended SINK_LINE_WAIT (a second)
 * after its program last wrote (a prompt, a progress bar) goes out as it
 * is.  Either way, when another writer's line comes next, the sink ends
 * the piece with a newline of its own first: such a line is split, never
 * interleaved.  Why 64 KB: lines of 4 to 64 KB are common (JSON events
 * with a stack trace), and what keeps them whole is that the sink is the
 * only writer among the supervisor's, not the 4 KB a pipe takes at once
 * (PIPE_BUF), which matters only between writers that share a pipe
 * unaware of each other (a relay's thread writes at most that much at a
 * time, relay.c); 64 KB is what one read takes and what a program's pipe
 * holds; and a container runtime cuts longer lines anyway (Docker's and
 * the CRI's log records take 16 KB).
 *
 * Nothing waits.  A full destination (a pipe whose reader stalls) is
 * waited on with an ev_io watcher while its writers queue.  A writer
 * with SINK_QUEUED_MAX bytes of lines waiting is no longer read
 * (sink_may_read says no): its program blocks on its pipe, as it would
 * writing to the destination itself, and is read again once the sink has
 * written them (so_room).  The bytes held by all writers together are
 * capped as well (SINK_TOTAL_MAX).  The supervisor's own lines (log.c)
 * can't be held back: a line is queued while its writer has room, and
 * dropped and counted when not.  A destination whose writes could block
 * (the supervisor's stdout when it is another user's pipe) is written by
 * a relay's thread, through a pipe the sink writes as any other
 * (logfile.c, relay.c).
 *
 * At the exit (sink_finish) every sink gets until a deadline to write
 * what it holds; what it could not is counted lost, and said.
 */
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include "monotime.h"
#include "sink.h"
#include "strmap.h"

#define SINK_BUF	(2 * SINK_LINE_MAX)	/* a writer's buffer */
#define SINK_READ_MAX	(64 * 1024)		/* one read into it */
#define SINK_READ_MIN	4096			/* room it needs to be read */
#define SINK_QUEUED_MAX	(64 * 1024)		/* a writer's lines waiting:
						   it is not read beyond */
#define SINK_TOTAL_MAX	(4 * 1024 * 1024)	/* all writers' bytes held */
#define SINK_IOV	64			/* iovecs in one write */
#define SINK_WRITE_MAX	(1024 * 1024)		/* bytes in one write */
#define SINK_FINISH_MIN	0.1			/* seconds at the exit for
						   the last messages */

struct sink;

struct sink_writer {
	char		 sw_name[160];	/* "web stdout", for messages */
	unsigned long	 sw_id;		/* tells writers apart (sk_last) */
	struct sink	*sw_sink;	/* NULL: output discarded (NONE) */
	const struct sink_writer_ops *sw_ops; /* NULL: lines, or released */
	void		*sw_arg;	/* for sw_ops */
	bool		 sw_lines;	/* the supervisor's own whole lines:
					   never held back, dropped if full */
	bool		 sw_released;	/* its owner let go: freed once its
					   bytes are written */
	bool		 sw_strip;	/* strip_ansi: escape sequences go */
	bool		 sw_in_csi;	/* ... in the middle of one */
	char		*sw_buf;	/* SINK_BUF bytes, once needed */
	size_t		 sw_head;	/* [head, whole): lines waiting */
	size_t		 sw_whole;
	size_t		 sw_final;	/* [whole, final): a line not ended */
	size_t		 sw_len;	/* [final, len): an escape not known
					   yet (a lone ESC at the end) */
	bool		 sw_queued;	/* on its sink's turn list */
	bool		 sw_held;	/* not read until room: on `held` */
	struct sink_writer *sw_turn_next; /* the sink's turn list */
	struct sink_writer *sw_next;	/* the sink's writers */
	struct sink_writer *sw_held_next; /* the held list */
	ev_timer	 sw_wait;	/* a line not ended goes out as is */
	unsigned long long sw_lost;	/* its bytes that were not written */
};

struct sink {
	char		*sk_key;	/* in `sinks`: see key_of */
	char		 sk_name[160];	/* its first writer's, for messages */
	struct logfile	 sk_log;
	struct sink_writer *sk_writers;	/* attached, and released ones with
					   bytes left */
	int		 sk_attached;	/* writers not released */
	struct sink_writer *sk_turn;	/* writers with lines, in turn */
	struct sink_writer **sk_turn_tail;
	ev_io		 sk_wio;	/* the destination can take more */
	bool		 sk_flushing;	/* in flush(): a nested call returns */
	bool		 sk_mid_line;	/* the last byte was not a newline */
	bool		 sk_spliced;	/* the last bytes were spliced: the
					   file knows its last byte */
	unsigned long	 sk_last;	/* sw_id of who wrote the last byte */
	int		 sk_reopened;	/* ev_iteration()+1 of a SIGUSR2 */
};

static struct ev_loop	*loop;
static struct strmap	 sinks;		/* key -> struct sink */
static bool		 sinks_made;	/* `sinks` initialised */
static size_t		 held_total;	/* bytes in every writer's buffer */
static struct sink_writer *held;	/* writers not read until room */
static unsigned long	 writer_ids;
static bool		 finished;	/* sink_finish ran: nothing more */
static char		 newline[1] = { '\n' };
static struct logfile	 none_log;	/* what a writer without a sink has */

static void	writable_cb(struct ev_loop *, ev_io *, int);
static void	wait_cb(struct ev_loop *, ev_timer *, int);

void
sink_set_loop(struct ev_loop *l)
{
	loop = l;
}

/*
 * The table's key of a destination; NULL: none (NONE, syslog).  A
 * descriptor is known by the file it is open on: stdout and stderr that
 * are one pipe (2>&1), one terminal, one file, are one destination, with
 * one writer.
 */
static char *
key_of(const struct log_config *lc)
{
	struct stat st;
	char *key = NULL;
	int fd, n;

	switch (lc->lc_dest) {
	case LOG_TO_FILE:
		if (lc->lc_path == NULL ||
		    asprintf(&key, "f%c%s", lc->lc_auto ? 'a' : 'p',
		    lc->lc_path) == -1)
			return NULL;
		return key;
	case LOG_TO_STDOUT:
	case LOG_TO_STDERR:
	case LOG_TO_FD:
		fd = lc->lc_dest == LOG_TO_STDOUT ? 1 :
		    lc->lc_dest == LOG_TO_STDERR ? 2 : lc->lc_fd;
		if (logfile_fd_given(fd) && fstat(fd, &st) == 0)
			n = asprintf(&key, "i%ju:%ju", (uintmax_t)st.st_dev,
			    (uintmax_t)st.st_ino);
		else
			n = asprintf(&key, "d%d", fd);
		return n == -1 ? NULL : key;
	default:
		return NULL;
	}
}

/*
 * A writer joins a sink that others write: the file's rotation is the
 * newest config's (the config check makes every log of a file agree);
 * a file that programs of different users share is opened only as root
 * opens it (lc_uid -1: refused in a directory others control, see
 * logfile.c), not as one of them.
 */
static void
adopt(struct sink *sk, const struct log_config *lc)
{
	struct log_config *cur = &sk->sk_log.lf_conf;

	cur->lc_maxbytes = lc->lc_maxbytes;
	cur->lc_backups = lc->lc_backups;
	if (sk->sk_attached == 0) {
		cur->lc_uid = lc->lc_uid;
		cur->lc_gid = lc->lc_gid;
	} else if (cur->lc_uid != lc->lc_uid || cur->lc_gid != lc->lc_gid)
		cur->lc_uid = cur->lc_gid = -1;
}

/* The sink of lc's destination, made and opened if there is none yet. */
static struct sink *
sink_get(const struct log_config *lc, const char *name)
{
	struct sink *sk;
	char *key;

	if ((key = key_of(lc)) == NULL)
		return NULL;
	if (!sinks_made) {
		strmap_init(&sinks);
		sinks_made = true;
	}
	if ((sk = strmap_get(&sinks, key)) != NULL) {
		free(key);
		adopt(sk, lc);
		return sk;
	}
	if ((sk = calloc(1, sizeof(*sk))) == NULL) {
		free(key);
		return NULL;
	}
	sk->sk_key = key;
	if (strmap_put(&sinks, sk->sk_key, sk) == -1) {
		free(key);
		free(sk);
		return NULL;
	}
	snprintf(sk->sk_name, sizeof(sk->sk_name), "%s", name);
	sk->sk_turn_tail = &sk->sk_turn;
	ev_io_init(&sk->sk_wio, writable_cb, -1, EV_WRITE);
	sk->sk_wio.data = sk;
	logfile_init(&sk->sk_log, sk->sk_name, false);
	/* A fault (no directory yet) is reported, and retried as output
	 * comes. */
	(void)logfile_configure(&sk->sk_log, lc);
	return sk;
}

/* A file nobody writes any more is closed; the supervisor's stdout,
 * stderr and descriptors are kept to the end (with their relays). */
static void
sink_free(struct sink *sk)
{
	if (sk->sk_attached > 0 || sk->sk_writers != NULL ||
	    sk->sk_log.lf_conf.lc_dest != LOG_TO_FILE)
		return;
	if (loop != NULL)
		ev_io_stop(loop, &sk->sk_wio);
	(void)strmap_remove(&sinks, sk->sk_key);
	logfile_close(&sk->sk_log);
	free(sk->sk_key);
	free(sk);
}

/* Released writers whose bytes are all written are freed. */
static void
reap(struct sink *sk)
{
	struct sink_writer **pp, *w;

	for (pp = &sk->sk_writers; (w = *pp) != NULL; ) {
		if (w->sw_released && !w->sw_queued && w->sw_head == w->sw_len) {
			*pp = w->sw_next;
			held_total -= w->sw_len - w->sw_head;
			free(w->sw_buf);
			free(w);
		} else
			pp = &w->sw_next;
	}
}

struct sink_writer *
sink_writer_new(const char *name, const struct log_config *lc,
    const struct sink_writer_ops *ops, void *arg)
{
	struct sink_writer *w;
	struct sink *sk = NULL;

	if (lc->lc_dest != LOG_TO_NONE && lc->lc_dest != LOG_TO_SYSLOG &&
	    (sk = sink_get(lc, name)) == NULL)
		return NULL;
	if ((w = calloc(1, sizeof(*w))) == NULL) {
		if (sk != NULL) {
			reap(sk);
			sink_free(sk);
		}
		return NULL;
	}
	snprintf(w->sw_name, sizeof(w->sw_name), "%s", name);
	w->sw_id = ++writer_ids;
	w->sw_ops = ops;
	w->sw_arg = arg;
	w->sw_lines = ops == NULL;
	ev_timer_init(&w->sw_wait, wait_cb, 0, SINK_LINE_WAIT);
	w->sw_wait.data = w;
	if ((w->sw_sink = sk) != NULL) {
		w->sw_next = sk->sk_writers;
		sk->sk_writers = w;
		sk->sk_attached++;
	}
	return w;
}

/* True when its destination is open (a file that can't be is a fault,
 * reported, and retried as output comes). */
bool
sink_writer_open(const struct sink_writer *w)
{
	return w->sw_sink != NULL && w->sw_sink->sk_log.lf_fd != -1;
}

void
sink_writer_strip(struct sink_writer *w, bool on)
{
	w->sw_strip = on;
}

const struct logfile *
sink_writer_log(const struct sink_writer *w)
{
	if (w != NULL && w->sw_sink != NULL)
		return &w->sw_sink->sk_log;
	if (none_log.lf_name == NULL)
		logfile_init(&none_log, "none", false);
	return &none_log;
}

unsigned long long
sink_writer_lost(const struct sink_writer *w)
{
	return w->sw_lost;
}

static void
unhold(struct sink_writer *w)
{
	struct sink_writer **pp;

	if (!w->sw_held)
		return;
	for (pp = &held; *pp != NULL; pp = &(*pp)->sw_held_next)
		if (*pp == w) {
			*pp = w->sw_held_next;
			break;
		}
	w->sw_held = false;
	w->sw_held_next = NULL;
}

/* Its turn comes after every writer's already waiting. */
static void
enqueue(struct sink_writer *w)
{
	struct sink *sk = w->sw_sink;

	if (w->sw_queued || w->sw_whole == w->sw_head)
		return;
	w->sw_queued = true;
	w->sw_turn_next = NULL;
	*sk->sk_turn_tail = w;
	sk->sk_turn_tail = &w->sw_turn_next;
}

/* The line not ended yet goes out as it is. */
static void
end_line(struct sink_writer *w)
{
	if (loop != NULL)
		ev_timer_stop(loop, &w->sw_wait);
	w->sw_whole = w->sw_final = w->sw_len;
	enqueue(w);
}

static void
wait_writable(struct sink *sk)
{
	if (loop == NULL || sk->sk_log.lf_fd == -1)
		return;
	ev_io_set(&sk->sk_wio, sk->sk_log.lf_fd, EV_WRITE);
	ev_io_start(loop, &sk->sk_wio);
}

/* Its destination was written to: followers (tail -f) read on. */
static void
tell_written(struct sink *sk)
{
	struct sink_writer *w, *next;

	for (w = sk->sk_writers; w != NULL; w = next) {
		next = w->sw_next;
		if (w->sw_ops != NULL && w->sw_ops->so_written != NULL)
			w->sw_ops->so_written(w->sw_arg);
	}
}

/* Too much waits: SINK_QUEUED_MAX of its own, too little room left, or
 * SINK_TOTAL_MAX in all. */
static bool
writer_full(const struct sink_writer *w)
{
	return w->sw_whole - w->sw_head >= SINK_QUEUED_MAX ||
	    SINK_BUF - (w->sw_len - w->sw_head) < SINK_READ_MIN ||
	    held_total >= SINK_TOTAL_MAX;
}

/* Writers held back that may be read again are told so. */
static void
wake_held(void)
{
	struct sink_writer *w, *next;

	for (w = held; w != NULL; w = next) {
		next = w->sw_held_next;
		if (writer_full(w))
			continue;
		unhold(w);
		/* Its program may be idle now, a line half written. */
		if (w->sw_len > w->sw_whole && loop != NULL) {
			w->sw_wait.repeat = SINK_LINE_WAIT;
			ev_timer_again(loop, &w->sw_wait);
		}
		if (w->sw_ops != NULL && w->sw_ops->so_room != NULL)
			w->sw_ops->so_room(w->sw_arg);
	}
}

/*
 * Writes the waiting lines, in turn, until none is left or the
 * destination is full (then waits for it).  Bytes the log could not
 * write (a fault) are counted lost to the writer they were of.
 */
static void
flush(struct sink *sk)
{
	struct iovec iov[SINK_IOV];
	struct sink_writer *who[SINK_IOV], *w, *first;
	size_t total, consumed, lost, off, take, bad_from;
	unsigned long long before;
	unsigned long last;
	bool mid, wrote = false;
	int n, i, c;

	if (sk->sk_flushing || ev_is_active(&sk->sk_wio))
		return;
	sk->sk_flushing = true;
	while (sk->sk_turn != NULL) {
		if (sk->sk_spliced) {
			c = logfile_last_byte(&sk->sk_log);
			sk->sk_mid_line = c != -1 && c != '\n';
			sk->sk_spliced = false;
		}
		mid = sk->sk_mid_line;
		last = sk->sk_last;
		first = NULL;
		n = 0;
		total = 0;
		for (w = sk->sk_turn; w != NULL && n + 2 <= SINK_IOV &&
		    total < SINK_WRITE_MAX; w = w->sw_turn_next) {
			/* Another's line was left open: it ends here. */
			if (mid && last != w->sw_id) {
				iov[n].iov_base = newline;
				iov[n].iov_len = 1;
				who[n++] = NULL;
				total++;
			}
			iov[n].iov_base = w->sw_buf + w->sw_head;
			iov[n].iov_len = w->sw_whole - w->sw_head;
			who[n++] = w;
			total += w->sw_whole - w->sw_head;
			mid = w->sw_buf[w->sw_whole - 1] != '\n';
			last = w->sw_id;
			if (first == NULL)
				first = w;
		}
		before = sk->sk_log.lf_lost;
		consumed = logfile_writev(&sk->sk_log, iov, n, &lost);
		/* What the log found lost besides (a file removed under it,
		 * a relay's drops) is put down to the first writer. */
		if (sk->sk_log.lf_lost - before > lost)
			first->sw_lost += sk->sk_log.lf_lost - before - lost;
		bad_from = consumed - lost;
		for (i = 0, off = 0; i < n && off < consumed; i++) {
			take = iov[i].iov_len;
			if (take > consumed - off)
				take = consumed - off;
			if ((w = who[i]) != NULL) {
				if (off + take > bad_from)
					w->sw_lost += off + take -
					    (off > bad_from ? off : bad_from);
				w->sw_head += take;
				held_total -= take;
				sk->sk_last = w->sw_id;
			}
			if (take > 0)
				sk->sk_mid_line = ((const char *)
				    iov[i].iov_base)[take - 1] != '\n';
			off += take;
		}
		if (consumed > 0)
			wrote = true;
		/* Written: off the list, in order; one cut short stays
		 * first. */
		while ((w = sk->sk_turn) != NULL && w->sw_head == w->sw_whole) {
			sk->sk_turn = w->sw_turn_next;
			if (sk->sk_turn == NULL)
				sk->sk_turn_tail = &sk->sk_turn;
			w->sw_queued = false;
			w->sw_turn_next = NULL;
			if (w->sw_head == w->sw_len)
				w->sw_head = w->sw_whole = w->sw_final =
				    w->sw_len = 0;
		}
		if (consumed < total) {
			wait_writable(sk);
			break;
		}
	}
	sk->sk_flushing = false;
	reap(sk);
	if (wrote) {
		tell_written(sk);
		wake_held();
	}
}

static void
writable_cb(struct ev_loop *l, ev_io *io, int revents)
{
	struct sink *sk = io->data;

	(void)revents;
	ev_io_stop(l, io);
	flush(sk);
	sink_free(sk);
}

/* SINK_LINE_WAIT without more from its program: the line goes as is. */
static void
wait_cb(struct ev_loop *l, ev_timer *t, int revents)
{
	struct sink_writer *w = t->data;

	(void)l;
	(void)revents;
	end_line(w);
	flush(w->sw_sink);
}

/*
 * The owner lets go of w (its process leaves, or its log moves): what it
 * holds is written when its turn comes, its line not ended included, and
 * w is freed then; its sink too, when nobody writes there any more.
 */
void
sink_writer_release(struct sink_writer *w)
{
	struct sink *sk;

	if (w == NULL)
		return;
	sk = w->sw_sink;
	unhold(w);
	if (loop != NULL)
		ev_timer_stop(loop, &w->sw_wait);
	w->sw_ops = NULL;
	w->sw_arg = NULL;
	w->sw_released = true;
	if (sk == NULL) {
		free(w->sw_buf);
		free(w);
		return;
	}
	sk->sk_attached--;
	end_line(w);
	flush(sk);
	reap(sk);
	sink_free(sk);
}

/*
 * May the owner read more into w?  No when too much waits: w is held
 * back, and its owner told (so_room) when it may read again.
 */
bool
sink_may_read(struct sink_writer *w)
{
	if (w->sw_sink == NULL || !writer_full(w))
		return true;
	if (!w->sw_held) {
		w->sw_held = true;
		w->sw_held_next = held;
		held = w;
	}
	/* Its program's next bytes wait in its pipe: not a line left. */
	if (loop != NULL)
		ev_timer_stop(loop, &w->sw_wait);
	return false;
}

/*
 * Room at the end of w's buffer for n bytes (made once needed); what was
 * written goes from its start when the room is short, and what is left
 * is no more than what goes (or nothing could be read): so each byte is
 * moved about once.  Not while its sink writes (a message its log
 * reports in the middle of a write comes here): the write has pointers
 * into the buffer.
 */
static bool
make_room(struct sink_writer *w, size_t n)
{
	size_t keep;

	if (w->sw_buf == NULL && (w->sw_buf = malloc(SINK_BUF)) == NULL)
		return false;
	if (w->sw_head > 0 && SINK_BUF - w->sw_len < n &&
	    (w->sw_len - w->sw_head <= w->sw_head ||
	    SINK_BUF - w->sw_len < SINK_READ_MIN) &&
	    !w->sw_sink->sk_flushing) {
		keep = w->sw_len - w->sw_head;
		memmove(w->sw_buf, w->sw_buf + w->sw_head, keep);
		w->sw_whole -= w->sw_head;
		w->sw_final -= w->sw_head;
		w->sw_len = keep;
		w->sw_head = 0;
	}
	return SINK_BUF - w->sw_len >= n;
}

/* Where the owner reads into, *room bytes at most; NULL when there is no
 * memory for it. */
char *
sink_space(struct sink_writer *w, size_t *room)
{
	*room = 0;
	(void)make_room(w, SINK_READ_MAX);
	if (w->sw_buf == NULL)
		return NULL;
	*room = SINK_BUF - w->sw_len;
	if (*room > SINK_READ_MAX)
		*room = SINK_READ_MAX;
	return w->sw_buf + w->sw_len;
}

/*
 * strip_ansi: the escape sequences of [sw_final, sw_len) go, in place.
 * A sequence is what ECMA-48 calls a control sequence (CSI): ESC [,
 * parameter and intermediate bytes (0x20 to 0x3f), a final byte (0x40
 * to 0x7e): colours, cursor moves, erasing.  supervisord removes the
 * same ones, but on a final byte it does not know goes on removing text
 * up to the next one it does; here a byte that can't be in a sequence (a
 * newline) ends it and is kept.  Other escapes (ESC ] titles) are kept,
 * as supervisord keeps them.  A sequence may end in a later read; an ESC
 * that ends this one waits there for the byte after it.
 */
static void
strip(struct sink_writer *w)
{
	char *b = w->sw_buf;
	size_t i = w->sw_final, o = w->sw_final, end = w->sw_len;
	unsigned char c;

	while (i < end) {
		c = (unsigned char)b[i];
		if (w->sw_in_csi) {
			if (c >= 0x20 && c <= 0x3f) {
				i++;
				continue;
			}
			w->sw_in_csi = false;
			if (c >= 0x40 && c <= 0x7e) {
				i++;
				continue;
			}
		}
		if (c == 0x1b) {
			if (i + 1 == end)
				break;
			if (b[i + 1] == '[') {
				w->sw_in_csi = true;
				i += 2;
				continue;
			}
		}
		b[o++] = b[i++];
	}
	w->sw_final = o;
	while (i < end)
		b[o++] = b[i++];
	w->sw_len = o;
}

/*
 * The owner read n bytes into sink_space: the lines they end wait for
 * their turn, and are written if the destination takes them.
 */
void
sink_commit(struct sink_writer *w, size_t n)
{
	struct sink *sk = w->sw_sink;
	size_t before = w->sw_len;
	char *nl;

	w->sw_len += n;
	if (w->sw_strip)
		strip(w);
	else
		w->sw_final = w->sw_len;
	held_total = held_total + w->sw_len - before;
	if (sk->sk_attached == 1)
		w->sw_whole = w->sw_final;	/* alone: nothing to wait for */
	else if ((nl = memrchr(w->sw_buf + w->sw_whole, '\n',
	    w->sw_final - w->sw_whole)) != NULL)
		w->sw_whole = (size_t)(nl - w->sw_buf) + 1;
	while (w->sw_final - w->sw_whole > SINK_LINE_MAX)
		w->sw_whole += SINK_LINE_MAX;
	enqueue(w);
	if (loop != NULL) {
		/* ev_timer_again: a timer reset at every read, cheaply. */
		w->sw_wait.repeat = w->sw_len > w->sw_whole ? SINK_LINE_WAIT : 0;
		ev_timer_again(loop, &w->sw_wait);
	}
	flush(sk);
}

/* n bytes of w's that were read and dropped. */
void
sink_lose(struct sink_writer *w, size_t n)
{
	w->sw_lost += n;
}

/*
 * A writer alone at a regular file, with nothing held, has the pipe's
 * bytes moved into the file by the kernel.  Returns what was moved, 0
 * when the pipe is empty, -1 when the owner must read into sink_space.
 */
ssize_t
sink_splice(struct sink_writer *w, int from, size_t max)
{
	struct sink *sk = w->sw_sink;
	unsigned long long before;
	ssize_t n;

	if (sk == NULL || sk->sk_attached != 1 || sk->sk_writers != w ||
	    w->sw_next != NULL || w->sw_strip || w->sw_len > 0 ||
	    sk->sk_turn != NULL || sk->sk_log.lf_conf.lc_dest != LOG_TO_FILE)
		return -1;
	before = sk->sk_log.lf_lost;
	n = logfile_splice(&sk->sk_log, from, max);
	w->sw_lost += sk->sk_log.lf_lost - before;
	if (n > 0) {
		sk->sk_spliced = true;
		sk->sk_last = w->sw_id;
		tell_written(sk);
	}
	return n;
}

/*
 * One of the supervisor's own lines, whole: queued and written, or, when
 * its writer's buffer is full (the destination stalls), dropped and
 * counted (false).
 */
bool
sink_line(struct sink_writer *w, const char *line, size_t n)
{
	if (w->sw_sink == NULL)
		return true;
	if (finished || !make_room(w, n)) {
		w->sw_lost += n;
		return false;
	}
	memcpy(w->sw_buf + w->sw_len, line, n);
	w->sw_len += n;
	w->sw_whole = w->sw_final = w->sw_len;
	held_total += n;
	enqueue(w);
	flush(w->sw_sink);
	return true;
}

/*
 * SIGUSR2: the file opened anew.  Once per sink, however many of its
 * writers are told in the one round of the loop that handles the signal
 * (a follower, tail -f, counts each new file as a rotation).
 */
void
sink_writer_reopen(struct sink_writer *w)
{
	struct sink *sk = w->sw_sink;
	int round = loop != NULL ? ev_iteration(loop) + 1 : 0;

	if (sk == NULL || sk->sk_log.lf_conf.lc_dest != LOG_TO_FILE ||
	    (round != 0 && sk->sk_reopened == round))
		return;
	sk->sk_reopened = round;
	if (loop != NULL)
		ev_io_stop(loop, &sk->sk_wio);
	logfile_reopen(&sk->sk_log);
	flush(sk);
}

/* Calls fn on every sink. */
static void
each_sink(void (*fn)(struct sink *, void *), void *arg)
{
	size_t i;

	if (!sinks_made)
		return;
	for (i = 0; sinks.sm_slots != NULL && i <= sinks.sm_mask; i++)
		if (sinks.sm_slots[i].ss_key != NULL)
			fn(sinks.sm_slots[i].ss_value, arg);
}

/* At the exit, every line not ended goes, and nothing waits on the loop. */
static void
finish_start(struct sink *sk, void *arg)
{
	struct sink_writer *w;

	(void)arg;
	if (loop != NULL)
		ev_io_stop(loop, &sk->sk_wio);
	for (w = sk->sk_writers; w != NULL; w = w->sw_next) {
		unhold(w);
		end_line(w);
	}
}

/* The descriptors the sinks still have bytes for, at the exit. */
struct waits {
	struct pollfd	 w_fds[64];
	nfds_t		 w_n;
};

/* Writes what it can; its descriptor is waited on when more is left. */
static void
finish_flush(struct sink *sk, void *arg)
{
	struct waits *ws = arg;

	flush(sk);
	if (loop != NULL)
		ev_io_stop(loop, &sk->sk_wio);
	if (sk->sk_turn != NULL && sk->sk_log.lf_fd != -1 &&
	    ws->w_n < sizeof(ws->w_fds) / sizeof(ws->w_fds[0])) {
		ws->w_fds[ws->w_n].fd = sk->sk_log.lf_fd;
		ws->w_fds[ws->w_n].events = POLLOUT;
		ws->w_n++;
	}
}

/* Until deadline, the sinks write what they hold; the loop is over, so
 * this waits in poll(2). */
static void
finish_drain(double deadline)
{
	struct waits ws;
	double left;

	for (;;) {
		ws.w_n = 0;
		each_sink(finish_flush, &ws);
		left = deadline - mono_now();
		if (ws.w_n == 0 || left <= 0)
			return;
		(void)poll(ws.w_fds, ws.w_n, (int)(left * 1000) + 1);
	}
}

/* Which sinks finish_sink ends: those with the supervisor's own lines
 * last, once the others have said what they lost. */
struct finish {
	double	 f_deadline;
	bool	 f_own;
};

/* What a sink could not write by the deadline: lost, and said. */
static void
finish_sink(struct sink *sk, void *arg)
{
	const struct finish *f = arg;
	unsigned long long left = 0;
	struct sink_writer *w;
	bool own = false;

	for (w = sk->sk_writers; w != NULL; w = w->sw_next)
		if (w->sw_lines && !w->sw_released)
			own = true;
	if (own != f->f_own)
		return;
	for (w = sk->sk_writers; w != NULL; w = w->sw_next) {
		w->sw_lost += w->sw_len - w->sw_head;
		left += w->sw_len - w->sw_head;
		held_total -= w->sw_len - w->sw_head;
		w->sw_head = w->sw_whole = w->sw_final = w->sw_len = 0;
		w->sw_queued = false;
		w->sw_turn_next = NULL;
	}
	sk->sk_turn = NULL;
	sk->sk_turn_tail = &sk->sk_turn;
	left += logfile_finish(&sk->sk_log, f->f_deadline);
	logfile_unwritten(&sk->sk_log, left);
}

/*
 * At the exit: every sink gets `seconds` to write what it holds (a relay
 * its thread too); what it could not is counted lost and said in the
 * supervisor's log, which gets a last moment of its own for that.  After
 * this, nothing more is written.
 */
void
sink_finish(double seconds)
{
	struct finish f = { mono_now() + seconds, false };

	if (finished)
		return;
	each_sink(finish_start, NULL);
	finish_drain(f.f_deadline);
	each_sink(finish_sink, &f);
	if (f.f_deadline < mono_now() + SINK_FINISH_MIN)
		f.f_deadline = mono_now() + SINK_FINISH_MIN;
	finish_drain(f.f_deadline);
	finished = true;
	f.f_own = true;
	each_sink(finish_sink, &f);
}
