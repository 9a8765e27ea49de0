/*
 * readiness.c: when a STARTING process with ready= is ready, and whether
 * a RUNNING one stays healthy.  It observes the processes: at a spawn it
 * begins watching (fd:N's pipe, its output's lines for log:, or probes
 * every 10 ms, doubling up to ready_interval; notify waits for READY=1),
 * and tells the state machine
 * process_ready(); once RUNNING, healthcheck= runs every interval and
 * watchdog_sec waits for WATCHDOG=1, and too many failures in a row, or
 * silence, are a process_restart().  The notify socket's datagrams come
 * here, each accepted only from a process of the program's own tree.
 */
#include <errno.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "capture.h"
#include "log.h"
#include "monotime.h"
#include "notifysock.h"
#include "probe.h"
#include "proctable.h"
#include "readiness.h"
#include "strmap.h"
#include "tree.h"

/* The first probe interval, kept for READY_FAST_S after the spawn (a
 * port that opens then is seen within 10 ms), then doubled each time up
 * to ready_interval (a slow one costs few wakeups). */
#define READY_FIRST_INTERVAL	0.01
#define READY_FAST_S		0.1
/* Bytes read from an fd:N pipe in one callback. */
#define FD_READ_MAX		512
/* Bytes of one output line matched against log:REGEX; a longer line is
 * matched on its first ones. */
#define LOG_LINE_MAX		1024

struct watch;

/* One output stream read for log:REGEX, its line so far. */
struct line_tap {
	struct watch	*lt_watch;
	char		 lt_line[LOG_LINE_MAX + 1];
	size_t		 lt_len;
	bool		 lt_skip;	/* the rest of a line too long */
};

/* What is watched for one process. */
struct watch {
	struct process	*w_proc;
	struct probe	 w_ready;	/* tcp, unix, http, exec readiness */
	ev_timer	 w_ready_next;	/* its next try */
	double		 w_interval;	/* and the one after that */
	ev_io		 w_fd_io;	/* fd:N: the pipe's read end */
	struct probe	 w_health;
	ev_timer	 w_health_next;
	int		 w_health_fails; /* in a row */
	bool		 w_health_seen;	/* a check has ended since RUNNING */
	ev_timer	 w_watchdog;
	char		 w_error[PROBE_ERR_MAX]; /* the last probe's failure */
	char		 w_status[128];	/* its last STATUS= */
	unsigned long	 w_health_failed; /* checks failed, all runs */
	double		 w_ready_wait;	/* the last start's, s; -1: none */
	regex_t		 w_regex;	/* log:REGEX, compiled at the spawn */
	bool		 w_regex_set;
	struct line_tap	 w_tap[2];	/* OUT_STDOUT, OUT_STDERR */
};

static struct ev_loop	*loop;
static struct strmap	 watches;	/* p_name -> struct watch */
static struct process_observer observer;
static unsigned long	 refused;	/* datagrams from outside a tree */
static struct readiness_listener *listeners;

/* Sized for readiness_describe's longest: an error and a STATUS=. */
#define DESCRIBED_MAX	(PROBE_ERR_MAX + 192)

static void
watch_stop_ready(struct watch *w)
{
	struct capture_stream *cs;
	int s;

	probe_cancel(&w->w_ready);
	ev_timer_stop(loop, &w->w_ready_next);
	ev_io_stop(loop, &w->w_fd_io);
	for (s = 0; s < 2; s++)
		if ((cs = w->w_proc->p_capture.c_stream[s]) != NULL &&
		    cs->cs_peek_arg == &w->w_tap[s])
			capture_peek(cs, NULL, NULL);
}

static void
watch_stop_health(struct watch *w)
{
	probe_cancel(&w->w_health);
	ev_timer_stop(loop, &w->w_health_next);
	ev_timer_stop(loop, &w->w_watchdog);
}

static void
watch_free(struct watch *w)
{
	watch_stop_ready(w);
	watch_stop_health(w);
	if (w->w_regex_set)
		regfree(&w->w_regex);
	strmap_remove(&watches, w->w_proc->p_name);
	free(w);
}

