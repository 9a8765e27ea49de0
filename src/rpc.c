/*
 * rpc.c: supervisord 4.2's XML-RPC interface (its rpcinterface.py and
 * xmlrpc.py are the specification: the same methods, arguments, structs
 * and Fault codes) and its /logtail streams.  A call that waits (start,
 * stop with wait=true) is answered once the processes it waits for get
 * there: each state change re-examines the waiting calls, as
 * supervisord's deferred callbacks do every 50 ms.  The log streams are
 * logtail.c's.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "capture.h"
#include "config.h"
#include "config_diff.h"
#include "control.h"
#include "http.h"
#include "logtail.h"
#include "monotime.h"
#include "parse.h"
#include "process.h"
#include "proctable.h"
#include "reload.h"
#include "rpc.h"
#include "signals.h"
#include "strv.h"
#include "tail.h"
#include "trust.h"
#include "xmlrpc.h"

#ifndef SUPERVISOR_VERSION
#define SUPERVISOR_VERSION "0.0.0"
#endif

#define API_VERSION	"3.0"
#define READ_MAX	(4 * 1024 * 1024)	/* bytes one read returns */
#define POLL_INTERVAL	0.05			/* as supervisord's delay */

/* supervisord's Faults. */
enum fault_code {
	F_UNKNOWN_METHOD = 1,
	F_INCORRECT_PARAMETERS = 2,
	F_BAD_ARGUMENTS = 3,
	F_SIGNATURE_UNSUPPORTED = 4,
	F_SHUTDOWN_STATE = 6,
	F_BAD_NAME = 10,
	F_BAD_SIGNAL = 11,
	F_NO_FILE = 20,
	F_NOT_EXECUTABLE = 21,
	F_FAILED = 30,
	F_ABNORMAL_TERMINATION = 40,
	F_SPAWN_ERROR = 50,
	F_ALREADY_STARTED = 60,
	F_NOT_RUNNING = 70,
	F_SUCCESS = 80,
	F_ALREADY_ADDED = 90,
	F_STILL_RUNNING = 91,
	F_CANT_REREAD = 92,
};

struct fault {
	int	 f_code;
	char	 f_text[512];
};

enum target_kind { TK_START, TK_STOP };

/* One process a waiting call waits for. */
struct target {
	struct process	*t_proc;	/* NULL: a reload removed it */
	char		*t_name;	/* for the result */
	char		*t_group;
	enum target_kind t_kind;
	bool		 t_done;
	bool		 t_waits;	/* still to be examined */
	int		 t_code;	/* F_SUCCESS, or the fault */
	char		*t_text;	/* the fault's text */
};

/* What a waiting call is owed: True (one process) or the status structs
 * of a group or of all. */
struct wait {
	bool		 w_all;
	size_t		 w_n;
	struct target	*w_t;
};

/* One request being answered. */
struct call {
	struct call	*rc_next;
	struct ctl_client *rc_client;	/* NULL once it went away */
	struct xr_call	 rc_req;
	struct xr_buf	 rc_out;
	bool		 rc_multi;	/* system.multicall */
	size_t		 rc_index;	/* multicall: the call under way */
	struct wait	*rc_wait;	/* a result not ready yet */
};

enum result { R_VALUE, R_FAULT, R_WAIT };

typedef enum result method_fn(struct call *, const struct xr_value *,
    struct xr_buf *, struct fault *);

struct method {
	const char	*m_name;
	method_fn	*m_fn;
	int		 m_min, m_max;	/* parameters */
	const char	*m_sig;		/* "return param..." */
	const char	*m_help;
	bool		 m_anytime;	/* answered while shutting down */
};

static struct ev_loop	*loop;
static pid_t		 main_pid;
static void		(*shutdown_fn)(const char *);
static void		(*remote_comm)(const char *, const char *);
static struct call	*calls;		/* waiting ones */
static ev_timer		 poll_timer;
static struct process_observer observer;
static struct config	*staged;	/* reloadConfig's, for add/remove */
static bool		 restarting;	/* restart: stopping everything */

static const struct method *method_find(const char *name);
static const struct method *method_at(size_t i);

static void	call_finish(struct call *rc);
static void	call_go_on(struct call *rc);

static enum result
fault(struct fault *f, int code, const char *fmt, ...) PRINTFLIKE(3, 4);

static const char *
fault_name(int code)
{
	switch (code) {
	case F_UNKNOWN_METHOD: return "UNKNOWN_METHOD";
	case F_INCORRECT_PARAMETERS: return "INCORRECT_PARAMETERS";
	case F_BAD_ARGUMENTS: return "BAD_ARGUMENTS";
	case F_SIGNATURE_UNSUPPORTED: return "SIGNATURE_UNSUPPORTED";
	case F_SHUTDOWN_STATE: return "SHUTDOWN_STATE";
	case F_BAD_NAME: return "BAD_NAME";
	case F_BAD_SIGNAL: return "BAD_SIGNAL";
	case F_NO_FILE: return "NO_FILE";
	case F_NOT_EXECUTABLE: return "NOT_EXECUTABLE";
	case F_FAILED: return "FAILED";
	case F_ABNORMAL_TERMINATION: return "ABNORMAL_TERMINATION";
	case F_SPAWN_ERROR: return "SPAWN_ERROR";
	case F_ALREADY_STARTED: return "ALREADY_STARTED";
	case F_NOT_RUNNING: return "NOT_RUNNING";
	case F_SUCCESS: return "SUCCESS";
	case F_ALREADY_ADDED: return "ALREADY_ADDED";
	case F_STILL_RUNNING: return "STILL_RUNNING";
	case F_CANT_REREAD: return "CANT_REREAD";
	default: return "UNKNOWN";
	}
}

/* A Fault as supervisord's RPCError words it: "NAME" or "NAME: extra". */
static enum result
fault(struct fault *f, int code, const char *fmt, ...)
{
	char extra[400];
	va_list ap;

	f->f_code = code;
	if (fmt == NULL) {
		snprintf(f->f_text, sizeof(f->f_text), "%s", fault_name(code));
		return R_FAULT;
	}
	va_start(ap, fmt);
	vsnprintf(extra, sizeof(extra), fmt, ap);
	va_end(ap);
	snprintf(f->f_text, sizeof(f->f_text), "%s: %s", fault_name(code),
	    extra);
	return R_FAULT;
}

/* ---- parameters ------------------------------------------------------ */

static bool
param_string(const struct xr_value *params, size_t i, const char **out)
{
	const struct xr_value *v = params->xv_items[i];

	if (v->xv_type != XR_STRING && v->xv_type != XR_BASE64)
		return false;
	*out = v->xv_str;
	return true;
}

/* An int, or a string int() takes, as Python's int(offset). */
static bool
param_int(const struct xr_value *params, size_t i, long long *out)
{
	const struct xr_value *v = params->xv_items[i];
	char *end;

	if (v->xv_type == XR_INT || v->xv_type == XR_BOOL) {
		*out = v->xv_int;
		return true;
	}
	if (v->xv_type != XR_STRING)
		return false;
	errno = 0;
	*out = strtoll(v->xv_str, &end, 10);
	return *v->xv_str != '\0' && *end == '\0' && errno == 0;
}

/* wait=, Python's truth of what was sent. */
static bool
param_bool(const struct xr_value *params, size_t i, bool dflt)
{
	const struct xr_value *v;

	if (i >= params->xv_n)
		return dflt;
	v = params->xv_items[i];
	switch (v->xv_type) {
	case XR_INT:
	case XR_BOOL:
		return v->xv_int != 0;
	case XR_STRING:
		return v->xv_len > 0;
	case XR_NIL:
		return false;
	default:
		return true;
	}
}

/* ---- names ------------------------------------------------------------ */

/*
 * _getGroupAndProcess: the process a namespec names, or NULL with
 * *whole_group set when it names a group.  BAD_NAME when neither.
 */
static struct process *
find(const char *spec, bool *whole_group, char *group, size_t glen,
    struct fault *f)
{
	const char *proc;
	struct process *p;

	*whole_group = false;
	proctable_split_spec(spec, group, glen, &proc);
	if (!proctable_has_group(group)) {
		fault(f, F_BAD_NAME, "%s", spec);
		return NULL;
	}
	if (proc == NULL) {
		*whole_group = true;
		return NULL;
	}
	if ((p = proctable_in_group(group, proc)) == NULL) {
		fault(f, F_BAD_NAME, "%s", spec);
		return NULL;
	}
	return p;
}

/*
 * The one process the first parameter names (getProcessInfo and the
 * like): NULL with the fault set, BAD_NAME for a group too.
 */
static struct process *
named_process(const struct xr_value *pa, struct fault *f)
{
	const char *name;
	char group[256];
	struct process *p;
	bool whole;

	if (!param_string(pa, 0, &name)) {
		fault(f, F_INCORRECT_PARAMETERS, NULL);
		return NULL;
	}
	if ((p = find(name, &whole, group, sizeof(group), f)) == NULL &&
	    whole)
		fault(f, F_BAD_NAME, "%s", name);
	return p;
}

/* ---- a process's info ----------------------------------------------- */

static int
state_code(enum proc_state s)
{
	switch (s) {
	case PROC_STOPPED: return 0;
	/* Not started yet, for its dependencies: supervisord knows no
	 * such state; its code is STOPPED's (statename says WAITING). */
	case PROC_WAITING: return 0;
	case PROC_STARTING: return 10;
	case PROC_RUNNING: return 20;
	case PROC_BACKOFF: return 30;
	case PROC_STOPPING: return 40;
	case PROC_EXITED: return 100;
	case PROC_FATAL: return 200;
	}
	return 1000;
}

static bool
is_running_state(const struct process *p)
{
	return p->p_state == PROC_RUNNING || p->p_state == PROC_BACKOFF ||
	    p->p_state == PROC_STARTING;
}

