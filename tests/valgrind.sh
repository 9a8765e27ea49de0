#!/bin/bash
# valgrind.sh [BINARY]: the daemon under Valgrind's memcheck, guardian and
# supervisor proper both (they fork without exec), through its main code
# paths: a crashing program in BACKOFF, one that gives up (FATAL), one
# that cannot be executed, numprocs, output rotated fast, redirect_stderr,
# a stopped program; every control command; reloads (added, removed,
# changed, invalid, SIGHUP); SIGUSR2; the SIGTERM teardown.  Then every
# Valgrind log must say 0 errors and nothing definitely lost.  The
# programs themselves are exec'd untraced.  Prints PASS/FAIL lines and
# "N passed, N failed".
cd "$(dirname "$0")/.." || exit 1
export SUPERVISOR=${1:-build/vg/supervisor}
[ -x "$SUPERVISOR" ] || { echo "no $SUPERVISOR: make check-valgrind" >&2; exit 1; }
command -v valgrind >/dev/null || { echo "valgrind is not installed" >&2; exit 1; }
SUPP=$PWD/tests/valgrind.supp
. tests/lib.sh
SECONDS=0

# The supervisor's own log is a file (rotated, reopened on SIGUSR2); the
# helpers of lib.sh look at every piece of it, and at its stderr.
LOG_ROTATED=1

# Memcheck makes the daemon many times slower: waits are long.
W=60

VALGRIND=(valgrind --tool=memcheck --leak-check=full
	--errors-for-leak-kinds=definite --show-leak-kinds=definite
	--error-exitcode=99 --track-fds=no --trace-children=no
	--num-callers=30 "--log-file=$T/vg.%p")
# Suppressions, if ever needed, are for libc and libev internals only.
[ -f "$SUPP" ] && VALGRIND+=("--suppressions=$SUPP")

mkdir -p "$T/conf.d"
t_config <<EOF
[supervisor]
loglevel = debug
logfile = $T/log
logfile_maxbytes = 4KB
logfile_backups = 10
childlogdir = $T
control_timeout = 120

