/*
 * test_sink.c: one destination's one writer (src/sink.c) and the relay
 * that writes a descriptor that may block (src/relay.c), on real pipes
 * and files with a real event loop: lines of several writers whole and
 * in order, a line left open ended by a newline of the sink's own when
 * another's comes, the 64 KB cut, a write cut short leaving its writer
 * first in line, a writer held back and told when to read again, a line
 * not ended going out after a second, the supervisor's lines dropped and
 * counted when the destination stalls, strip_ansi across reads, the
 * exit's count of what could not be written; a relay's order, its bound,
 * its drops; and a descriptor another user's, written through a relay.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <ev.h>

#include "logfile.h"
#include "relay.h"
#include "sink.h"
#include "unit.h"

static char dir[256];
static struct ev_loop *loop;

/* What a writer's owner was told. */
struct owner {
	int	room;		/* so_room calls */
	int	written;	/* so_written calls */
};

static void
owner_room(void *arg)
{
	((struct owner *)arg)->room++;
}

static void
owner_written(void *arg)
{
	((struct owner *)arg)->written++;
}

static const struct sink_writer_ops ops = { owner_room, owner_written };

/* A pipe whose write end the sink may name (LOG_TO_FD): made, then noted
 * as if the supervisor had been started with it.  Never closed: a sink
 * of a descriptor lasts as long as the process. */
static void
dest_pipe(int *rfd, int *wfd, int size)
{
	int p[2];

	if (pipe2(p, O_CLOEXEC) == -1) {
		perror("pipe");
		exit(2);
	}
	if (size > 0)
		(void)fcntl(p[1], F_SETPIPE_SZ, size);
	(void)fcntl(p[0], F_SETFL, O_NONBLOCK);
	*rfd = p[0];
	*wfd = p[1];
	logfile_note_inherited();
}

static struct log_config
fd_config(int fd)
{
	struct log_config lc;

	memset(&lc, 0, sizeof(lc));
	lc.lc_dest = LOG_TO_FD;
	lc.lc_fd = fd;
	lc.lc_uid = lc.lc_gid = -1;
	return lc;
}

static struct sink_writer *
writer(const char *name, int fd, struct owner *o)
{
	struct log_config lc = fd_config(fd);

	return sink_writer_new(name, &lc, o != NULL ? &ops : NULL, o);
}

/* As a program's output read into w. */
static void
put(struct sink_writer *w, const char *s, size_t n)
{
	size_t room, take;
	char *to;

	while (n > 0) {
		to = sink_space(w, &room);
		take = n < room ? n : room;
		memcpy(to, s, take);
		sink_commit(w, take);
		s += take;
		n -= take;
	}
}

static void
puts_(struct sink_writer *w, const char *s)
{
	put(w, s, strlen(s));
}

/* What the pipe holds, appended to buf (at most max in all). */
static size_t
drain(int rfd, char *buf, size_t len, size_t max)
{
	ssize_t n;

	while (len < max && (n = read(rfd, buf + len, max - len)) > 0)
		len += (size_t)n;
	return len;
}

/* The loop, for a while: writable watchers and timers fire. */
static void
run_for(double seconds)
{
	double end = ev_time() + seconds;

	while (ev_time() < end) {
		ev_now_update(loop);
		ev_run(loop, EVRUN_NOWAIT);
		usleep(2000);
	}
}

static bool
same(const char *got, size_t gotlen, const char *want)
{
	return gotlen == strlen(want) && memcmp(got, want, gotlen) == 0;
}

static void
test_lines_whole(void)
{
	struct owner oa = { 0, 0 }, ob = { 0, 0 };
	struct sink_writer *a, *b;
	char buf[256];
	size_t len;
	int r, w;

	dest_pipe(&r, &w, 0);
	a = writer("a stdout", w, &oa);
	b = writer("b stdout", w, &ob);
	CHECK("lines: two writers, one destination open",
	    a != NULL && b != NULL && sink_writer_open(a) &&
	    sink_writer_log(a) == sink_writer_log(b));
	puts_(a, "a1\na2\npa");
	puts_(b, "b1\n");
	puts_(a, "rt\n");
	puts_(b, "b2\nb3");
	len = drain(r, buf, 0, sizeof(buf));
	CHECK("lines: whole lines in turn, a line not ended held",
	    same(buf, len, "a1\na2\nb1\npart\nb2\n"));
	CHECK("lines: the owners are told of writes", oa.written > 0 &&
	    ob.written > 0);
	sink_writer_release(b);
	len = drain(r, buf, 0, sizeof(buf));
	CHECK("lines: a writer let go: its line goes as it is",
	    same(buf, len, "b3"));
	puts_(a, "a3\n");
	len = drain(r, buf, 0, sizeof(buf));
	CHECK("lines: the next writer's line starts on a line of its own",
	    same(buf, len, "\na3\n"));
	CHECK("lines: nothing lost", sink_writer_lost(a) == 0);
	sink_writer_release(a);
}

