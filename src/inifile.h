/*
 * inifile.h: reads an INI file the way supervisord's config parser does
 * (continuation lines, ';'/'#' comments, lines of any length) and hands
 * each section and key to callbacks with its real line number.
 */
#ifndef SUPERVISOR_INIFILE_H
#define SUPERVISOR_INIFILE_H

#include <stdbool.h>
#include <stddef.h>

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
	void	 *is_ctx;
};

/* Largest config file accepted, so a wrong path to a huge file fails. */
#define INIFILE_MAX_SIZE	(16 * 1024 * 1024)

int	inifile_parse_file(const char *path, const struct inifile_sink *sink);
int	inifile_parse_fd(int fd, const struct inifile_sink *sink);
int	inifile_parse_text(const char *text, size_t len,
	    const struct inifile_sink *sink);

#endif
