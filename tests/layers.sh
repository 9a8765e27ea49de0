#!/bin/bash
# layers.sh: the source's layers, checked.  src/README holds a table of
# every module (x.c and x.h are one module, x) with its layer; a module
# may include the headers of its own layer and of the layers below.
# Fails on a file not in the table, a row without a file, an include of
# a higher layer, and any circle among the modules (within a layer too).
# Prints PASS/FAIL lines; with -g, the graph (one "from -> to" a line).
cd "$(dirname "$0")/.." || exit 1
NAME=layers
failed=0
fail() { echo "FAIL $NAME: $*"; failed=1; }

declare -A layer deps
# Rows: "L<digit> MODULE ..." anywhere in src/README.
while read -r l m _; do
	[[ $l =~ ^L([0-9])$ ]] || continue
	[ -n "${layer[$m]}" ] && fail "src/README lists $m twice"
	layer[$m]=${BASH_REMATCH[1]}
done < src/README

declare -A seen
for f in src/*.c src/*.h; do
	m=$(basename "$f")
	m=${m%.*}
	seen[$m]=1
	if [ -z "${layer[$m]}" ]; then
		fail "$f: module $m is not in src/README's layer table"
		continue
	fi
	while read -r inc; do
		t=${inc%.h}
		[ "$t" = "$m" ] && continue
		if [ -z "${layer[$t]}" ]; then
			fail "$f includes $inc: $t is not in the layer table"
			continue
		fi
		if [ "${layer[$t]}" -gt "${layer[$m]}" ]; then
			fail "$f (L${layer[$m]}) includes $inc (L${layer[$t]}): upward"
		fi
		case " ${deps[$m]} " in *" $t "*) ;; *) deps[$m]+=" $t" ;; esac
	done < <(sed -n 's/^#include "\([^"]*\)".*/\1/p' "$f")
done
for m in "${!layer[@]}"; do
	[ -n "${seen[$m]}" ] || fail "src/README lists $m, which has no file"
done

if [ "$1" = -g ]; then
	for m in "${!deps[@]}"; do
		for t in ${deps[$m]}; do echo "$m -> $t"; done
	done | sort
	exit 0
fi

# Circles: depth-first, a module met again while on the path closes one.
declare -A state		# 1 on the path, 2 done
path=()
circles=0
visit() {
	local m=$1 t i
	state[$m]=1
	path+=("$m")
	for t in ${deps[$m]}; do
		if [ "${state[$t]}" = 1 ]; then
			for i in "${!path[@]}"; do
				[ "${path[$i]}" = "$t" ] && break
			done
			local c="" x
			for x in "${path[@]:$i}" "$t"; do c+="${c:+ -> }$x"; done
			fail "circle: $c"
			circles=$((circles + 1))
		elif [ -z "${state[$t]}" ]; then
			visit "$t"
		fi
	done
	unset 'path[${#path[@]}-1]'
	state[$m]=2
}
for m in $(printf '%s\n' "${!deps[@]}" | sort); do
	[ -z "${state[$m]}" ] && visit "$m"
done
[ "$circles" -gt 0 ] && failed=1

arrows=0
for m in "${!deps[@]}"; do
	for t in ${deps[$m]}; do arrows=$((arrows + 1)); done
done
[ "$failed" -eq 0 ] && echo "PASS $NAME: ${#layer[@]} modules, $arrows arrows, every include goes down a layer or stays in one, no circle"
exit "$failed"
