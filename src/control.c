/*
 * control.c: the control socket's server side.  Listens on a Unix stream
 * socket, checks each client's uid (SO_PEERCRED), reads request lines and
 * hands them to its handler (command.c's), and writes replies, never blocking: sockets
 * are non-blocking, buffers bounded per client and in total, and a client
 * that says nothing or reads nothing for control_timeout is dropped.  What
 * a client can make it log over and over is rate-limited.
 *
 * The same socket speaks HTTP/1.1 (supervisord's XML-RPC): a connection
 * whose first byte is an upper-case letter (POST, GET) is HTTP, as no
 * request line of the line protocol starts with one.  [inet_http_server]
 * is a TCP listener for HTTP alone.  Both check HTTP Basic credentials
 * when the config names them; the Unix socket checks the peer's uid too.
 */
#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <resolv.h>
#include <sha1.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>
#include <linux/sockios.h>

#include "control.h"
#include "ctlproto.h"
#include "http.h"
#include "log.h"
#include "monotime.h"
#include "trust.h"

#define CTL_OUT_MAX	(8 * 1024 * 1024)  /* reply bytes not yet read, */
#define CTL_OUT_PER	4096		   /* and this per process */
/*
 * The reply buffers of all clients together: over CTL_OUT_TOTAL_MAX, no
 * request is read from a client with replies it has not read (here or in
 * its socket), until the total is under CTL_OUT_TOTAL_LOW or that client
 * has read them; it is looked at again every HOLD_CHECK seconds.  The
 * figure is eight clients at their own cap; a few hundred that never
 * read would otherwise hold gigabytes.
 */
#define CTL_OUT_TOTAL_MAX (64 * 1024 * 1024)
#define CTL_OUT_TOTAL_LOW (48 * 1024 * 1024)
#define HOLD_CHECK	0.25
#define HTTP_HEAD_MAX	1024	/* a response's status line and headers */
#define CTL_OUT_KEEP	(16 * 1024)	/* a buffer kept once written out */
/*
 * A stream over TCP that has nothing to send waits without a timer: the
 * kernel's keepalive probes its peer (once it was silent control_timeout,
 * then every third of it, so many times) and a peer gone without a word
 * makes the socket's error readable.  The loop wakes for nothing
 * meanwhile.
 */
#define STREAM_KEEPCNT	3
#define LOG_WINDOW	5	/* seconds: a repeated log line's window */
#define LOG_BURST	5	/* ... lines said in full in a quiet one */
#define ACCEPT_PAUSE	0.1	/* after EMFILE: seconds before accepting */
#define ACCEPT_BATCH	64	/* accepts per wake-up */
#define FD_RESERVE	16	/* descriptors clients must leave to spawns */

struct ctl_client {
	struct ctl_client *c_next;	/* clients, or the freed list */
	int		 c_fd;
	uid_t		 c_uid;
	ev_io		 c_rio;		/* readable */
	ev_io		 c_wio;		/* writable, while output waits */
	ev_timer	 c_timer;	/* silence: nothing read or written */
	char		 c_in[CTL_LINE_MAX + 1];
	size_t		 c_inlen;
	bool		 c_discard;	/* dropping the rest of a long line */
	char		*c_out;		/* reply bytes not yet written */
	size_t		 c_outlen;
	size_t		 c_outoff;	/* written so far */
	size_t		 c_outcap;
	bool		 c_busy;	/* a request is being answered */
	bool		 c_dispatching;	/* inside dispatch() */
	bool		 c_eof;		/* the client will send nothing more */
	bool		 c_dead;	/* dropped; freed after this iteration */
	bool		 c_stream;	/* answered as it goes (tail -f): its
					   hang-up ends it */
	bool		 c_held;	/* not read: the total is over its cap
					   and replies wait for this client */
	bool		 c_mode_known;	/* HTTP or lines: its first byte */
	bool		 c_tcp;		/* from [inet_http_server] */
	struct http_request *c_http;	/* HTTP: the request being read */
	bool		 c_close_after;	/* HTTP: close once the reply is out */
	bool		 c_chunked;	/* HTTP: a stream, in chunks */
};

/* HTTP Basic credentials a listener asks for; none: no user. */
struct http_auth {
	char	*ha_user;
	char	*ha_password;	/* plain, or "{SHA}" and hex */
	bool	 ha_readonly;	/* readonly = true: nothing is changed */
};

/*
 * A line a client can make the supervisor log over and over (a refused
 * uid connecting in a loop): in a window of LOG_WINDOW seconds, the first
 * LOG_BURST are said; the others are counted, and summed up in one line
 * when the window ends.  While they keep coming, each window says only
 * its summary; a window without any ends it.
 */
struct ratelimit {
	const char	*rl_what;	/* the summary's subject, plural */
	ev_timer	 rl_timer;	/* the end of the window */
	double		 rl_start;	/* when the window began (monotonic) */
	bool		 rl_open;	/* a window is running */
	bool		 rl_flooding;	/* the last window held lines back */
	unsigned	 rl_said;	/* lines said in this window */
	unsigned long	 rl_more;	/* ... and held back */
	long		 rl_uid;	/* theirs; RL_NOUID, RL_SEVERAL */
};
#define RL_NOUID	(-1L)		/* not about a client */
#define RL_SEVERAL	(-2L)		/* from more than one uid */

static struct ev_loop	*loop;
static int		 listen_fd = -1;
static char		*listen_path;		/* unlinked at exit */
static dev_t		 listen_dev;		/* ... if it is still ours */
static ino_t		 listen_ino;
static ev_io		 accept_watcher;
static ev_timer		 accept_pause;		/* after EMFILE */
static ev_prepare	 reap_watcher;		/* frees dropped clients */
static struct ctl_client *clients, *dead;
static double		 timeout = 10;
static const struct control_handler *handler;	/* answers requests */
static int		 sock_mode = 0600;
static long		 sock_uid = -1, sock_gid = -1;
static size_t		 out_total;	/* reply buffers, all clients */
static unsigned		 nheld;		/* clients with c_held */
static ev_timer		 hold_timer;	/* while any: reads them again? */
static int		 inet_fd = -1;		/* [inet_http_server] */
static char		 inet_name[128];	/* HOST:PORT, for messages */
static ev_io		 inet_watcher;
static struct http_auth	 unix_auth, inet_auth;
static size_t		 http_bodies;	/* request bodies, all clients */
static unsigned long long line_requests, http_requests; /* answered */
#define HTTP_BODIES_MAX	(32 * 1024 * 1024)

static struct ratelimit	 rl_refused = { .rl_what = "refused connections" };
static struct ratelimit	 rl_unread = {
	.rl_what = "clients dropped for not reading their replies" };
static struct ratelimit	 rl_nomem = {
	.rl_what = "clients dropped for lack of memory" };
static struct ratelimit	 rl_silent = {
	.rl_what = "clients dropped for sending no request in time" };
