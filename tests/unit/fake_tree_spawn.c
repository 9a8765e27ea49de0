/*
 * fake_tree_spawn.c: spawn.h and tree.h for in-process tests, and the
 * waitpid() that reap.c's pass calls.  Each tree is a list of
 * fake processes with a parent (0: the supervisor), a process group and
 * the signals they ignore.  A process that dies and whose parent is the
 * supervisor is queued for waitpid(), and a pass is asked of reap.c, as
 * the kernel's SIGCHLD would make one.  A leader's children are reparented to the
 * supervisor when it dies (the supervisor is a subreaper).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <ev.h>

#include "config.h"
#include "reap.h"
#include "signals.h"
#include "spawn.h"
#include "tree.h"
#include "fake_clock.h"
#include "fake_tree_spawn.h"

#define MEMBERS_MAX	32	/* fake processes of one tree at a time */
#define REAPS_MAX	256	/* exits not yet reaped, in all */

#define SIGBIT(sig)	(1ULL << ((sig) - 1))

struct member {
	pid_t		 m_pid;
	pid_t		 m_pgid;
	pid_t		 m_parent;	/* 0: the supervisor's child */
	bool		 m_alive;
	unsigned long long m_ignored;	/* SIGBIT()s it ignores */
};

struct fake_tree {
	struct tree	*ft_tree;	/* the one tree_setup was given */
	enum fake_exec	 ft_exec;	/* how its next execs end */
	struct spawn_error ft_error;	/* ... what a failing one reports */
	int		 ft_spawn_errno; /* the next spawn_process fails so */
	pid_t		 ft_doomed;	/* spawned with a failing exec */
	int		 ft_doomed_status; /* ... and exits with this */
	unsigned long long ft_ignored;	/* the program's: its forks inherit */
	struct member	 ft_members[MEMBERS_MAX];
	size_t		 ft_nmembers;
	char		 ft_signals[1024]; /* "TERM@0.000 CONT@0.000 ..." */
	struct fake_tree *ft_next;
};

static struct fake_tree	*trees;
static pid_t		 next_pid = FAKE_PID_FIRST;
static struct {
	pid_t	pid;
	int	status;
} reaps[REAPS_MAX];
static size_t		 nreaps;
static int		 swept;		/* tree_kill_all_descendants found */

static struct fake_tree *
tree_named(const char *name)
{
	struct fake_tree *ft;

	for (ft = trees; ft != NULL; ft = ft->ft_next)
		if (strcmp(ft->ft_tree->t_name, name) == 0)
			return ft;
	return NULL;
}

static struct fake_tree *
tree_of(const struct tree *t)
{
	struct fake_tree *ft;

	for (ft = trees; ft != NULL; ft = ft->ft_next)
		if (ft->ft_tree == t)
			return ft;
	fprintf(stderr, "fake tree: a tree that tree_setup never saw\n");
	abort();
}

static struct member *
member_of(pid_t pid, struct fake_tree **in)
{
	struct fake_tree *ft;
	size_t i;

	for (ft = trees; ft != NULL; ft = ft->ft_next)
		for (i = 0; i < ft->ft_nmembers; i++)
			if (ft->ft_members[i].m_pid == pid) {
				if (in != NULL)
					*in = ft;
				return &ft->ft_members[i];
			}
	return NULL;
}

/* A new fake process in ft; room is made by forgetting the dead. */
static struct member *
member_add(struct fake_tree *ft, pid_t pid, pid_t parent, pid_t pgid,
    unsigned long long ignored)
{
	struct member *m;
	size_t i, k = 0;

	if (ft->ft_nmembers == MEMBERS_MAX) {
		for (i = 0; i < ft->ft_nmembers; i++)
			if (ft->ft_members[i].m_alive)
				ft->ft_members[k++] = ft->ft_members[i];
		ft->ft_nmembers = k;
	}
	if (ft->ft_nmembers == MEMBERS_MAX) {
		fprintf(stderr, "fake tree: more than %d processes alive\n",
		    MEMBERS_MAX);
		abort();
	}
	m = &ft->ft_members[ft->ft_nmembers++];
	m->m_pid = pid;
	m->m_pgid = pgid != 0 ? pgid : pid;
	m->m_parent = parent;
	m->m_alive = true;
	m->m_ignored = ignored;
	return m;
}

/* The kernel's side of a child's death: a zombie for waitpid(), and
 * SIGCHLD, which the loop sees on its next round. */
