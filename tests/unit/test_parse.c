/*
 * test_parse.c: the value parsers of src/parse.c, one by one: durations,
 * signals, booleans, integers, sizes, umasks, exit codes, %(name)s
 * expansion, command splitting and environment lists.
 */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "parse.h"
#include "signals.h"
#include "strv.h"
#include "unit.h"

/* Durations are sums of decimal digits: compare with a small tolerance. */
static bool
near(double a, double b)
{
	return fabs(a - b) < 1e-9;
}

/* True when parse_duration accepts s and yields want. */
static bool
duration_is(const char *s, double want)
{
	double d = -1;

	return parse_duration(s, &d) == 0 && near(d, want);
}

/* True when parse_duration rejects s and leaves its output alone. */
static bool
duration_rejects(const char *s)
{
	double d = 42;

	return parse_duration(s, &d) == -1 && d == 42;
}

static void
test_duration(void)
{
	char huge[400];

	CHECK("duration: 10 is 10 seconds", duration_is("10", 10));
	CHECK("duration: 0.25", duration_is("0.25", 0.25));
	CHECK("duration: 250ms", duration_is("250ms", 0.25));
	CHECK("duration: 1.5s", duration_is("1.5s", 1.5));
	CHECK("duration: 2m", duration_is("2m", 120));
	CHECK("duration: 1h", duration_is("1h", 3600));
	CHECK("duration: .5", duration_is(".5", 0.5));
	CHECK("duration: 0", duration_is("0", 0));
	CHECK("duration: 0ms", duration_is("0ms", 0));
	CHECK("duration: ten years is the limit",
	    duration_is("315360000", 315360000));

	CHECK("duration: rejects empty", duration_rejects(""));
	CHECK("duration: rejects abc", duration_rejects("abc"));
	CHECK("duration: rejects -1", duration_rejects("-1"));
	CHECK("duration: rejects +1", duration_rejects("+1"));
	CHECK("duration: rejects 1x", duration_rejects("1x"));
	CHECK("duration: rejects 1e3", duration_rejects("1e3"));
	CHECK("duration: rejects inf", duration_rejects("inf"));
	CHECK("duration: rejects nan", duration_rejects("nan"));
	CHECK("duration: rejects leading blank", duration_rejects(" 1"));
	CHECK("duration: rejects trailing blank", duration_rejects("1 "));
	CHECK("duration: rejects blank before unit", duration_rejects("1 s"));
	CHECK("duration: rejects 0x10", duration_rejects("0x10"));
	CHECK("duration: rejects a lone dot", duration_rejects("."));
	CHECK("duration: rejects a unit alone", duration_rejects("ms"));
	CHECK("duration: rejects over ten years",
	    duration_rejects("315360001"));
	CHECK("duration: rejects 1000000000h", duration_rejects("1000000000h"));
	CHECK("duration: rejects 99999999999999999999",
	    duration_rejects("99999999999999999999"));
	memset(huge, '9', sizeof(huge) - 1);
	huge[sizeof(huge) - 1] = '\0';
	CHECK("duration: rejects 399 nines", duration_rejects(huge));
}

static bool
signal_is(const char *s, int want)
{
	int sig = -1;

	return parse_signal(s, &sig) == 0 && sig == want;
}

static bool
signal_rejects(const char *s)
{
	int sig = 42;

	return parse_signal(s, &sig) == -1 && sig == 42;
}

