#!/bin/bash
# run.sh: measures build/supervisor against Debian's supervisord, side by
# side in one run (rounds alternate ours, supervisord, ours, ...):
#   1. restart latency: exit stamp of a program -> start stamp of the next
#      run (bench/stamp.c), median and p90, with the fork+exec+wait floor
#      (bench/floor.c) of a 0 s program and, unless QUICK, of a program
#      that runs 1 s as the supervised one does (an idle CPU wakes slower);
#   2. idle cost: context switches and CPU time of the supervisor process
#      over a window, 1 and 100 programs running and settled;
#   3. memory: RSS and PSS of the supervisor process, 1 and 100 programs.
# Prints a table and writes bench/results/core.csv (summary) and
# bench/results/core-samples.csv (every sample).
#
# Environment: QUICK=1 (5 restarts, 3 s windows, 1 round), RESTARTS,
# IDLE_SECS, ROUNDS, SETTLE_SECS override the defaults one by one.
#
# Every process a scenario starts is stopped by pid when the scenario
# ends, and by the EXIT trap if the run is cut short.  Writes go to a
# temp directory under /tmp, build/bench/ and bench/results/ only; as
# root a missing supervisord is installed with apt-get (with a temporary
# /usr/sbin/policy-rc.d, when there is none, so that no service starts).

set -u
cd "$(dirname "$0")/.." || exit 1

if [ "${QUICK:-0}" = 1 ]; then
	RESTARTS=${RESTARTS:-5}
	IDLE_SECS=${IDLE_SECS:-3}
	ROUNDS=${ROUNDS:-1}
else
	RESTARTS=${RESTARTS:-20}
	IDLE_SECS=${IDLE_SECS:-10}
	ROUNDS=${ROUNDS:-2}
fi
SETTLE_SECS=${SETTLE_SECS:-0.5}	# after the last RUNNING, before a window
START_TIMEOUT=30		# seconds for programs to be up
STOP_TIMEOUT=30			# seconds for a supervisor to exit on SIGTERM
MANY=100			# programs of the "100 programs" scenarios

OURS=$PWD/build/supervisor
BIN=$PWD/build/bench
RESULTS=bench/results
W=$(mktemp -d /tmp/supervisor-bench.XXXXXX) || exit 1
SAMPLES=$W/samples.csv		# metric,supervisor,round,value
STARTED=""			# supervisors started and not yet stopped
POLICY_RC=""			# policy-rc.d this script created, if any
CLK_TCK=$(getconf CLK_TCK)

