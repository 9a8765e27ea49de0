#!/bin/bash
# ctl_personality.sh: the binary under the name supervisorctl, beyond
# the comparisons of supervisorctl*.sh: its shell on a terminal (the
# status first, the prompt of [supervisorctl] prompt=, a history file),
# no Python needed (PATH without python3), Basic auth over TCP against
# Debian's supervisorctl, [unix_http_server]'s credentials when no
# serverurl is given, and hostile servers (garbage, a huge body, an
# endless one, no answer at all, XML that is not XML-RPC): each a clear
# error and an exit, never a hang or a crash.
. "$(dirname "$0")/../lib.sh"

port=$(free_port)
t_config <<EOF
[supervisor]
watch_config = false

[inet_http_server]
port = 127.0.0.1:$port
username = user
password = secret

[unix_http_server]
file = $T/supervisor.sock
username = local
password = secret2

[supervisorctl]
prompt = mine

[program:a]
command = sleep 1000
startsecs = 0
EOF
t_start
t_check "up" t_wait 20 state_is a RUNNING
# mctl ARG...: the personality on this config; OUT, RC as ctl leaves them.
mctl() {
	local t0
	t0=$(now_ms)
	timeout 60 "$SCTL_MINE" "$@" > "$T/m.out" 2>&1
	RC=$?
	MS=$(( $(now_ms) - t0 ))
	OUT=$(< "$T/m.out")
}

mctl -c "$T/supervisor.ini" status
t_check "status: supervisorctl's line" \
	eval 'out_matches "^a +RUNNING +pid [0-9]+, uptime " && [ "$RC" = 0 ]'
# No serverurl: the socket of [unix_http_server], with its credentials;
# the own command line's borrowed verbs use them too.
mctl -s "unix://$T/supervisor.sock" status
t_check "the socket without credentials: refused" \
	eval 'out_has "Server requires authentication" && [ "$RC" = 1 ]'
ctl -c "$T/supervisor.ini" avail
t_check "supervisor avail: with [unix_http_server]'s credentials" \
	eval '[ "$RC" = 0 ] && out_matches "^a +in use +auto"'
mctl -c "$T/supervisor.ini" status nosuch
t_check "status nosuch: exit 4" \
	eval 'out_has "nosuch: ERROR (no such process)" && [ "$RC" = 4 ]'
# No python3 anywhere on PATH: a C program needs none.
OUT=$(env PATH=/nonexistent "$SCTL_MINE" -c "$T/supervisor.ini" pid a 2>&1)
RC=$?
t_check "PATH without python3: pid a" \
	eval '[ "$RC" = 0 ] && [ "$OUT" = "$(pid_of a)" ]'

# Basic auth over TCP: the same answers as Debian's supervisorctl's.
both_auth() {
	local name=$1
	shift
	timeout 20 /usr/bin/supervisorctl "$@" > "$T/d.out" 2>&1
	echo "exit $?" >> "$T/d.out"
	timeout 20 "$SCTL_MINE" "$@" > "$T/p.out" 2>&1
	echo "exit $?" >> "$T/p.out"
	# Python's trace of the exception it met (after "Server requires
	# authentication") is Python's own: not copied.
	sed -i -E -e 's/pid [0-9]+, uptime [0-9:]+/pid N, uptime T/' \
	    -e "/^error: <class 'xmlrpc.client.ProtocolError'>/d" "$T/d.out" \
	    "$T/p.out"
	if same "$T/d.out" "$T/p.out"; then
		t_pass "$name: as Debian's supervisorctl ($(head -c 50 \
		    "$T/p.out" | tr '\n' '|'))"
	else
		t_fail "$name: not as Debian's supervisorctl"
	fi
}
url=http://127.0.0.1:$port
both_auth "TCP, right password" -s "$url" -u user -p secret status
both_auth "TCP, wrong password" -s "$url" -u user -p wrong status
both_auth "TCP, no password" -s "$url" status
both_auth "TCP, wrong password: start" -s "$url" -u user -p wrong start a
both_auth "nobody there" -s "unix://$T/nosuch.sock" status
both_auth "nobody there: start" -s "unix://$T/nosuch.sock" start a

# The shell, on a terminal: status first, then what is typed.
pty_start "$SCTL_MINE" -c "$T/supervisor.ini" -r "$T/history"
t_check "shell: status first" t_wait 20 grep -q '^a  *RUNNING' "$T/pty.out"
t_check "shell: the prompt of [supervisorctl]" \
	t_wait 20 grep -q 'mine> ' "$T/pty.out"
pty_type pid a
t_check "shell: pid a" t_wait 20 grep -q "^$(pid_of a)" "$T/pty.out"
pty_type help stop
t_check "shell: help stop" t_wait 20 grep -q 'stop all' "$T/pty.out"
pty_eof
t_check "shell: end of input: exit 0" t_wait 20 grep -q '^EXIT 0' "$T/pty.out"
t_check "shell: the history file keeps what was typed" \
	grep -q 'help' "$T/history"

# Hostile servers, each on a socket of its own: socat's child that served
# the previous one removes its socket's name when it ends, which may be
# after the next server has taken that name.
HOSTILE_N=0
rogue_server() {
	HOSTILE_N=$(( HOSTILE_N + 1 ))
	HOSTILE_SOCK=$T/hostile.$HOSTILE_N.sock
	printf '%s\n' "$1" > "$T/hostile.sh"
	socat UNIX-LISTEN:"$HOSTILE_SOCK",fork EXEC:"sh $T/hostile.sh" \
	    > /dev/null 2>&1 &
	HOSTILE_PID=$!
	t_wait 10 test -S "$HOSTILE_SOCK"
}
server_gone() { kill "$HOSTILE_PID" 2>/dev/null; wait "$HOSTILE_PID" 2>/dev/null; }
export SUPERVISOR_CTL_TIMEOUT=3
check_hostile() {
	local name=$1 want=$2
	mctl -s "unix://$HOSTILE_SOCK" version
	t_check "$name: exit 1" test "$RC" = 1
	out_matches "$want" || echo "it said: $OUT"
	t_check "$name: says so ($want)" out_matches "$want"
	t_check "$name: within the timeout" test "$MS" -lt 30000
}
rogue_server 'cat > /dev/null & printf "garbage\r\n\r\n"; exec sleep 10'
check_hostile "garbage" "^error: unix://.*not an HTTP response"
server_gone
rogue_server 'printf "HTTP/1.1 200 OK\r\nContent-Length: 99999999999\r\n\r\n"; sleep 30'
check_hostile "a huge Content-Length" "response is too large"
server_gone
rogue_server 'printf "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n"; exec cat /dev/zero'
check_hostile "an endless body" "response is too large"
server_gone
rogue_server 'exec sleep 30'
check_hostile "no answer" "no answer in time"
server_gone
# body: a whole response with this body (the connection held open after
# it: socat might close it before the last bytes are through otherwise).
body() {
	printf 'cat > /dev/null &\nb=%q\nprintf "HTTP/1.1 200 OK\\r\\nContent-Length: %%d\\r\\n\\r\\n%%s" ${#b} "$b"\nexec sleep 10' "$1"
}
rogue_server "$(body '<methodResponse><a/></methodResponse>')"
check_hostile "not XML-RPC" "not an XML-RPC response"
server_gone
rogue_server "$(body '<!DOCTYPE x [<!ENTITY a "b">]><methodResponse/>')"
check_hostile "a DTD" "not an XML-RPC response"
server_gone
unset SUPERVISOR_CTL_TIMEOUT
t_check "the supervisor still answers" answers
t_done