static void
test_signal(void)
{
	CHECK("signal: TERM", signal_is("TERM", SIGTERM));
	CHECK("signal: SIGTERM", signal_is("SIGTERM", SIGTERM));
	CHECK("signal: term", signal_is("term", SIGTERM));
	CHECK("signal: sigterm", signal_is("sigterm", SIGTERM));
	CHECK("signal: 15", signal_is("15", SIGTERM));
	CHECK("signal: KILL", signal_is("KILL", SIGKILL));
	CHECK("signal: HUP", signal_is("HUP", SIGHUP));
	CHECK("signal: INT", signal_is("INT", SIGINT));
	CHECK("signal: QUIT", signal_is("QUIT", SIGQUIT));
	CHECK("signal: USR1", signal_is("USR1", SIGUSR1));
	CHECK("signal: USR2", signal_is("USR2", SIGUSR2));
	CHECK("signal: 9", signal_is("9", SIGKILL));
	CHECK("signal: rejects empty", signal_rejects(""));
	CHECK("signal: rejects FOO", signal_rejects("FOO"));
	CHECK("signal: rejects SIG alone", signal_rejects("SIG"));
	CHECK("signal: rejects 0", signal_rejects("0"));
	CHECK("signal: rejects 99999", signal_rejects("99999"));
	CHECK("signal: rejects -15", signal_rejects("-15"));
	CHECK("signal: rejects TERM with a blank", signal_rejects("TERM "));

	CHECK_STR("signal_name: TERM", signal_name(SIGTERM), "TERM");
	CHECK_STR("signal_name: KILL", signal_name(SIGKILL), "KILL");
	CHECK_STR("signal_name: HUP", signal_name(SIGHUP), "HUP");
	CHECK_STR("signal_name: USR2", signal_name(SIGUSR2), "USR2");
	CHECK_STR("signal_name: 0 is unknown", signal_name(0), "?");
	CHECK_STR("signal_name: 99999 is unknown", signal_name(99999), "?");
}

static bool
bool_is(const char *s, bool want)
{
	bool b = !want;

	return parse_bool(s, &b) == 0 && b == want;
}

static void
test_bool(void)
{
	bool b = true;

	CHECK("bool: true", bool_is("true", true));
	CHECK("bool: TRUE", bool_is("TRUE", true));
	CHECK("bool: True", bool_is("True", true));
	CHECK("bool: yes", bool_is("yes", true));
	CHECK("bool: YeS", bool_is("YeS", true));
	CHECK("bool: on", bool_is("on", true));
	CHECK("bool: ON", bool_is("ON", true));
	CHECK("bool: 1", bool_is("1", true));
	CHECK("bool: false", bool_is("false", false));
	CHECK("bool: FALSE", bool_is("FALSE", false));
	CHECK("bool: no", bool_is("no", false));
	CHECK("bool: No", bool_is("No", false));
	CHECK("bool: off", bool_is("off", false));
	CHECK("bool: OFF", bool_is("OFF", false));
	CHECK("bool: 0", bool_is("0", false));
	CHECK("bool: rejects maybe", parse_bool("maybe", &b) == -1 && b);
	CHECK("bool: rejects empty", parse_bool("", &b) == -1 && b);
	CHECK("bool: rejects 2", parse_bool("2", &b) == -1 && b);
	CHECK("bool: rejects \" yes\"", parse_bool(" yes", &b) == -1 && b);
	CHECK("bool: rejects y", parse_bool("y", &b) == -1 && b);
}

static void
test_int(void)
{
	long n = 0;

	CHECK("int: 5 in [1,10]", parse_int("5", 1, 10, &n) == 0 && n == 5);
	CHECK("int: lower bound is included",
	    parse_int("1", 1, 10, &n) == 0 && n == 1);
	CHECK("int: upper bound is included",
	    parse_int("10", 1, 10, &n) == 0 && n == 10);
	CHECK("int: negative in range",
	    parse_int("-3", -5, 5, &n) == 0 && n == -3);
	CHECK("int: LONG_MAX", parse_int("9223372036854775807", 0, LONG_MAX,
	    &n) == 0 && n == LONG_MAX);
	n = 77;
	CHECK("int: below min", parse_int("0", 1, 10, &n) == -1 && n == 77);
	CHECK("int: above max", parse_int("11", 1, 10, &n) == -1 && n == 77);
	CHECK("int: empty", parse_int("", 0, 10, &n) == -1 && n == 77);
	CHECK("int: leading blank", parse_int(" 5", 0, 10, &n) == -1);
	CHECK("int: trailing blank", parse_int("5 ", 0, 10, &n) == -1);
	CHECK("int: trailing junk", parse_int("5x", 0, 10, &n) == -1);
	CHECK("int: a fraction", parse_int("1.5", 0, 10, &n) == -1);
	CHECK("int: out of long's range",
	    parse_int("99999999999999999999", 0, LONG_MAX, &n) == -1);
	CHECK("int: below long's range",
	    parse_int("-99999999999999999999", LONG_MIN, 0, &n) == -1);
	CHECK("int: value unchanged after failures", n == 77);
}

/* True when parse_bytes accepts s and yields want. */
static bool
bytes_is(const char *s, long long want)
{
	long long n = -7;

	return parse_bytes(s, &n) == 0 && n == want;
}