static void
test_alone(void)
{
	struct owner oc = { 0, 0 }, od = { 0, 0 };
	struct sink_writer *c, *d;
	char buf[256];
	size_t len;
	int r, w;

	dest_pipe(&r, &w, 0);
	c = writer("c stdout", w, &oc);
	puts_(c, "x1\nx2");
	len = drain(r, buf, 0, sizeof(buf));
	CHECK("alone: a writer alone holds nothing back",
	    same(buf, len, "x1\nx2"));
	d = writer("d stdout", w, &od);
	puts_(d, "y\n");
	puts_(c, "z\n");
	len = drain(r, buf, 0, sizeof(buf));
	CHECK("alone: a second writer's line is not glued to the first's",
	    same(buf, len, "\ny\nz\n"));
	sink_writer_release(c);
	sink_writer_release(d);
}

static void
test_long_line(void)
{
	struct owner oe = { 0, 0 }, of = { 0, 0 };
	struct sink_writer *e, *f;
	static char want[SINK_LINE_MAX + 10000], got[SINK_LINE_MAX + 10000];
	char *line = malloc(70000);
	size_t len, k = 0;
	int r, w;

	dest_pipe(&r, &w, 1024 * 1024);
	e = writer("e stdout", w, &oe);
	f = writer("f stdout", w, &of);
	memset(line, 'e', 70000);
	put(e, line, 70000);
	puts_(f, "f\n");
	puts_(e, "\n");
	memcpy(want, line, SINK_LINE_MAX);
	k = SINK_LINE_MAX;
	memcpy(want + k, "\nf\n", 3);
	k += 3;
	memcpy(want + k, line, 70000 - SINK_LINE_MAX);
	k += 70000 - SINK_LINE_MAX;
	want[k++] = '\n';
	len = drain(r, got, 0, sizeof(got));
	CHECK("long line: cut at 64 KB; another's line after a newline; the "
	    "rest after it", len == k && memcmp(got, want, k) == 0);
	sink_writer_release(e);
	sink_writer_release(f);
	free(line);
}

/* n bytes of lines "<c><c>...\n", 100 bytes each. */
static char *
lines_of(char c, size_t n)
{
	char *b = malloc(n);
	size_t i;

	memset(b, c, n);
	for (i = 99; i < n; i += 100)
		b[i] = '\n';
	return b;
}

/* Every line of buf[0, len) is 100 bytes of one letter and a newline. */
static bool
all_whole(const char *buf, size_t len)
{
	size_t i, j;

	if (len % 100 != 0)
		return false;
	for (i = 0; i < len; i += 100) {
		for (j = 1; j < 99; j++)
			if (buf[i + j] != buf[i])
				return false;
		if (buf[i + 99] != '\n')
			return false;
	}
	return true;
}

static void
test_cut_short(void)
{
	struct owner og = { 0, 0 }, oh = { 0, 0 };
	struct sink_writer *g, *h;
	static char got[512 * 1024];
	char *gl = lines_of('g', 200000), *hl = lines_of('h', 3000);
	size_t len = 0, gs = 0, i;
	bool may = true;
	int r, w;

	dest_pipe(&r, &w, 4096);
	g = writer("g stdout", w, &og);
	h = writer("h stdout", w, &oh);
	put(g, gl, 4000);		/* taken: 96 bytes of room left */
	put(h, hl, 3000);		/* waits */
	put(g, gl, 3000);		/* behind h */
	len = drain(r, got, len, sizeof(got));
	CHECK("cut short: a full pipe: the writers wait", len == 4000);
	/* Room for 4096 of the 6000 waiting: h's 3000, g's first 1096. */
	run_for(0.01);
	len = drain(r, got, len, sizeof(got));
	CHECK("cut short: the pipe took what it could, in turn",
	    len == 8096 && got[4000] == 'h' && got[7000] == 'g');
	put(h, hl, 1000);		/* behind g's rest */
	/* g writes on while it may: held back at 64 KB waiting. */
	for (gs = 0; gs < 200000 && (may = sink_may_read(g)); gs += 1000)
		put(g, gl, 1000);
	CHECK("hold: a writer with 64 KB waiting is not read", !may &&
	    gs >= 60000 && gs <= 70000);
	for (i = 0; i < 2000 && len < 11000 + gs; i++) {
		run_for(0.002);
		len = drain(r, got, len, sizeof(got));
	}
	CHECK("cut short: all of it arrives, every line whole",
	    len == 11000 + gs && all_whole(got, len));
	CHECK("cut short: the writer cut short went on first, then the other",
	    got[8096] == 'g' && got[len - 1000] == 'h' &&
	    got[len - 1001] == '\n' && got[len - 1002] == 'g');
	CHECK("hold: told it may read again", og.room == 1 &&
	    sink_may_read(g));
	CHECK("cut short: nothing lost", sink_writer_lost(g) == 0 &&
	    sink_writer_lost(h) == 0);
	sink_writer_release(g);
	sink_writer_release(h);
	free(gl);
	free(hl);
}

