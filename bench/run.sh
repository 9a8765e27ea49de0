#!/bin/bash
# run.sh: this supervisor against Debian's supervisord, runit and s6, side
# by side in one run.  Every scenario alternates the supervisors (ours,
# supervisord, runit, s6, ours, ...) for ROUNDS rounds and reports medians
# and the ratio of each to ours:
#   restart   exit of a 1 s program -> exec of the next run (bench/stamp.c
#             stamps both ends); floor: fork+exec+wait in C (bench/floor.c)
#   event     exit of that program -> an event listener (bench/evlisten.c)
#             has read its PROCESS_STATE_EXITED header (ours, supervisord)
#   start     launch -> N programs exec'd: to the latest of their own
#             stamps (CLOCK_REALTIME, to the microsecond), whatever the
#             poll that saw the Nth; floor: N fork+execs in C
#             (bench/startfloor.c), timed and watched as the
#             supervisors are (the same polls of the stamps, a grep each);
#             floor+cg (root): the same, each program in a cgroup of
#             its own (mkdir, clone3 into it), as ours does; and the CPU
#             time of the supervisor's own processes by then (schedstat),
#             against the floors' loops' (to the end of their forks)
#   startup   one program, in microseconds: the supervisor's exec (by
#             bench/launchstamp.c) -> its program's first line (stamp),
#             STARTUP_RUNS times a round: the supervisor's own start-up,
#             its config and the program's exec included; floor: one
#             fork and exec of the program by the launcher itself; and
#             ours alone, as it says at debug: config opened -> first
#             spawn (startup_cfg_us)
#   teardown  N programs of 3 processes each: SIGTERM -> the supervisor has
#             exited (wait(1) returns), and processes alive 1 s later;
#             floor: killpg + reap
#             of the same trees in C (bench/treefloor.c), on SIGTERM and
#             timed as the supervisors are; floor+cg (root): each tree
#             in a cgroup, removed after the reap
#   sigkill   the same trees: processes alive 1 s after SIGKILL of the
#             supervisor's pid
#   idle      context switches and CPU time of the supervisor's own
#             processes over IDLE_SECS, 1 and 100 programs; a window with
#             any is logged task by task, and with IDLE_TRIES > 1 (the
#             smoke run: a shared machine's other work can wake a process
#             once) measured again, up to IDLE_TRIES windows, the last one
#             sampled: a wake-up that comes back every window still shows
#   memory    PSS (smaps_rollup) summed over the supervisor's own processes
#   crash     10 programs that exit at once, for CRASH_SECS: CPU time of
#             the supervisor's processes and spawns
#   reload    RELOAD_N programs, one program's command edited (the file
#             written anew and renamed over the old one): save -> exec of
#             the new process, and how many processes started (ours
#             follows the file; supervisord is told "supervisorctl
#             update"; runit and s6 have no config file: n/a)
#   control   the control command: "status" of CTL_N programs, end to
#             end; "stop all" (until every tree is gone) and "start all"
#             (until all are RUNNING) of OPS_N (supervisorctl, runit's sv)
#   output    one program (cat of an OUT_MB file, made once: 1 GB) writes
#             to its stdout_logfile, kept in one file, then rotated every
#             OUT_ROT_MB with backups enough to keep it all: MB/s from the
#             go (the program waits on a FIFO until the supervisor is up)
#             until the log holds every byte (bench/filled.c), that in %
#             of cat's in the same round, and the supervisor's CPU time
#             per GB logged; round 1 compares the log with the input.
#             The one-file run is also timed until the log is on the disk
#             (sync -f), cat's the same way: the disk's pace, not the page
#             cache's.
#             Floors: cat of the same file to a file on the same file
#             system (copy_file_range: no pipe, one copy in the kernel),
#             and cat | cat > file (a pipe, as a supervised program has).
#             runit and s6 have no such capture (they pipe into a logger
#             of their own, svlogd or s6-log): n/a
#   web       WEB_N programs with [inet_http_server]: server time (curl's,
#             from the request sent to the last byte) of the web page
#             (supervisord's status page at /) and of /metrics (ours
#             only), WEB_RUNS (/metrics: WEB_METRICS_RUNS) times, and the
#             supervisor's CPU time per request (its server time: the
#             loop never waits within one; steady under load); a state
#             change -> its event on an open
#             page (a program SIGKILLed, ours only); the context switches
#             of the supervisor over IDLE_SECS with a page open
#   pid1      a container's init: a new pid and mount namespace
#             (unshare), an empty environment, the init running /bin/true
#             (shutdown_on_exit): launch -> exit, PID1_RUNS times a round;
#             then running sleep: PSS of the init's own processes (ours:
#             the guardian and the supervisor).  Floor: tini (Debian's).
#   ready     readiness, ours only (supervisord has none; docker-compose's
#             and process-compose's probes default to periods of seconds):
#             a program "db" ready by notify (READY=1), fd (a newline on
#             fd 3) or tcp (its port opens), READY_DELAY after its start,
#             and "app" depending on it: db ready (bench/ready.c stamps
#             it) -> app's exec, READY_RUNS times a round
#   chain     CHAIN_N notify programs, each depending on the one before,
#             each ready CHAIN_DELAY after its start: launch -> the last
#             one ready, against the sum of their own start times
#   probes    idle cost of probes: PROBE_N programs with a tcp health
#             check every second: the supervisor's context switches per
#             check over IDLE_SECS
#   scale     full runs only: SCALE_N (10000) programs started once
#             (against the floor's start), then status end to end, PSS,
#             idle context switches, a reload with one program edited,
#             SIGTERM -> exit; and the teardown of SCALE_TREES (2000)
#             trees of 3.  SCALE_PEERS ("ours base s6 runit"; supervisord
#             takes minutes at this size: add it there to run it)
# Writes bench/results/bench.csv (medians), samples.csv (every sample) and
# bench.png (gnuplot, when installed).  The table's last column is ours
# against the floor, where the row has one.
#
#   QUICK=1   a smaller run, under a minute (without the control scenario)
#   SMOKE=1   ours (and base) and the floors only, tiny sizes: checks the
#             script works
#   ONLY="restart event start startup teardown idle crash reload control
#         xmlrpc web output pid1 ready chain probes scale"   which
#             scenarios
#   BENCH_ROUNDS=N   rounds (3; QUICK and SMOKE 1)
#   RESTARTS=N   restarts timed per round and supervisor (8; QUICK 1,
#             SMOKE 2)
#   START_NS="N ..."   the start scenario's sizes ("100 1000"; QUICK and
#             SMOKE "20")
#   STARTUP_RUNS=N   the startup scenario's launches per round and
#             supervisor (10; QUICK 3, SMOKE 2)
#   OUT_MB=N  the output scenario's size (1024; QUICK 256, SMOKE 8)
#   PEERS="ours supervisord runit s6"   which to run (missing ones are n/a)
#   BASE=/path/to/supervisor   another build of this supervisor (another
#             commit, other flags) as peer "base": configured, started,
#             controlled and measured exactly as ours, in every scenario
#             ours runs, alternating with the others, in a column of its
#             own with its ratio to ours.  With BASE, PEERS defaults to
#             "ours base supervisord runit s6" ("ours base" with SMOKE):
#               git worktree add /tmp/base HEAD~3 && make -C /tmp/base
#               BASE=/tmp/base/build/supervisor ONLY=restart \
#                   PEERS="ours base" make bench
#
# As root, missing peers (Debian packages supervisor, runit, s6) and
# gnuplot are installed with apt-get, with a policy-rc.d that keeps their
# services from starting.  Every process a scenario starts carries
# BENCH_TAG in its environment and is killed by pid when the scenario
# ends, also when it fails or the run is interrupted.

set -u
BASE=${BASE:+$(realpath -m -- "$BASE")}	# as given, before the cd
cd "$(dirname "$0")/.." || exit 1

if [ "${SMOKE:-0}" = 1 ]; then
	ROUNDS=1 RESTARTS=${RESTARTS:-2} IDLE_SECS=1 CRASH_SECS=2
	START_NS=${START_NS:-20}
	TEAR_N=10 MEM_NS="1" IDLE_NS="1" SETTLE=0.3 CTL_N=10 OPS_N=10
	IDLE_TRIES=2
	RELOAD_N=10 RELOAD_RUNS=2 OUT_MB=${OUT_MB:-8} OUT_ROT_MB=2 WEB_N=
	XMLRPC_NS=${XMLRPC_NS-}	# bench_smoke has 100 s for the rest
	READY_RUNS=1 CHAIN_N=5 PROBE_N=1 STARTUP_RUNS=2
	PEERS=${PEERS:-ours${BASE:+ base}}
elif [ "${QUICK:-0}" = 1 ]; then
	ROUNDS=1 RESTARTS=${RESTARTS:-1} IDLE_SECS=1 CRASH_SECS=1
	START_NS=${START_NS:-20}
	TEAR_N=10 MEM_NS="1" IDLE_NS="1" STOP_TIMEOUT=2 SETTLE=0.1 WARM=0.3
	LEFT_WAIT=0.5 FLOOR_RUN=0.2 CTL_N= OPS_N=	# no control: < 1 min
	RELOAD_N=100 RELOAD_RUNS=2 OUT_MB=${OUT_MB:-256} WEB_N=100
	XMLRPC_NS=${XMLRPC_NS-}
	READY_RUNS=2 CHAIN_N=20 STARTUP_RUNS=${STARTUP_RUNS:-3}
else
	ROUNDS=3 RESTARTS=${RESTARTS:-8} IDLE_SECS=10 CRASH_SECS=30
	START_NS=${START_NS:-100 1000}
	TEAR_N=200 MEM_NS="1 100 1000" IDLE_NS="1 100" CTL_N=1000 OPS_N=200
	RELOAD_N=1000 RELOAD_RUNS=5 OUT_MB=${OUT_MB:-1024} WEB_N=1000
	SCALE_N=${SCALE_N-10000} SCALE_TREES=${SCALE_TREES:-2000}
fi
SCALE_N=${SCALE_N:-}			# the scale scenario: full runs only
SCALE_TREES=${SCALE_TREES:-}
SCALE_PEERS=${SCALE_PEERS:-ours base s6 runit}	# supervisord: minutes
WEB_RUNS=${WEB_RUNS:-20}		# page requests timed per round
# /metrics requests per round: its CPU time, counted in clock ticks
# (10 ms), needs a hundred of 2 ms to be read to 0.1 ms.
WEB_METRICS_RUNS=${WEB_METRICS_RUNS:-100}
CTL_RUNS=${CTL_RUNS:-10}		# status commands timed per round
READY_RUNS=${READY_RUNS:-5}		# readiness latencies per round and kind
READY_DELAY=${READY_DELAY:-0.05}	# db's own start time (in the first 100 ms)
CHAIN_N=${CHAIN_N:-100}			# programs in the chain
CHAIN_DELAY=${CHAIN_DELAY:-0.02}	# each one's own start time
PROBE_N=${PROBE_N:-10}			# programs with a health check
XMLRPC_NS=${XMLRPC_NS-"200 1000"}	# the xmlrpc scenario's sizes
PID1_RUNS=${PID1_RUNS:-10}		# containers timed per round
STARTUP_RUNS=${STARTUP_RUNS:-10}	# one-program start-ups per round
ROUNDS=${BENCH_ROUNDS:-$ROUNDS}
SETTLE=${SETTLE:-1}		# seconds for a supervisor to settle once all is up
WARM=${WARM:-2}			# seconds before idle counting (startsecs 0 there)
IDLE_TRIES=${IDLE_TRIES:-1}	# idle windows measured while one has switches
LEFT_WAIT=${LEFT_WAIT:-1}	# seconds after a teardown before counting survivors
FLOOR_RUN=${FLOOR_RUN:-1.2}	# run time of the restart floor's program
PEERS=${PEERS:-ours${BASE:+ base} supervisord runit s6}
UP_TIMEOUT=120			# seconds for programs to be up
STOP_TIMEOUT=${STOP_TIMEOUT:-60}	# seconds for a supervisor to exit
OUT_ROT_MB=${OUT_ROT_MB:-50}	# the output scenario's rotation size
OUT_INPUT=			# its input, once made

