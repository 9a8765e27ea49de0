/*
 * ctl_verbs.c: supervisorctl's verbs, each as supervisorctl 4.2.5 runs
 * it (supervisor/supervisorctl.py is the specification): the XML-RPC
 * calls it makes, the lines it prints (on stdout, errors too) and the
 * exit status it leaves.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"
#include "proctable.h"

#define API_VERSION	"3.0"

/* The words of a verb's argument, split at blanks (as str.split()). */
struct words {
	char	**w;
	int	  n;
	char	 *buf;
};

static void
words_split(struct words *ws, const char *arg)
{
	char *p, *tok;

	memset(ws, 0, sizeof(*ws));
	if ((ws->buf = strdup(arg)) == NULL ||
	    (ws->w = calloc(strlen(arg) / 2 + 2, sizeof(*ws->w))) == NULL)
		return;
	for (p = ws->buf; (tok = strsep(&p, " \t\r\n\v\f")) != NULL;)
		if (*tok != '\0')
			ws->w[ws->n++] = tok;
}

static void
words_free(struct words *ws)
{
	free(ws->w);
	free(ws->buf);
}

static bool
words_has(const struct words *ws, const char *w)
{
	int i;

	for (i = 0; i < ws->n; i++)
		if (strcmp(ws->w[i], w) == 0)
			return true;
	return false;
}

void
ctl_output(const char *s)
{
	fputs(s, stdout);
	putchar('\n');
}

static const char *
str_of(const struct xr_value *st, const char *key)
{
	const struct xr_value *v = xr_struct_get(st, key);

	return v != NULL && v->xv_type == XR_STRING ? v->xv_str : "";
}

long long
ctl_int_of(const struct xr_value *st, const char *key)
{
	const struct xr_value *v = xr_struct_get(st, key);

	return v != NULL && (v->xv_type == XR_INT || v->xv_type == XR_BOOL) ?
	    v->xv_int : 0;
}

void
ctl_answer_free(struct ctl_answer *a)
{
	xr_value_free(a->an_value);
	memset(a, 0, sizeof(*a));
}

enum ctl_call
ctl_call(struct ctl *ct, const char *method, struct xr_buf *params,
    struct ctl_answer *a)
{
	bool fault;

	memset(a, 0, sizeof(*a));
	if (rpcc_call(&ct->ct_rpc, method, params, &a->an_value, &fault) ==
	    -1)
		return CALL_ERROR;
	if (!fault)
		return CALL_OK;
	a->an_fault = (int)ctl_int_of(a->an_value, "faultCode");
	a->an_text = str_of(a->an_value, "faultString");
	return CALL_FAULT;
}

/* What supervisorctl does with an error it did not expect: says it and
 * fails (its "error: <class ...>" line, without Python's trace). */
void
ctl_broken(struct ctl *ct)
{
	if (ct->ct_rpc.rc_error == RPCC_HTTP && ct->ct_rpc.rc_status == 401)
		ctl_output("Server requires authentication");
	else
		printf("error: %s\n", ct->ct_rpc.rc_why);
	ct->ct_exit = CTL_X_GENERIC;
}

void
ctl_unexpected(struct ctl *ct, const struct ctl_answer *a)
{
	printf("error: <Fault %d: '%s'>\n", a->an_fault, a->an_text);
	ct->ct_exit = CTL_X_GENERIC;
}

/* A call with a string argument or two (NULL: fewer). */
static enum ctl_call
call_s(struct ctl *ct, const char *method, const char *s1, const char *s2,
    struct ctl_answer *a)
{
	struct xr_buf p = { 0 };
	enum ctl_call r;

	if (s1 != NULL)
		rpcc_params_string(&p, s1);
	if (s2 != NULL)
		rpcc_params_string(&p, s2);
	r = ctl_call(ct, method, &p, a);
	xr_buf_free(&p);
	return r;
}

/* The server is there and speaks supervisord's API (upcheck).  false
 * when it said why not; an error it raises (supervisorctl's exception:
 * exit 1 whatever the verb) sets ct_raised too. */
static bool
upcheck(struct ctl *ct)
{
	struct ctl_answer a;
	enum ctl_call r = call_s(ct, "supervisor.getVersion", NULL, NULL, &a);
	bool ok = false;

	if (r == CALL_OK) {
		if (a.an_value->xv_type == XR_STRING &&
		    strcmp(a.an_value->xv_str, API_VERSION) == 0)
			ok = true;
		else {
			printf("Sorry, this version of supervisorctl expects to "
			    "talk to a server with API version %s, but the "
			    "remote version is %s.\n", API_VERSION,
			    a.an_value->xv_type == XR_STRING ?
			    a.an_value->xv_str : "?");
			ct->ct_exit = CTL_X_NOT_INSTALLED;
		}
	} else if (r == CALL_FAULT && a.an_fault == FAULT_UNKNOWN_METHOD) {
		ctl_output("Sorry, supervisord responded but did not recognize "
		    "the supervisor namespace commands that supervisorctl uses "
		    "to control it.  Please check that the "
		    "[rpcinterface:supervisor] section is enabled in the "
		    "configuration file (see sample.conf).");
		ct->ct_exit = CTL_X_UNIMPLEMENTED;
	} else if (r == CALL_FAULT) {
		ctl_unexpected(ct, &a);
		ct->ct_raised = true;
	} else if (ct->ct_rpc.rc_error == RPCC_CONNECT &&
	    ct->ct_rpc.rc_errno == ECONNREFUSED) {
		printf("%s refused connection\n", ct->ct_url);
		ct->ct_exit = CTL_X_PRIVILEGES;
	} else if (ct->ct_rpc.rc_error == RPCC_CONNECT &&
	    ct->ct_rpc.rc_errno == ENOENT) {
		printf("%s no such file\n", ct->ct_url);
		ct->ct_exit = CTL_X_NOT_RUNNING;
	} else {
		ctl_broken(ct);
		ct->ct_raised = true;
	}
	ctl_answer_free(&a);
	return ok;
}

