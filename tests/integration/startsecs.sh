#!/bin/bash
# startsecs is measured from each process's own spawn: a process is
# declared RUNNING no earlier than startsecs after it was started, even
# when starting many processes at once takes longer than startsecs.
. "$(dirname "$0")/../lib.sh"

N=50
running_count() { [ "$(log_count "w_[0-9]+ is RUNNING")" -ge "$1" ]; }
# Processes declared RUNNING less than $1 ms after their spawn, by the
# uptime the supervisor logs with it (monotonic clock, to the ms).
too_early() {
	awk -v min="$1" '
	/ w_[0-9]+ is RUNNING \(up [0-9.]+s\)/ {
		up = $NF; gsub(/[()ups]/, "", up)
		if (up * 1000 < min) printf "%s after %d ms\n", $4, up * 1000
	}' "$T/log"
}
# Every RUNNING line carries its uptime (or the check above sees none).
all_have_uptime() {
	[ "$(grep -cE 'w_[0-9]+ is RUNNING \(up [0-9]+\.[0-9]{3}s\)$' "$T/log")" -eq "$N" ]
}

t_config <<EOF2
[program:w]
command = sleep 1000
numprocs = $N
process_name = w_%(process_num)d
startsecs = 0.1
EOF2
t_start
t_check "all $N processes reach RUNNING" t_wait 60 running_count "$N"
t_check "every RUNNING line gives the uptime" all_have_uptime
early=$(too_early 99)
[ -n "$early" ] && echo "RUNNING too early: $(echo $early | head -c 400)"
t_check "none is RUNNING before startsecs = 0.1s have passed since its spawn" \
	test -z "$early"
t_stop TERM
t_check "supervisor exits 0" test "$SUP_STATUS" = 0
t_check "nothing left" no_program_left
t_done
