/*
 * eventpool.c: the pools of [eventlistener:x] sections and the protocol
 * their processes speak, as supervisord 4.2's process.py
 * (EventListenerPool) and dispatchers.py (PEventListenerDispatcher).
 * A listener writes READY; it is sent
 *     ver:3.0 server:NAME serial:N pool:NAME poolserial:N eventname:NAME len:N\n
 * and len characters of payload; it answers RESULT <len>\n and that
 * many bytes: OK is done, anything else puts the event back at the head
 * of the queue.  Its stdin and stdout are pipes made at each spawn; both
 * our ends are non-blocking, and nothing of what a listener writes is
 * kept beyond a short line.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "eventpool.h"
#include "log.h"
#include "strmap.h"

#define LINE_MAX_LEN	128	/* READY, a RESULT line: kept this long */
#define READS_PER_WAKE	16	/* then other watchers get a turn */
#define RESULT_MAX	(1024 * 1024) /* a longer RESULT is a fault */
#define POOL_BYTES_MAX	(16 * 1024 * 1024) /* a pool's queued payloads */

struct eventpool;

struct listener {
	struct process	*l_proc;	/* the process it is (not ours) */
	struct eventpool *l_pool;
	enum listener_state l_state;
	int		 l_in;		/* our end of its stdin, -1: none */
	int		 l_out;		/* our end of its stdout, -1: none */
	int		 l_child[2];	/* its ends, between fork and close */
	ev_io		 l_rio;		/* its stdout is readable */
	ev_io		 l_wio;		/* its stdin has room for the rest */
	char		 l_line[LINE_MAX_LEN]; /* what it wrote, not yet
					   understood */
	size_t		 l_linelen;
	struct event	*l_event;	/* in flight, NULL: none */
	unsigned long long l_poolserial; /* of l_event */
	char		*l_wbuf;	/* the envelope being written */
	size_t		 l_wlen, l_woff;
	long long	 l_resultlen;	/* -1: no RESULT line yet */
	long long	 l_resultgot;	/* bytes of the result read */
	char		 l_result[3];	/* its first bytes (OK is two) */
	bool		 l_said;	/* a fault was logged, none since an OK */
	bool		 l_said_fail;	/* a rejection was, none since an OK */
	struct listener	*l_next;	/* the pool's, in spawn order */
};

/* A queued event and the serial this pool gave it. */
struct queued {
	struct event	*q_event;
	unsigned long long q_poolserial;
};

struct eventpool {
	char		*ep_name;
	event_mask	 ep_events;
	size_t		 ep_cap;	/* buffer_size */
	struct queued	*ep_queue;	/* a ring of ep_cap */
	size_t		 ep_head, ep_count;
	size_t		 ep_bytes;	/* the payloads queued */
	unsigned long long ep_serial;	/* the last pool serial given */
	bool		 ep_serial_any;	/* one was given */
	unsigned long long ep_dropped;	/* events the full queue lost */
	bool		 ep_overflowing; /* a drop said, the queue not yet
					   empty since */
	bool		 ep_configured;	/* in the current config */
	struct listener	*ep_listeners;
	struct eventpool *ep_next;
};

static struct ev_loop	*loop;
static char		*server_name;	/* identifier: the header's server */
static struct eventpool	*pools;
static struct strmap	 pools_by_name;
static struct strmap	 listeners;	/* by process name */
static unsigned long long global_serial;
static bool		 global_serial_any;

static void	read_cb(struct ev_loop *, ev_io *, int);
static void	write_cb(struct ev_loop *, ev_io *, int);
static void	pool_dispatch(struct eventpool *ep);
static void	set_state(struct listener *l, enum listener_state s);

const char *
listener_state_name(enum listener_state s)
{
	static const char *const names[] = {
		[LISTENER_ACKNOWLEDGED] = "ACKNOWLEDGED",
		[LISTENER_READY] = "READY",
		[LISTENER_BUSY] = "BUSY",
		[LISTENER_UNKNOWN] = "UNKNOWN",
	};

	return names[s];
}

/* ---- events ------------------------------------------------------------ */

/*
 * len in the header is Python's len() of the payload string: characters.
 * Readers (childutils) read that many characters, so a byte count would
 * cut them short of a multi-byte line's end.  Bytes that are not UTF-8
 * are made '?' first, so the two counts agree on what is sent.
 */
