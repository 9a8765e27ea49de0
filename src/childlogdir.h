/*
 * childlogdir.h: removing the AUTO logs an earlier run left in
 * childlogdir, when the supervisor starts ([supervisor] nocleanup).
 */
#ifndef SUPERVISOR_CHILDLOGDIR_H
#define SUPERVISOR_CHILDLOGDIR_H

#include <stdbool.h>
#include <time.h>

struct childlogdir_old;

bool	childlogdir_is_auto(const char *name, const char *identifier);
struct childlogdir_old *childlogdir_find(const char *dir,
	    const char *identifier, const struct timespec *began);
void	childlogdir_clean(struct childlogdir_old *old);

#endif
