#!/bin/bash
# The web page on [inet_http_server], with curl: the table without
# script, its headers, the same Basic credentials as XML-RPC, actions only
# as POSTs with the page's CSRF token from the page's own origin, values
# escaped, live events, a log followed, /healthz, and readonly = true.
. "$(dirname "$0")/../lib.sh"

PORT=$(free_port)
WEB=http://127.0.0.1:$PORT
WEB_AUTH=(-u "admin:s3cret")
hostile='"><b>bold<i>x'"'"'&'
t_config <<EOF2
[supervisor]

[inet_http_server]
port = 127.0.0.1:$PORT
username = admin
password = s3cret

[program:web]
command = sh -c 'trap "echo got-usr1; echo got-usr1 >> $T/usr1" USR1; echo "<img src=x onerror=alert(1)>"; while :; do sleep 0.2; done'
startsecs = 0.2
stdout_logfile = $T/web.log
stderr_logfile = NONE

[program:other]
command = sleep 1000
startsecs = 0.2

[program:$hostile]
command = sleep 1000
startsecs = 0.2

[program:member1]
command = sleep 1000
startsecs = 0.2

[program:member2]
command = sleep 1000
startsecs = 0.2

[group:pair]
programs = member1,member2
EOF2
t_start
t_wait 10 state_is web RUNNING
t_wait 10 state_is other RUNNING
t_wait 10 state_is member2 RUNNING

# ---- credentials ----
web GET /
t_check "no credentials: 401 with a Basic challenge" \
	eval '[ "$CODE" = 401 ] && head_has "WWW-Authenticate: Basic"'
web GET / -u admin:wrong
t_check "a wrong password: 401" test "$CODE" = 401
web GET /metrics -u admin:wrong
t_check "/metrics wants the credentials too" test "$CODE" = 401
web GET / "${WEB_AUTH[@]}"
t_check "the right ones: the page (200, text/html)" \
	eval '[ "$CODE" = 200 ] && head_has "Content-Type: text/html"'

# ---- the page ----
t_check "Content-Security-Policy: scripts from the page's origin only" \
	eval "head_has \"Content-Security-Policy: default-src 'none'; script-src 'self';\" && ! grep -qi unsafe-inline $T/web.head"
t_check "X-Content-Type-Options: nosniff" head_has "X-Content-Type-Options: nosniff"
t_check "Referrer-Policy: no-referrer" head_has "Referrer-Policy: no-referrer"
t_check "no inline script and no event handler attribute" \
	eval '! grep -qE "<script>|<script [^>]*>[^<]|[[:space:]]on[a-z]+=" <<< "$BODY"'
t_check "the script comes from the binary" \
	eval 'grep -q "<script src=\"/static/page.js\" defer></script>" <<< "$BODY"'
t_check "readable without script: a row per process with its state" \
	eval 'grep -q "<td class=\"c-name\">web</td><td class=\"c-state\"><span class=\"state s-running\">RUNNING</span></td><td class=\"c-pid\">$(pid_of web)</td>" <<< "$BODY"'
t_check "group members are in their group's rows" \
	eval 'grep -q "<tr data-spec=\"pair:member1\"><td class=\"c-group\">pair</td>" <<< "$BODY"'
t_check "a hostile name is escaped, never markup" \
	eval 'grep -qF "&quot;&gt;&lt;b&gt;bold&lt;i&gt;x&#39;&amp;" <<< "$BODY" && ! grep -qF "<b>bold" <<< "$BODY"'
web GET /static/page.js "${WEB_AUTH[@]}"
t_check "page.js: JavaScript, nosniff" \
	eval '[ "$CODE" = 200 ] && head_has "Content-Type: text/javascript" && grep -q EventSource <<< "$BODY"'
web GET /static/page.css "${WEB_AUTH[@]}"
t_check "page.css: a stylesheet" eval '[ "$CODE" = 200 ] && head_has "Content-Type: text/css"'
web GET /nothing-here "${WEB_AUTH[@]}"
t_check "an unknown path: 404" test "$CODE" = 404
web POST / "${WEB_AUTH[@]}" -d x=1
t_check "POST /: 405" test "$CODE" = 405

# ---- actions ----
token=$(csrf_token)
t_check "the page carries a CSRF token" test "${#token}" = 64
web GET "/action?csrf=$token&op=stop&target=other:other" "${WEB_AUTH[@]}"
t_check "an action by GET: 405, nothing stopped" \
	eval '[ "$CODE" = 405 ] && state_is other RUNNING'