static void
test_line_wait(void)
{
	struct owner oi = { 0, 0 }, oj = { 0, 0 };
	struct sink_writer *i, *j;
	char buf[256];
	size_t len;
	int r, w;

	dest_pipe(&r, &w, 0);
	i = writer("i stdout", w, &oi);
	j = writer("j stdout", w, &oj);
	puts_(i, "prompt> ");
	run_for(0.5);
	len = drain(r, buf, 0, sizeof(buf));
	CHECK("line wait: held for a while", len == 0);
	run_for(SINK_LINE_WAIT);
	len = drain(r, buf, 0, sizeof(buf));
	CHECK("line wait: then it goes as it is", same(buf, len, "prompt> "));
	puts_(j, "j\n");
	len = drain(r, buf, 0, sizeof(buf));
	CHECK("line wait: another's line after a newline",
	    same(buf, len, "\nj\n"));
	sink_writer_release(i);
	sink_writer_release(j);
}

static void
test_own_lines(void)
{
	static char got[512 * 1024];
	struct owner ok = { 0, 0 };
	struct sink_writer *own, *k;
	char line[100];
	int r, w, taken = 0, n;
	size_t len = 0;

	dest_pipe(&r, &w, 4096);
	own = writer("logfile", w, NULL);
	k = writer("k stdout", w, &ok);
	memset(line, 's', sizeof(line) - 1);
	line[sizeof(line) - 1] = '\n';
	for (n = 0; n < 10000; n++)
		if (sink_line(own, line, sizeof(line)))
			taken++;
	CHECK("own lines: queued while there is room, then dropped",
	    taken > 1000 && taken < 10000);
	CHECK("own lines: the dropped ones counted",
	    sink_writer_lost(own) == (unsigned long long)(10000 - taken) *
	    sizeof(line));
	for (n = 0; n < 5000 && len < (size_t)taken * sizeof(line); n++) {
		run_for(0.001);
		len = drain(r, got, len, sizeof(got));
	}
	CHECK("own lines: the queued ones all arrive, whole",
	    len == (size_t)taken * sizeof(line) && all_whole(got, len));
	CHECK("own lines: room again", sink_line(own, line, sizeof(line)));
	sink_writer_release(own);
	sink_writer_release(k);
}

static void
test_strip(void)
{
	static const char *const reads[] = {
		"a\033[3", "1mred\033", "[0m plain \033]0;t\007 ok\033",
		"(B end\n", "\033[1;2Hx\033[31\ny\033[?25l\n",
	};
	static const char want[] = "ared plain \033]0;t\007 ok\033(B end\n"
	    "x\ny\n";
	struct owner os = { 0, 0 };
	struct log_config lc;
	struct sink_writer *s;
	char path[512], got[256];
	size_t i;
	int fd;
	ssize_t n;

	snprintf(path, sizeof(path), "%s/strip.log", dir);
	memset(&lc, 0, sizeof(lc));
	lc.lc_dest = LOG_TO_FILE;
	lc.lc_path = path;
	lc.lc_uid = lc.lc_gid = -1;
	s = sink_writer_new("s stdout", &lc, &ops, &os);
	sink_writer_strip(s, true);
	CHECK("strip: never spliced", sink_splice(s, 0, 100) == -1);
	for (i = 0; i < sizeof(reads) / sizeof(reads[0]); i++)
		puts_(s, reads[i]);
	sink_writer_release(s);
	fd = open(path, O_RDONLY);
	n = fd != -1 ? read(fd, got, sizeof(got)) : -1;
	if (fd != -1)
		close(fd);
	CHECK("strip: CSI sequences go, across reads; other escapes stay",
	    n >= 0 && same(got, (size_t)n, want));
}

