#!/usr/bin/python3
"""fakepg.py: a hostile PostgreSQL server for the hook's attack tests.

    fakepg.py LOG READY LISTEN...

Each LISTEN is HOST:PORT (TCP) or an absolute path (a Unix socket, e.g.
DIR/.s.PGSQL.PORT). For every connection it reads the startup packet
(answering an SSLRequest or a GSSENCRequest with 'N'), asks for a
cleartext password (AuthenticationCleartextPassword), records what the
client sends to LOG, and fails the login. One line per event:

    listen WHERE            a socket it could open (written at start)
    nolisten WHERE ERROR    one it could not (address in use)
    startup WHERE user=U    a startup packet
    password WHERE VALUE    a PasswordMessage ('p'): the secret itself

READY is written (the pid) once every socket is tried. Test code only:
it writes what it is sent, secrets included, to LOG.
"""

import os
import select
import socket
import struct
import sys

SSL_REQUEST = 80877103
GSSENC_REQUEST = 80877104
CANCEL_REQUEST = 80877102


def log(path, line):
    with open(path, "a") as f:
        f.write(line + "\n")


def read_exact(conn, n):
    buf = b""
    while len(buf) < n:
        chunk = conn.recv(n - len(buf))
        if not chunk:
            raise EOFError
        buf += chunk
    return buf


def error_response(msg):
    body = b"SFATAL\0VFATAL\0C28P01\0M" + msg.encode() + b"\0\0"
    return b"E" + struct.pack("!I", len(body) + 4) + body


def serve(conn, where, logpath):
    conn.settimeout(10)
    while True:
        (length,) = struct.unpack("!I", read_exact(conn, 4))
        if length < 8 or length > 10000:
            return
        body = read_exact(conn, length - 4)
        (code,) = struct.unpack("!I", body[:4])
        if code in (SSL_REQUEST, GSSENC_REQUEST):
            conn.sendall(b"N")
            continue
        if code == CANCEL_REQUEST:
            return
        break
    params = body[4:].split(b"\0")
    user = ""
    for i in range(0, len(params) - 1, 2):
        if params[i] == b"user":
            user = params[i + 1].decode(errors="replace")
    log(logpath, "startup %s user=%s" % (where, user))
    conn.sendall(b"R" + struct.pack("!II", 8, 3))
    kind = read_exact(conn, 1)
    (length,) = struct.unpack("!I", read_exact(conn, 4))
    payload = read_exact(conn, length - 4) if length > 4 else b""
    if kind == b"p":
        value = payload.rstrip(b"\0").decode(errors="replace")
        log(logpath, "password %s %s" % (where, value))
    else:
        log(logpath, "message %s %r" % (where, kind))
    conn.sendall(error_response("password authentication failed "
                                "for user \"%s\" (fakepg)" % user))


def main():
    logpath, ready = sys.argv[1], sys.argv[2]
    socks = {}
    for spec in sys.argv[3:]:
        try:
            if spec.startswith("/"):
                if os.path.exists(spec):
                    os.unlink(spec)
                s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                s.bind(spec)
                os.chmod(spec, 0o777)
            else:
                host, port = spec.rsplit(":", 1)
                s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
                s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                s.bind((host, int(port)))
            s.listen(16)
            socks[s.fileno()] = (s, spec)
            log(logpath, "listen %s" % spec)
        except OSError as e:
            log(logpath, "nolisten %s %s" % (spec, e.strerror))
    with open(ready + ".tmp", "w") as f:
        f.write("%d\n" % os.getpid())
    os.rename(ready + ".tmp", ready)
    while True:
        r, _, _ = select.select(list(socks), [], [])
        for fd in r:
            s, where = socks[fd]
            conn, _ = s.accept()
            try:
                serve(conn, where, logpath)
            except (EOFError, OSError, struct.error):
                pass
            finally:
                conn.close()


if __name__ == "__main__":
    main()
