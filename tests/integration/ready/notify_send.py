# Sends MESSAGE to the notify socket PATH COUNT times, as whoever runs
# it: an attacker outside the program's tree.  With "fds", each datagram
# carries two descriptors (SCM_RIGHTS); with "claim=PID", it claims to
# be PID (SCM_CREDENTIALS; the kernel refuses that to anyone but root).
# Prints "sent N" or "refused: ERROR".
import os, socket, struct, sys

path, message, count = sys.argv[1], sys.argv[2].encode(), int(sys.argv[3])
extra = sys.argv[4:]
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
anc = []
if "fds" in extra:
    r, w = os.pipe()
    anc.append((socket.SOL_SOCKET, socket.SCM_RIGHTS, struct.pack("ii", r, w)))
for e in extra:
    if e.startswith("claim="):
        anc.append((socket.SOL_SOCKET, socket.SCM_CREDENTIALS,
                    struct.pack("iII", int(e[6:]), os.getuid(), os.getgid())))
sent = 0
try:
    for _ in range(count):
        s.sendmsg([message], anc, 0, path)
        sent += 1
except OSError as e:
    print("refused: %s" % e.strerror)
    sys.exit(0)
print("sent %d" % sent)
