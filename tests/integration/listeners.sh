#!/bin/bash
# Event listeners as real configs write them: the one that stops the
# whole container when a process dies (SIGTERM to the pid in the
# pidfile), a relay of PROCESS_LOG lines to the supervisor's stdout; and
# supervisord's own end-to-end fixtures that involve listeners, ported
# (its test_end_to_end.py: issues 663, 733 and 1170c).
. "$(dirname "$0")/../lib.sh"

need_childutils

# ---- 1. stop everything when a process dies -----------------------------
# As the containers' configs have it (mailcow, tiangolo's images): a
# childutils listener on EXITED and FATAL that signals the pidfile's pid.
cat > "$T/kill_supervisor.py" <<'EOF'
import os
import signal
import sys

from supervisor import childutils

while True:
    headers, payload = childutils.listener.wait(sys.stdin, sys.stdout)
    sys.stderr.write('%s %s\n' % (headers['eventname'], payload))
    sys.stderr.flush()
    childutils.listener.ok(sys.stdout)
    with open(sys.argv[1]) as f:
        os.kill(int(f.readline()), signal.SIGTERM)
EOF
t_config <<EOF
[supervisord]
pidfile = $T/sup.pid

[program:app]
command = sh -c 'sleep 1; exit 2'
startsecs = 0
autorestart = false

[program:other]
command = sleep 1000

[eventlistener:processes]
command = $PY $T/kill_supervisor.py $T/sup.pid
events = PROCESS_STATE_EXITED, PROCESS_STATE_FATAL
EOF
t_start
t_check "stop-on-exit: the supervisor exits once app has" t_wait 30 sup_gone
t_wait_exit 5
t_check "stop-on-exit: for the listener's SIGTERM, after app's exit" eval '
	[ "$(line_of "app exited with status 2")" -lt \
	  "$(line_of "SIGTERM received")" ]'
t_check "stop-on-exit: the listener got app's EXITED event" eval \
	'grep -q "PROCESS_STATE_EXITED processname:app groupname:app from_state:RUNNING expected:0 pid:" "$(auto_log processes stderr)"'
t_check "stop-on-exit: nothing left running" t_wait 10 no_program_left
t_check "stop-on-exit: exit status 0" test "$SUP_STATUS" = 0

# ---- 2. a PROCESS_LOG relay to the supervisor's stdout -------------------
# The listener's stdout is the protocol: it writes the lines to its
# stderr, whose log is the supervisor's stdout.
cat > "$T/relay.py" <<'EOF'
import sys

from supervisor import childutils

while True:
    headers, payload = childutils.listener.wait(sys.stdin, sys.stdout)
    head, data = payload.split('\n', 1)
    fields = dict(w.split(':', 1) for w in head.split())
    for line in data.splitlines():
        sys.stderr.write('%s %s | %s\n' % (fields['processname'],
                                            fields['channel'], line))
    sys.stderr.flush()
    childutils.listener.ok(sys.stdout)
EOF
t_config <<EOF
[program:chatty]
command = sh -c 'echo out one; echo err one >&2; sleep 0.2; echo "out two é"; exec sleep 1000'
stdout_events_enabled = true
stderr_events_enabled = true
stdout_logfile = $T/chatty.out

[program:leaver]
command = sh -c 'trap "echo bye; exit 0" TERM; echo hi; while :; do sleep 0.1; done'
stdout_events_enabled = true

[program:quiet]
command = sh -c 'echo not relayed; exec sleep 1000'

[eventlistener:relay]
command = $PY $T/relay.py
events = PROCESS_LOG
stderr_logfile = /dev/stdout
EOF
t_start
t_check "relay: stdout lines reach the supervisor's stdout" \
	t_wait 20 grep -qxF "chatty stdout | out one" "$T/out"
t_check "relay: stderr lines too" \
	t_wait 20 grep -qxF "chatty stderr | err one" "$T/out"
t_check "relay: a multi-byte character (len counts characters)" \
	t_wait 20 grep -qxF "chatty stdout | out two é" "$T/out"
