/*
 * notify.h: systemd's readiness protocol (sd_notify(3)), spoken without
 * libsystemd: datagrams to $NOTIFY_SOCKET.  What to say, and when, is
 * service.c's.
 */
#ifndef SUPERVISOR_NOTIFY_H
#define SUPERVISOR_NOTIFY_H

#include <stdbool.h>
#include <sys/types.h>

void	notify_init(void);
bool	notify_enabled(void);
void	notify_status(const char *status);
void	notify_ready(pid_t main_pid);
void	notify_reloading(void);
void	notify_reloaded(void);
void	notify_stopping(void);
void	notify_close(void);

#endif
