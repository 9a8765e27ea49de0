/*
 * client.c: the control commands' client side (supervisor status, start,
 * ...): finds the socket from the config (or -s), sends one request,
 * prints the reply as a table, JSON or plain lines, and exits with the
 * status the daemon's reply carries.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "client.h"
#include "config.h"
#include "ctl.h"
#include "ctlproto.h"
#include "strbuf.h"
#include "strv.h"

#define EXIT_USAGE	64	/* EX_USAGE */
#define EXIT_NODAEMON	69	/* EX_UNAVAILABLE: nobody answers */

/* The fields of one reply line, split at tabs in place. */
struct line {
	char	 tag;			/* '*' data, '!' an item failed */
	char	*f[16];
	int	 nf;
};

struct reply {
	struct line *lines;
	size_t	 n, cap;
	int	 code;			/* from "= CODE TEXT" */
	char	*text;
};

static const char *const commands[] = {
	"status", "start", "stop", "restart", "signal", "pid", "reload",
	"shutdown", "tail", "version", "help", "wait",
};

/* supervisorctl's verbs, said in its protocol on the same socket. */
static const char *const borrowed[] = {
	"avail", "reread", "update", "add", "remove", "clear", "maintail",
	"fg",
};

static bool
is_borrowed(const char *word)
{
	size_t i;

	for (i = 0; i < sizeof(borrowed) / sizeof(borrowed[0]); i++)
		if (strcmp(word, borrowed[i]) == 0)
			return true;
	return false;
}

bool
client_is_command(const char *word)
{
	size_t i;

	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(word, commands[i]) == 0)
			return true;
	return is_borrowed(word);
}

/* The socket: -s, else what the config says, else the default. */
static char *
find_socket(const char *config_path, const char *sock_arg)
{
	struct config_msgs msgs;
	struct config *cf = NULL;
	const char *env = getenv("SUPERVISOR_SOCKET");
	char *path;

	if (sock_arg != NULL)
		return strdup(sock_arg);
	if (env != NULL && env[0] != '\0')
		return strdup(env);	/* as the daemon: before socket= */
	if (config_path != NULL) {
		cf = config_load_daemon(config_path, &msgs);
		config_msgs_free(&msgs);
	}
	if (cf != NULL && cf->cf_socket_off) {
		fprintf(stderr, "supervisor: %s has socket = none: there is no "
		    "control socket (use -s PATH)\n", config_path);
		config_free(cf);
		exit(EXIT_NODAEMON);
	}
	/* An unreadable config still leads to the default. */
	path = config_socket_path(cf, NULL, config_path, NULL);
	config_free(cf);
	return path;
}

static int
connect_to(const char *path)
{
	struct sockaddr_un sun;
	int fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun.sun_path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	strcpy(sun.sun_path, path);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		return -1;
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		int saved = errno;

		close(fd);
		errno = saved;
		return -1;
	}
	return fd;
}

