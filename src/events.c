/*
 * events.c: supervisord's events from what happens here.  PROCESS_STATE_*
 * come from the process layer's observer, in supervisord's sequence: the
 * machine here restarts a process that ran long enough straight from
 * RUNNING (to STARTING, or RUNNING again with startsecs = 0), waits out a
 * quick exit in BACKOFF, and gives up from STARTING, where supervisord
 * always passes through EXITED, STARTING and BACKOFF; those are told as
 * supervisord tells them, from the state last told.  The payloads are
 * events.py's; what nobody subscribes to is never made.
 */
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "capture.h"
#include "eventpool.h"
#include "events.h"
#include "log.h"
#include "process.h"
#include "strmap.h"

#define LOG_EVENT_MAX	(64 * 1024)	/* output in one PROCESS_LOG */

/* Capture mode of one stream: what it writes between the tokens. */
struct capture_mode {
	bool		 cm_on;		/* inside BEGIN ... END */
	size_t		 cm_match;	/* bytes of the next token seen */
	size_t		 cm_carry;	/* of those, from earlier reads: logged
					   (BEGIN) or waiting (END) */
	char		*cm_buf;	/* the captured bytes, the last
					   capture_maxbytes of them */
	size_t		 cm_len;
};

/* What listeners were told of one process. */
struct told {
	enum proc_state	 t_state;	/* the state last told */
	pid_t		 t_pid;		/* the pid last told running */
	pid_t		 t_spawned;	/* its latest spawn's pid */
	struct capture_mode t_capture[2]; /* OUT_STDOUT, OUT_STDERR */
};

static const char begin_token[] = "<!--XSUPERVISOR:BEGIN-->";
static const char end_token[] = "<!--XSUPERVISOR:END-->";

static struct ev_loop	*loop;
static struct strmap	 told_by_name;	/* struct told, by process name */
static char		**groups;	/* the groups told added, in order */
static size_t		 ngroups;
static unsigned long	 groups_of;	/* the serial of the config they are
					   of; 0: unknown */
static bool		 stopping_said;
static ev_periodic	 ticks[3];
static const struct {
	int		 tk_period;
	enum event_type	 tk_type;
} tick_types[3] = {
	{ 5, EV_TICK_5 }, { 60, EV_TICK_60 }, { 3600, EV_TICK_3600 },
};

static void
publish(enum event_type type, const char *payload, size_t len)
{
	struct event *e;

	if ((e = event_new(type, payload, len)) == NULL)
		return;
	eventpool_publish(e);
	event_unref(e);
}

/* ---- process states ------------------------------------------------- */

static enum event_type
state_event(enum proc_state s)
{
	switch (s) {
	case PROC_STOPPED:	return EV_PROCESS_STATE_STOPPED;
	/* Not started yet, for its dependencies: supervisord's STOPPED. */
	case PROC_WAITING:	return EV_PROCESS_STATE_STOPPED;
	case PROC_STARTING:	return EV_PROCESS_STATE_STARTING;
	case PROC_RUNNING:	return EV_PROCESS_STATE_RUNNING;
	case PROC_BACKOFF:	return EV_PROCESS_STATE_BACKOFF;
	case PROC_STOPPING:	return EV_PROCESS_STATE_STOPPING;
	case PROC_EXITED:	return EV_PROCESS_STATE_EXITED;
	case PROC_FATAL:	return EV_PROCESS_STATE_FATAL;
	}
	return EV_PROCESS_STATE_UNKNOWN;
}

/*
 * What was told of p, made at need: was is the state p leaves now, where
 * telling starts from when p had none.  While there is no pool at all,
 * the state changes make none (10,000 programs without a listener keep
 * no event state); a pool a reload adds hears each process from the state
 * it is leaving then, as supervisord's from_state says it.
 */
static struct told *
told_from(struct process *p, enum proc_state was, bool always)
{
	struct told *t;

	if ((t = strmap_get(&told_by_name, p->p_name)) != NULL)
		return t;
	if (!always && !eventpool_any())
		return NULL;
	if ((t = calloc(1, sizeof(*t))) == NULL)
		return NULL;
	if (strmap_put(&told_by_name, p->p_name, t) == -1) {
		free(t);
		return NULL;
	}
	/* A WAITING process is one supervisord has not started: STOPPED. */
	t->t_state = was == PROC_WAITING ? PROC_STOPPED : was;
	if (was == PROC_RUNNING || was == PROC_STOPPING)
		t->t_pid = p->p_pid;
	t->t_spawned = p->p_pid;
	return t;
}

