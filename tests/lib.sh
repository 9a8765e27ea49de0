# lib.sh: helpers for the tests (sourced, bash).
#
# Every integration test gets its own temp directory ($T), marks every
# process it starts with SUPERVISOR_TEST_TAG=$T in the environment
# (programs inherit it), and on exit kills exactly the processes carrying
# its tag.  Results are lines "PASS name" / "FAIL name: why"; tests/run.sh
# counts them.  Every helper a test needs is defined here, once
# (tests/helpers_once.sh fails the suite when a script defines one again).
#
# A script that has a temp directory and a trap of its own and runs no
# supervisor of a test (tests/bench_smoke.sh, tests/install_man.sh) sources
# this with LIB_HELPERS_ONLY=1: it gets the helpers and nothing else, no
# temp directory, no trap, no environment for what it runs.

T_NAME=$(basename "$0" .sh)
T_FAILED=0
# PASS and FAIL lines so far, for scripts that print their own summary
# line (soak.sh, valgrind.sh) as tests/run.sh does for the suite.
N_PASSED=0
N_FAILED=0
SUP_PID=

if [ -z "$LIB_HELPERS_ONLY" ]; then
	SUPERVISOR=${SUPERVISOR:-build/supervisor}
	SUPERVISOR=$(cd "$(dirname "$SUPERVISOR")" && pwd)/$(basename "$SUPERVISOR")
	T=$(mktemp -d "${TMPDIR:-/tmp}/supervisor-test.XXXXXX")
	export SUPERVISOR_TEST_TAG="$T"
	# AUTO program logs (childlogdir defaults to $TMPDIR) stay in the
	# test's directory.
	export TMPDIR="$T"
	# Leak reports from the sanitizer build fail the daemon's exit status.
	export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
	export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
	# Each test's supervisors listen on a socket of their own, not on
	# /run/supervisor.sock (the -s and the client commands see it too).
	export SUPERVISOR_SOCKET="$T/supervisor.sock"
	# The control client most checks run: the plain build even when the
	# daemon under test is the sanitizer one (an ASan process takes 80 ms
	# to start, and tests run hundreds); tests also run "$SUPERVISOR" as
	# a client where it matters.
	CLIENT=$SUPERVISOR
	case $SUPERVISOR in
	*/asan/supervisor)
		[ -x "${SUPERVISOR%/asan/supervisor}/supervisor" ] &&
			CLIENT=${SUPERVISOR%/asan/supervisor}/supervisor ;;
	esac
	trap t_cleanup EXIT
fi

# The helpers below use bash builtins where they can: they run in polling
# loops, and a fork per process per poll costs more CPU than the programs
# under test.

# stat_read PID: fields 3 on of /proc/PID/stat (past the command name,
# which may hold blanks) into the array STAT: STAT[0] is the state,
# STAT[1] the ppid, STAT[2] the process group.
stat_read() {
	local line
	{ read -r line < "/proc/$1/stat"; } 2>/dev/null || return 1
	read -r -a STAT <<< "${line##*) }"
}

