/*
 * notify.h: systemd's readiness protocol (sd_notify(3)), spoken without
 * libsystemd: datagrams to $NOTIFY_SOCKET saying READY=1 once the
 * autostart programs are up, RELOADING=1 and READY=1 around reloads,
 * STOPPING=1, and a STATUS= line.
 */
#ifndef SUPERVISOR_NOTIFY_H
#define SUPERVISOR_NOTIFY_H

#include <ev.h>
#include <sys/types.h>

void	notify_init(void);
void	notify_start(struct ev_loop *loop, pid_t main_pid);
void	notify_state_changed(void);
void	notify_reloading(void);
void	notify_reloaded(void);
void	notify_stopping(void);
void	notify_close(void);

#endif
