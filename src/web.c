/*
 * web.c: the web page on the HTTP server.  GET / is every process in a
 * plain table (readable without script); its script and style come from
 * the binary; GET /events sends each change of state as the state
 * machine makes it (server-sent events: nothing polls); POST /action
 * starts, stops, restarts and signals, behind a CSRF token and an Origin
 * check; GET /log/NAME/stdout follows a log through tail's stream.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "capture.h"
#include "control.h"
#include "log.h"
#include "monotime.h"
#include "process.h"
#include "proctable.h"
#include "readiness.h"
#include "reload.h"
#include "signals.h"
#include "strbuf.h"
#include "strmap.h"
#include "tail.h"
#include "web.h"
#include "web_assets.h"

#define SSE_QUEUED	(256 * 1024)	/* a page's events unread: it is
					   behind, and gets a new snapshot */
#define SSE_CLIENTS_MAX	256		/* pages open at once */
#define PENDING_MAX	(1024 * 1024)	/* changes waiting for the send */
#define LOG_LINES	200		/* a log view's first lines */
#define TOKEN_BYTES	32

/* The headers every page and asset goes with. */
#define SAFE_HEADERS \
	"Content-Security-Policy: default-src 'none'; script-src 'self'; " \
	"style-src 'self'; connect-src 'self'; img-src 'self'; " \
	"form-action 'self'; frame-ancestors 'none'; base-uri 'none'\r\n" \
	"X-Content-Type-Options: nosniff\r\n" \
	"Referrer-Policy: no-referrer\r\n" \
	"X-Frame-Options: DENY\r\n" \
	"Cache-Control: no-store\r\n"

/* A page following the events. */
struct sse {
	struct sse		*s_next;
	struct ctl_client	*s_client;
	bool			 s_behind;	/* events were dropped for it:
						   a snapshot once it reads */
};

static struct ev_loop	*loop;
static struct sse	*pages;
static size_t		 npages;
static struct process_observer observer;
static struct readiness_listener info_listener;	/* health, STATUS= */
static ev_timer		 send_timer;	/* sends what changed, this round */
static struct strbuf	 pending;	/* events not yet sent */
static bool		 pending_reset;	/* too many: a snapshot instead */
static struct strmap	 restarting;	/* name: started again once down */
static char		 token[TOKEN_BYTES * 2 + 1];	/* the CSRF token */

/* ---- a process as text ------------------------------------------------ */

static double
wall_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static bool
shown(const struct process *p)
{
	return !p->p_retired;
}

static long long
started_at(const struct process *p)
{
	if (p->p_spawns == 0 || p->p_state == PROC_STOPPED ||
	    p->p_state == PROC_EXITED || p->p_state == PROC_FATAL ||
	    p->p_state == PROC_BACKOFF)
		return 0;
	return (long long)(wall_now() - (mono_now() - p->p_start_time) + 0.5);
}

/* The last exit in words, or "". */
static void
last_exit(const struct process *p, char *buf, size_t len)
{
	buf[0] = '\0';
	if (p->p_exit_time > 0)
		wstatus_describe(p->p_exit_status, buf, len);
}

/* As status counts them: starts after the first. */
static unsigned long
restarts(const struct process *p)
{
	return p->p_spawns > 0 ? p->p_spawns - 1 : 0;
}

static bool
has_stderr_log(const struct process *p)
{
	return !p->p_config->pcf_stderr_joined;
}

/* Readiness, health, or what a WAITING process waits for; "" if none. */
static void
info_of(const struct process *p, char *buf, size_t len)
{
	if (p->p_state == PROC_WAITING)
		snprintf(buf, len, "waiting for %s", process_waiting_for(p));
	else
		(void)readiness_describe(p, buf, len);
}

