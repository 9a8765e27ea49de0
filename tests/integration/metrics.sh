#!/bin/bash
# GET /metrics: Prometheus's text format, checked by promtool (Debian's
# prometheus package), its values against status --json and what the
# programs did: exits by status, failed starts, output bytes, reloads;
# readiness and health, as status --json's info says them.
. "$(dirname "$0")/../lib.sh"

PORT=$(free_port)
WEB=http://127.0.0.1:$PORT
t_config <<EOF2
[supervisor]

[inet_http_server]
port = 127.0.0.1:$PORT

[program:steady]
command = sleep 1000
startsecs = 0.2

[program:talker]
command = sh -c 'printf "%%s\\n" 0123456789abcdef 0123456789abcdef 0123456789abcdef; exec sleep 1000'
startsecs = 0.2
stdout_logfile = $T/talker.log

[program:crasher]
command = sh -c 'sleep 0.4; exit 3'
startsecs = 0.2
autorestart = true

[program:broken]
command = $T/no-such-command
startsecs = 0.2
startretries = 1

[program:idle]
command = sleep 1000
autostart = false

[program:waiter]
command = sleep 1000
ready = exec:test -e $T/ready-flag
ready_interval = 0.1
ready_timeout = 0

$(health_by_file checked)
EOF2
touch "$T/healthy"
t_start
t_wait 10 state_is steady RUNNING
t_wait 10 state_is talker RUNNING
t_wait 10 state_is broken FATAL
t_wait 10 spawned_at_least crasher 3

# metric NAME{LABELS}: its value in the last scrape ($T/metrics).
metric() { awk -v k="$1" '$1 == k { print $2 }' "$T/metrics"; }
scrape() {
	web GET /metrics
	cp "$T/web.body" "$T/metrics"
}
scrape
t_check "/metrics: 200, Prometheus's text format 0.0.4" \
	eval '[ "$CODE" = 200 ] && head_has "Content-Type: text/plain; version=0.0.4"'
if command -v promtool >/dev/null; then
	t_check "promtool check metrics finds nothing wrong" \
		eval 'promtool check metrics < "$T/metrics" > "$T/promtool.out" 2>&1 || { cat "$T/promtool.out" >&2; false; }'
else
	echo "SKIP $T_NAME: promtool check metrics (promtool missing: Debian's prometheus package is not installed)"
fi

