#!/bin/bash
# attack_paths.sh: a user plants things where a root supervisor makes its
# control socket and its pidfile.  In a sticky, world-writable directory
# (as /tmp): a link at the socket's path to a root-only decoy (root must
# not chown or chmod the decoy through it), a FIFO and a link at the
# pidfile's path (the start must not block on the FIFO, nor write through
# the link).  In a directory others can write that is not sticky (where
# the socket could be swapped under root's feet): refused, with the reason.
. "$(dirname "$0")/../lib.sh"

if [ "$(id -u)" != 0 ]; then
	t_pass "skipped: needs root (the attacker is nobody)"
	t_done
fi
chmod 755 "$T"
mkdir -m 1777 "$T/shared"	# as /tmp
mkdir -m 0777 "$T/open"		# writable by all, not sticky
# decoy NAME: a root-only file with known content; DECOY_STAT its owner
# and mode as they must stay.
decoy() {
	(umask 077 && echo "decoy-$RANDOM" > "$T/$1")
	stat -c '%u:%g %a' "$T/$1"
}
same_stat() { [ "$(stat -c '%u:%g %a' "$T/$1")" = "$2" ]; }
# one_program LINE...: a config of one program, the LINEs in [supervisor].
one_program() {
	{ echo "[supervisor]"; printf '%s\n' "$@"
	  printf '[program:w]\ncommand = sleep 1000\n'; } | t_config
}

# ---- a link at the socket's path -------------------------------------
sock_decoy=$(decoy sock.decoy)
as_user nobody ln -s "$T/sock.decoy" "$T/shared/ctl.sock"
export SUPERVISOR_SOCKET=$T/shared/ctl.sock
t_config <<EOF2
[supervisor]
socket = $T/shared/ctl.sock
[unix_http_server]
chown = nobody
chmod = 0666
[program:w]
command = sleep 1000
EOF2
t_start
t_check "socket path is a link: the supervisor does not start" \
	t_wait 10 sup_gone
t_check "it says why, naming the path" \
	log_has "control socket $T/shared/ctl.sock: exists and is not a socket"
t_check "the decoy's owner and mode are untouched" \
	same_stat sock.decoy "$sock_decoy"
t_check "the link is still the attacker's, unfollowed" \
	test "$(stat -c %U "$T/shared/ctl.sock")" = nobody

# ---- a FIFO and then a link at the pidfile's path -----------------------
export SUPERVISOR_SOCKET=$T/supervisor.sock
as_user nobody mkfifo "$T/shared/sup.pid"
one_program "pidfile = $T/shared/sup.pid"
t_start
t_check "pidfile path is a FIFO: the start does not block" \
	t_wait 10 answers
t_check "the pidfile is a regular file of root's with the guardian's pid" \
	eval '[ -f "$T/shared/sup.pid" ] && [ ! -p "$T/shared/sup.pid" ] &&
	    [ "$(stat -c %u "$T/shared/sup.pid")" = 0 ] &&
	    [ "$(cat "$T/shared/sup.pid")" = "$SUP_PID" ]'
t_stop TERM
t_check "and it stops cleanly" test "$SUP_STATUS" = 0
pid_decoy=$(decoy pid.decoy)
rm -f "$T/shared/sup.pid"
as_user nobody ln -s "$T/pid.decoy" "$T/shared/sup.pid"
t_start
t_check "pidfile path is a link: the supervisor starts" t_wait 10 answers
t_check "the decoy is untouched (content, owner, mode)" \
	eval 'same_stat pid.decoy "$pid_decoy" &&
	    grep -q "^decoy-" "$T/pid.decoy"'
t_check "the pidfile replaced the link" \
	eval '[ ! -L "$T/shared/sup.pid" ] &&
	    [ "$(cat "$T/shared/sup.pid")" = "$SUP_PID" ]'
t_stop TERM

# ---- a socket directory others can write, not sticky ---------------------
export SUPERVISOR_SOCKET=$T/open/ctl.sock
one_program "socket = $T/open/ctl.sock"
t_start
t_check "socket in a directory others can write: not started" \
	t_wait 10 sup_gone
t_check "it says why" log_has "control socket $T/open/ctl.sock: .*others can write"
t_check "nothing left" no_program_left
t_done
