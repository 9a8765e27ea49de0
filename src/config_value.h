/*
 * config_value.h: what the config loader's files share: the raw sections
 * and keys read from the files, the key tables' types, and the helpers
 * that report "FILE:LINE: message" and check one value.  Only the
 * config_*.c loaders and config.c include it.
 */
#ifndef SUPERVISOR_CONFIG_VALUE_H
#define SUPERVISOR_CONFIG_VALUE_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "config_diff.h"
#include "config_types.h"
#include "parse.h"
#include "strmap.h"

struct inifile_sink;

/* Raw "key = value" lines of one section, before validation. */
struct raw_entry {
	int	 re_line;
	unsigned re_file;	/* index into ld_files: a section can be in
				   several files, its keys merged (24 bytes
				   an entry, 70,000 of them at 10,000
				   programs) */
	const char *re_key;	/* both in the loader's ld_strings */
	const char *re_value;
};

struct raw_section {
	const char	 *rs_name;	/* in ld_strings */
	size_t		  rs_file;	/* index into ld_files */
	int		  rs_line;
	uint64_t	  rs_span;	/* its text's hash (inifile.h), 0 if
					   it is not one span's one section */
	bool		  rs_skipped;	/* its span is ld_before's: no keys
					   read, the program to be copied */
	struct raw_entry *rs_entries;
	size_t		  rs_count;
	size_t		  rs_cap;	/* rs_entries' room */
};

/* One file read: the main config file or one of its [include]s. */
struct loaded_file {
	char	*lf_name;		/* as messages show it */
	char	*lf_here;		/* %(here)s: its directory, absolute */
};

/*
 * The raw text of a config: every section name, key and value, kept in
 * chunks freed together with the loader (80,000 lines at 10,000 programs
 * would be 160,000 small allocations and as many frees).
 */
struct string_chunk {
	struct string_chunk	*sc_next;
	size_t			 sc_used;
	size_t			 sc_size;
	char			 sc_text[];
};

struct loader {
	struct string_chunk	*ld_strings;	/* the newest chunk first */
	const char		*ld_file;	/* the file messages name now */
	const char		*ld_here;	/* and its %(here)s */
	size_t			 ld_file_index;	/* its index in ld_files */
	struct loaded_file	*ld_files;	/* main file first */
	size_t			 ld_nfiles;
	char			**ld_patterns;	/* [include] files=, resolved */
	struct config_msgs	*ld_msgs;
	struct raw_section	*ld_sections;
	size_t			 ld_nsections;
	size_t			 ld_sections_cap;
	struct strmap		 ld_index;	/* section names: position + 1 */
	size_t			*ld_groups;	/* the [group:x] sections' positions */
	size_t			 ld_ngroups;
	size_t			 ld_groups_at;	/* ld_nsections they were found at */
	struct raw_section	*ld_current;	/* NULL after a bad header */
	bool			 ld_nomem;
	size_t			 ld_processes;	/* processes so far */
	size_t			 ld_max_processes; /* [supervisor] max_processes */
	bool			 ld_inherit_env; /* ... inherit_environment */
	size_t			 ld_expanded;	/* bytes every value expanded to */
	bool			 ld_expanded_over; /* said once */
	bool			 ld_daemon_only; /* skip [program:x] sections */
	bool			 ld_from_text;	/* main file from memory: its
						   [include] files are not read */
	char			**ld_env;	/* [supervisor] environment=, for
						   %(ENV_X)s in later sections */
	const char		*ld_base;	/* relative paths are from here */
	char			*ld_cwd;	/* ld_base when none was set */
	long			 ld_daemon_uid;	/* whom the supervisor runs as
						   ([supervisor] user, or us) */
	const struct key_def	*ld_keys_of;	/* the table ld_keys indexes */
	struct strmap		 ld_keys;	/* its names to its entries */
	/* Programs' settings strings, one copy of each text (pg_settings
	 * points here); handed to the config it builds (cf_settings). */
	struct strmap		 ld_settings;
	char			**ld_settings_kept;
	size_t			 ld_nsettings;
	size_t			 ld_settings_cap;
	/* The config this one is read after (config_load_after): a program
	 * whose section and context hash as one of its did is copied. */
	const struct config	*ld_before;
	struct program_finder	 ld_before_find; /* its programs by name */
	size_t			 ld_before_at;	/* the next program's place */
	uint64_t		 ld_context;	/* 0: not hashed yet */
	bool			 ld_looked_up;	/* a program read the user
						   database (~user) */
	size_t			 ld_copied;	/* programs copied so far */
	size_t			 ld_unread;	/* ... of them, keys unread */
	bool			 ld_spans;	/* skip the spans ld_before has */
	size_t			 ld_span_at;	/* the next one's place there */
	bool			 ld_merged;	/* the section now read is one
						   read before, merged */
	bool			 ld_span_failed; /* a skipped span could not be
						   copied: to be read again,
						   whole (config.c) */
	/* The section an unknown key belongs in, if another: "[program:x]". */
	const char		*(*ld_key_home)(const char *key,
				    const char *section);
};