/* A writer alone at a file splices; one that joins sees where the
 * spliced bytes left the file: in the middle of a line. */
static void
test_splice_then_shared(void)
{
	struct owner oa = { 0, 0 }, ob = { 0, 0 };
	struct log_config lc;
	struct sink_writer *a, *b;
	char path[512], got[64];
	int p[2], fd;
	ssize_t n;

	snprintf(path, sizeof(path), "%s/spliced.log", dir);
	memset(&lc, 0, sizeof(lc));
	lc.lc_dest = LOG_TO_FILE;
	lc.lc_path = path;
	lc.lc_uid = lc.lc_gid = -1;
	if (pipe2(p, O_CLOEXEC | O_NONBLOCK) == -1)
		return;
	a = sink_writer_new("a stdout", &lc, &ops, &oa);
	(void)!write(p[1], "abc", 3);
	CHECK("splice: a writer alone at a file splices",
	    sink_splice(a, p[0], 100) == 3 && oa.written == 1);
	b = sink_writer_new("b stdout", &lc, &ops, &ob);
	CHECK("splice: not with two writers", sink_splice(a, p[0], 100) == -1);
	puts_(b, "b\n");
	puts_(a, "d\n");
	sink_writer_release(a);
	sink_writer_release(b);
	fd = open(path, O_RDONLY);
	n = fd != -1 ? read(fd, got, sizeof(got)) : -1;
	if (fd != -1)
		close(fd);
	CHECK("splice: the next writer's line on a line of its own",
	    n >= 0 && same(got, (size_t)n, "abc\nb\nd\n"));
	unlink(path);
	close(p[0]);
	close(p[1]);
}

static void
test_relay(void)
{
	static char got[64 * 1024], chunk[4096];
	struct relay *rl;
	unsigned long long dropped;
	size_t len = 0, sent = 0, left;
	char *lines = lines_of('r', 20000);
	int p[2], i;
	ssize_t n;

	if (pipe2(p, O_CLOEXEC) == -1)
		return;
	(void)fcntl(p[0], F_SETFL, O_NONBLOCK);
	rl = relay_start(dup(p[1]));
	CHECK("relay: started", rl != NULL);
	if (rl == NULL)
		return;
	while (sent < 20000) {
		n = write(relay_fd(rl), lines + sent, 20000 - sent);
		if (n > 0)
			sent += (size_t)n;
		len = drain(p[0], got, len, sizeof(got));
	}
	for (i = 0; i < 1000 && len < 20000; i++) {
		usleep(1000);
		len = drain(p[0], got, len, sizeof(got));
	}
	CHECK("relay: what the loop gave arrives, in order",
	    len == 20000 && memcmp(got, lines, len) == 0);
	/* Nobody reads: the relay's pipe fills, and says so. */
	memset(chunk, 'q', sizeof(chunk));
	for (i = 0, sent = 0; i < 10000; i++) {
		n = write(relay_fd(rl), chunk, sizeof(chunk));
		if (n == -1 && errno == EAGAIN)
			break;
		if (n > 0)
			sent += (size_t)n;
	}
	CHECK("relay: bounded: a full queue says EAGAIN",
	    i < 10000 && sent < 2 * 1024 * 1024);
	/* Its thread stays blocked: left to the exit. */
	left = relay_finish(rl, 0, &dropped);
	CHECK("relay: given up on at once, what it holds counted", left > 0);
	close(p[1]);
	free(lines);
}

