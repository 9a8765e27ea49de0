#!/bin/bash
# shared_stdout: three programs' lines on the supervisor's one stdout, a
# pipe into a reader, as in a container: 20,000 lines each, of different
# lengths (some longer than a pipe writes at once), written in bursts
# that end in the middle of lines.  Every line arrives whole, each
# program's in order, none lost or twice: with /dev/stdout; with a reader
# that stalls a second half-way (status answers meanwhile); with
# /dev/fd/1, /proc/self/fd/1 and /proc/1/fd/1, which are the same
# stdout, written by the same one writer.  Then /dev/fd/3, a descriptor
# the supervisor was started with, and /dev/fd/9, one it was not: its
# output is dropped and counted, never written into a descriptor of the
# supervisor's own.
. "$(dirname "$0")/../lib.sh"

N=20000

# burst_config PATH1 PATH2 PATH3: programs p1, p2 and p3 of N lines each,
# their stdout_logfile the paths given.
burst_config() {
	local k
	{
		echo "[supervisor]"
		for k in 1 2 3; do
			printf '\n[program:p%s]\ncommand = %s\n' "$k" \
			    "$(burst_command "$k" "$N")"
			printf 'stdout_logfile = %s\n' "${!k}"
			printf 'autorestart = false\nstartsecs = 0\n'
		done
	} | t_config
}
piped_lines() { [ "$(wc -l < "$T/piped")" -ge $((3 * N)) ]; }

# burst_run NAME STALL: starts the supervisor on the config, lets the programs
# go, stalls the reader for a second half-way when STALL is 1, and
# checks what the reader got.
burst_run() {
	local name=$1 stall=$2 max=0 answered=0 i
	rm -f "$T/go"
	t_start_piped
	t_check "$name: started" t_wait 20 slowly state_is p3 RUNNING
	: > "$T/go"
	if [ "$stall" = 1 ]; then
		t_check "$name: half-way" t_wait 60 eval \
		    '[ "$(piped_size)" -ge $((5 * 1024 * 1024)) ]'
		reader_stop
		# A second of stall: status answers all along.
		for i in 1 2 3 4; do
			ctl status
			[ "$MS" -gt "$max" ] && max=$MS
			[ "$RC" = 0 ] || [ "$RC" = 3 ] && answered=$((answered + 1))
			t_sleep 0.25
		done
		t_check "$name: status answers during the stall (slowest ${max} ms)" \
		    test "$max" -lt 1000 -a "$answered" = 4
		reader_go
	fi
	t_check "$name: the programs are done" t_wait 60 slowly burst_done
	t_wait 60 slowly piped_lines
	t_stop TERM
	t_check "$name: the supervisor exits 0 (got $SUP_STATUS)" \
	    test "$SUP_STATUS" = 0
	t_check "$name: the reader reads to the end" reader_done
	burst_check "$T/piped"
	t_check "$name: every line whole, in order, once ($BURST)" \
	    burst_whole "$N"
	t_check "$name: nothing but the lines ($(wc -c < "$T/piped") bytes)" \
	    test "$(grep -vc '^p[123] ' "$T/piped")" = 0
}

burst_config /dev/stdout /dev/stdout /dev/stdout
burst_run "stdout" 0
burst_run "stdout, a stalled reader" 1
burst_config /dev/fd/1 /proc/self/fd/1 /proc/1/fd/1
burst_run "/dev/fd/1, /proc/self/fd/1, /proc/1/fd/1" 1

N=2000
burst_config /dev/fd/3 /proc/self/fd/3 /dev/fd/3
printf '\n[program:nine]\ncommand = sh -c "echo into nine; exec sleep 1000"\nstdout_logfile = /dev/fd/9\nstartsecs = 0\n' \
    >> "$T/supervisor.ini"
rm -f "$T/go"
exec 3> "$T/fd3.out"
t_start
exec 3>&-
t_check "fd 3: started" t_wait 20 slowly state_is p3 RUNNING
: > "$T/go"
t_check "fd 3: the programs are done" t_wait 60 slowly burst_done
fd3_lines() { [ "$(wc -l < "$T/fd3.out")" -ge $((3 * N)) ]; }
t_check "fd 3: the lines arrive" t_wait 20 slowly fd3_lines
burst_check "$T/fd3.out"
t_check "fd 3: every line whole, in order, once ($BURST)" burst_whole "$N"
t_check "fd 9: not the supervisor's to give: a fault" \
	t_wait 20 log_has "nine stdout: open the supervisor's descriptor 9 .*: Bad file descriptor"
t_check "fd 9: its output counted lost" \
	t_wait 20 slowly eval 'status_of nine && [ "$LOST" -gt 0 ]'
t_stop TERM
t_check "fd 3: the supervisor exits 0 (got $SUP_STATUS)" \
    test "$SUP_STATUS" = 0
t_check "nothing left" no_program_left
t_done
