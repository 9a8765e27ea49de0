#!/bin/bash
# attack_config.sh: config input built to cost the supervisor: a 16 KB
# file asking for 100,000 processes with 2,000 expansions each, a value
# that expands past its limit, names with escape sequences or bytes that
# are not UTF-8, an empty program name.  Each is refused at once with
# FILE:LINE and the limit, in bounded memory; what is accepted prints as
# valid JSON.
. "$(dirname "$0")/../lib.sh"

# check_refused NAME FILE TEXT: check exits 78 within 30 s, under 512 MB of
# address space (the sanitizer build maps terabytes of shadow memory: no
# limit there), and says TEXT.
check_refused() {
	local name=$1 file=$2 text=$3 t0 vm=524288
	[[ $SUPERVISOR == */asan/* ]] && vm=unlimited
	t0=$(now_ms)
	OUT=
	ERR=$( (ulimit -v "$vm"; timeout 30 "$SUPERVISOR" -c "$file" check) \
	    2>&1 >/dev/null)
	RC=$?
	MS=$(( $(now_ms) - t0 ))
	t_check "$name: refused (exit $RC, $MS ms)" test "$RC" = 78
	t_check "$name: says so" err_has "$text"
}

python3 -c "
print('[program:x]')
print('numprocs=100000')
print('process_name=%(program_name)s_%(process_num)d')
print('command=/bin/echo ' + '%(here)s' * 2000)
" > "$T/big.ini"
check_refused "100,000 processes" "$T/big.ini" \
	"big.ini:2: numprocs: 100000 more processes would make 100000, over max_processes = 20000"
python3 -c "
print('[supervisor]')
print('max_processes=20000')
print('[program:x]')
print('numprocs=20000')
print('process_name=%(program_name)s_%(process_num)d')
print('command=/bin/echo ' + '%(here)s' * 2000)
" > "$T/big2.ini"
check_refused "20,000 processes of 2,000 expansions" "$T/big2.ini" \
	"big2.ini:6: command: the config's values expand to more than 32 MiB in all"
python3 -c "
print('[program:x]')
print('command=/bin/echo ' + '%(program_name)0256s' * 300)
" > "$T/long.ini"
check_refused "a value past 64 KiB" "$T/long.ini" \
	"long.ini:2: command: expands to more than 65536 bytes, the limit for one value"
printf "[program:x]\ncommand='' -c x\n" > "$T/empty.ini"
check_refused "an empty program" "$T/empty.ini" \
	"empty.ini:2: command: empty command: the program's name is an empty string"
printf '[program:a\xff\xfe]\ncommand=sleep 1\n' > "$T/utf8.ini"
check_refused "a name that is not UTF-8" "$T/utf8.ini" \
	"a program name must be 1-128 bytes of UTF-8 without blanks, control characters"
printf '[program:x]\ncommand=sleep 1\nprocess_name=x\e[2J\e]0;owned\a\n' \
	> "$T/esc.ini"
check_refused "a name with terminal escapes" "$T/esc.ini" \
	"process_name: "

# What is accepted is valid JSON, whatever its names hold.
printf '[program:caf\xc3\xa9]\ncommand=sleep 1000\nstartsecs=0\n' | t_config
t_start
t_check "the supervisor is up" t_wait 10 answers
ctl status --json
t_check "status --json is valid JSON" eval 'jq -e ".[0].name" <<< "$OUT" > /dev/null'
t_check "the name comes back as written" \
	eval '[ "$(jq -r ".[0].name" <<< "$OUT")" = "café" ]'
t_stop TERM
t_done