static bool
is_signallable(const struct process *p)
{
	return p->p_state == PROC_RUNNING || p->p_state == PROC_STARTING ||
	    p->p_state == PROC_STOPPING;
}

/* A monotonic instant as wall-clock seconds. */
static long long
wall_of(double mono)
{
	return (long long)(time(NULL) - (mono_now() - mono));
}

/* supervisord's spawnerr: why the last start failed, or "". */
static void
spawn_error_text(const struct process *p, char *buf, size_t len)
{
	const char *cmd = p->p_config->pcf_argv[0];
	int e = p->p_exec_error.se_errno;

	buf[0] = '\0';
	if (p->p_exec_failed && p->p_exec_error.se_stage == SPAWN_STAGE_EXEC &&
	    e == ENOENT)
		snprintf(buf, len, "can't find command '%s'", cmd);
	else if (p->p_exec_failed && p->p_exec_error.se_stage ==
	    SPAWN_STAGE_EXEC && e == EACCES)
		snprintf(buf, len, "command at '%s' is not executable", cmd);
	else if (p->p_exec_failed)
		snprintf(buf, len, "%s: %s", spawn_stage_name(
		    p->p_exec_error.se_stage), strerror(e));
	else if (p->p_start_errno != 0)
		snprintf(buf, len, "%s", strerror(p->p_start_errno));
	else if (p->p_state == PROC_BACKOFF || p->p_state == PROC_FATAL)
		snprintf(buf, len, "Exited too quickly (process log may have "
		    "details)");
}

/* Python's str(timedelta) of whole seconds: "1 day, 2:03:04". */
static void
uptime_text(long long secs, char *buf, size_t len)
{
	long long days = secs / 86400, rest = secs % 86400;

	if (days > 0)
		snprintf(buf, len, "%lld day%s, %lld:%02lld:%02lld", days,
		    days == 1 ? "" : "s", rest / 3600, rest % 3600 / 60,
		    rest % 60);
	else
		snprintf(buf, len, "%lld:%02lld:%02lld", rest / 3600,
		    rest % 3600 / 60, rest % 60);
}

static void
process_info(struct xr_buf *b, const struct process *p)
{
	char spawnerr[512], desc[600], up[64];
	const char *out = process_log_path(p, OUT_STDOUT), *err;
	long long start = 0, stop = 0, now = (long long)time(NULL);
	int exitstatus = 0;
	struct tm tm;
	time_t t;

	err = p->p_config->pcf_stderr_joined ? NULL : process_log_path(p, OUT_STDERR);
	if (p->p_spawns > 0)
		start = wall_of(p->p_start_time);
	if (p->p_spawns > 0 && p->p_pid == 0)
		stop = wall_of(p->p_exit_time);
	if (p->p_spawns > 0 && p->p_pid == 0) {
		if (WIFEXITED(p->p_exit_status))
			exitstatus = WEXITSTATUS(p->p_exit_status);
		else
			exitstatus = -1;
	}
	spawn_error_text(p, spawnerr, sizeof(spawnerr));
	switch (p->p_state) {
	case PROC_RUNNING:
		uptime_text(now - start < 0 ? 0 : now - start, up, sizeof(up));
		snprintf(desc, sizeof(desc), "pid %d, uptime %s", (int)p->p_pid,
		    up);
		break;
	case PROC_FATAL:
	case PROC_BACKOFF:
		if (spawnerr[0] != '\0')
			snprintf(desc, sizeof(desc), "%s", spawnerr);
		else
			snprintf(desc, sizeof(desc), "unknown error (try \"tail "
			    "%s\")", p->p_name);
		break;
	case PROC_STOPPED:
	case PROC_EXITED:
		if (start != 0) {
			t = (time_t)stop;
			localtime_r(&t, &tm);
			strftime(desc, sizeof(desc), "%b %d %I:%M %p", &tm);
		} else
			snprintf(desc, sizeof(desc), "Not started");
		break;
	default:
		desc[0] = '\0';
	}
	xr_struct_begin(b);
	xr_member_string(b, "name", p->p_name);
	xr_member_string(b, "group", process_group(p));
	xr_member_string(b, "description", desc);
	xr_member_int(b, "start", start);
	xr_member_int(b, "stop", stop);
	xr_member_int(b, "now", now);
	xr_member_int(b, "state", state_code(p->p_state));
	xr_member_string(b, "statename", proc_state_name(p->p_state));
	xr_member_string(b, "spawnerr", spawnerr);
	xr_member_int(b, "exitstatus", exitstatus);
	xr_member_string(b, "logfile", out != NULL ? out : "");
	xr_member_string(b, "stdout_logfile", out != NULL ? out : "");
	xr_member_string(b, "stderr_logfile", err != NULL ? err : "");
	xr_member_int(b, "pid", p->p_pid);
	xr_struct_end(b);
}

/* ---- waiting for processes -------------------------------------------- */

static void
wait_free(struct wait *w)
{
	size_t i;

	if (w == NULL)
		return;
	for (i = 0; i < w->w_n; i++) {
		free(w->w_t[i].t_name);
		free(w->w_t[i].t_group);
		free(w->w_t[i].t_text);
	}
	free(w->w_t);
	free(w);
}

static struct wait *
wait_new(bool all, size_t n)
{
	struct wait *w = calloc(1, sizeof(*w));

	if (w == NULL || (w->w_t = calloc(n + 1, sizeof(*w->w_t))) == NULL) {
		free(w);
		return NULL;
	}
	w->w_all = all;
	return w;
}

/* Adds a target: done already (code, text) or waiting (code 0). */
static int
wait_add(struct wait *w, struct process *p, enum target_kind kind, int code,
    const char *text)
{
	struct target *t = &w->w_t[w->w_n];

	t->t_proc = p;
	t->t_kind = kind;
	t->t_name = strdup(p->p_name);
	t->t_group = strdup(process_group(p));
	t->t_waits = code == 0;
	t->t_done = code != 0;
	t->t_code = code;
	t->t_text = text != NULL ? strdup(text) : NULL;
	w->w_n++;
	if (t->t_name == NULL || t->t_group == NULL || (text != NULL &&
	    t->t_text == NULL))
		return -1;
	return 0;
}

static void
target_end(struct target *t, int code, const char *text)
{
	t->t_done = true;
	t->t_waits = false;
	t->t_code = code;
	free(t->t_text);
	t->t_text = text != NULL ? strdup(text) : NULL;
}

/*
 * Whether p's leader has not exited, reaped or not: a RUNNING process
 * whose exit the loop has not taken yet (its reap comes later in this
 * round) is not "started".
 */
static bool
leader_alive(const struct process *p)
{
	siginfo_t si;

	memset(&si, 0, sizeof(si));
	return p->p_pid > 0 && waitid(P_PID, (id_t)p->p_pid, &si, WEXITED |
	    WNOHANG | WNOWAIT) == 0 && si.si_pid == 0;
}

/* Has the process got where the target waits for it to be? */
static void
target_poll(struct target *t)
{
	struct process *p = t->t_proc;
	char text[600], err[512];

	if (!t->t_waits)
		return;
	if (p == NULL) {
		snprintf(text, sizeof(text), "FAILED: %s: removed from the "
		    "configuration", t->t_name);
		target_end(t, F_FAILED, text);
		return;
	}
	if (t->t_kind == TK_STOP) {
		if (process_is_down(p))
			target_end(t, F_SUCCESS, NULL);
		return;
	}
	spawn_error_text(p, err, sizeof(err));
	if (p->p_exec_failed || p->p_start_errno != 0) {
		snprintf(text, sizeof(text), "SPAWN_ERROR: %s:%s",
		    t->t_group, t->t_name);
		target_end(t, F_SPAWN_ERROR, text);
	} else if (p->p_state == PROC_RUNNING) {
		if (leader_alive(p))
			target_end(t, F_SUCCESS, NULL);
	}
	else if (p->p_state != PROC_STARTING) {
		snprintf(text, sizeof(text), "ABNORMAL_TERMINATION: %s:%s",
		    t->t_group, t->t_name);
		target_end(t, F_ABNORMAL_TERMINATION, text);
	}
}

/* make_allfunc's result: one status struct per process. */
static void
write_statuses(struct xr_buf *b, const struct wait *w)
{
	size_t i;

	xr_array_begin(b);
	for (i = 0; i < w->w_n; i++) {
		xr_struct_begin(b);
		xr_member_string(b, "name", w->w_t[i].t_name);
		xr_member_string(b, "group", w->w_t[i].t_group);
		xr_member_int(b, "status", w->w_t[i].t_code);
		xr_member_string(b, "description", w->w_t[i].t_code ==
		    F_SUCCESS ? "OK" : w->w_t[i].t_text != NULL ?
		    w->w_t[i].t_text : fault_name(w->w_t[i].t_code));
		xr_struct_end(b);
	}
	xr_array_end(b);
}

/*
 * Examines w: R_WAIT while a target waits; else its value written to b
 * (R_VALUE) or its fault (R_FAULT, a single process's).
 */
static enum result
wait_result(struct wait *w, struct xr_buf *b, struct fault *f)
{
	size_t i;

	for (i = 0; i < w->w_n; i++)
		target_poll(&w->w_t[i]);
	for (i = 0; i < w->w_n; i++)
		if (!w->w_t[i].t_done)
			return R_WAIT;
	if (w->w_all) {
		write_statuses(b, w);
		return R_VALUE;
	}
	if (w->w_n == 1 && w->w_t[0].t_code != F_SUCCESS) {
		f->f_code = w->w_t[0].t_code;
		snprintf(f->f_text, sizeof(f->f_text), "%s",
		    w->w_t[0].t_text != NULL ? w->w_t[0].t_text :
		    fault_name(f->f_code));
		return R_FAULT;
	}
	xr_bool(b, true);
	return R_VALUE;
}

