#!/bin/bash
# Faults around the supervisor, each while other programs run: a program
# that closes its stdout, one that makes it non-blocking, a directory that
# vanishes before a restart (chdir fails between fork and exec), a program
# killed while it execs (rlimit_as), no file descriptors left (a tiny
# RLIMIT_NOFILE), the supervisor itself stopped and continued (SIGSTOP,
# SIGCONT) while programs die and a client waits, and 500 orphans that
# exit at once (a flood of SIGCHLD).  Then, as a user of its own, fork
# failing (RLIMIT_NPROC reached).  Each time the supervisor keeps
# supervising the rest, says what went wrong once per attempt, and its
# state stays right.  (A log file system that fills up: capture.sh.)
. "$(dirname "$0")/../lib.sh"

# ---- helpers ---------------------------------------------------------------

# CPU time (user + system) of pid $1 in milliseconds.
cpu_ms() {
	stat_read "$1" && echo $(( (STAT[11] + STAT[12]) * 1000 / CLK_TCK ))
}
CLK_TCK=$(getconf CLK_TCK)

# A helper, when a C compiler is there to build it: "nonblock" makes its
# stdout non-blocking and writes until the pipe is full (or 64 MB); "orphans N
# FIFO" forks N children that read FIFO until end of file, and exits.
HELPER=
if command -v cc > /dev/null 2>&1; then
	cat > "$T/helper.c" <<'EOF'
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int
main(int argc, char **argv)
{
	char buf[4096];
	int i, n, fd, again = 0;

	if (argc == 4 && strcmp(argv[1], "orphans") == 0) {
		if ((fd = open(argv[3], O_RDONLY)) == -1)
			return 1;
		n = atoi(argv[2]);
		for (i = 0; i < n; i++) {
			switch (fork()) {
			case -1:
				return 1;
			case 0:
				while (read(fd, buf, sizeof(buf)) > 0)
					;
				_exit(0);
			}
		}
		return 0;
	}
	memset(buf, 'x', sizeof(buf) - 1);
	buf[sizeof(buf) - 1] = '\n';
	if (fcntl(1, F_SETFL, fcntl(1, F_GETFL) | O_NONBLOCK) == -1)
		return 2;
	/* Until the pipe is full (EAGAIN), or 64 MB if the reader keeps up. */
	for (i = 0; i < 16384 && again == 0; i++)
		if (write(1, buf, sizeof(buf)) == -1 && errno == EAGAIN)
			again++;
	return 0;
}
EOF
	cc -o "$T/helper" "$T/helper.c" 2> "$T/cc.err" && HELPER=$T/helper
fi
# 500 orphans reading the FIFO: with the helper, or a shell (which costs
# more CPU) whose subshell opens the FIFO for them.
if [ -n "$HELPER" ]; then
	ORPHANS_CMD="$HELPER orphans 500 $T/flood.fifo"
else
	ORPHANS_CMD='(exec 3< '"$T"'/flood.fifo; i=0; while [ $i -lt 500 ]; do read x <&3 & i=$((i+1)); done)'
fi

# ---- one supervisor, one fault after another -------------------------------

mkdir "$T/vanish"
mkfifo "$T/flood.fifo"
{
cat <<EOF
[program:steady]
command = sleep 1000
startsecs = 0.1

[program:talker]
command = sh -c 'i=0; while :; do i=\$((i+1)); echo line\$i; sleep 0.2; done'
startsecs = 0.1

# Closes its stdout and stderr and runs on.
[program:closer]
command = sh -c 'echo before closing; exec >&- 2>&-; exec sleep 1000'
startsecs = 0.1

# Its first run removes its own working directory: the restart's chdir
# fails in the child, before exec.
[program:vanish]
command = sh -c 'rmdir $T/vanish; exit 1'
directory = $T/vanish
startsecs = 1
startretries = 2
backoff_max = 0.2

# Killed by SIGSEGV in exec: no room for the new program.
[program:noroom]
command = sleep 1000
rlimit_as = 4096
startsecs = 0.2
startretries = 1
backoff_max = 0.2

[program:ticker]
command = sleep 0.5
autorestart = true
startsecs = 0.1
startretries = 1000
backoff_max = 0.2

[program:victim]
command = sleep 1000
startsecs = 0.1

# 500 orphans (their parent exits once it has forked them all) reading
# the FIFO: they all exit when the test closes its end.
[program:flood]
command = sh -c '$ORPHANS_CMD; : > $T/flood.forked; exec sleep 1000'
startsecs = 0.1
autostart = false
EOF
[ -n "$HELPER" ] && cat <<EOF

# The first run makes the pipe non-blocking; later runs write down the
# flags their stdout has, then wait.
[program:nonblock]
command = sh -c 'if [ -e $T/nb.once ]; then sed -n "s/^flags:[[:space:]]*//p" /proc/\$\$/fdinfo/1 > $T/nb.flags; exec sleep 1000; fi; : > $T/nb.once; exec $HELPER nonblock'
startsecs = 0
autorestart = true
EOF
} | t_config