ctl status --json
echo "$OUT" > "$T/status.json"
ok=1
for name in steady talker crasher broken idle; do
	state=$(jq -r ".[] | select(.name == \"$name\") | .state" "$T/status.json")
	pid=$(jq -r ".[] | select(.name == \"$name\") | .pid // 0" "$T/status.json")
	restarts=$(jq -r ".[] | select(.name == \"$name\") | .restarts" "$T/status.json")
	# crasher moves on between the scrape and status: its state is not
	# compared.
	[ "$name" = crasher ] && continue
	[ "$(metric "supervisor_process_state{group=\"$name\",name=\"$name\",state=\"$state\"}")" = 1 ] || { echo "state of $name: not $state" >&2; ok=0; }
	[ "$(metric "supervisor_process_pid{group=\"$name\",name=\"$name\"}")" = "$pid" ] || { echo "pid of $name: not $pid" >&2; ok=0; }
	[ "$(metric "supervisor_process_restarts_total{group=\"$name\",name=\"$name\"}")" = "$restarts" ] || { echo "restarts of $name: not $restarts" >&2; ok=0; }
done
t_check "state, pid and restarts as status --json says" test "$ok" = 1
t_check "one state at a time per process" \
	test "$(grep -c '^supervisor_process_state{group="steady",name="steady",state="[A-Z]*"} 1$' "$T/metrics")" = 1
t_check "up: 1 for RUNNING, 0 for FATAL" \
	eval '[ "$(metric "supervisor_process_up{group=\"steady\",name=\"steady\"}")" = 1 ] && [ "$(metric "supervisor_process_up{group=\"broken\",name=\"broken\"}")" = 0 ]'
# The kernel's start time of the process: boot time + its starttime.
pid=$(metric 'supervisor_process_pid{group="steady",name="steady"}')
start=$(metric 'supervisor_process_start_time_seconds{group="steady",name="steady"}')
born=$(awk -v tck="$(getconf CLK_TCK)" -v btime="$(awk '$1 == "btime" { print $2 }' /proc/stat)" \
	'{ sub(/.*\) /, ""); printf "%.2f", btime + $20 / tck }' "/proc/$pid/stat")
t_check "start time: the process's, as the kernel has it ($start, $born)" \
	awk -v s="$start" -v b="$born" 'BEGIN { d = s - b; exit !(d < 2 && d > -2) }'
t_check "exits by status: crasher's exit 3 counted" \
	eval '[ "$(metric "supervisor_process_exits_total{group=\"crasher\",name=\"crasher\",status=\"3\"}")" -ge 2 ]'
t_check "spawn failures: broken's two failed starts" \
	test "$(metric 'supervisor_process_spawn_failures_total{group="broken",name="broken"}')" = 2
t_check "starts: idle was never started" \
	test "$(metric 'supervisor_process_starts_total{group="idle",name="idle"}')" = 0
t_check "output: talker's 51 bytes on stdout, none lost" \
	eval '[ "$(metric "supervisor_process_output_bytes_total{group=\"talker\",name=\"talker\",stream=\"stdout\"}")" = 51 ] && [ "$(metric "supervisor_process_output_lost_bytes_total{group=\"talker\",name=\"talker\",stream=\"stdout\"}")" = 0 ]'
t_check "processes by state: 1 FATAL, 1 STOPPED" \
	eval '[ "$(metric "supervisor_processes{state=\"FATAL\"}")" = 1 ] && [ "$(metric "supervisor_processes{state=\"STOPPED\"}")" = 1 ]'
t_check "build info carries the version" \
	grep -qE '^supervisor_build_info\{version="[0-9.]+"\} 1$' "$T/metrics"
t_check "control requests counted" \
	eval '[ "$(metric "supervisor_control_requests_total{protocol=\"http\"}")" -ge 1 ]'

# ---- readiness and health, against status --json's info ----
# info_json NAME: its info in status --json, "null" when none.
info_json() { ctl status --json; jq -r ".[] | select(.name == \"$1\") | .info" <<< "$OUT"; }
lab() { echo "{group=\"$1\",name=\"$1\"}"; }
t_wait 10 eval 'info_json checked | grep -qx healthy'
t_check "waiter is not ready yet, as status says" \
	eval 'state_is waiter STARTING && info_json waiter | grep -q "^not ready yet"'
scrape
t_check "ready: 0 while its probe has not passed" \
	test "$(metric "supervisor_process_ready$(lab waiter)")" = 0
t_check "ready wait: none before the first ready" \
	test -z "$(metric "supervisor_process_ready_wait_seconds$(lab waiter)")"
t_check "healthy: 1 while status says healthy" \
	test "$(metric "supervisor_process_healthy$(lab checked)")" = 1
t_check "health check failures: none yet" \
	test "$(metric "supervisor_process_health_check_failures_total$(lab checked)")" = 0
t_check "no ready or healthy line for a program without probes" \
	eval '! grep -qE "^supervisor_process_(ready|ready_wait_seconds|healthy|health_check_failures_total)\{group=\"steady\"" "$T/metrics"'
touch "$T/ready-flag"
t_check "waiter: ready, so RUNNING" t_wait 10 state_is waiter RUNNING
rm "$T/healthy"
t_check "checked: unhealthy, as status says" \
	t_wait 10 eval 'info_json checked | grep -q "^unhealthy: exec:test -e $T/healthy: status 1"'
scrape
t_check "ready: 1 once RUNNING by its probe" \
	test "$(metric "supervisor_process_ready$(lab waiter)")" = 1
# Its uptime counts from the spawn, as the wait does: the wait is less.
ctl status --json
up=$(jq -r '.[] | select(.name == "waiter") | .uptime' <<< "$OUT")
t_check "ready wait: the seconds its start waited (0 < wait < uptime $up)" \
	awk -v w="$(metric "supervisor_process_ready_wait_seconds$(lab waiter)")" -v u="$up" 'BEGIN { exit !(w > 0 && w < u) }'
t_check "healthy: 0 once its checks fail" \
	test "$(metric "supervisor_process_healthy$(lab checked)")" = 0
t_check "health check failures: counted" \
	eval '[ "$(metric "supervisor_process_health_check_failures_total$(lab checked)")" -ge 1 ]'
if command -v promtool >/dev/null; then
	t_check "promtool: the readiness and health lines too" \
		eval 'promtool check metrics < "$T/metrics" > "$T/promtool.out" 2>&1 || { cat "$T/promtool.out" >&2; false; }'
fi
touch "$T/healthy"
t_check "checked: healthy again" t_wait 10 eval 'info_json checked | grep -qx healthy'
scrape
t_check "healthy: 1 again, the failures still counted" \
	eval '[ "$(metric "supervisor_process_healthy$(lab checked)")" = 1 ] && [ "$(metric "supervisor_process_health_check_failures_total$(lab checked)")" -ge 1 ]'

ctl reload
scrape
t_check "reloads: one applied, none refused" \
	eval '[ "$(metric "supervisor_reloads_total{result=\"applied\"}")" = 1 ] && [ "$(metric "supervisor_reloads_total{result=\"refused\"}")" = 0 ]'
# The edit is refused by the config watch, and by the reload command.
echo "[program:bad" >> "$T/supervisor.ini"
ctl reload
scrape
t_check "reloads: an invalid file's refused" \
	eval '[ "$(metric "supervisor_reloads_total{result=\"applied\"}")" = 1 ] && [ "$(metric "supervisor_reloads_total{result=\"refused\"}")" -ge 1 ]'
web POST /metrics -d x
t_check "POST /metrics: 405" test "$CODE" = 405

t_stop TERM
t_done