static void
poll_soon(void)
{
	if (calls == NULL)
		return;
	ev_timer_stop(loop, &poll_timer);
	ev_timer_set(&poll_timer, 0, POLL_INTERVAL);
	ev_timer_start(loop, &poll_timer);
}

static void
restart_step(void)
{
	struct reload_result r;
	size_t i, n = proctable_count();

	if (!restarting)
		return;
	if (process_shutting_down()) {
		restarting = false;
		return;
	}
	for (i = 0; i < n; i++)
		if (!process_is_down(proctable_get(i)))
			return;
	restarting = false;
	log_info("restart: everything stopped; reading the config again");
	reload_run("the restart method", false, &r);
	if (r.rr_refused != NULL)
		log_warnx("restart: %s: %s; the programs start on the "
		    "configuration they had", reload_current()->cf_file,
		    r.rr_refused);
	reload_result_free(&r);
	proctable_start_autostart();
}

static void
poll_cb(struct ev_loop *l, ev_timer *w, int revents)
{
	struct call *rc, *next;

	(void)revents;
	restart_step();
	for (rc = calls; rc != NULL; rc = next) {
		next = rc->rc_next;
		call_go_on(rc);
	}
	if (calls == NULL && !restarting)
		ev_timer_stop(l, w);
}

/*
 * Every state change comes here, inside the state machine: a start that
 * reached RUNNING is done even if the process exits before the calls
 * are looked at (startsecs = 0 and a program that ends at once).
 */
static void
state_changed(struct process *p, enum proc_state from, void *arg)
{
	struct call *rc;
	struct target *t;
	size_t i;

	(void)from;
	(void)arg;
	for (rc = calls; rc != NULL && p->p_state == PROC_RUNNING;
	    rc = rc->rc_next)
		for (i = 0; rc->rc_wait != NULL && i < rc->rc_wait->w_n; i++) {
			t = &rc->rc_wait->w_t[i];
			if (t->t_proc == p && t->t_waits && t->t_kind ==
			    TK_START)
				target_end(t, F_SUCCESS, NULL);
		}
	if (calls != NULL || restarting) {
		ev_timer_stop(loop, &poll_timer);
		ev_timer_set(&poll_timer, 0, POLL_INTERVAL);
		ev_timer_start(loop, &poll_timer);
	}
}

/* A process a reload removed is about to be freed: waits let go of it. */
static void
process_forgotten(struct process *p, void *arg)
{
	struct call *rc;
	size_t i;

	(void)arg;
	for (rc = calls; rc != NULL; rc = rc->rc_next)
		for (i = 0; rc->rc_wait != NULL && i < rc->rc_wait->w_n; i++)
			if (rc->rc_wait->w_t[i].t_proc == p)
				rc->rc_wait->w_t[i].t_proc = NULL;
	poll_soon();
}

/* ---- start, stop, signal ------------------------------------------- */

/* get_execv_args's checks: the command is there and executable. */
static enum result
check_command(const struct process *p, struct fault *f)
{
	const char *cmd = p->p_config->pcf_argv[0], *path, *dir, *end;
	char full[PATH_MAX];
	struct stat st;
	size_t i;

	if (strchr(cmd, '/') != NULL) {
		snprintf(full, sizeof(full), "%s", cmd);
	} else {
		path = getenv("PATH");
		for (i = 0; p->p_config->pcf_env[i] != NULL; i++)
			if (strncmp(p->p_config->pcf_env[i], "PATH=", 5) == 0)
				path = p->p_config->pcf_env[i] + 5;
		full[0] = '\0';
		for (dir = path; dir != NULL && *dir != '\0'; dir = end) {
			end = strchr(dir, ':');
			snprintf(full, sizeof(full), "%.*s/%s", end != NULL ?
			    (int)(end - dir) : (int)strlen(dir), dir, cmd);
			if (end != NULL)
				end++;
			if (stat(full, &st) == 0)
				break;
			full[0] = '\0';
		}
		if (full[0] == '\0')
			return fault(f, F_NO_FILE, "can't find command '%s'",
			    cmd);
	}
	if (stat(full, &st) == -1)
		return fault(f, F_NO_FILE, "can't find command '%s'", cmd);
	if (S_ISDIR(st.st_mode))
		return fault(f, F_NOT_EXECUTABLE, "command at '%s' is a "
		    "directory", full);
	if ((st.st_mode & 0111) == 0)
		return fault(f, F_NOT_EXECUTABLE, "command at '%s' is not "
		    "executable", full);
	return R_VALUE;
}

static void
spec_of(const struct process *p, char *buf, size_t len)
{
	snprintf(buf, len, "%s:%s", process_group(p), p->p_name);
}

/* startProcess of one process: R_VALUE (done), R_FAULT, or a target
 * added to w (R_WAIT). */
static enum result
start_one(struct process *p, bool wait, struct wait *w, struct fault *f)
{
	char spec[512];

	spec_of(p, spec, sizeof(spec));
	if (check_command(p, f) == R_FAULT)
		return R_FAULT;
	if (is_running_state(p))
		return fault(f, F_ALREADY_STARTED, "%s", spec);
	if (process_shutting_down())
		return fault(f, F_SHUTDOWN_STATE, NULL);
	process_hold(p, false);
	process_start(p);
	if (p->p_exec_failed || p->p_start_errno != 0)
		return fault(f, F_SPAWN_ERROR, "%s", spec);
	if (!wait || p->p_state == PROC_RUNNING)
		return R_VALUE;
	if (wait_add(w, p, TK_START, 0, NULL) == -1)
		return fault(f, F_FAILED, "out of memory");
	return R_WAIT;
}

static enum result
stop_one(struct process *p, bool wait, struct wait *w, struct fault *f)
{
	char spec[512];

	spec_of(p, spec, sizeof(spec));
	if (!is_running_state(p))
		return fault(f, F_NOT_RUNNING, "%s", spec);
	process_stop(p);
	if (!wait || process_is_down(p))
		return R_VALUE;
	if (wait_add(w, p, TK_STOP, 0, NULL) == -1)
		return fault(f, F_FAILED, "out of memory");
	return R_WAIT;
}

/* The processes of a group (NULL: all), in priority order. */
static bool
in_scope(const struct process *p, const char *group)
{
	return !p->p_retired && (group == NULL || strcmp(process_group(p), group) ==
	    0);
}

/*
 * make_allfunc: the operation on each process of the scope that the
 * predicate lets through; the result waits for the slowest.
 */
static enum result
all_op(struct call *rc, const char *group, enum target_kind kind, bool wait,
    struct xr_buf *b, struct fault *f)
{
	size_t i, n = proctable_count();
	struct process *p;
	struct wait *w;
	struct fault one;
	enum result r;

	if ((w = wait_new(true, n)) == NULL)
		return fault(f, F_FAILED, "out of memory");
	for (i = 0; i < n; i++) {
		p = proctable_get(i);
		if (!in_scope(p, group))
			continue;
		if (kind == TK_START ? is_running_state(p) :
		    !is_running_state(p))
			continue;
		r = kind == TK_START ? start_one(p, wait, w, &one) :
		    stop_one(p, wait, w, &one);
		if (r == R_VALUE && wait_add(w, p, kind, F_SUCCESS, NULL) ==
		    -1)
			r = fault(&one, F_FAILED, "out of memory");
		if (r == R_FAULT && wait_add(w, p, kind, one.f_code,
		    one.f_text) == -1) {
			wait_free(w);
			return fault(f, F_FAILED, "out of memory");
		}
	}
	if ((r = wait_result(w, b, f)) != R_WAIT) {
		wait_free(w);
		return r;
	}
	rc->rc_wait = w;
	return R_WAIT;
}

static enum result
one_op(struct call *rc, const struct xr_value *params, enum target_kind kind,
    struct xr_buf *b, struct fault *f)
{
	const char *name;
	char group[256];
	bool whole, wait = param_bool(params, 1, true);
	struct process *p;
	struct wait *w;
	enum result r;

	if (!param_string(params, 0, &name))
		return fault(f, F_INCORRECT_PARAMETERS, NULL);
	if ((p = find(name, &whole, group, sizeof(group), f)) == NULL)
		return whole ? all_op(rc, group, kind, wait, b, f) : R_FAULT;
	if ((w = wait_new(false, 1)) == NULL)
		return fault(f, F_FAILED, "out of memory");
	r = kind == TK_START ? start_one(p, wait, w, f) :
	    stop_one(p, wait, w, f);
	if (r != R_WAIT) {
		wait_free(w);
		if (r == R_VALUE)
			xr_bool(b, true);
		return r;
	}
	rc->rc_wait = w;
	return R_WAIT;
}

/* ---- the methods ------------------------------------------------------- */

static enum result
m_api_version(struct call *rc, const struct xr_value *pa, struct xr_buf *b,
    struct fault *f)
{
	(void)rc, (void)pa, (void)f;
	xr_string(b, API_VERSION);
	return R_VALUE;
}

static enum result
m_supervisor_version(struct call *rc, const struct xr_value *pa,
    struct xr_buf *b, struct fault *f)
{
	(void)rc, (void)pa, (void)f;
	xr_string(b, SUPERVISOR_VERSION);
	return R_VALUE;
}

static enum result
m_identification(struct call *rc, const struct xr_value *pa,
    struct xr_buf *b, struct fault *f)
{
	(void)rc, (void)pa, (void)f;
	xr_string(b, reload_current()->cf_identifier);
	return R_VALUE;
}

static enum result
m_state(struct call *rc, const struct xr_value *pa, struct xr_buf *b,
    struct fault *f)
{
	bool down = process_shutting_down();