static struct told *
told_of(struct process *p)
{
	return told_from(p, p->p_state, false);
}

/* One PROCESS_STATE_<to> event, from the state last told. */
static void
tell(struct process *p, struct told *t, enum proc_state to)
{
	enum event_type type = state_event(to);
	char buf[512];
	int n;

	if (!eventpool_wanted(type)) {
		if (to == PROC_RUNNING)
			t->t_pid = t->t_spawned;
		t->t_state = to;
		return;
	}
	n = snprintf(buf, sizeof(buf), "processname:%s groupname:%s "
	    "from_state:%s", p->p_name, process_group(p),
	    proc_state_name(t->t_state));
	switch (to) {
	case PROC_STARTING:
	case PROC_BACKOFF:
		n += snprintf(buf + n, sizeof(buf) - (size_t)n, " tries:%d",
		    p->p_retries);
		break;
	case PROC_RUNNING:
		t->t_pid = t->t_spawned;
		n += snprintf(buf + n, sizeof(buf) - (size_t)n, " pid:%d",
		    (int)t->t_pid);
		break;
	case PROC_EXITED:
		n += snprintf(buf + n, sizeof(buf) - (size_t)n,
		    " expected:%d pid:%d", process_exit_expected(p) ? 1 : 0,
		    (int)t->t_pid);
		break;
	case PROC_STOPPING:
		n += snprintf(buf + n, sizeof(buf) - (size_t)n, " pid:%d",
		    (int)t->t_pid);
		break;
	case PROC_STOPPED:
		/* From BACKOFF nothing ran: supervisord's pid is 0. */
		n += snprintf(buf + n, sizeof(buf) - (size_t)n, " pid:%d",
		    t->t_state == PROC_STOPPING ? (int)t->t_pid : 0);
		break;
	case PROC_FATAL:
	case PROC_WAITING:
		break;
	}
	t->t_state = to;
	if (n > 0 && (size_t)n < sizeof(buf))
		publish(type, buf, (size_t)n);
}

/*
 * A RUNNING process's leader was reaped: EXITED now, as supervisord says
 * it at the reap, not after the restart's fork.
 */
static void
leader_exited(struct process *p, void *arg)
{
	struct told *t = told_of(p);

	(void)arg;
	if (t != NULL && p->p_state == PROC_RUNNING &&
	    t->t_state == PROC_RUNNING)
		tell(p, t, PROC_EXITED);
}

static void
state_changed(struct process *p, enum proc_state from, void *arg)
{
	struct told *t = told_from(p, from, false);
	enum proc_state to = p->p_state;

	(void)arg;
	if (t == NULL)
		return;
	switch (to) {
	case PROC_RUNNING:
		/* A restart of a process that ran: it exited first. */
		if (t->t_state == PROC_RUNNING)
			tell(p, t, PROC_EXITED);
		if (t->t_state != PROC_STARTING)
			tell(p, t, PROC_STARTING);
		tell(p, t, PROC_RUNNING);
		break;
	case PROC_STARTING:
		if (t->t_state == PROC_RUNNING)
			tell(p, t, PROC_EXITED);
		if (t->t_state != PROC_STARTING)
			tell(p, t, PROC_STARTING);
		break;
	case PROC_BACKOFF:
		/* A quick exit of a RUNNING one, restarted after a delay:
		 * supervisord says EXITED, then STARTING at the restart. */
		if (from != PROC_RUNNING)
			tell(p, t, PROC_BACKOFF);
		else if (t->t_state == PROC_RUNNING)
			tell(p, t, PROC_EXITED);
		break;
	case PROC_EXITED:
		if (t->t_state != PROC_EXITED)
			tell(p, t, PROC_EXITED);
		break;
	case PROC_WAITING:
		/* Waiting for its dependencies: nothing runs, no event (a
		 * supervisord process not started is STOPPED). */
		break;
	case PROC_FATAL:
		/* Given up from STARTING: supervisord's last BACKOFF. */
		if (t->t_state == PROC_STARTING)
			tell(p, t, PROC_BACKOFF);
		tell(p, t, PROC_FATAL);
		break;
	default:
		tell(p, t, to);
		break;
	}
}

static void
spawned(struct process *p, pid_t pid, void *arg)
{
	struct told *t = told_of(p);

	(void)arg;
	if (t != NULL && pid > 0)
		t->t_spawned = pid;
}

static void
told_free(struct told *t)
{
	if (t == NULL)
		return;
	free(t->t_capture[OUT_STDOUT].cm_buf);
	free(t->t_capture[OUT_STDERR].cm_buf);
	free(t);
}

