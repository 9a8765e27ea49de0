/*
 * config_diff.c: what differs between two configurations, for a reload:
 * whether a process would run exactly as it does now, and which of the
 * supervisor's own settings changed that only a restart applies.
 */
#include <stdbool.h>
#include <string.h>

#include "config_diff.h"
#include "strmap.h"
#include "strv.h"

/* True when both logs write the same way to the same place. */
bool
config_log_same(const struct log_config *a, const struct log_config *b)
{
	return a->lc_dest == b->lc_dest && str_same(a->lc_path, b->lc_path) &&
	    a->lc_maxbytes == b->lc_maxbytes &&
	    a->lc_backups == b->lc_backups && a->lc_uid == b->lc_uid &&
	    a->lc_gid == b->lc_gid && a->lc_fd == b->lc_fd;
}

/*
 * True when process pa of program a runs exactly as pb of b would: a
 * reload leaves it alone.
 */
bool
config_process_same(const struct program_config *a,
    const struct proc_config *pa, const struct program_config *b,
    const struct proc_config *pb)
{
	/* A group whose members or priority change restarts whole, as
	 * supervisord's update removes and adds it. */
	return strcmp(a->pg_name, b->pg_name) == 0 &&
	    strcmp(a->pg_settings, b->pg_settings) == 0 &&
	    str_same(a->pg_group, b->pg_group) &&
	    a->pg_group_priority == b->pg_group_priority &&
	    str_same(a->pg_group_members, b->pg_group_members) &&
	    strcmp(pa->pcf_name, pb->pcf_name) == 0 &&
	    pa->pcf_num == pb->pcf_num &&
	    strv_equal(pa->pcf_argv, pb->pcf_argv) &&
	    str_same(pa->pcf_directory, pb->pcf_directory) &&
	    strv_equal(pa->pcf_env, pb->pcf_env) &&
	    config_log_same(&pa->pcf_log[OUT_STDOUT],
	    &pb->pcf_log[OUT_STDOUT]) &&
	    config_log_same(&pa->pcf_log[OUT_STDERR],
	    &pb->pcf_log[OUT_STDERR]);
}

void
config_finder_init(struct program_finder *pf, const struct config *cf)
{
	pf->pf_config = cf;
	strmap_init(&pf->pf_names);
	pf->pf_mapped = false;
}

/* The program named name, looked for at place at first; NULL when there
 * is none (or the table could not be made: out of memory). */
const struct program_config *
config_finder_get(struct program_finder *pf, size_t at, const char *name)
{
	const struct config *cf = pf->pf_config;
	size_t i;

	if (at < cf->cf_nprograms &&
	    strcmp(cf->cf_programs[at]->pg_name, name) == 0)
		return cf->cf_programs[at];
	if (!pf->pf_mapped) {
		pf->pf_mapped = true;
		if (strmap_reserve(&pf->pf_names, cf->cf_nprograms) == -1)
			return NULL;
		for (i = 0; i < cf->cf_nprograms; i++)
			if (strmap_put(&pf->pf_names, cf->cf_programs[i]->pg_name,
			    cf->cf_programs[i]) == -1)
				return NULL;
	}
	return strmap_get(&pf->pf_names, name);
}

void
config_finder_free(struct program_finder *pf)
{
	strmap_free(&pf->pf_names);
}

/*
 * Sets each process of cf that runs exactly as the process of the same
 * name in before to point at it (pcf_was): a reload of 10,000 programs
 * compares them where cf is loaded, off the loop, and the loop then
 * compares pointers.  before is only read.  A process the old program
 * has none at the same place for (numprocs grew) points at nothing.
 * When cf has the same programs in the same groups, cf_groups_as says
 * so (events.c then has no group to add or remove).
 */
void
config_mark_same(struct config *cf, const struct config *before)
{
	const struct program_config *old;
	struct program_config *pg;
	struct program_finder pf;
	bool same_groups;
	size_t i;
	int j;

	if (before == NULL)
		return;
	/* The same programs (names are unique) in the same groups. */
	same_groups = cf->cf_nprograms == before->cf_nprograms;
	config_finder_init(&pf, before);
	for (i = 0; i < cf->cf_nprograms; i++) {
		pg = cf->cf_programs[i];
		if ((old = config_finder_get(&pf, i, pg->pg_name)) == NULL) {
			same_groups = false;
			continue;
		}
		if (!str_same(old->pg_group, pg->pg_group) ||
		    old->pg_group_priority != pg->pg_group_priority)
			same_groups = false;
		for (j = 0; j < pg->pg_numprocs && j < old->pg_numprocs; j++)
			if (config_process_same(old, &old->pg_procs[j], pg,
			    &pg->pg_procs[j]))
				pg->pg_procs[j].pcf_was = &old->pg_procs[j];
	}
	if (same_groups)
		cf->cf_groups_as = before->cf_serial;
	config_finder_free(&pf);
}

/*
 * The supervisor's own settings that differ between a and b and that a
 * running supervisor cannot take up (its log file, the guardian's parent
 * watch, the socket it listens on): their names, at most max of them.
 * loglevel, control_timeout and watch_config are applied by a reload.
 */
static void
note_change(const char **keys, size_t *n, size_t max, bool changed,
    const char *name)
{
	if (changed && *n < max)
		keys[(*n)++] = name;
}

size_t
config_daemon_changes(const struct config *a, const struct config *b,
    const char **keys, size_t max)
{
	size_t n = 0;

	note_change(keys, &n, max, !config_log_same(&a->cf_log, &b->cf_log),
	    "[supervisor] logfile");
	note_change(keys, &n, max, a->cf_minfds != b->cf_minfds,
	    "[supervisor] minfds");
	note_change(keys, &n, max, a->cf_minprocs != b->cf_minprocs,
	    "[supervisor] minprocs");
	note_change(keys, &n, max, !str_same(a->cf_pidfile, b->cf_pidfile),
	    "[supervisor] pidfile");
	note_change(keys, &n, max, a->cf_nodaemon != b->cf_nodaemon,
	    "[supervisor] nodaemon");
	note_change(keys, &n, max,
	    a->cf_exit_with_parent != b->cf_exit_with_parent,
	    "[supervisor] exit_with_parent");
	note_change(keys, &n, max,
	    a->cf_parent_poll_interval != b->cf_parent_poll_interval,
	    "[supervisor] parent_poll_interval");
	note_change(keys, &n, max, !str_same(a->cf_socket, b->cf_socket) ||
	    a->cf_socket_off != b->cf_socket_off, "the control socket's path");
	note_change(keys, &n, max, a->cf_uid != b->cf_uid,
	    "[supervisor] user");
	note_change(keys, &n, max, !str_same(a->cf_directory, b->cf_directory),
	    "[supervisor] directory");
	note_change(keys, &n, max, a->cf_umask != b->cf_umask,
	    "[supervisor] umask");
	note_change(keys, &n, max, a->cf_silent != b->cf_silent,
	    "[supervisor] silent");
	note_change(keys, &n, max, a->cf_socket_mode != b->cf_socket_mode,
	    "[unix_http_server] chmod");
	note_change(keys, &n, max, a->cf_socket_uid != b->cf_socket_uid ||
	    a->cf_socket_gid != b->cf_socket_gid, "[unix_http_server] chown");
	note_change(keys, &n, max, a->cf_inet != b->cf_inet ||
	    !str_same(a->cf_inet_host, b->cf_inet_host) ||
	    !str_same(a->cf_inet_port, b->cf_inet_port),
	    "[inet_http_server] port");
	return n;
}
