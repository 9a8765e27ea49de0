/*
 * metrics.c: GET /metrics, Prometheus's text exposition format (0.0.4),
 * and GET /healthz for probes.  The figures are read from the table when
 * asked; what the table does not keep (exits by status, failed starts)
 * is counted here, by an observer of the state machine.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "capture.h"
#include "control.h"
#include "metrics.h"
#include "monotime.h"
#include "process.h"
#include "proctable.h"
#include "readiness.h"
#include "reload.h"
#include "signals.h"
#include "strbuf.h"
#include "strmap.h"

#ifndef SUPERVISOR_VERSION
#define SUPERVISOR_VERSION "0.0.0"
#endif

#define EXIT_CODES	8	/* exit statuses counted apart, per process */

/* What one process did that the table does not keep. */
struct counts {
	double		 pc_exit_seen;	/* p_exit_time last counted */
	unsigned long	 pc_failures;	/* starts that failed (BACKOFF) */
	int		 pc_code[EXIT_CODES];	/* exit statuses, as a shell's */
	unsigned long	 pc_exits[EXIT_CODES];	/* ... and how often */
	unsigned long	 pc_other;	/* exits with yet another status */
};

static struct strmap		 counted;	/* p_name: struct counts */
static struct process_observer	 observer;
static double			 started;	/* wall clock, at init */
static struct strbuf		 out;		/* kept between scrapes */
static size_t			 last_len;	/* the last scrape's bytes */

static const enum proc_state all_states[PROC_STATES] = {
	PROC_STOPPED, PROC_STARTING, PROC_RUNNING, PROC_BACKOFF,
	PROC_STOPPING, PROC_EXITED, PROC_FATAL, PROC_WAITING,
};

static struct counts *
counts_of(const struct process *p)
{
	struct counts *pc = strmap_get(&counted, p->p_name);

	if (pc != NULL)
		return pc;
	if ((pc = calloc(1, sizeof(*pc))) == NULL)
		return NULL;
	if (strmap_put(&counted, p->p_name, pc) == -1) {
		free(pc);
		return NULL;
	}
	return pc;
}

static void
count_exit(struct counts *pc, int code)
{
	int i;

	for (i = 0; i < EXIT_CODES; i++) {
		if (pc->pc_exits[i] == 0)
			pc->pc_code[i] = code;
		if (pc->pc_code[i] == code) {
			pc->pc_exits[i]++;
			return;
		}
	}
	pc->pc_other++;
}

static void
state_changed(struct process *p, enum proc_state from, void *arg)
{
	struct counts *pc = strmap_get(&counted, p->p_name);
	bool exited, failed;

	(void)arg;
	exited = p->p_exit_time > 0 &&
	    (pc == NULL || p->p_exit_time != pc->pc_exit_seen);
	/* The last failed start goes from STARTING to FATAL at once. */
	failed = from == PROC_STARTING && (p->p_state == PROC_BACKOFF ||
	    p->p_state == PROC_FATAL);
	/* Nothing to count, nothing made: 10,000 programs that start and
	 * run have no counts (a row without them says zeros). */
	if (!exited && !failed)
		return;
	if (pc == NULL && (pc = counts_of(p)) == NULL)
		return;		/* counted short; never the loop's end */
	if (exited) {
		pc->pc_exit_seen = p->p_exit_time;
		count_exit(pc, wstatus_exit_code(p->p_exit_status));
	}
	if (failed)
		pc->pc_failures++;
}

static void
process_gone(struct process *p, void *arg)
{
	(void)arg;
	free(strmap_remove(&counted, p->p_name));
}

/* ---- the exposition ----------------------------------------------------- */

static void
help(struct strbuf *b, const char *name, const char *type, const char *text)
{
	sb_printf(b, "# HELP %s %s\n# TYPE %s %s\n", name, text, name, type);
}

static bool
listed(const struct process *p)
{
	return !p->p_retired;
}

static bool
is_started(const struct process *p)
{
	return p->p_spawns > 0 && (p->p_state == PROC_STARTING ||
	    p->p_state == PROC_RUNNING || p->p_state == PROC_STOPPING);
}