static void
queue_reap(pid_t pid, int status)
{
	if (nreaps == REAPS_MAX) {
		fprintf(stderr, "fake tree: more than %d exits unreaped\n",
		    REAPS_MAX);
		abort();
	}
	reaps[nreaps].pid = pid;
	reaps[nreaps].status = status;
	nreaps++;
	reap_soon();		/* no SIGCHLD names it: found by a pass */
}

/* m dies with status: its children become the supervisor's. */
static void
die(struct fake_tree *ft, struct member *m, int status)
{
	size_t i;

	m->m_alive = false;
	for (i = 0; i < ft->ft_nmembers; i++)
		if (ft->ft_members[i].m_alive &&
		    ft->ft_members[i].m_parent == m->m_pid)
			ft->ft_members[i].m_parent = 0;
	if (m->m_parent == 0)
		queue_reap(m->m_pid, status);
}

/* What a signal does by default: nothing, stop, continue, or end it. */
static bool
terminates(int sig)
{
	switch (sig) {
	case 0:
	case SIGCHLD:
	case SIGCONT:
	case SIGURG:
	case SIGWINCH:
	case SIGSTOP:
	case SIGTSTP:
	case SIGTTIN:
	case SIGTTOU:
		return false;
	}
	return true;
}

static bool
group_has_members(const struct fake_tree *ft, pid_t pgid)
{
	size_t i;

	for (i = 0; i < ft->ft_nmembers; i++)
		if (ft->ft_members[i].m_alive && ft->ft_members[i].m_pgid == pgid)
			return true;
	return false;
}

/* As tree.c: groups seen empty are forgotten, except the unreaped
 * leader's, which its zombie pins. */
static void
prune_groups(struct tree *t)
{
	struct fake_tree *ft = tree_of(t);
	size_t i, kept = 0;

	for (i = 0; i < t->t_ngroups; i++)
		if (t->t_groups[i] == t->t_leader ||
		    group_has_members(ft, t->t_groups[i]))
			t->t_groups[kept++] = t->t_groups[i];
	t->t_ngroups = kept;
}

/* ---- waitpid, for reap.c ----------------------------------------------- */

pid_t
waitpid(pid_t pid, int *status, int options)
{
	size_t i;

	for (i = 0; i < nreaps; i++) {
		if (pid != -1 && pid != reaps[i].pid)
			continue;
		pid = reaps[i].pid;
		if (status != NULL)
			*status = reaps[i].status;
		memmove(&reaps[i], &reaps[i + 1], (nreaps - i - 1) *
		    sizeof(reaps[0]));
		nreaps--;
		return pid;
	}
	/* Nothing fake to reap: whatever real children there are. */
	return (pid_t)syscall(SYS_wait4, pid, status, options, NULL);
}

/* ---- spawn.h ----------------------------------------------------------- */

/* The stdin and stdout an observer gave a spawn (an event listener's
 * pipes), kept for the test to play the program: the latest per name. */
static struct {
	char	 ks_name[64];
	int	 ks_fd[2];		/* stdin, stdout; -1: none */
} kept_stdio[8];

static void
keep_stdio(const char *name, const int stdio[3])
{
	size_t i, free_slot = 0;
	int k;

	for (i = 0; i < 8; i++) {
		if (kept_stdio[i].ks_name[0] == '\0')
			free_slot = i;
		else if (strcmp(kept_stdio[i].ks_name, name) == 0)
			break;
	}
	if (i == 8 && stdio[0] == -1 && stdio[1] == -1)
		return;
	if (i == 8)
		i = free_slot;
	for (k = 0; k < 2; k++) {
		if (kept_stdio[i].ks_name[0] != '\0' &&
		    kept_stdio[i].ks_fd[k] != -1)
			close(kept_stdio[i].ks_fd[k]);
		kept_stdio[i].ks_fd[k] = stdio[k] == -1 ? -1 :
		    fcntl(stdio[k], F_DUPFD_CLOEXEC, 3);
	}
	snprintf(kept_stdio[i].ks_name, sizeof(kept_stdio[i].ks_name), "%s",
	    name);
}

/* The test takes name's latest stdin and stdout (its to close). */
bool
fake_stdio(const char *name, int *in, int *out)
{
	size_t i;

	for (i = 0; i < 8; i++)
		if (strcmp(kept_stdio[i].ks_name, name) == 0) {
			*in = kept_stdio[i].ks_fd[0];
			*out = kept_stdio[i].ks_fd[1];
			kept_stdio[i].ks_name[0] = '\0';
			return true;
		}
	return false;
}

