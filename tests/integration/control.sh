#!/bin/bash
# The control commands against a running supervisor, over its socket:
# status (table, --json, exit codes), start, stop, restart (one or many
# names at once, PROGRAM:*, all, --no-wait), signal, pid, reload, tail,
# version and shutdown, each checked on the real processes (/proc), and
# the client's exit status when no supervisor answers.
. "$(dirname "$0")/../lib.sh"

SOCK=$SUPERVISOR_SOCKET
VERSION=$("$SUPERVISOR" -V | sed 's/^supervisor //')

# out_lines N: stdout has exactly N lines.
out_lines() { [ "$(grep -c '' <<< "$OUT")" -eq "$1" ]; }
# js FILTER: jq -e FILTER holds for the JSON in OUT.
js() { jq -e "$1" <<< "$OUT" >/dev/null 2>&1; }
# find_tree_child: the child shell of tree's leader, in TREE_CHILD.
find_tree_child() {
	local pid comm
	TREE_CHILD=
	children_scan "$tree"
	for pid in "${LIVE[@]}"; do
		{ read -r comm < "/proc/$pid/comm"; } 2>/dev/null &&
			[ "$comm" = sh ] && TREE_CHILD=$pid
	done
	[ -n "$TREE_CHILD" ]
}

# tree: a shell with a child shell, each noting the SIGUSR1 it gets.
cat > "$T/tree.sh" <<EOF
#!/bin/sh
trap 'echo parent >> $T/usr1' USR1
sh -c 'trap "echo child >> $T/usr1" USR1; while :; do sleep 0.2 & wait \$!; done' &
while :; do sleep 0.2 & wait \$!; done
EOF
t_config <<EOF2
[supervisor]
control_timeout = 1

[program:web]
command = sleep 1000
startsecs = 0.2

[program:pool]
command = sleep 1001
numprocs = 3
process_name = pool_%(process_num)s
startsecs = 0.2

[program:tree]
command = sh $T/tree.sh
startsecs = 0.2

# Five that ignore SIGTERM: a stop of all five takes one stopwaitsecs,
# a start of all five one startsecs.  (control_regress.sh has the waits
# that end on a whole number of control_timeouts.)
[program:stub]
command = sh -c 'trap "" TERM; exec sleep 1002'
numprocs = 5
process_name = stub_%(process_num)s
startsecs = 1.2
stopwaitsecs = 1.5
autostart = false

# Takes 1.5 s to leave after SIGTERM: a shutdown waits for it.
[program:lingering]
command = sh -c 'trap "sleep 1.5; exit 0" TERM; while :; do sleep 0.1; done'
startsecs = 0.2
stopwaitsecs = 10
autostart = false

[program:done]
command = sh -c 'exit 5'
startsecs = 0
autorestart = false

[program:killed]
command = sh -c 'kill -KILL \$\$'
startsecs = 0
autorestart = false

[program:idle]
command = sleep 1003
startsecs = 0.2
autostart = false

[program:flaky]
command = sh -c 'exit 3'
startsecs = 1
startretries = 0
autostart = false

# Ignores SIGTERM for long: a stop of it stays under way.
[program:slow]
command = sh -c 'trap "" TERM; exec sleep 1004'
startsecs = 0.1
stopwaitsecs = 60
autostart = false

[program:slowstart]
command = sleep 1005
startsecs = 60
autostart = false
EOF2
ALL="web pool_0 pool_1 pool_2 tree stub_0 stub_1 stub_2 stub_3 stub_4 lingering done killed idle flaky slow slowstart"
N=17

# nothing_left: no_program_left, and what is left when something is.
nothing_left() {
	local pids
	pids=$(program_pids)
	[ -z "$pids" ] && return 0
	all_gone $pids
	return 1
}

# ---- no supervisor yet ------------------------------------------------
ctl_check "no supervisor: status exits 69" 69 status
t_check "no supervisor: says it cannot connect to $SOCK" \
	err_has "cannot connect to $SOCK"