static void
fault_exit(struct ctl *ct, int code, int ignored)
{
	if (code == ignored || code == FAULT_SUCCESS)
		return;
	if (code == FAULT_SPAWN_ERROR || code == FAULT_ABNORMAL_TERMINATION ||
	    code == FAULT_NOT_RUNNING)
		ct->ct_exit = CTL_X_NOT_RUNNING;
	else
		ct->ct_exit = CTL_X_GENERIC;
}

/* "group:name", or "name" when the group is the program's own. */
static void
print_namespec(const char *group, const char *name)
{
	if (name != NULL && strcmp(group, name) == 0)
		fputs(name, stdout);
	else
		printf("%s:%s", group, name != NULL ? name : "None");
}

/* One result of a start/stop/signal/clear of many: its line. */
enum result_kind { RK_START, RK_STOP, RK_SIGNAL, RK_CLEAR };

static bool
print_result(struct ctl *ct, enum result_kind kind, const char *group,
    const char *name, int code, const char *description)
{
	const char *why = NULL;

	switch (code) {
	case FAULT_BAD_NAME:
		why = kind == RK_START || kind == RK_CLEAR || kind == RK_STOP ||
		    kind == RK_SIGNAL ? "no such process" : NULL;
		break;
	case FAULT_NO_FILE:
		why = kind == RK_START ? "no such file" : NULL;
		break;
	case FAULT_NOT_EXECUTABLE:
		why = kind == RK_START ? "file is not executable" : NULL;
		break;
	case FAULT_ALREADY_STARTED:
		why = kind == RK_START ? "already started" : NULL;
		break;
	case FAULT_SPAWN_ERROR:
		why = kind == RK_START ? "spawn error" : NULL;
		break;
	case FAULT_ABNORMAL_TERMINATION:
		why = kind == RK_START ? "abnormal termination" : NULL;
		break;
	case FAULT_BAD_SIGNAL:
		why = kind == RK_STOP || kind == RK_SIGNAL ? "bad signal name" :
		    NULL;
		break;
	case FAULT_NOT_RUNNING:
		why = kind == RK_STOP || kind == RK_SIGNAL ? "not running" :
		    NULL;
		break;
	case FAULT_FAILED:
		if (kind == RK_STOP || kind == RK_SIGNAL) {
			ctl_output(description);
			return true;
		}
		why = kind == RK_CLEAR ? "failed" : NULL;
		break;
	case FAULT_SUCCESS:
		print_namespec(group, name);
		printf(": %s\n", kind == RK_START ? "started" : kind == RK_STOP ?
		    "stopped" : kind == RK_SIGNAL ? "signalled" : "cleared");
		return true;
	}
	if (why == NULL) {
		printf("error: Unknown result code %d for ", code);
		print_namespec(group, name);
		putchar('\n');
		ct->ct_exit = CTL_X_GENERIC;
		return false;
	}
	print_namespec(group, name);
	printf(": ERROR (%s)\n", why);
	return true;
}

/* An array of {name, group, status, description}: a line each. */
static bool
print_results(struct ctl *ct, enum result_kind kind,
    const struct xr_value *arr, int ignored)
{
	const struct xr_value *r;
	size_t i;

	if (arr->xv_type != XR_ARRAY)
		return false;
	for (i = 0; i < arr->xv_n; i++) {
		r = arr->xv_items[i];
		if (!print_result(ct, kind, str_of(r, "group"), str_of(r,
		    "name"), (int)ctl_int_of(r, "status"), str_of(r,
		    "description")))
			return false;
		fault_exit(ct, (int)ctl_int_of(r, "status"), ignored);
	}
	return true;
}

/* start, stop, signal: of all, of groups, of names. */
static void
operate(struct ctl *ct, enum result_kind kind, const char *sig,
    const struct words *ws, int first)
{
	static const char *const all_m[] = { "supervisor.startAllProcesses",
	    "supervisor.stopAllProcesses", "supervisor.signalAllProcesses" };
	static const char *const group_m[] = {
	    "supervisor.startProcessGroup", "supervisor.stopProcessGroup",
	    "supervisor.signalProcessGroup" };
	static const char *const one_m[] = { "supervisor.startProcess",
	    "supervisor.stopProcess", "supervisor.signalProcess" };
	int ignored = kind == RK_START ? FAULT_ALREADY_STARTED : kind ==
	    RK_STOP ? FAULT_NOT_RUNNING : 0;
	struct ctl_answer a;
	enum ctl_call r;
	char group[512];
	const char *name;
	int i;

	if (words_has(ws, "all")) {
		r = call_s(ct, all_m[kind], sig, NULL, &a);
		if (r == CALL_ERROR)
			ctl_broken(ct);
		else if (r == CALL_FAULT)
			ctl_unexpected(ct, &a);
		else
			print_results(ct, kind, a.an_value, ignored);
		ctl_answer_free(&a);
		return;
	}
	for (i = first; i < ws->n; i++) {
		proctable_split_spec(ws->w[i], group, sizeof(group), &name);
		if (name == NULL) {
			r = call_s(ct, group_m[kind], group, sig, &a);
			if (r == CALL_OK)
				print_results(ct, kind, a.an_value, ignored);
			else if (r == CALL_FAULT && a.an_fault ==
			    FAULT_BAD_NAME) {
				printf("%s: ERROR (no such group)\n", group);
				ct->ct_exit = kind == RK_START ?
				    CTL_X_INVALID_ARGS : CTL_X_GENERIC;
			} else if (r == CALL_FAULT) {
				ctl_unexpected(ct, &a);
			} else {
				ctl_broken(ct);
				ctl_answer_free(&a);
				return;
			}
			ctl_answer_free(&a);
			continue;
		}
		r = kind == RK_SIGNAL ? call_s(ct, one_m[kind], ws->w[i], sig,
		    &a) : call_s(ct, one_m[kind], ws->w[i], NULL, &a);
		if (r == CALL_ERROR) {
			ctl_broken(ct);
			ctl_answer_free(&a);
			return;
		}
		if (r == CALL_FAULT) {
			if (print_result(ct, kind, group, name, a.an_fault,
			    a.an_text))
				fault_exit(ct, a.an_fault, ignored);
		} else
			print_result(ct, kind, group, name, FAULT_SUCCESS, "");
		ctl_answer_free(&a);
	}
}

