/*
 * sink.h: where output is written.  One sink per destination (a log
 * file, the supervisor's stdout or stderr, another descriptor it was
 * started with) is the one writer of it, however many streams write
 * there, each through a writer of its own; see sink.c.
 */
#ifndef SUPERVISOR_SINK_H
#define SUPERVISOR_SINK_H

#include <ev.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "logfile.h"

#define SINK_LINE_MAX	(64 * 1024)	/* a longer line goes out in pieces */
#define SINK_LINE_WAIT	1.0		/* seconds a line not ended waits */

struct sink_writer;

/* What a writer's owner is told, with the arg it gave sink_writer_new. */
struct sink_writer_ops {
	void	(*so_room)(void *arg);	  /* sink_may_read said no; now yes */
	void	(*so_written)(void *arg); /* its destination was written to */
};

void	sink_set_loop(struct ev_loop *l);
struct sink_writer *sink_writer_new(const char *name,
	    const struct log_config *lc, const struct sink_writer_ops *ops,
	    void *arg);
void	sink_writer_release(struct sink_writer *w);
bool	sink_writer_open(const struct sink_writer *w);
void	sink_writer_strip(struct sink_writer *w, bool on);
void	sink_writer_reopen(struct sink_writer *w);
const struct logfile *sink_writer_log(const struct sink_writer *w);
unsigned long long sink_writer_lost(const struct sink_writer *w);
bool	sink_may_read(struct sink_writer *w);
char	*sink_space(struct sink_writer *w, size_t *room);
void	sink_commit(struct sink_writer *w, size_t n);
void	sink_lose(struct sink_writer *w, size_t n);
ssize_t	sink_splice(struct sink_writer *w, int from, size_t max);
bool	sink_line(struct sink_writer *w, const char *line, size_t n);
void	sink_finish(double seconds);

#endif
