/*
 * signals.h: signal names and numbers, and wait statuses in words and as
 * exit statuses.
 */
#ifndef SUPERVISOR_SIGNALS_H
#define SUPERVISOR_SIGNALS_H

#include <stddef.h>

int	 signal_from_name(const char *name, int *out);
const char *signal_name(int sig);
const char *wstatus_describe(int status, char *buf, size_t len);
int	 wstatus_exit_code(int status);

#endif
