/*
 * notifysock.c: the programs' notify socket.  It lives in a directory
 * made for it with an unpredictable name (mkdtemp) under /run as root,
 * else $XDG_RUNTIME_DIR, else /tmp; the directory is searchable and the
 * socket writable by everyone, as programs run as any user: who may say
 * what is decided by the sender's credentials, which the kernel attaches
 * to each datagram (SO_PASSCRED).  Descriptors passed along are closed;
 * a round of the loop reads a bounded number of datagrams.  Its name holds
 * the supervisor's pid, so that the guardian removes it when a killed
 * supervisor could not.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "log.h"
#include "notifysock.h"

/* Datagrams read in one round: a flood can't hold the loop. */
#define ROUND_MAX	64

static struct ev_loop	*loop;
static ev_io		 watcher;
static int		 sock = -1;
static char		 dir[128];	/* the directory made for it */
static char		 path[160];	/* dir/notify */
static notifysock_handler *handler;
static unsigned long	 dropped;	/* bad datagrams, said rarely */

static void
drop(const char *why)
{
	unsigned long n = ++dropped;

	/* Said for the 1st, 10th, 100th ... only: senders are not trusted. */
	while (n >= 10 && n % 10 == 0)
		n /= 10;
	if (n == 1)
		log_warnx("notify socket: dropped a datagram (%s; %lu so far)",
		    why, dropped);
}

/* Closes every descriptor a datagram carried; finds its credentials. */
static struct ucred *
control_parts(struct msghdr *mh)
{
	struct cmsghdr *cm;
	struct ucred *cred = NULL;
	size_t i, n;
	int *fds;

	for (cm = CMSG_FIRSTHDR(mh); cm != NULL; cm = CMSG_NXTHDR(mh, cm)) {
		if (cm->cmsg_level != SOL_SOCKET)
			continue;
		if (cm->cmsg_type == SCM_RIGHTS) {
			fds = (int *)(void *)CMSG_DATA(cm);
			n = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);
			for (i = 0; i < n; i++)
				close(fds[i]);
		} else if (cm->cmsg_type == SCM_CREDENTIALS &&
		    cm->cmsg_len >= CMSG_LEN(sizeof(*cred)))
			cred = (struct ucred *)(void *)CMSG_DATA(cm);
	}
	return cred;
}

static void
read_cb(struct ev_loop *l, ev_io *w, int revents)
{
	char buf[NOTIFYSOCK_MSG_MAX + 1];
	union {
		struct cmsghdr	align;
		char		space[CMSG_SPACE(sizeof(struct ucred)) +
				    CMSG_SPACE(sizeof(int) * 16)];
	} control;
	struct iovec iov;
	struct msghdr mh;
	struct ucred *cred;
	ssize_t n;
	int round;

	(void)l;
	(void)w;
	(void)revents;
	for (round = 0; round < ROUND_MAX; round++) {
		memset(&mh, 0, sizeof(mh));
		iov.iov_base = buf;
		iov.iov_len = sizeof(buf) - 1;
		mh.msg_iov = &iov;
		mh.msg_iovlen = 1;
		mh.msg_control = &control;
		mh.msg_controllen = sizeof(control);
		n = recvmsg(sock, &mh, MSG_DONTWAIT | MSG_CMSG_CLOEXEC |
		    MSG_TRUNC);
		if (n == -1) {
			if (errno != EAGAIN && errno != EINTR)
				log_warn("notify socket: recvmsg");
			return;
		}
		cred = control_parts(&mh);
		if ((mh.msg_flags & MSG_CTRUNC) != 0) {
			drop("too many descriptors");
			continue;
		}
		if ((size_t)n > sizeof(buf) - 1 || (mh.msg_flags & MSG_TRUNC)) {
			drop("longer than 4096 bytes");
			continue;
		}
		if (cred == NULL || cred->pid <= 0) {
			drop("no credentials");
			continue;
		}
		buf[n] = '\0';
		handler(cred->pid, cred->uid, buf, (size_t)n);
	}
}

