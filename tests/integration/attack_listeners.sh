#!/bin/bash
# Hostile event listeners (listeners/hostile.py): garbage where READY is
# due, an event never answered, a flood of output, a RESULT that
# announces a terabyte, a RESULT whose length lies, a listener that dies
# with an event in flight.  Each is logged once with its name and made
# UNKNOWN (then restarted) as supervisord does; none blocks the loop,
# costs another pool an event, or grows the supervisor past its buffers;
# the event a dying listener held is sent again after its restart.
. "$(dirname "$0")/../lib.sh"

need_childutils

hostile() {
	printf '\n[eventlistener:%s]\n' "$1"
	printf 'command = %s %s/listeners/hostile.py %s %s\n' "$PY" "$HERE" \
	    "$1" "$T"
	printf 'events = PROCESS_STATE\nbuffer_size = %s\n' "$2"
	printf 'startsecs = 0\nautorestart = true\nstopwaitsecs = 2\n'
}
{
	cat <<EOF
[supervisor]
loglevel = info

; a steady stream of events: EXITED, STARTING, RUNNING every 0.6 s
[program:flap]
command = sh -c 'sleep 0.6; exit 1'
startsecs = 0
autorestart = true
stdout_logfile = NONE
stderr_logfile = NONE

[eventlistener:good]
command = $PY $HERE/listeners/record.py $T/good.events
events = PROCESS_STATE
buffer_size = 100
EOF
	hostile garbage 5
	hostile silent 5
	hostile flood 5
	hostile bigresult 5
	hostile wronglen 5
	hostile dieonce 100
} | t_config

t_start
t_wait 30 eval "[ -s $T/good.events ]"
SUP=$(supervisor_pid)
t_check "the supervisor answers" answers version
RSS0=$(status_kb "$SUP" VmRSS)

# good_count: how many events the good listener has recorded.
good_count() { wc -l < "$T/good.events"; }
t_check "the good pool keeps getting events (60 of them)" \
	t_wait 60 eval '[ "$(good_count)" -ge 60 ]'
t_check "the supervisor answers while listeners misbehave" answers version

t_check "garbage: logged with its name, once" \
	eval '[ "$(log_count "garbage: wrote \"HELLO\?\" where READY was due")" = 1 ]'
t_check "garbage: made UNKNOWN and restarted" \
	t_wait 20 eval 'log_count "spawned garbage pid" | grep -qv "^[01]$"'

t_check "silent: its pool's queue is full and drops the oldest" \
	t_wait 20 eval 'status_of silent && [[ $STATUS =~ \[listener\ BUSY,\ 5\ of\ 5\ queued,\ [1-9][0-9]*\ dropped\] ]]'
t_check "silent: the overflow is logged once" \
	eval '[ "$(log_count "pool silent event buffer overflowed")" = 1 ]'
ctl status --json
t_check "silent: status --json has the queue and the drops" \
	eval "jq -e '.[] | select(.name == \"silent\") | .listener |
	    .state == \"BUSY\" and .queued == 5 and .dropped > 0 and
	    .buffer_size == 5' <<< \"\$OUT\" > /dev/null"
t_check "a program is no listener in status --json" \
	eval "jq -e '.[] | select(.name == \"flap\") | .listener == null' \
	    <<< \"\$OUT\" > /dev/null"

# Its flood is taken as output where no event was due, or as a result
# line that never ends, as the race with its first event goes.
flood_said_once() {
	[ "$(log_count 'WARN .*flood: (wrote "x+" with no event|bad result line: "x+\.\.\." \(too long\))')" = 1 ]
}
t_check "flood: logged once" flood_said_once
t_check "bigresult: a RESULT over 1 MiB is a bad result line, once" \
	eval '[ "$(log_count "bigresult: bad result line: \"RESULT 999999999999\"")" = 1 ]'
t_check "wronglen: rejected once, then UNKNOWN once" eval \
	'[ "$(log_count "wronglen: event was rejected")" = 1 ] &&
	 [ "$(log_count "wronglen: wrote \"KREADY")" = 1 ]'

t_check "dieonce: got again the event it died with" eval '
	died=$(grep -o "serial:[0-9]* " "$T/dieonce.died") &&
	t_wait 20 test -s "$T/dieonce.got" &&
	[ "$(head -n 1 "$T/dieonce.got" | grep -o "serial:[0-9]* ")" = "$died" ]'

# The good pool lost nothing: its pool serials are 0, 1, 2 ... in order.
t_check "good: every event, in order, none lost" $PY -c '
import json, sys
serials = [int(json.loads(l)["headers"]["poolserial"])
    for l in open(sys.argv[1])]
assert serials == list(range(len(serials))), serials
' "$T/good.events"
t_check "good: no fault said of it" log_lacks "good: "
RSS1=$(status_kb "$SUP" VmRSS)
t_check "the supervisor's memory stays put ($RSS0 kB, then $RSS1 kB)" \
	test "$RSS1" -lt $((RSS0 + 16384))

t_stop TERM 30
t_check "the supervisor exits 0 (no leak in the sanitizer build)" \
	test "$SUP_STATUS" = 0

# ---- output events for a listener that never answers ---------------------
# 64 MB of output as PROCESS_LOG events, a queue of 10000 events: the
# pool keeps 16 MB of them at most, dropping the oldest.
{
	cat <<EOF
[program:flood]
command = sh -c 'while [ ! -e $T/go ]; do sleep 0.1; done; head -c 67108864 /dev/zero; exec sleep 1000'
stdout_events_enabled = true
stdout_logfile = NONE
stderr_logfile = NONE
EOF
	hostile silent 10000 | sed 's/^events = .*/events = PROCESS_LOG/'
} | t_config
# The sanitizer build's freed memory waits in a quarantine (256 MB): not
# the supervisor's to count.
ASAN_OPTIONS=$ASAN_OPTIONS:quarantine_size_mb=1 t_start
t_wait 30 eval 'status_of flood && [ "$STATE" = RUNNING ]'
SUP=$(supervisor_pid)
RSS0=$(status_kb "$SUP" VmRSS)
touch "$T/go"
# flood_events: events the silent pool has queued and dropped so far.
flood_events() {
	ctl status --json silent
	jq '.[0].listener | .queued + .dropped' <<< "$OUT"
}
# 64 MB read 64 KB at a time: about 1024 events, one of them in flight.
t_check "output flood: all of it read, as events" \
	t_wait 60 eval '[ "$(flood_events)" -ge 1000 ]'
t_check "output flood: the pool dropped the oldest" \
	eval 'ctl status --json silent; jq -e ".[0].listener.dropped > 0" <<< "$OUT" > /dev/null'
RSS1=$(status_kb "$SUP" VmRSS)
t_check "output flood: the supervisor stays under 16 MB of queue ($RSS0 kB, then $RSS1 kB)" \
	test "$RSS1" -lt $((RSS0 + 40960))
t_stop TERM 30
t_check "output flood: exit status 0" test "$SUP_STATUS" = 0
exit $T_FAILED
