#!/bin/bash
# spawn_burst.sh: many programs spawned at once.  As root with cgroup v2 on
# x86-64 the supervisor does not wait for each child's exec: the children
# of a burst set themselves up beside it, in its memory, on stacks of
# their own.  Each must still get its own settings (user, umask, nice,
# directory, environment) and report its own failure (exec, chdir) under
# its own name, with the right errno; the supervisor's own work must not
# see the children's failed system calls (PATH lookups fail with ENOENT
# in every child here while clients are served); and a SIGTERM that
# arrives while children are still setting up must leave nothing behind.
. "$(dirname "$0")/../lib.sh"

echo "# containment: $(containment_for root)"
mkdir -p "$T/res" "$T/empty1" "$T/empty2" "$T/empty3"
chmod 711 "$T"		# nobody passes through to res/
chmod 777 "$T/res"
# Five misses before the right directory: five failed execve per child.
misses="$T/empty1:$T/empty2:$T/empty3:/nonexistent/a:/nonexistent/b"
{
	for i in $(seq 1 12); do
		cat <<EOF2
[program:good$i]
command = sleep 1000
environment = PATH="$misses:/usr/bin:/bin",WHO="good$i"
startsecs = 0.3

[program:noexec$i]
command = /nonexistent/prog$i
startsecs = 0.3
startretries = 0

[program:nodir$i]
command = sleep 1000
directory = /nonexistent/dir$i
startsecs = 0.3
startretries = 0

[program:user$i]
command = sh -c 'echo "\$(id -un) \$(umask) \$(nice) \$(pwd) \$WHO" > $T/res/user$i; exec sleep 1000'
user = nobody
umask = 027
nice = $((i % 5 + 1))
directory = $T/res
environment = WHO="user$i"
startsecs = 0.3

EOF2
	done
} > "$T/supervisor.ini"
t_start
t_check "every good program is RUNNING" \
	t_wait 30 slowly eval '[ "$(log_count "good[0-9]* is RUNNING")" = 12 ]'
t_check "every user= program is RUNNING" \
	t_wait 30 slowly eval '[ "$(log_count "user[0-9]* is RUNNING")" = 12 ]'

# Clients served while the children fail their lookups: every answer whole.
bad=0
for i in $(seq 1 20); do
	out=$("$CLIENT" status 2>&1)
	[ "$(grep -c RUNNING <<< "$out")" -ge 24 ] || bad=$((bad + 1))
done
t_check "20 status requests answered in full ($bad not)" test "$bad" = 0

bad=0
for i in $(seq 1 12); do
	log_has "WARN  noexec$i: exec /nonexistent/prog$i: No such file or directory$" ||
	    { bad=$((bad + 1)); echo "noexec$i: no exec error"; }
	log_has "WARN  nodir$i: chdir /nonexistent/dir$i: No such file or directory$" ||
	    { bad=$((bad + 1)); echo "nodir$i: no chdir error"; }
	log_has "nodir$i: exec" && { bad=$((bad + 1)); echo "nodir$i: exec tried"; }
done
t_check "each failure is told under its own name, with its errno ($bad not)" \
	test "$bad" = 0
t_check "the failed ones are FATAL" \
	t_wait 10 eval '[ "$(log_count "(noexec|nodir)[0-9]* gave up after 0 retries")" = 24 ]'

bad=0
for i in $(seq 1 12); do
	t_wait 10 test -s "$T/res/user$i"
	want="nobody 0027 $((i % 5 + 1)) $T/res user$i"
	got=$(cat "$T/res/user$i" 2>/dev/null)
	[ "$got" = "$want" ] || { bad=$((bad + 1)); echo "user$i: '$got', not '$want'"; }
done
t_check "each user= program has its own user, umask, nice, directory and environment ($bad not)" \
	test "$bad" = 0
bad=0
for i in $(seq 1 12); do
	pid=$(pid_of "good$i")
	tr '\0' '\n' < "/proc/$pid/environ" 2>/dev/null | grep -qx "WHO=good$i" ||
	    { bad=$((bad + 1)); echo "good$i ($pid): not its environment"; }
done
t_check "each good program has its own environment ($bad not)" test "$bad" = 0
t_stop TERM
t_check "supervisor exits 0 on SIGTERM (got $SUP_STATUS)" test "$SUP_STATUS" = 0
t_check "nothing left" no_program_left

# A SIGTERM while a burst of 300 is still being spawned.
{
	for i in $(seq 1 300); do
		printf '[program:p%s]\ncommand = sleep 1000\nstartsecs = 0\n\n' "$i"
	done
} > "$T/supervisor.ini"
t_start
t_wait 20 log_has "spawned p1 pid"
t_stop TERM 60
n=$(log_count "spawned p[0-9]* pid")
t_check "SIGTERM during the burst: exits 0 (got $SUP_STATUS; $n spawned)" \
	test "$SUP_STATUS" = 0
t_check "SIGTERM during the burst: nothing left" no_program_left
t_done
