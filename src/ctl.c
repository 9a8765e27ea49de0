/*
 * ctl.c: the binary under the name supervisorctl: supervisorctl's
 * command line (-c -s -u -p -i -r -h), the [supervisorctl] section read
 * through the config loader, one verb from the command line or a shell
 * of them (line editing and history through libedit when the system
 * has it, loaded only here: the daemon never maps it); and the verbs
 * supervisor's own command line borrows.
 */
#include <dlfcn.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "ctl.h"

#define EXIT_USAGE	2		/* supervisorctl's for bad options */
#define SHELL_LINE_MAX	(64 * 1024)

static const char *progname = "supervisorctl";

static void
usage(FILE *out)
{
	fprintf(out,
	    "supervisorctl -- control applications run by supervisord from the "
	    "cmd line.\n\n"
	    "Usage: %s [options] [action [arguments]]\n\n"
	    "Options:\n"
	    "-c/--configuration FILENAME -- configuration file path (searches "
	    "if not given)\n"
	    "-h/--help -- print usage message and exit\n"
	    "-i/--interactive -- start an interactive shell after executing "
	    "commands\n"
	    "-s/--serverurl URL -- URL on which supervisord server is "
	    "listening\n"
	    "     (default: [supervisorctl] serverurl, else the socket the "
	    "config names).\n"
	    "-u/--username USERNAME -- username to use for authentication "
	    "with server\n"
	    "-p/--password PASSWORD -- password to use for authentication "
	    "with server\n"
	    "-r/--history-file -- keep a readline history (if readline is "
	    "available)\n\n"
	    "action [arguments] -- see below\n\n"
	    "Actions are commands like \"tail\" or \"stop\".  If -i is "
	    "specified or no action is\n"
	    "specified on the command line, a \"shell\" interpreting actions "
	    "typed\n"
	    "interactively is started.  Use the action \"help\" to find out "
	    "about available\n"
	    "actions.\n", progname);
}

static int
usage_error(const char *fmt, const char *arg)
{
	fputs("Error: ", stderr);
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\nFor help, use %s -h\n", progname);
	return EXIT_USAGE;
}

/* Talks to url from now on (-s, serverurl, open). */
int
ctl_open(struct ctl *ct, const char *url)
{
	char why[300];
	char *copy;

	if ((copy = strdup(url)) == NULL)
		return -1;
	rpcc_free(&ct->ct_rpc);
	if (rpcc_init(&ct->ct_rpc, url, ct->ct_user, ct->ct_pass, why,
	    sizeof(why)) == -1) {
		printf("ERROR: %s\n", why);
		free(copy);
		return -1;
	}
	free(ct->ct_url);
	ct->ct_url = copy;
	return 0;
}

/* SUPERVISOR_CTL_TIMEOUT: seconds a call may take (120). */
static void
set_timeout(struct ctl *ct)
{
	const char *s = getenv("SUPERVISOR_CTL_TIMEOUT");
	char *end;
	double secs;

	if (s == NULL || *s == '\0')
		return;
	secs = strtod(s, &end);
	if (*end == '\0' && secs > 0 && secs < 86400 * 365)
		ct->ct_rpc.rc_timeout_ms = (int)(secs * 1000);
}

/* libedit, when the system has it: readline() and a history file. */
struct editor {
	void	 *e_lib;
	char	*(*e_readline)(const char *);
	int	 (*e_add_history)(const char *);
	int	 (*e_read_history)(const char *);
	int	 (*e_write_history)(const char *);
};

static void
editor_load(struct editor *ed)
{
	memset(ed, 0, sizeof(*ed));
	if (!isatty(STDIN_FILENO) || getenv("SUPERVISORCTL_NO_EDIT") != NULL)
		return;
	if ((ed->e_lib = dlopen("libedit.so.2", RTLD_NOW | RTLD_LOCAL)) ==
	    NULL)
		return;
	*(void **)&ed->e_readline = dlsym(ed->e_lib, "readline");
	*(void **)&ed->e_add_history = dlsym(ed->e_lib, "add_history");
	*(void **)&ed->e_read_history = dlsym(ed->e_lib, "read_history");
	*(void **)&ed->e_write_history = dlsym(ed->e_lib, "write_history");
	if (ed->e_readline == NULL || ed->e_add_history == NULL ||
	    ed->e_read_history == NULL || ed->e_write_history == NULL) {
		dlclose(ed->e_lib);
		memset(ed, 0, sizeof(*ed));
	}
}

