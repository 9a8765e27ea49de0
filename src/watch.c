/*
 * watch.c: notices edits of the config file and its includes, and says
 * so once an edit is done (main.c then reloads).  inotify on the directories that hold
 * them sees in-place writes, write-to-temp-then-rename saves, and
 * drop-in files added or removed; a file written in place counts once it
 * is closed, and a burst of changes makes one reload.  Without inotify,
 * libev stat watchers poll the files instead.
 *
 * The directories are watched for names coming and going (creations,
 * renames, removals), not for writes: a log file written in the config's
 * directory would wake the loop at every line.  Writes in place are seen
 * by a watch on each file of ours itself.
 *
 * The watches are set up ARM_DELAY after start, not at once: a watch
 * that has been set costs an SRCU grace period when it goes (8-28 ms,
 * at the close of the descriptor or at exit), which would double the
 * life of a container whose one program exits at once.  An edit before
 * then is not lost: what the files looked like at start (a fingerprint
 * of their stat and of the [include] matches) is compared when the
 * watches are in place, and a difference reloads.
 */
#include <errno.h>
#include <fnmatch.h>
#include <glob.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "parse.h"
#include "strv.h"
#include "watch.h"

/* Quiet time after the last change before reloading: one save, one reload. */
#define SETTLE		0.01
/* A file written in place and not closed yet: reload anyway after this. */
#define WRITE_WAIT	1.0
/* Stat polling interval when inotify is not available. */
#define POLL_INTERVAL	2.0
/* From start to the watches being set (see above). */
#define ARM_DELAY	0.25

/* One watched directory and the entries in it that matter. */
struct watch_dir {
	int	  wd_wd;		/* inotify watch descriptor */
	char	 *wd_path;
	char	**wd_names;		/* exact names: our files, symlinks */
	char	**wd_patterns;		/* [include] globs' last components */
};

static struct ev_loop	*loop;
static int		 ino_fd = -1;
static ev_io		 ino_watcher;
static struct watch_dir	*dirs;
static size_t		 ndirs;
static int		*fwds;		/* watches on our files themselves */
static size_t		 nfwds, fwds_cap;
static ev_stat		*stats;		/* the fallback: one per file */
static size_t		 nstats;
static ev_timer		 settle_timer;
static bool		 writing;	/* a file of ours is open for writing */
static void		(*edit_done)(void); /* main.c reloads */
static ev_timer		 arm_timer;	/* ARM_DELAY after start */
static bool		 armed;		/* the watches are set */
static const struct config *unarmed;	/* the config to arm for, until then */
static char		*print;		/* its files' fingerprint, as read */
static bool		 one_file;	/* the config is its main file alone */

static void
settle_cb(struct ev_loop *l, ev_timer *w, int revents)
{
	(void)l;
	(void)w;
	(void)revents;
	writing = false;
	edit_done();
}

/*
 * A change: reload once things have been quiet for a moment; at once
 * when the config is one file, saved by a rename (whole as it arrives),
 * and no other change waits.  With [include] files, a rename may be the
 * first of several (a section moved from one file to another): the
 * moment lets the others come.
 */
static void
changed(bool renamed)
{
	bool waiting = ev_is_active(&settle_timer);

	ev_timer_stop(loop, &settle_timer);
	ev_timer_set(&settle_timer, writing ? WRITE_WAIT : renamed &&
	    one_file && !waiting ? 0 : SETTLE, 0);
	ev_timer_start(loop, &settle_timer);
}

static struct watch_dir *
dir_by_wd(int wd)
{
	size_t i;

	for (i = 0; i < ndirs; i++)
		if (dirs[i].wd_wd == wd)
			return &dirs[i];
	return NULL;
}

static bool
is_file_watch(int wd)
{
	size_t i;

	for (i = 0; i < nfwds; i++)
		if (fwds[i] == wd)
			return true;
	return false;
}

static bool
is_ours(const struct watch_dir *d, const char *name)
{
	size_t i;

	for (i = 0; d->wd_names[i] != NULL; i++)
		if (strcmp(d->wd_names[i], name) == 0)
			return true;
	for (i = 0; d->wd_patterns[i] != NULL; i++)
		if (fnmatch(d->wd_patterns[i], name, FNM_PERIOD) == 0)
			return true;
	return false;
}