t_check "relay: the log file still gets the output" \
	t_wait 10 grep -qxF "out one" "$T/chatty.out"
t_check "relay: a program without events enabled is not relayed" \
	eval '! grep -q "not relayed" "$T/out"'
t_wait 20 grep -qxF "leaver stdout | hi" "$T/out"
t_stop TERM 20
t_check "relay: exit status 0" test "$SUP_STATUS" = 0
t_check "relay: a program's last words at the teardown are relayed" \
	grep -qxF "leaver stdout | bye" "$T/out"

# ---- 3. capture mode: tokens cut across reads, a capture over its max ----
cat > "$T/comm.sh" <<'EOF'
printf 'one\n<!--XSUPER'
sleep 0.3
printf 'VISOR:BEGIN-->first<!--XSUPERVISOR:E'
sleep 0.3
printf 'ND-->two\n<!--XSUPERVISOR:BEGIN-->0123456789abcdef'
printf '<!--XSUPERVISOR:END--><!--XSUPERVISOR:BEGIN--><!--XSUPERVISOR:END-->'
printf 'three <!--XSUPERVISOR:B not one\n'
exec sleep 1000
EOF
t_config <<EOF
[program:comm]
command = sh $T/comm.sh
stdout_capture_maxbytes = 10
stdout_logfile = $T/comm.log

[eventlistener:rec]
command = $PY $HERE/listeners/record.py $T/comm.events
events = PROCESS_COMMUNICATION_STDOUT
EOF
t_start
t_check "capture: three events" \
	t_wait 20 eval '[ "$(wc -l < "$T/comm.events")" -ge 3 ]'
t_check "capture: what was captured, its last 10 bytes, and an empty one" \
	$PY -c '
import json, sys
got = [json.loads(l)["payload"].split("\n", 1)[1] for l in open(sys.argv[1])]
assert got == ["first", "6789abcdef", ""], got
' "$T/comm.events"
# A BEGIN token cut across reads: its first part was logged by then.
t_check "capture: the log has the rest" eval '[ "$(cat "$T/comm.log")" = \
	"$(printf "one\n<!--XSUPERtwo\nthree <!--XSUPERVISOR:B not one")" ]'
t_stop TERM 20

# ---- 3b. a reload: groups removed and added, a pool's events changed -----
reload_conf() {
	{
		printf '[eventlistener:rec]\ncommand = %s %s %s\n' "$PY" \
		    "$HERE/listeners/record.py" "$T/reload.events"
		printf 'events = %s\nstartsecs = 0\n' "$1"
		shift
		for p in "$@"; do
			printf '\n[program:%s]\ncommand = sleep 1000\n' "$p"
		done
	} | t_config_renamed
}
reload_conf PROCESS_GROUP a
t_start
t_check "reload: the groups added at start" t_wait 20 eval \
	'[ "$(grep -c PROCESS_GROUP_ADDED "$T/reload.events")" = 2 ]'
reload_conf "PROCESS_GROUP, PROCESS_STATE_RUNNING" b
ctl reload
t_check "reload: a's group removed, b's added" t_wait 20 eval \
	'grep -q "PROCESS_GROUP_REMOVED.*groupname:a" "$T/reload.events" &&
	 grep -q "PROCESS_GROUP_ADDED.*groupname:b" "$T/reload.events"'
t_check "reload: the pool's new events (b RUNNING)" t_wait 20 \
	grep -q "PROCESS_STATE_RUNNING.*processname:b " "$T/reload.events"
t_stop TERM 20
t_check "reload: exit status 0" test "$SUP_STATUS" = 0

