#!/bin/bash
# supervisord's config, read as supervisord reads it, against real
# processes: unknown keys and sections are warnings (check --strict
# refuses them); [supervisord] in two files merges (Debian's layout); a
# missing include is skipped; %(ENV_X)s sees [supervisord] environment=
# and a program's own; supervisord's smaller syntax (blanks around = in
# environment, "5 MB", an empty exitcodes, relative paths, syslog as a
# log); the [supervisord] keys user, environment, directory, umask,
# identifier, nocleanup and silent; check says every problem.
. "$(dirname "$0")/../lib.sh"

SLEEP=$(readlink -f "$(command -v sleep)")
sleeping() { exe_is "$1" "$SLEEP"; }
# check_file FILE [ARG...]: supervisor -c FILE check ARG..., from $T.
check_file() {
	(cd "$T" && exec "$SUPERVISOR" -c "$@") > "$T/check.out" \
	    2> "$T/check.err"
	RC=$?
	OUT=$(< "$T/check.out")
	ERR=$(< "$T/check.err")
}
# started NAME: NAME is RUNNING, its pid in PID, exec'd.
started() {
	t_wait 20 state_is "$1" RUNNING && PID=$SPAWN_PID &&
		t_wait 10 sleeping "$PID"
}
# restart_clean: the last run stopped, nothing left.
stop_run() {
	t_stop TERM 20
	t_check "$1: stopped, nothing left" t_wait 10 no_program_left
}

# ---- 1. unknown keys and sections: warnings; --strict refuses ----------
t_config <<EOF
[supervisord]
unmask = 022
stdout_logfile = /dev/stdout

[program:site]
command = sleep 1000
group = www
autostrat = false

[frobnicate]
x = 1
EOF
check_file supervisor.ini check
t_check "unknown: check accepts the file (exit $RC)" test "$RC" = 0
t_check "unknown: a key near a known one, with FILE:LINE" err_has \
	'supervisor.ini:2: warning: unknown key "unmask" in [supervisord]; ignored; did you mean umask?'
t_check "unknown: a key of another section says so" err_has \
	'supervisor.ini:3: warning: unknown key "stdout_logfile" in [supervisord]; ignored (it is a key of [program:x])'
t_check "unknown: a key near nothing" err_has \
	'supervisor.ini:7: warning: unknown key "group" in [program:site]; ignored'
t_check "unknown: two letters swapped" err_has \
	'supervisor.ini:8: warning: unknown key "autostrat" in [program:site]; ignored; did you mean autostart?'
t_check "unknown: a section" err_has \
	'supervisor.ini:10: warning: unknown section [frobnicate]; ignored'
check_file supervisor.ini check --strict
t_check "--strict: exit 78" test "$RC" = 78
t_check "--strict: says why" err_has "supervisor.ini: 5 warnings, refused by --strict"
t_check "--strict: no OK line" test -z "$OUT"
t_start
t_check "unknown: the supervisor starts and runs the program" started site
t_check "unknown: its log has the warnings" \
	log_has 'WARN .*supervisor.ini:7: warning: unknown key "group"'
stop_run unknown

# ---- 2. Debian's layout: [supervisord] in two files, merged -------------
mkdir -p "$T/deb/conf.d"
cat > "$T/deb/supervisord.conf" <<EOF
[supervisord]
logfile = $T/deb/main.log
pidfile = $T/deb/sup.pid
childlogdir = $T/deb

