#!/bin/bash
# spawn_fds.sh: what a program gets of the supervisor's descriptors while
# the supervisor holds hundreds of pipes (a stdin pipe and a log pipe for
# each of 300 running programs): its stdin, stdout and stderr, the fd:N
# of its readiness, and nothing else.  A spawn moves what the child needs
# into a few reserved descriptors and the child keeps only those; this
# checks that none of the others, and no other program's pipe, slips
# through, and that a program's output still ends (no write end of its
# pipe is left behind in the supervisor).  And what it gets of the
# supervisor's signal dispositions: nothing, though the supervisor was
# started with some ignored and handles others itself.
. "$(dirname "$0")/../lib.sh"

{
	for i in $(seq 1 300); do
		printf '[program:hold%s]\ncommand = sleep 1000\nstartsecs = 0\npriority = 1\nstdout_logfile = %s/logs/hold%s.log\n\n' \
		    "$i" "$T" "$i"
	done
	for i in $(seq 1 20); do
		# ls lists its own descriptors: 0, 1, 2 and the directory it
		# reads (3).
		printf '[program:list%s]\ncommand = sh -c "exec ls -1 /proc/self/fd"\nstartsecs = 0\nautorestart = false\npriority = 900\nstdout_logfile = %s/logs/list%s.log\n\n' \
		    "$i" "$T" "$i"
	done
	cat <<EOT
[program:sigs]
command = sed -n "/^Sig\\(Ign\\|Cgt\\)/p" /proc/self/status
startsecs = 0
autorestart = false
priority = 900
stdout_logfile = $T/logs/sigs.log

[program:ready]
command = sh -c 'ls -1 /proc/self/fd > $T/ready.fds; echo >&5; exec sleep 1000'
ready = fd:5
priority = 900
EOT
} > "$T/supervisor.ini"
mkdir -p "$T/logs"
trap '' HUP USR1 USR2 TTOU PIPE	# inherited by the supervisor: ignored
t_start
trap - HUP USR1 USR2 TTOU PIPE
t_check "the programs are started" t_wait 60 slowly state_is list20 EXITED
t_check "the fd:5 program is ready" t_wait 30 slowly state_is ready RUNNING
spid=$(supervisor_pid)
held=$(ls "/proc/$spid/fd" | wc -l)
t_check "the supervisor holds hundreds of descriptors ($held)" \
	test "$held" -gt 300

for i in $(seq 1 20); do
	t_wait 10 slowly grep -qx 3 "$T/logs/list$i.log"
done
bad=0
for i in $(seq 1 20); do
	got=$(tr '\n' ' ' < "$T/logs/list$i.log")
	[ "$got" = "0 1 2 3 " ] || { bad=$((bad + 1)); echo "list$i: $got"; }
done
t_check "each program has 0, 1, 2 and nothing of the supervisor's ($bad not)" \
	test "$bad" = 0
got=$(tr '\n' ' ' < "$T/ready.fds")
t_check "the fd:5 program has 0, 1, 2 and 5 ($got)" \
	test "$got" = "0 1 2 3 5 "

t_wait 10 slowly grep -q SigCgt "$T/logs/sigs.log"
sig=$(tr '\t\n' '  ' < "$T/logs/sigs.log")
t_check "no signal ignored or handled in a program, as after a fresh exec ($sig)" \
	test "$sig" = "SigIgn: 0000000000000000 SigCgt: 0000000000000000 "

# Its stdin is a pipe whose write end only the supervisor holds.
rpid=$(pid_of ready)
t_check "its stdin is a pipe" \
	eval '[[ "$(readlink "/proc/$rpid/fd/0")" == pipe:* ]]'

t_stop TERM
t_check "supervisor exits 0 on SIGTERM (got $SUP_STATUS)" test "$SUP_STATUS" = 0
t_check "nothing left" no_program_left
t_done
