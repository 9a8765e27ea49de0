#!/bin/bash
# Debian's supervisorctl, unmodified, against this supervisor and against
# Debian's supervisord 4.2.5 on the same config (lib.sh: sctl_conf): each
# command's output and exit status must be equal, apart from pids,
# uptimes and dates.  status, start, stop, restart (names, GROUP:NAME,
# GROUP:*, all), signal, pid, shutdown.  supervisorctl_tail.sh does tail,
# tail -f, clear; supervisorctl_update.sh reread, update, add, remove,
# avail, maintail, version.
. "$(dirname "$0")/../lib.sh"

if ! [ -x /usr/bin/supervisorctl ] || ! [ -x /usr/bin/supervisord ]; then
	t_pass "skipped: Debian's supervisor package is not installed"
	exit 0
fi
sctl_start_both
sctl_both "status" status
sctl_both "status of names" status web:a c
sctl_both "status of a group" status 'web:*'
sctl_both "status of an unknown name" status nosuch
sctl_both "stop GROUP:NAME" stop web:a
sctl_both "stop it again" stop web:a
sctl_both "start GROUP:*" start 'web:*'
sctl_both "start a running one" start c
SORTED=1 sctl_both "stop a group by name" stop web:
# once (sleep 0.1) has exited under all three before the next command.
once_exited_all() {
	local who
	for who in ours mine theirs; do
		t_wait 10 eval "sctl $who status once; grep -q EXITED \"\$T/$who/out\"" ||
			t_fail "once did not exit under $who"
	done
}
SORTED=1 sctl_both "restart all" restart all
once_exited_all
sctl_both "start one that exits at once" start once
once_exited_all
sctl_both "status after" status
sctl_both "signal" signal USR1 web:a
sctl_both "signal an unknown name" signal HUP nosuch
sctl_both "signal a bad signal" signal NOSUCHSIG c
sctl_both "pid of a process" pid c
sctl_both "pid of an unknown name" pid nosuch
sctl_both "shutdown" shutdown
t_check "shutdown: ours exits" t_wait 20 eval '! kill -0 $SUP_PID 2>/dev/null'
t_check "shutdown: mine exits" t_wait 20 eval '! kill -0 $MINE_PID 2>/dev/null'
t_check "shutdown: supervisord exits" t_wait 20 eval '! kill -0 $THEIR_PID 2>/dev/null'
wait "$THEIR_PID"
t_check "nothing left" t_wait 10 no_program_left
