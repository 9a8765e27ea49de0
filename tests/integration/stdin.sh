#!/bin/bash
# Each process's stdin is a pipe the supervisor holds open while it runs
# (as supervisord does): cat waits for input instead of exiting at once.
# The pipe is the process's own (no other program holds it, none is
# inherited) and the supervisor closes its end when the process exits.
. "$(dirname "$0")/../lib.sh"

# stdin_pipe PID: the pipe on PID's fd 0 ("pipe:[INODE]"), or nothing.
stdin_pipe() {
	local l
	l=$(readlink "/proc/$1/fd/0" 2>/dev/null) || return 0
	[[ $l == pipe:* ]] && echo "$l"
}
# holds PID LINK: PID has an fd that is LINK.
holds() {
	local f
	for f in /proc/"$1"/fd/*; do
		[ "$(readlink "$f" 2>/dev/null)" = "$2" ] && return 0
	done
	return 1
}

t_config <<EOF2
[program:cat]
command = cat
startsecs = 1

[program:other]
command = sleep 1000
startsecs = 0
EOF2
t_start
t_check "cat reaches RUNNING" t_wait 10 state_is cat RUNNING
t_sleep 1
t_check "and stays: spawned once" \
	eval 'state_is cat RUNNING && [ "$(spawn_count cat)" = 1 ]'
cat_pid=$(pid_of cat) other_pid=$(pid_of other) sup=$(supervisor_pid)
cat_in=$(stdin_pipe "$cat_pid") other_in=$(stdin_pipe "$other_pid")
t_check "cat's stdin is a pipe (got ${cat_in:-none})" test -n "$cat_in"
t_check "other's stdin is a pipe of its own (got ${other_in:-none})" \
	eval '[ -n "$other_in" ] && [ "$other_in" != "$cat_in" ]'
t_check "the supervisor holds cat's stdin open" holds "$sup" "$cat_in"
t_check "other holds nothing of cat's stdin" \
	eval '! holds "$other_pid" "$cat_in"'
t_check "cat holds only its read end (fd 0)" \
	test "$(for f in /proc/"$cat_pid"/fd/*; do readlink "$f"; done |
	    grep -cxF "$cat_in")" = 1
ctl stop cat > /dev/null
t_check "cat stops" t_wait 10 state_is cat STOPPED
t_check "the supervisor's end is closed once cat exited" \
	eval '! holds "$sup" "$cat_in"'
ctl start cat > /dev/null
t_check "cat runs again" t_wait 10 state_is cat RUNNING
new_in=$(stdin_pipe "$(pid_of cat)")
t_check "with a new pipe" eval '[ -n "$new_in" ] && [ "$new_in" != "$cat_in" ]'
t_stop TERM
t_check "supervisor exits 0" test "$SUP_STATUS" = 0
t_check "nothing left" no_program_left
t_done