static struct ratelimit	 rl_slow = {
	.rl_what = "clients dropped for reading nothing of a reply in time" };
static struct ratelimit	 rl_accept = { .rl_what = "failed accepts" };
static struct ratelimit	 rl_held = {
	.rl_what = "times the replies waiting reached the total's cap" };
static struct ratelimit	 rl_http = { .rl_what = "bad HTTP requests" };
static struct ratelimit	 rl_auth = {
	.rl_what = "HTTP requests refused for their credentials" };
static struct ratelimit	*const limits[] = { &rl_refused, &rl_unread,
	&rl_nomem, &rl_silent, &rl_slow, &rl_accept, &rl_held, &rl_http,
	&rl_auth };

static void	dispatch(struct ctl_client *);
static void	dispatch_http(struct ctl_client *);
static void	maybe_close(struct ctl_client *);
static void	client_drop(struct ctl_client *, const char *,
		    struct ratelimit *);

/* The summary of the lines a window held back. */
static void
ratelimit_summary(struct ratelimit *rl)
{
	char from[48] = "";

	if (rl->rl_uid == RL_SEVERAL)
		snprintf(from, sizeof(from), " from several uids");
	else if (rl->rl_uid != RL_NOUID)
		snprintf(from, sizeof(from), " from uid %ld", rl->rl_uid);
	log_warnx("control socket: %lu more %s%s in the last %.0f s",
	    rl->rl_more, rl->rl_what, from, mono_now() - rl->rl_start);
	rl->rl_more = 0;
}

/* May a line of this kind, about uid (or RL_NOUID), be said now? */
static bool
ratelimit_pass(struct ratelimit *rl, long uid)
{
	if (loop == NULL)
		return true;
	if (!rl->rl_open) {
		rl->rl_open = true;
		rl->rl_said = 0;
		rl->rl_start = mono_now();
		ev_timer_set(&rl->rl_timer, LOG_WINDOW, 0);
		ev_timer_start(loop, &rl->rl_timer);
	}
	if (!rl->rl_flooding && rl->rl_said < LOG_BURST) {
		rl->rl_said++;
		return true;
	}
	if (rl->rl_more++ == 0)
		rl->rl_uid = uid;
	else if (rl->rl_uid != uid)
		rl->rl_uid = RL_SEVERAL;
	return false;
}

/* A window ends: its summary, and another window while they come. */
static void
ratelimit_cb(struct ev_loop *l, ev_timer *w, int revents)
{
	struct ratelimit *rl = w->data;

	(void)revents;
	if (rl->rl_more == 0) {
		rl->rl_open = rl->rl_flooding = false;
		return;
	}
	ratelimit_summary(rl);
	rl->rl_flooding = true;
	rl->rl_said = 0;
	rl->rl_start = mono_now();
	ev_timer_set(w, LOG_WINDOW, 0);
	ev_timer_start(l, w);
}

static int
fill_addr(struct sockaddr_un *sun, const char *path)
{
	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun->sun_path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	strcpy(sun->sun_path, path);
	return 0;
}

/* Does a daemon answer on path?  A stale file (nobody listening) does not. */
static bool
someone_answers(const struct sockaddr_un *sun)
{
	int fd, r;

	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		return false;
	r = connect(fd, (const struct sockaddr *)sun, sizeof(*sun));
	close(fd);
	return r == 0;
}

/*
 * Binds with the socket's mode from the start (the umask bind obeys), so
 * no chmod by path follows: nobody can swap the path for a link to a file
 * of root's between the two.
 */
static int
bind_socket(int fd, const struct sockaddr_un *sun)
{
	mode_t old = umask((mode_t)(~sock_mode & 0777));
	int r = bind(fd, (const struct sockaddr *)sun, sizeof(*sun));

	umask(old);
	return r;
}

/*
 * Creates the listening socket at path, before the daemon forks: a
 * second daemon on the same path refuses to start here.  A stale socket
 * file is replaced; a live one is not.  A default path (nobody chose it)
 * that cannot be created leaves the daemon without a socket, warned;
 * a chosen one stops it.  Returns 0, or -1 after logging.
 */
int
control_listen(const struct config *cf, const char *path, bool is_default)
{
	char why[TRUST_WHY], *dir, *slash;
	struct sockaddr_un sun;
	struct stat st;

	timeout = cf->cf_control_timeout > 0 ? cf->cf_control_timeout : 10;
	sock_mode = cf->cf_socket_mode;
	sock_uid = cf->cf_socket_uid;
	sock_gid = cf->cf_socket_gid;
	if (path == NULL) {
		log_info("control socket: none (socket = none)");
		return 0;
	}
	if (fill_addr(&sun, path) == -1) {
		log_error("control socket %s: path longer than %zu bytes%s",
		    path, sizeof(sun.sun_path) - 1, is_default ? "; running "
		    "without one (set socket = in [supervisor])" : "");
		return is_default ? 0 : -1;
	}
	/*
	 * As root, in a directory others can write (and not sticky), the
	 * socket could be swapped for another file under our feet: refused.
	 */
	if (geteuid() == 0 && (dir = strdup(path)) != NULL) {
		if ((slash = strrchr(dir, '/')) == NULL)
			strcpy(dir, ".");
		else
			slash[slash == dir ? 1 : 0] = '\0';
		if (trust_dir_for_files(dir, why, sizeof(why)) == -1) {
			log_error("control socket %s: %s; not starting", path,
			    why);
			free(dir);
			return -1;
		}
		free(dir);
	}
	if ((listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, 0)) == -1) {
		log_warn("control socket: socket");
		return -1;
	}
	if (bind_socket(listen_fd, &sun) == -1) {
		if (errno != EADDRINUSE && is_default) {
			log_warn("control socket: cannot create %s (running "
			    "without one; set socket = in [supervisor], or use "
			    "-s PATH)", path);
			close(listen_fd);
			listen_fd = -1;
			return 0;
		}
		if (errno != EADDRINUSE) {
			log_warn("control socket: bind %s", path);
			goto fail;
		}
		if (lstat(path, &st) == 0 && !S_ISSOCK(st.st_mode)) {
			log_error("control socket %s: exists and is not a "
			    "socket; not starting", path);
			goto fail;
		}
		if (someone_answers(&sun)) {
			log_error("control socket %s: another supervisor is "
			    "answering on it; not starting (stop it, or set "
			    "socket = in [supervisor], or use -s PATH)", path);
			goto fail;
		}
		log_info("control socket %s: nobody answers on it; replacing "
		    "it", path);
		if (unlink(path) == -1 && errno != ENOENT) {
			log_warn("control socket: unlink %s", path);
			goto fail;
		}
		if (bind_socket(listen_fd, &sun) == -1) {
			log_warn("control socket: bind %s", path);
			goto fail;
		}
	}
	/* Never through a link: at worst the link's own owner changes. */
	if ((sock_uid != -1 || sock_gid != -1) && fchownat(AT_FDCWD, path,
	    (uid_t)sock_uid, (gid_t)sock_gid, AT_SYMLINK_NOFOLLOW) == -1)
		log_warn("control socket: chown %s", path);
	if (listen(listen_fd, 128) == -1 || lstat(path, &st) == -1) {
		log_warn("control socket: listen %s", path);
		unlink(path);
		goto fail;
	}
	listen_dev = st.st_dev;
	listen_ino = st.st_ino;
	listen_path = strdup(path);
	return 0;
