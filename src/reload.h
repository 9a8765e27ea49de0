/*
 * reload.h: live reconfiguration.  reload_run() loads the config file
 * again, compares it with the running one process by process and applies
 * the difference; an invalid file changes nothing.
 */
#ifndef SUPERVISOR_RELOAD_H
#define SUPERVISOR_RELOAD_H

#include <ev.h>

#include <stdbool.h>
#include <stddef.h>

#include "config.h"

/* What a reload did (or, for a dry run, would do) to one name. */
enum reload_what {
	RELOAD_ADDED,		/* a new process; started if autostart */
	RELOAD_REMOVED,		/* gone from the config; its tree stops */
	RELOAD_RESTARTED,	/* changed; stops with its old settings,
				 * starts with the new */
	RELOAD_STARTED,		/* changed while down; started anew */
	RELOAD_KEPT_DOWN,	/* changed while down; stays down */
	RELOAD_NOT_LIVE,	/* a supervisor setting only a restart applies */
};

struct reload_item {
	const char	*ri_name;	/* process name, or a setting's */
	enum reload_what ri_what;
};

struct reload_result {
	struct config_msgs rr_msgs;	/* the new file's errors, warnings */
	const char	*rr_refused;	/* why nothing changed, or NULL */
	char		 rr_why[320];	/* rr_refused, when it has numbers */
	struct config	*rr_config;	/* holds the new names (a reference) */
	struct reload_item *rr_items;	/* file order */
	size_t		 rr_nitems;
	size_t		 rr_count[RELOAD_NOT_LIVE + 1]; /* items by what */
	size_t		 rr_unchanged;
};

void	reload_init(struct ev_loop *loop, struct config *cf);
void	reload_start(const char *why);
struct config *reload_current(void);
void	reload_set_applied(void (*fn)(const struct config *cf));
void	reload_run(const char *why, bool dry_run, struct reload_result *r);
void	reload_run_group(const char *why, const char *group,
	    struct reload_result *r);
void	reload_result_free(struct reload_result *r);
const char *reload_what_text(enum reload_what what, bool dry_run);
void	reload_summary(const struct reload_result *r, bool dry_run,
	    char *buf, size_t len);
void	reload_counts(unsigned long long *applied, unsigned long long *refused);
void	reload_free(void);

#endif
