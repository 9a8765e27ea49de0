/*
 * ctl_follow.c: the supervisorctl verbs that stay attached until Ctrl-C:
 * tail -f and maintail -f (a /logtail or /mainlogtail stream copied to
 * stdout) and fg (a process's two streams, with the lines typed sent
 * to its stdin).  Ctrl-C detaches; the process goes on.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ctl.h"

#define FG_LINE_MAX	(64 * 1024)	/* a line typed for the process */

static volatile sig_atomic_t interrupted;

static void
on_sigint(int sig)
{
	(void)sig;
	interrupted = 1;
}

/* Ctrl-C interrupts the wait (no SA_RESTART) instead of the program. */
static void
catch_sigint(struct sigaction *old)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_sigint;
	sigemptyset(&sa.sa_mask);
	interrupted = 0;
	sigaction(SIGINT, &sa, old);
}

static void
to_stdout(void *ctx, const char *s, size_t n)
{
	(void)ctx;
	fwrite(s, 1, n, stdout);
	fflush(stdout);
}

void
ctl_tailf(struct ctl *ct, const char *path)
{
	struct rpcc_stream s;
	struct sigaction old;
	struct pollfd pfd;
	int r;

	ctl_output("==> Press Ctrl-C to exit <==");
	fflush(stdout);
	catch_sigint(&old);
	if (rpcc_stream_open(&ct->ct_rpc, path, &s, to_stdout, NULL) == -1) {
		if (ct->ct_rpc.rc_error == RPCC_INTERRUPTED)
			ctl_output("");
		else
			ctl_broken(ct);
		sigaction(SIGINT, &old, NULL);
		return;
	}
	pfd.fd = s.rs_fd;
	pfd.events = POLLIN;
	while (!interrupted) {
		if (poll(&pfd, 1, -1) == -1) {
			if (errno == EINTR)
				continue;
			break;
		}
		if ((r = rpcc_stream_read(&ct->ct_rpc, &s)) == -1)
			ctl_broken(ct);
		if (r != 0)
			break;
	}
	if (interrupted)
		ctl_output("");
	rpcc_stream_close(&s);
	sigaction(SIGINT, &old, NULL);
}

/* The process is (still) RUNNING; false after saying why not. */
static bool
fg_running(struct ctl *ct, const char *name, bool *bad_name)
{
	struct xr_buf p = { 0 };
	struct ctl_answer a;
	enum ctl_call r;
	bool ok;

	rpcc_params_string(&p, name);
	r = ctl_call(ct, "supervisor.getProcessInfo", &p, &a);
	xr_buf_free(&p);
	*bad_name = r == CALL_FAULT && a.an_fault == FAULT_BAD_NAME;
	if (r == CALL_ERROR)
		ctl_broken(ct);
	else if (r == CALL_FAULT && !*bad_name)
		printf("ERROR: <Fault %d: '%s'>\n", a.an_fault, a.an_text);
	ok = r == CALL_OK && ctl_int_of(a.an_value, "state") == 20;
	ctl_answer_free(&a);
	return ok;
}

/* One line typed: to the process's stdin.  false: it has gone. */
static bool
fg_send(struct ctl *ct, const char *name, const char *line, size_t n)
{
	struct xr_buf p = { 0 };
	struct ctl_answer a;
	enum ctl_call r;
	bool bad;
	char *s;

	if ((s = strndup(line, n)) == NULL)
		return false;
	rpcc_params_string(&p, name);
	rpcc_params_string(&p, s);
	free(s);
	r = ctl_call(ct, "supervisor.sendProcessStdin", &p, &a);
	xr_buf_free(&p);
	if (r != CALL_OK) {
		if (r == CALL_FAULT && a.an_fault == FAULT_NOT_RUNNING)
			ctl_output("Process got killed");
		else if (r == CALL_FAULT)
			printf("ERROR: <Fault %d: '%s'>\n", a.an_fault,
			    a.an_text);
		else
			printf("ERROR: %s\n", ct->ct_rpc.rc_why);
		ctl_answer_free(&a);
		return false;
	}
	ctl_answer_free(&a);
	if (!fg_running(ct, name, &bad)) {
		ctl_output("Process got killed");
		return false;
	}
	return true;
}

void
ctl_fg(struct ctl *ct, const char *name)
{
	struct rpcc_stream s[2];
	struct sigaction old;
	struct pollfd pfd[3];
	char path[1024], *typed = NULL, *nl;
	size_t len = 0;
	ssize_t n;
	bool bad, open_[2] = { false, false }, stdin_open = true;
	int i;

	if (!fg_running(ct, name, &bad)) {
		if (bad)
			ctl_output("ERROR: bad process name supplied");
		else if (ct->ct_rpc.rc_error == RPCC_OK)
			ctl_output("ERROR: process not running");
		ct->ct_exit = CTL_X_GENERIC;
		return;
	}
	ctl_output("==> Press Ctrl-C to exit <==");
	fflush(stdout);
	catch_sigint(&old);
	for (i = 0; i < 2; i++) {
		snprintf(path, sizeof(path), "/logtail/%s/%s", name,
		    i == 0 ? "stdout" : "stderr");
		open_[i] = rpcc_stream_open(&ct->ct_rpc, path, &s[i],
		    to_stdout, NULL) == 0;
	}
	if ((typed = malloc(FG_LINE_MAX)) == NULL)
		goto out;
	while (!interrupted) {
		for (i = 0; i < 2; i++) {
			pfd[i].fd = open_[i] ? s[i].rs_fd : -1;
			pfd[i].events = POLLIN;
		}
		pfd[2].fd = stdin_open ? STDIN_FILENO : -1;
		pfd[2].events = POLLIN;
		if (poll(pfd, 3, -1) == -1) {
			if (errno == EINTR)
				continue;
			break;
		}
		for (i = 0; i < 2; i++)
			if (open_[i] && pfd[i].revents != 0 &&
			    rpcc_stream_read(&ct->ct_rpc, &s[i]) != 0) {
				rpcc_stream_close(&s[i]);
				open_[i] = false;
			}
		if (pfd[2].revents == 0)
			continue;
		n = read(STDIN_FILENO, typed + len, FG_LINE_MAX - 1 - len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;		/* EOF: as supervisorctl's EOFError */
		len += (size_t)n;
		while ((nl = memchr(typed, '\n', len)) != NULL ||
		    len == FG_LINE_MAX - 1) {
			size_t take = nl != NULL ? (size_t)(nl - typed) + 1 :
			    len;

			if (!fg_send(ct, name, typed, take)) {
				ctl_output("Exiting foreground");
				goto closed;
			}
			memmove(typed, typed + take, len - take);
			len -= take;
		}
	}
out:
	ctl_output("Exiting foreground");
closed:
	free(typed);
	for (i = 0; i < 2; i++)
		if (open_[i])
			rpcc_stream_close(&s[i]);
	sigaction(SIGINT, &old, NULL);
}
