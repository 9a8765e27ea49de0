#!/bin/bash
# The wall clock jumps a day forward, then two days back, under a running
# supervisor (libfaketime moves CLOCK_REALTIME; the monotonic clock is
# left alone): startsecs, backoff delays and stopwaitsecs run on the
# monotonic clock and take as long as they would have, the programs keep
# running, and status shows true uptimes.  The test's own clock is not
# moved.  Needs libfaketime (Debian package faketime); skipped without.
. "$(dirname "$0")/../lib.sh"

FAKETIME_LIB=
for f in /usr/lib/*/faketime/libfaketime.so.1 /usr/lib/faketime/libfaketime.so.1; do
	[ -f "$f" ] && { FAKETIME_LIB=$f; break; }
done
if [ -z "$FAKETIME_LIB" ]; then
	t_pass "skipped: libfaketime is not installed (Debian package faketime)"
	t_done
fi

# The offset libfaketime applies to CLOCK_REALTIME, read at every call.
echo "+0" > "$T/offset"
# jump OFFSET: moves the supervisor's wall clock to OFFSET from the real.
jump() { echo "$1" > "$T/offset.new" && mv "$T/offset.new" "$T/offset"; }
# log_has_day DATE: a log line stamped DATE (YYYY-MM-DD).
log_has_day() { log_has "^$1 "; }
day() { date -d "$1" +%F; }

t_config <<EOF
# Restarted every 0.6 s: log lines that show the supervisor's clock.
[program:beacon]
command = sleep 0.6
autorestart = true
startsecs = 0.1

[program:steady]
command = sleep 1000
startsecs = 0.1

[program:slow]
command = sleep 1000
startsecs = 4
autostart = false

[program:flaky]
command = sh -c 'exit 1'
startsecs = 1
startretries = 2
autostart = false

[program:deaf]
command = sh -c 'trap "" TERM; exec sleep 1000'
startsecs = 0.1
stopwaitsecs = 3
EOF

LD_PRELOAD=$FAKETIME_LIB FAKETIME_TIMESTAMP_FILE=$T/offset FAKETIME_NO_CACHE=1 \
    FAKETIME_DONT_FAKE_MONOTONIC=1 \
    ASAN_OPTIONS=$ASAN_OPTIONS:verify_asan_link_order=0 t_start
t_check "steady is RUNNING" t_wait 10 log_has "steady is RUNNING"
t_check "deaf is RUNNING" t_wait 10 log_has "deaf is RUNNING"
steady=$(spawned_pid steady)
t_check "libfaketime is in the supervisor" \
	grep -q faketime "/proc/$(supervisor_pid)/maps"

# Three timers at once, then the jumps while they run.
t0=$(now_ms)
"$CLIENT" start slow > "$T/slow.out" 2>&1 &
slow_client=$!
"$CLIENT" start flaky > "$T/flaky.out" 2>&1 &
flaky_client=$!
"$CLIENT" stop deaf > "$T/deaf.out" 2>&1 &
deaf_client=$!
t_wait 5 log_has "stopping deaf"
t_sleep 0.5
jump "+1d"
t_check "the supervisor's clock jumps a day forward" \
	t_wait 5 log_has_day "$(day tomorrow)"
t_sleep 0.5
jump "-1d"
t_check "then two days back" t_wait 5 log_has_day "$(day yesterday)"

# done_after PID: waits for PID to end, then milliseconds since t0 in MS.
done_after() {
	t_wait 20 gone "$1" || return 1
	MS=$(( $(now_ms) - t0 ))
}
MARGIN=4000	# what a loaded machine may add, in milliseconds

done_after "$deaf_client"
t_check "deaf: SIGKILL after stopwaitsecs 3 s ($MS ms)" \
	eval '[ "$MS" -ge 3000 ] && [ "$MS" -le $((3000 + MARGIN)) ]'
t_check "deaf: said so once" \
	test "$(log_count "deaf did not stop within 3s; sending SIGKILL")" -eq 1
wait "$deaf_client"
t_check "deaf: the stop command succeeds (exit $?)" grep -q "deaf.*stopped" "$T/deaf.out"

done_after "$flaky_client"
t_check "flaky: FATAL after backoff delays of 1 s and 2 s ($MS ms)" \
	eval '[ "$MS" -ge 3000 ] && [ "$MS" -le $((3000 + MARGIN)) ]'
t_check "flaky: retry 1 in 1s, retry 2 in 2s" \
	eval 'log_has "flaky: retry 1 of 2 in 1s" && log_has "flaky: retry 2 of 2 in 2s"'
t_check "flaky: spawned 3 times" test "$(log_count "spawned flaky pid")" -eq 3

done_after "$slow_client"
t_check "slow: RUNNING after startsecs 4 s ($MS ms)" \
	eval '[ "$MS" -ge 4000 ] && [ "$MS" -le $((4000 + MARGIN)) ]'
wait "$slow_client"
rc=$?
t_check "slow: the start command succeeds (exit $rc)" test "$rc" = 0
log_first "slow is RUNNING \(up [0-9.]+s\)"
up=$(sed -E 's/.*\(up ([0-9.]+)s\).*/\1/' <<< "$LINE")
t_check "slow: its uptime at RUNNING is startsecs ($up s)" \
	eval '[[ $up == 4.* ]]'

n=$(log_count "spawned beacon pid")
t_check "beacon keeps being restarted after the jumps" \
	t_wait 10 eval '[ "$(log_count "spawned beacon pid")" -gt "$n" ]'
t_check "steady kept its pid" alive "$steady"
ctl status steady
t_check "status answers (exit $RC)" test "$RC" = 0
up=$(grep -oE "up [0-9:]+" <<< "$OUT")
t_check "steady's uptime is seconds, not days ($up)" \
	eval '[[ $up =~ ^up\ 0:00:[0-9]{2}$ ]]'

t_stop TERM
t_check "supervisor exits 0 on SIGTERM (got $SUP_STATUS)" test "$SUP_STATUS" = 0
t_check "nothing left" t_wait 5 no_program_left
t_done
