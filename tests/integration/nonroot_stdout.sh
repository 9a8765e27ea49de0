#!/bin/bash
# nonroot_stdout: a supervisor run as an ordinary user (a Dockerfile's
# USER), its stdout a pipe root made, which that user cannot open again
# to make it non-blocking, and a reader that stalls for seconds.  Status
# answers within a second all along, a program that keeps exiting keeps
# being restarted, the teardown ends while the reader still stalls, and
# what could not be written by then is counted and said in the log.
# When the reader reads on, what arrived is whole lines, in order.  Then
# the same with its stderr that same pipe (2>&1): the supervisor's own
# lines go the same way, one writer for both, whole among the programs'.
. "$(dirname "$0")/../lib.sh"

chmod 755 "$T"
t_config <<EOF
[program:chatty]
command = sh -c 'i=0; while :; do i=\$((i + 1)); echo "chatty \$i and some words to make the line longer"; [ \$((i %% 500)) = 0 ] && sleep 0.01; done'
stdout_logfile = /dev/stdout
stderr_logfile = NONE
startsecs = 0

[program:crasher]
command = sh -c 'echo "crasher \$\$ starts"; sleep 0.6; echo "crasher \$\$ fails" >&2; exit 1'
stdout_logfile = /dev/stdout
stderr_logfile = /dev/stderr
startsecs = 0
autorestart = true
EOF
chmod 644 "$T/supervisor.ini"

# status_timed: the control client's status, given 5 seconds at most;
# its exit status in RC, the milliseconds it took in MS.
status_timed() {
	local t0
	t0=$(now_ms)
	timeout 5 "$CLIENT" status > /dev/null 2>&1
	RC=$?
	MS=$(( $(now_ms) - t0 ))
}
chatty_lines() { grep -c '^chatty ' "$T/piped"; }
# restarts_of NAME: its restarts, as status --json says.
restarts_of() {
	timeout 5 "$CLIENT" status --json 2>/dev/null |
		jq -r ".[] | select(.name == \"$1\") | .restarts"
}

t_start_piped nobody
export SUPERVISOR_SOCKET=$T/run.nobody/supervisor.sock
t_check "started as nobody" t_wait 20 slowly state_is chatty RUNNING
t_check "a thread writes the stdout it cannot open anew" \
	log_has "the supervisor's stdout cannot be opened anew to be written without blocking \(Permission denied\); a thread of its own writes it"
t_check "the output reaches the reader" \
	t_wait 20 slowly eval '[ "$(chatty_lines)" -gt 1000 ]'
reader_stop
spawns=$(spawn_count crasher)
# Four seconds of stall: chatty fills every pipe and queue on the way
# and is held back; status answers all along.
max=0 answered=0
for i in $(seq 16); do
	status_timed
	[ "$MS" -gt "$max" ] && max=$MS
	[ "$RC" = 0 ] && answered=$((answered + 1))
	t_sleep 0.25
done
t_check "status answers within a second during the stall (16 of 16: $answered, slowest ${max} ms)" \
	test "$answered" = 16 -a "$max" -lt 1000
t_check "crasher keeps being restarted ($spawns, then $(spawn_count crasher))" \
	test "$(spawn_count crasher)" -ge $((spawns + 3))
t_check "its stderr, the supervisor's, among the supervisor's own lines" \
	test "$(grep -c '^crasher [0-9]* fails$' "$T/log")" -ge 3
t0=$(now_ms)
t_stop TERM 15
t_check "the teardown ends while the reader stalls ($(( $(now_ms) - t0 )) ms, exit $SUP_STATUS)" \
	test "$SUP_STATUS" = 0
t_check "nothing left" no_program_left
t_check "what could not be written is counted and said" \
	log_has "WARN .* stdout: [0-9]+ bytes of output were not written"
reader_go
t_check "the reader reads to the end" reader_done
n=$(chatty_lines)
t_check "chatty's lines whole and in order (1 to $n)" eval \
	'grep "^chatty " "$T/piped" | cmp -s - <(awk -v n="$n" "BEGIN { for (i = 1; i <= n; i++) print \"chatty \" i \" and some words to make the line longer\" }")'
t_check "crasher's lines whole" \
	test "$(grep -vc -e '^chatty ' -e '^crasher [0-9]* starts$' "$T/piped")" = 0

# ---- stdout and stderr one pipe ------------------------------------
end_run
t_start_piped nobody both
t_check "2>&1: started" t_wait 20 slowly state_is chatty RUNNING
t_check "2>&1: the output reaches the reader" \
	t_wait 20 slowly eval '[ "$(chatty_lines)" -gt 1000 ]'
reader_stop
restarts=$(restarts_of crasher)
max=0 answered=0
for i in $(seq 12); do
	status_timed
	[ "$MS" -gt "$max" ] && max=$MS
	[ "$RC" = 0 ] && answered=$((answered + 1))
	t_sleep 0.25
done
t_check "2>&1: status answers within a second during the stall (12 of 12: $answered, slowest ${max} ms)" \
	test "$answered" = 12 -a "$max" -lt 1000
t_check "2>&1: crasher keeps being restarted ($restarts, then $(restarts_of crasher))" \
	test "$(restarts_of crasher)" -ge $((restarts + 3))
t0=$(now_ms)
t_stop TERM 15
t_check "2>&1: the teardown ends while the reader stalls ($(( $(now_ms) - t0 )) ms, exit $SUP_STATUS)" \
	test "$SUP_STATUS" = 0
reader_go
t_check "2>&1: the reader reads to the end" reader_done
n=$(chatty_lines)
t_check "2>&1: chatty's lines whole and in order (1 to $n)" eval \
	'grep "^chatty " "$T/piped" | cmp -s - <(awk -v n="$n" "BEGIN { for (i = 1; i <= n; i++) print \"chatty \" i \" and some words to make the line longer\" }")'
t_check "2>&1: the supervisor's lines among them, whole" eval \
	'grep -q "INFO  spawned crasher pid" "$T/piped" &&
	[ "$(grep -vEc -e "^chatty " -e "^crasher [0-9]* (starts|fails)$" -e "^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:.]{12} (INFO |WARN |ERROR|DEBUG) [^ ]" "$T/piped")" = 0 ]'
t_check "2>&1: nothing left" no_program_left
t_done