/* upcheck, then a name at least: false once it said what is wrong. */
static bool
names_given(struct ctl *ct, const struct words *ws, const char *verb,
    int status)
{
	if (!upcheck(ct))
		return false;
	if (ws->n > 0)
		return true;
	printf("Error: %s requires a process name\n", verb);
	ct->ct_exit = status;
	ctl_help_verb(verb);
	return false;
}

static void
do_start(struct ctl *ct, const struct words *ws)
{
	if (!names_given(ct, ws, "start", CTL_X_INVALID_ARGS))
		return;
	operate(ct, RK_START, NULL, ws, 0);
}

static void
do_stop(struct ctl *ct, const struct words *ws)
{
	if (!names_given(ct, ws, "stop", CTL_X_GENERIC))
		return;
	operate(ct, RK_STOP, NULL, ws, 0);
}

static void
do_restart(struct ctl *ct, const struct words *ws)
{
	if (!names_given(ct, ws, "restart", CTL_X_GENERIC))
		return;
	do_stop(ct, ws);
	do_start(ct, ws);
}

static void
do_signal(struct ctl *ct, const struct words *ws)
{
	if (!upcheck(ct))
		return;
	if (ws->n < 2) {
		ctl_output("Error: signal requires a signal name and a process "
		    "name");
		ctl_help_verb("signal");
		ct->ct_exit = CTL_X_GENERIC;
		return;
	}
	operate(ct, RK_SIGNAL, ws->w[0], ws, 1);
}

static bool
is_stopped_state(long long state)
{
	/* STOPPED, EXITED, FATAL, UNKNOWN */
	return state == 0 || state == 100 || state == 200 || state == 1000;
}

/* A process info's (or config info's) make_namespec, in buf. */
static size_t
namespec_of(const struct xr_value *info, char *buf, size_t len)
{
	const char *group = str_of(info, "group"), *name = str_of(info,
	    "name");
	int n = strcmp(group, name) == 0 ? snprintf(buf, len, "%s", name) :
	    snprintf(buf, len, "%s:%s", group, name);

	return n < 0 ? 0 : (size_t)n;
}

static void
show_statuses(const struct xr_value **infos, size_t n)
{
	size_t i, len, maxlen = 30;
	char spec[1024];

	for (i = 0; i < n; i++)
		if ((len = namespec_of(infos[i], spec, sizeof(spec))) > maxlen)
			maxlen = len;
	for (i = 0; i < n; i++) {
		namespec_of(infos[i], spec, sizeof(spec));
		printf("%-*s%-10s%s\n", (int)maxlen + 3, spec,
		    str_of(infos[i], "statename"),
		    str_of(infos[i], "description"));
	}
}

static void
do_status(struct ctl *ct, const struct words *ws)
{
	struct ctl_answer a;
	const struct xr_value *all, **match = NULL;
	char group[512];
	const char *name;
	size_t n = 0, j;
	bool bad;
	int i;

	ct->ct_raised = false;
	if (!upcheck(ct)) {
		if (!ct->ct_raised)
			ct->ct_exit = CTL_X_STATUS_UNKNOWN;
		return;
	}
	if (call_s(ct, "supervisor.getAllProcessInfo", NULL, NULL, &a) !=
	    CALL_OK || a.an_value->xv_type != XR_ARRAY) {
		if (a.an_fault != 0)
			ctl_unexpected(ct, &a);
		else
			ctl_broken(ct);
		ctl_answer_free(&a);
		return;
	}
	all = a.an_value;
	if ((match = calloc(all->xv_n * (size_t)(ws->n + 1) + 1,
	    sizeof(*match))) == NULL) {
		ctl_answer_free(&a);
		return;
	}
	if (ws->n == 0 || words_has(ws, "all")) {
		for (j = 0; j < all->xv_n; j++)
			match[n++] = all->xv_items[j];
	} else
		for (i = 0; i < ws->n; i++) {
			proctable_split_spec(ws->w[i], group, sizeof(group), &name);
			bad = true;
			for (j = 0; j < all->xv_n; j++) {
				if (strcmp(str_of(all->xv_items[j], "group"),
				    group) != 0 || (name != NULL && strcmp(
				    str_of(all->xv_items[j], "name"), name) !=
				    0))
					continue;
				bad = false;
				match[n++] = all->xv_items[j];
			}
			if (!bad)
				continue;
			if (name == NULL)
				printf("%s: ERROR (no such group)\n", group);
			else
				printf("%s: ERROR (no such process)\n",
				    ws->w[i]);
			ct->ct_exit = CTL_X_STATUS_UNKNOWN;
		}
	show_statuses(match, n);
	for (j = 0; j < n; j++)
		if (is_stopped_state(ctl_int_of(match[j], "state")))
			ct->ct_exit = CTL_X_STATUS_NOT_RUNNING;
	free(match);
	ctl_answer_free(&a);
}

