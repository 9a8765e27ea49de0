/*
 * ctl.h: the supervisorctl personality: the binary run under the name
 * supervisorctl, an XML-RPC client of supervisord's protocol with its
 * options, verbs, output and exit statuses; and the verbs this
 * project's own command line borrows from it.
 */
#ifndef SUPERVISOR_CTL_H
#define SUPERVISOR_CTL_H

#include <stdbool.h>

#include "rpcclient.h"

/* supervisorctl's exit statuses (LSBInitExitStatuses, and status's). */
#define CTL_X_SUCCESS		0
#define CTL_X_GENERIC		1
#define CTL_X_INVALID_ARGS	2
#define CTL_X_UNIMPLEMENTED	3
#define CTL_X_PRIVILEGES	4
#define CTL_X_NOT_INSTALLED	5
#define CTL_X_NOT_RUNNING	7
#define CTL_X_STATUS_NOT_RUNNING 3
#define CTL_X_STATUS_UNKNOWN	4

struct ctl {
	struct rpcc	 ct_rpc;	/* the server being talked to */
	char		*ct_url;
	char		*ct_user;
	char		*ct_pass;
	bool		 ct_interactive; /* the shell: shutdown and reload ask */
	bool		 ct_quit;	/* quit, exit or end of input */
	bool		 ct_raised;	/* upcheck met an error it did not
					   expect (not status's exit 4) */
	int		 ct_exit;	/* the exit status so far */
};

int	ctl_main(int argc, char **argv, const char *default_config);
int	ctl_open(struct ctl *ct, const char *url);
void	ctl_onecmd(struct ctl *ct, const char *line);
bool	ctl_is_verb(const char *word);
int	ctl_borrowed(const char *config_path, const char *socket_path,
	    int argc, char **argv);

/* The verbs that follow a stream (ctl_follow.c). */
void	ctl_tailf(struct ctl *ct, const char *path);
void	ctl_fg(struct ctl *ct, const char *name);

/* ctl_verbs.c's helpers, for ctl_follow.c. */
enum ctl_call { CALL_OK, CALL_FAULT, CALL_ERROR };
struct ctl_answer {
	struct xr_value	*an_value;	/* the result, or the fault's struct */
	int		 an_fault;	/* its faultCode; 0: none */
	const char	*an_text;	/* its faultString */
};
enum ctl_call ctl_call(struct ctl *ct, const char *method,
	    struct xr_buf *params, struct ctl_answer *a);
void	ctl_answer_free(struct ctl_answer *a);
void	ctl_broken(struct ctl *ct);
void	ctl_unexpected(struct ctl *ct, const struct ctl_answer *a);
long long ctl_int_of(const struct xr_value *st, const char *key);
void	ctl_output(const char *s);

/* ctl_help.c */
bool	ctl_help_verb(const char *verb);
void	ctl_help_all(void);

/* supervisord's fault codes (xmlrpc.Faults). */
#define FAULT_UNKNOWN_METHOD	1
#define FAULT_SHUTDOWN_STATE	6
#define FAULT_BAD_NAME		10
#define FAULT_BAD_SIGNAL	11
#define FAULT_NO_FILE		20
#define FAULT_NOT_EXECUTABLE	21
#define FAULT_FAILED		30
#define FAULT_ABNORMAL_TERMINATION 40
#define FAULT_SPAWN_ERROR	50
#define FAULT_ALREADY_STARTED	60
#define FAULT_NOT_RUNNING	70
#define FAULT_SUCCESS		80
#define FAULT_ALREADY_ADDED	90
#define FAULT_STILL_RUNNING	91
#define FAULT_CANT_REREAD	92

#endif