static size_t
utf8_sanitize(char *s, size_t len)
{
	size_t i = 0, chars = 0, n, k;
	unsigned char c;

	while (i < len) {
		c = (unsigned char)s[i];
		n = c < 0x80 ? 1 : (c & 0xe0) == 0xc0 && c >= 0xc2 ? 2 :
		    (c & 0xf0) == 0xe0 ? 3 : (c & 0xf8) == 0xf0 && c <= 0xf4 ?
		    4 : 0;
		for (k = 1; n > 1 && k < n; k++)
			if (i + k >= len ||
			    ((unsigned char)s[i + k] & 0xc0) != 0x80)
				n = 0;
		if (n == 0) {
			s[i] = '?';
			n = 1;
		}
		i += n;
		chars++;
	}
	return chars;
}

struct event *
event_new(enum event_type type, const char *payload, size_t len)
{
	struct event *e;

	if ((e = malloc(sizeof(*e) + len + 1)) == NULL) {
		log_warn("event %s", event_type_name(type));
		return NULL;
	}
	e->ev_refs = 1;
	e->ev_type = type;
	e->ev_serial_set = false;
	e->ev_serial = 0;
	memcpy(e->ev_payload, payload, len);
	e->ev_payload[len] = '\0';
	e->ev_len = len;
	e->ev_chars = utf8_sanitize(e->ev_payload, len);
	return e;
}

void
event_unref(struct event *e)
{
	if (e != NULL && --e->ev_refs == 0)
		free(e);
}

/* ---- a pool's queue ---------------------------------------------------- */

static struct queued *
queue_at(struct eventpool *ep, size_t i)
{
	return &ep->ep_queue[(ep->ep_head + i) % ep->ep_cap];
}

/* The oldest goes, as supervisord's: said once until the queue drains. */
static void
queue_drop_oldest(struct eventpool *ep)
{
	struct queued *q = queue_at(ep, 0);

	ep->ep_dropped++;
	if (!ep->ep_overflowing)
		log_error("pool %s event buffer overflowed, discarding event "
		    "%llu (buffer_size %zu, or 16 MB; later drops are counted "
		    "in status)", ep->ep_name, q->q_event->ev_serial,
		    ep->ep_cap);
	ep->ep_overflowing = true;
	ep->ep_bytes -= q->q_event->ev_len;
	event_unref(q->q_event);
	ep->ep_head = (ep->ep_head + 1) % ep->ep_cap;
	ep->ep_count--;
}

/* At the tail, or back at the head (a listener failed it or died). */
static void
queue_put(struct eventpool *ep, struct event *e, unsigned long long serial,
    bool head)
{
	struct queued *q;

	if (ep->ep_count == ep->ep_cap)
		queue_drop_oldest(ep);
	/* Output events are up to 64 KB, captures 1 MB: bytes are capped
	 * too, whatever buffer_size says. */
	while (ep->ep_count > 0 && ep->ep_bytes + e->ev_len > POOL_BYTES_MAX)
		queue_drop_oldest(ep);
	if (head) {
		ep->ep_head = (ep->ep_head + ep->ep_cap - 1) % ep->ep_cap;
		q = queue_at(ep, 0);
	} else
		q = queue_at(ep, ep->ep_count);
	ep->ep_count++;
	ep->ep_bytes += e->ev_len;
	q->q_event = e;
	q->q_poolserial = serial;
}

static struct queued
queue_take(struct eventpool *ep)
{
	struct queued q = *queue_at(ep, 0);

	ep->ep_head = (ep->ep_head + 1) % ep->ep_cap;
	ep->ep_bytes -= q.q_event->ev_len;
	if (--ep->ep_count == 0)
		ep->ep_overflowing = false;
	return q;
}

static void
queue_clear(struct eventpool *ep)
{
	while (ep->ep_count > 0)
		event_unref(queue_take(ep).q_event);
}

/* A new buffer_size: the newest events stay. */
static int
queue_resize(struct eventpool *ep, size_t cap)
{
	struct queued *nq;
	size_t i, n;

	if (cap == ep->ep_cap)
		return 0;
	if ((nq = calloc(cap, sizeof(*nq))) == NULL)
		return -1;
	while (ep->ep_count > cap)
		queue_drop_oldest(ep);
	n = ep->ep_count;
	for (i = 0; i < n; i++)
		nq[i] = *queue_at(ep, i);
	free(ep->ep_queue);
	ep->ep_queue = nq;
	ep->ep_cap = cap;
	ep->ep_head = 0;
	return 0;
}

