/*
 * tree_proc.h: /proc as containment, where cgroups can't be used: a
 * snapshot of the supervisor's descendants with their parents and
 * process groups, and the process named in each one's environment.
 */
#ifndef SUPERVISOR_TREE_PROC_H
#define SUPERVISOR_TREE_PROC_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* One descendant of the supervisor, as /proc showed it. */
struct tree_proc_entry {
	pid_t	pe_pid;
	pid_t	pe_ppid;
	pid_t	pe_pgid;
	pid_t	pe_sid;			/* its session */
	unsigned long long pe_start;	/* started, in clock ticks since boot */
	int	pe_owner_state;		/* 0 unread, 1 known, 2 unknown */
	char	pe_owner[128];		/* its SUPERVISOR_PROCESS_NAME */
};

int	 tree_proc_snapshot(pid_t self);
int	 tree_proc_children(pid_t **out, size_t *count);
int	 tree_proc_snapshot_recent(pid_t self, double max_age);
size_t	 tree_proc_count(void);
struct tree_proc_entry *tree_proc_entry(size_t i);
bool	 tree_proc_descends(const struct tree_proc_entry *e, pid_t ancestor);
bool	 tree_proc_owned_by(struct tree_proc_entry *e, const char *name);
bool	 tree_proc_owner(pid_t pid, char *name, size_t len);
int	 tree_proc_stat(pid_t pid, pid_t *ppid, pid_t *pgid, pid_t *sid,
	    unsigned long long *start);
unsigned long long tree_proc_now(void);
void	 tree_proc_free(void);

#endif
