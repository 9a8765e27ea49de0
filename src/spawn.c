/*
 * spawn.c: starts one process.  The parent builds argv, envp and the list
 * of paths to try before the child exists; the child runs only
 * async-signal-safe calls (setpgid, sigaction, open, dup2, umask, chdir,
 * close_range, execve, write, _exit) and reports a failure through a
 * close-on-exec pipe.
 *
 * The child is made by clone3: inside its cgroup from the start
 * (CLONE_INTO_CGROUP, Linux 5.7+; moving a process between cgroups waits
 * for an RCU grace period, several milliseconds), and on x86-64 sharing
 * the supervisor's memory until it execs (CLONE_VM | CLONE_VFORK, as
 * posix_spawn does), which skips copying the page tables: about 1 ms per
 * spawn here.  The supervisor waits until the child has exec'd or failed;
 * all signals stay blocked over that window so that no handler of ours
 * runs in the child.  Elsewhere, and in sanitizer builds, the child is a
 * plain copy (fork, or clone3 without CLONE_VM).
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/sched.h>	/* struct clone_args, CLONE_INTO_CGROUP */

#if defined(__SANITIZE_ADDRESS__)
#define SPAWN_NO_SHARED_VM 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SPAWN_NO_SHARED_VM 1
#endif
#endif
#if defined(__x86_64__) && !defined(SPAWN_NO_SHARED_VM)
#define SPAWN_SHARED_VM 1
#endif

#include "log.h"
#include "parse.h"
#include "spawn.h"
#include "strv.h"

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC	(1U << 2)
#endif

extern char **environ;

/* The open-files limit programs get: the one the supervisor started with,
 * at least minfds. */
static struct rlimit	child_nofile;
static bool		child_nofile_set;

/*
 * Raises the supervisor's own limit on open files to the hard limit: each
 * process holds its output pipes for as long as it is configured.  The
 * programs get the limit the supervisor was given, raised to minfds (a
 * raised soft limit breaks programs that use select(2)); the limit on
 * processes is raised to minprocs, for the supervisor and its programs,
 * as supervisord does.  Returns -1 (logged) when the hard limits are too
 * low and can't be raised.
 */