OURS=$PWD/build/supervisor
BIN=$PWD/build/bench
RESULTS=${BENCH_RESULTS:-bench/results}
W=$(mktemp -d /tmp/supervisor-bench.XXXXXX) || exit 1
chmod 755 "$W"
SAMPLES=$W/samples.csv		# scenario,who,round,value
CLK_TCK=$(getconf CLK_TCK)
SUP_PID=
TREE_CMD="sh -c 'sh -c \"sleep 1000 & wait\" & wait'"

T0=${EPOCHREALTIME/./}
log() {
	local t=${EPOCHREALTIME/./}
	printf '[%6.1fs] %s\n' "$(( (t - T0) / 1000 ))e-3" "$*" >&2
}
now_us() { echo "${EPOCHREALTIME/./}"; }

# ---- processes ---------------------------------------------------------------

# stat_read PID: /proc/PID/stat from field 3 on into F (F[0] state,
# F[1] ppid, F[11] utime, F[12] stime, F[19] starttime).
stat_read() {
	local s
	{ read -r s < "/proc/$1/stat"; } 2>/dev/null || return 1
	read -ra F <<< "${s##*) }"
}
alive() { stat_read "$1" && [ "${F[0]}" != Z ]; }

# Live processes carrying tag $1 (BENCH_TAG), not zombies.
tagged() {
	local f pid
	for f in $(grep -lzx "BENCH_TAG=$1" /proc/[0-9]*/environ 2>/dev/null); do
		pid=${f#/proc/}
		pid=${pid%/environ}
		[ "$pid" = "$$" ] && continue
		alive "$pid" && echo "$pid"
	done
}

# Programs' processes among the tagged: sh, sleep and stamp.
tagged_programs() {
	local pid comm
	for pid in $(tagged "$1"); do
		read -r comm < "/proc/$pid/comm" 2>/dev/null || continue
		case $comm in sh|sleep|stamp) echo "$pid" ;; esac
	done
}

kill_tagged() {
	local pid
	for pid in $(tagged "$1"); do kill -KILL "$pid" 2>/dev/null; done
}

# wait_until SECONDS COMMAND...: polls every 20 ms; 1 on timeout.
wait_until() {
	local deadline=$(( $(now_us) + ${1%.*} * 1000000 ))
	shift
	until "$@"; do
		[ "$(now_us)" -ge "$deadline" ] && return 1
		sleep 0.02
	done
}

starts() { local c; c=$(grep -c '^S ' "$1" 2>/dev/null); echo "${c:-0}"; }
# last_start_us FILE: the latest "S" stamp in FILE, in microseconds since
# the epoch (the programs' own clock_gettime(CLOCK_REALTIME), the clock of
# now_us): when the last of them exec'd, to the microsecond, whatever the
# period of the poll that saw it.
last_start_us() {
	awk '$1 == "S" { t = $3 * 1e6 + int($4 / 1000); if (t > m) m = t }
	    END { printf "%.0f\n", m }' "$1"
}
# ms_since T0 T1: T1 - T0 (microseconds) in milliseconds, one decimal.
ms_since() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f\n", (b - a) / 1000 }'; }
lines_at_least() { [ "$(starts "$1")" -ge "$2" ]; }
heads() { local c; c=$(grep -c '^H ' "$1" 2>/dev/null); echo "${c:-0}"; }
heads_at_least() { [ "$(heads "$1")" -ge "$2" ]; }
tagged_at_least() { [ "$(tagged_programs "$1" | wc -l)" -ge "$2" ]; }

# The supervisor's own processes (not its programs): ours and base fork
# without exec, so theirs have the supervisor's own name.
own_pids() {
	local who=$1 pid comm own=
	echo "$SUP_PID"
	read -r own < "/proc/$SUP_PID/comm" 2>/dev/null
	for pid in $(cat /proc/"$SUP_PID"/task/*/children 2>/dev/null); do
		read -r comm < "/proc/$pid/comm" 2>/dev/null || continue
		case $who/$comm in
		ours/"$own"|base/"$own"|runit/runsv|s6/s6-supervise) echo "$pid" ;;
		esac
	done
}

# own_tasks WHO: "pid/tid comm voluntary nonvoluntary", a line a task.
own_tasks() {
	local pid t comm k v vol invol
	for pid in $(own_pids "$1"); do
		for t in /proc/"$pid"/task/*; do
			read -r comm < "$t/comm" 2>/dev/null || continue
			vol= invol=
			while read -r k v _; do
				case $k in
				voluntary_ctxt_switches:) vol=$v ;;
				nonvoluntary_ctxt_switches:) invol=$v ;;
				esac
			done < "$t/status" 2>/dev/null
			echo "$pid/${t##*/} $comm $vol $invol"
		done
	done
}

# Context switches, CPU ticks (utime+stime) over the own processes.
# own_cpu_us WHO: CPU time so far of the supervisor's own processes, all
# their threads (schedstat: nanoseconds, not ticks), in microseconds.
own_cpu_us() {
	local pid t ns sum=0
	for pid in $(own_pids "$1"); do
		for t in /proc/"$pid"/task/*; do
			read -r ns _ < "$t/schedstat" 2>/dev/null &&
				sum=$(( sum + ns ))
		done
	done
	echo $(( sum / 1000 ))
}

own_counters() {
	local pid t k v ctxt=0 ticks=0
	for pid in $(own_pids "$1"); do
		for t in /proc/"$pid"/task/*; do
			while read -r k v _; do
				case $k in
				voluntary_ctxt_switches:|nonvoluntary_ctxt_switches:)
					ctxt=$(( ctxt + v )) ;;
				esac
			done < "$t/status" 2>/dev/null
		done
		stat_read "$pid" && ticks=$(( ticks + F[11] + F[12] ))
	done
	echo "$ctxt $ticks"
}

own_pss_kb() {
	local pid k v total=0
	for pid in $(own_pids "$1"); do
		while read -r k v _; do
			[ "$k" = Pss: ] && total=$(( total + v ))
		done < "/proc/$pid/smaps_rollup" 2>/dev/null
	done
	echo "$total"
}

# ---- the supervisors ---------------------------------------------------------

# supervisord_head DIR: supervisord's config but the programs.
supervisord_head() {
	cat <<EOF
[unix_http_server]
file = $1/supervisord.sock
[supervisord]
nodaemon = true
logfile = $1/supervisord.log
pidfile = $1/supervisord.pid
childlogdir = $1
minfds = 4096
[rpcinterface:supervisor]
supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface
[supervisorctl]
serverurl = unix://$1/supervisord.sock
EOF
}

# config_file WHO DIR: where WHO's config is written.
config_file() {
	case $1 in
	ours|base) echo "$2/ours.ini" ;;
	supervisord) echo "$2/supervisord.conf" ;;
	esac
}

# configure WHO DIR N COMMAND [STARTSECS]: N programs p0001.. running
# COMMAND (a shell-quoted command line), restarted on any exit, never given
# up on; STARTSECS (default 1) where the supervisor has the setting.
# Their output is not kept (that is the output scenario's business).
configure() {
	local who=$1 d=$2 n=$3 cmd=$4 ss=${5:-1} i
	mkdir -p "$d"
	case $who in
	ours|base|supervisord)
		{
			[ "$who" = supervisord ] && supervisord_head "$d"
			for i in $(seq -f %04g 1 "$n"); do
				printf '[program:p%s]\ncommand = %s\nautorestart = true\nstartsecs = %s\nstartretries = 1000000\nstopwaitsecs = 10\nstdout_logfile = NONE\nstderr_logfile = NONE\n\n' "$i" "$cmd" "$ss"
			done
		} > "$(config_file "$who" "$d")" ;;
	runit|s6)	# no fork per service: 1,000 of them take a while
		mkdir -p $(seq -f "$d/sv/p%04g" 1 "$n")
		for i in $(seq -f %04g 1 "$n"); do
			printf '#!/bin/sh\nexec %s\n' "$cmd" > "$d/sv/p$i/run"
		done
		chmod 755 "$d"/sv/p*/run ;;
	esac
}

# configure_output WHO DIR MAXBYTES BACKUPS: one program, "out", that
# waits for a line on the FIFO DIR/go, then writes the output scenario's
# input to its stdout, logged to DIR/logs/out.log; it runs once.  Not
# beside the config, which ours watches: every write would be an event.
configure_output() {
	local who=$1 d=$2 max=$3 backups=$4
	mkdir -p "$d/logs"
	{
		[ "$who" = supervisord ] && supervisord_head "$d"
		cat <<EOF
[program:out]
command = sh -c 'read -r go < $d/go; exec cat $OUT_INPUT'
autorestart = false
startsecs = 0
stdout_logfile = $d/logs/out.log
stdout_logfile_maxbytes = $max
stdout_logfile_backups = $backups
stderr_logfile = NONE
EOF
	} > "$(config_file "$who" "$d")"
}

# start WHO DIR: starts it in the background; its pid lands in SUP_PID.
# LAUNCH, when set, is a command it is started through (it execs it).
LAUNCH=
start() {
	local who=$1 d=$2
	case $who in
	ours)	$LAUNCH "$OURS" -c "$d/ours.ini" -s "$d/ours.sock" > "$d/log" 2>&1 & ;;
	base)	$LAUNCH "$BASE" -c "$d/ours.ini" -s "$d/ours.sock" > "$d/log" 2>&1 & ;;
	supervisord) $LAUNCH supervisord -n -c "$d/supervisord.conf" > "$d/log" 2>&1 & ;;
	runit)	$LAUNCH runsvdir -P "$d/sv" > "$d/log" 2>&1 & ;;
	s6)	$LAUNCH s6-svscan -c "${S6_MAX:-4000}" "$d/sv" > "$d/log" 2>&1 & ;;	# default max 500
	esac
	SUP_PID=$!
}

# finish TAG: the supervisor SIGKILLed if still there, every tagged
# process killed, the supervisor reaped.
finish() {
	# Kill and reap in one group: bash reports a killed job on stderr.
	[ -n "$SUP_PID" ] && { kill -KILL "$SUP_PID"; wait "$SUP_PID"; } 2>/dev/null
	kill_tagged "$1"
	SUP_PID=
	wait_until 5 eval '[ -z "$(tagged "$1")" ]' || kill_tagged "$1"
}