static void	ready_done(struct probe *, bool, const char *);
static void	health_done(struct probe *, bool, const char *);
static void	ready_next_cb(struct ev_loop *, ev_timer *, int);
static void	health_next_cb(struct ev_loop *, ev_timer *, int);
static void	watchdog_cb(struct ev_loop *, ev_timer *, int);
static void	fd_cb(struct ev_loop *, ev_io *, int);
static void	running_begins(struct watch *);

/* p's watch, if it has one: a question, nothing made. */
static struct watch *
watch_found(const struct process *p)
{
	struct watch *w;

	if (watches.sm_count == 0)	/* no lookup: a status of 10,000 */
		return NULL;
	w = strmap_get(&watches, p->p_name);
	return w != NULL && w->w_proc == p ? w : NULL;
}

static struct watch *
watch_of(struct process *p, bool make)
{
	struct watch *w = strmap_get(&watches, p->p_name);

	if (w != NULL && w->w_proc == p)
		return w;
	if (!make)
		return NULL;
	if (w != NULL || (w = calloc(1, sizeof(*w))) == NULL)
		return NULL;
	if (strmap_put(&watches, p->p_name, w) == -1) {
		free(w);
		return NULL;
	}
	w->w_proc = p;
	w->w_ready_wait = -1;
	probe_setup(&w->w_ready, ready_done, w);
	probe_setup(&w->w_health, health_done, w);
	ev_timer_init(&w->w_ready_next, ready_next_cb, 0, 0);
	w->w_ready_next.data = w;
	ev_timer_init(&w->w_health_next, health_next_cb, 0, 0);
	w->w_health_next.data = w;
	ev_timer_init(&w->w_watchdog, watchdog_cb, 0, 0);
	w->w_watchdog.data = w;
	ev_io_init(&w->w_fd_io, fd_cb, -1, EV_READ);
	w->w_fd_io.data = w;
	return w;
}

/* ---- changes told ---------------------------------------------------- */

/* What readiness_describe said of w's process before a change (before):
 * when the words differ now, the listeners are told. */
static void
tell_if_changed(struct watch *w, const char *before)
{
	char now[DESCRIBED_MAX];
	struct readiness_listener *l, *next;

	readiness_describe(w->w_proc, now, sizeof(now));
	if (strcmp(before, now) == 0)
		return;
	for (l = listeners; l != NULL; l = next) {
		next = l->rl_next;
		l->rl_changed(w->w_proc, l->rl_arg);
	}
}

void
readiness_listen(struct readiness_listener *l)
{
	l->rl_next = listeners;
	listeners = l;
}

void
readiness_unlisten(struct readiness_listener *l)
{
	struct readiness_listener **pp;

	for (pp = &listeners; *pp != NULL; pp = &(*pp)->rl_next)
		if (*pp == l) {
			*pp = l->rl_next;
			return;
		}
}

/* ---- readiness ------------------------------------------------------- */

static void
ready_probe(struct watch *w)
{
	const struct program_config *pg = w->w_proc->p_program;
	double timeout = pg->pg_probes->pp_ready_interval > 1 ?
	    pg->pg_probes->pp_ready_interval : 1;

	probe_run(&w->w_ready, &pg->pg_probes->pp_ready, timeout, pg,
	    w->w_proc->p_config);
}

static void
ready_next_cb(struct ev_loop *l, ev_timer *t, int revents)
{
	(void)l;
	(void)revents;
	ready_probe(t->data);
}

static void
ready_done(struct probe *pr, bool ok, const char *err)
{
	struct watch *w = pr->pr_arg;
	struct process *p = w->w_proc;
	double max = p->p_program->pg_probes->pp_ready_interval;
	char before[DESCRIBED_MAX];

	if (p->p_state != PROC_STARTING)
		return;
	if (ok) {
		w->w_error[0] = '\0';
		process_ready(p, err);
		return;
	}
	if (strcmp(w->w_error, err) != 0) {
		log_debug("%s: not ready yet: %s", p->p_name, err);
		readiness_describe(p, before, sizeof(before));
		snprintf(w->w_error, sizeof(w->w_error), "%s", err);
		tell_if_changed(w, before);
	}
	ev_timer_set(&w->w_ready_next, w->w_interval, 0);
	ev_timer_start(loop, &w->w_ready_next);
	if (process_uptime(p) >= READY_FAST_S)
		w->w_interval = w->w_interval * 2 < max ? w->w_interval * 2 :
		    max;
}

