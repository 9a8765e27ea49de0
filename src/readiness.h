/*
 * readiness.h: ready=, healthcheck= and watchdog_sec, watched for every
 * process (an observer of the process layer), and the programs' notify
 * socket's datagrams.
 */
#ifndef SUPERVISOR_READINESS_H
#define SUPERVISOR_READINESS_H

#include <ev.h>
#include <stdbool.h>
#include <stddef.h>

#include "process.h"

void	readiness_start(struct ev_loop *loop);
void	readiness_socket(const struct config *cf);
void	readiness_stop(void);
const char *readiness_describe(const struct process *p, char *buf,
	    size_t len);

/* A process's readiness and health as figures (for /metrics). */
struct readiness_figures {
	bool		rf_has_ready;	/* ready= is set */
	bool		rf_ready;	/* ... and it is RUNNING by it */
	double		rf_ready_wait;	/* its last start's wait to be ready,
					   in seconds; -1: never ready yet */
	bool		rf_has_health;	/* healthcheck= is set */
	bool		rf_healthy;	/* RUNNING, its last check passed */
	unsigned long	rf_health_failures; /* checks failed, all runs */
};
void	readiness_figures(const struct process *p,
	    struct readiness_figures *rf);

/*
 * Told when what readiness_describe says of a process changes while its
 * state does not (a health check that starts failing, a STATUS=): the
 * state's own changes go to the process layer's observers.
 */
struct readiness_listener {
	void	(*rl_changed)(struct process *p, void *arg);
	void	 *rl_arg;
	struct readiness_listener *rl_next;	/* readiness.c's list */
};
void	readiness_listen(struct readiness_listener *l);
void	readiness_unlisten(struct readiness_listener *l);

#endif
