/*
 * ready.c: the program the readiness benchmark supervises.  It appends
 * "S pid sec nsec" (CLOCK_REALTIME) to FILE as it starts, works for
 * DELAY seconds (its own start time), then stamps "R pid sec nsec" and
 * becomes ready the way KIND says: notify (READY=1 on $NOTIFY_SOCKET),
 * fd (a newline on descriptor 3), tcp:PORT (it starts listening on
 * 127.0.0.1:PORT); then it sleeps until killed.
 *
 *	usage: ready FILE DELAY KIND
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

static void
stamp(const char *path, char kind)
{
	struct timespec ts;
	char line[96];
	int fd, len;

	clock_gettime(CLOCK_REALTIME, &ts);
	len = snprintf(line, sizeof(line), "%c %ld %lld %ld\n", kind,
	    (long)getpid(), (long long)ts.tv_sec, ts.tv_nsec);
	if ((fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC,
	    0644)) == -1 || write(fd, line, (size_t)len) != len) {
		fprintf(stderr, "ready: %s: %s\n", path, strerror(errno));
		exit(2);
	}
	close(fd);
}

static void
notify_ready(void)
{
	const char *path = getenv("NOTIFY_SOCKET");
	struct sockaddr_un sa;
	int s;

	if (path == NULL || strlen(path) >= sizeof(sa.sun_path)) {
		fprintf(stderr, "ready: no NOTIFY_SOCKET\n");
		exit(2);
	}
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	strcpy(sa.sun_path, path);
	if ((s = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1 ||
	    sendto(s, "READY=1", 7, 0, (struct sockaddr *)&sa,
	    sizeof(sa)) != 7) {
		fprintf(stderr, "ready: %s: %s\n", path, strerror(errno));
		exit(2);
	}
	close(s);
}

static void
tcp_listen(int port)
{
	struct sockaddr_in sin;
	int s, one = 1;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((unsigned short)port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((s = socket(AF_INET, SOCK_STREAM, 0)) == -1 ||
	    setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) == -1 ||
	    bind(s, (struct sockaddr *)&sin, sizeof(sin)) == -1 ||
	    listen(s, 64) == -1) {
		fprintf(stderr, "ready: port %d: %s\n", port, strerror(errno));
		exit(2);
	}
	/* Kept open (and not accepted from): the probe's connect is done
	 * by the kernel's backlog. */
}

int
main(int argc, char **argv)
{
	struct timespec d;
	double delay;

	if (argc != 4) {
		fprintf(stderr, "usage: ready FILE DELAY KIND\n");
		return 2;
	}
	stamp(argv[1], 'S');
	delay = atof(argv[2]);
	d.tv_sec = (time_t)delay;
	d.tv_nsec = (long)((delay - (double)d.tv_sec) * 1e9);
	while (nanosleep(&d, &d) == -1 && errno == EINTR)
		;
	if (strncmp(argv[3], "tcp:", 4) == 0) {
		tcp_listen(atoi(argv[3] + 4));
		stamp(argv[1], 'R');
	} else {
		stamp(argv[1], 'R');
		if (strcmp(argv[3], "notify") == 0)
			notify_ready();
		else if (write(3, "\n", 1) != 1) {
			fprintf(stderr, "ready: fd 3: %s\n", strerror(errno));
			return 2;
		}
	}
	for (;;)
		pause();
}
