#!/bin/bash
# Hostile clients of the web page: a rebound DNS name, pages that never read their events,
# one that reads slowly, more pages than the cap, while 200 processes
# restart.  The loop never blocks (a reading page and the CLI are
# answered), memory stays bounded (each page's queue is capped: a page
# behind gets one snapshot when it reads again), pages closed are seen
# gone.  (The cap of 256 pages: web.sh.)
. "$(dirname "$0")/../lib.sh"

PORT=$(free_port)
WEB=http://127.0.0.1:$PORT
long=$(printf 'p%.0s' {1..100})
t_config <<EOF2
[supervisor]
control_timeout = 120

[inet_http_server]
port = 127.0.0.1:$PORT

[program:$long]
command = sleep 1000
startsecs = 0
numprocs = 200
process_name = ${long}_%(process_num)03d
stdout_logfile = NONE
stderr_logfile = NONE

[program:marker]
command = sleep 1000
startsecs = 0
EOF2
t_start
t_wait 20 state_is marker RUNNING
t_wait 20 state_is "${long}_199" RUNNING
sup=$(supervisor_pid)

# DNS rebinding: a page of another site, its name resolved to 127.0.0.1,
# is of the page's origin to the browser; without a password, only
# loopback names are served.
web GET / -H "Host: evil.example:$PORT"
t_check "no password: a request for another host name is refused (403)" \
	test "$CODE" = 403
web POST /action -H "Host: evil.example:$PORT" -H "Origin: http://evil.example:$PORT" -d "op=stop&target=marker:marker"
t_check "... an action too, and nothing is stopped" \
	eval '[ "$CODE" = 403 ] && state_is marker RUNNING'
web GET / -H "Host: localhost:$PORT"
t_check "localhost is served" test "$CODE" = 200

# A slow reader on the control socket (small buffers): it reads the
# first snapshot, then nothing until told, then everything.
cat > "$T/slow.py" <<'EOF2'
import os, socket, sys, time
sock, go, out = sys.argv[1:4]
s = socket.socket(socket.AF_UNIX)
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
s.connect(sock)
s.sendall(b"GET /events HTTP/1.1\r\nHost: x\r\n\r\n")
data = b""
while b"event: reset" not in data:
	data += s.recv(65536)
open(out + ".started", "w").close()
while not os.path.exists(go):
	time.sleep(0.05)
# Everything there is, until 3 s without more.
s.settimeout(3)
try:
	while True:
		chunk = s.recv(1 << 20)
		if not chunk:
			break
		data += chunk
except socket.timeout:
	pass
last = data.rfind(b'"name":"marker","state":"')
state = data[last:].split(b'"')[7].decode() if last >= 0 else "none"
open(out, "w").write("resets=%d marker=%s\n" % (data.count(b"event: reset"),
    state))
EOF2
/usr/bin/python3 "$T/slow.py" "$SUPERVISOR_SOCKET" "$T/go" "$T/slow.out" &
t_wait 10 test -e "$T/slow.out.started"

# 100 pages that never read.
stalled=()
for i in $(seq 100); do
	exec {fd}<>"/dev/tcp/127.0.0.1/$PORT"
	printf 'GET /events HTTP/1.1\r\nHost: x\r\n\r\n' >&"$fd"
	stalled+=("$fd")
done
rss0=$(status_kb "$sup" VmRSS)
for round in 1 2 3 4; do
	ctl restart all
done
t_check "restarts go on while 100 pages read nothing (restart all: exit $RC)" test "$RC" = 0
rss=$(status_kb "$sup" VmRSS)
t_check "memory stays bounded: VmRSS ${rss0} kB before, ${rss} kB after (< +64 MB)" \
	test $((rss - rss0)) -lt 65536
curl -sN --max-time 20 "$WEB/events" > "$T/reader" &
t_wait 10 grep -q '^event: reset' "$T/reader"
ctl stop marker
t_check "a page that reads gets the latest change at once" \
	t_wait 10 grep -qF '"name":"marker","state":"STOPPED"' "$T/reader"
touch "$T/go"
t_check "the slow page, once it reads, catches up through a new snapshot" \
	t_wait 30 grep -qE '^resets=([2-9]|[0-9]{2,}) marker=STOPPED$' "$T/slow.out"

for fd in "${stalled[@]}"; do exec {fd}>&-; done
t_check "the pages gone, a new one is served" \
	t_wait 20 eval 'curl -sN --max-time 2 "$WEB/events" | grep -q "^event: reset"'
ctl status marker
t_check "the supervisor answers as ever" test "$RC" = 3

t_stop TERM
t_check "the supervisor exits 0" test "$SUP_STATUS" = 0
t_done