# stop_timed: SIGTERM, waits for the exit; the microseconds it took land
# in STOP_US; 1 after STOP_TIMEOUT.
# The exit is taken by wait(1), which returns as the supervisor is reaped:
# polling /proc would add up to its 20 ms period to every figure.  A
# watchdog sleep bounds the wait (wait -n: whichever ends first).
stop_timed() {
	local t0 t1 dog
	sleep "$STOP_TIMEOUT" & dog=$!
	t0=$(now_us)
	kill -TERM "$SUP_PID"
	{ wait -n "$SUP_PID" "$dog"; } 2>/dev/null
	t1=$(now_us)
	kill "$dog" 2>/dev/null; { wait "$dog"; } 2>/dev/null
	alive "$SUP_PID" && return 1
	STOP_US=$(( t1 - t0 ))
	{ wait "$SUP_PID"; } 2>/dev/null
	SUP_PID=
}

sample() { echo "$1,$2,$3,$4" >> "$SAMPLES"; }

# ---- scenarios ---------------------------------------------------------------

# restart WHO ROUND: RESTARTS gaps of a program that runs 1.2 s (longer
# than startsecs and than runit's and s6's one-second throttles), exits 1.
sc_restart() {
	local who=$1 round=$2 d=$W/restart-$1-$2 g
	export BENCH_TAG=$d
	configure "$who" "$d" 1 "$BIN/stamp $d/stamps 1.2"
	start "$who" "$d"
	wait_until $(( RESTARTS * 4 + 10 )) lines_at_least "$d/stamps" \
	    $(( RESTARTS + 1 )) || log "restart/$who: only $(starts "$d/stamps") starts"
	finish "$d"
	for g in $(gaps "$d/stamps" "$RESTARTS"); do
		sample restart_ms "$who" "$round" "$g"
	done
}

sc_restart_floor() {
	local round=$1 d=$W/restart-floor-$1 g
	mkdir -p "$d"
	timeout $(( RESTARTS * 3 + 10 )) "$BIN/floor" "$BIN/stamp" \
	    "$d/stamps" $(( RESTARTS + 1 )) "$FLOOR_RUN" || log "restart floor failed"
	for g in $(gaps "$d/stamps" "$RESTARTS"); do
		sample restart_ms floor "$round" "$g"
	done
}

# event WHO ROUND: RESTARTS times, a program's exit (its last stamp) ->
# an event listener (bench/evlisten.c) has read the header of its
# PROCESS_STATE_EXITED event.  Ours and supervisord (runit and s6 have no
# events: n/a).
sc_event() {
	local who=$1 round=$2 d=$W/event-$1-$2 g
	case $who in ours|base|supervisord) ;; *) return ;; esac
	export BENCH_TAG=$d
	configure "$who" "$d" 1 "$BIN/stamp $d/stamps 1.2"
	printf '[eventlistener:ev]\ncommand = %s %s\nevents = PROCESS_STATE_EXITED\nstdout_logfile = NONE\nstderr_logfile = NONE\n' \
	    "$BIN/evlisten" "$d/stamps" >> "$(config_file "$who" "$d")"
	start "$who" "$d"
	wait_until $(( RESTARTS * 4 + 10 )) heads_at_least "$d/stamps" \
	    "$RESTARTS" || log "event/$who: only $(heads "$d/stamps") events"
	finish "$d"
	for g in $(awk -v max="$RESTARTS" '
	    $1 == "E" { es = $3; ens = $4; have = 1; next }
	    $1 == "H" && have && n < max {
		printf "%.3f\n", (($2 - es) * 1e9 + ($3 - ens)) / 1e6
		n++; have = 0
	    }' "$d/stamps" 2>/dev/null); do
		sample event_ms "$who" "$round" "$g"
	done
}

# gaps FILE MAX: exit stamp -> next start stamp, in milliseconds.
gaps() {
	awk -v max="$2" '
	$1 == "E" { es = $3; ens = $4; have = 1; next }
	$1 == "S" && have && n < max {
		printf "%.3f\n", (($3 - es) * 1e9 + ($4 - ens)) / 1e6
		n++; have = 0
	}' "$1" 2>/dev/null
}

# start WHO ROUND N: launch -> N programs have exec'd.
sc_start() {
	local who=$1 round=$2 n=$3 d=$W/start-$1-$2-$3 t0 t1
	export BENCH_TAG=$d
	configure "$who" "$d" "$n" "$BIN/stamp $d/stamps 3600"
	t0=$(now_us)
	start "$who" "$d"
	if wait_until "$UP_TIMEOUT" lines_at_least "$d/stamps" "$n"; then
		t1=$(last_start_us "$d/stamps")
		sample "start_ms_$n" "$who" "$round" "$(ms_since "$t0" "$t1")"
		sample "start_cpu_ms_$n" "$who" "$round" \
		    "$(ms_since 0 "$(own_cpu_us "$who")")"
	else
		log "start/$who/$n: $(starts "$d/stamps") of $n up"
	fi
	finish "$d"
}

# floor_cg_remove: what floors killed before their end left of their
# cgroups: each makes floor.PID below the cgroup it runs in, ours.
FLOOR_PIDS=
floor_cg_remove() {
	local mnt own pid dir p
	mnt=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/self/mounts)
	own=$(sed -n 's/^0:://p' /proc/self/cgroup)
	[ -n "$mnt" ] || return 0
	for pid in $FLOOR_PIDS; do
		alive "$pid" && continue
		dir=$mnt${own%/}/floor.$pid
		[ -d "$dir" ] || continue
		for p in "$dir"/p*/; do
			[ -d "$p" ] && { echo 1 > "$p/cgroup.kill"; } 2>/dev/null
		done
		wait_until 5 eval '! cat "$dir"/p*/cgroup.procs 2>/dev/null | grep -q .'
		rmdir "$dir"/p*/ "$dir" 2>/dev/null
	done
	FLOOR_PIDS=
}

# floor_flags WHO: the floor programs' options for WHO (floor, cgfloor);
# 1 when WHO does not run here (floor+cg: root only).
floor_flags() {
	case $1 in
	floor)	echo ;;
	cgfloor) [ "$(id -u)" = 0 ] && echo -g ;;
	esac
}

sc_start_floor() {
	local round=$1 n=$2 who g d t0 pid
	for who in floor cgfloor; do
		g=$(floor_flags "$who") || continue
		d=$W/start-$who-$round-$n
		mkdir -p "$d"
		export BENCH_TAG=$d
		# Timed as ours, and watched the same way while it starts them
		# (each look forks a grep): from before bash forks it to the
		# last stamp.
		t0=$(now_us)
		"$BIN/startfloor" $g "$n" "$BIN/stamp" "$d/stamps" > "$d/out" &
		pid=$!
		FLOOR_PIDS="$FLOOR_PIDS $pid"
		wait_until "$UP_TIMEOUT" eval \
		    'lines_at_least "$d/stamps" "$n" || ! alive "$pid"'
		if wait "$pid" && [ -s "$d/stamps" ]; then
			sample "start_ms_$n" "$who" "$round" \
			    "$(ms_since "$t0" "$(last_start_us "$d/stamps")")"
			sample "start_cpu_ms_$n" "$who" "$round" \
			    "$(ms_since 0 "$(sed -n 2p "$d/out")")"
		else
			log "start/$who/$n: failed"
		fi
	done
}

# stamp_gap_us FILE_L FILE_S: microseconds from the launcher's "L" line to
# the program's first "S" line (one clock: CLOCK_REALTIME).
stamp_gap_us() {
	local l s
	read -r _ _ l < <(grep -m1 '^L ' "$1")
	read -r _ _ s < <(grep -m1 '^S ' "$2")
	[ -n "$l" ] && [ -n "$s" ] || return 1
	awk -v l="$l" -v s="$s" 'BEGIN { split(l, a, " "); split(s, b, " ");
	    printf "%d\n", ((b[1] - a[1]) * 1e9 + (b[2] - a[2])) / 1000 }'
}

# startup WHO ROUND: STARTUP_RUNS launches of a one-program config:
# the supervisor's exec -> its program's first line.
sc_startup() {
	local who=$1 round=$2 i d us
	for i in $(seq "$STARTUP_RUNS"); do
		d=$W/startup-$who-$round-$i
		export BENCH_TAG=$d
		configure "$who" "$d" 1 "$BIN/stamp $d/stamps 3600"
		LAUNCH="$BIN/launchstamp $d/launch"
		start "$who" "$d"
		LAUNCH=
		if wait_until "$UP_TIMEOUT" lines_at_least "$d/stamps" 1 &&
		    us=$(stamp_gap_us "$d/launch" "$d/stamps"); then
			sample startup_us "$who" "$round" "$us"
		else
			log "startup/$who: the program did not start"
		fi
		finish "$d"
	done
	[ "$who" = ours ] || return 0
	# Its own part, config opened -> first spawn, as it says at debug
	# (separate launches: the others' configs stay as they are).
	for i in $(seq "$STARTUP_RUNS"); do
		d=$W/startup-cfg-$round-$i
		export BENCH_TAG=$d
		configure ours "$d" 1 "$BIN/stamp $d/stamps 3600"
		printf '[supervisor]\nloglevel = debug\n' >> "$d/ours.ini"
		start ours "$d"
		if wait_until "$UP_TIMEOUT" grep -q "start-up: the first program" \
		    "$d/log"; then
			sample startup_cfg_us ours "$round" "$(sed -n \
			    's/.*start-up: the first program spawned \([0-9.]*\) ms.*/\1/p' \
			    "$d/log" | awk '{ printf "%d", $1 * 1000 }')"
		else
			log "startup/ours: no start-up line"
		fi
		finish "$d"
	done
}

sc_startup_floor() {
	local round=$1 i d us
	for i in $(seq "$STARTUP_RUNS"); do
		d=$W/startup-floor-$round-$i
		export BENCH_TAG=$d
		mkdir -p "$d"
		"$BIN/launchstamp" -f "$d/launch" "$BIN/stamp" "$d/stamps" 3600
		wait_until "$UP_TIMEOUT" lines_at_least "$d/stamps" 1 &&
		    us=$(stamp_gap_us "$d/launch" "$d/stamps") &&
		    sample startup_us floor "$round" "$us"
		kill_tagged "$d"
	done
}

# teardown WHO ROUND: TEAR_N trees; SIGTERM -> exit, survivors after 1 s.
# sigkill WHO ROUND: the same trees; survivors 1 s after SIGKILL.
sc_teardown() {
	local who=$1 round=$2 how=$3 d=$W/$3-$1-$2
	export BENCH_TAG=$d
	configure "$who" "$d" "$TEAR_N" "$TREE_CMD"
	start "$who" "$d"
	if ! wait_until "$UP_TIMEOUT" tagged_at_least "$d" $(( TEAR_N * 3 )); then
		log "$how/$who: only $(tagged_programs "$d" | wc -l) of $(( TEAR_N * 3 )) processes up"
		finish "$d"
		return
	fi
	sleep "$SETTLE"	# let every supervisor settle
	if [ "$how" = teardown ]; then
		if stop_timed; then
			sample "teardown_ms${TEAR_SUFFIX:-}" "$who" "$round" "$(ms_since 0 "$STOP_US")"
			sample teardown_unfinished "$who" "$round" 0
		else
			log "teardown/$who: still running ${STOP_TIMEOUT}s after SIGTERM"
			sample teardown_unfinished "$who" "$round" 1
		fi
	else
		{ kill -KILL "$SUP_PID"; wait "$SUP_PID"; } 2>/dev/null
		SUP_PID=
		sleep 1		# survivors 1 s after the SIGKILL
	fi
	[ "$how" = teardown ] && sleep "$LEFT_WAIT"
	sample "${how}_survivors" "$who" "$round" "$(tagged_programs "$d" | wc -l)"
	finish "$d"
}