/* True when parse_bytes rejects s and leaves its output alone. */
static bool
bytes_rejects(const char *s)
{
	long long n = 42;

	return parse_bytes(s, &n) == -1 && n == 42;
}

static void
test_bytes(void)
{
	CHECK("bytes: 0", bytes_is("0", 0));
	CHECK("bytes: 10", bytes_is("10", 10));
	CHECK("bytes: 1B", bytes_is("1B", 1));
	CHECK("bytes: 1b", bytes_is("1b", 1));
	CHECK("bytes: 1KB", bytes_is("1KB", 1024));
	CHECK("bytes: 1kb", bytes_is("1kb", 1024));
	CHECK("bytes: 1Kb", bytes_is("1Kb", 1024));
	CHECK("bytes: 50MB", bytes_is("50MB", 50LL * 1024 * 1024));
	CHECK("bytes: 1GB", bytes_is("1GB", 1024LL * 1024 * 1024));
	CHECK("bytes: 1gb", bytes_is("1gb", 1024LL * 1024 * 1024));
	CHECK("bytes: 0MB", bytes_is("0MB", 0));
	CHECK("bytes: leading zeros", bytes_is("007KB", 7 * 1024));
	CHECK("bytes: 2^62 as 4294967296GB is the largest",
	    bytes_is("4294967296GB", 1LL << 62));
	CHECK("bytes: 2^62 plainly", bytes_is("4611686018427387904",
	    1LL << 62));
	CHECK("bytes: rejects past 2^62 plainly",
	    bytes_rejects("4611686018427387905"));
	CHECK("bytes: rejects LLONG_MAX", bytes_rejects("9223372036854775807"));
	CHECK("bytes: rejects overflow by the unit",
	    bytes_rejects("4294967297GB"));
	CHECK("bytes: rejects 8589934592GB (2^63)",
	    bytes_rejects("8589934592GB"));
	CHECK("bytes: rejects past long long",
	    bytes_rejects("99999999999999999999"));
	CHECK("bytes: rejects empty", bytes_rejects(""));
	CHECK("bytes: rejects -1", bytes_rejects("-1"));
	CHECK("bytes: rejects +1", bytes_rejects("+1"));
	CHECK("bytes: rejects a leading blank", bytes_rejects(" 1"));
	CHECK("bytes: a blank before the unit, as supervisord",
	    bytes_is("1 MB", 1024 * 1024));
	CHECK("bytes: blanks and a tab before the unit",
	    bytes_is("5 \tkb", 5 * 1024));
	CHECK("bytes: a trailing blank", bytes_is("1 ", 1));
	CHECK("bytes: rejects \"1 M B\"", bytes_rejects("1 M B"));
	CHECK("bytes: rejects 1.5MB", bytes_rejects("1.5MB"));
	CHECK("bytes: rejects MB alone", bytes_rejects("MB"));
	CHECK("bytes: rejects 50XB", bytes_rejects("50XB"));
	CHECK("bytes: rejects 1K", bytes_rejects("1K"));
	CHECK("bytes: rejects 1M", bytes_rejects("1M"));
	CHECK("bytes: rejects 1TB", bytes_rejects("1TB"));
	CHECK("bytes: rejects 1KBB", bytes_rejects("1KBB"));
	CHECK("bytes: rejects 0x10", bytes_rejects("0x10"));
}

static void
test_umask(void)
{
	int m = -1;

	CHECK("umask: 022", parse_umask("022", &m) == 0 && m == 022);
	CHECK("umask: 0o22", parse_umask("0o22", &m) == 0 && m == 022);
	CHECK("umask: 0O27", parse_umask("0O27", &m) == 0 && m == 027);
	CHECK("umask: 777", parse_umask("777", &m) == 0 && m == 0777);
	CHECK("umask: 0", parse_umask("0", &m) == 0 && m == 0);
	m = 5;
	CHECK("umask: rejects 8", parse_umask("8", &m) == -1 && m == 5);
	CHECK("umask: rejects 1000", parse_umask("1000", &m) == -1 && m == 5);
	CHECK("umask: rejects empty", parse_umask("", &m) == -1 && m == 5);
	CHECK("umask: rejects 0o alone", parse_umask("0o", &m) == -1);
	CHECK("umask: rejects 0x22", parse_umask("0x22", &m) == -1);
	CHECK("umask: rejects -1", parse_umask("-1", &m) == -1 && m == 5);
}

