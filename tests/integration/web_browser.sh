#!/bin/bash
# The web page in a real browser: Debian's headless Chromium, driven over
# WebDriver (chromium-driver) by a small Python client.  It loads the
# page, sees a stop made elsewhere arrive live, presses a start button
# and sees the process start, follows a log, shows a hostile name as
# text, and fits 360 px.  Screenshots: build/screenshots/web-wide.png and
# web-360.png.  Once per suite: against the plain build only (the same
# code; Chromium is the costly part).
. "$(dirname "$0")/../lib.sh"

case $SUPERVISOR in
*/asan/supervisor)
	echo "SKIP $T_NAME: the browser runs once, against the plain build"
	t_done ;;
esac
for cmd in chromium chromedriver; do
	if ! command -v "$cmd" > /dev/null; then
		echo "SKIP $T_NAME: no $cmd (Debian's chromium and chromium-driver packages are not installed)"
		t_done
	fi
done

PORT=$(free_port)
WEB=http://127.0.0.1:$PORT
SHOTS=$(cd "$(dirname "$0")/../.." && pwd)/build/screenshots
mkdir -p "$SHOTS"
hostile='"><b>bold<i>x'"'"'&'
t_config <<EOF2
[supervisor]
identifier = web-demo

[inet_http_server]
port = 127.0.0.1:$PORT

[program:web]
command = sh -c 'while :; do echo "<img src=x onerror=alert(1)> line \$\$"; sleep 0.3; done'
startsecs = 0.2
stdout_logfile = $T/web.log

[program:$hostile]
command = sleep 1000
startsecs = 0.2

[program:worker]
command = sleep 1000
startsecs = 0.2
numprocs = 3
process_name = worker_%(process_num)d

[program:crasher]
command = sh -c 'sleep 0.5; exit 3'
startsecs = 1
startretries = 0

[group:workers]
programs = worker
EOF2
t_start
t_wait 10 state_is web RUNNING
t_wait 10 state_is worker_2 RUNNING
t_wait 10 state_is crasher FATAL

DRIVER_PORT=$(free_port)
chromedriver --port="$DRIVER_PORT" > "$T/chromedriver.log" 2>&1 &
disown $!	# killed with the test's other processes, without a word
t_wait 20 eval '(exec 3<>"/dev/tcp/127.0.0.1/$DRIVER_PORT") 2>/dev/null'

cat > "$T/drive.py" <<'EOF2'
# A WebDriver client (the W3C protocol, over HTTP with JSON): what the
# test does in the browser.  Prints "PASS what" or "FAIL what: why".
import base64, json, os, subprocess, sys, time, urllib.request

driver, page, client, shots, tmp = sys.argv[1:6]

def call(method, path, body=None):
	req = urllib.request.Request(driver + path, method=method,
	    data=None if body is None else json.dumps(body).encode(),
	    headers={"Content-Type": "application/json"})
	with urllib.request.urlopen(req, timeout=60) as r:
		return json.load(r)["value"]

def run(script, *args):
	return call("POST", s + "/execute/sync",
	    {"script": script, "args": list(args)})

def until(what, fn, timeout=15):
	end = time.time() + timeout
	while time.time() < end:
		try:
			v = fn()
			if v:
				return v
		except Exception:
			pass
		time.sleep(0.05)
	return None

def check(name, ok, why=""):
	print(("PASS " if ok else "FAIL ") + name + ("" if ok else ": " + why),
	    flush=True)

def state(spec):
	return run("const r = [...document.querySelectorAll('tr[data-spec]')]"
	    ".find(r => r.dataset.spec === arguments[0]);"
	    "return r ? r.querySelector('.c-state').textContent : null;", spec)

def ctl(*args):
	return subprocess.run([client] + list(args), capture_output=True,
	    text=True).stdout

caps = {"capabilities": {"alwaysMatch": {"browserName": "chrome",
    "goog:chromeOptions": {"binary": "/usr/bin/chromium", "args": [
	"--headless=new", "--no-sandbox", "--disable-gpu",
	"--disable-dev-shm-usage", "--no-first-run", "--window-size=1280,900",
	"--user-data-dir=" + tmp + "/chrome"]}}}}
