#!/bin/bash
# ready = ...: each kind against a real program that becomes ready late
# (once the test creates $T/go).
# A process is STARTING until it is ready and RUNNING from then on; the
# log says how it was found ready.  A program never ready within
# ready_timeout is a failed start (then FATAL), its tree stopped.
. "$(dirname "$0")/../lib.sh"

TCP=$(free_port)
HTTP=$(free_port)
while [ "$HTTP" = "$TCP" ]; do HTTP=$(free_port); done

t_config <<EOF2
[supervisor]
loglevel = debug
[program:n]
command = $PY $READY_D/notify_ready.py $T/go
ready = notify
[program:f]
command = sh -c 'until [ -e $T/go ]; do sleep 0.02; done; echo >&3; exec sleep 1000'
ready = fd:3
[program:t]
command = $PY $READY_D/late_server.py tcp $TCP $T/go
ready = tcp:127.0.0.1:$TCP
[program:u]
command = $PY $READY_D/late_server.py unix $T/u.sock $T/go
ready = unix:$T/u.sock
[program:h]
command = $PY $READY_D/late_server.py http $HTTP $T/go
directory = $T
ready = http://localhost:$HTTP/
[program:e]
command = sh -c 'until [ -e $T/go ]; do sleep 0.02; done; touch $T/e.ready; exec sleep 1000'
ready = exec:test -e $T/e.ready
[program:l]
command = sh -c 'echo starting; until [ -e $T/go ]; do sleep 0.02; done; printf "a long line %%02000d\\n" 0; echo "db: accepting connections" >&2; exec sleep 1000'
ready = log:accepting conn(ection)?s$
[program:ln]
command = sh -c 'until [ -e $T/go ]; do sleep 0.02; done; echo "db: accepting connections" >&2; exec sleep 1000'
ready = log:accepting connections$
stdout_logfile = NONE
stderr_logfile = NONE
[program:never]
command = sleep 1000
ready = tcp:127.0.0.1:1
ready_timeout = 0.5
startretries = 0
startsecs = 0
EOF2
t_start
t_check "the control socket answers" t_wait 20 answers
for p in n f t u h e l ln; do
	t_check "$p: STARTING before it is ready" t_wait 20 state_is "$p" STARTING
done
status_info t
t_check "status says why t is not ready yet" \
	eval '[[ $INFO == "not ready yet"* ]]'
t_check "still STARTING while nothing is ready" \
	eval '[ "$(log_count " is RUNNING")" = 0 ]'
touch "$T/go"
for p in n f t u h e l ln; do
	t_check "$p: RUNNING once ready" t_wait 20 state_is "$p" RUNNING
done
t_check "notify: ready by READY=1" log_has " n is RUNNING: ready \(READY=1\)"
t_check "fd:3: ready by its newline" log_has " f is RUNNING: ready \(a newline"
t_check "tcp: ready by a connect" log_has " t is RUNNING: ready \(tcp:127.0.0.1:$TCP: connected\)"
t_check "unix: ready by a connect" log_has " u is RUNNING: ready \(unix:$T/u.sock: connected\)"
t_check "http: ready by a 200" log_has " h is RUNNING: ready \(http://localhost:$HTTP/: 200\)"
t_check "log: ready by a line of its stderr" log_has " l is RUNNING: ready \(a line of its output matched\)"
t_check "log: its output still reaches its log" t_wait 10 grep -q "db: accepting connections" "$(auto_log l stderr)"
t_check "log: ready by a line of output logged nowhere (NONE)" log_has " ln is RUNNING: ready \(a line of its output matched\)"
t_check "exec: ready by exit 0" log_has " e is RUNNING: ready \(exec:test -e $T/e.ready: exited 0\)"
status_info n
t_check "status shows the program's STATUS=" eval '[[ $INFO == *"STATUS=serving"* ]]'
t_check "never ready: a failed start at ready_timeout" \
	t_wait 20 log_has "never was not ready within ready_timeout = 0.5s"
t_check "never ready: FATAL (startretries = 0)" t_wait 20 state_is never FATAL
t_check "never ready: not RUNNING at any time" log_lacks " never is RUNNING"
t_stop TERM
t_check "supervisor exits 0" test "$SUP_STATUS" = 0
log_first "notify socket for programs: "
sock=${LINE##* }
t_check "the notify socket was made ($sock)" test -n "$sock"
t_check "the notify socket and its directory are removed" \
	eval '[ ! -e "$sock" ] && [ ! -e "$(dirname "$sock")" ]'
t_check "nothing left" no_program_left
t_done
