#!/bin/bash
# install_man.sh: the man pages lint clean (mandoc -Tlint, warnings and
# up), every command --help lists is in supervisor(8), and make install
# DESTDIR=... PREFIX=/usr puts a working binary, the man pages, the
# example config and the unit file in place; make uninstall removes them.
# Run once by tests/run.sh.
cd "$(dirname "$0")/.." || exit 1
# The helpers only: no supervisor of a test runs here.
LIB_HELPERS_ONLY=1 . tests/lib.sh
T=$(mktemp -d "${TMPDIR:-/tmp}/supervisor-install.XXXXXX")
trap 'rm -rf "$T"' EXIT

for page in man/supervisor.8 man/supervisor.ini.5; do
	if out=$(mandoc -Tlint -Wwarning "$page" 2>&1); then
		t_pass "mandoc -Tlint: $page is clean"
	else
		t_fail "mandoc -Tlint: $page: $out"
	fi
done

# The commands of --help's synopsis, each an item of the man page's list.
n=0
for cmd in $(build/supervisor --help | awk '/^Commands:/ { on = 1; next }
    /^$/ { on = 0 } on && /^  [a-z]/ { split($1, w, "|"); for (i in w) print w[i] }'); do
	n=$((n + 1))
	t_check "supervisor(8) describes --help's command $cmd" \
		grep -qE "^\.It Cm ([a-z]+ \| )*$cmd( |$)" man/supervisor.8
done
t_check "--help lists the commands ($n)" test "$n" -ge 10

make -s install DESTDIR="$T/root" PREFIX=/usr > "$T/install.out" 2>&1
t_check "make install exits 0" test $? = 0
R=$T/root/usr
t_check "installed: bin/supervisor runs" \
	eval '"$R/bin/supervisor" --version | grep -q "^supervisor [0-9]"'
t_check "installed: it checks the installed example config" \
	eval '(cd "$T" && "$R/bin/supervisor" -c "$R/share/doc/supervisor/supervisor.ini.example" check) > /dev/null 2>&1'
t_check "installed: man pages" \
	test -f "$R/share/man/man8/supervisor.8" -a -f "$R/share/man/man5/supervisor.ini.5"
t_check "installed: man supervisor renders" \
	eval 'mandoc -Tascii "$R/share/man/man8/supervisor.8" | sed "s/.\x08//g" |
	    grep -q "^CONTROL PROTOCOL"'
t_check "installed: the unit runs /usr/bin/supervisor" \
	grep -q "^ExecStart=/usr/bin/supervisor " "$R/lib/systemd/system/supervisor.service"
t_check "installed: the init script runs /usr/bin/supervisor" \
	grep -qx "DAEMON=/usr/bin/supervisor" "$R/share/doc/supervisor/supervisor.init"
t_check "installed: nothing outside DESTDIR" eval '[ ! -e /usr/bin/supervisor ] ||
	[ /usr/bin/supervisor -ot "$R/bin/supervisor" ]'
make -s uninstall DESTDIR="$T/root" PREFIX=/usr > "$T/uninstall.out" 2>&1
t_check "make uninstall exits 0" test $? = 0
t_check "uninstalled: no file left" test -z "$(find "$T/root" -type f)"

# COMPAT=1: a link named supervisord that takes supervisord's options.
make -s install COMPAT=1 DESTDIR="$T/root" PREFIX=/usr > "$T/install.out" 2>&1
t_check "make install COMPAT=1 exits 0" test $? = 0
t_check "COMPAT=1: bin/supervisord links to supervisor" \
	test "$(readlink "$R/bin/supervisord")" = supervisor
t_check "COMPAT=1: supervisord -h is supervisord's usage" \
	eval '"$R/bin/supervisord" -h | grep -q "^usage: supervisord "'
t_check "COMPAT=1: bin/supervisorctl links to supervisor" \
	test "$(readlink "$R/bin/supervisorctl")" = supervisor
t_check "COMPAT=1: supervisorctl -h is supervisorctl's usage" \
	eval '"$R/bin/supervisorctl" -h | grep -q "^supervisorctl -- control"'
make -s uninstall DESTDIR="$T/root" PREFIX=/usr > "$T/uninstall.out" 2>&1
t_check "COMPAT=1: make uninstall removes the links" \
	test ! -e "$R/bin/supervisord" -a ! -L "$R/bin/supervisord" \
	    -a ! -L "$R/bin/supervisorctl"
