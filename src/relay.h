/*
 * relay.h: a descriptor that may block, written by a thread of its own,
 * fed through a pipe the event loop writes without ever blocking.
 */
#ifndef SUPERVISOR_RELAY_H
#define SUPERVISOR_RELAY_H

#include <stddef.h>

struct relay;

struct relay	*relay_start(int fd);
int		 relay_fd(const struct relay *r);
unsigned long long relay_dropped(const struct relay *r);
int		 relay_error(const struct relay *r);
size_t		 relay_finish(struct relay *r, double deadline,
		    unsigned long long *dropped);

#endif
