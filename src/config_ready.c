/*
 * config_ready.c: a program's readiness, health and dependencies as the
 * config says them: ready= and healthcheck= parsed into a probe, and
 * depends_on= into edges; then, across programs, the graph checked
 * (unknown names, a program on itself, cycles named whole) and each
 * program's depth in it, which orders the table.
 */
#include <arpa/inet.h>
#include <limits.h>
#include <regex.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "config_ready.h"
#include "parse.h"
#include "strmap.h"

void
config_probe_free(struct probe_config *pb)
{
	free(pb->pb_spec);
	free(pb->pb_host);
	free(pb->pb_port);
	free(pb->pb_path);
	free(pb->pb_command);
	free(pb->pb_regex);
	memset(pb, 0, sizeof(*pb));
}

void
config_depends_free(struct program_config *pg)
{
	size_t i;

	for (i = 0; i < pg->pg_ndepends; i++)
		free(pg->pg_depends[i].dp_name);
	free(pg->pg_depends);
	pg->pg_depends = NULL;
	pg->pg_ndepends = 0;
}

/* "PORT": 1 to 65535, digits only. */
static bool
valid_port(const char *s)
{
	long n;

	return parse_int(s, 1, 65535, &n) == 0;
}

/* HOST:PORT, HOST may be [v6]; the pieces go into pb. */
static const char *
split_host_port(const char *s, struct probe_config *pb, bool port_optional)
{
	const char *colon, *host_end;
	struct in6_addr a6;
	struct in_addr a4;
	size_t hlen;

	if (s[0] == '[') {
		if ((host_end = strchr(s, ']')) == NULL)
			return "an IPv6 address in [ ] lacks its ]";
		colon = host_end[1] == ':' ? host_end + 1 : NULL;
		if (host_end[1] != ':' && host_end[1] != '\0')
			return "expected :PORT after ]";
		s++;
		hlen = (size_t)(host_end - s);
	} else {
		colon = strrchr(s, ':');
		hlen = colon != NULL ? (size_t)(colon - s) : strlen(s);
	}
	if (hlen == 0)
		return "no host";
	if (colon == NULL && !port_optional)
		return "no port (HOST:PORT)";
	if (colon != NULL && !valid_port(colon + 1))
		return "the port must be a number from 1 to 65535";
	pb->pb_host = strndup(s, hlen);
	pb->pb_port = strdup(colon != NULL ? colon + 1 : "80");
	if (pb->pb_host == NULL || pb->pb_port == NULL)
		return "out of memory";
	/* A name would be looked up with calls that block the loop. */
	if (strcmp(pb->pb_host, "localhost") != 0 &&
	    !inet_pton(AF_INET, pb->pb_host, &a4) &&
	    !inet_pton(AF_INET6, pb->pb_host, &a6))
		return "the host must be an IP address or localhost (a name "
		    "lookup would hold up the supervisor; probe names with "
		    "exec:)";
	return NULL;
}

/* http://HOST[:PORT][/PATH] */
static const char *
parse_http(const char *rest, struct probe_config *pb)
{
	const char *slash = strchr(rest, '/'), *why;
	char *hostport;
	size_t i;

	hostport = slash != NULL ? strndup(rest, (size_t)(slash - rest)) :
	    strdup(rest);
	if (hostport == NULL)
		return "out of memory";
	why = split_host_port(hostport, pb, true);
	free(hostport);
	if (why != NULL)
		return why;
	if ((pb->pb_path = strdup(slash != NULL ? slash : "/")) == NULL)
		return "out of memory";
	/* The path goes into the request line as it is. */
	for (i = 0; pb->pb_path[i] != '\0'; i++)
		if ((unsigned char)pb->pb_path[i] <= ' ' ||
		    pb->pb_path[i] == 0x7f)
			return "the path has a blank or a control character";
	if (strlen(pb->pb_path) > 1024)
		return "the path is longer than 1024 bytes";
	return NULL;
}

