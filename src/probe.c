/*
 * probe.c: one check at a time per struct probe.  Connects are
 * non-blocking, to numeric addresses only (the config refuses names: a
 * lookup would block); an HTTP answer is read up to its status line
 * within PROBE_HTTP_READ_MAX bytes.  A command runs as the program does
 * (its user, directory, environment, limits) under /bin/sh -c, in a
 * session of its own: on its timeout, and after it exits, that whole
 * process group is killed, so nothing it forked is left behind.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "log.h"
#include "probe.h"
#include "signals.h"
#include "spawn.h"

static struct ev_loop *loop;

void
probe_init(struct ev_loop *l)
{
	loop = l;
}

/* Stops every watcher and closes the connection; the command's group is
 * killed (it may be gone: ESRCH is fine). */
static void
probe_end(struct probe *pr)
{
	ev_timer_stop(loop, &pr->pr_timeout);
	if (pr->pr_fd != -1) {
		ev_io_stop(loop, &pr->pr_io);
		close(pr->pr_fd);
		pr->pr_fd = -1;
	}
	if (pr->pr_pid > 0) {
		(void)kill(-pr->pr_pid, SIGKILL);
		reap_watch_stop(&pr->pr_reap);
		pr->pr_pid = 0;
	}
	pr->pr_active = false;
}

static void
finish(struct probe *pr, bool ok, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
finish(struct probe *pr, bool ok, const char *fmt, ...)
{
	char err[PROBE_ERR_MAX], what[88];
	const char *spec = pr->pr_config->pb_spec;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	/* What failed first, then the probe (cut short: a long command). */
	if (strlen(spec) > 64)
		snprintf(err, sizeof(err), "%.60s...: %s", spec, what);
	else
		snprintf(err, sizeof(err), "%.64s: %s", spec, what);
	probe_end(pr);
	pr->pr_done(pr, ok, err);
}

static void
timeout_cb(struct ev_loop *l, ev_timer *w, int revents)
{
	struct probe *pr = w->data;

	(void)l;
	(void)revents;
	if (pr->pr_pid > 0)
		finish(pr, false, "did not exit in time (killed)");
	else
		finish(pr, false, "no answer in time");
}

/* The HTTP status line, once it is whole: 2xx and 3xx are good. */
static void
http_answer(struct probe *pr, bool at_end)
{
	char *eol;
	int code;

	pr->pr_buf[pr->pr_len] = '\0';
	eol = strstr(pr->pr_buf, "\r\n");
	if (eol == NULL && !at_end && pr->pr_len < PROBE_HTTP_READ_MAX)
		return;		/* more to come */
	if (sscanf(pr->pr_buf, "HTTP/%*d.%*d %3d", &code) != 1) {
		finish(pr, false, "not an HTTP answer");
		return;
	}
	if (code >= 200 && code < 400)
		finish(pr, true, "%d", code);
	else
		finish(pr, false, "HTTP status %d",
		    code);
}

static void
http_request(struct probe *pr)
{
	const struct probe_config *pc = pr->pr_config;
	char req[1400];
	int n;
	ssize_t w;

	n = snprintf(req, sizeof(req), "GET %s HTTP/1.0\r\nHost: %s%s%s:%s\r\n"
	    "User-Agent: supervisor\r\nConnection: close\r\n\r\n", pc->pb_path,
	    strchr(pc->pb_host, ':') != NULL ? "[" : "", pc->pb_host,
	    strchr(pc->pb_host, ':') != NULL ? "]" : "", pc->pb_port);
	/* A fresh socket's buffer takes a small request whole. */
	w = send(pr->pr_fd, req, (size_t)n, MSG_NOSIGNAL | MSG_DONTWAIT);
	if (w != n) {
		finish(pr, false, "send: %s", w == -1 ?
		    strerror(errno) : "short");
		return;
	}
	pr->pr_sent = true;
	ev_io_stop(loop, &pr->pr_io);
	ev_io_set(&pr->pr_io, pr->pr_fd, EV_READ);
	ev_io_start(loop, &pr->pr_io);
}

static void
io_cb(struct ev_loop *l, ev_io *w, int revents)
{
	struct probe *pr = w->data;
	socklen_t len = sizeof(int);
	int err = 0;
	ssize_t n;

	(void)l;
	(void)revents;
	if (!pr->pr_sent) {
		/* The connect's outcome. */
		if (getsockopt(pr->pr_fd, SOL_SOCKET, SO_ERROR, &err, &len) ==
		    -1)
			err = errno;
		if (err != 0) {
			finish(pr, false, "connect: %s", strerror(err));
			return;
		}
		if (pr->pr_config->pb_kind != PROBE_HTTP) {
			finish(pr, true, "connected");
			return;
		}
		http_request(pr);
		return;
	}
	n = recv(pr->pr_fd, pr->pr_buf + pr->pr_len, PROBE_HTTP_READ_MAX -
	    pr->pr_len, MSG_DONTWAIT);
	if (n == -1) {
		if (errno == EAGAIN || errno == EINTR)
			return;
		finish(pr, false, "recv: %s",
		    strerror(errno));
		return;
	}
	pr->pr_len += (size_t)n;
	http_answer(pr, n == 0);
}

static void
child_exited(pid_t pid, int status, void *arg)
{
	struct probe *pr = arg;
	char how[64];

	pr->pr_pid = pid;		/* its group, killed by probe_end */
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		finish(pr, true, "exited 0");
	else
		finish(pr, false, "%s",
		    wstatus_describe(status, how, sizeof(how)));
}

static void
run_connect(struct probe *pr)
{
	const struct probe_config *pc = pr->pr_config;
	struct sockaddr_storage ss;
	struct sockaddr_in *in4 = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;
	struct sockaddr_un *un = (struct sockaddr_un *)&ss;
	socklen_t sl;
	const char *host;

	memset(&ss, 0, sizeof(ss));
	if (pc->pb_kind == PROBE_UNIX) {
		un->sun_family = AF_UNIX;
		snprintf(un->sun_path, sizeof(un->sun_path), "%s", pc->pb_path);
		sl = sizeof(*un);
	} else {
		host = strcmp(pc->pb_host, "localhost") == 0 ? "127.0.0.1" :
		    pc->pb_host;
		if (inet_pton(AF_INET, host, &in4->sin_addr) == 1) {
			in4->sin_family = AF_INET;
			in4->sin_port = htons((uint16_t)atoi(pc->pb_port));
			sl = sizeof(*in4);
		} else {
			(void)inet_pton(AF_INET6, host, &in6->sin6_addr);
			in6->sin6_family = AF_INET6;
			in6->sin6_port = htons((uint16_t)atoi(pc->pb_port));
			sl = sizeof(*in6);
		}
	}
	pr->pr_fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, 0);
	if (pr->pr_fd == -1) {
		finish(pr, false, "socket: %s",
		    strerror(errno));
		return;
	}
	ev_io_set(&pr->pr_io, pr->pr_fd, EV_WRITE);
	if (connect(pr->pr_fd, (struct sockaddr *)&ss, sl) == -1 &&
	    errno != EINPROGRESS && errno != EAGAIN) {
		finish(pr, false, "connect: %s",
		    strerror(errno));
		return;
	}
	/* Done or under way: the socket says which when writable. */
	ev_io_start(loop, &pr->pr_io);
}

