#!/bin/bash
# A RUNNING program that crashes is restarted at once, with a new pid in a
# new process group of its own; expected exits are not restarted.
. "$(dirname "$0")/../lib.sh"

t_config <<EOF2
[program:crasher]
command = sh -c 'echo \$\$ >> $T/crasher.pids; sleep 0.7; exit 3'
startsecs = 0.3

[program:steady]
command = sleep 1000
startsecs = 0.1

[program:done]
command = sh -c 'sleep 0.4; exit 0'
startsecs = 0.1
EOF2
t_start
t_check "crasher is restarted after exit 3" t_wait 10 log_has "crasher exited with status 3; restarting"
t_check "restarted at least twice" t_wait 10 bash -c "[ \$(wc -l < $T/crasher.pids) -ge 3 ]"
t_check "expected exit 0 is not restarted" t_wait 10 log_has "done exited with status 0 \(expected\)"
t_wait_log "steady is RUNNING"
pid=$(spawned_pid steady)
t_check "program leads its own process group" \
	test "$(ps -o pgid= -p "$pid" | tr -d ' ')" = "$pid"
t_check "children see SUPERVISOR_ENABLED and SUPERVISOR_PROCESS_NAME" \
	bash -c "tr '\0' '\n' < /proc/$pid/environ | grep -qx SUPERVISOR_ENABLED=1 &&
		tr '\0' '\n' < /proc/$pid/environ | grep -qx SUPERVISOR_PROCESS_NAME=steady"
t_check "only 0, 1, 2 are open in the child" \
	bash -c "[ \"\$(ls /proc/$pid/fd | sort -n | tr '\n' ' ')\" = '0 1 2 ' ]"
t_check "done spawned exactly once" test "$(log_count 'spawned done pid')" -eq 1
t_stop TERM
t_check "supervisor exits 0 on SIGTERM" test "$SUP_STATUS" = 0
t_check "nothing left" no_program_left
t_done
