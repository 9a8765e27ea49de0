/*
 * config_types.h: the validated configuration, as config_load() returns
 * it and every other module reads it: the supervisor's settings, each
 * program's and each of its processes' (values expanded).
 */
#ifndef SUPERVISOR_CONFIG_TYPES_H
#define SUPERVISOR_CONFIG_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "eventtype.h"
#include "log.h"
#include "logfile.h"

enum autorestart {
	AUTORESTART_FALSE,
	AUTORESTART_UNEXPECTED,
	AUTORESTART_TRUE,
};

/* When a program's exit takes the whole supervisor down. */
enum shutdown_on_exit {
	SHUTDOWN_NEVER,
	SHUTDOWN_ANY_EXIT,	/* true: any exit it makes on its own */
	SHUTDOWN_UNEXPECTED,	/* an exit status not in exitcodes, a signal */
	SHUTDOWN_FATAL,		/* it gave up retrying */
};

/* Output streams of a process, as indexes of pcf_log. */
#define OUT_STDOUT	0
#define OUT_STDERR	1

/* One process of a program, with every %(...) expanded for its number. */
struct proc_config {
	char	 *pcf_name;		/* process name, unique in the config
					   (its program's pg_name itself when
					   the same) */
	int	  pcf_num;		/* its %(process_num)d */
	char	**pcf_argv;		/* command, split */
	char	 *pcf_directory;	/* chdir before exec, NULL to inherit */
	char	**pcf_env;		/* "KEY=value" from environment= */
	struct log_config pcf_log[2];	/* OUT_STDOUT, OUT_STDERR */
	bool	  pcf_stderr_joined;	/* stderr into stdout's pipe and log
					   (redirect_stderr, or one file) */
	bool	  pcf_tapped[2];	/* its output makes events (PROCESS_LOG,
					   PROCESS_COMMUNICATION), or a
					   ready = log: reads it */
	/* The process of the config this one was compared with as it was
	 * loaded (config_mark_same) that runs exactly as this one, else
	 * NULL: compared by a reload, never followed. */
	const struct proc_config *pcf_was;
};

/* What a probe asks of a process (ready=, healthcheck=). */
enum probe_kind {
	PROBE_NONE,		/* ready: startsecs, as supervisord */
	PROBE_NOTIFY,		/* READY=1 on NOTIFY_SOCKET */
	PROBE_FD,		/* a newline written to descriptor N */
	PROBE_TCP,		/* a connect to HOST:PORT succeeds */
	PROBE_UNIX,		/* a connect to a stream socket succeeds */
	PROBE_HTTP,		/* a GET answers 2xx or 3xx */
	PROBE_EXEC,		/* a command exits 0 */
	PROBE_LOG,		/* a line of its output matches a regex */
};

struct probe_config {
	enum probe_kind	 pb_kind;
	char		*pb_spec;	/* as written, for messages */
	char		*pb_host;	/* tcp, http: a name or an address */
	char		*pb_port;	/* tcp, http: a port number */
	char		*pb_path;	/* unix: the socket; http: the path */
	char		*pb_command;	/* exec: run by /bin/sh -c */
	char		*pb_regex;	/* log: a POSIX extended regex */
	int		 pb_fd;		/* fd: the program's descriptor */
};

/* What depends_on asks of another program. */
enum dep_condition {
	DEP_READY,		/* RUNNING (ready, when it has ready=) */
	DEP_STARTED,		/* spawned: STARTING or later */
	DEP_COMPLETED,		/* EXITED with an expected exit code */
};

struct dependency {
	char		  *dp_name;	/* a program's name */
	enum dep_condition dp_cond;
};

/* Resource limits a program can set, as indexes of pg_rlimit. */
enum program_rlimit {
	PG_RLIMIT_NOFILE,	/* rlimit_nofile */
	PG_RLIMIT_NPROC,	/* rlimit_nproc */
	PG_RLIMIT_CORE,		/* rlimit_core */
	PG_RLIMIT_AS,		/* rlimit_as */
	PG_RLIMITS
};
#define RLIMIT_INHERIT		(-1LL)		/* pg_rlimit: not set */
#define RLIMIT_UNLIMITED	(-2LL)		/* pg_rlimit: unlimited */

/* buffer_size's cap: a pool's queue is bounded memory. */
#define LISTENER_BUFFER_MAX	10000
/* stdout_capture_maxbytes's: what one PROCESS_COMMUNICATION event holds. */
#define CAPTURE_MAX		(1024 * 1024)

/* A set of exit statuses, 0-255: a bit each (not a byte: 10,000 programs
 * have one each). */
struct exit_set {
	uint64_t	es_bits[4];
};

static inline bool
exit_set_has(const struct exit_set *s, int status)
{
	return status >= 0 && status < 256 &&
	    ((s->es_bits[status >> 6] >> (status & 63)) & 1) != 0;
}

static inline void
exit_set_add(struct exit_set *s, int status)
{
	if (status >= 0 && status < 256)
		s->es_bits[status >> 6] |= (uint64_t)1 << (status & 63);
}