static void
removed(struct process *p, void *arg)
{
	(void)arg;
	told_free(strmap_remove(&told_by_name, p->p_name));
}

static void
shutdown_asked(struct process *p, int status, void *arg)
{
	(void)p;
	(void)status;
	(void)arg;
	events_stopping();
}

static struct process_observer observer = {
	.po_changed = state_changed,
	.po_shutdown = shutdown_asked,
	.po_removed = removed,
	.po_spawned = spawned,
	.po_exited = leader_exited,
};

/* ---- output ------------------------------------------------------------ */

/* An event of a process's output: its fields, a newline, the bytes. */
static void
output_event(struct process *p, enum event_type type, const char *fields,
    const char *buf, size_t len)
{
	char head[512], *payload;
	int n;

	n = snprintf(head, sizeof(head), "processname:%s groupname:%s pid:%d"
	    "%s\n", p->p_name, process_group(p), (int)p->p_pid, fields);
	if (n < 0 || (size_t)n >= sizeof(head))
		return;
	if ((payload = malloc((size_t)n + len)) == NULL) {
		log_warn("%s: %s event", p->p_name, event_type_name(type));
		return;
	}
	memcpy(payload, head, (size_t)n);
	memcpy(payload + n, buf, len);
	publish(type, payload, (size_t)n + len);
	free(payload);
}

/* PROCESS_LOG_*: one event per read (up to LOG_EVENT_MAX). */
static void
log_event(struct process *p, int stream, const char *buf, size_t len)
{
	enum event_type type = stream == OUT_STDOUT ? EV_PROCESS_LOG_STDOUT :
	    EV_PROCESS_LOG_STDERR;

	if (len == 0 || !p->p_program->pg_events_enabled[stream] ||
	    !eventpool_wanted(type))
		return;
	output_event(p, type, stream == OUT_STDOUT ? " channel:stdout" :
	    " channel:stderr", buf, len < LOG_EVENT_MAX ? len : LOG_EVENT_MAX);
}

/* Captured bytes; only the last max are kept, as supervisord's. */
static void
capture_append(struct capture_mode *cm, size_t max, const char *buf,
    size_t len)
{
	if (len >= max) {
		buf += len - max;
		len = max;
	}
	if (cm->cm_buf == NULL && (cm->cm_buf = malloc(max)) == NULL)
		return;
	if (cm->cm_len + len > max) {
		memmove(cm->cm_buf, cm->cm_buf + (cm->cm_len + len - max),
		    max - len);
		cm->cm_len = max - len;
	}
	memcpy(cm->cm_buf + cm->cm_len, buf, len);
	cm->cm_len += len;
}

/* The captured bytes go out as one PROCESS_COMMUNICATION_* event. */
static void
capture_done(struct process *p, struct capture_mode *cm, int stream)
{
	enum event_type type = stream == OUT_STDOUT ?
	    EV_PROCESS_COMMUNICATION_STDOUT : EV_PROCESS_COMMUNICATION_STDERR;

	if (eventpool_wanted(type))
		output_event(p, type, "", cm->cm_buf != NULL ? cm->cm_buf : "",
		    cm->cm_len);
	cm->cm_len = 0;
}

/*
 * Capture mode (supervisord's stdout_capture_maxbytes): what a process
 * writes between <!--XSUPERVISOR:BEGIN--> and <!--XSUPERVISOR:END--> is
 * not logged but sent as one PROCESS_COMMUNICATION_* event.  Rewrites buf
 * to what is logged, returns its length.  A token cut across reads is
 * found: the part of an END token read so far waits (it is the token's
 * own text); the part of a BEGIN token has been logged by then, where
 * supervisord holds it back.
 */
