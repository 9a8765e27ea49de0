#!/bin/bash
# Event listeners against supervisord: one config, one listener written
# with supervisor.childutils (listeners/record.py) that records every
# event, the same scripted crashes, quick exits, stops and starts, run by
# Debian's supervisord and by this supervisor; the events each listener
# got must be the same names with the same payload fields (pids, serials
# and times apart; per process, as the order between processes is
# timing).  Then the header itself, byte for byte.
. "$(dirname "$0")/../lib.sh"

need_childutils
SUPERVISORD=$(command -v supervisord)
SUPERVISORCTL=$(command -v supervisorctl)

# events_conf DIR: the scenario's config, in DIR/sup.conf.
events_conf() {
	local d=$1
	mkdir -p "$d"
	cat > "$d/sup.conf" <<EOF
[supervisord]
nodaemon = true
logfile = $d/sup.log
pidfile = $d/sup.pid
childlogdir = $d
loglevel = debug

[unix_http_server]
file = $d/s.sock

[rpcinterface:supervisor]
supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface

[supervisorctl]
serverurl = unix://$d/s.sock

[eventlistener:rec]
command = $PY $HERE/listeners/record.py $d/events
events = PROCESS_STATE, SUPERVISOR_STATE_CHANGE, PROCESS_GROUP, PROCESS_LOG,
    PROCESS_COMMUNICATION
buffer_size = 100

; never starts: STARTING, BACKOFF, then FATAL
[program:quick]
command = sh -c 'exit 1'
startsecs = 1
startretries = 1

; runs past startsecs, exits 3 once (unexpected), restarted
[program:crash]
command = sh -c '[ -e $d/crashed ] && exec sleep 1000; touch $d/crashed; sleep 1.5; exit 3'
startsecs = 1

; the same with startsecs = 0: RUNNING at once, again after the exit
[program:zero]
command = sh -c '[ -e $d/zeroed ] && exec sleep 1000; touch $d/zeroed; sleep 1; exit 0'
startsecs = 0
autorestart = true

; stopped and started by the script; exitcodes say its stop is expected
[program:web]
command = sleep 1000
startsecs = 1

; its output as PROCESS_LOG_STDOUT events
[program:talk]
command = sh -c 'echo hello; exec sleep 1000'
startsecs = 1
stdout_events_enabled = true

; capture mode: what is between the tokens is one event, not logged
[program:comm]
command = sh -c 'printf "a\\n<!--XSUPERVISOR:BEGIN-->hello\\nworld<!--XSUPERVISOR:END-->b\\n"; exec sleep 1000'
startsecs = 1
stdout_capture_maxbytes = 1KB
stdout_logfile = $d/comm.log

; not started until asked
[program:idle]
command = sleep 1000
autostart = false
startsecs = 0
EOF
}

# recorded DIR PATTERN: the listener of DIR recorded an event matching
# PATTERN (an extended regex on its JSON line).
recorded() { grep -qE -- "$2" "$1/events" 2>/dev/null; }

