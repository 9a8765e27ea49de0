#!/bin/bash
# limits.sh: a config whose processes cannot fit the descriptors the
# supervisor may open (RLIMIT_NOFILE, here lowered to 256 for this test
# and what it starts) is refused whole at start, with the numbers and the
# limit named, and nothing is started; a reload that would not fit is
# refused the same way while the running programs carry on.
. "$(dirname "$0")/../lib.sh"

ulimit -Sn 256 && ulimit -Hn 256 || { echo "FAIL limits: cannot lower RLIMIT_NOFILE"; exit 1; }

# programs N: N programs logging stdout and stderr to AUTO files (a
# stdin pipe, two pipes and two log files each: 7 descriptors).
programs() {
	local i
	printf '[supervisor]\nminfds = 64\n\n'
	for i in $(seq 1 "$1"); do
		printf '[program:p%s]\ncommand = sleep 1000\nstartsecs = 0\nstdout_logfile = AUTO\nstderr_logfile = AUTO\n\n' "$i"
	done
}

programs 40 | t_config
"$SUPERVISOR" -c "$T/supervisor.ini" > "$T/out" 2> "$T/log"
rc=$?
t_check "a config that cannot fit is refused (exit $rc)" test "$rc" = 1
t_check "the refusal names the numbers and the limit" log_has \
	"40 processes need about 344 file descriptors"
t_check "... and RLIMIT_NOFILE" log_has "the limit is 256 .RLIMIT_NOFILE, its hard limit"
t_check "nothing was started" log_lacks "spawned"
t_check "no program left" no_program_left

programs 10 | t_config
t_start
t_check "10 programs fit and start" t_wait 20 slowly state_is p10 RUNNING
before=$(pid_of p1)
programs 40 | t_config_renamed
t_check "a reload that would not fit is refused, with the numbers" \
	t_wait 20 slowly log_has "was not reloaded: 40 processes need about 344 file descriptors"
t_check "the running programs carry on" test "$(pid_of p1)" = "$before"
running=$("$CLIENT" status | grep -c " RUNNING ")
t_check "... all 10 of them ($running)" test "$running" = 10
ctl reload
t_check "the reload command says why (exit $RC)" \
	eval 'grep -q "344 file descriptors" <<< "$OUT$ERR"'
t_check "... and fails" test "$RC" != 0

t_stop TERM
t_check "supervisor exits 0 on SIGTERM (got $SUP_STATUS)" test "$SUP_STATUS" = 0
t_check "nothing left" no_program_left
t_done
