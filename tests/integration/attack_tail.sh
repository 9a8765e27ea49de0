#!/bin/bash
# attack_tail.sh: a user the socket's chown= lets in (nobody), whose
# program writes its logs in a directory it can write, plants things at
# a rotated log's name and asks a root supervisor to tail it: a link and
# a hard link to a root-only file, a file of its own, a FIFO.  Nothing of
# the root-only file comes out, each refusal names the file, and the loop
# answers throughout.  A plain tail of a program writing as fast as it
# can ends at the end the files had when it was asked.
. "$(dirname "$0")/../lib.sh"

if [ "$(id -u)" != 0 ]; then
	t_pass "skipped: needs root (the attacker is nobody)"
	t_done
fi
chmod 755 "$T"
# The program's log directory: the program runs as nobody and writes here.
mkdir -m 755 "$T/logs" "$T/fast"
chown nobody "$T/logs"
# The decoy: root's alone, content known (never a real system file).
secret="decoy-secret-$RANDOM$RANDOM"
(umask 077 && printf '%s\n' "$secret" > "$T/decoy")
t_config <<EOF2
[supervisor]
loglevel = debug
# The test tag, for the cleanup, reaches programs run as nobody too.
inherit_environment = true
[unix_http_server]
chown = nobody
[program:talker]
user = nobody
command = sh -c 'i=0; while [ \$i -lt 50 ]; do echo "talker line \$i"; i=\$((i + 1)); done; exec sleep 1000'
stdout_logfile = $T/logs/talker.log
stdout_logfile_backups = 3
startsecs = 0
[program:fast]
command = yes fast-line
stdout_logfile = $T/fast/fast.log
stdout_logfile_maxbytes = 1MB
stdout_logfile_backups = 2
startsecs = 0
autostart = false
EOF2
t_start
t_check "the supervisor is up" t_wait 10 answers
t_check "talker's output is in its log" \
	t_wait 10 grep -q "talker line 49" "$T/logs/talker.log"

# nobody_tail NAME ARG...: tail ARG... as nobody (bounded by 10 s);
# stdout in OUT (and appended to $T/seen), stderr in ERR, status in RC,
# milliseconds in MS.
nobody_tail() {
	local name=$1 t0
	shift
	t0=$(now_ms)
	as_user nobody timeout 10 "$CLIENT" tail "$@" >"$T/$name.out" \
		2>"$T/$name.err"
	RC=$?
	MS=$(( $(now_ms) - t0 ))
	OUT=$(< "$T/$name.out")
	ERR=$(< "$T/$name.err")
	cat "$T/$name.out" "$T/$name.err" >> "$T/seen"
}
no_secret() { ! grep -qF "$secret" "$T/seen"; }
backup=$T/logs/talker.log.1

nobody_tail plain -n 5 talker
t_check "nobody may tail talker's log (exit $RC: $ERR)" test "$RC" = 0
t_check "... and gets its last lines" out_has "talker line 49"

# A symbolic link at the backup's name, to the decoy.
as_user nobody ln -s "$T/decoy" "$backup"
t_check "nobody planted a symbolic link" test -L "$backup"
nobody_tail symlink -n 100000 talker
t_check "symlink: the tail fails, exit 1 (got $RC)" test "$RC" = 1
t_check "symlink: the error names the file ($ERR)" \
	err_has "$backup: refused: a symbolic link"
t_check "symlink: nothing of the decoy came out" no_secret
ctl tail -n 100000 talker
t_check "symlink: refused to root's tail too (exit $RC)" test "$RC" = 1
cat "$T/ctl.out" "$T/ctl.err" >> "$T/seen"
t_check "symlink: nothing of the decoy came out to root" no_secret
rm -f "$backup"

# A hard link to the decoy.  With fs.protected_hardlinks = 1 the kernel
# does not let nobody make one; root makes it then, as nobody could on a
# system without that protection.
if ! as_user nobody ln "$T/decoy" "$backup" 2>/dev/null; then
	ln "$T/decoy" "$backup"