/*
 * ready=, healthcheck= and what goes with them: most programs have none,
 * and share program_probes_default.
 */
struct program_probes {
	struct probe_config pp_ready;	/* ready=; PROBE_NONE: startsecs */
	double		  pp_ready_timeout; /* a start not ready by then
					   failed; 0: never */
	double		  pp_ready_interval; /* probes back off to this */
	struct probe_config pp_health;	/* healthcheck=; PROBE_NONE: none */
	double		  pp_health_interval;
	double		  pp_health_timeout; /* one probe's bound */
	double		  pp_watchdog;	/* watchdog_sec; 0: none */
	int		  pp_health_retries; /* failures in a row: restart */
};

extern const struct program_probes program_probes_default;

/*
 * A [program:NAME] section.  Ten thousand programs keep ten thousand of
 * these: the members go by size, without holes.
 */
struct program_config {
	char		 *pg_name;	/* NAME */
	const char	 *pg_file;	/* file of the section header */
	size_t		  pg_fileno;	/* its index in cf_files */
	struct exit_set	  pg_exitcodes;	/* the expected exit statuses */
	double		  pg_startsecs;
	double		  pg_backoff_max; /* cap of the growing retry delay */
	double		  pg_runtime_limit; /* 0: none; else stop after this */
	double		  pg_stopwaitsecs;
	char		 *pg_user;	/* user=: its name; NULL: ours */
	long		  pg_uid;	/* -1: the supervisor's */
	long		  pg_gid;	/* that user's primary group */
	char		 *pg_home;	/* that user's home directory */
	long long	  pg_rlimit[PG_RLIMITS]; /* soft = hard limit, or
					   RLIMIT_INHERIT, RLIMIT_UNLIMITED */
	long long	  pg_log_maxbytes[2];	/* OUT_STDOUT, OUT_STDERR */
	long long	  pg_capture_maxbytes[2]; /* stdout_capture_maxbytes,
					   stderr_...: 0: no capture mode */
	const struct program_probes *pg_probes; /* never NULL */
	uint64_t	  pg_source;	/* its section and what that reads
					   besides (config_program.c), hashed;
					   0: to be read again each time */
	uint64_t	  pg_span;	/* its section's text (inifile.h), and */
	uint64_t	  pg_span_around; /* ... what it reads besides: its
					   file, group and the context; 0:
					   its text is to be read again */
	struct dependency *pg_depends;	/* depends_on=, in its order */
	size_t		  pg_ndepends;
	struct proc_config *pg_procs;	/* pg_numprocs of them */
	char		 *pg_settings;	/* its other keys as written, sorted */
	char		 *pg_group;	/* its [group:x] name, or pg_name itself:
					   a program in no group is its own */
	char		 *pg_group_members; /* its programs= as written; NULL:
					   in no group */
	int		  pg_line;	/* its line */
	unsigned	  pg_expanded;	/* bytes its values expanded to */
	int		  pg_numprocs;
	int		  pg_numprocs_start;
	int		  pg_umask;	/* -1: inherit the supervisor's */
	enum autorestart  pg_autorestart;
	int		  pg_startretries;
	enum shutdown_on_exit pg_shutdown_on_exit;
	int		  pg_stopsignal;
	int		  pg_priority;
	int		  pg_nice;	/* nice=, when pg_nice_set */
	int		  pg_log_backups[2];
	int		  pg_depends_line; /* its line, for messages */
	int		  pg_depends_level; /* 0 without dependencies, else one
					   more than its deepest one's */
	/* [eventlistener:NAME]: its stdin and stdout are the protocol. */
	event_mask	  pg_events;	/* events=, parents expanded */
	int		  pg_buffer_size; /* events its pool queues */
	int		  pg_group_priority; /* that group's priority= */
	bool		  pg_listener;
	bool		  pg_autostart;
	bool		  pg_stopasgroup; /* accepted; groups are always used */
	bool		  pg_killasgroup;
	bool		  pg_redirect_stderr; /* stderr into stdout's pipe */
	bool		  pg_inherit_env; /* run as another user, it still gets
					   all of the supervisor's environment */
	bool		  pg_nice_set;
	bool		  pg_depends_restart; /* restarted with a dependency */
	bool		  pg_restarts_dependents; /* some program depends on
					   it with depends_restart */
	bool		  pg_events_enabled[2]; /* stdout_events_enabled,
					   stderr_...: PROCESS_LOG events */
};

/* An [inet_http_server] or [unix_http_server]'s HTTP side. */
struct http_config {
	char		 *hc_username;	/* NULL: no authentication */
	char		 *hc_password;	/* plain, or "{SHA}" and 40 hex */
	bool		  hc_readonly;	/* readonly=: nothing changed through it */
};

/* [supervisorctl]: read by the supervisorctl personality; NULL: unset. */
struct ctl_config {
	char	*cc_serverurl;		/* unix:///PATH or http://HOST:PORT */
	char	*cc_username;
	char	*cc_password;
	char	*cc_prompt;		/* "supervisor" */
	char	*cc_history_file;
};