# run_scenario WHICH DIR: the scripted run, by supervisord or ours.
run_scenario() {
	local which=$1 d=$2 ctl
	events_conf "$d"
	: > "$d/events"
	if [ "$which" = supervisord ]; then
		"$SUPERVISORD" -n -c "$d/sup.conf" > "$d/out" 2>&1 &
		ctl=("$SUPERVISORCTL" -c "$d/sup.conf")
	else
		"$SUPERVISOR" -c "$d/sup.conf" > "$d/out" 2> "$T/log" &
		ctl=("$CLIENT")
	fi
	SUP_PID=$!
	t_wait 30 recorded "$d" 'FATAL.*processname:quick' &&
	t_wait 30 recorded "$d" 'RUNNING.*processname:crash.*from_state:STARTING.*' &&
	t_wait 30 eval "[ \$(grep -c 'STATE_RUNNING.*processname:crash' $d/events) -ge 2 ]" &&
	t_wait 30 eval "[ \$(grep -c 'STATE_RUNNING.*processname:zero' $d/events) -ge 2 ]" &&
	t_wait 30 recorded "$d" 'PROCESS_LOG_STDOUT.*processname:talk' &&
	t_wait 30 recorded "$d" 'RUNNING.*processname:web' &&
	t_wait 30 recorded "$d" 'PROCESS_COMMUNICATION_STDOUT' || return 1
	"${ctl[@]}" stop web > /dev/null 2>&1
	t_wait 30 recorded "$d" 'STOPPED.*processname:web' || return 1
	"${ctl[@]}" start web > /dev/null 2>&1
	"${ctl[@]}" start idle > /dev/null 2>&1
	t_wait 30 eval "[ \$(grep -c 'STATE_RUNNING.*processname:web' $d/events) -ge 2 ]" &&
	t_wait 30 recorded "$d" 'RUNNING.*processname:idle' || return 1
	"${ctl[@]}" stop idle > /dev/null 2>&1
	t_wait 30 recorded "$d" 'STOPPED.*processname:idle' || return 1
	kill -TERM "$SUP_PID"
	t_wait 30 sup_gone
	{ wait "$SUP_PID"; } 2>/dev/null
	EXIT_STATUS=$?
	SUP_PID=
	# What came after STOPPING is the teardown's order: not compared.
	# (The listener, stopped last, may be stopped before it has read
	# what the teardown queued for it: not asked for either.)
	sed -i '/SUPERVISOR_STATE_CHANGE_STOPPING/,$d' "$d/events"
	$PY "$HERE/listeners/normalize.py" "$d/events" > "$d/normalized"
}

if [ ! -x "$SUPERVISORD" ]; then
	t_pass "skipped: Debian's supervisord is not installed"
	exit 0
fi

t_check "supervisord runs the scenario" run_scenario supervisord "$T/sd"
t_check "this supervisor runs the scenario" run_scenario ours "$T/us"
t_check "this supervisor exits 0 (no leak in the sanitizer build)" \
	test "$EXIT_STATUS" = 0
t_check "the same events, the same payload fields" \
	same "$T/sd/normalized" "$T/us/normalized"
# supervisord holds back output shorter than a token (the "b" here) until
# more comes; this supervisor writes it.
printf 'a\nb\n' > "$T/comm.want"
t_check "capture mode: the log has what was outside the tokens" \
	same "$T/comm.want" "$T/us/comm.log"
t_check "capture mode: supervisord's log so far is the same" \
	eval '[ "$(head -c "$(stat -c %s "$T/sd/comm.log")" "$T/us/comm.log")" = "$(cat "$T/sd/comm.log")" ]'
t_check "capture mode: the event has what was inside" \
	grep -qF '"payload": "processname:comm groupname:comm pid:' "$T/us/events"
t_check "the sequence has the restarts supervisord shows" \
	grep -qxF 'PROCESS_STATE_STARTING processname:zero groupname:zero from_state:EXITED tries:0' "$T/us/normalized"

# The header line, byte for byte: its fields in supervisord's order, the
# server's name (identifier), the pool, serials counting from 0.
first=$(head -n 1 "$T/us/events")
t_check "header: supervisord's fields and values" eval "$PY -c '
import json, sys
h = json.loads(sys.argv[1])[\"headers\"]
assert list(h) == [\"ver\", \"server\", \"serial\", \"pool\", \"poolserial\",
    \"eventname\", \"len\"], list(h)
assert h[\"ver\"] == \"3.0\" and h[\"server\"] == \"supervisor\", h
assert h[\"pool\"] == \"rec\" and h[\"serial\"] == \"0\", h
assert h[\"poolserial\"] == \"0\", h
' '$first'"
t_check "this supervisor's log names no protocol fault" \
	log_lacks 'rec: .*(UNKNOWN|rejected)'
exit $T_FAILED
