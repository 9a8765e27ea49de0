/*
 * client.h: the control commands' client side, in the same binary.
 */
#ifndef SUPERVISOR_CLIENT_H
#define SUPERVISOR_CLIENT_H

#include <stdbool.h>

bool	client_is_command(const char *word);
int	client_run(const char *config_path, const char *sock_arg, int argc,
	    char **argv);

#endif
