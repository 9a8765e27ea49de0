#!/bin/bash
# Trees that make a stop hard: 200 children forked at once, a loop that
# keeps forking and ignores SIGTERM, a process that SIGSTOPped itself and
# a child that left the process group (setsid) and ignores SIGTERM.  The
# teardown ends within stopwaitsecs plus a margin and nothing survives.
# As root (cgroup v2) and as nobody (process groups and /proc).
. "$(dirname "$0")/../lib.sh"

MARGIN=5	# seconds allowed past stopwaitsecs

t_config <<EOF2
[program:many]
command = sh -c 'i=0; while [ \$i -lt 200 ]; do sleep 1000 & i=\$((i+1)); done; touch $T/run/many.forked; wait'
startsecs = 0.1
stopwaitsecs = 5

[program:forker]
command = sh -c 'trap "" TERM; while :; do sleep 1000 & sleep 0.25; done'
startsecs = 0.1
stopwaitsecs = 1

[program:selfstop]
command = sh -c 'kill -STOP \$\$'
startsecs = 0
stopwaitsecs = 10

[program:escaper]
command = sh -c 'setsid sh -c "trap \"\" TERM; exec sleep 1000" & wait'
startsecs = 0.1
stopwaitsecs = 1
EOF2
# Readable by nobody, and a directory the programs may write to.
chmod 755 "$T"
chmod 644 "$T/supervisor.ini"
mkdir -m 1777 "$T/run"

# forker has at least 5 children (as ps --ppid counts, from /proc without
# a fork: this runs in a polling loop, with 200 more processes about).
forker_has_forked() {
	[ "$(log_count 'spawned forker pid')" -ge 1 ] || return 1
	children_scan "$(spawned_pid forker)"
	[ $(( ${#LIVE[@]} + ${#ZOMBIES[@]} )) -ge 5 ]
}

# stop_took NAME: milliseconds from "stopping NAME" to "NAME stopped".
stop_took() {
	echo $(( $(log_ms "$1 stopped") - $(log_ms "stopping $1 \(") ))
}
# grace_of NAME: milliseconds from "stopping NAME (SIGTERM)" (logged just
# before the signal) to "NAME did not stop within" (just before SIGKILL).
# A grace period of stopwaitsecs is at least 1 s less 1 ms of time-stamp
# truncation; GRACE_MIN allows 10 ms.
grace_of() {
	echo $(( $(log_ms "$1 did not stop within") - $(log_ms "stopping $1 \(") ))
}
GRACE_MIN=990

run_as() {
	local user=$1 t0 ms n
	rm -f "$T/run/many.forked"
	t_start_as "$user"
	case $(containment_for "$user") in
	cgroup) t_check "[$user] containment: cgroup v2" \
		t_wait_log "containment: cgroup v2" ;;
	*) t_check "[$user] containment: process groups and /proc" \
		t_wait_log "containment: process groups and /proc" ;;
	esac
	t_check "[$user] many forked its 200 children" \
		t_wait 20 test -e "$T/run/many.forked"
	t_check "[$user] selfstop is stopped (state T)" \
		t_wait 10 eval 'is_stopped "$(spawned_pid selfstop)"'
	t_check "[$user] forker keeps forking" t_wait 10 forker_has_forked
	t_wait_log "escaper is RUNNING"
	program_pids > "$T/pids"
	n=$(wc -l < "$T/pids")
	t_check "[$user] over 200 processes run ($n)" test "$n" -gt 200

	t0=$(now_ms)
	if t_stop TERM $((10 + MARGIN)); then
		ms=$(( $(now_ms) - t0 ))
		t_pass "[$user] teardown took ${ms} ms (bound 1 s + ${MARGIN} s)"
		t_check "[$user] within the bound" test "$ms" -le $(( (1 + MARGIN) * 1000 ))
	else
		t_fail "[$user] teardown did not end in $((10 + MARGIN)) s"
	fi
	t_check "[$user] guardian exits 0 (got $SUP_STATUS)" test "$SUP_STATUS" = 0
	t_check "[$user] none of the $n recorded pids survives, nothing new" \
		t_wait 2 no_survivor

	t_check "[$user] many: stopped by SIGTERM alone" \
		eval '! log_has "many did not stop"'
	ms=$(stop_took many)
	t_check "[$user] many: stop took ${ms} ms (stopwaitsecs 5)" \
		test "$ms" -le 5000
	t_check "[$user] forker: SIGKILL after stopwaitsecs" \
		log_has "forker did not stop within 1s; sending SIGKILL"
	ms=$(grace_of forker)
	t_check "[$user] forker: SIGKILL ${ms} ms after SIGTERM (stopwaitsecs 1, + ${MARGIN})" \
		test "$ms" -ge "$GRACE_MIN" -a "$ms" -le $(( (1 + MARGIN) * 1000 ))
	t_check "[$user] selfstop: stopped by SIGTERM (SIGCONT sent)" \
		eval '! log_has "selfstop did not stop"'
	ms=$(stop_took selfstop)
	t_check "[$user] selfstop: stop took ${ms} ms, less than stopwaitsecs 10" \
		test "$ms" -lt 10000
	t_check "[$user] escaper: SIGKILL after stopwaitsecs" \
		log_has "escaper did not stop within 1s; sending SIGKILL"
	ms=$(grace_of escaper)
	t_check "[$user] escaper: SIGKILL ${ms} ms after SIGTERM (stopwaitsecs 1, + ${MARGIN})" \
		test "$ms" -ge "$GRACE_MIN" -a "$ms" -le $(( (1 + MARGIN) * 1000 ))
	t_check "[$user] no last-resort teardown alarm" \
		eval '! log_has "teardown did not finish in time"'
	end_run
}

# Each of 50 processes that ignore SIGTERM gets its whole stopwaitsecs
# between SIGTERM and SIGKILL, the last one signalled too.
run_grace() {
	local user=$1 name ms min=999999 max=0 short=0
	t_config <<EOF2
[program:deaf]
command = sh -c 'trap "" TERM; exec sleep 1000'
process_name = deaf_%(process_num)02d
numprocs = 50
startsecs = 0.1
stopwaitsecs = 1
EOF2
	chmod 644 "$T/supervisor.ini"
	t_start_as "$user"
	t_check "[$user] 50 TERM-ignoring processes run" \
		t_wait 20 eval '[ "$(log_count "deaf_[0-9]+ is RUNNING")" -eq 50 ]'
	program_pids > "$T/pids"
	t_stop TERM 20
	for name in $(grep -oE 'stopping deaf_[0-9]+' "$T/log" |
	    cut -d ' ' -f 2); do
		ms=$(grace_of "$name")
		[ "$ms" -lt "$min" ] && min=$ms
		[ "$ms" -gt "$max" ] && max=$ms
		[ "$ms" -lt "$GRACE_MIN" ] && short=$((short + 1))
	done
	t_check "[$user] 50 TERM-ignoring processes: grace $min..$max ms, $short of 50 under stopwaitsecs 1 s" \
		test "$short" -eq 0 -a "$max" -gt 0
	t_check "[$user] 50 TERM-ignoring processes: guardian exits 0 (got $SUP_STATUS)" \
		test "$SUP_STATUS" = 0
	t_check "[$user] 50 TERM-ignoring processes: nothing left" \
		t_wait 2 no_survivor
	end_run
}

if [ "$(id -u)" = 0 ]; then
	run_as root
	run_as nobody
	run_grace root
	run_grace nobody
else
	run_as "$(id -un)"
	run_grace "$(id -un)"
	t_pass "unprivileged run as nobody skipped: not root"
fi
t_done
