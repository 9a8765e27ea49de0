#!/bin/bash
# The supervisor reaps everything: its restarted programs and the orphans
# of their trees, which are reparented to it (it is a child subreaper).
# No zombie child of the supervisor outlives a moment, and teardown leaves
# nothing behind.
. "$(dirname "$0")/../lib.sh"

reaped() { log_has "reaped pid $1 "; }
all_orphans_reaped() {
	local pid
	for pid in $(cat "$T/orphans" 2>/dev/null); do
		alive "$pid" && continue
		reaped "$pid" || return 1
	done
}

# restarter: a RUNNING program that exits every 0.6s and is restarted.
# doublefork: leaves an orphan (sleep 0.3) behind every run.
# outliver: its orphan outlives the leader by about half a second.
# (No blank before ';' in a command: " ;" starts a comment, as in
# supervisord.)
t_config <<EOF2
[supervisor]
loglevel = debug

[program:restarter]
command = sh -c 'sleep 0.6; exit 1'
startsecs = 0.3

[program:doublefork]
command = sh -c '(sh -c "echo \\\$\\\$ >> $T/orphans; exec sleep 0.3" &); sleep 0.7; exit 1'
startsecs = 0.3

[program:outliver]
command = sh -c '(sh -c "echo \\\$\\\$ >> $T/orphans; exec sleep 1.2" &); sleep 0.6; exit 1'
startsecs = 0.3
EOF2
t_start
t_wait_log "spawned outliver"
SPID=$(supervisor_pid)
t_check "restarter restarted at least 5 times" \
	t_wait 20 spawned_at_least restarter 6
t_check "doublefork restarted at least 3 times" \
	t_wait 20 spawned_at_least doublefork 4
t_check "outliver restarted at least 3 times" \
	t_wait 20 spawned_at_least outliver 4
t_check "outliver's orphans are adopted and attributed to it" \
	log_has "adopted pid [0-9]+, an orphan of outliver"
orphan=$(head -n 1 "$T/orphans")
t_check "orphans are recorded" test -n "$orphan"
t_check "orphans are reaped by the supervisor" t_wait 10 all_orphans_reaped
t_check "no zombie child lingers" t_wait 10 no_lasting_zombie 0.5 "$SUP_PID" "$SPID"
t_check "no zombie child lingers (again, later)" t_wait 10 no_lasting_zombie 0.5 "$SUP_PID" "$SPID"
t_stop TERM
t_check "supervisor exits 0" test "$SUP_STATUS" = 0
t_check "nothing left" no_program_left
for pid in $(cat "$T/orphans"); do
	alive "$pid" && t_fail "orphan $pid is still alive"
done
t_done
