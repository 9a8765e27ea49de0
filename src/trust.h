/*
 * trust.h: whether a path leads where its owner meant, or whether someone
 * the supervisor must not trust can redirect or rewrite it; and opening
 * files in directories others can write without following their links or
 * blocking on their FIFOs.
 */
#ifndef SUPERVISOR_TRUST_H
#define SUPERVISOR_TRUST_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>
#include <sys/types.h>

#define TRUST_WHY	256		/* room for the reason */

int	trust_file(const char *path, char *real, size_t reallen,
	    struct stat *st, char *why, size_t whylen);
int	trust_dir_for_files(const char *dir, char *why, size_t whylen);
int	trust_path_to(const char *dir, char *why, size_t whylen);
bool	trust_uid(uid_t uid);
int	trust_open(const char *path, int flags, mode_t mode, struct stat *st);
int	trust_openat(int dirfd, const char *name, int flags, mode_t mode,
	    struct stat *st);

#endif