/* fd:N: a newline is the word; the end of the pipe without one is not. */
static void
fd_cb(struct ev_loop *l, ev_io *io, int revents)
{
	struct watch *w = io->data;
	char buf[FD_READ_MAX];
	ssize_t n;

	(void)revents;
	n = read(io->fd, buf, sizeof(buf));
	if (n == -1 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n > 0 && memchr(buf, '\n', (size_t)n) == NULL)
		return;
	ev_io_stop(l, io);
	if (n > 0)
		process_ready(w->w_proc, "a newline on its readiness fd");
	else
		snprintf(w->w_error, sizeof(w->w_error), "fd:%d closed without "
		    "a newline",
		    w->w_proc->p_program->pg_probes->pp_ready.pb_fd);
}

/* log:REGEX: each whole line of its output, as it comes. */
static void
tap_cb(void *arg, const char *buf, size_t len)
{
	struct line_tap *lt = arg;
	struct watch *w = lt->lt_watch;
	const char *nl;
	size_t take;

	while (len > 0 && w->w_proc->p_state == PROC_STARTING) {
		nl = memchr(buf, '\n', len);
		take = nl != NULL ? (size_t)(nl - buf) : len;
		if (!lt->lt_skip) {
			if (take > LOG_LINE_MAX - lt->lt_len)
				take = LOG_LINE_MAX - lt->lt_len;
			memcpy(lt->lt_line + lt->lt_len, buf, take);
			lt->lt_len += take;
		}
		if (nl == NULL && lt->lt_len < LOG_LINE_MAX)
			return;		/* the rest of the line comes later */
		lt->lt_line[lt->lt_len] = '\0';
		if (!lt->lt_skip && regexec(&w->w_regex, lt->lt_line, 0, NULL,
		    0) == 0) {
			lt->lt_len = 0;
			process_ready(w->w_proc, "a line of its output matched");
			return;
		}
		lt->lt_len = 0;
		lt->lt_skip = nl == NULL;	/* too long: skip to its end */
		if (nl == NULL)
			return;
		len -= (size_t)(nl - buf) + 1;
		buf = nl + 1;
	}
}

/* log:REGEX: both output streams read line by line until it is ready. */
static void
tap_output(struct watch *w)
{
	struct process *p = w->w_proc;
	struct capture_stream *cs;
	int s;

	if (w->w_regex_set)
		regfree(&w->w_regex);
	w->w_regex_set = regcomp(&w->w_regex,
	    p->p_program->pg_probes->pp_ready.pb_regex,
	    REG_EXTENDED | REG_NOSUB) == 0;
	if (!w->w_regex_set) {
		snprintf(w->w_error, sizeof(w->w_error), "log: the regular "
		    "expression does not compile");
		return;
	}
	for (s = 0; s < 2; s++) {
		w->w_tap[s].lt_watch = w;
		w->w_tap[s].lt_len = 0;
		w->w_tap[s].lt_skip = false;
		/* A stream that has no pipe has nothing to read. */
		if (p->p_capture.c_stream[s] == NULL &&
		    !capture_piped(p->p_config, s))
			continue;
		if ((cs = capture_stream(&p->p_capture, s)) != NULL)
			capture_peek(cs, tap_cb, &w->w_tap[s]);
	}
}

