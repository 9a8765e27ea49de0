#!/bin/bash
# depends_on: the chain db -> migrate:completed -> app starts in order,
# each once what it needs holds (WAITING until then, with the reason in
# status), and stops in reverse; a dependency that goes FATAL leaves its
# dependents WAITING (not started, not spinning), and wait says so; a
# reload that drops an edge starts the waiting program and restarts no
# other; cycles, unknown names and a program on itself are refused with
# FILE:LINE.
. "$(dirname "$0")/../lib.sh"


t_config <<EOF2
[supervisor]
loglevel = debug
[program:app]
command = sleep 1000
depends_on = db, migrate:completed
[program:migrate]
command = sh -c 'until [ -e $T/migrated ]; do sleep 0.02; done'
depends_on = db
autorestart = false
startsecs = 0
[program:db]
command = $PY $READY_D/notify_ready.py $T/db-up
ready = notify
[program:broken]
command = sh -c 'exit 3'
startretries = 1
[program:needs_broken]
command = sleep 1000
depends_on = broken
[program:free]
command = sleep 1000
[program:worker]
command = sleep 1000
startsecs = 0
depends_on = db
depends_restart = true
EOF2
t_start
t_check "the control socket answers" t_wait 20 answers
t_check "db STARTING (not ready)" t_wait 20 state_is db STARTING
t_check "migrate WAITING for db" t_wait 20 state_is migrate WAITING
status_info migrate
t_check "status: migrate waits for db to be ready ($INFO)" \
	eval '[[ $INFO == "waiting for db to be ready (db is STARTING)" ]]'
t_check "app WAITING" state_is app WAITING
ctl_check "wait --timeout 0.3 app: times out" 1 wait --timeout 0.3 app
t_check "... saying so ($ERR)" err_has "timed out after 0.3s (WAITING: waiting for db"
touch "$T/db-up"
t_check "db RUNNING once ready" t_wait 20 state_is db RUNNING
t_check "migrate runs after db is ready" t_wait 20 log_has "spawned migrate pid"
status_info app
t_check "app waits for migrate to complete ($INFO)" \
	eval '[[ $INFO == "waiting for migrate to be completed"* ]]'
touch "$T/migrated"
ctl_check "wait app: ready" 0 wait --timeout 20 app
ctl_check "wait migrate: completed" 0 wait migrate
t_check "... said completed" out_has "migrate: completed"
t_check "spawn order: db, migrate, app" eval '
	[ "$(line_of "spawned db pid")" -lt "$(line_of "spawned migrate pid")" ] &&
	[ "$(line_of "migrate exited with status 0")" -lt "$(line_of "spawned app pid")" ]'
t_check "free did not wait" eval '[ "$(line_of "spawned free pid")" -lt "$(line_of "spawned migrate pid")" ]'

# A dependency that goes FATAL: its dependent waits, with the reason.
t_check "broken goes FATAL" t_wait 30 state_is broken FATAL
status_info needs_broken
t_check "needs_broken WAITING with the reason ($INFO)" eval '
	[ "$STATE" = WAITING ] && [[ $INFO == *"broken is FATAL"* ]]'
t_check "needs_broken never spawned" log_lacks "spawned needs_broken"
ctl_check "wait needs_broken: fails at once" 1 wait --timeout 20 needs_broken
t_check "... in well under the timeout (${MS} ms)" test "$MS" -lt 10000

# A reload that drops the edge: needs_broken starts, nothing restarts.
app_pid=$(pid_of app) db_pid=$(pid_of db)
sed -i 's/^depends_on = broken$//' "$T/supervisor.ini"
ctl_check "reload" 0 reload
t_check "needs_broken starts once its edge is gone" t_wait 20 state_is needs_broken RUNNING
t_check "app and db kept running (same pids)" eval \
	'[ "$(pid_of app)" = "$app_pid" ] && [ "$(pid_of db)" = "$db_pid" ]'

# depends_restart: a restart of db restarts worker (bound to it), and
# leaves app (not bound) running.
t_check "worker RUNNING" t_wait 20 state_is worker RUNNING
worker_pid=$SPAWN_PID app_pid=$(pid_of app)
ctl_check "restart db" 0 restart db
t_check "worker restarted with db" t_wait 20 log_has \
	"worker: restarting: its dependency db went down \(depends_restart\)"
t_check "worker RUNNING again, a new pid" t_wait 20 eval \
	'state_is worker RUNNING && [ "$SPAWN_PID" != "$worker_pid" ]'
t_check "worker started again only after db was ready" eval \
	'[ "$(grep -n "spawned db pid" "$T/log" | tail -n 1 | cut -d: -f1)" -lt "$(grep -n "spawned worker pid" "$T/log" | tail -n 1 | cut -d: -f1)" ]'
t_check "app (no depends_restart) kept running" test "$(pid_of app)" = "$app_pid"

# A restart of a dependency and its dependents: they stop first, then
# it; it starts first, then they.
n0=$(wc -l < "$T/log")
ctl_check "restart db app worker migrate" 0 restart db app worker migrate
tail -n +"$n0" "$T/log" > "$T/restart.log"
t_check "restart: app and worker stopped before db was" eval '
	[ "$(line_of "app stopped" "$T/restart.log")" -lt "$(line_of "stopping db" "$T/restart.log")" ] &&
	[ "$(line_of "worker stopped" "$T/restart.log")" -lt "$(line_of "stopping db" "$T/restart.log")" ]'
t_check "restart: db spawned before migrate, migrate done before app" eval '
	[ "$(line_of "spawned db pid" "$T/restart.log")" -lt "$(line_of "spawned migrate pid" "$T/restart.log")" ] &&
	[ "$(line_of "migrate exited with status 0" "$T/restart.log")" -lt "$(line_of "spawned app pid" "$T/restart.log")" ]'

# Stop in reverse: app (depth 2) is stopped before db (depth 0).
t_stop TERM
t_check "supervisor exits 0" test "$SUP_STATUS" = 0
sed -n '/SIGTERM received/,$p' "$T/log" > "$T/teardown.log"
t_check "app stopped before db" eval '[ "$(line_of "app stopped" "$T/teardown.log")" -lt "$(line_of "stopping db" "$T/teardown.log")" ]'
t_check "nothing left" no_program_left

# The graph's errors, with FILE:LINE.
t_config <<EOF2
[program:a]
command = sleep 1
depends_on = c
[program:b]
command = sleep 1
depends_on = a:started
[program:c]
command = sleep 1
depends_on = b
[program:d]
command = sleep 1
depends_on = d
[program:e]
command = sleep 1
depends_on = nosuch, a:whenever
EOF2
ctl -c "$T/supervisor.ini" check
t_check "a cycle is refused (exit $RC)" test "$RC" = 78
t_check "... named whole at FILE:LINE" err_has "$T/supervisor.ini:3: depends_on: a cycle: a -> c -> b -> a"
t_check "a program on itself" err_has "$T/supervisor.ini:12: depends_on: [program:d] depends on itself"
t_check "a bad condition" err_has "$T/supervisor.ini:15: depends_on: \"whenever\": the condition must be ready, started or completed"
t_done
