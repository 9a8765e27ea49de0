/*
 * log.c: the supervisor's own log.  Lines go to stderr, or where
 * [supervisor] logfile says: a file (rotated by logfile_maxbytes, written
 * by logfile.c as programs' logs are), stdout, or syslog.  Each line is
 * "YYYY-mm-dd HH:MM:SS.mmm LEVEL message".  Once the event loop runs
 * (log_start), lines to stdout or stderr go through the sink that
 * programs logging there share (sink.c): whole among their lines, and
 * never a write that blocks; a line its queue has no room for is dropped,
 * counted, and said when there is room again.
 */
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "logfile.h"
#include "sink.h"

static int		 log_fd = STDERR_FILENO;	/* where lines go */
static struct sink_writer *log_lines;	/* the loop runs: lines to log_fd
					   through its sink */
static struct sink_writer *log_errors;	/* the loop runs: the log file's
					   faults to stderr through its sink */
static struct sink_writer *log_echoes;	/* the loop runs: log_echo's
					   copies to stdout through its sink */
static unsigned long long log_dropped_said; /* lines' bytes dropped, said */
static struct logfile	 log_file;		/* logfile = a file */
static bool		 log_to_file;		/* log_file is in use */
static bool		 log_to_syslog;
static bool		 log_tee;		/* file lines to stderr too */
static bool		 log_echo;		/* file and syslog lines to
						   stdout too (the foreground) */
static enum log_level	 log_threshold = LOG_LEVEL_INFO; /* drop lines above it */

static const char *const level_names[] = {
	[LOG_LEVEL_CRIT] = "CRIT",
	[LOG_LEVEL_ERROR] = "ERROR",
	[LOG_LEVEL_WARN] = "WARN",
	[LOG_LEVEL_INFO] = "INFO",
	[LOG_LEVEL_DEBUG] = "DEBUG",
	[LOG_LEVEL_TRACE] = "TRACE",
};

/*
 * What a log reports (a fault, a recovery) becomes our line; the log
 * file's own faults go to stderr, where it can be seen that the file
 * can't be written.
 */
static void
from_logfile(enum logfile_say say, const char *msg, bool own)
{
	char line[1300];
	int n;

	if (own) {
		n = snprintf(line, sizeof(line), "supervisor: %s\n", msg);
		if (n <= 0)
			return;
		if ((size_t)n >= sizeof(line))
			n = sizeof(line) - 1;
		if (log_errors != NULL)
			(void)sink_line(log_errors, line, (size_t)n);
		else
			(void)!write(STDERR_FILENO, line, (size_t)n);
	} else if (say == LOGFILE_SAY_WARN)
		log_warnx("%s", msg);
	else if (say == LOGFILE_SAY_INFO)
		log_info("%s", msg);
	else
		log_debug("%s", msg);
}

void
log_init(const char *progname)
{
	(void)progname;
	log_fd = STDERR_FILENO;
	logfile_set_reporter(from_logfile);
}

/*
 * Sends the log where lc says.  A file is opened in append mode, its
 * descriptor close-on-exec so programs never inherit it.  Returns -1
 * with errno set when the file can't be opened; lines then still go to
 * stderr.
 */
int
log_configure(const struct log_config *lc)
{
	log_close();
	switch (lc->lc_dest) {
	case LOG_TO_SYSLOG:
		openlog("supervisor", LOG_PID | LOG_NDELAY, LOG_DAEMON);
		log_to_syslog = true;
		return 0;
	case LOG_TO_STDOUT:
		log_fd = STDOUT_FILENO;
		return 0;
	case LOG_TO_FILE:
		logfile_init(&log_file, "logfile", true);
		if (logfile_configure(&log_file, lc) == -1) {
			int saved = log_file.lf_fault;

			logfile_close(&log_file);
			errno = saved;
			return -1;
		}
		log_to_file = true;
		log_fd = log_file.lf_fd;
		return 0;
	default:
		return 0;
	}
}

/*
 * The loop runs (in the supervisor, or in the guardian): from now on,
 * lines to stdout or stderr, and the log file's faults, go through the
 * sink of that descriptor, never blocking.
 */