# ---- 3b-2. the same programs in the same groups: nothing to tell; the
# same programs moved into a group: their groups go, the new one comes.
# Reloaded by the watch, whose loading thread compares the groups. ---
groups_conf() {	# $1: a's command; $2: "grouped" puts a and b in [group:g]
	{
		printf '[eventlistener:rec]\ncommand = %s %s %s\n' "$PY" \
		    "$HERE/listeners/record.py" "$T/groups.events"
		printf 'events = PROCESS_GROUP\nstartsecs = 0\n'
		printf '\n[program:a]\ncommand = %s\n' "$1"
		printf '\n[program:b]\ncommand = sleep 1000\n'
		[ "$2" = grouped ] && printf '\n[group:g]\nprograms = a,b\n'
	} | t_config_renamed
}
groups_conf "sleep 1000"
t_start
t_check "groups: three added at start" t_wait 20 eval \
	'[ "$(grep -c PROCESS_GROUP_ADDED "$T/groups.events")" = 3 ]'
groups_conf "sleep 1001"
t_check "groups: the edit reloaded" after_edit 1 20
t_check "groups: a changed, its group kept: a restarted" t_wait 20 \
	grep -q "reload: a: changed; restarting" "$T/log"
sleep 0.5
t_check "groups: ... and no group event" eval \
	'[ "$(grep -c PROCESS_GROUP "$T/groups.events")" = 3 ]'
groups_conf "sleep 1001" grouped
t_check "groups: the second edit reloaded" after_edit 2 20
t_check "groups: a and b into g: a's and b's removed, g added" t_wait 20 \
	eval 'grep -q "PROCESS_GROUP_REMOVED.*groupname:a" "$T/groups.events" &&
	 grep -q "PROCESS_GROUP_REMOVED.*groupname:b" "$T/groups.events" &&
	 grep -q "PROCESS_GROUP_ADDED.*groupname:g" "$T/groups.events"'
t_stop TERM 20

# ---- 3b'. a pool a reload adds hears a running process from RUNNING ----
# Without a pool no event state is kept; a pool added later starts each
# process from the state it leaves then, as supervisord's from_state.
printf '[program:a]\ncommand = sleep 1000\nstartsecs = 0\n' |
	t_config_renamed
t_start
t_wait 20 eval 'ctl status a; [ "$RC" = 0 ]'
apid=$(awk 'NR == 2 { print $3 }' <<< "$OUT")
{
	printf '[program:a]\ncommand = sleep 1000\nstartsecs = 0\n\n'
	printf '[eventlistener:rec]\ncommand = %s %s %s\n' "$PY" \
	    "$HERE/listeners/record.py" "$T/late.events"
	printf 'events = PROCESS_STATE\nstartsecs = 0\n'
} | t_config_renamed
ctl reload
t_check "late pool: its listener is ready" t_wait 20 \
	eval 'ctl status rec; [[ $OUT == *"listener READY"* ]]'
ctl stop a
t_check "late pool: a's STOPPING from RUNNING, with its pid ($apid)" \
	t_wait 20 grep -q "PROCESS_STATE_STOPPING.*processname:a \
.*from_state:RUNNING pid:$apid\"" "$T/late.events"
t_check "late pool: then STOPPED from STOPPING" t_wait 20 \
	grep -q "PROCESS_STATE_STOPPED.*processname:a \
.*from_state:STOPPING pid:$apid\"" "$T/late.events"
t_stop TERM 20
t_check "late pool: exit status 0" test "$SUP_STATUS" = 0

# ---- 3c. a pool of two listeners shares one queue ----------------------
t_config <<EOF
[program:flap]
command = sh -c 'sleep 0.6; exit 1'
startsecs = 0
autorestart = true

[eventlistener:pair]
command = $PY $HERE/listeners/record.py $T/pair.%(process_num)d.events
numprocs = 2
process_name = pair_%(process_num)d
events = PROCESS_STATE
buffer_size = 100
EOF
t_start
# pair_serials: the pool serials both listeners got, sorted.
pair_serials() {
	cat "$T"/pair.*.events 2>/dev/null |
		$PY -c 'import json, sys
print(" ".join(sorted((json.loads(l)["headers"]["poolserial"]
    for l in sys.stdin), key=int)))'
}
t_check "pool: its listeners got 30 events between them" t_wait 30 eval \
	'[ "$(pair_serials | wc -w)" -ge 30 ]'
