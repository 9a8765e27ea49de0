/*
 * program_exit.c: what happens when a process's leader exits or a start
 * fails: restart at once or after a backoff, give up (FATAL), or take the
 * whole supervisor down (shutdown_on_exit).  The state machine: program.c.
 */
#include <signal.h>
#include <stdbool.h>
#include <sys/wait.h>

#include "log.h"
#include "program.h"
#include "program_impl.h"
#include "signals.h"
#include "teardown.h"
#include "tree.h"

static void	request_shutdown(struct process *, const char *);
static void	restart_after_exit(struct process *, double, const char *);

/* 1, 2, 4, 8 ... seconds for attempt 1, 2, 3 ..., capped by backoff_max. */
static double
backoff_delay(const struct process *p, int attempt)
{
	double delay = 1;
	int i;

	for (i = 1; i < attempt && delay < p->p_program->pg_backoff_max; i++)
		delay *= 2;

	return delay < p->p_program->pg_backoff_max ? delay :
	    p->p_program->pg_backoff_max;
}

/*
 * The process is done for good (EXITED or FATAL) while the supervisor
 * runs on: whatever is left of its tree has lost its program, and is
 * killed rather than left to run unsupervised.
 */
static void
settle(struct process *p, enum proc_state state)
{
	process_set_state(p, state);
	if (teardown_is_active() || process_is_gone(p))
		return;
	log_warnx("%s: killing what is left of its process tree", p->p_name);
	tree_signal(&p->p_tree, SIGKILL);
}

/* A start that did not reach RUNNING: retry later, or give up. */
void
process_failed_start(struct process *p)
{
	double delay;

	p->p_retries++;
	if (p->p_retries > p->p_program->pg_startretries) {
		settle(p, PROC_FATAL);
		log_error("%s gave up after %d retr%s (FATAL)", p->p_name,
		    p->p_retries - 1, p->p_retries - 1 == 1 ? "y" : "ies");
		if (p->p_program->pg_shutdown_on_exit == SHUTDOWN_FATAL)
			request_shutdown(p, "went FATAL");
		return;
	}
	delay = backoff_delay(p, p->p_retries);
	process_set_state(p, PROC_BACKOFF);
	log_info("%s: retry %d of %d in %gs", p->p_name, p->p_retries,
	    p->p_program->pg_startretries, delay);
	process_timer_start(p, delay);
}

/* A RUNNING process exited on its own: restart it, or not. */
void
process_running_exited(struct process *p)
{
	const struct program_config *pg = p->p_program;
	int status = p->p_exit_status;
	bool expected, restart;
	double up = process_uptime(p);
	char how[64];

	expected = WIFEXITED(status) && pg->pg_exitcodes[WEXITSTATUS(status)];
	restart = pg->pg_autorestart == AUTORESTART_TRUE ||
	    (pg->pg_autorestart == AUTORESTART_UNEXPECTED && !expected);
	wstatus_describe(status, how, sizeof(how));
	if (!teardown_is_active() && (pg->pg_shutdown_on_exit == SHUTDOWN_ANY_EXIT ||
	    (pg->pg_shutdown_on_exit == SHUTDOWN_UNEXPECTED && !expected))) {
		process_set_state(p, PROC_EXITED);
		log_info("%s exited with %s (%s)", p->p_name, how,
		    expected ? "expected" : "not expected");
		request_shutdown(p, "exited");
		return;
	}
	if (teardown_is_active() || !restart) {
		settle(p, PROC_EXITED);
		log_info("%s exited with %s (%s)", p->p_name, how,
		    expected ? "expected" : "not expected");
		return;
	}
	restart_after_exit(p, up, how);
}

/* Restarts at once, or after a growing delay if it keeps dying young. */
static void
restart_after_exit(struct process *p, double up, const char *how)
{
	double delay;

	if (up >= RESTART_QUICK) {
		p->p_quick_exits = 0;
		log_info("%s exited with %s; restarting", p->p_name, how);
		process_spawn_attempt(p);
		return;
	}
	/* It keeps dying at once: don't let it spin the supervisor. */
	p->p_quick_exits++;
	delay = backoff_delay(p, p->p_quick_exits);
	process_set_state(p, PROC_BACKOFF);
	log_info("%s exited with %s after %.3fs; restarting in %gs",
	    p->p_name, how, up, delay);
	process_timer_start(p, delay);
}

/* shutdown_on_exit: this process takes everything down with it. */
static void
request_shutdown(struct process *p, const char *what)
{
	const char *words[] = {
		[SHUTDOWN_NEVER] = "false", [SHUTDOWN_ANY_EXIT] = "true",
		[SHUTDOWN_UNEXPECTED] = "unexpected", [SHUTDOWN_FATAL] = "fatal",
	};

	int code;

	if (teardown_is_active())
		return;
	/* FATAL without ever running (fork failed): no status to pass on. */
	code = p->p_spawns > 0 ? wstatus_exit_code(p->p_exit_status) : 1;
	log_warnx("%s %s and has shutdown_on_exit = %s; stopping everything "
	    "(exit status %d)", p->p_name, what,
	    words[p->p_program->pg_shutdown_on_exit], code);
	teardown_begin(code);
}

/* A STARTING process died before startsecs. */
void
process_starting_exited(struct process *p)
{
	const struct program_config *pg = p->p_program;
	int status = p->p_exit_status;
	bool expected;
	char how[64];

	ev_timer_stop(programs_loop(), &p->p_timer);
	ev_timer_stop(programs_loop(), &p->p_limit);
	log_info("%s exited with %s before startsecs", p->p_name,
	    wstatus_describe(status, how, sizeof(how)));
	expected = WIFEXITED(status) && pg->pg_exitcodes[WEXITSTATUS(status)]
	    && !p->p_exec_failed;
	if (teardown_is_active()) {
		process_set_state(p, PROC_EXITED);
		return;
	}
	if (pg->pg_shutdown_on_exit == SHUTDOWN_ANY_EXIT ||
	    (pg->pg_shutdown_on_exit == SHUTDOWN_UNEXPECTED && !expected)) {
		process_set_state(p, PROC_EXITED);
		request_shutdown(p, "exited");
		return;
	}
	process_failed_start(p);
}

/* The stop the runtime limit began has finished: an unexpected exit. */
void
process_limit_stop_done(struct process *p)
{
	const struct program_config *pg = p->p_program;
	double up = process_uptime(p);
	char how[64];

	wstatus_describe(p->p_exit_status, how, sizeof(how));
	if (!teardown_is_active() && (pg->pg_shutdown_on_exit == SHUTDOWN_ANY_EXIT ||
	    pg->pg_shutdown_on_exit == SHUTDOWN_UNEXPECTED)) {
		process_set_state(p, PROC_EXITED);
		request_shutdown(p, "reached its runtime limit");
		return;
	}
	if (teardown_is_active() || pg->pg_autorestart == AUTORESTART_FALSE) {
		process_set_state(p, PROC_EXITED);
		return;
	}
	restart_after_exit(p, up, how);
}
