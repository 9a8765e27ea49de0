/*
 * notify.c: tells the service manager how the supervisor is doing, over
 * $NOTIFY_SOCKET (a Unix datagram socket; a leading '@' is an abstract
 * name).  Nothing is sent when the variable is not set.  The variable is
 * taken out of the environment at start, so programs never inherit it.
 * A lost datagram is logged once and never stops supervision.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "monotime.h"
#include "notify.h"
#include "program.h"

static int		 notify_fd = -1;
static struct sockaddr_un notify_addr;
static socklen_t	 notify_len;
static struct ev_loop	*loop;
static ev_prepare	 settle_watcher;	/* states changed this round */
static pid_t		 main_pid;		/* the pid systemd started */
static bool		 ready_sent;
static bool		 stopping;
static bool		 send_failed;		/* logged once */
static char		 last_status[128];

/* Takes $NOTIFY_SOCKET before anything can be spawned. */
void
notify_init(void)
{
	const char *path = getenv("NOTIFY_SOCKET");
	size_t len;

	if (path == NULL || (path[0] != '/' && path[0] != '@') ||
	    (len = strlen(path)) >= sizeof(notify_addr.sun_path) ||
	    len < 2) {
		unsetenv("NOTIFY_SOCKET");
		return;
	}
	memset(&notify_addr, 0, sizeof(notify_addr));
	notify_addr.sun_family = AF_UNIX;
	memcpy(notify_addr.sun_path, path, len);
	if (path[0] == '@')
		notify_addr.sun_path[0] = '\0';
	notify_len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len);
	notify_fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK,
	    0);
	if (notify_fd == -1)
		log_warn("NOTIFY_SOCKET: socket");
	unsetenv("NOTIFY_SOCKET");
}

static void
notify_send(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void
notify_send(const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	int n;

	if (notify_fd == -1)
		return;
	va_start(ap, fmt);
	n = vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(msg))
		return;
	if (sendto(notify_fd, msg, (size_t)n, MSG_NOSIGNAL,
	    (struct sockaddr *)&notify_addr, notify_len) == -1 &&
	    !send_failed) {
		send_failed = true;
		log_warn("NOTIFY_SOCKET: send");
	}
}

/* "3 of 4 running", sent when it changes. */
static void
send_status(const char *prefix)
{
	char status[128];
	size_t i, n = programs_count(), running = 0;

	for (i = 0; i < n; i++)
		if (programs_get(i)->p_state == PROC_RUNNING)
			running++;
	snprintf(status, sizeof(status), "%s%zu of %zu running", prefix,
	    running, n);
	if (strcmp(status, last_status) == 0)
		return;
	memcpy(last_status, status, sizeof(status));
	notify_send("STATUS=%s\n", status);
}

/* True once no autostart process is waiting to be started or in
 * STARTING: each is RUNNING, or has failed its way out. */
static bool
all_started(void)
{
	size_t i, n = programs_count();
	struct process *p;

	for (i = 0; i < n; i++) {
		p = programs_get(i);
		if (!p->p_program->pg_autostart || p->p_held)
			continue;
		if (p->p_state == PROC_STARTING ||
		    (p->p_state == PROC_STOPPED && p->p_spawns == 0))
			return false;
	}
	return true;
}

/* Once a loop round, after the states settled. */
static void
settle_cb(struct ev_loop *l, ev_prepare *w, int revents)
{
	(void)revents;
	ev_prepare_stop(l, w);
	if (stopping)
		return;
	if (!ready_sent && all_started()) {
		ready_sent = true;
		send_status("");
		notify_send("READY=1\nMAINPID=%d\n", (int)main_pid);
		log_info("ready: every autostart program has left STARTING");
		return;
	}
	send_status(ready_sent ? "" : "starting: ");
}

void
notify_start(struct ev_loop *l, pid_t pid)
{
	loop = l;
	main_pid = pid;
	ev_prepare_init(&settle_watcher, settle_cb);
	notify_state_changed();
}

/* A process changed state: readiness and STATUS are looked at once the
 * loop round is over, not at each of a thousand starts. */
void
notify_state_changed(void)
{
	if (loop != NULL && notify_fd != -1)
		ev_prepare_start(loop, &settle_watcher);
}

void
notify_reloading(void)
{
	notify_send("RELOADING=1\nMONOTONIC_USEC=%llu\n",
	    (unsigned long long)(mono_now() * 1e6));
}

void
notify_reloaded(void)
{
	notify_send("READY=1\n");
	last_status[0] = '\0';
	notify_state_changed();
}

void
notify_stopping(void)
{
	if (stopping)
		return;
	stopping = true;
	notify_send("STOPPING=1\nSTATUS=stopping all programs\n");
}

void
notify_close(void)
{
	if (loop != NULL)
		ev_prepare_stop(loop, &settle_watcher);
	if (notify_fd != -1)
		close(notify_fd);
	notify_fd = -1;
}
