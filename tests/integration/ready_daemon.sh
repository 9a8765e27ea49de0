#!/bin/bash
# The supervisor's own readiness follows its programs': -d returns only
# once every autostart program is ready (a program with ready = notify
# that has not said READY=1 holds it), or has failed its way out; a
# program WAITING for a FATAL dependency does not hold it.
. "$(dirname "$0")/../lib.sh"

t_config <<EOF2
[supervisor]
logfile = $T/sup.log
pidfile = $T/sup.pid
[program:db]
command = $PY $READY_D/notify_ready.py $T/go
ready = notify
[program:broken]
command = sh -c 'exit 3'
startretries = 0
[program:needs_broken]
command = sleep 1000
depends_on = broken
EOF2
# -d in the background: it must still be waiting while db is not ready.
(cd "$T" && exec "$SUPERVISOR" -d -c supervisor.ini) > "$T/start.out" 2> "$T/start.err" &
starter=$!
t_check "the supervisor is up" t_wait 20 answers
t_check "broken went FATAL" t_wait 20 state_is broken FATAL
t_check "needs_broken WAITING on it" t_wait 20 state_is needs_broken WAITING
t_check "db STARTING (not ready)" state_is db STARTING
t_sleep 0.5
t_check "-d has not returned while db is not ready" alive "$starter"
touch "$T/go"
t_check "-d returns once db is ready" t_wait 20 gone "$starter"
wait "$starter"
rc=$?
t_check "-d exits 0 (got $rc)" test "$rc" = 0
t_check "db RUNNING" state_is db RUNNING
t_check "the log says why it is ready" grep -q "ready: every autostart program is ready, or failed" "$T/sup.log"
pid=$(cat "$T/sup.pid")
kill -TERM "$pid"
t_check "the supervisor exits" t_wait 20 gone "$pid"
t_check "nothing left" t_wait 10 no_program_left
t_done