int
spawn_set_limits(int minfds, int minprocs)
{
	struct rlimit rl, mine;

	if (getrlimit(RLIMIT_NPROC, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
	    rl.rlim_cur < (rlim_t)minprocs) {
		rl.rlim_cur = (rlim_t)minprocs;
		if (rl.rlim_max != RLIM_INFINITY && rl.rlim_max < rl.rlim_cur)
			rl.rlim_max = rl.rlim_cur;	/* root only */
		if (setrlimit(RLIMIT_NPROC, &rl) == -1) {
			log_warn("minprocs %d: cannot raise the limit on "
			    "processes", minprocs);
			return -1;
		}
	}
	if (getrlimit(RLIMIT_NOFILE, &rl) == -1)
		return 0;
	child_nofile = rl;
	if (rl.rlim_cur < (rlim_t)minfds) {
		child_nofile.rlim_cur = (rlim_t)minfds;
		if (rl.rlim_max < (rlim_t)minfds)
			child_nofile.rlim_max = (rlim_t)minfds;	/* root only */
	}
	mine = child_nofile;
	if (mine.rlim_cur < mine.rlim_max)
		mine.rlim_cur = mine.rlim_max;
	if (setrlimit(RLIMIT_NOFILE, &mine) == -1) {
		log_warn("minfds %d: cannot raise the limit on open files",
		    minfds);
		return -1;
	}
	child_nofile_set = true;
	return 0;
}

/* What each pg_rlimit index limits. */
static const int rlimit_resource[PG_RLIMITS] = {
	[PG_RLIMIT_NOFILE] = RLIMIT_NOFILE,
	[PG_RLIMIT_NPROC] = RLIMIT_NPROC,
	[PG_RLIMIT_CORE] = RLIMIT_CORE,
	[PG_RLIMIT_AS] = RLIMIT_AS,
};

/* Everything the child uses, allocated before fork, freed after. */
struct spawn_plan {
	char	**sp_envp;
	char	**sp_paths;		/* candidates for argv[0], in order */
	int	  sp_maxfd;		/* highest fd to mark close-on-exec */
	int	  sp_signals[64];	/* signals not at SIG_DFL in the parent */
	int	  sp_nsignals;
	int	  sp_stdio[2];		/* the child's stdout, stderr; -1: null */
	gid_t	 *sp_groups;		/* user=: its groups, for setgroups */
	int	  sp_ngroups;
};

static bool
env_key_matches(const char *entry, const char *key_eq, size_t klen)
{
	return strncmp(entry, key_eq, klen) == 0;
}

/* Adds "KEY=value" to v. */
static int
push_var(char ***v, const char *key, const char *value)
{
	char *kv;
	int ret;

	if (asprintf(&kv, "%s=%s", key, value) == -1)
		return -1;
	ret = strv_push(v, kv);
	free(kv);
	return ret;
}

/*
 * The supervisor's environment, minus the keys the program sets, plus the
 * program's own and then supervisord's SUPERVISOR_* variables.
 */
static char **
build_envp(const struct program_config *pg, const struct proc_config *pc)
{
	char **envp = strv_new(), **extra = strv_new();
	const char *eq;
	size_t i, j, klen;
	bool overridden;

	if (envp == NULL || extra == NULL)
		goto fail;
	/* user=: that user's, unless the program's environment says. */
	if (pg->pg_user != NULL && (push_var(&extra, "HOME", pg->pg_home) == -1 ||
	    push_var(&extra, "USER", pg->pg_user) == -1 ||
	    push_var(&extra, "LOGNAME", pg->pg_user) == -1))
		goto fail;
	for (i = 0; pc->pcf_env[i] != NULL; i++)
		if (strv_push(&extra, pc->pcf_env[i]) == -1)
			goto fail;
	/*
	 * After the program's own, so they win: SUPERVISOR_PROCESS_NAME is
	 * how the supervisor finds processes that left a tree.
	 */
	if (push_var(&extra, "SUPERVISOR_ENABLED", "1") == -1 ||
	    push_var(&extra, "SUPERVISOR_PROCESS_NAME", pc->pcf_name) == -1 ||
	    push_var(&extra, "SUPERVISOR_GROUP_NAME", pg->pg_name) == -1)
		goto fail;
	for (i = 0; environ != NULL && environ[i] != NULL; i++) {
		overridden = false;
		for (j = 0; extra[j] != NULL && !overridden; j++) {
			eq = strchr(extra[j], '=');
			klen = (size_t)(eq - extra[j]) + 1;
			overridden = env_key_matches(environ[i], extra[j], klen);
		}
		if (!overridden && strv_push(&envp, environ[i]) == -1)
			goto fail;
	}
	/* Later entries of the program's list win over earlier ones. */
	for (i = 0; extra[i] != NULL; i++) {
		eq = strchr(extra[i], '=');
		klen = (size_t)(eq - extra[i]) + 1;
		overridden = false;
		for (j = i + 1; extra[j] != NULL && !overridden; j++)
			overridden = env_key_matches(extra[j], extra[i], klen);
		if (!overridden && strv_push(&envp, extra[i]) == -1)
			goto fail;
	}
	strv_free(extra);
	return envp;
fail:
	strv_free(envp);
	strv_free(extra);
	return NULL;
}

/* execvp's search, done before fork: a name with '/' is used as is. */
static char **
build_paths(const char *file, char *const *envp)
{
	char **paths = strv_new(), *buf;
	const char *path = NULL, *p, *end;
	size_t i, dlen, flen = strlen(file);

	if (paths == NULL)
		return NULL;
	if (strchr(file, '/') != NULL) {
		if (strv_push(&paths, file) == -1)
			goto fail;
		return paths;
	}
	/* PATH of the program's own environment, as a shell would use. */
	for (i = 0; envp[i] != NULL; i++)
		if (strncmp(envp[i], "PATH=", 5) == 0)
			path = envp[i] + 5;
	if (path == NULL)
		path = "/usr/local/bin:/usr/bin:/bin";
	for (p = path; ; p = end + 1) {
		end = strchrnul(p, ':');
		dlen = (size_t)(end - p);
		if ((buf = malloc(dlen + flen + 3)) == NULL)
			goto fail;
		if (dlen == 0)
			snprintf(buf, flen + 3, "./%s", file);
		else
			snprintf(buf, dlen + flen + 2, "%.*s/%s", (int)dlen, p,
			    file);
		if (strv_push(&paths, buf) == -1) {
			free(buf);
			goto fail;
		}
		free(buf);
		if (*end == '\0')
			break;
	}
	return paths;
fail:
	strv_free(paths);
	return NULL;
}

static void
plan_free(struct spawn_plan *sp)
{
	strv_free(sp->sp_envp);
	strv_free(sp->sp_paths);
	free(sp->sp_groups);
}

static void
child_fail(int fd, int stage, int err)
{
	struct spawn_error se = { stage, err };
	ssize_t n;

	do {
		n = write(fd, &se, sizeof(se));
	} while (n == -1 && errno == EINTR);
	_exit(err == EACCES ? SPAWN_EXIT_NOEXEC : SPAWN_EXIT_NOTFOUND);
}

/*
 * The signals whose disposition the supervisor changed (ignored or
 * handled), which the child must reset.  Found once: the supervisor sets
 * them up at start, except SIGALRM (teardown's bound), always listed.
 */
static void
changed_signals(int *list, int *count)
{
	static int found[64], nfound = -1;
	struct sigaction old;
	int sig, i;

	if (nfound == -1) {
		nfound = 0;
		for (sig = 1; sig < NSIG && nfound < 63; sig++)
			if (sig != SIGKILL && sig != SIGSTOP && sig != SIGALRM &&
			    sigaction(sig, NULL, &old) == 0 &&
			    old.sa_handler != SIG_DFL)
				found[nfound++] = sig;
		found[nfound++] = SIGALRM;
	}
	for (i = 0; i < nfound; i++)
		list[i] = found[i];
	*count = nfound;
}

/*
 * user=: the user's groups (initgroups's list), looked up before fork:
 * reading /etc/group is no work for the child.
 */
static int
user_groups(const struct program_config *pg, struct spawn_plan *sp)
{
	int n = 32;

	for (;;) {
		free(sp->sp_groups);
		if ((sp->sp_groups = calloc((size_t)n, sizeof(gid_t))) == NULL)
			return -1;
		sp->sp_ngroups = n;
		if (getgrouplist(pg->pg_user, (gid_t)pg->pg_gid,
		    sp->sp_groups, &sp->sp_ngroups) != -1)
			return 0;
		if (sp->sp_ngroups <= n)	/* no growth asked: give up */
			n *= 2;
		else
			n = sp->sp_ngroups;
		if (n > 65536)
			return -1;
	}
}

/* Runs in the child between fork and exec: async-signal-safe calls only. */
static void
child_exec(const struct program_config *pg, const struct proc_config *pc,
    const struct spawn_plan *sp, int cgroup_fd, int errfd)
{
	struct sigaction sa;
	sigset_t none;
	int fd, err = ENOENT, i;

	/*
	 * Without clone3, join the process's cgroup before anything can fork
	 * from here.  openat and write are async-signal-safe.
	 */
	if (cgroup_fd >= 0) {
		if ((fd = openat(cgroup_fd, "cgroup.procs", O_WRONLY |
		    O_CLOEXEC)) == -1 || write(fd, "0", 1) != 1)
			child_fail(errfd, SPAWN_STAGE_CGROUP, errno);
		close(fd);
	}
	if (setpgid(0, 0) == -1)
		child_fail(errfd, SPAWN_STAGE_SETPGID, errno);
	/*
	 * Default dispositions first, so unblocking runs no handler of ours
	 * (and no SIG_IGN crosses exec).  Only those the parent changed.
	 */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_DFL;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < sp->sp_nsignals; i++)
		(void)sigaction(sp->sp_signals[i], &sa, NULL);
	sigemptyset(&none);
	(void)sigprocmask(SIG_SETMASK, &none, NULL);

	if ((fd = open("/dev/null", O_RDONLY)) == -1)
		child_fail(errfd, SPAWN_STAGE_STDIN, errno);
	if (fd != STDIN_FILENO) {
		if (dup2(fd, STDIN_FILENO) == -1)
			child_fail(errfd, SPAWN_STAGE_STDIN, errno);
		close(fd);
	}
	for (i = 0; i < 2; i++) {
		if ((fd = sp->sp_stdio[i]) == -1 &&
		    (fd = open("/dev/null", O_WRONLY)) == -1)
			child_fail(errfd, SPAWN_STAGE_STDOUT, errno);
		if (dup2(fd, STDOUT_FILENO + i) == -1)
			child_fail(errfd, SPAWN_STAGE_STDOUT, errno);
		if (sp->sp_stdio[i] == -1)
			close(fd);
	}
	if (child_nofile_set)
		(void)setrlimit(RLIMIT_NOFILE, &child_nofile);
	/* Limits and a higher priority first: they may need root. */
	for (i = 0; i < PG_RLIMITS; i++) {
		struct rlimit rl;

		if (pg->pg_rlimit[i] == RLIMIT_INHERIT)
			continue;
		rl.rlim_cur = rl.rlim_max = pg->pg_rlimit[i] ==
		    RLIMIT_UNLIMITED ? RLIM_INFINITY : (rlim_t)pg->pg_rlimit[i];
		if (setrlimit(rlimit_resource[i], &rl) == -1)
			child_fail(errfd, SPAWN_STAGE_RLIMIT, errno);
	}
	if (pg->pg_nice_set && setpriority(PRIO_PROCESS, 0, pg->pg_nice) == -1)
		child_fail(errfd, SPAWN_STAGE_NICE, errno);
	/*
	 * Raw system calls: this child may share the supervisor's memory,
	 * and glibc's wrappers would tell every thread of "both" of us.
	 */
	if (pg->pg_uid >= 0 &&
	    (syscall(SYS_setgroups, (size_t)sp->sp_ngroups, sp->sp_groups)
	    == -1 || syscall(SYS_setresgid, (gid_t)pg->pg_gid,
	    (gid_t)pg->pg_gid, (gid_t)pg->pg_gid) == -1 ||
	    syscall(SYS_setresuid, (uid_t)pg->pg_uid, (uid_t)pg->pg_uid,
	    (uid_t)pg->pg_uid) == -1))
		child_fail(errfd, SPAWN_STAGE_USER, errno);
	if (pg->pg_umask >= 0)
		umask((mode_t)pg->pg_umask);
	/* As the program's user: it must be allowed in. */
	if (pc->pcf_directory != NULL && chdir(pc->pcf_directory) == -1)
		child_fail(errfd, SPAWN_STAGE_CHDIR, errno);
	/* Only 0, 1, 2 cross exec; the error pipe is already close-on-exec. */
	if (syscall(SYS_close_range, 3U, ~0U, CLOSE_RANGE_CLOEXEC) == -1) {
		for (fd = 3; fd <= sp->sp_maxfd; fd++)
			(void)fcntl(fd, F_SETFD, FD_CLOEXEC);
	}
	for (i = 0; sp->sp_paths[i] != NULL; i++) {
		execve(sp->sp_paths[i], pc->pcf_argv, sp->sp_envp);
		/* As execvp: a permission problem beats "not found". */
		if (errno != ENOENT && errno != ENOTDIR && err != EACCES)
			err = errno;
	}
	child_fail(errfd, SPAWN_STAGE_EXEC, err);
}