	(void)rc, (void)pa, (void)f;
	xr_struct_begin(b);
	xr_member_int(b, "statecode", restarting ? 0 : down ? -1 : 1);
	xr_member_string(b, "statename", restarting ? "RESTARTING" : down ?
	    "SHUTDOWN" : "RUNNING");
	xr_struct_end(b);
	return R_VALUE;
}

static enum result
m_pid(struct call *rc, const struct xr_value *pa, struct xr_buf *b,
    struct fault *f)
{
	(void)rc, (void)pa, (void)f;
	xr_int(b, main_pid);
	return R_VALUE;
}

/*
 * options.readFile: length bytes from offset; a negative offset counts
 * from the end (with length 0); length 0 reads to the end (here at most
 * READ_MAX bytes, as memory is bounded).
 */
static enum result
read_file(const char *path, long long offset, long long length,
    struct xr_buf *b, struct fault *f)
{
	struct stat st;
	char *data;
	ssize_t n;
	off_t pos;
	size_t want;
	int fd;

	if ((offset < 0 && length != 0) || length < 0)
		return fault(f, F_BAD_ARGUMENTS, NULL);
	if ((fd = trust_open(path, O_RDONLY | O_NOCTTY, 0, &st)) == -1)
		return fault(f, F_FAILED, NULL);
	if (offset < 0) {
		pos = st.st_size + offset < 0 ? 0 : st.st_size + offset;
		want = (size_t)(st.st_size - pos);
	} else {
		pos = offset;
		want = length == 0 ? (pos < st.st_size ? (size_t)(st.st_size -
		    pos) : 0) : (size_t)length;
	}
	if (want > READ_MAX)
		want = READ_MAX;
	if ((data = malloc(want + 1)) == NULL) {
		close(fd);
		return fault(f, F_FAILED, "out of memory");
	}
	n = want > 0 ? pread(fd, data, want, pos) : 0;
	close(fd);
	if (n < 0) {
		free(data);
		return fault(f, F_FAILED, NULL);
	}
	xr_string_n(b, data, (size_t)n);
	free(data);
	return R_VALUE;
}

static const char *
main_log(void)
{
	const struct config *cf = reload_current();

	return cf->cf_log.lc_dest == LOG_TO_FILE ? cf->cf_log.lc_path : NULL;
}

static enum result
m_read_log(struct call *rc, const struct xr_value *pa, struct xr_buf *b,
    struct fault *f)
{
	const char *path = main_log();
	long long off, len;
	struct stat st;

	(void)rc;
	if (!param_int(pa, 0, &off) || !param_int(pa, 1, &len))
		return fault(f, F_INCORRECT_PARAMETERS, NULL);
	if (path == NULL || stat(path, &st) == -1)
		return fault(f, F_NO_FILE, "%s", path != NULL ? path : "None");
	return read_file(path, off, len, b, f);
}

/* Empties a log file the supervisor writes (O_APPEND: it writes on at
 * the new end). */
static int
truncate_log(const char *path)
{
	struct stat st;
	int fd, r;

	if ((fd = trust_open(path, O_WRONLY | O_NOCTTY, 0, &st)) == -1)
		return errno == ENOENT ? 0 : -1;
	r = ftruncate(fd, 0);
	close(fd);
	return r;
}

static enum result
m_clear_log(struct call *rc, const struct xr_value *pa, struct xr_buf *b,
    struct fault *f)
{
	const char *path = main_log();
	struct stat st;

	(void)rc, (void)pa;
	if (path == NULL || stat(path, &st) == -1)
		return fault(f, F_NO_FILE, NULL);
	if (truncate_log(path) == -1)
		return fault(f, F_FAILED, NULL);
	log_reopen();
	log_info("reopening log file");
	xr_bool(b, true);
	return R_VALUE;
}

static enum result
m_shutdown(struct call *rc, const struct xr_value *pa, struct xr_buf *b,
    struct fault *f)
{
	(void)rc, (void)pa, (void)f;
	xr_bool(b, true);
	if (!process_shutting_down())
		shutdown_fn("shutdown requested over XML-RPC");
	return R_VALUE;
}

/*
 * restart: as supervisord's, everything stops, the config is read
 * again, and the programs start on it; the supervisor itself (its pid,
 * its sockets) stays.
 */
static enum result
m_restart(struct call *rc, const struct xr_value *pa, struct xr_buf *b,
    struct fault *f)
{
	size_t i, n = proctable_count();

	(void)rc, (void)pa, (void)f;
	xr_bool(b, true);
	if (restarting)
		return R_VALUE;
	log_info("restart requested over XML-RPC: stopping everything");
	restarting = true;
	for (i = 0; i < n; i++)
		if (!process_is_down(proctable_get(i)))
			process_stop(proctable_get(i));
	ev_timer_stop(loop, &poll_timer);
	ev_timer_set(&poll_timer, 0, POLL_INTERVAL);
	ev_timer_start(loop, &poll_timer);
	return R_VALUE;
}

/* A group of cf's: its processes' names (in order), or 0 when none. */
static size_t
staged_group_count(const struct config *cf, const char *group)
{
	size_t i, n = 0;

	for (i = 0; i < cf->cf_nprograms; i++)
		if (strcmp(cf->cf_programs[i]->pg_group, group) == 0)
			n += (size_t)cf->cf_programs[i]->pg_numprocs;
	return n;
}

/* Is the running group the same as cf's: same processes, same
 * settings? */
static bool
group_same(const struct config *cf, const char *group)
{
	size_t i, n = proctable_count(), running = 0;
	const struct program_config *pg;
	struct process *p;
	int j;
	bool found;

	for (i = 0; i < n; i++) {
		p = proctable_get(i);
		if (!!p->p_retired || strcmp(process_group(p), group) != 0)
			continue;
		running++;
		found = false;
		for (j = 0; (size_t)j < cf->cf_nprograms && !found; j++) {
			int k;

			pg = cf->cf_programs[j];
			for (k = 0; k < pg->pg_numprocs && !found; k++)
				if (strcmp(pg->pg_procs[k].pcf_name,
				    p->p_name) == 0) {
					if (strcmp(pg->pg_group, group) != 0 ||
					    !config_process_same(p->p_program,
					    p->p_config, pg, &pg->pg_procs[k]))
						return false;
					found = true;
				}
		}
		if (!found)
			return false;
	}
	return running == staged_group_count(cf, group);
}

/* Adds name to a list of names unless it is there. */
static void
names_add(char ***v, const char *name)
{
	size_t i;

	for (i = 0; (*v)[i] != NULL; i++)
		if (strcmp((*v)[i], name) == 0)
			return;
	(void)strv_push(v, name);
}

static void
names_write(struct xr_buf *b, char **v)
{
	size_t i;

	xr_array_begin(b);
	for (i = 0; v[i] != NULL; i++)
		xr_string(b, v[i]);
	xr_array_end(b);
}

/*
 * reloadConfig: the file read again, compared group by group with what
 * runs, nothing applied: [[added, changed, removed]].  The config read
 * is kept for addProcessGroup.
 */
static enum result
m_reload_config(struct call *rc, const struct xr_value *pa, struct xr_buf *b,
    struct fault *f)
{
	struct config_msgs msgs;
	struct config *cf;
	char **added = strv_new(), **changed = strv_new(),
	    **removed = strv_new();
	size_t i, n;
	const char *g;

	(void)rc, (void)pa;
	cf = config_load_after(reload_current()->cf_file, &msgs,
	    reload_current());
	if (cf == NULL) {
		fault(f, F_CANT_REREAD, "%s", msgs.cm_count > 0 ?
		    msgs.cm_list[0].cm_text : "cannot read the config file");
		config_msgs_free(&msgs);
		strv_free(added);
		strv_free(changed);
		strv_free(removed);
		return R_FAULT;
	}
	config_msgs_free(&msgs);
	config_free(staged);
	staged = cf;
	for (i = 0; i < cf->cf_nprograms; i++) {
		g = cf->cf_programs[i]->pg_group;
		if (!proctable_has_group(g))
			names_add(&added, g);
		else if (!group_same(cf, g))
			names_add(&changed, g);
	}
	n = proctable_count();
	for (i = 0; i < n; i++) {
		if (!!proctable_get(i)->p_retired)
			continue;
		g = process_group(proctable_get(i));
		if (staged_group_count(cf, g) == 0)
			names_add(&removed, g);
	}
	xr_array_begin(b);
	xr_array_begin(b);
	names_write(b, added);
	names_write(b, changed);
	names_write(b, removed);
	xr_array_end(b);
	xr_array_end(b);
	strv_free(added);
	strv_free(changed);
	strv_free(removed);
	return R_VALUE;
}

/*
 * addProcessGroup: a group of the config reloadConfig read, applied
 * alone, as supervisord's: its processes added (or changed, or gone
 * from it), every other group left as it runs.
 */
static enum result
m_add_group(struct call *rc, const struct xr_value *pa, struct xr_buf *b,
    struct fault *f)
{
	struct reload_result r;
	const char *name;

	(void)rc;
	if (!param_string(pa, 0, &name))
		return fault(f, F_INCORRECT_PARAMETERS, NULL);
	if (staged == NULL)
		staged = config_ref(reload_current());
	if (staged_group_count(staged, name) == 0)
		return fault(f, F_BAD_NAME, "%s", name);
	if (proctable_has_group(name) && group_same(staged, name))
		return fault(f, F_ALREADY_ADDED, "%s", name);
	reload_run_group("addProcessGroup", name, &r);
	if (r.rr_refused != NULL) {
		fault(f, F_CANT_REREAD, "%s", r.rr_refused);
		reload_result_free(&r);
		return R_FAULT;
	}
	reload_result_free(&r);
	xr_bool(b, true);
	return R_VALUE;
}

/*
 * removeProcessGroup: a group whose processes are all stopped leaves the
 * table (a later reload adds it back if the config still has it).
 */
