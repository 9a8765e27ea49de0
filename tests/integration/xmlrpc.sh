#!/bin/bash
# supervisord's XML-RPC API through Python's xmlrpc.client, unmodified:
# the same method list as supervisord 4.2.5's, every method called with
# its results' types and fields and its Faults (BAD_NAME, NOT_RUNNING,
# ALREADY_STARTED, SPAWN_ERROR, ...) as supervisord's; wait=False; a
# multicall; supervisor.childutils.getRPCInterface from inside a child,
# through SUPERVISOR_SERVER_URL; the same over [inet_http_server].
. "$(dirname "$0")/../lib.sh"

PY=/usr/bin/python3
if ! $PY -c 'import supervisor.childutils' 2>/dev/null; then
	t_pass "skipped: Debian's supervisor package is not installed"
	exit 0
fi
PORT=$(free_port)

t_config <<EOF
[supervisord]
logfile = $T/main.log
watch_config = false

[inet_http_server]
port = 127.0.0.1:$PORT

[program:a]
command = sleep 1000
startsecs = 0
stdout_logfile = $T/a.log

[program:talk]
command = sh -c 'echo out-line; echo err-line >&2; exec sleep 1000'
startsecs = 0
stdout_logfile = $T/talk.log
stderr_logfile = $T/talk.err

[program:gone]
command = $T/nothing-here
autostart = false
startretries = 0

[program:quick]
command = true
stdout_logfile = NONE
autostart = false
startsecs = 1
startretries = 0

[program:echo]
command = cat
startsecs = 0
stdout_logfile = $T/echo.log

[program:child]
command = $PY -c 'import os, sys; from supervisor import childutils; rpc = childutils.getRPCInterface(os.environ); me = os.environ["SUPERVISOR_GROUP_NAME"] + ":" + os.environ["SUPERVISOR_PROCESS_NAME"]; print("child sees", rpc.supervisor.getProcessInfo(me)["statename"], rpc.supervisor.getAPIVersion(), flush=True); import time; time.sleep(1000)'
startsecs = 0
stdout_logfile = $T/child.log

[group:g]
programs = a,talk
EOF
t_start
t_check "up: a RUNNING" t_wait 20 state_is a RUNNING

cat > "$T/calls.py" <<'PYEOF'
import sys, time, xmlrpc.client
from supervisor import xmlrpc as sx
url = sys.argv[1]
if url.startswith("unix://"):
    s = xmlrpc.client.ServerProxy("http://127.0.0.1", transport=sx.SupervisorTransport(None, None, url))
else:
    s = xmlrpc.client.ServerProxy(url + "/RPC2")
sv = s.supervisor
fails = 0
def check(name, ok):
    global fails
    print(("PASS " if ok else "FAIL ") + name)
    if not ok:
        fails += 1
def fault(name, code, f, *a):
    try:
        r = f(*a)
        check("%s: Fault %d (got %r)" % (name, code, r), False)
    except xmlrpc.client.Fault as e:
        check("%s: Fault %d %s" % (name, code, e.faultString), e.faultCode == code)
def wait_state(name, state):
    for i in range(400):
        if sv.getProcessInfo(name)["statename"] == state:
            return True
        time.sleep(0.05)
    return False

