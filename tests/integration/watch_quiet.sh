#!/bin/bash
# watch_quiet.sh: the config watch wakes the supervisor for its files, not
# for others in their directory.  A log written line by line next to the
# config (as `logfile = ./supervisord.log` or a tool's output there does)
# costs the supervisor no wake-up; the config itself, written in place or
# saved by rename, is still followed, also a file saved by rename that
# did not load and is then fixed in place.
. "$(dirname "$0")/../lib.sh"

cmdline_is() { [ "$(tr '\0' ' ' < "/proc/$(pid_of a)/cmdline")" = "$1 " ]; }

t_config <<EOF
[program:a]
command = sleep 1000
startsecs = 0
EOF
t_start
t_check "a is RUNNING" t_wait 20 slowly state_is a RUNNING
spid=$(supervisor_pid)
t_sleep 0.5	# the watches are set a quarter second after start

# 200 lines written one by one over about two seconds, next to the config.
before=$(switches "$spid")
for i in $(seq 1 200); do
	echo "line $i" >> "$T/noise.log"
	t_sleep 0.01
done
after=$(switches "$spid")
t_check "200 writes beside the config: $((after - before)) wake-ups (under 10)" \
	test $((after - before)) -lt 10

edit_in_place 's/sleep 1000/sleep 1001/'
t_check "an edit in place is followed" t_wait 20 slowly cmdline_is "sleep 1001"
edit_by_rename 's/sleep 1001/sleep 1002/'
t_check "an edit saved by rename is followed" t_wait 20 slowly \
	cmdline_is "sleep 1002"
edit_by_rename 's/^command = .*/command = sleep 1003\nautostart = maybe/'
t_check "a broken file saved by rename is refused" t_wait 20 slowly \
	log_has "nothing changed"
edit_in_place '/^autostart = maybe$/d'
t_check "... and, fixed in place, followed" t_wait 20 slowly \
	cmdline_is "sleep 1003"

t_stop TERM
t_check "supervisor exits 0 on SIGTERM (got $SUP_STATUS)" test "$SUP_STATUS" = 0
t_check "nothing left" no_program_left
t_done