/* What the child needs, in the parent's memory (shared or copied). */
struct child_args {
	const struct program_config	*ca_pg;
	const struct proc_config	*ca_pc;
	const struct spawn_plan		*ca_sp;
	int				 ca_cgroup_fd;	/* -1: in it already */
	int				 ca_errfd;	/* write end */
	int				 ca_closefd;	/* read end */
};

static int
child_main(void *arg)
{
	const struct child_args *a = arg;

	close(a->ca_closefd);
	child_exec(a->ca_pg, a->ca_pc, a->ca_sp, a->ca_cgroup_fd, a->ca_errfd);
	_exit(SPAWN_EXIT_NOTFOUND);
}

#ifdef SPAWN_SHARED_VM
/*
 * The child's stack while it shares our memory: only one child at a time
 * uses it, as the supervisor waits until that child has exec'd.
 */
static char child_stack[64 * 1024] __attribute__((aligned(64)));

/*
 * clone3, the child running fn(arg) on its own stack and never returning
 * here.  The C wrapper can't do this: the child would return into a frame
 * the parent is still using.  Returns the pid or -errno.
 */
static long
clone3_run(struct clone_args *args, int (*fn)(void *), void *arg)
{
	long ret;

	__asm__ __volatile__(
	    "syscall\n\t"
	    "testq %%rax, %%rax\n\t"
	    "jnz 1f\n\t"
	    /* The child: rsp is the top of child_stack, 16-byte aligned. */
	    "xorl %%ebp, %%ebp\n\t"
	    "movq %[arg], %%rdi\n\t"
	    "callq *%[fn]\n\t"
	    "movl %%eax, %%edi\n\t"
	    "movl %[exit_nr], %%eax\n\t"
	    "syscall\n\t"
	    "hlt\n"
	    "1:"
	    : "=a" (ret)
	    : "0" ((long)SYS_clone3), "D" (args), "S" (sizeof(*args)),
	      [fn] "r" (fn), [arg] "r" (arg), [exit_nr] "i" (SYS_exit)
	    : "rcx", "r11", "memory", "cc");
	return ret;
}
#endif

