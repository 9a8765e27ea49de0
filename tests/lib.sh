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

# PIDs of live processes (not zombies) that carry this test's tag.
tagged_pids() {
	local d pid
	for d in /proc/[0-9]*; do
		pid=${d#/proc/}
		[ "$pid" = "$$" ] && continue
		grep -qzx "SUPERVISOR_TEST_TAG=$T" "$d/environ" 2>/dev/null ||
			continue
		[ "$(awk '{print $3}' "$d/stat" 2>/dev/null)" = Z ] && continue
		echo "$pid"
	done
}

# Tagged processes other than this shell's own helpers (subshells, sleep
# and the like that the test itself runs are not in the supervisor's tree).
program_pids() {
	local pid
	for pid in $(tagged_pids); do
		[ "$pid" = "$SUP_PID" ] && continue
		# The supervisor itself (the guardian's child) is no program.
		[ "$(readlink "/proc/$pid/exe" 2>/dev/null)" = "$SUPERVISOR" ] &&
			continue
		is_descendant_of_test "$pid" && continue
		echo "$pid"
	done
}

is_descendant_of_test() {
	local pid=$1 ppid
	while [ "$pid" -gt 1 ] 2>/dev/null; do
		[ "$pid" = "$$" ] && return 0
		[ -n "$SUP_PID" ] && [ "$pid" = "$SUP_PID" ] && return 1
		ppid=$(awk '{print $4}' "/proc/$pid/stat" 2>/dev/null) || return 1
		pid=$ppid
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

# t_wait TIMEOUT COMMAND...: polls until COMMAND succeeds.
t_wait() {
	local deadline=$(( $(date +%s%N) / 1000000 + ${1%.*} * 1000 ))
	shift
	while ! "$@"; do
		[ "$(( $(date +%s%N) / 1000000 ))" -ge "$deadline" ] && return 1
		sleep 0.02
	done
	return 0
}

log_has() { grep -qE -- "$1" "$T/log"; }
log_count() { grep -cE -- "$1" "$T/log"; }
# t_wait_log PATTERN [TIMEOUT]
t_wait_log() { t_wait "${2:-10}" log_has "$1"; }

alive() { [ -d "/proc/$1" ] && [ "$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null)" != Z ]; }
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
