/*
 * eventtype.c: supervisord's event type names and their tree (events.py's
 * EventTypes and class hierarchy).  A pool subscribes to a set of types;
 * an event reaches it when its own type is in the set, as isinstance()
 * makes a subscription to a parent class reach its subclasses.
 */
#include <stddef.h>
#include <strings.h>

#include "eventtype.h"

static const struct {
	const char	*et_name;
	enum event_type	 et_parent;	/* EV_EVENT for the top ones */
} types[EV_TYPES] = {
	[EV_EVENT] = { "EVENT", EV_EVENT },
	[EV_PROCESS_STATE] = { "PROCESS_STATE", EV_EVENT },
	[EV_PROCESS_STATE_STOPPED] = { "PROCESS_STATE_STOPPED",
	    EV_PROCESS_STATE },
	[EV_PROCESS_STATE_EXITED] = { "PROCESS_STATE_EXITED",
	    EV_PROCESS_STATE },
	[EV_PROCESS_STATE_STARTING] = { "PROCESS_STATE_STARTING",
	    EV_PROCESS_STATE },
	[EV_PROCESS_STATE_STOPPING] = { "PROCESS_STATE_STOPPING",
	    EV_PROCESS_STATE },
	[EV_PROCESS_STATE_BACKOFF] = { "PROCESS_STATE_BACKOFF",
	    EV_PROCESS_STATE },
	[EV_PROCESS_STATE_FATAL] = { "PROCESS_STATE_FATAL", EV_PROCESS_STATE },
	[EV_PROCESS_STATE_RUNNING] = { "PROCESS_STATE_RUNNING",
	    EV_PROCESS_STATE },
	[EV_PROCESS_STATE_UNKNOWN] = { "PROCESS_STATE_UNKNOWN",
	    EV_PROCESS_STATE },
	[EV_PROCESS_COMMUNICATION] = { "PROCESS_COMMUNICATION", EV_EVENT },
	[EV_PROCESS_COMMUNICATION_STDOUT] = { "PROCESS_COMMUNICATION_STDOUT",
	    EV_PROCESS_COMMUNICATION },
	[EV_PROCESS_COMMUNICATION_STDERR] = { "PROCESS_COMMUNICATION_STDERR",
	    EV_PROCESS_COMMUNICATION },
	[EV_PROCESS_LOG] = { "PROCESS_LOG", EV_EVENT },
	[EV_PROCESS_LOG_STDOUT] = { "PROCESS_LOG_STDOUT", EV_PROCESS_LOG },
	[EV_PROCESS_LOG_STDERR] = { "PROCESS_LOG_STDERR", EV_PROCESS_LOG },
	[EV_REMOTE_COMMUNICATION] = { "REMOTE_COMMUNICATION", EV_EVENT },
	[EV_SUPERVISOR_STATE_CHANGE] = { "SUPERVISOR_STATE_CHANGE", EV_EVENT },
	[EV_SUPERVISOR_STATE_CHANGE_RUNNING] = {
	    "SUPERVISOR_STATE_CHANGE_RUNNING", EV_SUPERVISOR_STATE_CHANGE },
	[EV_SUPERVISOR_STATE_CHANGE_STOPPING] = {
	    "SUPERVISOR_STATE_CHANGE_STOPPING", EV_SUPERVISOR_STATE_CHANGE },
	[EV_TICK] = { "TICK", EV_EVENT },
	[EV_TICK_5] = { "TICK_5", EV_TICK },
	[EV_TICK_60] = { "TICK_60", EV_TICK },
	[EV_TICK_3600] = { "TICK_3600", EV_TICK },
	[EV_PROCESS_GROUP] = { "PROCESS_GROUP", EV_EVENT },
	[EV_PROCESS_GROUP_ADDED] = { "PROCESS_GROUP_ADDED", EV_PROCESS_GROUP },
	[EV_PROCESS_GROUP_REMOVED] = { "PROCESS_GROUP_REMOVED",
	    EV_PROCESS_GROUP },
};

const char *
event_type_name(enum event_type t)
{
	return t < EV_TYPES ? types[t].et_name : "?";
}

int
event_type_lookup(const char *name)
{
	int t;

	for (t = 0; t < EV_TYPES; t++)
		if (strcasecmp(name, types[t].et_name) == 0)
			return t;
	return -1;
}

/* Whether t is a, or under a. */
static bool
is_under(enum event_type t, enum event_type a)
{
	for (;;) {
		if (t == a)
			return true;
		if (t == EV_EVENT)
			return false;
		t = types[t].et_parent;
	}
}

event_mask
event_type_subtree(enum event_type a)
{
	event_mask m = 0;
	int t;

	for (t = 0; t < EV_TYPES; t++)
		if (is_under(t, a))
			m |= (event_mask)1 << t;
	return m;
}

bool
event_mask_has(event_mask mask, enum event_type t)
{
	return (mask >> t) & 1;
}
