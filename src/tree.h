/*
 * tree.h: containment of a process's tree.  For now a tree is its process
 * group: signal it as a whole, and tell when it is empty.
 */
#ifndef SUPERVISOR_TREE_H
#define SUPERVISOR_TREE_H

#include <stdbool.h>
#include <sys/types.h>

void	tree_init(void);
int	tree_signal(pid_t pgid, int sig);
bool	tree_is_empty(pid_t pgid);

#endif
