#!/bin/bash
# attack_env.sh: what a program run as another user learns of root's
# environment, and what a value from the environment can do to a config.
# A program with user= gets the locale, the time zone, PATH and its own
# variables, not root's secrets, agent sockets or descriptors, unless
# inherit_environment says; %(ENV_X)s is inserted as data: a comma, a
# quote or a blank in it never adds a variable or an argument.
. "$(dirname "$0")/../lib.sh"

if [ "$(id -u)" != 0 ]; then
	t_pass "skipped: needs root (the program runs as nobody)"
	t_done
fi
chmod 755 "$T"
mkdir -m 777 "$T/o"
export API_TOKEN=s3cr3t SSH_AUTH_SOCK=/run/root-agent LISTEN_FDS=3 \
    LANG=C.UTF-8 TZ=Europe/Paris
export EVIL_PAIR='x, INJECTED="yes"' EVIL_WORDS="a b 'c"
t_config <<EOF2
[program:nobody]
user = nobody
command = sh -c 'env > $T/o/nobody.env; exec sleep 1000'
environment = MINE="ok", FROM_ENV=%(ENV_EVIL_PAIR)s,
    SUPERVISOR_TEST_TAG="%(ENV_SUPERVISOR_TEST_TAG)s"
startsecs = 0
[program:inherits]
user = nobody
inherit_environment = true
command = sh -c 'env > $T/o/inherits.env; exec sleep 1000'
startsecs = 0
[program:root]
command = sh -c 'env > $T/o/root.env; exec sleep 1000'
startsecs = 0
[program:words]
command = sh -c 'printf "[%%s]" "\$@" > $T/o/words.out; exec sleep 1000' sh %(ENV_EVIL_WORDS)s end
startsecs = 0
EOF2
t_start
t_check "the supervisor is up" t_wait 10 answers
t_check "the programs ran" t_wait 10 eval '[ -s "$T/o/nobody.env" ] &&
	[ -s "$T/o/inherits.env" ] && [ -s "$T/o/root.env" ] &&
	[ -s "$T/o/words.out" ]'
has() { grep -qx -- "$2" "$T/o/$1.env"; }
lacks() { ! grep -q -- "^$2=" "$T/o/$1.env"; }
t_check "another user's program: no API_TOKEN" lacks nobody API_TOKEN
t_check "another user's program: no SSH_AUTH_SOCK" lacks nobody SSH_AUTH_SOCK
t_check "another user's program: no LISTEN_FDS" lacks nobody LISTEN_FDS
t_check "another user's program: LANG, TZ and PATH" \
	eval 'has nobody LANG=C.UTF-8 && has nobody TZ=Europe/Paris &&
	    grep -q "^PATH=" "$T/o/nobody.env"'
t_check "another user's program: its HOME and USER" \
	eval 'has nobody USER=nobody && has nobody "HOME=$(getent passwd nobody | cut -d: -f6)"'
t_check "another user's program: its own environment= and SUPERVISOR_*" \
	eval 'has nobody MINE=ok && has nobody SUPERVISOR_PROCESS_NAME=nobody'
t_check "a value from the environment is data: one variable" \
	has nobody 'FROM_ENV=x, INJECTED="yes"'
t_check "... and no variable of its making" lacks nobody INJECTED
t_check "inherit_environment = true: all of it" \
	eval 'has inherits API_TOKEN=s3cr3t && has inherits SSH_AUTH_SOCK=/run/root-agent'
t_check "a root program: all of it, as supervisord" \
	has root API_TOKEN=s3cr3t
t_check "a value from the environment is one argument, whatever it holds" \
	eval '[ "$(cat "$T/o/words.out")" = "[a b '"'"'c][end]" ]'
t_stop TERM
t_check "exits 0 (got $SUP_STATUS)" test "$SUP_STATUS" = 0
t_done