fail:
	close(listen_fd);
	listen_fd = -1;
	return -1;
}

static void
auth_set(struct http_auth *ha, const struct http_config *hc)
{
	if (ha->ha_password != NULL)
		explicit_bzero(ha->ha_password, strlen(ha->ha_password));
	free(ha->ha_user);
	free(ha->ha_password);
	ha->ha_user = ha->ha_password = NULL;
	ha->ha_readonly = hc != NULL && hc->hc_readonly;
	if (hc == NULL || hc->hc_username == NULL)
		return;
	ha->ha_user = strdup(hc->hc_username);
	ha->ha_password = strdup(hc->hc_password);
	if (ha->ha_user == NULL || ha->ha_password == NULL) {
		/* Never open for want of memory: nobody gets in. */
		free(ha->ha_user);
		free(ha->ha_password);
		ha->ha_user = strdup("");
		ha->ha_password = strdup("{SHA}-");
		if (ha->ha_user == NULL || ha->ha_password == NULL)
			fatalx("out of memory");
	}
}

/* The credentials of both listeners, from the config (start, reload). */
void
control_set_auth(const struct config *cf)
{
	auth_set(&unix_auth, &cf->cf_unix_http);
	auth_set(&inet_auth, &cf->cf_inet_http);
}

/*
 * [inet_http_server]'s TCP listener, before the daemon forks.  Its host
 * is resolved here, once.  0, or -1 after logging.
 */
int
control_listen_inet(const struct config *cf)
{
	struct addrinfo hints, *res = NULL, *ai;
	const char *host = cf->cf_inet_host;
	int fd = -1, on = 1, e;

	control_set_auth(cf);
	if (!cf->cf_inet)
		return 0;
	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
	/* No host: every IPv4 address, as supervisord's ''. */
	hints.ai_family = *host == '\0' ? AF_INET : AF_UNSPEC;
	snprintf(inet_name, sizeof(inet_name), "%s:%s", *host ? host : "*",
	    cf->cf_inet_port);
	if ((e = getaddrinfo(*host ? host : NULL, cf->cf_inet_port, &hints,
	    &res)) != 0) {
		log_error("[inet_http_server] port=%s: %s", inet_name,
		    gai_strerror(e));
		return -1;
	}
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK |
		    SOCK_CLOEXEC, ai->ai_protocol);
		if (fd == -1)
			continue;
		(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
		if (bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 &&
		    listen(fd, 128) == 0)
			break;
		e = errno;
		close(fd);
		fd = -1;
		errno = e;
	}
	freeaddrinfo(res);
	if (fd == -1) {
		log_warn("[inet_http_server] port=%s: cannot listen", inet_name);
		return -1;
	}
	inet_fd = fd;
	return 0;
}

/*
 * Is the peer on fd (its credentials when it connected) a member of gid,
 * by its primary group or a supplementary one?  False when the kernel
 * cannot say.
 */
static bool
peer_in_group(int fd, gid_t gid)
{
	struct ucred cr;
	socklen_t len = sizeof(cr);
	gid_t some[256], *groups = some;
	size_t i, n;
	bool in = false;

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &len) == -1)
		return false;
	if (cr.gid == gid)
		return true;
	len = sizeof(some);
	if (getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, groups, &len) == -1) {
		/* ERANGE: len says how much room they take. */
		if (errno != ERANGE || (groups = malloc(len)) == NULL)
			return false;
		if (getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, groups, &len) ==
		    -1) {
			free(groups);
			return false;
		}
	}
	n = len / sizeof(groups[0]);
	for (i = 0; i < n && !in; i++)
		in = groups[i] == gid;
	if (groups != some)
		free(groups);
	return in;
}

/* Root, our own uid, and the owner or group chown= names (with the mode
 * letting them in) may ask. */
static bool
peer_allowed(int fd, uid_t *uid)
{
	struct ucred cr;
	socklen_t len = sizeof(cr);

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &len) == -1)
		return false;
	*uid = cr.uid;
	if (cr.uid == 0 || cr.uid == geteuid())
		return true;
	if (sock_uid != -1 && (long)cr.uid == sock_uid && (sock_mode & 0600))
		return true;
	if (sock_gid == -1 || (sock_mode & 0060) == 0)
		return false;
	return peer_in_group(fd, (gid_t)sock_gid);
}

/*
 * Could the client have read a file of this owner, group and mode itself?
 * The kernel's rule: root reads anything; its owner, by the owner's bits;
 * a member of its group, by the group's; anyone else, by the others'.
 * ACLs are not looked at: a file that only an ACL opens to the client is
 * refused, never the other way round.
 */
bool
control_client_can_read(const struct ctl_client *c, const struct stat *st)
{
	if (c->c_uid == 0)
		return true;
	if (c->c_uid == st->st_uid)
		return (st->st_mode & S_IRUSR) != 0;
	if (peer_in_group(c->c_fd, st->st_gid))
		return (st->st_mode & S_IRGRP) != 0;
	return (st->st_mode & S_IROTH) != 0;
}

/* Its uid, for messages. */
long
control_client_uid(const struct ctl_client *c)
{
	return (long)c->c_uid;
}

/*
 * Has c replies it has not read: in its buffer here, or in its socket
 * (SIOCOUTQ: what was sent and the client has not read yet)?
 */
static bool
replies_wait(const struct ctl_client *c)
{
	int unread = 0;

	if (c->c_outoff < c->c_outlen)
		return true;
	return ioctl(c->c_fd, SIOCOUTQ, &unread) == 0 && unread > 0;
}

/* All clients' replies are over their cap, and some wait for c. */
static bool
over_total(const struct ctl_client *c)
{
	return out_total >= CTL_OUT_TOTAL_MAX && replies_wait(c);
}

/* Reads nothing more from c until hold_cb lets it go. */
static void
hold(struct ctl_client *c)
{
	ev_io_stop(loop, &c->c_rio);
	if (c->c_held)
		return;
	c->c_held = true;
	if (nheld++ > 0)
		return;
	ev_timer_start(loop, &hold_timer);
	if (ratelimit_pass(&rl_held, RL_NOUID))
		log_warnx("control socket: replies waiting to be read take "
		    "%d MiB; no request is read from the clients they wait "
		    "for until they read them", CTL_OUT_TOTAL_MAX >> 20);
}

static void
unhold(struct ctl_client *c)
{
	if (!c->c_held)
		return;
	c->c_held = false;
	if (--nheld == 0)
		ev_timer_stop(loop, &hold_timer);
}

