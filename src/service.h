/*
 * service.h: the supervisor as a service: what its service manager is
 * told (ready, status, reloading, stopping).
 */
#ifndef SUPERVISOR_SERVICE_H
#define SUPERVISOR_SERVICE_H

#include <ev.h>
#include <sys/types.h>

void	service_start(struct ev_loop *loop, pid_t pid, void (*ready)(void));
void	service_reloading(void);
void	service_reloaded(void);
void	service_stopping(void);
void	service_stop(void);

#endif