/* A spawn: watching begins anew. */
static void
spawned(struct process *p, void *arg)
{
	const struct probe_config *pb = &p->p_program->pg_probes->pp_ready;
	struct watch *w;

	(void)arg;
	if (pb->pb_kind == PROBE_NONE &&
	    p->p_program->pg_probes->pp_health.pb_kind == PROBE_NONE &&
	    p->p_program->pg_probes->pp_watchdog <= 0)
		return;
	if ((w = watch_of(p, true)) == NULL) {
		log_warnx("%s: out of memory for its readiness", p->p_name);
		return;
	}
	watch_stop_ready(w);
	watch_stop_health(w);
	w->w_error[0] = w->w_status[0] = '\0';
	w->w_interval = READY_FIRST_INTERVAL;
	/* startsecs = 0 without ready=: RUNNING before this was told. */
	if (p->p_state == PROC_RUNNING)
		running_begins(w);
	switch (pb->pb_kind) {
	case PROBE_FD:
		if (p->p_ready_fd != -1) {
			ev_io_set(&w->w_fd_io, p->p_ready_fd, EV_READ);
			ev_io_start(loop, &w->w_fd_io);
		}
		break;
	case PROBE_TCP:
	case PROBE_UNIX:
	case PROBE_HTTP:
	case PROBE_EXEC:
		/* From the loop: the exec of the program comes first. */
		ev_timer_set(&w->w_ready_next, 0, 0);
		ev_timer_start(loop, &w->w_ready_next);
		break;
	case PROBE_NOTIFY:
		if (notifysock_path() == NULL)
			snprintf(w->w_error, sizeof(w->w_error), "no notify "
			    "socket: READY=1 can't arrive");
		break;
	case PROBE_LOG:
		tap_output(w);
		break;
	case PROBE_NONE:
		break;
	}
}

/* ---- health ----------------------------------------------------------- */

static void
health_next_cb(struct ev_loop *l, ev_timer *t, int revents)
{
	struct watch *w = t->data;
	const struct program_config *pg = w->w_proc->p_program;

	(void)l;
	(void)revents;
	probe_run(&w->w_health, &pg->pg_probes->pp_health,
	    pg->pg_probes->pp_health_timeout, pg, w->w_proc->p_config);
}

static void
health_done(struct probe *pr, bool ok, const char *err)
{
	struct watch *w = pr->pr_arg;
	struct process *p = w->w_proc;
	const struct program_config *pg = p->p_program;
	char why[PROBE_ERR_MAX + 64], before[DESCRIBED_MAX];

	if (p->p_state != PROC_RUNNING)
		return;
	readiness_describe(p, before, sizeof(before));
	w->w_health_seen = true;
	if (ok) {
		if (w->w_health_fails > 0)
			log_info("%s: healthy again (%s)", p->p_name, err);
		w->w_health_fails = 0;
		w->w_error[0] = '\0';
		tell_if_changed(w, before);
	} else {
		w->w_health_fails++;
		w->w_health_failed++;
		snprintf(w->w_error, sizeof(w->w_error), "%s", err);
		tell_if_changed(w, before);
		log_warnx("%s: health check failed (%d of %d): %s", p->p_name,
		    w->w_health_fails, pg->pg_probes->pp_health_retries, err);
		if (w->w_health_fails >= pg->pg_probes->pp_health_retries) {
			snprintf(why, sizeof(why), "health check failed %d "
			    "time%s in a row; the last: %s", w->w_health_fails,
			    w->w_health_fails == 1 ? "" : "s", err);
			process_restart(p, why);
			return;
		}
	}
	ev_timer_set(&w->w_health_next, pg->pg_probes->pp_health_interval, 0);
	ev_timer_start(loop, &w->w_health_next);
}

static void
watchdog_cb(struct ev_loop *l, ev_timer *t, int revents)
{
	struct watch *w = t->data;
	char why[96];

	(void)l;
	(void)revents;
	snprintf(why, sizeof(why), "no WATCHDOG=1 within watchdog_sec = %gs",
	    w->w_proc->p_program->pg_probes->pp_watchdog);
	snprintf(w->w_error, sizeof(w->w_error), "%s", why);
	process_restart(w->w_proc, why);
}

/* RUNNING from now: its health checks and its watchdog begin. */
static void
running_begins(struct watch *w)
{
	const struct program_config *pg = w->w_proc->p_program;

	w->w_health_fails = 0;
	w->w_health_seen = false;
	if (pg->pg_probes->pp_health.pb_kind != PROBE_NONE) {
		ev_timer_set(&w->w_health_next,
		    pg->pg_probes->pp_health_interval, 0);
		ev_timer_start(loop, &w->w_health_next);
	}
	if (pg->pg_probes->pp_watchdog > 0) {
		ev_timer_set(&w->w_watchdog, pg->pg_probes->pp_watchdog, 0);
		ev_timer_start(loop, &w->w_watchdog);
	}
}