static enum result
m_remove_group(struct call *rc, const struct xr_value *pa, struct xr_buf *b,
    struct fault *f)
{
	size_t i, n = proctable_count();
	const char *name;
	struct process *p;

	(void)rc;
	if (!param_string(pa, 0, &name))
		return fault(f, F_INCORRECT_PARAMETERS, NULL);
	if (!proctable_has_group(name))
		return fault(f, F_BAD_NAME, "%s", name);
	for (i = 0; i < n; i++) {
		p = proctable_get(i);
		if (in_scope(p, name) && !process_is_down(p))
			return fault(f, F_STILL_RUNNING, "%s", name);
	}
	for (i = 0; i < n; i++) {
		p = proctable_get(i);
		if (in_scope(p, name))
			proctable_retire(p);
	}
	log_info("removed process group %s", name);
	xr_bool(b, true);
	return R_VALUE;
}

static enum result
m_start(struct call *rc, const struct xr_value *pa, struct xr_buf *b,
    struct fault *f)
{
	return one_op(rc, pa, TK_START, b, f);
}

static enum result
m_stop(struct call *rc, const struct xr_value *pa, struct xr_buf *b,
    struct fault *f)
{
	return one_op(rc, pa, TK_STOP, b, f);
}

static enum result
group_op(struct call *rc, const struct xr_value *pa, enum target_kind kind,
    struct xr_buf *b, struct fault *f)
{
	const char *name;

	if (!param_string(pa, 0, &name))
		return fault(f, F_INCORRECT_PARAMETERS, NULL);
	if (!proctable_has_group(name))
		return fault(f, F_BAD_NAME, "%s", name);
	return all_op(rc, name, kind, param_bool(pa, 1, true), b, f);
}

static enum result
m_start_group(struct call *rc, const struct xr_value *pa, struct xr_buf *b,
    struct fault *f)
{
	return group_op(rc, pa, TK_START, b, f);
}

static enum result
m_stop_group(struct call *rc, const struct xr_value *pa, struct xr_buf *b,
    struct fault *f)
{
	return group_op(rc, pa, TK_STOP, b, f);
}

static enum result
m_start_all(struct call *rc, const struct xr_value *pa, struct xr_buf *b,
    struct fault *f)
{
	return all_op(rc, NULL, TK_START, param_bool(pa, 0, true), b, f);
}

static enum result
m_stop_all(struct call *rc, const struct xr_value *pa, struct xr_buf *b,
    struct fault *f)
{
	return all_op(rc, NULL, TK_STOP, param_bool(pa, 0, true), b, f);
}

/* signal_number: a name (HUP, SIGHUP) or a number. */
static bool
signal_param(const struct xr_value *pa, size_t i, int *sig, char *text,
    size_t len)
{
	const struct xr_value *v = pa->xv_items[i];

	if (v->xv_type == XR_INT) {
		snprintf(text, len, "%lld", v->xv_int);
		*sig = (int)v->xv_int;
		return v->xv_int > 0 && v->xv_int < NSIG;
	}
	if (v->xv_type != XR_STRING)
		return false;
	snprintf(text, len, "%s", v->xv_str);
	return parse_signal(v->xv_str, sig) == 0;
}

static enum result
signal_one(struct process *p, int sig, struct fault *f)
{
	char spec[512];

	spec_of(p, spec, sizeof(spec));
	if (!is_signallable(p))
		return fault(f, F_NOT_RUNNING, "%s", spec);
	if (!process_signal(p, sig))
		return fault(f, F_FAILED, "%s", spec);
	return R_VALUE;
}

static enum result
signal_scope(const char *group, int sig, struct xr_buf *b, struct fault *f)
{
	size_t i, n = proctable_count();
	struct process *p;
	struct wait *w;
	struct fault one;

	if ((w = wait_new(true, n)) == NULL)
		return fault(f, F_FAILED, "out of memory");
	for (i = 0; i < n; i++) {
		p = proctable_get(i);
		if (!in_scope(p, group) || !is_signallable(p))
			continue;
		if (signal_one(p, sig, &one) == R_VALUE)
			(void)wait_add(w, p, TK_STOP, F_SUCCESS, NULL);
		else
			(void)wait_add(w, p, TK_STOP, one.f_code, one.f_text);
	}
	write_statuses(b, w);
	wait_free(w);
	return R_VALUE;
}

static enum result
m_signal(struct call *rc, const struct xr_value *pa, struct xr_buf *b,
    struct fault *f)
{
	const char *name;
	char group[256], text[64];
	struct process *p;
	bool whole;
	int sig;

	(void)rc;
	if (!param_string(pa, 0, &name))
		return fault(f, F_INCORRECT_PARAMETERS, NULL);
	if ((p = find(name, &whole, group, sizeof(group), f)) == NULL &&
	    !whole)
		return R_FAULT;
	if (!signal_param(pa, 1, &sig, text, sizeof(text)))
		return fault(f, F_BAD_SIGNAL, "%s", text);
	if (p == NULL)
		return signal_scope(group, sig, b, f);
	if (signal_one(p, sig, f) == R_FAULT)
		return R_FAULT;
	xr_bool(b, true);
	return R_VALUE;
}

static enum result
m_signal_group(struct call *rc, const struct xr_value *pa, struct xr_buf *b,
    struct fault *f)
{
	const char *name;
	char text[64];
	int sig;

	(void)rc;
	if (!param_string(pa, 0, &name))
		return fault(f, F_INCORRECT_PARAMETERS, NULL);
	if (!proctable_has_group(name))
		return fault(f, F_BAD_NAME, "%s", name);
	if (!signal_param(pa, 1, &sig, text, sizeof(text)))
		return fault(f, F_BAD_SIGNAL, "%s", text);
	return signal_scope(name, sig, b, f);
}

static enum result
m_signal_all(struct call *rc, const struct xr_value *pa, struct xr_buf *b,
    struct fault *f)
{
	char text[64];
	int sig;

	(void)rc;
	if (!signal_param(pa, 0, &sig, text, sizeof(text)))
		return fault(f, F_BAD_SIGNAL, "%s", text);
	return signal_scope(NULL, sig, b, f);
}

static enum result
m_process_info(struct call *rc, const struct xr_value *pa, struct xr_buf *b,
    struct fault *f)
{
	struct process *p;

	(void)rc;
	if ((p = named_process(pa, f)) == NULL)
		return R_FAULT;
	process_info(b, p);
	return R_VALUE;
}

static int
by_group_then_name(const void *a, const void *b)
{
	const struct process *pa = *(struct process *const *)a;
	const struct process *pb = *(struct process *const *)b;
	int c = strcmp(process_group(pa), process_group(pb));

	return c != 0 ? c : strcmp(pa->p_name, pb->p_name);
}

/* Every process, sorted by group then name (lexical, as supervisord). */
static enum result
m_all_process_info(struct call *rc, const struct xr_value *pa,
    struct xr_buf *b, struct fault *f)
{
	size_t i, k = 0, n = proctable_count();
	struct process **v;

	(void)rc, (void)pa;
	if ((v = calloc(n + 1, sizeof(*v))) == NULL)
		return fault(f, F_FAILED, "out of memory");
	for (i = 0; i < n; i++)
		if (!proctable_get(i)->p_retired)
			v[k++] = proctable_get(i);
	qsort(v, k, sizeof(*v), by_group_then_name);
	xr_array_begin(b);
	for (i = 0; i < k; i++)
		process_info(b, v[i]);
	xr_array_end(b);
	free(v);
	return R_VALUE;
}

struct config_row {
	const struct program_config	*cr_pg;
	const struct proc_config	*cr_pc;
};

static int
row_by_name(const void *a, const void *b)
{
	return strcmp(((const struct config_row *)a)->cr_pc->pcf_name,
	    ((const struct config_row *)b)->cr_pc->pcf_name);
}

static void
member_log(struct xr_buf *b, const char *key, const struct log_config *lc)
{
	if (lc->lc_auto)
		xr_member_string(b, key, "auto");
	else if (lc->lc_dest == LOG_TO_FILE && lc->lc_path != NULL)
		xr_member_string(b, key, lc->lc_path);
	else if (lc->lc_dest == LOG_TO_STDOUT)
		xr_member_string(b, key, "/dev/stdout");
	else if (lc->lc_dest == LOG_TO_STDERR)
		xr_member_string(b, key, "/dev/stderr");
	else
		xr_member_string(b, key, "none");
}