[include]
files = conf.d/*.conf
EOF
cat > "$T/deb/conf.d/supervisord.conf" <<EOF
[supervisord]
nodaemon = true
logfile = /dev/stderr

[program:web]
command = sleep 1000
EOF
check_file "$T/deb/supervisord.conf" check
t_check "layout: check accepts it, silently (exit $RC: $ERR)" \
	test "$RC" = 0 -a -z "$ERR"
: > "$T/log"
"$SUPERVISOR" -c "$T/deb/supervisord.conf" > "$T/out" 2> "$T/log" &
SUP_PID=$!
t_check "layout: the program in conf.d runs" started web
t_check "layout: the later file's logfile wins (stderr, not main.log)" \
	eval 'log_has "web is RUNNING" && [ ! -e "$T/deb/main.log" ]'
t_check "layout: the main file's pidfile stays" \
	test "$(cat "$T/deb/sup.pid" 2>/dev/null)" = "$SUP_PID"
t_check "layout: its childlogdir too (the AUTO log is there)" \
	eval 'AUTO_DIR=$T/deb auto_log web > /dev/null'
stop_run layout

# ---- 3. an [include] file that is not there: skipped ---------------------
t_config <<EOF
[include]
files = $T/no-such.conf $T/none.d/*.conf

[program:web]
command = sleep 1000
EOF
check_file supervisor.ini check
t_check "include: a missing file is a warning (exit $RC)" test "$RC" = 0
t_check "include: which names it" err_has \
	"supervisor.ini:2: warning: files: $T/no-such.conf: no such file; skipped"
t_check "include: a glob that matches nothing says nothing" \
	test "$(grep -c warning "$T/check.err")" = 1
printf '[include]\nfiles =\n[program:web]\ncommand = sleep 1000\n' | t_config
check_file supervisor.ini check
t_check "include: an empty files= is a warning" eval '[ "$RC" = 0 ] &&
	err_has "supervisor.ini:2: warning: files: empty; no file included"'

# ---- 4. %(ENV_X)s sees environment= (supervisord's issue 1170) -----------
unset GREETING
t_config <<EOF
[supervisord]
environment = GREETING="from supervisord",SHARED=1

[program:a]
command = sh -c 'echo "%(ENV_GREETING)s" > $T/a.said; exec sleep 1000'

[program:b]
command = sh -c 'echo "%(ENV_GREETING)s" > $T/b.said; exec sleep 1000'
environment = GREETING="from b"
directory = $T/%(ENV_DIR)s
stdout_logfile = $T/%(ENV_DIR)s.log
environment = GREETING="from b",DIR=bdir
EOF
mkdir -p "$T/bdir"
t_start
t_check "env: a is RUNNING" started a
t_check "env: a's command saw [supervisord] environment" \
	t_wait 10 grep -qx "from supervisord" "$T/a.said"
t_check "env: and a has it" environ_has "$PID" "GREETING=from supervisord"
t_check "env: and the rest of it" environ_has "$PID" "SHARED=1"
t_check "env: b is RUNNING" started b
t_check "env: b's command saw its own environment" \
	t_wait 10 grep -qx "from b" "$T/b.said"
t_check "env: b has its own value" environ_has "$PID" "GREETING=from b"
t_check "env: and [supervisord]'s others" environ_has "$PID" "SHARED=1"
t_check "env: b's directory saw it" cwd_is "$PID" "$(cd "$T/bdir" && pwd -P)"
t_check "env: b's log path too" test -f "$T/bdir.log"
stop_run env

# ---- 5. supervisord's smaller syntax -------------------------------------
mkdir -p "$T/start/rel" "$T/start/logs"
t_config <<EOF
[program:syntax]
command = sleep 1000
environment = A = 1, B ="two words"
stdout_logfile_maxbytes = 5 MB
directory = rel
stdout_logfile = logs/syntax.log
stderr_logfile = syslog

[program:once]
command = sh -c 'echo ran >> $T/once.runs; exit 0'
exitcodes =
autorestart = unexpected
startsecs = 0
startretries = 2
stdout_logfile = NONE
EOF
: > "$T/log"
(cd "$T/start" && exec "$SUPERVISOR" -c "$T/supervisor.ini") > "$T/out" \
    2> "$T/log" &
SUP_PID=$!
t_check "syntax: RUNNING" started syntax
t_check "syntax: blanks around = in environment" \
	eval 'environ_has "$PID" A=1 && environ_has "$PID" "B=two words"'
t_check "syntax: a relative directory is from where it started" \
	cwd_is "$PID" "$(cd "$T/start/rel" && pwd -P)"
t_check "syntax: a relative log too" test -f "$T/start/logs/syntax.log"
t_check "syntax: stderr_logfile = syslog warns what it means" \
	log_has "stderr_logfile: syslog: written to the supervisor's stdout"
t_check "syntax: an empty exitcodes: exit 0 is unexpected, restarted" \
	t_wait 20 eval '[ "$(grep -c ran "$T/once.runs" 2>/dev/null)" -ge 3 ]'
stop_run syntax

# ---- 6. the [supervisord] keys -------------------------------------------
# identifier, in AUTO log names; nocleanup: the old AUTO logs of this
# identifier that are ours, regular files, go at start; nothing else.
mkdir -p "$T/logs"
old=$T/logs/web-stdout---web1-AbC123.log
: > "$old"
: > "$old.3"
: > "$T/logs/web-stderr---web1-zz9999.log"
: > "$T/logs/web-stdout---other-AbC123.log"	# another identifier
: > "$T/logs/web-stdout---web1-toolongname.log"	# not our random part
: > "$T/logs/notes.txt"
ln -s /etc/passwd "$T/logs/link-stdout---web1-Lnk000.log"
: > "$T/logs/theirs-stdout---web1-Thr000.log"
chown nobody "$T/logs/theirs-stdout---web1-Thr000.log"
mkdir "$T/logs/dir-stdout---web1-Dir000.log"
# One another supervisor (sharing /tmp, say) still writes: kept.
busy=$T/logs/busy-stdout---web1-Bsy000.log
sleep 1000 >> "$busy" &
BUSY_PID=$!
# ident_config LINE...: web, its output to an AUTO log in $T/logs, the
# supervisor's log in $T/sup.log, identifier web1, and LINEs.
ident_config() {
	{
		printf '[supervisord]\nidentifier = web1\nchildlogdir = %s\n' \
		    "$T/logs"
		printf 'logfile = %s\n' "$T/sup.log"
		printf '%s\n' "$@"
		printf '[program:web]\ncommand = sleep 1000\nstartsecs = 0\n'
	} | t_config
}
ident_config
t_start
t_check "identifier: RUNNING" started web
t_check "identifier: the AUTO log is web-stdout---web1-XXXXXX.log" \
	eval 'ls "$T/logs" | grep -Eq "^web-stdout---web1-[A-Za-z0-9]{6}\.log$"'
# The guardian removes them while the programs start: the writers' search
# walks every process's fds, longer on a busy machine.
t_check "nocleanup: old AUTO logs of web1, and their backups, removed" \
	t_wait 10 test ! -e "$old" -a ! -e "$old.3" -a \
	    ! -e "$T/logs/web-stderr---web1-zz9999.log"
t_check "nocleanup: it says so" t_wait 10 \
	grep -q "removed 3 old AUTO logs of web1 from $T/logs" "$T/sup.log"
t_check "nocleanup: another identifier's stays" \
	test -e "$T/logs/web-stdout---other-AbC123.log"
t_check "nocleanup: names not made like ours stay" \
	test -e "$T/logs/web-stdout---web1-toolongname.log" -a \
	    -e "$T/logs/notes.txt"
t_check "nocleanup: a link stays, and what it names" \
	test -L "$T/logs/link-stdout---web1-Lnk000.log" -a -s /etc/passwd
t_check "nocleanup: another user's file stays" \
	test -e "$T/logs/theirs-stdout---web1-Thr000.log"
t_check "nocleanup: a directory stays" test -d "$T/logs/dir-stdout---web1-Dir000.log"
t_check "nocleanup: a log a live process writes stays" test -e "$busy"
t_check "nocleanup: and it says so" t_wait 10 grep -q \
	"kept 1 AUTO log of web1 in $T/logs that a running process still writes" \
	"$T/sup.log"
kill "$BUSY_PID"
# silent = false (the default): in the foreground, the log file's lines
# are on stdout too, as supervisord's.
t_check "silent: the log file's lines on stdout too" \
	eval 'grep -q "spawned web pid" "$T/sup.log" &&
	    grep -q "spawned web pid" "$T/out"'
stop_run identifier

: > "$old"
ident_config "nocleanup = true" "silent = true"
t_start
t_check "nocleanup = true: RUNNING" started web
t_check "nocleanup = true: old AUTO logs stay" test -e "$old"
t_check "silent = true: nothing on stdout" \
	eval 'grep -q "spawned web pid" "$T/sup.log" && [ ! -s "$T/out" ]'
stop_run nocleanup

# directory and umask: where and with what the detached supervisor goes,
# as supervisord's daemon.
mkdir -p "$T/home"
web_config 0 "nodaemon = false" "directory = $T/home" "umask = 027" \
	"pidfile = $T/sup.pid" "logfile = $T/sup.log"
(cd / && exec "$SUPERVISOR" -c "$T/supervisor.ini") > "$T/start.out" 2>&1
t_check "directory: detached (exit $?)" test -s "$T/sup.pid"
DPID=$(cat "$T/sup.pid" 2>/dev/null)
t_check "directory: the supervisor is in it" \
	cwd_is "${DPID:-0}" "$(cd "$T/home" && pwd -P)"
t_check "umask: the supervisor's" umask_is "${DPID:-0}" 0027
t_check "directory: web is RUNNING" started web
t_check "directory: web starts there too" \
	cwd_is "$PID" "$(cd "$T/home" && pwd -P)"
t_check "umask: web inherits it" umask_is "$PID" 0027
kill -TERM "${DPID:-0}"
t_check "directory: stopped, nothing left" \
	t_wait 20 eval 'gone "${DPID:-0}" && no_program_left'

# user: the supervisor becomes that user first (its log, pidfile and
# socket are that user's), as supervisord.
if [ "$(id -u)" = 0 ]; then
	chmod 755 "$T"
	mkdir -p "$T/nobody"
	chown nobody "$T/nobody"
	web_config 0 "user = nobody" "pidfile = $T/nobody/sup.pid" \
	    "childlogdir = $T/nobody" "inherit_environment = true"
	export SUPERVISOR_SOCKET=$T/nobody/supervisor.sock
	t_start
	t_check "user: web RUNNING" started web
	t_check "user: the guardian runs as nobody" uid_is "$SUP_PID" 65534
	sup=$(supervisor_pid)
	t_check "user: the supervisor too (pid $sup)" uid_is "${sup:-0}" 65534
	t_check "user: ps says so" \
		test "$(ps -o user= -p "$SUP_PID" | tr -d ' ')" = nobody
	t_check "user: web runs as nobody" uid_is "$PID" 65534
	t_check "user: its files are nobody's" test \
	    "$(stat -c %U "$T/nobody/sup.pid" "$T/nobody/supervisor.sock" |
	    sort -u)" = nobody
	t_check "user: it says so" log_has "running as user nobody"
	ctl_check "user: root's client reaches it" 0 status web
	stop_run user
	unset SUPERVISOR_SOCKET
	export SUPERVISOR_SOCKET=$T/supervisor.sock
	# A program as another user needs a supervisor run as root.
	{
		echo "[supervisord]"
		echo "user = nobody"
		printf '[program:web]\ncommand = sleep 1000\nuser = root\n'
	} | t_config
	check_file supervisor.ini check
	t_check "user: then a program as root is refused (exit $RC)" \
		eval '[ "$RC" = 78 ] && err_has "supervisor.ini:5: user: \"root\": only root can run programs as another user (this supervisor runs as uid 65534)"'
else
	t_pass "user: skipped: not root"
fi

# ---- 8. check says every problem of every program ------------------------
t_config <<EOF
[program:a]
command = 'unterminated
priority = high
stdout_logfile = /x/%(nope)s

[program:b]
command = sleep 1000
startsecs = soon
EOF
check_file supervisor.ini check
t_check "every problem: exit 78" test "$RC" = 78
t_check "every problem: the command" err_has "supervisor.ini:2: command: unterminated ' quote"
t_check "every problem: the priority after it" err_has 'supervisor.ini:3: priority: "high"'
t_check "every problem: the log after them" err_has "supervisor.ini:4: stdout_logfile: unknown name %(nope)"
t_check "every problem: the next program's" err_has 'supervisor.ini:8: startsecs: "soon"'
t_done