static void
state_changed(struct process *p, enum proc_state from, void *arg)
{
	struct watch *w;

	(void)arg;
	if ((w = watch_of(p, false)) == NULL)
		return;
	if (p->p_state != PROC_STARTING)
		watch_stop_ready(w);
	if (from == PROC_RUNNING && p->p_state != PROC_RUNNING)
		watch_stop_health(w);
	if (p->p_state == PROC_RUNNING && from != PROC_RUNNING)
		running_begins(w);
	if (p->p_state == PROC_RUNNING && from == PROC_STARTING &&
	    p->p_program->pg_probes->pp_ready.pb_kind != PROBE_NONE)
		w->w_ready_wait = mono_now() - p->p_start_time;
}

static void
removed(struct process *p, void *arg)
{
	struct watch *w;

	(void)arg;
	if ((w = watch_of(p, false)) != NULL)
		watch_free(w);
}

/* ---- the notify socket -------------------------------------------- */

/* 1, 10, 100, 1000 ...: a flood is said a few times, not each time. */
static bool
said_now(unsigned long n)
{
	while (n >= 10 && n % 10 == 0)
		n /= 10;
	return n == 1;
}

/* The process whose tree pid is in, on evidence it can't forge. */
static struct process *
sender_process(pid_t pid)
{
	unsigned long long start;
	struct process *p;
	char name[160];
	size_t i;
	pid_t sid;

	/* The name its cgroup or environment gives, then proven. */
	if (tree_owner(pid, name, sizeof(name)) &&
	    (p = proctable_by_name(name)) != NULL &&
	    tree_contains(&p->p_tree, pid))
		return p;
	/* A leader, or (without cgroups) a session of a tree: one read of
	 * /proc for the whole table, however many datagrams come. */
	if (tree_pid_info(pid, &sid, &start) == -1)
		return NULL;
	for (i = 0; i < proctable_count(); i++) {
		p = proctable_get(i);
		if (p->p_pid == pid || (tree_mode() == TREE_PROCFS &&
		    tree_owns_session(&p->p_tree, sid)))
			return p;
	}
	return NULL;
}

/* One "KEY=value" line of a datagram, from p's tree. */
static void
notify_line(struct process *p, struct watch *w, const char *line)
{
	const struct program_config *pg = p->p_program;
	char before[DESCRIBED_MAX];

	if (strcmp(line, "READY=1") == 0) {
		if (pg->pg_probes->pp_ready.pb_kind == PROBE_NOTIFY)
			process_ready(p, "READY=1");
	} else if (strncmp(line, "STATUS=", 7) == 0) {
		readiness_describe(p, before, sizeof(before));
		snprintf(w->w_status, sizeof(w->w_status), "%s", line + 7);
		tell_if_changed(w, before);
	} else if (strcmp(line, "WATCHDOG=1") == 0) {
		if (pg->pg_probes->pp_watchdog > 0 &&
		    p->p_state == PROC_RUNNING) {
			ev_timer_set(&w->w_watchdog,
			    pg->pg_probes->pp_watchdog, 0);
			ev_timer_start(loop, &w->w_watchdog);
		}
	} else if (strcmp(line, "WATCHDOG=trigger") == 0)
		process_restart(p, "it asked (WATCHDOG=trigger)");
	else if (strcmp(line, "RELOADING=1") == 0)
		log_info("%s: reloading (RELOADING=1)", p->p_name);
	else if (strcmp(line, "STOPPING=1") == 0)
		log_info("%s: stopping (STOPPING=1)", p->p_name);
	else if (strncmp(line, "MAINPID=", 8) == 0)
		/* Its tree is what is supervised, whichever pid leads it. */
		log_debug("%s: MAINPID=%s (its tree stays supervised)",
		    p->p_name, line + 8);
}

