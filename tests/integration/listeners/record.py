# record.py FILE: an event listener written as real ones are, with
# supervisor.childutils (Debian's python3-supervisor): every event it gets
# is appended to FILE as one JSON line of its headers and payload, then
# acknowledged.  Run by /usr/bin/python3 against this supervisor and
# against supervisord alike.
import json
import sys

from supervisor import childutils


def main():
    out = open(sys.argv[1], 'a')
    while True:
        headers, payload = childutils.listener.wait(sys.stdin, sys.stdout)
        out.write(json.dumps({'headers': headers, 'payload': payload}) + '\n')
        out.flush()
        childutils.listener.ok(sys.stdout)


if __name__ == '__main__':
    main()
