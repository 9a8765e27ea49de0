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

static int		 notify_fd = -1;
static struct sockaddr_un notify_addr;
static socklen_t	 notify_len;
static bool		 send_failed;		/* logged once */
static char		 last_status[128];	/* the last STATUS= sent */

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

/* STATUS=status, when it differs from the last one sent. */
void
notify_status(const char *status)
{
	if (strcmp(status, last_status) == 0)
		return;
	snprintf(last_status, sizeof(last_status), "%s", status);
	notify_send("STATUS=%s\n", status);
}

/* READY=1, naming the pid the service manager should watch. */
void
notify_ready(pid_t main_pid)
{
	notify_send("READY=1\nMAINPID=%d\n", (int)main_pid);
}

/* True when a service manager listens: else nothing need be computed. */
bool
notify_enabled(void)
{
	return notify_fd != -1;
}

void
notify_reloading(void)
{
	notify_send("RELOADING=1\nMONOTONIC_USEC=%llu\n",
	    (unsigned long long)(mono_now() * 1e6));
}

/* After a reload: ready again; the next STATUS= is sent even if the
 * same as before. */
void
notify_reloaded(void)
{
	notify_send("READY=1\n");
	last_status[0] = '\0';
}

void
notify_stopping(void)
{
	notify_send("STOPPING=1\nSTATUS=stopping all programs\n");
}

void
notify_close(void)
{
	if (notify_fd != -1)
		close(notify_fd);
	notify_fd = -1;
}