t_start
t_check "started" t_wait_log "started as pid"
SPID=$(supervisor_pid)
t_check "steady is RUNNING" t_wait_log "steady is RUNNING"
steady=$(spawned_pid steady)
talker=$(spawned_pid talker)

# ---- a program closes its stdout --------------------------------------------
t_check "closer: what it wrote before closing is in its log" \
	t_wait 10 grep -qx "before closing" "$(auto_log closer)"
t_check "closer is RUNNING with its outputs closed" \
	t_wait 10 state_is closer RUNNING

# ---- a program makes its stdout non-blocking --------------------------------
if [ -n "$HELPER" ]; then
	t_check "nonblock: its first run, writing without blocking, ends (exit 0)" \
		t_wait 10 log_has "nonblock exited with status 0"
	t_check "nonblock: its restart wrote down its stdout's flags" \
		t_wait 10 test -s "$T/nb.flags"
	flags=$(< "$T/nb.flags")
	t_check "nonblock: the restarted process's stdout is blocking (flags $flags)" \
		eval '(( (8#$flags & 04000) == 0 ))'
else
	t_pass "nonblock skipped: no C compiler to build the program"
fi
lines=$(wc -l < "$(auto_log talker)")
t_check "talker's output is still captured (more than $lines lines)" \
	t_wait 10 eval '[ "$(wc -l < "$(auto_log talker)")" -gt "$lines" ]'

# ---- a directory vanishes: chdir fails between fork and exec ----------------
t_check "vanish: FATAL after its startretries" \
	t_wait 10 log_has "vanish gave up after 2 retries \(FATAL\)"
t_check "vanish: the chdir failure is reported with its reason" \
	log_has "vanish: chdir $T/vanish: No such file or directory"
n=$(log_count "vanish: chdir ")
t_check "vanish: one report per failed attempt ($n for 2 retries)" \
	test "$n" -eq 2
t_check "vanish: status says FATAL" state_is vanish FATAL

# ---- killed while it execs ---------------------------------------------------
t_check "noroom: FATAL after its startretries" \
	t_wait 10 log_has "noroom gave up after 1 retry \(FATAL\)"
t_check "noroom: each death before startsecs is logged with its signal" \
	test "$(log_count "noroom exited with signal 11 \(SEGV\) before startsecs")" -eq 2

# ---- no file descriptors left ------------------------------------------------
t_check "ticker is being restarted" \
	t_wait 10 eval '[ "$(log_count "spawned ticker pid")" -ge 2 ]'
soft=$(prlimit --pid "$SPID" --nofile --noheadings --output=SOFT)
# Below the descriptors it has: every new one fails with EMFILE.
t_check "prlimit lowers the soft RLIMIT_NOFILE to 3" \
	prlimit --pid "$SPID" --nofile=3:
t_check "ticker's restart fails for want of descriptors" \
	t_wait 10 log_has "ticker: .*Too many open files"
t_check "ticker goes BACKOFF and is retried" \
	t_wait 10 eval '[ "$(log_count "ticker: retry [0-9]+ of 1000")" -ge 3 ]'
cpu0=$(cpu_ms "$SPID")
t_sleep 1.5
cpu1=$(cpu_ms "$SPID")
t_check "no busy loop while out of descriptors ($((cpu1 - cpu0)) ms CPU in 1.5 s)" \
	test $((cpu1 - cpu0)) -lt 400
fails=$(log_count "ticker: .*Too many open files")
retries=$(log_count "ticker: retry [0-9]+ of 1000")
t_check "reported once, not at each retry ($fails reports, $retries retries)" \
	test "$fails" = 1 -a "$retries" -ge 3
