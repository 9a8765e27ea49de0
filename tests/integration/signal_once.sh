#!/bin/bash
# A stop signal reaches each process of a tree exactly once, whether the
# process is in the program's process group (killpg) or left it (setsid:
# found through the cgroup, or through /proc as an unprivileged user).
# Programs that take a second SIGTERM as "quit now, skip the clean-up"
# must not see one.  The processes here are perl (no fork between
# signals, unlike a shell loop) and note their pid on every SIGTERM.
. "$(dirname "$0")/../lib.sh"

cat > "$T/note.pl" <<'PL'
# Notes every SIGTERM; exits 0.3 s after the first, so that a second one
# sent a little later is noted too.
my $got = 0;
$SIG{TERM} = sub {
	open(my $f, '>>', $ARGV[0]) or die; print $f "$$\n"; close($f);
	$got++;
};
open(my $f, '>>', "$ARGV[0].pids") or die; print $f "$$\n"; close($f);
sleep 1000 until $got;
select(undef, undef, undef, 0.3);
exit 0;
PL
t_config <<EOF2
[program:tree]
command = sh -c 'perl $T/run/note.pl $T/run/got & setsid perl $T/run/note.pl $T/run/got & exec perl $T/run/note.pl $T/run/got'
startsecs = 0.1
stopwaitsecs = 5
EOF2
chmod 755 "$T"
chmod 644 "$T/supervisor.ini"
mkdir -m 1777 "$T/run"
mv "$T/note.pl" "$T/run/"
chmod 644 "$T/run/note.pl"

three_started() { [ "$(cat "$T/run/got.pids" 2>/dev/null | wc -l)" -eq 3 ]; }

run() {
	local user=$1 pid n
	rm -f "$T/run/got" "$T/run/got.pids"
	t_start_as "$user"
	t_check "[$user] three processes started" t_wait 10 three_started
	t_wait_log "tree is RUNNING"
	t_stop TERM 20
	t_check "[$user] supervisor exits 0 (got $SUP_STATUS)" test "$SUP_STATUS" = 0
	t_check "[$user] none needed SIGKILL" eval '! log_has "did not stop"'
	for pid in $(cat "$T/run/got.pids"); do
		n=$(grep -cx "$pid" "$T/run/got")
		t_check "[$user] pid $pid got SIGTERM once (got it $n times)" \
			test "$n" -eq 1
	done
	t_check "[$user] nothing left" no_program_left
}

if [ "$(id -u)" = 0 ]; then
	run root
	run nobody
else
	run "$(id -un)"
fi

# Many programs stopped in one level (cgroup mode): their groups are
# signalled first and their cgroups read after, 32 at a time; a member
# that left its group still gets SIGTERM once, in the first 32 and after.
if [ "$(id -u)" = 0 ]; then
	for i in $(seq -w 1 40); do
		printf '[program:many%s]\ncommand = sh -c '"'"'setsid perl %s/run/note.pl %s/run/got & exec perl %s/run/note.pl %s/run/got'"'"'\nstartsecs = 0.1\nstopwaitsecs = 10\n\n' \
		    "$i" "$T" "$T" "$T" "$T"
	done > "$T/supervisor.ini"
	rm -f "$T/run/got" "$T/run/got.pids"
	t_start
	t_check "[40] 80 processes started" t_wait 20 eval \
	    '[ "$(cat "$T/run/got.pids" 2>/dev/null | wc -l)" -eq 80 ]'
	t_stop TERM 30
	t_check "[40] supervisor exits 0 (got $SUP_STATUS)" test "$SUP_STATUS" = 0
	t_check "[40] none needed SIGKILL" eval '! log_has "did not stop"'
	twice=0 never=0
	for pid in $(cat "$T/run/got.pids"); do
		case $(grep -cx "$pid" "$T/run/got") in
		1) ;;
		0) never=$(( never + 1 )) ;;
		*) twice=$(( twice + 1 )) ;;
		esac
	done
	t_check "[40] every process got SIGTERM once ($never never, $twice more than once)" \
		test "$never$twice" = 00
	t_check "[40] nothing left" no_program_left
fi
t_done
