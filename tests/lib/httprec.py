#!/usr/bin/python3
"""httprec.py: an HTTP proxy that forwards nothing, for the helper's URL
tests: every request (a plain one or a CONNECT) is one line in LOG, and
gets 502.

    httprec.py LOG READY      (READY gets "PID PORT" once it listens)
"""

import os
import socket
import sys


def main():
    logpath, ready = sys.argv[1], sys.argv[2]
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind(("127.0.0.1", 0))
    s.listen(16)
    with open(ready + ".tmp", "w") as f:
        f.write("%d %d\n" % (os.getpid(), s.getsockname()[1]))
    os.rename(ready + ".tmp", ready)
    while True:
        conn, _ = s.accept()
        try:
            conn.settimeout(10)
            data = b""
            while b"\r\n\r\n" not in data and len(data) < 65536:
                chunk = conn.recv(4096)
                if not chunk:
                    break
                data += chunk
            line = data.split(b"\r\n", 1)[0].decode(errors="replace")
            with open(logpath, "a") as f:
                f.write("request %s\n" % line)
            conn.sendall(b"HTTP/1.1 502 Bad Gateway\r\n"
                         b"Content-Length: 0\r\nConnection: close\r\n\r\n")
        except OSError:
            pass
        finally:
            conn.close()


if __name__ == "__main__":
    main()