static void
do_pid(struct ctl *ct, const struct words *ws)
{
	struct ctl_answer a;
	enum ctl_call r;
	size_t j;
	int i;

	if (!upcheck(ct))
		return;
	if (ws->n == 0 || words_has(ws, "all")) {
		r = call_s(ct, ws->n == 0 ? "supervisor.getPID" :
		    "supervisor.getAllProcessInfo", NULL, NULL, &a);
		if (r == CALL_ERROR)
			ctl_broken(ct);
		else if (r == CALL_FAULT)
			ctl_unexpected(ct, &a);
		else if (a.an_value->xv_type == XR_INT)
			printf("%lld\n", a.an_value->xv_int);
		else if (a.an_value->xv_type == XR_ARRAY)
			for (j = 0; j < a.an_value->xv_n; j++)
				printf("%lld\n", ctl_int_of(
				    a.an_value->xv_items[j], "pid"));
		ctl_answer_free(&a);
		return;
	}
	for (i = 0; i < ws->n; i++) {
		r = call_s(ct, "supervisor.getProcessInfo", ws->w[i], NULL, &a);
		if (r == CALL_ERROR) {
			ctl_broken(ct);
			ctl_answer_free(&a);
			return;
		}
		if (r == CALL_FAULT && a.an_fault == FAULT_BAD_NAME) {
			ct->ct_exit = CTL_X_GENERIC;
			printf("No such process %s\n", ws->w[i]);
		} else if (r == CALL_FAULT)
			ctl_unexpected(ct, &a);
		else {
			printf("%lld\n", ctl_int_of(a.an_value, "pid"));
			if (ctl_int_of(a.an_value, "pid") == 0)
				ct->ct_exit = CTL_X_NOT_RUNNING;
		}
		ctl_answer_free(&a);
	}
}

/* A log's text (readProcessStdoutLog, readLog) and its faults. */
static void
print_log(struct ctl *ct, enum ctl_call r, struct ctl_answer *a,
    const char *who)
{
	if (r == CALL_ERROR) {
		ctl_broken(ct);
		return;
	}
	if (r == CALL_OK) {
		if (a->an_value->xv_type == XR_STRING)
			fwrite(a->an_value->xv_str, 1, a->an_value->xv_len,
			    stdout);
		putchar('\n');
		return;
	}
	ct->ct_exit = CTL_X_GENERIC;
	if (a->an_fault == FAULT_NO_FILE)
		printf("%s: ERROR (no log file)\n", who);
	else if (a->an_fault == FAULT_FAILED)
		printf("%s: ERROR (unknown error reading log)\n", who);
	else if (a->an_fault == FAULT_BAD_NAME && strcmp(who, "supervisord")
	    != 0)
		printf("%s: ERROR (no such process name)\n", who);
	else
		ctl_unexpected(ct, a);
}

/* "-N": N bytes; false if not a number (Python's int()). */
static bool
parse_count(const char *s, long long *n)
{
	char *end;

	errno = 0;
	*n = strtoll(s, &end, 10);
	return *s != '\0' && *end == '\0' && errno == 0;
}

static void
do_tail(struct ctl *ct, const struct words *ws)
{
	const char *modifier = NULL, *name, *channel = "stdout";
	const char *const *args = (const char *const *)ws->w;
	struct xr_buf p = { 0 };
	struct ctl_answer a;
	enum ctl_call r;
	long long bytes = 1600;
	char path[1024], *lower = NULL, *c;
	int n = ws->n;

	if (!upcheck(ct))
		return;
	if (n < 1 || n > 3) {
		ctl_output(n < 1 ? "Error: too few arguments" :
		    "Error: too many arguments");
		ct->ct_exit = CTL_X_GENERIC;
		ctl_help_verb("tail");
		return;
	}
	if (args[0][0] == '-') {
		modifier = args[0];
		args++;
		n--;
	}
	if (n == 0) {
		ctl_output("Error: tail requires process name");
		ct->ct_exit = CTL_X_GENERIC;
		return;
	}
	name = n == 1 ? args[0] : args[0];
	if (n > 1) {
		if ((lower = strdup(args[n - 1])) == NULL)
			return;
		for (c = lower; *c != '\0'; c++)
			if (*c >= 'A' && *c <= 'Z')
				*c = (char)(*c - 'A' + 'a');
		if (strcmp(lower, "stdout") != 0 && strcmp(lower, "stderr")
		    != 0) {
			printf("Error: bad channel '%s'\n", lower);
			ct->ct_exit = CTL_X_GENERIC;
			free(lower);
			return;
		}
		channel = strcmp(lower, "stderr") == 0 ? "stderr" : "stdout";
		free(lower);
	}
	if (modifier != NULL && strcmp(modifier + 1, "f") == 0) {
		snprintf(path, sizeof(path), "/logtail/%s/%s", name, channel);
		ctl_tailf(ct, path);
		return;
	}
	if (modifier != NULL && !parse_count(modifier + 1, &bytes)) {
		printf("Error: bad argument %s\n", modifier);
		ct->ct_exit = CTL_X_GENERIC;
		return;
	}
	rpcc_params_string(&p, name);
	rpcc_params_int(&p, -bytes);
	rpcc_params_int(&p, 0);
	r = ctl_call(ct, strcmp(channel, "stdout") == 0 ?
	    "supervisor.readProcessStdoutLog" :
	    "supervisor.readProcessStderrLog", &p, &a);
	xr_buf_free(&p);
	print_log(ct, r, &a, name);
	ctl_answer_free(&a);
}

