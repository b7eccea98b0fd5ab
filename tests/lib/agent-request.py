# agent-request.py SOCKET FILE [N]: send FILE's bytes to the agent's
# socket as one request, N times (default 1), each on a connection of its
# own; print the answer. Exits 1 when an answer differs from the first
# (N > 1: the same request must get the same answer). Python, so that no
# client of ours stands between the test and the socket.
import socket
import sys

req = open(sys.argv[2], "rb").read()
first = None
for i in range(int(sys.argv[3]) if len(sys.argv) > 3 else 1):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(30)
    s.connect(sys.argv[1])
    s.sendall(req)
    s.shutdown(socket.SHUT_WR)
    out = b""
    while True:
        b = s.recv(65536)
        if not b:
            break
        out += b
    s.close()
    if first is None:
        first = out
    elif out != first:
        sys.exit("agent-request: answer %d differs from the first" % i)
sys.stdout.write(first.decode())