/* One probe's text; NULL when good, else why not. */
static const char *
parse_probe(const char *v, struct probe_config *pb, bool health)
{
	regex_t re;
	char errbuf[128];
	static char why[192];
	long n;
	int rc;

	if (strcmp(v, "notify") == 0) {
		if (health)
			return "notify is a readiness; a notify program's "
			    "liveness is watchdog_sec";
		pb->pb_kind = PROBE_NOTIFY;
		return NULL;
	}
	if (strncmp(v, "fd:", 3) == 0) {
		if (health)
			return "fd:N is a readiness, not a health check";
		if (parse_int(v + 3, 3, 1023, &n) == -1)
			return "fd:N takes a descriptor from 3 to 1023 (0, 1 "
			    "and 2 are its standard ones)";
		pb->pb_kind = PROBE_FD;
		pb->pb_fd = (int)n;
		return NULL;
	}
	if (strncmp(v, "tcp:", 4) == 0) {
		pb->pb_kind = PROBE_TCP;
		return split_host_port(v + 4, pb, false);
	}
	if (strncmp(v, "unix:", 5) == 0) {
		pb->pb_kind = PROBE_UNIX;
		if (v[5] != '/')
			return "unix:PATH takes an absolute path";
		if (strlen(v + 5) >= sizeof(((struct sockaddr_un *)0)->sun_path))
			return "the socket's path is too long";
		pb->pb_path = strdup(v + 5);
		return pb->pb_path == NULL ? "out of memory" : NULL;
	}
	if (strncmp(v, "http://", 7) == 0) {
		pb->pb_kind = PROBE_HTTP;
		return parse_http(v + 7, pb);
	}
	if (strncmp(v, "https://", 8) == 0)
		return "https is not probed (no TLS in the supervisor); probe "
		    "its port with tcp:HOST:PORT or run a client with exec:";
	if (strncmp(v, "exec:", 5) == 0) {
		pb->pb_kind = PROBE_EXEC;
		if (v[5 + strspn(v + 5, " \t")] == '\0')
			return "exec: needs a command";
		pb->pb_command = strdup(v + 5);
		return pb->pb_command == NULL ? "out of memory" : NULL;
	}
	if (strncmp(v, "log:", 4) == 0) {
		if (health)
			return "log:REGEX is a readiness, not a health check";
		pb->pb_kind = PROBE_LOG;
		if (v[4] == '\0')
			return "log: needs a regular expression";
		if ((rc = regcomp(&re, v + 4, REG_EXTENDED | REG_NOSUB)) != 0) {
			regerror(rc, &re, errbuf, sizeof(errbuf));
			snprintf(why, sizeof(why), "bad regular expression: %s",
			    errbuf);
			return why;
		}
		regfree(&re);
		pb->pb_regex = strdup(v + 4);
		return pb->pb_regex == NULL ? "out of memory" : NULL;
	}
	return health ? "expected tcp:HOST:PORT, unix:PATH, http://HOST[:PORT]"
	    "/PATH or exec:COMMAND" : "expected notify, fd:N, tcp:HOST:PORT, "
	    "unix:PATH, http://HOST[:PORT]/PATH, exec:COMMAND or log:REGEX";
}

bool
config_probe_parse(struct loader *ld, const char *key, int line,
    const char *value, struct probe_config *pb, bool health)
{
	const char *why;

	config_probe_free(pb);
	if ((pb->pb_spec = strdup(value)) == NULL) {
		ld->ld_nomem = true;
		return false;
	}
	if ((why = parse_probe(value, pb, health)) == NULL)
		return true;
	config_msg(ld, true, line, "%s: \"%s\": %s", key, value, why);
	config_probe_free(pb);
	return false;
}

static bool
parse_condition(const char *word, enum dep_condition *cond)
{
	/* Ours, then process-compose's words for the same. */
	if (strcmp(word, "ready") == 0 || strcmp(word, "healthy") == 0 ||
	    strcmp(word, "process_healthy") == 0)
		*cond = DEP_READY;
	else if (strcmp(word, "started") == 0 ||
	    strcmp(word, "process_started") == 0)
		*cond = DEP_STARTED;
	else if (strcmp(word, "completed") == 0 ||
	    strcmp(word, "process_completed_successfully") == 0)
		*cond = DEP_COMPLETED;
	else
		return false;
	return true;
}

