/*
 * smallfile.h: reading and writing the small files of /proc and of the
 * cgroup file system in one call each.
 */
#ifndef SUPERVISOR_SMALLFILE_H
#define SUPERVISOR_SMALLFILE_H

#include <stddef.h>

int	smallfile_read(const char *path, char *buf, size_t len);
int	smallfile_write(const char *path, const char *text);
int	smallfile_read_at(int at, const char *path, char *buf, size_t len);
int	smallfile_write_at(int at, const char *path, const char *text);

#endif
