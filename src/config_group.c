/*
 * config_group.c: [group:NAME] programs=a,b priority=N.  Runs once every
 * [program:x] is loaded: each listed program takes the group's name and
 * priority; the others keep their own name as their group.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config_group.h"
#include "config_value.h"
#include "parse.h"
#include "strmap.h"

static const struct key_def group_keys[] = {
	{ "programs", KEY_STRING, 0, 0, 0 },
	{ "priority", KEY_INT, 0, INT_MIN, INT_MAX },
};

static struct program_config *
program_named(struct config *cf, const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < cf->cf_nprograms; i++)
		if (strlen(cf->cf_programs[i]->pg_name) == len &&
		    strncmp(cf->cf_programs[i]->pg_name, name, len) == 0)
			return cf->cf_programs[i];
	return NULL;
}

/* One [group:x]: its members get its name; false after an error. */
static bool
group_load(struct loader *ld, struct config *cf, const struct raw_section *rs,
    struct strmap *taken)
{
	const char *gname = rs->rs_name + 6, *w, *programs = NULL;
	const struct raw_entry *re, *programs_re = NULL;
	const struct key_def *kd;
	struct program_config *pg;
	struct program_vars pv;
	char *value, q[80];
	long priority = 999;
	size_t i, len;
	int line = rs->rs_line;
	bool ok = true;

	if (*gname == '\0' || strpbrk(gname, ": \t") != NULL) {
		config_msg(ld, true, rs->rs_line, "[%s]: a group name is not "
		    "empty and has no colon or blank", rs->rs_name);
		return false;
	}
	config_vars_init(&pv, ld, gname, 1, 0);
	value = NULL;
	for (i = 0; i < rs->rs_count; i++) {
		re = &rs->rs_entries[i];
		config_use_entry(ld, re, &pv);
		kd = config_key_usable(ld, group_keys, NKEYS(group_keys), rs,
		    re);
		if (kd == NULL)
			continue;
		if (strcmp(kd->kd_name, "priority") == 0) {
			if (parse_int(re->re_value, INT_MIN, INT_MAX,
			    &priority) == -1) {
				config_msg(ld, true, re->re_line, "priority: %s "
				    "is not an integer", config_quoted(
				    re->re_value, q, sizeof(q)));
				ok = false;
			}
			continue;
		}
		programs_re = re;
	}
	if (programs_re == NULL) {
		config_msg(ld, true, rs->rs_line, "[%s]: programs= is required "
		    "(the names of its [program:x] sections, comma-separated)",
		    rs->rs_name);
		return false;
	}
	config_use_entry(ld, programs_re, &pv);
	line = programs_re->re_line;
	if ((value = config_expand(ld, "programs", line, programs_re->re_value,
	    &pv)) == NULL)
		return false;
	programs = value;
	for (w = programs; *w != '\0'; w += len) {
		w += strspn(w, ", \t");
		len = strcspn(w, ", \t");
		if (len == 0)
			break;
		if ((pg = program_named(cf, w, len)) == NULL) {
			config_msg(ld, true, line, "programs: no [program:%.*s] "
			    "for [%s]", (int)len, w, rs->rs_name);
			ok = false;
			continue;
		}
		if (strcmp(pg->pg_group, pg->pg_name) != 0) {
			config_msg(ld, true, line, "programs: [program:%s] is "
			    "already in [group:%s]; a program has one group",
			    pg->pg_name, pg->pg_group);
			ok = false;
			continue;
		}
		if (pg->pg_group != pg->pg_name)
			free(pg->pg_group);
		if ((pg->pg_group = strdup(gname)) == NULL ||
		    (pg->pg_group_members = strdup(programs)) == NULL) {
			ld->ld_nomem = true;
			break;
		}
		pg->pg_group_priority = (int)priority;
	}
	free(value);
	if (strmap_put(taken, gname, &ld->ld_sections[rs - ld->ld_sections])
	    == -1)
		ld->ld_nomem = true;
	return ok;
}

bool
config_groups_load(struct loader *ld, struct config *cf)
{
	const struct raw_section *rs;
	struct program_config *pg;
	struct strmap taken;		/* group names of [group:x] sections */
	bool ok = true;
	size_t i;

	strmap_init(&taken);
	for (i = 0; i < cf->cf_nprograms && !ld->ld_nomem; i++) {
		pg = cf->cf_programs[i];
		pg->pg_group = pg->pg_name;	/* its own group, its name */
		pg->pg_group_priority = pg->pg_priority;
	}
	for (i = 0; i < ld->ld_nsections && !ld->ld_nomem; i++) {
		rs = &ld->ld_sections[i];
		if (strncmp(rs->rs_name, "group:", 6) != 0)
			continue;
		config_use_file(ld, rs->rs_file);
		if (!group_load(ld, cf, rs, &taken))
			ok = false;
	}
	/* A group's name may not be that of a program in no group: one name
	 * would mean two groups. */
	for (i = 0; i < cf->cf_nprograms && ok && !ld->ld_nomem; i++) {
		pg = cf->cf_programs[i];
		if (strcmp(pg->pg_group, pg->pg_name) != 0 ||
		    (rs = strmap_get(&taken, pg->pg_name)) == NULL)
			continue;
		config_use_file(ld, rs->rs_file);
		config_msg(ld, true, rs->rs_line, "[%s]: [program:%s] is in no "
		    "group, so it is a group of that name already", rs->rs_name,
		    pg->pg_name);
		ok = false;
	}
	strmap_free(&taken);
	config_use_file(ld, 0);
	return ok && !ld->ld_nomem;
}
