/*
 * readiness.h: ready=, healthcheck= and watchdog_sec, watched for every
 * process (an observer of the process layer), and the programs' notify
 * socket's datagrams.
 */
#ifndef SUPERVISOR_READINESS_H
#define SUPERVISOR_READINESS_H

#include <ev.h>
#include <stddef.h>

#include "process.h"

void	readiness_start(struct ev_loop *loop);
void	readiness_socket(const struct config *cf);
void	readiness_stop(void);
const char *readiness_describe(const struct process *p, char *buf,
	    size_t len);

#endif