static void
test_relay_finish_and_drops(void)
{
	static char chunk[4096];
	unsigned long long dropped = 0;
	struct relay *rl;
	struct timespec now;
	double deadline;
	size_t left;
	int p[2], i;

	memset(chunk, 'w', sizeof(chunk));
	chunk[sizeof(chunk) - 1] = '\n';
	/* A reader that stalls: at the deadline, what is left is counted. */
	if (pipe2(p, O_CLOEXEC) == -1 || (rl = relay_start(dup(p[1]))) == NULL)
		return;
	for (i = 0; i < 40; i++)
		(void)!write(relay_fd(rl), chunk, sizeof(chunk));
	clock_gettime(CLOCK_MONOTONIC, &now);
	deadline = (double)now.tv_sec + now.tv_nsec / 1e9 + 0.2;
	left = relay_finish(rl, deadline, &dropped);
	CHECK("relay: a stalled reader: what was not written is counted",
	    left > 0 && left <= 40 * sizeof(chunk) - 65536 && dropped == 0);
	/* The reader gone: the thread drops and counts, and says why. */
	if (pipe2(p, O_CLOEXEC) == -1 || (rl = relay_start(dup(p[1]))) == NULL)
		return;
	close(p[0]);
	close(p[1]);
	for (i = 0; i < 10; i++)
		(void)!write(relay_fd(rl), chunk, sizeof(chunk));
	for (i = 0; i < 2000 && relay_dropped(rl) < 10 * sizeof(chunk); i++)
		usleep(1000);
	CHECK("relay: the reader gone: dropped and counted, EPIPE",
	    relay_dropped(rl) == 10 * sizeof(chunk) &&
	    relay_error(rl) == EPIPE);
	clock_gettime(CLOCK_MONOTONIC, &now);
	left = relay_finish(rl, (double)now.tv_sec + now.tv_nsec / 1e9 + 1,
	    &dropped);
	CHECK("relay: finished, nothing left", left == 0 &&
	    dropped == 10 * sizeof(chunk));
}

/*
 * A pipe of root's, written by a process run as nobody: it cannot open
 * it anew non-blocking, so a relay writes it, and the lines arrive.
 */
static void
test_other_users_pipe(void)
{
	char buf[256];
	size_t len = 0;
	int r, w, i, status;
	pid_t pid;

	if (geteuid() != 0) {
		CHECK("another user's pipe: skipped (not root)", true);
		return;
	}
	dest_pipe(&r, &w, 0);
	fflush(stdout);
	if ((pid = fork()) == 0) {
		struct owner o = { 0, 0 };
		struct sink_writer *a, *b;
		const struct logfile *lf;

		ev_loop_fork(loop);
		if (setgid(65534) == -1 || setuid(65534) == -1)
			_exit(2);
		a = writer("a stdout", w, &o);
		b = writer("b stdout", w, &o);
		lf = sink_writer_log(a);
		if (lf->lf_relay == NULL || !sink_writer_open(a))
			_exit(3);
		puts_(a, "one\ntw");
		puts_(b, "three\n");
		puts_(a, "o\n");
		sink_finish(2);
		_exit(sink_writer_lost(a) == 0 ? 0 : 4);
	}
	waitpid(pid, &status, 0);
	CHECK("another user's pipe: written through a relay, nothing lost",
	    WIFEXITED(status) && WEXITSTATUS(status) == 0);
	for (i = 0; i < 100 && len < 14; i++) {
		len = drain(r, buf, len, sizeof(buf));
		usleep(1000);
	}
	CHECK("another user's pipe: the lines whole, in turn",
	    same(buf, len, "one\nthree\ntwo\n"));
}

/* Last: after sink_finish nothing more is written. */
static void
test_finish(void)
{
	struct owner ox = { 0, 0 };
	struct sink_writer *x, *own;
	char *xl = lines_of('x', 40000);
	int r, w;

	dest_pipe(&r, &w, 4096);
	x = writer("x stdout", w, &ox);
	own = writer("logfile", w, NULL);
	put(x, xl, 40000);
	sink_writer_release(x);
	sink_finish(0.1);
	CHECK("finish: what a stalled destination did not take is counted",
	    sink_writer_log(own)->lf_lost == 40000 - 4096);
	CHECK("finish: nothing is written after",
	    !sink_line(own, "late\n", 5));
	free(xl);
}

int
main(void)
{
	const char *tmp = getenv("TMPDIR");

	UNIT_BEGIN("test_sink");
	setvbuf(stdout, NULL, _IOLBF, 0);
	snprintf(dir, sizeof(dir), "%s/supervisor-unit-XXXXXX",
	    tmp != NULL && tmp[0] == '/' ? tmp : "/tmp");
	if (mkdtemp(dir) == NULL) {
		perror(dir);
		return 2;
	}
	loop = ev_default_loop(0);
	sink_set_loop(loop);
	test_lines_whole();
	test_alone();
	test_long_line();
	test_cut_short();
	test_line_wait();
	test_own_lines();
	test_strip();
	test_splice_then_shared();
	test_relay();
	test_relay_finish_and_drops();
	test_other_users_pipe();
	test_finish();
	{
		char path[512];

		snprintf(path, sizeof(path), "%s/strip.log", dir);
		unlink(path);
		rmdir(dir);
	}
	return unit_failed;
}