static int
write_all(int fd, const char *s, size_t n)
{
	ssize_t w;

	while (n > 0) {
		/* A refusal closes the socket early: EPIPE, not SIGPIPE. */
		if ((w = send(fd, s, n, MSG_NOSIGNAL)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		s += w;
		n -= (size_t)w;
	}
	return 0;
}

/* A data frame's bytes (tail), straight to stdout as they come. */
static int
copy_data(FILE *in, size_t n)
{
	char chunk[65536];
	size_t want, got;

	while (n > 0) {
		want = n < sizeof(chunk) ? n : sizeof(chunk);
		if ((got = fread(chunk, 1, want, in)) == 0)
			return -1;
		if (fwrite(chunk, 1, got, stdout) != got)
			return -1;
		n -= got;
	}
	return fflush(stdout) == EOF ? -1 : 0;
}

/* Reads lines up to and including the next status line into r. */
static int
read_reply(FILE *in, struct reply *r)
{
	char *buf = NULL, *p;
	size_t cap = 0;
	ssize_t len;
	struct line *nl, *ln;

	memset(r, 0, sizeof(*r));
	while ((len = getline(&buf, &cap, in)) != -1) {
		if (len > 0 && buf[len - 1] == '\n')
			buf[--len] = '\0';
		if (len >= 2 && buf[0] == '=' && buf[1] == ' ') {
			r->code = (int)strtol(buf + 2, &p, 10);
			r->text = strdup(*p == ' ' ? p + 1 : p);
			free(buf);
			return 0;
		}
		if (len >= 2 && buf[0] == '+' && buf[1] == ' ') {
			if (copy_data(in, strtoul(buf + 2, NULL, 10)) == -1)
				break;
			continue;
		}
		if (len < 2 || (buf[0] != '*' && buf[0] != '!') || buf[1] != ' ')
			continue;	/* a later protocol's line: skip it */
		if (r->n == r->cap) {	/* doubling: a status of 10,000 */
			nl = reallocarray(r->lines, r->cap ? r->cap * 2 : 16,
			    sizeof(*nl));
			if (nl == NULL)
				break;
			r->lines = nl;
			r->cap = r->cap ? r->cap * 2 : 16;
		}
		ln = &r->lines[r->n++];
		memset(ln, 0, sizeof(*ln));
		ln->tag = buf[0];
		p = strdup(buf + 2);
		if (p == NULL)
			break;
		while (p != NULL &&
		    ln->nf < (int)(sizeof(ln->f) / sizeof(ln->f[0]))) {
			ln->f[ln->nf++] = p;
			if ((p = strchr(p, '\t')) != NULL)
				*p++ = '\0';
		}
	}
	free(buf);
	return -1;
}

static void
reply_free(struct reply *r)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		free(r->lines[i].f[0]);
	free(r->lines);
	free(r->text);
}

/* Two digits, 0 padded. */
static void
two_digits(struct strbuf *b, long v)
{
	char d[2] = { (char)('0' + v / 10 % 10), (char)('0' + v % 10) };

	sb_add(b, d, 2);
}

/* WORD and 3725.2 -> "WORD 1:02:05"; two days and more -> "WORD 2d
 * 01:02:05".  No printf: a status of 10,000 says 10,000 of them. */
static void
format_duration(struct strbuf *b, const char *word, const char *secs)
{
	long s = strtol(secs, NULL, 10);

	if (s < 0)
		s = 0;
	sb_str(b, word);
	sb_add(b, " ", 1);
	if (s >= 86400) {
		sb_uint(b, (unsigned long long)(s / 86400));
		sb_add(b, "d ", 2);
		two_digits(b, s % 86400 / 3600);
	} else
		sb_uint(b, (unsigned long long)(s / 3600));
	sb_add(b, ":", 1);
	two_digits(b, s % 3600 / 60);
	sb_add(b, ":", 1);
	two_digits(b, s % 60);
}

/* A JSON string: escaped, and a byte that is not UTF-8 as U+FFFD, so the
 * output is valid JSON whatever the supervisor sent. */
static void
json_string(const char *s)
{
	size_t n;

	putchar('"');
	while (*s != '\0') {
		if ((n = utf8_char_len(s)) == 0) {
			fputs("\\ufffd", stdout);
			s++;
			continue;
		}
		if (*s == '"' || *s == '\\')
			printf("\\%c", *s);
		else if ((unsigned char)*s < 0x20 || *s == 0x7f)
			printf("\\u%04x", (unsigned char)*s);
		else
			fwrite(s, 1, n, stdout);
		s += n;
	}
	putchar('"');
}

static void
json_number_or_null(const char *s)
{
	if (strcmp(s, "-") == 0)
		fputs("null", stdout);
	else
		fputs(s, stdout);
}

/* s in a column of width w, left-aligned (right: right-aligned), then
 * two blanks: a status of 10,000 lines is 60,000 of these. */
static void
column(struct strbuf *b, const char *s, int w, bool right)
{
	static const char blanks[] = "                                ";
	size_t len = strlen(s);
	int pad = w > (int)len ? w - (int)len : 0;

	if (!right)
		sb_add(b, s, len);
	while (pad > 0) {
		int k = pad < (int)sizeof(blanks) - 1 ? pad :
		    (int)sizeof(blanks) - 1;

		sb_add(b, blanks, (size_t)k);
		pad -= k;
	}
	if (right)
		sb_add(b, s, len);
	sb_add(b, "  ", 2);
}

/* Status fields: name program state pid up down last-exit restarts
 * output-lost info (readiness, health, what it waits for; "-": none),
 * and for an event listener: its state, queued, dropped, buffer_size. */
static void
print_status_json(const struct reply *r)
{
	const struct line *l;
	size_t i;
	bool first = true;
	int v;

	putchar('[');
	for (i = 0; i < r->n; i++) {
		l = &r->lines[i];
		if (l->tag != '*' || l->nf < 8)
			continue;
		printf("%s\n  {\"name\": ", first ? "" : ",");
		first = false;
		json_string(l->f[0]);
		fputs(", \"program\": ", stdout);
		json_string(l->f[1]);
		fputs(", \"state\": ", stdout);
		json_string(l->f[2]);
		printf(", \"pid\": %s", strcmp(l->f[3], "0") == 0 ? "null" :
		    l->f[3]);
		fputs(", \"uptime\": ", stdout);
		json_number_or_null(l->f[4]);
		fputs(", \"downtime\": ", stdout);
		json_number_or_null(l->f[5]);
		fputs(", \"last_exit\": ", stdout);
		if (strcmp(l->f[6], "-") == 0)
			fputs("null", stdout);
		else
			json_string(l->f[6]);
		fputs(", \"exit_status\": ", stdout);
		if (sscanf(l->f[6], "status %d", &v) == 1)
			printf("%d", v);
		else
			fputs("null", stdout);
		fputs(", \"exit_signal\": ", stdout);
		if (sscanf(l->f[6], "signal %d", &v) == 1)
			printf("%d", v);
		else
			fputs("null", stdout);
		printf(", \"restarts\": %s, \"output_lost_bytes\": %s", l->f[7],
		    l->nf > 8 ? l->f[8] : "0");
		/* Readiness, health, or what a WAITING process waits for. */
		fputs(", \"info\": ", stdout);
		if (l->nf > 9 && strcmp(l->f[9], "-") != 0)
			json_string(l->f[9]);
		else
			fputs("null", stdout);
		/* An event listener: its state and its pool's queue. */
		fputs(", \"listener\": ", stdout);
		if (l->nf > 13) {
			fputs("{\"state\": ", stdout);
			json_string(l->f[10]);
			printf(", \"queued\": %s, \"dropped\": %s, "
			    "\"buffer_size\": %s}", l->f[11], l->f[12], l->f[13]);
		} else
			fputs("null", stdout);
		putchar('}');
	}
	printf("%s]\n", first ? "" : "\n");
}

static void
print_status_table(const struct reply *r)
{
	int wname = 4, wstate = 5, wpid = 3, wtime = 4, wexit = 9;
	char (*times)[40] = calloc(r->n + 1, sizeof(*times));
	const struct line *l;
	struct strbuf b = { 0 };
	size_t i;
	int n;

	if (times == NULL) {
		fprintf(stderr, "supervisor: out of memory\n");
		return;
	}
#define WIDEN(w, s) do { n = (int)strlen(s); if (n > (w)) (w) = n; } while (0)
	for (i = 0; i < r->n; i++) {
		l = &r->lines[i];
		times[i][0] = '\0';
		if (l->tag != '*' || l->nf < 8)
			continue;
		sb_reset(&b);
		if (strcmp(l->f[4], "-") != 0)
			format_duration(&b, "up", l->f[4]);
		else if (strcmp(l->f[5], "-") != 0)
			format_duration(&b, "down", l->f[5]);
		else
			sb_str(&b, "-");
		n = b.sb_len < sizeof(times[i]) ? (int)b.sb_len :
		    (int)sizeof(times[i]) - 1;
		memcpy(times[i], b.sb_data != NULL ? b.sb_data : "", (size_t)n);
		times[i][n] = '\0';
		WIDEN(wname, l->f[0]);
		WIDEN(wstate, l->f[2]);
		WIDEN(wpid, l->f[3]);
		WIDEN(wtime, times[i]);
		WIDEN(wexit, l->f[6]);
	}
#undef WIDEN
	printf("%-*s  %-*s  %*s  %-*s  %-*s  %s\n", wname, "NAME", wstate,
	    "STATE", wpid, "PID", wtime, "TIME", wexit, "LAST EXIT",
	    "RESTARTS");
	/* Each line made whole, then written: one stdio call a line. */
	for (i = 0; i < r->n; i++) {
		l = &r->lines[i];
		if (l->tag != '*' || l->nf < 8)
			continue;
		sb_reset(&b);
		column(&b, l->f[0], wname, false);
		column(&b, l->f[2], wstate, false);
		column(&b, strcmp(l->f[3], "0") == 0 ? "-" : l->f[3], wpid,
		    true);
		column(&b, times[i], wtime, false);
		column(&b, l->f[6], wexit, false);
		sb_str(&b, l->f[7]);
		/* An event listener: its state, its pool's queue. */
		if (l->nf > 13)
			sb_printf(&b, "  [listener %s, %s of %s queued, %s "
			    "dropped]", l->f[10], l->f[11], l->f[13], l->f[12]);
		/* Output its log could not take (a full disk...). */
		if (l->nf > 8 && strcmp(l->f[8], "0") != 0)
			sb_printf(&b, "  (%s bytes of output lost)", l->f[8]);
		if (l->nf > 9 && strcmp(l->f[9], "-") != 0)
			sb_printf(&b, "  (%s)", l->f[9]);
		sb_add(&b, "\n", 1);
		if (b.sb_nomem) {
			fprintf(stderr, "supervisor: out of memory\n");
			break;
		}
		fwrite(b.sb_data, 1, b.sb_len, stdout);
	}
	sb_free(&b);
	free(times);
}

/* Data lines as "NAME: WHAT" (or the one field), errors on stderr. */
static void
print_lines(const struct reply *r, bool just_last_field)
{
	const struct line *l;
	size_t i;

	for (i = 0; i < r->n; i++) {
		l = &r->lines[i];
		if (l->tag == '!' && l->nf == 1)
			fprintf(stderr, "%s\n", l->f[0]);
		else if (l->tag == '!')
			fprintf(stderr, "%s: %s\n", l->f[0], l->f[1]);
		else if (l->nf == 1 || just_last_field)
			printf("%s\n", l->f[l->nf - 1]);
		else
			printf("%s: %s\n", l->f[0], l->f[1]);
	}
}

static void
print_errors(const struct reply *r)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		if (r->lines[i].tag == '!')
			fprintf(stderr, "%s: %s\n", r->lines[i].f[0],
			    r->lines[i].nf > 1 ? r->lines[i].f[1] : "failed");
}

