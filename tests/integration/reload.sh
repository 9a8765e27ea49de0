#!/bin/bash
# reload.sh: the running supervisor follows its config file.  Edits in
# place and by rename, programs added, removed (whole tree) and changed,
# numprocs up and down, drop-ins in conf.d, an invalid edit, a deleted
# file, a user's stop across reloads, SIGHUP, reload --dry-run; and
# through all of it, unchanged processes keep their pid.
. "$(dirname "$0")/../lib.sh"

mkdir -p "$T/conf.d"
cat > "$T/base.ini" <<EOF
[supervisor]
control_timeout = 30

[include]
files = conf.d/*.ini

[program:keep]
command = sleep 1001
startsecs = 0

[program:pool]
command = sleep 1002
process_name = %(program_name)s_%(process_num)d
numprocs = 2
startsecs = 0

[program:web]
command = sh -c 'trap "echo got INT > $T/web.int; kill \\\$!; exit 0" INT; sleep 1003 & wait'
stopsignal = INT
startsecs = 0

[program:tree]
command = sh -c 'sleep 1004 & echo \$! > $T/tree.child; wait'
startsecs = 0

[program:held]
command = sleep 1005
startsecs = 0

[program:manual]
command = sleep 1006
autostart = false
startsecs = 0
EOF
cp "$T/base.ini" "$T/supervisor.ini"

# (web's sleep ignores SIGINT, as a background job of sh does; its trap
# ends it.)

# "NAME PID STATE" per process, sorted.
table() {
	"$CLIENT" status --json 2>/dev/null |
		jq -r '.[] | "\(.name) \(.pid) \(.state)"' | sort
}
# runs CMDLINE: a process of this test's programs has that command line
# (pgrep would also see the other build's run of this test).
runs() {
	local pid
	for pid in $(program_pids); do
		[ "$(tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null)" = "$1 " ] &&
			return 0
	done
	return 1
}
t_start
t_check "all autostart programs RUNNING" \
	t_wait 10 eval '[ "$(table | grep -c RUNNING)" = 6 ]'
t_check "the config's directories are watched" log_lacks "config watch"
ctl_check "stop held (a user's stop)" 0 stop held
before=$(table)
pid_keep=$(pid_of keep)
pid_web=$(pid_of web)
pid_pool0=$(pid_of pool_0)
pid_pool1=$(pid_of pool_1)
tree_child=$(cat "$T/tree.child")

# ---- nothing changed ------------------------------------------------------
n=$(reloads)
touch "$T/supervisor.ini"
t_sleep 0.3
ctl_check "reload with nothing changed" 0 reload
t_check "reload: says all unchanged" \
	grep -qx "reload: 7 unchanged" <<< "$OUT"
t_check "nothing changed: every pid and state the same" \
	test "$(table)" = "$before"

# ---- dry run ----------------------------------------------------------------
cp "$T/supervisor.ini" "$T/saved.ini"
sed -e 's/sleep 1001/sleep 1011/' "$T/saved.ini" > "$T/dry.ini"
ctl_check "reload --dry-run of the same file" 0 reload --dry-run
t_check "--dry-run: nothing would change" \
	grep -q "7 unchanged (dry run: nothing done)" <<< "$OUT"

# ---- one program changed, in place ------------------------------------------
n=$(reloads)
edit_in_place 's/sleep 1003/sleep 1013/'
t_check "in-place edit: reloaded" after_edit $((n + 1))
t_check "in-place edit: web restarting" \
	log_has "reload: web: changed; restarting"
t_check "in-place edit: summary 1 restarted, 6 unchanged" \
	log_has "reload \(the config file changed\): 1 restarted, 6 unchanged"
t_check "in-place edit: web stopped with its old stopsignal (SIGINT)" \
	log_has "stopping web \(SIGINT\)"
t_check "in-place edit: the old web got SIGINT" \
	t_wait 5 test -s "$T/web.int"
t_check "in-place edit: web RUNNING again with a new pid" \
	t_wait 10 eval 'state_is web RUNNING && [ "$(pid_of web)" != "$pid_web" ]'
t_check "in-place edit: new web runs the new command" \
	t_wait 5 runs "sleep 1013"
t_check "in-place edit: the old web's tree is gone" \
	t_wait 5 eval '! runs "sleep 1003"'
t_check "in-place edit: keep kept its pid" test "$(pid_of keep)" = "$pid_keep"
t_check "in-place edit: pool kept its pids" \
	test "$(pid_of pool_0) $(pid_of pool_1)" = "$pid_pool0 $pid_pool1"
t_check "in-place edit: held stays STOPPED" test "$(state_of held)" = STOPPED
t_check "in-place edit: one reload for one save" \
	eval '[ "$(reloads)" = $((n + 1)) ]'
pid_web=$(pid_of web)

# ---- changed by rename --------------------------------------------------------
n=$(reloads)
edit_by_rename 's/sleep 1001/sleep 1021/'
t_check "rename: reloaded" after_edit $((n + 1))
t_check "rename: keep restarted with a new pid" \
	t_wait 10 eval 'state_is keep RUNNING && [ "$(pid_of keep)" != "$pid_keep" ]'
t_check "rename: web kept its pid" test "$(pid_of web)" = "$pid_web"

# ---- two saves in a row ---------------------------------------------------------
# Whether they make one reload or two (the second after the watch's quiet
# moment, on a loaded machine), what runs in the end is the second's.
n=$(reloads)
sed 's/sleep 1021/sleep 1031/' "$T/supervisor.ini" > "$T/first.new"
sed 's/sleep 1021/sleep 1041/' "$T/supervisor.ini" > "$T/second.new"
mv "$T/first.new" "$T/supervisor.ini"
mv "$T/second.new" "$T/supervisor.ini"
t_check "two saves: reloaded" after_edit $((n + 1))
t_check "two saves: keep runs the second's command, and only it" \
	t_wait 10 eval 'runs "sleep 1041" && ! runs "sleep 1031" &&
	    state_is keep RUNNING'
n=$(reloads)
edit_by_rename 's/sleep 1041/sleep 1021/'	# as the sections below expect
t_check "two saves: put back" eval 'after_edit $((n + 1)) &&
    t_wait 10 eval "runs \"sleep 1021\" && state_is keep RUNNING"'
pid_keep=$(pid_of keep)

# ---- numprocs up and down ------------------------------------------------------
n=$(reloads)
edit_by_rename 's/numprocs = 2/numprocs = 4/'
t_check "numprocs 2 -> 4: reloaded" after_edit $((n + 1))
t_check "numprocs 2 -> 4: pool_2 and pool_3 added" \
	t_wait 10 eval 'state_is pool_2 RUNNING && state_is pool_3 RUNNING'
t_check "numprocs 2 -> 4: pool_0 and pool_1 kept their pids" \
	test "$(pid_of pool_0) $(pid_of pool_1)" = "$pid_pool0 $pid_pool1"
t_check "numprocs 2 -> 4: summary 2 added" \
	log_has "reload \(the config file changed\): 2 added, 7 unchanged"
pid_pool3=$(pid_of pool_3)
n=$(reloads)
edit_by_rename 's/numprocs = 4/numprocs = 1/'
t_check "numprocs 4 -> 1: reloaded" after_edit $((n + 1))
t_check "numprocs 4 -> 1: pool_1..3 removed from the table" \
	t_wait 10 eval '[ "$(names)" = "held keep manual pool_0 tree web " ]'
t_check "numprocs 4 -> 1: pool_3's process is gone" t_wait 5 gone "$pid_pool3"
t_check "numprocs 4 -> 1: pool_0 kept its pid" \
	test "$(pid_of pool_0)" = "$pid_pool0"
t_check "numprocs 4 -> 1: summary 3 removed" \
	log_has "reload \(the config file changed\): 3 removed, 6 unchanged"

# ---- removed: the whole tree stops -------------------------------------------
n=$(reloads)
pid_tree=$(pid_of tree)
python3 - "$T/supervisor.ini" <<'PY'
import re, sys
p = sys.argv[1]
s = open(p).read()
s = re.sub(r'\[program:tree\][^\[]*', '', s)
open(p, 'w').write(s)
PY
t_check "removed: reloaded" after_edit $((n + 1))
t_check "removed: tree's shell is gone" t_wait 5 gone "$pid_tree"
t_check "removed: tree's child (its own sleep) is gone" \
	t_wait 5 gone "$tree_child"
t_check "removed: tree left the table" \
	t_wait 5 eval '! names | grep -qw tree'
t_check "removed: logged" log_has "tree: removed"

# ---- a drop-in in conf.d ------------------------------------------------------
n=$(reloads)
printf '[program:dropin]\ncommand = sleep 1007\nstartsecs = 0\n' \
	> "$T/conf.d/dropin.ini"
t_check "drop-in added: reloaded" after_edit $((n + 1))
t_check "drop-in added: dropin RUNNING" t_wait 10 state_is dropin RUNNING
pid_dropin=$(pid_of dropin)
n=$(reloads)
printf '[program:dropin]\ncommand = sleep 1017\nstartsecs = 0\n' \
	> "$T/conf.d/dropin.ini"
t_check "drop-in edited: reloaded" after_edit $((n + 1))
t_check "drop-in edited: dropin restarted" \
	t_wait 10 eval 'state_is dropin RUNNING && [ "$(pid_of dropin)" != "$pid_dropin" ]'
pid_dropin=$(pid_of dropin)
# Files that match no pattern are not ours.
n=$(reloads)
printf 'not a config\n' > "$T/conf.d/notes.txt"
printf 'junk\n' > "$T/conf.d/.dropin.ini.swp"
t_sleep 0.3
t_check "files that match no pattern: no reload" \
	eval '[ "$(reloads)" = "$n" ]'
# A drop-in with an error: nothing changes; the error names its line.
printf '[program:bad]\ncommand = true\nstartsecs = soon\n' > "$T/conf.d/bad.ini"
t_check "bad drop-in: the error names conf.d/bad.ini:3" \
	t_wait 10 log_has "conf.d/bad.ini:3: startsecs: \"soon\""
t_check "bad drop-in: nothing changed" \
	log_has "is invalid; nothing changed"
t_check "bad drop-in: bad not added" eval '! names | grep -qw bad'
rm "$T/conf.d/bad.ini" "$T/conf.d/notes.txt" "$T/conf.d/.dropin.ini.swp"
n=$(reloads)
rm "$T/conf.d/dropin.ini"
t_check "drop-in removed: dropin stopped and left the table" \
	t_wait 10 eval '! names | grep -qw dropin'
t_check "drop-in removed: its process is gone" t_wait 5 gone "$pid_dropin"

# ---- an invalid edit changes nothing -------------------------------------------
before=$(table)
n=$(reloads)
printf '\n[program:broken]\ncommand = true\nstartretries = many\n' \
	>> "$T/supervisor.ini"
bad_line=$(grep -n 'startretries = many' "$T/supervisor.ini" | cut -d: -f1)
t_check "invalid edit: the log names $T/supervisor.ini:$bad_line" \
	t_wait 10 log_has "supervisor.ini:$bad_line: startretries: \"many\""
ctl_check "invalid edit: reload exits 78" 78 reload
t_check "invalid edit: reload prints FILE:LINE" \
	grep -q "supervisor.ini:$bad_line: startretries" <<< "$ERR"
t_check "invalid edit: reload says nothing changed" \
	grep -q "is invalid; nothing changed" <<< "$ERR"
t_check "invalid edit: every pid and state the same" \
	test "$(table)" = "$before"
"$SUPERVISOR" -c "$T/supervisor.ini" check > /dev/null 2>&1
rc=$?
t_check "invalid edit: check exits 78 too (got $rc)" test "$rc" = 78

# ---- a deleted file changes nothing ---------------------------------------------
sed -i '/\[program:broken\]/,$d' "$T/supervisor.ini"
t_wait 10 eval '[ "$(log_count "reload \\(the config file changed\\): [0-9]+ unchanged")" -ge 1 ]'
before=$(table)
cp "$T/supervisor.ini" "$T/saved.ini"
rm "$T/supervisor.ini"
t_check "deleted file: logged, nothing changed" \
	t_wait 10 log_has "supervisor.ini: cannot read: No such file"
t_check "deleted file: every pid and state the same" \
	test "$(table)" = "$before"
n=$(reloads)
cp "$T/saved.ini" "$T/supervisor.ini"
t_check "file back: reloaded" after_edit $((n + 1))
t_check "file back: every pid and state the same" test "$(table)" = "$before"

# ---- a user's stop holds across a change ---------------------------------------
t_check "held is still STOPPED" test "$(state_of held)" = STOPPED
n=$(reloads)
edit_by_rename 's/sleep 1005/sleep 1015/'
t_check "held changed: reloaded" after_edit $((n + 1))
t_check "held changed: stays stopped" \
	log_has "reload: held: changed; stays stopped"
t_check "held changed: STOPPED" test "$(state_of held)" = STOPPED
ctl_check "start held" 0 start held
t_check "held: runs the new command" runs "sleep 1015"
t_check "manual (autostart = false) was never started" \
	test "$(state_of manual)" = STOPPED

# ---- the supervisor's own settings --------------------------------------------
n=$(reloads)
edit_by_rename 's/^control_timeout = 30/control_timeout = 30\nsocket = \/nonexistent\/x.sock/'
t_check "socket changed: reloaded" after_edit $((n + 1))
t_check "socket changed: reported as applying at the next start" \
	log_has "control socket's path: changed; applies when the supervisor is next started"
ctl_check "socket changed: still answers on its socket" 0 version

# ---- SIGHUP, and watch_config = false -------------------------------------------
n=$(reloads)
edit_by_rename 's/^control_timeout = 30/control_timeout = 30\nwatch_config = false/'
t_check "watch_config = false: reloaded (the last edit followed)" \
	after_edit $((n + 1))
n=$(reloads)
edit_by_rename 's/sleep 1021/sleep 1031/'
t_sleep 0.5
t_check "watch_config = false: an edit is not followed" \
	eval '[ "$(reloads)" = "$n" ]'
t_check "watch_config = false: keep kept its pid" \
	test "$(pid_of keep)" = "$pid_keep"
kill -HUP "$SUP_PID"
t_check "SIGHUP: reloaded" \
	t_wait 10 log_has "reload \(SIGHUP\): 1 restarted"
t_check "SIGHUP: keep restarted" \
	t_wait 10 eval 'state_is keep RUNNING && [ "$(pid_of keep)" != "$pid_keep" ]'
t_check "SIGHUP: keep runs the new command" runs "sleep 1031"

t_check "teardown: exit 0" t_stop TERM
t_check "teardown: nothing left" t_wait 5 no_program_left
t_check "no sanitizer report" log_lacks "ERROR: AddressSanitizer|runtime error"
t_done
