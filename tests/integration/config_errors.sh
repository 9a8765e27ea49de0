#!/bin/bash
# The config checker and the command line.  "supervisor -c FILE check"
# prints every problem as FILE:LINE: message (golden output in
# golden/config_errors.txt for golden/config_errors.ini), exits 78 on
# errors and 0 with "OK (N programs, M processes)" otherwise; the daemon
# refuses an invalid file with the same messages.  Line numbers stay right
# after long lines and continuation lines, which are joined as supervisord
# joins them.
. "$(dirname "$0")/../lib.sh"

GOLDEN=$(cd "$(dirname "$0")/golden" && pwd)
MAKEFILE=$(cd "$(dirname "$0")/../.." && pwd)/Makefile

# config_check FILE: runs "supervisor -c FILE check" inside $T; stdout,
# stderr and the exit status land in $T/check.out, $T/check.err,
# CHECK_STATUS, and stdout and stderr in OUT and ERR (for err_has).
config_check() {
	(cd "$T" && exec "$SUPERVISOR" -c "$1" check) > "$T/check.out" 2> "$T/check.err"
	CHECK_STATUS=$?
	OUT=$(< "$T/check.out")
	ERR=$(< "$T/check.err")
}
# same_sorted FILE1 FILE2: the same lines, in any order.
same_sorted() { diff -u <(sort "$1") <(sort "$2") >&2; }
out_is() { [ "$(cat "$T/check.out")" = "$1" ]; }
# Argument N (0 = the program) of PID's command line.
cmdline_arg() { tr '\0' '\n' < "/proc/$1/cmdline" | sed -n "$(( $2 + 1 ))p"; }
arg_is() { [ "$(cmdline_arg "$1" "$2")" = "$3" ]; }

# --- golden: one mistake of each kind ---
cp "$GOLDEN/config_errors.ini" "$T/bad.ini"
config_check bad.ini
t_check "check: invalid file exits 78" test "$CHECK_STATUS" = 78
t_check "check: nothing on stdout for an invalid file" test ! -s "$T/check.out"
t_check "check: every message of golden/config_errors.txt, no other" \
	same_sorted "$GOLDEN/config_errors.txt" "$T/check.err"
t_check "check: messages in file order, exactly golden/config_errors.txt" \
	same "$GOLDEN/config_errors.txt" "$T/check.err"
cp "$T/check.err" "$T/check.bad.err"

# The daemon refuses the same file, with the same messages in its log:
# errors at level ERROR, warnings at WARN.
(cd "$T" && exec "$SUPERVISOR" -c bad.ini) > "$T/out" 2> "$T/log"
status=$?
t_check "daemon: refuses an invalid file with exit 78" test "$status" = 78
sed -E 's/^[0-9-]+ [0-9:.]+ (ERROR|WARN) +//' "$T/log" > "$T/log.msgs"
{ cat "$T/check.bad.err"; echo "bad.ini: invalid configuration; not starting"; } \
	> "$T/log.want"
t_check "daemon: logs the messages of check, then refuses" \
	same "$T/log.want" "$T/log.msgs"
t_check "daemon: warnings are logged at WARN" \
	test "$(grep -c ' WARN  bad.ini:[0-9]*: warning: ' "$T/log")" -eq \
	"$(grep -c ': warning: ' "$T/check.bad.err")"
t_check "daemon: errors are logged at ERROR" \
	test "$(grep -c ' ERROR ' "$T/log")" -eq \
	"$(( $(grep -vc ': warning: ' "$T/check.bad.err") + 1 ))"
t_check "daemon: started nothing" log_lacks "spawned"
t_check "daemon: nothing on stdout" test ! -s "$T/out"
# Keep this log out of later failure reports.
mv "$T/log" "$T/refused.log"

# --- duplicate process names ---
cat > "$T/dup.ini" <<'EOF2'
[program:dup1]
command = sleep 1000
process_name = same

[program:dup2]
command = sleep 1000
process_name = same

[program:w]
command = sleep 1000
numprocs = 2
process_name = w_%(process_num)d

[program:w_1]
command = sleep 1000
EOF2
dup1='dup.ini:5: process name "same" is also used by [program:dup1] at line 1'
dup2='dup.ini:14: process name "w_1" is also used by [program:w] at line 9'
config_check dup.ini
t_check "dup: exit 78" test "$CHECK_STATUS" = 78
t_check "dup: a duplicate name names both programs and lines" err_has "$dup1"
t_check "dup: every duplicate is reported, not only the first" err_has "$dup2"
# One run reports every problem: a mistake elsewhere must not hide them.
cat "$T/dup.ini" - > "$T/dup2.ini" <<'EOF2'

[program:other]
command = sleep 1000
startsecs = abc
EOF2
config_check dup2.ini
t_check "dup: reported along with an error in another program" \
	err_has "${dup1/dup.ini/dup2.ini}"
t_check "dup: ...which is reported too" \
	err_has 'dup2.ini:19: startsecs: "abc" is not a duration'

# --- line numbers after a 4 KB line and after continuation lines ---
long=$(head -c 4000 /dev/zero | tr '\0' a)
cat > "$T/lines.ini" <<EOF2
[program:long]
command = sh -c 'sleep 1000; :' arg0 $long
startsecs = abc

[program:multi]
command = sh -c
    'exit 0'

    first
    ; a comment line inside the value
    second
bogus = 1
environment = A=1,
  B=2
stopsignal = NOPE
EOF2
cat > "$T/lines.want" <<'EOF2'
lines.ini:3: startsecs: "abc" is not a duration (like 10, 0.5, 250ms, 2m)
lines.ini:12: warning: unknown key "bogus" in [program:multi]; ignored
lines.ini:15: stopsignal: "NOPE" is not a signal (like TERM, INT, HUP, QUIT, KILL, USR1, USR2)
EOF2
config_check lines.ini
t_check "lines: exit 78" test "$CHECK_STATUS" = 78
t_check "lines: errors name the physical lines" same "$T/lines.want" "$T/check.err"