/* Codes set in c, as "0,2," for comparison. */
static const char *
codes_list(const unsigned char c[256], char *buf, size_t len)
{
	size_t used = 0;
	int i;

	buf[0] = '\0';
	for (i = 0; i < 256 && used < len; i++)
		if (c[i])
			used += (size_t)snprintf(buf + used, len - used, "%d,",
			    i);
	return buf;
}

static void
test_exitcodes(void)
{
	unsigned char c[256];
	char buf[64];

	memset(c, 0, sizeof(c));
	CHECK("exitcodes: \"0\"", parse_exitcodes("0", c) == 0);
	CHECK_STR("exitcodes: \"0\" sets 0", codes_list(c, buf, sizeof(buf)),
	    "0,");
	CHECK("exitcodes: \"0,2\"", parse_exitcodes("0,2", c) == 0);
	CHECK_STR("exitcodes: \"0,2\" sets 0 and 2",
	    codes_list(c, buf, sizeof(buf)), "0,2,");
	CHECK("exitcodes: \" 1 , 2 \"", parse_exitcodes(" 1 , 2 ", c) == 0);
	CHECK_STR("exitcodes: \" 1 , 2 \" replaces the old set",
	    codes_list(c, buf, sizeof(buf)), "1,2,");
	CHECK("exitcodes: \"255\"", parse_exitcodes("255", c) == 0 && c[255]);

	CHECK("exitcodes: empty, as supervisord: none expected",
	    parse_exitcodes("", c) == 0);
	CHECK_STR("exitcodes: empty sets nothing",
	    codes_list(c, buf, sizeof(buf)), "");
	CHECK("exitcodes: blanks only", parse_exitcodes(" \t", c) == 0);

	parse_exitcodes("3", c);
	CHECK("exitcodes: rejects 256", parse_exitcodes("256", c) == -1);
	CHECK("exitcodes: rejects 1,,2", parse_exitcodes("1,,2", c) == -1);
	CHECK("exitcodes: rejects a", parse_exitcodes("a", c) == -1);
	CHECK("exitcodes: rejects -1", parse_exitcodes("-1", c) == -1);
	CHECK("exitcodes: rejects trailing comma",
	    parse_exitcodes("1,", c) == -1);
	CHECK("exitcodes: rejects \"1 2\"", parse_exitcodes("1 2", c) == -1);
	CHECK_STR("exitcodes: failures leave the set alone",
	    codes_list(c, buf, sizeof(buf)), "3,");
}

/* expand() with the test's variables; returns a static copy or the error. */
static const struct expand_var test_vars[] = {
	{ "program_name", "web", 0 },
	{ "process_num", NULL, 3 },
	{ "here", "/etc/sup", 0 },
};

static char expand_result[1024];

/* "OK:<expansion>" or "ERR:<message>", so one CHECK_STR covers both. */
static const char *
expand_str(const char *s)
{
	char err[PARSE_ERRLEN] = "", *out;

	out = expand(s, test_vars, sizeof(test_vars) / sizeof(test_vars[0]),
	    err, sizeof(err));
	if (out == NULL)
		snprintf(expand_result, sizeof(expand_result), "ERR:%s", err);
	else {
		snprintf(expand_result, sizeof(expand_result), "OK:%s", out);
		free(out);
	}
	return expand_result;
}

/*
 * Runs expand(spec) in a child so that a memory error caught by ASan
 * fails one check instead of ending the whole test.  The child exits 0
 * when expand returned at all, without a sanitizer report.
 */