[include]
files = conf.d/*.ini

[program:crasher]
command = sh -c 'echo crashing; exit 3'
startsecs = 0
autorestart = true
backoff_max = 2s

[program:flaky]
command = sh -c 'exit 1'
startsecs = 1
startretries = 1

[program:noexec]
command = $T/no-such-program
startretries = 1

[program:pool]
command = sleep 1001
process_name = pool_%(process_num)d
numprocs = 3
startsecs = 0

[program:chatty]
command = sh -c 'while :; do seq 1 3000; seq 1 300 >&2; sleep 0.2; done'
stdout_logfile = $T/chatty.log
stdout_logfile_maxbytes = 4KB
stdout_logfile_backups = 2
stderr_logfile = $T/chatty.err
stderr_logfile_maxbytes = 2KB
stderr_logfile_backups = 1
startsecs = 0

[program:mixed]
command = sh -c 'while :; do echo out; echo err >&2; sleep 0.3; done'
redirect_stderr = true
startsecs = 0

[program:idle]
command = sleep 1002
autostart = false
startsecs = 0
EOF

# ---- start-up -----------------------------------------------------------
"${VALGRIND[@]}" "$SUPERVISOR" -c "$T/supervisor.ini" \
	>"$T/out" 2>"$T/stderr" &
SUP_PID=$!
t_check "up and answering" t_wait $W answers
t_check "pool_0..2, chatty, mixed RUNNING" t_wait $W eval \
	'[ "$("$CLIENT" status 2>/dev/null | grep -c RUNNING)" -ge 5 ]'
t_check "clone3 refused under valgrind: vfork used, the child joining its cgroup" \
	t_wait $W log_has "clone3: .*forking"
t_check "crasher restarted with backoff, up to backoff_max" \
	t_wait $W log_has "crasher exited .*restarting in 2s"
t_check "flaky gave up (FATAL)" t_wait $W state_is flaky FATAL
t_check "noexec gave up (FATAL)" t_wait $W state_is noexec FATAL
t_check "chatty's log rotated" t_wait $W test -f "$T/chatty.log.2"
t_check "chatty's stderr log rotated" t_wait $W test -f "$T/chatty.err.1"
t_check "mixed: stderr in its stdout log" \
	t_wait $W eval 'grep -q err "$(auto_log mixed)"'

# ---- control commands -----------------------------------------------------
ctl_check "status" 3 status
ctl_check "status --json" 3 status --json
ctl_check "status pool:*" 0 status 'pool:*'
ctl_check "stop pool_1" 0 stop pool_1
ctl_check "start pool_1" 0 start pool_1
ctl_check "start idle" 0 start idle
ctl_check "restart pool:*" 0 restart 'pool:*'
ctl_check "stop idle" 0 stop idle
ctl_check "signal HUP mixed" 0 signal HUP mixed
ctl_check "pid" 0 pid
ctl_check "pid chatty pool_2" 0 pid chatty pool_2
ctl_check "tail -n 5 chatty" 0 tail -n 5 chatty
ctl_check "tail chatty stderr" 0 tail chatty stderr
ctl_check "tail -n 3 mixed" 0 tail -n 3 mixed
ctl_check "no such name" 4 stop nosuch
ctl_check "help" 0 help
"$CLIENT" tail -f chatty > "$T/follow.out" 2>&1 &
follower=$!
t_sleep 3
kill -TERM "$follower" 2>/dev/null
wait "$follower" 2>/dev/null
t_check "tail -f followed chatty" test -s "$T/follow.out"

# The client under memcheck too, for a few requests.
vg_ctl_check() {
	local name=$1 want=$2
	shift 2
	"${VALGRIND[@]}" "$SUPERVISOR" "$@" > "$T/ctl.out" 2> "$T/ctl.err"
	RC=$?
	if [ "$RC" = "$want" ]; then
		t_pass "$name (exit $RC)"
	else
		t_fail "$name: exit $RC, want $want; stderr: $(< "$T/ctl.err")"
	fi
}
vg_ctl_check "client under memcheck: status --json" 3 status --json
vg_ctl_check "client under memcheck: tail -n 20 chatty" 0 tail -n 20 chatty
vg_ctl_check "client under memcheck: restart pool_0" 0 restart pool_0
vg_ctl_check "client under memcheck: stop nosuch" 4 stop nosuch

# ---- reloads ----------------------------------------------------------------
n=$(reloads)
edit_by_rename 's/sleep 1001/sleep 1011/'
# Before the watch's reload, most often: then it lists what would change.
ctl_check "reload --dry-run" 0 reload --dry-run
t_check "edit: reloaded (pool changed)" after_edit $((n + 1)) "$W"
t_check "edit: pool restarting" log_has "reload: pool.*changed"
n=$(reloads)
awk '/^\[/ { skip = ($0 == "[program:mixed]") }
	!skip { sub(/^numprocs = 3$/, "numprocs = 2"); print }
	END { print "[program:added]\ncommand = sleep 1003\nstartsecs = 0" }' \
	"$T/supervisor.ini" | t_config_renamed
t_check "add, remove, numprocs down: reloaded" after_edit $((n + 1)) "$W"
t_check "added RUNNING" t_wait $W state_is added RUNNING
t_check "mixed and pool_2 removed" t_wait $W eval \
	'! names | grep -qwE "mixed|pool_2"'
printf '[program:dropin]\ncommand = sleep 1004\nstartsecs = 0\n' \
	> "$T/conf.d/dropin.ini"
t_check "drop-in: dropin RUNNING" t_wait $W state_is dropin RUNNING
printf '\n[program:broken]\ncommand = true\nstartretries = many\n' \
	>> "$T/supervisor.ini"
t_check "invalid edit: logged, nothing changed" \
	t_wait $W log_has "is invalid; nothing changed"
ctl_check "invalid edit: reload exits 78" 78 reload
sed -i '/\[program:broken\]/,$d' "$T/supervisor.ini"
rm "$T/conf.d/dropin.ini"
t_check "drop-in removed" t_wait $W eval '! names | grep -qw dropin'
n=$(log_count "reload \\(SIGHUP\\)")
kill -HUP "$SUP_PID"
t_check "SIGHUP: reloaded" t_wait $W eval \
	'[ "$(log_count "reload \\(SIGHUP\\)")" -gt '"$n"' ]'
ctl_check "reload" 0 reload

# ---- SIGUSR2: logs opened anew ----------------------------------------------
mv "$T/chatty.log" "$T/chatty.moved"
kill -USR2 "$SUP_PID"
t_check "SIGUSR2: logged" t_wait $W log_has "SIGUSR2 received"
t_check "SIGUSR2: chatty.log created again" t_wait $W test -s "$T/chatty.log"
t_check "the supervisor's own log rotated" test -f "$T/log.1"

# ---- teardown ---------------------------------------------------------------
SUP=$(supervisor_pid)
GUARD=$SUP_PID
if t_stop TERM 300; then
	SUP_PID=
	t_check "SIGTERM: exit status 0 (got $SUP_STATUS)" \
		test "$SUP_STATUS" = 0
else
	t_fail "SIGTERM: still running after 300 s"
fi
t_check "supervisor proper's log finished" \
	t_wait $W grep -q "ERROR SUMMARY" "$T/vg.$SUP"

# ---- the Valgrind logs ------------------------------------------------------
# One per process Valgrind ran: the guardian, the supervisor, each child
# that ended before its exec (noexec's), and the clients.  A child that
# exec'd leaves a log with no summary: it was not traced past exec.
for f in "$T"/vg.*; do
	grep -q "ERROR SUMMARY" "$f" || continue
	pid=${f##*.}
	case $pid in
	"$SUP") who="supervisor pid $pid" ;;
	"$GUARD") who="guardian pid $pid" ;;
	*) if grep -q "== Command: .* -c " "$f"; then
		who="child pid $pid (before exec)"
	   else
		who="client$(sed -nE 's/.*== Command: [^ ]*(.*)/\1/p' "$f")"
	   fi ;;
	esac
	errors=$(sed -nE 's/.*ERROR SUMMARY: ([0-9]+) errors.*/\1/p' "$f")
	lost=$(sed -nE 's/.*definitely lost: ([0-9,]+) bytes.*/\1/p' "$f")
	lost=${lost//,/}
	if [ "$errors" = 0 ] && [ "${lost:-0}" = 0 ]; then
		t_pass "$who: 0 errors, 0 bytes definitely lost"
	else
		t_fail "$who: $errors errors, ${lost:-0} bytes definitely lost"
		sed -n '/^==[0-9]*== [A-Z]/,$p' "$f" | head -n 200
	fi
done
t_check "the guardian's and the supervisor's logs are there" eval \
	'[ "$(grep -l "ERROR SUMMARY" "$T"/vg.* | wc -l)" -ge 2 ]'

echo "valgrind: $SECONDS s"
echo "$N_PASSED passed, $N_FAILED failed"
[ "$N_FAILED" -eq 0 ] && [ "$N_PASSED" -gt 0 ]