pid_t
spawn_process(const struct program_config *pg, const struct proc_config *pc,
    int cgroup_fd, const int stdio[3], const struct spawn_extra *sx,
    int *error_fd)
{
	struct fake_tree *ft = tree_named(pc->pcf_name);
	int fds[2], err;
	pid_t pid;

	(void)sx;
	(void)pg;
	(void)cgroup_fd;
	keep_stdio(pc->pcf_name, stdio);
	if (ft == NULL) {
		errno = ESRCH;
		return -1;
	}
	if (ft->ft_spawn_errno != 0) {
		errno = ft->ft_spawn_errno;
		ft->ft_spawn_errno = 0;
		return -1;
	}
	if (pipe2(fds, O_CLOEXEC) == -1)
		return -1;
	(void)fcntl(fds[0], F_SETFL, O_NONBLOCK);
	pid = next_pid++;
	if (ft->ft_exec == FAKE_EXEC_FAILS) {
		if (write(fds[1], &ft->ft_error, sizeof(ft->ft_error)) !=
		    (ssize_t)sizeof(ft->ft_error)) {
			err = errno;
			close(fds[0]);
			close(fds[1]);
			errno = err;
			return -1;
		}
		ft->ft_doomed = pid;
		ft->ft_doomed_status = W_EXITCODE(ft->ft_error.se_errno ==
		    EACCES ? SPAWN_EXIT_NOEXEC : SPAWN_EXIT_NOTFOUND, 0);
	}
	close(fds[1]);
	*error_fd = fds[0];
	return pid;
}

/* As spawn.c's. */
int
spawn_read_error(int fd, struct spawn_error *se)
{
	ssize_t n;

	do {
		n = read(fd, se, sizeof(*se));
	} while (n == -1 && errno == EINTR);
	if (n == (ssize_t)sizeof(*se))
		return 1;
	if (n == -1 && errno == EAGAIN)
		return -1;
	return 0;
}

/* Only for messages, which these tests do not read. */
const char *
spawn_stage_name(int stage)
{
	return stage == SPAWN_STAGE_EXEC ? "exec" : "start";
}

int
spawn_set_limits(int minfds, int minprocs)
{
	(void)minfds;
	(void)minprocs;
	return 0;
}

void
spawn_init(struct ev_loop *loop)
{
	(void)loop;
}

void
spawn_collect(void)
{
}

/* Fake spawns are never waited for: nothing to tell. */
void
spawn_burst(void)
{
}

/* ---- tree.h ------------------------------------------------------------ */

void
tree_init(void)
{
}

void
tree_cleanup(void)
{
}

enum tree_mode
tree_mode(void)
{
	return TREE_PROCFS;
}

const char *
tree_mode_description(void)
{
	return "fake trees (tests)";
}

void
tree_setup(struct tree *t, const char *name)
{
	struct fake_tree *ft;

	memset(t, 0, sizeof(*t));
	t->t_name = name;
	if ((ft = calloc(1, sizeof(*ft))) == NULL)
		abort();
	ft->ft_tree = t;
	ft->ft_next = trees;
	trees = ft;
}

void
tree_free(struct tree *t)
{
	struct fake_tree **pp, *ft;

	for (pp = &trees; *pp != NULL; pp = &(*pp)->ft_next)
		if ((*pp)->ft_tree == t) {
			ft = *pp;
			*pp = ft->ft_next;
			free(ft);
			break;
		}
	free(t->t_groups);
	memset(t, 0, sizeof(*t));
}

/* No cgroup: -2, as tree.c without cgroup v2. */
int
tree_prepare_spawn(struct tree *t)
{
	(void)t;
	return -2;
}

bool
tree_may_have_orphans(struct tree *t)
{
	struct fake_tree *ft = tree_of(t);
	size_t i;

	for (i = 0; i < ft->ft_nmembers; i++)
		if (ft->ft_members[i].m_alive &&
		    ft->ft_members[i].m_pid != t->t_leader)
			return true;
	return false;
}

/* The leader spawn_process made; one whose exec failed exits at once. */
void
tree_spawned(struct tree *t, pid_t pid)
{
	struct fake_tree *ft = tree_of(t);
	struct member *m;
	pid_t *nl;

	m = member_add(ft, pid, 0, pid, ft->ft_ignored);
	t->t_leader = pid;
	if ((nl = realloc(t->t_groups, (t->t_ngroups + 1) *
	    sizeof(*nl))) == NULL)
		abort();
	t->t_groups = nl;
	t->t_groups[t->t_ngroups++] = pid;
	if (ft->ft_doomed == pid) {
		ft->ft_doomed = 0;
		die(ft, m, ft->ft_doomed_status);
	}
}

void
tree_leader_reaped(struct tree *t)
{
	t->t_leader = 0;
	prune_groups(t);
}

/* Recorded with the time; each live process acts on it as by default,
 * unless it ignores it (SIGKILL it cannot). */
