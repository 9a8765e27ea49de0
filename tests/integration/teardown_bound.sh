#!/bin/bash
# Teardown's last-resort time limit allows for every priority level in
# turn: three levels whose programs ignore SIGTERM and need their whole
# stopwaitsecs of 2.5 s each take 7.5 s, more than the longest
# stopwaitsecs plus the 5 s margin, and still finish the ordered way.
. "$(dirname "$0")/../lib.sh"

t_config <<EOF2
[program:a]
command = sh -c 'trap "" TERM; exec sleep 1000'
priority = 1
startsecs = 0.1
stopwaitsecs = 2.5

[program:b]
command = sh -c 'trap "" TERM; exec sleep 1000'
priority = 2
startsecs = 0.1
stopwaitsecs = 2.5

[program:c]
command = sh -c 'trap "" TERM; exec sleep 1000'
priority = 3
startsecs = 0.1
stopwaitsecs = 2.5
EOF2
t_start
for p in a b c; do t_wait_log "$p is RUNNING"; done
# With cgroups, a program stopped during the teardown loses its cgroup
# then, while the next level still stops, not with all others at the end.
base=$(sed -nE 's/.*containment: cgroup v2 \((.*)\)$/\1/p' "$T/log" | head -n 1)
kill -TERM "$SUP_PID"
if [ -n "$base" ]; then
	t_check "c's cgroup is there while it runs" test -d "$base/p.c"
	t_wait_log "c stopped" 10
	# b has 2.5 s of stopwaitsecs left: a long time to see c's go.
	t_check "c's cgroup is gone once it stopped, b still stopping" \
		eval 't_wait 2 test ! -e "$base/p.c" && test -d "$base/p.b" &&
		    ! log_has "b stopped"'
fi
t_wait_exit 30
t_check "exits 0, not cut short (got $SUP_STATUS)" test "$SUP_STATUS" = 0
for p in c b a; do
	t_check "$p: SIGKILL after its stopwaitsecs" \
		log_has "$p did not stop within 2.5s; sending SIGKILL"
done
t_check "no last-resort alarm" eval '! log_has "teardown did not finish in time"'
t_check "nothing left" no_program_left
t_done