/*
 * One scrape: the processes listed, what is known of each (looked up
 * once, not once per family), and the labels of each
 * (group="G",name="N"), escaped once for all its lines.  A scrape of
 * 1,000 processes is some 20,000 lines: each is put together from these
 * pieces, without printf.
 */
struct scraped {
	struct process		*sp_proc;
	const struct counts	*sp_counts;	/* NULL: nothing counted */
	struct readiness_figures sp_rf;
};

struct scrape {
	struct scraped	 *sc_rows;
	size_t		 *sc_lab;	/* sc_n + 1 offsets in sc_labels */
	size_t		  sc_n;
	struct strbuf	  sc_labels;
};

static int
scrape_begin(struct scrape *sc)
{
	size_t i, n = proctable_count();
	struct scraped *row;
	struct process *p;

	memset(sc, 0, sizeof(*sc));
	if ((sc->sc_rows = calloc(n + 1, sizeof(*sc->sc_rows))) == NULL ||
	    (sc->sc_lab = calloc(n + 1, sizeof(*sc->sc_lab))) == NULL)
		return -1;
	sb_reserve(&sc->sc_labels, n * 40);
	for (i = 0; i < n; i++) {
		p = proctable_get(i);
		if (!listed(p))
			continue;
		row = &sc->sc_rows[sc->sc_n];
		row->sp_proc = p;
		row->sp_counts = strmap_get(&counted, p->p_name);
		readiness_figures(p, &row->sp_rf);
		sc->sc_lab[sc->sc_n++] = sc->sc_labels.sb_len;
		sb_str(&sc->sc_labels, "group=\"");
		sb_label(&sc->sc_labels, process_group(p));
		sb_str(&sc->sc_labels, "\",name=\"");
		sb_label(&sc->sc_labels, p->p_name);
		sb_str(&sc->sc_labels, "\"");
	}
	sc->sc_lab[sc->sc_n] = sc->sc_labels.sb_len;
	return sc->sc_labels.sb_nomem ? -1 : 0;
}

static void
scrape_end(struct scrape *sc)
{
	free(sc->sc_rows);
	free(sc->sc_lab);
	sb_free(&sc->sc_labels);
}

/* metric{LABELS of process i[,more]} (the value follows). */
static void
line_head(struct strbuf *b, const char *metric, const struct scrape *sc,
    size_t i, const char *more)
{
	sb_str(b, metric);
	sb_add(b, "{", 1);
	sb_add(b, sc->sc_labels.sb_data + sc->sc_lab[i],
	    sc->sc_lab[i + 1] - sc->sc_lab[i]);
	if (more != NULL)
		sb_str(b, more);
	sb_add(b, "} ", 2);
}

static void
line_u64(struct strbuf *b, const char *metric, const struct scrape *sc,
    size_t i, const char *more, unsigned long long v)
{
	line_head(b, metric, sc, i, more);
	sb_uint(b, v);
	sb_add(b, "\n", 1);
}

/* One family over every process (or those has() picks): value() gives
 * each one's number. */
static void
per_process(struct strbuf *b, const struct scrape *sc, const char *metric,
    const char *type, const char *text,
    bool (*has)(const struct scraped *),
    unsigned long long (*value)(const struct scraped *))
{
	size_t i;

	help(b, metric, type, text);
	for (i = 0; i < sc->sc_n; i++)
		if (has == NULL || has(&sc->sc_rows[i]))
			line_u64(b, metric, sc, i, NULL,
			    value(&sc->sc_rows[i]));
}

static unsigned long long
v_up(const struct scraped *row)
{
	const struct process *p = row->sp_proc;

	return p->p_state == PROC_RUNNING;
}

static unsigned long long
v_pid(const struct scraped *row)
{
	const struct process *p = row->sp_proc;

	return is_started(p) ? (unsigned long long)p->p_pid : 0;
}

