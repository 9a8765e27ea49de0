#!/bin/bash
# Per-program user, groups, limits, nice, umask and directory, as the
# program sees them in /proc; minfds for programs without rlimit_nofile;
# nothing of the supervisor's (its sockets, pipes, other programs'
# environment) reaches a program; user= of another user is a config error
# for a supervisor that is not root.
. "$(dirname "$0")/../lib.sh"

limit_of() { awk -v n="$2" 'index($0, n) == 1 { print $(NF - 2), $(NF - 1) }' "/proc/$1/limits"; }
sorted_words() { tr ' \t' '\n\n' | grep . | sort -n | tr '\n' ' '; }

if [ "$(id -u)" != 0 ]; then
	t_pass "user=, limits: skipped (needs root)"
	t_done
fi

chmod 755 "$T"
mkdir -m 700 "$T/private"
t_config <<EOF2
[supervisor]
minfds = 2048
# The test tag, for the cleanup, reaches programs run as nobody too.
inherit_environment = true

[program:asnobody]
command = sleep 1000
user = nobody
directory = /tmp
umask = 027
nice = 5
rlimit_nofile = 4096
rlimit_nproc = 500
rlimit_core = unlimited
rlimit_as = 2GB
environment = ONLY_HERE=1
startsecs = 0.2
stdout_logfile = NONE
stderr_logfile = NONE

[program:plain]
command = sleep 1001
startsecs = 0.2
stdout_logfile = NONE
stderr_logfile = NONE

[program:noentry]
command = sleep 1002
user = nobody
directory = $T/private
startsecs = 0.2
startretries = 0
stdout_logfile = NONE
stderr_logfile = NONE
EOF2
t_start
t_check "asnobody is RUNNING" t_wait 10 log_has "asnobody is RUNNING"
t_check "plain is RUNNING" t_wait 10 log_has "plain is RUNNING"
P=$(spawned_pid asnobody)
Q=$(spawned_pid plain)
NOBODY_UID=$(id -u nobody)
NOBODY_GID=$(id -g nobody)
t_check "user: uid is nobody's ($(status_field "$P" Uid))" \
	test "$(status_field "$P" Uid | sorted_words)" = "$NOBODY_UID $NOBODY_UID $NOBODY_UID $NOBODY_UID "
t_check "user: gid is nobody's primary group" \
	test "$(status_field "$P" Gid | sorted_words)" = "$NOBODY_GID $NOBODY_GID $NOBODY_GID $NOBODY_GID "
t_check "user: groups are nobody's, root's none ($(status_field "$P" Groups))" \
	test "$(status_field "$P" Groups | sorted_words)" = "$(id -G nobody | sorted_words)"
t_check "user: HOME, USER, LOGNAME are nobody's" \
	eval 'environ_has "$P" "HOME=$(getent passwd nobody | cut -d: -f6)" &&
	    environ_has "$P" USER=nobody && environ_has "$P" LOGNAME=nobody'
t_check "directory: /tmp" test "$(readlink "/proc/$P/cwd")" = /tmp
t_check "umask 027" test "$(status_field "$P" Umask)" = 0027
t_check "nice 5" test "$(awk '{ print $19 }' "/proc/$P/stat")" = 5
t_check "rlimit_nofile: 4096 4096" test "$(limit_of "$P" "Max open files")" = "4096 4096"
t_check "rlimit_nproc: 500 500" test "$(limit_of "$P" "Max processes")" = "500 500"
t_check "rlimit_core: unlimited" test "$(limit_of "$P" "Max core file size")" = "unlimited unlimited"
t_check "rlimit_as: 2GB" test "$(limit_of "$P" "Max address space")" = "2147483648 2147483648"
soft=$(limit_of "$Q" "Max open files" | cut -d' ' -f1)
t_check "minfds: a program without rlimit_nofile may open 2048 or more ($soft)" \
	test "$soft" -ge 2048
t_check "plain runs as root, at nice 0" \
	eval '[ "$(status_field "$Q" Uid | sorted_words)" = "0 0 0 0 " ] &&
	    [ "$(awk "{ print \$19 }" "/proc/$Q/stat")" = 0 ]'
t_check "environment= reaches only its program" \
	eval 'environ_has "$P" ONLY_HERE=1 && ! environ_has "$Q" ONLY_HERE=1'
fds=$(ls "/proc/$Q/fd" | sort -n | tr '\n' ' ')
t_check "a program has only stdin, stdout, stderr open ($fds)" test "$fds" = "0 1 2 "
t_check "noentry: its directory is checked as its user: it fails to start" \
	t_wait 10 log_has "noentry: chdir.*Permission denied"
t_check "noentry: FATAL" t_wait 10 log_has "noentry.*FATAL|gave up"
t_stop TERM
t_check "exits 0 (got $SUP_STATUS)" test "$SUP_STATUS" = 0
t_check "nothing left" no_program_left