sc_teardown_floor() {
	local round=$1 who g d
	for who in floor cgfloor; do
		g=$(floor_flags "$who") || continue
		d=$W/teardown-$who-$round
		mkdir -p "$d"
		export BENCH_TAG=$d
		# Timed as ours: SIGTERM -> its exit, once the trees are up.
		"$BIN/treefloor" -s $g "$TEAR_N" $(( TEAR_N * 3 )) \
		    "sh -c \"sleep 1000 & wait\" & wait" > "$d/out" 2>&1 &
		SUP_PID=$!
		FLOOR_PIDS="$FLOOR_PIDS $SUP_PID"
		# Up, or gone (no cgroup v2 to be had: exit status 2).
		wait_until "$UP_TIMEOUT" eval \
		    'grep -q "^up$" "$d/out" || ! alive "$SUP_PID"'
		if ! grep -q '^up$' "$d/out"; then
			log "teardown/$who: not up: $(head -c 200 "$d/out")"
		elif sleep "$SETTLE" && stop_timed; then
			sample "teardown_ms${TEAR_SUFFIX:-}" "$who" "$round" \
			    "$(ms_since 0 "$STOP_US")"
		else
			log "teardown/$who: still running ${STOP_TIMEOUT}s after SIGTERM"
		fi
		[ -n "$SUP_PID" ] &&
			{ kill -KILL "$SUP_PID"; wait "$SUP_PID"; } 2>/dev/null
		SUP_PID=
		kill_tagged "$d"
		floor_cg_remove
	done
}

# idle WHO ROUND N: N long-running programs; own processes' context
# switches and CPU over IDLE_SECS, and their PSS.
sc_idle() {
	local who=$1 round=$2 n=$3 d=$W/idle-$1-$2-$3 before after try
	export BENCH_TAG=$d
	configure "$who" "$d" "$n" "$BIN/stamp $d/stamps 3600" 0
	start "$who" "$d"
	if ! wait_until "$UP_TIMEOUT" lines_at_least "$d/stamps" "$n"; then
		log "idle/$who/$n: only $(starts "$d/stamps") up"
		finish "$d"
		return
	fi
	sleep "$WARM"	# past start-up work
	# Task lists beside DIR, not in it: ours watches its config's
	# directory, and a file made there is an event it wakes for.
	for try in $(seq "$IDLE_TRIES"); do
		own_tasks "$who" > "$d.tasks-before"
		before=($(own_counters "$who"))
		sleep "$IDLE_SECS"
		after=($(own_counters "$who"))
		own_tasks "$who" > "$d.tasks-after"
		[ $(( after[0] - before[0] )) = 0 ] && break
		log "idle/$who/$n: window $try of $IDLE_TRIES:" \
		    "$(( after[0] - before[0] )) context switches;" \
		    "pid/tid comm voluntary nonvoluntary, before -> after:" \
		    "$(diff "$d.tasks-before" "$d.tasks-after" | grep '^[<>]' | tr '\n' ' ')"
	done
	if echo " $IDLE_NS " | grep -q " $n "; then
		sample "idle_ctxt_$n" "$who" "$round" $(( after[0] - before[0] ))
		sample "idle_cpu_ms_$n" "$who" "$round" \
		    $(( (after[1] - before[1]) * 1000 / CLK_TCK ))
	fi
	sample "pss_kb_$n" "$who" "$round" "$(own_pss_kb "$who")"
	finish "$d"
}

# in_container COMMAND...: COMMAND as a container's init: a new pid and
# mount namespace (with its own /proc), an empty environment.
in_container() {
	unshare --pid --mount --fork --mount-proc env -i "$@"
}

# pid1 WHO ROUND: ours or base as a container's init running /bin/true,
# launch -> exit, PID1_RUNS times; then running sleep, the PSS of its own
# processes.  The floor is tini, the same way.
sc_pid1() {
	local who=$1 round=$2 d=$W/pid1-$1-$2 bin i t0 init pid
	mkdir -p "$d"
	chmod 755 "$d"
	case $who in
	ours) bin=$OURS ;;
	base) bin=$BASE ;;
	floor) bin=tini ;;
	*) return ;;
	esac
	# The init's own socket; shutdown_on_exit: it exits with /bin/true.
	printf '[supervisor]\nsocket = %s/s.sock\n[program:t]\ncommand = /bin/true\nstartsecs = 0\nautorestart = false\nshutdown_on_exit = true\nstdout_logfile = NONE\nstderr_logfile = NONE\n' "$d" > "$d/true.ini"
	printf '[supervisor]\nsocket = %s/s.sock\n[program:t]\ncommand = /bin/sleep 1000\nstartsecs = 0\nstdout_logfile = NONE\nstderr_logfile = NONE\n' "$d" > "$d/sleep.ini"
	for i in $(seq 1 "$PID1_RUNS"); do
		t0=$(now_us)
		if [ "$who" = floor ]; then
			in_container "$(command -v tini)" -s /bin/true 2>/dev/null
		else
			in_container "$bin" -c "$d/true.ini" 2>/dev/null
		fi || { log "pid1/$who: the container failed"; return; }
		sample pid1_ms "$who" "$round" \
		    "$(awk -v u=$(( $(now_us) - t0 )) 'BEGIN { printf "%.2f", u / 1000 }')"
	done
	export BENCH_TAG=$d
	# unshare itself in the background ($! is its pid, not a subshell's).
	if [ "$who" = floor ]; then
		unshare --pid --mount --fork --mount-proc env -i \
		    "$(command -v tini)" -s /bin/sleep 1000 &
	else
		unshare --pid --mount --fork --mount-proc env -i \
		    "$bin" -c "$d/sleep.ini" 2>/dev/null &
	fi
	pid=$!
	sleep "$SETTLE"
	# unshare's child is the init; ours is the guardian and its child,
	# the supervisor (the program, sleep, is not the init's own).
	init=$(cat /proc/"$pid"/task/*/children 2>/dev/null)
	local total=0 p k v comm
	for p in $init $(cat /proc/"$init"/task/*/children 2>/dev/null); do
		read -r comm < "/proc/$p/comm" 2>/dev/null || continue
		case $comm in supervisor|tini) ;; *) continue ;; esac
		while read -r k v _; do
			[ "$k" = Pss: ] && total=$(( total + v ))
		done < "/proc/$p/smaps_rollup" 2>/dev/null
	done
	sample pid1_pss_kb "$who" "$round" "$total"
	# As docker stop does: SIGTERM to the init, from outside.
	[ -n "$init" ] && kill -TERM "$init" 2>/dev/null
	wait_until 10 eval '! kill -0 "$pid" 2>/dev/null' ||
		log "pid1/$who: the init did not stop on SIGTERM"
	# Whatever is left: the init and its namespace with it.
	[ -n "$init" ] && kill -KILL "$init" 2>/dev/null
	{ kill -KILL "$pid"; wait "$pid"; } 2>/dev/null
}

# crash WHO ROUND: 10 programs that exit 1 at once, for CRASH_SECS.
sc_crash() {
	local who=$1 round=$2 d=$W/crash-$1-$2 before after
	export BENCH_TAG=$d
	configure "$who" "$d" 10 "$BIN/stamp $d/stamps 0"
	start "$who" "$d"
	sleep 0.5
	before=($(own_counters "$who"))
	sleep "$CRASH_SECS"
	after=($(own_counters "$who"))
	if ! alive "$SUP_PID"; then
		log "crash/$who: the supervisor exited; log:"
		tail -n 5 "$d/log" >&2
		finish "$d"
		return
	fi
	sample crash_cpu_ms "$who" "$round" \
	    $(( (after[1] - before[1]) * 1000 / CLK_TCK ))
	sample crash_spawns "$who" "$round" "$(starts "$d/stamps")"
	finish "$d"
}

