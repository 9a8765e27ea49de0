/*
 * config_files.c: reading the config files into the loader: each file
 * opened safely (as root, StrictModes over its whole path), and the main
 * file's [include] files = globs, each match read once, in sorted order.
 */
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config_files.h"
#include "config_value.h"
#include "inifile.h"
#include "parse.h"
#include "strv.h"
#include "trust.h"

/* The absolute directory of path: %(here)s, as in supervisord. */
static char *
here_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *dir, *here, cwd[PATH_MAX];

	if (slash == NULL)
		dir = strdup(".");
	else if (slash == path)
		dir = strdup("/");
	else
		dir = strndup(path, (size_t)(slash - path));
	if (dir == NULL)
		return NULL;
	if ((here = realpath(dir, NULL)) == NULL) {
		/* Not there (yet): make it absolute by hand. */
		if (dir[0] == '/' || getcwd(cwd, sizeof(cwd)) == NULL)
			here = strdup(dir);
		else if (asprintf(&here, "%s/%s", cwd, dir) == -1)
			here = NULL;
	}
	free(dir);
	return here;
}

int
config_add_file(struct loader *ld, const char *path)
{
	struct loaded_file *nl;

	nl = realloc(ld->ld_files, (ld->ld_nfiles + 1) * sizeof(*nl));
	if (nl == NULL)
		return -1;
	ld->ld_files = nl;
	nl += ld->ld_nfiles;
	nl->lf_name = strdup(path);
	nl->lf_here = here_of(path);
	if (nl->lf_name == NULL || nl->lf_here == NULL) {
		free(nl->lf_name);
		free(nl->lf_here);
		return -1;
	}
	config_use_file(ld, ld->ld_nfiles++);
	return 0;
}

/* "cannot read: WHY", the reason in the words a user needs. */
static void
cannot_read(struct loader *ld, bool include, int err)
{
	config_msg(ld, !include, 0, "%scannot read: %s", include ?
	    "skipped: " : "", err == EINVAL ? "not a regular file" :
	    strerror(err));
}

/*
 * Opens a config file to read, without blocking (a FIFO) or following a
 * link into a place nobody checked.  As root, a config file says what
 * root runs: it is read only when no one but root (or our own user) can
 * have written it, or any directory or link on the way to it (sshd's
 * StrictModes, over the whole path: trust.c).  Returns the descriptor,
 * or -1 after saying why: an error for the main file; for an include a
 * warning, and it is skipped, so that a file someone drops into an
 * include directory costs only itself, not every later reload.
 */
int
config_open(struct loader *ld, const char *path, bool include)
{
	char real[PATH_MAX], why[TRUST_WHY];
	struct stat want, got;
	int fd, err;

	if (geteuid() != 0 || ld->ld_daemon_only) {
		if ((fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)) == -1)
			cannot_read(ld, include, errno);
		return fd;
	}
	if (trust_file(path, real, sizeof(real), &want, why,
	    sizeof(why)) == -1) {
		if (errno != EPERM) {
			cannot_read(ld, include, errno);
			return -1;
		}
		config_msg(ld, !include, 0, "%srefusing a config file others "
		    "could have written: %s (as root, only what root alone can "
		    "write is read)", include ? "skipped: " : "", why);
		return -1;
	}
	/* The walk checked every directory of real: nothing but root can
	 * have swapped it since; the same file, or a fault. */
	if ((fd = open(real, O_RDONLY | O_NOFOLLOW | O_NONBLOCK |
	    O_CLOEXEC)) == -1 || fstat(fd, &got) == -1) {
		err = errno;
		if (fd != -1)
			close(fd);
		cannot_read(ld, include, err);
		return -1;
	}
	if (got.st_dev != want.st_dev || got.st_ino != want.st_ino) {
		close(fd);
		config_msg(ld, !include, 0, "%schanged while it was checked; "
		    "not read", include ? "skipped: " : "");
		return -1;
	}
	return fd;
}

/* Reads one more file into the loader; its sections join the others. */
static void
read_file(struct loader *ld, const char *path,
    const struct inifile_sink *sink)
{
	int fd;

	if (config_add_file(ld, path) == -1) {
		ld->ld_nomem = true;
		return;
	}
	ld->ld_current = NULL;
	if ((fd = config_open(ld, path, true)) == -1)
		return;
	if (inifile_parse_fd(fd, sink) == -1)
		cannot_read(ld, true, errno);
}

