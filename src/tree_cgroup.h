/*
 * tree_cgroup.h: cgroup v2 as containment: a directory for the supervisor
 * under its own cgroup, one below it per process; cgroup.procs lists a
 * tree exactly, cgroup.kill ends it, cgroup.events says when it is empty.
 */
#ifndef SUPERVISOR_TREE_CGROUP_H
#define SUPERVISOR_TREE_CGROUP_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

char	*tree_cgroup_base(pid_t guardian, char *why, size_t whylen);
int	 tree_cgroup_remove_stale(const char *base,
	    void (*left)(const char *path));
int	 tree_cgroup_lock(const char *base);
int	 tree_cgroup_create_base(const char *base);
bool	 tree_cgroup_remove_base(const char *base);
/* A process's cgroup: dir, relative to its parent, open as at. */
int	 tree_cgroup_open(int at, const char *dir);
int	 tree_cgroup_remove(int at, const char *dir);
int	 tree_cgroup_kill(int at, const char *dir);
int	 tree_cgroup_signal(int at, const char *dir, int sig, int then,
	    bool (*skip)(pid_t pgid, const void *ctx), const void *ctx);
bool	 tree_cgroup_populated(int at, const char *dir);
int	 tree_cgroup_populated_read(int at, const char *dir);
bool	 tree_cgroup_owner(pid_t pid, char *name, size_t len);

#endif