/*
 * Held clients are read again once the total is under its low mark, or
 * once they have read their replies.  Dispatching one may drop others
 * (a finished operation answers its waiters): then the walk starts over,
 * each pass having released one more client.
 */
static void
hold_cb(struct ev_loop *l, ev_timer *w, int revents)
{
	struct ctl_client *c, *next;

	(void)l;
	(void)w;
	(void)revents;
again:
	for (c = clients; c != NULL && nheld > 0; c = next) {
		next = c->c_next;
		if (!c->c_held || (out_total >= CTL_OUT_TOTAL_LOW &&
		    replies_wait(c)))
			continue;
		unhold(c);
		dispatch(c);
		if (next != NULL && next->c_dead)
			goto again;
	}
}

static void
timer_restart(struct ctl_client *c)
{
	ev_timer_stop(loop, &c->c_timer);
	ev_timer_set(&c->c_timer, timeout, 0);
	ev_timer_start(loop, &c->c_timer);
}

/* Frees c's reply buffer. */
static void
out_free(struct ctl_client *c)
{
	out_total -= c->c_outcap;
	free(c->c_out);
	c->c_out = NULL;
	c->c_outcap = c->c_outlen = c->c_outoff = 0;
}

/* Appends bytes to the reply; a client that lets too much pile up is
 * dropped rather than let it grow the daemon. */
/*
 * A client's unread reply bytes at most: CTL_OUT_MAX, and CTL_OUT_PER for
 * each process, so that one reply about every process (getAllProcessInfo,
 * /metrics: about 1.3 KB each) fits at 10,000 of them.
 */
static size_t	out_max = CTL_OUT_MAX;

/* control_lines writes to the socket at once past this many bytes. */
#define CTL_LINES_EARLY	32768

void
control_set_processes(size_t n)
{
	out_max = CTL_OUT_MAX + n * CTL_OUT_PER;
}

static void
out_append(struct ctl_client *c, const char *s, size_t n)
{
	size_t cap, waiting = c->c_outlen - c->c_outoff;
	char *nb;

	if (c->c_dead)
		return;
	if (waiting + n > out_max) {
		client_drop(c, "does not read its replies", &rl_unread);
		return;
	}
	if (c->c_outoff > 0 && c->c_outlen + n > c->c_outcap) {
		/* What was written makes room first: no buffer grows past
		 * out_max. */
		memmove(c->c_out, c->c_out + c->c_outoff, waiting);
		c->c_outoff = 0;
		c->c_outlen = waiting;
	}
	if (c->c_outlen + n > c->c_outcap) {
		cap = c->c_outcap ? c->c_outcap : 1024;
		while (cap < c->c_outlen + n)
			cap *= 2;
		if ((nb = realloc(c->c_out, cap)) == NULL) {
			client_drop(c, "out of memory for its reply",
			    &rl_nomem);
			return;
		}
		out_total += cap - c->c_outcap;
		c->c_out = nb;
		c->c_outcap = cap;
	}
	memcpy(c->c_out + c->c_outlen, s, n);
	c->c_outlen += n;
	ev_io_start(loop, &c->c_wio);
	/* Its time to read this starts now, not at its last request (nor
	 * at each line of a long reply: its reads restart the timer). */
	if (waiting == 0 || !ev_is_active(&c->c_timer))
		timer_restart(c);
}

static void
out_vprintf(struct ctl_client *c, const char *prefix, const char *fmt,
    va_list ap)
{
	char buf[1024], *big = NULL;
	const char *line = buf;
	va_list ap2;
	int n;

	va_copy(ap2, ap);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	if (n >= (int)sizeof(buf)) {
		if (vasprintf(&big, fmt, ap2) == -1)
			big = NULL;
		line = big != NULL ? big : buf;
	}
	va_end(ap2);
	if (n < 0)
		return;
	out_append(c, prefix, strlen(prefix));
	out_append(c, line, strlen(line));
	out_append(c, "\n", 1);
	free(big);
}

/* A line about one item that failed: "! NAME\tWHY". */
void
control_error(struct ctl_client *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	out_vprintf(c, "! ", fmt, ap);
	va_end(ap);
}

/* A data line of the reply: "* FIELDS". */
void
control_reply(struct ctl_client *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	out_vprintf(c, "* ", fmt, ap);
	va_end(ap);
}

/* Data lines the caller made, each "* FIELDS" and a newline: a reply
 * of 10,000 lines without a printf each. */
void
control_lines(struct ctl_client *c, const char *lines, size_t n)
{
	ssize_t w;

	if (n == 0)
		return;
	out_append(c, lines, n);
	if (c->c_dead || c->c_outlen - c->c_outoff < CTL_LINES_EARLY)
		return;
	/* Sent now, not after the last line: the client reads the first
	 * lines while the rest are made (its socket is non-blocking; an
	 * error is write_cb's to find). */
	if ((w = write(c->c_fd, c->c_out + c->c_outoff,
	    c->c_outlen - c->c_outoff)) > 0)
		c->c_outoff += (size_t)w;
}

/* The status line that ends a reply: "= CODE TEXT".  The client's next
 * request is read after it. */
void
control_end(struct ctl_client *c, int code, const char *fmt, ...)
{
	char prefix[16];
	va_list ap;

	if (c->c_http != NULL) {
		/* An HTTP stream (logtail) ends: the connection with it. */
		if (c->c_chunked)
			out_append(c, "0\r\n\r\n", 5);
		c->c_chunked = false;
		c->c_busy = false;
		c->c_stream = false;
		c->c_close_after = true;
		maybe_close(c);
		return;
	}
	snprintf(prefix, sizeof(prefix), "= %d ", code);
	va_start(ap, fmt);
	out_vprintf(c, prefix, fmt, ap);
	va_end(ap);
	c->c_busy = false;
	c->c_stream = false;
	if (!c->c_dead && !c->c_dispatching)
		dispatch(c);
}

/* A data frame of the reply: "+ LENGTH", a newline, then the bytes. */
void
control_data(struct ctl_client *c, const char *data, size_t n)
{
	char head[32];
	int len;

	if (c->c_http != NULL) {	/* HTTP: a chunk of the stream */
		if (n == 0 || !c->c_chunked)
			return;
		len = snprintf(head, sizeof(head), "%zx\r\n", n);
		out_append(c, head, (size_t)len);
		out_append(c, data, n);
		out_append(c, "\r\n", 2);
		return;
	}
	len = snprintf(head, sizeof(head), "+ %zu\n", n);
	out_append(c, head, (size_t)len);
	out_append(c, data, n);
}

/*
 * May c be sent more now?  While fewer than max bytes wait for it; and
 * while all clients' replies are over their cap, only when nothing waits
 * for it: it is told (ch_drained) when what waits has been read.
 */
