#!/bin/bash
# Real supervisord config files load, and mean what they meant under
# supervisord 4.2.5.  The files are third-party, read from
# ../shared/compat-configs beside the project (skipped when it is not
# there): real/, configs of public projects, and supervisord-repo/, those
# of supervisord's own repository.  EXPECTED.tsv there holds supervisord's
# own verdict on each (ok, or err and its reason) after a normalisation
# done here the same way, on copies: a user that does not exist becomes
# nobody, chown becomes nobody:nogroup, every %(ENV_X)s a file uses is set
# to 1, and a file without [supervisord] (a conf.d fragment) is given an
# empty one.
#
# check must accept every file supervisord accepts (warnings allowed),
# but an [inet_http_server] other machines reach without a password, and
# refuse no other; each refusal is printed beside supervisord's reason.
# Then every accepted file of real/ runs, through a link named
# supervisord (supervisord -n -c FILE), its commands replaced by
# `sleep 1000` and its paths moved into the test's directory: every
# process starts, and a SIGTERM leaves none.
. "$(dirname "$0")/../lib.sh"

COMPAT=$(cd "$(dirname "$0")/../.." && pwd)/../shared/compat-configs
if [ ! -f "$COMPAT/EXPECTED.tsv" ]; then
	t_pass "skipped: no $COMPAT/EXPECTED.tsv"
	exit 0
fi
COMPAT=$(cd "$COMPAT" && pwd)
# The supervisor may run as a config's [supervisord] user.
chmod 755 "$T"