/* One line typed, without its newline; NULL at the end of input. */
static char *
editor_line(struct editor *ed, const char *prompt)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;

	if (ed->e_lib != NULL) {
		if ((line = ed->e_readline(prompt)) != NULL && *line != '\0')
			ed->e_add_history(line);
		return line;
	}
	fputs(prompt, stdout);
	fflush(stdout);
	if ((n = getline(&line, &cap, stdin)) == -1 || n > SHELL_LINE_MAX) {
		free(line);
		return NULL;
	}
	line[strcspn(line, "\n")] = '\0';
	return line;
}

static void
shell(struct ctl *ct, const char *prompt, const char *history)
{
	struct editor ed;
	char *line, *full;

	editor_load(&ed);
	if (history != NULL && ed.e_lib != NULL)
		ed.e_read_history(history);
	if (asprintf(&full, "%s> ", prompt) == -1)
		return;
	ct->ct_interactive = true;
	ctl_onecmd(ct, "status");
	while (!ct->ct_quit) {
		if ((line = editor_line(&ed, full)) == NULL) {
			ctl_output("");		/* do_EOF */
			break;
		}
		ctl_onecmd(ct, line);
		free(line);
		fflush(stdout);
	}
	if (history != NULL && ed.e_lib != NULL)
		ed.e_write_history(history);
	free(full);
}

/* The line of words given, joined by blanks (as supervisorctl joins). */
static char *
joined(int argc, char **argv)
{
	size_t len = 1;
	char *s;
	int i;

	for (i = 0; i < argc; i++)
		len += strlen(argv[i]) + 1;
	if ((s = calloc(1, len)) == NULL)
		return NULL;
	for (i = 0; i < argc; i++) {
		if (i > 0)
			strcat(s, " ");
		strcat(s, argv[i]);
	}
	return s;
}

static void
ctl_free(struct ctl *ct)
{
	rpcc_free(&ct->ct_rpc);
	free(ct->ct_url);
	free(ct->ct_user);
	free(ct->ct_pass);
}

static char *
dup_or_null(const char *s)
{
	return s != NULL ? strdup(s) : NULL;
}

/*
 * The credentials for cf's server: [supervisorctl]'s, else (the server
 * being the socket the file gives) [unix_http_server]'s, unless its
 * password is only a {SHA} digest.
 */
static void
credentials(const struct config *cf, bool own_socket, char **user,
    char **pass)
{
	const struct http_config *hc;

	if (cf == NULL)
		return;
	hc = &cf->cf_unix_http;
	if (*user == NULL && *pass == NULL && cf->cf_ctl.cc_username == NULL &&
	    cf->cf_ctl.cc_password == NULL && own_socket &&
	    hc->hc_password != NULL && strncmp(hc->hc_password, "{SHA}", 5)
	    != 0) {
		*user = dup_or_null(hc->hc_username);
		*pass = dup_or_null(hc->hc_password);
		return;
	}
	if (*user == NULL)
		*user = dup_or_null(cf->cf_ctl.cc_username);
	if (*pass == NULL)
		*pass = dup_or_null(cf->cf_ctl.cc_password);
}

