#!/bin/bash
# attack_flood.sh: clients that flood the control socket.  300 send
# status requests and never read the replies: the supervisor's memory
# stays within the cap on all clients' replies (64 MiB) and a margin,
# and a client that reads is answered meanwhile.  Then, when they are
# dropped for not reading, and when a uid that is refused connects in a
# loop, the log gets a few lines and a summary, not one line each.
. "$(dirname "$0")/../lib.sh"

CLIENTS=300
# Replies each flooding client asks for: 1.5 MB, under the 8 MiB a client
# may have waiting, so that only the total's cap holds them.
PER_CLIENT=$((1536 * 1024))
CAP_KB=$((64 * 1024))
MARGIN_KB=$((32 * 1024))
TIMEOUT=5
IS_ROOT=0
[ "$(id -u)" = 0 ] && IS_ROOT=1
# AddressSanitizer keeps freed blocks in a quarantine (256 MB by default)
# that counts as the supervisor's memory: a small one here, and its
# shadow memory (an eighth of what is mapped) on top of the bound.
QUARANTINE_MB=16
export ASAN_OPTIONS="$ASAN_OPTIONS:quarantine_size_mb=$QUARANTINE_MB"
chmod 755 "$T"
# A Python nobody can run too (not one under root's home).
PY=python3
for p in /usr/bin/python3 /usr/local/bin/python3; do
	[ -x "$p" ] && { PY=$p; break; }
done

# 300 programs with long names (a status reply of about 100 KB), none
# started; chmod 0666 lets any user connect, to be refused.
{
	printf '[supervisor]\ncontrol_timeout = %s\n' "$TIMEOUT"
	printf '[unix_http_server]\nchmod = 0666\n'
	for i in $(seq -w 1 300); do
		printf '[program:p%s_%s]\ncommand = sleep 1000\n' "$i" \
			"$(printf '%0120d' 0)"
		printf 'autostart = false\nstdout_logfile = NONE\n'
	done
} | t_config
chmod 644 "$T/supervisor.ini"

cat > "$T/flood.py" <<'EOF2'
# flood.py MODE SOCKET ...: clients of the control socket that misbehave.
#   flood SOCKET N BYTES: N clients each ask for BYTES of status replies
#     (and some more, for the socket's own buffer), never read, and stay
#     until killed.  Prints "sent" once every request is sent.
#   silent SOCKET N: N clients that connect and say nothing, until killed.
#   connect SOCKET SECONDS: connects over and over (to be refused); prints
#     how many times.
import os, socket, sys, time

mode, path = sys.argv[1], sys.argv[2]

def connect():
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(path)
    return s

def reply_size():
    s = connect()
    s.sendall(b"status\n")
    data = b""
    while not (data.startswith(b"= ") or b"\n= " in data) or \
            not data.endswith(b"\n"):
        chunk = s.recv(65536)
        if not chunk:
            break
        data += chunk
    s.close()
    return len(data)

if mode == "flood":
    n, want = int(sys.argv[3]), int(sys.argv[4])
    size = reply_size()
    # The supervisor's socket buffer takes some 200 KB before any reply
    # waits in the supervisor itself.
    k = (want + 256 * 1024) // size + 1
    socks = [connect() for _ in range(n)]
    for s in socks:
        s.sendall(b"status\n" * k)
    print("sent %d requests of %d bytes to each of %d clients" % (k, size, n),
          flush=True)
    time.sleep(600)
elif mode == "silent":
    socks = [connect() for _ in range(int(sys.argv[3]))]
    print("connected", flush=True)
    time.sleep(600)
elif mode == "connect":
    end = time.monotonic() + float(sys.argv[3])
    count = 0
    while time.monotonic() < end:
        try:
            s = connect()
            s.recv(256)
            s.close()
            count += 1
        except OSError:
            time.sleep(0.001)
    print(count)
EOF2
chmod 644 "$T/flood.py"

t_start
t_check "the supervisor is up" t_wait 10 answers
SPID=$(supervisor_pid)
base_kb=$(status_kb "$SPID" VmRSS)
limit_kb=$((base_kb + CAP_KB + MARGIN_KB))
if grep -q __asan_init "$SUPERVISOR" 2>/dev/null; then
	limit_kb=$((base_kb + (CAP_KB + MARGIN_KB) * 9 / 8 + QUARANTINE_MB * 1024))
