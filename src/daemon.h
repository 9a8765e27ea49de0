/*
 * daemon.h: -d (and supervisord's nodaemon = false): the supervisor
 * detaches, and the command that started it exits once it is up, or with
 * the reason it could not start.
 */
#ifndef SUPERVISOR_DAEMON_H
#define SUPERVISOR_DAEMON_H

#include <stdbool.h>

int	daemon_detach(int *exit_status);
bool	daemon_starting(void);
void	daemon_ready(void);
void	daemon_quiet(void);

#endif
