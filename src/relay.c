/*
 * relay.c: a descriptor that may block, written by a thread of its own.
 * The supervisor's stdout or stderr is often a pipe or a terminal that it
 * cannot open anew to make non-blocking (another user's: a container
 * whose USER is not root), and O_NONBLOCK is not ours to set on the one
 * we were given (logfile.c says why).  Writing it could then block for as
 * long as its reader stalls, which the event loop must never do.  A relay
 * takes the descriptor: its thread moves bytes from a pipe of the relay's
 * into it with blocking writes, and the loop writes into that pipe, whose
 * write end is non-blocking.  The pipe is the bounded queue between them
 * (RELAY_PIPE bytes): when it is full, the loop's write fails with EAGAIN
 * and the loop waits for the pipe to be writable, as for any pipe,
 * holding the programs that write there back meanwhile.
 *
 * The thread writes at most PIPE_BUF bytes at a time, up to a newline
 * when there is one: such a write to a pipe is all or nothing, so lines
 * stay whole next to writers outside the supervisor too, and a thread
 * cut off at exit leaves no line half written.  What it cannot write (the
 * reader is gone: EPIPE) it drops and counts; the loop reads the count
 * (relay_dropped) and the last error (relay_error).  The thread touches
 * nothing but its struct and descriptors, and blocks every signal: the
 * loop's thread takes them.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "monotime.h"
#include "relay.h"

#define RELAY_PIPE	(256 * 1024)	/* the queue: how far the loop may
					   be ahead of the reader */
#define RELAY_BUF	(64 * 1024)	/* what the thread reads at once */
#define RELAY_ABANDONED	8		/* threads left to the exit, kept */

struct relay {
	int		 r_in;		/* the pipe's write end: the loop's */
	int		 r_out;		/* its read end: the thread's */
	int		 r_fd;		/* the descriptor written, blocking */
	pthread_t	 r_thread;
	atomic_ullong	 r_dropped;	/* bytes the thread could not write */
	atomic_int	 r_err;		/* errno of its last failed write; 0
					   once one works again */
	atomic_size_t	 r_held;	/* bytes it read and has not written */
	atomic_bool	 r_done;	/* the thread has ended */
	char		 r_buf[RELAY_BUF];
};

/* Relays whose thread was still writing when relay_finish gave up: the
 * thread may use its struct until the process exits. */
static struct relay	*abandoned[RELAY_ABANDONED];

/* How much of buf[0, len) to write at once: at most PIPE_BUF bytes, up to
 * the last newline among them when there is one. */
static size_t
chunk(const char *buf, size_t len)
{
	size_t n = len < PIPE_BUF ? len : PIPE_BUF;
	const char *nl = memrchr(buf, '\n', n);

	return nl != NULL ? (size_t)(nl - buf) + 1 : n;
}

/* All of buf, blocking; -1 with errno on a failure that is not a wait
 * (a descriptor made non-blocking by someone who shares it is polled). */
static int
write_all(int fd, const char *buf, size_t n)
{
	struct pollfd pfd = { .fd = fd, .events = POLLOUT };
	ssize_t w;

	while (n > 0) {
		w = write(fd, buf, n);
		if (w > 0) {
			buf += w;
			n -= (size_t)w;
		} else if (w == -1 && errno == EINTR)
			continue;
		else if (w == -1 && (errno == EAGAIN || errno == EWOULDBLOCK))
			(void)poll(&pfd, 1, -1);
		else {
			if (w == 0)
				errno = EIO;
			return -1;
		}
	}
	return 0;
}