static void
do_maintail(struct ctl *ct, const struct words *ws)
{
	struct xr_buf p = { 0 };
	struct ctl_answer a;
	enum ctl_call r;
	long long bytes = 1600;

	if (!upcheck(ct))
		return;
	if (ws->n > 1) {
		ctl_output("Error: too many arguments");
		ct->ct_exit = CTL_X_GENERIC;
		ctl_help_verb("maintail");
		return;
	}
	if (ws->n == 1) {
		if (strcmp(ws->w[0], "-f") == 0) {
			ctl_tailf(ct, "/mainlogtail");
			return;
		}
		if (ws->w[0][0] != '-' || !parse_count(ws->w[0] + 1, &bytes)) {
			printf("Error: bad argument %s\n", ws->w[0]);
			ct->ct_exit = CTL_X_GENERIC;
			return;
		}
	}
	rpcc_params_int(&p, -bytes);
	rpcc_params_int(&p, 0);
	r = ctl_call(ct, "supervisor.readLog", &p, &a);
	xr_buf_free(&p);
	print_log(ct, r, &a, "supervisord");
	ctl_answer_free(&a);
}

/* "Really ...? y/N" in the shell; yes elsewhere. */
static bool
really(struct ctl *ct, const char *question)
{
	char line[64];

	if (!ct->ct_interactive)
		return true;
	fputs(question, stdout);
	fflush(stdout);
	if (fgets(line, sizeof(line), stdin) == NULL)
		return false;
	return line[0] == 'y' || line[0] == 'Y';
}

static bool
no_arguments(struct ctl *ct, const struct words *ws, const char *verb)
{
	if (ws->n == 0)
		return true;
	printf("Error: %s accepts no arguments\n", verb);
	ct->ct_exit = CTL_X_GENERIC;
	ctl_help_verb(verb);
	return false;
}

static void
do_shutdown(struct ctl *ct, const struct words *ws)
{
	struct ctl_answer a;
	enum ctl_call r;

	if (!no_arguments(ct, ws, "shutdown") || !really(ct, "Really shut the "
	    "remote supervisord process down y/N? "))
		return;
	r = call_s(ct, "supervisor.shutdown", NULL, NULL, &a);
	if (r == CALL_OK)
		ctl_output("Shut down");
	else if (r == CALL_FAULT && a.an_fault == FAULT_SHUTDOWN_STATE)
		ctl_output("ERROR: already shutting down");
	else if (r == CALL_FAULT)
		ctl_unexpected(ct, &a);
	else if (ct->ct_rpc.rc_error == RPCC_CONNECT &&
	    (ct->ct_rpc.rc_errno == ECONNREFUSED ||
	    ct->ct_rpc.rc_errno == ENOENT)) {
		printf("ERROR: %s %s (already shut down?)\n", ct->ct_url,
		    ct->ct_rpc.rc_errno == ENOENT ? "no such file" :
		    "refused connection");
		ct->ct_exit = CTL_X_GENERIC;
	} else
		ctl_broken(ct);
	ctl_answer_free(&a);
}

static void
do_reload(struct ctl *ct, const struct words *ws)
{
	struct ctl_answer a;
	enum ctl_call r;

	if (!no_arguments(ct, ws, "reload") || !really(ct, "Really restart "
	    "the remote supervisord process y/N? "))
		return;
	r = call_s(ct, "supervisor.restart", NULL, NULL, &a);
	if (r == CALL_OK)
		ctl_output("Restarted supervisord");
	else if (r == CALL_FAULT && a.an_fault == FAULT_SHUTDOWN_STATE) {
		ctl_output("ERROR: already shutting down");
		ct->ct_exit = CTL_X_GENERIC;
	} else if (r == CALL_FAULT)
		ctl_unexpected(ct, &a);
	else
		ctl_broken(ct);
	ctl_answer_free(&a);
}

static void
do_avail(struct ctl *ct, const struct words *ws)
{
	const struct xr_value *ci;
	struct ctl_answer a;
	enum ctl_call r;
	char spec[1024];
	size_t i;

	if (!no_arguments(ct, ws, "avail"))
		return;
	r = call_s(ct, "supervisor.getAllConfigInfo", NULL, NULL, &a);
	if (r == CALL_OK && a.an_value->xv_type == XR_ARRAY)
		for (i = 0; i < a.an_value->xv_n; i++) {
			ci = a.an_value->xv_items[i];
			namespec_of(ci, spec, sizeof(spec));
			printf("%-32s %-9s %-9s %lld:%lld\n", spec,
			    ctl_int_of(ci, "inuse") ? "in use" : "avail",
			    ctl_int_of(ci, "autostart") ? "auto" : "manual",
			    ctl_int_of(ci, "group_prio"),
			    ctl_int_of(ci, "process_prio"));
		}
	else if (r == CALL_FAULT && a.an_fault == FAULT_SHUTDOWN_STATE) {
		ctl_output("ERROR: supervisor shutting down");
		ct->ct_exit = CTL_X_GENERIC;
	} else if (r == CALL_FAULT)
		ctl_unexpected(ct, &a);
	else
		ctl_broken(ct);
	ctl_answer_free(&a);
}

