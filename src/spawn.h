/*
 * spawn.h: fork -> child set-up -> exec.  Everything the child needs is
 * built before fork; a failed exec comes back through a close-on-exec pipe.
 */
#ifndef SUPERVISOR_SPAWN_H
#define SUPERVISOR_SPAWN_H

#include <sys/types.h>

#include <ev.h>

#include "config.h"

/* What the child failed at, as written to the exec-error pipe. */
enum spawn_stage {
	SPAWN_STAGE_SETSID = 1,
	SPAWN_STAGE_STDIN,
	SPAWN_STAGE_CHDIR,
	SPAWN_STAGE_EXEC,
	SPAWN_STAGE_CGROUP,
	SPAWN_STAGE_STDOUT,
	SPAWN_STAGE_RLIMIT,
	SPAWN_STAGE_NICE,
	SPAWN_STAGE_USER,
};

struct spawn_error {
	int	se_stage;		/* enum spawn_stage */
	int	se_errno;
};

/* Exit statuses of a child that could not exec, as shells use them. */
#define SPAWN_EXIT_NOEXEC	126	/* found but not executable */
#define SPAWN_EXIT_NOTFOUND	127	/* anything else */

/* What a spawn adds to the program's own settings. */
struct spawn_extra {
	const char	 *sx_notify_socket; /* NOTIFY_SOCKET=, or NULL */
	int		  sx_fd;	/* given to the child as sx_fd_target */
	int		  sx_fd_target;	/* (fd:N readiness); sx_fd -1: none */
	char *const	 *sx_argv;	/* instead of the command (a probe) */
};

/* stdio: the child's stdin, stdout, stderr; -1 for /dev/null. */
pid_t	spawn_process(const struct program_config *pg,
	    const struct proc_config *pc, int cgroup_fd, const int stdio[3],
	    const struct spawn_extra *sx, int *error_fd);
int	spawn_read_error(int fd, struct spawn_error *se);
const char *spawn_stage_name(int stage);
int	spawn_set_limits(int minfds, int minprocs);
void	spawn_set_server_url(const char *url);
void	spawn_init(struct ev_loop *loop);
void	spawn_collect(void);
void	spawn_burst(void);

#endif
