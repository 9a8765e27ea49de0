#!/bin/bash
# notify_kill.sh: the notify socket's directory (under /run as root) is
# removed by the guardian when a SIGKILL leaves the supervisor no chance
# to: its name holds the supervisor's pid.  What the sweep must not touch,
# planted under that pid's name as an attacker would: a directory of
# another user and a symbolic link to a directory of ours.
. "$(dirname "$0")/../lib.sh"

t_config <<EOF
[program:app]
command = sh -c 'echo "\$NOTIFY_SOCKET" > $T/socket; exec sleep 1000'
ready = notify
ready_timeout = 1000
EOF
t_start
t_check "app got a notify socket" t_wait 20 slowly test -s "$T/socket"
sock=$(cat "$T/socket")
dir=${sock%/notify}
spid=$(supervisor_pid)
[ -n "$spid" ] && [ -n "$dir" ] || { t_fail "no supervisor pid or notify directory"; t_done; exit; }
t_check "the socket's directory holds the supervisor's pid ($dir)" \
	eval '[[ "$dir" == */supervisor-notify."$spid".* ]]'
base=${dir%/*}
other="$base/supervisor-notify.$spid.other1"
link="$base/supervisor-notify.$spid.link1"
mkdir "$T/mine" && touch "$T/mine/notify"
mkdir "$other" && touch "$other/notify" && chown -R nobody "$other"
ln -s "$T/mine" "$link"

kill -KILL "$spid"
t_check "the guardian exits after the supervisor's SIGKILL" t_wait_exit 30
t_check "the notify directory is gone" test ! -e "$dir"
t_check "another user's directory by that name is left" test -e "$other/notify"
t_check "a link by that name is left, and what it leads to" \
	eval 'test -L "$link" && test -e "$T/mine/notify"'
rm -rf "$other" "$link"
t_check "nothing left" no_program_left
t_done