static void	file_watch(const char *, int **, size_t *, size_t *);

/* A file of ours that a name now leads to (saved by rename, added): its
 * writes in place are seen from now on, whether or not it loads. */
static void
file_arrived(const struct watch_dir *d, const char *name)
{
	char path[PATH_MAX];

	if (snprintf(path, sizeof(path), "%s/%s", d->wd_path, name) <
	    (int)sizeof(path))
		file_watch(path, &fwds, &nfwds, &fwds_cap);
}

static void
inotify_cb(struct ev_loop *l, ev_io *w, int revents)
{
	char buf[8192] __attribute__((aligned(__alignof__(struct inotify_event))));
	const struct inotify_event *ev;
	const struct watch_dir *d;
	bool relevant = false, renamed = true;
	ssize_t n;
	char *p;

	(void)l;
	(void)revents;
	while ((n = read(w->fd, buf, sizeof(buf))) > 0) {
		for (p = buf; p < buf + n; p += sizeof(*ev) + ev->len) {
			ev = (const struct inotify_event *)p;
			if (ev->mask & IN_Q_OVERFLOW) {
				relevant = true;	/* events were lost */
				renamed = false;
				continue;
			}
			if ((d = dir_by_wd(ev->wd)) == NULL) {
				/* A file of ours, written in place. */
				if (!is_file_watch(ev->wd) ||
				    !(ev->mask & (IN_MODIFY | IN_CLOSE_WRITE)))
					continue;
				writing = (ev->mask & IN_MODIFY) != 0;
				relevant = true;
				renamed = false;
				continue;
			}
			if (ev->mask & (IN_DELETE_SELF | IN_MOVE_SELF)) {
				relevant = true;
				renamed = false;
				continue;
			}
			if (ev->len == 0 || !is_ours(d, ev->name))
				continue;
			if (ev->mask & (IN_CREATE | IN_MOVED_TO))
				file_arrived(d, ev->name);
			if (!(ev->mask & IN_MOVED_TO))
				renamed = false;
			relevant = true;
		}
	}
	if (n == -1 && errno != EAGAIN && errno != EINTR)
		log_warn("config watch: read");
	if (relevant)
		changed(renamed);
}

static void
stat_cb(struct ev_loop *l, ev_stat *w, int revents)
{
	(void)l;
	(void)w;
	(void)revents;
	changed(false);
}

/* ---- the watch set ------------------------------------------------ */

static void
dirs_free(struct watch_dir *list, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(list[i].wd_path);
		strv_free(list[i].wd_names);
		strv_free(list[i].wd_patterns);
	}
	free(list);
}

/* The entry for directory path in list, added if new; NULL: no memory. */
static struct watch_dir *
dir_entry(struct watch_dir **list, size_t *n, const char *path)
{
	struct watch_dir *nl;
	size_t i;

	for (i = 0; i < *n; i++)
		if (strcmp((*list)[i].wd_path, path) == 0)
			return &(*list)[i];
	if ((nl = realloc(*list, (*n + 1) * sizeof(*nl))) == NULL)
		return NULL;
	*list = nl;
	nl += *n;
	nl->wd_wd = -1;
	nl->wd_path = strdup(path);
	nl->wd_names = strv_new();
	nl->wd_patterns = strv_new();
	if (nl->wd_path == NULL || nl->wd_names == NULL ||
	    nl->wd_patterns == NULL) {
		free(nl->wd_path);
		strv_free(nl->wd_names);
		strv_free(nl->wd_patterns);
		return NULL;
	}
	(*n)++;
	return nl;
}

/* Splits path into its directory ("." if none) and last component. */
static void
split_path(const char *path, char *dir, size_t dirlen, const char **base)
{
	const char *slash = strrchr(path, '/');

	if (slash == NULL) {
		snprintf(dir, dirlen, ".");
		*base = path;
	} else if (slash == path) {
		snprintf(dir, dirlen, "/");
		*base = slash + 1;
	} else {
		snprintf(dir, dirlen, "%.*s", (int)(slash - path), path);
		*base = slash + 1;
	}
}

