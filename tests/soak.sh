#!/bin/bash
# soak.sh: a long run under random churn (make soak; SOAK_S seconds, 600
# by default).  Programs crash at random, fork children and grandchildren,
# write output into small rotating logs; meanwhile control commands,
# config edits (renamed into place, some invalid), SIGHUP and SIGUSR2 hit
# the supervisor several times a second.  Every second a checker looks at
# the supervisor proper: its fd count and resident memory, its zombie
# children, every process carrying this run's tag (each must be in the
# tree of a process the supervisor lists), and whether status matches
# what runs.  Prints the figures, PASS/FAIL lines and "N passed, N failed".
# SOAK_SEED makes the churn repeat; SUPERVISOR=build/asan/supervisor runs
# the sanitizer build.
. "$(dirname "$0")/lib.sh"

# SOAK_KEEP=DIR: a copy of the run's directory (the supervisor's log,
# samples, actions, violations) is left in DIR.
[ -n "$SOAK_KEEP" ] &&
	trap 'rm -rf "$SOAK_KEEP"; cp -r "$T" "$SOAK_KEEP"; t_cleanup' EXIT

SOAK_S=${SOAK_S:-600}
SOAK_SEED=${SOAK_SEED:-$$}
RANDOM=$SOAK_SEED
# The first fifth is warm-up: every program has started, crashed and been
# edited a few times, logs have rotated, malloc's arenas have grown to
# their working size.  Flatness is judged from there on.
WARM_S=$(( SOAK_S / 5 ))
case $SUPERVISOR in */asan/*) ASAN=1 ;; *) ASAN=0 ;; esac

# Seconds a wrong state may last before it counts as a violation.  The
# supervisor acts on a child's exit, a stop's end or a reload within
# milliseconds; status and the /proc scan are not taken at one instant,
# so a process spawned or reaped in between looks wrong for one tick.
# Three ticks in a row is not a race any more (five under ASan, whose
# processes start slowly on a loaded machine).
GRACE_S=$(( ASAN ? 5 : 3 ))
# Zombie children of the supervisor: "more than a few seconds".
ZOMBIE_S=5

# Bounds for flatness (after warm-up):
# - FD_RANGE: the per-second fd count moves with the config (three extra
#   programs and a pool of one to four processes: 6 processes of at most
#   two pipes, i.e. 4 fds, and 2 log files each = 36), with the processes
#   of a removed program that are still stopping beside their
#   replacements, and with a few control clients connected at once.  48
#   covers that; a leak of one fd per action would pass it within seconds
#   (there are several actions a second).
# - The exact check is the quiet one: the same config, every process
#   started once (a process's pipes and log files exist from its first
#   spawn until it leaves the table), no client but the checker; taken
#   at the end of warm-up and at the end, the fd counts must be equal,
#   give or take FD_QUIET (a checker's status connection may be open).
# - RSS: at the end, and at any second after warm-up, at most 1 MB or 10%
#   above the quiet figure at warm-up, whichever is larger: malloc keeps
#   freed memory in its arenas, so RSS moves by a few pages with the
#   churn, while a leak per action (thousands of them) grows without end.
#   Under ASan, RSS counts the quarantine of freed memory (up to 256 MB
#   by design) and says nothing about leaks: there it is only reported,
#   and LeakSanitizer at exit (a non-zero exit status) does the checking.
FD_RANGE=48
FD_QUIET=2
RSS_SLACK_KB=1024
RSS_SLACK_PCT=10

mkdir -p "$T/logs"
: > "$T/violations"
: > "$T/samples"
: > "$T/actions"

# ---- the config, from a few variables ----------------------------------
EXTRAS=""		# the extra programs present: "1 3" for extra_1, extra_3
POOL_N=2		# numprocs of pool
VARIANT=0		# vary's command: sleep 100VARIANT

crash_cmd="bash -c 'sleep \$((RANDOM %% 3)).\$RANDOM; exit \$((RANDOM %% 3))'"

# config_text [INVALID]: the config for the current variables; with
# INVALID (1 to 6), one of six mistakes a reload must refuse.
config_text() {
	local bad=${1:-0} n
	cat <<EOF
[supervisor]
loglevel = info
control_timeout = 30

; Crashers: a random run of 0 to 3 s, then exit 0, 1 or 2.
[program:crash_a]
command = $crash_cmd
startsecs = 0
autorestart = true
backoff_max = 2s

[program:crash_b]
command = $crash_cmd
startsecs = 0
autorestart = unexpected
exitcodes = 0
backoff_max = 2s

; Most of its starts fail (it must stay up 1 s): BACKOFF, retries.
[program:crash_c]
command = $crash_cmd
startsecs = 1
startretries = 1000
backoff_max = 2s

[program:crashpool]
command = bash -c 'echo up; sleep \$((RANDOM %% 4)).\$RANDOM; echo down >&2; exit 1'
numprocs = 2
process_name = crashpool_%(process_num)d
startsecs = 0
backoff_max = 2s
stdout_logfile = $T/logs/crashpool_%(process_num)d.log
stdout_logfile_maxbytes = 1KB
stdout_logfile_backups = 1
redirect_stderr = true

; Children and grandchildren, one in a session of its own.
[program:forker]
command = bash -c 'sleep 1000 & (sleep 1000 & sleep 1000; :) & setsid bash -c "sleep 1000 & wait" & wait'
startsecs = 0

; Crashes and leaves children behind, which stay in its tree.
[program:forkcrash]
command = bash -c '(sleep 20 & sleep 20; :) & sleep 0.\$RANDOM; sleep \$((RANDOM %% 4)); exit 1'
startsecs = 0
backoff_max = 2s

; Double-forks a daemon, orphaned to the supervisor.
[program:daemonizer]
command = bash -c 'setsid bash -c "sleep 1000 &" & exec sleep 1000'
startsecs = 0

; Output: small logs that rotate all the time.
[program:chatty]
command = bash -c 'while :; do for i in 1 2 3 4 5; do echo "out \$i \$RANDOM \$RANDOM \$RANDOM"; echo "err \$RANDOM" >&2; done; sleep 0.1; done'
startsecs = 0
stdout_logfile = AUTO
stdout_logfile_maxbytes = 2KB
stdout_logfile_backups = 2
stderr_logfile = AUTO
stderr_logfile_maxbytes = 1KB
stderr_logfile_backups = 1

[program:chatty2]
command = bash -c 'while :; do echo "line \$RANDOM"; echo "line \$RANDOM"; sleep 0.1; done'
startsecs = 0
stdout_logfile = $T/logs/chatty2.log
stdout_logfile_maxbytes = 1KB
stdout_logfile_backups = 3
redirect_stderr = true

[program:pool]
command = sleep 1000
numprocs = $( [ "$bad" = 2 ] && echo zero || echo "$POOL_N" )
process_name = pool_%(process_num)d
startsecs = 0
stdout_logfile = AUTO
stdout_logfile_maxbytes = 1KB

; Survives a HUP (its sleep does not).
[program:hupper]
command = bash -c 'trap "echo hup" HUP; while :; do sleep 0.5 & wait \$!; done'
startsecs = 0
stdout_logfile = AUTO
stdout_logfile_maxbytes = 1KB

; Ignores SIGTERM: killed after stopwaitsecs.
[program:stubborn]
command = bash -c 'trap "" TERM; while :; do sleep 0.5; done'
startsecs = 0
stopwaitsecs = 1

[program:vary]
command = sleep 100$VARIANT
startsecs = 0
stopsignal = $( [ "$bad" = 3 ] && echo NOPE || echo TERM )
autorestart = $( [ "$bad" = 5 ] && echo sometimes || echo true )

[program:manual]
command = sleep 1000
autostart = false
startsecs = 0
EOF
	for n in $EXTRAS; do
		printf '\n[program:extra_%s]\n' "$n"
		printf "command = bash -c 'echo extra %s; sleep 1000 & wait'\n" "$n"
		printf 'startsecs = 0\nstdout_logfile = AUTO\n'
		printf 'stdout_logfile_maxbytes = 1KB\n'
	done
	case $bad in
	1) printf '\n[program:broken\ncommand = sleep 1\n' ;;
	4) printf '\n[program:nocommand]\nstartsecs = 1\n' ;;
	6) printf '\n[program:negative]\ncommand = sleep 1\nstartsecs = -1\n' ;;
	esac
}

# The process names the current variables give (sorted).
config_names() {
	local n i
	{
		echo crash_a crash_b crash_c crashpool_0 crashpool_1 forker
		echo forkcrash daemonizer chatty chatty2 hupper stubborn vary
		echo manual
		for ((i = 0; i < POOL_N; i++)); do echo "pool_$i"; done
		for n in $EXTRAS; do echo "extra_$n"; done
	} | tr ' ' '\n' | sort
}

# write_soak_config [INVALID]: config_text, renamed into place (the watch
# never reads half a file).  NAMES: the names of the last valid config,
# for the commands; INVALID: the file is not valid.
write_soak_config() {
	config_text "$@" | t_config_renamed
	INVALID=${1:-0}
	[ "$INVALID" = 0 ] && mapfile -t NAMES < <(config_names)
}

# ---- the checker -------------------------------------------------------

# status_read: the supervisor's status as "NAME STATE PID" lines in
# STATUS_LINES (PID "-" when none); 1 if it did not answer.  The table,
# not --json: read by the shell itself, no jq per check.
status_read() {
	local name st pid
	STATUS_LINES=
	timeout 20 "$CLIENT" status > "$T/status.out" 2>/dev/null
	[ -s "$T/status.out" ] || return 1
	{ read -r _; while read -r name st pid _; do
		STATUS_LINES+="$name $st $pid"$'\n'
	done; } < "$T/status.out"
	[ -n "$STATUS_LINES" ]
}

# proc_name PID: SUPERVISOR_PROCESS_NAME of PID in NAME ("" if unset);
# 1 if PID is gone.
proc_name() {
	local -a env
	local v
	NAME=
	{ mapfile -d "" -t env < "/proc/$1/environ"; } 2>/dev/null || return 1
	for v in "${env[@]}"; do
		case $v in SUPERVISOR_PROCESS_NAME=*)
			NAME=${v#SUPERVISOR_PROCESS_NAME=}; return 0 ;;
		esac
	done
	return 0
}

# ancestry PID: where PID hangs, in UNDER: "test" below this script (its
# clients, its checker), "supervisor" below the supervisor proper, else
# "none".  One walk up the ppids, without a fork: it runs for every
# process every second.
ancestry() {
	local pid=$1
	UNDER=none
	while [ "$pid" -gt 1 ] 2>/dev/null; do
		[ "$pid" = "$$" ] && { UNDER=test; return; }
		[ "$pid" = "$SUPPID" ] && { UNDER=supervisor; return; }
		stat_read "$pid" || return
		pid=${STAT[1]}
	done
}

# The cgroup (v2) path of PID in CGROUP.
cgroup_now() {
	local line
	CGROUP=
	{ while read -r line; do
		case $line in 0::*) CGROUP=${line#0::} ;; esac
	done < "/proc/$1/cgroup"; } 2>/dev/null
}

# suspect KEY WHAT: KEY looks wrong on this tick; a violation once it
# has for GRACE_S (ZOMBIE_S for zombies) in a row.
suspect() {
	local grace=$GRACE_S
	case $1 in zombie:*) grace=$ZOMBIE_S ;; esac
	NOW_SUSPECT[$1]=1
	[ -n "${SUSPECT[$1]}" ] || SUSPECT[$1]=$TICK_MS
	if [ $(( TICK_MS - SUSPECT[$1] )) -ge $(( grace * 1000 )) ] &&
	    [ -z "${VIOLATED[$1]}" ]; then
		VIOLATED[$1]=1
		echo "$(( (TICK_MS - START_MS) / 1000 ))s: $2" >> "$T/violations"
	fi
}

check_once() {
	local -A state pidof known
	local -a fds
	local line name st pid key rss=0 k v child names2
	TICK_MS=$(now_ms)
	NOW_SUSPECT=()
	fds=(/proc/"$SUPPID"/fd/*)
	{ while read -r k v _; do
		[ "$k" = VmRSS: ] && rss=$v
	done < "/proc/$SUPPID/status"; } 2>/dev/null
	# A read of /proc that failed (a busy moment) is no sample.
	[ "$rss" -gt 0 ] && [ -e "${fds[0]}" ] || return
	if ! status_read; then
		suspect noanswer "the supervisor did not answer status"
		return
	fi
	while read -r name st pid; do
		[ -n "$name" ] || continue
		state[$name]=$st pidof[$name]=$pid known[$name]=1
	done <<< "$STATUS_LINES"
	SAMPLE="$(( (TICK_MS - START_MS) / 1000 )) ${#fds[@]} $rss ${#state[@]}"

	# Zombie children of the supervisor.
	local -a children=()
	{ read -r -a children < "/proc/$SUPPID/task/$SUPPID/children"; } 2>/dev/null
	for child in "${children[@]}"; do
		stat_read "$child" && [ "${STAT[0]}" = Z ] &&
			suspect "zombie:$child" "zombie child $child of the supervisor"
	done

	# Every tagged process: a program's, below the supervisor, named
	# after a process status lists (in its cgroup, with cgroups).  One
	# of a program added by a reload since the status is not listed for
	# one tick, which is within the grace.
	local -a scan=()
	for pid in $(tagged_pids); do
		[ "$pid" = "$SUP_PID" ] && continue
		[ "$pid" = "$SUPPID" ] && continue
		# The guardian, the supervisor, a spawn before its exec.
		[ "/proc/$pid/exe" -ef "$SUPERVISOR" ] && continue
		ancestry "$pid"
		[ "$UNDER" = test ] && continue
		scan+=("$pid:$UNDER")
	done
	declare -A carried
	for pid in "${scan[@]}"; do
		UNDER=${pid#*:} pid=${pid%%:*}
		proc_name "$pid" || continue
		alive "$pid" || continue
		if [ -z "$NAME" ]; then
			suspect "noname:$pid" "pid $pid ($( { tr '\0' ' ' < /proc/$pid/cmdline; } 2>/dev/null)) carries no SUPERVISOR_PROCESS_NAME"
			continue
		fi
		carried[$NAME]+=" $pid"
		if [ -z "${known[$NAME]}" ]; then
			suspect "unknown:$pid:$NAME" "pid $pid of $NAME, which status does not list"
		fi
		if [ "$UNDER" != supervisor ]; then
			suspect "outside:$pid" "pid $pid of $NAME is not below the supervisor"
		fi
		if [ "$CONTAINMENT" = cgroup ]; then
			cgroup_now "$pid"
			case $CGROUP in
			*/supervisor.$SUP_PID-*/p.$NAME) ;;
			*) suspect "cgroup:$pid:$NAME" "pid $pid of $NAME is in cgroup $CGROUP" ;;
			esac
		fi
	done

	# Status against reality: a RUNNING or STARTING process is alive and
	# is that process; a STOPPED, EXITED or FATAL one has no process left.
	for name in "${!state[@]}"; do
		st=${state[$name]} pid=${pidof[$name]}
		case $st in
		RUNNING|STARTING)
			if ! alive "$pid"; then
				suspect "dead:$name:$pid" "$name is $st as pid $pid, which is gone"
			elif proc_name "$pid" && [ "$NAME" != "$name" ] &&
			    ! [ "/proc/$pid/exe" -ef "$SUPERVISOR" ]; then
				suspect "other:$name:$pid" "$name is $st as pid $pid, which belongs to ${NAME:-no process}"
			fi ;;
		STOPPED|EXITED|FATAL)
			for pid in ${carried[$name]}; do
				suspect "left:$name:$st:$pid" "$name is $st but its pid $pid runs"
			done ;;
		esac
	done

	echo "$SAMPLE $(( $(now_ms) - TICK_MS ))" >> "$T/samples"

	# What is not wrong any more starts afresh.
	for key in "${!SUSPECT[@]}"; do
		[ -n "${NOW_SUSPECT[$key]}" ] || unset "SUSPECT[$key]"
	done
}