void
eventpool_publish(struct event *e)
{
	struct eventpool *ep;
	unsigned long long serial;

	for (ep = pools; ep != NULL; ep = ep->ep_next) {
		if (!ep->ep_configured || !event_mask_has(ep->ep_events,
		    e->ev_type))
			continue;
		if (!e->ev_serial_set) {
			e->ev_serial = global_serial_any ? global_serial + 1 : 0;
			global_serial = e->ev_serial;
			global_serial_any = e->ev_serial_set = true;
		}
		serial = ep->ep_serial_any ? ep->ep_serial + 1 : 0;
		ep->ep_serial = serial;
		ep->ep_serial_any = true;
		e->ev_refs++;
		queue_put(ep, e, serial, false);
		pool_dispatch(ep);
	}
}

bool
eventpool_wanted(enum event_type t)
{
	struct eventpool *ep;

	for (ep = pools; ep != NULL; ep = ep->ep_next)
		if (ep->ep_configured && event_mask_has(ep->ep_events, t))
			return true;
	return false;
}

/* Whether there is a pool at all (a reload may configure one later). */
bool
eventpool_any(void)
{
	return pools != NULL;
}

/* ---- one listener -------------------------------------------------------- */

static void
close_pipes(struct listener *l)
{
	ev_io_stop(loop, &l->l_rio);
	ev_io_stop(loop, &l->l_wio);
	if (l->l_in != -1)
		close(l->l_in);
	if (l->l_out != -1)
		close(l->l_out);
	l->l_in = l->l_out = -1;
	free(l->l_wbuf);
	l->l_wbuf = NULL;
	l->l_wlen = l->l_woff = 0;
}

/* Its event goes back to the head of its pool's queue. */
static void
give_back(struct listener *l)
{
	if (l->l_event == NULL)
		return;
	queue_put(l->l_pool, l->l_event, l->l_poolserial, true);
	l->l_event = NULL;
}

static void
reset_result(struct listener *l)
{
	l->l_resultlen = -1;
	l->l_resultgot = 0;
	memset(l->l_result, 0, sizeof(l->l_result));
}

/*
 * It broke the protocol: UNKNOWN, as supervisord's, which leaves such a
 * listener be for ever, its pool's events piling up.  Here it is also
 * sent its stopsignal, so that autorestart brings a fresh one.
 */
static void
fault(struct listener *l, const char *fmt, const char *what)
{
	char shown[64];
	size_t i;

	snprintf(shown, sizeof(shown), "%s", what);
	for (i = 0; shown[i] != '\0'; i++)
		if ((unsigned char)shown[i] < 0x20 ||
		    (unsigned char)shown[i] >= 0x7f)
			shown[i] = '?';
	if (!l->l_said)
		log_warnx(fmt, l->l_proc->p_name, shown);
	l->l_said = true;
	set_state(l, LISTENER_UNKNOWN);
	/* Not read any more: a flood costs nothing, its pipe just fills. */
	ev_io_stop(loop, &l->l_rio);
	l->l_linelen = 0;
	give_back(l);
	reset_result(l);
	(void)process_signal(l->l_proc, l->l_proc->p_program->pg_stopsignal);
}

/* Every change of a listener's state, at debug level as supervisord's. */
static void
set_state(struct listener *l, enum listener_state s)
{
	if (l->l_state != s)
		log_debug("%s: %s -> %s", l->l_proc->p_name,
		    listener_state_name(l->l_state), listener_state_name(s));
	l->l_state = s;
}

static void
consume(struct listener *l, size_t n)
{
	memmove(l->l_line, l->l_line + n, l->l_linelen - n);
	l->l_linelen -= n;
}

/* supervisord's int() of what follows "RESULT " (it checks no more). */
static bool
result_length(const char *s, size_t len, long long *out)
{
	char buf[32], *end;
	long long v;

	if (len > sizeof(buf) - 1)
		return false;
	memcpy(buf, s, len);
	buf[len] = '\0';
	errno = 0;
	v = strtoll(buf, &end, 10);
	while (*end == ' ' || *end == '\t' || *end == '\r')
		end++;
	if (errno != 0 || end == buf || *end != '\0' || v < 0 ||
	    v > RESULT_MAX)
		return false;
	*out = v;
	return true;
}