void
tree_signal(struct tree *t, int sig)
{
	struct fake_tree *ft = tree_of(t);
	size_t i, len = strlen(ft->ft_signals);
	struct member *m;

	snprintf(ft->ft_signals + len, sizeof(ft->ft_signals) - len,
	    "%s%s@%.3f", len > 0 ? " " : "", signal_name(sig),
	    fake_clock_elapsed());
	prune_groups(t);
	for (i = 0; i < ft->ft_nmembers; i++) {
		m = &ft->ft_members[i];
		if (!m->m_alive || !terminates(sig))
			continue;
		if (sig == SIGKILL || (m->m_ignored & SIGBIT(sig)) == 0)
			die(ft, m, W_EXITCODE(0, sig));
	}
}

void
tree_signal_then_cont(struct tree *t, int sig)
{
	tree_signal(t, sig);
	tree_signal(t, SIGCONT);
}

/* Signals reach the fake groups at once: nothing to put off. */
void
tree_signal_batch(bool on)
{
	(void)on;
}

/* As tree.c: an unreaped leader, a group with members, or (what the
 * cgroup or /proc would find) any live process of the tree. */
bool
tree_has_members(struct tree *t)
{
	struct fake_tree *ft = tree_of(t);
	size_t i;

	if (t->t_leader != 0)
		return true;
	prune_groups(t);
	if (t->t_ngroups > 0)
		return true;
	for (i = 0; i < ft->ft_nmembers; i++)
		if (ft->ft_members[i].m_alive)
			return true;
	return false;
}

bool
tree_is_gone(struct tree *t)
{
	return !tree_has_members(t);
}

/* Fake trees have no cgroup. */
const char *
tree_dir(const struct tree *t, char *buf, size_t len)
{
	(void)t;
	(void)buf;
	(void)len;
	return NULL;
}

/* As tree.c: a stopped tree's cgroup goes; there are none here. */
void
tree_retire(struct tree *t)
{
	(void)t;
}

/* As tree.c: no leader left to reap and no member alive, in any tree. */
bool
tree_none_left(void)
{
	struct fake_tree *ft;
	size_t i;

	for (ft = trees; ft != NULL; ft = ft->ft_next) {
		if (ft->ft_tree->t_leader != 0)
			return false;
		for (i = 0; i < ft->ft_nmembers; i++)
			if (ft->ft_members[i].m_alive)
				return false;
	}
	return true;
}

int
tree_kill_all_descendants(void)
{
	struct fake_tree *ft;
	size_t i;
	int n = 0;

	for (ft = trees; ft != NULL; ft = ft->ft_next)
		for (i = 0; i < ft->ft_nmembers; i++)
			if (ft->ft_members[i].m_alive) {
				die(ft, &ft->ft_members[i],
				    W_EXITCODE(0, SIGKILL));
				n++;
			}
	swept += n;
	return n;
}

/* The supervisor's live children: leaders and adopted orphans. */
int
tree_children(pid_t **out, size_t *count)
{
	struct fake_tree *ft;
	size_t i, n = 0;
	pid_t *list;

	for (ft = trees; ft != NULL; ft = ft->ft_next)
		n += ft->ft_nmembers;
	if ((list = calloc(n + 1, sizeof(*list))) == NULL)
		return -1;
	n = 0;
	for (ft = trees; ft != NULL; ft = ft->ft_next)
		for (i = 0; i < ft->ft_nmembers; i++)
			if (ft->ft_members[i].m_alive &&
			    ft->ft_members[i].m_parent == 0)
				list[n++] = ft->ft_members[i].m_pid;
	*out = list;
	*count = n;
	return 0;
}

bool
tree_owner(pid_t pid, char *name, size_t len)
{
	struct fake_tree *ft;
	struct member *m = member_of(pid, &ft);

	if (m == NULL || !m->m_alive)
		return false;
	snprintf(name, len, "%s", ft->ft_tree->t_name);
	return true;
}

/* A live member of t's fake tree. */
bool
tree_contains(const struct tree *t, pid_t pid)
{
	struct fake_tree *ft;
	struct member *m = member_of(pid, &ft);

	return m != NULL && m->m_alive && ft->ft_tree == t;
}

/*
 * The /proc mode's evidence for orphans: the fake tree owns its members
 * by name already (tree_owner above), so none is needed.
 */
bool
tree_owns_session(const struct tree *t, pid_t sid)
{
	(void)t;
	(void)sid;
	return false;
}

bool
tree_ran_at(const struct tree *t, unsigned long long when)
{
	(void)t;
	(void)when;
	return false;
}

