#!/bin/bash
# capture: programs' output in their logs, with real processes, signals
# and files.  50 MB through rotation byte for byte, stdout and stderr
# interleaved in one pipe, output written after the leader is gone, a
# missing directory and a full file system (counted losses, one warning,
# writing again), SIGUSR2 after an external move, a removed log created
# again, tail and tail -f across rotations, /dev/stdout and /dev/stderr;
# then, in a second run, a supervisor whose stdout nobody reads: the
# program blocks, the supervisor stays small, and every byte arrives.
. "$(dirname "$0")/../lib.sh"

MB=1048576
# Random bytes, made once: what the big programs write.
head -c $((50 * MB)) /dev/urandom > "$T/big"

# Programs wait at a gate (a FIFO) or read their output from one.  The
# test holds each FIFO open read-write from the start, so a program's
# open never blocks and what the test writes waits in the FIFO.
declare -A FD
fifo() {
	local fd
	mkfifo "$T/$1.fifo"
	exec {fd}<>"$T/$1.fifo"
	FD[$1]=$fd
}
# say NAME LINE...: one line per argument into NAME's FIFO.
say() {
	local name=$1
	shift
	printf '%s\n' "$@" >&"${FD[$name]}"
}
for f in mixed rot tl fo gone; do fifo "$f"; done

# The full file system needs a small tmpfs of its own (root only).
SMALL=
if [ "$(id -u)" = 0 ] && mkdir "$T/small" &&
    mount -t tmpfs -o size=1m tmpfs "$T/small" 2>/dev/null; then
	SMALL=$T/small
	fifo full
fi
# The tmpfs goes before the directory it is in; after every process,
# which may hold files open in it.
trap 'end_run; [ -n "$SMALL" ] && umount -l "$SMALL"; t_cleanup' EXIT