# ctl WHO DIR ARGS...: the supervisor's own control command.
ctl() {
	local who=$1 d=$2
	shift 2
	case $who in
	ours)	"$OURS" -s "$d/ours.sock" "$@" ;;
	base)	"$BASE" -s "$d/ours.sock" "$@" ;;
	supervisord) supervisorctl -c "$d/supervisord.conf" "$@" ;;
	runit)	case $1 in
		status) sv status "$d"/sv/* ;;
		*) sv -w 120 "$1" "$d"/sv/* ;;	# waits until done
		esac ;;
	esac
}

# status_runs WHO ROUND N DIR: the control command's "status" of all N,
# end to end, CTL_RUNS times.
status_runs() {
	local who=$1 round=$2 n=$3 d=$4 i t0
	for i in $(seq 1 "$CTL_RUNS"); do
		t0=$(now_us)
		ctl "$who" "$d" status > /dev/null 2>&1
		sample "status_ms_$n" "$who" "$round" \
		    "$(awk -v us=$(( $(now_us) - t0 )) 'BEGIN { printf "%.1f", us / 1000 }')"
	done
}

# control WHO ROUND N OPS: N programs; the control command's "status" of
# all, end to end (CTL_RUNS times); with OPS, "stop all" (until every
# process is gone) and "start all" (until all are RUNNING again).  s6 has
# no command for all services at once: n/a.
sc_control() {
	local who=$1 round=$2 n=$3 ops=$4 d=$W/control-$1-$2-$3 i t0 t1 left
	[ "$who" = s6 ] && return
	export BENCH_TAG=$d
	configure "$who" "$d" "$n" "$BIN/stamp $d/stamps 3600"
	start "$who" "$d"
	if ! wait_until "$UP_TIMEOUT" lines_at_least "$d/stamps" "$n"; then
		log "control/$who/$n: only $(starts "$d/stamps") up"
		finish "$d"
		return
	fi
	sleep 1.2	# past startsecs: all RUNNING
	status_runs "$who" "$round" "$n" "$d"
	if [ "$ops" = ops ]; then
		t0=$(now_us)
		ctl "$who" "$d" stop all > /dev/null 2>&1
		sample "stopall_ms_$n" "$who" "$round" $(( ($(now_us) - t0) / 1000 ))
		left=$(tagged_programs "$d" | wc -l)
		[ "$left" -gt 0 ] && log "control/$who: $left processes left after stop all"
		t0=$(now_us)
		ctl "$who" "$d" start all > /dev/null 2>&1
		sample "startall_ms_$n" "$who" "$round" $(( ($(now_us) - t0) / 1000 ))
	fi
	finish "$d"
}

# web_ms URL: curl's time from the request sent to the last byte, ms.
web_ms() {
	curl -s -o /dev/null -w '%{time_pretransfer} %{time_total}' "$1" |
	    awk '{ printf "%.2f", ($2 - $1) * 1000 }'
}

# web WHO ROUND N: N programs and [inet_http_server]; the page and
# /metrics timed, a change's way to an open page, an open page's cost
# while nothing changes.
sc_web() {
	local who=$1 round=$2 n=$3 d=$W/web-$1-$2-$3 i port url before after
	case $who in runit|s6) return ;; esac
	export BENCH_TAG=$d
	configure "$who" "$d" "$n" "$BIN/stamp $d/stamps 3600" 0
	port=$(( 20000 + RANDOM % 10000 ))
	printf '[inet_http_server]\nport = 127.0.0.1:%s\n' "$port" \
	    >> "$(config_file "$who" "$d")"
	url=http://127.0.0.1:$port
	start "$who" "$d"
	if ! wait_until "$UP_TIMEOUT" lines_at_least "$d/stamps" "$n" ||
	    ! wait_until 10 eval 'curl -s -o /dev/null "$url/"'; then
		log "web/$who/$n: not up"
		finish "$d"
		return
	fi
	sleep "$SETTLE"
	# Wall time per request (as a client sees it, the machine's load
	# included), then the supervisor's own CPU time per request (what the
	# load does not change), WEB_RUNS of each.
	before=($(own_counters "$who"))
	for i in $(seq 1 "$WEB_RUNS"); do
		sample "web_page_ms_$n" "$who" "$round" "$(web_ms "$url/")"
	done
	after=($(own_counters "$who"))
	sample "web_page_cpu_ms_$n" "$who" "$round" "$(awk -v t=$(( after[1] - \
	    before[1] )) -v r="$WEB_RUNS" -v hz="$CLK_TCK" \
	    'BEGIN { printf "%.2f", t * 1000 / hz / r }')"
	case $who in ours|base) ;; *) finish "$d"; return ;; esac
	before=($(own_counters "$who"))
	for i in $(seq 1 "$WEB_METRICS_RUNS"); do
		sample "web_metrics_ms_$n" "$who" "$round" \
		    "$(web_ms "$url/metrics")"
	done
	after=($(own_counters "$who"))
	sample "web_metrics_cpu_ms_$n" "$who" "$round" "$(awk -v t=$(( \
	    after[1] - before[1] )) -v r="$WEB_METRICS_RUNS" -v hz="$CLK_TCK" \
	    'BEGIN { printf "%.2f", t * 1000 / hz / r }')"
	/usr/bin/python3 - "$url" "$n" > "$d/event" 2>&1 <<'EOF2'
# A page's events: the snapshot, then a program SIGKILLed; the time until
# its change arrives, ms.
import json, os, signal, socket, sys, time
host, port = sys.argv[1][len("http://"):].split(":")
s = socket.create_connection((host, int(port)))
s.sendall(b"GET /events HTTP/1.1\r\nHost: %s:%s\r\n\r\n" % (host.encode(),
    port.encode()))
def more(data, size):
	chunk = s.recv(size)
	if not chunk:
		sys.exit("the connection closed: " + data[:200].decode())
	return data + chunk
data = b""
while b"]\n\n" not in data:
	data = more(data, 1 << 20)
rows = data[data.index(b"data: ["):].split(b"]\n\n")[0]
row = json.loads(b"".join(l[6:] for l in rows.split(b"\n")) + b"]")[0]
t0 = time.monotonic()
os.kill(row["pid"], signal.SIGKILL)
want = ('"name":"%s","state":"' % row["name"]).encode()
data = b""
while want not in data:
	data = more(data, 65536)
print("%.2f" % ((time.monotonic() - t0) * 1000))
EOF2
	if grep -qE '^[0-9.]+$' "$d/event"; then
		sample web_event_ms "$who" "$round" "$(cat "$d/event")"
	else
		log "web/$who: no event: $(head -c 200 "$d/event")"
	fi
	curl -sN "$url/events" > /dev/null 2>&1 &
	local page=$!
	sleep "$WARM"
	before=($(own_counters "$who"))
	sleep "$IDLE_SECS"
	after=($(own_counters "$who"))
	sample web_idle_ctxt "$who" "$round" $(( after[0] - before[0] ))
	{ kill "$page"; wait "$page"; } 2>/dev/null
	finish "$d"
}

# xmlrpc WHO ROUND N: N programs up (ours and supervisord, the HTTP
# side); Debian's supervisorctl "status" end to end, the same client
# against both (CTL_RUNS times), and so our supervisorctl personality; and a Python xmlrpc.client on one
# connection: getAllProcessInfo and getAPIVersion (the round trip
# without the work) XMLRPC_CALLS times each, the median per call.
sc_xmlrpc() {
	local who=$1 round=$2 n=$3 d=$W/xmlrpc-$1-$2-$3 i t0 t1 sock url
	case $who in ours|base|supervisord) ;; *) return ;; esac
	export BENCH_TAG=$d
	configure "$who" "$d" "$n" "$BIN/stamp $d/stamps 3600"
	if [ "$who" = supervisord ]; then
		sock=$d/supervisord.sock
	else
		sock=$d/ours.sock
		printf '[supervisorctl]\nserverurl = unix://%s\n' "$sock" > \
		    "$d/ctl.conf"
	fi
	start "$who" "$d"
	if ! wait_until "$UP_TIMEOUT" lines_at_least "$d/stamps" "$n"; then
		log "xmlrpc/$who/$n: only $(starts "$d/stamps") up"
		finish "$d"
		return
	fi
	sleep 1.2	# past startsecs: all RUNNING
	for i in $(seq 1 "$CTL_RUNS"); do
		t0=$(now_us)
		if [ "$who" = supervisord ]; then
			supervisorctl -c "$d/supervisord.conf" status > /dev/null 2>&1
		else
			supervisorctl -c "$d/ctl.conf" status > /dev/null 2>&1
		fi
		t1=$(now_us)
		sample "sctl_status_ms_$n" "$who" "$round" \
		    "$(awk -v us=$(( t1 - t0 )) 'BEGIN { printf "%.1f", us / 1000 }')"
	done
	# The supervisorctl personality (C, no Python): the same status.
	for i in $(seq 1 "$CTL_RUNS"); do
		t0=$(now_us)
		"${OURS%/*}/supervisorctl" -s "unix://$sock" status > /dev/null 2>&1
		t1=$(now_us)
		sample "cctl_status_ms_$n" "$who" "$round" \
		    "$(awk -v us=$(( t1 - t0 )) 'BEGIN { printf "%.1f", us / 1000 }')"
	done
	/usr/bin/python3 - "unix://$sock" "${XMLRPC_CALLS:-20}" > "$d/py" 2>&1 <<'PY'
import sys, time, xmlrpc.client
from supervisor import xmlrpc as sx
s = xmlrpc.client.ServerProxy("http://127.0.0.1",
    transport=sx.SupervisorTransport(None, None, sys.argv[1]))
def median(f):
    t = []
    for i in range(int(sys.argv[2])):
        t0 = time.perf_counter(); f(); t.append(time.perf_counter() - t0)
    t.sort()
    return t[len(t) // 2] * 1000
print("%.2f %.2f" % (median(s.supervisor.getAllProcessInfo),
    median(s.supervisor.getAPIVersion)))
PY
	read -r t0 t1 < "$d/py"
	sample "getall_ms_$n" "$who" "$round" "$t0"
	sample "rpc_ping_ms_$n" "$who" "$round" "$t1"
	# The server's part: curl sends the call and reads the reply whole,
	# parsing nothing.
	printf '<?xml version="1.0"?><methodCall><methodName>supervisor.getAllProcessInfo</methodName><params></params></methodCall>' \
	    > "$d/call.xml"
	for i in $(seq 1 "${XMLRPC_CALLS:-20}"); do
		curl -s -o /dev/null --unix-socket "$sock" -H 'Content-Type: text/xml' \
		    --data-binary @"$d/call.xml" -w '%{time_total}\n' \
		    http://localhost/RPC2
	done | sort -g | awk '{ v[NR] = $1 } END { printf "%.2f\n", v[int((NR + 1) / 2)] * 1000 }' > "$d/curl"
	sample "getall_raw_ms_$n" "$who" "$round" "$(cat "$d/curl")"
	finish "$d"
}

# reload WHO ROUND N: N programs up; RELOAD_RUNS times, the command of
# the middle one is edited (the file written anew, renamed over the old
# one).  The time from the rename to the exec of the new process, and
# the processes that started meanwhile (1 is right).
sc_reload() {
	local who=$1 round=$2 n=$3 d=$W/reload-$1-$2-$3 i file mid t0 t1 s sec nsec
	case $who in runit|s6) return ;; esac
	export BENCH_TAG=$d
	configure "$who" "$d" "$n" "$BIN/stamp $d/stamps 3600" 0
	file=$d/ours.ini
	[ "$who" = supervisord ] && file=$d/supervisord.conf
	start "$who" "$d"
	if ! wait_until "$UP_TIMEOUT" lines_at_least "$d/stamps" "$n"; then
		log "reload/$who/$n: only $(starts "$d/stamps") up"
		finish "$d"
		return
	fi
	sleep "$SETTLE"
	reload_runs "$who" "$round" "$n" "$d" "$file"
	finish "$d"
}

# reload_runs WHO ROUND N DIR FILE: RELOAD_RUNS times, program N/2 of the
# running supervisor's config FILE edited (a new file renamed over it);
# save -> the edited program's exec, and what else was started.
reload_runs() {
	local who=$1 round=$2 n=$3 d=$4 file=$5 i mid s t0 t1 sec nsec
	mid=$(printf 'p%04d' $(( n / 2 )))
	for i in $(seq 1 "$RELOAD_RUNS"); do
		sed "/^\[program:$mid\]/{n;s|.*|command = $BIN/stamp $d/changed $((3000 + i))|}" \
		    "$file" > "$file.new"
		s=$(( $(starts "$d/stamps") + $(starts "$d/changed") ))
		t0=$(now_us)	# before the rename: mv's own time counts
		mv "$file.new" "$file"
		[ "$who" = supervisord ] && ctl "$who" "$d" update > /dev/null 2>&1
		if ! wait_until 10 lines_at_least "$d/changed" "$i"; then
			log "reload/$who: the edited program did not start again"
			break
		fi
		read -r _ _ sec nsec < <(grep '^S ' "$d/changed" | tail -n 1)
		t1=$(( sec * 1000000 + nsec / 1000 ))
		sample "reload_ms_$n" "$who" "$round" \
		    "$(awk -v us=$(( t1 - t0 )) 'BEGIN { printf "%.1f", us / 1000 }')"
		sleep 0.5	# anything else a reload would start, started
		sample "reload_starts_$n" "$who" "$round" \
		    $(( $(starts "$d/stamps") + $(starts "$d/changed") - s ))
	done
}

# scale WHO ROUND: SCALE_N programs started once (start, against the
# floor's), then with all of them up: status end to end (CTL_RUNS times),
# PSS, context switches while idle, a reload with one program edited
# (ours and supervisord), and the SIGTERM -> exit of them all.
sc_scale() {
	local who=$1 round=$2 n=$SCALE_N d=$W/scale-$1-$2 t0 i before after file
	export BENCH_TAG=$d
	configure "$who" "$d" "$n" "$BIN/stamp $d/stamps 3600" 0
	t0=$(now_us)
	start "$who" "$d"
	if ! wait_until "$UP_TIMEOUT" lines_at_least "$d/stamps" "$n"; then
		log "scale/$who/$n: only $(starts "$d/stamps") up"
		finish "$d"
		return
	fi
	sample "start_ms_$n" "$who" "$round" \
	    "$(ms_since "$t0" "$(last_start_us "$d/stamps")")"
	sleep 2		# past start-up work
	case $who in
	ours|base|supervisord|runit) status_runs "$who" "$round" "$n" "$d" ;;
	esac
	sample "pss_kb_$n" "$who" "$round" "$(own_pss_kb "$who")"
	before=($(own_counters "$who"))
	sleep "$IDLE_SECS"
	after=($(own_counters "$who"))
	sample "idle_ctxt_$n" "$who" "$round" $(( after[0] - before[0] ))
	case $who in
	ours|base|supervisord)
		file=$d/ours.ini
		[ "$who" = supervisord ] && file=$d/supervisord.conf
		reload_runs "$who" "$round" "$n" "$d" "$file" ;;
	esac
	if stop_timed; then
		sample "stop_ms_$n" "$who" "$round" "$(ms_since 0 "$STOP_US")"
	else
		log "scale/$who: still running ${STOP_TIMEOUT}s after SIGTERM"
	fi
	finish "$d"
}

# output_input: the output scenario's input, made once (not timed) where
# the logs are written, on the same file system; OUT_MB shrinks to what
# the free space allows for it and one log.  1 when there is no room.
output_input() {
	local free_mb fit
	[ -n "$OUT_INPUT" ] && return
	free_mb=$(( $(df -Pk "$W" | awk 'NR == 2 { print $4 }') / 1024 ))
	fit=$(( (free_mb - 256) / 2 ))		# 256 MB to spare
	if [ "$fit" -lt 8 ]; then
		log "output: only $free_mb MB free in $W; n/a"
		return 1
	elif [ "$fit" -lt "$OUT_MB" ]; then
		log "output: only $free_mb MB free in $W: $fit MB, not $OUT_MB"
		OUT_MB=$fit
	fi
	log "output: making a $OUT_MB MB input"
	# Written back to disk now, not while a run is timed.
	if ! head -c "$(( OUT_MB * 1048576 ))" /dev/urandom > "$W/output-input" ||
	    ! sync "$W/output-input"; then
		log "output: cannot make the input; n/a"
		rm -f "$W/output-input"
		return 1
	fi
	OUT_INPUT=$W/output-input
}

# logged DIR: the bytes logged in DIR/out.log and its copies, oldest first.
logged() {
	local i=1 files=("$1/out.log")
	while [ -e "$1/out.log.$i" ]; do
		files=("$1/out.log.$i" "${files[@]}")
		i=$(( i + 1 ))
	done
	cat "${files[@]}"
}

# filled_start DIR: before a run, starts bench/filled on DIR/out.log.
filled_start() {
	"$BIN/filled" $(( OUT_MB * 1048576 )) $(( 30 + OUT_MB / 10 )) \
	    "$1/out.log" > "$1/filled" 2> "$1/filled.err" &
	FILLED_PID=$!
}

# filled_wait DIR T0: the MB/s from T0 (us) until the log held every
# byte lands in MBPS; 1 if it never did.
filled_wait() {
	local t1
	MBPS=
	{ wait "$FILLED_PID" && read -r t1 < "$1/filled"; } || return 1
	MBPS=$(awk -v mb="$OUT_MB" -v us=$(( t1 - $2 )) \
	    'BEGIN { printf "%.0f", mb * 1e6 / us }')
}

# synced_mbps DIR T0: the file system holding DIR/out.log flushed to the
# disk (sync -f), the MB/s from T0 (us) until then in MBPS: the pace of
# the disk rather than of the page cache, for the issue's "disk speed".
synced_mbps() {
	sync -f "$1/out.log" || return 1
	MBPS=$(awk -v mb="$OUT_MB" -v us=$(( $(now_us) - $2 )) \
	    'BEGIN { printf "%.0f", mb * 1e6 / us }')
}

# warm DIR: a file the size of a run's output, written now and deleted
# (warm_end) just before the run, so that the run writes into memory
# just written.  Virtual machines with free page reporting hand memory
# freed a while ago back to the host, and the first write to it then
# costs ten times more: that would measure the host, and at random.
warm() { cat "$OUT_INPUT" > "$1/warm"; }
warm_end() { rm -f "$1/warm"; }

# output WHO ROUND ROT: one program writes the input (OUT_MB) to its log,
# kept in one file (ROT "-") or rotated every OUT_ROT_MB ("rot") with
# backups enough to keep every byte.  The program waits until the
# supervisor is up and its CPU time read: what is measured is the copy.
sc_output() {
	local who=$1 round=$2 rot=$3 d=$W/output-$1-$2-$3 m=output max=0 backups=0
	local l=$d/logs before after t0
	case $who in runit|s6) return ;; esac
	if [ "$rot" = rot ]; then
		m=output_rot
		max=$(( OUT_ROT_MB * 1048576 ))
		backups=$(( OUT_MB / OUT_ROT_MB + 2 ))
	fi
	export BENCH_TAG=$d
	configure_output "$who" "$d" "$max" "$backups"
	mkfifo "$d/go"
	start "$who" "$d"
	if ! wait_until "$UP_TIMEOUT" tagged_at_least "$d" 1; then
		log "output/$who: the program did not start; log:"
		tail -n 5 "$d/log" >&2
		finish "$d"
		return
	fi
	warm "$l"	# and past start-up work
	before=($(own_counters "$who"))
	filled_start "$l"
	exec 3<> "$d/go"	# read-write: opening does not wait for the reader
	warm_end "$l"
	t0=$(now_us)
	echo go >&3
	if filled_wait "$l" "$t0"; then
		after=($(own_counters "$who"))
		sample "${m}_mbps" "$who" "$round" "$MBPS"
		sample "${m}_cpu_s_per_gb" "$who" "$round" \
		    "$(awk -v t=$(( after[1] - before[1] )) -v hz="$CLK_TCK" \
		    -v mb="$OUT_MB" 'BEGIN { printf "%.2f", t / hz * 1024 / mb }')"
		[ "$rot" = - ] && synced_mbps "$l" "$t0" &&
			sample output_disk_mbps "$who" "$round" "$MBPS"
	else
		log "output/$who: $(cat "$l/filled.err")"
	fi
	exec 3>&-
	if [ "$round" = 1 ]; then	# not timed
		logged "$l" | cmp -s - "$OUT_INPUT"
		sample "${m}_differs" "$who" "$round" $(( $? != 0 ))
	fi
	finish "$d"
	rm -f "$l"/out.log*
}

# The floors, timed the same way: cat of the input to a file (which
# copies file to file in the kernel, copy_file_range), and the same
# bytes through a pipe, read and written by a second cat.
sc_output_floor() {
	local round=$1 d=$W/output-floor-$1 t0
	mkdir -p "$d"
	warm "$d"
	filled_start "$d"
	warm_end "$d"
	t0=$(now_us)
	cat "$OUT_INPUT" > "$d/out.log"
	filled_wait "$d" "$t0" && sample output_mbps floor "$round" "$MBPS"
	synced_mbps "$d" "$t0" && sample output_disk_mbps floor "$round" "$MBPS"
	rm -f "$d/out.log"
	warm "$d"
	filled_start "$d"
	warm_end "$d"
	t0=$(now_us)
	cat "$OUT_INPUT" | cat > "$d/out.log"
	filled_wait "$d" "$t0" && sample output_pipe_mbps floor "$round" "$MBPS"
	rm -f "$d/out.log"
}

# output_pct ROUND: each supervisor's MB/s in % of cat's, round by round
# (the machine's pace changes between rounds more than within one).
output_pct() {
	local round=$1 m who f v
	for m in output output_rot output_disk; do
		f=$(round_sample "${m%_rot}_mbps" floor "$round")
		[ -n "$f" ] || continue
		for who in $WHO; do
			v=$(round_sample "${m}_mbps" "$who" "$round")
			[ -n "$v" ] && sample "${m}_pct_of_cat" "$who" "$round" \
			    "$(awk -v a="$v" -v b="$f" 'BEGIN { printf "%.0f", 100 * a / b }')"
		done
	done
}

# round_sample METRIC WHO ROUND: that sample, if there is one.
round_sample() {
	awk -F, -v m="$1" -v w="$2" -v r="$3" \
	    '$1 == m && $2 == w && $3 == r { print $4 }' "$SAMPLES"
}

# ---- set-up ------------------------------------------------------------------

have() {
	case $1 in
	ours) [ -x "$OURS" ] ;;
	base) [ -n "$BASE" ] && [ -x "$BASE" ] ;;
	supervisord) command -v supervisord > /dev/null ;;
	runit) command -v runsvdir > /dev/null ;;
	s6) command -v s6-svscan > /dev/null ;;
	esac
}

install_missing() {
	local pkgs="" p created=""
	for p in $PEERS; do
		have "$p" && continue
		case $p in
		supervisord) pkgs="$pkgs supervisor" ;;
		runit|s6) pkgs="$pkgs $p" ;;
		esac
	done
	command -v gnuplot > /dev/null || pkgs="$pkgs gnuplot-nox"
	command -v tini > /dev/null || pkgs="$pkgs tini"
	[ -z "$pkgs" ] && return
	if [ "$(id -u)" != 0 ] || ! command -v apt-get > /dev/null; then
		log "missing:$pkgs (install them to compare; they are n/a)"
		return
	fi
	log "installing:$pkgs"
	if [ ! -e /usr/sbin/policy-rc.d ]; then
		printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
		chmod 755 /usr/sbin/policy-rc.d
		created=1
	fi
	DEBIAN_FRONTEND=noninteractive timeout 600 apt-get install -y -q \
	    --no-install-recommends $pkgs > "$W/apt.log" 2>&1 ||
		log "apt-get failed: $(tail -n 2 "$W/apt.log")"
	[ -n "$created" ] && rm -f /usr/sbin/policy-rc.d
}

cleanup() {
	local d
	[ -n "$SUP_PID" ] && kill -KILL "$SUP_PID" 2>/dev/null
	for d in "$W"/*/; do
		[ -d "$d" ] && kill_tagged "${d%/}"
	done
	floor_cg_remove
	rm -rf "$W"
}
trap cleanup EXIT
trap 'log interrupted; exit 130' INT TERM

