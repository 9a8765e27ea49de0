/*
 * pidfile.h: [supervisor] pidfile: the pid of the supervisor's main
 * process, written atomically and locked for as long as it runs.
 */
#ifndef SUPERVISOR_PIDFILE_H
#define SUPERVISOR_PIDFILE_H

#include <sys/types.h>

int	pidfile_acquire(const char *path, pid_t pid);
void	pidfile_release(void);

#endif