ctl stop flap
# pair_idle: both READY, nothing queued: every event was answered.
pair_idle() {
	ctl status pair_0 pair_1
	[ "$(grep -c "\[listener READY, 0 of 100 queued" <<< "$OUT")" = 2 ]
}
t_check "pool: both listeners idle, the queue empty" t_wait 20 pair_idle
t_check "pool: each event went to one of them, none lost" eval \
	'[ "$(pair_serials)" = "$(seq -s " " 0 $(( $(pair_serials | wc -w) - 1 )))" ]'
t_stop TERM 20

# ---- 4. an idle supervisor with a listener and no TICK never wakes -----
t_config <<EOF
[program:web]
command = sleep 1000
startsecs = 0

[eventlistener:watch]
command = $PY $HERE/listeners/record.py $T/watch.events
events = PROCESS_STATE, PROCESS_LOG
startsecs = 0
EOF
t_start
t_wait 20 state_is watch RUNNING
t_wait 20 state_is web RUNNING
SUP=$(supervisor_pid)
t_sleep 1	# the start-up's zero timers and the config watch's are done
before=$(switches "$SUP")
t_sleep 3
after=$(switches "$SUP")
t_check "idle: no wakeup in 3 s with a listener ($before, then $after)" \
	test "$before" = "$after"
t_stop TERM 20

# ---- 5. supervisord's issue 663: the protocol works (TICK_5) -------------
cat > "$T/listener663.py" <<'EOF'
import sys


def say(stream, s):
    stream.write(s)
    stream.flush()


while True:
    say(sys.stdout, 'READY\n')
    line = sys.stdin.readline()
    say(sys.stderr, line)
    headers = dict(x.split(':') for x in line.split())
    say(sys.stderr, sys.stdin.read(int(headers['len'])))
    say(sys.stdout, 'RESULT 2\nOK')
EOF
t_config <<EOF
[supervisord]
loglevel = debug

[eventlistener:listener]
command = $PY $T/listener663.py
events = TICK_5
startretries = 0
autorestart = false
EOF
t_start
t_check "663: two TICK_5 events answered (OKREADY, BUSY -> ACKNOWLEDGED)" \
	t_wait 30 eval '[ "$(log_count "listener stdout output: .*OKREADY")" -ge 2 ] &&
	    [ "$(log_count "listener: BUSY -> ACKNOWLEDGED")" -ge 2 ]'
t_check "663: the listener got them (its stderr)" eval \
	'[ "$(grep -c "eventname:TICK_5 len:" "$(auto_log listener stderr)")" -ge 2 ] &&
	 grep -qE "^when:[0-9]+0|^when:[0-9]+5" "$(auto_log listener stderr)"'
t_stop TERM 20

# ---- 6. supervisord's issue 733: a one-line listener ends it on FATAL ----
t_config <<EOF
[supervisord]
loglevel = debug

[program:nonexistent]
command = $T/nonexistent
startsecs = 0
startretries = 0
autorestart = false

[eventlistener:fatalexit]
events = PROCESS_STATE_FATAL
command = sh -c 'while true; do printf "READY\n"; read line; kill -15 \$PPID; printf "RESULT 2\n"; printf "OK"; done'
startsecs = 0
startretries = 0
EOF
t_start
t_check "733: nonexistent goes FATAL" t_wait 30 log_has "nonexistent gave up"
t_check "733: the listener's SIGTERM ends the supervisor" \
	eval 't_wait 30 sup_gone && log_has "SIGTERM received"'
t_wait_exit 5

# ---- 7. supervisord's issue 1170c: the listener's own environment= -------
t_config <<EOF
[supervisord]
environment = FOO="set from [supervisord] section"

[eventlistener:echo]
command = bash -c "echo '%(ENV_FOO)s' >&2"
environment = FOO="set from [eventlistener] section"
events = PROCESS_STATE_FATAL
startsecs = 0
startretries = 0
autorestart = false
EOF
t_start
t_check "1170c: the [eventlistener] section's value wins" t_wait 20 \
	eval 'grep -qxF "set from [eventlistener] section" "$(auto_log echo stderr)"'
t_stop TERM 20
exit $T_FAILED
