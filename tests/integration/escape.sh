#!/bin/bash
# Nothing of a program's tree escapes, whichever way the supervisor ends:
# three generations, a grandchild in a new session (setsid) and daemons
# that double-forked (one of them into a new session too).  Three ways
# out: SIGTERM to the guardian (a clean teardown), SIGKILL to the
# supervisor proper (the guardian sweeps within about a second) and
# SIGKILL to the guardian (the supervisor tears down on PDEATHSIG).  Each
# runs as root (cgroup v2) and as nobody (process groups and /proc).
. "$(dirname "$0")/../lib.sh"

# Each sleep has its own duration so that each branch can be told apart.
cat > "$T/tree.sh" <<'EOF'
#!/bin/sh
sh -c 'sh -c "sleep 1001 & wait" & wait' &
setsid sh -c 'sleep 1002 & sleep 1003' &
(sleep 1004 &)
(setsid sleep 1005 &)
wait
EOF
t_config <<EOF2
[program:tree]
command = sh $T/tree.sh
startsecs = 0.1
stopwaitsecs = 5

[program:other]
command = sleep 1006
startsecs = 0.1
EOF2
# The unprivileged supervisor must read the config and the script.
chmod 755 "$T"
chmod 644 "$T/supervisor.ini" "$T/tree.sh"
ALL_MARKERS="1001 1002 1003 1004 1005 1006"


# The sleep durations of the programs' processes that run now, in
# ascending order (bash builtins only: this runs in a polling loop).
markers() {
	local pid m i out=
	local -a argv count=()
	for pid in $(program_pids); do
		{ mapfile -d '' -t argv < "/proc/$pid/cmdline"; } 2>/dev/null ||
			continue
		[ "${#argv[@]}" -eq 2 ] && [ "${argv[0]}" = sleep ] &&
			[[ ${argv[1]} = 100[0-9] ]] || continue
		m=${argv[1]}
		count[m]=$(( ${count[m]:-0} + 1 ))
	done
	for m in "${!count[@]}"; do
		for (( i = 0; i < count[m]; i++ )); do
			out+=" $m"
		done
	done
	echo "${out# }"
}
tree_complete() { [ "$(markers)" = "$ALL_MARKERS" ]; }

# begin_run USER CASE: starts, waits for the whole tree, records its pids.
begin_run() {
	local user=$1 case=$2 want
	t_start_as "$user"
	if ! t_wait 10 tree_complete; then
		t_fail "[$user] ($case) the whole tree runs (have: $(markers))"
		return 1
	fi
	program_pids > "$T/pids"
	SPID=$(supervisor_pid)
	case $(containment_for "$user") in
	# supervisor.GUARDIAN-XXXXXXXX: the guardian's pid, a random part.
	cgroup) want="containment: cgroup v2 \(.*/supervisor\.$SUP_PID-[0-9a-f]{8}\)" ;;
	*) want="containment: process groups and /proc" ;;
	esac
	t_check "[$user] ($case) log says $want" log_has "$want"
	CGROUP=$(sed -nE 's/.*containment: cgroup v2 \((.*)\)$/\1/p' "$T/log")
	return 0
}

cgroup_removed() { [ ! -e "$CGROUP" ]; }

run_all() {
	local user=$1 t0 ms status

	# (a) SIGTERM to the guardian: a clean teardown, exit 0.
	if begin_run "$user" a; then
		t_stop TERM 20
		t_check "[$user] (a) SIGTERM: guardian exits 0 (got $SUP_STATUS)" \
			test "$SUP_STATUS" = 0
		t_check "[$user] (a) SIGTERM: none of the $(wc -l < "$T/pids") pids of the tree survives" \
			t_wait 1 no_survivor
		t_check "[$user] (a) SIGTERM: lib.sh finds no program left" \
			no_program_left
		[ -n "$CGROUP" ] &&
			t_check "[$user] (a) SIGTERM: cgroup directory removed" \
			cgroup_removed
	fi
	end_run

	# (b) SIGKILL to the supervisor proper: the guardian kills every tree.
	if begin_run "$user" b; then
		t0=$(now_ms)
		kill -KILL "$SPID"
		if t_wait 3 no_survivor; then
			ms=$(( $(now_ms) - t0 ))
			t_pass "[$user] (b) kill -9 supervisor: no survivor after ${ms} ms (goal 1000 ms)"
		else
			t_fail "[$user] (b) kill -9 supervisor: survivors after 3 s: $(survivors)"
		fi
		t_wait_exit 5
		status=$SUP_STATUS
		t_check "[$user] (b) kill -9 supervisor: guardian exits 137 (got $status)" \
			test "$status" = 137
		t_check "[$user] (b) kill -9 supervisor: guardian logs it" \
			log_has "guardian: supervisor pid $SPID died \(signal 9, KILL\)"
		[ -n "$CGROUP" ] &&
			t_check "[$user] (b) kill -9 supervisor: cgroup directory removed" \
			t_wait 5 cgroup_removed
	fi
	end_run

	# (c) SIGKILL to the guardian: the supervisor tears down by itself.
	if begin_run "$user" c; then
		t0=$(now_ms)
		disown "$SUP_PID"	# it dies of SIGKILL: no "Killed" from bash
		kill -KILL "$SUP_PID"
		if t_wait 5 no_survivor; then
			ms=$(( $(now_ms) - t0 ))
			t_pass "[$user] (c) kill -9 guardian: no survivor after ${ms} ms"
		else
			t_fail "[$user] (c) kill -9 guardian: survivors after 5 s: $(survivors)"
		fi
		t_check "[$user] (c) kill -9 guardian: supervisor pid $SPID exits" \
			t_wait 5 gone "$SPID"
		t_check "[$user] (c) kill -9 guardian: supervisor says why" \
			log_has "the guardian died; stopping all programs"
		t_check "[$user] (c) kill -9 guardian: supervisor exits cleanly" \
			t_wait 5 log_has "supervisor exiting with status 0"
		[ -n "$CGROUP" ] &&
			t_check "[$user] (c) kill -9 guardian: cgroup directory removed" \
			t_wait 5 cgroup_removed
	fi
	end_run
}

if [ "$(id -u)" = 0 ]; then
	run_all root
	run_all nobody
else
	run_all "$(id -un)"
	t_pass "unprivileged runs as nobody skipped: not root"
fi
t_done
