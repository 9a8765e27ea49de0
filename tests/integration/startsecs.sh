#!/bin/bash
# startsecs is measured from each process's own spawn: a process is
# declared RUNNING no earlier than startsecs after it was started, even
# when starting many processes at once takes longer than startsecs.
. "$(dirname "$0")/../lib.sh"

N=50
running_count() { [ "$(log_count "w_[0-9]+ is RUNNING")" -ge "$1" ]; }
# Processes whose "is RUNNING" line comes less than $1 ms after their
# "spawned" line (log timestamps are truncated to the millisecond).
too_early() {
	awk -v min="$1" '
	function ms(t,  a) { split(t, a, ":"); return ((a[1] * 60 + a[2]) * 60 + a[3]) * 1000 }
	/ spawned w_[0-9]+ pid / { spawned[$5] = ms($2) }
	/ w_[0-9]+ is RUNNING / {
		d = ms($2) - spawned[$4]
		if (d < 0) d += 86400000	# across midnight
		if (d < min) printf "%s after %d ms\n", $4, d
	}' "$T/log"
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
early=$(too_early 99)
[ -n "$early" ] && echo "RUNNING too early: $(echo $early | head -c 400)"
t_check "none is RUNNING before startsecs = 0.1s have passed since its spawn" \
	test -z "$early"
t_stop TERM
t_check "supervisor exits 0" test "$SUP_STATUS" = 0
t_check "nothing left" no_program_left
t_done