[ -x "$OURS" ] || { log "build/supervisor is missing: run make"; exit 1; }
mkdir -p "$BIN" "$RESULTS" || exit 1
for h in stamp floor treefloor startfloor filled ready evlisten launchstamp; do
	[ "$BIN/$h" -nt "bench/$h.c" ] && [ "$BIN/$h" -nt bench/cgfloor.h ] &&
		continue
	cc -O2 -D_GNU_SOURCE -Wall -Wextra -Werror -o "$BIN/$h" "bench/$h.c" ||
		{ log "cannot build bench/$h.c"; exit 1; }
done
[ "${SMOKE:-0}" = 1 ] || install_missing
WHO=""
for p in $PEERS; do
	if have "$p"; then
		WHO="$WHO $p"
	elif [ "$p" = base ]; then
		log "base: BASE is not an executable (${BASE:-not set}); n/a"
	else
		log "$p: not installed; n/a"
	fi
done
: > "$SAMPLES"

echo "supervisor bench, $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores," \
    "$(uname -sr); load at start $(cut -d' ' -f1-3 /proc/loadavg)"
echo "ours $("$OURS" -V | cut -d' ' -f2)$(have base && echo ", base $("$BASE" -V | cut -d' ' -f2) ($BASE)")$(have supervisord && echo ", supervisord $(supervisord --version)")$(have runit && echo ", runit $(dpkg-query -W -f='${Version}' runit 2>/dev/null)")$(have s6 && echo ", s6 $(dpkg-query -W -f='${Version}' s6 2>/dev/null)")"
echo "rounds $ROUNDS (alternating$WHO), restarts $RESTARTS, idle ${IDLE_SECS}s," \
    "crash loop ${CRASH_SECS}s, teardown $TEAR_N trees of 3"

