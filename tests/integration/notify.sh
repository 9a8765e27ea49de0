#!/bin/bash
# systemd's notify protocol, against a fake service manager: a datagram
# socket this test reads (socat).  READY=1 only once every autostart
# program has left STARTING, with MAINPID= the pid that was started;
# RELOADING=1 then READY=1 around a reload; STOPPING=1 at the end; STATUS=
# along the way; programs never see NOTIFY_SOCKET.
. "$(dirname "$0")/../lib.sh"

t_config <<EOF2
[program:slow]
command = sleep 1000
startsecs = 1.5
stdout_logfile = NONE
stderr_logfile = NONE

[program:quick]
command = sleep 1001
startsecs = 0
stdout_logfile = NONE
stderr_logfile = NONE

[program:manual]
command = sleep 1002
autostart = false
EOF2
socat -u UNIX-RECV:"$T/notify" - > "$T/notes" 2>"$T/socat.err" &
RECV=$!
t_wait 5 test -S "$T/notify"
NOTIFY_SOCKET=$T/notify t_start
notes_have() { grep -qx -- "$1" "$T/notes"; }
# note_line TEXT: the number of the first line of the notes that is TEXT.
note_line() { line_of "^$1\$" "$T/notes"; }

t_check "READY=1 comes" t_wait 10 notes_have "READY=1"
t_check "not before slow left STARTING (its startsecs, 1.5 s)" \
	eval 'grep -q "slow is RUNNING" "$T/log" &&
	    [ "$(grep -c "^READY=1$" "$T/notes")" = 1 ]'
ms_ready=$(( $(log_ms "ready: every autostart program") - $(log_ms "spawned slow") ))
t_check "READY=1 about startsecs after the spawn (${ms_ready} ms)" \
	test "$ms_ready" -ge 1400
t_check "MAINPID= is the pid that was started ($SUP_PID)" \
	notes_have "MAINPID=$SUP_PID"
starting=$(grep -n -m 1 "^STATUS=starting: [0-9] of 3 running$" "$T/notes" | cut -d: -f1)
t_check "STATUS= said it was starting first (line ${starting:-none})" \
	test "${starting:-999}" -lt "$(note_line READY=1)"
t_check "STATUS=2 of 3 running (manual is not autostart)" \
	notes_have "STATUS=2 of 3 running"
t_check "programs do not inherit NOTIFY_SOCKET" \
	eval '! tr "\0" "\n" < /proc/$(spawned_pid quick)/environ | grep -q "^NOTIFY_SOCKET="'

ctl_check "start manual" 0 start manual
t_check "STATUS follows: 3 of 3 running" t_wait 10 notes_have "STATUS=3 of 3 running"

kill -HUP "$SUP_PID"
t_check "SIGHUP: RELOADING=1" t_wait 10 notes_have "RELOADING=1"
t_check "RELOADING=1 carries MONOTONIC_USEC=" \
	eval 'grep -qE "^MONOTONIC_USEC=[0-9]+$" "$T/notes"'
t_check "then READY=1 again" \
	t_wait 10 eval '[ "$(grep -c "^READY=1$" "$T/notes")" = 2 ] &&
	    [ "$(grep -n "^READY=1$" "$T/notes" | tail -n 1 | cut -d: -f1)" -gt "$(note_line RELOADING=1)" ]'
ctl_check "reload --dry-run" 0 reload --dry-run
t_check "a dry run is no reload: one RELOADING=1 still" \
	test "$(grep -c "^RELOADING=1$" "$T/notes")" = 1

t_stop TERM
t_check "supervisor exits 0 (got $SUP_STATUS)" test "$SUP_STATUS" = 0
t_check "STOPPING=1, last" t_wait 5 eval '[ "$(note_line STOPPING=1)" -gt "$(note_line RELOADING=1)" ]'
t_check "nothing left" no_program_left
kill "$RECV" 2>/dev/null
wait "$RECV" 2>/dev/null

# Without NOTIFY_SOCKET nothing is sent, and nothing breaks; with one that
# nobody reads, the failure is logged once.
rm -f "$T/notify"
NOTIFY_SOCKET=$T/notify t_start
t_check "no listener: the programs start" t_wait 10 log_has "slow is RUNNING"
t_check "no listener: logged once" \
	t_wait 5 eval '[ "$(grep -c "NOTIFY_SOCKET: send" "$T/log")" = 1 ]'
t_stop TERM
t_check "no listener: exits 0 (got $SUP_STATUS)" test "$SUP_STATUS" = 0
# A program's exit that stops everything (shutdown_on_exit) says
# STOPPING=1 too.
: > "$T/notes"
socat -u UNIX-RECV:"$T/notify2" - > "$T/notes" 2>"$T/socat.err" &
RECV=$!
t_wait 5 test -S "$T/notify2"
cat > "$T/supervisor.ini" <<EOF2
[program:last]
command = sh -c 'sleep 0.5'
startsecs = 0
autorestart = false
shutdown_on_exit = true
stdout_logfile = NONE
stderr_logfile = NONE
EOF2
NOTIFY_SOCKET=$T/notify2 t_start
t_check "shutdown_on_exit: the supervisor exits" t_wait 10 sup_gone
wait "$SUP_PID"
t_check "shutdown_on_exit: STOPPING=1 was said" t_wait 5 notes_have "STOPPING=1"
kill "$RECV" 2>/dev/null
wait "$RECV" 2>/dev/null

t_done
