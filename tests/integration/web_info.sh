#!/bin/bash
# The web page shows readiness and waits: a program whose ready= probe
# does not pass yet says so beside its STARTING, one WAITING for it says
# what for, in the table without script and in the rows events carry.
# A change of health alone (the state stays RUNNING), or of what a
# WAITING process waits for, reaches an open page as it happens, not at
# the next change of state.
. "$(dirname "$0")/../lib.sh"

PORT=$(free_port) CLOSED=$(free_port)
WEB=http://127.0.0.1:$PORT
t_config <<EOF2
[inet_http_server]
port = 127.0.0.1:$PORT

[program:db]
command = sleep 1000
ready = tcp:127.0.0.1:$CLOSED
ready_timeout = 0

[program:app]
command = sleep 1000
depends_on = db

$(health_by_file checked)

[program:gate1]
command = sleep 1000
ready = exec:test -e $T/g1
ready_interval = 0.1
ready_timeout = 0

[program:gate2]
command = sleep 1000
ready = exec:test -e $T/g2
ready_interval = 0.1
ready_timeout = 0

[program:app2]
command = sleep 1000
depends_on = gate1, gate2
EOF2
touch "$T/healthy"
t_start
t_check "db STARTING, app WAITING" \
	t_wait 10 eval 'state_is db STARTING && state_is app WAITING'
page() { curl -fsS --max-time 5 "$WEB/" > "$T/page.html"; }
t_check "the page answers" t_wait 10 page
t_check "db's row says it is not ready yet" \
	grep -q 's-starting">STARTING</span> <small class="info">not ready yet' "$T/page.html"
t_check "app's row says what it waits for" \
	grep -q 's-waiting">WAITING</span> <small class="info">waiting for db to be ready' "$T/page.html"
# The first event of the stream is the whole table, as rows of JSON.
curl -sS -N --max-time 2 "$WEB/events" > "$T/events" 2>/dev/null
t_check "the events' rows carry it too" \
	eval 'grep -q "\"info\":\"waiting for db to be ready" "$T/events"'

# An open page, then checked's health check starts failing: its row
# comes as an event, RUNNING still, unhealthy.
t_wait 10 eval 'status_info checked && [ "$INFO" = healthy ]'
curl -sS -N --max-time 60 "$WEB/events" > "$T/live" 2>/dev/null &
t_wait 10 grep -q '^event: reset' "$T/live"
rm "$T/healthy"
# proc_events: the rows of the "proc" events (the snapshot's are not).
proc_events() { grep -A1 '^event: proc$' "$T/live" | grep '^data: '; }
t_check "a health check failing reaches the open page, RUNNING, unhealthy" \
	t_wait 10 eval 'proc_events | grep -q "\"name\":\"checked\",\"state\":\"RUNNING\".*\"info\":\"unhealthy: exec:test -e"'
t_check "... its state unchanged (no restart)" \
	eval 'state_is checked RUNNING && [ "$(spawn_count checked)" = 1 ]'
touch "$T/healthy"
t_check "healthy again reaches it too" \
	t_wait 10 eval 'proc_events | grep "\"name\":\"checked\"" | tail -n 1 | grep -qF "\"info\":\"healthy\""'

# app2 waits for gate1, then, gate1 ready, for gate2: WAITING all along,
# its row comes anew with what it waits for.
t_check "app2 waits for gate1" \
	t_wait 10 eval 'status_info app2 && [[ $INFO = "waiting for gate1 to be ready"* ]]'
touch "$T/g1"
t_check "gate1 ready, app2's row says it waits for gate2 now" \
	t_wait 10 eval 'proc_events | grep -q "\"name\":\"app2\",\"state\":\"WAITING\".*\"info\":\"waiting for gate2 to be ready"'
touch "$T/g2"
t_check "gate2 ready too: app2 starts" t_wait 10 state_is app2 RUNNING
t_stop TERM
t_check "supervisor exits 0" test "$SUP_STATUS" = 0
t_check "nothing left" no_program_left
t_done