checker() {
	declare -gA SUSPECT=() NOW_SUSPECT=() VIOLATED=()
	local next
	next=$(now_ms)
	while [ ! -e "$T/stop-checker" ]; do
		check_once
		next=$(( next + 1000 ))
		local wait_ms=$(( next - $(now_ms) ))
		[ "$wait_ms" -gt 0 ] && t_sleep "$(printf '%d.%03d' $((wait_ms / 1000)) $((wait_ms % 1000)))"
	done
}

# ---- the churn ---------------------------------------------------------
declare -A DONE=() CLIENT_RC=()
INVALID_OK=0 INVALID_ACCEPTED=0 CLIENT_TIMEOUTS=0

# act KIND ARG...: a client command, counted; its exit status in RC.
act() {
	local kind=$1 t0
	shift
	t0=$(now_ms)
	timeout 30 "$CLIENT" "$@" > "$T/act.out" 2> "$T/act.err"
	RC=$?
	DONE[$kind]=$(( ${DONE[$kind]:-0} + 1 ))
	CLIENT_RC[$RC]=$(( ${CLIENT_RC[$RC]:-0} + 1 ))
	echo "$(( ($(now_ms) - START_MS) / 1000 ))s $kind $* -> $RC ($(( $(now_ms) - t0 )) ms)" >> "$T/actions"
	case $kind:$RC in
	*:0|*:1|*:3|*:4) ;;
	reload*:78) [ "$INVALID" != 0 ] ||
		echo "$(( ($(now_ms) - START_MS) / 1000 ))s: '$*' refused a valid config: $(head -c 300 "$T/act.err")" >> "$T/violations" ;;
	*:124)
		CLIENT_TIMEOUTS=$((CLIENT_TIMEOUTS + 1))
		echo "$(( ($(now_ms) - START_MS) / 1000 ))s: '$*' took over 30 s" >> "$T/violations" ;;
	*)	echo "$(( ($(now_ms) - START_MS) / 1000 ))s: '$*' exit $RC: $(head -c 300 "$T/act.err")" >> "$T/violations" ;;
	esac
}

