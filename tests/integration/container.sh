#!/bin/bash
# container.sh: the supervisor as a container's init (PID 1 of a new pid
# and mount namespace, an empty environment), the ways containers and CI
# runners start it:
#   - two containers in one cgroup (sandboxes, CI runners, unshare): each
#     supervisor has a cgroup of its own, and one's teardown leaves the
#     other's programs alone;
#   - one SIGKILLed, init and all, leaves its cgroup: the next removes it
#     when empty, names it and leaves it alone when something still runs
#     there, and its own programs are never killed by it;
#   - exit_with_parent when the launcher (outside the container) dies;
#   - started with SIGCHLD ignored, as some CI systems and shells do;
#   - no cgroup v2 mounted in the container: said plainly, and the
#     process-group mode works.
# Root only (namespaces).
. "$(dirname "$0")/../lib.sh"

if ! containers_work; then
	t_pass "skipped: needs root and unshare --pid --mount"
	t_done
fi
if [ "$(containment_for root)" != cgroup ]; then
	t_pass "skipped: no writable cgroup v2 here"
	t_done
fi

# NAME: a config of one program, NAME's worker (sleep), a socket of its
# own in $T/NAME.sock.
container_config() {
	cat > "$T/$1.ini" <<EOF2
[supervisor]
socket = $T/$1.sock
$2
[program:worker]
command = sleep 1000
startsecs = 0
stdout_logfile = NONE
stderr_logfile = NONE

[program:flapper]
command = sh -c 'sleep 0.6; exit 1'
startsecs = 0
startretries = 1000
stdout_logfile = NONE
stderr_logfile = NONE
EOF2
}
# on NAME COMMAND...: COMMAND (a helper that asks the supervisor or reads
# the log) about container NAME.
on() {
	local name=$1
	shift
	T_LOG=$T/$name.log SUPERVISOR_SOCKET=$T/$name.sock "$@"
}
# cgroup_of NAME: container NAME's supervisor cgroup, from its log.
cgroup_of() {
	sed -nE 's/.*containment: cgroup v2 \((.*)\)$/\1/p' "$T/$1.log" | tail -n 1
}

# ---- two containers in one cgroup ----------------------------------------
for n in a b; do container_config "$n"; done
container_start "$T/a.log" -- -c "$T/a.ini"
a_unshare=$UNSHARE_PID a_init=$INIT_PID
container_start "$T/b.log" -- -c "$T/b.ini"
b_unshare=$UNSHARE_PID b_init=$INIT_PID
for n in a b; do
	t_check "[$n] runs as PID 1 of its container" \
		t_wait 10 on "$n" log_has "started as pid 2 \\(guardian pid 1\\)"
	t_check "[$n] worker RUNNING" t_wait 10 on "$n" state_is worker RUNNING
done
cg_a=$(cgroup_of a) cg_b=$(cgroup_of b)
t_check "both in cgroups, in one parent" \
	eval '[ -n "$cg_a" ] && [ "${cg_a%/*}" = "${cg_b%/*}" ]'
t_check "each its own cgroup, though both are pid 1 (got $cg_a, $cg_b)" \
	test "$cg_a" != "$cg_b"
b_worker=$(on b pid_of worker)
kill -TERM "$a_init"
t_check "[a] SIGTERM: tears down and exits 0" \
	t_wait 20 eval '! kill -0 "$a_unshare" 2>/dev/null'
wait "$a_unshare"
t_check "[a] exit status 0 (got $?)" test "$?" = 0
t_check "[a] its cgroup is removed" test ! -e "$cg_a"
t_sleep 0.5
t_check "[b] its worker was not touched" \
	eval 'on b state_is worker RUNNING && [ "$(on b pid_of worker)" = "$b_worker" ]'
t_check "[b] its worker was spawned once" test "$(on b spawn_count worker)" = 1
t_check "[b] its flapper is still being restarted" \
	t_wait 10 on b spawned_at_least flapper 4

# ---- a container SIGKILLed: its cgroup is left ---------------------------
b_ns=$(readlink "/proc/$b_init/ns/pid")
kill -KILL "$b_init"	# the init: the kernel kills the rest of it
# The kernel ends a pid namespace's processes in its own time (each one
# must leave what it is doing in the kernel): no deadline but a generous
# one, and what is left, with where each one waits, if that passes.
if t_wait 60 eval '! kill -0 "$b_unshare" 2>/dev/null'; then
	t_pass "[b] SIGKILL: the container is gone"
else
	t_fail "[b] SIGKILL: the container is gone; what is left: $(
	    for f in /proc/[0-9]*; do
		[ "$(readlink "$f/ns/pid" 2>/dev/null)" = "$b_ns" ] &&
		    echo "$(cat "$f/stat" 2>/dev/null) wchan=$(cat "$f/wchan" 2>/dev/null);"
	    done)"
fi
wait "$b_unshare" 2>/dev/null
# Its cgroup is left behind, empty (unless a supervisor started since,
# by another test, has removed it already).
# (The kernel says "populated 0" once the last task is released, a moment
# after the namespace is gone.)
t_check "[b] nothing of it runs in its cgroup" \
	t_wait 10 eval '[ ! -d "$cg_b" ] || grep -qx "populated 0" "$cg_b/cgroup.events"'
