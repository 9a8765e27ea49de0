/*
 * childlogdir.h: removing the AUTO logs an earlier run left in
 * childlogdir, when the supervisor starts ([supervisor] nocleanup).
 */
#ifndef SUPERVISOR_CHILDLOGDIR_H
#define SUPERVISOR_CHILDLOGDIR_H

#include <stdbool.h>

bool	childlogdir_is_auto(const char *name, const char *identifier);
void	childlogdir_clean(const char *dir, const char *identifier);

#endif
