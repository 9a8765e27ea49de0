/*
 * events.h: supervisord's events, made from what happens here (process
 * states, the supervisor's start and stop, groups, output, ticks) with
 * supervisord's payloads, and published to the listener pools
 * (eventpool.h).
 */
#ifndef SUPERVISOR_EVENTS_H
#define SUPERVISOR_EVENTS_H

#include <ev.h>
#include <stddef.h>

#include "config_types.h"

/* At start, the table built, nothing started yet: the pools, a
 * PROCESS_GROUP_ADDED per group, SUPERVISOR_STATE_CHANGE_RUNNING. */
void	events_start(struct ev_loop *loop, const struct config *cf);
/* A reload was applied: pools follow, groups added and removed. */
void	events_configure(const struct config *cf);
/* SUPERVISOR_STATE_CHANGE_STOPPING, once. */
void	events_stopping(void);
/* REMOTE_COMMUNICATION: XML-RPC's supervisor.sendRemoteCommEvent. */
void	events_remote_communication(const char *type, const char *data);
void	events_free(void);

#endif