ctl_check "no supervisor: -s elsewhere exits 69" 69 -s "$T/elsewhere.sock" pid
t_check "no supervisor: names the -s path" err_has "$T/elsewhere.sock"

t_start
for name in web pool_0 pool_1 pool_2 tree; do
	t_wait_log "$name is RUNNING" ||
		t_fail "$name is RUNNING within 10 s"
done
t_check "done exited with status 5" t_wait_log "done exited with status 5"
t_check "killed died of SIGKILL" t_wait_log "killed exited with signal 9"
t_check "socket file is a socket" test -S "$SOCK"
web=$(spawned_pid web)
tree=$(spawned_pid tree)

# ---- version, pid --------------------------------------------------
ctl_check "version" 0 version
t_check "version prints $VERSION" test "$OUT" = "$VERSION"
ctl_check "pid" 0 pid
t_check "pid is the supervisor's (guardian) pid $SUP_PID (got $OUT)" \
	test "$OUT" = "$SUP_PID"
ctl_check "pid web" 0 pid web
t_check "pid web is the spawned pid $web (got $OUT)" test "$OUT" = "$web"
t_check "pid web is alive and is sleep 1000" \
	grep -qz '^1000$' "/proc/$web/cmdline"
ctl_check "pid of several" 0 pid web pool:*
t_check "pid of several: one line each, NAME: PID" out_lines 4
t_check "pid of several: web: $web" out_has "web: $web"
for i in 0 1 2; do
	t_check "pid of several: pool_$i: $(spawned_pid "pool_$i")" \
		out_has "pool_$i: $(spawned_pid "pool_$i")"
done
ctl_check "pid of a stopped process" 0 pid web idle
t_check "pid of a stopped process is 0" out_has "idle: 0"
ctl_check "pid nope: unknown name" 4 pid nope
t_check "pid nope: says no such process" err_has "nope: no such process"

# ---- status: table and exit codes ---------------------------------------
ctl_check "status (some are not RUNNING)" 3 status
t_check "status: a header and a line per process" out_lines $((N + 1))
header=$(head -n 1 <<< "$OUT")
header_ok() {
	[[ $header =~ ^NAME\ +STATE\ +PID\ +TIME\ +LAST\ EXIT\ +RESTARTS$ ]]
}
t_check "status: header NAME STATE PID TIME LAST EXIT RESTARTS" header_ok
t_check "status: rows in config order" test "$(tail -n +2 <<< "$OUT" |
	awk '{ printf "%s%s", sep, $1; sep = " " }')" = "$ALL"
t_check "status: web row" \
	out_matches "^web +RUNNING +$web +up 0:00:[0-9]{2} +- +0\$"
t_check "status: done row (exited, status 5)" \
	out_matches "^done +EXITED +- +down 0:00:[0-9]{2} +status 5 +0\$"
t_check "status: killed row (signal 9)" \
	out_matches "^killed +EXITED +- +down 0:00:[0-9]{2} +signal 9 \(KILL\) +0\$"
t_check "status: idle row (never started)" \
	out_matches "^idle +STOPPED +- +- +- +0\$"