const char *
config_condition_name(enum dep_condition cond)
{
	switch (cond) {
	case DEP_READY:
		return "ready";
	case DEP_STARTED:
		return "started";
	case DEP_COMPLETED:
		return "completed";
	}
	return "?";
}

/* "a, b:started, c:completed" */
bool
config_depends_parse(struct loader *ld, int line, const char *value,
    struct program_config *pg)
{
	char *copy, *word, *save = NULL, *colon, *end;
	struct dependency *nl;
	enum dep_condition cond;
	bool ok = true;
	size_t i;

	config_depends_free(pg);
	pg->pg_depends_line = line;
	if ((copy = strdup(value)) == NULL) {
		ld->ld_nomem = true;
		return false;
	}
	for (word = strtok_r(copy, ",", &save); word != NULL;
	    word = strtok_r(NULL, ",", &save)) {
		word += strspn(word, " \t");
		end = word + strlen(word);
		while (end > word && (end[-1] == ' ' || end[-1] == '\t'))
			*--end = '\0';
		if (*word == '\0')
			continue;
		cond = DEP_READY;
		if ((colon = strchr(word, ':')) != NULL) {
			*colon = '\0';
			if (!parse_condition(colon + 1, &cond)) {
				config_msg(ld, true, line, "depends_on: \"%s\": "
				    "the condition must be ready, started or "
				    "completed", colon + 1);
				ok = false;
				continue;
			}
		}
		for (i = 0; i < pg->pg_ndepends; i++)
			if (strcmp(pg->pg_depends[i].dp_name, word) == 0)
				break;
		if (i < pg->pg_ndepends) {
			config_msg(ld, true, line, "depends_on: %s is named "
			    "twice", word);
			ok = false;
			continue;
		}
		if (pg->pg_ndepends >= CONFIG_DEPENDS_MAX) {
			config_msg(ld, true, line, "depends_on: more than %d "
			    "dependencies", CONFIG_DEPENDS_MAX);
			ok = false;
			break;
		}
		nl = realloc(pg->pg_depends, (pg->pg_ndepends + 1) *
		    sizeof(*nl));
		if (nl == NULL || (word = strdup(word)) == NULL) {
			if (nl != NULL)
				pg->pg_depends = nl;
			ld->ld_nomem = true;
			ok = false;
			break;
		}
		pg->pg_depends = nl;
		nl[pg->pg_ndepends].dp_name = word;
		nl[pg->pg_ndepends++].dp_cond = cond;
	}
	free(copy);
	return ok;
}

/* ---- the graph ---------------------------------------------------------- */

enum mark { UNSEEN, ON_PATH, DONE };

struct walk {
	struct loader		 *w_ld;
	struct config		 *w_cf;
	struct strmap		  w_by_name;	/* program name -> index + 1 */
	enum mark		 *w_mark;
	size_t			 *w_path;	/* the programs on the path */
	size_t			  w_depth;
	bool			  w_ok;
};

static size_t
program_index(struct walk *w, const char *name)
{
	return (size_t)(uintptr_t)strmap_get(&w->w_by_name, name);
}

/* The cycle that closes at program `at` (the first of it the walk met),
 * said at its depends_on line, once. */
static void
say_cycle(struct walk *w, size_t at)
{
	const struct program_config *first = w->w_cf->cf_programs[at];
	char text[768];
	size_t i, from, n = 0;

	for (from = 0; from < w->w_depth && w->w_path[from] != at; from++)
		;
	text[0] = '\0';
	for (i = from; i < w->w_depth && n < sizeof(text); i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n, "%s -> ",
		    w->w_cf->cf_programs[w->w_path[i]]->pg_name);
	if (n < sizeof(text))
		snprintf(text + n, sizeof(text) - n, "%s", first->pg_name);
	config_use_file(w->w_ld, first->pg_fileno);
	config_msg(w->w_ld, true, first->pg_depends_line, "depends_on: a "
	    "cycle: %s", text);
	w->w_ok = false;
}

