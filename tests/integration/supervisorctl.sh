#!/bin/bash
# Debian's supervisorctl, unmodified, against this supervisor and against
# Debian's supervisord 4.2.5 on the same config: each command's output and
# exit status must be equal, apart from pids, uptimes, dates and the
# version.  Groups ([group:x], GROUP:NAME, GROUP:*, all), signal, pid,
# tail, tail -f (the /logtail stream), maintail, avail, reread, update
# (a group's membership changed), add, remove, clear, shutdown.
. "$(dirname "$0")/../lib.sh"

PY=/usr/bin/python3
if ! [ -x /usr/bin/supervisorctl ] || ! [ -x /usr/bin/supervisord ]; then
	t_pass "skipped: Debian's supervisor package is not installed"
	exit 0
fi

# conf WHO: the config for WHO (ours or theirs), in $T/WHO.
conf() {
	mkdir -p "$T/$1"
	cat > "$T/$1/sup.conf" <<CONF
[supervisord]
logfile = $T/$1/main.log
pidfile = $T/$1/sup.pid
childlogdir = $T/$1

[unix_http_server]
file = $T/$1/sock

[supervisorctl]
serverurl = unix://$T/$1/sock

[rpcinterface:supervisor]
supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface

[program:a]
command = sleep 1000
startsecs = 0
stdout_logfile = $T/$1/a.log

[program:b]
command = sh -c 'echo "b says \$SUPERVISOR_GROUP_NAME:\$SUPERVISOR_PROCESS_NAME in %(group_name)s"; exec sleep 1000'
startsecs = 1
stdout_logfile = $T/$1/b.log
stderr_logfile = $T/$1/b.err

[program:c]
command = sleep 1000
startsecs = 0
stdout_logfile = $T/$1/c.log

[program:once]
command = true
autostart = false
autorestart = false
startsecs = 0
stdout_logfile = $T/$1/once.log

[group:web]
programs = a,b
priority = 5
CONF
}

# sctl WHO ARG...: supervisorctl on WHO's config; output normalised in
# $T/WHO/out.N, with its exit status as the last line.
N=0
sctl() {
	local who=$1
	shift
	timeout 20 /usr/bin/supervisorctl -c "$T/$who/sup.conf" "$@" \
	    > "$T/$who/raw" 2>&1
	echo "exit $?" >> "$T/$who/raw"
	sed -E -e 's/pid [0-9]+/pid N/g' -e 's/uptime [0-9:]+( days?,)?[0-9:]*/uptime T/g' \
	    -e 's/^[0-9]+$/N/' \
	    -e 's/[A-Z][a-z]{2} [0-9]{2} [0-9]{2}:[0-9]{2} [AP]M/DATE/g' \
	    -e "s|$T/$who|DIR|g" "$T/$who/raw" > "$T/$who/out"
}

# both NAME ARG...: the command against both; their outputs equal.
# (SORTED=1: in any order: processes that stop or start together finish
# in the order they get there, under either.)
both() {
	local name=$1
	shift
	sctl ours "$@"
	sctl theirs "$@"
	if [ -n "$SORTED" ]; then
		sort -o "$T/ours/out" "$T/ours/out"
		sort -o "$T/theirs/out" "$T/theirs/out"
	fi
	if diff -u "$T/theirs/out" "$T/ours/out" > "$T/diff"; then
		t_pass "$name: same output ($(head -c 60 "$T/ours/out" |
		    tr '\n' '|'))"
	else
		t_fail "$name: outputs differ (supervisord's -, ours +)"
		cat "$T/diff"
	fi
}

all_running() {
	sctl "$1" status
	[ "$(grep -c RUNNING "$T/$1/out")" = 3 ]
}

conf ours
conf theirs
# Ours would apply an edit by itself: here supervisorctl's reread and
# update do, as under supervisord.
sed -i 's/^\[supervisord\]$/&\nwatch_config = false/' "$T/ours/sup.conf"
# The socket the config names, not the one lib.sh sets for the suite.
env -u SUPERVISOR_SOCKET "$SUPERVISOR" -c "$T/ours/sup.conf" > "$T/out" \
    2> "$T/log" &
SUP_PID=$!
/usr/bin/supervisord -n -c "$T/theirs/sup.conf" > "$T/theirs/stdout" 2>&1 &
THEIR_PID=$!
t_check "both up: all RUNNING under ours" t_wait 20 all_running ours
t_check "both up: all RUNNING under supervisord" t_wait 20 all_running theirs

both "status" status
both "status of names" status web:a c
both "status of a group" status 'web:*'
both "status of an unknown name" status nosuch
both "stop GROUP:NAME" stop web:a
both "stop it again" stop web:a
both "start GROUP:*" start 'web:*'
both "start a running one" start c
SORTED=1 both "stop a group by name" stop web:
SORTED=1 both "restart all" restart all
both "start one that exits at once" start once
both "status after" status
both "signal" signal USR1 web:a
both "signal an unknown name" signal HUP nosuch
both "signal a bad signal" signal NOSUCHSIG c
both "pid of a process" pid c
both "pid of an unknown name" pid nosuch
both "tail" tail web:b
both "tail stderr" tail web:b stderr
both "tail -5" tail -5 web:b
both "tail of an unknown name" tail nosuch
both "avail" avail
both "reread: nothing" reread
# tail -f: the /logtail stream, until interrupted.
followers=()
for who in ours theirs; do
	timeout -s INT 3 /usr/bin/supervisorctl -c "$T/$who/sup.conf" tail -f web:b \
	    > "$T/$who/follow" 2>&1 &
	followers+=($!)
done
wait "${followers[@]}"
t_check "tail -f: supervisorctl follows ours" grep -q 'Press Ctrl-C' \
	"$T/ours/follow"
t_check "tail -f: what b wrote" grep -q 'b says web:b' "$T/ours/follow"
t_check "tail -f: no error" test "$(grep -ci error "$T/ours/follow")" = 0

both "clear" clear web:b
both "tail after clear" tail web:b

# maintail: both print their own log; ours has its lines.
sctl ours maintail -100
t_check "maintail: our log's lines" grep -q 'spawned' "$T/ours/out"
t_check "maintail: exit 0" grep -qx 'exit 0' "$T/ours/out"

# update: b leaves the group; c is removed; d is added.
for who in ours theirs; do
	sed -i -e 's/^programs = a,b$/programs = a/' \
	    -e 's/^\[program:c\]$/[program:d]/' "$T/$who/sup.conf"
done
both "reread: changes" reread
SORTED=1 both "update" update
# b, out of its group now, restarted; startsecs = 1.
b_running() { sctl "$1" status b; grep -q RUNNING "$T/$1/out"; }
t_check "update: b RUNNING again under ours" t_wait 20 b_running ours
t_check "update: b RUNNING again under supervisord" t_wait 20 b_running theirs
both "status after update" status
both "remove a running group" remove d
both "stop, then remove" stop d
both "remove" remove d
both "add it back" add d
both "add it again" add d
both "avail after" avail
# version: each its own.
sctl ours version
t_check "version: ours" grep -qx "$("$SUPERVISOR" --version | awk '{print $NF}')" \
	"$T/ours/out"
both "shutdown" shutdown
t_check "shutdown: ours exits 0" t_wait 20 eval '! kill -0 $SUP_PID 2>/dev/null'
wait "$SUP_PID"
t_check "shutdown: exit status 0" test $? = 0
t_check "shutdown: supervisord exits" t_wait 20 eval '! kill -0 $THEIR_PID 2>/dev/null'
wait "$THEIR_PID"
t_check "nothing left" t_wait 10 no_program_left