# ---- readiness (ours and base only: the others have none) -----------------

# stamp_of FILE KIND: the first KIND stamp of FILE, in microseconds.
stamp_of() {
	awk -v k="$2" '$1 == k { printf "%.0f\n", $3 * 1000000 + int($4 / 1000); exit }' "$1" 2>/dev/null
}

# free_tcp_port: a port of 127.0.0.1 nobody listens on now.
free_tcp_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# ready WHO ROUND KIND: db ready by KIND -> app's exec, READY_RUNS times.
sc_ready() {
	local who=$1 round=$2 kind=$3 i d spec arg r s port
	case $who in ours|base) ;; *) return ;; esac
	for i in $(seq 1 "$READY_RUNS"); do
		d=$W/ready-$who-$round-$kind-$i
		export BENCH_TAG=$d
		mkdir -p "$d"
		case $kind in
		notify) spec=notify arg=notify ;;
		fd) spec=fd:3 arg=fd ;;
		tcp) port=$(free_tcp_port); spec=tcp:127.0.0.1:$port arg=tcp:$port ;;
		esac
		cat > "$d/ours.ini" <<EOF
[program:db]
command = $BIN/ready $d/db.stamps $READY_DELAY $arg
ready = $spec
stdout_logfile = NONE
stderr_logfile = NONE
[program:app]
command = $BIN/stamp $d/app.stamps 3600
depends_on = db
startsecs = 0
stdout_logfile = NONE
stderr_logfile = NONE
EOF
		start "$who" "$d"
		if wait_until 30 lines_at_least "$d/app.stamps" 1; then
			r=$(stamp_of "$d/db.stamps" R) s=$(stamp_of "$d/app.stamps" S)
			sample "ready_${kind}_ms" "$who" "$round" \
			    "$(awk -v a="$r" -v b="$s" 'BEGIN { printf "%.3f", (b - a) / 1000 }')"
		else
			log "ready/$who/$kind: app never started"
		fi
		finish "$d"
	done
}

# chain_config DIR: CHAIN_N notify programs, each after the one before.
chain_config() {
	local i prev=
	for i in $(seq -f %04g 1 "$CHAIN_N"); do
		printf '[program:c%s]\ncommand = %s\nready = notify\n' "$i" \
		    "$BIN/ready $1/stamps $CHAIN_DELAY notify"
		[ -n "$prev" ] && printf 'depends_on = c%s\n' "$prev"
		printf 'stdout_logfile = NONE\nstderr_logfile = NONE\n\n'
		prev=$i
	done > "$1/ours.ini"
}

ready_count() { local c; c=$(grep -c '^R ' "$1" 2>/dev/null); echo "${c:-0}"; }

# chain WHO ROUND: launch -> the last one ready; its ratio to the sum of
# their own start times (S -> R of each); each link (one ready -> the
# next one's exec).
sc_chain() {
	local who=$1 round=$2 d=$W/chain-$1-$2 t0 last own
	case $who in ours|base) ;; *) return ;; esac
	export BENCH_TAG=$d
	mkdir -p "$d"
	chain_config "$d"
	t0=$(now_us)
	start "$who" "$d"
	if ! wait_until "$UP_TIMEOUT" eval '[ "$(ready_count "$d/stamps")" -ge "$CHAIN_N" ]'; then
		log "chain/$who: $(ready_count "$d/stamps") of $CHAIN_N ready"
		finish "$d"
		return
	fi
	finish "$d"
	last=$(awk '$1 == "R" { t = $3 * 1000000 + int($4 / 1000); if (t > m) m = t } END { printf "%.0f", m }' "$d/stamps")
	own=$(awk '$1 == "S" { s[$2] = $3 * 1e6 + $4 / 1e3 }
	    $1 == "R" { sum += $3 * 1e6 + $4 / 1e3 - s[$2] } END { printf "%.0f", sum }' "$d/stamps")
	sample "chain_ms_$CHAIN_N" "$who" "$round" $(( (last - t0) / 1000 ))
	sample "chain_own_ms_$CHAIN_N" "$who" "$round" $(( own / 1000 ))
	sample "chain_ratio_$CHAIN_N" "$who" "$round" \
	    "$(awk -v a="$(( last - t0 ))" -v b="$own" 'BEGIN { printf "%.3f", a / b }')"
	awk '{ t = $3 * 1e6 + $4 / 1e3 }
	    $1 == "R" { r = t } $1 == "S" && r { printf "%.3f\n", (t - r) / 1000; r = 0 }' \
	    "$d/stamps" > "$d/links"
	while read -r l; do sample chain_link_ms "$who" "$round" "$l"; done < "$d/links"
}

# probes WHO ROUND: PROBE_N programs listening, each with a tcp health
# check every second: the supervisor's context switches per check, over
# IDLE_SECS.
sc_probes() {
	local who=$1 round=$2 d=$W/probes-$1-$2 i port before after
	case $who in ours|base) ;; *) return ;; esac
	export BENCH_TAG=$d
	mkdir -p "$d"
	for i in $(seq -f %04g 1 "$PROBE_N"); do
		port=$(free_tcp_port)
		printf '[program:p%s]\ncommand = %s\nready = tcp:127.0.0.1:%s\nhealthcheck = tcp:127.0.0.1:%s\nhealthcheck_interval = 1\nstdout_logfile = NONE\nstderr_logfile = NONE\n\n' \
		    "$i" "$BIN/ready $d/stamps 0 tcp:$port" "$port" "$port"
	done > "$d/ours.ini"
	start "$who" "$d"
	if ! wait_until "$UP_TIMEOUT" eval '[ "$(ready_count "$d/stamps")" -ge "$PROBE_N" ]'; then
		log "probes/$who: $(ready_count "$d/stamps") of $PROBE_N up"
		finish "$d"
		return
	fi
	sleep "$WARM"
	before=($(own_counters "$who"))
	sleep "$IDLE_SECS"
	after=($(own_counters "$who"))
	sample probe_ctxt_per_check "$who" "$round" \
	    "$(awk -v c="$(( after[0] - before[0] ))" -v n="$PROBE_N" -v s="$IDLE_SECS" 'BEGIN { printf "%.2f", c / (n * s) }')"
	finish "$d"
}

# want SCENARIO: whether ONLY (default: all) lists it.
want() { [ -z "${ONLY:-}" ] || [[ " $ONLY " == *" $1 "* ]]; }
want output && output_input

for round in $(seq 1 "$ROUNDS"); do
	if want restart; then
		log "round $round: restart latency"
		for who in $WHO; do sc_restart "$who" "$round"; done
		sc_restart_floor "$round"
	fi
	if want event; then
		log "round $round: event latency"
		for who in $WHO; do sc_event "$who" "$round"; done
	fi
	for n in $START_NS; do
		want start || break
		log "round $round: start $n"
		for who in $WHO; do sc_start "$who" "$round" "$n"; done
		sc_start_floor "$round" "$n"
	done
	if want startup; then
		log "round $round: start-up of one program, $STARTUP_RUNS runs"
		for who in $WHO; do sc_startup "$who" "$round"; done
		sc_startup_floor "$round"
	fi
	if want teardown; then
		log "round $round: teardown and SIGKILL of $TEAR_N trees"
		for who in $WHO; do
			sc_teardown "$who" "$round" teardown
			sc_teardown "$who" "$round" sigkill
		done
		sc_teardown_floor "$round"
	fi
	for n in $MEM_NS; do
		want idle || break
		log "round $round: idle and memory, $n programs"
		for who in $WHO; do sc_idle "$who" "$round" "$n"; done
	done
	if want crash; then
		log "round $round: crash loop"
		for who in $WHO; do sc_crash "$who" "$round"; done
	fi
	if want scale && [ -n "$SCALE_N" ]; then
		log "round $round: $SCALE_N programs: start, status, memory, reload, stop"
		for who in $WHO; do
			case " $SCALE_PEERS " in
			*" $who "*) S6_MAX=$(( SCALE_N + 100 )) sc_scale "$who" "$round" ;;
			esac
		done
		sc_start_floor "$round" "$SCALE_N"
		log "round $round: teardown of $SCALE_TREES trees"
		for who in $WHO; do
			case " $SCALE_PEERS " in
			*" $who "*) TEAR_N=$SCALE_TREES TEAR_SUFFIX=_$SCALE_TREES \
			    S6_MAX=$(( SCALE_TREES + 100 )) \
			    sc_teardown "$who" "$round" teardown ;;
			esac
		done
		TEAR_N=$SCALE_TREES TEAR_SUFFIX=_$SCALE_TREES sc_teardown_floor "$round"
	fi
	if want reload; then
		log "round $round: reload, $RELOAD_N programs, one edited"
		for who in $WHO; do sc_reload "$who" "$round" "$RELOAD_N"; done
	fi
	if [ -z "$CTL_N" ] || ! want control; then
		:
	elif [ "$CTL_N" = "$OPS_N" ]; then
		log "round $round: control: status, stop all, start all of $OPS_N"
		for who in $WHO; do sc_control "$who" "$round" "$OPS_N" ops; done
	else
		log "round $round: control: status of $CTL_N programs"
		for who in $WHO; do sc_control "$who" "$round" "$CTL_N" -; done
		log "round $round: control: stop all, start all of $OPS_N"
		for who in $WHO; do sc_control "$who" "$round" "$OPS_N" ops; done
	fi
	for n in $XMLRPC_NS; do
		want xmlrpc || break
		log "round $round: supervisorctl and XML-RPC, $n programs"
		for who in $WHO; do sc_xmlrpc "$who" "$round" "$n"; done
	done
	if want web && [ -n "$WEB_N" ] && command -v curl > /dev/null; then
		log "round $round: web page and metrics of $WEB_N programs"
		for who in $WHO; do sc_web "$who" "$round" "$WEB_N"; done
	fi
	if want pid1 && [ "$(id -u)" = 0 ] && command -v tini > /dev/null; then
		log "round $round: a container's init, $PID1_RUNS runs"
		for who in $WHO floor; do
			case $who in ours|base|floor) sc_pid1 "$who" "$round" ;; esac
		done
	fi
	if want ready; then
		log "round $round: readiness latency (notify, fd, tcp), $READY_RUNS runs each"
		for who in $WHO; do
			for kind in notify fd tcp; do sc_ready "$who" "$round" "$kind"; done
		done
	fi
	if want chain; then
		log "round $round: a chain of $CHAIN_N notify programs"
		for who in $WHO; do sc_chain "$who" "$round"; done
	fi
	if want probes; then
		log "round $round: idle with $PROBE_N health checks"
		for who in $WHO; do sc_probes "$who" "$round"; done
	fi
	if want output && [ -n "$OUT_INPUT" ]; then
		log "round $round: output of $OUT_MB MB to a log file"
		sc_output_floor "$round"
		for who in $WHO; do sc_output "$who" "$round" -; done
		log "round $round: output of $OUT_MB MB, rotated every $OUT_ROT_MB MB"
		for who in $WHO; do sc_output "$who" "$round" rot; done
		output_pct "$round"
	fi
