#!/bin/bash
# What a program starts with: environment= on top of the supervisor's
# environment, directory= as its cwd, umask=, and numprocs processes
# named by process_name; %(ENV_x)s, %(here)s, %(program_name)s and
# %(process_num)d expand.
. "$(dirname "$0")/../lib.sh"

# env_count PID KEY: how many times KEY= appears in PID's environment.
env_count() { env_of "$1" | grep -c "^$2="; }
# The process has exec'd its program, sleep.
execd() { exe_is "$1" "$SLEEP"; }
execd_or_gone() { execd "$1" || gone "$1"; }
pgid_of() { ps -o pgid= -p "$1" | tr -d ' '; }

SLEEP=$(readlink -f "$(command -v sleep)")
mkdir -p "$T/work" "$T/w0" "$T/w1" "$T/w2"
real_T=$(cd "$T" && pwd -P)
# Inherited by the supervisor and so by its programs, unless overridden.
export OUTER=outer INHERITED=kept
supervisor_umask=$(umask)

t_config <<EOF2
[program:envy]
command = sleep 1000
environment = A="x y",B=2,OUTER=inner,HOME_COPY="%(ENV_HOME)s",HERE="%(here)s",
    COMMA="a,b",NAME=%(program_name)s
directory = %(here)s/work
umask = 027
startsecs = 0.1

[program:w]
command = sleep 1000
numprocs = 3
process_name = %(program_name)s_%(process_num)d
directory = $T/w%(process_num)d
environment = NUM=%(process_num)d
startsecs = 0.1

[program:d]
command = sleep 1000
numprocs = 2
numprocs_start = 5
startsecs = 0.1
EOF2
t_start
t_check "envy is RUNNING" t_wait_log "envy is RUNNING"
pid=$(spawned_pid envy)
t_check "envy has exec'd sleep" t_wait 10 execd "$pid"
t_check "envy: A=\"x y\" (quotes removed)" environ_has "$pid" "A=x y"
t_check "envy: B=2" environ_has "$pid" "B=2"
t_check "envy: a quoted value keeps its comma" environ_has "$pid" "COMMA=a,b"
t_check "envy: %(ENV_HOME)s is the supervisor's HOME" \
	environ_has "$pid" "HOME_COPY=$HOME"
t_check "envy: %(here)s is the config file's directory" environ_has "$pid" "HERE=$T"
t_check "envy: %(program_name)s" environ_has "$pid" "NAME=envy"
t_check "envy: environment= overrides an inherited variable" \
	environ_has "$pid" "OUTER=inner"
t_check "envy: ...which then appears once" test "$(env_count "$pid" OUTER)" -eq 1
t_check "envy: the supervisor's environment is inherited" \
	environ_has "$pid" "INHERITED=kept"
t_check "envy: SUPERVISOR_PROCESS_NAME" environ_has "$pid" "SUPERVISOR_PROCESS_NAME=envy"
t_check "envy: SUPERVISOR_GROUP_NAME" environ_has "$pid" "SUPERVISOR_GROUP_NAME=envy"
t_check "envy: directory= (through %(here)s) is the cwd" cwd_is "$pid" "$real_T/work"
t_check "envy: umask = 027" umask_is "$pid" 0027

for n in 0 1 2; do
	t_check "w_$n is spawned under its name" t_wait_log "spawned w_$n pid [0-9]+"
	t_check "w_$n is RUNNING" t_wait_log "w_$n is RUNNING"
done
pids=""
for n in 0 1 2; do
	pid=$(spawned_pid "w_$n")
	pids="$pids $pid"
	t_check "w_$n has exec'd sleep" t_wait 10 execd "$pid"
	t_check "w_$n: SUPERVISOR_PROCESS_NAME=w_$n" \
		environ_has "$pid" "SUPERVISOR_PROCESS_NAME=w_$n"
	t_check "w_$n: SUPERVISOR_GROUP_NAME=w" environ_has "$pid" "SUPERVISOR_GROUP_NAME=w"
	t_check "w_$n: %(process_num)d in environment" environ_has "$pid" "NUM=$n"
	t_check "w_$n: %(process_num)d in directory" cwd_is "$pid" "$real_T/w$n"
	t_check "w_$n: leads its own process group" test "$(pgid_of "$pid")" = "$pid"
	t_check "w_$n: inherits the supervisor's umask" umask_is "$pid" "$supervisor_umask"
done
t_check "w: three distinct processes" \
	test "$(echo $pids | tr ' ' '\n' | sort -u | wc -l)" -eq 3
t_check "w: no fourth process" log_lacks "spawned w_3 "
t_check "d: default name with numprocs_start (d_05)" t_wait_log "d_05 is RUNNING"
t_check "d: default name with numprocs_start (d_06)" t_wait_log "d_06 is RUNNING"
t_stop TERM
t_check "supervisor exits 0" test "$SUP_STATUS" = 0
t_check "nothing left" no_program_left

# %(here)s is the config file's directory as an absolute path, as in
# supervisord, even when the file is named relative to the cwd: programs
# run with another cwd (directory=), where a relative path means
# something else.
mkdir -p "$T/bin"
printf '#!/bin/sh\nexec %s 1000\n' "$(command -v sleep)" > "$T/bin/tool"
chmod 755 "$T/bin/tool"
t_config <<'EOF2'
[program:rel]
command = %(here)s/bin/tool
environment = HERE="%(here)s"
directory = /
startsecs = 0.1
startretries = 0
EOF2
(cd "$T" && exec "$SUPERVISOR" -c supervisor.ini) > "$T/out" 2> "$T/log" &
SUP_PID=$!
t_wait_log "spawned rel pid"
pid=$(spawned_pid rel)
t_wait 10 execd_or_gone "$pid"
t_check "relative -c: %(here)s/bin/tool is found from directory = /" execd "$pid"
t_check "relative -c: not exec'd as a relative path" log_lacks "rel: exec \./"
if execd "$pid"; then
	t_check "relative -c: %(here)s is absolute" environ_has "$pid" "HERE=$T"
fi
t_stop TERM
t_check "relative -c: supervisor exits 0" test "$SUP_STATUS" = 0
t_check "relative -c: nothing left" no_program_left
t_done