/* One process as a JSON object (an event's data). */
static void
row_json(struct strbuf *b, const struct process *p)
{
	char ex[128], info[384];

	last_exit(p, ex, sizeof(ex));
	info_of(p, info, sizeof(info));
	sb_str(b, "{\"group\":");
	sb_json(b, process_group(p));
	sb_str(b, ",\"name\":");
	sb_json(b, p->p_name);
	sb_printf(b, ",\"state\":\"%s\",\"pid\":%ld,\"uptime\":%.3f,"
	    "\"restarts\":%lu,\"exit\":", proc_state_name(p->p_state),
	    p->p_state == PROC_STOPPED || p->p_pid <= 0 ? 0L :
	    (long)p->p_pid, started_at(p) > 0 ? mono_now() - p->p_start_time :
	    -1.0, restarts(p));
	sb_json(b, ex);
	sb_str(b, ",\"info\":");
	sb_json(b, info);
	sb_printf(b, ",\"stderr\":%s}", has_stderr_log(p) ? "true" : "false");
}

static void
uptime_text(long long start, char *buf, size_t len)
{
	long long s = start > 0 ? (long long)time(NULL) - start : -1;

	if (s < 0)
		buf[0] = '\0';
	else if (s >= 86400)
		snprintf(buf, len, "%lldd %02lld:%02lld:%02lld", s / 86400,
		    s % 86400 / 3600, s % 3600 / 60, s % 60);
	else
		snprintf(buf, len, "%02lld:%02lld:%02lld", s / 3600,
		    s % 3600 / 60, s % 60);
}

/* "GROUP:NAME", the name the actions and logs take. */
static void
spec_of(const struct process *p, char *buf, size_t len)
{
	snprintf(buf, len, "%s:%s", process_group(p), p->p_name);
}

/* One process as a table row: what the script rewrites on a change. */
static void
row_html(struct strbuf *b, const struct process *p)
{
	char ex[128], up[64], spec[512], state[16], info[384];
	long long start = started_at(p);
	size_t i;

	spec_of(p, spec, sizeof(spec));
	snprintf(state, sizeof(state), "%s", proc_state_name(p->p_state));
	for (i = 0; state[i] != '\0'; i++)
		state[i] = (char)(state[i] | 0x20);	/* its class */
	last_exit(p, ex, sizeof(ex));
	info_of(p, info, sizeof(info));
	uptime_text(start, up, sizeof(up));
	sb_str(b, "<tr data-spec=\"");
	sb_html(b, spec);
	sb_str(b, "\"><td class=\"c-group\">");
	sb_html(b, process_group(p));
	sb_str(b, "</td><td class=\"c-name\">");
	sb_html(b, p->p_name);
	sb_printf(b, "</td><td class=\"c-state\"><span class=\"state s-%s\">"
	    "%s</span>", state, proc_state_name(p->p_state));
	if (info[0] != '\0') {
		sb_str(b, " <small class=\"info\">");
		sb_html(b, info);
		sb_str(b, "</small>");
	}
	sb_str(b, "</td><td class=\"c-pid\">");
	if (p->p_state != PROC_STOPPED && p->p_pid > 0)
		sb_printf(b, "%ld", (long)p->p_pid);
	sb_printf(b, "</td><td class=\"c-uptime\" data-start=\"%lld\">%s</td>"
	    "<td class=\"c-restarts\">%lu</td><td class=\"c-exit\">", start,
	    up, restarts(p));
	sb_html(b, ex);
	sb_str(b, "</td><td class=\"c-logs\"><a href=\"/log/");
	sb_url(b, spec);
	sb_str(b, "/stdout\">stdout</a>");
	if (has_stderr_log(p)) {
		sb_str(b, " <a href=\"/log/");
		sb_url(b, spec);
		sb_str(b, "/stderr\">stderr</a>");
	}
	sb_str(b, "</td><td class=\"c-act\"></td></tr>\n");
}

static int
by_group_then_name(const void *a, const void *b)
{
	const struct process *pa = *(struct process *const *)a;
	const struct process *pb = *(struct process *const *)b;
	int c = strcmp(process_group(pa), process_group(pb));

	return c != 0 ? c : strcmp(pa->p_name, pb->p_name);
}

/* The processes shown, by group and name; NULL for want of memory. */
static struct process **
sorted(size_t *np)
{
	size_t i, n = proctable_count(), k = 0;
	struct process **v;

	if ((v = calloc(n + 1, sizeof(*v))) == NULL)
		return NULL;
	for (i = 0; i < n; i++)
		if (shown(proctable_get(i)))
			v[k++] = proctable_get(i);
	qsort(v, k, sizeof(*v), by_group_then_name);
	*np = k;
	return v;
}

