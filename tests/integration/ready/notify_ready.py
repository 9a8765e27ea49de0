# A program written for systemd's Type=notify: once the file GATE exists
# ("-": at once) it says READY=1 (and a STATUS=) on $NOTIFY_SOCKET with
# socket's datagram API, then sleeps; WATCHDOG seconds > 0: WATCHDOG=1
# that often, for PINGS times, then silence.
import os, socket, sys, time

gate = sys.argv[1] if len(sys.argv) > 1 else "-"
watchdog = float(sys.argv[2]) if len(sys.argv) > 2 else 0
pings = int(sys.argv[3]) if len(sys.argv) > 3 else 0
while gate != "-" and not os.path.exists(gate):
    time.sleep(0.02)
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.sendto(b"STATUS=serving\nREADY=1", os.environ["NOTIFY_SOCKET"])
s.sendto(b"READY=1", os.environ["NOTIFY_SOCKET"])	# twice: no harm
for _ in range(pings):
    time.sleep(watchdog)
    s.sendto(b"WATCHDOG=1", os.environ["NOTIFY_SOCKET"])
time.sleep(1000)