void
log_start(struct ev_loop *loop)
{
	struct log_config lc;

	sink_set_loop(loop);
	memset(&lc, 0, sizeof(lc));
	if (log_echo && (log_to_syslog || log_to_file) && log_echoes == NULL) {
		lc.lc_dest = LOG_TO_STDOUT;
		log_echoes = sink_writer_new("logfile", &lc, NULL, NULL);
	}
	if (log_to_syslog)
		return;
	lc.lc_dest = LOG_TO_STDERR;
	if (log_to_file) {
		if (log_errors == NULL)
			log_errors = sink_writer_new("logfile", &lc, NULL,
			    NULL);
		return;
	}
	if (log_lines != NULL)
		return;
	if (log_fd == STDOUT_FILENO)
		lc.lc_dest = LOG_TO_STDOUT;
	log_lines = sink_writer_new("logfile", &lc, NULL, NULL);
	log_dropped_said = 0;
}

/*
 * For the guardian, which shares the log file with the supervisor: it
 * never rotates the file itself, and follows the supervisor's rotations
 * (logfile.c reopens a path that names another file now).
 */
void
log_share(void)
{
	if (log_to_file)
		log_file.lf_conf.lc_maxbytes = 0;
}

/*
 * While a detached supervisor starts, its stderr goes back to the command
 * that started it: lines written to the log file go there too, so that
 * the reason it could not start is seen where it was started.
 */
void
log_tee_stderr(bool on)
{
	log_tee = on;
}

/*
 * In the foreground, the lines that go to a log file or to syslog are
 * copied to stdout too, as supervisord does unless it is silent.
 */
void
log_echo_stdout(bool on)
{
	log_echo = on;
}

/* SIGUSR2: the log file opened anew (after an external rotation). */
void
log_reopen(void)
{
	if (!log_to_file)
		return;
	logfile_reopen(&log_file);
	log_fd = log_file.lf_fd != -1 ? log_file.lf_fd : STDERR_FILENO;
}

/*
 * Writes a fixed message from signal context (SIGALRM's last resort):
 * one write(2) to the log, no formatting, no time stamp.
 */
void
log_signal_safe(const char *msg, size_t len)
{
	(void)write(log_fd, msg, len);
}

void
log_close(void)
{
	if (log_to_file)
		logfile_close(&log_file);
	if (log_to_syslog)
		closelog();
	sink_writer_release(log_lines);
	sink_writer_release(log_errors);
	sink_writer_release(log_echoes);
	log_lines = log_errors = log_echoes = NULL;
	log_to_file = log_to_syslog = false;
	log_fd = STDERR_FILENO;
}

/*
 * A line through the sink; when lines were dropped since the last one
 * that went (the destination stalled), a line that says so goes first.
 */
static void
to_sink(const char *line, size_t len)
{
	unsigned long long dropped = sink_writer_lost(log_lines);

	if (dropped > log_dropped_said) {
		log_dropped_said = dropped;
		log_warnx("%llu bytes of the supervisor's log dropped so far: "
		    "its %s was not being read", dropped,
		    log_fd == STDOUT_FILENO ? "stdout" : "stderr");
		/* Said, or dropped too: then said by the next line. */
	}
	(void)sink_line(log_lines, line, len);
}

/* In the foreground, a line of the log file or of syslog copied to
 * stdout too (log_echo). */
static void
echo(const char *line, size_t len)
{
	if (log_echoes != NULL)
		(void)sink_line(log_echoes, line, len);
	else
		(void)!write(STDOUT_FILENO, line, len);
}

void
log_set_level(enum log_level level)
{
	log_threshold = level;
}

const char *
log_level_name(enum log_level level)
{
	return level_names[level];
}

/*
 * Accepts supervisord's level names too: "warn" and "warning", "critical",
 * "blather" (its most verbose level, here the same as trace).
 */
int
log_level_parse(const char *word, enum log_level *out)
{
	static const struct {
		const char	*name;
		enum log_level	 level;
	} words[] = {
		{ "critical", LOG_LEVEL_CRIT }, { "crit", LOG_LEVEL_CRIT },
		{ "error", LOG_LEVEL_ERROR }, { "warn", LOG_LEVEL_WARN },
		{ "warning", LOG_LEVEL_WARN }, { "info", LOG_LEVEL_INFO },
		{ "debug", LOG_LEVEL_DEBUG }, { "trace", LOG_LEVEL_TRACE },
		{ "blather", LOG_LEVEL_TRACE },
	};
	size_t i;

	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		if (strcasecmp(word, words[i].name) == 0) {
			*out = words[i].level;
			return 0;
		}
	}
	return -1;
}

