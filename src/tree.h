/*
 * tree.h: containment of each process's whole tree: everything it ever
 * forked, including processes that left its process group.  With cgroup v2
 * writable, each process has its own cgroup; elsewhere its tree is its
 * process groups plus a walk of /proc.
 */
#ifndef SUPERVISOR_TREE_H
#define SUPERVISOR_TREE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

enum tree_mode {
	TREE_PROCFS,		/* process groups + /proc parent links */
	TREE_CGROUP,		/* one cgroup v2 per process */
};

struct tree_procfs;

/* What belongs to one process of a program. */
struct tree {
	const char	*t_name;	/* process name, as in its environment */
	bool		 t_cgroup;	/* it has a cgroup directory (tree_dir
					   names it) */
	bool		 t_cgroup_killed; /* cgroup.kill written: make anew */
	bool		 t_cgroup_empty; /* seen with no process since the
					   last spawn: none can come back */
	pid_t		 t_leader;	/* the process we spawned; 0 once reaped */
	pid_t		*t_groups;	/* process groups that may have members:
					   &t_group_one, or allocated for more */
	unsigned	 t_ngroups;
	pid_t		 t_group_one;	/* the usual one, the leader's */
	struct tree_procfs *t_procfs;	/* /proc mode's own (tree.c); NULL
					   until needed */
	struct tree	*t_sweep_next;	/* its cgroup's sweep for strays,
					   put off (tree_signal_batch) */
	int		 t_sweep_sig;	/* 0: none put off */
	int		 t_sweep_then;
};

/* An orphan attributed to a tree: its pid, and its start to tell a pid
 * reused by another process. */
struct tree_adopted {
	pid_t			 ta_pid;
	unsigned long long	 ta_start;
};

void	tree_init(void);
void	tree_cleanup(void);
enum tree_mode tree_mode(void);
const char *tree_mode_description(void);

void	tree_setup(struct tree *t, const char *name);
const char *tree_dir(const struct tree *t, char *buf, size_t len);
void	tree_free(struct tree *t);
void	tree_retire(struct tree *t);
bool	tree_none_left(void);
int	tree_prepare_spawn(struct tree *t);
bool	tree_may_have_orphans(struct tree *t);
void	tree_spawned(struct tree *t, pid_t pid);
void	tree_leader_reaped(struct tree *t);
void	tree_signal(struct tree *t, int sig);
void	tree_signal_then_cont(struct tree *t, int sig);
void	tree_signal_batch(bool on);
bool	tree_is_gone(struct tree *t);
bool	tree_has_members(struct tree *t);
int	tree_kill_all_descendants(void);
int	tree_children(pid_t **out, size_t *count);
bool	tree_owner(pid_t pid, char *name, size_t len);
bool	tree_owns_session(const struct tree *t, pid_t sid);
bool	tree_contains(const struct tree *t, pid_t pid);
bool	tree_ran_at(const struct tree *t, unsigned long long when);
void	tree_adopt(struct tree *t, pid_t pid, unsigned long long start);
int	tree_pid_info(pid_t pid, pid_t *sid, unsigned long long *start);
void	tree_last_resort_kill(void);
void	tree_guardian_init(void);
void	tree_guardian_watch(pid_t supervisor);
void	tree_guardian_sweep_stale(void);

#endif