# normalise_config SRC DST: the copy check reads (see above).
normalise_config() {
	local src=$1 dst=$2 line key value rest
	mkdir -p "$(dirname "$dst")"
	{
		while IFS= read -r line || [ -n "$line" ]; do
			if [[ $line =~ ^([[:blank:]]*(user|chown)[[:blank:]]*[=:][[:blank:]]*)([^[:blank:]\;#]*)(.*)$ ]]; then
				key=${BASH_REMATCH[2]} value=${BASH_REMATCH[3]}
				rest=${BASH_REMATCH[4]}
				if [ "$key" = chown ]; then
					line="${BASH_REMATCH[1]}nobody:nogroup$rest"
				elif ! id -u "$value" >/dev/null 2>&1; then
					line="${BASH_REMATCH[1]}nobody$rest"
				fi
			fi
			printf '%s\n' "$line"
		done < "$src"
		grep -qiE '^[[:blank:]]*\[[[:blank:]]*supervisord?[[:blank:]]*\]' \
		    "$src" || printf '\n[supervisord]\n'
	} > "$dst"
}

# env_used FILE: NAME=1 for each %(ENV_NAME)s the file uses.
env_used() {
	grep -oE '%\(ENV_[A-Za-z0-9_]+\)' "$1" |
		sed -E 's/^%\(ENV_(.*)\)$/\1=1/' | sort -u
}

# check_config FILE: supervisor check on the copy, from its directory;
# stdout and stderr in $T/check.out and $T/check.err, status in RC.
check_config() {
	local vars
	mapfile -t vars < <(env_used "$1")
	(cd "$(dirname "$1")" && exec env "${vars[@]}" "$SUPERVISOR" -c "$1" \
	    check) > "$T/check.out" 2> "$T/check.err"
	RC=$?
}

mkdir -p "$T/c"
while IFS=$'\t' read -r file _; do
	normalise_config "$COMPAT/$file" "$T/c/$file"
done < "$COMPAT/EXPECTED.tsv"
# Files an include names (supervisord-repo/fixtures/example/).
while read -r f; do
	normalise_config "$COMPAT/$f" "$T/c/$f"
done < <(cd "$COMPAT" && find supervisord-repo -type f -path '*/example/*')

clean=0 warned=0 refused=0 wrong=0 unmatched=0 total=0 open_tcp=0
: > "$T/accepted"
: > "$T/report"
while IFS=$'\t' read -r file verdict reason; do
	total=$((total + 1))
	check_config "$T/c/$file"
	sed -i "s|$T/c/||g" "$T/check.err"
	if [ "$RC" = 0 ]; then
		if grep -q ': warning: ' "$T/check.err"; then
			warned=$((warned + 1))
		else
			clean=$((clean + 1))
		fi
		echo "$file" >> "$T/accepted"
		[ "$verdict" = ok ] && continue
		echo "accepted (with warnings), refused by supervisord:" \
		    "$file: $reason" >> "$T/report"
		# Only for what this supervisor does not have (it warns).
		[[ $reason =~ \[(group|eventlistener|rpcinterface|fcgi-program): ]] ||
			[[ $reason =~ ^Invalid\ socket_owner ]] ||
			unmatched=$((unmatched + 1))
		continue
	fi
	refused=$((refused + 1))
	{
		echo "refused: $file"
		grep -v ': warning: ' "$T/check.err" | head -n 4 |
			sed 's/^/    ours: /'
		echo "    supervisord: $verdict $reason"
	} >> "$T/report"
	[ "$verdict" = ok ] || continue
	# By design: a TCP listener others can reach needs a password
	# (supervisord only warns).
	if grep -q 'is reachable from other machines and has no password' \
	    "$T/check.err"; then
		open_tcp=$((open_tcp + 1))
		continue
	fi
	wrong=$((wrong + 1))
	echo "REFUSED, supervisord accepts it: $file" >> "$T/report"
done < "$COMPAT/EXPECTED.tsv"
echo "$total files: $clean clean, $warned with warnings, $refused refused"
cat "$T/report"
t_check "every file supervisord accepts loads ($wrong refused; $open_tcp with [inet_http_server] open to other machines without a password, refused by design)" \
	test "$wrong" = 0
t_check "every file supervisord refuses is refused, but for sections not here ($unmatched)" \
	test "$unmatched" = 0
t_check "the table holds every file ($total)" test "$total" -ge 180

# ---- run every accepted file of real/ -----------------------------------
# run_copy SRC DST DIR: a copy that runs here: commands are sleep 1000,
# paths are in DIR, nothing is included, programs are RUNNING at once
# (startsecs = 0), and programs get this test's tag whatever their user;
# an [inet_http_server] listens on a port of the system's choice on
# loopback (two runs of the suite at once would want the same one).
run_copy() {
	local port=0
	# A port only where there is a listener (free_port runs Python).
	grep -q '^[[:blank:]]*\[inet_http_server\]' "$1" && port=$(free_port)
	awk -v dir="$3" -v port="$port" '
	function key_of(line) {
		sub(/^[ \t]+/, "", line)
		if (!match(line, /^[A-Za-z_]+[ \t]*[=:]/))
			return ""
		line = substr(line, 1, RLENGTH - 1)
		sub(/[ \t]+$/, "", line)
		return tolower(line)
	}
	function value_of(line) {
		sub(/^[^=:]*[=:][ \t]*/, "", line)
		sub(/[ \t]+[;#].*$/, "", line)
		sub(/[ \t]+$/, "", line)
		return line
	}
	{ sub(/\r$/, "") }
	/^[ \t]*\[/ {
		section = $0
		gsub(/[][ \t]/, "", section)
		daemon = section == "supervisord" || section == "supervisor"
		skip = 0
		print
		if (section ~ /^(program|eventlistener):/)
			print "startsecs = 0"
		next
	}
	# The continuation lines of a key that was replaced.
	skip && /^[ \t]+[^ \t]/ { next }
	{ skip = 0 }
	/^[ \t]*[;#]/ || /^[ \t]*$/ { print; next }
	{
		k = key_of($0)
		v = value_of($0)
		if (k == "command") {
			print "command = sleep 1000"; skip = 1; next
		}
		if (k == "startsecs") { print "startsecs = 0"; next }
		if (section == "inet_http_server" && k == "port") {
			print "port = 127.0.0.1:" port; next
		}
		if (k == "directory") { print "directory = " dir; next }
		if (k == "files") { print "files = " dir "/none/*.conf"; next }
		if (daemon && (k == "logfile" || k == "childlogdir" ||
		    k == "nodaemon")) { skip = 1; next }
		if (daemon && k == "pidfile") {
			print "pidfile = " dir "/supervisord.pid"; next
		}
		if (k == "stdout_logfile" || k == "stderr_logfile") {
			lv = tolower(v)
			if (lv ~ /^(\/dev\/fd|\/proc\/(self|1)\/fd)\/1$/)
				v = "/dev/stdout"
			else if (lv ~ /^(\/dev\/fd|\/proc\/(self|1)\/fd)\/2$/)
				v = "/dev/stderr"
			else if (lv !~ /^(\/dev\/stdout|\/dev\/stderr|\/dev\/null|none|off|auto|syslog|)$/) {
				n = split(v, part, "/")
				v = dir "/logs/" part[n]
			}
			print k " = " v; skip = 1; next
		}
		print
	}
	END {
		print ""
		print "[supervisord]"
		print "inherit_environment = true"
	}' "$1" > "$2"
}

# A link named supervisord: the command line of supervisord.
mkdir -p "$T/bin"
ln -s "$SUPERVISOR" "$T/bin/supervisord"

# not_settled: a process of the running config is still on its way
# (STARTING, BACKOFF), or none is listed yet.
not_settled() {
	ctl status
	[ "$RC" != 0 ] && [ "$RC" != 3 ] && return 0
	grep -qE ' (STARTING|BACKOFF) ' <<< "$OUT"
}

ran=0 run_failed=0
n=0
while read -r file; do
	case $file in real/*) ;; *) continue ;; esac
	n=$((n + 1))
	run=$T/r/$n
	# The config where only root writes; what the supervisor writes in
	# w/, its user's.
	mkdir -p "$run/w/logs"
	run_copy "$T/c/$file" "$run/supervisord.conf" "$run/w"
	user=$(awk '/^[ \t]*\[/ { d = ($0 ~ /\[ *supervisord? *\]/) }
	    d && /^[ \t]*user[ \t]*[=:]/ { sub(/^[^=:]*[=:][ \t]*/, "");
	    sub(/[ \t;#].*/, ""); u = $0 } END { print u }' \
	    "$run/supervisord.conf")
	[ -n "$user" ] && [ "$user" != root ] && chown -R "$user" "$run/w"
	export SUPERVISOR_SOCKET=$run/w/supervisor.sock
	mapfile -t vars < <(env_used "$run/supervisord.conf")
	: > "$T/log"
	(cd "$run" && exec env "${vars[@]}" "$T/bin/supervisord" -n -c \
	    "$run/supervisord.conf") > "$T/out" 2> "$T/log" &
	SUP_PID=$!
	why=
	if ! t_wait 20 answers; then
		why="no answer"
	elif ! t_wait 20 eval '! not_settled'; then
		why="not settled: $OUT"
	elif grep -qvE ' (RUNNING|STOPPED) |^NAME' <<< "$OUT"; then
		why="not all started: $OUT"
	fi
	t_stop TERM 20
	if ! t_wait 10 no_program_left; then
		why="$why; left after SIGTERM: $(program_pids | tr '\n' ' ')"
	fi
	[ "$SUP_STATUS" = 0 ] || why="$why; exit status $SUP_STATUS"
	if [ -n "$why" ]; then
		run_failed=$((run_failed + 1))
		t_fail "run $file: $why"
		end_run
	fi
	ran=$((ran + 1))
done < "$T/accepted"
unset SUPERVISOR_SOCKET
t_check "run: $ran configs of real/ started and stopped, $run_failed failed" \
	test "$run_failed" = 0 -a "$ran" -ge 100
t_done
