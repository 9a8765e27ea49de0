#!/bin/bash
# Debian's supervisorctl against this supervisor and against supervisord
# 4.2.5 on the same config, as supervisorctl.sh: tail (stdout, stderr,
# -N), tail -f (the /logtail stream), clear, avail, reread of nothing.
. "$(dirname "$0")/../lib.sh"

if ! [ -x /usr/bin/supervisorctl ] || ! [ -x /usr/bin/supervisord ]; then
	t_pass "skipped: Debian's supervisor package is not installed"
	exit 0
fi
sctl_start_both
sctl_both "tail" tail web:b
sctl_both "tail stderr" tail web:b stderr
sctl_both "tail -5" tail -5 web:b
sctl_both "tail of an unknown name" tail nosuch
sctl_both "avail" avail
sctl_both "reread: nothing" reread
# tail -f: the /logtail stream, until interrupted.
followers=()
for who in ours theirs; do
	/usr/bin/supervisorctl -c "$T/$who/sup.conf" tail -f web:b \
	    > "$T/$who/follow" 2>&1 &
	followers+=($!)
done
t_wait 30 grep -q 'b says web:b' "$T/ours/follow"
t_wait 30 grep -q 'b says web:b' "$T/theirs/follow"
{ kill -TERM "${followers[@]}"; wait "${followers[@]}"; } 2>/dev/null
t_check "tail -f: supervisorctl follows ours" grep -q 'Press Ctrl-C' \
	"$T/ours/follow"
t_check "tail -f: what b wrote" grep -q 'b says web:b' "$T/ours/follow"
t_check "tail -f: no error" test "$(grep -ci error "$T/ours/follow")" = 0

sctl_both "clear" clear web:b
sctl_both "tail after clear" tail web:b

sctl_both "shutdown" shutdown
t_check "shutdown: ours exits" t_wait 20 eval '! kill -0 $SUP_PID 2>/dev/null'
t_check "shutdown: supervisord exits" t_wait 20 eval '! kill -0 $THEIR_PID 2>/dev/null'
wait "$THEIR_PID"
t_check "nothing left" t_wait 10 no_program_left
