#!/bin/bash
# strip_ansi: [supervisord] strip_ansi = true takes colours, cursor moves
# and erasing out of programs' output before it is written, in a file (no
# splice then) and on the supervisor's stdout, a sequence split across
# two writes included; other escapes (a terminal title) stay, as with
# supervisord.  A reload that turns it off keeps the sequences again.
. "$(dirname "$0")/../lib.sh"

mkfifo "$T/say.fifo"
exec {SAY}<>"$T/say.fifo"
t_config <<EOF
[supervisord]
strip_ansi = true

[program:colours]
command = sh -c 'printf "\\033[1;31mred\\033[0m plain\\n"; printf "\\033[2K\\033[1Gbar \\033]0;title\\007 end\\n"; printf "split \\033"; sleep 0.2; printf "[32mgreen\\033[0m\\n"; exec sleep 1000'
stdout_logfile = $T/colours.log
startsecs = 0

[program:tty]
command = sh -c 'printf "\\033[?25lto stdout\\033[?25h\\n"; exec sleep 1000'
stdout_logfile = /dev/stdout
startsecs = 0

[program:later]
command = sh -c 'while read -r l; do printf "\\033[7m%%s\\033[0m\\n" "\$l"; done < $T/say.fifo'
stdout_logfile = $T/later.log
startsecs = 0
EOF

t_start
want=$(printf 'red plain\nbar \033]0;title\007 end\nsplit green')
t_check "a file: the sequences are gone, a title stays" \
	t_wait 20 slowly eval '[ "$(cat "$T/colours.log")" = "$want" ]'
t_check "stdout: the sequences are gone" \
	t_wait 20 slowly grep -qx "to stdout" "$T/out"
echo one >&"$SAY"
t_check "later: stripped" t_wait 20 slowly grep -qx one "$T/later.log"
sed -i 's/^strip_ansi = true/strip_ansi = false/' "$T/supervisor.ini"
kill -HUP "$SUP_PID"
# Logged once the new settings are taken up.
t_check "reloaded" t_wait_log "INFO  reload \("
echo two >&"$SAY"
t_check "strip_ansi = false again: the sequences are kept" \
	t_wait 20 slowly eval \
	'[ "$(tail -n 1 "$T/later.log")" = "$(printf "\033[7mtwo\033[0m")" ]'
t_stop TERM
t_check "the supervisor exits 0 (got $SUP_STATUS)" test "$SUP_STATUS" = 0
t_check "nothing left" no_program_left
t_done