/* The whole result is in: OK is done, anything else goes back. */
static void
result(struct listener *l)
{
	bool ok = l->l_resultgot == 2 && memcmp(l->l_result, "OK", 2) == 0;

	if (ok) {
		log_debug("%s: event %llu was processed", l->l_proc->p_name,
		    l->l_event != NULL ? l->l_event->ev_serial : 0);
		/* It works: its next fault is news. */
		l->l_said = l->l_said_fail = false;
		event_unref(l->l_event);
		l->l_event = NULL;
	} else {
		if (!l->l_said_fail)
			log_warnx("%s: event was rejected (it is sent again)",
			    l->l_proc->p_name);
		l->l_said_fail = true;
		give_back(l);
	}
	reset_result(l);
	set_state(l, LISTENER_ACKNOWLEDGED);
}

/* What it wrote, against its state (handle_listener_state_change). */
static void
parse(struct listener *l)
{
	const char *nl;
	size_t take, pos;

	while (l->l_linelen > 0) {
		switch (l->l_state) {
		case LISTENER_UNKNOWN:
			l->l_linelen = 0;
			return;
		case LISTENER_ACKNOWLEDGED:
			if (l->l_linelen < 6)
				return;
			if (memcmp(l->l_line, "READY\n", 6) != 0) {
				l->l_line[l->l_linelen < 32 ?
				    l->l_linelen : 32] = '\0';
				fault(l, "%s: wrote \"%s\" where READY was due; "
				    "it is UNKNOWN and restarted", l->l_line);
				return;
			}
			consume(l, 6);
			set_state(l, LISTENER_READY);
			break;
		case LISTENER_READY:
			l->l_line[l->l_linelen < 32 ? l->l_linelen : 32] = '\0';
			fault(l, "%s: wrote \"%s\" with no event to answer; it "
			    "is UNKNOWN and restarted", l->l_line);
			return;
		case LISTENER_BUSY:
			if (l->l_resultlen < 0) {
				nl = memchr(l->l_line, '\n', l->l_linelen);
				if (nl == NULL) {
					if (l->l_linelen < sizeof(l->l_line))
						return;
					l->l_line[32] = '\0';
					fault(l, "%s: bad result line: \"%s...\" "
					    "(too long); it is UNKNOWN and "
					    "restarted", l->l_line);
					return;
				}
				pos = (size_t)(nl - l->l_line);
				if (pos < 7 || !result_length(l->l_line + 7,
				    pos - 7, &l->l_resultlen)) {
					l->l_line[pos < 32 ? pos : 32] = '\0';
					l->l_resultlen = -1;
					fault(l, "%s: bad result line: \"%s\"; it "
					    "is UNKNOWN and restarted",
					    l->l_line);
					return;
				}
				consume(l, pos + 1);
			}
			take = l->l_linelen;
			if ((long long)take > l->l_resultlen - l->l_resultgot)
				take = (size_t)(l->l_resultlen -
				    l->l_resultgot);
			for (pos = 0; pos < take; pos++)
				if (l->l_resultgot + (long long)pos < 3)
					l->l_result[l->l_resultgot + pos] =
					    l->l_line[pos];
			l->l_resultgot += (long long)take;
			consume(l, take);
			if (l->l_resultgot == l->l_resultlen)
				result(l);
			break;
		}
	}
}

/* What it wrote, at debug level as supervisord's ("OKREADY" in one). */
static void
log_output(struct listener *l, const char *buf, size_t n)
{
	char shown[4 * LINE_MAX_LEN + 1];
	size_t i, k = 0;

	for (i = 0; i < n && k + 4 < sizeof(shown); i++) {
		if (buf[i] == '\n') {
			shown[k++] = '\\';
			shown[k++] = 'n';
		} else if ((unsigned char)buf[i] < 0x20 ||
		    (unsigned char)buf[i] >= 0x7f)
			shown[k++] = '?';
		else
			shown[k++] = buf[i];
	}
	shown[k] = '\0';
	log_debug("%s stdout output: %s", l->l_proc->p_name, shown);
}

static void
read_cb(struct ev_loop *lp, ev_io *w, int revents)
{
	struct listener *l = w->data;
	ssize_t n;
	int i;

	(void)lp;
	(void)revents;
	for (i = 0; i < READS_PER_WAKE && l->l_out != -1 &&
	    l->l_state != LISTENER_UNKNOWN; i++) {
		n = read(l->l_out, l->l_line + l->l_linelen,
		    sizeof(l->l_line) - l->l_linelen);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && errno == EAGAIN)
			break;
		if (n <= 0) {
			/* Its stdout closed: it is ending; its exit
			 * gives back what it had. */
			ev_io_stop(loop, &l->l_rio);
			break;
		}
		log_output(l, l->l_line + l->l_linelen, (size_t)n);
		l->l_linelen += (size_t)n;
		parse(l);
	}
	pool_dispatch(l->l_pool);
}