static const char *
base_dir(void)
{
	const char *xdg = getenv("XDG_RUNTIME_DIR");
	struct stat st;

	if (geteuid() == 0 && stat("/run", &st) == 0 && S_ISDIR(st.st_mode) &&
	    access("/run", W_OK) == 0)
		return "/run";
	if (xdg != NULL && xdg[0] == '/' && strlen(xdg) < 64 &&
	    access(xdg, W_OK) == 0)
		return xdg;
	return "/tmp";
}

/* Makes the socket; -1 (said) when it can't: ready = notify then fails
 * the programs' starts, the rest runs on. */
int
notifysock_open(struct ev_loop *l, notifysock_handler *h)
{
	struct sockaddr_un sa;
	int one = 1;

	loop = l;
	handler = h;
	/* The pid in the name: a guardian finds what a SIGKILLed
	 * supervisor left (notifysock_sweep). */
	snprintf(dir, sizeof(dir), "%s/supervisor-notify.%d.XXXXXX",
	    base_dir(), (int)getpid());
	if (mkdtemp(dir) == NULL) {
		log_warn("notify socket: mkdtemp %s", dir);
		dir[0] = '\0';
		return -1;
	}
	snprintf(path, sizeof(path), "%s/notify", dir);
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	memcpy(sa.sun_path, path, strlen(path) + 1);
	if ((sock = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK,
	    0)) == -1 || setsockopt(sock, SOL_SOCKET, SO_PASSCRED, &one,
	    sizeof(one)) == -1 || bind(sock, (struct sockaddr *)&sa,
	    sizeof(sa)) == -1) {
		log_warn("notify socket: %s", path);
		notifysock_close();
		return -1;
	}
	/* The directory is ours alone (0700) until the socket is in it. */
	if (chmod(path, 0666) == -1 || chmod(dir, 0755) == -1) {
		log_warn("notify socket: chmod %s", path);
		notifysock_close();
		return -1;
	}
	ev_io_init(&watcher, read_cb, sock, EV_READ);
	ev_io_start(loop, &watcher);
	log_debug("notify socket for programs: %s", path);
	return 0;
}

/* NULL when there is none. */
const char *
notifysock_path(void)
{
	return sock != -1 ? path : NULL;
}

void
notifysock_close(void)
{
	if (sock != -1) {
		if (loop != NULL)
			ev_io_stop(loop, &watcher);
		close(sock);
		sock = -1;
	}
	if (path[0] != '\0' && unlink(path) == -1 && errno != ENOENT)
		log_warn("notify socket: unlink %s", path);
	if (dir[0] != '\0' && rmdir(dir) == -1 && errno != ENOENT)
		log_warn("notify socket: rmdir %s", dir);
	path[0] = dir[0] = '\0';
}

/*
 * Run by the guardian once the supervisor (pid) is gone: removes the
 * directory and socket it made, if a SIGKILL left them.  Only a directory
 * of ours by that name, not a link, is touched, and in it only "notify".
 */
void
notifysock_sweep(pid_t pid)
{
	char prefix[64];
	struct dirent *de;
	struct stat st;
	size_t plen;
	DIR *d;
	int bfd, fd;

	plen = (size_t)snprintf(prefix, sizeof(prefix), "supervisor-notify.%d.",
	    (int)pid);
	if ((bfd = open(base_dir(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return;
	if ((d = fdopendir(bfd)) == NULL) {
		close(bfd);
		return;
	}
	while ((de = readdir(d)) != NULL) {
		if (strncmp(de->d_name, prefix, plen) != 0 ||
		    fstatat(bfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) == -1 ||
		    !S_ISDIR(st.st_mode) || st.st_uid != geteuid())
			continue;
		if ((fd = openat(bfd, de->d_name, O_RDONLY | O_DIRECTORY |
		    O_NOFOLLOW | O_CLOEXEC)) == -1)
			continue;
		(void)unlinkat(fd, "notify", 0);
		close(fd);
		if (unlinkat(bfd, de->d_name, AT_REMOVEDIR) == 0)
			log_info("guardian: removed the notify socket the "
			    "supervisor left in %s/%s", base_dir(), de->d_name);
	}
	closedir(d);
}
