/*
 * evlisten.c: the event listener of the event benchmark.  It speaks
 * supervisord's listener protocol on stdin and stdout and, as soon as it
 * has read the header line of a PROCESS_STATE_EXITED event, appends
 * "H sec nsec" (CLOCK_REALTIME) to FILE; then it reads the payload and
 * answers OK.  Plain blocking reads: nothing between the header and the
 * stamp.
 *
 *	usage: evlisten FILE
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static char	buf[65536];
static size_t	have;

static void
say(const char *s)
{
	size_t len = strlen(s), off = 0;
	ssize_t n;

	while (off < len) {
		n = write(1, s + off, len - off);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			exit(2);
		off += (size_t)n;
	}
}

/* Reads until buf holds at least want bytes. */
static void
fill(size_t want)
{
	ssize_t n;

	while (have < want) {
		n = read(0, buf + have, sizeof(buf) - have);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			exit(n == 0 ? 0 : 2);
		have += (size_t)n;
	}
}

static void
drop(size_t n)
{
	memmove(buf, buf + n, have - n);
	have -= n;
}

int
main(int argc, char **argv)
{
	struct timespec ts;
	char line[96], *nl, *p;
	size_t hlen, plen;
	int fd, len;

	if (argc != 2) {
		fprintf(stderr, "usage: evlisten FILE\n");
		return 2;
	}
	for (;;) {
		say("READY\n");
		while ((nl = memchr(buf, '\n', have)) == NULL) {
			if (have == sizeof(buf))
				return 2;
			fill(have + 1);
		}
		clock_gettime(CLOCK_REALTIME, &ts);
		hlen = (size_t)(nl - buf) + 1;
		*nl = '\0';
		if (strstr(buf, "eventname:PROCESS_STATE_EXITED ") != NULL) {
			len = snprintf(line, sizeof(line), "H %lld %ld\n",
			    (long long)ts.tv_sec, ts.tv_nsec);
			if ((fd = open(argv[1], O_WRONLY | O_APPEND | O_CREAT |
			    O_CLOEXEC, 0644)) == -1 ||
			    write(fd, line, (size_t)len) != len)
				return 2;
			close(fd);
		}
		if ((p = strstr(buf, " len:")) == NULL)
			return 2;
		plen = strtoul(p + 5, NULL, 10);
		drop(hlen);
		if (plen > sizeof(buf))
			return 2;
		fill(plen);
		drop(plen);
		say("RESULT 2\nOK");
	}
}
