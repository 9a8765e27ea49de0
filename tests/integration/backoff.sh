#!/bin/bash
# A program that exits before startsecs goes BACKOFF, is retried
# startretries times with a delay capped by backoff_max, then goes FATAL
# and is not spawned again; the other programs keep running meanwhile.
. "$(dirname "$0")/../lib.sh"

t_config <<EOF2
[supervisor]
loglevel = debug

[program:flaky]
command = sh -c 'echo \$\$ >> $T/flaky.runs; exit 1'
startsecs = 1
startretries = 2
backoff_max = 0.2

# The delay doubles from 1s when backoff_max does not cap it.
[program:grower]
command = sh -c 'exit 2'
startsecs = 0.5
startretries = 2

[program:steady]
command = sleep 1000
startsecs = 0.1
EOF2
t_start
t_wait_log "steady is RUNNING"
steady=$(spawned_pid steady)
t_check "flaky goes BACKOFF after an exit before startsecs" \
	t_wait 10 log_has "flaky: STARTING -> BACKOFF"
t_check "the first failure is logged with its status" \
	log_has "flaky exited with status 1 before startsecs"
t_check "flaky gives up after 2 retries" \
	t_wait 10 log_has "flaky gave up after 2 retries \(FATAL\)"
t_check "retry 1 of 2 waits backoff_max" log_has "flaky: retry 1 of 2 in 0.2s"
t_check "retry 2 of 2 waits backoff_max" log_has "flaky: retry 2 of 2 in 0.2s"
t_check "the last failure goes STARTING -> FATAL" \
	log_has "flaky: STARTING -> FATAL"
first=$(log_ms "spawned flaky pid")
fatal=$(log_ms "flaky gave up")
t_check "two backoff delays of 0.2s passed before FATAL ($((fatal - first)) ms)" \
	test "$((fatal - first))" -ge 350
# Leave time for a wrong fourth attempt to show up.
sleep 0.6
t_check "flaky spawned exactly 3 times (log)" \
	test "$(log_count 'spawned flaky pid')" -eq 3
t_check "flaky ran exactly 3 times" test "$(wc -l < "$T/flaky.runs")" -eq 3
t_check "no retry 3" log_lacks "flaky: retry 3"
t_check "grower waits 1s, then 2s" \
	t_wait 10 log_has "grower gave up after 2 retries \(FATAL\)"
t_check "grower: retry 1 of 2 in 1s" log_has "grower: retry 1 of 2 in 1s"
t_check "grower: retry 2 of 2 in 2s" log_has "grower: retry 2 of 2 in 2s"
first=$(log_ms "spawned grower pid")
fatal=$(log_ms "grower gave up")
t_check "3s of backoff passed before grower's FATAL ($((fatal - first)) ms)" \
	test "$((fatal - first))" -ge 2900
t_check "grower spawned exactly 3 times" \
	test "$(log_count 'spawned grower pid')" -eq 3
t_check "steady kept running with the same pid" alive "$steady"
t_check "steady spawned once" test "$(log_count 'spawned steady pid')" -eq 1
t_stop TERM
t_check "supervisor exits 0 on SIGTERM" test "$SUP_STATUS" = 0
t_check "a FATAL program is not stopped again" log_lacks "stopping flaky"
t_check "steady stopped" log_has "steady stopped"
t_check "nothing left" no_program_left

# SIGTERM while a program waits in BACKOFF: the wait is cancelled, the
# program is not spawned again and the supervisor exits at once.
t_config <<EOF2
[supervisor]
loglevel = debug

[program:waiting]
command = sh -c 'exit 1'
startsecs = 1
startretries = 5
EOF2
t_start
t_wait_log "waiting: retry 1 of 5 in 1s"
t_stop TERM
t_check "exit 0 with a program in BACKOFF" test "$SUP_STATUS" = 0
t_check "BACKOFF -> STOPPED on teardown" log_has "waiting: BACKOFF -> STOPPED"
t_check "not spawned again during teardown" \
	test "$(log_count 'spawned waiting pid')" -eq 1
began=$(log_ms "SIGTERM received")
ended=$(log_ms "supervisor exiting")
t_check "teardown did not wait for the 1s backoff ($((ended - began)) ms)" \
	test "$((ended - began))" -lt 900
t_check "nothing left after the BACKOFF teardown" no_program_left
t_done
