#!/bin/bash
# watch_early.sh: the config watches are set a moment after start (a
# short-lived container never pays for them); an edit made before then,
# here by a program the supervisor starts at once, is found by comparing
# the files with what was read, and followed like any other.
. "$(dirname "$0")/../lib.sh"

mkdir -p "$T/conf.d"
printf '[program:new]\ncommand = sleep 1002\nstartsecs = 0\n' > "$T/new.ini"
t_config <<EOF2
[include]
files = conf.d/*.ini

[program:keep]
command = sleep 1001
startsecs = 0

[program:editor]
command = sh -c 'text=\$(sed s/1001/1009/ $T/supervisor.ini); printf "%%s\\\\n" "\$text" > $T/supervisor.ini; cp $T/new.ini $T/conf.d/new.ini'
startsecs = 0
autorestart = false
EOF2
t_start
t_check "the editor ran" t_wait 10 state_is editor EXITED
t_check "the edit is seen though no watch was set yet" \
	t_wait 10 log_has "config watch: the files changed since they were read"
t_check "reloaded" after_edit 1
t_check "keep runs the edited command" \
	t_wait 10 eval '[ "$(tr "\0" " " < /proc/$(pid_of keep)/cmdline)" = "sleep 1009 " ]'
t_check "the drop-in's program runs" t_wait 10 state_is new RUNNING
n=$(reloads)
sed -i s/1002/1012/ "$T/conf.d/new.ini"
t_check "the watches are set: a later edit reloads" after_edit $((n + 1))
t_check "new runs the edited command" \
	t_wait 10 eval '[ "$(tr "\0" " " < /proc/$(pid_of new)/cmdline)" = "sleep 1012 " ]'
t_check "teardown: exit 0" t_stop TERM
t_check "teardown: nothing left" t_wait 5 no_program_left
t_check "no sanitizer report" log_lacks "ERROR: AddressSanitizer|runtime error"
t_done