static int
want(struct watch_dir **list, size_t *n, const char *path, bool pattern)
{
	struct watch_dir *d;
	char dir[PATH_MAX];
	const char *base;

	split_path(path, dir, sizeof(dir), &base);
	if ((d = dir_entry(list, n, dir)) == NULL)
		return -1;
	return strv_push(pattern ? &d->wd_patterns : &d->wd_names, base);
}

/*
 * Every name a file is reached by: its path, the first step of a
 * relative symlink (a directory swapped by rename, as Kubernetes does
 * with ..data), and where the links lead.
 */
static int
want_file(struct watch_dir **list, size_t *n, const char *path)
{
	char target[PATH_MAX], *real, *step;
	ssize_t len;
	int rc = want(list, n, path, false);

	len = readlink(path, target, sizeof(target) - 1);
	if (rc == 0 && len > 0) {
		target[len] = '\0';
		if (target[0] != '/' && (step = strchr(target, '/')) != NULL) {
			char dir[PATH_MAX], joined[PATH_MAX * 2];
			const char *base;

			*step = '\0';
			split_path(path, dir, sizeof(dir), &base);
			snprintf(joined, sizeof(joined), "%s/%s", dir, target);
			rc = want(list, n, joined, false);
		}
		if (rc == 0 && (real = realpath(path, NULL)) != NULL) {
			rc = want(list, n, real, false);
			free(real);
		}
	}
	return rc;
}

/*
 * The directories cf's files live in, and the [include] patterns' (a
 * directory that does not exist yet is watched for in its parent).
 */
static int
wanted_dirs(const struct config *cf, struct watch_dir **list, size_t *n)
{
	char dir[PATH_MAX];
	const char *base;
	struct stat st;
	size_t i;

	for (i = 0; i < cf->cf_nfiles; i++)
		if (want_file(list, n, cf->cf_files[i]) == -1)
			return -1;
	for (i = 0; cf->cf_include_patterns[i] != NULL; i++) {
		const char *pat = cf->cf_include_patterns[i];

		split_path(pat, dir, sizeof(dir), &base);
		if (strpbrk(dir, "*?[") != NULL)
			continue;	/* a wildcard directory: not followed */
		if (want(list, n, pat, true) == -1)
			return -1;
		if (stat(dir, &st) == -1 && want(list, n, dir, false) == -1)
			return -1;
	}
	return 0;
}

static void
stats_stop(void)
{
	size_t i;

	for (i = 0; i < nstats; i++)
		ev_stat_stop(loop, &stats[i]);
	free(stats);
	stats = NULL;
	nstats = 0;
}

/* Without inotify: poll every file and every directory. */
static void
stats_start(const struct config *cf, struct watch_dir *list, size_t n)
{
	size_t i, total = cf->cf_nfiles + n;

	if ((stats = calloc(total + 1, sizeof(*stats))) == NULL)
		return;
	for (i = 0; i < total; i++) {
		ev_stat_init(&stats[i], stat_cb, i < cf->cf_nfiles ?
		    cf->cf_files[i] : list[i - cf->cf_nfiles].wd_path,
		    POLL_INTERVAL);
		nstats++;
	}
	for (i = 0; i < nstats; i++)
		ev_stat_start(loop, &stats[i]);
}

/* ---- before the watches are set -------------------------------------- */

/* One line of the fingerprint: path's identity, size and times. */
static void
print_file(FILE *f, const char *path)
{
	struct stat st;

	if (stat(path, &st) == -1)
		fprintf(f, "%s -%d\n", path, errno);
	else
		fprintf(f, "%s %ju:%ju %jd %jd.%ld %jd.%ld\n", path,
		    (uintmax_t)st.st_dev, (uintmax_t)st.st_ino,
		    (intmax_t)st.st_size, (intmax_t)st.st_mtim.tv_sec,
		    st.st_mtim.tv_nsec, (intmax_t)st.st_ctim.tv_sec,
		    st.st_ctim.tv_nsec);
}

/*
 * What cf's files look like now: each file read, and each file its
 * [include] patterns match (one added or removed is an edit too).  NULL
 * when out of memory.
 */
