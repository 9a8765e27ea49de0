#!/bin/bash
# fuzz.sh TARGET...: runs each libFuzzer target first on every input
# that once broke it (tests/fuzz/regressions/NAME), then for FUZZ_SECONDS
# (default 60) on a copy of its seed corpus (tests/fuzz/corpus/NAME) and
# those inputs, and prints "PASS fuzz: NAME ..." or "FAIL fuzz: NAME ..."
# for each, with a new crash input kept under build/fuzz/NAME-crashes/ to
# turn into a regression test.
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
	regressions=(tests/fuzz/regressions/"$name"/*)
	if [ -e "${regressions[0]}" ]; then
		# Given files, libFuzzer runs each once and stops at a failure.
		if "$target" -timeout=5 -rss_limit_mb=512 "${regressions[@]}" \
		    > "$work.log" 2>&1; then
			echo "PASS fuzz: $name regressions: ${#regressions[@]} input(s) that once failed"
		else
			echo "FAIL fuzz: $name regressions: $(grep -E '^Running:' "$work.log" | tail -n 1 | cut -c10-) ($(grep -m1 -E 'ERROR|SUMMARY|deadly' "$work.log"))"
			tail -n 20 "$work.log"
			rc=1
		fi
		cp "${regressions[@]}" "$work"/
	fi
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
