#!/bin/bash
# run.sh: the whole suite.  Unit tests (one binary per module, built with
# sanitizers), then every integration test twice: against build/supervisor
# and against build/asan/supervisor (AddressSanitizer + UBSan); the load
# tests against the sanitizer build only.  Prints
# each result and ends with "N passed, N failed".  The benchmark's smoke
# run (tests/bench_smoke.sh) runs once beside them.
cd "$(dirname "$0")/.." || exit 1
SECONDS=0
out=$(mktemp -d "${TMPDIR:-/tmp}/supervisor-suite.XXXXXX")
trap 'rm -rf "$out"' EXIT
# Tests mostly wait for programs, but their /proc polls need CPU too: on
# two cores, four at a time was faster than eight, and left the polls
# less starved.
jobs=${JOBS:-4}

# The benchmark's smoke run, once, beside everything else.
tests/bench_smoke.sh > "$out/smoke.txt" 2>&1 &
smoke=$!

# Beside the integration tests too: each fuzz target for a few seconds
# (make fuzz runs them longer), the man pages' lint and make install,
# the check that no test script defines a helper another one does, the
# check of the source's layers (src/README), then the unit tests, one
# after another.
{
	FUZZ_SECONDS=${FUZZ_SECONDS:-2} tests/fuzz.sh build/fuzz/fuzz_* \
		> "$out/unit-fuzz.txt" 2>&1
	tests/install_man.sh > "$out/unit-install_man.txt" 2>&1
	tests/layers.sh > "$out/unit-layers.txt" 2>&1
	tests/helpers_once.sh > "$out/unit-helpers_once.txt" 2>&1
	for t in build/tests/test_*; do
		[ -x "$t" ] || continue
		"$t" > "$out/unit-$(basename "$t").txt" 2>&1 ||
			echo "FAIL $(basename "$t"): exit status $?" \
			    >> "$out/unit-$(basename "$t").txt"
	done
} &
units=$!

run_one() {
	local script=$1 build=$2 name rc TIMEFORMAT="%R %U %S"
	name=$(basename "$script" .sh)
	# Wall-clock and CPU seconds (user + system) of each, for the summary.
	{ time SUPERVISOR=$build/supervisor timeout 120 bash "$script" \
		> "$out/int-$name-${build//\//_}.txt" 2>&1; } \
		2> "$out/time-$name-${build//\//_}"
	rc=$?
	read -r wall user sys < "$out/time-$name-${build//\//_}"
	echo "${wall%.*} $(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%d", u + s }') $name $build" >> "$out/times.txt"
	if [ $rc -ne 0 ] && ! grep -q '^FAIL' "$out/int-$name-${build//\//_}.txt"; then
		echo "FAIL $name: exit status $rc" >> "$out/int-$name-${build//\//_}.txt"
	fi
}
export -f run_one
export out
# The load tests (hundreds of processes, a hundred clients, the faults
# with their 500 orphans, the control test's thousand requests) run once,
# against the sanitizer build: it checks all the plain build would, and
# memory errors too; twice, they took a quarter of the suite's CPU.  The
# web page's hostile clients (200 processes, 100 pages) likewise.
once=" stubborn control_clients faults control web_hostile "
# Longest first (by size, a fair proxy), so no long test starts last.
for script in $(ls -S tests/integration/*.sh); do
	[[ $once == *" $(basename "$script" .sh) "* ]] ||
		echo "$script build"
	echo "$script build/asan"
done | xargs -P "$jobs" -n 2 bash -c 'run_one "$0" "$1"'

wait "$units"
wait "$smoke"
rc=$?
if [ $rc -ne 0 ] && ! grep -q '^FAIL' "$out/smoke.txt"; then
	echo "FAIL bench_smoke: exit status $rc" >> "$out/smoke.txt"
fi
for f in "$out"/unit-*.txt "$out"/int-*build.txt "$out"/int-*asan.txt; do
	[ -f "$f" ] || continue
	case $f in *asan.txt) tag=" [asan]" ;; *) tag="" ;; esac
	sed -E "s/^(PASS|FAIL) (.*)/\1 \2$tag/" "$f"
done > "$out/all.txt"
cat "$out/smoke.txt" >> "$out/all.txt"
cat "$out/all.txt"
echo "slowest (wall, CPU s): $(sort -rn "$out/times.txt" | head -n 6 | awk '{ printf "%s%s (%s) %s, %s", (NR > 1 ? "; " : ""), $3, $4, $1, $2 }')"
echo "most CPU (wall, CPU s): $(sort -rn -k2 "$out/times.txt" | head -n 6 | awk '{ printf "%s%s (%s) %s, %s", (NR > 1 ? "; " : ""), $3, $4, $1, $2 }')"
cp "$out/times.txt" "${TIMES_COPY:-/dev/null}" 2>/dev/null
echo "suite: $SECONDS s"
passed=$(grep -c '^PASS' "$out/all.txt")
failed=$(grep -c '^FAIL' "$out/all.txt")
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
