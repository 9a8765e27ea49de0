#!/bin/bash
# Debian's supervisorctl against this supervisor and against supervisord
# 4.2.5 on the same config, as supervisorctl.sh: reread and update (a
# program leaves its group, one goes, one comes), add, remove, avail,
# maintail, version, shutdown; update GROUP applying that group alone.
. "$(dirname "$0")/../lib.sh"

if ! [ -x /usr/bin/supervisorctl ] || ! [ -x /usr/bin/supervisord ]; then
	t_pass "skipped: Debian's supervisor package is not installed"
	exit 0
fi
sctl_start_both
# maintail: both print their own log; ours has its lines.
sctl ours maintail -1000
t_check "maintail: our log's lines" grep -q 'spawned' "$T/ours/out"
t_check "maintail: exit 0" grep -qx 'exit 0' "$T/ours/out"

# update: b leaves the group; c is removed; d is added.
for who in ours mine theirs; do
	sed -i -e 's/^programs = a,b$/programs = a/' \
	    -e 's/^\[program:c\]$/[program:d]/' "$T/$who/sup.conf"
done
sctl_both "reread: changes" reread
SORTED=1 sctl_both "update" update
# b, out of its group now, restarted; startsecs = 1.
b_running() { sctl "$1" status b; grep -q RUNNING "$T/$1/out"; }
t_check "update: b RUNNING again under ours" t_wait 20 b_running ours
t_check "update: b RUNNING again under mine" t_wait 20 b_running mine
t_check "update: b RUNNING again under supervisord" t_wait 20 b_running theirs
sctl_both "status after update" status
sctl_both "remove a running group" remove d
sctl_both "stop, then remove" stop d
sctl_both "remove" remove d
sctl_both "add it back" add d
sctl_both "add it again" add d
sctl_both "avail after" avail
# update GROUP: that group's changes alone; e, new, waits for its own.
for who in ours mine theirs; do
	sed -i '/^\[program:a\]$/,/^$/s/sleep 1000/sleep 1001/' "$T/$who/sup.conf"
	printf '\n[program:e]\ncommand = sleep 1000\nstartsecs = 0\n' \
	    >> "$T/$who/sup.conf"
done
sctl_both "reread: web changed, e available" reread
sctl_both "update web" update web
sctl_both "reread: e still available" reread
sctl_both "update e" update e
sctl_both "update: nothing left" update
# version: each its own.
sctl ours version
t_check "version: ours" grep -qx "$("$SUPERVISOR" --version | awk '{print $NF}')" \
	"$T/ours/out"
sctl_both "shutdown" shutdown
t_check "shutdown: ours exits 0" t_wait 20 eval '! kill -0 $SUP_PID 2>/dev/null'
wait "$SUP_PID"
t_check "shutdown: exit status 0" test $? = 0
t_check "shutdown: mine exits" t_wait 20 eval '! kill -0 $MINE_PID 2>/dev/null'
t_check "shutdown: supervisord exits" t_wait 20 eval '! kill -0 $THEIR_PID 2>/dev/null'
wait "$THEIR_PID"
t_check "nothing left" t_wait 10 no_program_left
