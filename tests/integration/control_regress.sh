#!/bin/bash
# control_regress.sh: three bugs the control tests found, each once fixed:
#  1. a process whose tree was SIGKILLed (cgroup.kill) died of SIGKILL at
#     every later start: its cgroup is now made anew;
#  2. a stop that finished inside the loop's tree check was answered only
#     when something else woke the loop (here: never, for 30 s);
#  3. a reply that came due in the loop iteration where the client's idle
#     timer fired was lost with the client.
. "$(dirname "$0")/../lib.sh"


t_config <<EOF
[supervisor]
control_timeout = 30

[program:tree]
command = sh -c 'sleep 1000 & wait'
startsecs = 0.1

[program:stub]
command = sh -c 'trap "" TERM; exec sleep 1000'
startsecs = 0.5
stopwaitsecs = 0.3
EOF
t_start
t_check "tree is RUNNING" t_wait_log "tree is RUNNING"
t_check "stub is RUNNING" t_wait_log "stub is RUNNING"

ctl_check "2: stop tree (a child shell, an orphan sleep)" 0 stop tree
t_check "2: answered at once, not after control_timeout (${MS} ms)" \
	test "$MS" -lt 2000
t_check "2: says stopped" grep -qx "tree: stopped" <<< "$OUT"

ctl_check "1: stop stub (ignores SIGTERM: SIGKILL)" 0 stop stub
t_check "1: the stop ended in SIGKILL" \
	log_has "stub did not stop within 0.3s; sending SIGKILL"
for round in 1 2; do
	ctl_check "1: start stub after its SIGKILL (round $round)" 0 start stub
	t_check "1: says started (round $round)" \
		grep -qx "stub: started" <<< "$OUT"
	pid=$(spawned_pid stub)
	t_check "1: stub pid $pid alive (round $round)" alive "$pid"
	ctl_check "1: stop stub again (round $round)" 0 stop stub
done
t_check "1: no start died of SIGKILL" \
	log_lacks "stub exited with signal 9 \(KILL\) before startsecs"
t_stop TERM
t_check "supervisor exits 0 on SIGTERM (got $SUP_STATUS)" test "$SUP_STATUS" = 0

# 3: startsecs a whole number of control_timeouts: the reply comes due
# when the client's idle timer does.
t_config <<EOF
[supervisor]
control_timeout = 1

[program:slow]
command = sleep 1000
startsecs = 2
autostart = false
EOF
t_start
t_check "3: supervisor started" t_wait_log "started as pid"
for round in 1 2 3; do
	ctl_check "3: start slow, startsecs 2 = 2 x control_timeout (round $round)" 0 \
		start slow
	t_check "3: says started (round $round)" \
		grep -qx "slow: started" <<< "$OUT"
	ctl_check "3: stop slow (round $round)" 0 stop slow
done
t_check "3: no client dropped" log_lacks "dropped"
t_stop TERM
t_check "supervisor exits 0 on SIGTERM (got $SUP_STATUS)" test "$SUP_STATUS" = 0
t_check "nothing left" no_program_left
t_done