/*
 * The child, made with clone3: in the cgroup of directory fd cgroup_fd
 * when that is >= 0 (then set to -1), sharing our memory where it can.
 * Returns -2 (errno set) when the kernel has no clone3 or no
 * CLONE_INTO_CGROUP, so that the caller forks and the child joins its
 * cgroup itself; it then never tries again.
 */
static pid_t
clone_child(struct child_args *a)
{
	static bool unsupported;
	struct clone_args ca;
	long pid;
#ifdef SPAWN_SHARED_VM
	int cgroup_fd;
#endif

	if (unsupported)
		return -2;
	memset(&ca, 0, sizeof(ca));
	ca.exit_signal = SIGCHLD;
	if (a->ca_cgroup_fd >= 0) {
		ca.flags |= CLONE_INTO_CGROUP;
		ca.cgroup = (unsigned long long)a->ca_cgroup_fd;
	}
#ifdef SPAWN_SHARED_VM
	ca.flags |= CLONE_VM | CLONE_VFORK;
	ca.stack = (unsigned long long)(uintptr_t)child_stack;
	ca.stack_size = sizeof(child_stack);
	cgroup_fd = a->ca_cgroup_fd;
	if (cgroup_fd >= 0)
		a->ca_cgroup_fd = -1;	/* the child starts in it */
	pid = clone3_run(&ca, child_main, a);
	if (pid < 0) {
		a->ca_cgroup_fd = cgroup_fd;
		errno = (int)-pid;
		pid = -1;
	}
#else
	if (a->ca_cgroup_fd < 0)
		return -2;		/* a plain fork does as well */
	pid = syscall(SYS_clone3, &ca, sizeof(ca));
	if (pid == 0) {
		a->ca_cgroup_fd = -1;
		child_main(a);
	}
#endif
	if (pid == -1 && (errno == ENOSYS || errno == E2BIG ||
	    errno == EINVAL || errno == EOPNOTSUPP)) {
		log_debug("clone3: %s; forking, and joining cgroups after "
		    "fork", strerror(errno));
		unsupported = true;
		return -2;
	}
	if (pid > 0)
		a->ca_cgroup_fd = -1;
	return (pid_t)pid;
}