static void
config_row(struct xr_buf *b, const struct config_row *r)
{
	const struct program_config *pg = r->cr_pg;
	const struct proc_config *pc = r->cr_pc;
	char *command = NULL, *nc;
	size_t i, len = 0, wl;

	for (i = 0; pc->pcf_argv[i] != NULL; i++) {
		wl = strlen(pc->pcf_argv[i]);
		if ((nc = realloc(command, len + wl + 2)) == NULL)
			break;
		command = nc;
		if (len > 0)
			command[len++] = ' ';
		memcpy(command + len, pc->pcf_argv[i], wl + 1);
		len += wl;
	}
	xr_struct_begin(b);
	xr_member_bool(b, "autostart", pg->pg_autostart);
	xr_member_string(b, "directory", pc->pcf_directory != NULL ?
	    pc->pcf_directory : "none");
	if (pg->pg_uid >= 0)
		xr_member_int(b, "uid", pg->pg_uid);
	else
		xr_member_string(b, "uid", "none");
	xr_member_string(b, "command", command != NULL ? command : "");
	free(command);
	xr_member(b, "exitcodes");
	xr_array_begin(b);
	for (i = 0; i < 256; i++)
		if (exit_set_has(&pg->pg_exitcodes, i))
			xr_int(b, (long long)i);
	xr_array_end(b);
	xr_member_end(b);
	xr_member_string(b, "group", pg->pg_group);
	xr_member_int(b, "group_prio", pg->pg_group_priority);
	xr_member_bool(b, "inuse", proctable_has_group(pg->pg_group));
	xr_member_bool(b, "killasgroup", pg->pg_killasgroup);
	xr_member_string(b, "name", pc->pcf_name);
	xr_member_int(b, "process_prio", pg->pg_priority);
	xr_member_bool(b, "redirect_stderr", pg->pg_redirect_stderr);
	xr_member_int(b, "startretries", pg->pg_startretries);
	xr_member_int(b, "startsecs", (long long)pg->pg_startsecs);
	xr_member_int(b, "stdout_capture_maxbytes", 0);
	xr_member_bool(b, "stdout_events_enabled", false);
	member_log(b, "stdout_logfile", &pc->pcf_log[OUT_STDOUT]);
	xr_member_int(b, "stdout_logfile_backups",
	    pg->pg_log_backups[OUT_STDOUT]);
	xr_member_int(b, "stdout_logfile_maxbytes",
	    pg->pg_log_maxbytes[OUT_STDOUT]);
	xr_member_bool(b, "stdout_syslog", false);
	xr_member_int(b, "stopsignal", pg->pg_stopsignal);
	xr_member_int(b, "stopwaitsecs", (long long)pg->pg_stopwaitsecs);
	xr_member_int(b, "stderr_capture_maxbytes", 0);
	xr_member_bool(b, "stderr_events_enabled", false);
	member_log(b, "stderr_logfile", &pc->pcf_log[OUT_STDERR]);
	xr_member_int(b, "stderr_logfile_backups",
	    pg->pg_log_backups[OUT_STDERR]);
	xr_member_int(b, "stderr_logfile_maxbytes",
	    pg->pg_log_maxbytes[OUT_STDERR]);
	xr_member_bool(b, "stderr_syslog", false);
	xr_member_string(b, "serverurl", "auto");
	xr_struct_end(b);
}

/* Every process of the config (reloadConfig's, once read), by name. */
static enum result
m_all_config_info(struct call *rc, const struct xr_value *pa,
    struct xr_buf *b, struct fault *f)
{
	const struct config *cf = staged != NULL ? staged : reload_current();
	struct config_row *rows;
	size_t i, n = 0, k = 0;
	int j;

	(void)rc, (void)pa;
	for (i = 0; i < cf->cf_nprograms; i++)
		n += (size_t)cf->cf_programs[i]->pg_numprocs;
	if ((rows = calloc(n + 1, sizeof(*rows))) == NULL)
		return fault(f, F_FAILED, "out of memory");
	for (i = 0; i < cf->cf_nprograms; i++)
		for (j = 0; j < cf->cf_programs[i]->pg_numprocs; j++) {
			rows[k].cr_pg = cf->cf_programs[i];
			rows[k++].cr_pc = &cf->cf_programs[i]->pg_procs[j];
		}
	qsort(rows, k, sizeof(*rows), row_by_name);
	xr_array_begin(b);
	for (i = 0; i < k; i++)
		config_row(b, &rows[i]);
	xr_array_end(b);
	free(rows);
	return R_VALUE;
}

/* The process a log method names; its log file's path (NULL: none). */
static struct process *
log_target(const struct xr_value *pa, int stream, const char **path,
    struct fault *f)
{
	struct process *p;

	if ((p = named_process(pa, f)) == NULL)
		return NULL;
	*path = process_log_path(p, stream);
	if (stream == OUT_STDERR && p->p_config->pcf_stderr_joined)
		*path = NULL;
	return p;
}

static enum result
read_process_log(const struct xr_value *pa, int stream, struct xr_buf *b,
    struct fault *f)
{
	const char *path;
	long long off, len;
	struct stat st;

	if (log_target(pa, stream, &path, f) == NULL)
		return R_FAULT;
	if (!param_int(pa, 1, &off) || !param_int(pa, 2, &len))
		return fault(f, F_INCORRECT_PARAMETERS, NULL);
	if (path == NULL || stat(path, &st) == -1)
		return fault(f, F_NO_FILE, "%s", path != NULL ? path : "None");
	return read_file(path, off, len, b, f);
}

static enum result
m_read_stdout(struct call *rc, const struct xr_value *pa, struct xr_buf *b,
    struct fault *f)
{
	(void)rc;
	return read_process_log(pa, OUT_STDOUT, b, f);
}

static enum result
m_read_stderr(struct call *rc, const struct xr_value *pa, struct xr_buf *b,
    struct fault *f)
{
	(void)rc;
	return read_process_log(pa, OUT_STDERR, b, f);
}

/* options.tailFile: [bytes, offset, overflow]. */
static enum result
tail_process_log(const struct xr_value *pa, int stream, struct xr_buf *b,
    struct fault *f)
{
	const char *path;
	long long off, len, sz;
	bool overflow = false;
	struct stat st;
	char *data = NULL;
	ssize_t n = 0;
	int fd;

	if (log_target(pa, stream, &path, f) == NULL)
		return R_FAULT;
	if (!param_int(pa, 1, &off) || !param_int(pa, 2, &len))
		return fault(f, F_INCORRECT_PARAMETERS, NULL);
	if (len > READ_MAX)
		len = READ_MAX;
	if (path == NULL || (fd = trust_open(path, O_RDONLY | O_NOCTTY, 0,
	    &st)) == -1) {
		xr_array_begin(b);
		xr_string(b, "");
		xr_int(b, path == NULL || errno == ENOENT ? 0 : off);
		xr_bool(b, false);
		xr_array_end(b);
		return R_VALUE;
	}
	sz = st.st_size;
	if (sz > off + len) {
		overflow = true;
		off = sz - 1;
	}
	if (off + len > sz) {
		if (off > sz - 1)
			len = 0;
		off = sz - len;
	}
	if (off < 0)
		off = 0;
	if (len < 0)
		len = 0;
	if (len > 0 && (data = malloc((size_t)len)) != NULL)
		n = pread(fd, data, (size_t)len, off);
	close(fd);
	xr_array_begin(b);
	xr_string_n(b, data != NULL && n > 0 ? data : "", n > 0 ? (size_t)n :
	    0);
	xr_int(b, sz);
	xr_bool(b, overflow);
	xr_array_end(b);
	free(data);
	return R_VALUE;
}

static enum result
m_tail_stdout(struct call *rc, const struct xr_value *pa, struct xr_buf *b,
    struct fault *f)
{
	(void)rc;
	return tail_process_log(pa, OUT_STDOUT, b, f);
}

static enum result
m_tail_stderr(struct call *rc, const struct xr_value *pa, struct xr_buf *b,
    struct fault *f)
{
	(void)rc;
	return tail_process_log(pa, OUT_STDERR, b, f);
}

/* removelogs: its log files emptied, then reopened. */
static int
clear_logs(struct process *p)
{
	const char *path;
	int s, r = 0;

	for (s = OUT_STDOUT; s <= OUT_STDERR; s++)
		if ((path = process_log_path(p, s)) != NULL &&
		    truncate_log(path) == -1)
			r = -1;
	process_reopen_logs(p);
	return r;
}

static enum result
m_clear_process_logs(struct call *rc, const struct xr_value *pa,
    struct xr_buf *b, struct fault *f)
{
	struct process *p;

	(void)rc;
	if ((p = named_process(pa, f)) == NULL)
		return R_FAULT;
	if (clear_logs(p) == -1)
		return fault(f, F_FAILED, "%s", p->p_name);
	xr_bool(b, true);
	return R_VALUE;
}

static enum result
m_clear_all_logs(struct call *rc, const struct xr_value *pa,
    struct xr_buf *b, struct fault *f)
{
	size_t i, n = proctable_count();
	struct process *p;
	struct wait *w;
	char spec[512];

	(void)rc, (void)pa;
	if ((w = wait_new(true, n)) == NULL)
		return fault(f, F_FAILED, "out of memory");
	for (i = 0; i < n; i++) {
		p = proctable_get(i);
		if (!!p->p_retired)
			continue;
		spec_of(p, spec, sizeof(spec));
		if (clear_logs(p) == 0)
			(void)wait_add(w, p, TK_STOP, F_SUCCESS, NULL);
		else {
			char text[600];

			snprintf(text, sizeof(text), "FAILED: %s", spec);
			(void)wait_add(w, p, TK_STOP, F_FAILED, text);
		}
	}
	write_statuses(b, w);
	wait_free(w);
	return R_VALUE;
}

/*
 * sendProcessStdin: CHARS written to the process's stdin pipe, at once
 * (its write end is non-blocking): NO_FILE when the program closed its
 * stdin, as supervisord's; FAILED when the pipe cannot take them all
 * (supervisord would queue them without a bound).
 */
static enum result
m_send_stdin(struct call *rc, const struct xr_value *pa, struct xr_buf *b,
    struct fault *f)
{
	const char *name, *chars;
	struct process *p;
	size_t len;
	ssize_t n;
	int fd;

	(void)rc;
	if (!param_string(pa, 1, &chars))
		return fault(f, F_INCORRECT_PARAMETERS, NULL);
	len = pa->xv_items[1]->xv_len;
	if ((p = named_process(pa, f)) == NULL)
		return R_FAULT;
	name = pa->xv_items[0]->xv_str;
	if (p->p_pid == 0 || p->p_state == PROC_STOPPING)
		return fault(f, F_NOT_RUNNING, "%s", name);
	if ((fd = process_stdin(p)) == -1)
		return fault(f, F_NO_FILE, "%s", name);
	do
		n = write(fd, chars, len);
	while (n == -1 && errno == EINTR);
	if (n == -1 && errno == EPIPE)
		return fault(f, F_NO_FILE, "%s", name);
	if (n == -1 && errno != EAGAIN)
		return fault(f, F_FAILED, "%s: %s", name, strerror(errno));
	if (n < (ssize_t)len)
		return fault(f, F_FAILED, "%s: its stdin took %zd of %zu bytes "
		    "(the pipe is full)", name, n < 0 ? 0 : n, len);
	xr_bool(b, true);
	return R_VALUE;
}

