#!/bin/bash
# orphans_procfs.sh: without cgroups (the supervisor run as nobody), a
# descendant of a running program that cleared its environment, once
# orphaned to the supervisor, is that program's: another program's exit
# does not get it killed, and a stop of its program sends it the stop
# signal and answers only once it is gone.  One that also left the
# program's session is found by its start, when only that program ran.
# Only what is provably no one's is killed.
. "$(dirname "$0")/../lib.sh"

if [ "$(id -u)" != 0 ]; then
	t_pass "skipped: needs root (runs the supervisor as nobody)"
	t_done
fi
chmod 755 "$T"
mkdir -m 777 "$T/o"
# Processes that shed the test's tag: killed by pid at the end.
cleanup_pids() {
	local f
	for f in "$T"/o/*.pid; do
		[ -f "$f" ] && kill -KILL "$(cat "$f")" 2>/dev/null
	done
}
trap 'cleanup_pids; t_cleanup' EXIT

# env -i: the orphan carries no SUPERVISOR_PROCESS_NAME.  It records its
# pid, and the signal it gets.
cat > "$T/orphan.sh" <<'EOF2'
#!/bin/sh
echo $$ > "$1"
trap 'echo TERM >> "$1.sig"; exit 0' TERM
while :; do sleep 0.05; done
EOF2
chmod 755 "$T/orphan.sh"
cat > "$T/supervisor.ini" <<EOF2
[program:keeper]
command = sh -c 'env -i /bin/sh -c "$T/orphan.sh $T/o/in.pid &"; exec sleep 1000'
startsecs = 0
stopwaitsecs = 5
stdout_logfile = NONE
stderr_logfile = NONE
[program:brief]
command = sleep 0.5
startsecs = 0
autorestart = false
stdout_logfile = NONE
stderr_logfile = NONE
EOF2
t_start_as nobody
export SUPERVISOR_SOCKET=$T/run.nobody/supervisor.sock
t_check "the supervisor is up" t_wait 10 answers
t_check "it runs without cgroups" log_has "containment: process groups and /proc"
t_check "the orphan runs" t_wait 10 test -s "$T/o/in.pid"
orphan=$(cat "$T/o/in.pid")
t_check "it is an orphan of the supervisor's now" \
	t_wait 10 eval 'stat_read "$orphan" && [ "${STAT[1]}" = "$(supervisor_pid)" ]'
t_check "its environment names no program" \
	eval '! tr "\0" "\n" < /proc/$orphan/environ | grep -q SUPERVISOR_PROCESS_NAME'
t_check "another program exits" t_wait 10 state_is brief EXITED
t_sleep 0.5
t_check "the orphan of a running program is not killed" alive "$orphan"
t_check "nothing was killed as no one's" log_lacks "belongs to no program"

ctl stop keeper
t_check "stop keeper answers stopped" eval '[ "$RC" = 0 ]'
t_check "... once the orphan is gone" gone "$orphan"
t_check "... which got the stop signal first" \
	eval 'grep -qx TERM "$T/o/in.pid.sig"'

# One that also leaves the session (setsid): found by its start, while
# only keeper ran; brief starts after it, then exits.
sed -i "s|$T/orphan.sh $T/o/in.pid|setsid $T/orphan.sh $T/o/out.pid|" \
	"$T/supervisor.ini"
t_check "reloaded" t_wait 10 log_has "reload \\(the config file changed\\)"
ctl start keeper
t_check "the escaping orphan runs" t_wait 10 test -s "$T/o/out.pid"
escaped=$(cat "$T/o/out.pid")
t_check "in a session of its own" \
	eval '[ "$(ps -o sid= -p "$escaped" | tr -d " ")" = "$escaped" ]'
t_check "an orphan of the supervisor's too" \
	t_wait 10 eval 'stat_read "$escaped" && [ "${STAT[1]}" = "$(supervisor_pid)" ]'
t_sleep 0.2
ctl start brief
t_check "another program exits again" t_wait 10 state_is brief EXITED
t_sleep 0.5
t_check "the escaped orphan is kept" alive "$escaped"
t_check "it was found by its start" \
	t_wait 5 log_has "adopted pid $escaped, an orphan of keeper \\(by its start"
ctl stop keeper
t_check "stop keeper: the escaped orphan is gone too" gone "$escaped"
t_check "... after the stop signal" eval 'grep -qx TERM "$T/o/out.pid.sig"'
t_stop TERM
t_check "exits 0 (got $SUP_STATUS)" test "$SUP_STATUS" = 0
t_done
