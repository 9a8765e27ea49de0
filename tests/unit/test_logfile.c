/*
 * test_logfile.c: the log writer of src/logfile.c on real files in a
 * temporary directory: size rotation (every file within maxbytes, the
 * right backups, no byte lost or doubled), splice from a pipe, the
 * supervisor's own log never splitting a line, and the faults it gets
 * over by itself: a missing directory, a removed or truncated file.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "logfile.h"
#include "unit.h"

#define KB	1024
#define MB	(1024 * 1024)

static char dir[256];

/* A small deterministic generator: the same bytes and chunks every run. */
static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static uint64_t
rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

/* n pseudo-random bytes, heap-allocated. */
static char *
random_bytes(size_t n)
{
	char *b = malloc(n);
	size_t i;

	if (b == NULL) {
		perror("malloc");
		exit(2);
	}
	for (i = 0; i < n; i++)
		b[i] = (char)(rng() >> 24);
	return b;
}

/* A chunk size: mostly under 4 KB, now and then up to max. */
static size_t
chunk_size(size_t max)
{
	size_t n = (rng() & 3) == 0 ? (size_t)(rng() % max) :
	    (size_t)(rng() % 4096);

	return n == 0 ? 1 : n;
}

static const char *
path_in_dir(const char *name)
{
	static char paths[16][512];	/* enough for a case's paths */
	static int next;
	char *p = paths[next++ % 16];

	snprintf(p, sizeof(paths[0]), "%s/%s", dir, name);
	return p;
}

/* The whole file, heap-allocated, or NULL when it does not exist. */
static char *
slurp(const char *path, size_t *len)
{
	struct stat st;
	char *b;
	FILE *f;

	*len = 0;
	if ((f = fopen(path, "r")) == NULL)
		return NULL;
	if (fstat(fileno(f), &st) == -1 ||
	    (b = malloc((size_t)st.st_size + 1)) == NULL) {
		fclose(f);
		return NULL;
	}
	*len = fread(b, 1, (size_t)st.st_size, f);
	fclose(f);
	return b;
}

static long long
file_size(const char *path)
{
	struct stat st;

	return stat(path, &st) == -1 ? -1 : (long long)st.st_size;
}

static bool
exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

static struct log_config
file_config(const char *path, long long maxbytes, int backups)
{
	struct log_config lc;

	memset(&lc, 0, sizeof(lc));
	lc.lc_dest = LOG_TO_FILE;
	/* Only read: logfile_configure keeps a copy of its own. */
	lc.lc_path = (char *)(uintptr_t)path;
	lc.lc_maxbytes = maxbytes;
	lc.lc_backups = backups;
	return lc;
}

/* Backups PATH.1 ... that exist, counting up to the first missing one. */
static int
count_backups(const struct logfile *lf)
{
	char *name;
	int k;

	for (k = 1;; k++) {
		name = logfile_backup_name(lf, (unsigned long)k);
		if (name == NULL || !exists(name)) {
			free(name);
			return k - 1;
		}
		free(name);
	}
}

/* True when every file (backups and current) is at most max bytes. */
static bool
all_within(const struct logfile *lf, int nbackups, long long max)
{
	char *name;
	bool ok = true;
	int k;

	for (k = 0; k <= nbackups; k++) {
		name = logfile_backup_name(lf, (unsigned long)k);
		if (name == NULL || file_size(name) > max)
			ok = false;
		free(name);
	}
	return ok;
}

/* True when every backup is exactly max bytes: rotation fills files up. */
static bool
backups_full(const struct logfile *lf, int nbackups, long long max)
{
	char *name;
	bool ok = true;
	int k;

	for (k = 1; k <= nbackups; k++) {
		name = logfile_backup_name(lf, (unsigned long)k);
		if (name == NULL || file_size(name) != max)
			ok = false;
		free(name);
	}
	return ok;
}