expected = sys.argv[2].split(",")
got = s.system.listMethods()
check("listMethods: supervisord's %d methods (missing %s, extra %s)" % (len(expected), sorted(set(expected) - set(got)), sorted(set(got) - set(expected))), sorted(got) == sorted(expected) and got == sorted(got))
check("getAPIVersion 3.0", sv.getAPIVersion() == "3.0")
check("getVersion 3.0", sv.getVersion() == "3.0")
check("getSupervisorVersion", isinstance(sv.getSupervisorVersion(), str))
check("getIdentification", sv.getIdentification() == "supervisor")
check("getState", sv.getState() == {"statecode": 1, "statename": "RUNNING"})
check("getPID", isinstance(sv.getPID(), int) and sv.getPID() > 1)
info = sv.getProcessInfo("g:a")
fields = {"name", "group", "description", "start", "stop", "now", "state", "statename", "spawnerr", "exitstatus", "logfile", "stdout_logfile", "stderr_logfile", "pid"}
check("getProcessInfo: every field (%s)" % sorted(info), set(info) == fields)
check("getProcessInfo: values", info["name"] == "a" and info["group"] == "g" and info["statename"] == "RUNNING" and info["state"] == 20 and info["pid"] > 0 and info["description"].startswith("pid %d, uptime " % info["pid"]) and abs(info["now"] - time.time()) < 5)
fault("getProcessInfo of a group", 10, sv.getProcessInfo, "g:*")
fault("getProcessInfo unknown", 10, sv.getProcessInfo, "nosuch")
fault("getProcessInfo: a program in a group by its own name", 10, sv.getProcessInfo, "a")
fault("getProcessInfo: wrong type", 2, sv.getProcessInfo, 5)
fault("getProcessInfo: no argument", 2, sv.getProcessInfo)
fault("unknown method", 1, s.supervisor.nosuch)
fault("unknown namespace", 1, s.nosuch.getPID)
fault("three dotted parts", 1, getattr(s, "supervisor.getPID.x"))
all_ = sv.getAllProcessInfo()
check("getAllProcessInfo: sorted by group then name", [(p["group"], p["name"]) for p in all_] == sorted((p["group"], p["name"]) for p in all_) and len(all_) == 6)
cfg = sv.getAllConfigInfo()
check("getAllConfigInfo: one per process, by name", [c["name"] for c in cfg] == sorted(c["name"] for c in cfg) and len(cfg) == 6)
check("getAllConfigInfo: fields", {"autostart", "command", "group", "group_prio", "inuse", "name", "process_prio", "stopsignal", "stdout_logfile", "exitcodes", "startsecs"} <= set(cfg[0]))
fault("stopProcess unknown", 10, sv.stopProcess, "nosuch")
check("stopProcess", sv.stopProcess("g:a") is True)
check("stopped: STOPPED", sv.getProcessInfo("g:a")["statename"] == "STOPPED")
fault("stopProcess again: NOT_RUNNING", 70, sv.stopProcess, "g:a")
check("startProcess", sv.startProcess("g:a") is True)
check("started: RUNNING", sv.getProcessInfo("g:a")["statename"] == "RUNNING")
fault("startProcess again: ALREADY_STARTED", 60, sv.startProcess, "g:a")
fault("startProcess of a missing command: NO_FILE", 20, sv.startProcess, "gone")
fault("startProcess of one that exits: ABNORMAL_TERMINATION", 40, sv.startProcess, "quick")
check("stopProcess wait=False", sv.stopProcess("g:a", False) is True)
check("... then STOPPED", wait_state("g:a", "STOPPED"))
check("startProcess wait=False", sv.startProcess("g:a", False) is True)
check("... then RUNNING", wait_state("g:a", "RUNNING"))
r = sv.stopProcessGroup("g")
check("stopProcessGroup: a status struct each", sorted((x["name"], x["group"], x["status"], x["description"]) for x in r) == [("a", "g", 80, "OK"), ("talk", "g", 80, "OK")])
r = sv.startProcessGroup("g")
check("startProcessGroup", sorted(x["name"] for x in r if x["status"] == 80) == ["a", "talk"])
fault("startProcessGroup unknown", 10, sv.startProcessGroup, "nosuch")
check("startProcess GROUP:* (nothing to start)", sv.startProcess("g:*") == [])
check("signalProcess", sv.signalProcess("g:a", "WINCH") is True)
check("signalProcess by number", sv.signalProcess("g:a", 28) is True)
fault("signalProcess bad signal", 11, sv.signalProcess, "g:a", "NOSUCH")
fault("signalProcess not running", 70, sv.signalProcess, "quick", "HUP")
r = sv.signalProcessGroup("g", "WINCH")
check("signalProcessGroup", sorted(x["name"] for x in r) == ["a", "talk"])
r = sv.signalAllProcesses("WINCH")
check("signalAllProcesses", sorted(x["name"] for x in r) == ["a", "child", "echo", "talk"])
for i in range(200):
    if "out-line" in sv.readProcessStdoutLog("g:talk", 0, 0):
        break
    time.sleep(0.05)
check("readProcessStdoutLog", sv.readProcessStdoutLog("g:talk", 0, 0).startswith("out-line\n"))
check("readProcessLog (alias)", sv.readProcessLog("g:talk", 0, 4) == "out-")
check("readProcessStderrLog", sv.readProcessStderrLog("g:talk", -9, 0) == "err-line\n")
fault("readProcessStdoutLog: negative offset and a length", 3, sv.readProcessStdoutLog, "g:talk", -5, 2)
fault("readProcessStdoutLog: no log file", 20, sv.readProcessStdoutLog, "quick", 0, 0)
t = sv.tailProcessStdoutLog("g:talk", 0, 3)
check("tailProcessStdoutLog: [bytes, offset, overflow] (%r)" % t, t[1] >= 9 and t[2] is True and len(t[0]) == 3)
t = sv.tailProcessStderrLog("g:talk", 0, 1000)
check("tailProcessStderrLog", t[0].startswith("err-line") and t[2] is False)
check("tailProcessLog (alias)", sv.tailProcessLog("g:talk", 0, 1000)[0].startswith("out-line"))
check("readLog", "INFO" in sv.readLog(0, 0))
check("readMainLog (alias)", len(sv.readMainLog(-20, 0)) == 20)
check("clearProcessLogs", sv.clearProcessLogs("g:talk") is True and sv.readProcessStdoutLog("g:talk", 0, 0) == "")
check("clearProcessLog (alias)", sv.clearProcessLog("g:talk") is True)
r = sv.clearAllProcessLogs()
check("clearAllProcessLogs", len(r) == 6 and all(x["status"] == 80 for x in r))
check("clearLog", sv.clearLog() is True)
fault("sendProcessStdin: not running", 70, sv.sendProcessStdin, "quick", "x")
check("sendProcessStdin", sv.sendProcessStdin("echo", "hello stdin\n") is True)
for i in range(200):
    if "hello stdin" in sv.readProcessStdoutLog("echo", 0, 0):
        break
    time.sleep(0.05)
