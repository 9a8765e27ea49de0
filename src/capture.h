/*
 * capture.h: programs' output.  Each process has a pipe per stream that
 * goes anywhere, made at its first start and kept while it is
 * configured, so output that grandchildren write after it exited, or
 * around a restart, is read too.  The event loop moves what comes into the process's log, through
 * the sink of the log's destination (sink.h), which other streams may
 * write too.
 */
#ifndef SUPERVISOR_CAPTURE_H
#define SUPERVISOR_CAPTURE_H

#include <ev.h>
#include <stdbool.h>

#include "config_types.h"
#include "logfile.h"
#include "sink.h"

struct capture_stream;

/*
 * Someone following a stream's log (tail -f): told when the stream wrote
 * to it, when the log moved to another file, and when the stream goes.
 * A callback may remove its own listener (capture_unlisten), no other.
 */
struct capture_listener {
	void	(*cl_written)(struct capture_listener *l);
	void	(*cl_log_changed)(struct capture_listener *l);
	void	(*cl_gone)(struct capture_listener *l);
	struct capture_listener *cl_next;	/* the stream's list */
};

/* Someone who reads what a stream writes (ready = log:), as it comes: the
 * stream is then read, not spliced. */
typedef void capture_peek_fn(void *arg, const char *buf, size_t len);

struct capture_stream {
	const char	*cs_name;	/* "web stdout", for messages */
	int		 cs_rfd;	/* the pipe's read end, -1: none */
	int		 cs_wfd;	/* its write end, given to each spawn */
	ev_io		 cs_rio;	/* the pipe is readable */
	struct log_config cs_conf;	/* where it goes; lc_path is ours */
	struct sink_writer *cs_writer;	/* NULL: nowhere (NONE) */
	unsigned long long cs_lost_before; /* lost by its earlier writers */
	unsigned long long cs_read;	/* bytes read from the pipe, ever */
	bool		 cs_held;	/* not read until its sink has room */
	bool		 cs_grown;	/* the pipe was made bigger */
	bool		 cs_tapped;	/* its reads go to the tap too */
	struct capture	*cs_capture;	/* the capture it is a stream of */
	struct capture_listener *cs_listeners;	/* following this log */
	capture_peek_fn	*cs_peek;	/* NULL: none */
	void		*cs_peek_arg;
	char		 cs_namebuf[];	/* cs_name: "web stdout" */
};

/*
 * A stream is made when something needs it: a log or a tap at a spawn, a
 * tail, a readiness probe reading it.  A program whose output goes
 * nowhere has none (10,000 of them: 3.5 MB less).
 */
struct capture {
	struct capture_stream *c_stream[2];	/* OUT_STDOUT, OUT_STDERR;
						   NULL: not made */
	void		*c_owner;	/* given to the tap */
	const char	*c_name;	/* the owner's name: it outlives us */
};

/*
 * Told of every read of a tapped stream (one whose events are enabled:
 * PROCESS_LOG and PROCESS_COMMUNICATION; or one a ready = log: probe
 * reads), before it goes to its log.  It may take bytes out (capture
 * mode): it moves what is to be logged to the start of buf and returns
 * its length.  A tapped stream is read, never spliced, and has a pipe
 * even without a log.
 */
typedef size_t capture_tap_fn(void *owner, int stream, char *buf,
	    size_t len);
void	capture_set_tap(capture_tap_fn *fn);

void	capture_init(struct capture *c, const char *name, void *owner);
struct capture_stream *capture_stream(struct capture *c, int stream);
int	capture_prepare(struct capture *c, const struct proc_config *pc,
	    int child_fds[2]);
int	capture_fds(const struct proc_config *pc);
bool	capture_piped(const struct proc_config *pc, int stream);
void	capture_free(struct capture *c);
void	capture_reopen(struct capture *c);
unsigned long long capture_lost(const struct capture *c);
unsigned long long capture_stream_lost(const struct capture_stream *cs);
int	capture_open_log(struct capture_stream *cs,
	    const struct log_config *lc);
void	capture_set_loop(struct ev_loop *l);
void	capture_set_strip_ansi(bool on);
const struct logfile *capture_logfile(const struct capture_stream *cs);
void	capture_listen(struct capture_stream *cs, struct capture_listener *l);
void	capture_unlisten(struct capture_stream *cs,
	    struct capture_listener *l);
void	capture_peek(struct capture_stream *cs, capture_peek_fn *fn,
	    void *arg);

#endif