/*
 * Forks and execs one process of pg in its own process group (and, with
 * cgroup_fd >= 0, in the cgroup whose directory that is).  Returns the
 * pid (also its pgid), with *error_fd the non-blocking read end of the
 * exec-error pipe; or -1 with errno set when nothing was started.
 */
pid_t
spawn_process(const struct program_config *pg, const struct proc_config *pc,
    int cgroup_fd, const int stdio[2], int *error_fd)
{
	struct spawn_plan sp = { 0 };
	struct child_args a;
	sigset_t all, old;
	int pipefd[2], saved;
	long maxfd;
	pid_t pid;

	sp.sp_envp = build_envp(pg, pc);
	if (sp.sp_envp == NULL) {
		errno = ENOMEM;
		return -1;
	}
	sp.sp_paths = build_paths(pc->pcf_argv[0], sp.sp_envp);
	if (sp.sp_paths == NULL) {
		plan_free(&sp);
		errno = ENOMEM;
		return -1;
	}
	changed_signals(sp.sp_signals, &sp.sp_nsignals);
	if (pg->pg_uid >= 0 && user_groups(pg, &sp) == -1) {
		plan_free(&sp);
		errno = ENOMEM;
		return -1;
	}
	sp.sp_stdio[0] = stdio[0];
	sp.sp_stdio[1] = stdio[1];
	maxfd = sysconf(_SC_OPEN_MAX);
	sp.sp_maxfd = (maxfd > 0 && maxfd < 65536) ? (int)maxfd : 65536;
	if (pipe2(pipefd, O_CLOEXEC) == -1) {
		saved = errno;
		plan_free(&sp);
		errno = saved;
		return -1;
	}
	a.ca_pg = pg;
	a.ca_pc = pc;
	a.ca_sp = &sp;
	a.ca_cgroup_fd = cgroup_fd;
	a.ca_errfd = pipefd[1];
	a.ca_closefd = pipefd[0];
	/* No handler of ours may run in the child: it resets and unblocks. */
	sigfillset(&all);
	sigprocmask(SIG_SETMASK, &all, &old);
	if ((pid = clone_child(&a)) == -2 && (pid = fork()) == 0)
		child_main(&a);
	saved = errno;
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (pid == -1) {
		close(pipefd[0]);
		close(pipefd[1]);
		plan_free(&sp);
		errno = saved;
		return -1;
	}
	/*
	 * The parent sets the group too, so that a signal sent to -pid right
	 * after fork reaches the child even if it has not run yet.  EACCES
	 * (it already exec'd) and ESRCH (already gone) are fine.
	 */
	if (setpgid(pid, pid) == -1 && errno != EACCES && errno != ESRCH)
		log_warn("%s: setpgid %d", pc->pcf_name, (int)pid);
	close(pipefd[1]);
	if (fcntl(pipefd[0], F_SETFL, O_NONBLOCK) == -1)
		log_warn("%s: exec pipe O_NONBLOCK", pc->pcf_name);
	plan_free(&sp);
	*error_fd = pipefd[0];
	return pid;
}