static size_t
capture_filter(struct process *p, struct capture_mode *cm, int stream,
    char *buf, size_t len)
{
	size_t max = (size_t)p->p_program->pg_capture_maxbytes[stream];
	size_t i = 0, out = 0, tlen, fresh, mark = 0;
	const char *token;

	while (i < len) {
		token = cm->cm_on ? end_token : begin_token;
		tlen = strlen(token);
		/* Of the bytes matched, those of this read, before i. */
		fresh = cm->cm_match - cm->cm_carry;
		if (buf[i] == token[cm->cm_match]) {
			cm->cm_match++;
			i++;
			if (cm->cm_match < tlen)
				continue;
			if (cm->cm_on) {
				capture_append(cm, max, buf + mark,
				    i - (fresh + 1) - mark);
				capture_done(p, cm, stream);
			}
			cm->cm_on = !cm->cm_on;
			cm->cm_match = cm->cm_carry = 0;
			mark = i;
			continue;
		}
		if (cm->cm_match > 0) {
			/* Not a token after all: its bytes are output. */
			if (cm->cm_on) {
				capture_append(cm, max, buf + mark,
				    i - fresh - mark);
				capture_append(cm, max, token, cm->cm_match);
				mark = i;
			} else {
				memmove(buf + out, buf + i - fresh, fresh);
				out += fresh;
			}
			cm->cm_match = cm->cm_carry = 0;
			continue;	/* buf[i] may begin a token */
		}
		if (!cm->cm_on)
			buf[out++] = buf[i];
		i++;
	}
	/* The end of the read, maybe inside a token. */
	fresh = cm->cm_match - cm->cm_carry;
	if (cm->cm_on)
		capture_append(cm, max, buf + mark, len - fresh - mark);
	else if (fresh > 0) {
		memmove(buf + out, buf + len - fresh, fresh);
		out += fresh;
	}
	cm->cm_carry = cm->cm_match;
	return out;
}

/* A read of a stream whose events are enabled (PROCESS_LOG_*) or which
 * has a capture mode (PROCESS_COMMUNICATION_*). */
static size_t
output_tapped(void *owner, int stream, char *buf, size_t len)
{
	struct process *p = owner;
	struct told *t;

	if (p->p_program->pg_capture_maxbytes[stream] > 0 &&
	    (t = told_from(p, p->p_state, true)) != NULL)
		len = capture_filter(p, &t->t_capture[stream], stream, buf,
		    len);
	log_event(p, stream, buf, len);
	return len;
}

/* ---- the supervisor, groups, ticks --------------------------------------- */

static void
tick_cb(struct ev_loop *l, ev_periodic *w, int revents)
{
	int i = (int)(w - ticks);
	long period = tick_types[i].tk_period;
	char buf[64];
	long when;
	int n;

	(void)revents;
	/* supervisord's timeslice(); the timer fires on the boundary, a
	 * hair early or late: the nearest one. */
	when = ((long)(ev_now(l) + 0.5) + period / 2) / period * period;
	n = snprintf(buf, sizeof(buf), "when:%ld", when);
	publish(tick_types[i].tk_type, buf, (size_t)n);
}

/* A tick's timer runs only while a pool subscribes to it. */
static void
ticks_follow(void)
{
	int i;

	for (i = 0; i < 3; i++) {
		if (eventpool_wanted(tick_types[i].tk_type)) {
			if (!ev_is_active(&ticks[i]))
				ev_periodic_start(loop, &ticks[i]);
		} else
			ev_periodic_stop(loop, &ticks[i]);
	}
}

static void
group_event(enum event_type type, const char *name)
{
	char buf[256];
	int n;

	if (!eventpool_wanted(type))
		return;
	n = snprintf(buf, sizeof(buf), "groupname:%s\n", name);
	if (n > 0 && (size_t)n < sizeof(buf))
		publish(type, buf, (size_t)n);
}

/* The order supervisord adds groups in: by priority, then by name. */
static int
group_order(const void *a, const void *b)
{
	const struct program_config *x = *(const struct program_config *const *)a;
	const struct program_config *y = *(const struct program_config *const *)b;

	if (x->pg_group_priority != y->pg_group_priority)
		return x->pg_group_priority < y->pg_group_priority ? -1 : 1;
	return strcmp(x->pg_group, y->pg_group);
}

/*
 * The names of cf's groups (keys borrowed from cf), and those told so far
 * (from groups): hash tables, as a config of 10,000 programs has 10,000
 * groups.  Returns false out of memory.
 */
static bool
group_maps(const struct config *cf, struct strmap *inconf,
    struct strmap *told)
{
	size_t i;

	strmap_init(inconf);
	strmap_init(told);
	if (strmap_reserve(inconf, cf->cf_nprograms) == -1 ||
	    strmap_reserve(told, ngroups + cf->cf_nprograms) == -1)
		return false;
	for (i = 0; i < cf->cf_nprograms; i++)
		if (strmap_put(inconf, cf->cf_programs[i]->pg_group,
		    (void *)(uintptr_t)1) == -1)
			return false;
	for (i = 0; i < ngroups; i++)
		if (strmap_put(told, groups[i], (void *)(uintptr_t)1) == -1)
			return false;
	return true;
}