static enum result
m_remote_comm(struct call *rc, const struct xr_value *pa, struct xr_buf *b,
    struct fault *f)
{
	const char *type, *data;

	(void)rc;
	if (!param_string(pa, 0, &type) || !param_string(pa, 1, &data))
		return fault(f, F_INCORRECT_PARAMETERS, NULL);
	if (remote_comm != NULL)
		remote_comm(type, data);
	xr_bool(b, true);
	return R_VALUE;
}

/* ---- system. ------------------------------------------------------------ */

static enum result
m_list_methods(struct call *rc, const struct xr_value *pa, struct xr_buf *b,
    struct fault *f)
{
	size_t i;

	(void)rc, (void)pa, (void)f;
	xr_array_begin(b);
	for (i = 0; method_at(i) != NULL; i++)	/* the table is sorted */
		xr_string(b, method_at(i)->m_name);
	xr_array_end(b);
	return R_VALUE;
}

static enum result
m_method_help(struct call *rc, const struct xr_value *pa, struct xr_buf *b,
    struct fault *f)
{
	const struct method *m;
	const char *name;

	(void)rc;
	if (!param_string(pa, 0, &name))
		return fault(f, F_INCORRECT_PARAMETERS, NULL);
	if ((m = method_find(name)) == NULL)
		return fault(f, F_SIGNATURE_UNSUPPORTED, NULL);
	xr_string(b, m->m_help);
	return R_VALUE;
}

static enum result
m_method_signature(struct call *rc, const struct xr_value *pa,
    struct xr_buf *b, struct fault *f)
{
	const struct method *m;
	const char *name, *w;
	size_t len;

	(void)rc;
	if (!param_string(pa, 0, &name))
		return fault(f, F_INCORRECT_PARAMETERS, NULL);
	if ((m = method_find(name)) == NULL)
		return fault(f, F_SIGNATURE_UNSUPPORTED, NULL);
	xr_array_begin(b);
	for (w = m->m_sig; *w != '\0'; w += len) {
		w += strspn(w, " ");
		len = strcspn(w, " ");
		if (len == 0)
			break;
		{
			char word[32];

			snprintf(word, sizeof(word), "%.*s", (int)len, w);
			xr_string(b, word);
		}
	}
	xr_array_end(b);
	return R_VALUE;
}

/* system.multicall is run by the call itself (call_go_on). */
static enum result
m_multicall(struct call *rc, const struct xr_value *pa, struct xr_buf *b,
    struct fault *f)
{
	(void)rc, (void)pa, (void)b;
	return fault(f, F_INCORRECT_PARAMETERS, NULL);
}

#define H(s)	s
static const struct method methods_table[] = {
	{ "supervisor.addProcessGroup", m_add_group, 1, 1,
	    "boolean string", H("Add the group NAME of the configuration "
	    "reloadConfig read.\n@param string name\n@return boolean result"),
	    false },
	{ "supervisor.clearAllProcessLogs", m_clear_all_logs, 0, 0, "array",
	    H("Empty every process's log files.\n@return array result"),
	    false },
	{ "supervisor.clearLog", m_clear_log, 0, 0, "boolean",
	    H("Empty the supervisor's log file.\n@return boolean result"),
	    false },
	{ "supervisor.clearProcessLog", m_clear_process_logs, 1, 1,
	    "boolean string", H("Alias of clearProcessLogs.\n@param string "
	    "name\n@return boolean result"), false },
	{ "supervisor.clearProcessLogs", m_clear_process_logs, 1, 1,
	    "boolean string", H("Empty a process's stdout and stderr log "
	    "files and reopen them.\n@param string name\n@return boolean "
	    "result"), false },
	{ "supervisor.getAPIVersion", m_api_version, 0, 0, "string",
	    H("The version of the XML-RPC API (3.0).\n@return string "
	    "version"), false },
	{ "supervisor.getAllConfigInfo", m_all_config_info, 0, 0, "array",
	    H("A struct for each process of the configuration.\n@return "
	    "array result"), false },
	{ "supervisor.getAllProcessInfo", m_all_process_info, 0, 0, "array",
	    H("getProcessInfo of every process, by group then name.\n"
	    "@return array result"), false },
	{ "supervisor.getIdentification", m_identification, 0, 0, "string",
	    H("The identifier= of [supervisord].\n@return string "
	    "identifier"), false },
	{ "supervisor.getPID", m_pid, 0, 0, "int",
	    H("The supervisor's pid.\n@return int PID"), false },
	{ "supervisor.getProcessInfo", m_process_info, 1, 1, "struct string",
	    H("The state of the process NAME.\n@param string name\n@return "
	    "struct result"), false },
	{ "supervisor.getState", m_state, 0, 0, "struct",
	    H("The supervisor's state.\n@return struct result"), false },
	{ "supervisor.getSupervisorVersion", m_supervisor_version, 0, 0,
	    "string", H("This supervisor's version.\n@return string "
	    "version"), false },
	{ "supervisor.getVersion", m_api_version, 0, 0, "string",
	    H("Alias of getAPIVersion.\n@return string version"), false },
	{ "supervisor.readLog", m_read_log, 2, 2, "string int int",
	    H("LENGTH bytes of the supervisor's log from OFFSET.\n@param int "
	    "offset\n@param int length\n@return string result"), false },
	{ "supervisor.readMainLog", m_read_log, 2, 2, "string int int",
	    H("Alias of readLog.\n@param int offset\n@param int length\n"
	    "@return string result"), false },
	{ "supervisor.readProcessLog", m_read_stdout, 3, 3,
	    "string string int int", H("Alias of readProcessStdoutLog.\n"
	    "@param string name\n@param int offset\n@param int length\n"
	    "@return string result"), false },
	{ "supervisor.readProcessStderrLog", m_read_stderr, 3, 3,
	    "string string int int", H("LENGTH bytes of a process's stderr "
	    "log from OFFSET.\n@param string name\n@param int offset\n"
	    "@param int length\n@return string result"), false },
	{ "supervisor.readProcessStdoutLog", m_read_stdout, 3, 3,
	    "string string int int", H("LENGTH bytes of a process's stdout "
	    "log from OFFSET.\n@param string name\n@param int offset\n"
	    "@param int length\n@return string result"), false },
	{ "supervisor.reloadConfig", m_reload_config, 0, 0, "array",
	    H("Read the configuration again; say which groups it adds, "
	    "changes and removes.\n@return array result"), false },
	{ "supervisor.removeProcessGroup", m_remove_group, 1, 1,
	    "boolean string", H("Remove a stopped group.\n@param string "
	    "name\n@return boolean result"), false },
	{ "supervisor.restart", m_restart, 0, 0, "boolean",
	    H("Stop everything, read the configuration again, start.\n"
	    "@return boolean result"), false },
	{ "supervisor.sendProcessStdin", m_send_stdin, 2, 2,
	    "boolean string string", H("Write CHARS to a process's stdin.\n"
	    "@param string name\n@param string chars\n@return boolean "
	    "result"), false },
	{ "supervisor.sendRemoteCommEvent", m_remote_comm, 2, 2,
	    "boolean string string", H("Send a REMOTE_COMMUNICATION event.\n"
	    "@param string type\n@param string data\n@return boolean "
	    "result"), true },
	{ "supervisor.shutdown", m_shutdown, 0, 0, "boolean",
	    H("Stop everything and exit.\n@return boolean result"), false },
	{ "supervisor.signalAllProcesses", m_signal_all, 1, 1, "array string",
	    H("Send a signal to every process.\n@param string signal\n"
	    "@return array result"), false },
	{ "supervisor.signalProcess", m_signal, 2, 2, "boolean string string",
	    H("Send a signal to a process.\n@param string name\n@param "
	    "string signal\n@return boolean result"), false },
	{ "supervisor.signalProcessGroup", m_signal_group, 2, 2,
	    "array string string", H("Send a signal to a group's processes.\n"
	    "@param string name\n@param string signal\n@return array "
	    "result"), false },
	{ "supervisor.startAllProcesses", m_start_all, 0, 1, "array boolean",
	    H("Start every process.\n@param boolean wait\n@return array "
	    "result"), false },
	{ "supervisor.startProcess", m_start, 1, 2, "boolean string boolean",
	    H("Start a process; with wait, until it is RUNNING.\n@param "
	    "string name\n@param boolean wait\n@return boolean result"),
	    false },
	{ "supervisor.startProcessGroup", m_start_group, 1, 2,
	    "array string boolean", H("Start a group's processes.\n@param "
	    "string name\n@param boolean wait\n@return array result"),
	    false },
	{ "supervisor.stopAllProcesses", m_stop_all, 0, 1, "array boolean",
	    H("Stop every process.\n@param boolean wait\n@return array "
	    "result"), false },
	{ "supervisor.stopProcess", m_stop, 1, 2, "boolean string boolean",
	    H("Stop a process; with wait, until its tree is gone.\n@param "
	    "string name\n@param boolean wait\n@return boolean result"),
	    false },
	{ "supervisor.stopProcessGroup", m_stop_group, 1, 2,
	    "array string boolean", H("Stop a group's processes.\n@param "
	    "string name\n@param boolean wait\n@return array result"),
	    false },
	{ "supervisor.tailProcessLog", m_tail_stdout, 3, 3,
	    "array string int int", H("Alias of tailProcessStdoutLog.\n"
	    "@param string name\n@param int offset\n@param int length\n"
	    "@return array result"), false },
	{ "supervisor.tailProcessStderrLog", m_tail_stderr, 3, 3,
	    "array string int int", H("The end of a process's stderr log: "
	    "[bytes, offset, overflow].\n@param string name\n@param int "
	    "offset\n@param int length\n@return array result"), false },
	{ "supervisor.tailProcessStdoutLog", m_tail_stdout, 3, 3,
	    "array string int int", H("The end of a process's stdout log: "
	    "[bytes, offset, overflow].\n@param string name\n@param int "
	    "offset\n@param int length\n@return array result"), false },
	{ "system.listMethods", m_list_methods, 0, 0, "array",
	    H("The methods' names.\n@return array result"), true },
	{ "system.methodHelp", m_method_help, 1, 1, "string string",
	    H("A method's documentation.\n@param string name\n@return "
	    "string result"), true },
	{ "system.methodSignature", m_method_signature, 1, 1, "array string",
	    H("A method's return and parameter types.\n@param string name\n"
	    "@return array result"), true },
	{ "system.multicall", m_multicall, 1, 1, "array array",
	    H("Calls in order: {'methodName': string, 'params': array} each; "
	    "a result or {'faultCode', 'faultString'} each.\n@param array "
	    "calls\n@return array result"), true },
};
#undef H
static const struct method *const methods_end =
    methods_table + sizeof(methods_table) / sizeof(methods_table[0]);