bool
control_can_send(const struct ctl_client *c, size_t max)
{
	size_t waiting = c->c_outlen - c->c_outoff;

	return !c->c_dead && waiting < max && (waiting == 0 ||
	    out_total < CTL_OUT_TOTAL_MAX);
}

/*
 * The reply goes on until the client hangs up: read on, so that its
 * hang-up is seen even while nothing is written to it.
 */
void
control_stream(struct ctl_client *c)
{
	static const int on = 1, cnt = STREAM_KEEPCNT;
	static bool warned;	/* said once: it would be for every stream */
	/* Whole seconds, as the kernel counts them: at least 1. */
	int idle = timeout < 1 ? 1 : timeout > 3600 ? 3600 : (int)timeout,
	    intvl = idle / 3 > 1 ? idle / 3 : 1;
	/* Bytes sent and never acknowledged (the peer went while a change
	 * was on its way) are retransmitted for some 15 minutes; keepalive
	 * is not sent meanwhile.  The same bound for both. */
	unsigned int user_ms = (unsigned int)(idle + intvl * cnt) * 1000;

	c->c_stream = true;
	if (c->c_tcp && !c->c_dead && (setsockopt(c->c_fd, SOL_SOCKET,
	    SO_KEEPALIVE, &on, sizeof(on)) == -1 || setsockopt(c->c_fd,
	    IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof(idle)) == -1 ||
	    setsockopt(c->c_fd, IPPROTO_TCP, TCP_KEEPINTVL, &intvl,
	    sizeof(intvl)) == -1 || setsockopt(c->c_fd, IPPROTO_TCP,
	    TCP_KEEPCNT, &cnt, sizeof(cnt)) == -1 || setsockopt(c->c_fd,
	    IPPROTO_TCP, TCP_USER_TIMEOUT, &user_ms, sizeof(user_ms)) == -1) &&
	    !warned) {
		warned = true;
		log_warn("HTTP stream: TCP keepalive (a peer gone without a "
		    "word is not noticed)");
	}
	if (!c->c_dead && !c->c_eof)
		ev_io_start(loop, &c->c_rio);
}

static void
http_free(struct ctl_client *c)
{
	if (c->c_http == NULL)
		return;
	http_bodies -= c->c_http->hr_bodycap;
	http_request_free(c->c_http);
	free(c->c_http);
	c->c_http = NULL;
}

/*
 * What an HTTP client sent and nobody read is dropped before the close:
 * closed with it unread, the socket would be reset, and the client could
 * lose the answer it was sent (a 413 to a body still coming).
 */
static void
http_drain(struct ctl_client *c)
{
	char buf[4096];
	int i;

	if (c->c_http == NULL || c->c_fd == -1)
		return;
	(void)shutdown(c->c_fd, SHUT_WR);
	for (i = 0; i < 16 && read(c->c_fd, buf, sizeof(buf)) > 0; i++)
		;
}

static void
client_free(struct ctl_client *c)
{
	http_drain(c);
	ev_io_stop(loop, &c->c_rio);
	ev_io_stop(loop, &c->c_wio);
	ev_timer_stop(loop, &c->c_timer);
	if (c->c_fd != -1)
		close(c->c_fd);
	out_total -= c->c_outcap;
	free(c->c_out);
	http_free(c);
	free(c);
}

/* Unlinks c and stops it now; frees it once the loop iteration is over,
 * as callers up the stack may still hold it.  Why, if said, is logged
 * within the limits of rl. */
static void
client_drop(struct ctl_client *c, const char *why, struct ratelimit *rl)
{
	struct ctl_client **pp;

	if (c->c_dead)
		return;
	if (why != NULL && ratelimit_pass(rl, (long)c->c_uid))
		log_warnx("control client (uid %d) %s; dropped", (int)c->c_uid,
		    why);
	c->c_dead = true;
	unhold(c);
	for (pp = &clients; *pp != NULL; pp = &(*pp)->c_next)
		if (*pp == c) {
			*pp = c->c_next;
			break;
		}
	ev_io_stop(loop, &c->c_rio);
	ev_io_stop(loop, &c->c_wio);
	ev_timer_stop(loop, &c->c_timer);
	handler->ch_gone(c);
	/* Nothing more is written to it: its memory is free now. */
	out_free(c);
	c->c_next = dead;
	dead = c;
	ev_prepare_start(loop, &reap_watcher);
}

static void
reap_cb(struct ev_loop *l, ev_prepare *w, int revents)
{
	struct ctl_client *c;

	(void)revents;
	while ((c = dead) != NULL) {
		dead = c->c_next;
		client_free(c);
	}
	ev_prepare_stop(l, w);
}

/* Done with a client that sent EOF (or an HTTP client told it closes)
 * once its replies are out. */
static void
maybe_close(struct ctl_client *c)
{
	if ((c->c_eof || c->c_close_after) && !c->c_busy &&
	    c->c_outoff == c->c_outlen)
		client_drop(c, NULL, NULL);
}

/* Answers the complete lines read so far, one request at a time. */
static void
dispatch(struct ctl_client *c)
{
	struct ctl_request rq;
	const char *why;
	char *nl;
	size_t len;

	if (c->c_http != NULL) {
		dispatch_http(c);
		return;
	}
	c->c_dispatching = true;
	while (!c->c_dead && !c->c_busy && !over_total(c) &&
	    (nl = memchr(c->c_in, '\n', c->c_inlen)) != NULL) {
		len = (size_t)(nl - c->c_in);
		if (ctl_parse(c->c_in, len, &rq, &why) == -1) {
			c->c_busy = true;
			control_end(c, CTL_BADREQ, "%s", why);
		} else if (rq.rq_argc > 0) {
			c->c_busy = true;
			line_requests++;
			handler->ch_request(c, rq.rq_argc, rq.rq_argv);
		}
		/* command_run copied what it keeps; drop the line. */
		memmove(c->c_in, nl + 1, c->c_inlen - len - 1);
		c->c_inlen -= len + 1;
	}
	c->c_dispatching = false;
	if (c->c_dead)
		return;
	if (!c->c_busy && over_total(c)) {
		/* Asked nothing more until its replies are read, or the
		 * total is down: its requests wait in the socket. */
		hold(c);
		return;
	}
	if (!c->c_busy && c->c_inlen == CTL_LINE_MAX) {
		/* A line that does not fit: say so, skip to its end. */
		c->c_busy = true;
		c->c_inlen = 0;
		c->c_discard = true;
		control_end(c, CTL_BADREQ, "request line too long");
		return;
	}
	/* Read more only when it can be answered: backpressure. */
	if ((c->c_busy && !c->c_stream) || c->c_eof)
		ev_io_stop(loop, &c->c_rio);
	else
		ev_io_start(loop, &c->c_rio);
	maybe_close(c);
}

/* ---- HTTP ------------------------------------------------------------ */

