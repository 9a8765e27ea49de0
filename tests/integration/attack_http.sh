#!/bin/bash
# The HTTP side played by an attacker and by careless clients: Basic
# credentials accepted and refused on both sockets (plain and {SHA}), the
# line protocol still on the same Unix socket; malformed HTTP, bad XML, a
# DTD's entities, nesting without end, a huge body (refused from its
# Content-Length, unread), a slow client that sends half a request (the
# others are served meanwhile; it is dropped after control_timeout), a
# client that never reads; and a TCP listener others can reach without a
# password is a config error.  The supervisor answers throughout.
. "$(dirname "$0")/../lib.sh"

PY=/usr/bin/python3
PORT=$(free_port)
SHA=$(printf '%s' 'tcp secret' | sha1sum | cut -d' ' -f1)

# ---- a non-loopback listener without a password: refused -------------
t_config <<EOF
[inet_http_server]
port = 0.0.0.0:$PORT
[program:a]
command = sleep 1000
EOF
"$SUPERVISOR" -c "$T/supervisor.ini" check > "$T/check.out" 2>&1
RC=$?
t_check "open TCP: check refuses it (exit $RC)" test "$RC" = 78
t_check "open TCP: FILE:LINE says why" grep -q \
	'supervisor.ini:1: \[inet_http_server\]: port=0.0.0.0:'"$PORT"' is reachable from other machines and has no password' \
	"$T/check.out"
printf '[inet_http_server]\nport = 127.0.0.1:%s\nusername = u\n' "$PORT" > \
    "$T/half.ini"
"$SUPERVISOR" -c "$T/half.ini" check > "$T/check.out" 2>&1
t_check "username without password: refused" test $? = 78
printf '[inet_http_server]\nport = 127.0.0.1:%s\nusername = u\npassword = {SHA}abc\n' \
    "$PORT" > "$T/sha.ini"
"$SUPERVISOR" -c "$T/sha.ini" check > "$T/check.out" 2>&1
t_check "a {SHA} password that is not 40 hex digits: refused" test $? = 78

t_config <<EOF
[supervisor]
control_timeout = 2

[unix_http_server]
username = admin
password = unix secret

[inet_http_server]
port = 0.0.0.0:$PORT
username = ops
password = {SHA}$SHA

[program:a]
command = sleep 1000
startsecs = 0
EOF
t_start
t_check "up" t_wait 20 state_is a RUNNING

cat > "$T/auth.py" <<'PYEOF'
import sys, xmlrpc.client
from supervisor import xmlrpc as sx
url, user, pw = sys.argv[1:4]
if url.startswith("unix://"):
    t = sx.SupervisorTransport(user or None, pw or None, url)
    s = xmlrpc.client.ServerProxy("http://127.0.0.1", transport=t)
else:
    s = xmlrpc.client.ServerProxy(url.replace("//", "//%s:%s@" % (user, pw)) + "/RPC2" if user else url + "/RPC2")
try:
    print(s.supervisor.getProcessInfo("a")["statename"])
except xmlrpc.client.ProtocolError as e:
    print("refused", e.errcode)
PYEOF
auth() { OUT=$($PY "$T/auth.py" "$@" 2>&1); }
U="unix://$SUPERVISOR_SOCKET"
auth "$U" admin 'unix secret'
t_check "unix: the right password: answered ($OUT)" test "$OUT" = RUNNING
auth "$U" admin 'wrong'
t_check "unix: a wrong password: 401 ($OUT)" test "$OUT" = "refused 401"
auth "$U" "" ""
t_check "unix: no credentials: 401 ($OUT)" test "$OUT" = "refused 401"
auth "$U" other 'unix secret'
t_check "unix: a wrong user: 401 ($OUT)" test "$OUT" = "refused 401"
H="http://127.0.0.1:$PORT"
auth "$H" ops 'tcp secret'
t_check "tcp: the right password ({SHA}): answered ($OUT)" test "$OUT" = RUNNING
auth "$H" ops 'tcp secreT'
t_check "tcp: a wrong password: 401 ($OUT)" test "$OUT" = "refused 401"
auth "$H" "" ""
t_check "tcp: no credentials: 401 ($OUT)" test "$OUT" = "refused 401"
auth "$H" ops '{SHA}'"$SHA"
t_check "tcp: the hash itself is no password ($OUT)" test "$OUT" = "refused 401"
ctl status a
t_check "the line protocol on the same socket" test "$RC" = 0
t_check "refusals logged" log_has 'wrong or missing HTTP credentials'

