/*
 * command.h: what each control request does to the process table, and
 * the operations (start, stop, restart) a client waits for.
 */
#ifndef SUPERVISOR_COMMAND_H
#define SUPERVISOR_COMMAND_H

#include <ev.h>
#include <sys/types.h>

struct ctl_client;

void	command_init(struct ev_loop *loop, pid_t main_pid,
	    void (*shutdown)(const char *why));
void	command_run(struct ctl_client *c, int argc, char **argv);
void	command_client_gone(struct ctl_client *c);
void	command_client_drained(struct ctl_client *c);
void	command_finish(int status);
void	command_free(void);

#endif
