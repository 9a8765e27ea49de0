#!/bin/bash
# conf/supervisor.init, the LSB init script, run by sh on a config in the
# test's directory (its settings from a defaults file there, never /etc or
# /run).  Stopping with kill and a wait: status 3, start, status 0, reload
# (the edit applied), an invalid file not reloaded, stop (pid, pidfile
# and programs gone), status 3, start twice (the second says it runs,
# exit 0), restart, try-restart, a stale pidfile after SIGKILL (status 1,
# stop 0, start takes it over).  With Debian's start-stop-daemon, when
# the machine has it: start and stop.  Then a config without the pidfile,
# an invalid one, and an unknown action.
. "$(dirname "$0")/../lib.sh"

INIT=$(cd "$(dirname "$0")/../.." && pwd)/conf/supervisor.init
export SUPERVISOR_DEFAULTS=$T/defaults

# init_config [PIDFILE-LINE]: one program; the supervisor's log is $T/log,
# which t_fail prints.  No watching: only the script's SIGHUP reloads.
init_config() {
	web_config 0 "${1-pidfile = $T/sup.pid}" "logfile = $T/log" \
	    "watch_config = false"
}
# write_defaults START_STOP_DAEMON
write_defaults() {
	cat > "$T/defaults" <<EOF2
DAEMON=$SUPERVISOR
CONFIG=$T/supervisor.ini
PIDFILE=$T/sup.pid
STOP_TIMEOUT=20
START_STOP_DAEMON=$1
EOF2
}
# init ACTION: runs the script; its status in IRC, its output in $T/init.out
# and $T/init.err, and in OUT and ERR (for out_matches and err_matches).
init() {
	sh "$INIT" "$1" > "$T/init.out" 2> "$T/init.err"
	IRC=$?
	OUT=$(< "$T/init.out")
	ERR=$(< "$T/init.err")
}
# init_check NAME WANT ACTION
init_check() {
	local name=$1 want=$2
	init "$3"
	if [ "$IRC" = "$want" ]; then
		t_pass "$name (exit $IRC)"
	else
		t_fail "$name: exit $IRC, want $want; stdout: $(cat "$T/init.out"); stderr: $(cat "$T/init.err")"
	fi
}
pidfile_pid() { cat "$T/sup.pid" 2>/dev/null; }
sighups() { grep -c "SIGHUP received" "$T/log"; }

# A start-stop-daemon on PATH that records its calls and runs Debian's.
REAL_SSD=
for f in "$(command -v start-stop-daemon)" /sbin/start-stop-daemon \
    /usr/sbin/start-stop-daemon; do
	[ -x "$f" ] && "$f" --version 2>/dev/null | grep -q Debian &&
		{ REAL_SSD=$f; break; }
done
if [ -n "$REAL_SSD" ]; then
	mkdir "$T/bin"
	printf '#!/bin/sh\necho "$*" >> "%s/ssd.calls"\nexec "%s" "$@"\n' \
	    "$T" "$REAL_SSD" > "$T/bin/start-stop-daemon"
	chmod 755 "$T/bin/start-stop-daemon"
	export PATH=$T/bin:$PATH
fi
ssd_stops() { grep -c -- "--stop" "$T/ssd.calls" 2>/dev/null; }

# stop_checks R PID STOPS-BEFORE MODE: after a stop, nothing is left, and
# start-stop-daemon was used or not.
stop_checks() {
	t_check "$1: stop returns with the supervisor gone" gone "$2"
	t_check "$1: and its pidfile" test ! -e "$T/sup.pid"
	t_check "$1: and its programs" t_wait 5 no_program_left
	if [ "$4" = none ]; then
		t_check "$1: without start-stop-daemon" \
			test "$(ssd_stops)" = "$3"
	else
		t_check "$1: with start-stop-daemon" \
			test "$(ssd_stops)" -gt "${3:-0}"
	fi
}

