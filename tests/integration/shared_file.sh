#!/bin/bash
# shared_file: three programs' stdout_logfile one file, rotated at a small
# maxbytes: one writer for the file, which rotates it once, at exactly
# maxbytes; the backups and the file, read in order, are every program's
# lines whole, each program's in order, none lost or twice.  Then
# SIGUSR2 after the file was moved away: the programs go on writing into
# one new file, and tail reads the file any of them names.
. "$(dirname "$0")/../lib.sh"

N=5000
MAX=65536
{
	echo "[supervisor]"
	for k in 1 2 3; do
		printf '\n[program:p%s]\ncommand = %s\n' "$k" \
		    "$(burst_command "$k" "$N")"
		printf 'stdout_logfile = %s\n' "$T/all.log"
		printf 'stdout_logfile_maxbytes = %s\n' "$MAX"
		printf 'stdout_logfile_backups = 100\n'
		printf 'autorestart = false\nstartsecs = 0\n'
	done
	cat <<EOF

[program:q1]
command = sh -c 'while read -r l; do echo "q1 \$l"; done < $T/q1.fifo'
stdout_logfile = $T/moved.log
startsecs = 0

[program:q2]
command = sh -c 'while read -r l; do echo "q2 \$l"; done < $T/q2.fifo'
stdout_logfile = $T/moved.log
startsecs = 0
EOF
} | t_config
# The FIFOs stay open read-write in the test: a program's open never
# blocks, and what the test writes waits for it.
mkfifo "$T/q1.fifo" "$T/q2.fifo"
exec {Q1}<>"$T/q1.fifo" {Q2}<>"$T/q2.fifo"

t_start
if ! t_wait 20 slowly state_is p3 RUNNING; then
	t_fail "several programs may log to one file"
	t_done
fi
t_pass "several programs may log to one file"
: > "$T/go"
t_check "the programs are done" t_wait 60 slowly burst_done
# The files, oldest first.
files() {
	local i
	for i in $(seq 100 -1 1); do
		[ -e "$T/all.log.$i" ] && echo "$T/all.log.$i"
	done
	echo "$T/all.log"
}
all_in() { [ "$(files | xargs cat 2>/dev/null | wc -l)" -ge $((3 * N)) ]; }
t_check "every line reaches the file" t_wait 20 slowly all_in
total=$(files | xargs cat | wc -c)
nfiles=$(files | wc -l)
t_check "rotated once per $MAX bytes: $nfiles files for $total bytes" \
	test "$nfiles" = $(( (total + MAX - 1) / MAX ))
t_check "every backup exactly $MAX bytes" \
	eval '[ -z "$(files | head -n -1 | xargs stat -c %s | grep -vx "$MAX")" ]'
burst_check $(files)
t_check "every line whole, in order, once ($BURST)" burst_whole "$N"
for k in 1 2 3; do
	status_of "p$k"
	t_check "p$k: nothing lost ($LOST)" test "$LOST" = 0
done

# ---- SIGUSR2 after the shared file was moved away --------------------
printf 'a%s\n' 1 2 3 >&"$Q1"
printf 'a%s\n' 1 2 3 >&"$Q2"
t_check "q1 and q2 write one file" \
	t_wait 20 slowly eval '[ "$(wc -l < "$T/moved.log")" = 6 ]'
mv "$T/moved.log" "$T/moved.log.old"
kill -USR2 "$SUP_PID"
t_check "SIGUSR2 reopens the logs" \
	t_wait_log "SIGUSR2 received; log files reopened"
printf 'b%s\n' 1 2 >&"$Q1"
printf 'b%s\n' 1 2 >&"$Q2"
t_check "both go on in the new file" \
	t_wait 20 slowly eval '[ "$(wc -l < "$T/moved.log")" = 4 ]'
t_check "the old file keeps what came before" \
	test "$(sort "$T/moved.log.old" | tr '\n' ' ')" = "q1 a1 q1 a2 q1 a3 q2 a1 q2 a2 q2 a3 "
t_check "the new file has what came after" \
	test "$(sort "$T/moved.log" | tr '\n' ' ')" = "q1 b1 q1 b2 q2 b1 q2 b2 "
ctl_check "tail q2" 0 tail -n 4 q2
t_check "tail of q2 reads the shared file" \
	test "$(sort <<< "$OUT" | tr '\n' ' ')" = "q1 b1 q1 b2 q2 b1 q2 b2 "

t_stop TERM
t_check "the supervisor exits 0 (got $SUP_STATUS)" test "$SUP_STATUS" = 0
t_check "nothing left" no_program_left
t_done