/* reloadConfig's [[added, changed, removed]]: the three arrays. */
static bool
changes_of(const struct xr_value *v, const struct xr_value *out[3])
{
	int i;

	if (v->xv_type != XR_ARRAY || v->xv_n < 1 ||
	    v->xv_items[0]->xv_type != XR_ARRAY || v->xv_items[0]->xv_n != 3)
		return false;
	for (i = 0; i < 3; i++) {
		out[i] = v->xv_items[0]->xv_items[i];
		if (out[i]->xv_type != XR_ARRAY)
			return false;
	}
	return true;
}

struct change {
	const char	*c_name;
	const char	*c_what;
};

static int
change_cmp(const void *x, const void *y)
{
	return strcmp(((const struct change *)x)->c_name,
	    ((const struct change *)y)->c_name);
}

static void
do_reread(struct ctl *ct, const struct words *ws)
{
	static const char *const what[] = { "available", "changed",
	    "disappeared" };
	const struct xr_value *ch[3];
	struct change *list;
	struct ctl_answer a;
	enum ctl_call r;
	size_t n = 0, i;
	int k;

	if (!no_arguments(ct, ws, "reread"))
		return;
	r = call_s(ct, "supervisor.reloadConfig", NULL, NULL, &a);
	if (r == CALL_OK && changes_of(a.an_value, ch)) {
		list = calloc(ch[0]->xv_n + ch[1]->xv_n + ch[2]->xv_n + 1,
		    sizeof(*list));
		for (k = 0; list != NULL && k < 3; k++)
			for (i = 0; i < ch[k]->xv_n; i++)
				if (ch[k]->xv_items[i]->xv_type == XR_STRING)
					list[n++] = (struct change){
					    ch[k]->xv_items[i]->xv_str,
					    what[k] };
		qsort(list, n, sizeof(*list), change_cmp);
		for (i = 0; i < n; i++)
			printf("%s: %s\n", list[i].c_name, list[i].c_what);
		if (n == 0)
			ctl_output("No config updates to processes");
		free(list);
	} else if (r == CALL_FAULT && a.an_fault == FAULT_SHUTDOWN_STATE) {
		ctl_output("ERROR: supervisor shutting down");
		ct->ct_exit = CTL_X_GENERIC;
	} else if (r == CALL_FAULT && a.an_fault == FAULT_CANT_REREAD) {
		printf("ERROR: %s\n", a.an_text);
		ct->ct_exit = CTL_X_GENERIC;
	} else if (r == CALL_FAULT)
		ctl_unexpected(ct, &a);
	else
		ctl_broken(ct);
	ctl_answer_free(&a);
}

static void
do_add(struct ctl *ct, const struct words *ws)
{
	struct ctl_answer a;
	enum ctl_call r;
	int i;

	for (i = 0; i < ws->n; i++) {
		r = call_s(ct, "supervisor.addProcessGroup", ws->w[i], NULL,
		    &a);
		if (r == CALL_OK)
			printf("%s: added process group\n", ws->w[i]);
		else if (r == CALL_FAULT && a.an_fault == FAULT_SHUTDOWN_STATE) {
			ctl_output("ERROR: shutting down");
			ct->ct_exit = CTL_X_GENERIC;
		} else if (r == CALL_FAULT && a.an_fault == FAULT_ALREADY_ADDED)
			ctl_output("ERROR: process group already active");
		else if (r == CALL_FAULT && a.an_fault == FAULT_BAD_NAME) {
			printf("ERROR: no such process/group: %s\n", ws->w[i]);
			ct->ct_exit = CTL_X_GENERIC;
		} else if (r == CALL_FAULT)
			ctl_unexpected(ct, &a);
		else {
			ctl_broken(ct);
			ctl_answer_free(&a);
			return;
		}
		ctl_answer_free(&a);
	}
}

static void
do_remove(struct ctl *ct, const struct words *ws)
{
	struct ctl_answer a;
	enum ctl_call r;
	int i;

	for (i = 0; i < ws->n; i++) {
		r = call_s(ct, "supervisor.removeProcessGroup", ws->w[i], NULL,
		    &a);
		if (r == CALL_OK)
			printf("%s: removed process group\n", ws->w[i]);
		else if (r == CALL_FAULT && (a.an_fault == FAULT_STILL_RUNNING
		    || a.an_fault == FAULT_BAD_NAME)) {
			printf("ERROR: %s: %s\n", a.an_fault ==
			    FAULT_BAD_NAME ? "no such process/group" :
			    "process/group still running", ws->w[i]);
			ct->ct_exit = CTL_X_GENERIC;
		} else if (r == CALL_FAULT)
			ctl_unexpected(ct, &a);
		else {
			ctl_broken(ct);
			ctl_answer_free(&a);
			return;
		}
		ctl_answer_free(&a);
	}
}

static bool
array_has(const struct xr_value *arr, const char *s)
{
	size_t i;

	for (i = 0; i < arr->xv_n; i++)
		if (arr->xv_items[i]->xv_type == XR_STRING &&
		    strcmp(arr->xv_items[i]->xv_str, s) == 0)
			return true;
	return false;
}

