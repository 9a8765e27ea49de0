#!/bin/bash
# control_emfile.sh: the daemon short of file descriptors (RLIMIT_NOFILE
# lowered on the running supervisor with prlimit) while clients keep
# connecting.  Clients are refused before they take what spawning needs,
# accepting pauses instead of spinning, the warning is logged once,
# programs keep being restarted, and once descriptors are free again the
# control socket answers.
. "$(dirname "$0")/../lib.sh"

t_config <<EOF
[supervisor]
control_timeout = 30

[program:ticker]
command = sh -c 'sleep 0.6; exit 1'
startsecs = 0.1
startretries = 1000

[program:steady]
command = sleep 1000
startsecs = 0.1
EOF
t_start
t_check "steady is RUNNING" t_wait_log "steady is RUNNING"
spid=$(supervisor_pid)
t_check "the supervisor proper's pid is logged" test -n "$spid"

# Its open descriptors now, and a limit just above them (once the config
# watch, set a quarter second after start, has its descriptor): 8 above,
# so a count taken while ticker is between two runs (its pipes closed)
# still leaves a spawn what it opens at once (pipes, status pipe, pidfd,
# cgroup), while any client (fd + FD_RESERVE of 16) is refused.
t_sleep 0.5
nfd=$(ls "/proc/$spid/fd" | wc -l)
limit=$(( nfd + 8 ))
hard=$(prlimit --pid "$spid" --nofile --noheadings --output=HARD)
# The soft limit only: raising a hard limit back needs CAP_SYS_RESOURCE.
t_check "prlimit lowers the soft RLIMIT_NOFILE to $limit" \
	prlimit --pid "$spid" --nofile="$limit:"

# Twenty clients that connect and hold on: more than the daemon can take.
# Each reads t_sleep's pipe, where nothing comes and which never ends, so
# it holds on until killed, and the test has started nothing else.
holders=()
for i in $(seq 1 20); do
	socat -u - "UNIX-CONNECT:$SUPERVISOR_SOCKET" <&"$T_SLEEP_FD" \
	    2>/dev/null &
	holders+=($!)
done
t_check "the pause is logged" t_wait 10 log_has \
	"control socket: near the file descriptor limit; not accepting clients for 0.1s"

# CPU time of the supervisor over 2 s with clients pending: no spinning
# (a busy loop would use about 2000 ms).
ticks() { stat_read "$spid" && echo $(( STAT[11] + STAT[12] )); }
before=$(ticks)
spawns_before=$(log_count "spawned ticker pid")
t_sleep 2
after=$(ticks)
used_ms=$(( (after - before) * 1000 / $(getconf CLK_TCK) ))
t_check "no busy loop while out of descriptors (${used_ms} ms CPU in 2 s)" \
	test "$used_ms" -lt 500
t_check "ticker keeps being restarted meanwhile" \
	t_wait 10 eval '[ "$(log_count "spawned ticker pid")" -gt "$spawns_before" ]'
t_check "the pause warning is logged once" \
	test "$(log_count 'not accepting clients')" -eq 1
t_check "spawning never ran short of descriptors" \
	log_lacks "Too many open files"
"$SUPERVISOR" status steady > "$T/busy.out" 2>&1
t_check "a client meanwhile is told to try again (exit $?)" \
	grep -q "short of file descriptors; try again" "$T/busy.out"

# Free the descriptors: the daemon answers again.
kill "${holders[@]}" 2>/dev/null
wait "${holders[@]}" 2>/dev/null
t_check "prlimit raises it back" prlimit --pid "$spid" --nofile="$hard:"
t_check "status answers once descriptors are free" \
	t_wait 10 answers status steady
t_check "steady is still RUNNING" out_matches "steady  *RUNNING"

t_stop TERM
t_check "supervisor exits 0 on SIGTERM (got $SUP_STATUS)" test "$SUP_STATUS" = 0
t_check "nothing left" no_program_left
t_done
