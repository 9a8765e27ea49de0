#!/bin/bash
# A program that ignores its stop signal gets SIGKILL once stopwaitsecs
# have passed; one that obeys is not kept waiting.  stopsignal is the
# signal its whole group receives.
. "$(dirname "$0")/../lib.sh"

obeys() { alive "$1" && ! ignores "$1" "$2"; }

# SIG_IGN survives exec and fork, so the whole group ignores SIGTERM:
# stubborn (one process) and herd (a shell and its child).
t_config <<EOF2
[program:stubborn]
command = sh -c 'trap "" TERM; exec sleep 1000'
startsecs = 0.1
stopwaitsecs = 0.5

[program:herd]
command = sh -c 'trap "" TERM; sleep 1000 & wait'
startsecs = 0.1
stopwaitsecs = 0.5

[program:polite]
command = sleep 1000
startsecs = 0.1
stopwaitsecs = 0.5

# stopsignal = KILL needs no grace period.
[program:killer]
command = sh -c 'trap "" TERM; exec sleep 1000'
startsecs = 0.1
stopsignal = KILL
stopwaitsecs = 5

# Frozen with SIGSTOP by the test: it can only act on its SIGTERM once
# SIGCONT wakes it.
[program:frozen]
command = sh -c 'trap "exit 0" TERM; while :; do sleep 0.05; done'
startsecs = 0.1
stopwaitsecs = 5

[program:interruptible]
command = sh -c 'trap "echo INT > $T/got; exit 0" INT; trap "" TERM; while :; do sleep 0.05; done'
startsecs = 0.1
stopsignal = INT
stopwaitsecs = 5
EOF2
t_start
for name in stubborn herd polite killer frozen interruptible; do
	t_wait_log "$name is RUNNING"
done
stubborn=$(spawned_pid stubborn)
herd=$(spawned_pid herd)
polite=$(spawned_pid polite)
t_check "herd has two processes" t_wait 10 group_size "$herd" 2
herd_pids=$(group_pids "$herd")
t_check "stubborn really ignores SIGTERM (test set-up)" \
	t_wait 10 ignores "$stubborn" 15
for pid in $herd_pids; do
	t_check "herd member $pid ignores SIGTERM (test set-up)" \
		t_wait 10 ignores "$pid" 15
done
t_check "polite does not ignore SIGTERM" obeys "$polite" 15
frozen=$(spawned_pid frozen)
t_check "frozen catches SIGTERM (test set-up)" t_wait 10 catches "$frozen" 15
interruptible=$(spawned_pid interruptible)
t_check "interruptible catches SIGINT (test set-up)" \
	t_wait 10 catches "$interruptible" 2
kill -STOP -"$frozen"
t_check "frozen is stopped (state T)" t_wait 10 is_stopped "$frozen"

start=$(now_ms)
t_stop TERM 20
elapsed=$(( $(now_ms) - start ))
t_check "supervisor exits 0" test "$SUP_STATUS" = 0
t_check "teardown waited for stopwaitsecs (${elapsed} ms)" test "$elapsed" -ge 400
t_check "teardown took well under 10s (${elapsed} ms)" test "$elapsed" -lt 8000
t_check "stubborn: did not stop within 0.5s" \
	log_has "stubborn did not stop within 0.5s; sending SIGKILL"
t_check "herd: did not stop within 0.5s" \
	log_has "herd did not stop within 0.5s; sending SIGKILL"
t_check "polite is not sent SIGKILL" log_lacks "polite did not stop"
t_check "interruptible is not sent SIGKILL" log_lacks "interruptible did not stop"
t_check "killer is not kept waiting" log_lacks "killer did not stop"
t_check "stopsignal = KILL is logged" log_has "stopping killer \(SIGKILL\)"
t_check "frozen is woken to act on SIGTERM" log_lacks "frozen did not stop"
t_check "stopsignal = INT is logged" log_has "stopping interruptible \(SIGINT\)"
t_check "interruptible got SIGINT" test "$(cat "$T/got" 2>/dev/null)" = INT
for name in stubborn herd polite killer frozen interruptible; do
	t_check "$name stopped" log_has "$name stopped"
done
t_check "stubborn is gone" gone "$stubborn"
for pid in $herd_pids; do
	t_check "herd member $pid is gone" gone "$pid"
done
t_check "nothing left" no_program_left
t_done
