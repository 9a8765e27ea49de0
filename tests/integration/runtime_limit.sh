#!/bin/bash
# runtime_limit: when a process has run that long, its whole tree is
# stopped (the usual stop signal, SIGKILL after stopwaitsecs), and the
# stop counts as an unexpected exit: autorestart=true starts a new one,
# autorestart=false leaves it EXITED.
. "$(dirname "$0")/../lib.sh"

# Each program notes its own pid and its child's, for the test to follow.
t_config <<EOF2
[supervisor]
loglevel = debug

[program:limited]
command = sh -c 'echo \$\$ >> $T/limited.pids; sleep 1000 & echo \$! >> $T/limited.kids; wait'
runtime_limit = 0.5
autorestart = true
startsecs = 0.1

[program:once]
command = sh -c 'echo \$\$ >> $T/once.pids; sleep 1000 & echo \$! >> $T/once.kids; wait'
runtime_limit = 0.5
autorestart = false
startsecs = 0.1

[program:stubborn]
command = sh -c 'trap "" TERM; echo \$\$ >> $T/stubborn.pids; sleep 1000 & echo \$! >> $T/stubborn.kids; wait'
runtime_limit = 0.3
stopwaitsecs = 0.3
autorestart = false
startsecs = 0.1
EOF2

lines_ge() { [ -f "$1" ] && [ "$(wc -l < "$1")" -ge "$2" ]; }
first() { head -n 1 "$1"; }
# Milliseconds from each "spawned NAME" to the "runtime limit" line that
# follows it, one a line.  "spawned" is logged after the limit timer is
# set, so a limit that runs from the spawn gives at least the limit less
# 1 ms of time-stamp truncation (2 ms allowed).
limit_runtimes() {
	grep -E "spawned $1 pid|$1: runtime limit" "$T/log" | while read -r d t rest; do
		ms=$(stamp_ms "$d" "$t")
		case $rest in
		*spawned*) start=$ms ;;
		*) [ -n "$start" ] && echo $((ms - start)) && start= ;;
		esac
	done
}

t_start

# autorestart = true: stopped at the limit, a new process follows.
t_check "limited: log says runtime limit 0.5s reached" \
	t_wait_log "limited: runtime limit 0.5s reached"
ms=$(( $(log_ms "limited: runtime limit") - $(log_ms "spawned limited pid") ))
t_check "limited: limit reached ${ms} ms after the spawn" \
	test "$ms" -ge 250 -a "$ms" -le 5000
t_check "limited: stopped with its stop signal" \
	t_wait_log "limited: leader exited with signal 15 \(TERM\)"
leader=$(first "$T/limited.pids")
kid=$(first "$T/limited.kids")
t_check "limited: first process $leader is gone" t_wait 5 gone "$leader"
t_check "limited: its child $kid is gone" t_wait 5 gone "$kid"
t_check "limited: a new process is spawned" \
	t_wait 10 spawned_at_least limited 2
t_check "limited: the new process runs (another pid)" \
	t_wait 10 lines_ge "$T/limited.pids" 2
t_check "limited: the new pid differs" \
	test "$(sed -n 2p "$T/limited.pids")" != "$leader"

# autorestart = false: stopped at the limit, then EXITED for good.
t_check "once: log says runtime limit 0.5s reached" \
	t_wait_log "once: runtime limit 0.5s reached"
t_check "once: stopped" t_wait_log "once stopped"
t_check "once: ends EXITED" t_wait_log "once: STOPPED -> EXITED"
t_check "once: process and child are gone" \
	t_wait 5 eval "gone $(first "$T/once.pids") && gone $(first "$T/once.kids")"

# Ignores SIGTERM: SIGKILLed after stopwaitsecs.
t_check "stubborn: log says runtime limit 0.3s reached" \
	t_wait_log "stubborn: runtime limit 0.3s reached"
t_check "stubborn: SIGTERM first" t_wait_log "stopping stubborn \(SIGTERM\)"
t_check "stubborn: SIGKILL after stopwaitsecs" \
	t_wait_log "stubborn did not stop within 0.3s; sending SIGKILL"
t_check "stubborn: the leader died of SIGKILL" \
	t_wait_log "stubborn: leader exited with signal 9 \(KILL\)"
t_check "stubborn: stopped" t_wait_log "stubborn stopped"
t_check "stubborn: process and child are gone" \
	t_wait 5 eval "gone $(first "$T/stubborn.pids") && gone $(first "$T/stubborn.kids")"

# Let a restart that should not happen have time to happen.
sleep 1.5
t_check "once: spawned exactly once" test "$(log_count 'spawned once pid')" -eq 1
t_check "stubborn: spawned exactly once" \
	test "$(log_count 'spawned stubborn pid')" -eq 1
t_check "limited: keeps being restarted" \
	t_wait 10 spawned_at_least limited 3
t_pass "limited: runtimes until the limit: $(limit_runtimes limited | tr '\n' ' ')ms"

t_stop TERM
t_check "supervisor exits 0 on SIGTERM (got $SUP_STATUS)" test "$SUP_STATUS" = 0
t_check "nothing left" no_program_left

# The limit (and startsecs) count from the spawn even when the loop is
# busy starting other processes first (20 of them here).
t_config <<EOF2
[program:filler]
command = sleep 1000
process_name = filler_%(process_num)02d
numprocs = 20
startsecs = 0.1

[program:late]
command = sleep 1000
runtime_limit = 1
autorestart = false
startsecs = 0.1
EOF2
t_start
t_check "late: log says runtime limit 1s reached" \
	t_wait_log "late: runtime limit 1s reached"
# The uptime the supervisor logs, from the monotonic clock, in ms.
logged_up_ms() {
	log_first "$1"
	[[ $LINE =~ \(up\ ([0-9]+)\.([0-9]{3})s\) ]] &&
		echo $(( 10#${BASH_REMATCH[1]} * 1000 + 10#${BASH_REMATCH[2]} ))
}
ms=$(logged_up_ms "late is RUNNING")
t_check "late: RUNNING only after startsecs 0.1 s (after ${ms} ms)" \
	test "${ms:-0}" -ge 99
ms=$(logged_up_ms "late: runtime limit")
t_check "late: the limit is reached after a runtime of 1 s (ran ${ms} ms)" \
	test "${ms:-0}" -ge 999
t_stop TERM
t_check "late: supervisor exits 0 on SIGTERM (got $SUP_STATUS)" \
	test "$SUP_STATUS" = 0
t_check "late: nothing left" no_program_left
t_done
