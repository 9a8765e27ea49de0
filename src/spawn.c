/*
 * spawn.c: starts one process.  The parent builds argv, envp, the list
 * of paths to try and copies of every setting the child reads before the
 * child exists; the child makes raw system calls only (setsid,
 * rt_sigaction, openat, dup3, umask, chdir, close_range, execve, write,
 * exit_group: see sys()) and reports a failure through a close-on-exec
 * pipe.
 *
 * The child shares the supervisor's memory until it execs: no page
 * tables to copy.  All signals stay blocked over that window so that no
 * handler of ours runs in the child.  On x86-64 with cgroup v2 the
 * supervisor does not wait for the exec: the child runs on a stack of
 * its own beside us (ahead_spawn), a few at a time.  Otherwise, and
 * when those few are all still setting up, the supervisor sleeps until
 * the exec, as with vfork; that way is plain C, the same on every
 * architecture and in every build, sanitizers included:
 *
 * - With a cgroup: clone3(CLONE_VM | CLONE_VFORK | CLONE_INTO_CGROUP),
 *   through syscall(2): glibc 2.36 has no clone3 wrapper, and its clone()
 *   takes 32-bit flags.  The child starts inside its cgroup; moving it in
 *   afterwards (writing cgroup.procs) takes the cgroup threadgroup lock
 *   for writing, which waits for an RCU grace period unless another move
 *   came just before.  The child returns from syscall() on our stack:
 *   clone3_call says how it keeps off what we still need.
 * - Without (process groups and /proc): vfork.
 * - Where clone3 or CLONE_INTO_CGROUP is refused (valgrind, which has no
 *   clone3; seccomp filters; Linux before 5.7): vfork, and the child
 *   joins its cgroup by writing cgroup.procs before anything else.
 * - Where the thread has a shadow stack (x86-64 CET, arm64 GCS), which a
 *   CLONE_VFORK child shares: clone3 without CLONE_VM, a copy.
 *
 * What each costs, from the exit of a 1.2 s program to the exec of the
 * next (bench/run.sh's restart row, medians, 2 cores, Linux 6.18; BASE=
 * the build before this one, whose child was the same clone3 made by a
 * stretch of x86-64 assembly):  this one 1.33 ms, base 1.30, the C floor
 * 1.26; a copy instead (clone3 without CLONE_VM) 1.29-1.40 ms against
 * base's 1.12-1.16 in the same runs, 15-20% more; vfork with the child
 * joining its cgroup 12 ms against 1.4.  Without a cgroup, run as nobody,
 * vfork 2.81 ms and base 2.77.
 *
 * Valgrind runs vfork as a fork and follows the child to its exec: under
 * make check-valgrind (root, cgroup v2) the supervisor takes the vfork
 * way, joining included, and the child's whole set-up is checked; only
 * the clone3 call itself is not.  AddressSanitizer and UBSan run the
 * waited-for ways (their bookkeeping lives in our thread's memory, which
 * a child beside us would share): make check runs build/asan's
 * supervisor as root (clone3, waited for) and as nobody (vfork), and
 * build's as both (children in the background as root).
 */
#include <alloca.h>
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
#include <sys/prctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <linux/sched.h>	/* struct clone_args, CLONE_INTO_CGROUP */

#include "log.h"
#include "monotime.h"
#include "parse.h"
#include "spawn.h"
#include "strv.h"

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC	(1U << 2)
#endif
#ifndef CLOSE_RANGE_UNSHARE
#define CLOSE_RANGE_UNSHARE	(1U << 1)
#endif
#ifndef PR_GET_SHADOW_STACK_STATUS	/* Linux 6.13 */
#define PR_GET_SHADOW_STACK_STATUS	74
#define PR_SHADOW_STACK_ENABLE		(1UL << 0)
#endif

extern char **environ;

/* The open-files limit programs get: the one the supervisor started with,
 * at least minfds. */
static struct rlimit	child_nofile;
static char		*server_url;	/* SUPERVISOR_SERVER_URL; NULL: none */
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
/*
 * Where children reach the supervisor (supervisor.childutils reads it):
 * "unix:///PATH" or "http://HOST:PORT"; NULL when it has no socket.
 */
void
spawn_set_server_url(const char *url)
{
	free(server_url);
	server_url = url != NULL ? strdup(url) : NULL;
}

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

/*
 * Everything the child uses, allocated before it is made and freed after
 * its exec: its own copies, for a child made in the background reads them
 * while the supervisor goes on (and may reload its config).
 */