static char *
fingerprint(const struct config *cf)
{
	char *text = NULL;
	size_t len = 0, i, j;
	glob_t g;
	FILE *f;

	if ((f = open_memstream(&text, &len)) == NULL)
		return NULL;
	for (i = 0; i < cf->cf_nfiles; i++)
		print_file(f, cf->cf_files[i]);
	for (i = 0; cf->cf_include_patterns[i] != NULL; i++) {
		fprintf(f, "[%s]\n", cf->cf_include_patterns[i]);
		if (glob(cf->cf_include_patterns[i], 0, NULL, &g) != 0)
			continue;
		for (j = 0; j < g.gl_pathc; j++)
			print_file(f, g.gl_pathv[j]);
		globfree(&g);
	}
	if (fclose(f) == EOF) {
		free(text);
		return NULL;
	}
	return text;
}

/* Adds a watch on path itself (a regular file) to *v, once. */
static void
file_watch(const char *path, int **v, size_t *n, size_t *cap)
{
	struct stat st;
	size_t i;
	int wd, *nv;

	if (stat(path, &st) == -1 || !S_ISREG(st.st_mode))
		return;
	if ((wd = inotify_add_watch(ino_fd, path, IN_MODIFY | IN_CLOSE_WRITE))
	    == -1) {
		if (errno != ENOENT)
			log_warn("config watch: %s", path);
		return;
	}
	for (i = 0; i < *n; i++)
		if ((*v)[i] == wd)
			return;
	if (*n == *cap) {
		if ((nv = reallocarray(*v, *cap ? *cap * 2 : 8, sizeof(*nv)))
		    == NULL)
			return;
		*v = nv;
		*cap = *cap ? *cap * 2 : 8;
	}
	(*v)[(*n)++] = wd;
}

/*
 * The watches on cf's files and on those its [include] patterns match,
 * in place of the last ones (new first, then the old ones let go).
 */
static void
file_watches(const struct config *cf)
{
	size_t n = 0, cap = 0, i, j;
	int *v = NULL;
	glob_t g;

	for (i = 0; i < cf->cf_nfiles; i++)
		file_watch(cf->cf_files[i], &v, &n, &cap);
	for (i = 0; cf->cf_include_patterns[i] != NULL; i++) {
		if (glob(cf->cf_include_patterns[i], 0, NULL, &g) != 0)
			continue;
		for (j = 0; j < g.gl_pathc; j++)
			file_watch(g.gl_pathv[j], &v, &n, &cap);
		globfree(&g);
	}
	for (i = 0; i < nfwds; i++) {
		for (j = 0; j < n; j++)
			if (v[j] == fwds[i])
				break;
		if (j == n)
			(void)inotify_rm_watch(ino_fd, fwds[i]);
	}
	free(fwds);
	fwds = v;
	nfwds = n;
	fwds_cap = cap;
}

/*
 * Follows cf: the directories it needs are watched (new ones first, then
 * the ones no longer needed are let go, so no change falls in between);
 * a reload may have changed which.
 */
