#!/bin/bash
# The command line of supervisord: the binary run under the name
# supervisord (a link) takes supervisord's options, each over its
# [supervisord] key, and looks for supervisord's config files; it
# detaches unless -n or nodaemon = true, as supervisord.  Under its own
# name, the binary looks for supervisord's files after its own.
. "$(dirname "$0")/../lib.sh"

SLEEP=$(readlink -f "$(command -v sleep)")
mkdir -p "$T/bin" "$T/logs"
ln -s "$SUPERVISOR" "$T/bin/supervisord"
SD=$T/bin/supervisord
# sd ARG...: supervisord ARG... run to its end, from $T; output in OUT,
# ERR, status in RC.
sd() {
	(cd "$T" && exec "$SD" "$@") > "$T/sd.out" 2> "$T/sd.err"
	RC=$?
	OUT=$(< "$T/sd.out")
	ERR=$(< "$T/sd.err")
}
# sd_start ARG...: supervisord ARG... in the background, from $T.
sd_start() {
	: > "$T/log"
	(cd "$T" && exec "$SD" "$@") > "$T/out" 2> "$T/log" &
	SUP_PID=$!
}
running() { t_wait 20 state_is web RUNNING && t_wait 10 exe_is "$SPAWN_PID" "$SLEEP"; }

# ---- what it says --------------------------------------------------------
sd -v
t_check "-v: the version alone" eval '[ "$RC" = 0 ] && [[ $OUT =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]]'
sd --version
t_check "--version" eval '[ "$RC" = 0 ] && [[ $OUT =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]]'
for opt in -h -? --help; do
	sd "$opt"
	t_check "$opt: supervisord's usage" \
		eval '[ "$RC" = 0 ] && [[ $OUT == "usage: supervisord "* ]]'
done
t_check "--help: every option supervisord has" eval 'for o in -c -n -s -u -m -d -l -y -z -e -j -i -q -k -t -a --minprocs; do
	grep -q -- " $o[ ,]" <<< "$OUT" || { echo "missing $o"; exit 1; }; done'
sd -x
t_check "an unknown option: exit 64, named" eval '[ "$RC" = 64 ] && err_has "supervisord: -x: unknown option"'
sd check
t_check "no positional arguments (exit $RC)" eval '[ "$RC" = 64 ] && err_has "positional arguments are not supported"'
sd -d "$T/nonexistent"
t_check "-d must be a directory" eval '[ "$RC" = 64 ] && err_has "invalid value for -d \"$T/nonexistent\": not an existing directory"'
sd -u nosuchuser
t_check "-u must be a user" eval '[ "$RC" = 64 ] && err_has "invalid value for -u \"nosuchuser\": no such user"'
sd -e loud
t_check "-e must be a level" eval '[ "$RC" = 64 ] && err_has "invalid value for -e \"loud\""'
sd -n -n
t_check "an option twice is refused" eval '[ "$RC" = 64 ] && err_has "given twice"'
sd -c
t_check "-c without its file" eval '[ "$RC" = 64 ] && err_has "-c: needs a value"'

# ---- supervisord -n -c FILE: a Dockerfile's CMD, unchanged ---------------
t_config <<EOF
[supervisord]
logfile = /dev/stdout
pidfile = $T/sup.pid

[program:web]
command = sleep 1000
startsecs = 0
EOF
sd_start -n -c "$T/supervisor.ini"
t_check "-n -c FILE: in the foreground, web runs" running
t_check "-n -c FILE: the pidfile is the started pid" \
	test "$(cat "$T/sup.pid" 2>/dev/null)" = "$SUP_PID"
ctl_check "-n -c FILE: the control commands reach it" 0 status web
t_stop TERM
t_check "-n -c FILE: SIGTERM stops it all (exit $SUP_STATUS)" \
	eval '[ "$SUP_STATUS" = 0 ] && t_wait 10 no_program_left'

# Without -n (and nodaemon in the file), supervisord detaches.
sd -c "$T/supervisor.ini" -l "$T/daemon.log"
t_check "without -n: the command returns 0 (got $RC: $ERR)" test "$RC" = 0
DPID=$(cat "$T/sup.pid" 2>/dev/null)
t_check "without -n: detached ($DPID), web runs" \
	eval 'alive "${DPID:-0}" && running'
t_check "without -n: not a child of this shell" \
	eval 'stat_read "${DPID:-0}" && [ "${STAT[1]}" != $$ ]'
kill -TERM "${DPID:-0}"
t_check "without -n: stopped, nothing left" \
	t_wait 20 eval 'gone "${DPID:-0}" && no_program_left'

# ---- each option over its key --------------------------------------------
old=$T/logs/web-stdout---cli-Old000.log
: > "$old"
cat > "$T/supervisor.ini" <<EOF
[supervisord]
identifier = file
loglevel = warn
logfile = $T/file.log
pidfile = $T/file.pid

[program:web]
command = sleep 1000
startsecs = 0
EOF
sd_start -n -c "$T/supervisor.ini" -i cli -q "$T/logs" -e debug \
	-l "$T/cli.log" -j "$T/cli.pid" -k -s -y 1MB -z 2 -a 1024 \
	--minprocs 100 -m 077
t_check "options: web runs" running
t_check "-i and -q: the AUTO log's name and directory" \
	eval 'ls "$T/logs" | grep -Eq "^web-stdout---cli-[A-Za-z0-9]{6}\.log$"'
