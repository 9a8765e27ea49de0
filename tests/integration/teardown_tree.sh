#!/bin/bash
# Teardown stops whole process groups: children and grandchildren of a
# program die with it, group members that outlived their leader are still
# stopped (SIGKILL after stopwaitsecs if they ignore SIGTERM), and the stop
# completes only once the group is empty.  SIGTERM, SIGINT and SIGQUIT all
# tear down with exit 0; SIGHUP does not.
. "$(dirname "$0")/../lib.sh"

ppid_of() { stat_read "$1" && echo "${STAT[1]}"; }

# tree: leader -> child -> grandchild, all in the leader's group.
# leader_dies: the leader dies of SIGTERM, its child ignores it.
# leader_exited: the leader exits by itself; its child (ignoring SIGTERM)
# would stay behind, but the program is done (EXITED), so it is killed.
# leaky: the same, but the leader fails and is restarted, so groups of
# earlier runs linger beside the current one.
t_config <<EOF2
[program:tree]
command = sh -c 'sh -c "sleep 1000 & wait" & wait'
startsecs = 0.1

[program:leader_dies]
command = sh -c '(trap "" TERM; exec sleep 1000) & wait'
startsecs = 0.1
stopwaitsecs = 0.5

[program:leader_exited]
command = sh -c '(trap "" TERM; exec sleep 1000) & echo \$! > $T/member; sleep 0.5; exit 0'
startsecs = 0.1
stopwaitsecs = 0.5

[program:leaky]
command = sh -c '(trap "" TERM; exec sleep 1000) & echo \$! >> $T/leaked; sleep 0.6; exit 1'
startsecs = 0.1
stopwaitsecs = 0.5
EOF2
t_start
t_wait_log "tree is RUNNING"
tree=$(spawned_pid tree)
t_check "tree has three processes" t_wait 10 group_size "$tree" 3
tree_pids=$(group_pids "$tree")
child= grandchild=
for pid in $tree_pids; do
	[ "$(ppid_of "$pid")" = "$tree" ] && child=$pid
done
for pid in $tree_pids; do
	[ -n "$child" ] && [ "$(ppid_of "$pid")" = "$child" ] && grandchild=$pid
done
t_check "three generations: leader $tree, child $child, grandchild $grandchild" \
	test -n "$child" -a -n "$grandchild"

t_wait_log "leader_dies is RUNNING"
dies=$(spawned_pid leader_dies)
t_check "leader_dies has two processes" t_wait 10 group_size "$dies" 2
dies_pids=$(group_pids "$dies")
for pid in $dies_pids; do
	[ "$pid" = "$dies" ] ||
		t_check "leader_dies: its child ignores SIGTERM (test set-up)" \
			t_wait 10 ignores "$pid" 15
done

exited=$(spawned_pid leader_exited)
t_check "leader_exited's leader exits by itself" \
	t_wait 10 log_has "leader_exited exited with status 0 \(expected\)"
t_check "its leader is gone" t_wait 10 gone "$exited"
left=$(cat "$T/member")
t_check "the member $left that outlived it is killed at once" t_wait 5 gone "$left"
t_check "the kill is logged" \
	log_has "leader_exited: killing what is left of its process tree"
t_check "leader_exited is not restarted" \
	test "$(log_count 'spawned leader_exited pid')" -eq 1

leaked_runs() { [ "$(cat "$T/leaked" 2>/dev/null | wc -l)" -ge "$1" ]; }
t_check "leaky is restarted and leaves members behind" t_wait 10 leaked_runs 3
leaked_alive() {
	local pid
	for pid in $(cat "$T/leaked"); do alive "$pid" || return 1; done
}
t_check "leaky's members of earlier runs live on until the stop" leaked_alive

kill -HUP "$SUP_PID"
t_check "SIGHUP is logged" t_wait 10 log_has "SIGHUP received"
t_check "SIGHUP does not stop the supervisor" kill -0 "$SUP_PID"
t_check "SIGHUP does not stop programs" alive "$grandchild"
t_check "SIGHUP does not restart programs" \
	test "$(log_count 'spawned tree pid')" -eq 1

start=$(now_ms)
t_stop TERM 20
elapsed=$(( $(now_ms) - start ))
t_check "supervisor exits 0 on SIGTERM" test "$SUP_STATUS" = 0
t_check "teardown took under 8s (${elapsed} ms)" test "$elapsed" -lt 8000
for pid in $tree_pids; do
	t_check "tree process $pid is gone" gone "$pid"
done
t_check "tree stopped without SIGKILL" log_lacks "tree did not stop"
for pid in $dies_pids; do
	t_check "leader_dies process $pid is gone" gone "$pid"
done
t_check "leader_dies: its child got SIGKILL after stopwaitsecs" \
	log_has "leader_dies did not stop within 0.5s; sending SIGKILL"
t_check "leader_dies stopped only after the SIGKILL" \
	test "$(line_of 'leader_dies stopped')" -gt \
	"$(line_of 'leader_dies did not stop')"
t_check "leader_exited (EXITED, nothing left) is not stopped again" \
	log_lacks "stopping leader_exited"
for pid in $(cat "$T/leaked"); do
	t_check "leaky member $pid (old or current group) is gone" gone "$pid"
done
t_check "nothing left after SIGTERM" no_program_left

# SIGINT and SIGQUIT tear down the same way.
t_config <<EOF2
[program:tree]
command = sh -c 'sh -c "sleep 1000 & wait" & wait'
startsecs = 0.1
EOF2
for sig in INT QUIT; do
	t_start
	t_wait_log "tree is RUNNING"
	tree=$(spawned_pid tree)
	t_check "SIG$sig: tree has three processes" t_wait 10 group_size "$tree" 3
	tree_pids=$(group_pids "$tree")
	t_stop "$sig" 20
	t_check "SIG$sig: supervisor exits 0" test "$SUP_STATUS" = 0
	t_check "SIG$sig: is logged" log_has "SIG$sig received; stopping all programs"
	t_check "SIG$sig: every process of the tree is gone" all_gone $tree_pids
	t_check "SIG$sig: nothing left" no_program_left
done

# Teardown while a program is still STARTING stops it at once, without
# waiting for startsecs to pass.
t_config <<EOF2
[program:tree]
command = sh -c 'sh -c "sleep 1000 & wait" & wait'
startsecs = 30
EOF2
t_start
t_wait_log "spawned tree pid"
tree=$(spawned_pid tree)
t_check "STARTING: tree has three processes" t_wait 10 group_size "$tree" 3
tree_pids=$(group_pids "$tree")
start=$(now_ms)
t_stop TERM 20
elapsed=$(( $(now_ms) - start ))
t_check "STARTING: supervisor exits 0" test "$SUP_STATUS" = 0
t_check "STARTING: stopped at once (${elapsed} ms)" test "$elapsed" -lt 8000
t_check "STARTING: never became RUNNING" log_lacks "tree is RUNNING"
t_check "STARTING: tree stopped" log_has "tree stopped"
t_check "STARTING: every process of the tree is gone" all_gone $tree_pids
t_check "STARTING: nothing left" no_program_left
t_done
