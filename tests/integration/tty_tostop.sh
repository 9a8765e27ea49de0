#!/bin/bash
# tty_tostop.sh: the supervisor in the foreground of a terminal set to
# "stty tostop" (writes from a background process group stop the writer
# with SIGTTOU).  The supervisor proper leads a process group of its own,
# not the terminal's foreground one, and logs to the terminal: it must not
# be stopped, its programs keep being restarted, and Ctrl-C stops it all
# as on any terminal.
. "$(dirname "$0")/../lib.sh"

t_config <<EOF2
[program:crash]
command = sh -c 'sleep 0.6; exit 1'
startsecs = 0
startretries = 1000

[program:worker]
command = sleep 1000
startsecs = 0
EOF2
T_LOG=$T/pty.out	# the log is on the terminal
pty_start tostop "$SUPERVISOR" -c "$T/supervisor.ini"
# The guardian is the driver's child, the supervisor proper its child.
sup=
t_wait 10 eval 'children_scan "$PTY_PID"; children_scan "${LIVE[0]:-0}"
    sup=${LIVE[0]}; [ -n "$sup" ]'
t_check "the supervisor proper runs" test -n "$sup"
t_check "its log reaches the terminal" t_wait 10 log_has "started as pid $sup "
t_check "restarts go on (and are logged)" t_wait 10 spawned_at_least crash 4
t_check "the supervisor proper is in a background process group" \
	eval '[ "$(ps -o pgid= -p "$sup" | tr -d " ")" != "$(ps -o tpgid= -p "$sup" | tr -d " ")" ]'
t_check "it was never stopped by SIGTTOU" eval '! is_stopped "$sup"'
# (A stopped one would never answer: asked only if it runs.)
t_check "it answers" eval '! is_stopped "$sup" && answers'
ctrl_c
t_check "Ctrl-C stops the supervisor" \
	t_wait 20 eval '! kill -0 "$PTY_PID" 2>/dev/null'
t_check "it said it was interrupted" grep -q "SIGINT received" "$T/pty.out"
t_check "exits 0 after Ctrl-C, as after SIGINT" grep -q "^EXIT 0" "$T/pty.out"
t_check "no program left" t_wait 5 no_program_left
t_done