void
watch_follow(const struct config *cf)
{
	struct watch_dir *list = NULL;
	size_t n = 0, i, j;
	uint32_t mask = IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO |
	    IN_ATTRIB | IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR;

	if (!cf->cf_watch) {
		watch_stop();
		return;
	}
	one_file = cf->cf_nfiles == 1 && (cf->cf_include_patterns == NULL ||
	    cf->cf_include_patterns[0] == NULL);
	if (!armed) {
		/* A fingerprint now (a reload before the watches are set:
		 * of the files it read just now), the watches later. */
		free(print);
		print = fingerprint(cf);
		unarmed = cf;
		if (!ev_is_active(&arm_timer))
			ev_timer_start(loop, &arm_timer);
		return;
	}
	if (wanted_dirs(cf, &list, &n) == -1) {
		log_warnx("config watch: out of memory; edits are not "
		    "followed until the next reload");
		dirs_free(list, n);
		return;
	}
	if (ino_fd == -1 && stats == NULL) {
		ino_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
		if (ino_fd == -1)
			log_warn("config watch: inotify; polling every %gs "
			    "instead", POLL_INTERVAL);
		else {
			ev_io_init(&ino_watcher, inotify_cb, ino_fd, EV_READ);
			ev_io_start(loop, &ino_watcher);
		}
	}
	if (ino_fd == -1) {
		stats_stop();
		dirs_free(dirs, ndirs);
		dirs = list;	/* the stat watchers point into it */
		ndirs = n;
		stats_start(cf, dirs, ndirs);
		return;
	}
	for (i = 0; i < n; i++) {
		list[i].wd_wd = inotify_add_watch(ino_fd, list[i].wd_path,
		    mask);
		if (list[i].wd_wd == -1 && errno != ENOENT)
			log_warn("config watch: %s", list[i].wd_path);
	}
	for (i = 0; i < ndirs; i++) {
		for (j = 0; j < n; j++)
			if (list[j].wd_wd == dirs[i].wd_wd)
				break;
		if (j == n && dirs[i].wd_wd != -1)
			inotify_rm_watch(ino_fd, dirs[i].wd_wd);
	}
	dirs_free(dirs, ndirs);
	dirs = list;
	ndirs = n;
	file_watches(cf);
}

/* The watches go in; anything edited since the files were read reloads. */
static void
arm_cb(struct ev_loop *l, ev_timer *w, int revents)
{
	const struct config *cf = unarmed;
	char *now;

	(void)l;
	(void)w;
	(void)revents;
	unarmed = NULL;
	armed = true;
	watch_follow(cf);
	now = fingerprint(cf);
	if (now == NULL || print == NULL || strcmp(now, print) != 0) {
		log_info("config watch: the files changed since they were "
		    "read");
		changed(false);
	}
	free(now);
	free(print);
	print = NULL;
}

/* Watches cf's files from now on; fn runs once an edit is done. */
void
watch_start(struct ev_loop *l, const struct config *cf, void (*fn)(void))
{
	loop = l;
	edit_done = fn;
	ev_timer_init(&settle_timer, settle_cb, SETTLE, 0);
	ev_timer_init(&arm_timer, arm_cb, ARM_DELAY, 0);
	watch_follow(cf);
}

/*
 * Nothing is reloaded any more (the supervisor is stopping): the watches
 * go now, the descriptor at the end.  Closing an inotify descriptor that
 * still has watches waits for the kernel to retire them (an SRCU grace
 * period, 8-18 ms here); dropped early, they retire while the programs
 * stop, and the close at the end is quick.  Not always: the kernel's
 * reaper of dropped watches runs a jiffy later, then waits the grace
 * period, and the close waits for it (the last reference to the group
 * goes there or in our exit, before the guardian hears of it).  A
 * teardown of ten trees, about 5 ms, waited 5-15 ms in 3 of 12 runs.
 */
void
watch_quiesce(void)
{
	size_t i;

	if (loop == NULL)
		return;
	ev_timer_stop(loop, &settle_timer);
	ev_timer_stop(loop, &arm_timer);
	unarmed = NULL;
	stats_stop();
	if (ino_fd == -1)
		return;
	ev_io_stop(loop, &ino_watcher);
	for (i = 0; i < ndirs; i++)
		if (dirs[i].wd_wd != -1) {
			(void)inotify_rm_watch(ino_fd, dirs[i].wd_wd);
			dirs[i].wd_wd = -1;
		}
	for (i = 0; i < nfwds; i++)
		(void)inotify_rm_watch(ino_fd, fwds[i]);
	free(fwds);
	fwds = NULL;
	nfwds = fwds_cap = 0;
}

void
watch_stop(void)
{
	if (loop == NULL)
		return;
	ev_timer_stop(loop, &settle_timer);
	ev_timer_stop(loop, &arm_timer);
	armed = false;
	unarmed = NULL;
	free(print);
	print = NULL;
	stats_stop();
	if (ino_fd != -1) {
		ev_io_stop(loop, &ino_watcher);
		close(ino_fd);
		ino_fd = -1;
	}
	dirs_free(dirs, ndirs);
	dirs = NULL;
	ndirs = 0;
	free(fwds);
	fwds = NULL;
	nfwds = fwds_cap = 0;
}