static unsigned long long
v_starts(const struct scraped *row)
{
	const struct process *p = row->sp_proc;

	return p->p_spawns;
}

static unsigned long long
v_restarts(const struct scraped *row)
{
	const struct process *p = row->sp_proc;

	return p->p_spawns > 1 ? p->p_spawns - 1 : 0;
}

static unsigned long long
v_failures(const struct scraped *row)
{
	return row->sp_counts != NULL ? row->sp_counts->pc_failures : 0;
}

static void
start_times(struct strbuf *b, const struct scrape *sc)
{
	const char *metric = "supervisor_process_start_time_seconds";
	double now = (double)time(NULL), mono = mono_now();
	const struct process *p;
	size_t i;

	help(b, metric, "gauge", "When the running process was started, in "
	    "seconds since the epoch; 0 when not running");
	for (i = 0; i < sc->sc_n; i++) {
		p = sc->sc_rows[i].sp_proc;
		line_head(b, metric, sc, i, NULL);
		if (is_started(p)) {
			sb_milli(b, now - (mono - p->p_start_time));
			sb_add(b, "\n", 1);
		} else
			sb_add(b, "0\n", 2);
	}
}

static void
states(struct strbuf *b, const struct scrape *sc)
{
	static const char *const label[PROC_STATES] = {
		",state=\"STOPPED\"", ",state=\"STARTING\"",
		",state=\"RUNNING\"", ",state=\"BACKOFF\"",
		",state=\"STOPPING\"", ",state=\"EXITED\"", ",state=\"FATAL\"",
		",state=\"WAITING\"",
	};
	size_t i;
	int s;

	help(b, "supervisor_process_state", "gauge", "1 for the state the "
	    "process is in, 0 for the others");
	for (i = 0; i < sc->sc_n; i++)
		for (s = 0; s < PROC_STATES; s++)
			line_u64(b, "supervisor_process_state", sc, i,
			    label[s], sc->sc_rows[i].sp_proc->p_state ==
			    all_states[s]);
}

static void
exits(struct strbuf *b, const struct scrape *sc)
{
	const char *metric = "supervisor_process_exits_total";
	const struct counts *pc;
	char more[32];
	size_t i;
	int k;

	help(b, metric, "counter", "Exits of the process's leader, by exit "
	    "status (128+N: killed by signal N)");
	for (i = 0; i < sc->sc_n; i++) {
		if ((pc = sc->sc_rows[i].sp_counts) == NULL)
			continue;
		for (k = 0; k < EXIT_CODES && pc->pc_exits[k] > 0; k++) {
			snprintf(more, sizeof(more), ",status=\"%d\"",
			    pc->pc_code[k]);
			line_u64(b, metric, sc, i, more, pc->pc_exits[k]);
		}
		if (pc->pc_other > 0)
			line_u64(b, metric, sc, i, ",status=\"other\"",
			    pc->pc_other);
	}
}

static void
output(struct strbuf *b, const struct scrape *sc, bool lost)
{
	static const char *const streams[2] = {
		",stream=\"stdout\"", ",stream=\"stderr\"",
	};
	const char *metric = lost ? "supervisor_process_output_lost_bytes_total"
	    : "supervisor_process_output_bytes_total";
	const struct capture_stream *cs;
	size_t i;
	int s;

	help(b, metric, "counter", lost ? "Bytes of the process's output "
	    "that could not be written to its log" : "Bytes of output the "
	    "process wrote, read from its pipe");
	for (i = 0; i < sc->sc_n; i++)
		for (s = 0; s < 2; s++) {
			cs = sc->sc_rows[i].sp_proc->p_capture.c_stream[s];
			line_u64(b, metric, sc, i, streams[s], lost ?
			    capture_stream_lost(cs) : cs != NULL ? cs->cs_read
			    : 0);
		}
}

/*
 * Readiness and health, for the processes whose program has ready= or
 * healthcheck= (a gauge of a probe that does not exist would say 0,
 * which reads as "not ready").
 */
static bool
has_ready(const struct scraped *row)
{
	return row->sp_rf.rf_has_ready;
}