struct spawn_plan {
	char	**sp_envp;
	char	**sp_paths;		/* candidates for argv[0], in order */
	char	**sp_argv;		/* the command, or a probe's */
	char	 *sp_directory;		/* chdir there; NULL: stay */
	int	  sp_maxfd;		/* highest fd to mark close-on-exec */
	int	  sp_signals[64];	/* signals not at SIG_DFL in the parent */
	int	  sp_nsignals;
	int	  sp_stdio[3];		/* the child's stdin, stdout, stderr;
					   -1: /dev/null */
	gid_t	 *sp_groups;		/* user=: its groups, for setgroups */
	int	  sp_ngroups;
	long	  sp_uid, sp_gid;	/* -1: the supervisor's */
	int	  sp_umask;		/* -1: the supervisor's */
	int	  sp_nice;		/* when sp_nice_set */
	bool	  sp_nice_set;
	bool	  sp_nofile_set;	/* sp_nofile: minfds's limit */
	struct child_rlimit {
		uint64_t	cur, max;	/* the kernel's struct rlimit64 */
	}	  sp_nofile, sp_rlimit[PG_RLIMITS];
	bool	  sp_rlimit_set[PG_RLIMITS]; /* false: inherit */
	int	  sp_fd;		/* an extra descriptor, -1: none */
	int	  sp_fd_target;		/* its number in the child */
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
 * Of the supervisor's environment, what a program run as another user
 * gets: the locale, the time zone and the search path.  Not root's
 * secrets (API keys, tokens), its agent sockets (SSH_AUTH_SOCK), its
 * descriptors handed over (LISTEN_FDS) or its runtime directory.
 */
static bool
safe_for_another_user(const char *entry)
{
	static const char *const keys[] = {
		"PATH=", "LANG=", "LANGUAGE=", "TZ=", "TERM=",
	};
	size_t i;

	if (strncmp(entry, "LC_", 3) == 0)
		return true;
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (strncmp(entry, keys[i], strlen(keys[i])) == 0)
			return true;
	return false;
}

/*
 * The supervisor's environment (for a program run as another user, only
 * its safe part, unless inherit_environment says), minus the keys the
 * program sets, plus the program's own and then supervisord's
 * SUPERVISOR_* variables.
 */
static char **
build_envp(const struct program_config *pg, const struct proc_config *pc,
    const struct spawn_extra *sx)
{
	char **envp = strv_new(), **extra = strv_new();
	bool overridden, other_user;
	const char *eq;
	size_t i, j, klen;

	if (envp == NULL || extra == NULL)
		goto fail;
	other_user = pg->pg_uid >= 0 && (uid_t)pg->pg_uid != geteuid() &&
	    !pg->pg_inherit_env;
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
	    push_var(&extra, "SUPERVISOR_GROUP_NAME", pg->pg_group) == -1 ||
	    (server_url != NULL &&
	    push_var(&extra, "SUPERVISOR_SERVER_URL", server_url) == -1))
		goto fail;
	/* ready = notify: systemd's variable, for programs written for it;
	 * never the supervisor's own (that one is its service manager's). */
	if (sx != NULL && sx->sx_notify_socket != NULL &&
	    push_var(&extra, "NOTIFY_SOCKET", sx->sx_notify_socket) == -1)
		goto fail;
	for (i = 0; environ != NULL && environ[i] != NULL; i++) {
		if (other_user && !safe_for_another_user(environ[i]))
			continue;
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
	strv_free(sp->sp_argv);
	free(sp->sp_directory);
	free(sp->sp_groups);
}

/* Copies of pg's and pc's settings the child reads.  Returns -1 (ENOMEM). */
static int
plan_settings(struct spawn_plan *sp, const struct program_config *pg,
    const struct proc_config *pc, char *const *argv)
{
	int i;

	if ((sp->sp_argv = strv_dup(argv)) == NULL ||
	    (pc->pcf_directory != NULL &&
	    (sp->sp_directory = strdup(pc->pcf_directory)) == NULL))
		return -1;
	sp->sp_uid = pg->pg_uid;
	sp->sp_gid = pg->pg_gid;
	sp->sp_umask = pg->pg_umask;
	sp->sp_nice = pg->pg_nice;
	sp->sp_nice_set = pg->pg_nice_set;
	sp->sp_nofile_set = child_nofile_set;
	sp->sp_nofile.cur = (uint64_t)child_nofile.rlim_cur;
	sp->sp_nofile.max = (uint64_t)child_nofile.rlim_max;
	for (i = 0; i < PG_RLIMITS; i++) {
		if (pg->pg_rlimit[i] == RLIMIT_INHERIT)
			continue;
		sp->sp_rlimit_set[i] = true;
		sp->sp_rlimit[i].cur = sp->sp_rlimit[i].max =
		    pg->pg_rlimit[i] == RLIMIT_UNLIMITED ? UINT64_MAX :
		    (uint64_t)pg->pg_rlimit[i];
	}
	return 0;
}

/*
 * The child's system calls, made without the C library: each returns
 * the result or -errno, and none writes errno, which is the supervisor's
 * (a child made in the background runs beside the supervisor in its
 * memory: a failed exec of the first candidate path would otherwise
 * change errno under the supervisor's feet).  Elsewhere than x86-64 no
 * child runs beside us, and syscall(2) will do.
 */
static inline long
sys(long n, long a1, long a2, long a3, long a4)
{
#if defined(__x86_64__)
	register long r10 __asm__("r10") = a4;
	long ret;

	__asm__ volatile ("syscall" : "=a" (ret) : "0" (n), "D" (a1),
	    "S" (a2), "d" (a3), "r" (r10) : "rcx", "r11", "memory");
	return ret;
#else
	long ret = syscall(n, a1, a2, a3, a4);

	return ret == -1 ? -errno : ret;
#endif
}

#define SYS0(n)			sys((n), 0, 0, 0, 0)
#define SYS1(n, a)		sys((n), (long)(a), 0, 0, 0)
#define SYS2(n, a, b)		sys((n), (long)(a), (long)(b), 0, 0)
#define SYS3(n, a, b, c)	sys((n), (long)(a), (long)(b), (long)(c), 0)
#define SYS4(n, a, b, c, d)	sys((n), (long)(a), (long)(b), (long)(c), \
				    (long)(d))

static void __attribute__((noreturn))
child_exit(int status)
{
	for (;;)
		(void)SYS1(SYS_exit_group, status);
}

/* Tells the parent what failed (err: an errno) and exits. */
static void __attribute__((noreturn))
child_fail(int fd, int stage, long err)
{
	struct spawn_error se = { stage, (int)err };

	while (SYS3(SYS_write, fd, &se, sizeof(se)) == -EINTR)
		;
	child_exit(err == EACCES ? SPAWN_EXIT_NOEXEC : SPAWN_EXIT_NOTFOUND);
}

