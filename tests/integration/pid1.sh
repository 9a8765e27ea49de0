#!/bin/bash
# As PID 1 of a PID namespace (a container's init), the supervisor reaps
# every orphan, logs SIGHUP and carries on, and tears everything down on
# SIGTERM and on SIGINT: the kernel gives PID 1 no default signal actions,
# so each of these must be handled by the supervisor itself.  Root only
# (unshare --pid).
. "$(dirname "$0")/../lib.sh"

if [ "$(id -u)" != 0 ] || ! unshare --pid --fork true 2>/dev/null; then
	t_pass "skipped: needs root and unshare --pid"
	t_done
fi

t_config <<EOF2
[program:orphans]
command = sh -c 'while :; do (sleep 0.05 &); sleep 0.1; done'
startsecs = 0.1

[program:worker]
command = sleep 1000
startsecs = 0.1
EOF2
# Inside the namespace (its own /proc), with pid 1 being the guardian.
# SUP_PID is the guardian's pid outside, the child of unshare.
start_pid1() {
	unshare --pid --fork --mount-proc "$SUPERVISOR" -c "$T/supervisor.ini" \
	    > "$T/out" 2> "$T/log" &
	UNSHARE_PID=$!
	t_wait 10 eval 'children_scan "$UNSHARE_PID"; SUP_PID=${LIVE[0]}
	    [ -n "$SUP_PID" ]'
}

for sig in TERM INT; do
	start_pid1
	t_check "[$sig] runs as PID 1 of its namespace" \
		t_wait 10 log_has "started as pid 2 \\(guardian pid 1\\)"
	t_check "[$sig] worker is RUNNING" t_wait_log "worker is RUNNING"
	sleep 1		# orphans come and go, ten a second
	# Zombies among the guardian's and the supervisor's children (the
	# log has the supervisor's pid inside the namespace, 2).
	children_scan "$SUP_PID"
	t_check "[$sig] no orphan is left a zombie" \
		no_lasting_zombie 0.5 "$SUP_PID" "${LIVE[@]}"
	kill -HUP "$SUP_PID"
	t_check "[$sig] SIGHUP is handled, not fatal" t_wait_log "SIGHUP received"
	t_check "[$sig] still running after SIGHUP" kill -0 "$SUP_PID"
	kill -"$sig" "$SUP_PID"
	t_check "[$sig] tears down and exits 0" t_wait 20 eval '! kill -0 "$UNSHARE_PID" 2>/dev/null'
	wait "$UNSHARE_PID"
	t_check "[$sig] exit status 0 (got $?)" test "$?" = 0
	t_check "[$sig] logged" log_has "SIG$sig received; stopping all programs"
	t_check "[$sig] nothing left" no_program_left
done
t_done