t_check "steady kept its pid meanwhile" alive "$steady"
spawns=$(log_count "spawned ticker pid")
t_check "prlimit raises it back to $soft" prlimit --pid "$SPID" --nofile="$soft:"
t_check "ticker is spawned again once descriptors are free" \
	t_wait 10 eval '[ "$(log_count "spawned ticker pid")" -gt "$spawns" ]'
t_check "ticker: its recovery is said once" \
	log_has "ticker: started again after failing to \(Too many open files\)"
t_check "status answers again" t_wait 10 state_is steady RUNNING
t_check "steady is the same process ($SPAWN_PID)" test "$SPAWN_PID" = "$steady"

# ---- the supervisor stopped and continued -------------------------------------
victim=$(spawned_pid victim)
kill -STOP "$SPID"
t_check "the supervisor is stopped" t_wait 5 is_stopped "$SPID"
kill -KILL "$victim"
# A client that asks while nobody answers.
"$CLIENT" status steady victim > "$T/stopped.out" 2>&1 &
client=$!
t_check "victim is a zombie while the supervisor is stopped" \
	t_wait 5 eval 'stat_read "$victim" && [ "${STAT[0]}" = Z ]'
t_sleep 0.5
t_check "the client still waits" kill -0 "$client"
kill -CONT "$SPID"
t_check "the client is answered after SIGCONT" t_wait 10 gone "$client"
wait "$client"
t_check "it lists both programs" \
	eval 'grep -q "^steady " "$T/stopped.out" && grep -q "^victim " "$T/stopped.out"'
t_check "victim is reaped and restarted" \
	t_wait 10 eval '[ "$(log_count "spawned victim pid")" -eq 2 ]'
t_check "victim's old pid is gone, zombie reaped" t_wait 5 eval '! stat_read "$victim"'
t_check "victim is RUNNING again" t_wait 10 state_is victim RUNNING
t_check "steady kept its pid" alive "$steady"

