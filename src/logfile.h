/*
 * logfile.h: one log being written: a file rotated by size, or the
 * supervisor's own stdout, stderr or another descriptor it was started
 * with.  Programs' output (through sink.c) and the supervisor's own log
 * file (log.c) are written through it.
 */
#ifndef SUPERVISOR_LOGFILE_H
#define SUPERVISOR_LOGFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <sys/uio.h>

/* Where a stream of output goes. */
enum log_dest {
	LOG_TO_FILE,		/* a file, rotated by size */
	LOG_TO_NONE,		/* discarded */
	LOG_TO_STDOUT,		/* the supervisor's own stdout; no rotation */
	LOG_TO_STDERR,		/* the supervisor's own stderr; no rotation */
	LOG_TO_SYSLOG,		/* [supervisor] logfile = syslog only */
	LOG_TO_FD,		/* another descriptor the supervisor was
				   started with (/dev/fd/N); no rotation */
};

/* stdout_logfile and its _maxbytes, _backups; or [supervisor] logfile. */
struct log_config {
	char		*lc_path;	/* LOG_TO_FILE: an absolute path */
	long long	 lc_maxbytes;	/* rotate at this size; 0: never */
	long		 lc_uid;	/* the program's user= (-1: root's):
					   whom a path others control is
					   opened as */
	long		 lc_gid;
	enum log_dest	 lc_dest;
	int		 lc_backups;	/* rotated files kept */
	int		 lc_fd;		/* LOG_TO_FD: the descriptor */
	bool		 lc_auto;	/* AUTO: a file in childlogdir */
};

/* supervisord's defaults for every log: rotate at 50MB, keep 10. */
#define LOG_MAXBYTES_DEFAULT	(50LL * 1024 * 1024)
#define LOG_BACKUPS_DEFAULT	10

struct relay;

struct logfile {
	const char	*lf_name;	/* for messages: "web stdout" */
	struct log_config lf_conf;	/* where and how; lc_path is ours */
	char		*lf_path;	/* the file written: lc_path, or for
					   AUTO its name once made */
	int		 lf_fd;		/* -1: not open (NONE, or a fault) */
	bool		 lf_own;	/* the supervisor's log: faults to stderr */
	struct relay	*lf_relay;	/* a descriptor that may block: lf_fd
					   is the relay's pipe, its thread
					   writes the descriptor */
	unsigned long long lf_relay_seen; /* its drops counted so far */
	bool		 lf_send;	/* a socket: send(MSG_DONTWAIT) */
	bool		 lf_regular;	/* a regular file: splice works */
	long long	 lf_size;	/* bytes in the current file */
	unsigned long	 lf_gen;	/* files begun: rotations, reopens */
	unsigned long long lf_written;	/* bytes written, all files */
	unsigned long long lf_lost;	/* bytes that could not be written */
	unsigned long long lf_lost_now;	/* ... since the fault began */
	int		 lf_fault;	/* errno being reported; 0: writing */
	double		 lf_next_check;	/* open retry, removed-file check */
	unsigned long long lf_checked;	/* lf_written at the last check */
};

/* How bad what a log reports is. */
enum logfile_say {
	LOGFILE_SAY_DEBUG,
	LOGFILE_SAY_INFO,
	LOGFILE_SAY_WARN,
};

void	logfile_set_reporter(void (*fn)(enum logfile_say, const char *,
	    bool own));
void	logfile_note_inherited(void);
bool	logfile_fd_given(int fd);
void	logfile_init(struct logfile *lf, const char *name, bool own);
int	logfile_configure(struct logfile *lf, const struct log_config *lc);
void	logfile_reopen(struct logfile *lf);
void	logfile_close(struct logfile *lf);
size_t	logfile_write(struct logfile *lf, const char *buf, size_t n);
size_t	logfile_writev(struct logfile *lf, const struct iovec *iov, int iovcnt,
	    size_t *lost);
int	logfile_last_byte(struct logfile *lf);
void	logfile_unwritten(struct logfile *lf, unsigned long long n);
size_t	logfile_finish(struct logfile *lf, double deadline);
ssize_t	logfile_splice(struct logfile *lf, int from, size_t max);
bool	logfile_discards(const struct logfile *lf);
char	*logfile_backup_name(const struct logfile *lf, unsigned long k);

#endif