signal_sup() {
	DONE[$1]=$(( ${DONE[$1]:-0} + 1 ))
	echo "$(( ($(now_ms) - START_MS) / 1000 ))s $1 pid $2" >> "$T/actions"
	kill -"$1" "$2" 2>/dev/null
}

refusals() { log_count "ERROR reload \\(.*\\): .* is invalid; nothing changed"; }

edit_config() {
	local r=$((RANDOM % 100)) n bad
	if [ $r -lt 20 ]; then
		# Invalid: the reload command must refuse it (78) and log why;
		# the running config stays.  Half the time it stays in place
		# (SIGHUP and the watcher meet it too) until the next edit.
		bad=$(( RANDOM % 6 + 1 ))
		n=$(refusals)
		write_soak_config "$bad"
		act reload-invalid reload
		if [ "$RC" = 78 ] && t_wait 5 eval '[ "$(refusals)" -gt '"$n"' ]'; then
			INVALID_OK=$((INVALID_OK + 1))
		else
			INVALID_ACCEPTED=$((INVALID_ACCEPTED + 1))
			echo "$(( ($(now_ms) - START_MS) / 1000 ))s: invalid edit $bad: reload exit $RC, refusal logged: $([ "$(refusals)" -gt "$n" ] && echo yes || echo no)" >> "$T/violations"
		fi
		[ $((RANDOM % 2)) = 0 ] && write_soak_config
		return
	fi
	if [ $r -lt 40 ]; then
		DONE[edit-numprocs]=$(( ${DONE[edit-numprocs]:-0} + 1 ))
		POOL_N=$(( RANDOM % 4 + 1 ))
	elif [ $r -lt 60 ]; then
		DONE[edit-change]=$(( ${DONE[edit-change]:-0} + 1 ))
		VARIANT=$(( RANDOM % 10 ))
	else
		n=$(( RANDOM % 3 + 1 ))
		if [[ " $EXTRAS " == *" $n "* ]]; then
			DONE[edit-remove]=$(( ${DONE[edit-remove]:-0} + 1 ))
			EXTRAS=$(tr ' ' '\n' <<< "$EXTRAS" | grep -vx "$n" | tr '\n' ' ')
		else
			DONE[edit-add]=$(( ${DONE[edit-add]:-0} + 1 ))
			EXTRAS="$EXTRAS $n"
		fi
	fi
	write_soak_config
}

