/*
 * logtail.c: supervisord's log streams over HTTP: GET /logtail/NAME
 * [/stdout|/stderr] and /mainlogtail, as its tail_f_producer: the last
 * 1024 bytes of the file, then what is added, followed across rotations,
 * sent as the client reads (backpressure) until it hangs up.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "control.h"
#include "http.h"
#include "logtail.h"
#include "process.h"
#include "proctable.h"
#include "reload.h"
#include "trust.h"

static struct ev_loop	*loop;

#define FOLLOW_HEAD	1024		/* bytes sent of what was there */
#define FOLLOW_CHUNK	(64 * 1024)	/* read at once */
#define FOLLOW_POLL	0.1		/* tail_f_producer's delay */

/* A log file followed for an HTTP client, as supervisord's
 * tail_f_producer: the end of the file, then what is added. */
struct follow {
	struct follow	*fo_next;
	struct ctl_client *fo_client;
	char		*fo_path;
	int		 fo_fd;
	ino_t		 fo_ino;
	off_t		 fo_size;	/* sent up to here */
	ev_timer	 fo_timer;
};

static struct follow	*follows;

static void
follow_free(struct follow *fo)
{
	struct follow **pp;

	for (pp = &follows; *pp != NULL; pp = &(*pp)->fo_next)
		if (*pp == fo) {
			*pp = fo->fo_next;
			break;
		}
	ev_timer_stop(loop, &fo->fo_timer);
	if (fo->fo_fd != -1)
		close(fo->fo_fd);
	free(fo->fo_path);
	free(fo);
}

/* Follows a rotation: the path names another file now. */
static void
follow_reopen(struct follow *fo)
{
	struct stat st;
	int fd;

	if (stat(fo->fo_path, &st) == -1 || st.st_ino == fo->fo_ino)
		return;
	if ((fd = trust_open(fo->fo_path, O_RDONLY | O_NOCTTY, 0, &st)) ==
	    -1)
		return;
	close(fo->fo_fd);
	fo->fo_fd = fd;
	fo->fo_ino = st.st_ino;
	fo->fo_size = 0;
}

/* Sends what was added, as far as the client reads. */
static void
follow_pump(struct follow *fo)
{
	static const char truncated[] = "==> File truncated <==\n";
	char buf[FOLLOW_CHUNK];
	struct stat st;
	ssize_t n;

	follow_reopen(fo);
	while (control_can_send(fo->fo_client, FOLLOW_CHUNK)) {
		if (fstat(fo->fo_fd, &st) == -1)
			return;
		if (st.st_size < fo->fo_size) {
			fo->fo_size = 0;
			control_data(fo->fo_client, truncated,
			    sizeof(truncated) - 1);
			continue;
		}
		if (st.st_size == fo->fo_size)
			return;
		n = pread(fo->fo_fd, buf, sizeof(buf), fo->fo_size);
		if (n <= 0)
			return;
		fo->fo_size += n;
		control_data(fo->fo_client, buf, (size_t)n);
	}
}

static void
follow_cb(struct ev_loop *l, ev_timer *w, int revents)
{
	(void)l;
	(void)revents;
	follow_pump(w->data);
}

/*
 * May c read the log file open on fd?  As tail's: root's, ours, or the
 * program's user's file (uid; -1: none), which the client could read.
 */
static bool
follow_allowed(struct ctl_client *c, const struct stat *st, long uid)
{
	if (!trust_uid(st->st_uid) && (uid < 0 || st->st_uid != (uid_t)uid))
		return false;
	return control_client_can_read(c, st);
}