static void
run_exec(struct probe *pr, const struct program_config *pg,
    const struct proc_config *proc)
{
	char *argv[] = { (char *)(uintptr_t)"/bin/sh", (char *)(uintptr_t)"-c",
	    pr->pr_config->pb_command, NULL };
	struct spawn_extra sx = { .sx_fd = -1, .sx_argv = argv };
	int stdio[3] = { -1, -1, -1 }, errfd;
	pid_t pid;

	pid = spawn_process(pg, proc, -1, stdio, &sx, &errfd);
	if (pid == -1) {
		finish(pr, false, "cannot start: %s", strerror(errno));
		return;
	}
	close(errfd);		/* a failed exec is its exit status */
	pr->pr_pid = pid;
	reap_watch_start(&pr->pr_reap, pid, child_exited, pr);
}

void
probe_setup(struct probe *pr, probe_done_fn *done, void *arg)
{
	memset(pr, 0, sizeof(*pr));
	pr->pr_done = done;
	pr->pr_arg = arg;
	pr->pr_fd = -1;
	ev_io_init(&pr->pr_io, io_cb, -1, EV_WRITE);
	pr->pr_io.data = pr;
	ev_timer_init(&pr->pr_timeout, timeout_cb, 0, 0);
	pr->pr_timeout.data = pr;
}

/* One check of pc, bounded by timeout; its outcome goes to pr_done
 * (possibly before this returns). */
void
probe_run(struct probe *pr, const struct probe_config *pc, double timeout,
    const struct program_config *pg, const struct proc_config *proc)
{
	probe_end(pr);
	pr->pr_config = pc;
	pr->pr_active = true;
	pr->pr_sent = false;
	pr->pr_len = 0;
	ev_timer_set(&pr->pr_timeout, timeout, 0);
	ev_timer_start(loop, &pr->pr_timeout);
	if (pc->pb_kind == PROBE_EXEC)
		run_exec(pr, pg, proc);
	else
		run_connect(pr);
}

/* Whatever is under way stops; no callback. */
void
probe_cancel(struct probe *pr)
{
	probe_end(pr);
}
