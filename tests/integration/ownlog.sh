#!/bin/bash
# The supervisor's own log through the same writer as programs' output:
# logfile rotated at logfile_maxbytes with logfile_backups kept, lines
# never split across files, SIGUSR2 reopening it, and the guardian's own
# lines following the supervisor's rotations (logfile.c reopens a path
# that names another file now).
. "$(dirname "$0")/../lib.sh"

t_config <<EOF2
[supervisor]
logfile = $T/sup.log
logfile_maxbytes = 2KB
logfile_backups = 2
loglevel = debug

[program:web]
command = sleep 1000
startsecs = 0
stdout_logfile = NONE
stderr_logfile = NONE
EOF2
t_start
t_check "it logs to the file, not to stderr" \
	t_wait 10 eval 'grep -q "started as pid" "$T/sup.log" 2>/dev/null'
# Each restart logs four lines or so: 2 KB is a dozen restarts.
restarts=0
restart_until() {
	ctl restart web
	restarts=$((restarts + 1))
	"$@"
}
t_check "rotated twice: sup.log.2 exists" \
	t_wait 30 restart_until test -e "$T/sup.log.2"
t_check "rotated more: the oldest dropped beyond 2 backups" \
	t_wait 30 restart_until eval 'grep -qs "spawned web" "$T/sup.log.2" &&
	    [ ! -e "$T/sup.log.3" ] && [ "$restarts" -gt 40 ]'
sizes_ok() {
	local f
	for f in "$T"/sup.log "$T"/sup.log.1 "$T"/sup.log.2; do
		[ "$(stat -c %s "$f")" -le 2048 ] || return 1
	done
}
t_check "no file is over 2 KB" sizes_ok
lines_whole() {
	local f
	for f in "$T"/sup.log.1 "$T"/sup.log.2; do
		[ "$(tail -c 1 "$f" | od -An -c | tr -d ' ')" = '\n' ] || return 1
		grep -qvE '^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:.]+ [A-Z]+ ' "$f" &&
			return 1
	done
	return 0
}
t_check "every file ends at a line's end, every line is whole" lines_whole
t_check "nothing on the supervisor's stderr" test ! -s "$T/log"

# SIGUSR2: moved away by an outside rotation, then opened anew.
mv "$T/sup.log" "$T/sup.log.moved"
kill -USR2 "$SUP_PID"
t_check "SIGUSR2: a new sup.log" \
	t_wait 10 eval 'grep -q "SIGUSR2 received; log files reopened" "$T/sup.log" 2>/dev/null'

t_stop TERM
t_check "supervisor exits 0 (got $SUP_STATUS)" test "$SUP_STATUS" = 0
t_check "the last line is in the reopened file, not the moved one" \
	eval 'grep -qs "supervisor exiting with status 0" "$T/sup.log" "$T/sup.log.1" &&
	    ! grep -q "supervisor exiting" "$T/sup.log.moved"'
t_check "nothing left" no_program_left
t_done