static const struct method *
method_at(size_t i)
{
	return methods_table + i < methods_end ? &methods_table[i] : NULL;
}

static const struct method *
method_find(const char *name)
{
	const struct method *m;

	for (m = methods_table; m < methods_end; m++)
		if (strcmp(m->m_name, name) == 0)
			return m;
	return NULL;
}

/* ---- calls -------------------------------------------------------------- */

/* Does the method change nothing (allowed on a readonly listener)? */
static bool
reads_only(const char *name)
{
	return strncmp(name, "system.", 7) == 0 ||
	    strncmp(name, "supervisor.get", 14) == 0 ||
	    strncmp(name, "supervisor.read", 15) == 0 ||
	    strncmp(name, "supervisor.tail", 15) == 0;
}

/* traverse(): a known method with the right number of parameters. */
static enum result
invoke(struct call *rc, const char *name, const struct xr_value *params,
    struct xr_buf *b, struct fault *f)
{
	const struct method *m = method_find(name);

	if (m == NULL)
		return fault(f, F_UNKNOWN_METHOD, NULL);
	if (params->xv_type != XR_ARRAY || (long)params->xv_n < m->m_min ||
	    (long)params->xv_n > m->m_max)
		return fault(f, F_INCORRECT_PARAMETERS, NULL);
	if (!m->m_anytime && process_shutting_down())
		return fault(f, F_SHUTDOWN_STATE, NULL);
	if (rc->rc_client != NULL && control_client_readonly(rc->rc_client) &&
	    !reads_only(name))
		return fault(f, F_FAILED, "read-only: [inet_http_server] "
		    "readonly = true");
	return m->m_fn(rc, params, b, f);
}

static void
call_free(struct call *rc)
{
	struct call **pp;

	for (pp = &calls; *pp != NULL; pp = &(*pp)->rc_next)
		if (*pp == rc) {
			*pp = rc->rc_next;
			break;
		}
	wait_free(rc->rc_wait);
	xr_call_free(&rc->rc_req);
	xr_buf_free(&rc->rc_out);
	free(rc);
}

static void
call_finish(struct call *rc)
{
	static const char nomem[] = "out of memory for the response";

	if (rc->rc_client != NULL) {
		if (rc->rc_out.xb_nomem)
			control_http_respond(rc->rc_client, 500, "text/plain",
			    nomem, sizeof(nomem) - 1);
		else
			control_http_respond(rc->rc_client, 200, "text/xml",
			    rc->rc_out.xb_data, rc->rc_out.xb_len);
	}
	call_free(rc);
}

/* A multicall's fault, as a struct among the results. */
static void
fault_struct(struct xr_buf *b, const struct fault *f)
{
	xr_struct_begin(b);
	xr_member_int(b, "faultCode", f->f_code);
	xr_member_string(b, "faultString", f->f_text);
	xr_struct_end(b);
}

/* The multicall's calls from rc_index on, until one waits. */
static void
multicall_run(struct call *rc)
{
	const struct xr_value *list = rc->rc_req.xc_params->xv_items[0], *one,
	    *name, *params;
	static struct xr_value no_params = { .xv_type = XR_ARRAY };
	struct fault f;
	size_t mark;
	enum result r;

	for (; rc->rc_index < list->xv_n; rc->rc_index++) {
		one = list->xv_items[rc->rc_index];
		name = xr_struct_get(one, "methodName");
		params = xr_struct_get(one, "params");
		if (params == NULL)
			params = &no_params;
		mark = rc->rc_out.xb_len;
		if (name == NULL || name->xv_type != XR_STRING) {
			fault(&f, F_INCORRECT_PARAMETERS, "No methodName");
			r = R_FAULT;
		} else if (strcmp(name->xv_str, "system.multicall") == 0) {
			fault(&f, F_INCORRECT_PARAMETERS, "Recursive "
			    "system.multicall forbidden");
			r = R_FAULT;
		} else
			r = invoke(rc, name->xv_str, params, &rc->rc_out, &f);
		if (r == R_WAIT)
			return;
		if (r == R_FAULT) {
			rc->rc_out.xb_len = mark;
			fault_struct(&rc->rc_out, &f);
		}
	}
	xr_array_end(&rc->rc_out);
	xr_response_end(&rc->rc_out);
	call_finish(rc);
}

/* The result of a single call: its value, or a fault in its place. */
static void
single_done(struct call *rc, enum result r, const struct fault *f)
{
	if (r == R_FAULT) {
		rc->rc_out.xb_len = 0;
		xr_fault(&rc->rc_out, f->f_code, f->f_text);
	} else
		xr_response_end(&rc->rc_out);
	call_finish(rc);
}

/* A waiting call looks again at what it waits for. */
static void
call_go_on(struct call *rc)
{
	struct fault f;
	enum result r;

	if (rc->rc_wait == NULL)
		return;
	if ((r = wait_result(rc->rc_wait, &rc->rc_out, &f)) == R_WAIT)
		return;
	wait_free(rc->rc_wait);
	rc->rc_wait = NULL;
	if (!rc->rc_multi) {
		single_done(rc, r, &f);
		return;
	}
	if (r == R_FAULT)
		fault_struct(&rc->rc_out, &f);
	rc->rc_index++;
	multicall_run(rc);
}

static void
call_start(struct ctl_client *c, struct xr_call *req)
{
	struct call *rc;
	struct fault f;
	enum result r;

	if ((rc = calloc(1, sizeof(*rc))) == NULL) {
		xr_call_free(req);
		control_http_respond(c, 500, "text/plain", "out of memory", 13);
		return;
	}
	rc->rc_client = c;
	rc->rc_req = *req;
	rc->rc_next = calls;
	calls = rc;
	xr_response_begin(&rc->rc_out);
	if (strcmp(req->xc_method, "system.multicall") == 0 &&
	    req->xc_params->xv_n == 1 &&
	    req->xc_params->xv_items[0]->xv_type == XR_ARRAY) {
		rc->rc_multi = true;
		xr_array_begin(&rc->rc_out);
		multicall_run(rc);
		poll_soon();
		return;
	}
	r = invoke(rc, req->xc_method, req->xc_params, &rc->rc_out, &f);
	if (r == R_WAIT) {
		poll_soon();
		return;
	}
	single_done(rc, r, &f);
}

/* ---- the HTTP side ---------------------------------------------------- */

/*
 * One HTTP request (authenticated by control.c): XML-RPC on /RPC2, the
 * log streams, or 404.
 */
void
rpc_http(struct ctl_client *c, const char *method, const char *url,
    const char *body, size_t len)
{
	static const char bad[] = "bad request";
	static const char nf[] = "not found";
	struct xr_call req;
	char why[256];

	if (strncmp(url, "/RPC2", 5) == 0) {
		if (strcmp(method, "POST") != 0) {
			control_http_respond(c, 400, "text/plain", bad,
			    sizeof(bad) - 1);
			return;
		}
		if (xr_decode(body, len, &req, why, sizeof(why)) == -1) {
			log_warnx("XML-RPC request is invalid: %s", why);
			control_http_respond(c, 400, "text/plain", why,
			    strlen(why));
			return;
		}
		call_start(c, &req);
		return;
	}
	if (strncmp(url, "/logtail/", 9) == 0 ||
	    strcmp(url, "/mainlogtail") == 0) {
		if (strcmp(method, "GET") != 0) {
			control_http_respond(c, 400, "text/plain", bad,
			    sizeof(bad) - 1);
			return;
		}
		logtail_http(c, url);
		return;
	}
	control_http_respond(c, 404, "text/plain", nf, sizeof(nf) - 1);
}

/* The client went away: its calls go on unanswered, its streams end. */
void
rpc_client_gone(struct ctl_client *c)
{
	struct call *rc, *next;

	for (rc = calls; rc != NULL; rc = next) {
		next = rc->rc_next;
		if (rc->rc_client == c)
			call_free(rc);
	}
	logtail_client_gone(c);
}

void
rpc_set_remote_comm(void (*fn)(const char *type, const char *data))
{
	remote_comm = fn;
}

void
rpc_init(struct ev_loop *l, pid_t pid, void (*shutdown)(const char *))
{
	logtail_init(l);
	loop = l;
	main_pid = pid;
	shutdown_fn = shutdown;
	ev_timer_init(&poll_timer, poll_cb, 0, POLL_INTERVAL);
	observer.po_changed = state_changed;
	observer.po_removed = process_forgotten;
	process_observe(&observer);
}

void
rpc_free(void)
{
	process_unobserve(&observer);
	while (calls != NULL)
		call_free(calls);
	logtail_free();
	if (loop != NULL)
		ev_timer_stop(loop, &poll_timer);
	config_free(staged);
	staged = NULL;
}
