#!/bin/bash
# attack_logs.sh: a user attacks the supervisor's log files.
# AUTO logs in a shared, sticky directory (childlogdir = a /tmp-like
# directory): their names can't be guessed or claimed first, a link raced
# in between a rotation's rename and the new file is never followed, and
# another user can neither read a program's output nor forge its lines.
# A program's own log directory (its user can write it): a log swapped
# for a link, a hard link, or a directory swapped for a link never lead
# root to write anywhere else.
. "$(dirname "$0")/../lib.sh"

if [ "$(id -u)" != 0 ]; then
	t_pass "skipped: needs root (the attacker is nobody)"
	t_done
fi
chmod 755 "$T"
mkdir -m 1777 "$T/shared"
AUTO_DIR=$T/shared
mkdir -m 755 "$T/app" && chown nobody "$T/app"
# Root's files the attacker wants root to write to; they must not change.
printf 'decoy\n' > "$T/decoy"
chmod 644 "$T/decoy"
decoy_sum=$(md5sum < "$T/decoy")
decoy_intact() { [ "$(md5sum < "$T/decoy")" = "$decoy_sum" ]; }

t_config <<EOF2
[supervisor]
childlogdir = $T/shared
# The test tag, for the cleanup, reaches programs run as nobody too.
inherit_environment = true
[program:secret]
command = sh -c 'i=0; while :; do i=\$((i + 1)); echo "SECRET-\$i"; sleep 0.002; done'
startsecs = 0
stdout_logfile_maxbytes = 2KB
stdout_logfile_backups = 3
[program:app]
user = nobody
command = sh -c 'while :; do echo app-line; sleep 0.05; done'
startsecs = 0
stdout_logfile = $T/app/out.log
EOF2
t_start
t_check "the supervisor is up" t_wait 10 answers

# AUTO: a name nobody could have guessed, root's, 0600.
t_check "AUTO log made under a random name" t_wait 10 auto_log secret
log=$(auto_log secret)
t_check "its name is PROCESS-stdout---supervisor-XXXXXX.log" \
	eval '[[ ${log##*/} =~ ^secret-stdout---supervisor-[A-Za-z0-9]{6}\.log$ ]]'
t_check "it is root's, mode 0600" \
	eval '[ "$(stat -c "%u %a" "$log")" = "0 600" ]'
t_check "another user can't read it" \
	eval '! as_user nobody cat "$log" > /dev/null 2>&1'
t_check "nor forge lines in it" \
	eval '! as_user nobody sh -c "echo FORGED >> \"$log\"" 2> /dev/null'

# The attacker races every rotation: a link to the decoy at the log's name
# whenever the name is free (between rename and the new file).
as_user nobody sh -c '
	end=$(( $(date +%s) + 3 ))
	while [ "$(date +%s)" -lt "$end" ]; do
		ln -s "$2" "$1" 2> /dev/null
	done' race "$log" "$T/decoy" &
racer=$!
t_sleep 3.2
wait "$racer"
t_check "rotations happened meanwhile" t_wait 10 test -e "$log.1"
t_check "the decoy is untouched (AUTO race)" decoy_intact
now=$(auto_log secret)
t_check "the log is still root's regular file" \
	eval '[ "$(stat -c "%u %F" "$now")" = "0 regular file" ] ||
	    log_has "someone else made .*secret-stdout---supervisor"'
t_check "no line was forged" eval '! grep -h FORGED "$T/shared"/* 2>/dev/null'
ctl tail -n 5 secret
t_check "tail shows the program's own lines" \
	eval '[[ $OUT == *SECRET-* ]] && [[ $OUT != *decoy* ]]'

# The program's own log directory: out.log swapped for a link to root's
# file; the once-a-second check (and SIGUSR2) reopen it.
t_check "app logs" t_wait 10 grep -q app-line "$T/app/out.log"
as_user nobody sh -c 'mv "$1/out.log" "$1/old.log"; ln -s "$2" "$1/out.log"' \
	swap "$T/app" "$T/decoy"
kill -USR2 "$SUP_PID"
t_check "the link is refused, said once" \
	t_wait 10 log_has "app stdout: open $T/app/out.log .*Too many levels of symbolic links"
t_sleep 1.5
t_check "the decoy is untouched (log swapped for a link)" decoy_intact

# A hard link: only where the kernel lets nobody link root's files.
if [ "$(cat /proc/sys/fs/protected_hardlinks 2>/dev/null)" = 1 ]; then
	t_pass "hard link: skipped (fs.protected_hardlinks forbids it here)"
else
	as_user nobody sh -c 'rm -f "$1/out.log"; ln "$2" "$1/out.log"' \
	    hard "$T/app" "$T/decoy"
	kill -USR2 "$SUP_PID"
	t_sleep 1.5
	t_check "the decoy is untouched (hard link)" decoy_intact
fi

# A directory on the way swapped for a link: out.log under app/sub, a
# path that app's user controls, so it is opened as that user.
mkdir -p "$T/app/sub" && chown nobody "$T/app/sub"
edit_by_rename "s|$T/app/out.log|$T/app/sub/out.log|"
t_check "reloaded onto app/sub" t_wait 10 eval 'state_is app RUNNING &&
	[ -e "$T/app/sub/out.log" ]'
t_check "a log on a path its user controls is made as that user" \
	eval '[ "$(stat -c %U "$T/app/sub/out.log")" = nobody ]'
mkdir -m 755 "$T/rootdir"
as_user nobody sh -c 'mv "$1/sub" "$1/sub.old"; ln -s "$2" "$1/sub"' \
	swapdir "$T/app" "$T/rootdir"
kill -USR2 "$SUP_PID"
t_check "through a directory swapped for a link: refused" \
	t_wait 10 log_has "app stdout: open $T/app/sub/out.log .*Permission denied"
t_sleep 1
t_check "nothing was made in root's directory" \
	eval '[ -z "$(ls -A "$T/rootdir")" ]'
t_check "the decoy is untouched (directory swapped)" decoy_intact
t_check "status answers" answers status
t_check "status answers fast (${MS} ms)" test "$MS" -lt 1000
t_stop TERM
t_check "exits 0 (got $SUP_STATUS)" test "$SUP_STATUS" = 0
t_check "no program left" no_program_left
t_done
