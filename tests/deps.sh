#!/bin/sh
# deps.sh PKG...: makes sure the Debian packages are installed.  As root
# it installs the missing ones with apt-get; otherwise it prints the exact
# command to run and fails.  On a system without dpkg it checks nothing.
set -u
command -v dpkg-query >/dev/null 2>&1 || exit 0
missing=""
for pkg in "$@"; do
	status=$(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null)
	[ "$status" = "installed" ] || missing="$missing $pkg"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
	echo "missing packages:$missing" >&2
	echo "run: sudo apt-get install -y$missing" >&2
	exit 1
fi
echo "installing:$missing" >&2
export DEBIAN_FRONTEND=noninteractive
# The packages' services (Debian's supervisord) must not start: a
# policy-rc.d for the time of the install, unless there is one.
created=
if [ ! -e /usr/sbin/policy-rc.d ]; then
	printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d &&
		chmod 755 /usr/sbin/policy-rc.d && created=1
fi
trap '[ -n "$created" ] && rm -f /usr/sbin/policy-rc.d' EXIT
if ! apt-get install -y -q $missing >/dev/null 2>&1; then
	apt-get update -q >/dev/null 2>&1
	apt-get install -y -q $missing >/dev/null || {
		echo "apt-get install$missing failed" >&2
		exit 1
	}
fi
