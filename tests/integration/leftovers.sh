#!/bin/bash
# A program that is done for good (EXITED, or FATAL after its retries)
# does not leave processes running unsupervised: what is left of its tree
# is killed at once.  A program waiting to be restarted keeps its tree
# until it is stopped.  The program's environment cannot change
# SUPERVISOR_PROCESS_NAME, which the supervisor uses to find processes
# that left the tree.
. "$(dirname "$0")/../lib.sh"

t_config <<EOF2
[program:once]
command = sh -c '(trap "" TERM; exec sleep 1000) & echo \$! > $T/once.kid; sleep 0.3; exit 0'
autorestart = false
startsecs = 0.1

[program:hopeless]
command = sh -c 'setsid sleep 1000 & echo \$! >> $T/hopeless.kids; exit 3'
startsecs = 1
startretries = 1
backoff_max = 0.2

[program:named]
command = sleep 1000
environment = SUPERVISOR_PROCESS_NAME=other,KEEP=1
startsecs = 0.1
EOF2
t_start

t_check "once: exits by itself" t_wait_log "once exited with status 0 \\(expected\\)"
kid=$(cat "$T/once.kid")
t_check "once: its leftover is killed" t_wait 5 gone "$kid"
t_check "once: the kill is logged" \
	log_has "once: killing what is left of its process tree"

t_check "hopeless: goes FATAL" t_wait 10 log_has "hopeless gave up after 1 retry"
t_check "hopeless: its setsid leftovers are killed" t_wait 5 eval '
	for k in $(cat "$T/hopeless.kids"); do gone "$k" || exit 1; done'
t_check "hopeless: two runs left processes" \
	test "$(wc -l < "$T/hopeless.kids")" -eq 2

t_wait_log "named is RUNNING"
pid=$(spawned_pid named)
t_check "named: SUPERVISOR_PROCESS_NAME is the supervisor's" \
	eval 'env_of "$pid" | grep -qx SUPERVISOR_PROCESS_NAME=named'
t_check "named: the rest of its environment is kept" \
	eval 'env_of "$pid" | grep -qx KEEP=1'

t_stop TERM
t_check "supervisor exits 0" test "$SUP_STATUS" = 0
t_check "nothing left" no_program_left
t_done
