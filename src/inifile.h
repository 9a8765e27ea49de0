/*
 * inifile.h: reads an INI file the way supervisord's config parser does
 * (continuation lines, ';'/'#' comments, lines of any length) and hands
 * each section and key to callbacks with its real line number.
 */
#ifndef SUPERVISOR_INIFILE_H
#define SUPERVISOR_INIFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct inifile_sink {
	/* A "[name]" header; the name is trimmed. */
	void	(*is_section)(void *ctx, int line, const char *name);
	/* "key = value" under section; key lowercased, value trimmed. */
	void	(*is_entry)(void *ctx, int line, const char *section,
		    const char *key, const char *value);
	/* A line that is neither. */
	void	(*is_error)(void *ctx, int line, const char *message);
	/* Optional: false skips the keys of that section, unread. */
	bool	(*is_wanted)(void *ctx, const char *section);
	/*
	 * Optional, about spans: a span is the text from a line that starts
	 * with '[' to the next such line (or the end).  What a span reads to
	 * depends on its text alone.  is_known, asked as a span's header is
	 * read, says whether the sink has that span's section already (it
	 * hashed so before): its keys are then skipped, unsplit.  is_span,
	 * told right after is_section of a span's header, gives its hash (0
	 * when the span held more than its one section, or a fault) and
	 * whether it was skipped.
	 */
	bool	(*is_known)(void *ctx, const char *section, uint64_t span);
	void	(*is_span)(void *ctx, uint64_t span, bool skipped);
	void	 *is_ctx;
};

/* Largest config file accepted, so a wrong path to a huge file fails. */
#define INIFILE_MAX_SIZE	(16 * 1024 * 1024)

int	inifile_parse_file(const char *path, const struct inifile_sink *sink);
int	inifile_parse_fd(int fd, const struct inifile_sink *sink);
int	inifile_parse_text(const char *text, size_t len,
	    const struct inifile_sink *sink);

#endif
