/*
 * eventtype.h: supervisord's event types, by name, and which type is
 * whose child: subscribing to a parent (PROCESS_STATE, EVENT) is
 * subscribing to every type under it.  Names as supervisord spells them.
 */
#ifndef SUPERVISOR_EVENTTYPE_H
#define SUPERVISOR_EVENTTYPE_H

#include <stdbool.h>
#include <stdint.h>

enum event_type {
	EV_EVENT,			/* the parent of all */
	EV_PROCESS_STATE,
	EV_PROCESS_STATE_STOPPED,
	EV_PROCESS_STATE_EXITED,
	EV_PROCESS_STATE_STARTING,
	EV_PROCESS_STATE_STOPPING,
	EV_PROCESS_STATE_BACKOFF,
	EV_PROCESS_STATE_FATAL,
	EV_PROCESS_STATE_RUNNING,
	EV_PROCESS_STATE_UNKNOWN,
	EV_PROCESS_COMMUNICATION,
	EV_PROCESS_COMMUNICATION_STDOUT,
	EV_PROCESS_COMMUNICATION_STDERR,
	EV_PROCESS_LOG,
	EV_PROCESS_LOG_STDOUT,
	EV_PROCESS_LOG_STDERR,
	EV_REMOTE_COMMUNICATION,
	EV_SUPERVISOR_STATE_CHANGE,
	EV_SUPERVISOR_STATE_CHANGE_RUNNING,
	EV_SUPERVISOR_STATE_CHANGE_STOPPING,
	EV_TICK,
	EV_TICK_5,
	EV_TICK_60,
	EV_TICK_3600,
	EV_PROCESS_GROUP,
	EV_PROCESS_GROUP_ADDED,
	EV_PROCESS_GROUP_REMOVED,
	EV_TYPES
};

/* A set of types, one bit each: what a pool subscribes to. */
typedef uint32_t event_mask;

const char *event_type_name(enum event_type t);
/* The type of that name (case-insensitive, as supervisord), or -1. */
int	event_type_lookup(const char *name);
/* The bits of t and of every type under it. */
event_mask event_type_subtree(enum event_type t);
/* Whether a pool subscribed to mask gets events of type t. */
bool	event_mask_has(event_mask mask, enum event_type t);

#endif
