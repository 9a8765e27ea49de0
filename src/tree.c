/*
 * tree.c: "stop this whole tree" and "is it gone" for process groups.
 * The supervisor is a child subreaper, so the group members whose parent
 * dies are reparented to it and reaped by its event loop.
 */
#include <errno.h>
#include <signal.h>
#include <sys/prctl.h>

#include "log.h"
#include "tree.h"

void
tree_init(void)
{
	if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == -1)
		log_warn("prctl PR_SET_CHILD_SUBREAPER");
}

/* Signals every member of the group; an empty group is not an error. */
int
tree_signal(pid_t pgid, int sig)
{
	if (pgid <= 1)
		fatalx("internal error: refusing to signal process group %d",
		    (int)pgid);
	if (killpg(pgid, sig) == -1) {
		if (errno == ESRCH)
			return 0;
		log_warn("killpg %d %d", (int)pgid, sig);
		return -1;
	}
	return 0;
}

/*
 * True once no process (zombies included) has this process group.  EPERM
 * means a member exists that we may not signal: not empty.
 */
bool
tree_is_empty(pid_t pgid)
{
	return kill(-pgid, 0) == -1 && errno == ESRCH;
}