/*
 * Reads the exec-error pipe.  Returns 1 with *se filled when the child
 * failed, 0 when it exec'd (end of file), -1 when nothing is there yet.
 */
int
spawn_read_error(int fd, struct spawn_error *se)
{
	ssize_t n;

	do {
		n = read(fd, se, sizeof(*se));
	} while (n == -1 && errno == EINTR);
	if (n == (ssize_t)sizeof(*se))
		return 1;
	if (n == 0)
		return 0;
	if (n == -1 && errno == EAGAIN)
		return -1;
	/* A short read or an error: treat the exec as done, nothing to say. */
	return 0;
}

const char *
spawn_stage_name(int stage)
{
	switch (stage) {
	case SPAWN_STAGE_SETPGID:
		return "setpgid";
	case SPAWN_STAGE_STDIN:
		return "open /dev/null";
	case SPAWN_STAGE_CHDIR:
		return "chdir";
	case SPAWN_STAGE_EXEC:
		return "exec";
	case SPAWN_STAGE_CGROUP:
		return "join cgroup";
	case SPAWN_STAGE_STDOUT:
		return "set up stdout and stderr";
	case SPAWN_STAGE_RLIMIT:
		return "setrlimit";
	case SPAWN_STAGE_NICE:
		return "setpriority";
	case SPAWN_STAGE_USER:
		return "switch user";
	}
	return "start";
}
