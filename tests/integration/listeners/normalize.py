# normalize.py FILE: the events record.py wrote, as lines to compare
# between two supervisors: pids, serials and times left out, process
# events grouped by process (the order between processes is the
# machine's timing, not the protocol), the others in the order they came.
import json
import sys

VARYING = ('pid', 'when')


def fields(line):
    out = []
    for word in line.split():
        key, _, value = word.partition(':')
        out.append(key if key in VARYING else word)
    return ' '.join(out)


def main():
    by_process = {}
    others = []
    for line in open(sys.argv[1]):
        event = json.loads(line)
        name = event['headers']['eventname']
        head, _, body = event['payload'].partition('\n')
        text = name + ' ' + fields(head)
        if body:
            text += ' | ' + json.dumps(body)
        proc = dict(w.partition(':')[::2] for w in head.split()).get(
            'processname')
        if proc is None:
            others.append(text)
        else:
            by_process.setdefault(proc, []).append(text)
    for line in others:
        print(line)
    for proc in sorted(by_process):
        for line in by_process[proc]:
            print(line)


if __name__ == '__main__':
    main()