fi
t_check "a hard link to the decoy is planted" test "$backup" -ef "$T/decoy"
nobody_tail hardlink -n 100000 talker
t_check "hard link: the tail fails, exit 1 (got $RC)" test "$RC" = 1
t_check "hard link: the error names the file ($ERR)" \
	err_has "$backup: refused: a file with 2 hard links"
t_check "hard link: nothing of the decoy came out" no_secret
rm -f "$backup"

# A file of nobody's own: nobody is talker's user, so its lines are no
# more than talker could print; it is shown (its owner may be the
# program's user, whose logs on paths it controls are made as it), and
# nothing of root's comes with it.
as_user nobody sh -c "echo own-line > '$backup'"
nobody_tail own -n 100000 talker
t_check "the program's user's own file: shown (exit $RC)" \
	eval '[ "$RC" = 0 ] && grep -q own-line "$T/own.out"'
t_check "the program's user's own file: nothing of the decoy" no_secret
rm -f "$backup"

# A root-only file of root's with one name (one root moved there, say):
# root's tail shows it, nobody's does not.
cp "$T/decoy" "$backup"
chmod 600 "$backup"
nobody_tail unreadable -n 100000 talker
t_check "a file nobody may not read: refused, exit 1 (got $RC)" test "$RC" = 1
t_check "a file nobody may not read: the error says so ($ERR)" \
	err_has "$backup: refused: uid 65534 may not read it (owner uid 0, group 0, mode 0600)"
t_check "a file nobody may not read: nothing of it came out" no_secret
ctl tail -n 100000 talker
t_check "root may read it: root's tail shows it (exit $RC)" \
	eval '[ "$RC" = 0 ] && out_has "$secret"'
rm -f "$backup"

# A FIFO at the backup's name: opening it must not block the loop.
as_user nobody mkfifo "$backup"
nobody_tail fifo -n 100000 talker
t_check "FIFO: the tail ends, exit 1 (got $RC in ${MS} ms)" test "$RC" = 1
t_check "FIFO: the error names the file ($ERR)" \
	err_has "$backup: refused: a FIFO"
t0=$(now_ms)
timeout 5 "$CLIENT" status talker > /dev/null 2>&1
rc=$?
ms=$(( $(now_ms) - t0 ))
t_check "FIFO: status answers (exit $rc) within 1 s (${ms} ms)" \
	eval '[ "$rc" = 0 ] && [ "$ms" -lt 1000 ]'
# A loop blocked in opening the FIFO is let go, for the rest of the test.
[ "$rc" = 0 ] || timeout 2 sh -c ": > '$backup'"
rm -f "$backup"

# A plain tail ends at the end the files had when it was asked, however
# fast the program writes, for a client that reads slower than it writes
# (about 3 MB/s).
slow_reader() {
	python3 -c '
import sys, time
while True:
    b = sys.stdin.buffer.read1(16384)
    if not b:
        break
    sys.stdout.buffer.write(b)
    time.sleep(0.005)
'
}
ctl_check "fast starts" 0 start fast
t_check "fast has rotated its log" t_wait 10 test -e "$T/fast/fast.log.1"
for n in 1000 100000; do
	t0=$(now_ms)
	timeout 20 "$CLIENT" tail -n "$n" fast 2>"$T/fast.err" | slow_reader \
		> "$T/fast.out"
	rc=${PIPESTATUS[0]}
	ms=$(( $(now_ms) - t0 ))
	t_check "tail -n $n of a program writing as fast as it can ends, exit 0 (got $rc in ${ms} ms)" \
		eval '[ "$rc" = 0 ] && [ "$ms" -lt 3000 ]'
	lines=$(wc -l < "$T/fast.out")
	t_check "... with at most $n lines (got $lines)" test "$lines" -le "$n"
done
ctl_check "fast stops" 0 stop fast

t_check "the decoy is as it was" \
	eval '[ "$(cat "$T/decoy")" = "$secret" ] && [ "$(stat -c %u:%a "$T/decoy")" = 0:600 ]'
t_stop TERM
t_check "exits 0 (got $SUP_STATUS)" test "$SUP_STATUS" = 0
t_check "nothing left running" no_program_left
t_done
