#!/bin/bash
# teardown_many.sh: a teardown of 200 trees of 3 processes without
# cgroups (the supervisor run as nobody, /proc mode) stops every tree
# with its stop signal within its stopwaitsecs: no SIGKILL, no teardown
# bound, exit 0, nothing left.  (Each tree's stop used to read every
# descendant's environment again: 100 ms a tree, 20 s in all, past the
# bound.)  How fast is make bench's; the bound here is stopwaitsecs.
. "$(dirname "$0")/../lib.sh"

if [ "$(id -u)" != 0 ]; then
	t_pass "skipped: needs root (runs the supervisor as nobody)"
	t_done
fi
N=200
case $SUPERVISOR in *asan*) N=100 ;; esac
chmod 755 "$T"
{
	echo "[supervisor]"
	echo "inherit_environment = true"	# the test's tag, for the cleanup
	for i in $(seq "$N"); do
		printf '[program:t%d]\n' "$i"
		printf 'command = sh -c "sh -c '\''sleep 1000 & wait'\'' & wait"\n'
		printf 'startsecs = 0\nstopwaitsecs = 10\n'
		printf 'stdout_logfile = NONE\nstderr_logfile = NONE\n'
	done
} | t_config
t_start_as nobody
export SUPERVISOR_SOCKET=$T/run.nobody/supervisor.sock
all_up() { ctl status; [ "$(grep -c RUNNING <<< "$OUT")" = "$N" ]; }
t_check "$N programs up, in /proc mode" \
	eval 't_wait 60 all_up && log_has "containment: process groups and /proc"'
t_check "their $((N * 3)) processes run" \
	t_wait 30 eval '[ "$(program_pids | wc -w)" -ge $((N * 3)) ]'
t_stop TERM 40
t_check "the teardown ends, exit 0 (got $SUP_STATUS)" test "$SUP_STATUS" = 0
t_check "every tree stopped by its stop signal: no SIGKILL" \
	log_lacks "did not stop within"
t_check "the teardown bound was not reached" \
	log_lacks "teardown did not finish in time"
t_check "every program stopped" \
	test "$(log_count "t[0-9]+ stopped")" = "$N"
t_check "nothing left" no_program_left
t_done