/* ---- the page ----------------------------------------------------------- */

static void
respond(struct ctl_client *c, int status, const char *ctype,
    const struct strbuf *b)
{
	if (b->sb_nomem) {
		control_http_respond(c, 503, "text/plain", "out of memory",
		    13);
		return;
	}
	control_http_respond_with(c, status, ctype, SAFE_HEADERS,
	    b->sb_data != NULL ? b->sb_data : "", b->sb_len);
}

static void
text(struct ctl_client *c, int status, const char *msg)
{
	control_http_respond_with(c, status, "text/plain;charset=utf-8",
	    SAFE_HEADERS, msg, strlen(msg));
}

static void
page(struct ctl_client *c)
{
	struct strbuf b = { 0 };
	const char *id = reload_current()->cf_identifier;
	bool ro = control_client_readonly(c);
	struct process **v;
	const char *group = NULL;
	size_t i, n = 0;

	if ((v = sorted(&n)) == NULL) {
		text(c, 503, "out of memory");
		return;
	}
	sb_str(&b, "<!DOCTYPE html>\n<html lang=\"en\"><head>"
	    "<meta charset=\"utf-8\"><meta name=\"viewport\" content=\""
	    "width=device-width, initial-scale=1\"><title>");
	sb_html(&b, id);
	sb_str(&b, "</title><link rel=\"stylesheet\" href=\"/static/page.css\">"
	    "<script src=\"/static/page.js\" defer></script>");
	if (!ro)
		sb_printf(&b, "<meta name=\"csrf-token\" content=\"%s\">",
		    token);
	sb_printf(&b, "</head><body data-readonly=\"%d\"><header><h1>", ro);
	sb_html(&b, id);
	sb_printf(&b, "</h1><span id=\"live\" class=\"live-off\">not live"
	    "</span><nav><a href=\"/mainlogtail\" data-log=\"/mainlogtail\">"
	    "supervisor log</a> <a href=\"/metrics\">metrics</a></nav>"
	    "</header><p id=\"note\" role=\"status\"></p>"
	    "<main><table id=\"procs\"><thead><tr><th>Group</th><th>Name</th>"
	    "<th>State</th><th>PID</th><th>Uptime</th><th>Restarts</th>"
	    "<th>Last exit</th><th>Logs</th><th>Actions</th></tr></thead>\n");
	for (i = 0; i < n; i++) {
		if (group == NULL || strcmp(group, process_group(v[i])) != 0) {
			if (group != NULL)
				sb_str(&b, "</tbody>\n");
			group = process_group(v[i]);
			sb_str(&b, "<tbody data-group=\"");
			sb_html(&b, group);
			sb_str(&b, "\">\n");
		}
		row_html(&b, v[i]);
	}
	if (group != NULL)
		sb_str(&b, "</tbody>\n");
	sb_str(&b, "</table></main><section id=\"logview\" hidden><h2 id=\""
	    "logtitle\"></h2><button type=\"button\" id=\"logclose\">close"
	    "</button><pre id=\"logtext\"></pre></section></body></html>\n");
	free(v);
	respond(c, 200, "text/html;charset=utf-8", &b);
	sb_free(&b);
}

static void
asset(struct ctl_client *c, const char *ctype, const char *body)
{
	control_http_respond_with(c, 200, ctype, SAFE_HEADERS, body,
	    strlen(body));
}

/* ---- live events -------------------------------------------------------- */

/* Every process, as one "reset" event. */
static void
snapshot(struct strbuf *b)
{
	struct process **v;
	size_t i, n = 0;

	if ((v = sorted(&n)) == NULL) {
		b->sb_nomem = true;
		return;
	}
	sb_str(b, "event: reset\ndata: [");
	for (i = 0; i < n; i++) {
		if (i > 0)
			sb_str(b, ",\ndata: ");
		row_json(b, v[i]);
	}
	sb_str(b, "]\n\n");
	free(v);
}

/* Sends b to a page that keeps up; one that does not is behind. */
static void
page_send(struct sse *s, const struct strbuf *b)
{
	if (b->sb_nomem || !control_can_send(s->s_client, SSE_QUEUED)) {
		s->s_behind = true;
		return;
	}
	control_data(s->s_client, b->sb_data, b->sb_len);
}

