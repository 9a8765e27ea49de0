#!/bin/bash
# An open page costs nothing while nothing changes: no timer wakes the
# supervisor for it (its control_timeout no more than any other), and
# the kernel's TCP keepalive watches for a peer gone without a word: one
# whose network vanished (no FIN, no RST) is dropped, not kept for ever.
# A page closed is still seen gone at once.
. "$(dirname "$0")/../lib.sh"

PORT=$(free_port)
WEB=http://127.0.0.1:$PORT
# One program "web", quiet: no output, no exit.
web_config 0 "control_timeout = 3" "" "[inet_http_server]" \
	"port = 127.0.0.1:$PORT"
t_start
t_check "web RUNNING" t_wait 10 state_is web RUNNING
t_wait 10 eval '[ -n "$(supervisor_pid)" ]'
SUP=$(supervisor_pid)
# The page's stream goes to a directory of its own: a file written next
# to the config would be a change the config watch wakes for.
mkdir "$T/page"
curl -sS -N --max-time 60 "$WEB/events" > "$T/page/live" 2>/dev/null &
page=$!
t_check "the page gets its snapshot" t_wait 10 grep -q '^event: reset' "$T/page/live"
# The snapshot written, the loop goes back to waiting (a second is
# plenty, under load too); the old design's timer fired once
# control_timeout (3 s) after the snapshot: within the 5 s watched.
t_sleep 1
before=$(switches "$SUP")
t_sleep 5
after=$(switches "$SUP")
t_check "no wakeup in 5 s with a page open ($before -> $after switches)" \
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
	t_wait 10 grep -q "^event: reset" "$T/page/live2" && ctl stop web &&
	t_wait 10 grep -qF "\"name\":\"web\",\"state\":\"STOPPED\"" "$T/page/live2"'
t_stop TERM
t_check "supervisor exits 0" test "$SUP_STATUS" = 0

# ---- a peer gone without a word ----
# The supervisor in a network namespace of its own, the page in another,
# joined by a veth pair; then the page's end of the link goes down:
# nothing comes back from it any more, not even a RST.  The kernel's
# keepalive (control_timeout 1 s: silent 1 s, then 3 probes 1 s apart)
# ends the stream, and the supervisor drops the page.
if ! unshare -n true 2>/dev/null || ! ip link help 2>&1 | grep -q veth; then
	echo "SKIP $T_NAME: a peer gone (no network namespaces or veth here)"
	t_done
fi
cat > "$T/supervisor.ini" <<EOF2
[supervisor]
control_timeout = 1

[inet_http_server]
port = 10.201.0.1:$PORT
username = page
password = secret

[program:quiet]
command = sleep 1000
EOF2
: > "$T/log"
# Started once its address exists: the listener binds it.
unshare -n sh -c 'while ! ip -o addr show | grep -q "10\.201\.0\.1/"; do
	sleep 0.05; done; exec "$0" "$@"' "$SUPERVISOR" -c "$T/supervisor.ini" \
    > "$T/out" 2> "$T/log" &
SUP_PID=$!
unshare -n sleep 1000 &
PEER_NS=$!
t_wait 10 eval '[ -e /proc/$PEER_NS/ns/net ] && [ "$(readlink /proc/$PEER_NS/ns/net)" != "$(readlink /proc/self/ns/net)" ]'
t_check "a veth pair between the two" ip link add web2a netns "$SUP_PID" \
	type veth peer name web2b netns "$PEER_NS"
nsenter -t "$SUP_PID" -n sh -c 'ip link set lo up &&
	ip addr add 10.201.0.1/24 dev web2a && ip link set web2a up'
nsenter -t "$PEER_NS" -n sh -c 'ip link set lo up &&
	ip addr add 10.201.0.2/24 dev web2b && ip link set web2b up'
# clients: the supervisor's clients, by /metrics over its Unix socket
# (the request itself one of them).
clients() {
	curl -s --max-time 5 --unix-socket "$SUPERVISOR_SOCKET" http://x/metrics |
	    awk '$1 == "supervisor_control_clients" { print $2 }'
}
t_check "the supervisor listens in its namespace" t_wait 20 eval '[ -n "$(clients)" ]'
# far_page N: a page opened from the other namespace, into $T/page/farN.
far_page() {
	nsenter -t "$PEER_NS" -n curl -sS -N --max-time 60 -u page:secret \
	    "http://10.201.0.1:$PORT/events" > "$T/page/far$1" 2>/dev/null &
	t_wait 20 grep -q '^event: reset' "$T/page/far$1"
}
link() { nsenter -t "$PEER_NS" -n ip link set web2b "$1"; }
t_check "quiet RUNNING" t_wait 20 state_is quiet RUNNING
t_check "the far page gets its snapshot" far_page 1
t_check "... and is a client" test "$(clients)" = 2
link down
t_check "its network gone while nothing was sent: dropped (keepalive)" \
	t_wait 30 eval '[ "$(clients)" = 1 ]'
link up
t_check "another far page" far_page 2
link down
# A change on its way to a page that is gone: never acknowledged.
ctl stop quiet
t_check "its network gone while a change was on its way: dropped too" \
	t_wait 30 eval '[ "$(clients)" = 1 ]'
t_stop TERM
t_check "supervisor exits 0" test "$SUP_STATUS" = 0
t_done
