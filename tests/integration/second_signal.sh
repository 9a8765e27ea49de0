#!/bin/bash
# A second stop signal during teardown skips the grace period: every
# program still running, at any priority level, gets SIGKILL at once, and
# the supervisor exits 0 without waiting for stopwaitsecs.
. "$(dirname "$0")/../lib.sh"

all_ignore_term() {
	local pid
	group_scan "$1"
	for pid in "${GROUP[@]}"; do ignores "$pid" 15 || return 1; done
}

# Both programs ignore SIGTERM in their whole group and would be given
# 30s each; low (priority 1) is not even asked to stop before the second
# signal, since high (priority 2) is stopped first.
t_config <<EOF2
[program:high]
command = sh -c 'trap "" TERM; sleep 1000 & wait'
priority = 2
startsecs = 0.1
stopwaitsecs = 30

[program:low]
command = sh -c 'trap "" TERM; sleep 1000 & wait'
priority = 1
startsecs = 0.1
stopwaitsecs = 30
EOF2
for second in TERM INT; do
	t_start
	t_wait_log "high is RUNNING"
	t_wait_log "low is RUNNING"
	high=$(spawned_pid high)
	low=$(spawned_pid low)
	t_wait 10 group_size "$high" 2
	t_wait 10 group_size "$low" 2
	t_check "TERM+$second: set-up: high ignores SIGTERM" \
		t_wait 10 all_ignore_term "$high"
	t_check "TERM+$second: set-up: low ignores SIGTERM" \
		t_wait 10 all_ignore_term "$low"
	pids="$(group_pids "$high") $(group_pids "$low")"
	start=$(now_ms)
	kill -TERM "$SUP_PID"
	t_check "TERM+$second: high is being stopped" t_wait 10 log_has "stopping high"
	# Inside high's grace period: nothing must have given up on it yet.
	sleep 0.5
	t_check "TERM+$second: still running after 0.5s" kill -0 "$SUP_PID"
	t_check "TERM+$second: low waits for high" log_lacks "stopping low"
	t_stop "$second" 20
	elapsed=$(( $(now_ms) - start ))
	t_check "TERM+$second: supervisor exits 0" test "$SUP_STATUS" = 0
	t_check "TERM+$second: exits within 8s (${elapsed} ms)" test "$elapsed" -lt 8000
	t_check "TERM+$second: the second signal is logged" \
		log_has "second stop signal \\(SIG$second\\); killing all programs now"
	t_check "TERM+$second: high stopped" log_has "high stopped"
	t_check "TERM+$second: low stopped" log_has "low stopped"
	t_check "TERM+$second: no 30s grace period ran out" log_lacks "did not stop"
	for pid in $pids; do
		t_check "TERM+$second: process $pid is gone" gone "$pid"
	done
	t_check "TERM+$second: nothing left" no_program_left
done
t_done