static bool
expand_survives(const char *s)
{
	char err[PARSE_ERRLEN];
	pid_t pid;
	int status;
	char *out;

	fflush(stdout);
	fflush(stderr);
	if ((pid = fork()) == -1)
		return false;
	if (pid == 0) {
		out = expand(s, test_vars, sizeof(test_vars) /
		    sizeof(test_vars[0]), err, sizeof(err));
		free(out);
		_exit(0);
	}
	while (waitpid(pid, &status, 0) == -1 && errno == EINTR)
		;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

static void
test_expand(void)
{
	char longval[301], want[320], spec[64];
	const char *got;

	CHECK_STR("expand: plain text", expand_str("hello"), "OK:hello");
	CHECK_STR("expand: empty", expand_str(""), "OK:");
	CHECK_STR("expand: %(program_name)s",
	    expand_str("/bin/%(program_name)s --x"), "OK:/bin/web --x");
	CHECK_STR("expand: %(process_num)02d",
	    expand_str("n%(process_num)02d"), "OK:n03");
	CHECK_STR("expand: %(process_num)d", expand_str("%(process_num)d"),
	    "OK:3");
	CHECK_STR("expand: %(process_num)i", expand_str("%(process_num)i"),
	    "OK:3");
	CHECK_STR("expand: %(process_num)s", expand_str("%(process_num)s"),
	    "OK:3");
	CHECK_STR("expand: width on a string",
	    expand_str("[%(program_name)5s]"), "OK:[  web]");
	CHECK_STR("expand: left-justified string",
	    expand_str("[%(program_name)-5s]"), "OK:[web  ]");
	CHECK_STR("expand: %% is a percent sign", expand_str("100%% %%d"),
	    "OK:100% %d");
	CHECK_STR("expand: %(here)s", expand_str("%(here)s/x.log"),
	    "OK:/etc/sup/x.log");

	setenv("HOME", "/home/unit-test", 1);
	CHECK_STR("expand: %(ENV_HOME)s after setenv",
	    expand_str("%(ENV_HOME)s/.cache"), "OK:/home/unit-test/.cache");
	unsetenv("SUPERVISOR_UNIT_UNSET");
	CHECK_STR("expand: unset ENV_ name is unknown",
	    expand_str("%(ENV_SUPERVISOR_UNIT_UNSET)s"),
	    "ERR:%(ENV_SUPERVISOR_UNIT_UNSET): environment variable "
	    "SUPERVISOR_UNIT_UNSET is not set");

	CHECK_STR("expand: unknown name", expand_str("a %(nope)s b"),
	    "ERR:unknown name %(nope)");
	CHECK_STR("expand: lone %", expand_str("50% off"),
	    "ERR:a lone '%' must be written '%%' (at \"% off\")");
	CHECK_STR("expand: % at the end", expand_str("50%"),
	    "ERR:a lone '%' must be written '%%' (at \"%\")");
	CHECK_STR("expand: %(x) without conversion", expand_str("%(x)"),
	    "ERR:%(x) must be followed by a conversion like s or d");
	CHECK_STR("expand: %(program_name) followed by a word",
	    expand_str("%(program_name)x"),
	    "ERR:%(program_name) must be followed by a conversion like s or d");
	CHECK_STR("expand: %(here)d on a string",
	    expand_str("%(here)d"), "ERR:%(here) is not a number");
	CHECK_STR("expand: unterminated %(",
	    expand_str("x %(program_name"),
	    "ERR:unterminated %(name) (at \"%(program_name\")");
	CHECK_STR("expand: empty %()", expand_str("%()s"),
	    "ERR:bad %(name) (at \"%()s\")");

	/* Python's "%(x)-1s" never shortens a string, however long. */
	memset(longval, 'L', sizeof(longval) - 1);
	longval[sizeof(longval) - 1] = '\0';
	setenv("SUPERVISOR_UNIT_LONG", longval, 1);
	snprintf(want, sizeof(want), "OK:%s", longval);
	CHECK_STR("expand: 300-character value, no width",
	    expand_str("%(ENV_SUPERVISOR_UNIT_LONG)s"), want);
	got = expand_str("%(ENV_SUPERVISOR_UNIT_LONG)-1s");
	CHECK("expand: 300-character value with a width is kept whole",
	    strlen(got) == strlen(want));
	unsetenv("SUPERVISOR_UNIT_LONG");

	/* The longest conversion spec the expander accepts, for d and s. */
	snprintf(spec, sizeof(spec), "%%(process_num)%s1d",
	    "0000000000000000000000000000");
	CHECK("expand: a 29-character spec before d stays in bounds",
	    expand_survives(spec));
	snprintf(spec, sizeof(spec), "%%(program_name)%s1s",
	    "0000000000000000000000000000");
	CHECK("expand: a 29-character spec before s stays in bounds",
	    expand_survives(spec));
}

/* The words of a split command as "[a][b]", or "ERR:<message>". */
static char split_result[1024];

static const char *
split_str(const char *s)
{
	char err[PARSE_ERRLEN] = "", **argv;
	size_t i, used = 0;

	argv = split_command(s, err, sizeof(err));
	if (argv == NULL) {
		snprintf(split_result, sizeof(split_result), "ERR:%s", err);
		return split_result;
	}
	split_result[0] = '\0';
	for (i = 0; argv[i] != NULL && used < sizeof(split_result); i++)
		used += (size_t)snprintf(split_result + used,
		    sizeof(split_result) - used, "[%s]", argv[i]);
	strv_free(argv);
	return split_result;
}

static void
test_split(void)
{
	CHECK_STR("split: simple words", split_str("/bin/echo a  b"),
	    "[/bin/echo][a][b]");
	CHECK_STR("split: leading and trailing blanks", split_str("  x y  "),
	    "[x][y]");
	CHECK_STR("split: single quotes", split_str("echo 'a b' c"),
	    "[echo][a b][c]");
	CHECK_STR("split: single quotes keep backslashes and \"",
	    split_str("echo 'a\\b \"c\"'"), "[echo][a\\b \"c\"]");
	CHECK_STR("split: double quotes with \\\" and \\\\",
	    split_str("echo \"say \\\"hi\\\" \\\\ ok\""),
	    "[echo][say \"hi\" \\ ok]");
	CHECK_STR("split: other backslashes in double quotes are kept",
	    split_str("echo \"a\\nb\""), "[echo][a\\nb]");
	CHECK_STR("split: single quote inside double quotes",
	    split_str("echo \"it's\""), "[echo][it's]");
	CHECK_STR("split: backslash-blank outside quotes",
	    split_str("ls a\\ b c"), "[ls][a b][c]");
	CHECK_STR("split: backslash-quote outside quotes",
	    split_str("echo \\'x \\\"y"), "[echo]['x][\"y]");
	CHECK_STR("split: backslash-backslash outside quotes",
	    split_str("echo a\\\\b"), "[echo][a\\b]");
	CHECK_STR("split: '' is an empty argument", split_str("cmd '' x"),
	    "[cmd][][x]");
	CHECK_STR("split: \"\" is an empty argument", split_str("cmd \"\""),
	    "[cmd][]");
	CHECK_STR("split: quotes join a word", split_str("a'b c'\"d\"e"),
	    "[ab cde]");
	CHECK_STR("split: newlines and tabs separate",
	    split_str("sh\t-c\n'echo hi'\r\nx"), "[sh][-c][echo hi][x]");
	CHECK_STR("split: newline inside quotes is kept",
	    split_str("sh -c 'a\nb'"), "[sh][-c][a\nb]");
	CHECK_STR("split: unterminated single quote",
	    split_str("echo 'abc"), "ERR:unterminated ' quote");
	CHECK_STR("split: unterminated double quote",
	    split_str("echo \"abc"), "ERR:unterminated \" quote");
	CHECK_STR("split: escaped closing quote leaves it open",
	    split_str("echo \"abc\\\""), "ERR:unterminated \" quote");
	CHECK_STR("split: empty command", split_str(""), "ERR:empty command");
	CHECK_STR("split: blank command", split_str(" \t\n "),
	    "ERR:empty command");
	CHECK_STR("split: trailing backslash", split_str("echo \\"),
	    "ERR:trailing backslash");
}

/* The entries of an environment list as "[A=1][B=2]", or "ERR:...". */
static char env_result[1024];

static const char *
env_str(const char *s)
{
	char err[PARSE_ERRLEN] = "", **env;
	size_t i, used = 0;

	env = parse_environment(s, err, sizeof(err));
	if (env == NULL) {
		snprintf(env_result, sizeof(env_result), "ERR:%s", err);
		return env_result;
	}
	env_result[0] = '\0';
	for (i = 0; env[i] != NULL && used < sizeof(env_result); i++)
		used += (size_t)snprintf(env_result + used,
		    sizeof(env_result) - used, "[%s]", env[i]);
	strv_free(env);
	return env_result;
}

static void
test_environment(void)
{
	CHECK_STR("environment: A=\"x y\",B=2", env_str("A=\"x y\",B=2"),
	    "[A=x y][B=2]");
	CHECK_STR("environment: single quotes", env_str("A='single'"),
	    "[A=single]");
	CHECK_STR("environment: commas in quotes",
	    env_str("A=\"1,2\",B='3,4',C=5"), "[A=1,2][B=3,4][C=5]");
	CHECK_STR("environment: \\\" and \\\\ in double quotes",
	    env_str("A=\"q\\\"x\\\\y\""), "[A=q\"x\\y]");
	CHECK_STR("environment: blanks and newlines around commas",
	    env_str(" A=1 ,\n  B=2\t\n, C=\"3\" \n"), "[A=1][B=2][C=3]");
	CHECK_STR("environment: trailing comma", env_str("A=1,B=2,"),
	    "[A=1][B=2]");
	CHECK_STR("environment: empty values", env_str("A=,B=\"\""),
	    "[A=][B=]");
	CHECK_STR("environment: '=' inside a value", env_str("A=b=c"),
	    "[A=b=c]");
	CHECK_STR("environment: empty list", env_str(""), "");
	CHECK_STR("environment: missing =", env_str("A"),
	    "ERR:\"A\" has no '=value'");
	CHECK_STR("environment: missing = in a later item",
	    env_str("A=1,BEE"), "ERR:\"BEE\" has no '=value'");
	CHECK_STR("environment: leading comma", env_str(",A=1"),
	    "ERR:expected KEY=value at \",A=1\"");
	CHECK_STR("environment: unterminated double quote",
	    env_str("A=\"x y"), "ERR:unterminated \" quote in the value of A");
	CHECK_STR("environment: unterminated single quote",
	    env_str("A=1,LONG='x"),
	    "ERR:unterminated ' quote in the value of LONG");
	CHECK_STR("environment: garbage after a quoted value",
	    env_str("A=\"x\"y,B=1"), "ERR:expected ',' before \"y,B=1\"");
	CHECK_STR("environment: blanks around '=', as supervisord",
	    env_str("A = 1, B =\"2 3\" ,C\t=\t4"), "[A=1][B=2 3][C=4]");
	CHECK_STR("environment: a key, blanks, no '='",
	    env_str("A =1,B 2"), "ERR:\"B\" has no '=value'");
	CHECK_STR("environment: missing comma between items",
	    env_str("A='x' B=2"), "ERR:expected ',' before \"B=2\"");
}

static void
test_strv(void)
{
	char **a = strv_new(), **b;

	CHECK("strv: new is empty", a != NULL && strv_len(a) == 0);
	CHECK("strv: push", strv_push(&a, "x") == 0 && strv_push(&a, "y") == 0);
	CHECK("strv: len 2", strv_len(a) == 2);
	b = strv_dup(a);
	CHECK("strv: dup is equal", b != NULL && strv_equal(a, b));
	CHECK("strv: dup is a copy", b != NULL && b[0] != a[0]);
	strv_push(&b, "z");
	CHECK("strv: different lengths are not equal", !strv_equal(a, b));
	CHECK("strv: NULL has length 0", strv_len(NULL) == 0);
	strv_free(a);
	strv_free(b);
	strv_free(NULL);
}

static void
check_clean(const char *in, const char *want)
{
	char buf[256], label[300];

	snprintf(buf, sizeof(buf), "%s", in);
	path_clean(buf);
	snprintf(label, sizeof(label), "path_clean: \"%s\"", in);
	CHECK_STR(label, buf, want);
}

/* Two names of one log file compare equal once cleaned. */
static void
test_path_clean(void)
{
	check_clean("/var/log/a.log", "/var/log/a.log");
	check_clean("/var/log//a.log", "/var/log/a.log");
	check_clean("/var/log/./a.log", "/var/log/a.log");
	check_clean("/var/log/", "/var/log");
	check_clean("/var/log/.", "/var/log");
	check_clean("//", "/");
	check_clean("/", "/");
	check_clean("/./", "/");
	check_clean("/a/../b", "/a/../b");
	check_clean("/a/.hidden", "/a/.hidden");
}

int
main(void)
{
	UNIT_BEGIN("test_parse");
	test_duration();
	test_signal();
	test_bool();
	test_int();
	test_bytes();
	test_path_clean();
	test_umask();
	test_exitcodes();
	test_expand();
	test_split();
	test_environment();
	test_strv();
	return unit_failed;
}
