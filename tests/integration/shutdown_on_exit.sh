#!/bin/bash
# shutdown_on_exit: when that program ends (true: any exit; unexpected:
# an exit status not in exitcodes, or a signal; fatal: it gave up
# starting), everything is torn down and the guardian leaves with that
# program's exit status, 128+signal if it was killed.
. "$(dirname "$0")/../lib.sh"

# --- true: exit 7 ends everything with status 7.
t_config <<EOF2
[program:quitter]
command = sh -c 'sleep 0.5; exit 7'
startsecs = 0.1
shutdown_on_exit = true

[program:steady]
command = sleep 1000
startsecs = 0.1
EOF2
t_start
t_wait_log "steady is RUNNING"
steady=$(spawned_pid steady)
t_wait_exit 20
t_check "true: guardian exits with the program's status 7 (got $SUP_STATUS)" \
	test "$SUP_STATUS" = 7
t_check "true: log says why" log_has \
	"quitter exited and has shutdown_on_exit = true; stopping everything \(exit status 7\)"
t_check "true: the other program was stopped" log_has "steady stopped"
t_check "true: the other program's pid $steady is gone" gone "$steady"
t_check "true: nothing left" no_program_left
end_run

# --- unexpected: a program killed by SIGKILL ends everything with 137.
t_config <<EOF2
[program:victim]
command = sleep 1000
startsecs = 0.1
exitcodes = 0
shutdown_on_exit = unexpected

[program:steady]
command = sleep 1000
startsecs = 0.1
EOF2
t_start
t_wait_log "victim is RUNNING"
t_wait_log "steady is RUNNING"
steady=$(spawned_pid steady)
kill -KILL "$(spawned_pid victim)"
t_wait_exit 20
t_check "unexpected: SIGKILL gives guardian status 137 (got $SUP_STATUS)" \
	test "$SUP_STATUS" = 137
t_check "unexpected: log says why" log_has \
	"victim exited and has shutdown_on_exit = unexpected; stopping everything \(exit status 137\)"
t_check "unexpected: the other program's pid $steady is gone" gone "$steady"
t_check "unexpected: nothing left" no_program_left
end_run

# --- fatal: a missing binary gives up after startretries; the status is
# that of the last failed exec, 127.
t_config <<EOF2
[program:missing]
command = $T/no-such-binary
startretries = 1
backoff_max = 0.1
shutdown_on_exit = fatal

[program:steady]
command = sleep 1000
startsecs = 0.1
EOF2
t_start
t_wait_exit 20
t_check "fatal: guardian exits 127, the failed exec's status (got $SUP_STATUS)" \
	test "$SUP_STATUS" = 127
t_check "fatal: exec error logged" \
	log_has "missing: exec $T/no-such-binary: No such file or directory"
t_check "fatal: retried once after backoff_max 0.1s" \
	log_has "missing: retry 1 of 1 in 0.1s"
t_check "fatal: tried exactly twice" \
	test "$(log_count 'spawned missing pid')" -eq 2
t_check "fatal: log says why" log_has \
	"missing went FATAL and has shutdown_on_exit = fatal; stopping everything \(exit status 127\)"
t_check "fatal: the other program was stopped" log_has "steady stopped"
t_check "fatal: nothing left" no_program_left
end_run

# --- unexpected: an expected exit (status 0) does not shut down.
t_config <<EOF2
[program:fine]
command = sh -c 'sleep 0.3; exit 0'
startsecs = 0.1
exitcodes = 0
shutdown_on_exit = unexpected

[program:steady]
command = sleep 1000
startsecs = 0.1
EOF2
t_start
t_check "unexpected: exit 0 is expected" \
	t_wait_log "fine exited with status 0 \(expected\)"
steady=$(spawned_pid steady)
sleep 1
t_check "unexpected: the supervisor keeps running after an expected exit" \
	kill -0 "$SUP_PID"
t_check "unexpected: the other program keeps running" alive "$steady"
t_check "unexpected: no teardown begun" eval '! log_has "stopping everything"'
t_stop TERM
t_check "unexpected: SIGTERM then gives exit status 0 (got $SUP_STATUS)" \
	test "$SUP_STATUS" = 0
t_check "unexpected: nothing left" no_program_left
t_done
