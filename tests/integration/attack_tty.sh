#!/bin/bash
# attack_tty.sh: a root supervisor in the foreground on root's terminal
# (a pseudo-terminal here), and a program run as nobody that tries to
# reach that terminal to push keystrokes into root's shell (TIOCSTI):
# every program is in a session of its own, with no controlling terminal,
# so /dev/tty can't be opened; Ctrl-C on the terminal still stops
# everything, whole trees included.
. "$(dirname "$0")/../lib.sh"

if [ "$(id -u)" != 0 ]; then
	t_pass "skipped: needs root (the attacker is nobody)"
	t_done
fi
chmod 755 "$T"
cat > "$T/probe.sh" <<'EOF2'
#!/bin/sh
# What the attacker can reach: /dev/tty, and whether a child it forks
# (a grandchild of the supervisor) stays in the tree.
if (exec 3<> /dev/tty) 2> /dev/null; then
	echo "TTY OPENED" > "$1/probe.out"
else
	echo "no tty" > "$1/probe.out"
fi
sleep 1000 &
wait
EOF2
chmod 755 "$T/probe.sh"
t_config <<EOF2
[supervisor]
# The test tag, for the cleanup, reaches programs run as nobody too.
inherit_environment = true
[program:probe]
user = nobody
command = $T/probe.sh $T/o
startsecs = 0
stdout_logfile = NONE
stderr_logfile = NONE
EOF2
mkdir -m 777 "$T/o"	# the probe (nobody) writes its answer there
# The supervisor on a pseudo-terminal, as in root's interactive shell.
pty_start "$SUPERVISOR" -c "$T/supervisor.ini"
t_check "the supervisor is up on the terminal" t_wait 10 answers
t_check "the probe ran" t_wait 10 test -s "$T/o/probe.out"
t_check "a program can't open the controlling terminal" \
	eval '[ "$(cat "$T/o/probe.out")" = "no tty" ]'
pid=$(pid_of probe)
stat_read "$pid"
t_check "the program leads its own session" \
	eval '[ "$(ps -o sid= -p "$pid" | tr -d " ")" = "$pid" ]'
t_check "it has no controlling terminal" \
	eval '[ "$(ps -o tty= -p "$pid" | tr -d " ")" = "?" ]'
children_scan "$pid"
kids=${LIVE[*]}
t_check "its child is in the tree" test -n "$kids"
ctrl_c	# on root's terminal
t_check "Ctrl-C stops the supervisor" t_wait 20 eval '! kill -0 "$PTY_PID" 2>/dev/null'
t_check "it said it was interrupted" t_wait 5 grep -q "SIGINT received" "$T/pty.out"
t_check "exits 0 after Ctrl-C, as after SIGINT" grep -q "^EXIT 0" "$T/pty.out"
t_check "the program is gone" gone "$pid"
t_check "its child is gone too" eval 'for k in $kids; do gone "$k" || exit 1; done'
t_check "no program left" no_program_left
t_done
