/*
 * daemon.h: -d (and supervisord's nodaemon = false): the supervisor
 * detaches (to [supervisor] directory, with its umask), and the command
 * that started it exits once it is up, or with the reason it could not
 * start.  And [supervisor] user: the supervisor becomes that user.
 */
#ifndef SUPERVISOR_DAEMON_H
#define SUPERVISOR_DAEMON_H

#include <stdbool.h>
#include <sys/types.h>

int	daemon_detach(const char *dir, int mask, int *exit_status);
int	daemon_become(const char *user, uid_t uid, gid_t gid);
bool	daemon_starting(void);
void	daemon_ready(void);
void	daemon_quiet(void);

#endif