static void
follow_start(struct ctl_client *c, const char *path, long uid)
{
	static const char nf[] = "not found";
	struct follow *fo = NULL;
	struct stat st;
	int fd;

	if (path == NULL || (fd = trust_open(path, O_RDONLY | O_NOCTTY, 0,
	    &st)) == -1) {
		control_http_respond(c, 404, "text/plain", nf, sizeof(nf) - 1);
		return;
	}
	if (!follow_allowed(c, &st, uid) || (fo = calloc(1, sizeof(*fo))) ==
	    NULL || (fo->fo_path = strdup(path)) == NULL) {
		free(fo);
		close(fd);
		control_http_respond(c, 403, "text/plain", "refused", 7);
		return;
	}
	fo->fo_client = c;
	fo->fo_fd = fd;
	fo->fo_ino = st.st_ino;
	fo->fo_size = st.st_size >= FOLLOW_HEAD ? st.st_size - FOLLOW_HEAD : 0;
	ev_timer_init(&fo->fo_timer, follow_cb, FOLLOW_POLL, FOLLOW_POLL);
	fo->fo_timer.data = fo;
	ev_timer_start(loop, &fo->fo_timer);
	fo->fo_next = follows;
	follows = fo;
	control_http_stream(c, "text/plain;charset=utf-8");
	follow_pump(fo);
}

/* %XX in a URL's path, as medusa's unquote. */
static void
unquote(char *s)
{
	char *w = s, hex[3] = { 0, 0, 0 };

	for (; *s != '\0'; s++) {
		if (s[0] == '%' && isxdigit((unsigned char)s[1]) &&
		    isxdigit((unsigned char)s[2])) {
			hex[0] = s[1];
			hex[1] = s[2];
			*w++ = (char)strtol(hex, NULL, 16);
			s += 2;
		} else
			*w++ = *s;
	}
	*w = '\0';
}

/* GET /logtail/NAME[/stdout|/stderr] */
static void
logtail(struct ctl_client *c, const char *url)
{
	static const char nf[] = "not found";
	char path[HTTP_URL_MAX + 1], group[256], *name, *channel, *q;
	const char *proc;
	struct process *p;
	int stream = OUT_STDOUT;

	snprintf(path, sizeof(path), "%s", url + strlen("/logtail/"));
	if ((q = strpbrk(path, "?#")) != NULL)
		*q = '\0';
	unquote(path);
	name = path;
	if ((channel = strchr(name, '/')) != NULL) {
		*channel++ = '\0';
		if (strcmp(channel, "stderr") == 0)
			stream = OUT_STDERR;
		else if (strcmp(channel, "stdout") != 0)
			channel = NULL, stream = -1;
	}
	proctable_split_spec(name, group, sizeof(group), &proc);
	p = proc != NULL ? proctable_in_group(group, proc) : NULL;
	if (stream < 0 || p == NULL || (stream == OUT_STDERR &&
	    p->p_config->pcf_stderr_joined)) {
		control_http_respond(c, 404, "text/plain", nf, sizeof(nf) - 1);
		return;
	}
	follow_start(c, process_log_path(p, stream),
	    p->p_config->pcf_log[stream].lc_uid);
}

/* The supervisor's own log file, or NULL. */
static const char *
main_log(void)
{
	const struct config *cf = reload_current();

	return cf->cf_log.lc_dest == LOG_TO_FILE ? cf->cf_log.lc_path : NULL;
}

/* GET /logtail/... or /mainlogtail (the method checked by the caller). */
void
logtail_http(struct ctl_client *c, const char *url)
{
	if (strcmp(url, "/mainlogtail") == 0)
		follow_start(c, main_log(), -1);
	else
		logtail(c, url);
}

/* The client went away: its stream ends. */
void
logtail_client_gone(struct ctl_client *c)
{
	struct follow *fo, *next;

	for (fo = follows; fo != NULL; fo = next) {
		next = fo->fo_next;
		if (fo->fo_client == c)
			follow_free(fo);
	}
}

/* A stream's client read what it was sent: more. */
void
logtail_client_drained(struct ctl_client *c)
{
	struct follow *fo;

	for (fo = follows; fo != NULL; fo = fo->fo_next)
		if (fo->fo_client == c) {
			follow_pump(fo);
			return;
		}
}

void
logtail_init(struct ev_loop *l)
{
	loop = l;
}

void
logtail_free(void)
{
	while (follows != NULL)
		follow_free(follows);
}