static void
send_cb(struct ev_loop *l, ev_timer *w, int revents)
{
	struct strbuf snap = { 0 };
	struct sse *s;

	(void)l;
	(void)w;
	(void)revents;
	if (pending_reset)
		snapshot(&snap);
	for (s = pages; s != NULL; s = s->s_next) {
		if (s->s_behind)
			continue;	/* its snapshot comes when it reads */
		page_send(s, pending_reset ? &snap : &pending);
	}
	sb_free(&snap);
	pending_reset = false;
	sb_reset(&pending);
	if (pending.sb_cap > 64 * 1024)
		sb_free(&pending);
}

/* A process's change, or its row's end ("remove": GROUP:NAME). */
static void
pending_add(const struct process *p)
{
	char spec[512];

	if (pages == NULL || pending_reset)
		return;
	if (shown(p)) {
		sb_str(&pending, "event: proc\ndata: ");
		row_json(&pending, p);
	} else {
		spec_of(p, spec, sizeof(spec));
		sb_str(&pending, "event: remove\ndata: ");
		sb_json(&pending, spec);
	}
	sb_str(&pending, "\n\n");
	if (pending.sb_nomem || pending.sb_len > PENDING_MAX) {
		pending_reset = true;
		sb_free(&pending);
	}
	if (!ev_is_active(&send_timer))
		ev_timer_start(loop, &send_timer);
}

static void
events(struct ctl_client *c)
{
	struct strbuf b = { 0 };
	struct sse *s;

	if (npages >= SSE_CLIENTS_MAX) {
		text(c, 503, "too many pages open");
		return;
	}
	if ((s = calloc(1, sizeof(*s))) == NULL) {
		text(c, 503, "out of memory");
		return;
	}
	s->s_client = c;
	s->s_next = pages;
	pages = s;
	npages++;
	control_http_stream_with(c, "text/event-stream", SAFE_HEADERS);
	sb_str(&b, "retry: 2000\n\n");
	snapshot(&b);
	page_send(s, &b);
	sb_free(&b);
}

static struct sse *
page_of(const struct ctl_client *c)
{
	struct sse *s;

	for (s = pages; s != NULL; s = s->s_next)
		if (s->s_client == c)
			return s;
	return NULL;
}

/* ---- actions ------------------------------------------------------------ */

static bool
is_up(const struct process *p)
{
	return p->p_state == PROC_RUNNING || p->p_state == PROC_STARTING ||
	    p->p_state == PROC_BACKOFF;
}

static void
do_start(struct process *p)
{
	process_hold(p, false);
	if (!is_up(p) && p->p_state != PROC_STOPPING &&
	    !process_shutting_down())
		process_start(p);
	else if (p->p_state == PROC_STOPPING)
		(void)strmap_put(&restarting, p->p_name, p);
}

static void
do_stop(struct process *p)
{
	/* A user's stop holds across reloads, as the CLI's. */
	process_hold(p, true);
	(void)strmap_remove(&restarting, p->p_name);
	if (!process_is_down(p))
		process_stop(p);
}

static void
do_restart(struct process *p)
{
	process_hold(p, false);
	if (process_is_down(p)) {
		if (!process_shutting_down())
			process_start(p);
		return;
	}
	if (strmap_put(&restarting, p->p_name, p) == -1)
		return;
	process_stop(p);
}

/* Starts what a restart stopped, once it is down (never inside the
 * state machine: from the loop). */
static void
restart_due(void)
{
	size_t i, n = proctable_count();
	struct process *p;

	for (i = 0; i < n; i++) {
		p = proctable_get(i);
		if (strmap_get(&restarting, p->p_name) != p ||
		    !process_is_down(p))
			continue;
		(void)strmap_remove(&restarting, p->p_name);
		if (!process_shutting_down() && !p->p_retired)
			process_start(p);
	}
}

static ev_timer		 restart_timer;

static void
restart_cb(struct ev_loop *l, ev_timer *w, int revents)
{
	(void)l;
	(void)w;
	(void)revents;
	restart_due();
}