done

# ---- report ------------------------------------------------------------------

median() {
	awk -F, -v m="$1" -v w="$2" '$1 == m && $2 == w { print $4 }' \
	    "$SAMPLES" | sort -g | awk '{ v[NR] = $1 }
	END { if (NR == 0) exit
	      print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

ROWS="restart_ms|restart latency, ms
event_ms|exit -> listener reads PROCESS_STATE_EXITED, ms
$(for n in $START_NS; do echo "start_ms_$n|start $n programs, ms"; echo "start_cpu_ms_$n|start $n: own CPU, ms (floors: their loop's)"; done)
startup_us|start-up of one program: exec -> its exec, us (floor: fork+exec)
startup_cfg_us|start-up of one program: config opened -> first spawn, us (its own debug line)
teardown_ms|teardown of $TEAR_N trees (SIGTERM), ms
teardown_unfinished|teardowns still running after ${STOP_TIMEOUT}s
teardown_survivors|processes left ${LEFT_WAIT} s after that teardown
sigkill_survivors|processes left 1 s after SIGKILL of the supervisor
idle_ctxt_1|idle context switches in ${IDLE_SECS}s, 1 program
idle_ctxt_100|idle context switches in ${IDLE_SECS}s, 100 programs
idle_cpu_ms_1|idle CPU in ${IDLE_SECS}s, 1 program, ms
idle_cpu_ms_100|idle CPU in ${IDLE_SECS}s, 100 programs, ms
pss_kb_1|memory (PSS) with 1 program, kB
pss_kb_100|memory (PSS) with 100 programs, kB
pss_kb_1000|memory (PSS) with 1000 programs, kB
crash_cpu_ms|crash loop: CPU in ${CRASH_SECS}s, ms
crash_spawns|crash loop: spawns in ${CRASH_SECS}s
reload_ms_${RELOAD_N}|reload of $RELOAD_N programs: save -> new exec, ms
reload_starts_${RELOAD_N}|reload of $RELOAD_N programs: processes started
start_ms_${SCALE_N:-0}|start $SCALE_N programs, ms
status_ms_${SCALE_N:-0}|status of $SCALE_N programs, end to end, ms
pss_kb_${SCALE_N:-0}|memory (PSS) with $SCALE_N programs, kB
idle_ctxt_${SCALE_N:-0}|idle context switches in ${IDLE_SECS}s, $SCALE_N programs
reload_ms_${SCALE_N:-0}|reload of $SCALE_N programs: save -> new exec, ms
reload_starts_${SCALE_N:-0}|reload of $SCALE_N programs: processes started
stop_ms_${SCALE_N:-0}|SIGTERM -> exit with $SCALE_N programs, ms
teardown_ms_${SCALE_TREES:-0}|teardown of $SCALE_TREES trees (SIGTERM), ms
status_ms_${CTL_N:-0}|control: status of $CTL_N programs, ms
status_ms_${OPS_N:-0}|control: status of $OPS_N programs, ms
stopall_ms_${OPS_N:-0}|control: stop all $OPS_N (tree gone), ms
startall_ms_${OPS_N:-0}|control: start all $OPS_N (RUNNING), ms
$(for n in $XMLRPC_NS; do echo "sctl_status_ms_$n|supervisorctl status of $n programs, ms"; echo "cctl_status_ms_$n|status of $n by our supervisorctl (C), ms"; echo "getall_ms_$n|getAllProcessInfo of $n (Python, one connection), ms"; echo "getall_raw_ms_$n|getAllProcessInfo of $n, server (curl: no parsing), ms"; echo "rpc_ping_ms_$n|getAPIVersion with $n programs (round trip), ms"; done)
output_mbps|output of $OUT_MB MB to a log, MB/s (floor: cat)
output_pipe_mbps|output through a pipe (cat | cat), MB/s
output_pct_of_cat|output to a log: % of cat's MB/s
output_cpu_s_per_gb|output to a log: own CPU s per GB
output_differs|output to a log: log differs from input
output_rot_mbps|output rotated every $OUT_ROT_MB MB, MB/s
output_rot_pct_of_cat|output rotated: % of cat's MB/s
output_rot_cpu_s_per_gb|output rotated: own CPU s per GB
output_rot_differs|output rotated: log differs from input
output_disk_mbps|output to a log, until on disk (sync -f), MB/s (floor: cat)
output_disk_pct_of_cat|output until on disk: % of cat's MB/s
ready_notify_ms|readiness: READY=1 -> dependent's exec, ms
ready_fd_ms|readiness: fd newline -> dependent's exec, ms
ready_tcp_ms|readiness: port open -> dependent's exec, ms
chain_ms_${CHAIN_N}|chain of $CHAIN_N notify programs: launch -> last ready, ms
chain_own_ms_${CHAIN_N}|chain: sum of their own start times, ms
chain_ratio_${CHAIN_N}|chain: total / sum of own start times
chain_link_ms|chain: one ready -> the next one's exec, ms
probe_ctxt_per_check|idle: context switches per health check
web_page_ms_${WEB_N}|web page of $WEB_N programs, server ms
web_page_cpu_ms_${WEB_N}|web page of $WEB_N programs, own CPU ms
web_metrics_ms_${WEB_N}|/metrics of $WEB_N programs, server ms
web_metrics_cpu_ms_${WEB_N}|/metrics of $WEB_N programs, own CPU ms
web_event_ms|a change (SIGKILL) -> its event on an open page, ms
web_idle_ctxt|idle context switches in ${IDLE_SECS}s, a page open
pid1_ms|container's init of /bin/true, ms (floor: tini)
pid1_pss_kb|container's init: its own PSS, kB (floor: tini)"
# Base has a column when it runs; the others always (n/a when missing).
PLOT_COLS="supervisord runit s6 floor cgfloor"
case " $WHO " in *" base "*) PLOT_COLS="base $PLOT_COLS" ;; esac
COLS="ours $PLOT_COLS"

CSV=$RESULTS/bench.csv
echo "metric,who,median,ratio_to_ours,description" > "$CSV"
echo
printf '%-46s' "median of $ROUNDS round(s)"
for c in $COLS; do printf ' %18s' "${c/cgfloor/floor+cg}"; done
printf ' %11s %14s\n' "ours/floor" "ours/floor+cg"
seen=" "
while IFS='|' read -r metric label; do
	grep -q "^$metric," "$SAMPLES" || continue
	case $seen in *" $metric "*) continue ;; esac
	seen="$seen$metric "
	printf '%-46s' "$label"
	base=$(median "$metric" ours)
	for c in $COLS; do
		v=$(median "$metric" "$c")
		if [ -z "$v" ]; then
			if [[ $c =~ ^(cg)?floor$ ]] || ! echo " $WHO " | grep -q " $c " ||
			    [ "$metric" = output_pipe_mbps ]; then	# a floor's only
				txt="-"
			elif [[ $metric =~ ^(ready|chain|probe)_ ]]; then
				txt="n/a (none)"	# no readiness to measure
			elif [ "$metric" = startup_cfg_us ]; then
				txt="n/a (no such line)"
			elif [ "$c" = s6 ] && [[ $metric =~ ^(status|stopall|startall)_ ]]; then
				txt="n/a (per service)"
			elif [[ $c =~ ^(runit|s6)$ ]] && [[ $metric =~ ^reload_ ]]; then
				txt="n/a (per service)"
			elif [ "$c" = runit ] && [[ $metric == output_* ]]; then
				txt="n/a (svlogd)"
			elif [ "$c" = s6 ] && [[ $metric == output_* ]]; then
				txt="n/a (s6-log)"
			else
				txt="n/a (failed)"
			fi
			printf ' %18s' "$txt"
			continue
		fi
		r=$(awk -v a="$v" -v b="$base" 'BEGIN {
			if (b == "" || b == 0) print ""; else printf "%.2f", a / b }')
		echo "$metric,$c,$v,$r,\"$label\"" >> "$CSV"
		if [ "$c" = ours ] || [ -z "$r" ]; then
			printf ' %18s' "$v"
		else
			printf ' %18s' "$v (${r}x)"
		fi
	done
	# How far this supervisor is from the floors, where there are some.
	f=$(median "$metric" floor)
	awk -v a="$base" -v b="$f" 'BEGIN {
		if (a == "" || b == "" || b == 0) printf " %11s", "-";
		else printf " %10.2fx", a / b }'
	f=$(median "$metric" cgfloor)
	awk -v a="$base" -v b="$f" 'BEGIN {
		if (a == "" || b == "" || b == 0) printf " %14s\n", "-";
		else printf " %13.2fx\n", a / b }'
done <<< "$ROWS"
cp "$SAMPLES" "$RESULTS/samples.csv"
echo
echo "(ratio) = that column / ours; load at end $(cut -d' ' -f1-3 /proc/loadavg)"
echo "wrote $CSV and $RESULTS/samples.csv"

if command -v gnuplot > /dev/null && [ "${SMOKE:-0}" != 1 ]; then
	# One line per metric: index, name, then the ratio of each peer.
	awk -F, -v cols="$PLOT_COLS" '
	BEGIN { nc = split(cols, c, " ") }
	NR > 1 && $2 != "ours" && $4 != "" && $4 > 0 {
		if (!($1 in idx)) { idx[$1] = n; name[n++] = $1 }
		r[$1, $2] = $4
	}
	END {
		for (i = 0; i < n; i++) {
			line = i "\t" name[i]
			for (j = 1; j <= nc; j++)
				line = line "\t" ((name[i], c[j]) in r ? r[name[i], c[j]] : "?")
			print line
		}
	}' "$CSV" > "$W/ratios.tsv"
	# One series per column of ratios.tsv from the third, as PLOT_COLS.
	plot="" col=3
	for c in $PLOT_COLS; do
		case $c in
		base) title="base ($BASE)" ;;
		floor) title="floor (C loop)" ;;
		cgfloor) title="floor, a cgroup each (C loop)" ;;
		*) title=$c ;;
		esac
		if [ -z "$plot" ]; then
			plot="\"$W/ratios.tsv\" using 1:$col:xtic(2)"
		else
			plot="$plot, \"\" using 1:$col"
		fi
		plot="$plot title \"$title\" pointsize 2"
		col=$(( col + 1 ))
	done
	gnuplot <<EOF 2> "$W/gnuplot.log" || log "gnuplot failed: $(head -c 300 "$W/gnuplot.log")"
set terminal pngcairo size 1200,600 noenhanced
set output "$RESULTS/bench.png"
set title "Each peer against this supervisor: ratio of medians (1 = the same; log scale; below 1 = less than ours)"
set datafile missing "?"
set logscale y
set xtics rotate by -35
set key outside right
set grid ytics
set offsets 0.5, 0.5, 0, 0
plot $plot
EOF
	[ -s "$RESULTS/bench.png" ] && echo "wrote $RESULTS/bench.png"
fi
