#!/bin/bash
# fuzz.sh TARGET...: runs each libFuzzer target for FUZZ_SECONDS (default
# 60) on a copy of its seed corpus (tests/fuzz/corpus/NAME), and prints
# "PASS fuzz: NAME ..." or "FAIL fuzz: NAME ..." with the crash input kept
# under build/fuzz/NAME-crashes/ to turn into a regression test.
cd "$(dirname "$0")/.." || exit 1
secs=${FUZZ_SECONDS:-60}
rc=0
for target in "$@"; do
	name=$(basename "$target")
	name=${name#fuzz_}
	work=$(mktemp -d "${TMPDIR:-/tmp}/supervisor-fuzz.XXXXXX")
	crashes=build/fuzz/$name-crashes
	mkdir -p "$crashes"
	cp tests/fuzz/corpus/"$name"/* "$work"/ 2>/dev/null
	if "$target" -max_total_time="$secs" -timeout=5 -rss_limit_mb=512 \
	    -artifact_prefix="$crashes/" -print_final_stats=1 "$work" \
	    > "$work.log" 2>&1; then
		runs=$(sed -nE 's/^stat::number_of_executed_units: *//p' "$work.log")
		echo "PASS fuzz: $name: ${runs:-?} inputs in ${secs}s, no crash, leak or hang"
	else
		echo "FAIL fuzz: $name: see $crashes/ ($(grep -m1 -E 'ERROR|SUMMARY|deadly' "$work.log"))"
		tail -n 20 "$work.log"
		rc=1
	fi
	rm -rf "$work" "$work.log"
done
exit $rc