web POST /action "${WEB_AUTH[@]}" -d "op=stop&target=other:other"
t_check "no CSRF token: 403, nothing stopped" \
	eval '[ "$CODE" = 403 ] && state_is other RUNNING'
case $token in *0) wrong=${token%?}1 ;; *) wrong=${token%?}0 ;; esac
web POST /action "${WEB_AUTH[@]}" -d "csrf=$wrong&op=stop&target=other:other"
t_check "a wrong CSRF token: 403" eval '[ "$CODE" = 403 ] && state_is other RUNNING'
web POST /action "${WEB_AUTH[@]}" -H "Origin: http://evil.example" \
	-d "csrf=$token&op=stop&target=other:other"
t_check "another site's Origin, even with the token: 403" \
	eval '[ "$CODE" = 403 ] && state_is other RUNNING'
web POST /action -d "csrf=$token&op=stop&target=other:other"
t_check "the token without credentials: 401" \
	eval '[ "$CODE" = 401 ] && state_is other RUNNING'
web POST /action "${WEB_AUTH[@]}" -H "Origin: $WEB" \
	-d "csrf=$token&op=stop&target=other:other"
t_check "the page's own Origin and token: the stop is done" \
	eval '[ "$CODE" = 200 ] && t_wait 10 state_is other STOPPED'
web POST /action "${WEB_AUTH[@]}" -d "csrf=$token&op=start&target=other:other"
t_check "start (no Origin: not a browser)" \
	eval '[ "$CODE" = 200 ] && t_wait 10 state_is other RUNNING'
old=$(pid_of other)
web POST /action "${WEB_AUTH[@]}" -d "csrf=$token&op=restart&target=other:other"
t_check "restart: a new pid, RUNNING" \
	t_wait 10 eval '[ "$CODE" = 200 ] && state_is other RUNNING && [ "$(pid_of other)" != "$old" ]'
web POST /action "${WEB_AUTH[@]}" -d "csrf=$token&op=signal&sig=USR1&target=web:web"
t_check "signal USR1 reaches the program" \
	eval '[ "$CODE" = 200 ] && t_wait 10 grep -q got-usr1 "$T/usr1"'
web POST /action "${WEB_AUTH[@]}" -d "csrf=$token&op=signal&sig=NOPE&target=web:web"
t_check "an unknown signal: 400" test "$CODE" = 400
web POST /action "${WEB_AUTH[@]}" -d "csrf=$token&op=stop&target=pair:*"
t_check "a group's stop stops its members, no other" \
	eval '[ "$CODE" = 200 ] && t_wait 10 state_is member1 STOPPED && t_wait 10 state_is member2 STOPPED && state_is other RUNNING'
web POST /action "${WEB_AUTH[@]}" -d "csrf=$token&op=start&target=pair:*"
t_check "and its start" eval 't_wait 10 state_is member1 RUNNING && t_wait 10 state_is member2 RUNNING'
web POST /action "${WEB_AUTH[@]}" -d "csrf=$token&op=stop&target=nosuch:nosuch"
t_check "an unknown name: 404" test "$CODE" = 404
web POST /action "${WEB_AUTH[@]}" -d "csrf=$token&op=rm&target=web:web"
t_check "an unknown op: 400" eval '[ "$CODE" = 400 ] && state_is web RUNNING'

# ---- live events ----
curl -sN --max-time 30 "${WEB_AUTH[@]}" "$WEB/events" > "$T/events" &
t_wait 10 grep -q '^event: reset' "$T/events"
t_check "events: a snapshot first, the hostile name escaped in JSON" \
	eval 'grep -qF "\"name\":\"\\u0022\\u003e\\u003cb\\u003ebold" "$T/events"'
ctl stop other
t_check "events: a stop arrives as it happens" \
	t_wait 10 grep -qF '"name":"other","state":"STOPPED"' "$T/events"
t_check "... with STOPPING before it" grep -qF '"name":"other","state":"STOPPING"' "$T/events"

# ---- at most 256 pages ----
pages=()
for i in $(seq 256); do
	exec {fd}<>"/dev/tcp/127.0.0.1/$PORT"
	printf 'GET /events HTTP/1.1\r\nHost: x\r\nAuthorization: Basic %s\r\n\r\n' \
	    "$(printf admin:s3cret | base64)" >&"$fd"
	pages+=("$fd")
