# Opens a listening socket once the file GATE exists ("-": at once): tcp
# PORT, unix PATH, or an HTTP server on PORT; accepts (and answers) until
# killed.
import http.server, os, socket, sys, time

kind, where, gate = sys.argv[1], sys.argv[2], sys.argv[3]
while gate != "-" and not os.path.exists(gate):
    time.sleep(0.02)
if kind == "http":
    http.server.HTTPServer(("127.0.0.1", int(where)),
                           http.server.SimpleHTTPRequestHandler).serve_forever()
if kind == "tcp":
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", int(where)))
else:
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.bind(where)
s.listen(16)
while True:
    c, _ = s.accept()
    c.close()
