#!/bin/bash
# containment.sh: the exact guarantee supervisor(8) states, tested.
# A program run as another user can signal neither the guardian nor the
# supervisor.  Whichever of the two dies, even by SIGKILL, the other
# kills every tree.  Only when both die at once by SIGKILL (which takes
# root, or their own user) are the trees left: in cgroup mode, each in its
# cgroup under supervisor.PID, where writing cgroup.kill ends it.
. "$(dirname "$0")/../lib.sh"

if [ "$(id -u)" != 0 ]; then
	t_pass "skipped: needs root (the program runs as nobody)"
	t_done
fi
chmod 755 "$T"
tree_config() {
	t_config <<EOF2
[supervisor]
# The test tag, for the cleanup, reaches programs run as nobody too.
inherit_environment = true
[program:tree]
user = nobody
command = sh -c 'sh -c "sleep 1000 & wait" & sleep 1000'
startsecs = 0
stdout_logfile = NONE
stderr_logfile = NONE
EOF2
}
tree_pids() { program_pids; }

tree_config
t_start
t_check "up" t_wait 10 eval 'state_is tree RUNNING && [ "$(tree_pids | wc -w)" -ge 3 ]'
sup=$(supervisor_pid)
t_check "the program (nobody) can't signal the guardian" \
	eval '! as_user nobody kill -KILL "$SUP_PID" 2>/dev/null'
t_check "nor the supervisor" \
	eval '! as_user nobody kill -KILL "$sup" 2>/dev/null'
t_check "both still run" eval 'kill -0 "$SUP_PID" && kill -0 "$sup"'

# The supervisor dies by SIGKILL: the guardian kills every tree.
kill -KILL "$sup"
t_check "SIGKILL of the supervisor: the guardian exits" t_wait 20 sup_gone
t_check "... and no process of any tree is left" t_wait 10 no_program_left
end_run

# The guardian dies by SIGKILL: the supervisor tears everything down.
tree_config
t_start
t_check "up again" t_wait 10 eval 'state_is tree RUNNING && [ "$(tree_pids | wc -w)" -ge 3 ]'
sup=$(supervisor_pid)
kill -KILL "$SUP_PID"
t_check "SIGKILL of the guardian: the supervisor stops everything" \
	t_wait 20 eval '! kill -0 "$sup" 2>/dev/null'
t_check "... and no process of any tree is left" t_wait 10 no_program_left
end_run

# Both at once: the trees are left, as stated; in cgroup mode each is in
# its cgroup, and cgroup.kill there ends it.
tree_config
t_start
t_check "up a third time" t_wait 10 eval 'state_is tree RUNNING && [ "$(tree_pids | wc -w)" -ge 3 ]'
sup=$(supervisor_pid)
mode=$(containment_for root)
# Stopped first, so that neither can act on the other's death in between;
# the supervisor killed first: were the guardian first, the supervisor's
# process group would be orphaned with a stopped member, which the kernel
# sends SIGHUP and SIGCONT, and it would run (and stop its trees) before
# its SIGKILL.
kill -STOP "$sup" "$SUP_PID"
kill -KILL "$sup" "$SUP_PID"
t_sleep 1
left=$(tree_pids)
t_check "SIGKILL of both: the trees are left, as stated" test -n "$left"
if [ "$mode" = cgroup ]; then
	set -- $left
	cg=$(grep -o '0::.*' "/proc/$1/cgroup" | cut -c4-)
	mnt=$(awk '$9 == "cgroup2" { print $5; exit }' /proc/self/mountinfo)
	t_check "... each in its cgroup under supervisor.$SUP_PID-*" \
		eval '[[ $cg == */supervisor.$SUP_PID-*/p.tree ]]'
	# Only that cgroup, never one the test did not find.
	if [[ $cg == */supervisor.$SUP_PID-*/p.tree ]] && [ -n "$mnt" ]; then
		echo 1 > "$mnt$cg/cgroup.kill"
		t_check "cgroup.kill there ends the tree" \
			t_wait 10 no_program_left
		t_wait 5 rmdir "$mnt$cg" 2>/dev/null
		rmdir "${mnt}${cg%/p.tree}" 2>/dev/null
	fi
else
	t_pass "... not in cgroup mode: reparented, killed by the test"
fi
t_done