/* Writes what is left of the envelope; false on a broken pipe. */
static bool
write_more(struct listener *l)
{
	ssize_t n;

	while (l->l_woff < l->l_wlen) {
		n = write(l->l_in, l->l_wbuf + l->l_woff, l->l_wlen - l->l_woff);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && errno == EAGAIN) {
			ev_io_start(loop, &l->l_wio);
			return true;
		}
		if (n == -1) {
			log_debug("%s: write to its stdin: %s", l->l_proc->p_name,
			    strerror(errno));
			return false;
		}
		l->l_woff += (size_t)n;
	}
	ev_io_stop(loop, &l->l_wio);
	free(l->l_wbuf);
	l->l_wbuf = NULL;
	l->l_wlen = l->l_woff = 0;
	return true;
}

static void
write_cb(struct ev_loop *lp, ev_io *w, int revents)
{
	struct listener *l = w->data;

	(void)lp;
	(void)revents;
	if (!write_more(l)) {
		ev_io_stop(loop, &l->l_wio);
		/* Its stdin is closed: it is ending, and gives the event
		 * back at its exit. */
	}
}

/* Sends q to l: BUSY.  False when its stdin is gone (q is not taken). */
static bool
send_event(struct listener *l, struct queued *q)
{
	struct event *e = q->q_event;
	char head[512];
	int hlen;

	hlen = snprintf(head, sizeof(head), "ver:3.0 server:%s serial:%llu "
	    "pool:%s poolserial:%llu eventname:%s len:%zu\n", server_name,
	    e->ev_serial, l->l_pool->ep_name, q->q_poolserial,
	    event_type_name(e->ev_type), e->ev_chars);
	if (hlen < 0 || (size_t)hlen >= sizeof(head))
		return false;
	if ((l->l_wbuf = malloc((size_t)hlen + e->ev_len)) == NULL) {
		log_warn("%s: event %llu", l->l_proc->p_name, e->ev_serial);
		return false;
	}
	memcpy(l->l_wbuf, head, (size_t)hlen);
	memcpy(l->l_wbuf + hlen, e->ev_payload, e->ev_len);
	l->l_wlen = (size_t)hlen + e->ev_len;
	l->l_woff = 0;
	if (!write_more(l)) {
		free(l->l_wbuf);
		l->l_wbuf = NULL;
		l->l_wlen = 0;
		close(l->l_in);
		l->l_in = -1;
		return false;
	}
	set_state(l, LISTENER_BUSY);
	l->l_event = e;
	l->l_poolserial = q->q_poolserial;
	reset_result(l);
	log_debug("event %llu sent to listener %s", e->ev_serial,
	    l->l_proc->p_name);
	return true;
}

/* The oldest events to READY listeners, while there are both. */
static void
pool_dispatch(struct eventpool *ep)
{
	struct listener *l;
	struct queued q;

	while (ep->ep_count > 0) {
		for (l = ep->ep_listeners; l != NULL; l = l->l_next)
			if (l->l_state == LISTENER_READY && l->l_in != -1 &&
			    l->l_proc->p_state == PROC_RUNNING)
				break;
		if (l == NULL)
			return;
		q = queue_take(ep);
		if (!send_event(l, &q))
			queue_put(ep, q.q_event, q.q_poolserial, true);
	}
}

/* ---- pools ------------------------------------------------------------ */

static struct eventpool *
pool_new(const char *name)
{
	struct eventpool *ep;

	if ((ep = calloc(1, sizeof(*ep))) == NULL ||
	    (ep->ep_name = strdup(name)) == NULL) {
		free(ep);
		return NULL;
	}
	if (strmap_put(&pools_by_name, ep->ep_name, ep) == -1) {
		free(ep->ep_name);
		free(ep);
		return NULL;
	}
	ep->ep_next = pools;
	pools = ep;
	return ep;
}