/* A group update names, or all (wanted: NULL) wanted. */
static bool
wanted(const struct words *ws, bool all, const char *gname)
{
	return all || words_has(ws, gname);
}

/* update's calls after reloadConfig: false if the server went away. */
static bool
update_call(struct ctl *ct, const char *method, const char *gname,
    struct ctl_answer *a)
{
	if (call_s(ct, method, gname, NULL, a) != CALL_ERROR)
		return true;
	ctl_broken(ct);
	return false;
}

/* update's calls for group g, in turn: false if the server went away. */
static bool
update_calls(struct ctl *ct, const char *g, const char *const *methods)
{
	struct ctl_answer b;

	for (; *methods != NULL; methods++) {
		if (!update_call(ct, *methods, g, &b))
			return false;
		ctl_answer_free(&b);
	}
	return true;
}

/* A changed group stopped, removed and added again; a new one added. */
static bool
update_group(struct ctl *ct, const char *g, bool changed)
{
	static const char *const stop[] = { "supervisor.stopProcessGroup",
	    NULL };
	static const char *const readd[] = { "supervisor.removeProcessGroup",
	    "supervisor.addProcessGroup", NULL };

	if (changed) {
		if (!update_calls(ct, g, stop))
			return false;
		printf("%s: stopped\n", g);
		if (!update_calls(ct, g, readd))
			return false;
		printf("%s: updated process group\n", g);
		return true;
	}
	if (!update_calls(ct, g, readd + 1))
		return false;
	printf("%s: added process group\n", g);
	return true;
}

static void
do_update(struct ctl *ct, const struct words *ws)
{
	const struct xr_value *ch[3], *v;
	struct ctl_answer a, b;
	enum ctl_call r;
	bool all = ws->n == 0 || words_has(ws, "all"), fails, known;
	size_t i, j;
	int k;

	r = call_s(ct, "supervisor.reloadConfig", NULL, NULL, &a);
	if (r == CALL_FAULT && a.an_fault == FAULT_SHUTDOWN_STATE) {
		ctl_output("ERROR: already shutting down");
		ct->ct_exit = CTL_X_GENERIC;
		ctl_answer_free(&a);
		return;
	}
	if (r != CALL_OK || !changes_of(a.an_value, ch)) {
		if (r == CALL_FAULT)
			ctl_unexpected(ct, &a);
		else
			ctl_broken(ct);
		ctl_answer_free(&a);
		return;
	}
	if (!all) {
		if (call_s(ct, "supervisor.getAllProcessInfo", NULL, NULL, &b)
		    != CALL_OK || b.an_value->xv_type != XR_ARRAY) {
			ctl_broken(ct);
			ctl_answer_free(&b);
			ctl_answer_free(&a);
			return;
		}
		for (k = 0; k < ws->n; k++) {
			for (j = 0; j < (size_t)k; j++)
				if (strcmp(ws->w[j], ws->w[k]) == 0)
					break;
			if (j < (size_t)k)
				continue;	/* a set: once each */
			known = array_has(ch[0], ws->w[k]);
			for (i = 0; !known && i < b.an_value->xv_n; i++)
				known = strcmp(str_of(b.an_value->xv_items[i],
				    "group"), ws->w[k]) == 0;
			if (!known) {
				printf("ERROR: no such group: %s\n", ws->w[k]);
				ct->ct_exit = CTL_X_GENERIC;
			}
		}
		ctl_answer_free(&b);
	}
	v = ch[2];
	for (i = 0; i < v->xv_n; i++) {
		const char *g = v->xv_items[i]->xv_str;

		if (g == NULL || !wanted(ws, all, g))
			continue;
		if (!update_call(ct, "supervisor.stopProcessGroup", g, &b))
			goto out;
		printf("%s: stopped\n", g);
		fails = false;
		if (b.an_value != NULL && b.an_fault == 0 &&
		    b.an_value->xv_type == XR_ARRAY)
			for (j = 0; j < b.an_value->xv_n; j++)
				if (ctl_int_of(b.an_value->xv_items[j],
				    "status") == FAULT_FAILED)
					fails = true;
		ctl_answer_free(&b);
		if (fails) {
			printf("%s: has problems; not removing\n", g);
			ct->ct_exit = CTL_X_GENERIC;
			continue;
		}
		if (!update_call(ct, "supervisor.removeProcessGroup", g, &b))
			goto out;
		ctl_answer_free(&b);
		printf("%s: removed process group\n", g);
	}
	/* The changed groups, then the added. */
	for (k = 1; k >= 0; k--)
		for (i = 0; i < ch[k]->xv_n; i++) {
			const char *g = ch[k]->xv_items[i]->xv_str;

			if (g != NULL && wanted(ws, all, g) &&
			    !update_group(ct, g, k == 1))
				goto out;
		}
out:
	ctl_answer_free(&a);
}

static void
do_clear(struct ctl *ct, const struct words *ws)
{
	struct ctl_answer a;
	enum ctl_call r;
	char group[512];
	const char *name;
	int i;

	if (!names_given(ct, ws, "clear", CTL_X_GENERIC))
		return;
	if (words_has(ws, "all")) {
		r = call_s(ct, "supervisor.clearAllProcessLogs", NULL, NULL,
		    &a);
		if (r == CALL_OK)
			print_results(ct, RK_CLEAR, a.an_value, 0);
		else if (r == CALL_FAULT)
			ctl_unexpected(ct, &a);
		else
			ctl_broken(ct);
		ctl_answer_free(&a);
		return;
	}
	for (i = 0; i < ws->n; i++) {
		proctable_split_spec(ws->w[i], group, sizeof(group), &name);
		r = call_s(ct, "supervisor.clearProcessLogs", ws->w[i], NULL,
		    &a);
		if (r == CALL_ERROR) {
			ctl_broken(ct);
			ctl_answer_free(&a);
			return;
		}
		if (print_result(ct, RK_CLEAR, group, name, r == CALL_FAULT ?
		    a.an_fault : FAULT_SUCCESS, a.an_text) && r == CALL_FAULT)
			fault_exit(ct, a.an_fault, 0);
		ctl_answer_free(&a);
	}
}

