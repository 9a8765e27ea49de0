#!/bin/bash
# A program that cannot be started says why (exec or chdir, with strerror)
# and exits 127 (126 when the file is not executable), like a shell; it
# then counts as a failed start: BACKOFF, retries, FATAL, even with
# startsecs = 0.  Commands without '/' are looked up in the program's PATH.
. "$(dirname "$0")/../lib.sh"

cmdline_has() { tr '\0' '\n' < "/proc/$1/cmdline" | grep -qxF -- "$2"; }
test_ge_count() { [ "$(log_count "$1")" -ge "$2" ]; }

sleep_bin=$(command -v sleep)
mkdir -p "$T/bin" "$T/noexec" "$T/empty"
printf '#!/bin/sh\nexit 0\n' > "$T/notexec.sh"
chmod 644 "$T/notexec.sh"
# Not exec: the shell keeps the path it was started as in its cmdline.
printf '#!/bin/sh\n%s 1000\n' "$sleep_bin" > "$T/bin/tool"
chmod 755 "$T/bin/tool"
printf '#!/bin/sh\nexit 0\n' > "$T/noexec/tool"
chmod 644 "$T/noexec/tool"

t_config <<EOF2
[program:missing]
command = /nonexistent/bin
startsecs = 0.2
startretries = 0

[program:notexec]
command = $T/notexec.sh
startsecs = 0.2
startretries = 0

[program:baddir]
command = sleep 1000
directory = /nonexistent
startsecs = 0.2
startretries = 0

[program:viapath]
command = sleep 1000
startsecs = 0.1

# The program's own PATH is searched, in order, as execvp does: a file
# that is not executable is skipped for a later one that is...
[program:ownpath]
command = tool
environment = PATH="$T/empty:$T/noexec:$T/bin"
startsecs = 0.1

# ...and reported as "Permission denied" when there is none.
[program:pathnoexec]
command = tool
environment = PATH="$T/empty:$T/noexec"
startsecs = 0.2
startretries = 0

[program:notinpath]
command = tool
environment = PATH="$T/empty"
startsecs = 0.2
startretries = 0

# startsecs = 0 makes a process RUNNING at once; a failed exec must still
# count as a failed start, retried with backoff, not restarted in a loop.
[program:spin]
command = /nonexistent/spin
startsecs = 0
startretries = 2
backoff_max = 0.2

# A real process that exits at once with startsecs = 0 is restarted with
# a growing delay (capped by backoff_max), not in a tight loop.
[program:quick]
command = sh -c 'exit 1'
startsecs = 0
backoff_max = 0.2
EOF2
t_start

t_check "missing: exec error names the path and the errno" \
	t_wait 10 log_has "WARN  missing: exec /nonexistent/bin: No such file or directory$"
t_check "missing: exits with status 127" \
	t_wait 10 log_has "missing exited with status 127 before startsecs"
t_check "missing: FATAL with startretries = 0" \
	t_wait 10 log_has "missing gave up after 0 retries \(FATAL\)"

t_check "notexec: Permission denied" \
	t_wait 10 log_has "WARN  notexec: exec $T/notexec.sh: Permission denied$"
t_check "notexec: exits with status 126" \
	t_wait 10 log_has "notexec exited with status 126 before startsecs"
t_check "notexec: FATAL" t_wait 10 log_has "notexec gave up after 0 retries"

t_check "baddir: chdir error names the directory" \
	t_wait 10 log_has "WARN  baddir: chdir /nonexistent: No such file or directory$"
t_check "baddir: FATAL" t_wait 10 log_has "baddir gave up after 0 retries"
t_check "baddir: no exec was tried" log_lacks "baddir: exec"

t_check "viapath: found through PATH and RUNNING" t_wait 10 log_has "viapath is RUNNING"
pid=$(spawned_pid viapath)
t_check "viapath: runs $sleep_bin" \
	t_wait 10 exe_is "$pid" "$(readlink -f "$sleep_bin")"

t_check "ownpath: a later executable beats an earlier non-executable" \
	t_wait 10 log_has "ownpath is RUNNING"
pid=$(spawned_pid ownpath)
t_check "ownpath: it is $T/bin/tool" t_wait 10 cmdline_has "$pid" "$T/bin/tool"
t_check "pathnoexec: Permission denied beats No such file" \
	t_wait 10 log_has "WARN  pathnoexec: exec tool: Permission denied$"
t_check "pathnoexec: exits with status 126" \
	t_wait 10 log_has "pathnoexec exited with status 126"
t_check "notinpath: No such file or directory" \
	t_wait 10 log_has "WARN  notinpath: exec tool: No such file or directory$"
t_check "notinpath: exits with status 127" \
	t_wait 10 log_has "notinpath exited with status 127"

t_check "spin: gives up after 2 retries" \
	t_wait 10 log_has "spin gave up after 2 retries \(FATAL\)"
t_check "spin: retried with backoff" log_has "spin: retry 2 of 2 in 0.2s"
t_check "quick: restarted after a delay" \
	t_wait 10 log_has "quick exited with status 1 after [0-9.]+s; restarting in 0.2s"
t_check "quick: restarted at least twice" \
	t_wait 10 test_ge_count "spawned quick pid" 3
# Give a spinning program time to show itself.
n_quick=$(spawn_count quick)
sleep 1
t_check "spin: spawned exactly 3 times" test "$(spawn_count spin)" -eq 3
t_check "spin: exec error logged each time" \
	test "$(log_count 'spin: exec /nonexistent/spin: No such file')" -eq 3
t_check "spin: never treated as a RUNNING exit" log_lacks "spin exited .*restarting"
n_quick=$(( $(spawn_count quick) - n_quick ))
t_check "quick: at most 7 spawns in 1s at 0.2s apart (got $n_quick)" \
	test "$n_quick" -le 7
t_check "the FATAL ones are spawned once" \
	test "$(spawn_count missing)$(spawn_count notexec)$(spawn_count baddir)" = 111
t_check "viapath still RUNNING, spawned once" test "$(spawn_count viapath)" -eq 1
t_stop TERM
t_check "supervisor exits 0" test "$SUP_STATUS" = 0
t_check "nothing left" no_program_left
t_done
