# hostile.py MODE DIR: an event listener that breaks the protocol, one way
# per MODE, as a buggy or hostile one would:
#   garbage    writes something else where READY is due
#   silent     takes an event and never answers
#   flood      says READY, then writes without end
#   bigresult  takes an event, announces a huge RESULT and streams it
#   wronglen   answers RESULT 1 followed by OK (a length that lies)
#   dieonce    takes its first event and dies without answering; once
#              restarted, records what it gets (DIR/dieonce.got) and
#              answers OK
import os
import sys
import time

MODE, DIR = sys.argv[1], sys.argv[2]
out = sys.stdout.buffer
inp = sys.stdin.buffer


def say(data):
    out.write(data)
    out.flush()


def take():
    line = inp.readline()
    headers = dict(w.split(b':', 1) for w in line.split())
    payload = inp.read(int(headers[b'len']))
    return line, payload


if MODE == 'garbage':
    say(b'HELLO\n')
    time.sleep(1000)
elif MODE == 'silent':
    say(b'READY\n')
    take()
    time.sleep(1000)
elif MODE == 'flood':
    say(b'READY\n')
    chunk = b'x' * 65536
    while True:
        say(chunk)
elif MODE == 'bigresult':
    say(b'READY\n')
    take()
    say(b'RESULT 999999999999\n')
    chunk = b'y' * 65536
    while True:
        say(chunk)
elif MODE == 'wronglen':
    while True:
        say(b'READY\n')
        take()
        say(b'RESULT 1\nOK')
elif MODE == 'dieonce':
    marker = os.path.join(DIR, 'dieonce.died')
    say(b'READY\n')
    line, payload = take()
    if not os.path.exists(marker):
        with open(marker, 'wb') as f:
            f.write(line)
        sys.exit(1)
    with open(os.path.join(DIR, 'dieonce.got'), 'ab') as f:
        f.write(line)
    say(b'RESULT 2\nOK')
    while True:
        say(b'READY\n')
        line, payload = take()
        with open(os.path.join(DIR, 'dieonce.got'), 'ab') as f:
            f.write(line)
        say(b'RESULT 2\nOK')
