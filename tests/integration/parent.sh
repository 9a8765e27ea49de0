#!/bin/bash
# exit_with_parent: the supervisor is started by an intermediate shell;
# when that shell dies (SIGKILL, so it can pass nothing on), the
# supervisor tears everything down and exits, if exit_with_parent is
# set.  Without it, the supervisor carries on.
. "$(dirname "$0")/../lib.sh"

# The guardian is no child of ours here: wait for it by /proc, zombie or
# not (it is reparented when the shell dies).
guardian_gone() { gone "$SUP_PID"; }

# start_via_shell SECTION: config with that [supervisor] section, then the
# supervisor started by an intermediate bash; its pid in $INTER.
start_via_shell() {
	t_config <<EOF2
[supervisor]
$1

[program:steady]
command = sleep 1000
startsecs = 0.1

[program:tree]
command = sh -c 'sleep 1000 & wait'
startsecs = 0.1
EOF2
	rm -f "$T/guardian.pid"
	bash -c '"$1" -c "$2/supervisor.ini" >"$2/out" 2>"$2/log" &
		echo $! > "$2/guardian.pid"
		wait' bash "$SUPERVISOR" "$T" &
	INTER=$!
	disown "$INTER"	# it dies of SIGKILL: no "Killed" from bash
	t_wait 10 test -s "$T/guardian.pid"
	SUP_PID=$(cat "$T/guardian.pid")
	t_wait_log "steady is RUNNING"
	t_wait_log "tree is RUNNING"
}

# exit_with_parent = true: teardown when the shell dies.
# run_exit CASE SECTION
run_exit() {
	local case=$1 t0 ms spid
	start_via_shell "$2"
	spid=$(supervisor_pid)
	t0=$(now_ms)
	kill -KILL "$INTER"
	t_check "$case: log says the parent went away" \
		t_wait 5 log_has "parent pid $INTER went away \(exit_with_parent\); stopping everything"
	if t_wait 5 log_has "supervisor exiting with status 0"; then
		ms=$(( $(log_ms "supervisor exiting") - t0 ))
		t_pass "$case: the supervisor exits with status 0, ${ms} ms after the parent died"
	else
		t_fail "$case: the supervisor exits with status 0 within 5 s"
	fi
	t_check "$case: all programs gone" t_wait 5 no_program_left
	t_check "$case: supervisor pid $spid is gone" t_wait 5 gone "$spid"
	t_check "$case: guardian pid $SUP_PID is gone" t_wait 5 guardian_gone
	end_run
}

run_exit "exit_with_parent=true" "exit_with_parent = true"
run_exit "exit_with_parent=true, parent_poll_interval=0.2" \
	"exit_with_parent = true
parent_poll_interval = 0.2"

# exit_with_parent = false (the default): the supervisor carries on.
start_via_shell "loglevel = info"
steady=$(spawned_pid steady)
kill -KILL "$INTER"
sleep 1.5
t_check "default: guardian still runs 1.5 s after the parent died" \
	alive "$SUP_PID"
t_check "default: supervisor still runs" alive "$(supervisor_pid)"
t_check "default: programs still run" alive "$steady"
t_check "default: no teardown begun" eval '! log_has "stopping"'
kill -TERM "$SUP_PID"
t_check "default: SIGTERM by pid stops the supervisor" \
	t_wait 20 log_has "supervisor exiting with status 0"
t_check "default: guardian pid $SUP_PID is gone" t_wait 5 guardian_gone
t_check "default: nothing left" no_program_left
end_run
t_done