enum key_type {
	KEY_STRING,		/* kept raw; expanded where it is used */
	KEY_DURATION,
	KEY_INT,
	KEY_BOOL,
	KEY_SIGNAL,
	KEY_UMASK,
	KEY_EXITCODES,
	KEY_AUTORESTART,
	KEY_LOGLEVEL,
	KEY_SHUTDOWN,
	KEY_BYTES,		/* a long long: 50MB, 1KB, 0 */
	KEY_RLIMIT,		/* a long long: a size, or unlimited */
	KEY_LATER,		/* supervisord has it; not implemented yet */
};

struct key_def {
	const char	*kd_name;
	enum key_type	 kd_type;
	size_t		 kd_offset;	/* into the section's struct */
	long		 kd_min;	/* KEY_INT bounds */
	long		 kd_max;
};


#define NKEYS(t)	(sizeof(t) / sizeof((t)[0]))

/* Whether key is name: the first letters differ for most, at 80,000 keys
 * a load. */
static inline bool
config_key_is(const char *key, const char *name)
{
	return key[0] == name[0] && strcmp(key, name) == 0;
}

/* Processes a config may have unless max_processes says otherwise. */
#define CONFIG_MAX_PROCESSES	20000
/* Bytes all expanded values of a config may add up to: numprocs times
 * each per-process value. */
#define CONFIG_EXPANDED_MAX	(32UL * 1024 * 1024)

/* The names %(...) can use in a program's values. */
struct program_vars {
	struct expand_var	 pv_vars[6];
	size_t			 pv_count;
	/* "KEY=value" lists %(ENV_KEY)s sees before the supervisor's own
	 * environment, the later list first: [supervisor] environment=,
	 * then a program's own (NULL: none). */
	char *const		*pv_env[2];
};

void	config_msg(struct loader *ld, bool error, int line, const char *fmt,
	    ...) PRINTFLIKE(4, 5);
void	config_use_file(struct loader *ld, size_t i);
char	*config_path_abs(struct loader *ld, const char *path);
void	config_use_entry(struct loader *ld, const struct raw_entry *re,
	    struct program_vars *pv);
const char *config_quoted(const char *value, char *buf, size_t len);
const char *config_raw_group(struct loader *ld, const char *program);
void	config_vars_init(struct program_vars *pv, struct loader *ld,
	    const char *name, int numprocs, int process_num);
bool	config_store_value(struct loader *ld, const struct key_def *kd,
	    void *base, const struct raw_entry *re, const char *value);
const struct key_def *config_key_find(struct loader *ld,
	    const struct key_def *table, size_t n, const char *key);
const struct key_def *config_key_usable(struct loader *ld,
	    const struct key_def *table, size_t n,
	    const struct raw_section *rs, const struct raw_entry *re);
const char *config_closest(const char *word, const char *const *names,
	    size_t n);
char	*config_expand(struct loader *ld, const char *key, int line,
	    const char *value, const struct program_vars *pv);
bool	config_count_bytes(struct loader *ld, const char *key, int line,
	    size_t n);
/* The section called name (like "include"), or NULL. */
const struct raw_section *config_section_find(const struct loader *ld,
	    const char *name);
void	config_sink_init(struct loader *ld, struct inifile_sink *sink);
bool	config_is_program_section(const char *name);
void	config_loader_free(struct loader *ld);

#endif