random_name() { NAME=${NAMES[RANDOM % ${#NAMES[@]}]}; }

churn_once() {
	local r=$((RANDOM % 100)) name wait
	random_name
	name=$NAME
	[ $((RANDOM % 2)) = 0 ] && wait=--no-wait || wait=
	if [ $r -lt 12 ]; then
		if [ $((RANDOM % 2)) = 0 ]; then act status status
		else act status status --json; fi
	elif [ $r -lt 22 ]; then act stop stop $wait "$name"
	elif [ $r -lt 34 ]; then act start start $wait "$name"
	elif [ $r -lt 44 ]; then act restart restart $wait "$name"
	elif [ $r -lt 50 ]; then act signal-HUP signal HUP "$name"
	elif [ $r -lt 58 ]; then act tail tail -n $((RANDOM % 20 + 1)) "$name"
	elif [ $r -lt 61 ]; then act pid pid "$name"
	elif [ $r -lt 76 ]; then edit_config
	elif [ $r -lt 80 ]; then act reload reload
	elif [ $r -lt 84 ]; then signal_sup HUP "$SUP_PID"	# the guardian passes it on
	elif [ $r -lt 88 ]; then signal_sup HUP "$SUPPID"
	elif [ $r -lt 92 ]; then signal_sup USR2 "$SUP_PID"
	elif [ $r -lt 96 ]; then signal_sup USR2 "$SUPPID"
	elif [ $r -lt 98 ]; then act start-all start --no-wait all
	else act restart-group restart --no-wait "crashpool:*"
	fi
}

# ---- quiet measures ----------------------------------------------------

names_now() {
	status_read && awk 'NF { print $1 }' <<< "$STATUS_LINES" | sort
}

# quiet_measure LABEL: the base config, every process started once (so
# each has its pipes and log files), the removed ones gone; then the
# lowest fd count and RSS of five samples, in QFD and QRSS.
quiet_measure() {
	local i f k v rss min_fd= min_rss=
	EXTRAS="" POOL_N=2 VARIANT=0
	write_soak_config
	act quiet reload
	[ "$RC" = 0 ] || echo "quiet ($1): reload exit $RC" >> "$T/violations"
	if ! t_wait 30 eval '[ "$(names_now)" = "$(config_names)" ]'; then
		echo "quiet ($1): status lists $(names_now | tr '\n' ' '), want $(config_names | tr '\n' ' ')" >> "$T/violations"
	fi
	act quiet start all
	t_sleep 2
	for i in 1 2 3 4 5; do
		f=(/proc/"$SUPPID"/fd/*)
		rss=0
		{ while read -r k v _; do
			[ "$k" = VmRSS: ] && rss=$v
		done < "/proc/$SUPPID/status"; } 2>/dev/null
		[ -z "$min_fd" ] || [ "${#f[@]}" -lt "$min_fd" ] && min_fd=${#f[@]}
		[ -z "$min_rss" ] || [ "$rss" -lt "$min_rss" ] && min_rss=$rss
		t_sleep 0.3
	done
	# What the descriptors are, to say which ones a difference is.
	for f in /proc/"$SUPPID"/fd/*; do
		readlink "$f"
	done 2>/dev/null | sed -E 's/[0-9]+/N/g' | sort | uniq -c > "$T/fds-$1"
	QFD=$min_fd QRSS=$min_rss
}

# ---- the run -----------------------------------------------------------
echo "soak: ${SOAK_S}s (warm-up ${WARM_S}s), seed $SOAK_SEED, $SUPERVISOR"
write_soak_config
t_start
if ! t_wait 20 eval '[ -n "$(supervisor_pid)" ]'; then
	t_fail "the supervisor started"
	t_done
fi
SUPPID=$(supervisor_pid)
if log_has "containment: cgroup v2"; then CONTAINMENT=cgroup
else CONTAINMENT=procfs; fi
START_MS=$(now_ms)
END_MS=$(( START_MS + SOAK_S * 1000 ))
WARM_MS=$(( START_MS + WARM_S * 1000 ))
t_wait 10 eval 'status_read'

checker &
CHECKER=$!

warm_done=0
while [ "$(now_ms)" -lt "$END_MS" ]; do
	if [ $warm_done = 0 ] && [ "$(now_ms)" -ge "$WARM_MS" ]; then
		quiet_measure warm-up
		WARM_FD=$QFD WARM_RSS=$QRSS warm_done=1
		WARM_AT=$(( ($(now_ms) - START_MS) / 1000 ))
		continue
	fi
	churn_once
	t_sleep "0.$(( RANDOM % 200 + 100 ))"
done
quiet_measure end
END_FD=$QFD END_RSS=$QRSS
touch "$T/stop-checker"
wait "$CHECKER"
ELAPSED=$(( ($(now_ms) - START_MS) / 1000 ))

t_stop TERM 60
NOT_LEFT=$(program_pids | tr '\n' ' ')

# ---- figures -----------------------------------------------------------
# Samples after warm-up: "SECONDS FDS RSS_KB ENTRIES".
read -r S_N FD_MIN FD_MAX RSS_MIN RSS_MAX <<< "$(awk -v w="$WARM_AT" '
	$1 >= w { n++
		if (fmin == "" || $2 < fmin) fmin = $2; if ($2 > fmax) fmax = $2
		if (rmin == "" || $3 < rmin) rmin = $3; if ($3 > rmax) rmax = $3 }
	END { print n + 0, fmin + 0, fmax + 0, rmin + 0, rmax + 0 }' "$T/samples")"
read -r A_FD_MIN A_FD_MAX <<< "$(awk '
	{ if (m == "" || $2 < m) m = $2; if ($2 > x) x = $2 }
	END { print m + 0, x + 0 }' "$T/samples")"
RELOAD_OK=$(log_count "INFO  reload \\(")
RELOAD_REFUSED=$(refusals)
SPAWNS=$(log_count "spawned [^ ]+ pid [0-9]+")
EXITS=$(log_count "INFO  [^ ]+ exited ")
RESTARTS=$(log_count "; restarting")
VIOLATIONS=$(wc -l < "$T/violations")
rss_bound=$(( WARM_RSS * RSS_SLACK_PCT / 100 ))
[ "$rss_bound" -lt "$RSS_SLACK_KB" ] && rss_bound=$RSS_SLACK_KB

echo "---- soak figures ----"
echo "duration: ${ELAPSED}s (warm-up ${WARM_S}s, quiet measure at ${WARM_AT}s), containment: $CONTAINMENT"
total=0
for k in "${!DONE[@]}"; do total=$(( total + DONE[$k] )); done
echo "actions: $total: $(for k in "${!DONE[@]}"; do echo "$k ${DONE[$k]}"; done | sort | awk '{ printf "%s%s %s", (NR > 1 ? ", " : ""), $1, $2 }')"
echo "client exit statuses: $(for k in "${!CLIENT_RC[@]}"; do echo "$k ${CLIENT_RC[$k]}"; done | sort -n | awk '{ printf "%s%s: %s", (NR > 1 ? ", " : ""), $1, $2 }')"
echo "reloads: $RELOAD_OK applied, $RELOAD_REFUSED refused (invalid edits: $INVALID_OK refused as they should be, $INVALID_ACCEPTED not)"
echo "spawns: $SPAWNS, exits: $EXITS, restarts after an exit: $RESTARTS"
echo "fd count: $A_FD_MIN..$A_FD_MAX over the run, $FD_MIN..$FD_MAX after warm-up ($S_N samples); quiet: $WARM_FD at warm-up, $END_FD at the end"
echo "RSS (KB): $RSS_MIN..$RSS_MAX after warm-up; quiet: $WARM_RSS at warm-up, $END_RSS at the end (bound +$rss_bound$([ $ASAN = 1 ] && echo ', not checked under ASan'))"
echo "checks: $(wc -l < "$T/samples") (one a second at most), each taking $(awk '{ n++; ms += $5 } END { printf "%.2f", n ? ms / n / 1000 : 0 }' "$T/samples") s on average"
echo "supervisor exit status: $SUP_STATUS"
echo "invariant violations: $VIOLATIONS"
[ "$VIOLATIONS" -gt 0 ] && head -n 40 "$T/violations"
echo "----"

# ---- verdicts ----------------------------------------------------------
t_check "ran for SOAK_S seconds" test "$ELAPSED" -ge "$SOAK_S"
t_check "churn: an action a second or more ($total)" \
	test "$total" -ge "$SOAK_S"
t_check "no invariant violated (zombies, trees, status vs processes, clients)" \
	test "$VIOLATIONS" -eq 0
t_check "every invalid edit refused and logged ($INVALID_OK)" \
	test "$INVALID_ACCEPTED" -eq 0
t_check "reloads applied ($RELOAD_OK)" test "$RELOAD_OK" -gt 0
t_check "fd count after warm-up within $FD_RANGE ($FD_MIN..$FD_MAX)" \
	test $(( FD_MAX - FD_MIN )) -le "$FD_RANGE"
t_check "fd count quiet at the end as at warm-up ($WARM_FD, $END_FD)" \
	test $(( END_FD - WARM_FD )) -le "$FD_QUIET"
cmp -s "$T/fds-warm-up" "$T/fds-end" || {
	echo "descriptors, quiet at warm-up (<) and at the end (>):"
	diff "$T/fds-warm-up" "$T/fds-end" | grep '^[<>]'
}
if [ $ASAN = 0 ]; then
	t_check "RSS after warm-up within +$rss_bound KB of $WARM_RSS (max $RSS_MAX)" \
		test $(( RSS_MAX - WARM_RSS )) -le "$rss_bound"
	t_check "RSS quiet at the end within +$rss_bound KB ($WARM_RSS, $END_RSS)" \
		test $(( END_RSS - WARM_RSS )) -le "$rss_bound"
fi
t_check "SIGTERM: the supervisor exits 0" test "$SUP_STATUS" = 0
t_check "SIGTERM: nothing left" test -z "$NOT_LEFT"
echo "$N_PASSED passed, $N_FAILED failed"
t_done