static void
pool_free(struct eventpool *ep)
{
	struct eventpool **pp;

	for (pp = &pools; *pp != NULL; pp = &(*pp)->ep_next)
		if (*pp == ep) {
			*pp = ep->ep_next;
			break;
		}
	strmap_remove(&pools_by_name, ep->ep_name);
	queue_clear(ep);
	free(ep->ep_queue);
	free(ep->ep_name);
	free(ep);
}

/* A pool out of the config goes with its last listener. */
static void
pool_release(struct eventpool *ep)
{
	if (!ep->ep_configured && ep->ep_listeners == NULL)
		pool_free(ep);
}

/* The pools of cf's [eventlistener:x] sections (at start, at a reload). */
/* The pool of the listener program pg, made if new, set as pg says;
 * NULL (said) when it cannot be had. */
static struct eventpool *
pool_configured(const struct program_config *pg)
{
	struct eventpool *ep;

	if ((ep = strmap_get(&pools_by_name, pg->pg_name)) == NULL &&
	    (ep = pool_new(pg->pg_name)) == NULL) {
		log_warn("pool %s", pg->pg_name);
		return NULL;
	}
	if (queue_resize(ep, (size_t)pg->pg_buffer_size) == -1) {
		log_warn("pool %s", pg->pg_name);
		if (ep->ep_cap == 0)
			return NULL;
	}
	ep->ep_events = pg->pg_events;
	ep->ep_configured = true;
	return ep;
}

void
eventpool_configure(const struct config *cf)
{
	struct eventpool *ep, *next;
	const struct program_config *pg;
	size_t i;

	for (ep = pools; ep != NULL; ep = ep->ep_next)
		ep->ep_configured = false;
	for (i = 0; i < cf->cf_nprograms; i++) {
		pg = cf->cf_programs[i];
		if (pg->pg_listener)
			(void)pool_configured(pg);
	}
	for (ep = pools; ep != NULL; ep = next) {
		next = ep->ep_next;
		if (!ep->ep_configured)
			queue_clear(ep);
		pool_release(ep);
	}
}

/* ---- the process layer's observer -------------------------------------- */

static struct listener *
listener_of(const struct process *p)
{
	return strmap_get(&listeners, p->p_name);
}

static void
listener_unlink(struct listener *l)
{
	struct listener **pp;

	for (pp = &l->l_pool->ep_listeners; *pp != NULL; pp = &(*pp)->l_next)
		if (*pp == l) {
			*pp = l->l_next;
			break;
		}
}

static struct listener *
listener_new(struct process *p, struct eventpool *ep)
{
	struct listener *l, **pp;

	if ((l = calloc(1, sizeof(*l))) == NULL)
		return NULL;
	if (strmap_put(&listeners, p->p_name, l) == -1) {
		free(l);
		return NULL;
	}
	l->l_proc = p;
	l->l_pool = ep;
	l->l_in = l->l_out = -1;
	l->l_child[0] = l->l_child[1] = -1;
	ev_io_init(&l->l_rio, read_cb, -1, EV_READ);
	ev_io_init(&l->l_wio, write_cb, -1, EV_WRITE);
	l->l_rio.data = l->l_wio.data = l;
	for (pp = &ep->ep_listeners; *pp != NULL; pp = &(*pp)->l_next)
		;
	*pp = l;
	return l;
}

static void
listener_free(struct listener *l)
{
	struct eventpool *ep = l->l_pool;

	give_back(l);
	close_pipes(l);
	strmap_remove(&listeners, l->l_proc->p_name);
	listener_unlink(l);
	free(l);
	pool_release(ep);
}

static int
nonblocking_pipe(int fds[2], int ours)
{
	if (pipe2(fds, O_CLOEXEC) == -1)
		return -1;
	if (fcntl(fds[ours], F_SETFL, O_NONBLOCK) == -1) {
		close(fds[0]);
		close(fds[1]);
		return -1;
	}
	return 0;
}