/* True when PATH.nbackups ... PATH.1, PATH put together are want. */
static bool
concat_is(const struct logfile *lf, int nbackups, const char *want,
    size_t wantlen)
{
	size_t used = 0, len;
	char *name, *b;
	bool ok = true;
	int k;

	for (k = nbackups; k >= 0 && ok; k--) {
		name = logfile_backup_name(lf, (unsigned long)k);
		b = name != NULL ? slurp(name, &len) : NULL;
		if (b == NULL || used + len > wantlen ||
		    memcmp(b, want + used, len) != 0)
			ok = false;
		else
			used += len;
		free(b);
		free(name);
	}
	return ok && used == wantlen;
}

/* True when path holds exactly want. */
static bool
file_is(const char *path, const char *want, size_t wantlen)
{
	size_t len;
	char *b = slurp(path, &len);
	bool ok = b != NULL && len == wantlen && memcmp(b, want, len) == 0;

	free(b);
	return ok;
}

/* True when path's last bytes are tail. */
static bool
ends_with(const char *path, const char *tail)
{
	size_t len, n = strlen(tail);
	char *b = slurp(path, &len);
	bool ok = b != NULL && len >= n && memcmp(b + len - n, tail, n) == 0;

	free(b);
	return ok;
}

/* Writes data in random-size chunks; false if a write consumed less. */
static bool
write_chunks(struct logfile *lf, const char *data, size_t n, size_t max)
{
	size_t done = 0, c;

	while (done < n) {
		c = chunk_size(max);
		if (c > n - done)
			c = n - done;
		if (logfile_write(lf, data + done, c) != c)
			return false;
		done += c;
	}
	return true;
}

