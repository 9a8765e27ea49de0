#!/bin/bash
# attack_storm.sh: hundreds of programs that crash and restart at once, as
# a program that wants the supervisor deaf would arrange: the loop keeps
# answering its clients between spawns (a bounded number of spawns per
# loop round), every program keeps being restarted, and nothing is left
# after the teardown.  Latency figures are make bench's; the bounds here
# are wide, for a loaded machine.
. "$(dirname "$0")/../lib.sh"

# The sanitizer build spawns several times slower (no memory is shared
# with the child, and its address space is huge): fewer programs there.
N=300
[[ $SUPERVISOR == */asan/* ]] && N=100
{
	for i in $(seq -f %03g 1 "$N"); do
		printf '[program:p%s]\ncommand = sleep 0.6\nstartsecs = 0\n' "$i"
		printf 'autorestart = true\nstartretries = 1000000\n'
		printf 'stdout_logfile = NONE\nstderr_logfile = NONE\n\n'
	done
} | t_config
t_start
t_check "the supervisor is up" t_wait 20 answers
t_check "every program has run" t_wait 20 eval \
	'[ "$(log_count "spawned p")" -ge '"$N"' ]'
worst=0
slow=0
for i in $(seq 1 15); do
	ctl status
	[ "$MS" -gt "$worst" ] && worst=$MS
	[ "$MS" -gt 300 ] && slow=$((slow + 1))
	t_sleep 0.2
done
t_check "status answered every time in the storm (worst ${worst} ms)" \
	test "$worst" -lt 3000
t_check "most answers came quickly ($slow of 15 over 300 ms)" \
	test "$slow" -le 3
before=$(log_count "spawned p")
# Waited for, not timed: a loaded machine spawns slower (the pace is make
# bench's business).
t_check "the programs keep being restarted" t_wait 30 \
	eval '[ "$(log_count "spawned p")" -gt $((before + N)) ]'
t_stop TERM
t_check "exits 0 (got $SUP_STATUS)" test "$SUP_STATUS" = 0
t_check "no program left" no_program_left
t_done