static bool
has_health(const struct scraped *row)
{
	return row->sp_rf.rf_has_health;
}

static unsigned long long
v_ready(const struct scraped *row)
{
	return row->sp_rf.rf_ready;
}

static unsigned long long
v_healthy(const struct scraped *row)
{
	return row->sp_rf.rf_healthy;
}

static unsigned long long
v_health_failures(const struct scraped *row)
{
	return row->sp_rf.rf_health_failures;
}

static void
ready_waits(struct strbuf *b, const struct scrape *sc)
{
	const char *metric = "supervisor_process_ready_wait_seconds";
	const struct readiness_figures *rf;
	size_t i;

	help(b, metric, "gauge", "Seconds the last start waited from the "
	    "spawn until ready (programs with ready=, once ready)");
	for (i = 0; i < sc->sc_n; i++) {
		rf = &sc->sc_rows[i].sp_rf;
		if (!rf->rf_has_ready || rf->rf_ready_wait < 0)
			continue;
		line_head(b, metric, sc, i, NULL);
		sb_milli(b, rf->rf_ready_wait);
		sb_add(b, "\n", 1);
	}
}

static void
supervisor_wide(struct strbuf *b)
{
	unsigned long long applied, refused;
	int s;

	help(b, "supervisor_processes", "gauge", "Processes in each state");
	for (s = 0; s < PROC_STATES; s++)
		sb_printf(b, "supervisor_processes{state=\"%s\"} %zu\n",
		    proc_state_name(all_states[s]),
		    proctable_count_in(all_states[s]));
	reload_counts(&applied, &refused);
	help(b, "supervisor_reloads_total", "counter", "Reloads of the "
	    "config, applied or refused (an invalid file)");
	sb_printf(b, "supervisor_reloads_total{result=\"applied\"} %llu\n"
	    "supervisor_reloads_total{result=\"refused\"} %llu\n", applied,
	    refused);
	help(b, "supervisor_control_clients", "gauge", "Clients connected "
	    "to the control socket and the HTTP server");
	sb_printf(b, "supervisor_control_clients %zu\n",
	    control_client_count());
	help(b, "supervisor_control_requests_total", "counter", "Requests "
	    "answered: control lines and HTTP requests");
	sb_printf(b, "supervisor_control_requests_total{protocol=\"line\"} "
	    "%llu\nsupervisor_control_requests_total{protocol=\"http\"} "
	    "%llu\n", control_requests(false), control_requests(true));
	help(b, "supervisor_start_time_seconds", "gauge", "When the "
	    "supervisor started, in seconds since the epoch");
	sb_printf(b, "supervisor_start_time_seconds %.3f\n", started);
	help(b, "supervisor_uptime_seconds", "gauge", "Seconds since the "
	    "supervisor started");
	sb_printf(b, "supervisor_uptime_seconds %.3f\n",
	    (double)time(NULL) - started);
	help(b, "supervisor_build_info", "gauge", "The supervisor's version, "
	    "as a label");
	sb_printf(b, "supervisor_build_info{version=\"%s\"} 1\n",
	    SUPERVISOR_VERSION);
}