t_check "-l: the log there, not in the file's" \
	eval '[ -s "$T/cli.log" ] && [ ! -e "$T/file.log" ]'
t_check "-e debug: debug lines" grep -q " DEBUG " "$T/cli.log"
t_check "-j: the pidfile there" test "$(cat "$T/cli.pid" 2>/dev/null)" = "$SUP_PID"
t_check "-k: old AUTO logs stay" test -e "$old"
first_log=$(ls "$T/logs" | grep -E "^web-stdout---cli-[A-Za-z0-9]{6}\.log$")
t_check "-s: nothing on stdout" test ! -s "$T/out"
t_stop TERM
t_check "options: stopped, nothing left" t_wait 10 no_program_left

sd_start -n -c "$T/supervisor.ini" -i cli -q "$T/logs" -l "$T/cli2.log" -e info
t_check "without -k: web runs" running
t_check "without -k: old AUTO logs of cli go" t_wait 5 test ! -e "$old"
# Found by the guardian while web starts: this run's own log, made meanwhile,
# is not among them; the first run's is.
own_log() { ls "$T/logs" | grep -E "^web-stdout---cli-[A-Za-z0-9]{6}\.log$"; }
t_check "without -k: the first run's AUTO log goes, this run's stays" \
	t_wait 5 eval '[ -n "$first_log" ] && [ "$(own_log | wc -l)" = 1 ] &&
	    [ "$(own_log)" != "$first_log" ]'
t_check "without -s: the log's lines on stdout too" \
	grep -q "spawned web pid" "$T/out"
t_stop TERM

# -d and -m: where the detached supervisor goes, and its umask.
mkdir -p "$T/home"
sd -c "$T/supervisor.ini" -d "$T/home" -m 027 -j "$T/d.pid"
DPID=$(cat "$T/d.pid" 2>/dev/null)
t_check "-d: detached in that directory" \
	cwd_is "${DPID:-0}" "$(cd "$T/home" && pwd -P)"
t_check "-m: with that umask" umask_is "${DPID:-0}" 0027
kill -TERM "${DPID:-0}"
t_check "-d: stopped, nothing left" \
	t_wait 20 eval 'gone "${DPID:-0}" && no_program_left'

if [ "$(id -u)" = 0 ]; then
	chmod 755 "$T"
	mkdir -p "$T/nobody"
	chown nobody "$T/nobody"
	cat > "$T/supervisor.ini" <<EOF
[supervisord]
inherit_environment = true
[program:web]
command = sleep 1000
startsecs = 0
EOF
	SUPERVISOR_SOCKET=$T/nobody/s.sock
	export SUPERVISOR_SOCKET
	sd_start -n -c "$T/supervisor.ini" -u nobody -j "$T/nobody/sup.pid"
	t_check "-u nobody: web runs" running
	t_check "-u nobody: the supervisor runs as nobody" \
		test "$(ps -o user= -p "$SUP_PID" | tr -d ' ')" = nobody
	t_check "-u nobody: and web" uid_is "$SPAWN_PID" 65534
	t_stop TERM
	export SUPERVISOR_SOCKET=$T/supervisor.sock
else
	t_pass "-u: skipped: not root"
fi

# ---- default config files ------------------------------------------------
cfg='[supervisord]\n[program:web]\ncommand = sleep 1000\nstartsecs = 0\n'
mkdir -p "$T/cwd/etc" "$T/inst/bin" "$T/inst/etc" "$T/empty"
ln -s "$SUPERVISOR" "$T/inst/bin/supervisor"
printf "$cfg" > "$T/cwd/etc/supervisord.conf"
out=$(cd "$T/cwd" && "$SUPERVISOR" check 2>&1)
t_check "own name: etc/supervisord.conf from the current directory" \
	test "$out" = "etc/supervisord.conf: OK (1 program, 1 process)"
printf "$cfg" > "$T/cwd/supervisord.conf"
out=$(cd "$T/cwd" && "$SUPERVISOR" check 2>&1)
t_check "own name: supervisord.conf before etc/supervisord.conf" \
	test "$out" = "supervisord.conf: OK (1 program, 1 process)"
printf "$cfg" > "$T/cwd/supervisor.ini"
out=$(cd "$T/cwd" && "$SUPERVISOR" check 2>&1)
t_check "own name: ./supervisor.ini first" \
	test "$out" = "./supervisor.ini: OK (1 program, 1 process)"
printf "$cfg" > "$T/inst/etc/supervisord.conf"
out=$(cd "$T/empty" && "$T/inst/bin/supervisor" check 2>&1)
t_check "own name: ../etc/supervisord.conf beside the program" \
	test "$out" = "$T/inst/etc/supervisord.conf: OK (1 program, 1 process)"
# Under supervisord's name, supervisord's files alone (not supervisor.ini).
if [ "$out" = "$T/inst/etc/supervisord.conf: OK (1 program, 1 process)" ]; then
	rm "$T/cwd/supervisord.conf"
	: > "$T/log"
	(cd "$T/cwd" && exec "$SD" -n) > "$T/out" 2> "$T/log" &
	SUP_PID=$!
	t_check "supervisord name: finds etc/supervisord.conf, not supervisor.ini" \
		eval 'running && log_has "started as pid .* with etc/supervisord.conf"'
	t_stop TERM
fi
t_done