static void
notify_cb(pid_t pid, uid_t uid, char *msg, size_t len)
{
	struct process *p;
	struct watch *w;
	char *line, *save = NULL;

	(void)len;
	p = sender_process(pid);
	if (p == NULL ||
	    (p->p_program->pg_probes->pp_ready.pb_kind != PROBE_NOTIFY &&
	    p->p_program->pg_probes->pp_watchdog <= 0) ||
	    (w = watch_of(p, true)) == NULL) {
		refused++;
		if (said_now(refused))
			log_warnx("notify socket: refused a datagram from pid %d "
			    "(uid %u): %s (%lu refused so far)", (int)pid,
			    (unsigned)uid, p == NULL ? "it is in no program's "
			    "process tree" : "its program has no ready = "
			    "notify", refused);
		return;
	}
	for (line = strtok_r(msg, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save))
		notify_line(p, w, line);
}

/* ---- what others read ------------------------------------------------- */

/* Words on p's readiness and health for status; "" when nothing to say. */
const char *
readiness_describe(const struct process *p, char *buf, size_t len)
{
	struct watch *w = watch_found(p);
	const struct program_config *pg = p->p_program;

	buf[0] = '\0';
	if (w == NULL)
		return buf;
	if (p->p_state == PROC_STARTING &&
	    pg->pg_probes->pp_ready.pb_kind != PROBE_NONE)
		snprintf(buf, len, "not ready yet%s%s", w->w_error[0] ? ": " :
		    "", w->w_error);
	else if (p->p_state == PROC_RUNNING &&
	    pg->pg_probes->pp_health.pb_kind != PROBE_NONE)
		snprintf(buf, len, "%s%s%s", !w->w_health_seen ? "health not "
		    "checked yet" : w->w_health_fails == 0 ? "healthy" :
		    "unhealthy", w->w_error[0] ? ": " : "", w->w_error);
	else if (w->w_error[0] != '\0')
		snprintf(buf, len, "last probe: %s", w->w_error);
	if (w->w_status[0] != '\0' && p->p_pid != 0) {
		size_t n = strlen(buf);

		snprintf(buf + n, len - n, "%sSTATUS=%s", n > 0 ? "; " : "",
		    w->w_status);
	}
	return buf;
}

void
readiness_figures(const struct process *p, struct readiness_figures *rf)
{
	const struct watch *w = watch_found(p);
	const struct program_config *pg = p->p_program;

	memset(rf, 0, sizeof(*rf));
	rf->rf_has_ready = pg->pg_probes->pp_ready.pb_kind != PROBE_NONE;
	rf->rf_ready = rf->rf_has_ready && p->p_state == PROC_RUNNING;
	rf->rf_ready_wait = w != NULL ? w->w_ready_wait : -1;
	rf->rf_has_health = pg->pg_probes->pp_health.pb_kind != PROBE_NONE;
	rf->rf_healthy = rf->rf_has_health && w != NULL &&
	    p->p_state == PROC_RUNNING && w->w_health_seen &&
	    w->w_health_fails == 0;
	rf->rf_health_failures = w != NULL ? w->w_health_failed : 0;
}

void
readiness_start(struct ev_loop *l)
{
	loop = l;
	probe_init(l);
	strmap_init(&watches);
	observer.po_changed = state_changed;
	observer.po_started = spawned;
	observer.po_removed = removed;
	process_observe(&observer);
}

/* The programs' notify socket: made once a config wants one. */
void
readiness_socket(const struct config *cf)
{
	size_t i;

	if (notifysock_path() != NULL)
		return;
	for (i = 0; i < cf->cf_nprograms; i++)
		if (cf->cf_programs[i]->pg_probes->pp_ready.pb_kind ==
		    PROBE_NOTIFY ||
		    cf->cf_programs[i]->pg_probes->pp_watchdog > 0) {
			(void)notifysock_open(loop, notify_cb);
			return;
		}
}

void
readiness_stop(void)
{
	size_t i;
	struct watch *w;

	process_unobserve(&observer);
	for (i = 0; i < proctable_count(); i++)
		if ((w = watch_of(proctable_get(i), false)) != NULL)
			watch_free(w);
	strmap_free(&watches);
	notifysock_close();
}