# ---- a flood of SIGCHLD ---------------------------------------------------------
# Opened only now: a writer the supervisor inherited would keep the
# orphans from ever seeing end of file.
exec {FLOOD_FD}<>"$T/flood.fifo"
ctl start flood
t_check "flood started (exit $RC)" test "$RC" = 0
flood=$(spawned_pid flood)
# orphans_scan: how many children of the supervisor are in flood's process
# group but its leader (the orphans), live or not, in ORPHANS.
orphans_scan() {
	local f line rest ppid
	ORPHANS=0
	for f in /proc/[0-9]*/stat; do
		{ read -r line < "$f"; } 2>/dev/null || continue
		rest=${line##*) }	# state ppid pgrp ...
		rest=${rest#* }
		ppid=${rest%% *}
		rest=${rest#* }
		[ "$ppid" = "$SPID" ] && [ "${rest%% *}" = "$flood" ] &&
			[ "${line%% *}" != "$flood" ] && ORPHANS=$((ORPHANS + 1))
	done
	return 0
}
t_check "flood forked its 500 children" t_wait 30 slowly test -e "$T/flood.forked"
t_check "500 orphans, the supervisor's children now, read the FIFO" \
	t_wait 10 slowly eval 'orphans_scan; [ "$ORPHANS" -eq 500 ]'
cpu0=$(cpu_ms "$SPID")
t0=$(now_ms)
exec {FLOOD_FD}>&-
t_check "all 500 exit at once and are reaped" \
	t_wait 30 slowly eval 'orphans_scan; [ "$ORPHANS" -eq 0 ]'
ms=$(( $(now_ms) - t0 ))
cpu1=$(cpu_ms "$SPID")
t_pass "reaping 500 orphans took under ${ms} ms, $((cpu1 - cpu0)) ms CPU"
t_check "no lasting zombie" no_lasting_zombie 0.3 "$SPID"
ctl status steady
t_check "status answers after the flood (${MS} ms)" test "$RC" = 0
t_check "flood's leader is RUNNING" state_is flood RUNNING
t_check "steady and talker kept their pids" \
	eval 'alive "$steady" && alive "$talker"'
t_check "no orphan was taken for a stray" log_lacks "belongs to no program"

t_stop TERM
t_check "supervisor exits 0 on SIGTERM (got $SUP_STATUS)" test "$SUP_STATUS" = 0
t_check "nothing left" t_wait 5 no_program_left
end_run

# ---- fork fails: RLIMIT_NPROC reached -----------------------------------------
# The limit counts every process of a user, and root is exempt: the
# supervisor runs as a uid of this test's own, which nothing else uses,
# with a limit of NPROC processes.  Other processes of that uid (started
# by the test as root, which the limit does not stop) take up the rest;
# killing them makes room again.  (Raising the supervisor's limit from
# outside would need CAP_SYS_RESOURCE.)
if [ "$(id -u)" != 0 ]; then
	t_pass "RLIMIT_NPROC skipped: not root"
	t_done
fi
NPROC=20
uid=$(( 40000 + $$ % 20000 ))
while [ -n "$(ps -o pid= -u "$uid" 2>/dev/null)" ] ||
    getent passwd "$uid" > /dev/null; do
	uid=$((uid + 1))
done
procs_of_uid() { ps -o pid= -u "$uid" | wc -l; }
t_config <<EOF
[supervisor]
minprocs = 1

[program:steady]
command = sleep 1000
startsecs = 0.1

[program:later]
command = sleep 1000
startsecs = 0.1
autostart = false
startretries = 1000
backoff_max = 0.2
EOF
chmod 755 "$T"
chmod 644 "$T/supervisor.ini"
mkdir "$T/run.$uid" && chown "$uid" "$T/run.$uid"
export SUPERVISOR_SOCKET=$T/run.$uid/supervisor.sock
: > "$T/log"
(cd "$T" && exec prlimit --nproc=$NPROC:$NPROC setpriv --reuid="$uid" \
    --regid="$uid" --clear-groups "$SUPERVISOR" -c "$T/supervisor.ini") \
    > "$T/out" 2>> "$T/log" &
SUP_PID=$!
t_check "[uid $uid] steady is RUNNING" t_wait 10 log_has "steady is RUNNING"
SPID=$(supervisor_pid)
steady=$(spawned_pid steady)
fillers=()
for i in $(seq $(( NPROC - $(procs_of_uid) ))); do
	setpriv --reuid="$uid" --regid="$uid" --clear-groups sleep 1000 &
	fillers+=($!)
done
t_check "[uid $uid] $NPROC processes: the limit is reached" \
	t_wait 10 slowly eval '[ "$(procs_of_uid)" -ge $NPROC ]'
"$CLIENT" start later > "$T/start.out" 2>&1 &
starter=$!
t_check "[uid $uid] the failed fork is reported with its reason" \
	t_wait 10 log_has "later: cannot start: Resource temporarily unavailable"
t_check "[uid $uid] later goes BACKOFF and is retried" \
	t_wait 10 eval '[ "$(log_count "later: retry [0-9]+ of 1000")" -ge 3 ]'
t_check "[uid $uid] status says BACKOFF" state_is later BACKOFF
t_check "[uid $uid] steady is RUNNING with its pid" \
	eval 'state_is steady RUNNING && [ "$SPAWN_PID" = "$steady" ]'
fails=$(log_count "later: cannot start:")
retries=$(log_count "later: retry [0-9]+ of 1000")
t_check "[uid $uid] reported once, not at each retry ($fails reports, $retries retries)" \
	test "$fails" = 1 -a "$retries" -ge 3
t_check "[uid $uid] the start command still waits" kill -0 "$starter"
kill "${fillers[@]}"
wait "${fillers[@]}" 2> /dev/null
t_check "[uid $uid] later is RUNNING once it can fork" \
	t_wait 10 log_has "later is RUNNING"
t_check "[uid $uid] later: its recovery is said" \
	log_has "later: started again after failing to \(Resource temporarily unavailable\)"
t_check "[uid $uid] the start command succeeds" t_wait 10 gone "$starter"
wait "$starter"
rc=$?
t_check "[uid $uid] ... with exit 0 (got $rc)" test "$rc" = 0
t_check "[uid $uid] later spawned once" test "$(log_count "spawned later pid")" -eq 1
t_check "[uid $uid] steady spawned once" test "$(log_count "spawned steady pid")" -eq 1
t_stop TERM
t_check "[uid $uid] supervisor exits 0 on SIGTERM (got $SUP_STATUS)" \
	test "$SUP_STATUS" = 0
t_check "[uid $uid] nothing of that uid is left" \
	t_wait 5 slowly eval '[ "$(procs_of_uid)" -eq 0 ]'
t_done