/* A relative include is relative to the main file's directory. */
static char *
include_path(const char *main_file, const char *name)
{
	const char *slash = strrchr(main_file, '/');
	char *out;

	if (name[0] == '/' || slash == NULL)
		return strdup(name);
	if (asprintf(&out, "%.*s/%s", (int)(slash - main_file), main_file,
	    name) == -1)
		return NULL;
	return out;
}

static bool
already_read(const struct loader *ld, const char *path)
{
	size_t i;

	for (i = 0; i < ld->ld_nfiles; i++)
		if (strcmp(ld->ld_files[i].lf_name, path) == 0)
			return true;
	return false;
}

/*
 * The main file's [include] files = PATTERN...: globs, relative to the
 * main file's directory, each one's matches read in sorted order (as
 * supervisord does).  A pattern without wildcards that names no file is
 * skipped with a warning, as supervisord skips it.
 */
void
config_read_includes(struct loader *ld, const struct inifile_sink *sink)
{
	const struct raw_section *rs;
	const struct raw_entry *re;
	struct program_vars pv;
	char **words = NULL, *value = NULL, *pattern, err[PARSE_ERRLEN];
	static const char *const include_keys[] = { "files" };
	const char *near;
	size_t i, k;
	int line = 0, rc;
	glob_t g;

	if ((rs = config_section_find(ld, "include")) == NULL)
		return;
	config_use_file(ld, rs->rs_file);
	for (i = 0; i < rs->rs_count; i++) {
		re = &rs->rs_entries[i];
		config_use_entry(ld, re, NULL);
		if (strcmp(re->re_key, "files") == 0) {
			line = re->re_line;
			/* [include] is read before [supervisor] environment=:
			 * %(ENV_X)s is the supervisor's own environment. */
			config_vars_init(&pv, ld, "supervisor", 1, 0);
			pv.pv_env[0] = NULL;
			free(value);
			value = config_expand(ld, "files", line, re->re_value,
			    &pv);
			if (value == NULL)
				return;
		} else if ((near = config_closest(re->re_key, include_keys,
		    1)) != NULL)
			config_msg(ld, false, re->re_line, "unknown key \"%s\" "
			    "in [include]; ignored; did you mean %s?",
			    re->re_key, near);
		else
			config_msg(ld, false, re->re_line, "unknown key \"%s\" "
			    "in [include]; ignored", re->re_key);
	}
	config_use_file(ld, rs->rs_file);
	if (line == 0) {
		config_msg(ld, true, rs->rs_line, "[include] has no files key");
		return;
	}
	config_use_file(ld, 0);
	/* rs is not used from here on: reading more files moves it. */
	words = split_command(value, err, sizeof(err));
	if (words == NULL && strspn(value, " \t\r\n") == strlen(value)) {
		/* supervisord reads nothing, silently: a warning here. */
		config_msg(ld, false, line, "files: empty; no file included");
		free(value);
		return;
	}
	free(value);
	if (words == NULL) {
		config_msg(ld, true, line, "files: %s", err);
		return;
	}
	for (k = 0; words[k] != NULL; k++) {
		if ((pattern = include_path(ld->ld_files[0].lf_name,
		    words[k])) == NULL || strv_push(&ld->ld_patterns,
		    pattern) == -1) {
			free(pattern);
			ld->ld_nomem = true;
			break;
		}
		/*
		 * Text from memory has no directory of its own: its patterns
		 * are checked and kept, but what they match on this machine
		 * is not read, so the result depends on the text alone.
		 */
		if (ld->ld_from_text) {
			free(pattern);
			continue;
		}
		/* A file that is not there is skipped, as supervisord skips
		 * it (a glob that matches nothing is the usual empty conf.d,
		 * and says nothing). */
		rc = glob(pattern, 0, NULL, &g);
		if (rc == GLOB_NOMATCH && strpbrk(words[k], "*?[") == NULL)
			config_msg(ld, false, line, "files: %s: no such file; "
			    "skipped", pattern);
		else if (rc != 0 && rc != GLOB_NOMATCH)
			config_msg(ld, true, line, "files: %s: cannot list "
			    "it", pattern);
		for (i = 0; rc == 0 && i < g.gl_pathc; i++) {
			if (already_read(ld, g.gl_pathv[i]))
				continue;
			read_file(ld, g.gl_pathv[i], sink);
			config_use_file(ld, 0);
		}
		if (rc == 0)
			globfree(&g);
		free(pattern);
	}
	strv_free(words);
}