done
t_check "past 256 pages open: 503" t_wait 20 eval '[ "$(curl -s -o /dev/null -w "%{http_code}" --max-time 2 "${WEB_AUTH[@]}" "$WEB/events")" = 503 ]'
for fd in "${pages[@]}"; do exec {fd}>&-; done
t_check "pages closed are seen gone: a new one is served" \
	t_wait 20 eval 'curl -sN --max-time 2 "${WEB_AUTH[@]}" "$WEB/events" | grep -q "^event: reset"'

# ---- /healthz ----
web GET /healthz "${WEB_AUTH[@]}"
t_check "/healthz: 503 naming the autostart process that is not RUNNING" \
	eval '[ "$CODE" = 503 ] && grep -qx "other:other STOPPED" <<< "$BODY"'
ctl start other
web GET /healthz "${WEB_AUTH[@]}"
t_check "/healthz: 200 when all run" eval '[ "$CODE" = 200 ] && [ "$BODY" = ok ]'

# ---- a log followed ----
curl -sN --max-time 30 -D "$T/log.head" "${WEB_AUTH[@]}" "$WEB/log/web:web/stdout" > "$T/logview" &
t_wait 10 grep -qF '<img src=x onerror=alert(1)>' "$T/logview"
t_check "a log view: the program's output as plain text, nosniff" \
	eval 'grep -qi "^Content-Type: text/plain" "$T/log.head" && grep -qi "^X-Content-Type-Options: nosniff" "$T/log.head"'
n=$(grep -c got-usr1 "$T/logview")
ctl signal USR1 web
t_check "the log view follows what the program writes" \
	t_wait 10 eval '[ "$(grep -c got-usr1 "$T/logview")" -gt "$n" ]'
web GET /log/web:web/stderr "${WEB_AUTH[@]}"
t_check "a log that is not a file: 404 with the reason" \
	eval '[ "$CODE" = 404 ] && grep -q "not logged\|not a file" <<< "$BODY"'
web GET /log/nosuch:nosuch/stdout "${WEB_AUTH[@]}"
t_check "an unknown process's log: 404" test "$CODE" = 404

# ---- the same page on the control socket ----
CODE=$(curl -s -o /dev/null -w '%{http_code}' --unix-socket "$SUPERVISOR_SOCKET" http://x/)
t_check "the control socket serves the page too" test "$CODE" = 200

# ---- readonly ----
sed -i 's/^password = s3cret$/password = s3cret\nreadonly = true/' "$T/supervisor.ini"
ctl reload
web GET / "${WEB_AUTH[@]}"
t_check "readonly: the page has no CSRF token (no buttons)" \
	eval '[ "$CODE" = 200 ] && ! grep -q csrf-token <<< "$BODY" && grep -q "data-readonly=\"1\"" <<< "$BODY"'
web POST /action "${WEB_AUTH[@]}" -d "csrf=$token&op=stop&target=other:other"
t_check "readonly: an action with a valid token is refused (403)" \
	eval '[ "$CODE" = 403 ] && state_is other RUNNING'
xml='<?xml version="1.0"?><methodCall><methodName>supervisor.stopProcess</methodName><params><param><value><string>other</string></value></param></params></methodCall>'
web POST /RPC2 "${WEB_AUTH[@]}" -H "Content-Type: text/xml" --data-binary "$xml"
t_check "readonly: XML-RPC's stopProcess is a Fault" \
	eval 'grep -q "faultString" <<< "$BODY" && grep -q "read-only" <<< "$BODY" && state_is other RUNNING'
xml='<?xml version="1.0"?><methodCall><methodName>supervisor.getState</methodName><params></params></methodCall>'
web POST /RPC2 "${WEB_AUTH[@]}" -H "Content-Type: text/xml" --data-binary "$xml"
t_check "readonly: XML-RPC's getState answers" \
	eval 'grep -q "RUNNING" <<< "$BODY" && ! grep -q faultString <<< "$BODY"'
web GET /metrics "${WEB_AUTH[@]}"
t_check "readonly: /metrics answers" test "$CODE" = 200

t_stop TERM
t_check "the supervisor exits 0" test "$SUP_STATUS" = 0
t_done
