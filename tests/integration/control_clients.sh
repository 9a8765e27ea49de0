#!/bin/bash
# The control socket against difficult clients: uids it must refuse and
# those chmod/chown let in, a client that says nothing, one that sends
# without reading, 64 at once, malformed requests; and the socket file
# itself: mode 0600, a stale one replaced, a live one left to its daemon.
# All the while a program crashes and must keep being restarted.
. "$(dirname "$0")/../lib.sh"

SOCK=$SUPERVISOR_SOCKET
VERSION=$("$SUPERVISOR" -V | sed 's/^supervisor //')
TAB=$'\t'
IS_ROOT=0
[ "$(id -u)" = 0 ] && IS_ROOT=1
# Other users must reach the socket: the directory is theirs to traverse.
chmod 755 "$T"
mkdir "$T/c"

# as USER GROUP [SUPPLEMENTARY] -- COMMAND...: runs COMMAND as USER.
as() {
	local user=$1 group=$2 groups=--clear-groups
	shift 2
	if [ "$1" != -- ]; then
		groups=--groups=$1
		shift
	fi
	shift
	setpriv --reuid="$user" --regid="$group" "$groups" "$@"
}
# ask FILE: sends FILE over one connection; the reply in $T/reply.
ask() { socat -t 5 - UNIX-CONNECT:"$SOCK" < "$1" > "$T/reply" 2>/dev/null; }
# spawns_above N: crash was spawned more than N times.
spawns_above() { [ "$(spawn_count crash)" -gt "$1" ]; }
# log_count_is PATTERN N
log_count_is() { [ "$(log_count "$1")" -eq "$2" ]; }
socket_mode() { stat -c %a "$SOCK"; }
socket_owner() { stat -c %U:%G "$SOCK"; }
# sockets_of PID: the sockets PID holds (for the supervisor proper: the
# listener, and one per client).
sockets_of() {
	local fd n=0
	for fd in /proc/"$1"/fd/*; do
		[[ $(readlink "$fd" 2>/dev/null) = socket:* ]] && n=$((n + 1))
	done
	echo "$n"
}
sockets_are() { [ "$(sockets_of "$1")" = "$2" ]; }
# Connections accepted on $SOCK (/proc/net/unix names the path on the
# server's side of each, and on the listener).
accepted() {
	local n
	n=$(grep -c " $SOCK\$" /proc/net/unix)
	echo $((n - 1))
}
at_least_accepted() { [ "$(accepted)" -ge "$1" ]; }
is_asan() { grep -q __asan_init "$SUPERVISOR" 2>/dev/null; }

# config TIMEOUT [UNIX_HTTP_SERVER LINES...]
config() {
	local timeout=$1 line
	shift
	{
		printf '[supervisor]\ncontrol_timeout = %s\n\n' "$timeout"
		if [ $# -gt 0 ]; then
			echo "[unix_http_server]"
			for line in "$@"; do echo "$line"; done
			echo
		fi
		cat <<EOF2
[program:web]
command = sleep 1000
startsecs = 0.2

# Dies young, over and over: restarted every 0.2 s of backoff.
[program:crash]
command = sh -c 'sleep 0.2; exit 1'
startsecs = 0
backoff_max = 0.2

# 2.5: not a whole number of control_timeouts (see control.sh's stub).
[program:slow]
command = sleep 1001
startsecs = 2.5
autostart = false
EOF2
	} | t_config
	chmod 644 "$T/supervisor.ini"
}

# begin NAME: starts the supervisor on the config, waits for web and the
# socket; sets WEB, SPID and SOCKETS (how many it holds with no client).
begin() {
	# t_start's redirections happen in the background: an old log must
	# not be read as the new one's.
	rm -f "$T/log"
	t_start
	if ! t_wait 10 log_has "web is RUNNING" || ! t_wait 10 test -S "$SOCK"; then
		t_fail "[$1] supervisor starts, web RUNNING, socket made"
		return 1
	fi
	WEB=$(spawned_pid web)
	SPID=$(supervisor_pid)
	SOCKETS=$(sockets_of "$SPID")
	return 0
}
finish() {
	t_stop TERM 20
	t_check "[$1] supervisor exits 0 on SIGTERM (got $SUP_STATUS)" \
		test "$SUP_STATUS" = 0
	t_check "[$1] socket file removed at exit" test ! -e "$SOCK"
	t_check "[$1] nothing left" no_program_left
	end_run
}

# ======== run 1: default mode, control_timeout = 1 ========================
config 1
if begin default; then
	t_check "socket is a socket" test -S "$SOCK"
	t_check "socket mode 0600 (got $(socket_mode))" test "$(socket_mode)" = 600
	t_check "socket owned by the supervisor's user ($(socket_owner))" \
		test "$(stat -c %u "$SOCK")" = "$(id -u)"
	if [ "$IS_ROOT" = 1 ]; then
		as nobody nogroup -- "$SUPERVISOR" status >/dev/null 2>"$T/err"
		rc=$?
		t_check "nobody, mode 0600: exit 69 (got $rc)" test "$rc" = 69
		t_check "nobody, mode 0600: permission denied" \
			grep -q "Permission denied" "$T/err"
	else
		t_pass "nobody, mode 0600: skipped: not root"
	fi

	# ---- silent clients ------------------------------------------------
	mkfifo "$T/silent.in" "$T/hello.in"
	exec {silent_w}<>"$T/silent.in" {hello_w}<>"$T/hello.in"
	before=$(spawn_count crash)
	dropped=$(log_count "sent no request in time; dropped")
	t0=$(now_ms)
	socat -t 0.5 - UNIX-CONNECT:"$SOCK" < "$T/silent.in" > "$T/silent.out" 2>&1 &
	silent=$!
	socat -t 0.5 - UNIX-CONNECT:"$SOCK" < "$T/hello.in" > "$T/hello.out" 2>&1 &
	hello=$!
	printf 'hello 1\n' >&"$hello_w"
	# Meanwhile, others are answered.
	ctl_check "while a client is silent, status web" 0 status web
	t_check "while a client is silent, answered before it is dropped (${MS} ms)" \
		log_count_is "sent no request in time; dropped" "$dropped"
	t_check "silent client: dropped" t_wait 10 gone "$silent"
	ms=$(( $(now_ms) - t0 ))
	t_check "silent client: not before control_timeout 1 s (${ms} ms)" \
		test "$ms" -ge 900
	t_check "silent client: well within 8 s (${ms} ms)" test "$ms" -lt 8000
	t_check "silent client: got nothing" test ! -s "$T/silent.out"
	t_check "client silent after hello: dropped too" t_wait 10 gone "$hello"
	t_check "client silent after hello: got its greeting" \
		grep -qx "= 0 supervisor $VERSION protocol 1" "$T/hello.out"
	t_check "silent clients: logged as dropped" t_wait 5 log_count_is \
		"control client \(uid $(id -u)\) sent no request in time; dropped" \
		$((dropped + 2))
	exec {silent_w}>&- {hello_w}>&-
	t_check "silent clients: crash restarted meanwhile" \
		t_wait 10 spawns_above "$before"
	ctl_check "after the silent clients, status web" 0 status web
	t_check "after the silent clients, web is the same pid" \
		test "$("$SUPERVISOR" pid web)" = "$WEB"

	# A client waiting for a start longer than control_timeout stays.
	dropped=$(log_count "dropped")
	ctl_check "start slow (startsecs 2.5 > control_timeout 1)" 0 start slow
	t_check "start slow: waited the 2.5 s (${MS} ms)" test "$MS" -ge 2400
	t_check "start slow: started" test "$OUT" = "slow: started"
	t_check "start slow: its client was not dropped" \
		test "$(log_count "dropped")" -eq "$dropped"

	# ---- sending without reading --------------------------------------
	# One 10 MB line: refused as too long, not kept.
	{ printf 'hello 1\n'; head -c 10000000 /dev/zero | tr '\0' a; } |
		timeout 30 socat -u - UNIX-CONNECT:"$SOCK" 2>/dev/null
	rc=$?
	t_check "10 MB request line, never reading: sent whole (socat $rc)" \
		test "$rc" = 0
	ctl_check "after a 10 MB line, status web" 0 status web
	if is_asan; then
		t_pass "10 MB line: memory check skipped under ASan"
	else
		t_check "10 MB line: not buffered (peak RSS $(status_kb "$SPID" VmHWM) kB < 8 MB)" \
			test "$(status_kb "$SPID" VmHWM)" -lt 8192
	fi
	# 300000 requests, no reply read: dropped when 8 MB of replies wait.
	{ printf 'hello 1\n'; yes status | head -n 300000; } |
		timeout 30 socat -u - UNIX-CONNECT:"$SOCK" 2>/dev/null
	t_check "300000 requests, never reading: client dropped" \
		t_wait 10 log_has "control client \(uid $(id -u)\) does not read its replies; dropped"
	if is_asan; then
		t_pass "unread replies: memory check skipped under ASan"
	else
		t_check "unread replies: bounded (peak RSS $(status_kb "$SPID" VmHWM) kB < 40 MB)" \
			test "$(status_kb "$SPID" VmHWM)" -lt 40960
	fi
	ctl_check "after the unread replies, status web" 0 status web
	t_check "after the unread replies, the dropped clients' sockets closed" \
		t_wait 10 sockets_are "$SPID" "$SOCKETS"

	# ---- malformed requests ---------------------------------------------
	greet="= 0 supervisor $VERSION protocol 1"
	tail_ok=$'* '"$VERSION"$'\n= 0 version'
	# malformed NAME REQUEST-BYTES EXPECTED-REPLY: one connection: hello,
	# the request, then "version"; the reply must be exactly that.
	malformed() {
		local name=$1
		{ printf 'hello 1\n'; printf '%b' "$2"; printf 'version\n'; } > "$T/req"
		printf '%s\n%s\n%s\n' "$greet" "$3" "$tail_ok" > "$T/want"
		ask "$T/req"
		if same "$T/reply" "$T/want"; then
			t_pass "malformed: $name: $3, then answered"
		else
			t_fail "malformed: $name: got $(od -c "$T/reply" | head -n 8)"
		fi
	}
	malformed "control bytes" '\001\002\033[31mstatus\n' \
		"= 2 request has control characters or binary data"
	malformed "NUL in a word" 'sta\000tus\n' \
		"= 2 request has control characters or binary data"
	malformed "DEL" 'status web\177\n' \
		"= 2 request has control characters or binary data"
	malformed "high bytes" '\200\377\376\n' \
		"= 2 unknown request \"$(printf '\200\377\376')\" (or wrong arguments); try help"
	malformed "unknown command" 'frobnicate web\n' \
		'= 2 unknown request "frobnicate" (or wrong arguments); try help'
	malformed "protocol 2" 'hello 2\n' "= 2 this supervisor speaks protocol 1"
	malformed "shutdown with an argument" 'shutdown now\n' \
		'= 2 unknown request "shutdown" (or wrong arguments); try help'
	malformed "reload with an argument" 'reload x\n' \
		'= 2 reload: usage: reload [--dry-run]'
	malformed "start without a name" 'start\n' \
		"= 2 start: name a process, a program, PROGRAM:* or all"
	malformed "signal without a name" 'signal TERM\n' \
		"= 2 signal: usage: signal SIGNAL NAME..."
	malformed "1025 words" "$(printf 'a %.0s' {1..1025})\\n" \
		"= 2 too many words in the request"
	malformed "a 5000-byte line" "$(head -c 5000 /dev/zero | tr '\0' a)\\n" \
		"= 2 request line too long"
	malformed "a 4096-byte line (one too many)" \
		"$(head -c 4096 /dev/zero | tr '\0' a)\\n" "= 2 request line too long"
	malformed "a 4095-byte line (the most)" \
		"$(head -c 4095 /dev/zero | tr '\0' a)\\n" \
		"= 2 unknown request \"$(head -c 71 /dev/zero | tr '\0' a)\" (or wrong arguments); try help"
	# Empty and blank lines are no request: nothing is answered for them.
	{ printf 'hello 1\n\n\n \t \n\r\n'; printf 'version\n'; } > "$T/req"
	printf '%s\n%s\n' "$greet" "$tail_ok" > "$T/want"
	ask "$T/req"
	t_check "malformed: empty and blank lines: skipped, then answered" \
		same "$T/reply" "$T/want"
	{ printf 'hello 1\r\nversion\r\n'; } > "$T/req"
	ask "$T/req"
	t_check "CRLF line ends are accepted" same "$T/reply" "$T/want"
	# A request with no newline before EOF still counts.
	printf 'hello 1\nversion' > "$T/req"
	ask "$T/req"
	t_check "a last request without a newline is answered" same "$T/reply" "$T/want"
	# Several requests at once are answered in order.
	printf 'hello 1\npid web\nversion\nstatus nope\n' > "$T/req"
	printf '%s\n* web\t%s\n= 0 pid: 0 = not running\n%s\n! nope\tno such process\n= 4 1 unknown name\n' \
		"$greet" "$WEB" "$tail_ok" > "$T/want"
	ask "$T/req"
	t_check "pipelined requests answered in order" same "$T/reply" "$T/want"
	# Not an upper-case letter first: that is an HTTP request (POST, GET),
	# answered in HTTP (1 run in 10 of random bytes).
	{ printf 'x'; head -c 19999 /dev/urandom; } > "$T/req"
	ask "$T/req"
	t_check "20000 random bytes: only = 2 replies, if any" \
		test "$(LC_ALL=C grep -avc '^= 2 ' "$T/reply")" -eq 0
	ctl_check "after the malformed requests, status web" 0 status web
	t_check "after the malformed requests, web is the same pid" \
		test "$(spawned_pid web)" = "$WEB"
	t_check "after the malformed requests, supervisor pid unchanged" \
		test "$(supervisor_pid)" = "$SPID"
	t_check "no shutdown was asked" log_lacks "shutdown requested"

	# ---- a second daemon on a live socket --------------------------------
	ino=$(stat -c '%i %z' "$SOCK")
	t0=$(now_ms)
	timeout 20 "$SUPERVISOR" -c "$T/supervisor.ini" >"$T/out2" 2>"$T/log2"
	rc=$?
	t_check "second daemon on a live socket: exit 1 (got $rc, $(( $(now_ms) - t0 )) ms)" \
		test "$rc" = 1
	t_check "second daemon: says another supervisor answers" \
		grep -q "another supervisor is answering on it" "$T/log2"
	t_check "second daemon: spawned nothing" \
		test "$(grep -c spawned "$T/log2")" = 0
	t_check "second daemon: left the socket file alone" \
		test "$(stat -c '%i %z' "$SOCK" 2>/dev/null)" = "$ino"
	ctl_check "first daemon still answers" 0 status web
	t_check "first daemon: web still the same pid" \
		test "$(spawned_pid web)" = "$WEB"
	before=$(spawn_count crash)
	t_check "crash keeps being restarted" t_wait 10 spawns_above "$before"
	finish default
fi

# ======== run 2: chmod 0666, MANY clients at once =========================
MANY=64
config 30 "chmod = 0666"
if begin many; then
	t_check "[many] socket mode 0666 (got $(socket_mode))" \
		test "$(socket_mode)" = 666
	if [ "$IS_ROOT" = 1 ]; then
		as nobody nogroup -- "$SUPERVISOR" status >/dev/null 2>"$T/err"
		rc=$?
		t_check "[many] nobody, not allowed: exit 77 (got $rc)" test "$rc" = 77
		t_check "[many] nobody: told permission denied for uid 65534" \
			grep -q "permission denied for uid 65534" "$T/err"
		# Only reading: a request written after the refusal closed the
		# connection could end socat (EPIPE) before it reads the reply.
		as nobody nogroup -- timeout 10 socat -u UNIX-CONNECT:"$SOCK" - \
			> "$T/reply" 2>/dev/null
		reply=$(< "$T/reply")
		t_check "[many] nobody over socat: the one refusal line ($reply)" \
			test "$reply" = "= 77 permission denied for uid 65534"
		t_check "[many] nobody: refusal logged" \
			t_wait 5 log_has "control client uid 65534 refused"
		as daemon daemon -- "$SUPERVISOR" shutdown >/dev/null 2>&1
		rc=$?
		t_check "[many] daemon user: shutdown refused, exit 77 (got $rc)" \
			test "$rc" = 77
		t_check "[many] ... and nothing shut down" log_lacks "shutdown requested"
	else
		t_pass "[many] other uids: skipped: not root"
	fi
	before=$(spawn_count crash)
	# MANY clients connect, then wait on a FIFO; all ask at once.
	mkfifo "$T/go"
	exec {go}<>"$T/go"
	pids=()
	for i in $(seq 1 $MANY); do
		{ read -r _ < "$T/go"
		  printf 'hello 1\nstatus web crash\npid web\nversion\n'; } |
			socat -t 20 - UNIX-CONNECT:"$SOCK" > "$T/c/$i" 2>&1 &
		pids+=($!)
	done
	if t_wait 30 at_least_accepted $MANY; then
		t_pass "[many] $MANY clients connected at once ($(accepted) accepted)"
	else
		t_fail "[many] $MANY clients connected at once (only $(accepted))"
	fi
	printf '%.0s\n' $(seq 1 $MANY) >&"$go"
	t0=$(now_ms)
	wait "${pids[@]}"
	t_pass "[many] all $MANY clients done in $(( $(now_ms) - t0 )) ms"
	exec {go}>&-
	bad=0 first_bad=
	for i in $(seq 1 $MANY); do
		mapfile -t L < "$T/c/$i"
		ok=1
		[ "${#L[@]}" -eq 8 ] || ok=0
		[ "${L[0]}" = "= 0 supervisor $VERSION protocol 1" ] || ok=0
		[[ ${L[1]} =~ ^\*\ web${TAB}web${TAB}RUNNING${TAB}${WEB}${TAB}[0-9.]+${TAB}-${TAB}-${TAB}0${TAB}0${TAB}-$ ]] || ok=0
		if [[ ${L[2]} =~ ^\*\ crash${TAB}crash${TAB}RUNNING${TAB}[1-9][0-9]*${TAB} ]]; then
			[ "${L[3]}" = "= 0 2 of 2 running" ] || ok=0
		elif [[ ${L[2]} =~ ^\*\ crash${TAB}crash${TAB}(BACKOFF|STARTING)${TAB}0${TAB}-${TAB}[0-9.]+${TAB}status\ 1${TAB}[0-9]+${TAB}0${TAB}-$ ]]; then
			[ "${L[3]}" = "= 3 1 of 2 running" ] || ok=0
		else
			ok=0
		fi
		[ "${L[4]}" = "* web${TAB}${WEB}" ] || ok=0
		[ "${L[5]}" = "= 0 pid: 0 = not running" ] || ok=0
		[ "${L[6]}" = "* $VERSION" ] || ok=0
		[ "${L[7]}" = "= 0 version" ] || ok=0
		if [ "$ok" = 0 ]; then
			bad=$((bad + 1))
			[ -z "$first_bad" ] && first_bad=$i
		fi
	done
	if [ "$bad" = 0 ]; then
		t_pass "[many] all $MANY replies complete and right"
	else
		t_fail "[many] $bad of $MANY replies wrong; #$first_bad: $(cat -A "$T/c/$first_bad")"
	fi
	# Then 20 of the client itself, at once.
	pids=()
	for i in $(seq 1 20); do
		"$CLIENT" status --json web crash > "$T/c/j$i" 2>/dev/null &
		pids+=($!)
	done
	bad=0
	for pid in "${pids[@]}"; do
		wait "$pid"
		rc=$?
		[ "$rc" = 0 ] || [ "$rc" = 3 ] || bad=$((bad + 1))
	done
	t_check "[many] 20 clients at once: exit 0 or 3 ($bad did not)" \
		test "$bad" = 0
	t_check "[many] 20 clients at once: 20 right JSON replies" \
		jq -e -s --argjson w "$WEB" 'length == 20 and all(.[];
		    .[0].pid == $w and .[0].state == "RUNNING" and
		    .[1].name == "crash")' "$T"/c/j* >/dev/null
	t_check "[many] no client was dropped or refused" \
		log_lacks "dropped|control client uid 0 refused"
	t_check "[many] the supervisor closed every client ($SOCKETS sockets again)" \
		t_wait 10 sockets_are "$SPID" "$SOCKETS"
	t_check "[many] crash kept being restarted" \
		t_wait 10 spawns_above $((before + 2))
	ctl_check "[many] status web afterwards" 0 status web
	t_check "[many] web is the same pid" test "$(spawned_pid web)" = "$WEB"
	finish many
fi

# ======== runs 3 to 5: chown and chmod let others in =====================
if [ "$IS_ROOT" = 1 ]; then
	# 0660 root:nogroup: the group may, by its primary or a
	# supplementary group; others cannot even connect.
	config 5 "chmod = 0660" "chown = root:nogroup"
	if begin group; then
		t_check "[group] socket mode 0660 (got $(socket_mode))" \
			test "$(socket_mode)" = 660
		t_check "[group] socket root:nogroup (got $(socket_owner))" \
			test "$(socket_owner)" = root:nogroup
		as nobody nogroup -- "$SUPERVISOR" status web >/dev/null 2>&1
		rc=$?
		t_check "[group] nobody (group nogroup): allowed (got $rc)" test "$rc" = 0
		as daemon daemon nogroup -- "$SUPERVISOR" status web >/dev/null 2>&1
		rc=$?
		t_check "[group] daemon with supplementary nogroup: allowed (got $rc)" \
			test "$rc" = 0
		as daemon daemon -- "$SUPERVISOR" status web >/dev/null 2>&1
		rc=$?
		t_check "[group] daemon, not in the group: cannot connect (got $rc)" \
			test "$rc" = 69
		finish group
	fi
	# 0666 root:nogroup: anyone may connect, only the group is served.
	config 5 "chmod = 0666" "chown = root:nogroup"
	if begin group-peer; then
		as nobody nogroup -- "$SUPERVISOR" status web >/dev/null 2>&1
		rc=$?
		t_check "[group-peer] nobody (group nogroup): allowed (got $rc)" \
			test "$rc" = 0
		as daemon daemon -- "$SUPERVISOR" status web >/dev/null 2>"$T/err"
		rc=$?
		t_check "[group-peer] daemon, not in the group: refused 77 (got $rc)" \
			test "$rc" = 77
		t_check "[group-peer] daemon: told permission denied for uid 1" \
			grep -q "permission denied for uid 1" "$T/err"
		finish group-peer
	fi
	# chown nobody, 0600: the owner may; root too; others not.
	config 5 "chown = nobody"
	if begin owner; then
		t_check "[owner] socket mode 0600 (got $(socket_mode))" \
			test "$(socket_mode)" = 600
		t_check "[owner] socket owned by nobody (got $(socket_owner))" \
			test "$(stat -c %U "$SOCK")" = nobody
		as nobody nogroup -- "$SUPERVISOR" status web >/dev/null 2>&1
		rc=$?
		t_check "[owner] nobody (the owner): allowed (got $rc)" test "$rc" = 0
		ctl_check "[owner] root: allowed" 0 status web
		as daemon nogroup -- "$SUPERVISOR" status web >/dev/null 2>&1
		rc=$?
		t_check "[owner] daemon: cannot connect (got $rc)" test "$rc" = 69
		finish owner
	fi
else
	t_pass "chmod/chown for other users: skipped: not root"
fi

# ======== run 6: stale and squatted socket files ==========================
config 5
if begin stale; then
	disown "$SUP_PID"	# it dies of SIGKILL: no "Killed" from bash
	kill -KILL "$SUP_PID"
	t_check "[stale] supervisor proper exits after its guardian died" \
		t_wait 10 gone "$SPID"
	t_check "[stale] the socket file is left behind" test -S "$SOCK"
	ctl_check "[stale] nobody answers on it" 69 status
	t_check "[stale] the client says it cannot connect" \
		err_has "cannot connect to $SOCK"
	t_check "[stale] nothing left" t_wait 5 no_program_left
	end_run
	if begin stale-replaced; then
		t_check "[stale] new daemon replaced it" \
			log_has "control socket $SOCK: nobody answers on it; replacing it"
		ctl_check "[stale] new daemon answers" 0 status web
		finish stale-replaced
	fi
fi
echo "not a socket" > "$SOCK"
timeout 20 "$SUPERVISOR" -c "$T/supervisor.ini" >"$T/out" 2>"$T/log"
rc=$?
t_check "[squatted] a regular file at the socket path: exit 1 (got $rc)" \
	test "$rc" = 1
t_check "[squatted] says it is not a socket" log_has "exists and is not a socket"
t_check "[squatted] the file is left alone" \
	test "$(cat "$SOCK")" = "not a socket"
t_check "[squatted] spawned nothing" log_lacks spawned
rm -f "$SOCK"
t_done