static void
do_version(struct ctl *ct, const struct words *ws)
{
	struct ctl_answer a;
	enum ctl_call r;

	if (!no_arguments(ct, ws, "version") || !upcheck(ct))
		return;
	r = call_s(ct, "supervisor.getSupervisorVersion", NULL, NULL, &a);
	if (r == CALL_OK && a.an_value->xv_type == XR_STRING)
		ctl_output(a.an_value->xv_str);
	else if (r == CALL_FAULT)
		ctl_unexpected(ct, &a);
	else
		ctl_broken(ct);
	ctl_answer_free(&a);
}

static void
do_open(struct ctl *ct, const struct words *ws)
{
	int saved;

	if (ws->n != 1 || (strncmp(ws->w[0], "unix:", 5) != 0 &&
	    strncmp(ws->w[0], "http:", 5) != 0)) {
		ctl_output("ERROR: url must be http:// or unix://");
		ct->ct_exit = CTL_X_GENERIC;
		return;
	}
	if (ctl_open(ct, ws->w[0]) == -1) {
		ct->ct_exit = CTL_X_GENERIC;
		return;
	}
	saved = ct->ct_exit;
	do_status(ct, &(struct words){ 0 });
	ct->ct_exit = saved;
}

static void
do_fg(struct ctl *ct, const struct words *ws)
{
	if (!upcheck(ct))
		return;
	if (ws->n == 0) {
		ctl_output("ERROR: no process name supplied");
		ct->ct_exit = CTL_X_GENERIC;
		ctl_help_verb("fg");
		return;
	}
	if (ws->n > 1) {
		ctl_output("ERROR: too many process names supplied");
		ct->ct_exit = CTL_X_GENERIC;
		return;
	}
	ctl_fg(ct, ws->w[0]);
}

static void
do_help(struct ctl *ct, const struct words *ws)
{
	(void)ct;
	if (ws->n == 0)
		ctl_help_all();
	else if (!ctl_help_verb(ws->w[0]))
		printf("*** No help on %s\n", ws->w[0]);
}

static void
do_quit(struct ctl *ct, const struct words *ws)
{
	(void)ws;
	ctl_output("");
	ct->ct_quit = true;
}

struct verb {
	const char	*v_name;
	void		(*v_run)(struct ctl *, const struct words *);
};

static const struct verb verbs[] = {
	{ "add", do_add }, { "avail", do_avail }, { "clear", do_clear },
	{ "exit", do_quit }, { "fg", do_fg }, { "help", do_help },
	{ "maintail", do_maintail }, { "open", do_open }, { "pid", do_pid },
	{ "quit", do_quit }, { "reload", do_reload }, { "remove", do_remove },
	{ "reread", do_reread }, { "restart", do_restart },
	{ "shutdown", do_shutdown }, { "signal", do_signal },
	{ "start", do_start }, { "status", do_status }, { "stop", do_stop },
	{ "tail", do_tail }, { "update", do_update },
	{ "version", do_version }, { "EOF", do_quit },
};

bool
ctl_is_verb(const char *word)
{
	size_t i;

	for (i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
		if (strcmp(verbs[i].v_name, word) == 0)
			return true;
	return false;
}

/* cmd.Cmd's parseline: the verb is the leading identifier characters,
 * "?" is help; the rest, stripped, is the argument. */
void
ctl_onecmd(struct ctl *ct, const char *line)
{
	char verb[64], *copy, *arg;
	const char *s = line;
	struct words ws;
	size_t n = 0, i;

	while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
		s++;
	if (*s == '\0')
		return;
	if (*s == '?') {
		snprintf(verb, sizeof(verb), "help");
		s++;
	} else {
		while ((s[n] >= 'a' && s[n] <= 'z') || (s[n] >= 'A' && s[n] <=
		    'Z') || (s[n] >= '0' && s[n] <= '9') || s[n] == '_')
			n++;
		if (n == 0 || n >= sizeof(verb)) {
			if ((copy = strdup(s)) != NULL) {
				copy[strcspn(copy, "\r\n")] = '\0';
				printf("*** Unknown syntax: %s\n", copy);
			}
			free(copy);
			ct->ct_exit = CTL_X_GENERIC;
			return;
		}
		memcpy(verb, s, n);
		verb[n] = '\0';
		s += n;
	}
	for (i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
		if (strcmp(verbs[i].v_name, verb) == 0)
			break;
	if (i == sizeof(verbs) / sizeof(verbs[0])) {
		if ((copy = strdup(line)) != NULL) {
			copy[strcspn(copy, "\r\n")] = '\0';
			for (arg = copy; *arg == ' ' || *arg == '\t'; arg++)
				;
			printf("*** Unknown syntax: %s\n", arg);
		}
		free(copy);
		ct->ct_exit = CTL_X_GENERIC;
		return;
	}
	words_split(&ws, s);
	verbs[i].v_run(ct, &ws);
	words_free(&ws);
	fflush(stdout);
}
