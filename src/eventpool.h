/*
 * eventpool.h: [eventlistener:x] pools and supervisord's event listener
 * protocol.  A pool queues the events it subscribes to (buffer_size of
 * them, the oldest dropped when full) and gives each to one of its
 * listener processes that said READY: the header line and the payload on
 * its stdin, RESULT on its stdout.  One event in flight per process; an
 * event a listener fails or dies with goes back to the head of the queue.
 */
#ifndef SUPERVISOR_EVENTPOOL_H
#define SUPERVISOR_EVENTPOOL_H

#include <ev.h>
#include <stdbool.h>
#include <stddef.h>

#include "config_types.h"
#include "eventtype.h"
#include "process.h"

/* One event, shared by the pools that queue it. */
struct event {
	int		 ev_refs;
	enum event_type	 ev_type;
	bool		 ev_serial_set;	/* a pool took it: it has a serial */
	unsigned long long ev_serial;	/* supervisord's global serial */
	size_t		 ev_chars;	/* len: as supervisord counts it, in
					   characters of UTF-8 */
	size_t		 ev_len;	/* payload bytes */
	char		 ev_payload[];
};

/* The protocol state of one listener process (supervisord's names). */
enum listener_state {
	LISTENER_ACKNOWLEDGED,	/* waiting for READY */
	LISTENER_READY,
	LISTENER_BUSY,		/* an event sent, waiting for RESULT */
	LISTENER_UNKNOWN,	/* broke the protocol: restarted */
};

struct event *event_new(enum event_type type, const char *payload,
	    size_t len);
void	event_unref(struct event *e);

void	eventpool_init(struct ev_loop *loop, const char *server);
void	eventpool_configure(const struct config *cf);
void	eventpool_free(void);
/* Whether some pool subscribes to events of type t. */
bool	eventpool_wanted(enum event_type t);
bool	eventpool_any(void);
/* Queues e in every pool subscribed to its type (takes no reference). */
void	eventpool_publish(struct event *e);

/* The process layer's observer: pipes at each spawn, states. */
void	eventpool_observe(void);

/* For the teardown: p is a listener with events still to hand on. */
bool	eventpool_draining(const struct process *p);
/* For status: p's pool's queue and drops; false when p is no listener. */
bool	eventpool_status(const struct process *p, size_t *queued,
	    unsigned long long *dropped, enum listener_state *state);
const char *listener_state_name(enum listener_state s);

#endif