/*
 * What /proc/self/status says of us, read once, at the first spawn: the
 * signals ignored and those handled (bit sig - 1), and whether the
 * thread has a shadow stack (x86-64 CET).  One read instead of 64
 * sigaction calls.  Returns false when it cannot be read.
 */
static bool	status_read, status_ok, status_shstk;
static uint64_t	status_changed;		/* SigIgn | SigCgt */

static bool
self_status(void)
{
	char line[256];
	bool ign = false, cgt = false;
	FILE *fp;

	if (status_read)
		return status_ok;
	status_read = true;
	if ((fp = fopen("/proc/self/status", "re")) == NULL)
		return false;
	while (fgets(line, sizeof(line), fp) != NULL) {
		if (strncmp(line, "SigIgn:", 7) == 0) {
			status_changed |= strtoull(line + 7, NULL, 16);
			ign = true;
		} else if (strncmp(line, "SigCgt:", 7) == 0) {
			status_changed |= strtoull(line + 7, NULL, 16);
			cgt = true;
		} else if (strncmp(line, "x86_Thread_features:", 20) == 0 &&
		    strstr(line + 20, "shstk") != NULL)
			status_shstk = true;
	}
	fclose(fp);
	status_ok = ign && cgt;
	return status_ok;
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
	bool known = self_status();
	int sig, i;

	if (nfound == -1) {
		nfound = 0;
		for (sig = 1; sig < NSIG && sig <= 64 && nfound < 63; sig++)
			if (sig != SIGKILL && sig != SIGSTOP && sig != SIGALRM &&
			    (known ? (status_changed >> (sig - 1) & 1) != 0 :
			    sigaction(sig, NULL, &old) == 0 &&
			    old.sa_handler != SIG_DFL))
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

/*
 * The kernel's struct sigaction for SIG_DFL, no flags, no mask: all
 * zeros, whatever its layout (larger than any); and an empty signal set
 * as rt_sigprocmask takes it.
 */
static const unsigned long kernel_default[8];
static const uint64_t no_signals;

/* Opens /dev/null (flags O_RDONLY or O_WRONLY): its fd, or -errno. */
static long
child_null(int flags)
{
	return SYS4(SYS_openat, AT_FDCWD, "/dev/null", flags, 0);
}

/*
 * Runs in the child between its making and its exec, on what sp holds:
 * raw system calls only (sys above).
 */
static void
child_exec(const struct spawn_plan *sp, int cgroup_fd, int errfd)
{
	long fd, r, err = ENOENT;
	int i, stage;

	/*
	 * Without clone3, join the process's cgroup before anything can fork
	 * from here.
	 */
	if (cgroup_fd >= 0) {
		if ((fd = SYS4(SYS_openat, cgroup_fd, "cgroup.procs",
		    O_WRONLY | O_CLOEXEC, 0)) < 0)
			child_fail(errfd, SPAWN_STAGE_CGROUP, -fd);
		if ((r = SYS3(SYS_write, fd, "0", 1)) != 1)
			child_fail(errfd, SPAWN_STAGE_CGROUP, r < 0 ? -r : EIO);
		(void)SYS1(SYS_close, fd);
	}
	/*
	 * A session of its own, as s6 gives: no controlling terminal, so a
	 * program (run as any user) can't open /dev/tty and push keystrokes
	 * into the terminal the supervisor was started on (TIOCSTI), and
	 * its process group is its own (its pgid is its pid).
	 */
	if ((r = SYS0(SYS_setsid)) < 0)
		child_fail(errfd, SPAWN_STAGE_SETSID, -r);
	/*
	 * Default dispositions first, so unblocking runs no handler of ours
	 * (and no SIG_IGN crosses exec).  Only those the parent changed;
	 * rt_sigaction takes 32 and 33 too, which the C library keeps.
	 */
	for (i = 0; i < sp->sp_nsignals; i++)
		(void)SYS4(SYS_rt_sigaction, sp->sp_signals[i], kernel_default,
		    NULL, sizeof(uint64_t));
	(void)SYS4(SYS_rt_sigprocmask, SIG_SETMASK, &no_signals, NULL,
	    sizeof(uint64_t));

	for (i = 0; i < 3; i++) {
		stage = i == 0 ? SPAWN_STAGE_STDIN : SPAWN_STAGE_STDOUT;
		if ((fd = sp->sp_stdio[i]) == -1 &&
		    (fd = child_null(i == 0 ? O_RDONLY : O_WRONLY)) < 0)
			child_fail(errfd, stage, -fd);
		if (fd != i && (r = SYS3(SYS_dup3, fd, i, 0)) < 0)
			child_fail(errfd, stage, -r);
		if (sp->sp_stdio[i] == -1 && fd != i)
			(void)SYS1(SYS_close, fd);
	}
	if (sp->sp_nofile_set)
		(void)SYS4(SYS_prlimit64, 0, RLIMIT_NOFILE, &sp->sp_nofile,
		    NULL);
	/* Limits and a higher priority first: they may need root. */
	for (i = 0; i < PG_RLIMITS; i++)
		if (sp->sp_rlimit_set[i] && (r = SYS4(SYS_prlimit64, 0,
		    rlimit_resource[i], &sp->sp_rlimit[i], NULL)) < 0)
			child_fail(errfd, SPAWN_STAGE_RLIMIT, -r);
	if (sp->sp_nice_set && (r = SYS3(SYS_setpriority, PRIO_PROCESS, 0,
	    sp->sp_nice)) < 0)
		child_fail(errfd, SPAWN_STAGE_NICE, -r);
	/* The system calls, not glibc's wrappers, which would tell every
	 * thread of "both" of us. */
	if (sp->sp_uid >= 0 &&
	    ((r = SYS2(SYS_setgroups, sp->sp_ngroups, sp->sp_groups)) < 0 ||
	    (r = SYS3(SYS_setresgid, sp->sp_gid, sp->sp_gid, sp->sp_gid)) < 0 ||
	    (r = SYS3(SYS_setresuid, sp->sp_uid, sp->sp_uid, sp->sp_uid)) < 0))
		child_fail(errfd, SPAWN_STAGE_USER, -r);
	if (sp->sp_umask >= 0)
		(void)SYS1(SYS_umask, sp->sp_umask);
	/* As the program's user: it must be allowed in. */
	if (sp->sp_directory != NULL &&
	    (r = SYS1(SYS_chdir, sp->sp_directory)) < 0)
		child_fail(errfd, SPAWN_STAGE_CHDIR, -r);
	/* Only 0, 1, 2 cross exec; the error pipe is already close-on-exec. */
	if (SYS3(SYS_close_range, 3U, ~0U, CLOSE_RANGE_CLOEXEC) < 0) {
		for (fd = 3; fd <= sp->sp_maxfd; fd++)
			(void)SYS3(SYS_fcntl, fd, F_SETFD, FD_CLOEXEC);
	}
	/* fd:N readiness: the pipe's write end crosses exec as N (dup3
	 * clears close-on-exec; the same number needs it cleared by hand). */
	if (sp->sp_fd != -1) {
		/* The error pipe must not be the one dup3 replaces. */
		if (errfd == sp->sp_fd_target &&
		    (errfd = (int)SYS3(SYS_fcntl, errfd, F_DUPFD_CLOEXEC, 3)) < 0)
			child_exit(SPAWN_EXIT_NOTFOUND);
		if (sp->sp_fd == sp->sp_fd_target)
			(void)SYS3(SYS_fcntl, sp->sp_fd, F_SETFD, 0);
		else if ((r = SYS3(SYS_dup3, sp->sp_fd, sp->sp_fd_target,
		    0)) < 0)
			child_fail(errfd, SPAWN_STAGE_EXEC, -r);
	}
	for (i = 0; sp->sp_paths[i] != NULL; i++) {
		r = SYS3(SYS_execve, sp->sp_paths[i], sp->sp_argv, sp->sp_envp);
		/* As execvp: a permission problem beats "not found". */
		if (r != -ENOENT && r != -ENOTDIR && err != EACCES)
			err = -r;
	}
	child_fail(errfd, SPAWN_STAGE_EXEC, err);
}

/*
 * The descriptor slots (see slots_reserve below), declared here for the
 * child, which closes the sets that are not its own.
 */
#define SPAWN_SLOTS	5	/* stdin, stdout, stderr, error pipe, extra */

/* Where children are made in the background (see ahead_spawn). */
#if defined(__x86_64__) && !defined(__SANITIZE_ADDRESS__) && \
    !defined(__SANITIZE_THREAD__)
#define SPAWN_BACKGROUND	1
#define SPAWN_AHEAD	8	/* children set up in the background at once */
#else
#define SPAWN_AHEAD	0
#endif
#define SLOT_SETS	(1 + SPAWN_AHEAD)

static int	slot_fd[SLOT_SETS][SPAWN_SLOTS];	/* set once, at the
							   first spawn */
static bool	slot_run;		/* slot_fd holds one run of numbers */

/* What the child needs, in the parent's memory (shared or copied). */
struct child_args {
	struct spawn_plan		*ca_sp;
	int				 ca_cgroup_fd;	/* -1: no cgroup */
	int				 ca_errfd;	/* write end */
	int				 ca_closefd;	/* read end */
	int				 ca_unshare;	/* > 0: our descriptor
							   table is shared;
							   keep below this */
	int				 ca_set;	/* its slot set, with
							   ca_unshare */
};

/*
 * The child's side, never returning.  It may share our memory: it
 * writes nothing but its own stack.  join: the child is not in its
 * cgroup yet and joins it first.
 */
static void __attribute__((noreturn))
child_main(const struct child_args *a, bool join)
{
	long r;
	int i, j, lo, mine;

	/*
	 * A table of our own before anything is opened or closed: only
	 * the descriptors below ca_unshare are copied (the slots hold what
	 * this child needs); the supervisor's thousands of pipes above are
	 * neither copied nor closed here or at exec.  A kernel without
	 * CLOSE_RANGE_UNSHARE copies the whole table.
	 */
	if (a->ca_unshare > 0) {
		if (SYS3(SYS_close_range, a->ca_unshare, ~0U,
		    CLOSE_RANGE_UNSHARE) < 0 &&
		    (r = SYS1(SYS_unshare, CLONE_FILES)) < 0)
			child_fail(a->ca_errfd, SPAWN_STAGE_EXEC, -r);
		/*
		 * The other sets hold other children's pipes while those
		 * set up: not ours to keep, should this child stall before
		 * its exec (a directory on a hung file system).
		 */
		if (slot_run) {		/* two calls, not dozens */
			lo = slot_fd[0][0];
			mine = slot_fd[a->ca_set][0];
			if (mine > lo)
				(void)SYS3(SYS_close_range, lo, mine - 1, 0);
			(void)SYS3(SYS_close_range, mine + SPAWN_SLOTS,
			    lo + SLOT_SETS * SPAWN_SLOTS - 1, 0);
		} else
			for (i = 0; i < SLOT_SETS; i++)
				for (j = 0; j < SPAWN_SLOTS && i != a->ca_set;
				    j++)
					(void)SYS1(SYS_close, slot_fd[i][j]);
	}
	(void)SYS1(SYS_close, a->ca_closefd);
	child_exec(a->ca_sp, join ? a->ca_cgroup_fd : -1, a->ca_errfd);
	child_exit(SPAWN_EXIT_NOTFOUND);
}

/*
 * vfork, in a function of its own: the child runs child_main on this
 * frame's stack and never returns into it, so nothing the parent still
 * uses is overwritten.
 */
static pid_t
vfork_child(const struct child_args *a, bool join)
{
	pid_t pid;

	if ((pid = vfork()) == 0)
		child_main(a, join);
	return pid;
}

/* Whether a clone3 failure means "not here" rather than "failed". */
static bool
clone3_missing(int err)
{
	return err == ENOSYS || err == E2BIG || err == EINVAL ||
	    err == EOPNOTSUPP;
}

/*
 * How far the child moves below clone3_call's frame before it writes
 * anything.  Volatile: an alloca of a constant may be folded into the
 * frame, allocated before the call.
 */
static volatile size_t child_stack_gap = 16 * 1024;

/*
 * clone3 through syscall(2).  With CLONE_VM | CLONE_VFORK the child
 * returns from syscall() on our stack, into this frame, while we sleep
 * in the kernel until it has exec'd; then we return from syscall()
 * ourselves, through the return address and whatever else syscall() left
 * just below this frame.  So the child's first act is to move its stack
 * pointer well below all that (alloca writes nothing), and everything it
 * calls lives down there.  Until then it writes at most the slot of pid,
 * which we write again before reading.  This is vfork's rule, the child
 * writes nothing of ours, kept for what glibc's vfork keeps in a register.
 */
static long __attribute__((noinline))
clone3_call(struct clone_args *ca, const struct child_args *a)
{
	long pid;

	pid = syscall(SYS_clone3, ca, sizeof(*ca));
	if (pid == 0) {
		volatile char *below = alloca(child_stack_gap);

		below[0] = 0;
		child_main(a, false);
	}
	return pid;
}

/*
 * AddressSanitizer, when linked in: after a child that shared our stack,
 * ASan's shadow memory still marks the child's frames below us, and our
 * next calls down there would be taken for overflows.  ASan's own vfork
 * wrapper clears it the same way.
 */
extern void __asan_handle_vfork(void *sp) __attribute__((weak));

static void __attribute__((noinline))
stack_forget_child(void)
{
	if (__asan_handle_vfork != NULL)
		__asan_handle_vfork(__builtin_frame_address(0));
}

/*
 * Whether this thread has a shadow stack (x86-64 CET; arm64 GCS and the
 * like, through prctl).  A CLONE_VFORK child shares it, and clone3_call's
 * child, returning from syscall(), pops the entry we return through; its
 * next call writes over it.
 */
static bool
shadow_stack_in_use(void)
{
	unsigned long status = 0;

	if (prctl(PR_GET_SHADOW_STACK_STATUS, &status, 0, 0, 0) == 0 &&
	    (status & PR_SHADOW_STACK_ENABLE))
		return true;
	(void)self_status();
	return status_shstk;
}

/*
 * Slots: a few descriptors reserved low in our table at the first spawn,
 * holding /dev/null while no spawn is under way.  A child made with
 * CLONE_FILES shares our table until its first act, which is to take a
 * table of its own with only what is below the highest slot
 * (CLOSE_RANGE_UNSHARE); what it needs is moved into the slots first.  So
 * however many pipes the supervisor holds for its processes (a stdin
 * pipe each, and their logs'), a spawn copies and closes a few dozen
 * descriptors, not all of them: without this, 10,000 programs cost each
 * spawn 10,000 copies and 10,000 closes at exec.  Set 0 is the waited-for
 * child's; each child made in the background has a set of its own until
 * it has exec'd (set 1 + its index in ahead[]).
 */
/* (SPAWN_SLOTS, SLOT_SETS and slot_fd are declared above child_main.) */
static int	slot_null = -1;		/* what a slot holds when free */
static int	slot_bound;		/* highest slot + 1; 0: none yet;
					   -1: cannot be had */

static bool
slots_reserve(void)
{
	int i, n = SLOT_SETS * SPAWN_SLOTS, *fds = &slot_fd[0][0];

	if (slot_bound != 0)
		return slot_bound > 0;
	slot_bound = -1;
	if ((slot_null = open("/dev/null", O_RDONLY | O_CLOEXEC)) == -1)
		return false;
	for (i = 0; i < n; i++) {
		if ((fds[i] = fcntl(slot_null, F_DUPFD_CLOEXEC, 3)) == -1) {
			while (i-- > 0)
				close(fds[i]);
			close(slot_null);
			slot_null = -1;
			return false;
		}
	}
	slot_bound = 0;
	slot_run = true;
	for (i = 0; i < n; i++) {
		if (fds[i] >= slot_bound)
			slot_bound = fds[i] + 1;
		if (fds[i] != fds[0] + i)
			slot_run = false;
	}
	return true;
}

/* Puts *fd into a slot of set (the one of an equal fd before it, if any). */
static bool
slot_take(int set, int *fd, int *orig, int *used)
{
	int i;

	if (*fd == -1)
		return true;
	for (i = 0; i < *used; i++)
		if (orig[i] == *fd) {
			*fd = slot_fd[set][i];
			return true;
		}
	if (dup3(*fd, slot_fd[set][*used], O_CLOEXEC) == -1)
		return false;
	orig[*used] = *fd;		/* orig has SPAWN_SLOTS entries */
	*fd = slot_fd[set][(*used)++];
	return true;
}

/* Frees the first used slots of set: our table keeps no pipe of a child's. */
static void
slots_free(int set, int used)
{
	while (used-- > 0)
		(void)dup3(slot_null, slot_fd[set][used], O_CLOEXEC);
}

/*
 * Moves what the child of b needs into the slots of set, with b's numbers
 * changed to theirs.  Returns the slots used, or -1 (b and the slots as
 * they were).
 */
static int
slots_fill(int set, struct child_args *b)
{
	struct spawn_plan *sp = b->ca_sp;
	struct spawn_plan keep = *sp;
	int orig[SPAWN_SLOTS], used = 0, i, errfd = b->ca_errfd;
	bool ok = true;

	for (i = 0; i < 3 && ok; i++)
		ok = slot_take(set, &sp->sp_stdio[i], orig, &used);
	if (ok)
		ok = slot_take(set, &sp->sp_fd, orig, &used) &&
		    slot_take(set, &b->ca_errfd, orig, &used);
	if (!ok) {
		slots_free(set, used);
		*sp = keep;
		b->ca_errfd = errfd;
		return -1;
	}
	return used;
}

/*
 * Children made in the background (x86-64, cgroup v2, no shadow stack,
 * not under a sanitizer): clone3(CLONE_VM | CLONE_INTO_CGROUP) without
 * CLONE_VFORK, the child on a stack of its own, and the supervisor goes
 * on at once, to the next spawn or back to its loop, while the child
 * sets itself up and execs.  What the child reads (its plan, its
 * arguments, its slots, its stack) stays untouched until it is done with
 * our memory: CLONE_CHILD_CLEARTID has the kernel clear ah_tid at its
 * exec or its exit, as it does for a thread's join.  A spawn then costs
 * the supervisor its own work, not the wait for the child to get a CPU
 * and reach its exec: that wait was three quarters of a start of 10,000.
 *
 * A stop cannot miss a child still setting up: it starts in its cgroup,
 * with every signal blocked until its handlers are reset, so a SIGTERM
 * waits for it and a SIGKILL or cgroup.kill takes it.
 */
#ifdef SPAWN_BACKGROUND
#define AHEAD_STACK	(64 * 1024)	/* the child's, with a guard page */
#define AHEAD_POLL	0.0002		/* s: first look for exec'd children */
#define AHEAD_POLL_MAX	0.05		/* s: looks back off to this */
#define AHEAD_BURST	0.01		/* s: a spawn this soon after the
					   last is one of many */

struct ahead {
	uint32_t		 ah_tid;	/* nonzero: the child may still
						   read what follows */
	bool			 ah_busy;
	void			*ah_stack;	/* AHEAD_STACK bytes; NULL:
						   not yet mapped */
	int			 ah_used;	/* slots of its set in use */
	struct spawn_plan	 ah_plan;
	struct child_args	 ah_args;
};

static struct ahead	 ahead[SPAWN_AHEAD];
static struct ev_loop	*ahead_loop;	/* NULL: none in the background */
static ev_timer		 ahead_timer;
static double		 ahead_poll;
static double		 ahead_last;	/* when the last spawn was asked */

/*
 * Frees what children done with our memory held.  Returns how many are
 * still setting up.
 */
static int
ahead_collect(void)
{
	struct ahead *ah;
	int i, left = 0;

	for (i = 0; i < SPAWN_AHEAD; i++) {
		ah = &ahead[i];
		if (!ah->ah_busy)
			continue;
		if (__atomic_load_n(&ah->ah_tid, __ATOMIC_ACQUIRE) != 0) {
			left++;
			continue;
		}
		slots_free(1 + i, ah->ah_used);
		plan_free(&ah->ah_plan);
		ah->ah_busy = false;
	}
	return left;
}

/*
 * Looks for children done with our memory until none is left: their
 * slots hold their pipes' ends (an exec-error pipe's end of file waits
 * for it).  Nothing tells the loop of an exec; a child takes a fraction
 * of a millisecond, one stopped before its exec may take forever, so the
 * looks back off.
 */
static void
ahead_timer_cb(struct ev_loop *l, ev_timer *w, int revents)
{
	int before = 0, i, left;

	(void)revents;
	for (i = 0; i < SPAWN_AHEAD; i++)
		before += ahead[i].ah_busy;
	if ((left = ahead_collect()) == 0)
		return;
	if (left == before && ahead_poll < AHEAD_POLL_MAX)
		ahead_poll *= 2;
	else if (left < before)
		ahead_poll = AHEAD_POLL;
	ev_timer_set(w, ahead_poll, 0);
	ev_timer_start(l, w);
}

/*
 * clone3 with a stack for the child: it calls fn(arg) there, and exits
 * if that returns (child_main never does).  Not syscall(2): its child
 * would return through a frame on a stack it does not have.  Returns the
 * pid or -errno, and leaves errno alone.  x86-64 only: the kernel
 * starts the child at the instruction after syscall with %rsp at the top
 * of its stack; syscall keeps every register but %rax, %rcx and %r11.
 */
long	spawn_clone3_stack(struct clone_args *ca, size_t size,
	    void (*fn)(void *), void *arg);
_Static_assert(SYS_clone3 == 435 && SYS_exit_group == 231, "x86-64 numbers");
__asm__(
	"	.text\n"
	"	.p2align 4\n"
	"	.globl	spawn_clone3_stack\n"
	"	.hidden	spawn_clone3_stack\n"
	"	.type	spawn_clone3_stack, @function\n"
	"spawn_clone3_stack:\n"
	"	movq	%rdx, %r8\n"		/* fn, kept over the call */
	"	movq	%rcx, %r9\n"		/* arg */
	"	movl	$435, %eax\n"		/* clone3(ca, size) */
	"	syscall\n"
	"	testq	%rax, %rax\n"
	"	jz	1f\n"
	"	ret\n"				/* us: the pid or -errno */
	"1:	xorl	%ebp, %ebp\n"		/* the child: no frames above */
	"	andq	$-16, %rsp\n"
	"	movq	%r9, %rdi\n"
	"	call	*%r8\n"
	"	movl	$127, %edi\n"
	"	movl	$231, %eax\n"		/* exit_group(127) */
	"	syscall\n"
	"	hlt\n"
	"	.size	spawn_clone3_stack, .-spawn_clone3_stack\n");

static void
ahead_child(void *arg)
{
	child_main(arg, false);
}

/*
 * Makes a's child in the background (see above), into cgroup
 * a->ca_cgroup_fd; a's plan is moved into the ahead[] entry, *a->ca_sp
 * zeroed.  Returns the pid; 0 when there is no room (a left as it was);
 * -1 with errno set when clone3 failed (a left as it was).
 */
static pid_t
ahead_spawn(const struct child_args *a)
{
	struct clone_args ca;
	struct ahead *ah = NULL;
	double now = mono_now(), last = ahead_last;
	void *stack;
	long pid;
	int i, set;

	/*
	 * One spawn alone (a restart) is waited for: the child gets our
	 * CPU at once and execs soonest.  Many (a crash storm) go on in
	 * the background after the first; a start of all (spawn_burst)
	 * from the first.
	 */
	ahead_last = now;
	if (ahead_loop == NULL || a->ca_cgroup_fd < 0 ||
	    now - last > AHEAD_BURST)
		return 0;
	(void)ahead_collect();
	for (i = 0; i < SPAWN_AHEAD && ah == NULL; i++)
		if (!ahead[i].ah_busy)
			ah = &ahead[i];
	if (ah == NULL)
		return 0;
	if (ah->ah_stack == NULL) {
		stack = mmap(NULL, AHEAD_STACK, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
		if (stack == MAP_FAILED)
			return 0;
		(void)mprotect(stack, (size_t)sysconf(_SC_PAGESIZE), PROT_NONE);
		ah->ah_stack = stack;
	}
	set = 1 + (int)(ah - ahead);
	ah->ah_plan = *a->ca_sp;
	ah->ah_args = *a;
	ah->ah_args.ca_sp = &ah->ah_plan;
	if ((ah->ah_used = slots_fill(set, &ah->ah_args)) == -1)
		return 0;
	ah->ah_args.ca_unshare = slot_bound;
	ah->ah_args.ca_set = set;
	memset(&ca, 0, sizeof(ca));
	ca.flags = CLONE_VM | CLONE_FILES | CLONE_CHILD_CLEARTID |
	    CLONE_INTO_CGROUP;
	ca.cgroup = (uint64_t)a->ca_cgroup_fd;
	ca.child_tid = (uint64_t)(uintptr_t)&ah->ah_tid;
	ca.stack = (uint64_t)(uintptr_t)ah->ah_stack;
	ca.stack_size = AHEAD_STACK;
	ca.exit_signal = SIGCHLD;
	__atomic_store_n(&ah->ah_tid, 1, __ATOMIC_RELEASE);
	pid = spawn_clone3_stack(&ca, sizeof(ca), ahead_child, &ah->ah_args);
	if (pid < 0) {
		ah->ah_tid = 0;
		slots_free(set, ah->ah_used);
		if (clone3_missing((int)-pid)) {
			log_debug("clone3 in the background: %s; waiting for "
			    "each child", strerror((int)-pid));
			ahead_loop = NULL;
		}
		errno = (int)-pid;
		return -1;
	}
	ah->ah_busy = true;
	memset(a->ca_sp, 0, sizeof(*a->ca_sp));
	/* Looked for soon, even when an older child has made the looks
	 * back off. */
	if (!ev_is_active(&ahead_timer) || ahead_poll > AHEAD_POLL) {
		ev_timer_stop(ahead_loop, &ahead_timer);
		ahead_poll = AHEAD_POLL;
		ev_timer_set(&ahead_timer, ahead_poll, 0);
		ev_timer_start(ahead_loop, &ahead_timer);
	}
	return (pid_t)pid;
}
#else
static pid_t
ahead_spawn(const struct child_args *a)
{
	(void)a;
	return 0;
}
#endif

/*
 * Frees what children made in the background and done with our memory
 * held, now: before an exit is handled, so that the exec-error pipe of a
 * child that exec'd and already exited reads its end of file.
 */
void
spawn_collect(void)
{
#ifdef SPAWN_BACKGROUND
	if (ahead_loop != NULL)
		(void)ahead_collect();
#endif
}

/*
 * Spawns are about to come together (a start of every program): the
 * first is made in the background too, as a burst's later ones are,
 * not waited for.
 */
void
spawn_burst(void)
{
#ifdef SPAWN_BACKGROUND
	ahead_last = mono_now();
#endif
}

/*
 * Spawns may be made in the background from here on, with loop telling
 * when their children are done with the supervisor's memory.
 */
void
spawn_init(struct ev_loop *loop)
{
#ifdef SPAWN_BACKGROUND
	struct utsname u = { .release = "?" };
	int major = 0, minor = 0;

	/*
	 * Before Linux 5.16 a core dump killed every process sharing the
	 * dumper's memory: a SIGQUIT (a stopsignal) reaching a child still
	 * setting up would take the supervisor with it.  There, each child
	 * is waited for, which keeps that window to one child at a time.
	 */
	if (uname(&u) == 0 && sscanf(u.release, "%d.%d", &major, &minor) == 2 &&
	    (major > 5 || (major == 5 && minor >= 16)))
		ahead_loop = loop;
	else
		log_debug("Linux %s: each child waited for (core dumps "
		    "before 5.16 take whoever shares the dumper's memory)",
		    u.release);
	ev_timer_init(&ahead_timer, ahead_timer_cb, 0, 0);
#else
	(void)loop;
#endif
}

/*
 * The child: made in the background where it can be (ahead_spawn);
 * otherwise by clone3 inside the cgroup whose directory is
 * a->ca_cgroup_fd, when that is >= 0 (a copy of us where a shadow stack
 * is in use); by vfork otherwise, and where clone3 or CLONE_INTO_CGROUP
 * is missing (then the child joins its cgroup itself, and clone3 is not
 * tried again).  Returns the pid, or -1 with errno set.
 */
static pid_t
make_child(const struct child_args *a)
{
	static int shared = -1;		/* CLONE_VM: 1 or 0; -1: not known */
	static bool no_clone3;
	struct clone_args ca;
	long pid;

	if (!no_clone3) {
		struct spawn_plan keep = *a->ca_sp;
		struct child_args b = *a;
		int used = -1, saved;

		if (shared == -1)
			shared = !shadow_stack_in_use();
		if (shared && slots_reserve() && (pid = ahead_spawn(a)) != 0) {
			if (pid > 0 || !clone3_missing(errno))
				return (pid_t)pid;
		}
		memset(&ca, 0, sizeof(ca));
		if (a->ca_cgroup_fd >= 0) {
			ca.flags = CLONE_INTO_CGROUP;
			ca.cgroup = (uint64_t)a->ca_cgroup_fd;
		}
		if (shared) {
			ca.flags |= CLONE_VM | CLONE_VFORK;
			if (slots_reserve() && (used = slots_fill(0, &b)) >= 0) {
				ca.flags |= CLONE_FILES;
				b.ca_unshare = slot_bound;
				b.ca_set = 0;
			}
		}
		ca.exit_signal = SIGCHLD;
		pid = clone3_call(&ca, &b);
		saved = errno;
		if (used >= 0) {
			slots_free(0, used);
			*a->ca_sp = keep;	/* its numbers, not the slots' */
		}
		if (pid > 0) {
			if (shared)
				stack_forget_child();
			return (pid_t)pid;
		}
		errno = saved;
		if (!clone3_missing(errno))
			return -1;
		log_debug("clone3: %s; forking (vfork)%s", strerror(errno),
		    a->ca_cgroup_fd >= 0 ? ", the child joining its cgroup" :
		    "");
		no_clone3 = true;
	}
	return vfork_child(a, a->ca_cgroup_fd >= 0);
}

/*
 * Forks and execs one process of pg in its own process group (and, with
 * cgroup_fd >= 0, in the cgroup whose directory that is).  Returns the
 * pid (also its pgid), with *error_fd the non-blocking read end of the
 * exec-error pipe; or -1 with errno set when nothing was started.  The
 * child may still be setting up when this returns.
 */
pid_t
spawn_process(const struct program_config *pg, const struct proc_config *pc,
    int cgroup_fd, const int stdio[3], const struct spawn_extra *sx,
    int *error_fd)
{
	struct spawn_plan sp = { 0 };
	struct child_args a;
	uint64_t all = ~(uint64_t)0, old = 0;
	int pipefd[2], saved;
	long maxfd;
	pid_t pid;

	sp.sp_fd = sx != NULL ? sx->sx_fd : -1;
	sp.sp_fd_target = sx != NULL ? sx->sx_fd_target : -1;
	if (plan_settings(&sp, pg, pc, sx != NULL && sx->sx_argv != NULL ?
	    sx->sx_argv : pc->pcf_argv) == -1 ||
	    (sp.sp_envp = build_envp(pg, pc, sx)) == NULL ||
	    (sp.sp_paths = build_paths(sp.sp_argv[0], sp.sp_envp)) == NULL ||
	    (pg->pg_uid >= 0 && user_groups(pg, &sp) == -1)) {
		plan_free(&sp);
		errno = ENOMEM;
		return -1;
	}
	changed_signals(sp.sp_signals, &sp.sp_nsignals);
	memcpy(sp.sp_stdio, stdio, sizeof(sp.sp_stdio));
	maxfd = sysconf(_SC_OPEN_MAX);
	sp.sp_maxfd = (maxfd > 0 && maxfd < 65536) ? (int)maxfd : 65536;
	if (pipe2(pipefd, O_CLOEXEC) == -1) {
		saved = errno;
		plan_free(&sp);
		errno = saved;
		return -1;
	}
	a.ca_sp = &sp;
	a.ca_cgroup_fd = cgroup_fd;
	a.ca_errfd = pipefd[1];
	a.ca_closefd = pipefd[0];
	a.ca_unshare = 0;
	a.ca_set = 0;
	/*
	 * No handler of ours may run in the child: it resets and unblocks.
	 * Every signal, the C library's own 32 and 33 too, which its
	 * sigprocmask leaves out.
	 */
	(void)syscall(SYS_rt_sigprocmask, SIG_SETMASK, &all, &old,
	    sizeof(uint64_t));
	pid = make_child(&a);
	saved = errno;
	(void)syscall(SYS_rt_sigprocmask, SIG_SETMASK, &old, NULL,
	    sizeof(uint64_t));
	if (pid == -1) {
		close(pipefd[0]);
		close(pipefd[1]);
		plan_free(&sp);
		errno = saved;
		return -1;
	}
	/*
	 * No setpgid from here, as before sessions: a child already in a
	 * group of its own could no longer make its session.  Before its
	 * setsid it is in its cgroup already (the only children not waited
	 * for are made with a cgroup), where a stop finds it.
	 */
	close(pipefd[1]);
	if (fcntl(pipefd[0], F_SETFL, O_NONBLOCK) == -1)
		log_warn("%s: exec pipe O_NONBLOCK", pc->pcf_name);
	plan_free(&sp);			/* emptied if made in the background */
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
	case SPAWN_STAGE_SETSID:
		return "setsid";
	case SPAWN_STAGE_STDIN:
		return "set up stdin";
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