# lifecycle NAME START_STOP_DAEMON: every action, in every state.
lifecycle() {
	local r=$1 pid pid2 stops hups
	init_config
	write_defaults "$2"
	stops=$(ssd_stops)

	init_check "$r: status before any start" 3 status
	init_check "$r: start" 0 start
	pid=$(pidfile_pid)
	t_check "$r: start returns with the supervisor up (pid $pid)" \
		eval 'alive "${pid:-0}" && log_has "spawned web pid"'
	t_check "$r: start says its pid" out_matches "started \(pid $pid\)"
	init_check "$r: status while running" 0 status
	t_check "$r: status says its pid" out_matches "is running \(pid $pid\)"

	sed -i 's/sleep 1000/sleep 1001/' "$T/supervisor.ini"
	init_check "$r: reload" 0 reload
	t_check "$r: reload: the edit is applied" \
		t_wait 10 log_has "reload \(SIGHUP\): 1 restarted"
	echo "startsecs = soon" >> "$T/supervisor.ini"
	hups=$(sighups)
	init_check "$r: reload of an invalid file is refused" 6 reload
	t_check "$r: which names the error and sends nothing" \
		eval 'err_matches "startsecs" && [ "$(sighups)" = "$hups" ]'
	sed -i '$d' "$T/supervisor.ini"
	init_check "$r: force-reload" 0 force-reload

	init_check "$r: stop" 0 stop
	stop_checks "$r" "$pid" "$stops" "$2"
	init_check "$r: status after stop" 3 status
	init_check "$r: stop again" 0 stop
	init_check "$r: reload while stopped" 7 reload
	init_check "$r: try-restart while stopped" 0 try-restart
	t_check "$r: starts nothing" test ! -e "$T/sup.pid"

	init_check "$r: start" 0 start
	pid=$(pidfile_pid)
	init_check "$r: start again" 0 start
	t_check "$r: which says it already runs" \
		out_matches "already running \(pid $pid\)"
	t_check "$r: and leaves it be" \
		eval 'alive "$pid" && [ "$(pidfile_pid)" = "$pid" ]'

	init_check "$r: restart" 0 restart
	pid2=$(pidfile_pid)
	t_check "$r: restart: a new supervisor ($pid -> $pid2)" \
		eval '[ "$pid2" != "$pid" ] && gone "$pid" && alive "${pid2:-0}"'

	# SIGKILL: the pidfile stays, stale.
	kill -KILL "$pid2"
	t_wait 5 gone "$pid2"
	end_run		# the supervisor proper and its program
	# Gone, not dying: a socket still open would count as answering.
	t_wait 5 eval '[ -z "$(tagged_pids)" ]'
	init_check "$r: status after SIGKILL (pidfile left)" 1 status
	init_check "$r: stop after SIGKILL" 0 stop
	init_check "$r: start over the stale pidfile" 0 start
	pid=$(pidfile_pid)
	t_check "$r: which it takes over ($pid)" \
		eval '[ "$pid" != "$pid2" ] && alive "${pid:-0}"'
	init_check "$r: try-restart" 0 try-restart
	pid2=$(pidfile_pid)
	t_check "$r: try-restart: a new supervisor ($pid -> $pid2)" \
		eval '[ "$pid2" != "$pid" ] && alive "${pid2:-0}"'
	init_check "$r: stop" 0 stop
	t_check "$r: nothing left" t_wait 5 no_program_left
}

# stops NAME START_STOP_DAEMON: what differs with start-stop-daemon.
# (Where init does not reap at once, as in some containers, each of its
# stops waits for that: it counts a zombie as running.)
stops() {
	local r=$1 pid stops
	init_config
	write_defaults "$2"
	stops=$(ssd_stops)
	init_check "$r: start" 0 start
	pid=$(pidfile_pid)
	init_check "$r: stop" 0 stop
	stop_checks "$r" "$pid" "$stops" "$2"
}

lifecycle kill none
if [ -n "$REAL_SSD" ]; then
	stops start-stop-daemon ""
else
	echo "# no Debian start-stop-daemon here: kill and wait only"
fi

# The config has no pidfile (or another one): start says what is missing,
# and how to stop the one it started.
init_config ""
write_defaults ""
init_check "no pidfile in the config: start fails" 1 start
t_check "and says the line the config needs" \
	err_matches "needs \"pidfile = $T/sup.pid\""
"$SUPERVISOR" -c "$T/supervisor.ini" shutdown > /dev/null 2>&1
t_check "the shutdown it suggests stops it" t_wait 10 no_program_left

init_config
echo "startsecs = soon" >> "$T/supervisor.ini"
init_check "an invalid config: start exits 6" 6 start
t_check "and no supervisor runs" \
	eval '[ ! -e "$T/sup.pid" ] && no_program_left'
init_check "an unknown action: exit 2" 2 frobnicate
t_check "which prints the usage" err_matches "^usage: .*start"
t_done