/* Equal, in a time that depends on neither's content. */
static bool
same_secret(const char *a, size_t alen, const char *b, size_t blen)
{
	unsigned char diff = alen != blen;
	size_t i, n = alen > blen ? alen : blen;

	for (i = 0; i < n; i++)
		diff |= (unsigned char)(i < alen ? a[i] : 0) ^
		    (unsigned char)(i < blen ? b[i] : 0);
	return diff == 0;
}

/* The request's Basic credentials against the listener's. */
static bool
http_authorized(const struct ctl_client *c)
{
	const struct http_auth *ha = c->c_tcp ? &inet_auth : &unix_auth;
	const struct http_request *r = c->c_http;
	char decoded[HTTP_AUTH_MAX], hex[SHA1_DIGEST_STRING_LENGTH];
	const char *b64, *colon, *pass;
	size_t plen;
	int n;
	bool ok;

	if (ha->ha_user == NULL)
		return true;
	if (!r->hr_has_auth || strncasecmp(r->hr_auth, "Basic ", 6) != 0)
		return false;
	for (b64 = r->hr_auth + 6; *b64 == ' '; b64++)
		;
	if ((n = b64_pton(b64, (unsigned char *)decoded, sizeof(decoded) - 1))
	    < 0)
		return false;
	decoded[n] = '\0';
	if ((colon = memchr(decoded, ':', (size_t)n)) == NULL)
		return false;
	pass = colon + 1;
	plen = (size_t)(decoded + n - pass);
	ok = same_secret(decoded, (size_t)(colon - decoded), ha->ha_user,
	    strlen(ha->ha_user));
	if (strncmp(ha->ha_password, "{SHA}", 5) == 0) {
		SHA1Data((const uint8_t *)pass, plen, hex);
		/* The config's hex may be upper case. */
		for (n = 0; hex[n] != '\0'; n++)
			hex[n] = (char)tolower((unsigned char)hex[n]);
		ok &= same_secret(hex, strlen(hex), ha->ha_password + 5,
		    strlen(ha->ha_password + 5));
	} else
		ok &= same_secret(pass, plen, ha->ha_password,
		    strlen(ha->ha_password));
	explicit_bzero(decoded, sizeof(decoded));
	return ok;
}

static void
http_head(struct ctl_client *c, int status, const char *ctype, long long len,
    const char *extra)
{
	char head[HTTP_HEAD_MAX], clen[48] = "";
	int n;

	if (len >= 0)
		snprintf(clen, sizeof(clen), "Content-Length: %lld\r\n", len);
	n = snprintf(head, sizeof(head), "HTTP/1.1 %d %s\r\nServer: "
	    "supervisor\r\nContent-Type: %s\r\n%s%s%s\r\n", status,
	    http_status_text(status), ctype, clen, extra,
	    c->c_close_after ? "Connection: close\r\n" : "");
	/* The heads are the supervisor's own words: never this long. */
	if (n < 0 || (size_t)n >= sizeof(head))
		fatalx("an HTTP response head of %d bytes", n);
	out_append(c, head, (size_t)n);
}

/*
 * The reply to the HTTP request being answered, whole.  The next request
 * is read after it (unless the connection closes with it).
 */
void
control_http_respond(struct ctl_client *c, int status, const char *ctype,
    const char *body, size_t len)
{
	control_http_respond_with(c, status, ctype, "", body, len);
}

/* The same, with more header lines (each ending in CRLF). */
void
control_http_respond_with(struct ctl_client *c, int status,
    const char *ctype, const char *extra, const char *body, size_t len)
{
	if (c->c_dead || c->c_http == NULL)
		return;
	if (!http_keep_alive(c->c_http) || status >= 400)
		c->c_close_after = true;
	http_head(c, status, ctype, (long long)len, extra);
	out_append(c, body, len);
	c->c_busy = false;
	http_request_next(c->c_http);
	if (!c->c_dead && !c->c_dispatching)
		dispatch_http(c);
}

/*
 * A reply that goes on until the connection closes (a log followed):
 * the head now, the bytes with control_data(), the end with control_end().
 */
void
control_http_stream(struct ctl_client *c, const char *ctype)
{
	control_http_stream_with(c, ctype, "");
}

void
control_http_stream_with(struct ctl_client *c, const char *ctype,
    const char *extra)
{
	char head[HTTP_HEAD_MAX];

	if (c->c_dead || c->c_http == NULL)
		return;
	c->c_close_after = true;
	snprintf(head, sizeof(head), "Transfer-Encoding: chunked\r\n"
	    "X-Accel-Buffering: no\r\n%s", extra);
	http_head(c, 200, ctype, -1, head);
	c->c_chunked = true;
	control_stream(c);
}

/* The request's Host or Origin header (NULL: none). */
const char *
control_http_header(const struct ctl_client *c, enum http_kept h)
{
	return c->c_http != NULL ? http_header(c->c_http, h) : NULL;
}

/* Is c on a listener that changes nothing ([inet_http_server] readonly)? */
bool
control_client_readonly(const struct ctl_client *c)
{
	return c->c_tcp && inet_auth.ha_readonly;
}

/* Is c on [inet_http_server] without a password?  Then a browser's page
 * from anywhere could reach it through a name that resolves here. */
bool
control_client_open_tcp(const struct ctl_client *c)
{
	return c->c_tcp && inet_auth.ha_user == NULL;
}

/* Clients connected now, and requests answered since the start. */
size_t
control_client_count(void)
{
	const struct ctl_client *c;
	size_t n = 0;

	for (c = clients; c != NULL; c = c->c_next)
		n++;
	return n;
}

unsigned long long
control_requests(bool http)
{
	return http ? http_requests : line_requests;
}

/* An error the connection ends with. */
static void
http_error(struct ctl_client *c, int status, const char *why,
    const char *extra)
{
	char body[256];
	int n;

	c->c_close_after = true;
	n = snprintf(body, sizeof(body), "<html><head><title>%d %s</title>"
	    "</head><body><h1>%d %s</h1><p>%s</p></body></html>\n", status,
	    http_status_text(status), status, http_status_text(status), why);
	http_head(c, status, "text/html", n, extra);
	out_append(c, body, (size_t)n);
	c->c_busy = false;
	c->c_inlen = 0;
}

/* Does the connection speak HTTP?  Told by its first byte. */
static void
http_begin(struct ctl_client *c, char first)
{
	c->c_mode_known = true;
	/* TCP is HTTP alone: what isn't, its parser refuses. */
	if (!c->c_tcp && (first < 'A' || first > 'Z'))
		return;
	if ((c->c_http = malloc(sizeof(*c->c_http))) == NULL) {
		client_drop(c, "out of memory for its request", &rl_nomem);
		return;
	}
	http_request_init(c->c_http);
}

