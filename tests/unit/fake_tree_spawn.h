/*
 * fake_tree_spawn.h: spawn.h and tree.h without a single fork, for tests
 * that drive the process state machine in-process.  Each process's tree
 * is a set of fake processes the test controls: it says how an exec ends,
 * when a process exits, which signals a process ignores, when one forks.
 * The supervisor's reaps come through waitpid(), defined here too: libev's
 * SIGCHLD watcher calls it and gets the fake exits in order.
 */
#ifndef SUPERVISOR_FAKE_TREE_SPAWN_H
#define SUPERVISOR_FAKE_TREE_SPAWN_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* Fake pids start above PID_MAX_LIMIT (2^22): no real process has one,
 * so a stray kill() with one reaches nothing. */
#define FAKE_PID_FIRST	5000001

/* How the next execs of a process end. */
enum fake_exec {
	FAKE_EXEC_OK,		/* the exec-error pipe closes empty */
	FAKE_EXEC_FAILS,	/* a struct spawn_error, then exit 127
				   (126 for EACCES), as spawn.c's child */
};

void	fake_exec(const char *name, enum fake_exec how, int stage, int err);
void	fake_spawn_fails(const char *name, int err);
void	fake_ignore(const char *name, int sig);
void	fake_ignore_pid(pid_t pid, int sig);
pid_t	fake_fork(const char *name, bool own_group);
void	fake_exit(const char *name, int status);
void	fake_exit_pid(pid_t pid, int status);
bool	fake_alive(pid_t pid);
size_t	fake_alive_in(const char *name);
const char *fake_signals(const char *name);
int	fake_swept(void);
size_t	fake_trees(void);
bool	fake_stdio(const char *name, int *in, int *out);
void	fake_reset(void);

#endif