struct config {
	int		  cf_refs;	/* config_free drops one; 1 when loaded */
	struct config	 *cf_disposed_next; /* in the queue of those a
					   disposer frees (config_free) */
	char		 *cf_file;	/* path it was loaded from */
	char		**cf_files;	/* every file read: cf_file, then includes */
	size_t		  cf_nfiles;
	char		**cf_include_patterns; /* [include] files=, resolved */
	bool		  cf_watch;	/* watch_config: reload on changes */
	struct log_config cf_log;	/* the supervisor's own log */
	char		 *cf_childlogdir; /* where AUTO logs go */
	char		 *cf_pidfile;	/* NULL: none */
	bool		  cf_nodaemon;	/* false: detach; true by default, where
					   supervisord detaches by default */
	int		  cf_minfds;	/* open files programs may have */
	int		  cf_minprocs;	/* processes the user may have */
	int		  cf_max_processes; /* processes the config may have */
	bool		  cf_inherit_env; /* programs' inherit_environment,
					   unless they say */
	bool		  cf_strip_ansi; /* escape sequences out of programs'
					   output */
	enum log_level	  cf_loglevel;
	bool		  cf_exit_with_parent; /* teardown when our parent dies */
	double		  cf_parent_poll_interval; /* its getppid() poll */
	char		 *cf_socket;	/* control socket; NULL: the default */
	bool		  cf_socket_off; /* socket = none: no control socket */
	int		  cf_socket_mode; /* its permission bits (chmod) */
	long		  cf_socket_uid; /* chown user, -1: none */
	long		  cf_socket_gid; /* chown group, -1: none */
	double		  cf_control_timeout; /* drop a silent client after */
	struct http_config cf_unix_http; /* [unix_http_server] credentials */
	bool		  cf_inet;	/* [inet_http_server] is there */
	char		 *cf_inet_host;	/* its port= host; "" or "*": all */
	char		 *cf_inet_port;	/* ... and port, as written */
	struct http_config cf_inet_http; /* its credentials */
	struct ctl_config cf_ctl;	/* [supervisorctl], for the client */
	char		 *cf_user;	/* [supervisor] user: run as it once
					   the config is read; NULL: as is */
	long		  cf_uid;	/* its uid, -1 without user */
	long		  cf_gid;	/* its primary group */
	char		 *cf_directory;	/* chdir here when detached; NULL: / */
	int		  cf_umask;	/* set when detached (022) */
	char		 *cf_identifier; /* in AUTO log names (supervisor) */
	bool		  cf_nocleanup;	/* keep old AUTO logs at start */
	bool		  cf_silent;	/* in the foreground, no copy of the
					   log file's lines on stdout */
	bool		  cf_has_depends; /* some program has depends_on */
	struct program_config **cf_programs; /* in file order */
	size_t		  cf_nprograms;
	char		**cf_settings;	/* the programs' settings strings, one
					   of each text: theirs point here */
	size_t		  cf_nsettings;
	unsigned long	  cf_serial;	/* this load's number, from 1 */
	unsigned long	  cf_groups_as;	/* the serial of a config whose
					   programs have exactly these groups
					   (config_mark_same); 0: unknown */
	size_t		  cf_copied;	/* programs copied from the config it
					   was read after, not read again
					   (config_load_after) */
	size_t		  cf_unread;	/* ... of them, those whose text was
					   the same: their keys not read */
};

/*
 * What the command line says over the config file, on every load (a
 * reload too), as supervisord's options override its config: NULL or
 * -1 where it says nothing.  Values are checked by the caller.
 */
struct config_options {
	bool		 co_nodaemon_default; /* nodaemon when the file has none
					   (false as supervisord) */
	int		 co_nodaemon;	/* -n: 1 */
	int		 co_silent;	/* -s: 1 */
	int		 co_nocleanup;	/* -k: 1 */
	int		 co_strip_ansi;	/* -t: 1 */
	const char	*co_user;	/* -u: checked to exist */
	int		 co_umask;	/* -m */
	const char	*co_directory;	/* -d */
	const char	*co_logfile;	/* -l */
	long long	 co_logfile_maxbytes; /* -y */
	int		 co_logfile_backups; /* -z */
	int		 co_loglevel;	/* -e: an enum log_level */
	const char	*co_pidfile;	/* -j */
	const char	*co_identifier;	/* -i */
	const char	*co_childlogdir; /* -q */
	int		 co_minfds;	/* -a */
	int		 co_minprocs;	/* --minprocs */
};

/* Problems found while loading, in file order. */
struct config_msg {
	bool	 cm_error;		/* false: a warning */
	char	*cm_text;		/* "FILE:LINE: ..." */
	size_t	 cm_file;		/* FILE's place in the reading order */
	int	 cm_line;		/* LINE, to sort by */
	size_t	 cm_seq;		/* order found, to keep sorting stable */
};

struct config_msgs {
	struct config_msg *cm_list;
	size_t		 cm_count;
	size_t		 cm_errors;
};

#endif
