/*
 * smallfile.c: one read of a small file into a buffer (NUL-terminated),
 * one write of a short text.  Used on /proc and cgroup files, which are
 * read and written whole.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "smallfile.h"

/* Bytes read (at most len - 1, then a NUL), or -1 with errno. */
int
smallfile_read(const char *path, char *buf, size_t len)
{
	return smallfile_read_at(AT_FDCWD, path, buf, len);
}

/* The same of path relative to the directory at (shorter walks). */
int
smallfile_read_at(int at, const char *path, char *buf, size_t len)
{
	ssize_t n;
	int fd;

	if ((fd = openat(at, path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	do {
		n = read(fd, buf, len - 1);
	} while (n == -1 && errno == EINTR);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	return (int)n;
}

/* 0 once all of text is written, or -1 with errno. */
int
smallfile_write(const char *path, const char *text)
{
	return smallfile_write_at(AT_FDCWD, path, text);
}

int
smallfile_write_at(int at, const char *path, const char *text)
{
	ssize_t n;
	int fd, saved;

	if ((fd = openat(at, path, O_WRONLY | O_CLOEXEC)) == -1)
		return -1;
	n = write(fd, text, strlen(text));
	saved = errno;
	close(fd);
	errno = saved;
	return n == (ssize_t)strlen(text) ? 0 : -1;
}
