#!/bin/bash
# The notify socket plays the attacker's target: any local user can send
# to it, so a datagram counts only when the kernel's credentials put its
# sender in the program's own tree.  READY=1 from outside (root or not),
# from another program's tree, or claiming another pid, makes nothing
# ready; descriptors sent along are closed; a flood neither stalls the
# supervisor nor fills its log.  The program's own child is heard.
. "$(dirname "$0")/../lib.sh"


t_config <<EOF2
[supervisor]
loglevel = debug
[program:victim]
command = sh -c 'until [ -e $T/go ]; do sleep 0.02; done; $PY $READY_D/notify_ready.py -'
ready = notify
ready_timeout = 0
[program:other]
command = $PY $READY_D/notify_ready.py -
ready = notify
EOF2
t_start
t_check "the control socket answers" t_wait 20 answers
t_check "other RUNNING (its own READY=1)" t_wait 20 state_is other RUNNING
t_check "victim STARTING" state_is victim STARTING
victim=$SPAWN_PID
log_first "notify socket for programs: "
sock=${LINE##* }
t_check "the notify socket is known ($sock)" test -S "$sock"
t_check "its directory is not writable by others" \
	eval '[ "$(stat -c %a "$(dirname "$sock")")" = 755 ] && [ "$(stat -c %U "$(dirname "$sock")")" = "$(id -un)" ]'
sup=$(cat "/proc/$SUP_PID/task/$SUP_PID/children")
fds_before=$(ls "/proc/$sup/fd" | wc -l)

out=$($PY "$READY_D/notify_send.py" "$sock" READY=1 3)
t_check "root outside the tree: sent ($out)" test "$out" = "sent 3"
if id nobody >/dev/null 2>&1; then
	out=$(as_user nobody $PY "$READY_D/notify_send.py" "$sock" READY=1 3)
	t_check "nobody: sent ($out)" test "$out" = "sent 3"
	out=$(as_user nobody $PY "$READY_D/notify_send.py" "$sock" READY=1 1 "claim=$victim")
	t_check "nobody claiming the victim's pid: the kernel refuses ($out)" \
		eval '[[ $out == refused:* ]]'
fi
out=$($PY "$READY_D/notify_send.py" "$sock" READY=1 20 fds)
t_check "root outside, with descriptors: sent ($out)" test "$out" = "sent 20"
t_check "refusals are logged with the sender" \
	t_wait 10 log_has "notify socket: refused a datagram from pid [0-9]+ \(uid 0\): it is in no program's process tree"
t_check "victim still STARTING" state_is victim STARTING
t_check "no descriptor sent along was kept" \
	eval '[ "$(ls "/proc/$sup/fd" | wc -l)" -le "$fds_before" ]'

# A flood: the supervisor answers throughout, its log says it rarely.
$PY "$READY_D/notify_send.py" "$sock" READY=1 3000 > /dev/null &
flood=$!
ctl_check "status answers during a flood" 3 status
wait "$flood"
t_check "refusals said rarely ($(log_count "notify socket: refused") lines)" \
	eval '[ "$(log_count "notify socket: refused")" -lt 40 ]'
t_check "victim still STARTING after the flood" state_is victim STARTING

# Its own child's READY=1 counts.
touch "$T/go"
t_check "victim RUNNING on its child's READY=1" t_wait 20 state_is victim RUNNING
t_stop TERM
t_check "supervisor exits 0" test "$SUP_STATUS" = 0
t_check "nothing left" no_program_left
t_done