# And one left with something running in it, with cgroup.kill written
# (as a supervisor that was killed during its teardown leaves it): a
# process of the test's own in it.
# Another test's supervisor, starting meanwhile, removes such a cgroup
# while it is still empty: made again until the process is in it.
sleep 1000 &
stale_pid=$!
for try in 1 2 3 4 5; do
	stale=${cg_b%/*}/supervisor.1-$(od -An -N4 -tx4 /dev/urandom | tr -d " ")
	mkdir "$stale" 2>/dev/null &&
	    echo "$stale_pid" 2>/dev/null > "$stale/cgroup.procs" && break
done
t_check "[c] a stale cgroup with a process in it, made" \
	grep -qx "$stale_pid" "$stale/cgroup.procs"
container_config c
container_start "$T/c.log" -- -c "$T/c.ini"
c_unshare=$UNSHARE_PID c_init=$INIT_PID
t_check "[c] worker RUNNING" t_wait 10 on c state_is worker RUNNING
t_check "[c] the empty stale cgroup is removed" t_wait 5 test ! -e "$cg_b"
t_check "[c] the populated one is named, with how to end it" \
	t_wait 5 on c log_has "$stale: a supervisor that ran before left processes running there; not touched \\(echo 1 > $stale/cgroup.kill ends them\\)"
t_check "[c] what runs there is not touched" alive "$stale_pid"
t_check "[c] its cgroup is a new one" \
	eval '[ "$(cgroup_of c)" != "$cg_a" ] && [ "$(cgroup_of c)" != "$cg_b" ]'
c_worker=$(on c pid_of worker)
t_sleep 1
t_check "[c] its worker lives on (spawned once)" \
	eval 'on c state_is worker RUNNING && [ "$(on c pid_of worker)" = "$c_worker" ] &&
	    [ "$(on c spawn_count worker)" = 1 ]'
kill -KILL "$stale_pid"
wait "$stale_pid" 2>/dev/null
t_wait 5 eval 'grep -qx "populated 0" "$stale/cgroup.events"'
rmdir "$stale"

# ---- exit_with_parent, with the launcher outside the container -----------
kill -TERM "$c_init"
t_wait 20 eval '! kill -0 "$c_unshare" 2>/dev/null'
container_config d "exit_with_parent = true"
container_start "$T/d.log" -- -c "$T/d.ini"
d_unshare=$UNSHARE_PID d_init=$INIT_PID
t_check "[d] worker RUNNING" t_wait 10 on d state_is worker RUNNING
kill -KILL "$d_unshare"	# the launcher: getppid() stays 0 inside
wait "$d_unshare" 2>/dev/null
t_check "[d] the launcher's death is seen" \
	t_wait 10 on d log_has "parent went away \\(exit_with_parent; it was outside our pid namespace\\); stopping everything"
t_check "[d] the init exits, and with it the container" \
	t_wait 20 eval '! kill -0 "$d_init" 2>/dev/null'
t_check "[d] the teardown finished" on d log_has "all programs stopped"

# ---- started with SIGCHLD ignored ----------------------------------------
container_config e
container_start "$T/e.log" /usr/bin/python3 -c '
import os, signal, sys
signal.signal(signal.SIGCHLD, signal.SIG_IGN)
os.execv(sys.argv[1], sys.argv[1:])' -- -c "$T/e.ini"
e_unshare=$UNSHARE_PID e_init=$INIT_PID
t_check "[e] worker RUNNING" t_wait 10 on e state_is worker RUNNING
t_check "[e] exits are seen: the flapper is restarted" \
	t_wait 10 on e spawned_at_least flapper 4
kill -TERM "$e_init"
t_check "[e] SIGTERM: the guardian sees the supervisor exit, exits 0" \
	t_wait 20 eval '! kill -0 "$e_unshare" 2>/dev/null'
wait "$e_unshare"
t_check "[e] exit status 0 (got $?)" test "$?" = 0

# ---- no cgroup v2 in the container ---------------------------------------
container_config f
container_start "$T/f.log" sh -c '
for m in $(awk "\$3 == \"cgroup2\" { print \$2 }" /proc/self/mounts); do
	umount -l "$m" || exit 1
done
exec "$@"' sh -- -c "$T/f.ini"
f_unshare=$UNSHARE_PID f_init=$INIT_PID
t_check "[f] no cgroup v2: said so" \
	t_wait 10 on f log_has "containment: process groups and /proc \\(no cgroup v2 to use: cgroup v2 is not mounted \\(no cgroup2 in /proc/self/mountinfo\\)\\)"
t_check "[f] worker RUNNING" t_wait 10 on f state_is worker RUNNING
t_check "[f] the flapper is restarted" t_wait 10 on f spawned_at_least flapper 3
kill -TERM "$f_init"
t_check "[f] SIGTERM: exits 0" \
	t_wait 20 eval '! kill -0 "$f_unshare" 2>/dev/null'
wait "$f_unshare"
t_check "[f] exit status 0 (got $?)" test "$?" = 0

# ---- a container whose one program exits at once, 20 times ---------------
# (The supervisor may be gone before the guardian's loop is set up: its
# exit must still be seen, though a PID 1 drops a signal it has not
# blocked.)
cat > "$T/g.ini" <<EOF2
[supervisor]
socket = none
[program:once]
command = sh -c 'exit 3'
startsecs = 0
autorestart = false
shutdown_on_exit = true
stdout_logfile = NONE
stderr_logfile = NONE
EOF2
bad=0
for i in $(seq 1 20); do
	timeout -k 2 10 "${IN_CONTAINER[@]}" "$SUPERVISOR" -c "$T/g.ini" \
	    2> "$T/g.log"
	rc=$?
	[ "$rc" = 3 ] || { bad=$((bad + 1)); echo "run $i: exit $rc" >&2; }
done
t_check "[g] 20 containers of a program that exits at once: each ends, with its status ($bad did not)" \
	test "$bad" = 0

t_check "nothing left" t_wait 5 no_program_left
for n in a b c d e f; do
	t_check "[$n] no sanitizer report" \
		on "$n" log_lacks "ERROR: AddressSanitizer|runtime error"
done
t_done