# raw WHAT [SOCAT-OPTIONS]: bytes from stdin to the Unix socket; the
# first line of the reply in OUT.
raw() {
	OUT=$(timeout 10 socat -t 5 - "UNIX-CONNECT:$SUPERVISOR_SOCKET" 2>/dev/null |
	    head -n 1 | tr -d '\r')
}
# The last command of a pipeline (raw) runs in this shell: OUT stays.
shopt -s lastpipe
AUTH="Authorization: Basic $(printf 'admin:unix secret' | base64)"
post() {	# post BODY [CONNECTION]: a POST /RPC2 of BODY, authenticated
	printf 'POST /RPC2 HTTP/1.1\r\nHost: x\r\n%s\r\nContent-Length: %d\r\nConnection: %s\r\n\r\n%s' \
	    "$AUTH" "${#1}" "${2:-close}" "$1"
}
VERSION_CALL='<methodCall><methodName>supervisor.getAPIVersion</methodName><params></params></methodCall>'
printf 'GARBAGE / HTTP/9\r\n\r\n' | raw
t_check "malformed HTTP: 400 ($OUT)" test "$OUT" = "HTTP/1.1 400 Bad Request"
post '<methodCall><methodName>x' | raw
t_check "bad XML: 400 ($OUT)" test "$OUT" = "HTTP/1.1 400 Bad Request"
post '<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><methodCall><methodName>&b;</methodName></methodCall>' | raw
t_check "a DTD's entities: 400 ($OUT)" test "$OUT" = "HTTP/1.1 400 Bad Request"
deep=$(printf '<value><array><data>%.0s' $(seq 200))
post "<methodCall><methodName>system.listMethods</methodName><params><param>$deep</param></params></methodCall>" | raw
t_check "nesting without end: 400 ($OUT)" test "$OUT" = "HTTP/1.1 400 Bad Request"
post '<methodCall><params></params></methodCall>' | raw
t_check "no method name: 400 ($OUT)" test "$OUT" = "HTTP/1.1 400 Bad Request"
post '<methodCall><methodName>supervisor.getProcessInfo</methodName><params><param><value><int>zz</int></value></param></params></methodCall>' | raw
t_check "an int that is not: 400 ($OUT)" test "$OUT" = "HTTP/1.1 400 Bad Request"
printf 'POST /RPC2 HTTP/1.1\r\n%s\r\nContent-Length: 100000000\r\n\r\n' "$AUTH" | raw
t_check "a 100 MB body: 413 from its Content-Length ($OUT)" \
	test "$OUT" = "HTTP/1.1 413 Payload Too Large"
printf 'GET /%s HTTP/1.1\r\n\r\n' "$(head -c 5000 /dev/zero | tr '\0' a)" | raw
t_check "a 5000-byte URL: 414 ($OUT)" test "$OUT" = "HTTP/1.1 414 URI Too Long"
printf 'GET /x HTTP/1.1\r\n%s\r\n\r\n' "$AUTH" | raw
t_check "an unknown path: 404 ($OUT)" test "$OUT" = "HTTP/1.1 404 Not Found"
printf 'GET /RPC2 HTTP/1.1\r\n%s\r\n\r\n' "$AUTH" | raw
t_check "GET /RPC2: 400 ($OUT)" test "$OUT" = "HTTP/1.1 400 Bad Request"
printf 'GET /logtail/nosuch HTTP/1.1\r\n%s\r\n\r\n' "$AUTH" | raw
t_check "logtail of nothing: 404 ($OUT)" test "$OUT" = "HTTP/1.1 404 Not Found"

# Pipelined: two requests in one write, two answers in order.
{ post "$VERSION_CALL" keep-alive
  post '<methodCall><methodName>supervisor.getPID</methodName></methodCall>'; } |
	timeout 10 socat -t 5 - "UNIX-CONNECT:$SUPERVISOR_SOCKET" > "$T/piped" 2>/dev/null
t_check "pipelined: two answers" test "$(grep -c '^HTTP/1.1 200 OK' "$T/piped")" = 2
t_check "pipelined: in order" grep -q '<string>3.0</string>' "$T/piped"

# A slow client: half a request, then nothing.  Others are answered
# meanwhile; it is dropped after control_timeout (2 s).
exec {slow}< <(printf 'POST /RPC2 HTTP/1.1\r\nContent-Le' ; sleep 30)
timeout 40 socat -t 30 - "UNIX-CONNECT:$SUPERVISOR_SOCKET" <&"$slow" > "$T/slow" 2>/dev/null &
SLOW=$!
auth "$U" admin 'unix secret'
t_check "slow client: another is answered meanwhile ($OUT)" test "$OUT" = RUNNING
t_check "slow client: dropped after control_timeout" t_wait 20 log_has \
	'sent no request in time'
{ kill "$SLOW"; wait "$SLOW"; } 2>/dev/null
# One that sends requests and never reads the replies: bounded.
(post '<methodCall><methodName>supervisor.getAllConfigInfo</methodName></methodCall>'
 for i in $(seq 300); do post "$VERSION_CALL" keep-alive; done; sleep 30) | timeout 40 socat -t 30 - "UNIX-CONNECT:$SUPERVISOR_SOCKET,rcvbuf=1024" \
    > /dev/null 2>&1 &
UNREAD=$!
t_sleep 1
auth "$U" admin 'unix secret'
t_check "a client that reads nothing: others are answered ($OUT)" test "$OUT" = RUNNING
t_check "the supervisor is alive" kill -0 "$SUP_PID"
{ kill "$UNREAD"; wait "$UNREAD"; } 2>/dev/null
t_stop TERM 20
t_check "nothing left" t_wait 10 no_program_left
