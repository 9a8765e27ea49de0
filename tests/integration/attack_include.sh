#!/bin/bash
# attack_include.sh: a user plants config where a root supervisor reads
# its includes (a sticky, world-writable drop-in directory): a link to a
# root-owned file whose content the user controls (the log a user=nobody
# program writes, as root), and a file of its own.  Neither is read; the
# rest of the config still reloads, and the loop answers throughout.
. "$(dirname "$0")/../lib.sh"

if [ "$(id -u)" != 0 ]; then
	t_pass "skipped: needs root (the attacker is nobody)"
	t_done
fi
chmod 755 "$T"
mkdir -m 755 "$T/logs"
mkdir -m 1777 "$T/conf.d"
# What the attacker wants root to run: it would leave this file.
pwned=$T/pwned
t_config <<EOF2
[supervisor]
loglevel = debug
# The test tag, for the cleanup, reaches programs run as nobody too.
inherit_environment = true
[include]
files = $T/conf.d/*.ini
[program:talker]
user = nobody
command = sh -c 'printf "[program:pwn]\\\\ncommand = touch $pwned\\\\n"; exec sleep 1000'
stdout_logfile = $T/logs/talker.log
startsecs = 0
EOF2
t_start
t_check "the supervisor is up" t_wait 10 answers
t_check "the program's output is in its log, a root-owned file" \
	t_wait 10 eval 'grep -q "program:pwn" "$T/logs/talker.log"'
t_check "its log is root's" eval '[ "$(stat -c %u "$T/logs/talker.log")" = 0 ]'

# The attacker: a link to that log; the watch reloads.
as_user nobody ln -s "$T/logs/talker.log" "$T/conf.d/pwn.ini"
t_check "the link is skipped, named" \
	t_wait 10 log_has "conf.d/pwn.ini: warning: skipped: refusing a config file others could have written"
t_check "the reload went on without it" \
	t_wait 10 log_has "reload \\(the config file changed\\): "
t_sleep 0.5
t_check "what it links to did not run" test ! -e "$pwned"
t_check "no program of theirs is in the table" \
	eval '! "$CLIENT" status 2>/dev/null | grep -q "^pwn"'

# Then a file of its own.
printf '[program:pwn2]\ncommand = touch %s\n' "$pwned" |
	as_user nobody tee "$T/conf.d/drop.ini" > /dev/null
t_check "the dropped file is skipped, named" \
	t_wait 10 log_has "conf.d/drop.ini: warning: skipped: refusing a config file others could have written"
t_check "status answers" answers status
t_check "status answers fast (${MS} ms)" test "$MS" -lt 1000
t_sleep 0.5
t_check "nothing of theirs ran" test ! -e "$pwned"

# Root's own drop-in in the same directory is still read: the attacker's
# files do not stop later reloads.
printf '[program:ok]\ncommand = sleep 1000\nstartsecs = 0\n' > "$T/conf.d/ok.ini"
t_check "root's drop-in is added" t_wait 10 eval 'state_is ok RUNNING'
t_check "still nothing of theirs ran" test ! -e "$pwned"
t_stop TERM
t_check "exits 0 (got $SUP_STATUS)" test "$SUP_STATUS" = 0
t_done