/* Reads HTTP requests from what came in, one at a time. */
static void
dispatch_http(struct ctl_client *c)
{
	struct http_request *r = c->c_http;
	size_t before, n;

	c->c_dispatching = true;
	while (!c->c_dead && !c->c_busy && !c->c_close_after &&
	    !over_total(c) && c->c_inlen > 0) {
		before = r->hr_bodycap;
		n = http_feed(r, c->c_in, c->c_inlen);
		memmove(c->c_in, c->c_in + n, c->c_inlen - n);
		c->c_inlen -= n;
		http_bodies += r->hr_bodycap - before;
		if (r->hr_status == 0 && http_bodies > HTTP_BODIES_MAX) {
			r->hr_status = 503;
			r->hr_why = "the requests being read take all the room "
			    "there is for them";
		}
		if (r->hr_status != 0) {
			if (ratelimit_pass(&rl_http, (long)c->c_uid))
				log_warnx("control client (%s) sent a bad HTTP "
				    "request: %s", c->c_tcp ? inet_name :
				    "unix socket", r->hr_why);
			c->c_busy = true;
			http_error(c, r->hr_status, r->hr_why, "");
			break;
		}
		if (!r->hr_complete)
			continue;
		c->c_busy = true;
		if (!http_authorized(c)) {
			if (ratelimit_pass(&rl_auth, (long)c->c_uid))
				log_warnx("control client (%s) refused: wrong "
				    "or missing HTTP credentials", c->c_tcp ?
				    inet_name : "unix socket");
			http_error(c, 401, "Unauthorized", "WWW-Authenticate: "
			    "Basic realm=\"default\"\r\n");
			break;
		}
		http_requests++;
		handler->ch_http(c, http_method_name(r), r->hr_url,
		    r->hr_body != NULL ? r->hr_body : "", r->hr_bodylen);
	}
	c->c_dispatching = false;
	if (c->c_dead)
		return;
	/* A stream (events, a log) is read on for its hang-up alone: a page
	 * closed while nothing changes is seen gone at once. */
	if ((c->c_busy && !c->c_stream) || c->c_eof ||
	    (c->c_close_after && !(c->c_stream && c->c_busy)) ||
	    (!c->c_busy && over_total(c)))
		ev_io_stop(loop, &c->c_rio);
	else
		ev_io_start(loop, &c->c_rio);
	maybe_close(c);
}

static void
read_cb(struct ev_loop *l, ev_io *w, int revents)
{
	struct ctl_client *c = w->data;
	ssize_t n;

	(void)l;
	(void)revents;
	if (c->c_stream && c->c_busy) {
		/* Nothing is asked while a stream goes on: only the end. */
		n = read(c->c_fd, c->c_in, CTL_LINE_MAX);
		if (n == 0 || (n == -1 && errno != EAGAIN && errno != EINTR))
			client_drop(c, NULL, NULL);
		return;
	}
	if (over_total(c)) {
		hold(c);
		return;
	}
	if (c->c_inlen == CTL_LINE_MAX) {	/* dispatch() deals with it */
		dispatch(c);
		return;
	}
	n = read(c->c_fd, c->c_in + c->c_inlen, CTL_LINE_MAX - c->c_inlen);
	if (n == -1 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n == -1) {
		client_drop(c, NULL, NULL);
		return;
	}
	timer_restart(c);
	if (n > 0 && !c->c_mode_known) {
		http_begin(c, c->c_in[c->c_inlen]);
		if (c->c_dead)
			return;
	}
	if (c->c_http != NULL) {
		if (n == 0)
			c->c_eof = true;
		c->c_inlen += (size_t)n;
		dispatch_http(c);
		return;
	}
	if (n == 0) {
		c->c_eof = true;
		/* An unterminated last line still counts as a request. */
		if (c->c_inlen > 0 && c->c_inlen < CTL_LINE_MAX)
			c->c_in[c->c_inlen++] = '\n';
	} else
		c->c_inlen += (size_t)n;
	if (c->c_discard) {
		char *nl = memchr(c->c_in, '\n', c->c_inlen);

		if (nl == NULL) {
			c->c_inlen = 0;
			if (c->c_eof)
				maybe_close(c);
			return;
		}
		memmove(c->c_in, nl + 1, c->c_inlen - (size_t)(nl - c->c_in)
		    - 1);
		c->c_inlen -= (size_t)(nl - c->c_in) + 1;
		c->c_discard = false;
	}
	dispatch(c);
}

static void
write_cb(struct ev_loop *l, ev_io *w, int revents)
{
	struct ctl_client *c = w->data;
	ssize_t n;

	(void)revents;
	while (c->c_outoff < c->c_outlen) {
		n = write(c->c_fd, c->c_out + c->c_outoff,
		    c->c_outlen - c->c_outoff);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && errno == EAGAIN)
			return;
		if (n == -1) {		/* EPIPE: it went away */
			client_drop(c, NULL, NULL);
			return;
		}
		c->c_outoff += (size_t)n;
		timer_restart(c);
	}
	ev_io_stop(l, w);
	/* All read: a stream now waits for its next bytes or its hang-up,
	 * with no timer to wake the loop (see STREAM_KEEPCNT). */
	if (c->c_stream && c->c_busy)
		ev_timer_stop(l, &c->c_timer);
	if (c->c_outcap > CTL_OUT_KEEP)
		out_free(c);
	c->c_outoff = c->c_outlen = 0;
	/* A reply sent in parts (tail) goes on. */
	if (c->c_busy)
		handler->ch_drained(c);
	maybe_close(c);
}

/* Nothing read or written for control_timeout: drop the client, unless
 * it is waiting for an operation (a start can take startsecs and more). */
static void
timeout_cb(struct ev_loop *l, ev_timer *w, int revents)
{
	struct ctl_client *c = w->data;

	(void)l;
	(void)revents;
	if (c->c_busy && c->c_outoff == c->c_outlen) {
		/* A stream with nothing to send waits without waking: its
		 * hang-up is read, its next bytes restart the timer. */
		if (!c->c_stream)
			timer_restart(c);
		return;
	}
	/* Held, it has replies in its socket it does not read. */
	if (c->c_outoff < c->c_outlen || c->c_held)
		client_drop(c, "read nothing of its reply in time", &rl_slow);
	else
		client_drop(c, "sent no request in time", &rl_silent);
}

static void
client_new(int fd, bool tcp)
{
	struct ctl_client *c;
	uid_t uid = (uid_t)-1;
	char msg[96];
	int n;

	/* Over TCP, the password is the credential (an operator's: the
	 * supervisor's own uid, for what it may read). */
	if (tcp)
		uid = geteuid();
	else if (!peer_allowed(fd, &uid)) {
		if (ratelimit_pass(&rl_refused, (long)uid))
			log_warnx("control client uid %d refused: only root, "
			    "uid %d and the socket's chown owner or group may "
			    "connect", (int)uid, (int)geteuid());
		n = snprintf(msg, sizeof(msg), "= %d permission denied for "
		    "uid %d\n", CTL_NOPERM, (int)uid);
		(void)!write(fd, msg, (size_t)n);
		close(fd);
		return;
	}
	if ((c = calloc(1, sizeof(*c))) == NULL) {
		if (ratelimit_pass(&rl_nomem, (long)uid))
			log_warnx("control client (uid %d): out of memory; "
			    "dropped", (int)uid);
		close(fd);
		return;
	}
	c->c_fd = fd;
	c->c_uid = uid;
	c->c_tcp = tcp;
	ev_io_init(&c->c_rio, read_cb, fd, EV_READ);
	ev_io_init(&c->c_wio, write_cb, fd, EV_WRITE);
	ev_timer_init(&c->c_timer, timeout_cb, timeout, 0);
	c->c_rio.data = c->c_wio.data = c->c_timer.data = c;
	c->c_next = clients;
	clients = c;
	ev_io_start(loop, &c->c_rio);
	ev_timer_start(loop, &c->c_timer);
}

