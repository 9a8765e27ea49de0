/*
 * log.h: the supervisor's own messages (not its programs' output).
 * One line per event: timestamp, level, message.
 */
#ifndef SUPERVISOR_LOG_H
#define SUPERVISOR_LOG_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

enum log_level {
	LOG_LEVEL_CRIT,
	LOG_LEVEL_ERROR,
	LOG_LEVEL_WARN,
	LOG_LEVEL_INFO,
	LOG_LEVEL_DEBUG,
	LOG_LEVEL_TRACE,
};

#define PRINTFLIKE(a, b) __attribute__((format(printf, a, b)))

struct ev_loop;

void	log_init(const char *progname);
void	log_start(struct ev_loop *loop);
struct log_config;
int	log_configure(const struct log_config *lc);
void	log_reopen(void);
void	log_share(void);
void	log_tee_stderr(bool on);
void	log_echo_stdout(bool on);
void	log_set_level(enum log_level level);
int	log_level_parse(const char *word, enum log_level *out);
const char *log_level_name(enum log_level level);
void	log_close(void);
void	log_signal_safe(const char *msg, size_t len);

void	log_info(const char *fmt, ...) PRINTFLIKE(1, 2);
void	log_debug(const char *fmt, ...) PRINTFLIKE(1, 2);
/* log_warn appends ": strerror(errno)"; log_warnx does not. */
void	log_warn(const char *fmt, ...) PRINTFLIKE(1, 2);
void	log_warnx(const char *fmt, ...) PRINTFLIKE(1, 2);
void	log_error(const char *fmt, ...) PRINTFLIKE(1, 2);
void	fatal(const char *fmt, ...) PRINTFLIKE(1, 2) __attribute__((noreturn));
void	fatalx(const char *fmt, ...) PRINTFLIKE(1, 2) __attribute__((noreturn));

#endif