/* A form field's value, %XX and + decoded, into out; false: none. */
static bool
form_value(const char *body, const char *key, char *out, size_t len)
{
	size_t klen = strlen(key), o = 0;
	const char *s = body, *end;
	char hex[3] = { 0 };

	while (s != NULL && *s != '\0') {
		end = strchr(s, '&');
		if (strncmp(s, key, klen) == 0 && s[klen] == '=') {
			for (s += klen + 1; *s != '\0' && *s != '&'; s++) {
				char ch = *s;

				if (o + 1 >= len)
					return false;
				if (ch == '+')
					ch = ' ';
				else if (ch == '%' && s[1] != '\0' &&
				    s[2] != '\0') {
					hex[0] = s[1];
					hex[1] = s[2];
					ch = (char)strtol(hex, NULL, 16);
					s += 2;
				}
				out[o++] = ch;
			}
			out[o] = '\0';
			return true;
		}
		s = end != NULL ? end + 1 : NULL;
	}
	return false;
}

static bool
same_secret(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i;
	unsigned char diff = la != lb;

	for (i = 0; i < la && i < lb; i++)
		diff |= (unsigned char)(a[i] ^ b[i]);
	return diff == 0;
}

/*
 * A state change from a browser must come from this page: an Origin,
 * when the browser sends one, names the host the request was sent to.
 */
static bool
origin_ok(struct ctl_client *c)
{
	const char *origin = control_http_header(c, HTTP_ORIGIN);
	const char *host = control_http_header(c, HTTP_HOST);
	const char *rest;

	if (origin == NULL)
		return true;	/* not a browser's cross-site request */
	if (host == NULL)
		return false;
	if (strncmp(origin, "http://", 7) == 0)
		rest = origin + 7;
	else if (strncmp(origin, "https://", 8) == 0)
		rest = origin + 8;
	else
		return false;
	return strcmp(rest, host) == 0;
}

static void
action(struct ctl_client *c, const char *body)
{
	char csrf[TOKEN_BYTES * 2 + 2], op[16], target[512], sig[32];
	char group[256], msg[600];
	struct process *p = NULL;
	const char *colon;
	size_t i, n = proctable_count(), done = 0;
	int signo = 0;

	if (control_client_readonly(c)) {
		text(c, 403, "read-only: nothing can be changed here");
		return;
	}
	if (!origin_ok(c)) {
		log_warnx("web: an action from another origin (%s) refused",
		    control_http_header(c, HTTP_ORIGIN));
		text(c, 403, "refused: the request came from another site");
		return;
	}
	if (!form_value(body, "csrf", csrf, sizeof(csrf)) ||
	    !same_secret(csrf, token)) {
		text(c, 403, "refused: no valid CSRF token (reload the page)");
		return;
	}
	if (!form_value(body, "op", op, sizeof(op)) ||
	    !form_value(body, "target", target, sizeof(target)) ||
	    (colon = strchr(target, ':')) == NULL ||
	    (size_t)(colon - target) >= sizeof(group)) {
		text(c, 400, "usage: op=start|stop|restart|signal&"
		    "target=GROUP:NAME|GROUP:*[&sig=NAME]");
		return;
	}
	if (strcmp(op, "signal") == 0 && (!form_value(body, "sig", sig,
	    sizeof(sig)) || signal_from_name(sig, &signo) == -1)) {
		text(c, 400, "signal: no such signal");
		return;
	}
	if (strcmp(op, "start") != 0 && strcmp(op, "stop") != 0 &&
	    strcmp(op, "restart") != 0 && strcmp(op, "signal") != 0) {
		text(c, 400, "op: start, stop, restart or signal");
		return;
	}
	snprintf(group, sizeof(group), "%.*s", (int)(colon - target), target);
	for (i = 0; i < n; i++) {
		p = proctable_get(i);
		if (!shown(p) || strcmp(process_group(p), group) != 0 ||
		    (strcmp(colon + 1, "*") != 0 &&
		    strcmp(colon + 1, p->p_name) != 0))
			continue;
		done++;
		if (op[2] == 'a' && op[0] == 's')
			do_start(p);
		else if (op[0] == 's' && op[1] == 't')
			do_stop(p);
		else if (op[0] == 'r')
			do_restart(p);
		else if (!process_signal(p, signo))
			done--;
	}
	if (done == 0) {
		snprintf(msg, sizeof(msg), "%s: no such process%s", target,
		    op[0] == 's' && op[1] == 'i' ? ", or none running" : "");
		text(c, 404, msg);
		return;
	}
	log_info("web: %s %s", op, target);
	snprintf(msg, sizeof(msg), "%s %s: %zu process%s", op, target, done,
	    done == 1 ? "" : "es");
	text(c, 200, msg);
}

