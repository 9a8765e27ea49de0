/*
 * parse.h: the value parsers of the config language: durations, signals,
 * booleans, numbers, %(name)s expansion, shell-like command splitting and
 * supervisord's KEY="value",... environment lists.  Pure functions.
 */
#ifndef SUPERVISOR_PARSE_H
#define SUPERVISOR_PARSE_H

#include <stdbool.h>
#include <stddef.h>

#define PARSE_ERRLEN 256

int	parse_duration(const char *s, double *out);
int	parse_signal(const char *s, int *out);
int	parse_bool(const char *s, bool *out);
int	parse_int(const char *s, long min, long max, long *out);
int	parse_umask(const char *s, int *out);
int	parse_bytes(const char *s, long long *out);
void	path_clean(char *path);
int	parse_exitcodes(const char *s, unsigned char codes[256]);

/*
 * One %(name)X substitution source: either a string or an integer, looked
 * up by name.  ENV_* names are looked up in the environment by the
 * expander itself.
 */
struct expand_var {
	const char	*ev_name;	/* e.g. "program_name" */
	const char	*ev_str;	/* string value, or NULL for ev_num */
	long		 ev_num;	/* integer value when ev_str is NULL */
};

/* The longest value expand() makes: a command line, a path, a list. */
#define EXPAND_MAX	(64 * 1024)

bool	 expand_needed(const char *s);
char	*expand(const char *s, const struct expand_var *vars, size_t nvars,
	    char *err, size_t errlen);
char	**split_command(const char *s, char *err, size_t errlen);
char	**parse_environment(const char *s, char *err, size_t errlen);

#endif
