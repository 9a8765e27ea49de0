#!/bin/bash
# An open page costs nothing while nothing changes: no timer wakes the
# supervisor for it (its control_timeout no more than any other), and
# the kernel's TCP keepalive watches for a peer gone without a word.
# A page closed is still seen gone at once.
. "$(dirname "$0")/../lib.sh"

PORT=$(free_port)
WEB=http://127.0.0.1:$PORT
t_config <<EOF2
[supervisor]
control_timeout = 2

[inet_http_server]
port = 127.0.0.1:$PORT

[program:quiet]
command = sleep 1000
startsecs = 0
stdout_logfile = NONE
stderr_logfile = NONE
EOF2
t_start
t_check "quiet RUNNING" t_wait 10 state_is quiet RUNNING
t_wait 10 eval '[ -n "$(supervisor_pid)" ]'
SUP=$(supervisor_pid)
# The page's stream goes to a directory of its own: a file written next
# to the config would be a change the config watch wakes for.
mkdir "$T/page"
curl -sS -N --max-time 60 "$WEB/events" > "$T/page/live" 2>/dev/null &
page=$!
t_check "the page gets its snapshot" t_wait 10 grep -q '^event: reset' "$T/page/live"
# The snapshot written, the loop goes back to waiting; from then on the
# old design's timer fired once control_timeout (2 s) after it.
t_sleep 0.5
before=$(switches "$SUP")
t_sleep 4
after=$(switches "$SUP")
t_check "no wakeup in 4 s with a page open ($before -> $after switches)" \
	test "$after" = "$before"
t_check "the page's socket has the kernel's keepalive armed" \
	eval 'ss -tnoH state established "( sport = :$PORT )" | grep -q "timer:(keepalive,"'
t_check "the page is still open" alive "$page"
kill "$page"
wait "$page" 2>/dev/null
t_check "a page closed is seen gone at once" \
	t_wait 10 eval '! ss -tnH state established state close-wait "( sport = :$PORT )" | grep -q .'
t_check "and changes still reach a new page" eval '
	curl -sS -N --max-time 60 "$WEB/events" > "$T/page/live2" 2>/dev/null &
	t_wait 10 grep -q "^event: reset" "$T/page/live2" && ctl stop quiet &&
	t_wait 10 grep -qF "\"name\":\"quiet\",\"state\":\"STOPPED\"" "$T/page/live2"'
t_stop TERM
t_check "supervisor exits 0" test "$SUP_STATUS" = 0
t_done
