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
for who in ours mine theirs; do
	client=/usr/bin/supervisorctl
	[ "$who" = mine ] && client=$SCTL_MINE
	"$client" -c "$T/$who/sup.conf" tail -f web:b > "$T/$who/follow" 2>&1 &
	followers+=($!)
done
for who in ours mine theirs; do
	t_wait 30 grep -q 'b says web:b' "$T/$who/follow"
done
{ kill -TERM "${followers[@]}"; wait "${followers[@]}"; } 2>/dev/null
for who in ours mine; do
	t_check "tail -f ($who): supervisorctl follows" grep -q 'Press Ctrl-C' \
		"$T/$who/follow"
	t_check "tail -f ($who): what b wrote" grep -q 'b says web:b' \
		"$T/$who/follow"
	t_check "tail -f ($who): no error" \
		test "$(grep -ci error "$T/$who/follow")" = 0
done

sctl_both "clear" clear web:b
sctl_both "tail after clear" tail web:b

sctl_both "shutdown" shutdown
t_check "shutdown: ours exits" t_wait 20 eval '! kill -0 $SUP_PID 2>/dev/null'
t_check "shutdown: mine exits" t_wait 20 eval '! kill -0 $MINE_PID 2>/dev/null'
t_check "shutdown: supervisord exits" t_wait 20 eval '! kill -0 $THEIR_PID 2>/dev/null'
wait "$THEIR_PID"
t_check "nothing left" t_wait 10 no_program_left
