/*
 * tail.h: "tail [-f] [-n N] NAME [stdout|stderr]" over the control
 * socket: the last lines of a program's log, read from its files (the
 * rotated ones too), then, with -f, what is written as it comes.
 */
#ifndef SUPERVISOR_TAIL_H
#define SUPERVISOR_TAIL_H

#include <stdbool.h>
#include <stddef.h>

struct ctl_client;
struct capture_stream;
struct process;

#define TAIL_LINES_DEFAULT	10
#define TAIL_LINES_MAX		1000000

void	tail_command(struct ctl_client *c, int argc, char **argv);
void	tail_start(struct ctl_client *c, struct capture_stream *cs,
	    long lines, bool follow);
struct capture_stream *tail_stream(struct process *p, int stream, char *why,
	    size_t whylen);
void	tail_client_drained(struct ctl_client *c);
void	tail_client_gone(struct ctl_client *c);
void	tail_finish_all(void);

#endif