s = "/session/" + call("POST", "/session", caps)["sessionId"]
try:
	call("POST", s + "/url", {"url": page})
	check("the page loads and goes live (server-sent events)",
	    until("live", lambda: run("return document.getElementById('live')"
	    ".textContent") == "live"), "never live")
	check("every process has a row", run("return document.querySelectorAll("
	    "'tr[data-spec]').length") == 6, "rows missing")
	check("a hostile name is text, not markup",
	    run("return document.querySelectorAll('main b, main i, main img')"
	    ".length") == 0 and state('"><b>bold<i>x\'&:"><b>bold<i>x\'&')
	    == "RUNNING", "markup from a name")
	check("the crasher's FATAL is red", run("return getComputedStyle("
	    "[...document.querySelectorAll('tr[data-spec]')].find(r => "
	    "r.dataset.spec === 'crasher:crasher').querySelector('.state'))"
	    ".backgroundColor") == "rgb(198, 40, 40)", "not red")

	t0 = time.time()
	ctl("stop", "--no-wait", "web")
	seen = until("stopped", lambda: state("web:web") == "STOPPED")
	check("a stop made with the CLI reaches the page live (%.0f ms, "
	    "polled every 50 ms)" % ((time.time() - t0) * 1000), seen,
	    "the row says %s" % state("web:web"))

	run("[...document.querySelectorAll('tr[data-spec]')].find(r => "
	    "r.dataset.spec === 'web:web').querySelector("
	    "'button[data-op=\"start\"]').click();")
	check("pressing start starts it (the supervisor says RUNNING)",
	    until("running", lambda: "RUNNING" in ctl("status", "web")),
	    ctl("status", "web"))
	check("... and the row says so", until("row", lambda:
	    state("web:web") == "RUNNING"), "row: %s" % state("web:web"))
	check("the action's answer is shown", until("note", lambda: "start "
	    "web:web" in run("return document.getElementById('note')"
	    ".textContent")), "no answer")

	run("document.querySelector('tr[data-spec=\"workers:worker_1\"]')"
	    ".closest('tbody').querySelector('tr.grp button[data-op=\"stop\"]')"
	    ".click();")
	check("a group's stop all stops its three workers", until("group",
	    lambda: ctl("status", "workers:*").count("STOPPED") == 3),
	    ctl("status", "workers:*"))

	run("[...document.querySelectorAll('tr[data-spec]')].find(r => "
	    "r.dataset.spec === 'web:web').querySelector('.c-logs a').click();")
	check("the log view follows the program's output, as text",
	    until("log", lambda: run("const t = document.getElementById("
	    "'logtext').textContent; return t.includes('<img src=x') && "
	    "t.split('\\n').length > 3;")) and run("return document."
	    "querySelectorAll('#logview img').length") == 0, "no lines")

	png = call("GET", s + "/screenshot")
	open(shots + "/web-wide.png", "wb").write(base64.b64decode(png))
	call("POST", s + "/window/rect", {"width": 360, "height": 780})
	until("narrow", lambda: run("return window.innerWidth") <= 360)
	width = run("return [window.innerWidth, "
	    "document.documentElement.scrollWidth]")
	check("at 360 px nothing is wider than the screen (%s)" % width,
	    width[1] <= width[0], "scrolls sideways")
	check("at 360 px the buttons are there", run("const b = document."
	    "querySelector('tr[data-spec=\"web:web\"] button[data-op=\"stop\"]')"
	    ".getBoundingClientRect(); return b.width > 0 && b.right <= "
	    "window.innerWidth;"), "a button off screen")
	png = call("GET", s + "/screenshot")
	open(shots + "/web-360.png", "wb").write(base64.b64decode(png))
	check("screenshots written", os.path.getsize(shots + "/web-360.png")
	    > 1000, "empty")
finally:
	call("DELETE", s)
EOF2
/usr/bin/python3 "$T/drive.py" "http://127.0.0.1:$DRIVER_PORT" "$WEB/" \
	"$CLIENT" "$SHOTS" "$T" > "$T/drive.out" 2> "$T/drive.err"
while read -r verdict what; do
	case $verdict in
	PASS) t_pass "$what" ;;
	FAIL) t_fail "$what" ;;
	esac
done < "$T/drive.out"
t_check "the browser session ran to its end" \
	eval 'grep -q "screenshots written" "$T/drive.out" || { cat "$T/drive.err" >&2; false; }'

t_stop TERM
t_done