# --- valid files ---
cat > "$T/good.ini" <<'EOF2'
[supervisor]
loglevel = info

[program:one]
command = sleep 1000

[program:three]
command = sleep 1000
numprocs = 3
EOF2
config_check good.ini
t_check "good: exit 0" test "$CHECK_STATUS" = 0
t_check "good: OK with counts" out_is "good.ini: OK (2 programs, 4 processes)"
t_check "good: nothing on stderr" test ! -s "$T/check.err"
cp "$T/good.ini" "$T/supervisor.ini"
(cd "$T" && exec "$SUPERVISOR" check) > "$T/check.out" 2> "$T/check.err"
t_check "good: ./supervisor.ini is the default" \
	out_is "./supervisor.ini: OK (2 programs, 4 processes)"
printf '[program:x]\ncommand = sleep 1000\n' > "$T/one.ini"
config_check one.ini
t_check "one: singular words" out_is "one.ini: OK (1 program, 1 process)"

# Keys supervisord has and this supervisor does not implement yet warn,
# naming their line, and do not prevent a start.  Continuation lines are
# joined with newlines, which separate words like blanks; comment lines
# inside the value are dropped, as supervisord's parser does.  A 4 KB
# command line works.
t_config <<EOF2
[program:later]
command = sleep 1000
serverurl = AUTO
stdout_syslog = true
startsecs = 0.1

[program:cont]
command = sh -c
    'echo "\$0|\$1|\$#" > $T/cont.out; exec sleep 1000'

    first
    ; a comment line inside the value
    second   ; and an inline comment
environment = A=1,
    B="two words"
startsecs = 0.1

[program:long]
command = sh -c 'sleep 1000; :' arg0 $long
startsecs = 0.1
EOF2
config_check supervisor.ini
t_check "later: check exits 0 with warnings" \
	out_is "supervisor.ini: OK (3 programs, 3 processes)"
t_check "later: serverurl names its line" \
	err_has "supervisor.ini:3: warning: serverurl: not supported yet; ignored"
t_check "later: stdout_syslog names its line" \
	err_has "supervisor.ini:4: warning: stdout_syslog: not supported yet; ignored"
t_check "later: only the two warnings" test "$(wc -l < "$T/check.err")" -eq 2
t_start
t_check "later: the daemon starts anyway" t_wait_log "later is RUNNING"
t_check "later: the warning is in the daemon's log" \
	log_has "WARN  $T/supervisor.ini:3: warning: serverurl: not supported yet; ignored"
t_check "cont: RUNNING" t_wait_log "cont is RUNNING"
t_check "cont: continuation lines are separate words" \
	t_wait 10 test "$(cat "$T/cont.out" 2>/dev/null)" = "first|second|1"
pid=$(spawned_pid cont)
t_check "cont: environment continued over two lines (A)" environ_has "$pid" "A=1"
t_check "cont: environment continued over two lines (B)" \
	environ_has "$pid" "B=two words"
t_check "long: RUNNING" t_wait_log "long is RUNNING"
pid=$(spawned_pid long)
t_check "long: the 4000-character argument arrives whole" \
	t_wait 10 arg_is "$pid" 4 "$long"
t_check "long: as the fifth of five arguments" \
	test "$(tr -cd '\0' < "/proc/$pid/cmdline" | wc -c)" -eq 5
t_stop TERM
t_check "supervisor exits 0" test "$SUP_STATUS" = 0
t_check "nothing left" no_program_left

# --- the command line ---
cli() {
	"$SUPERVISOR" "$@" > "$T/cli.out" 2> "$T/cli.err"
	CLI_STATUS=$?
}
version=$(sed -nE 's/^VERSION[[:space:]]*=[[:space:]]*//p' "$MAKEFILE")
for opt in --help -h; do
	cli "$opt"
	t_check "$opt: exit 0" test "$CLI_STATUS" = 0
	t_check "$opt: usage on stdout" \
		test "$(head -n 1 "$T/cli.out")" = "usage: supervisor [-d] [-c FILE] [-s SOCKET] [COMMAND [ARG...]]"
	t_check "$opt: nothing on stderr" test ! -s "$T/cli.err"
done
for opt in --version -V; do
	cli "$opt"
	t_check "$opt: exit 0" test "$CLI_STATUS" = 0
	t_check "$opt: prints supervisor $version" \
		test "$(cat "$T/cli.out")" = "supervisor $version"
done
cli --bogus
t_check "unknown option: exit 64" test "$CLI_STATUS" = 64
t_check "unknown option: usage on stderr" grep -q '^usage: supervisor' "$T/cli.err"
t_check "unknown option: nothing on stdout" test ! -s "$T/cli.out"
cli -c "$T/good.ini" frobnicate
t_check "unknown command: exit 64" test "$CLI_STATUS" = 64
t_check "unknown command: named" \
	grep -qxF 'supervisor: unknown command "frobnicate"' "$T/cli.err"
cli -c "$T/good.ini" check extra
t_check "extra argument: exit 64" test "$CLI_STATUS" = 64
cli -c
t_check "-c without a file: exit 64" test "$CLI_STATUS" = 64
config_check missing.ini
t_check "missing file: exit 78" test "$CHECK_STATUS" = 78
t_check "missing file: says why" \
	test "$(cat "$T/check.err")" = "missing.ini: cannot read: No such file or directory"
(cd "$T" && exec "$SUPERVISOR" -c missing.ini) > "$T/out" 2> "$T/log"
t_check "missing file: the daemon exits 78" test "$?" = 78
t_done
