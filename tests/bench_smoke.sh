#!/bin/bash
# bench_smoke.sh: the benchmark's smoke run (SMOKE=1 bench/run.sh: this
# supervisor and the floors, tiny sizes): the script works, every
# scenario yields a figure, and nothing survives teardown or SIGKILL.
# Timings are not judged here; they are the benchmark's business.
cd "$(dirname "$0")/.." || exit 1
# The helpers only: bench/run.sh runs its supervisors in its own way.
LIB_HELPERS_ONLY=1 . tests/lib.sh
out=$(mktemp -d "${TMPDIR:-/tmp}/supervisor-bench-smoke.XXXXXX")
trap 'rm -rf "$out"' EXIT
SMOKE=1 BENCH_RESULTS=$out timeout 100 bench/run.sh > "$out/bench.txt" 2>&1
rc=$?
t_check "SMOKE=1 bench/run.sh exits 0 (got $rc)" eval '[ "$rc" = 0 ]'
csv=$out/bench.csv
# ours_value METRIC: this supervisor's median for METRIC, from the CSV.
ours_value() { awk -F, -v m="$1" '$1 == m && $2 == "ours" { print $3 }' "$csv"; }
for m in restart_ms event_ms start_ms_20 teardown_ms pss_kb_1 crash_spawns \
    output_mbps output_rot_mbps output_cpu_s_per_gb ready_notify_ms \
    ready_fd_ms ready_tcp_ms chain_ratio_5 probe_ctxt_per_check startup_us \
    startup_cfg_us; do
	t_check "$m: a figure for this supervisor ($(ours_value "$m"))" eval \
		'[ -n "$(ours_value "$m")" ]'
done
for m in restart_ms start_ms_20 teardown_ms output_mbps; do
	t_check "$m: a figure for the floor" eval \
		"awk -F, '\$1 == \"$m\" && \$2 == \"floor\"' \"$csv\" | grep -q ."
done
# The floors with a cgroup per program (root only): a figure each, and
# not one of their cgroups left behind.
if [ "$(id -u)" = 0 ]; then
	for m in start_ms_20 teardown_ms; do
		t_check "$m: a figure for the floor with a cgroup each" eval \
			"awk -F, '\$1 == \"$m\" && \$2 == \"cgfloor\"' \"$csv\" | grep -q ."
	done
	cg=$(cgroup2_mount)
	left=$([ -n "$cg" ] && find "$cg" -type d -name 'floor.*' | wc -l)
	t_check "the floors leave no cgroup behind (${left:-?} left)" eval \
		'[ "$left" = 0 ]'
fi
t_check "teardown: nothing survives" eval '[ "$(ours_value teardown_survivors)" = 0 ]'
t_check "SIGKILL of the supervisor: nothing survives" eval \
	'[ "$(ours_value sigkill_survivors)" = 0 ]'
t_check "idle: no context switch of an idle supervisor" eval \
	'[ "$(ours_value idle_ctxt_1)" = 0 ]'
t_check "output: the log holds exactly the program's output" eval \
	'[ "$(ours_value output_differs)" = 0 ]'
t_check "output rotated: the logs hold exactly the program's output" eval \
	'[ "$(ours_value output_rot_differs)" = 0 ]'
if [ "$T_FAILED" = 1 ]; then
	echo "---- bench output ----"
	cat "$out/bench.txt"
	echo "----"
fi
t_done