# PIDs of live processes (not zombies) that carry this test's tag.
tagged_pids() {
	local f pid
	for f in $(grep -lzx "SUPERVISOR_TEST_TAG=$T" /proc/[0-9]*/environ \
	    2>/dev/null); do
		pid=${f#/proc/}
		pid=${pid%/environ}
		[ "$pid" = "$$" ] && continue
		stat_read "$pid" && [ "${STAT[0]}" != Z ] && echo "$pid"
	done
}

# Tagged processes other than this shell's own helpers (subshells, sleep
# and the like that the test itself runs are not in the supervisor's tree).
program_pids() {
	local pid
	for pid in $(tagged_pids); do
		[ "$pid" = "$SUP_PID" ] && continue
		# The supervisor itself (the guardian's child) is no program.
		[ "/proc/$pid/exe" -ef "$SUPERVISOR" ] && continue
		is_descendant_of_test "$pid" && continue
		echo "$pid"
	done
}

is_descendant_of_test() {
	local pid=$1 ppid
	while [ "$pid" -gt 1 ] 2>/dev/null; do
		[ "$pid" = "$$" ] && return 0
		[ -n "$SUP_PID" ] && [ "$pid" = "$SUP_PID" ] && return 1
		stat_read "$pid" || return 1
		pid=${STAT[1]}
	done
	return 1
}

# end_run: kills all tagged processes but this shell, forgets the guardian.
end_run() {
	local pid
	for pid in $(tagged_pids); do
		kill -KILL "$pid" 2>/dev/null
	done
	[ -n "$SUP_PID" ] && { wait "$SUP_PID"; } 2>/dev/null
	SUP_PID=
}

t_cleanup() {
	end_run
	rm -rf "$T"
}

t_pass() {
	echo "PASS $T_NAME: $1"
	N_PASSED=$((N_PASSED + 1))
}

t_fail() {
	echo "FAIL $T_NAME: $1"
	T_FAILED=1
	N_FAILED=$((N_FAILED + 1))
	if [ -n "$T" ] && [ -f "$T/log" ]; then
		echo "---- supervisor log ($T/log) ----"
		tail -n 60 "$T/log"
		echo "----"
	fi
}

# t_check NAME COMMAND...: PASS when the command succeeds.
t_check() {
	local name=$1
	shift
	if "$@"; then t_pass "$name"; else t_fail "$name"; fi
}

# ctl ARG...: runs the control client (on this test's socket); its stdout
# in OUT, stderr in ERR, exit status in RC, milliseconds taken in MS.
ctl() {
	local t0
	t0=$(now_ms)
	"$CLIENT" "$@" >"$T/ctl.out" 2>"$T/ctl.err"
	RC=$?
	MS=$(( $(now_ms) - t0 ))
	OUT=$(< "$T/ctl.out")
	ERR=$(< "$T/ctl.err")
}
# ctl_check NAME WANT ARG...: runs the client, checks its exit status.
ctl_check() {
	local name=$1 want=$2
	shift 2
	ctl "$@"
	if [ "$RC" = "$want" ]; then
		t_pass "$name (exit $RC, ${MS} ms)"
	else
		t_fail "$name: exit $RC, want $want; stdout: $OUT; stderr: $ERR"
	fi
}

# The status table of the running supervisor (jq on status --json costs
# more CPU than the client, in polls).
# status_of NAME: the row of process NAME in STATUS, its state in STATE,
# its pid in SPAWN_PID ("-" when none), the bytes of output it lost in
# LOST (0 when none); false when status lists no NAME.
status_of() {
	local line
	STATUS= STATE= SPAWN_PID= LOST=0
	while IFS= read -r line; do
		[[ $line == "$1 "* ]] || continue
		STATUS=$line
		read -r _ STATE SPAWN_PID _ <<< "$line"
		[[ $line =~ \(([0-9]+)\ bytes\ of\ output\ lost\)$ ]] &&
			LOST=${BASH_REMATCH[1]}
	done < <("$CLIENT" status 2>/dev/null)
	[ -n "$STATUS" ]
}
# state_of NAME: the state status gives for process NAME.
state_of() { status_of "$1"; echo "$STATE"; }
# state_is NAME STATE: process NAME is in STATE (its pid in SPAWN_PID).
state_is() { status_of "$1" && [ "$STATE" = "$2" ]; }
# pid_of NAME: the pid the supervisor gives for NAME (0: not running).
pid_of() { "$CLIENT" pid "$1" 2>/dev/null; }
# names: the process names status lists, sorted, each followed by a blank.
names() {
	"$CLIENT" status 2>/dev/null | awk 'NR > 1 { print $1 }' | sort |
		tr '\n' ' '
}

# answers [ARG...]: the supervisor answers the client's request (version,
# or ARG...) with exit status 0; its reply in OUT and ERR, as ctl leaves
# them.
answers() {
	ctl "${@:-version}"
	[ "$RC" = 0 ]
}

# What a command printed, in OUT (stdout) and ERR (stderr) as ctl leaves
# them (scripts that run other commands set them the same way).
# out_has LINE: a line of stdout is exactly LINE.
out_has() { grep -qxF -- "$1" <<< "$OUT"; }
# out_matches PATTERN: a line of stdout matches the extended regex.
out_matches() { grep -qE -- "$1" <<< "$OUT"; }
# err_has TEXT: stderr holds TEXT.
err_has() { grep -qF -- "$1" <<< "$ERR"; }
# err_matches PATTERN: a line of stderr matches the extended regex.
err_matches() { grep -qE -- "$1" <<< "$ERR"; }

# same FILE1 FILE2: identical contents; shows the difference if not.
same() { diff -u "$1" "$2" >&2; }

# Writes the config from stdin to $T/supervisor.ini.
t_config() { cat > "$T/supervisor.ini"; }
# t_config_renamed: as t_config, through a new file renamed over the old
# one: the config watch sees the old file or the new one, never half of
# one.
t_config_renamed() {
	cat > "$T/supervisor.ini.tmp"
	mv "$T/supervisor.ini.tmp" "$T/supervisor.ini"
}
# edit_in_place SED-SCRIPT: the config edited by sed and written over in
# place (same inode), as an editor that writes the file over does.
edit_in_place() {
	local text
	text=$(sed -e "$1" "$T/supervisor.ini")
	printf '%s\n' "$text" > "$T/supervisor.ini"
}
# edit_by_rename SED-SCRIPT: the config edited by sed, renamed into place.
edit_by_rename() {
	sed -e "$1" "$T/supervisor.ini" > "$T/supervisor.ini.tmp"
	mv "$T/supervisor.ini.tmp" "$T/supervisor.ini"
}
# web_config STARTSECS [LINE...]: a config of one program, web (sleep
# 1000, RUNNING after STARTSECS, its output to NONE), after a [supervisor]
# section of the LINEs given.
web_config() {
	local startsecs=$1
	shift
	{
		echo "[supervisor]"
		[ $# -eq 0 ] || printf '%s\n' "$@"
		printf '\n[program:web]\ncommand = sleep 1000\n'
		printf 'startsecs = %s\n' "$startsecs"
		printf 'stdout_logfile = NONE\nstderr_logfile = NONE\n'
	} | t_config
}
# reloads: how many reloads the config watch has logged.
reloads() { log_count "reload \\(the config file changed\\): "; }
# after_edit N [TIMEOUT]: the watch's reload number N has been logged,
# within TIMEOUT seconds (10).
after_edit() { t_wait "${2:-10}" eval '[ "$(reloads)" -ge '"$1"' ]'; }

# Starts the supervisor in the background on $T/supervisor.ini, its
# stdout into $T/out (or T_STDOUT), its stderr into $T/log (or T_STDERR).
t_start() {
	: > "$T/log"	# not the last run's, while the new one starts
	"$SUPERVISOR" -c "$T/supervisor.ini" "$@" >"${T_STDOUT:-$T/out}" \
	    2>"${T_STDERR:-$T/log}" &
	SUP_PID=$!
}

# auto_log NAME [STREAM]: the AUTO log file of process NAME (stdout by
# default) in the childlogdir, $AUTO_DIR ($T unless a test says):
# NAME-STREAM---supervisor-XXXXXX.log, its random part made by the
# supervisor.  A path that does not exist when there is none (yet), so that
# reads of it fail rather than read another.
auto_log() {
	local f dir=${AUTO_DIR:-$T}
	for f in "$dir/$1-${2:-stdout}---supervisor-"??????.log; do
		[ -e "$f" ] && { echo "$f"; return 0; }
	done
	echo "$dir/$1-${2:-stdout}---supervisor-none.log"
	return 1
}

# as_user USER COMMAND...: COMMAND run as USER (its primary group, no
# other), as an attacker without privileges would run it.
as_user() {
	local user=$1
	shift
	setpriv --reuid="$user" --regid="$(id -gn "$user")" --clear-groups "$@"
}

# The readiness tests' programs (tests/integration/ready), and the Python
# with Debian's modules that runs them.
READY_D=$(cd "$(dirname "${BASH_SOURCE[0]}")/integration/ready" 2>/dev/null && pwd)
PY=/usr/bin/python3
# free_port: a TCP port of 127.0.0.1 nobody listens on now (the kernel's
# pick), for a program of the test to open.
# status_info NAME: what status says of NAME's readiness, health or wait
# (the parenthesis at the end of its row; empty when none).
status_info() {
	status_of "$1" || return 1
	INFO=
	[[ $STATUS =~ [0-9]\ \ \((.*)\)$ ]] && INFO=${BASH_REMATCH[1]}
	return 0
}

# Milliseconds since the epoch.
now_ms() { echo $(( ${EPOCHREALTIME/./} / 1000 )); }
# t_sleep SECONDS: sleep without a fork (a read that times out on a pipe
# nobody writes to).
exec {T_SLEEP_FD}<> <(:)
t_sleep() { read -r -t "$1" -u "$T_SLEEP_FD" _; }

# t_start_as USER: as t_start, as USER when it is neither root nor the
# user running the test (then the test directory and config must be
# readable by USER).
t_start_as() {
	if [ "$1" = root ] || [ "$1" = "$(id -un)" ]; then
		t_start
		return
	fi
	mkdir -p "$T/run.$1" && chown "$1" "$T/run.$1"
	(cd "$T" && SUPERVISOR_SOCKET=$T/run.$1/supervisor.sock \
	    exec setpriv --reuid="$1" --regid="$(id -gn "$1")" \
	    --clear-groups "$SUPERVISOR" -c "$T/supervisor.ini") \
	    >"${T_STDOUT:-$T/out}" 2>"${T_STDERR:-$T/log}" &
	SUP_PID=$!
}

# containers_work: this test may make containers (root, and unshare can
# make pid and mount namespaces here).
containers_work() {
	[ "$(id -u)" = 0 ] &&
		unshare --pid --mount --fork --mount-proc true 2>/dev/null
}
# IN_CONTAINER COMMAND...: COMMAND as a container's init, as a container
# runtime starts it: PID 1 of a new pid and mount namespace with its own
# /proc, and an empty environment (but for the test's tag, for the
# cleanup, and the sanitizer's options).  An array, not a function: run
# in the background, "$!" is unshare's pid.
IN_CONTAINER=(unshare --pid --mount --fork --mount-proc env -i
    SUPERVISOR_TEST_TAG="$T" ASAN_OPTIONS="$ASAN_OPTIONS"
    UBSAN_OPTIONS="$UBSAN_OPTIONS")
# container_start LOG [COMMAND...] -- ARG...: the supervisor with ARGs
# (after COMMAND: what runs it) in a container (IN_CONTAINER), in the
# background, its stderr to LOG.  UNSHARE_PID is unshare's pid, INIT_PID
# the init's (COMMAND's, then the guardian's) outside the container.
container_start() {
	local log=$1 pre=()
	shift
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		pre+=("$1")
		shift
	done
	shift
	"${IN_CONTAINER[@]}" "${pre[@]}" "$SUPERVISOR" "$@" > /dev/null \
	    2> "$log" &
	UNSHARE_PID=$!
	INIT_PID=
	t_wait 10 eval 'children_scan "$UNSHARE_PID"; INIT_PID=${LIVE[0]}
	    [ -n "$INIT_PID" ]'
}

# pty_start [tostop] COMMAND...: COMMAND on a pseudo-terminal, as in an
# interactive shell: the session leader, in the foreground (with tostop:
# "stty tostop", background writes stop the writer).  What it writes goes
# to $T/pty.out, then "EXIT N" once it has exited; PTY_PID is the pid of
# the driver (python, which keeps the master side), ctrl_c types Ctrl-C,
# pty_type TEXT a line, pty_eof Ctrl-D.
pty_start() {
	local tostop=0
	if [ "$1" = tostop ]; then
		tostop=1
		shift
	fi
	mkfifo "$T/keys"
	/usr/bin/python3 - "$tostop" "$T/keys" "$@" > "$T/pty.out" 2>&1 \
	    <<'EOF' &
import os, pty, select, sys, termios
tostop, keys, argv = sys.argv[1] == "1", sys.argv[2], sys.argv[3:]
pid, master = pty.fork()
if pid == 0:
    if tostop:
        a = termios.tcgetattr(0)
        a[3] |= termios.TOSTOP
        termios.tcsetattr(0, termios.TCSANOW, a)
    os.execv(argv[0], argv)
kf = os.open(keys, os.O_RDONLY | os.O_NONBLOCK)
typed = b""
while True:
    r, _, _ = select.select([master, kf], [], [], 30)
    if master in r:
        try:
            data = os.read(master, 4096)
        except OSError:
            break
        if not data:
            break
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    if kf in r:
        typed += os.read(kf, 4096)
        while b"\n" in typed:
            line, typed = typed.split(b"\n", 1)
            if line.startswith(b"t "):
                os.write(master, line[2:] + b"\n")
            else:
                os.write(master, b"\x04" if line == b"d" else b"\x03")
_, status = os.waitpid(pid, 0)
print("EXIT", os.waitstatus_to_exitcode(status))
EOF
	PTY_PID=$!
	exec {PTY_KEYS}> "$T/keys"	# keeps the FIFO open for the driver
}
ctrl_c() { echo c >&"$PTY_KEYS"; }
pty_type() { echo "t $*" >&"$PTY_KEYS"; }
pty_eof() { echo d >&"$PTY_KEYS"; }

# t_start_piped [USER [both]]: as t_start (t_start_as USER), the
# supervisor's stdout (and with "both" its stderr too, as 2>&1 does) a
# pipe into a reader, as a container's is: an anonymous pipe this shell
# makes (as root: another user cannot open it again through /proc), read
# by a cat into $T/piped.  The cat's pid is READER_PID: reader_stop and
# reader_go stall it and let it read on.  Once the supervisor is gone the
# cat sees the end of the pipe: reader_done waits for it.
t_start_piped() {
	local fd
	: > "$T/piped"
	exec {fd}> >(exec cat > "$T/piped")
	READER_PID=$!
	T_STDOUT=/dev/fd/$fd
	[ "$2" = both ] && T_STDERR=/dev/fd/$fd
	if [ -n "$1" ]; then t_start_as "$1"; else t_start; fi
	T_STDOUT= T_STDERR=
	exec {fd}>&-
}
reader_stop() { kill -STOP "$READER_PID"; }
reader_go() { kill -CONT "$READER_PID"; }
reader_done() { t_wait "${1:-20}" gone "$READER_PID"; }
# piped_size: the bytes the reader has written to $T/piped.
piped_size() { local s; s=$(stat -c %s "$T/piped" 2>/dev/null); echo "${s:-0}"; }

# Bursts of numbered lines, checked: program pK (K = 1, 2, 3) prints N
# lines "pK I PAD", PAD K's letter (a, b or c) repeated a number of
# times that depends on I (0 to 330; every 1000th line 6000, more than a
# pipe takes in one write), through awk's buffered output, so that its
# writes end in the middle of lines.
# burst_command K N: the command of program pK; it waits for $T/go.
burst_command() {
	[ -f "$T/burst.awk" ] || cat > "$T/burst.awk" <<'EOF'
function len(i) { return i % 1000 == 0 ? 6000 + i % 7 : (i * 7919) % 331 }
BEGIN {
	pad = sprintf("%6010s", "")
	gsub(/ /, letter, pad)
	for (i = 1; i <= n; i++)
		printf "%s %d %s\n", name, i, substr(pad, 1, len(i))
}
EOF
	printf "sh -c 'while [ ! -e %s/go ]; do sleep 0.01; done; exec awk -v name=p%s -v letter=%s -v n=%s -f %s/burst.awk'" \
	    "$T" "$1" "$(echo abc | cut -c"$1")" "$2" "$T"
}
# burst_check FILE...: the lines of the FILEs, as one stream, checked;
# sets BURST to "bad=B order=O p1=N1 p2=N2 p3=N3": B lines that are not
# one program's whole line (another's bytes inside, or cut short), O
# lines out of their program's order (or there twice), N lines of each
# program.
burst_check() {
	BURST=$(cat "$@" | awk '
	function len(i) { return i % 1000 == 0 ? 6000 + i % 7 : (i * 7919) % 331 }
	{
		if ($0 !~ /^p[123] [0-9]+ [abc]*$/) { bad++; next }
		name = $1; i = $2 + 0; pad = $3
		letter = substr("abc", substr(name, 2) + 0, 1)
		if (length(pad) != len(i) ||
		    (pad != "" && pad !~ ("^" letter "+$"))) {
			bad++
			next
		}
		if (i != last[name] + 1)
			order++
		last[name] = i
		count[name]++
	}
	END {
		printf "bad=%d order=%d p1=%d p2=%d p3=%d\n", bad + 0,
		    order + 0, count["p1"], count["p2"], count["p3"]
	}')
}
# burst_whole N: BURST says every line whole and in order, N of each.
burst_whole() { [ "$BURST" = "bad=0 order=0 p1=$1 p2=$1 p3=$1" ]; }
# burst_done: p1, p2 and p3 have printed their lines and exited.
burst_done() {
	state_is p1 EXITED && state_is p2 EXITED && state_is p3 EXITED
}

# cgroup2_mount: where cgroup v2 is mounted (the first); empty if not.
cgroup2_mount() { awk '$3 == "cgroup2" { print $2; exit }' /proc/self/mounts; }

# containment_for USER: "cgroup" when the supervisor run as USER should
# find cgroup v2 writable (root, and this test's own cgroup v2 directory
# is writable), else "procfs".  A machine without a writable cgroup v2
# runs even root's tests in process-group mode.
containment_for() {
	local mnt rel line
	[ "$1" = root ] && [ "$(id -u)" = 0 ] || { echo procfs; return; }
	mnt=$(cgroup2_mount)
	while read -r line; do
		case $line in 0::*) rel=${line#0::} ;; esac
	done < /proc/self/cgroup
	if [ -n "$mnt" ] && [ -n "${rel+x}" ] && [ -w "$mnt$rel" ]; then
		echo cgroup
	else
		echo procfs
	fi
}

# need_childutils: Debian's python3 with supervisor.childutils (the
# event listener helper real listeners use) in PY, the directory of the
# test scripts (its listeners/) in HERE; else the script passes as
# skipped and ends.
need_childutils() {
	PY=/usr/bin/python3
	HERE=$(cd "$(dirname "$0")" && pwd)
	if [ ! -x "$PY" ] ||
	    ! "$PY" -c 'import supervisor.childutils' 2>/dev/null; then
		t_pass "skipped: Debian's python3-supervisor is not installed"
		exit 0
	fi
}

# t_wait TIMEOUT COMMAND...: polls until COMMAND succeeds.
t_wait() {
	local deadline=$(( ${EPOCHREALTIME/./} / 1000 + ${1%.*} * 1000 ))
	shift
	while ! "$@"; do
		[ $(( ${EPOCHREALTIME/./} / 1000 )) -ge "$deadline" ] && return 1
		t_sleep 0.02
	done
	return 0
}
# slowly COMMAND...: as COMMAND, a little later (SLOWLY_S seconds, 0.1 by
# default), for t_wait's polls of commands that fork or walk /proc with
# hundreds of processes about.
slowly() { t_sleep "${SLOWLY_S:-0.1}"; "$@"; }

# The supervisor's log as the log helpers read it, in the array LOGS:
# $T/log, where t_start sends its stderr.  A test whose supervisor writes
# a log file of its own at $T/log, rotated, and its stderr to $T/stderr
# sets LOG_ROTATED=1: then every piece counts, the backups ($T/log.N) and
# that stderr too.  A test that runs several supervisors at once names
# the one it looks at in T_LOG.
log_files() {
	if [ -n "$T_LOG" ]; then
		LOGS=("$T_LOG")
	elif [ -n "$LOG_ROTATED" ]; then
		LOGS=("$T"/log* "$T/stderr")
	else
		LOGS=("$T/log")
	fi
}
# log_has PATTERN: a log line matches the extended regex.
log_has() {
	log_files
	grep -qE -- "$1" "${LOGS[@]}" 2>/dev/null
}
# log_lacks PATTERN: no log line matches.
log_lacks() { ! log_has "$1"; }
# log_count PATTERN: how many log lines match.
log_count() {
	log_files
	if [ "${#LOGS[@]}" -eq 1 ]; then
		grep -cE -- "$1" "${LOGS[0]}"
	else
		cat "${LOGS[@]}" 2>/dev/null | grep -cE -- "$1"
	fi
}
# log_first PATTERN [FILE]: the first line of the log (or of FILE)
# matching in LINE, its number in LINE_NO.
log_first() {
	local line f n=0
	LINE= LINE_NO=
	if [ $# -gt 1 ]; then
		LOGS=("$2")
	else
		log_files
	fi
	for f in "${LOGS[@]}"; do
		{ while IFS= read -r line || [ -n "$line" ]; do
			n=$((n + 1))
			if [[ $line =~ $1 ]]; then
				LINE=$line LINE_NO=$n
				return 0
			fi
		done < "$f"; } 2>/dev/null
	done
	return 1
}
# line_of PATTERN [FILE]: number of the first line of the log (or of
# FILE) matching (empty if none).
line_of() { log_first "$@"; echo "$LINE_NO"; }
# stamp_ms DATE TIME: as date -d "DATE TIME" +%s%3N for a log time stamp.
stamp_ms() {
	local y m d s z i re='^([0-9]{4})-([0-9]{2})-([0-9]{2}) '
	re+='([0-9]{2}):([0-9]{2}):([0-9]{2})\.([0-9]{3})$'
	if ! [[ "$1 $2" =~ $re ]]; then
		date -d "$1 $2" +%s%3N
		return
	fi
	y=$((10#${BASH_REMATCH[1]})) m=$((10#${BASH_REMATCH[2]}))
	d=$((10#${BASH_REMATCH[3]}))
	# Days since the epoch of the civil date (H. Hinnant's algorithm).
	(( y -= m <= 2, m = m > 2 ? m - 3 : m + 9 ))
	(( d = y / 400 * 146097 + (y % 400) * 365 + (y % 400) / 4 -
	    (y % 400) / 100 + (153 * m + 2) / 5 + d - 1 - 719468 ))
	(( s = d * 86400 + 10#${BASH_REMATCH[4]} * 3600 +
	    10#${BASH_REMATCH[5]} * 60 + 10#${BASH_REMATCH[6]} ))
	# Less the local offset from UTC at that time (twice, for DST).
	z=$s
	for i in 1 2; do
		printf -v z '%(%z)T' "$z"
		(( z = s - (${z:0:1}1) * (10#${z:1:2} * 3600 + 10#${z:3:2} * 60) ))
	done
	echo $(( z * 1000 + 10#${BASH_REMATCH[7]} ))
}
# log_ms PATTERN: epoch milliseconds of the first log line matching
# (nothing, and false, if none does).
log_ms() {
	local d t
	log_first "$1" || return 1
	read -r d t _ <<< "$LINE"
	stamp_ms "$d" "$t"
}
# t_wait_log PATTERN [TIMEOUT]
t_wait_log() { t_wait "${2:-10}" log_has "$1"; }

alive() { stat_read "$1" && [ "${STAT[0]}" != Z ]; }
gone() { ! alive "$1"; }
sup_gone() { ! kill -0 "$SUP_PID" 2>/dev/null; }
# env_of PID: the environment of PID, one variable a line.
env_of() {
	local -a env
	mapfile -d '' -t env < "/proc/$1/environ" || return 1
	[ "${#env[@]}" -eq 0 ] || printf '%s\n' "${env[@]}"
}
# environ_has PID VAR=VALUE: the environment of PID holds VAR=VALUE.
environ_has() {
	local -a env
	local v
	{ mapfile -d '' -t env < "/proc/$1/environ"; } 2>/dev/null || return 1
	for v in "${env[@]}"; do
		[ "$v" = "$2" ] && return 0
	done
	return 1
}
# exe_is PID PATH: PID runs the executable PATH (it has exec'd: before
# that, /proc shows the supervisor's forked copy).
exe_is() { [ "$(readlink "/proc/$1/exe")" = "$2" ]; }
# status_field PID KEY: the value of KEY in /proc/PID/status.
status_field() { awk -v k="$2:" '$1 == k { $1 = ""; print substr($0, 2) }' "/proc/$1/status"; }
# cwd_is PID DIR: PID's current directory is DIR.
cwd_is() { [ "$(readlink "/proc/$1/cwd")" = "$2" ]; }
# umask_is PID MASK: PID's umask is MASK (as /proc shows it: 0022).
umask_is() { [ "$(status_field "$1" Umask)" = "$2" ]; }
# uid_is PID UID: PID's real and effective uid are UID.
uid_is() { [ "$(status_field "$1" Uid | awk '{ print $1 "," $2 }')" = "$2,$2" ]; }
# status_kb PID KEY: the number of kB of KEY (VmRSS, VmHWM...) there.
status_kb() { awk -v k="$2:" '$1 == k { print $2 }' "/proc/$1/status"; }
# is_stopped PID: PID is stopped (state T), by SIGSTOP for instance.
is_stopped() { stat_read "$1" && [ "${STAT[0]}" = T ]; }

# sigmask_has PID FIELD SIG: mask FIELD (SigIgn...) of /proc/PID/status has SIG.
sigmask_has() {
	local key mask=
	{ while read -r key mask; do
		[ "$key" = "$2:" ] && break
	done < "/proc/$1/status"; } 2>/dev/null
	[ "$key" = "$2:" ] && [ -n "$mask" ] && (( (16#$mask >> ($3 - 1)) & 1 ))
}
# ignores PID SIG: PID ignores signal number SIG.
ignores() { sigmask_has "$1" SigIgn "$2"; }
# catches PID SIG: PID has a handler for signal number SIG.
catches() { sigmask_has "$1" SigCgt "$2"; }

# group_scan PGRP: the live members of process group PGRP into array GROUP.
group_scan() {
	local f line rest state
	GROUP=()
	for f in /proc/[0-9]*/stat; do
		{ read -r line < "$f"; } 2>/dev/null || continue
		rest=${line##*) }	# state ppid pgrp ...
		state=${rest%% *}
		rest=${rest#* }
		rest=${rest#* }
		[ "${rest%% *}" = "$1" ] && [ "$state" != Z ] &&
			GROUP+=("${line%% *}")
	done
	return 0
}
# group_pids PGRP: the live members of process group PGRP, one a line.
group_pids() {
	group_scan "$1"
	[ "${#GROUP[@]}" -eq 0 ] || printf '%s\n' "${GROUP[@]}"
}
# group_size PGRP N: process group PGRP has exactly N live members.
group_size() { group_scan "$1"; [ "${#GROUP[@]}" -eq "$2" ]; }

# children_scan PID...: the children of the PIDs into the arrays LIVE
# (not zombies) and ZOMBIES, from /proc without a fork.
children_scan() {
	local f line rest state ppid parents=" $* "
	LIVE=() ZOMBIES=()
	for f in /proc/[0-9]*/stat; do
		{ read -r line < "$f"; } 2>/dev/null || continue
		rest=${line##*) }	# state ppid ...
		state=${rest%% *}
		rest=${rest#* }
		ppid=${rest%% *}
		[[ $parents == *" $ppid "* ]] || continue
		if [ "$state" = Z ]; then
			ZOMBIES+=("${line%% *}")
		else
			LIVE+=("${line%% *}")
		fi
	done
	return 0
}
# no_lasting_zombie SECONDS PID...: no child of the PIDs (the test's own
# guardian and supervisor: never the machine's other processes) is a
# zombie both now and SECONDS later; says which are.  A child that just
# exited is a zombie until the loop reaps it, which on a loaded machine
# can take a few milliseconds: one reaped promptly is never seen twice,
# one that is not reaped stays.
no_lasting_zombie() {
	local wait=$1 before pid lasting=
	shift
	children_scan "$@"
	[ "${#ZOMBIES[@]}" -eq 0 ] && return 0
	before=" ${ZOMBIES[*]} "
	t_sleep "$wait"
	children_scan "$@"
	for pid in "${ZOMBIES[@]}"; do
		[[ $before == *" $pid "* ]] && lasting+=" $pid"
	done
	[ -z "$lasting" ] && return 0
	echo "zombies:$lasting"
	return 1
}

# all_gone PID...: none of them lives; says which do.
all_gone() {
	local pid ok=0
	for pid in "$@"; do
		alive "$pid" || continue
		echo "left: $pid $(tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null)"
		ok=1
	done
	return $ok
}

# Sends SIG to the supervisor and waits (up to TIMEOUT) for its exit
# status, which lands in $SUP_STATUS.
t_stop() {
	local sig=${1:-TERM} timeout=${2:-20}
	kill -"$sig" "$SUP_PID" 2>/dev/null
	t_wait_exit "$timeout"
}
# t_wait_exit [TIMEOUT]: waits (up to TIMEOUT, 20 s) for the supervisor
# to exit by itself; its exit status in $SUP_STATUS, "timeout" if not.
t_wait_exit() {
	if ! t_wait "${1:-20}" sup_gone; then
		SUP_STATUS=timeout
		return 1
	fi
	wait "$SUP_PID"
	SUP_STATUS=$?
	return 0
}

# pid of the supervisor proper (the guardian's child), from the log.
supervisor_pid() {
	log_files
	grep -hE "supervisor .* started as pid [0-9]+" "${LOGS[@]}" \
	    2>/dev/null | tail -n 1 |
		sed -E 's/.* started as pid ([0-9]+).*/\1/'
}

# pid of the process spawned for NAME most recently, from the log.
spawned_pid() {
	log_files
	grep -hE "spawned $1 pid [0-9]+" "${LOGS[@]}" 2>/dev/null |
		tail -n 1 | sed -E 's/.* pid ([0-9]+).*/\1/'
}
# spawn_count NAME: how many times NAME was spawned, from the log.
spawn_count() { log_count "spawned $1 pid"; }
# spawned_at_least NAME N: NAME was spawned N times or more.
spawned_at_least() { [ "$(spawn_count "$1")" -ge "$2" ]; }

no_program_left() { [ -z "$(program_pids)" ]; }

# survivors: the pids listed in $T/pids that still live, then program_pids.
survivors() {
	local pid
	while read -r pid; do
		alive "$pid" && echo "$pid"
	done < "$T/pids"
	program_pids
}
# no_survivor: survivors would print nothing.
no_survivor() {
	local pid
	while read -r pid; do
		alive "$pid" && return 1
	done < "$T/pids"
	no_program_left
}

# switches PID: PID's context switches so far, both kinds, all its
# threads: a loop that nothing wakes makes none.
switches() {
	cat /proc/"$1"/task/*/status 2>/dev/null |
	    awk '/ctxt_switches:/ { n += $2 } END { print n + 0 }'
}

# health_by_file NAME: a [program:NAME] section whose health check passes
# while $T/healthy exists (checked every 0.1 s; 1000 failures in a row
# before a restart: none in a test's time).
health_by_file() {
	printf '[program:%s]\ncommand = sleep 1000\nstartsecs = 0\n' "$1"
	printf 'healthcheck = exec:test -e %s/healthy\n' "$T"
	printf 'healthcheck_interval = 0.1\nhealthcheck_retries = 1000\n'
}

# free_port: a TCP port nothing listens on at 127.0.0.1, for an
# [inet_http_server]: below the kernel's ephemeral range, so that no
# client's connection takes it between the choice and the bind.
free_port() {
	local p
	while :; do
		p=$(( 20000 + (RANDOM * 32768 + RANDOM) % 12000 ))
		(exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || break
	done
	echo "$p"
}

# web METHOD PATH [CURL-ARG...]: an HTTP request to $WEB (the test's
# [inet_http_server], http://127.0.0.1:PORT); its status in CODE, its
# body in BODY (and $T/web.body), its headers in $T/web.head.
web() {
	local method=$1 path=$2
	shift 2
	CODE=$(curl -s -o "$T/web.body" -D "$T/web.head" -w '%{http_code}' \
	    --max-time 10 -X "$method" "$@" "$WEB$path")
	BODY=$(< "$T/web.body")
}
# head_has LINE: the last response's headers have the line (any case
# in its name).
head_has() { tr -d '\r' < "$T/web.head" | grep -qiF -- "$1"; }
# csrf_token: the page's CSRF token (from GET /).
csrf_token() {
	web GET / "${WEB_AUTH[@]}"
	sed -n 's/.*name="csrf-token" content="\([0-9a-f]*\)".*/\1/p' \
	    <<< "$BODY"
}

t_done() { exit "$T_FAILED"; }

# ---- Debian's supervisorctl against this supervisor and supervisord ----
# (supervisorctl.sh, supervisorctl_update.sh)

# sctl_conf WHO: the config for WHO (ours or theirs), in $T/WHO.
sctl_conf() {
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
# Exits at once, but not before supervisord's startProcess has looked:
# \`true\` could exit first, and supervisord then said "abnormal
# termination" or "started" depending on which of the two ran first.
command = sleep 0.1
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
# $T/WHO/out, with its exit status as the last line.  WHO mine is this
# supervisor driven by its own supervisorctl personality (SCTL_MINE:
# the build's supervisorctl link), ours and theirs by Debian's.
SCTL_MINE=${SCTL_MINE:-$(dirname "$SUPERVISOR")/supervisorctl}
sctl() {
	local who=$1 client=/usr/bin/supervisorctl
	shift
	[ "$who" = mine ] && client=$SCTL_MINE
	timeout 20 "$client" -c "$T/$who/sup.conf" "$@" \
	    > "$T/$who/raw" 2>&1
	echo "exit $?" >> "$T/$who/raw"
	sed -E -e 's/pid [0-9]+/pid N/g' -e 's/uptime [0-9:]+( days?,)?[0-9:]*/uptime T/g' \
	    -e 's/^[0-9]+$/N/' \
	    -e 's/[A-Z][a-z]{2} [0-9]{2} [0-9]{2}:[0-9]{2} [AP]M/DATE/g' \
	    -e "s|$T/$who|DIR|g" "$T/$who/raw" > "$T/$who/out"
}

# sctl_both NAME ARG...: the command against all three (Debian's
# supervisorctl against ours and theirs, the personality against mine);
# their outputs equal supervisord's.  (SORTED=1: in any order: processes
# that stop or start together finish in the order they get there.)
sctl_both() {
	local name=$1 who pids=()
	shift
	sctl ours "$@" &
	pids+=($!)
	sctl mine "$@" &
	pids+=($!)
	sctl theirs "$@"
	wait "${pids[@]}"
	for who in ours mine theirs; do
		[ -n "$SORTED" ] && sort -o "$T/$who/out" "$T/$who/out"
	done
	for who in ours mine; do
		if diff -u "$T/theirs/out" "$T/$who/out" > "$T/diff"; then
			t_pass "$name ($who): same output ($(head -c 60 \
			    "$T/$who/out" | tr '\n' '|'))"
		else
			t_fail "$name ($who): outputs differ (supervisord's -," \
			    "$who +)"
			cat "$T/diff"
		fi
	done
}

sctl_all_running() {
	sctl "$1" status
	[ "$(grep -c RUNNING "$T/$1/out")" = 3 ]
}

# sctl_start_both: the config of sctl_conf under this supervisor twice
# (SUP_PID for Debian's supervisorctl, MINE_PID for the personality) and
# under Debian's supervisord (THEIR_PID), all up, all RUNNING.
sctl_start_both() {
	local who
	sctl_conf ours
	sctl_conf mine
	sctl_conf theirs
	# Ours would apply an edit by itself: here supervisorctl's reread and
	# update do, as under supervisord.
	for who in ours mine; do
		sed -i 's/^\[supervisord\]$/&\nwatch_config = false/' \
		    "$T/$who/sup.conf"
	done
	# The socket the config names, not the one lib.sh sets for the suite.
	env -u SUPERVISOR_SOCKET "$SUPERVISOR" -c "$T/ours/sup.conf" > "$T/out" \
	    2> "$T/log" &
	SUP_PID=$!
	env -u SUPERVISOR_SOCKET "$SUPERVISOR" -c "$T/mine/sup.conf" \
	    > "$T/mine/stdout" 2> "$T/mine/log" &
	MINE_PID=$!
	/usr/bin/supervisord -n -c "$T/theirs/sup.conf" > "$T/theirs/stdout" 2>&1 &
	THEIR_PID=$!
	t_check "both up: all RUNNING under ours" t_wait 20 sctl_all_running ours
	t_check "both up: all RUNNING under mine" t_wait 20 sctl_all_running mine
	t_check "both up: all RUNNING under supervisord" t_wait 20 sctl_all_running theirs
}
