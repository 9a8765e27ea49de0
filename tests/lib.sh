# lib.sh: helpers for the integration tests (sourced, bash).
#
# Every test gets its own temp directory ($T), marks every process it
# starts with SUPERVISOR_TEST_TAG=$T in the environment (programs inherit
# it), and on exit kills exactly the processes carrying its tag.  Results
# are lines "PASS name" / "FAIL name: why"; tests/run.sh counts them.

SUPERVISOR=${SUPERVISOR:-build/supervisor}
SUPERVISOR=$(cd "$(dirname "$SUPERVISOR")" && pwd)/$(basename "$SUPERVISOR")
T=$(mktemp -d "${TMPDIR:-/tmp}/supervisor-test.XXXXXX")
export SUPERVISOR_TEST_TAG="$T"
# Leak reports from the sanitizer build fail the daemon's exit status.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
SUP_PID=
T_FAILED=0
T_NAME=$(basename "$0" .sh)

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

t_cleanup() {
	local pid
	for pid in $(tagged_pids); do
		[ "$pid" = "$$" ] || kill -KILL "$pid" 2>/dev/null
	done
	[ -n "$SUP_PID" ] && wait "$SUP_PID" 2>/dev/null
	rm -rf "$T"
}
trap t_cleanup EXIT

t_pass() { echo "PASS $T_NAME: $1"; }

t_fail() {
	echo "FAIL $T_NAME: $1"
	T_FAILED=1
	if [ -f "$T/log" ]; then
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

# Writes the config from stdin to $T/supervisor.ini.
t_config() { cat > "$T/supervisor.ini"; }

# Starts the supervisor in the background on $T/supervisor.ini.
t_start() {
	"$SUPERVISOR" -c "$T/supervisor.ini" "$@" >"$T/out" 2>"$T/log" &
	SUP_PID=$!
}

# Milliseconds since the epoch.
now_ms() { echo $(( ${EPOCHREALTIME/./} / 1000 )); }
# t_sleep SECONDS: sleep without a fork (a read that times out on a pipe
# nobody writes to).
exec {T_SLEEP_FD}<> <(:)
t_sleep() { read -r -t "$1" -u "$T_SLEEP_FD" _; }

# t_start_as USER: as t_start, as USER when it is not root (then the test
# directory and config must be readable by USER).
t_start_as() {
	if [ "$1" = root ]; then
		t_start
		return
	fi
	(cd "$T" && exec setpriv --reuid="$1" --regid="$(id -gn "$1")" \
	    --clear-groups "$SUPERVISOR" -c "$T/supervisor.ini") \
	    >"$T/out" 2>"$T/log" &
	SUP_PID=$!
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

log_has() { grep -qE -- "$1" "$T/log"; }
log_count() { grep -cE -- "$1" "$T/log"; }
# t_wait_log PATTERN [TIMEOUT]
t_wait_log() { t_wait "${2:-10}" log_has "$1"; }

alive() { stat_read "$1" && [ "${STAT[0]}" != Z ]; }
gone() { ! alive "$1"; }
sup_gone() { ! kill -0 "$SUP_PID" 2>/dev/null; }

# Sends SIG to the supervisor and waits (up to TIMEOUT) for its exit
# status, which lands in $SUP_STATUS.
t_stop() {
	local sig=${1:-TERM} timeout=${2:-20}
	kill -"$sig" "$SUP_PID" 2>/dev/null
	if ! t_wait "$timeout" sup_gone; then
		SUP_STATUS=timeout
		return 1
	fi
	wait "$SUP_PID"
	SUP_STATUS=$?
	return 0
}

# pid of the supervisor proper (the guardian's child), from the log.
supervisor_pid() {
	grep -E "supervisor .* started as pid [0-9]+" "$T/log" | tail -n 1 |
		sed -E 's/.* started as pid ([0-9]+).*/\1/'
}

# pid of the process spawned for NAME most recently, from the log.
spawned_pid() {
	grep -E "spawned $1 pid [0-9]+" "$T/log" | tail -n 1 |
		sed -E 's/.* pid ([0-9]+).*/\1/'
}

no_program_left() { [ -z "$(program_pids)" ]; }

t_done() { exit "$T_FAILED"; }