/* tail -f: the reply streams until the client goes. */
static bool
follows(int argc, char **argv)
{
	int i;

	if (strcmp(argv[0], "tail") != 0)
		return false;
	for (i = 1; i < argc; i++)
		if (strcmp(argv[i], "-f") == 0)
			return true;
	return false;
}

/*
 * supervisor [-c FILE] [-s PATH] COMMAND ARG...: argv[0] is COMMAND.
 * Returns the exit status.
 */
int
client_run(const char *config_path, const char *sock_arg, int argc,
    char **argv)
{
	const char *cmd = argv[0];
	char *path, *req = NULL;
	size_t reqlen = 0;
	bool json = false;
	struct reply r;
	FILE *req_f, *in;
	int fd, i, code;

	if (is_borrowed(cmd)) {
		if ((path = find_socket(config_path, sock_arg)) == NULL)
			return 1;
		code = ctl_borrowed(config_path, path, argc, argv);
		free(path);
		return code;
	}
	if ((req_f = open_memstream(&req, &reqlen)) == NULL)
		return 1;
	fprintf(req_f, "hello %d\n%s", CTL_PROTOCOL, cmd);
	for (i = 1; i < argc; i++) {
		if (strcmp(cmd, "status") == 0 && strcmp(argv[i], "--json")
		    == 0) {
			json = true;
			continue;
		}
		if (argv[i][0] == '\0' || strpbrk(argv[i], " \t\r\n") != NULL) {
			fprintf(stderr, "supervisor: %s: \"%s\": names and "
			    "arguments cannot be empty or contain blanks\n",
			    cmd, argv[i]);
			fclose(req_f);
			free(req);
			return EXIT_USAGE;
		}
		fprintf(req_f, " %s", argv[i]);
	}
	fputc('\n', req_f);
	fclose(req_f);
	if (reqlen > CTL_LINE_MAX) {
		fprintf(stderr, "supervisor: %s: request longer than %d bytes\n",
		    cmd, CTL_LINE_MAX);
		free(req);
		return EXIT_USAGE;
	}
	if ((path = find_socket(config_path, sock_arg)) == NULL) {
		free(req);
		return 1;
	}
	if ((fd = connect_to(path)) == -1) {
		fprintf(stderr, "supervisor: cannot connect to %s: %s (is the "
		    "supervisor running?)\n", path, strerror(errno));
		free(path);
		free(req);
		return EXIT_NODAEMON;
	}
	/* Both lines at once: no round trip for the greeting. */
	if (write_all(fd, req, reqlen) == -1 && errno != EPIPE) {
		fprintf(stderr, "supervisor: %s: write: %s\n", path,
		    strerror(errno));
		close(fd);
		free(path);
		free(req);
		return EXIT_NODAEMON;
	}
	free(req);
	/* A follower's hang-up is how the supervisor learns it is done. */
	if (!follows(argc, argv))
		shutdown(fd, SHUT_WR);
	if ((in = fdopen(fd, "r")) == NULL) {
		close(fd);
		free(path);
		return 1;
	}
	/* A status of 10,000 is about 450 KB: read in 64 KB, not 4 KB. */
	setvbuf(in, NULL, _IOFBF, 65536);
	/* The greeting's reply; a refusal (uid) comes here too. */
	if (read_reply(in, &r) == -1 || r.code != 0) {
		if (r.text != NULL)
			fprintf(stderr, "supervisor: %s\n", r.text);
		else
			fprintf(stderr, "supervisor: %s closed the connection "
			    "without answering\n", path);
		code = r.text != NULL && r.code != 0 ? r.code : EXIT_NODAEMON;
		reply_free(&r);
		fclose(in);
		free(path);
		return code;
	}
	reply_free(&r);
	if (read_reply(in, &r) == -1) {
		fprintf(stderr, "supervisor: %s closed the connection before "
		    "the reply ended\n", path);
		print_lines(&r, false);
		reply_free(&r);
		fclose(in);
		free(path);
		return 1;
	}
	fclose(in);
	free(path);
	if (strcmp(cmd, "status") == 0) {
		if (json)
			print_status_json(&r);
		else
			print_status_table(&r);
		print_errors(&r);
	} else
		/* "pid NAME" of one process: the bare pid, as supervisorctl. */
		print_lines(&r, strcmp(cmd, "pid") == 0 && r.n == 1);
	if (r.code != 0)
		fprintf(stderr, "supervisor: %s\n", r.text);
	else if (strcmp(cmd, "reload") == 0 || strcmp(cmd, "shutdown") == 0 ||
	    strcmp(cmd, "signal") == 0)
		printf("%s\n", r.text);
	code = r.code;
	reply_free(&r);
	return code;
}