static void *
relay_main(void *arg)
{
	struct relay *r = arg;
	size_t off = 0, len = 0, n;
	ssize_t got;
	bool eof = false;
	int avail;

	for (;;) {
		/* Blocks for more only with nothing in hand; else takes what
		 * is there, so a line the loop wrote in two goes out whole. */
		if (!eof && (len == 0 || (ioctl(r->r_out, FIONREAD, &avail) ==
		    0 && avail > 0))) {
			if (off > 0) {
				memmove(r->r_buf, r->r_buf + off, len);
				off = 0;
			}
			if (len < sizeof(r->r_buf)) {
				got = read(r->r_out, r->r_buf + len,
				    sizeof(r->r_buf) - len);
				if (got > 0)
					len += (size_t)got;
				else if (got == 0 || errno != EINTR)
					eof = true;
				atomic_store(&r->r_held, len);
				if (got > 0 && len < sizeof(r->r_buf))
					continue;
			}
		}
		if (len == 0) {
			if (eof)
				break;
			continue;
		}
		n = chunk(r->r_buf + off, len);
		if (write_all(r->r_fd, r->r_buf + off, n) == -1) {
			atomic_fetch_add(&r->r_dropped, n);
			atomic_store(&r->r_err, errno);
		} else if (atomic_load(&r->r_err) != 0)
			atomic_store(&r->r_err, 0);
		off += n;
		len -= n;
		atomic_store(&r->r_held, len);
	}
	atomic_store(&r->r_done, true);
	return NULL;
}

/*
 * Takes fd (closed by relay_finish) and starts the thread.  NULL with
 * errno when it cannot: no pipe, no thread.
 */
struct relay *
relay_start(int fd)
{
	sigset_t all, old;
	struct relay *r;
	int p[2], err;

	if ((r = calloc(1, sizeof(*r))) == NULL)
		return NULL;
	if (pipe2(p, O_CLOEXEC) == -1) {
		free(r);
		return NULL;
	}
	if (fcntl(p[1], F_SETFL, O_NONBLOCK) == -1) {
		err = errno;
		goto fail;
	}
	/* The queue's bound; a user past its pipe quota keeps 64 KB. */
	(void)fcntl(p[1], F_SETPIPE_SZ, RELAY_PIPE);
	r->r_in = p[1];
	r->r_out = p[0];
	r->r_fd = fd;
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	err = pthread_create(&r->r_thread, NULL, relay_main, r);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (err == 0)
		return r;
fail:
	close(p[0]);
	close(p[1]);
	free(r);
	errno = err;
	return NULL;
}

/* Where the loop writes: the pipe's non-blocking end. */
int
relay_fd(const struct relay *r)
{
	return r->r_in;
}

unsigned long long
relay_dropped(const struct relay *r)
{
	return atomic_load(&r->r_dropped);
}

int
relay_error(const struct relay *r)
{
	return atomic_load(&r->r_err);
}

/*
 * No more to write: the thread writes what the pipe holds, until
 * deadline (on the monotonic clock).  Returns the bytes it did not write
 * by then (those it holds and those still in the pipe), *dropped the
 * bytes it could not write at all, from the start.  r is gone after: a
 * thread that is done is joined and r freed; one still blocked in a
 * write is left to the exit of the process, with its struct.  Called
 * after the loop has ended, so the short sleeps here hold up nothing.
 */
size_t
relay_finish(struct relay *r, double deadline, unsigned long long *dropped)
{
	struct timespec tick = { 0, 5 * 1000 * 1000 };
	size_t left;
	int avail, i;

	if (r->r_in != -1)
		close(r->r_in);
	r->r_in = -1;
	while (!atomic_load(&r->r_done) && mono_now() < deadline)
		nanosleep(&tick, NULL);
	*dropped = atomic_load(&r->r_dropped);
	if (atomic_load(&r->r_done)) {
		pthread_join(r->r_thread, NULL);
		close(r->r_out);
		close(r->r_fd);
		free(r);
		return 0;
	}
	left = atomic_load(&r->r_held);
	if (ioctl(r->r_out, FIONREAD, &avail) == 0 && avail > 0)
		left += (size_t)avail;
	for (i = 0; i < RELAY_ABANDONED; i++)
		if (abandoned[i] == NULL || abandoned[i] == r) {
			abandoned[i] = r;
			break;
		}
	return left;
}
