#!/bin/bash
# priority orders start and teardown: lower priority starts first and
# stops last; one priority level is stopped completely before the next
# begins, and the programs of one level are stopped in parallel.
. "$(dirname "$0")/../lib.sh"

# before A B: the first line matching A comes before the first matching B.
before() {
	local a b
	a=$(line_of "$1")
	b=$(line_of "$2")
	[ -n "$a" ] && [ -n "$b" ] && [ "$a" -lt "$b" ]
}
# The order in which the programs noted SIGTERM, against the choices given.
# A name noted twice counts once: the shell's child between fork and exec
# still has the trap, and may run it too when the group's SIGTERM lands.
order_is_one_of() {
	local got want
	got=$(awk '!seen[$0]++' "$T/order" | tr '\n' ' ')
	for want in "$@"; do
		[ "$got" = "$want" ] && return 0
	done
	echo "order was: $got"
	return 1
}

# Each program notes the SIGTERM in $T/order, then takes a while to exit.
slow() {
	echo "command = sh -c 'trap \"echo $1 >> $T/order; sleep $2; exit 0\" TERM; while :; do sleep 0.05; done'"
}

# Config order differs from priority order on purpose; dflt has the
# default priority (999); oneshot has exited by teardown and must not hold
# it up.
t_config <<EOF2
[program:p30]
$(slow p30 0.3)
priority = 30
startsecs = 0.1

[program:p20a]
$(slow p20a 0.5)
priority = 20
startsecs = 0.1

[program:dflt]
$(slow dflt 0.1)
startsecs = 0.1

[program:p10]
$(slow p10 0.3)
priority = 10
startsecs = 0.1

[program:p20b]
$(slow p20b 0.5)
priority = 20
startsecs = 0.1

[program:oneshot]
command = sh -c 'exit 0'
priority = 25
startsecs = 0

[program:pneg]
$(slow pneg 0.1)
priority = -5
startsecs = 0.1
EOF2
t_start
for name in pneg p10 p20a p20b p30 dflt; do
	t_wait_log "$name is RUNNING"
	t_check "$name has its SIGTERM trap (test set-up)" \
		t_wait 10 catches "$(spawned_pid "$name")" 15
done
t_wait_log "oneshot exited with status 0"
t_check "start: pneg (-5) before p10" before "spawned pneg " "spawned p10 "
t_check "start: p10 before p20a" before "spawned p10 " "spawned p20a "
t_check "start: p10 before p20b" before "spawned p10 " "spawned p20b "
t_check "start: p20a before p30" before "spawned p20a " "spawned p30 "
t_check "start: p20b before p30" before "spawned p20b " "spawned p30 "
t_check "start: p30 before dflt (999)" before "spawned p30 " "spawned dflt "

t_stop TERM 20
t_check "supervisor exits 0" test "$SUP_STATUS" = 0
t_check "stop: dflt (999) first" before "dflt stopped" "stopping p30 "
t_check "stop: p30 stopped before p20a is asked to" \
	before "p30 stopped" "stopping p20a "
t_check "stop: p30 stopped before p20b is asked to" \
	before "p30 stopped" "stopping p20b "
for a in p20a p20b; do
	for b in p20a p20b; do
		t_check "stop: same priority in parallel: stopping $a before $b stopped" \
			before "stopping $a " "$b stopped"
	done
done
t_check "stop: p20a stopped before p10 is asked to" \
	before "p20a stopped" "stopping p10 "
t_check "stop: p20b stopped before p10 is asked to" \
	before "p20b stopped" "stopping p10 "
t_check "stop: p10 stopped before pneg (-5) is asked to" \
	before "p10 stopped" "stopping pneg "
t_check "stop: pneg last" log_has "pneg stopped"
t_check "the exited oneshot is not stopped" log_lacks "stopping oneshot"
t_check "SIGTERM reached them in priority order" order_is_one_of \
	"dflt p30 p20a p20b p10 pneg " "dflt p30 p20b p20a p10 pneg "
t_check "nobody needed SIGKILL" log_lacks "did not stop"
t_check "nothing left" no_program_left
t_done
