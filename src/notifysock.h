/*
 * notifysock.h: the socket the supervisor's programs send systemd's
 * notify datagrams to (ready = notify): a datagram socket of its own in a
 * new directory, each datagram handed on with its sender's credentials
 * as the kernel gives them (SCM_CREDENTIALS), never as the sender says.
 */
#ifndef SUPERVISOR_NOTIFYSOCK_H
#define SUPERVISOR_NOTIFYSOCK_H

#include <ev.h>
#include <sys/types.h>

/* Bytes of one datagram; a longer one is dropped whole. */
#define NOTIFYSOCK_MSG_MAX	4096

typedef void notifysock_handler(pid_t pid, uid_t uid, char *msg, size_t len);

int	notifysock_open(struct ev_loop *loop, notifysock_handler *handler);
const char *notifysock_path(void);
void	notifysock_close(void);
void	notifysock_sweep(pid_t pid);

#endif
