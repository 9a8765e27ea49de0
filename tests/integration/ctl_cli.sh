#!/bin/bash
# ctl_cli.sh: supervisor's own command line with supervisorctl's verbs
# (avail, reread, update, add, remove, clear, maintail, fg), said over
# HTTP on the control socket: their output and exit statuses are
# supervisorctl's.  update GROUP applies that group's changes alone, as
# supervisord's update does; fg on a terminal sends the lines typed to
# the process and shows what it writes, and Ctrl-C detaches.
. "$(dirname "$0")/../lib.sh"

t_config <<EOF
[supervisor]
watch_config = false

[program:a]
command = sleep 1000
startsecs = 0

[program:b]
command = sleep 1000
startsecs = 0

[program:c]
command = sleep 1000
startsecs = 0
stdout_logfile = $T/c.log

[program:echoer]
command = sh -c 'echo ready; while read -r l; do echo "got \$l"; done'
startsecs = 0
stdout_logfile = $T/echoer.log

[group:web]
programs = a,b
EOF
t_start
t_check "up" t_wait 20 eval 'state_is a RUNNING && state_is c RUNNING &&
    state_is echoer RUNNING'

ctl avail
t_check "avail: exit 0" test "$RC" = 0
t_check "avail: supervisorctl's columns" out_matches \
	'^web:a +in use +auto +999:999$'
# The log is on stderr here: no file to read (supervisorctl_update.sh
# reads one).
ctl maintail -300
t_check "maintail without a log file: supervisorctl's error, exit 1" \
	eval '[ "$RC" = 1 ] && out_has "supervisord: ERROR (no log file)"'
ctl maintail -x
t_check "maintail -x: supervisorctl's error, exit 1" \
	eval '[ "$RC" = 1 ] && out_has "Error: bad argument -x"'
ctl clear c
t_check "clear c" eval '[ "$RC" = 0 ] && out_has "c: cleared"'
ctl clear nosuch
t_check "clear nosuch: no such process, exit 1" \
	eval '[ "$RC" = 1 ] && out_has "nosuch: ERROR (no such process)"'
ctl reread
t_check "reread: nothing changed" out_has "No config updates to processes"

# web and c both change, d comes: update web applies web's change alone.
c_pid=$(pid_of c)
a_pid=$(pid_of web:a)
sed -i -e '/^\[program:a\]$/,/^$/s/sleep 1000/sleep 1001/' \
    -e '/^\[program:c\]$/,/^$/s/sleep 1000/sleep 1002/' "$T/supervisor.ini"
printf '\n[program:d]\ncommand = sleep 1000\nstartsecs = 0\n' \
    >> "$T/supervisor.ini"
ctl reread
t_check "reread: the three changes, sorted" \
	test "$OUT" = $'c: changed\nd: available\nweb: changed'
ctl update web
t_check "update web: web alone" \
	test "$OUT" = $'web: stopped\nweb: updated process group'
t_check "update web: a runs its new command" \
	t_wait 20 eval 'state_is a RUNNING && [ "$(pid_of web:a)" != "$a_pid" ]'
t_check "update web: c untouched" test "$(pid_of c)" = "$c_pid"
t_check "update web: d not added" eval '! names | grep -qw d'
ctl reread
t_check "reread after: c and d still to do" \
	test "$OUT" = $'c: changed\nd: available'
ctl update nosuch
t_check "update nosuch: no such group, exit 1" \
	eval '[ "$RC" = 1 ] && out_has "ERROR: no such group: nosuch"'
ctl update
t_check "update: the rest" \
	test "$OUT" = $'c: stopped\nc: updated process group\nd: added process group'
t_check "update: c runs its new command" \
	t_wait 20 eval 'state_is c RUNNING && [ "$(pid_of c)" != "$c_pid" ]'
t_check "update: d runs" t_wait 20 state_is d RUNNING
ctl remove d
t_check "remove a running group: refused, exit 1" \
	eval '[ "$RC" = 1 ] && out_has "ERROR: process/group still running: d"'
ctl stop d
ctl remove d
t_check "remove d" eval '[ "$RC" = 0 ] && out_has "d: removed process group"'
ctl add d
t_check "add d" eval '[ "$RC" = 0 ] && out_has "d: added process group"'
ctl add nosuch
t_check "add nosuch: exit 1" \
	eval '[ "$RC" = 1 ] && out_has "ERROR: no such process/group: nosuch"'

# fg: the terminal attached to echoer.
echoer_pid=$(pid_of echoer)
pty_start "$CLIENT" fg echoer
t_check "fg: attached" t_wait 20 grep -q 'Press Ctrl-C to exit' "$T/pty.out"
t_check "fg: what it wrote before" t_wait 20 grep -q '^ready' "$T/pty.out"
pty_type hello there
t_check "fg: a line typed reaches its stdin, its answer the terminal" \
	t_wait 20 grep -q '^got hello there' "$T/pty.out"
ctrl_c
t_check "fg: Ctrl-C detaches" t_wait 20 grep -q '^EXIT 0' "$T/pty.out"
t_check "fg: said so" grep -q 'Exiting foreground' "$T/pty.out"
t_check "fg: the process goes on" test "$(pid_of echoer)" = "$echoer_pid"
ctl fg c b
t_check "fg of two names: exit 1" \
	eval '[ "$RC" = 1 ] && out_has "ERROR: too many process names supplied"'
ctl stop c
ctl fg c
t_check "fg of a stopped process: exit 1" \
	eval '[ "$RC" = 1 ] && out_has "ERROR: process not running"'
t_done
