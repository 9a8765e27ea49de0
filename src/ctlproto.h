/*
 * ctlproto.h: the control protocol's text: a request line split into
 * words and checked, and the fields of reply lines kept on one line.
 * The protocol itself is described in supervisor(8), CONTROL PROTOCOL.
 */
#ifndef SUPERVISOR_CTLPROTO_H
#define SUPERVISOR_CTLPROTO_H

#include <stddef.h>

#define CTL_PROTOCOL	1	/* "hello 1" */
#define CTL_LINE_MAX	4096	/* a request line, newline included */
#define CTL_WORDS_MAX	1024	/* words of one request */

/* Exit statuses a reply's status line carries (the client exits with it). */
#define CTL_OK		0
#define CTL_FAILED	1	/* an operation failed */
#define CTL_BADREQ	2	/* malformed or unknown request */
#define CTL_NOTRUNNING	3	/* status: some named are not RUNNING */
#define CTL_NOSUCH	4	/* no such process or program */
#define CTL_NOPERM	77	/* EX_NOPERM: this uid may not ask */
#define CTL_CONFIG	78	/* EX_CONFIG: reload found errors */

struct ctl_request {
	int	 rq_argc;
	char	*rq_argv[CTL_WORDS_MAX + 1];	/* into the line; NULL-ended */
};

int	ctl_parse(char *line, size_t len, struct ctl_request *rq,
	    const char **why);
void	ctl_clean_field(char *s);

#endif