t_check "status: says 5 of $N running" err_has "5 of $N running"
# Columns line up under the header: STATE, PID (right-aligned), LAST EXIT.
col_state=${header%%STATE*}
col_state=${#col_state}
col_pid=${header%%PID*}
col_pid=$(( ${#col_pid} + 3 ))
col_exit=${header%%LAST EXIT*}
col_exit=${#col_exit}
aligned() {
	local row
	while IFS= read -r row; do
		[[ ${row:col_state} =~ ^(RUNNING|STOPPED|EXITED|STARTING|FATAL|BACKOFF|STOPPING)\  ]] ||
			return 1
		[[ ${row:0:col_pid} =~ (\ [0-9]+|\ -)$ ]] || return 1
		[[ ${row:col_exit} =~ ^(-|status\ |signal\ ) ]] || return 1
	done < <(tail -n +2 <<< "$OUT")
}
t_check "status: columns line up with the header" aligned
ctl_check "status web: all named RUNNING" 0 status web
t_check "status web: header and one row" out_lines 2
ctl_check "status all" 3 status all
t_check "status all: every process" out_lines $((N + 1))
ctl_check "status pool:*" 0 status pool:*
t_check "status pool:*: three rows" out_lines 4
t_check "status pool:*: pool_0 to pool_2" test "$(tail -n +2 <<< "$OUT" |
	awk '{ printf "%s%s", sep, $1; sep = " " }')" = "pool_0 pool_1 pool_2"
ctl_check "status pool (program name)" 0 status pool
t_check "status pool: three rows" out_lines 4
ctl_check "status pool:pool_1" 0 status pool:pool_1
t_check "status pool:pool_1: one row" out_matches "^pool_1 +RUNNING"
ctl_check "status web idle: one not RUNNING" 3 status web idle
t_check "status web idle: says 1 of 2 running" err_has "1 of 2 running"
ctl_check "status nope: unknown name" 4 status nope
t_check "status nope: says no such process" err_has "nope: no such process"
ctl_check "status web nope: unknown name wins" 4 status web nope
t_check "status web nope: still shows web" out_matches "^web +RUNNING"
ctl_check "status pool:nope: unknown process of a program" 4 status pool:nope
ctl_check "status nope:*: unknown program" 4 status nope:*

# ---- status --json -----------------------------------------------------
ctl_check "status --json" 3 status --json
t_check "json: valid, an array of $N" js "type == \"array\" and length == $N"
t_check "json: names in config order" \
	test "$(jq -r '[.[].name] | join(" ")' <<< "$OUT")" = "$ALL"
t_check "json: every object has exactly the twelve fields" js 'all(.[]; keys ==
	["downtime","exit_signal","exit_status","info","last_exit","listener","name",
	 "output_lost_bytes","pid","program","restarts","state","uptime"])'
t_check "json: a program is no event listener" js 'all(.[]; .listener == null)'
t_check "json web: name" js '.[0].name == "web"'
t_check "json web: program" js '.[0].program == "web"'
t_check "json web: state RUNNING" js '.[0].state == "RUNNING"'
t_check "json web: pid $web" js ".[0].pid == $web"
t_check "json web: uptime a number > 0" \
	js '.[0].uptime | type == "number" and . > 0 and . < 60'
t_check "json web: downtime null" js '.[0].downtime == null'
t_check "json web: last_exit null" js '.[0].last_exit == null'
t_check "json web: exit_status null" js '.[0].exit_status == null'
t_check "json web: exit_signal null" js '.[0].exit_signal == null'
t_check "json web: restarts 0" js '.[0].restarts == 0'
t_check "json pool_1: program pool" \
	js '.[] | select(.name == "pool_1") | .program == "pool"'
t_check "json pool_1: its pid" \
	js ".[] | select(.name == \"pool_1\") | .pid == $(spawned_pid pool_1)"
d='.[] | select(.name == "done")'
t_check "json done: state EXITED" js "$d | .state == \"EXITED\""
t_check "json done: pid null" js "$d | .pid == null"
t_check "json done: uptime null" js "$d | .uptime == null"
t_check "json done: downtime a number >= 0" \
	js "$d | .downtime | type == \"number\" and . >= 0"
t_check "json done: last_exit \"status 5\"" js "$d | .last_exit == \"status 5\""
t_check "json done: exit_status 5" js "$d | .exit_status == 5"
t_check "json done: exit_signal null" js "$d | .exit_signal == null"
t_check "json done: restarts 0" js "$d | .restarts == 0"
k='.[] | select(.name == "killed")'
t_check "json killed: state EXITED" js "$k | .state == \"EXITED\""
t_check "json killed: last_exit \"signal 9 (KILL)\"" \
	js "$k | .last_exit == \"signal 9 (KILL)\""
t_check "json killed: exit_status null" js "$k | .exit_status == null"
t_check "json killed: exit_signal 9" js "$k | .exit_signal == 9"
i='.[] | select(.name == "idle")'
t_check "json idle: STOPPED, never run: all null, restarts 0" \
	js "$i | .state == \"STOPPED\" and .pid == null and .uptime == null
	    and .downtime == null and .last_exit == null
	    and .exit_status == null and .exit_signal == null
	    and .restarts == 0"
ctl_check "status --json web" 0 status --json web
t_check "status --json web: one object" js 'length == 1 and .[0].name == "web"'
ctl_check "status --json nope" 4 status --json nope
t_check "status --json nope: an empty array" js 'length == 0'

# ---- signal: the whole tree ---------------------------------------------
t_check "tree has a child (test set-up)" t_wait 10 find_tree_child
tree_child=$TREE_CHILD
t_check "tree parent traps USR1 (test set-up)" t_wait 10 catches "$tree" 10
t_check "tree child traps USR1 (test set-up)" t_wait 10 catches "$tree_child" 10
ctl_check "signal USR1 tree" 0 signal USR1 tree
t_check "signal USR1 tree: tree: sent SIGUSR1" out_has "tree: sent SIGUSR1"
usr1_both() {
	grep -qx parent "$T/usr1" 2>/dev/null && grep -qx child "$T/usr1"
}
t_check "signal USR1 tree: reached the parent and its child" t_wait 5 usr1_both
t_check "signal USR1 tree: the parent lives on" alive "$tree"
t_check "signal USR1 tree: the child lives on" alive "$tree_child"
t_check "signal USR1 tree: same leader pid" test "$(pid_of tree)" = "$tree"
ctl_check "signal SIGCONT pool:* (SIG prefix, PROGRAM:*)" 0 signal SIGCONT pool:*
t_check "signal SIGCONT pool:*: three sent" \
	test "$(grep -c 'sent SIGCONT' <<< "$OUT")" -eq 3
ctl_check "signal 18 web (a number)" 0 signal 18 web
t_check "signal 18 web: sent SIGCONT" out_has "web: sent SIGCONT"
ctl_check "signal CONT all: some are not running" 1 signal CONT all
t_check "signal CONT all: idle: not running" err_has "idle: not running"
t_check "signal CONT all: sent to web" out_has "web: sent SIGCONT"
ctl_check "signal CONT idle: not running" 1 signal CONT idle
ctl_check "signal BOGUS web: not a signal" 2 signal BOGUS web
t_check "signal BOGUS web: says so" err_has "not a signal"
ctl_check "signal USR1 nope: unknown name" 4 signal USR1 nope
ctl_check "signal USR1 (no name)" 2 signal USR1
t_check "web untouched by all that" test "$(pid_of web)" = "$web"

# ---- stop, restart ----------------------------------------------------
tree_pids=$(group_pids "$tree")
t_check "tree has several processes (test set-up)" \
	test "$(wc -w <<< "$tree_pids")" -ge 2
ctl_check "stop tree" 0 stop tree
t_check "stop tree: tree: stopped" out_has "tree: stopped"
# At once, no waiting: stop replies once the whole tree is gone.
t_check "stop tree: none of $(wc -w <<< "$tree_pids") pids of its tree left" \
	all_gone $tree_pids
t_check "stop tree: state STOPPED" state_is tree STOPPED
ctl_check "stop tree again" 0 stop tree
t_check "stop tree again: not running" out_has "tree: not running"
ctl_check "restart tree (from STOPPED)" 0 restart tree
t_check "restart tree: tree: started" out_has "tree: started"
tree2=$(pid_of tree)
t_check "restart tree: RUNNING with a new pid ($tree -> $tree2)" \
	test "$tree2" != "$tree" -a "$tree2" != 0
t_check "restart tree: new leader alive" alive "$tree2"
t_check "restart tree: state RUNNING on return" state_is tree RUNNING

ctl_check "restart web" 0 restart web
t_check "restart web: web: started" out_has "web: started"
web2=$(pid_of web)
t_check "restart web: a new pid ($web -> $web2)" test "$web2" != "$web" -a "$web2" != 0
t_check "restart web: old pid gone" gone "$web"
t_check "restart web: new pid alive" alive "$web2"
t_check "restart web: RUNNING on return" state_is web RUNNING
ctl status --json web
t_check "restart web: restarts 1" js '.[0].restarts == 1'
t_check "restart web: uptime restarted (< 5 s)" js '.[0].uptime < 5'
ctl_check "restart nope: unknown name" 4 restart nope
ctl_check "restart (no name)" 2 restart
ctl_check "stop (no name)" 2 stop
ctl_check "start (no name)" 2 start

# ---- start --------------------------------------------------------------
ctl_check "start idle" 0 start idle
t_check "start idle: idle: started" out_has "idle: started"
idle=$(pid_of idle)
t_check "start idle: RUNNING on return" state_is idle RUNNING
t_check "start idle: pid $idle alive" alive "$idle"
ctl_check "start idle again" 0 start idle
t_check "start idle again: already running" out_has "idle: already running"
t_check "start idle again: same pid" test "$(pid_of idle)" = "$idle"
ctl_check "start web flaky: flaky fails" 1 start web flaky
t_check "start web flaky: web already running" out_has "web: already running"
t_check "start web flaky: flaky named on stderr" err_has "flaky: "
t_check "start web flaky: 1 of 2 failed" err_has "start: 1 of 2 failed"
t_check "start web flaky: flaky FATAL" state_is flaky FATAL
ctl_check "start idle nope: unknown name" 4 start idle nope
t_check "start idle nope: nope: no such process" err_has "nope: no such process"
ctl_check "stop nope: unknown name" 4 stop nope
t_check "stop nope: stopped nothing" state_is idle RUNNING

# ---- many at once: in parallel ------------------------------------------
ctl_check "start stub:* (five, startsecs 1.2)" 0 start stub:*
t_check "start stub:*: five started" \
	test "$(grep -c '^stub_[0-4]: started$' <<< "$OUT")" -eq 5
t_check "start stub:*: waited for startsecs (${MS} ms)" test "$MS" -ge 1150
t_check "start stub:*: in parallel, < 3 x 1.2 s (${MS} ms)" test "$MS" -lt 3600
ctl_check "start stub:*: all RUNNING on return" 0 status stub:*
stub_pids=$(for i in 0 1 2 3 4; do pid_of "stub_$i"; done)
for pid in $stub_pids; do
	t_check "stub pid $pid ignores SIGTERM (test set-up)" \
		t_wait 10 ignores "$pid" 15
done

# ---- --no-wait ----------------------------------------------------------
ctl_check "start slow" 0 start slow
slow=$(pid_of slow)
t_check "slow ignores SIGTERM (test set-up)" t_wait 10 ignores "$slow" 15
ctl_check "stop --no-wait slow" 0 stop --no-wait slow
t_check "stop --no-wait slow: slow: stopping" out_has "slow: stopping"
t_check "stop --no-wait slow: returned before stopwaitsecs 60 (${MS} ms)" \
	test "$MS" -lt 10000
t_check "stop --no-wait slow: STOPPING" state_is slow STOPPING
t_check "stop --no-wait slow: still alive (ignores SIGTERM)" alive "$slow"
ctl_check "signal CONT slow while STOPPING" 0 signal CONT slow
# By hand, not through the supervisor: its SIGKILLs come later.
kill -KILL "$slow"
t_check "slow: STOPPED once its process is gone" t_wait 10 state_is slow STOPPED

ctl_check "start --no-wait slowstart" 0 start --no-wait slowstart
t_check "start --no-wait slowstart: slowstart: starting" \
	out_has "slowstart: starting"
t_check "start --no-wait slowstart: returned before startsecs 60 (${MS} ms)" \
	test "$MS" -lt 10000
t_check "start --no-wait slowstart: STARTING" state_is slowstart STARTING
slowstart=$(pid_of slowstart)
t_check "start --no-wait slowstart: pid $slowstart alive" alive "$slowstart"
# A start that waits, ended by a stop from another client.
"$SUPERVISOR" start slowstart >"$T/waiter.out" 2>"$T/waiter.err" &
waiter=$!
t_sleep 0.3
t_check "waiting start: still waiting" alive "$waiter"
ctl_check "stop slowstart (STARTING)" 0 stop slowstart
t_check "stop slowstart: gone" gone "$slowstart"
t_check "waiting start: ends" t_wait 5 gone "$waiter"
wait "$waiter"
rc=$?
t_check "waiting start: exit 1 (got $rc)" test "$rc" = 1
t_check "waiting start: says it stopped before RUNNING" \
	grep -q "slowstart: stopped before it was RUNNING" "$T/waiter.err"

# ---- all ----------------------------------------------------------------
ctl_check "start --no-wait all" 0 start --no-wait all
t_check "start --no-wait all: web: already running" \
	out_has "web: already running"
t_check "start --no-wait all: a line per process" out_lines "$N"
for name in lingering done killed flaky slow slowstart; do
	t_check "start --no-wait all: $name: starting" out_has "$name: starting"
done
for name in lingering slow; do
	t_check "start --no-wait all: $name RUNNING" t_wait 10 state_is "$name" RUNNING
done
t_check "start --no-wait all: flaky goes FATAL" t_wait 10 state_is flaky FATAL
t_check "start --no-wait all: slowstart STARTING" state_is slowstart STARTING
done_ran_twice() { [ "$(log_count 'spawned done pid')" -eq 2 ]; }
t_check "start --no-wait all: done ran again" t_wait 10 done_ran_twice
# slow would hold a stop for its 60 s.
slow=$(pid_of slow)
ctl_check "stop --no-wait slow slowstart" 0 stop --no-wait slow slowstart
kill -KILL "$slow"
t_check "slow stopped" t_wait 10 state_is slow STOPPED
t_check "slowstart stopped" t_wait 10 state_is slowstart STOPPED

# The SIGKILLs (starts after one: control_regress.sh).
ctl_check "stop stub:* (five ignore SIGTERM)" 0 stop stub:*
t_check "stop stub:*: five stopped" \
	test "$(grep -c '^stub_[0-4]: stopped$' <<< "$OUT")" -eq 5
t_check "stop stub:*: waited for stopwaitsecs 1.5 s (${MS} ms)" \
	test "$MS" -ge 1400
t_check "stop stub:*: in parallel, < 3 x 1.5 s (${MS} ms)" test "$MS" -lt 4500
t_check "stop stub:*: all five killed after the grace period" \
	test "$(log_count 'stub_[0-4] did not stop within 1.5s; sending SIGKILL')" -eq 5
t_check "stop stub:*: none of the five left" all_gone $stub_pids

all_pids=$(program_pids)
ctl_check "stop all" 0 stop all
t_check "stop all: a line per process" out_lines "$N"
t_check "stop all: web: stopped" out_has "web: stopped"
t_check "stop all: lingering: stopped" out_has "lingering: stopped"
t_check "stop all: stub_4: not running" out_has "stub_4: not running"
t_check "stop all: flaky: not running" out_has "flaky: not running"
t_check "stop all: waited for lingering's 1.5 s (${MS} ms)" test "$MS" -ge 1400
t_check "stop all: in parallel, < 3 x 1.5 s (${MS} ms)" test "$MS" -lt 4500
t_check "stop all: none of $(wc -w <<< "$all_pids") pids left" all_gone $all_pids
t_check "stop all: no program process left" nothing_left
ctl status --json
t_check "stop all: nothing RUNNING" \
	js 'all(.[]; .state == "STOPPED" or .state == "EXITED" or .state == "FATAL")'

# ---- reload -------------------------------------------------------------
ctl_check "reload (valid config)" 0 reload
t_check "reload: nothing changed" out_matches "^reload: [0-9]+ unchanged$"
cp "$T/supervisor.ini" "$T/good.ini"
printf '\n[program:broken]\ncommand = true\nstartsecs = banana\n' \
	>> "$T/supervisor.ini"
bad_line=$(grep -n banana "$T/supervisor.ini" | cut -d: -f1)
ctl_check "reload (invalid config)" 78 reload
t_check "reload: names $T/supervisor.ini:$bad_line" \
	err_has "$T/supervisor.ini:$bad_line: startsecs: \"banana\""
t_check "reload: says nothing changed" err_has "is invalid; nothing changed"
reload_line=$(grep -F "$T/supervisor.ini:$bad_line:" <<< "$ERR")
check_line=$("$SUPERVISOR" -c "$T/supervisor.ini" check 2>&1 |
	grep -F "$T/supervisor.ini:$bad_line:")
t_check "reload: the message is the one check prints ($check_line)" \
	test -n "$check_line" -a "$reload_line" = "$check_line"
ctl_check "after a bad reload, the supervisor still answers" 3 status web
t_check "after a bad reload, no program broken" log_lacks "broken"
cp "$T/good.ini" "$T/supervisor.ini"
ctl_check "reload (valid again)" 0 reload

# ---- tail, bad requests -------------------------------------------------
ctl_check "tail: no such process" 4 tail nosuch
ctl_check "tail: bad option" 2 tail -x web
ctl_check "client: an argument with a blank is a usage error" 64 status "a b"

# ---- shutdown -----------------------------------------------------------
ctl_check "start web pool:* tree lingering (again)" 0 start web pool:* tree lingering
ctl_check "start --no-wait slowstart (before shutdown)" 0 start --no-wait slowstart
"$SUPERVISOR" start slowstart >"$T/waiter.out" 2>"$T/waiter.err" &
waiter=$!
t_sleep 0.3
SPID=$(supervisor_pid)
all_pids=$(program_pids)
t_check "before shutdown: programs run" test -n "$all_pids"
"$SUPERVISOR" shutdown >"$T/shutdown1.out" 2>&1 &
first=$!
t_check "shutdown: the supervisor logs it" \
	t_wait_log "shutdown requested over the control socket"
# lingering holds the teardown for 1.5 s: a second client comes meanwhile.
ctl_check "shutdown from a second client, during the teardown" 0 shutdown
t_check "shutdown: says shut down, exit status 0" \
	out_has "shut down; exit status 0"
t_check "shutdown: programs all gone on return" all_gone $all_pids
t_check "shutdown: first client ends" t_wait 5 gone "$first"
wait "$first"
rc=$?
t_check "shutdown: first client exit 0 (got $rc)" test "$rc" = 0
t_check "shutdown: first client says shut down" \
	grep -qx "shut down; exit status 0" "$T/shutdown1.out"
t_check "shutdown: waited for lingering" log_has "lingering stopped"
t_check "shutdown: supervisor proper gone" t_wait 5 gone "$SPID"
t_check "shutdown: guardian exits" t_wait 5 sup_gone
wait "$SUP_PID"
status=$?
t_check "shutdown: guardian exit status 0 (got $status)" test "$status" = 0
t_check "shutdown: socket file removed" test ! -e "$SOCK"
t_check "shutdown: nothing left" nothing_left
t_check "waiting start: ends at shutdown" t_wait 5 gone "$waiter"
wait "$waiter"
rc=$?
t_check "waiting start: exit 1 at shutdown (got $rc)" test "$rc" = 1
ctl_check "after shutdown: status exits 69" 69 status
t_done
