#!/bin/bash
# -d and nodaemon = false: the command returns once the supervisor is up,
# which runs detached (its own session, in /, stdin and stdout on
# /dev/null) with its pid in the pidfile; a second one with the same
# pidfile refuses to start, naming the first; a stale pidfile is taken
# over; a failure to start is told by the command, with its reason; the
# config file given relative to where it started still reloads.
. "$(dirname "$0")/../lib.sh"

# daemon_config LINE: web, with a pidfile and a log file, and LINE in
# [supervisor].
daemon_config() {
	web_config 0.2 "pidfile = $T/sup.pid" "logfile = $T/sup.log" "$1"
}
sup_log_has() { grep -qE -- "$1" "$T/sup.log"; }
# start_detached ARG...: runs the command from $T, relative config path.
start_detached() {
	(cd "$T" && exec "$SUPERVISOR" "$@" -c supervisor.ini) \
	    > "$T/start.out" 2> "$T/start.err"
	START_RC=$?
}

daemon_config ""
t0=$(now_ms)
start_detached -d
ms=$(( $(now_ms) - t0 ))
t_check "-d: the command exits 0 (got $START_RC, ${ms} ms)" test "$START_RC" = 0
t_check "-d: and says nothing" eval '[ ! -s "$T/start.out" ] && [ ! -s "$T/start.err" ] || { cat "$T/start.err"; false; }'
PID=$(cat "$T/sup.pid" 2>/dev/null)
t_check "pidfile: holds a live pid ($PID)" alive "${PID:-0}"
t_check "by then the program was started" sup_log_has "spawned web pid"
stat_read "$PID"
read -r -a F <<< "$(sed 's/.*) //' "/proc/$PID/stat")"
# Fields after the name: state ppid pgrp session tty_nr ...
t_check "detached: a session of its own, not this shell's (${F[3]})" \
	test "${F[3]}" != "$(awk '{ print $6 }' /proc/$$/stat)"
t_check "detached: not its session's leader (can never get a terminal)" \
	test "${F[3]}" != "$PID"
t_check "detached: no controlling terminal" test "${F[4]}" = 0
t_check "detached: not a child of this shell (ppid ${STAT[1]})" \
	test "${STAT[1]}" != "$$"
t_check "detached: in /" test "$(readlink "/proc/$PID/cwd")" = /
t_check "detached: stdin and stdout are /dev/null" \
	test "$(readlink "/proc/$PID/fd/0")" = /dev/null -a \
	    "$(readlink "/proc/$PID/fd/1")" = /dev/null
t_check "pidfile: mode 644, one line" \
	eval '[ "$(stat -c %a "$T/sup.pid")" = 644 ] && [ "$(wc -l < "$T/sup.pid")" = 1 ]'
t_check "web becomes RUNNING" t_wait 10 sup_log_has "web is RUNNING"
ctl_check "status works" 0 status web

# A second one with the same pidfile.
start_detached -d
t_check "second: exits non-zero (got $START_RC)" test "$START_RC" != 0
t_check "second: says already running as pid $PID" \
	grep -q "already running as pid $PID" "$T/start.err"
t_check "second: the first is untouched" \
	eval 'alive "$PID" && [ "$(cat "$T/sup.pid")" = "$PID" ]'

# The config file was given relative to $T; a reload still finds it.
daemon_config ""
sed -i 's/sleep 1000/sleep 1001/' "$T/supervisor.ini"
kill -HUP "$PID"
# The file's watch may see the edit before the signal comes: either
# reload reads the file by its absolute path.
t_check "SIGHUP: reloaded from the absolute path" \
	t_wait 10 sup_log_has "reload \((SIGHUP|the config file changed)\): 1 restarted"

kill -TERM "$PID"
t_check "SIGTERM to the pidfile's pid: it exits" t_wait 20 gone "$PID"
t_check "the pidfile is removed" test ! -e "$T/sup.pid"
t_check "nothing left" t_wait 5 no_program_left

# A stale pidfile (its supervisor was SIGKILLed: nobody holds the lock).
echo 999999 > "$T/sup.pid"
start_detached -d
PID2=$(cat "$T/sup.pid" 2>/dev/null)
t_check "stale: started anyway (exit $START_RC)" test "$START_RC" = 0
t_check "stale: the pidfile now holds the new pid ($PID2)" \
	eval '[ "$PID2" != 999999 ] && alive "$PID2"'
SPID2=$(grep -oE "started as pid [0-9]+" "$T/sup.log" | tail -n 1 | awk '{ print $4 }')
kill -KILL "$PID2"
t_wait 5 gone "$PID2"
end_run		# what the SIGKILL left (the guardian's tree is ours to clean)
# Until the supervisor proper is gone too, its socket still answers.
t_wait 5 gone "${SPID2:-0}"
t_check "SIGKILLed: its pidfile stays behind, stale" test -e "$T/sup.pid"
start_detached -d
PID3=$(cat "$T/sup.pid" 2>/dev/null)
t_check "after SIGKILL: a new one starts over the stale file" \
	eval '[ "$START_RC" = 0 ] && [ "$PID3" != "$PID2" ] && alive "$PID3"'
kill -TERM "$PID3"
t_wait 20 gone "$PID3"

# A failure to start comes back to the command, with the reason.
daemon_config "logfile = /nonexistent-dir/sup.log"
sed -i "0,/^logfile = $(printf '%s' "$T" | sed 's/[\/&]/\\&/g')\/sup.log$/{//d}" "$T/supervisor.ini"
start_detached -d
t_check "failure: the command exits non-zero (got $START_RC)" test "$START_RC" != 0
t_check "failure: it names the reason" \
	grep -q "logfile: open /nonexistent-dir/sup.log" "$T/start.err"
t_check "failure: no pidfile" test ! -e "$T/sup.pid"

# supervisord's nodaemon = false detaches without -d.
daemon_config "nodaemon = false"
start_detached
PID4=$(cat "$T/sup.pid" 2>/dev/null)
t_check "nodaemon = false: detached, exit 0 (got $START_RC)" \
	eval '[ "$START_RC" = 0 ] && alive "$PID4" &&
	    [ "$(readlink "/proc/$PID4/cwd")" = / ]'
kill -TERM "$PID4"
t_check "nodaemon = false: stops on SIGTERM" t_wait 20 gone "$PID4"
# exit_with_parent follows the process that started it: for a detached
# one, the shell's command that is gone at once.  Ignored, with a word.
daemon_config "exit_with_parent = true
parent_poll_interval = 0.1"
start_detached -d
PID5=$(cat "$T/sup.pid" 2>/dev/null)
t_check "-d with exit_with_parent: started (exit $START_RC)" test "$START_RC" = 0
t_check "-d with exit_with_parent: says it is ignored" \
	grep -q "exit_with_parent is ignored by a detached supervisor" "$T/start.err"
t_sleep 0.5
t_check "-d with exit_with_parent: still running after its parent left" \
	alive "${PID5:-0}"
kill -TERM "$PID5"
t_wait 20 gone "$PID5"
t_check "nothing left at the end" t_wait 5 no_program_left
t_done