/* ---- logs --------------------------------------------------------------- */

/* GET /log/GROUP:NAME/stdout|stderr: tail -f's stream, as plain text. */
static void
log_view(struct ctl_client *c, const char *url)
{
	char spec[HTTP_URL_MAX + 1], *name, *chan, *colon, why[256];
	struct capture_stream *cs;
	struct process *p;
	int stream;

	snprintf(spec, sizeof(spec), "%s", url + strlen("/log/"));
	web_unquote(spec);
	if ((chan = strrchr(spec, '/')) == NULL || (colon = strchr(spec, ':'))
	    == NULL || colon > chan) {
		text(c, 404, "usage: /log/GROUP:NAME/stdout or /stderr");
		return;
	}
	*chan++ = '\0';
	*colon = '\0';
	name = colon + 1;
	stream = strcmp(chan, "stderr") == 0 ? OUT_STDERR : OUT_STDOUT;
	if ((strcmp(chan, "stdout") != 0 && stream != OUT_STDERR) ||
	    (p = proctable_by_name(name)) == NULL || !shown(p) ||
	    strcmp(process_group(p), spec) != 0) {
		text(c, 404, "no such process or log");
		return;
	}
	if ((cs = tail_stream(p, stream, why, sizeof(why))) == NULL) {
		text(c, 404, why);
		return;
	}
	control_http_stream_with(c, "text/plain;charset=utf-8", SAFE_HEADERS);
	tail_start(c, cs, LOG_LINES, true);
}

/* %XX in a URL's path. */
void
web_unquote(char *s)
{
	char *w = s, hex[3] = { 0 };

	for (; *s != '\0'; s++) {
		if (s[0] == '%' && s[1] != '\0' && s[2] != '\0' &&
		    strchr("0123456789abcdefABCDEF", s[1]) != NULL &&
		    strchr("0123456789abcdefABCDEF", s[2]) != NULL) {
			hex[0] = s[1];
			hex[1] = s[2];
			*w++ = (char)strtol(hex, NULL, 16);
			s += 2;
		} else
			*w++ = *s;
	}
	*w = '\0';
}

/* ---- the HTTP side ------------------------------------------------------ */

/*
 * Without a password, the listener is on loopback; a page of another
 * site whose name is made to resolve to 127.0.0.1 (DNS rebinding) is
 * then of the same origin as the page, to the browser.  Its requests
 * name that site in Host: only loopback names are served.
 */
static bool
host_ok(struct ctl_client *c)
{
	const char *host = control_http_header(c, HTTP_HOST);
	size_t n;

	if (!control_client_open_tcp(c))
		return true;
	if (host == NULL)
		return false;
	n = strcspn(host, ":");
	if (host[0] == '[')
		return strncmp(host, "[::1]", 5) == 0 && (host[5] == '\0' ||
		    host[5] == ':');
	return (n == 9 && strncmp(host, "localhost", 9) == 0) ||
	    (strncmp(host, "127.", 4) == 0 && strspn(host, "0123456789.") ==
	    n);
}

/* The path alone: the query goes. */
static void
path_of(const char *url, char *buf, size_t len)
{
	snprintf(buf, len, "%s", url);
	buf[strcspn(buf, "?#")] = '\0';
}