static int
syslog_prio(enum log_level level)
{
	static const int prio[] = {
		[LOG_LEVEL_CRIT] = LOG_CRIT,
		[LOG_LEVEL_ERROR] = LOG_ERR,
		[LOG_LEVEL_WARN] = LOG_WARNING,
		[LOG_LEVEL_INFO] = LOG_INFO,
		[LOG_LEVEL_DEBUG] = LOG_DEBUG,
		[LOG_LEVEL_TRACE] = LOG_DEBUG,
	};

	return prio[level];
}

/*
 * Formats the whole line into one buffer and writes it with one write(2),
 * so lines from the supervisor never interleave with each other.
 */
static void
log_vwrite(enum log_level level, int errnum, const char *fmt, va_list ap)
{
	char line[2048];
	struct timespec now;
	struct tm tm;
	size_t len, msg_at;
	int n;

	if (level > log_threshold)
		return;
	if (log_to_syslog && !log_echo) {
		n = vsnprintf(line, sizeof(line), fmt, ap);
		if (errnum != 0)
			syslog(syslog_prio(level), "%s: %s", line,
			    strerror(errnum));
		else
			syslog(syslog_prio(level), "%s", line);
		return;
	}
	clock_gettime(CLOCK_REALTIME, &now);
	localtime_r(&now.tv_sec, &tm);
	len = strftime(line, sizeof(line), "%Y-%m-%d %H:%M:%S", &tm);
	n = snprintf(line + len, sizeof(line) - len, ".%03ld %-5s ",
	    now.tv_nsec / 1000000, level_names[level]);
	if (n > 0)
		len += (size_t)n;
	msg_at = len;
	n = vsnprintf(line + len, sizeof(line) - len, fmt, ap);
	if (n > 0)
		len += (size_t)n;
	if (len > sizeof(line) - 2)
		len = sizeof(line) - 2;
	if (errnum != 0) {
		n = snprintf(line + len, sizeof(line) - len, ": %s",
		    strerror(errnum));
		if (n > 0)
			len += (size_t)n;
		if (len > sizeof(line) - 2)
			len = sizeof(line) - 2;
	}
	line[len++] = '\n';
	if (log_lines != NULL) {
		to_sink(line, len);
		return;
	}
	if (log_to_syslog) {
		echo(line, len);
		line[len - 1] = '\0';
		/* The message alone: syslog stamps it itself. */
		syslog(syslog_prio(level), "%s", line + msg_at);
		return;
	}
	/* A short or failed write of our own log must not stop supervision. */
	if (log_to_file) {
		if (log_echo)
			echo(line, len);
		if (log_tee)
			(void)!write(STDERR_FILENO, line, len);
		(void)logfile_write(&log_file, line, len);
		log_fd = log_file.lf_fd != -1 ? log_file.lf_fd : STDERR_FILENO;
		return;
	}
	while (write(log_fd, line, len) == -1 && errno == EINTR)
		;
}

#define LOG_FN(name, level)				\
void							\
name(const char *fmt, ...)				\
{							\
	va_list ap;					\
	int saved = errno;				\
	va_start(ap, fmt);				\
	log_vwrite(level, 0, fmt, ap);			\
	va_end(ap);					\
	errno = saved;					\
}

LOG_FN(log_info, LOG_LEVEL_INFO)
LOG_FN(log_debug, LOG_LEVEL_DEBUG)
LOG_FN(log_warnx, LOG_LEVEL_WARN)
LOG_FN(log_error, LOG_LEVEL_ERROR)

void
log_warn(const char *fmt, ...)
{
	va_list ap;
	int saved = errno;

	va_start(ap, fmt);
	log_vwrite(LOG_LEVEL_WARN, saved, fmt, ap);
	va_end(ap);
	errno = saved;
}

void
fatal(const char *fmt, ...)
{
	va_list ap;
	int saved = errno;

	va_start(ap, fmt);
	log_vwrite(LOG_LEVEL_CRIT, saved, fmt, ap);
	va_end(ap);
	if (log_lines != NULL || log_errors != NULL || log_echoes != NULL)
		sink_finish(1.0);
	exit(1);
}

void
fatalx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vwrite(LOG_LEVEL_CRIT, 0, fmt, ap);
	va_end(ap);
	if (log_lines != NULL || log_errors != NULL || log_echoes != NULL)
		sink_finish(1.0);
	exit(1);
}