check("sendProcessStdin: the program read it", "hello stdin" in sv.readProcessStdoutLog("echo", 0, 0))
check("sendRemoteCommEvent", sv.sendRemoteCommEvent("type", "data") is True)
check("methodHelp", "@param string name" in s.system.methodHelp("supervisor.getProcessInfo"))
check("methodSignature", s.system.methodSignature("supervisor.startProcess") == ["boolean", "string", "boolean"])
fault("methodHelp unknown", 4, s.system.methodHelp, "nosuch")
m = s.system.multicall([{"methodName": "supervisor.getAPIVersion", "params": []}, {"methodName": "supervisor.nosuch"}, {"methodName": "supervisor.stopProcess", "params": ["g:a"]}, {"methodName": "system.multicall", "params": [[]]}, {"methodName": "supervisor.startProcess", "params": ["g:a"]}])
check("multicall (%r)" % m, m[0] == "3.0" and m[1]["faultCode"] == 1 and m[2] is True and m[3]["faultCode"] == 2 and m[4] is True)
check("reloadConfig: nothing changed", sv.reloadConfig() == [[[], [], []]])
fault("addProcessGroup: ALREADY_ADDED", 90, sv.addProcessGroup, "g")
fault("addProcessGroup: BAD_NAME", 10, sv.addProcessGroup, "nosuch")
fault("removeProcessGroup: STILL_RUNNING", 91, sv.removeProcessGroup, "g")
r = sv.stopAllProcesses()
check("stopAllProcesses", sorted(x["name"] for x in r) == ["a", "child", "echo", "talk"])
check("removeProcessGroup", sv.removeProcessGroup("g") is True)
fault("removeProcessGroup: gone", 10, sv.removeProcessGroup, "g")
check("reloadConfig: the group is added", sv.reloadConfig() == [[["g"], [], []]])
check("addProcessGroup", sv.addProcessGroup("g") is True)
# The group's add started a and talk (autostart); child is left.
r = sv.startAllProcesses()
check("startAllProcesses", sorted(x["name"] for x in r if x["status"] == 80) == ["child", "echo"])
check("... all RUNNING", sorted(p["name"] for p in sv.getAllProcessInfo() if p["statename"] == "RUNNING") == ["a", "child", "echo", "talk"])
before = sv.getProcessInfo("g:a")["pid"]
check("restart", sv.restart() is True)
def restarted():
    for i in range(400):
        try:
            p = sv.getProcessInfo("g:a")
            if p["statename"] == "RUNNING" and p["pid"] != before:
                return True
        except xmlrpc.client.Fault:
            pass
        time.sleep(0.05)
    return False
check("restart: everything stopped and started again, the supervisor stays", restarted() and sv.getState()["statename"] == "RUNNING")
sys.exit(1 if fails else 0)
PYEOF

# supervisord's own list, from a supervisord on a config of its own.
mkdir -p "$T/d"
cat > "$T/d/sup.conf" <<EOF
[supervisord]
logfile = $T/d/main.log
pidfile = $T/d/pid
[unix_http_server]
file = $T/d/sock
[rpcinterface:supervisor]
supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface
EOF
/usr/bin/supervisord -n -c "$T/d/sup.conf" > /dev/null 2>&1 &
THEIR_PID=$!
their_methods() {
	METHODS=$($PY -c 'import sys, xmlrpc.client
from supervisor import xmlrpc as sx
s = xmlrpc.client.ServerProxy("http://127.0.0.1", transport=sx.SupervisorTransport(None, None, sys.argv[1]))
print(",".join(s.system.listMethods()))' "unix://$T/d/sock" 2>/dev/null)
}
t_check "supervisord's method list" t_wait 20 their_methods
kill "$THEIR_PID"
wait "$THEIR_PID"

# run_calls WHERE URL: calls.py through URL, its lines as this test's.
run_calls() {
	$PY "$T/calls.py" "$2" "$METHODS" > "$T/calls.out" 2>&1
	sed "s/^\(PASS\|FAIL\) /\1 $T_NAME: $1: /" "$T/calls.out" |
		grep -E '^(PASS|FAIL)'
	grep -q '^FAIL' "$T/calls.out" && T_FAILED=1
	t_check "$1: the client ran to its end" grep -q 'restart: everything' \
		"$T/calls.out"
	grep -vE '^(PASS|FAIL)' "$T/calls.out" | tail -n 20
}
run_calls unix "unix://$SUPERVISOR_SOCKET"
run_calls tcp "http://127.0.0.1:$PORT"

# childutils from inside a child.
t_check "childutils: the child called back" t_wait 20 grep -q \
	'^child sees RUNNING 3.0$' "$T/child.log" 2>/dev/null
t_stop TERM 20
t_check "nothing left" t_wait 10 no_program_left