# An unknown user, and (for a supervisor not run as root) another user.
printf '[program:x]\ncommand = sleep 1\nuser = no-such-user-here\n' > "$T/bad.ini"
out=$("$SUPERVISOR" -c "$T/bad.ini" check 2>&1)
t_check "unknown user: a config error naming its line" \
	eval '[[ $out == *"bad.ini:3: user: no such user \"no-such-user-here\""* ]]'
printf '[program:x]\ncommand = sleep 1\nuser = root\n' > "$T/other.ini"
chmod 644 "$T/other.ini"
out=$(setpriv --reuid=nobody --regid="$NOBODY_GID" --clear-groups \
    "$SUPERVISOR" -c "$T/other.ini" check 2>&1)
rc=$?
t_check "as nobody, user = root: exit 78 (got $rc)" test "$rc" = 78
t_check "as nobody, user = root: only root can run programs as another user" \
	eval '[[ $out == *"other.ini:3: user: \"root\": only root can run programs as another user"* ]]'
printf '[program:x]\ncommand = sleep 1\nuser = nobody\n' > "$T/self.ini"
chmod 644 "$T/self.ini"
t_check "as nobody, user = nobody: fine" \
	setpriv --reuid=nobody --regid="$NOBODY_GID" --clear-groups \
	    "$SUPERVISOR" -c "$T/self.ini" check > /dev/null

# A supervisor run as nobody, its program's user = nobody: nothing to
# switch, and the program starts (with nobody's HOME).
t_config <<EOF2
[program:self]
command = sleep 1003
user = nobody
startsecs = 0.2
stdout_logfile = NONE
stderr_logfile = NONE
EOF2
chmod 644 "$T/supervisor.ini"
t_start_as nobody
t_check "as nobody, user = nobody: RUNNING" t_wait 10 log_has "self is RUNNING"
t_check "as nobody, user = nobody: HOME is nobody's" \
	eval 'environ_has "$(spawned_pid self)" "HOME=$(getent passwd nobody | cut -d: -f6)"'
t_stop TERM
t_check "as nobody: exits 0 (got $SUP_STATUS)" test "$SUP_STATUS" = 0

# StrictModes: as root, a config file others could have written is refused.
# Group root may write it (a checkout copied under umask 002: 0664, group
# root); any other group may not.
mkdir -m 755 "$T/strict"
printf '[program:x]\ncommand = sleep 1\n' > "$T/strict/s.ini"
chmod 664 "$T/strict/s.ini"
t_check "group-writable config, group root: accepted" \
	eval '"$SUPERVISOR" -c "$T/strict/s.ini" check > /dev/null'
chgrp nogroup "$T/strict/s.ini"
out=$("$SUPERVISOR" -c "$T/strict/s.ini" check 2>&1)
rc=$?
t_check "group-writable config, another group: exit 78 (got $rc)" \
	test "$rc" = 78
t_check "group-writable config: says why" \
	eval '[[ $out == *"s.ini: refusing a config file others could have written: $T/strict/s.ini is a file others can write (owner uid 0, mode 0664)"* ]]'
timeout 20 "$SUPERVISOR" -c "$T/strict/s.ini" > /dev/null 2>&1
t_check "group-writable config: the daemon does not start (exit $?)" \
	test $? = 78
chgrp root "$T/strict/s.ini"
chmod 644 "$T/strict/s.ini"
chown nobody "$T/strict/s.ini"
"$SUPERVISOR" -c "$T/strict/s.ini" check > /dev/null 2>&1
t_check "a config owned by another user: refused (exit $?)" test $? = 78
chown root "$T/strict/s.ini"
chmod 777 "$T/strict"
out=$("$SUPERVISOR" -c "$T/strict/s.ini" check 2>&1)
t_check "in a world-writable directory: refused" \
	eval '[[ $out == *"$T/strict is a directory others can write to"* ]]'
chmod 1777 "$T/strict"
t_check "in a sticky world-writable directory (like /tmp): accepted" \
	eval '"$SUPERVISOR" -c "$T/strict/s.ini" check > /dev/null'
chmod 755 "$T/strict"
mkdir -m 755 "$T/strict/conf.d"
printf '[include]\nfiles = conf.d/*.ini\n[program:x]\ncommand = sleep 1\n' > "$T/strict/s.ini"
printf '[program:y]\ncommand = sleep 1\n' > "$T/strict/conf.d/y.ini"
chmod 666 "$T/strict/conf.d/y.ini"
out=$("$SUPERVISOR" -c "$T/strict/s.ini" check 2>&1)
rc=$?
t_check "a writable include: skipped, naming it" \
	eval '[[ $out == *"conf.d/y.ini: warning: skipped: refusing a config file others could have written"* ]]'
t_check "a writable include: the rest loads (exit $rc)" \
	eval 'test "$rc" = 0 && [[ $out == *"OK (1 program, 1 process)"* ]]'
t_done