/* The whole exposition, into b. */
void
metrics_write(struct strbuf *b)
{
	struct scrape sc;

	if (scrape_begin(&sc) == -1) {
		scrape_end(&sc);
		b->sb_nomem = true;
		return;
	}
	states(b, &sc);
	per_process(b, &sc, "supervisor_process_up", "gauge", "1 while the "
	    "process is RUNNING", NULL, v_up);
	per_process(b, &sc, "supervisor_process_pid", "gauge", "The "
	    "process's pid while it runs; 0 when not", NULL, v_pid);
	start_times(b, &sc);
	per_process(b, &sc, "supervisor_process_starts_total", "counter",
	    "Times the process was started", NULL, v_starts);
	per_process(b, &sc, "supervisor_process_restarts_total", "counter",
	    "Starts after the first", NULL, v_restarts);
	per_process(b, &sc, "supervisor_process_spawn_failures_total",
	    "counter", "Starts that failed: exec errors, and exits before "
	    "startsecs", NULL, v_failures);
	exits(b, &sc);
	output(b, &sc, false);
	output(b, &sc, true);
	per_process(b, &sc, "supervisor_process_ready", "gauge", "1 while the "
	    "process is RUNNING, its ready= probe having passed; 0 while not "
	    "(programs with ready= only)", has_ready, v_ready);
	ready_waits(b, &sc);
	per_process(b, &sc, "supervisor_process_healthy", "gauge", "1 while "
	    "the process is RUNNING and its last health check passed; 0 while "
	    "not (programs with healthcheck= only)", has_health, v_healthy);
	per_process(b, &sc, "supervisor_process_health_check_failures_total",
	    "counter", "Health checks that failed (programs with healthcheck= "
	    "only)", has_health, v_health_failures);
	supervisor_wide(b);
	scrape_end(&sc);
}

/* ---- HTTP --------------------------------------------------------------- */

static void
healthz(struct ctl_client *c)
{
	size_t i, n = proctable_count(), bad = 0;
	struct process *p;

	sb_reset(&out);
	for (i = 0; i < n; i++) {
		p = proctable_get(i);
		if (!listed(p) || !p->p_program->pg_autostart ||
		    p->p_state == PROC_RUNNING)
			continue;
		if (bad++ == 0)
			sb_str(&out, "not running:\n");
		sb_printf(&out, "%s:%s %s\n", process_group(p), p->p_name,
		    proc_state_name(p->p_state));
	}
	if (bad == 0)
		sb_str(&out, "ok\n");
	if (out.sb_nomem)
		control_http_respond(c, 503, "text/plain", "out of memory",
		    13);
	else
		control_http_respond_with(c, bad == 0 ? 200 : 503,
		    "text/plain;charset=utf-8", "Cache-Control: no-store\r\n"
		    "X-Content-Type-Options: nosniff\r\n", out.sb_data,
		    out.sb_len);
}

bool
metrics_http(struct ctl_client *c, const char *method, const char *path)
{
	bool metrics = strcmp(path, "/metrics") == 0;

	if (!metrics && strcmp(path, "/healthz") != 0)
		return false;
	if (strcmp(method, "GET") != 0) {
		control_http_respond(c, 405, "text/plain", "GET only", 8);
		return true;
	}
	if (!metrics) {
		healthz(c);
		return true;
	}
	/* The last scrape's size, and some: made room for once. */
	sb_reset(&out);
	sb_reserve(&out, last_len + last_len / 8);
	metrics_write(&out);
	last_len = out.sb_len;
	if (out.sb_nomem)
		control_http_respond(c, 503, "text/plain", "out of memory",
		    13);
	else
		control_http_respond_with(c, 200, "text/plain; version=0.0.4; "
		    "charset=utf-8", "Cache-Control: no-store\r\n"
		    "X-Content-Type-Options: nosniff\r\n", out.sb_data,
		    out.sb_len);
	/*
	 * The text is kept for the next scrape (about 1.3 KB a process):
	 * scrapers come back every few seconds, and fresh pages each time
	 * cost as much as writing the text (page faults: 4.3 ms a scrape
	 * of 1,000 processes, 2.3 ms kept).  Past a size no client is sent
	 * anyway (the control socket's 8 MB a reply), it goes.
	 */
	if (out.sb_cap > 8 * 1024 * 1024)
		sb_free(&out);
	return true;
}

void
metrics_init(void)
{
	strmap_init(&counted);
	started = (double)time(NULL);
	observer.po_changed = state_changed;
	observer.po_removed = process_gone;
	process_observe(&observer);
}

void
metrics_free(void)
{
	size_t i;

	process_unobserve(&observer);
	for (i = 0; counted.sm_slots != NULL && i <= counted.sm_mask; i++)
		if (counted.sm_slots[i].ss_key != NULL)
			free(counted.sm_slots[i].ss_value);
	strmap_free(&counted);
	sb_free(&out);
}