/* Stops accepting for ACCEPT_PAUSE; says why at most once a minute. */
static void
accept_pause_now(struct ev_loop *l, const char *why)
{
	static double last_warned = -1e9;
	double now = mono_now();	/* a wall clock set back can't silence it */

	if (now - last_warned > 60) {
		log_warnx("control socket: %s; not accepting clients for %gs",
		    why, ACCEPT_PAUSE);
		last_warned = now;
	}
	ev_io_stop(l, &accept_watcher);
	ev_io_stop(l, &inet_watcher);
	ev_timer_stop(l, &accept_pause);
	ev_timer_set(&accept_pause, ACCEPT_PAUSE, 0);
	ev_timer_start(l, &accept_pause);
}

/*
 * Clients must not take the descriptors spawning needs (a pipe and a
 * cgroup directory per start).  Descriptors are handed out lowest first,
 * so a new client's number tells how close to RLIMIT_NOFILE we are.
 */
static bool
near_fd_limit(int fd)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == -1 || rl.rlim_cur == RLIM_INFINITY)
		return false;
	return (rlim_t)fd + FD_RESERVE >= rl.rlim_cur;
}

static void
accept_cb(struct ev_loop *l, ev_io *w, int revents)
{
	static const char busy[] = "= 1 the supervisor is short of file "
	    "descriptors; try again\n";
	char why[96];
	int fd, i;

	(void)revents;
	for (i = 0; i < ACCEPT_BATCH; i++) {
		fd = accept4(w->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd >= 0 && near_fd_limit(fd)) {
			(void)!write(fd, busy, sizeof(busy) - 1);
			close(fd);
			accept_pause_now(l, "near the file descriptor limit");
			return;
		}
		if (fd >= 0) {
			client_new(fd, w == &inet_watcher);
			continue;
		}
		if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS ||
		    errno == ENOMEM) {
			/* Out of fds: pause instead of spinning on it. */
			snprintf(why, sizeof(why), "accept: %s", strerror(errno));
			accept_pause_now(l, why);
		} else if (errno != EAGAIN && errno != EINTR &&
		    errno != ECONNABORTED && ratelimit_pass(&rl_accept,
		    RL_NOUID))
			log_warn("control socket: accept");
		return;
	}
}

static void
accept_pause_cb(struct ev_loop *l, ev_timer *w, int revents)
{
	(void)w;
	(void)revents;
	if (listen_fd != -1)
		ev_io_start(l, &accept_watcher);
	if (inet_fd != -1)
		ev_io_start(l, &inet_watcher);
}

/* control_timeout from a reload: clients connecting from now on get it. */
void
control_set_timeout(double seconds)
{
	if (seconds > 0)
		timeout = seconds;
}

/* In the daemon, once the loop exists: start answering. */
void
control_start(struct ev_loop *l, const struct control_handler *h)
{
	size_t i;

	loop = l;
	handler = h;
	ev_prepare_init(&reap_watcher, reap_cb);
	ev_timer_init(&hold_timer, hold_cb, HOLD_CHECK, HOLD_CHECK);
	for (i = 0; i < sizeof(limits) / sizeof(limits[0]); i++) {
		ev_timer_init(&limits[i]->rl_timer, ratelimit_cb, LOG_WINDOW,
		    0);
		limits[i]->rl_timer.data = limits[i];
	}
	ev_timer_init(&accept_pause, accept_pause_cb, ACCEPT_PAUSE, 0);
	if (inet_fd != -1) {
		ev_io_init(&inet_watcher, accept_cb, inet_fd, EV_READ);
		ev_io_start(loop, &inet_watcher);
		log_info("HTTP server: %s%s", inet_name, inet_auth.ha_user ==
		    NULL ? " (no password: every local user controls the "
		    "supervisor through it)" : "");
	}
	if (listen_fd == -1)
		return;
	ev_io_init(&accept_watcher, accept_cb, listen_fd, EV_READ);
	ev_io_start(loop, &accept_watcher);
	log_info("control socket: %s", listen_path);
}

/* Last words: writes what each client is owed, as far as the socket
 * takes it without waiting. */
void
control_flush_all(void)
{
	struct ctl_client *c;
	ssize_t n;

	for (c = clients; c != NULL; c = c->c_next)
		while (c->c_outoff < c->c_outlen) {
			n = write(c->c_fd, c->c_out + c->c_outoff,
			    c->c_outlen - c->c_outoff);
			if (n <= 0)
				break;
			c->c_outoff += (size_t)n;
		}
}

/* Stops listening and drops every client; the socket file stays. */
void
control_close(void)
{
	struct ctl_client *c;
	size_t i;

	if (loop != NULL) {
		/* What the windows held back is said before the end. */
		for (i = 0; i < sizeof(limits) / sizeof(limits[0]); i++) {
			ev_timer_stop(loop, &limits[i]->rl_timer);
			if (limits[i]->rl_more > 0)
				ratelimit_summary(limits[i]);
			limits[i]->rl_open = limits[i]->rl_flooding = false;
		}
		ev_timer_stop(loop, &hold_timer);
		ev_io_stop(loop, &accept_watcher);
		ev_io_stop(loop, &inet_watcher);
		ev_timer_stop(loop, &accept_pause);
		while ((c = clients) != NULL) {
			clients = c->c_next;
			handler->ch_gone(c);
			client_free(c);
		}
		while ((c = dead) != NULL) {
			dead = c->c_next;
			client_free(c);
		}
		ev_prepare_stop(loop, &reap_watcher);
	}
	if (listen_fd != -1)
		close(listen_fd);
	listen_fd = -1;
	if (inet_fd != -1)
		close(inet_fd);
	inet_fd = -1;
	auth_set(&unix_auth, NULL);
	auth_set(&inet_auth, NULL);
}

/* Removes the socket file, if it is still the one we made. */
void
control_unlink(void)
{
	struct stat st;

	if (listen_path == NULL)
		return;
	if (lstat(listen_path, &st) == 0 && st.st_dev == listen_dev &&
	    st.st_ino == listen_ino && unlink(listen_path) == -1 &&
	    errno != ENOENT)
		log_warn("control socket: unlink %s", listen_path);
	free(listen_path);
	listen_path = NULL;
}