void
tree_adopt(struct tree *t, pid_t pid, unsigned long long start)
{
	(void)t;
	(void)pid;
	(void)start;
}

int
tree_pid_info(pid_t pid, pid_t *sid, unsigned long long *start)
{
	(void)pid;
	*sid = 0;
	*start = 0;
	return -1;
}

/* Only from teardown's SIGALRM handler, which then exits. */
void
tree_last_resort_kill(void)
{
}

void
tree_guardian_init(void)
{
}

void
tree_guardian_watch(pid_t supervisor)
{
	(void)supervisor;
}

/* ---- what the tests control ------------------------------------------ */

void
fake_exec(const char *name, enum fake_exec how, int stage, int err)
{
	struct fake_tree *ft = tree_named(name);

	if (ft == NULL)
		return;
	ft->ft_exec = how;
	ft->ft_error.se_stage = stage;
	ft->ft_error.se_errno = err;
}

/* Its next spawn_process fails with err, as when fork does. */
void
fake_spawn_fails(const char *name, int err)
{
	struct fake_tree *ft = tree_named(name);

	if (ft != NULL)
		ft->ft_spawn_errno = err;
}

/* The program ignores sig from now on: its live processes, and every
 * process it starts or forks later. */
void
fake_ignore(const char *name, int sig)
{
	struct fake_tree *ft = tree_named(name);
	size_t i;

	if (ft == NULL)
		return;
	ft->ft_ignored |= SIGBIT(sig);
	for (i = 0; i < ft->ft_nmembers; i++)
		ft->ft_members[i].m_ignored |= SIGBIT(sig);
}

void
fake_ignore_pid(pid_t pid, int sig)
{
	struct member *m = member_of(pid, NULL);

	if (m != NULL)
		m->m_ignored |= SIGBIT(sig);
}

/* The live leader forks: a process in its group, or one that left it
 * (setsid).  Returns its pid, or 0 with no leader alive. */
pid_t
fake_fork(const char *name, bool own_group)
{
	struct fake_tree *ft = tree_named(name);
	struct member *leader;

	if (ft == NULL || ft->ft_tree->t_leader == 0 ||
	    (leader = member_of(ft->ft_tree->t_leader, NULL)) == NULL ||
	    !leader->m_alive)
		return 0;
	return member_add(ft, next_pid++, leader->m_pid,
	    own_group ? 0 : leader->m_pgid, leader->m_ignored)->m_pid;
}

/* The live leader of name exits with a wait status. */
void
fake_exit(const char *name, int status)
{
	struct fake_tree *ft = tree_named(name);
	struct member *m;

	if (ft == NULL || ft->ft_tree->t_leader == 0)
		return;
	if ((m = member_of(ft->ft_tree->t_leader, NULL)) != NULL &&
	    m->m_alive)
		die(ft, m, status);
}

void
fake_exit_pid(pid_t pid, int status)
{
	struct fake_tree *ft;
	struct member *m = member_of(pid, &ft);

	if (m != NULL && m->m_alive)
		die(ft, m, status);
}

bool
fake_alive(pid_t pid)
{
	struct member *m = member_of(pid, NULL);

	return m != NULL && m->m_alive;
}

size_t
fake_alive_in(const char *name)
{
	struct fake_tree *ft = tree_named(name);
	size_t i, n = 0;

	if (ft == NULL)
		return 0;
	for (i = 0; i < ft->ft_nmembers; i++)
		if (ft->ft_members[i].m_alive)
			n++;
	return n;
}

/* Every signal sent to name's tree, with the time from the clock's
 * origin: "TERM@0.000 CONT@0.000 KILL@10.000". */
const char *
fake_signals(const char *name)
{
	struct fake_tree *ft = tree_named(name);

	return ft != NULL ? ft->ft_signals : "(no such tree)";
}

int
fake_swept(void)
{
	return swept;
}

/* Trees set up and not yet freed. */
size_t
fake_trees(void)
{
	struct fake_tree *ft;
	size_t n = 0;

	for (ft = trees; ft != NULL; ft = ft->ft_next)
		n++;
	return n;
}

/* Between tests: no exit waits to be reaped, nothing swept. */
void
fake_reset(void)
{
	size_t i;
	int k;

	nreaps = 0;
	swept = 0;
	for (i = 0; i < 8; i++) {
		if (kept_stdio[i].ks_name[0] == '\0')
			continue;
		for (k = 0; k < 2; k++)
			if (kept_stdio[i].ks_fd[k] != -1)
				close(kept_stdio[i].ks_fd[k]);
		kept_stdio[i].ks_name[0] = '\0';
	}
}