fi

# rss_sample: the supervisor's resident memory now, the highest in MAX_KB.
MAX_KB=0
rss_sample() {
	local kb
	kb=$(status_kb "$SPID" VmHWM)
	[ -n "$kb" ] && [ "$kb" -gt "$MAX_KB" ] && MAX_KB=$kb
	return 0
}
# timed_status: a status that reads its reply; its time in MS, status RC.
timed_status() {
	local t0
	t0=$(now_ms)
	timeout 10 "$CLIENT" status > "$T/good.out" 2>&1
	RC=$?
	MS=$(( $(now_ms) - t0 ))
}

# ---- 300 clients that never read ---------------------------------------
: > "$T/flood.out"
"$PY" "$T/flood.py" flood "$SUPERVISOR_SOCKET" "$CLIENTS" "$PER_CLIENT" \
	> "$T/flood.out" 2>&1 &
flood=$!
t_check "the flooding clients sent their requests" \
	t_wait 20 grep -q "^sent" "$T/flood.out"
cat "$T/flood.out"
# Until the cap is reached, the requests are answered as they come.
t_check "the cap is reached, and said so" t_wait 20 \
	log_has "control socket: replies waiting to be read take 64 MiB"
worst=0
bad=0
for i in 1 2 3 4 5 6; do
	rss_sample
	timed_status
	[ "$RC" = 3 ] || bad=$((bad + 1))	# 3: not all are RUNNING
	[ "$MS" -gt "$worst" ] && worst=$MS
	rss_sample
	t_sleep 0.3
done
t_check "a client that reads is answered during the flood (6 of 6, worst ${worst} ms)" \
	eval '[ "$bad" = 0 ] && [ "$worst" -lt 2000 ]'
t_check "the supervisor's memory stays under $((limit_kb / 1024)) MB: the cap, 32 MB and $((base_kb / 1024)) MB at rest, and the sanitizer's share (at most $((MAX_KB / 1024)) MB)" \
	test "$MAX_KB" -lt "$limit_kb"

# Dropped for reading nothing in control_timeout: a few lines, a summary.
t_check "the flooding clients are dropped for reading nothing" \
	t_wait 20 log_has "control socket: [0-9]+ more clients dropped for reading nothing of a reply in time from uid $(id -u) in the last"
n=$(log_count "read nothing of its reply in time; dropped")
t_check "... logged in full 5 times at most (got $n)" test "$n" -le 5
kill "$flood"
wait "$flood" 2>/dev/null

# ---- 300 clients that say nothing --------------------------------------
: > "$T/silent.out"
"$PY" "$T/flood.py" silent "$SUPERVISOR_SOCKET" "$CLIENTS" \
	> "$T/silent.out" 2>&1 &
silent=$!
t_check "300 silent clients connected" t_wait 20 grep -q connected "$T/silent.out"
t_check "the silent clients are dropped, summed up in one line" \
	t_wait 20 log_has "control socket: [0-9]+ more clients dropped for sending no request in time"
n=$(log_count "sent no request in time; dropped")
t_check "... logged in full 5 times at most (got $n)" test "$n" -le 5
kill "$silent"
wait "$silent" 2>/dev/null

# ---- a refused uid connecting in a loop --------------------------------
if [ "$IS_ROOT" = 1 ]; then
	count=$(as_user nobody "$PY" "$T/flood.py" connect \
		"$SUPERVISOR_SOCKET" 2)
	t_check "nobody connected many times ($count)" test "${count:-0}" -gt 100
	t_check "the refusals are summed up" t_wait 10 log_has \
		"control socket: [0-9]+ more refused connections from uid 65534 in the last"
	n=$(log_count "refused")
	t_check "$count refused connections: at most 7 log lines (got $n)" \
		test "$n" -le 7
	timed_status
	t_check "status answers after the refusals (${MS} ms)" \
		eval '[ "$RC" = 3 ] && [ "$MS" -lt 2000 ]'
else
	t_pass "refused connections: skipped: needs root (the refused uid is nobody)"
fi

t_stop TERM
t_check "exits 0 (got $SUP_STATUS)" test "$SUP_STATUS" = 0
t_check "nothing left running" no_program_left
t_done