bool
web_http(struct ctl_client *c, const char *method, const char *url,
    const char *body, size_t len)
{
	char path[HTTP_URL_MAX + 1];
	bool get = strcmp(method, "GET") == 0;

	(void)len;
	path_of(url, path, sizeof(path));
	if ((strcmp(path, "/") == 0 || strcmp(path, "/index.html") == 0 ||
	    strncmp(path, "/static/", 8) == 0 || strcmp(path, "/events") ==
	    0 || strcmp(path, "/action") == 0 || strncmp(path, "/log/", 5) ==
	    0) && !host_ok(c)) {
		log_warnx("web: a request for another host (%s) refused",
		    control_http_header(c, HTTP_HOST));
		text(c, 403, "refused: this server has no password, and "
		    "answers only to loopback names (127.0.0.1, localhost)");
		return true;
	}
	if (strcmp(path, "/") == 0 || strcmp(path, "/index.html") == 0) {
		if (get)
			page(c);
		else
			text(c, 405, "GET only");
	} else if (strcmp(path, "/static/page.js") == 0 && get)
		asset(c, "text/javascript;charset=utf-8", web_page_js);
	else if (strcmp(path, "/static/page.css") == 0 && get)
		asset(c, "text/css;charset=utf-8", web_page_css);
	else if (strcmp(path, "/events") == 0) {
		if (get)
			events(c);
		else
			text(c, 405, "GET only");
	} else if (strcmp(path, "/action") == 0) {
		if (strcmp(method, "POST") == 0)
			action(c, body);
		else
			text(c, 405, "POST only");
	} else if (strncmp(path, "/log/", 5) == 0) {
		if (get)
			log_view(c, path);
		else
			text(c, 405, "GET only");
	} else
		return false;
	return true;
}

/* ---- wiring ------------------------------------------------------------- */

static void
state_changed(struct process *p, enum proc_state from, void *arg)
{
	(void)from;
	(void)arg;
	pending_add(p);
	if (strmap_get(&restarting, p->p_name) == p && process_is_down(p) &&
	    !ev_is_active(&restart_timer))
		ev_timer_start(loop, &restart_timer);
}

/* Its readiness, health or wait changed, its state did not: its row
 * anew. */
static void
info_changed(struct process *p, void *arg)
{
	(void)arg;
	pending_add(p);
}

static void
process_gone(struct process *p, void *arg)
{
	(void)arg;
	if (strmap_get(&restarting, p->p_name) == p)
		(void)strmap_remove(&restarting, p->p_name);
	if (p->p_retired)
		pending_add(p);		/* its row goes */
}

void
web_client_gone(struct ctl_client *c)
{
	struct sse **pp, *s;

	for (pp = &pages; (s = *pp) != NULL; pp = &s->s_next)
		if (s->s_client == c) {
			*pp = s->s_next;
			free(s);
			npages--;
			return;
		}
}

/* A page that was behind read what it had: all of it again. */
bool
web_client_drained(struct ctl_client *c)
{
	struct strbuf b = { 0 };
	struct sse *s = page_of(c);

	if (s == NULL)
		return false;
	if (!s->s_behind)
		return true;
	s->s_behind = false;
	snapshot(&b);
	page_send(s, &b);
	sb_free(&b);
	return true;
}

void
web_init(struct ev_loop *l)
{
	unsigned char r[TOKEN_BYTES];
	size_t i;

	loop = l;
	if (getrandom(r, sizeof(r), 0) != (ssize_t)sizeof(r))
		fatal("getrandom");
	for (i = 0; i < sizeof(r); i++)
		snprintf(token + 2 * i, 3, "%02x", r[i]);
	explicit_bzero(r, sizeof(r));
	strmap_init(&restarting);
	ev_timer_init(&send_timer, send_cb, 0, 0);
	ev_timer_init(&restart_timer, restart_cb, 0, 0);
	observer.po_changed = state_changed;
	observer.po_removed = process_gone;
	observer.po_waiting = info_changed;
	process_observe(&observer);
	info_listener.rl_changed = info_changed;
	readiness_listen(&info_listener);
}

void
web_free(void)
{
	process_unobserve(&observer);
	readiness_unlisten(&info_listener);
	if (loop != NULL) {
		ev_timer_stop(loop, &send_timer);
		ev_timer_stop(loop, &restart_timer);
	}
	while (pages != NULL)
		web_client_gone(pages->s_client);
	sb_free(&pending);
	strmap_free(&restarting);
	explicit_bzero(token, sizeof(token));
}
