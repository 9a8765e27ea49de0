#!/bin/bash
# healthcheck = ...: a RUNNING process whose check fails healthcheck_retries
# times in a row is restarted, its whole tree stopped (stop signal, then
# grace), the probe's last error logged and shown; a check that hangs is
# cut at healthcheck_timeout, what it forked killed with it; a notify
# program that stops sending WATCHDOG=1 is restarted after watchdog_sec.
. "$(dirname "$0")/../lib.sh"

touch "$T/healthy"

t_config <<EOF2
[supervisor]
loglevel = debug
[program:web]
command = sh -c 'sleep 1000 & sleep 1000'
startsecs = 0
healthcheck = exec:test -e $T/healthy
healthcheck_interval = 0.1
healthcheck_retries = 3
[program:hang]
command = sleep 1000
startsecs = 0
healthcheck = exec:echo \$\$ >> $T/hang.pids; sleep 1000 & echo \$! >> $T/hang.pids; trap '' TERM; sleep 1000
healthcheck_interval = 0.2
healthcheck_timeout = 0.3
healthcheck_retries = 1000
[program:dog]
command = $PY $READY_D/notify_ready.py - 0.1 10
ready = notify
watchdog_sec = 0.5
EOF2
t_start
t_check "web RUNNING" t_wait 20 state_is web RUNNING
web_pid=$SPAWN_PID
t_check "web's child is in its tree" t_wait 10 eval '[ "$(program_pids | wc -l)" -ge 3 ]'
t_check "web healthy" t_wait 20 eval 'status_info web && [ "$INFO" = healthy ]'
rm "$T/healthy"
t_check "web: restarted after 3 failed checks" \
	t_wait 20 log_has "web: restarting: health check failed 3 times in a row; the last: exec:test -e $T/healthy: status 1"
t_check "web: the failures were counted one by one" \
	log_has "web: health check failed \(2 of 3\)"
t_check "web: a new pid" t_wait 20 eval 'state_is web RUNNING && [ "$SPAWN_PID" != "$web_pid" ]'
t_check "web: the old tree is gone" t_wait 10 gone "$web_pid"
touch "$T/healthy"
t_check "web: healthy again after its restart" \
	t_wait 20 eval 'status_info web && [ "$INFO" = healthy ]'

# A check that ignores SIGTERM, forks and never exits: cut at its timeout.
t_check "hang: its checks time out" \
	t_wait 20 log_has "hang: health check failed \(2 of 1000\): exec:.*did not exit in time \(killed\)"
t_check "hang: nothing of its timed-out checks is left" t_wait 10 eval '
	n=0; for p in $(head -n 4 "$T/hang.pids"); do alive "$p" && n=$((n + 1)); done; [ "$n" = 0 ]'
t_check "hang: still RUNNING, same process" state_is hang RUNNING

# The watchdog: ten pings 0.1 s apart, then silence.
t_check "dog: RUNNING" t_wait 20 state_is dog RUNNING
t_check "dog: restarted once its watchdog ran out" \
	t_wait 20 log_has "dog: restarting: no WATCHDOG=1 within watchdog_sec = 0.5s"
t_check "dog: the restart came after the pings stopped" \
	eval '[ "$(log_count "dog: restarting")" -ge 1 ]'
t_stop TERM
t_check "supervisor exits 0" test "$SUP_STATUS" = 0
t_check "nothing left" no_program_left
t_done
