/*
 * guardian.h: the process the user starts; it runs the supervisor as its
 * child and cleans up every tree if that child dies.
 */
#ifndef SUPERVISOR_GUARDIAN_H
#define SUPERVISOR_GUARDIAN_H

#include <signal.h>
#include <sys/types.h>

#include "config.h"

/* PR_SET_PDEATHSIG signals: the guardian's parent died (exit_with_parent),
 * and, in the supervisor, the guardian died. */
#define PARENT_DEATH_SIGNAL	(SIGRTMIN + 1)
#define GUARDIAN_DEATH_SIGNAL	(SIGRTMIN + 2)

void	guardian_note_parent(void);
pid_t	guardian_original_parent(void);
int	guardian_run(const struct config *cf, pid_t child,
	    void (*later)(void));

#endif