static int
remove_one(const char *path, const struct stat *st, int flag,
    struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

/* Empties the directory for the next case. */
static void
clean_dir(void)
{
	nftw(dir, remove_one, 16, FTW_DEPTH | FTW_PHYS);
	if (mkdir(dir, 0700) == -1) {
		perror(dir);
		exit(2);
	}
}

static void
test_rotation_many(void)
{
	const size_t total = 10 * MB;
	struct log_config lc = file_config(path_in_dir("big.log"), MB, 20);
	struct logfile lf;
	char *data = random_bytes(total);
	int n;

	logfile_init(&lf, "big stdout", false);
	CHECK("rotation: configure opens the file",
	    logfile_configure(&lf, &lc) == 0 && lf.lf_fd != -1);
	CHECK("rotation: 10 MB in random chunks all consumed",
	    write_chunks(&lf, data, total, 200 * KB));
	n = count_backups(&lf);
	CHECK("rotation: 10 MB at 1 MB makes 9 backups and a full log",
	    n == 9 && file_size(lc.lc_path) == MB);
	CHECK("rotation: no file is over maxbytes", all_within(&lf, n, MB));
	CHECK("rotation: every backup is filled to maxbytes",
	    backups_full(&lf, n, MB));
	CHECK("rotation: log.9 ... log.1, log is the input",
	    concat_is(&lf, n, data, total));
	CHECK("rotation: lf_written is the total", lf.lf_written == total);
	CHECK("rotation: nothing lost", lf.lf_lost == 0 && lf.lf_fault == 0);
	CHECK("rotation: ten files begun", lf.lf_gen == 10);
	CHECK("rotation: lf_size is the current file's",
	    lf.lf_size == file_size(lc.lc_path));

	/* One more byte: the full log rotates before it. */
	CHECK("rotation: a byte more is consumed",
	    logfile_write(&lf, "x", 1) == 1);
	CHECK("rotation: it starts a new log after a tenth backup",
	    count_backups(&lf) == 10 && file_size(lc.lc_path) == 1);
	logfile_close(&lf);
	free(data);
	clean_dir();
}

static void
test_rotation_few_backups(void)
{
	const size_t total = MB + 1000, max = 64 * KB;
	struct log_config lc = file_config(path_in_dir("few.log"), max, 3);
	struct logfile lf;
	char *data = random_bytes(total);
	size_t kept = 3 * max + 1000;

	logfile_init(&lf, "few stdout", false);
	logfile_configure(&lf, &lc);
	CHECK("backups=3: all consumed",
	    write_chunks(&lf, data, total, 20 * KB));
	CHECK("backups=3: only .1 .2 .3 exist", count_backups(&lf) == 3 &&
	    !exists(path_in_dir("few.log.4")));
	CHECK("backups=3: the current file holds the last 1000 bytes",
	    file_size(lc.lc_path) == 1000);
	CHECK("backups=3: .3 .2 .1 and log are the input's newest bytes",
	    concat_is(&lf, 3, data + total - kept, kept));
	CHECK("backups=3: lf_written is the total", lf.lf_written == total);
	CHECK("backups=3: nothing counted lost", lf.lf_lost == 0);
	logfile_close(&lf);
	free(data);
	clean_dir();
}

static void
test_rotation_no_backups(void)
{
	struct log_config lc = file_config(path_in_dir("zero.log"), 1000, 0);
	struct logfile lf;
	char *data = random_bytes(3500);

	logfile_init(&lf, "zero stdout", false);
	logfile_configure(&lf, &lc);
	CHECK("backups=0: all consumed", write_chunks(&lf, data, 3500, 700));
	CHECK("backups=0: no backup is made", count_backups(&lf) == 0);
	CHECK("backups=0: the file holds the bytes since it started again",
	    file_is(lc.lc_path, data + 3000, 500));
	CHECK("backups=0: lf_written is the total", lf.lf_written == 3500);
	logfile_close(&lf);
	free(data);
	clean_dir();
}

static void
test_no_rotation(void)
{
	const size_t total = 300 * KB;
	struct log_config lc = file_config(path_in_dir("all.log"), 0, 5);
	struct logfile lf;
	char *data = random_bytes(total);

	logfile_init(&lf, "all stdout", false);
	logfile_configure(&lf, &lc);
	CHECK("maxbytes=0: all consumed", write_chunks(&lf, data, total,
	    64 * KB));
	CHECK("maxbytes=0: never rotates", count_backups(&lf) == 0 &&
	    lf.lf_gen == 1);
	CHECK("maxbytes=0: one file with everything",
	    file_is(lc.lc_path, data, total));
	logfile_close(&lf);
	free(data);
	clean_dir();
}

/* A file there before: appended to, and counted toward maxbytes. */
static void
test_existing_file(void)
{
	struct log_config lc = file_config(path_in_dir("old.log"), 1000, 2);
	struct logfile lf;
	char *data = random_bytes(1200);
	int fd;

	fd = open(lc.lc_path, O_WRONLY | O_CREAT, 0644);
	CHECK("existing file: set up", fd != -1 && write(fd, data, 600) == 600);
	close(fd);
	logfile_init(&lf, "old stdout", false);
	logfile_configure(&lf, &lc);
	CHECK("existing file: its size is known", lf.lf_size == 600);
	CHECK("existing file: writes consumed",
	    logfile_write(&lf, data + 600, 600) == 600);
	CHECK("existing file: filled to maxbytes, then rotated",
	    file_size(path_in_dir("old.log.1")) == 1000 &&
	    file_size(lc.lc_path) == 200);
	CHECK("existing file: old bytes first, nothing overwritten",
	    concat_is(&lf, 1, data, 1200));
	logfile_close(&lf);

	/* Over maxbytes already (maxbytes lowered): rotated before a write. */
	lc.lc_maxbytes = 100;
	logfile_init(&lf, "old stdout", false);
	logfile_configure(&lf, &lc);
	CHECK("existing file: over maxbytes, rotated before the next write",
	    logfile_write(&lf, "z", 1) == 1 && file_is(lc.lc_path, "z", 1) &&
	    file_size(path_in_dir("old.log.1")) == 200 &&
	    file_size(path_in_dir("old.log.2")) == 1000);
	logfile_close(&lf);
	free(data);
	clean_dir();
}

/* Moves everything in the pipe rfd into lf; -2 if splice said -1. */
static ssize_t
splice_all(struct logfile *lf, int rfd, size_t max)
{
	ssize_t n, moved = 0;

	while ((n = logfile_splice(lf, rfd, max)) > 0)
		moved += n;
	return n == -1 ? -2 : moved;
}

static void
test_splice(void)
{
	const size_t total = 200 * KB, max = 10000;
	struct log_config lc = file_config(path_in_dir("splice.log"), max, 50);
	struct logfile lf;
	char *data = random_bytes(total);
	size_t done = 0, c;
	ssize_t moved;
	bool ok = true, wrote_ok = true;
	int p[2], n;

	if (pipe2(p, O_NONBLOCK) == -1) {
		CHECK("splice: pipe", false);
		return;
	}
	logfile_init(&lf, "splice stdout", false);
	logfile_configure(&lf, &lc);
	CHECK("splice: empty pipe moves 0", logfile_splice(&lf, p[0], 4096)
	    == 0);
	while (done < total && ok) {
		c = chunk_size(16 * KB);
		if (c > total - done)
			c = total - done;
		if (write(p[1], data + done, c) != (ssize_t)c)
			wrote_ok = false;
		done += c;
		/* Sometimes a small max, as a caller short of room would. */
		moved = splice_all(&lf, p[0], (rng() & 1) ? 65536 : 3000);
		if (moved < 0)
			ok = false;
	}
	CHECK("splice: pipe written", wrote_ok);
	CHECK("splice: never refused on a regular file", ok);
	n = count_backups(&lf);
	CHECK("splice: rotated by size", n == (int)((total - 1) / max));
	CHECK("splice: no file is over maxbytes", all_within(&lf, n,
	    (long long)max));
	CHECK("splice: every backup is filled to maxbytes",
	    backups_full(&lf, n, (long long)max));
	CHECK("splice: the files are the input", concat_is(&lf, n, data,
	    total));
	CHECK("splice: lf_written is the total", lf.lf_written == total);

	/* Bytes split between splice and write land in order. */
	CHECK("splice: then a write", logfile_write(&lf, "abc", 3) == 3 &&
	    write(p[1], "def", 3) == 3 && splice_all(&lf, p[0], 100) == 3);
	CHECK("splice: write and splice interleave in order",
	    ends_with(lc.lc_path, "abcdef"));
	logfile_close(&lf);

	logfile_init(&lf, "logfile", true);
	lc = file_config(path_in_dir("own.log"), 0, 0);
	logfile_configure(&lf, &lc);
	CHECK("splice: refused for the supervisor's own log",
	    logfile_splice(&lf, p[0], 100) == -1);
	logfile_close(&lf);
	close(p[0]);
	close(p[1]);
	free(data);
	clean_dir();
}

/* The supervisor's own log: rotation comes between lines. */
static void
test_own_lines(void)
{
	struct log_config lc = file_config(path_in_dir("sup.log"), 1000, 100);
	struct logfile lf;
	char *data = random_bytes(40000), *b, *name, line[1600];
	size_t used = 0, len, n, i;
	bool whole = true, within = true;
	int k, nb;

	logfile_init(&lf, "logfile", true);
	logfile_configure(&lf, &lc);
	while (used < 30000) {
		n = 10 + (size_t)(rng() % 190);
		for (i = 0; i + 1 < n; i++)
			line[i] = (char)('a' + rng() % 26);
		line[n - 1] = '\n';
		memcpy(data + used, line, n);
		if (logfile_write(&lf, line, n) != n)
			whole = false;
		used += n;
	}
	CHECK("own log: every line consumed", whole);
	nb = count_backups(&lf);
	CHECK("own log: rotated", nb > 25);
	for (k = 0; k <= nb; k++) {
		name = logfile_backup_name(&lf, (unsigned long)k);
		b = slurp(name, &len);
		if (b == NULL || len == 0 || b[len - 1] != '\n')
			whole = false;
		if (len > 1000)
			within = false;
		free(b);
		free(name);
	}
	CHECK("own log: every file ends at the end of a line", whole);
	CHECK("own log: no file is over maxbytes", within);
	CHECK("own log: the files are the lines in order",
	    concat_is(&lf, nb, data, used));

	/* A line longer than maxbytes: whole, in a file of its own. */
	memset(line, 'L', 1499);
	line[1499] = '\n';
	memcpy(data + used, line, 1500);
	used += 1500;
	CHECK("own log: a long line consumed",
	    logfile_write(&lf, line, 1500) == 1500);
	CHECK("own log: a line over maxbytes is not split",
	    count_backups(&lf) == nb + 1 && file_size(lc.lc_path) == 1500);
	CHECK("own log: still every byte in order",
	    concat_is(&lf, nb + 1, data, used));
	CHECK("own log: the next line goes to a new file",
	    logfile_write(&lf, "next\n", 5) == 5 &&
	    count_backups(&lf) == nb + 2 &&
	    file_is(lc.lc_path, "next\n", 5));
	logfile_close(&lf);
	free(data);
	clean_dir();
}

static void
test_none(void)
{
	struct log_config lc;
	struct logfile lf;
	char *name;

	memset(&lc, 0, sizeof(lc));
	lc.lc_dest = LOG_TO_NONE;
	logfile_init(&lf, "none stdout", false);
	CHECK("NONE: configure succeeds", logfile_configure(&lf, &lc) == 0);
	CHECK("NONE: discards", logfile_discards(&lf));
	CHECK("NONE: a write is consumed", logfile_write(&lf, "abc", 3) == 3);
	CHECK("NONE: nothing counted lost or written",
	    lf.lf_lost == 0 && lf.lf_written == 0 && lf.lf_fault == 0);
	name = logfile_backup_name(&lf, 1);
	CHECK("NONE: no backup names", name == NULL);
	free(name);
	logfile_close(&lf);
}

static void
test_backup_name(void)
{
	struct log_config lc = file_config(path_in_dir("name.log"), 10, 3);
	struct logfile lf;
	char *name, want[600];

	logfile_init(&lf, "name stdout", false);
	logfile_configure(&lf, &lc);
	CHECK("backup name: a file is not discarding", !logfile_discards(&lf));
	name = logfile_backup_name(&lf, 0);
	CHECK_STR("backup name: 0 is the path", name, lc.lc_path);
	free(name);
	name = logfile_backup_name(&lf, 3);
	snprintf(want, sizeof(want), "%s.3", lc.lc_path);
	CHECK_STR("backup name: 3 is PATH.3", name, want);
	free(name);
	name = logfile_backup_name(&lf, 12);
	snprintf(want, sizeof(want), "%s.12", lc.lc_path);
	CHECK_STR("backup name: 12 is PATH.12", name, want);
	free(name);
	CHECK("backup name: the path is a copy", lf.lf_conf.lc_path !=
	    lc.lc_path);
	logfile_close(&lf);
	clean_dir();
}

/*
 * Links are never followed: an AUTO log is made under a new name that
 * nobody could have claimed (PREFIX-XXXXXX.log, O_EXCL), a named log
 * refuses a link at its path and a second name (a hard link).
 */
static void
test_auto_nofollow(void)
{
	struct log_config lc = file_config(path_in_dir("auto"), 0, 0);
	struct logfile lf;
	char *made;

	lc.lc_auto = true;
	logfile_init(&lf, "auto stdout", false);
	CHECK("AUTO: a file is made", logfile_configure(&lf, &lc) == 0 &&
	    lf.lf_path != NULL && strncmp(lf.lf_path, lc.lc_path,
	    strlen(lc.lc_path)) == 0);
	CHECK("AUTO: named PREFIX-XXXXXX.log", lf.lf_path != NULL &&
	    strlen(lf.lf_path) == strlen(lc.lc_path) + 11 &&
	    strcmp(lf.lf_path + strlen(lf.lf_path) - 4, ".log") == 0);
	made = lf.lf_path != NULL ? strdup(lf.lf_path) : NULL;
	CHECK("AUTO: written", logfile_write(&lf, "abc", 3) == 3 &&
	    made != NULL && file_is(made, "abc", 3));
	/* Someone swaps the file for a link, then it is reopened. */
	CHECK("AUTO: swapped for a link", made != NULL && unlink(made) == 0 &&
	    symlink(path_in_dir("target"), made) == 0);
	logfile_reopen(&lf);
	CHECK("AUTO: the link is not followed; a new name is made",
	    lf.lf_path != NULL && made != NULL &&
	    strcmp(lf.lf_path, made) != 0 && lf.lf_fd != -1 &&
	    logfile_write(&lf, "def", 3) == 3 && file_is(lf.lf_path, "def", 3));
	CHECK("AUTO: nothing written through the link",
	    !exists(path_in_dir("target")));
	logfile_close(&lf);
	free(made);

	lc = file_config(path_in_dir("link.log"), 0, 0);
	CHECK("named: set up a symlink", symlink(path_in_dir("target"),
	    lc.lc_path) == 0);
	logfile_init(&lf, "named stdout", false);
	CHECK("named path: a symlink is refused",
	    logfile_configure(&lf, &lc) == -1 && lf.lf_fault == ELOOP);
	CHECK("named path: output to it counted lost",
	    logfile_write(&lf, "abc", 3) == 3 && lf.lf_lost == 3);
	CHECK("named path: nothing written through the link",
	    !exists(path_in_dir("target")));
	logfile_close(&lf);

	lc = file_config(path_in_dir("hard.log"), 0, 0);
	CHECK("named: a hard link to another file",
	    close(open(path_in_dir("victim"), O_CREAT | O_WRONLY, 0600)) == 0 &&
	    link(path_in_dir("victim"), lc.lc_path) == 0);
	logfile_init(&lf, "hard stdout", false);
	CHECK("named path: a hard link is refused",
	    logfile_configure(&lf, &lc) == -1 && lf.lf_fault == EMLINK);
	CHECK("named path: the other file is untouched",
	    file_is(path_in_dir("victim"), "", 0));
	logfile_close(&lf);
	clean_dir();
}

/*
 * The supervisor's stdout is never rotated, whatever lc_maxbytes says
 * ([supervisor] logfile = /dev/stdout keeps logfile_maxbytes' 50MB
 * default): there is no path to rename.  fd 1 is pointed at a file for
 * the while, and the directory made the current one, where a rotation
 * of a NULL path would rename "(null).1" to "(null).2".
 */
static void
test_stdout_not_rotated(void)
{
	static const char line[] = "0123456789012345678901234567890123456789\n";
	struct log_config lc;
	struct logfile lf;
	char cwd[4096];
	int saved, fd, i;
	bool whole = true;

	memset(&lc, 0, sizeof(lc));
	lc.lc_dest = LOG_TO_STDOUT;
	lc.lc_maxbytes = 100;
	lc.lc_backups = 2;
	fflush(stdout);
	saved = dup(STDOUT_FILENO);
	fd = open(path_in_dir("stdout.txt"), O_WRONLY | O_CREAT | O_TRUNC,
	    0644);
	if (saved == -1 || fd == -1 || dup2(fd, STDOUT_FILENO) == -1 ||
	    getcwd(cwd, sizeof(cwd)) == NULL || chdir(dir) == -1) {
		CHECK("stdout: set up", false);
		return;
	}
	close(fd);
	close(open("(null).1", O_WRONLY | O_CREAT, 0644));
	logfile_init(&lf, "logfile", true);
	(void)logfile_configure(&lf, &lc);
	for (i = 0; i < 5; i++)
		if (logfile_write(&lf, line, sizeof(line) - 1) !=
		    sizeof(line) - 1)
			whole = false;
	logfile_close(&lf);
	dup2(saved, STDOUT_FILENO);
	close(saved);
	if (chdir(cwd) == -1)
		perror(cwd);
	CHECK("stdout: every line written", whole &&
	    file_size(path_in_dir("stdout.txt")) == 5 * 40 + 5);
	CHECK("stdout: past maxbytes, no rotation is tried",
	    lf.lf_size == (long long)lf.lf_written && lf.lf_gen == 1);
	CHECK("stdout: no file in the current directory is renamed",
	    exists(path_in_dir("(null).1")) &&
	    !exists(path_in_dir("(null).2")));
	clean_dir();
}

/* A write that fails (a full disk, here /dev/full): counted lost. */
static void
test_write_error(void)
{
	struct log_config lc = file_config("/dev/full", 1000, 2);
	struct logfile lf;

	if (!exists("/dev/full")) {
		CHECK("write error: /dev/full exists (skipped)", true);
		return;
	}
	logfile_init(&lf, "full stdout", false);
	CHECK("write error: /dev/full opens", logfile_configure(&lf, &lc) == 0);
	CHECK("write error: a write is consumed",
	    logfile_write(&lf, "abcdef", 6) == 6);
	CHECK("write error: the fault is ENOSPC", lf.lf_fault == ENOSPC);
	CHECK("write error: the bytes are counted lost",
	    lf.lf_lost == 6 && lf.lf_written == 0);
	CHECK("write error: later bytes too, the same fault",
	    logfile_write(&lf, "gh", 2) == 2 && lf.lf_lost == 8 &&
	    lf.lf_lost_now == 8 && lf.lf_fault == ENOSPC);
	CHECK("write error: not a file to splice into",
	    logfile_splice(&lf, 0, 10) == -1);
	logfile_close(&lf);
}

static void
test_reopen(void)
{
	struct log_config lc = file_config(path_in_dir("re.log"), 0, 0);
	struct logfile lf;
	unsigned long gen;

	logfile_init(&lf, "re stdout", false);
	logfile_configure(&lf, &lc);
	CHECK("reopen: first write", logfile_write(&lf, "old\n", 4) == 4);
	CHECK("reopen: moved away", rename(lc.lc_path,
	    path_in_dir("re.log.moved")) == 0);
	gen = lf.lf_gen;
	logfile_reopen(&lf);
	CHECK("reopen: a new file begun", lf.lf_gen == gen + 1 &&
	    lf.lf_fd != -1 && lf.lf_size == 0);
	CHECK("reopen: write after", logfile_write(&lf, "new\n", 4) == 4);
	CHECK("reopen: the new file at the path has what came after",
	    file_is(lc.lc_path, "new\n", 4));
	CHECK("reopen: the moved file keeps what came before",
	    file_is(path_in_dir("re.log.moved"), "old\n", 4));
	logfile_close(&lf);
	clean_dir();
}

/*
 * Faults found at most once a second: a missing directory, a removed
 * file, a file truncated under us.  All three are set up, then one sleep
 * of 1.1 s serves them all.
 */
static void
test_faults(void)
{
	struct log_config lc_miss = file_config(path_in_dir("sub/x.log"), 0, 0);
	struct log_config lc_rm = file_config(path_in_dir("rm.log"), 0, 0);
	struct log_config lc_tr = file_config(path_in_dir("tr.log"), 0, 0);
	struct log_config lc_mv = file_config(path_in_dir("mv.log"), 0, 0);
	struct logfile miss, rm, tr, mv;
	struct timespec ts = { 1, 100 * 1000 * 1000 };
	char *data = random_bytes(300);

	/* Missing directory. */
	logfile_init(&miss, "miss stdout", false);
	CHECK("missing dir: configure says -1",
	    logfile_configure(&miss, &lc_miss) == -1);
	CHECK("missing dir: the fault is ENOENT", miss.lf_fault == ENOENT &&
	    miss.lf_fd == -1);
	CHECK("missing dir: a write is consumed",
	    logfile_write(&miss, data, 100) == 100);
	CHECK("missing dir: and counted lost", miss.lf_lost == 100 &&
	    miss.lf_written == 0);
	CHECK("missing dir: splice refused while in fault",
	    logfile_splice(&miss, 0, 100) == -1);
	CHECK("missing dir: made", mkdir(path_in_dir("sub"), 0700) == 0);
	CHECK("missing dir: no retry within the second",
	    logfile_write(&miss, data, 50) == 50 && miss.lf_lost == 150 &&
	    !exists(lc_miss.lc_path));

	/* Removed file. */
	logfile_init(&rm, "rm stdout", false);
	CHECK("removed file: configure", logfile_configure(&rm, &lc_rm) == 0);
	CHECK("removed file: first write", logfile_write(&rm, data, 100) ==
	    100);
	CHECK("removed file: unlinked", unlink(lc_rm.lc_path) == 0);

	/* Truncated under us (copytruncate). */
	logfile_init(&tr, "tr stdout", false);
	CHECK("truncated: configure", logfile_configure(&tr, &lc_tr) == 0);
	CHECK("truncated: first write", logfile_write(&tr, data, 100) == 100);
	CHECK("truncated: truncated to 0", truncate(lc_tr.lc_path, 0) == 0);

	/* Moved away, with no SIGUSR2 (logrotate without postrotate). */
	logfile_init(&mv, "mv stdout", false);
	CHECK("moved: configure", logfile_configure(&mv, &lc_mv) == 0);
	CHECK("moved: first write", logfile_write(&mv, data, 60) == 60);
	CHECK("moved: renamed away", rename(lc_mv.lc_path,
	    path_in_dir("mv.log.old")) == 0);

	nanosleep(&ts, NULL);

	CHECK("missing dir: after a second, a write is consumed",
	    logfile_write(&miss, data + 150, 70) == 70);
	CHECK("missing dir: the file appears with it",
	    file_is(lc_miss.lc_path, data + 150, 70));
	CHECK("missing dir: lf_lost is what was dropped",
	    miss.lf_lost == 150 && miss.lf_written == 70);
	CHECK("missing dir: the fault is over", miss.lf_fault == 0);

	CHECK("removed file: after a second, a write is consumed",
	    logfile_write(&rm, data + 100, 30) == 30);
	CHECK("removed file: created again with it",
	    file_is(lc_rm.lc_path, data + 100, 30));
	/* The 100 bytes written since it was opened went with the file. */
	CHECK("removed file: what it held since the last check is lost",
	    rm.lf_lost == 100);

	CHECK("truncated: after a second, a write is consumed",
	    logfile_write(&tr, data + 200, 40) == 40);
	CHECK("truncated: it lands at the new end, no hole",
	    file_is(lc_tr.lc_path, data + 200, 40));
	CHECK("truncated: lf_size follows the file", tr.lf_size == 40);

	CHECK("moved: after a second, a write is consumed",
	    logfile_write(&mv, data + 60, 20) == 20);
	CHECK("moved: it starts a new file at the path",
	    file_is(lc_mv.lc_path, data + 60, 20));
	CHECK("moved: the moved file keeps what came before",
	    file_is(path_in_dir("mv.log.old"), data, 60));
	CHECK("moved: nothing counted lost", mv.lf_lost == 0);

	logfile_close(&miss);
	logfile_close(&rm);
	logfile_close(&tr);
	logfile_close(&mv);
	free(data);
	clean_dir();
}

int
main(void)
{
	const char *tmp = getenv("TMPDIR");

	UNIT_BEGIN("test_logfile");
	/*
	 * Fault reports go to stderr, into the same file as these lines in
	 * the suite: a line at a time, so none is cut by one of them.
	 */
	setvbuf(stdout, NULL, _IOLBF, 0);
	snprintf(dir, sizeof(dir), "%s/supervisor-unit-XXXXXX",
	    tmp != NULL && tmp[0] == '/' ? tmp : "/tmp");
	if (mkdtemp(dir) == NULL) {
		perror(dir);
		return 2;
	}
	test_rotation_many();
	test_rotation_few_backups();
	test_rotation_no_backups();
	test_no_rotation();
	test_existing_file();
	test_splice();
	test_own_lines();
	test_none();
	test_backup_name();
	test_auto_nofollow();
	test_stdout_not_rotated();
	test_write_error();
	test_reopen();
	test_faults();
	nftw(dir, remove_one, 16, FTW_DEPTH | FTW_PHYS);
	return unit_failed;
}