# Sizes of files, added up (missing files count 0).
total_size() { stat -c %s "$@" 2>/dev/null | awk '{ s += $1 } END { print s + 0 }'; }
fsize() { total_size "$1"; }
lines_of() { [ -f "$1" ] && wc -l < "$1" || echo 0; }
last_line() { tail -n 1 "$1" 2>/dev/null; }
# lost_of NAME: the bytes of output NAME lost, as status says.
lost_of() { status_of "$1"; echo "$LOST"; }
# slowly waits 0.05 s here, not 0.1: these polls look at files, the log
# and status, not at hundreds of processes.
SLOWLY_S=0.05
# wait_log PATTERN: as t_wait_log, polling less often.
wait_log() { t_wait 20 slowly log_has "$1"; }
# The supervisor proper's open descriptors (the guardian is its parent).
fd_count() { local f=(/proc/"$SPID"/fd/*); echo "${#f[@]}"; }

{
cat <<EOF
[program:big]
command = sh -c 'cat $T/big; exec sleep 1000'
stdout_logfile = $T/big.log
stdout_logfile_maxbytes = 1MB
stdout_logfile_backups = 60
startsecs = 0

[program:exact]
command = sh -c 'head -c 4096 $T/big; exec sleep 1000'
stdout_logfile_maxbytes = 4KB
stdout_logfile_backups = 1
startsecs = 0

[program:mixed]
command = sh -c 'read x < $T/mixed.fifo; i=0; while [ \$i -lt 300 ]; do i=\$((i+1)); echo out\$i; echo err\$i >&2; done; exec sleep 1000'
redirect_stderr = true
startsecs = 0

[program:orphan]
command = sh -c 'if [ -e $T/orphan.again ]; then exec sleep 1000; fi; : > $T/orphan.again; echo early; (while kill -0 \$\$ 2>/dev/null; do sleep 0.05; done; echo late) &'
autorestart = true
startsecs = 0

[program:stopper]
command = sh -c '(trap "while kill -0 \$\$ 2>/dev/null; do sleep 0.05; done; echo late in the stop; exit 0" TERM; while :; do sleep 0.1; done) & echo early; exec sleep 1000'
startsecs = 0

[program:missing]
command = sh -c 'i=0; while :; do i=\$((i+1)); echo m\$i; sleep 0.1; done'
stdout_logfile = $T/missing/x.log
startsecs = 0

[program:rot]
command = sh -c 'read x < $T/rot.fifo; i=0; j=0; while [ ! -e $T/rot.stop ]; do i=\$((i+1)); echo \$i; j=\$((j+1)); if [ \$j -ge 50 ]; then j=0; sleep 0.05; fi; done; echo END; exec sleep 1000'
startsecs = 0

[program:tl]
command = sh -c 'while read -r l; do echo "\$l"; echo "e\$l" >&2; done < $T/tl.fifo'
stdout_logfile_maxbytes = 500
stdout_logfile_backups = 2
startsecs = 0

[program:fo]
command = cat $T/fo.fifo
stdout_logfile_maxbytes = 4KB
stdout_logfile_backups = 5
startsecs = 0

[program:gone]
command = cat $T/gone.fifo
stdout_logfile = $T/gone.log
startsecs = 0

[program:std]
command = sh -c 'echo std says hello on stdout; echo std says hello on stderr >&2; exec sleep 1000'
stdout_logfile = /dev/stdout
stderr_logfile = /dev/stderr
startsecs = 0

[program:none]
command = sleep 1000
stdout_logfile = NONE
startsecs = 0
EOF
[ -n "$SMALL" ] && cat <<EOF

[program:full]
command = sh -c 'head -c $((2 * MB)) $T/big; read x < $T/full.fifo; echo MARKER; exec sleep 1000'
stdout_logfile = $SMALL/full.log
stdout_logfile_maxbytes = 0
startsecs = 0
EOF
} | t_config
# A quarter of the tmpfs is taken: freeing it later makes room.
[ -n "$SMALL" ] && head -c $((MB / 4)) "$T/big" > "$SMALL/filler"

t_start
t_check "started" wait_log "started as pid"
SPID=$(supervisor_pid)

# ---- 50 MB through rotation ---------------------------------------------
big_done() {
	[ "$(total_size "$T"/big.log "$T"/big.log.*)" -eq $((50 * MB)) ]
}
t_check "big: 50 MB in the log and its backups" t_wait 60 slowly big_done
# The last file is full and stays the current one: nothing came after
# it to rotate it for (see exact below).
backups=$(ls "$T"/big.log.* | wc -l)
current=$(fsize "$T/big.log")
t_check "big: 49 backups and a full log (got $backups, $current bytes)" \
	eval '[ "$backups" = 49 ] && [ "$current" = "$MB" ] &&
	    [ -f "$T/big.log.49" ] && [ ! -e "$T/big.log.50" ]'
t_check "big: every backup exactly 1 MB" \
	eval '! stat -c %s "$T"/big.log.* | grep -vqx '"$MB"
t_check "big: log.$backups ... log.1 log equals the input byte for byte" \
	eval 'cat $(for i in $(seq "$backups" -1 1); do echo "$T/big.log.$i"; done) \
	    "$T/big.log" | cmp -s - "$T/big"'
rm -f "$T"/big.log*
# One write of exactly maxbytes, then nothing: the file is full, but
# there is nothing to rotate it for.  (With backups = 0 a rotation now
# would throw the output away before anything else was written.)
t_check "exact: 4096 bytes written" \
	t_wait 20 slowly eval '[ "$(total_size "$(auto_log exact)"*)" = 4096 ]'
t_check "exact: a full log is not rotated until more output comes" \
	eval '[ "$(fsize "$(auto_log exact)")" = 4096 ] &&
	    [ ! -e "$(auto_log exact).1" ]'

# ---- stdout and stderr in one pipe ---------------------------------------
say mixed go
for i in $(seq 1 300); do echo "out$i"; echo "err$i"; done > "$T/mixed.want"
t_check "mixed: 600 lines in the log" \
	t_wait 20 slowly eval '[ "$(lines_of "$(auto_log mixed)")" -ge 600 ]'
t_check "mixed: stdout and stderr lines in their exact order" \
	cmp -s "$(auto_log mixed)" "$T/mixed.want"
t_check "mixed: no stderr log written" \
	eval '[ ! -s "$(auto_log mixed stderr)" ]'

# ---- output from a process whose leader is gone --------------------------
# The grandchild writes once the leader is gone (and reaped).
t_check "orphan: the leader exits, waits for its restart" \
	wait_log "orphan exited with status 0"
t_check "orphan: the grandchild's later line is in the log" \
	t_wait 20 slowly grep -qx late "$(auto_log orphan)"
t_check "orphan: both lines, in order" \
	test "$(cat "$(auto_log orphan)")" = "$(printf 'early\nlate')"
t_check "stopper: running" t_wait 20 slowly grep -qx early "$(auto_log stopper)"
ctl_check "stopper: stop (its child writes after the leader is gone)" 0 stop stopper
t_check "stopper: stopped" wait_log "stopper stopped"
# Its child writes once the leader is gone.
t_check "stopper: the line written during the stop is in the log" \
	t_wait 20 slowly grep -qx "late in the stop" "$(auto_log stopper)"

# ---- /dev/stdout and /dev/stderr ----------------------------------------
t_check "std: /dev/stdout is the supervisor's stdout" \
	t_wait 20 slowly grep -qx "std says hello on stdout" "$T/out"
t_check "std: /dev/stderr is the supervisor's stderr" \
	t_wait 20 slowly grep -qx "std says hello on stderr" "$T/log"

# ---- a missing directory -------------------------------------------------
miss_warning="missing stdout: open $T/missing/x.log \(output is dropped and counted until it can be written\): No such file or directory"
t_check "missing: warned" wait_log "$miss_warning"
# More than a second of output: opening has been retried.
t_check "missing: output is counted as lost" \
	t_wait 20 slowly eval '[ "$(lost_of missing)" -ge 60 ]'
t_check "missing: still RUNNING" test "$(state_of missing)" = RUNNING
ctl status --json
t_check "missing: status --json has its output_lost_bytes" \
	test "$(jq '.[] | select(.name == "missing") | .output_lost_bytes' <<< "$OUT")" -gt 0
mkdir "$T/missing"
t_check "missing: says it writes again" \
	wait_log "missing stdout: writing $T/missing/x.log again; [0-9]+ bytes were lost"
t_check "missing: output reaches the file" \
	t_wait 20 slowly grep -Eqx "m[0-9]+" "$T/missing/x.log"
t_check "missing: exactly one warning ($(log_count "missing stdout: open"))" \
	test "$(log_count "missing stdout: open")" = 1
log_first "missing stdout: writing .* again; [0-9]+ bytes were lost"
said=$(sed -E 's/.*again; ([0-9]+) bytes were lost.*/\1/' <<< "$LINE")
t_check "missing: the count it logged ($said) is the one status shows" \
	test "$said" = "$(lost_of missing)"
ctl_check "missing: stop (its polling costs CPU)" 0 stop missing

# ---- a full file system --------------------------------------------------
if [ -z "$SMALL" ]; then
	t_pass "full: skipped (a tmpfs cannot be mounted here)"
else
	full_warning="full stdout: write $SMALL/full.log \(output is dropped and counted until it can be written\): No space left on device"
	t_check "full: warned" wait_log "$full_warning"
	t_check "full: all 2 MB written or counted lost" \
		t_wait 20 slowly eval '[ $(( $(fsize "$SMALL/full.log") + $(lost_of full) )) -eq $((2 * MB)) ]'
	size=$(fsize "$SMALL/full.log")
	t_check "full: the log filled what was free ($size bytes)" \
		test "$size" -gt 0 -a "$size" -le $((3 * MB / 4))
	t_check "full: still RUNNING" test "$(state_of full)" = RUNNING
	ctl status
	t_check "full: status answers" grep -Eq "^full +RUNNING" <<< "$OUT"
	rm "$SMALL/filler"
	say full go
	t_check "full: says it writes again" \
		wait_log "full stdout: writing $SMALL/full.log again; $((2 * MB - size)) bytes were lost"
	t_check "full: the marker follows what fitted" eval \
	    'cmp -s "$SMALL/full.log" <(head -c "$size" "$T/big"; echo MARKER)'
	t_check "full: exactly one warning" \
		test "$(log_count "full stdout: write")" = 1
fi

# ---- SIGUSR2 after the log was moved away -------------------------------
say rot go
t_check "rot: writing" \
	t_wait 20 slowly eval '[ "$(lines_of "$(auto_log rot)")" -ge 200 ]'
mv "$(auto_log rot)" "$T/rot.moved"
kill -USR2 "$SUP_PID"
t_check "rot: SIGUSR2 reopens the logs" \
	wait_log "SIGUSR2 received; log files reopened"
t_check "rot: a new file at the path" \
	t_wait 20 slowly eval '[ "$(lines_of "$(auto_log rot)")" -ge 200 ]'
: > "$T/rot.stop"
t_check "rot: the program is done writing" \
	t_wait 20 slowly eval '[ "$(last_line "$(auto_log rot)")" = END ]'
n=$(( $(cat "$T/rot.moved" "$(auto_log rot)" | wc -l) - 1 ))
t_check "rot: the moved file has the earlier lines, the new one the later" \
	eval '[ "$(head -n 1 "$T/rot.moved")" = 1 ] &&
	    [ "$(head -n 1 "$(auto_log rot)")" -gt 1 ]'
t_check "rot: none lost or written twice (1 to $n)" eval \
	'cat "$T/rot.moved" "$(auto_log rot)" | cmp -s - <(seq 1 "$n"; echo END)'

# ---- tail ----------------------------------------------------------------
# 5-byte lines, 100 in each 500-byte file.  No batch ends where a file
# does, so where the lines are does not depend on when a full file is
# rotated (see exact above).
say tl $(printf 'L%03d ' {1..230})
tl_at() {
	[ "$(last_line "$(auto_log tl)")" = "$1" ] &&
	    [ "$(last_line "$(auto_log tl stderr)")" = "e$1" ]
}
t_check "tl: 230 lines written" t_wait 20 slowly tl_at L230
t_check "tl: rotated into log.1 and log.2" \
	eval '[ "$(head -n 1 "$(auto_log tl).2")" = L001 ] &&
	    [ "$(head -n 1 "$(auto_log tl).1")" = L101 ] &&
	    [ "$(head -n 1 "$(auto_log tl)")" = L201 ]'
ctl_check "tail -n 200 tl" 0 tail -n 200 tl
t_check "tail -n 200: the last 200 lines, from log.2 on" \
	test "$OUT" = "$(printf 'L%03d\n' {31..230})"
ctl_check "tail -n 100 tl" 0 tail -n 100 tl
t_check "tail -n 100: the last 100 lines, from log.1 on" \
	test "$OUT" = "$(printf 'L%03d\n' {131..230})"
ctl_check "tail tl" 0 tail tl
t_check "tail: 10 lines by default" \
	test "$OUT" = "$(printf 'L%03d\n' {221..230})"
ctl_check "tail -n 3 tl stderr" 0 tail -n 3 tl stderr
t_check "tail stderr: the stderr log's last lines" \
	test "$OUT" = "$(printf 'eL%03d\n' {228..230})"
say tl $(printf 'L%03d ' {231..330})
t_check "tl: 100 more lines, rotated again" t_wait 20 slowly tl_at L330
t_check "tl: two backups kept, the oldest dropped" \
	eval '[ "$(head -n 1 "$(auto_log tl).2")" = L101 ] &&
	    [ ! -e "$(auto_log tl).3" ]'
ctl_check "tail -n 1000 tl" 0 tail -n 1000 tl
t_check "tail -n 1000: everything the files keep" \
	test "$OUT" = "$(printf 'L%03d\n' {101..330})"
ctl_check "tail of a NONE log exits 1" 1 tail none
t_check "tail NONE: says it is not logged" grep -q "not logged" <<< "$ERR"
ctl_check "tail of a /dev/stdout log exits 1" 1 tail std
t_check "tail /dev/stdout: says where it goes" \
	grep -q "supervisor's stdout" <<< "$ERR"
ctl_check "tail stderr of redirect_stderr exits 1" 1 tail mixed stderr
ctl_check "tail of an unknown name exits 4" 4 tail nosuch

# ---- tail -f across rotations --------------------------------------------
# 7-byte lines, 4 KB files: 3000 lines rotate five times.
say fo $(printf 'F%05d ' {1..100})
t_check "fo: 100 lines written" \
	t_wait 20 slowly eval '[ "$(last_line "$(auto_log fo)")" = F00100 ]'
fds=$(fd_count)
"$CLIENT" tail -f -n 5 fo > "$T/follow.out" 2> "$T/follow.err" &
follower=$!
t_check "tail -f: starts with the last 5 lines" \
	t_wait 20 slowly eval '[ "$(last_line "$T/follow.out")" = F00100 ]'
for batch in "101 1000" "1001 2000" "2001 3000"; do
	read -r from to <<< "$batch"
	say fo $(seq -f 'F%05g' "$from" "$to")
	t_check "tail -f: follows up to line $to" \
		t_wait 20 slowly eval '[ "$(last_line "$T/follow.out")" = "$(printf F%05d "$to")" ]'
done
t_check "tail -f: the log rotated under it (log.5 exists)" test -f "$(auto_log fo).5"
kill "$follower"
wait "$follower" 2>/dev/null
t_check "tail -f: every line from where it started, once, in order" \
	cmp -s "$T/follow.out" <(printf 'F%05d\n' {96..3000})
t_check "tail -f: the supervisor lets go of the client ($fds descriptors)" \
	t_wait 20 slowly eval '[ "$(fd_count)" -le "$fds" ]'
ctl status
t_check "tail -f: status still answers" grep -Eq "^fo +RUNNING" <<< "$OUT"

# ---- a removed log --------------------------------------------------------
say gone G0
t_check "gone: writing" t_wait 20 slowly grep -qx G0 "$T/gone.log"
rm "$T/gone.log"
k=0
# A line per poll until the file is back (checked once a second).
write_until_back() {
	k=$((k + 1))
	say gone "G$k"
	[ -e "$T/gone.log" ]
}
t_check "gone: created again" t_wait 20 write_until_back
t_check "gone: says so" \
	wait_log "gone stdout: $T/gone.log was removed; creating it again"
t_check "gone: what went into the removed file since the last look is lost" \
	t_wait 20 slowly eval '[ "$(lost_of gone)" -gt 0 ]'
t_check "gone: the newest line is in the new file" \
	t_wait 20 slowly eval '[ "$(last_line "$T/gone.log")" = "G$k" ]'
first=$(head -n 1 "$T/gone.log")
t_check "gone: the new file has the lines since it was made (${first} to G$k)" \
	eval 'cmp -s "$T/gone.log" <(seq -f "G%g" "${first#G}" "$k")'

# ---- stop ----------------------------------------------------------------
t_stop TERM
t_check "supervisor exits 0 on SIGTERM (got $SUP_STATUS)" test "$SUP_STATUS" = 0
t_check "nothing left" no_program_left
t_check "socket file removed" test ! -e "$T/supervisor.sock"

# ---- a supervisor whose stdout nobody reads --------------------------------
# Its stdout is a FIFO the test holds open and does not read until the end.
fifo flood
fifo sup
t_config <<EOF
[program:flood]
command = sh -c 'read x < $T/flood.fifo; head -c $((20 * MB)) $T/big; echo END; exec sleep 1000'
stdout_logfile = /dev/stdout
startsecs = 0
EOF
: > "$T/log"
"$SUPERVISOR" -c "$T/supervisor.ini" > "$T/sup.fifo" 2> "$T/log" &
SUP_PID=$!
t_check "flood: spawned" wait_log "spawned flood pid"
SPID=$(supervisor_pid)
rss0=$(status_kb "$SPID" VmRSS)
say flood go
# The writer: the head(1) the program runs.
writer=
find_writer() {
	local pid
	for pid in $(program_pids); do
		[[ $(tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null) == head* ]] &&
			writer=$pid && return 0
	done
	return 1
}
t_check "flood: writing" t_wait 20 slowly find_writer
wchar() { awk '$1 == "wchar:" { print $2 }' "/proc/$writer/io" 2>/dev/null; }
# Blocked: alive, and nothing more written for a while.
blocked() {
	local before
	before=$(wchar)
	t_sleep 0.3
	alive "$writer" && [ "$(wchar)" = "$before" ]
}
t_check "flood: the program blocks on its full pipe" t_wait 20 blocked
written=$(wchar)
t_check "flood: it could not write everything ($written bytes)" \
	test "$written" -lt $((20 * MB))
ctl_check "flood: status answers while it is blocked" 0 status
rss=$(status_kb "$SPID" VmRSS)
t_check "flood: the supervisor stays small (VmRSS ${rss0} kB, then ${rss} kB)" \
	test "$rss" -lt $((rss0 + 8 * 1024))
timeout 60 head -c $((20 * MB + 4)) <&"${FD[sup]}" > "$T/flood.out"
t_check "flood: exactly the 20 MB and the last line arrive" eval \
	'cmp -s "$T/flood.out" <(head -c $((20 * MB)) "$T/big"; echo END)'
t_check "flood: nothing lost" test "$(lost_of flood)" = 0
t_stop TERM
t_check "flood: supervisor exits 0 on SIGTERM (got $SUP_STATUS)" test "$SUP_STATUS" = 0
t_check "flood: nothing left" no_program_left
t_done
