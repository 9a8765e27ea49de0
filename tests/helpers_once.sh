#!/bin/bash
# helpers_once.sh: every shell function of the tests is defined in one
# script only: a helper that two scripts need lives in tests/lib.sh, and
# a script that needs a variant gives the shared one a parameter, instead
# of a copy that drifts (three tests once had three different zombie
# checks under one name).  Prints "FAIL helpers_once: NAME defined in A
# and B" for each name defined in more than one of tests/*.sh and
# tests/integration/*.sh (bodies of here-documents, which are other
# programs' text, do not count), else one PASS line.
cd "$(dirname "$0")/.." || exit 1

# NAME FILE for each definition, "NAME()" or "function NAME", at any
# indentation (helpers defined inside a function count too).
definitions() {
	awk '
	heredoc != "" {
		line = $0
		if (strip) sub(/^\t+/, "", line)
		if (line == heredoc) heredoc = ""
		next
	}
	{
		if (match($0, /^[ \t]*function[ \t]+[A-Za-z_][A-Za-z0-9_]*/) ||
		    match($0, /^[ \t]*[A-Za-z_][A-Za-z0-9_]*[ \t]*\(\)/)) {
			name = substr($0, RSTART, RLENGTH)
			sub(/^[ \t]*(function[ \t]+)?/, "", name)
			sub(/[ \t]*\(\)$/, "", name)
			print name, FILENAME
		}
		# A here-document starts here: skip to its delimiter.  Not
		# "<<<", a here-string.
		if (match($0, /<<-?[ \t]*[\047"]?[A-Za-z_][A-Za-z0-9_]*[\047"]?/) &&
		    substr($0, RSTART + 2, 1) != "<" &&
		    (RSTART == 1 || substr($0, RSTART - 1, 1) != "<")) {
			tag = substr($0, RSTART + 2, RLENGTH - 2)
			strip = (substr(tag, 1, 1) == "-")
			if (strip) tag = substr(tag, 2)
			gsub(/[ \t\047"]/, "", tag)
			heredoc = tag
		}
	}' "$@"
}

files=(tests/*.sh tests/integration/*.sh)
failed=0
names=0
while read -r name where; do
	names=$((names + 1))
	if [[ $where == *" "* ]]; then
		# "A B C" -> "A, B and C"
		last=${where##* }
		where=${where% *}
		echo "FAIL helpers_once: $name defined in ${where// /, } and $last"
		failed=1
	fi
done < <(definitions "${files[@]}" | sort -u |
    awk '{ w[$1] = w[$1] ? w[$1] " " $2 : $2 } END { for (n in w) print n, w[n] }' |
    sort)
[ "$failed" = 0 ] &&
	echo "PASS helpers_once: $names function names in ${#files[@]} scripts, each defined in one"
exit "$failed"