int
ctl_main(int argc, char **argv, const char *default_config)
{
	static const struct option longopts[] = {
		{ "configuration", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ "interactive", no_argument, NULL, 'i' },
		{ "serverurl", required_argument, NULL, 's' },
		{ "username", required_argument, NULL, 'u' },
		{ "password", required_argument, NULL, 'p' },
		{ "history-file", required_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 },
	};
	const char *config_arg = NULL, *url = NULL, *user = NULL, *pass = NULL;
	const char *history = NULL, *prompt = "supervisor";
	struct config_msgs msgs;
	struct config *cf = NULL;
	struct ctl ct;
	char *line, *sock = NULL, *surl = NULL, bad[3] = "-?";
	bool interactive = false;
	int ch, code;
	size_t i;

	progname = argv[0];
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "+c:his:u:p:r:", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'c': config_arg = optarg; break;
		case 'h': usage(stdout); return 0;
		case 'i': interactive = true; break;
		case 's': url = optarg; break;
		case 'u': user = optarg; break;
		case 'p': pass = optarg; break;
		case 'r': history = optarg; break;
		default:
			if (optopt != 0) {
				bad[1] = (char)optopt;
				return usage_error(strchr("csupr", optopt) ?
				    "option %s requires argument" :
				    "option %s not recognized", bad);
			}
			return usage_error("option %s not recognized",
			    argv[optind - 1]);
		}
	}
	if (config_arg != NULL && access(config_arg, F_OK) == -1)
		return usage_error("could not find config file %s", config_arg);
	if (config_arg == NULL)
		config_arg = default_config;
	if (config_arg != NULL) {
		cf = config_load_daemon(config_arg, &msgs);
		if (cf == NULL) {
			for (i = 0; i < msgs.cm_count; i++)
				if (msgs.cm_list[i].cm_error)
					fprintf(stderr, "%s\n",
					    msgs.cm_list[i].cm_text);
			config_msgs_free(&msgs);
			return usage_error("could not read config file %s",
			    config_arg);
		}
		config_msgs_free(&msgs);
	}
	memset(&ct, 0, sizeof(ct));
	ct.ct_user = dup_or_null(user);
	ct.ct_pass = dup_or_null(pass);
	credentials(cf, url == NULL && cf != NULL && cf->cf_ctl.cc_serverurl ==
	    NULL, &ct.ct_user, &ct.ct_pass);
	if (cf != NULL && cf->cf_ctl.cc_prompt != NULL)
		prompt = cf->cf_ctl.cc_prompt;
	if (history == NULL && cf != NULL)
		history = cf->cf_ctl.cc_history_file;
	/* -s, [supervisorctl] serverurl, else the socket the daemon would
	 * make for this config ([unix_http_server] file, socket=). */
	if (url == NULL && cf != NULL)
		url = cf->cf_ctl.cc_serverurl;
	if (url == NULL && (cf == NULL || !cf->cf_socket_off) &&
	    (sock = config_socket_path(cf, NULL, config_arg, NULL)) != NULL &&
	    asprintf(&surl, "unix://%s", sock) != -1)
		url = surl;
	if (url == NULL) {
		fprintf(stderr, "Error: no server URL (%s has socket = none: "
		    "use -s URL)\n", config_arg);
		config_free(cf);
		free(sock);
		ctl_free(&ct);
		return EXIT_USAGE;
	}
	code = ctl_open(&ct, url);
	free(sock);
	free(surl);
	if (code == -1) {
		config_free(cf);
		ctl_free(&ct);
		return EXIT_USAGE;
	}
	set_timeout(&ct);
	if (optind < argc) {
		if ((line = joined(argc - optind, argv + optind)) != NULL)
			ctl_onecmd(&ct, line);
		free(line);
		code = ct.ct_exit;
		/* -i: the shell after the command, as its help says. */
		if (interactive && !ct.ct_quit) {
			shell(&ct, prompt, history);
			code = 0;
		}
	} else {
		shell(&ct, prompt, history);
		code = 0;	/* supervisorctl's shell always exits 0 */
	}
	fflush(stdout);
	config_free(cf);
	ctl_free(&ct);
	return code;
}

/*
 * supervisor avail, reread, update, add, remove, clear, maintail, fg:
 * supervisorctl's verbs, said over HTTP on the control socket (with the
 * credentials config_path gives it), with supervisorctl's output and
 * exit statuses.
 */
int
ctl_borrowed(const char *config_path, const char *socket_path, int argc,
    char **argv)
{
	struct config_msgs msgs;
	struct config *cf = NULL;
	struct ctl ct;
	char *url, *line;
	int code;

	memset(&ct, 0, sizeof(ct));
	if (config_path != NULL) {
		cf = config_load_daemon(config_path, &msgs);
		config_msgs_free(&msgs);
		credentials(cf, true, &ct.ct_user, &ct.ct_pass);
		config_free(cf);
	}
	if (asprintf(&url, "unix://%s", socket_path) == -1) {
		ctl_free(&ct);
		return CTL_X_GENERIC;
	}
	if (ctl_open(&ct, url) == -1) {
		free(url);
		ctl_free(&ct);
		return CTL_X_GENERIC;
	}
	free(url);
	set_timeout(&ct);
	if ((line = joined(argc, argv)) != NULL)
		ctl_onecmd(&ct, line);
	free(line);
	code = ct.ct_exit;
	fflush(stdout);
	ctl_free(&ct);
	return code;
}