/* A listener's spawn: new pipes, so nothing of its last run is read. */
static void
spawning(struct process *p, int stdio[3], void *arg)
{
	struct eventpool *ep;
	struct listener *l;
	int in[2], out[2];

	(void)arg;
	if (!p->p_program->pg_listener)
		return;
	/* A listener a reload or an update added starts before the pool
	 * is configured (eventpool_configure runs once the reload is
	 * applied; an update of one group does not run it): made here. */
	if ((ep = strmap_get(&pools_by_name, p->p_program->pg_name)) == NULL)
		ep = pool_configured(p->p_program);
	if ((l = listener_of(p)) != NULL && l->l_pool != ep) {
		listener_free(l);
		l = NULL;
	}
	if (ep == NULL)
		return;
	if (l == NULL && (l = listener_new(p, ep)) == NULL) {
		log_warn("%s: listener", p->p_name);
		return;
	}
	give_back(l);
	close_pipes(l);
	if (nonblocking_pipe(in, 1) == -1) {
		log_warn("%s: pipe", p->p_name);
		return;
	}
	if (nonblocking_pipe(out, 0) == -1) {
		log_warn("%s: pipe", p->p_name);
		close(in[0]);
		close(in[1]);
		return;
	}
	l->l_in = in[1];
	l->l_out = out[0];
	l->l_child[0] = in[0];
	l->l_child[1] = out[1];
	stdio[0] = in[0];
	stdio[1] = out[1];
	set_state(l, LISTENER_ACKNOWLEDGED);
	l->l_linelen = 0;
	reset_result(l);
	ev_io_set(&l->l_rio, l->l_out, EV_READ);
	ev_io_set(&l->l_wio, l->l_in, EV_WRITE);
	ev_io_start(loop, &l->l_rio);
}

static void
spawned(struct process *p, pid_t pid, void *arg)
{
	struct listener *l = listener_of(p);
	int i;

	(void)pid;
	(void)arg;
	if (l == NULL)
		return;
	for (i = 0; i < 2; i++) {
		if (l->l_child[i] != -1)
			close(l->l_child[i]);
		l->l_child[i] = -1;
	}
}

static void
changed(struct process *p, enum proc_state from, void *arg)
{
	struct listener *l = listener_of(p);

	(void)from;
	(void)arg;
	if (l == NULL)
		return;
	switch (p->p_state) {
	case PROC_RUNNING:
		pool_dispatch(l->l_pool);
		break;
	case PROC_STARTING:
	case PROC_STOPPING:
		break;
	default:
		/* Gone: what it had goes to another (supervisord's
		 * EventRejectedEvent at its finish()). */
		if (p->p_pid == 0) {
			give_back(l);
			close_pipes(l);
			set_state(l, LISTENER_ACKNOWLEDGED);
			pool_dispatch(l->l_pool);
		}
		break;
	}
}

static void
removed(struct process *p, void *arg)
{
	struct listener *l = listener_of(p);

	(void)arg;
	if (l != NULL)
		listener_free(l);
}

static struct process_observer observer = {
	.po_changed = changed,
	.po_removed = removed,
	.po_spawning = spawning,
	.po_spawned = spawned,
};

void
eventpool_observe(void)
{
	process_observe(&observer);
}

/*
 * Whether p is a listener still handing on events: one in flight, or
 * its pool has some and it can take them (RUNNING, not UNKNOWN).
 */
bool
eventpool_draining(const struct process *p)
{
	struct listener *l = listener_of(p);

	if (l == NULL || l->l_state == LISTENER_UNKNOWN || l->l_in == -1 ||
	    p->p_state != PROC_RUNNING)
		return false;
	return l->l_event != NULL || l->l_pool->ep_count > 0;
}

bool
eventpool_status(const struct process *p, size_t *queued,
    unsigned long long *dropped, enum listener_state *state)
{
	struct listener *l;
	struct eventpool *ep;

	if (!p->p_program->pg_listener)
		return false;
	l = listener_of(p);
	ep = l != NULL ? l->l_pool :
	    strmap_get(&pools_by_name, p->p_program->pg_name);
	*queued = ep != NULL ? ep->ep_count : 0;
	*dropped = ep != NULL ? ep->ep_dropped : 0;
	*state = l != NULL ? l->l_state : LISTENER_ACKNOWLEDGED;
	return true;
}

void
eventpool_init(struct ev_loop *l, const char *server)
{
	loop = l;
	strmap_init(&pools_by_name);
	strmap_init(&listeners);
	free(server_name);
	server_name = strdup(server != NULL ? server : "supervisor");
	if (server_name == NULL)
		fatal("eventpool");
}

void
eventpool_free(void)
{
	process_unobserve(&observer);
	while (pools != NULL) {
		while (pools->ep_listeners != NULL) {
			pools->ep_configured = true;	/* kept till the end */
			listener_free(pools->ep_listeners);
		}
		pool_free(pools);
	}
	strmap_free(&pools_by_name);
	strmap_free(&listeners);
	free(server_name);
	server_name = NULL;
}