T0=${EPOCHREALTIME//[!0-9]/}
log() {
	local t=${EPOCHREALTIME//[!0-9]/}
	printf '[%5.1fs] %s\n' "$(( (t - T0) / 1000 ))e-3" "$*" >&2
}

cleanup() {
	local pid
	for pid in $STARTED; do
		stop_supervisor "$pid"
	done
	[ -n "$POLICY_RC" ] && rm -f "$POLICY_RC"
	rm -rf "$W"
}
trap cleanup EXIT
trap 'log "interrupted"; exit 130' INT
trap 'log "terminated"; exit 143' TERM

# Microseconds since the epoch, without a fork.
now_us() { local t=${EPOCHREALTIME//[!0-9]/}; echo "$t"; }

# wait_until SECONDS COMMAND...: polls COMMAND every 50 ms; 1 on timeout.
wait_until() {
	local deadline=$(( $(now_us) + ${1%.*} * 1000000 ))
	shift
	until "$@"; do
		[ "$(now_us)" -ge "$deadline" ] && return 1
		sleep 0.05
	done
	return 0
}

# Fields of /proc/PID/stat after "(comm) ", so that field N is F[N-3].
read_stat() {
	local s
	F=()
	{ read -r s < "/proc/$1/stat"; } 2>/dev/null || return 1
	read -ra F <<< "${s##*) }"
}

# True while PID exists and is not a zombie.
alive() { read_stat "$1" && [ "${F[0]}" != Z ]; }
gone() { ! alive "$1"; }

# "pid:starttime" of each live child of PID; the start time tells a pid
# from a later process that reuses it.  The kernel's list of children
# when it has one (CONFIG_PROC_CHILDREN), else a scan of /proc.
children_of() {
	local pid list="" t
	if [ -r "/proc/$1/task/$1/children" ]; then
		for t in /proc/"$1"/task/*/children; do
			list="$list $(cat "$t" 2>/dev/null)"
		done
	else
		list=$(ls /proc | grep -E '^[0-9]+$')
	fi
	for pid in $list; do
		read_stat "$pid" || continue
		[ "${F[1]}" = "$1" ] && [ "${F[0]}" != Z ] &&
			echo "$pid:${F[19]}"
	done
}

# children_count_is PID N
children_count_is() { [ "$(children_of "$1" | wc -l)" -eq "$2" ]; }

# log_count_is FILE PATTERN N: at least N lines of FILE match PATTERN.
log_count_is() {
	local c
	c=$(grep -c -- "$2" "$1" 2>/dev/null)
	[ "${c:-0}" -ge "$3" ]
}

kill_if_same() {
	local pid=${1%%:*} start=${1##*:}
	read_stat "$pid" && [ "${F[19]}" = "$start" ] &&
		kill -KILL "$pid" 2>/dev/null
}

# SIGTERM, then SIGKILL after STOP_TIMEOUT; then any child it left behind
# (still the same process) is killed by pid.
stop_supervisor() {
	local pid=$1 kids k
	log "stopping pid $pid"
	kids=$(children_of "$pid")
	kill -TERM "$pid" 2>/dev/null
	if ! wait_until "$STOP_TIMEOUT" gone "$pid"; then
		log "pid $pid did not exit ${STOP_TIMEOUT}s after SIGTERM; SIGKILL"
		kids="$kids $(children_of "$pid")"
		kill -KILL "$pid" 2>/dev/null
		wait_until 5 gone "$pid" || log "pid $pid survives SIGKILL"
	fi
	wait "$pid" 2>/dev/null
	for k in $kids; do
		kill_if_same "$k" && log "killed pid ${k%%:*} left by $pid"
	done
	STARTED=$(echo " $STARTED " | sed "s/ $pid / /; s/^ *//; s/ *$//")
}

# start_supervisor ours|supervisord DIR: starts it on DIR/ours.ini or
# DIR/supervisord.conf, logging to DIR/log; the pid lands in SUP_PID.
start_supervisor() {
	if [ "$1" = ours ]; then
		"$OURS" -c "$2/ours.ini" > "$2/log" 2>&1 &
	else
		"$SUPERVISORD" -n -c "$2/supervisord.conf" > "$2/log" 2>&1 &
	fi
	SUP_PID=$!
	STARTED="$STARTED $SUP_PID"
}

# The lines every supervisord config starts with: everything it writes
# goes into DIR, never to a system path.
supervisord_head() {
	cat <<EOF
[unix_http_server]
file = $1/supervisor.sock
chmod = 0700

[supervisord]
nodaemon = true
logfile = $1/supervisord.log
logfile_backups = 0
pidfile = $1/supervisord.pid
childlogdir = $1
loglevel = info

[rpcinterface:supervisor]
supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface

[supervisorctl]
serverurl = unix://$1/supervisor.sock

EOF
}

sample() { echo "$1,$2,$3,$4" >> "$SAMPLES"; }

# gaps FILE MAX: exit stamp -> next start stamp, in microseconds, for the
# first MAX restarts recorded in FILE.
gaps() {
	awk -v max="$2" '
	$1 == "E" { es = $3; ens = $4; have = 1; next }
	$1 == "S" && have && n < max {
		printf "%.3f\n", (($3 - es) * 1e9 + ($4 - ens)) / 1e3
		n++; have = 0
	}' "$1"
}

starts_at_least() { log_count_is "$1" '^S ' "$2"; }

# restart_run ours|supervisord ROUND K: K restarts of a 1 s program.
restart_run() {
	local who=$1 round=$2 k=$3 d=$W/restart-$1-$2 g
	mkdir -p "$d"
	if [ "$who" = ours ]; then
		cat > "$d/ours.ini" <<EOF
[program:flap]
command = $BIN/stamp $d/stamps 1
startsecs = 0.5
autorestart = true
EOF
	else
		{ supervisord_head "$d"; cat <<EOF
[program:flap]
command = $BIN/stamp $d/stamps 1
startsecs = 0
autorestart = true
stdout_logfile = NONE
stderr_logfile = NONE
EOF
		} > "$d/supervisord.conf"
	fi
	start_supervisor "$who" "$d"
	if ! wait_until $(( k * 3 + 10 )) starts_at_least "$d/stamps" $(( k + 1 ))
	then
		log "restart/$who round $round: only" \
		    "$(grep -c '^S ' "$d/stamps" 2>/dev/null) starts; log:"
		tail -n 20 "$d/log" "$d/supervisord.log" >&2 2>/dev/null
	fi
	stop_supervisor "$SUP_PID"
	for g in $(gaps "$d/stamps" "$k"); do
		sample restart_us "$who" "$round" "$g"
	done
}

# floor_run ROUND K SECONDS NAME: K restarts by fork+exec+wait of a
# program that runs SECONDS; the samples go under NAME.
floor_run() {
	local round=$1 k=$2 secs=$3 name=$4 d=$W/$4-$1 g
	mkdir -p "$d"
	if ! timeout $(( (k + 1) * (secs + 2) + 10 )) "$BIN/floor" \
	    "$BIN/stamp" "$d/stamps" $(( k + 1 )) "$secs"; then
		log "$name round $round failed"
	fi
	for g in $(gaps "$d/stamps" "$k"); do
		sample restart_us "$name" "$round" "$g"
	done
}

# Context switches (every thread), utime+stime in ticks and on-CPU time
# in ns (every thread, from schedstat) of PID, on one line.
counters() {
	local pid=$1 t k v ctxt=0 run=0 ns
	for t in /proc/"$pid"/task/*; do
		while read -r k v _; do
			case $k in
			voluntary_ctxt_switches:|nonvoluntary_ctxt_switches:)
				ctxt=$(( ctxt + v )) ;;
			esac
		done < "$t/status"
		if read -r ns _ < "$t/schedstat" 2>/dev/null; then
			run=$(( run + ns ))
		fi
	done
	read_stat "$pid" || return 1
	echo "$ctxt $(( F[11] + F[12] )) $run"
}

status_kb() { awk -v k="$2:" '$1 == k { print $2 }' "/proc/$1/status"; }
pss_kb() { awk '$1 == "Pss:" { print $2 }' "/proc/$1/smaps_rollup"; }

up_failed() {
	log "idle/$1/$3 round $2: $(children_of "$SUP_PID" | wc -l) of $3" \
	    "programs up; log:"
	tail -n 20 "$4/log" "$4/supervisord.log" >&2 2>/dev/null
	stop_supervisor "$SUP_PID"
}

# idle_run ours|supervisord ROUND NPROCS: settles NPROCS "sleep 1000"
# (the time until the log says all are RUNNING, startsecs=1 included, is
# a sample too), then measures the supervisor over IDLE_SECS, and its
# memory.
idle_run() {
	local who=$1 round=$2 n=$3 d=$W/idle-$1-$2-$3 np="" before after
	local running_pat runlog t_start
	mkdir -p "$d"
	if [ "$n" -gt 1 ]; then
		np="numprocs = $n
process_name = %(program_name)s_%(process_num)03d"
	fi
	if [ "$who" = ours ]; then
		cat > "$d/ours.ini" <<EOF
[program:idle]
command = sleep 1000
startsecs = 1
$np
EOF
		running_pat=' is RUNNING'
		runlog=$d/log
	else
		{ supervisord_head "$d"; cat <<EOF
[program:idle]
command = sleep 1000
startsecs = 1
stdout_logfile = NONE
stderr_logfile = NONE
$np
EOF
		} > "$d/supervisord.conf"
		running_pat='entered RUNNING state'
		runlog=$d/supervisord.log
	fi
	t_start=$(now_us)
	start_supervisor "$who" "$d"
	# The log first: counting children is the dearer poll.
	if ! wait_until "$START_TIMEOUT" log_count_is "$runlog" \
	    "$running_pat" "$n"; then
		up_failed "$who" "$round" "$n" "$d"
		return 1
	fi
	sample "startup_ms_$n" "$who" "$round" $(( ($(now_us) - t_start) / 1000 ))
	if ! wait_until "$START_TIMEOUT" children_count_is "$SUP_PID" "$n"; then
		up_failed "$who" "$round" "$n" "$d"
		return 1
	fi
	log "all $n up; measuring"
	sleep "$SETTLE_SECS"
	before=($(counters "$SUP_PID"))
	sleep "$IDLE_SECS"
	after=($(counters "$SUP_PID"))
	if [ "${#before[@]}" -ne 3 ] || [ "${#after[@]}" -ne 3 ]; then
		log "idle/$who/$n round $round: supervisor gone; log:"
		tail -n 20 "$d/log" "$d/supervisord.log" >&2 2>/dev/null
		stop_supervisor "$SUP_PID"
		return 1
	fi
	if ! children_count_is "$SUP_PID" "$n"; then
		log "idle/$who/$n round $round: programs died during the window"
	fi
	sample "ctxt_$n" "$who" "$round" $(( after[0] - before[0] ))
	sample "cpu_ms_$n" "$who" "$round" \
	    $(( (after[1] - before[1]) * 1000 / CLK_TCK ))
	sample "sched_us_$n" "$who" "$round" \
	    $(( (after[2] - before[2]) / 1000 ))
	sample "rss_kb_$n" "$who" "$round" "$(status_kb "$SUP_PID" VmRSS)"
	sample "pss_kb_$n" "$who" "$round" "$(pss_kb "$SUP_PID")"
	stop_supervisor "$SUP_PID"
}

# Debian's supervisord: installed when missing and root.  Services are
# kept from starting during the install with policy-rc.d (Debian's own
# switch), so no system supervisord appears.
find_supervisord() {
	SUPERVISORD=$(command -v supervisord 2>/dev/null || true)
	[ -n "$SUPERVISORD" ] && return 0
	[ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1 || return 1
	log "installing Debian's supervisor package (apt-get)"
	if [ ! -e /usr/sbin/policy-rc.d ]; then
		POLICY_RC=/usr/sbin/policy-rc.d
		printf '#!/bin/sh\nexit 101\n' > "$POLICY_RC" &&
			chmod 755 "$POLICY_RC"
	fi
	export DEBIAN_FRONTEND=noninteractive
	if ! timeout 300 apt-get install -y -q --no-install-recommends \
	    supervisor > "$W/apt.log" 2>&1; then
		timeout 300 apt-get update -q >> "$W/apt.log" 2>&1
		timeout 300 apt-get install -y -q --no-install-recommends \
		    supervisor >> "$W/apt.log" 2>&1 ||
			log "apt-get install supervisor failed: $(tail -n 3 "$W/apt.log")"
	fi
	if [ -n "$POLICY_RC" ]; then
		rm -f "$POLICY_RC"
		POLICY_RC=""
	fi
	SUPERVISORD=$(command -v supervisord 2>/dev/null || true)
	[ -n "$SUPERVISORD" ]
}

# summary METRIC WHO median|p90: over every sample of every round.
summary() {
	awk -F, -v m="$1" -v w="$2" '$1 == m && $2 == w { print $4 }' \
	    "$SAMPLES" | sort -g | awk -v kind="$3" '
	{ v[NR] = $1 }
	END {
		if (NR == 0) exit
		if (kind == "p90") {
			i = int(0.9 * NR); if (i < 0.9 * NR) i++
			x = v[i]
		} else if (NR % 2)
			x = v[(NR + 1) / 2]
		else
			x = (v[NR / 2] + v[NR / 2 + 1]) / 2
		print x
	}'
}

# fmt VALUE SCALE DECIMALS: VALUE / SCALE, or "-" when there is none.
fmt() {
	[ -z "$1" ] && { echo "-"; return; }
	awk -v x="$1" -v s="$2" -v d="$3" 'BEGIN { printf "%.*f\n", d, x / s }'
}

ratio() {
	[ -z "$1" ] || [ -z "$2" ] && { echo "n/a"; return; }
	awk -v a="$1" -v b="$2" 'BEGIN {
		if (b == 0) print (a == 0 ? "n/a (both 0)" : "inf (ours 0)")
		else printf "%.1fx\n", a / b }'
}

# ---- build ----------------------------------------------------------------
[ -x "$OURS" ] || { log "build/supervisor is missing: run make"; exit 1; }
mkdir -p "$BIN" "$RESULTS" || exit 1
for h in stamp floor; do
	if ! cc -O2 -D_GNU_SOURCE -Wall -Wextra -Wshadow -Wstrict-prototypes \
	    -Wmissing-prototypes -Wpointer-arith -Wcast-qual -Werror \
	    -o "$BIN/$h" "bench/$h.c"; then
		log "cannot build bench/$h.c"
		exit 1
	fi
done
HAVE_SD=0
if find_supervisord; then
	HAVE_SD=1
	SD_VERSION=$("$SUPERVISORD" --version 2>/dev/null)
else
	log "supervisord: not installed; its column is n/a"
fi
: > "$SAMPLES"

echo "supervisor bench: $(date -u '+%Y-%m-%d %H:%M:%S UTC'), $(nproc) cores" \
    "($(uname -sr)), $(awk -F': ' '/^model name/ { print $2; exit }' \
    /proc/cpuinfo)"
echo "this supervisor: $("$OURS" -V) ($OURS)"
if [ "$HAVE_SD" = 1 ]; then
	echo "supervisord: $SD_VERSION ($SUPERVISORD)"
else
	echo "supervisord: n/a (not installed)"
fi
echo "restarts: $RESTARTS, idle window: ${IDLE_SECS}s, rounds: $ROUNDS" \
    "(QUICK=${QUICK:-0}); load average at start: $(cut -d' ' -f1-3 \
    /proc/loadavg)"

WHO="ours"
[ "$HAVE_SD" = 1 ] && WHO="ours supervisord"

# ---- 1. restart latency, alternating ---------------------------------------
for round in $(seq 1 "$ROUNDS"); do
	# This round's share of RESTARTS; the first rounds take the remainder.
	k=$(( RESTARTS / ROUNDS + (round <= RESTARTS % ROUNDS ? 1 : 0) ))
	[ "$k" -gt 0 ] || continue
	for who in $WHO; do
		log "round $round: restart latency, $who ($k restarts)"
		restart_run "$who" "$round" "$k"
	done
	floor_run "$round" "$k" 0 floor
	if [ "${QUICK:-0}" != 1 ]; then
		log "round $round: floor of a 1 s program ($k restarts)"
		floor_run "$round" "$k" 1 floor_1s
	fi
done

# ---- 2 and 3. idle cost and memory, alternating -----------------------------
for round in $(seq 1 "$ROUNDS"); do
	for n in 1 "$MANY"; do
		for who in $WHO; do
			log "round $round: idle, $who, $n program(s)"
			idle_run "$who" "$round" "$n"
		done
	done
done

# ---- report -----------------------------------------------------------------
ROWS=(
	"restart latency, median (ms)|restart_us|median|1000|3|floor"
	"restart latency, p90 (ms)|restart_us|p90|1000|3|floor"
	"idle ctxt switches / ${IDLE_SECS}s, 1 program|ctxt_1|median|1|0|"
	"idle CPU utime+stime / ${IDLE_SECS}s (ms), 1 program|cpu_ms_1|median|1|0|"
	"idle on-CPU / ${IDLE_SECS}s (us, schedstat), 1 program|sched_us_1|median|1|0|"
	"idle ctxt switches / ${IDLE_SECS}s, $MANY programs|ctxt_$MANY|median|1|0|"
	"idle CPU utime+stime / ${IDLE_SECS}s (ms), $MANY programs|cpu_ms_$MANY|median|1|0|"
	"idle on-CPU / ${IDLE_SECS}s (us, schedstat), $MANY programs|sched_us_$MANY|median|1|0|"
	"start-up to all RUNNING (s), 1 program|startup_ms_1|median|1000|2|"
	"start-up to all RUNNING (s), $MANY programs|startup_ms_$MANY|median|1000|2|"
	"RSS (KiB), 1 program|rss_kb_1|median|1|0|"
	"PSS (KiB), 1 program|pss_kb_1|median|1|0|"
	"RSS (KiB), $MANY programs|rss_kb_$MANY|median|1|0|"
	"PSS (KiB), $MANY programs|pss_kb_$MANY|median|1|0|"
)
CSV=$RESULTS/core.csv
echo "scenario,metric,ours,supervisord,ratio_supervisord_over_ours,floor,floor_1s_run" \
    > "$CSV"
echo
printf '%-46s %14s %20s %14s %8s %10s\n' scenario "this supervisor" \
    supervisord "ratio (sd/us)" floor "floor 1s"
printf '%-46s %14s %20s %14s %8s %10s\n' "$(printf '%.0s-' {1..46})" \
    "--------------" "--------------------" "--------------" "--------" \
    "----------"
for row in "${ROWS[@]}"; do
	IFS='|' read -r label metric kind scale dec floorcol <<< "$row"
	ours=$(summary "$metric" ours "$kind")
	if [ "$HAVE_SD" = 1 ]; then
		sd=$(summary "$metric" supervisord "$kind")
		sd_txt=$(fmt "$sd" "$scale" "$dec")
		rt=$(ratio "$sd" "$ours")
	else
		sd="" sd_txt="n/a (not installed)" rt="n/a"
	fi
	fl_txt="" fl1_txt=""
	if [ -n "$floorcol" ]; then
		fl_txt=$(fmt "$(summary "$metric" floor "$kind")" "$scale" \
		    "$dec")
		fl1_txt=$(fmt "$(summary "$metric" floor_1s "$kind")" \
		    "$scale" "$dec")
	fi
	printf '%-46s %14s %20s %14s %8s %10s\n' "$label" \
	    "$(fmt "$ours" "$scale" "$dec")" "$sd_txt" "$rt" "$fl_txt" \
	    "$fl1_txt"
	printf '"%s",%s,%s,%s,%s,%s,%s\n' "$label" "$metric" \
	    "$(fmt "$ours" "$scale" "$dec")" "$sd_txt" "$rt" "$fl_txt" \
	    "$fl1_txt" >> "$CSV"
done
cp "$SAMPLES" "$RESULTS/core-samples.csv"
echo
echo "samples per cell: restart $(grep -c '^restart_us,ours,' "$SAMPLES")" \
    "(ours), $(grep -c '^restart_us,supervisord,' "$SAMPLES") (supervisord)," \
    "$(grep -c '^restart_us,floor,' "$SAMPLES") (floor)," \
    "$(grep -c '^restart_us,floor_1s,' "$SAMPLES") (floor 1s); idle/memory: median" \
    "of $ROUNDS round(s); load average at end: $(cut -d' ' -f1-3 \
    /proc/loadavg)"
echo "wrote $CSV and $RESULTS/core-samples.csv"