/* Groups gone (PROCESS_GROUP_REMOVED), then new ones (ADDED). */
static void
groups_follow(const struct config *cf)
{
	const struct program_config **order = NULL;
	struct strmap inconf, told;
	char **ng;
	size_t i, n = 0, nnew = 0;

	/* A reload of 10,000 programs in the same groups: none to tell
	 * (two tables of 10,000 names made and searched: ~2 ms). */
	if (groups_of != 0 && cf->cf_groups_as == groups_of) {
		groups_of = cf->cf_serial;
		return;
	}
	groups_of = 0;
	if (!group_maps(cf, &inconf, &told)) {
		log_warn("process groups");
		goto done;
	}
	for (i = 0; i < ngroups; i++) {
		if (strmap_get(&inconf, groups[i]) != NULL) {
			groups[n++] = groups[i];
			continue;
		}
		(void)strmap_remove(&told, groups[i]);
		group_event(EV_PROCESS_GROUP_REMOVED, groups[i]);
		free(groups[i]);
	}
	ngroups = n;
	if (cf->cf_nprograms == 0) {
		groups_of = cf->cf_serial;
		goto done;
	}
	order = calloc(cf->cf_nprograms, sizeof(*order));
	ng = reallocarray(groups, ngroups + cf->cf_nprograms, sizeof(*ng));
	if (ng != NULL)
		groups = ng;
	if (order == NULL || ng == NULL) {
		log_warn("process groups");
		goto done;
	}
	/* Only the programs of groups not told yet are sorted: a reload
	 * of 10,000 programs usually has none. */
	for (i = 0; i < cf->cf_nprograms; i++)
		if (strmap_get(&told, cf->cf_programs[i]->pg_group) == NULL)
			order[nnew++] = cf->cf_programs[i];
	qsort(order, nnew, sizeof(*order), group_order);
	for (i = 0; i < nnew; i++) {
		if (strmap_get(&told, order[i]->pg_group) != NULL)
			continue;
		if ((groups[ngroups] = strdup(order[i]->pg_group)) == NULL ||
		    strmap_put(&told, groups[ngroups], (void *)(uintptr_t)1)
		    == -1) {
			log_warn("process groups");
			free(groups[ngroups]);
			break;
		}
		ngroups++;
		group_event(EV_PROCESS_GROUP_ADDED, order[i]->pg_group);
	}
	if (i == nnew)		/* every one told */
		groups_of = cf->cf_serial;
done:
	free(order);
	strmap_free(&inconf);
	strmap_free(&told);
}

void
events_configure(const struct config *cf)
{
	eventpool_configure(cf);
	groups_follow(cf);
	ticks_follow();
}

void
events_start(struct ev_loop *l, const struct config *cf)
{
	int i;

	loop = l;
	strmap_init(&told_by_name);
	for (i = 0; i < 3; i++)
		ev_periodic_init(&ticks[i], tick_cb, 0,
		    tick_types[i].tk_period, NULL);
	eventpool_init(l, cf->cf_identifier);
	eventpool_observe();
	process_observe(&observer);
	capture_set_tap(output_tapped);
	events_configure(cf);
	publish(EV_SUPERVISOR_STATE_CHANGE_RUNNING, "", 0);
}

void
events_stopping(void)
{
	if (stopping_said || loop == NULL)
		return;
	stopping_said = true;
	publish(EV_SUPERVISOR_STATE_CHANGE_STOPPING, "", 0);
}

void
events_remote_communication(const char *type, const char *data)
{
	char *payload;
	int n;

	if (!eventpool_wanted(EV_REMOTE_COMMUNICATION))
		return;
	if ((n = asprintf(&payload, "type:%s\n%s", type, data)) == -1) {
		log_warn("REMOTE_COMMUNICATION event");
		return;
	}
	publish(EV_REMOTE_COMMUNICATION, payload, (size_t)n);
	free(payload);
}

void
events_free(void)
{
	struct strmap_slot *s;
	size_t i;
	int k;

	if (loop == NULL)
		return;
	for (k = 0; k < 3; k++)
		ev_periodic_stop(loop, &ticks[k]);
	capture_set_tap(NULL);
	process_unobserve(&observer);
	eventpool_free();
	if (told_by_name.sm_slots != NULL)
		for (i = 0; i <= told_by_name.sm_mask; i++) {
			s = &told_by_name.sm_slots[i];
			if (s->ss_key != NULL)
				told_free(s->ss_value);
		}
	strmap_free(&told_by_name);
	for (i = 0; i < ngroups; i++)
		free(groups[i]);
	free(groups);
	groups = NULL;
	ngroups = 0;
	groups_of = 0;
	loop = NULL;
}
