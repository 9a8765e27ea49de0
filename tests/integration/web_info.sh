#!/bin/bash
# The web page shows readiness and waits: a program whose ready= probe
# does not pass yet says so beside its STARTING, one WAITING for it says
# what for, in the table without script and in the rows events carry.
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
EOF2
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
t_stop TERM
t_check "supervisor exits 0" test "$SUP_STATUS" = 0
t_check "nothing left" no_program_left
t_done