/* Depth-first from program i: its depth is one more than its deepest
 * dependency's; a program met again while on the path closes a cycle. */
static void
visit(struct walk *w, size_t i)
{
	struct program_config *pg = w->w_cf->cf_programs[i], *dep;
	size_t j, k;

	w->w_mark[i] = ON_PATH;
	w->w_path[w->w_depth++] = i;
	pg->pg_depends_level = 0;
	for (j = 0; j < pg->pg_ndepends; j++) {
		if ((k = program_index(w, pg->pg_depends[j].dp_name)) == 0)
			continue;	/* said already */
		k--;
		if (w->w_mark[k] == ON_PATH) {
			say_cycle(w, k);
			continue;
		}
		if (w->w_mark[k] == UNSEEN)
			visit(w, k);
		dep = w->w_cf->cf_programs[k];
		if (dep->pg_depends_level + 1 > pg->pg_depends_level)
			pg->pg_depends_level = dep->pg_depends_level + 1;
	}
	w->w_depth--;
	w->w_mark[i] = DONE;
}

/*
 * Every name depends_on gives is a program of the config, other than
 * the one that names it, and the edges make no cycle.  Sets each
 * program's pg_depends_level.  all_loaded: every [program:x] loaded;
 * else a name not found may be one that failed, said already.
 */
bool
config_check_depends(struct loader *ld, struct config *cf, bool all_loaded)
{
	struct walk w = { .w_ld = ld, .w_cf = cf, .w_ok = true };
	struct program_config *pg;
	const char **names;
	const char *close;
	size_t i, j;

	strmap_init(&w.w_by_name);
	w.w_mark = calloc(cf->cf_nprograms + 1, sizeof(*w.w_mark));
	w.w_path = calloc(cf->cf_nprograms + 1, sizeof(*w.w_path));
	names = calloc(cf->cf_nprograms + 1, sizeof(*names));
	if (w.w_mark == NULL || w.w_path == NULL || names == NULL ||
	    strmap_reserve(&w.w_by_name, cf->cf_nprograms) == -1) {
		ld->ld_nomem = true;
		w.w_ok = false;
		goto done;
	}
	for (i = 0; i < cf->cf_nprograms; i++) {
		(void)strmap_put(&w.w_by_name, cf->cf_programs[i]->pg_name,
		    (void *)(uintptr_t)(i + 1));
		names[i] = cf->cf_programs[i]->pg_name;
	}
	for (i = 0; i < cf->cf_nprograms; i++) {
		pg = cf->cf_programs[i];
		if (pg->pg_ndepends > 0)
			cf->cf_has_depends = true;
		for (j = 0; j < pg->pg_ndepends; j++) {
			const char *name = pg->pg_depends[j].dp_name;
			size_t k = program_index(&w, name);

			if (k > 0 && pg->pg_depends_restart)
				cf->cf_programs[k - 1]->pg_restarts_dependents =
				    true;

			if (strcmp(name, pg->pg_name) == 0) {
				config_use_file(ld, pg->pg_fileno);
				config_msg(ld, true, pg->pg_depends_line,
				    "depends_on: [program:%s] depends on "
				    "itself", name);
				w.w_ok = false;
				pg->pg_depends[j].dp_name[0] = '\0';
			} else if (program_index(&w, name) == 0 && all_loaded) {
				close = config_closest(name, names,
				    cf->cf_nprograms);
				config_use_file(ld, pg->pg_fileno);
				config_msg(ld, true, pg->pg_depends_line,
				    "depends_on: no [program:%s]%s%s%s", name,
				    close != NULL ? " (did you mean \"" : "",
				    close != NULL ? close : "",
				    close != NULL ? "\"?)" : "");
				w.w_ok = false;
			}
		}
	}
	for (i = 0; i < cf->cf_nprograms; i++)
		if (w.w_mark[i] == UNSEEN)
			visit(&w, i);
done:
	config_use_file(ld, 0);
	strmap_free(&w.w_by_name);
	free(w.w_mark);
	free(w.w_path);
	free(names);
	return w.w_ok;
}
