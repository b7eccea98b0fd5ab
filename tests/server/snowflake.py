#!/usr/bin/python3
"""A Snowflake-shaped HTTPS server for tokenpass's tests (loopback only).

    snowflake.py --cert FILE --key FILE --state DIR [--port N]

Endpoints (shapes from /work/shared/reference/snowflake-auth.md):

    GET  /oauth/authorize        no UI: 302 straight back to redirect_uri
    POST /oauth/token-request    authorization_code, refresh_token,
                                 client_credentials
    POST /api/v2/statements      ALTER USER u ROTATE PROGRAMMATIC ACCESS TOKEN n
    GET  /api/v2/statements/H    a statement's status (after a 202) or result
    GET  /_test/stats            counters; POST /_test/reset zeroes them
    POST /_test/revoke           revoke every grant (refresh and access tokens)
    POST /_test/expire           expire every access token now

Behaviour comes from DIR/config.json, re-read on every request; PATs from
DIR/pats.json ({"USER/NAME": {"secret": ..., "days_to_expiry": N}}), which
the server rewrites on rotation. A "response" in config.json,
{"status": N, "json": ANY} or {"status": N, "body": "raw text",
"content_type": "..."}, is the canned answer of every token request (after
delay_ms and fault), for the bad-input tests. "statement_polls": N makes the
SQL API answer 202 (QueryStatus, with statementHandle and statementStatusUrl)
and then N - 1 more 202s to GETs of that URL before the result, as Snowflake
does for a statement that runs longer than 45 s. The port goes to DIR/port once listening,
a request log without any token to DIR/server.log and one line per token
request (its grant type) to DIR/requests.log; DIR/arrived is created as
each token request comes in (before delay_ms), for tests that act at
that moment; "kill_after_ms" (see kill_caller) acts at it exactly, and
at a statement's arrival too.
"""

import argparse
import base64
import hashlib
import hmac
import json
import os
import re
import secrets
import signal
import socket
import ssl
import sys
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, quote, unquote_plus, urlencode, urlsplit

DEFAULTS = {
    "clients": {"tokenpass-test": "test-secret"},
    "access_ttl": 600,
    "refresh_ttl": 7776000,
    "send_refresh_expires_in": True,
    "single_use_refresh": False,
    "fault": None,
    "stall_seconds": 15,
    "delay_ms": 0,
    "client_credentials": True,
    "username": "ANALYST",
}

CODE_TTL = 600
MAX_BODY = 1 << 20
FAULTY_PATHS = ("/oauth/token-request", "/api/v2/statements")


class State:
    """Everything the server remembers; one lock guards it all."""

    def __init__(self, statedir):
        self.dir = statedir
        self.lock = threading.Lock()
        self.codes = {}      # code -> dict(client, redirect_uri, ...)
        self.access = {}     # token -> dict(expiry, grant, client, user)
        self.refresh = {}    # token -> dict(grant, expiry, used, ...)
        self.grants = {}     # grant id -> dict(revoked, single_use)
        self.pending = {}    # statement handle -> dict(polls, result)
        self.gate = threading.Condition(self.lock)   # hold_until
        self.reset()

    def reset(self):
        self.stats = {
            "token_requests": 0,
            "by_grant": {"authorization_code": 0, "refresh_token": 0,
                         "client_credentials": 0},
            "statements": 0,
            "statement_polls": 0,
            "max_in_flight": 0,
        }
        self.in_flight = 0

    def path(self, name):
        return os.path.join(self.dir, name)

    def config(self):
        cfg = dict(DEFAULTS)
        try:
            with open(self.path("config.json")) as f:
                cfg.update(json.load(f))
        except FileNotFoundError:
            pass
        except (OSError, ValueError) as e:
            log(self, "config.json unreadable: %s" % e)
        return cfg

    def write_json(self, name, obj):
        tmp = self.path(".%s.%d.tmp" % (name, threading.get_ident()))
        with open(tmp, "w") as f:
            json.dump(obj, f, indent=1, sort_keys=True)
            f.write("\n")
        os.rename(tmp, self.path(name))


def log(state, line):
    with open(state.path("server.log"), "a") as f:
        f.write("%s %s\n" % (time.strftime("%H:%M:%S"), line))


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def now():
    return time.time()


class Handler(BaseHTTPRequestHandler):
    server_version = "snowflake-test/1"
    sys_version = ""

    def version_string(self):
        return self.server_version
    # A stuck client must not hold a thread forever.
    timeout = 60

    # -- plumbing -------------------------------------------------------

    @property
    def st(self):
        return self.server.state

    def log_message(self, fmt, *args):
        pass    # our own log below never contains a query or a body

    def log_request(self, code="-", size="-"):
        log(self.st, "%s %s %s" % (self.command, urlsplit(self.path).path,
                                   code))

    def send_body(self, status, body, ctype="application/json",
                  headers=None):
        if isinstance(body, str):
            body = body.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        try:
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError, ssl.SSLError):
            pass

    def send_json(self, status, obj, headers=None):
        self.send_body(status, json.dumps(obj), headers=headers)

    def redirect(self, url):
        self.send_response(302)
        self.send_header("Location", url)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def read_body(self):
        n = int(self.headers.get("Content-Length") or 0)
        if n < 0 or n > MAX_BODY:
            raise ValueError("body too large")
        return self.rfile.read(n) if n else b""

    def oauth_error(self, status, error, message):
        self.send_json(status, {"data": None, "message": message,
                                "code": None, "success": False,
                                "error": error})

    def drop(self):
        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    # Apply the configured fault; True when the request was answered.
    def fault(self, cfg):
        fault = cfg.get("fault")
        if not fault:
            return False
        log(self.st, "fault %s on %s" % (fault, self.path))
        if fault == "500":
            self.send_body(500, "<html><head><title>500 Internal Server "
                           "Error</title></head><body><h1>Internal Server "
                           "Error</h1></body></html>\n", "text/html")
        elif fault == "stall":
            time.sleep(float(cfg.get("stall_seconds", 15)))
            self.drop()
        elif fault == "truncated":
            self.send_body(200, '{"access_token":"trunc-' +
                           secrets.token_urlsafe(16) +
                           '","token_type":"Bearer","expires_in":6')
        elif fault == "huge":
            pad = 10 * 1024 * 1024
            head = b'{"access_token":"'
            tail = b'","token_type":"Bearer","expires_in":600}'
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length",
                             str(len(head) + pad + len(tail)))
            self.end_headers()
            try:
                self.wfile.write(head)
                chunk = b"A" * 65536
                for _ in range(pad // len(chunk)):
                    self.wfile.write(chunk)
                self.wfile.write(tail)
            except (BrokenPipeError, ConnectionResetError, ssl.SSLError,
                    OSError):
                pass
        elif fault == "content-type":
            # Valid JSON served as HTML, as a captive portal might.
            self.send_body(200, json.dumps({
                "access_token": "html-" + secrets.token_urlsafe(16),
                "token_type": "Bearer", "expires_in": 600,
                "refresh_token": "html-" + secrets.token_urlsafe(16)}),
                "text/html; charset=utf-8")
        elif fault == "drop":
            self.drop()
        else:
            return False
        return True

    # The configured canned answer; True when the request was answered.
    def canned(self, cfg):
        r = cfg.get("response")
        if not isinstance(r, dict):
            return False
        status = int(r.get("status", 200))
        log(self.st, "canned %d on %s" % (status, self.path))
        if "body" in r:
            self.send_body(status, str(r["body"]),
                           r.get("content_type", "application/json"))
        else:
            self.send_json(status, r.get("json"))
        return True

    # -- dispatch -------------------------------------------------------

    def do_GET(self):
        url = urlsplit(self.path)
        if url.path == "/oauth/authorize":
            self.authorize(parse_qs(url.query))
        elif url.path == "/_test/stats":
            with self.st.lock:
                self.send_json(200, self.st.stats)
        elif url.path == "/_test/ping":
            self.send_json(200, {"ok": True})
        elif url.path.startswith("/api/v2/statements/"):
            self.statement_status(url.path[len("/api/v2/statements/"):])
        else:
            self.send_json(404, {"message": "not found"})

    def do_POST(self):
        url = urlsplit(self.path)
        try:
            body = self.read_body()
        except ValueError:
            self.send_json(413, {"message": "request too large"})
            return
        if url.path == "/oauth/token-request":
            self.token_request(body)
        elif url.path == "/api/v2/statements":
            self.statements(body)
        elif url.path == "/_test/reset":
            with self.st.lock:
                self.st.reset()
            self.send_json(200, {"ok": True})
        elif url.path == "/_test/revoke":
            with self.st.lock:
                for g in self.st.grants.values():
                    g["revoked"] = True
            self.send_json(200, {"ok": True})
        elif url.path == "/_test/expire":
            with self.st.lock:
                for a in self.st.access.values():
                    a["expiry"] = 0
            self.send_json(200, {"ok": True})
        else:
            self.send_json(404, {"message": "not found"})

    # -- /oauth/authorize ----------------------------------------------

    def authorize(self, q):
        p = {k: v[0] for k, v in q.items()}
        cfg = self.st.config()
        ruri = p.get("redirect_uri")
        if not ruri:
            self.send_body(400, "<html><body>redirect_uri is missing"
                           "</body></html>", "text/html")
            return
        state = p.get("state")

        def back(params):
            if state is not None:
                params["state"] = state
            sep = "&" if "?" in ruri else "?"
            self.redirect(ruri + sep + urlencode(params, quote_via=quote))

        if p.get("client_id") not in cfg["clients"]:
            back({"error": "invalid_client", "error_description":
                  "The client id is invalid (390306)."})
            return
        if p.get("response_type") != "code":
            back({"error": "unsupported_response_type", "error_description":
                  "Only response_type=code is supported (390304)."})
            return
        challenge = p.get("code_challenge")
        method = p.get("code_challenge_method")
        if (challenge or method) and (method != "S256" or not challenge):
            back({"error": "invalid_request", "error_description":
                  "Invalid code_challenge or code_challenge_method "
                  "(390311)."})
            return
        if state is not None and len(state) > 2048:
            back({"error": "invalid_request", "error_description":
                  "state is too long (390305)."})
            return
        scope = p.get("scope", "")
        code = secrets.token_urlsafe(24)
        with self.st.lock:
            self.st.codes[code] = {
                "client": p["client_id"], "redirect_uri": ruri,
                "challenge": challenge, "scope": scope,
                "expiry": now() + CODE_TTL, "used": False,
            }
        back({"code": code, "scope": scope})

    # -- /oauth/token-request ------------------------------------------

    def client_auth(self, form, cfg):
        """The authenticated client id, or None."""
        auth = self.headers.get("Authorization", "")
        if auth[:6].lower() == "basic ":
            try:
                raw = base64.b64decode(auth[6:].strip(), validate=True)
                cid, sep, csec = raw.decode("utf-8").partition(":")
            except (ValueError, UnicodeDecodeError):
                return None
            if not sep:
                return None
            cid, csec = unquote_plus(cid), unquote_plus(csec)
        else:
            cid = form.get("client_id")
            csec = form.get("client_secret")
        want = cfg["clients"].get(cid or "")
        if want is None or csec is None:
            return None
        if not hmac.compare_digest(want.encode(), csec.encode()):
            return None
        return cid

    def token_request(self, body):
        st = self.st
        cfg = st.config()
        try:
            q = parse_qs(body.decode("utf-8"), keep_blank_values=True)
        except UnicodeDecodeError:
            q = {}
        form = {k: v[0] for k, v in q.items()}
        grant = form.get("grant_type", "")
        with st.lock:
            st.stats["token_requests"] += 1
            if grant in st.stats["by_grant"]:
                st.stats["by_grant"][grant] += 1
            with open(st.path("requests.log"), "a") as f:
                f.write("%s\n" % (re.sub(r"[^a-z_]", "?", grant[:40])
                                  or "-"))
            # DIR/arrived: a test sees the moment a request came in
            open(st.path("arrived"), "w").close()
        self.kill_caller(cfg)
        self.hold(cfg)
        if cfg.get("delay_ms"):
            time.sleep(float(cfg["delay_ms"]) / 1000)
        if self.fault(cfg) or self.canned(cfg):
            return
        ctype = self.headers.get("Content-Type", "")
        if not ctype.lower().startswith("application/x-www-form-urlencoded"):
            self.oauth_error(400, "invalid_request",
                             "The request must be form-urlencoded.")
            return
        client = self.client_auth(form, cfg)
        if client is None:
            self.oauth_error(401, "invalid_client",
                             "This is an invalid client.")
            return
        if grant == "authorization_code":
            self.grant_code(form, client, cfg)
        elif grant == "refresh_token":
            self.grant_refresh(form, client, cfg)
        elif grant == "client_credentials" and cfg.get("client_credentials"):
            self.grant_client_credentials(form, client, cfg)
        elif not grant:
            self.oauth_error(400, "invalid_request",
                             "The grant_type parameter is missing.")
        else:
            self.oauth_error(400, "unsupported_grant_type",
                             "'refresh_token' and 'authorization_code' are "
                             "the only two supported grant types at the "
                             "moment.")

    # "hold_until": N holds each token request until N of them are in
    # the server at once (or "hold_seconds", default 60, pass): requests
    # served one at a time never get there. "max_in_flight" in the stats
    # is the most that were held at once.
    def hold(self, cfg):
        want = cfg.get("hold_until")
        if not want:
            return
        st = self.st
        end = time.monotonic() + float(cfg.get("hold_seconds", 60))
        with st.gate:
            st.in_flight += 1
            st.stats["max_in_flight"] = max(st.stats["max_in_flight"],
                                            st.in_flight)
            st.gate.notify_all()
            while (st.stats["max_in_flight"] < int(want) and
                   time.monotonic() < end):
                st.gate.wait(end - time.monotonic())
            st.in_flight -= 1

    # "kill_after_ms": N kills the process in DIR/caller.pid (its process
    # group with "kill_group": true) N ms after a token request or a
    # statement arrived: a caller that gives up at a moment set against
    # our own answer (delay_ms), to the millisecond. "kill_signal": "HUP",
    # "INT", "TERM" (default "KILL") is the signal: a closed terminal,
    # Ctrl-C, a timeout's kill.
    def kill_caller(self, cfg):
        after = cfg.get("kill_after_ms")
        if after is None:
            return
        try:
            with open(self.st.path("caller.pid")) as f:
                pid = int(f.read().strip())
        except (OSError, ValueError):
            return

        sig = getattr(signal, "SIG" + str(cfg.get("kill_signal", "KILL")),
                      signal.SIGKILL)

        def kill():
            try:
                if cfg.get("kill_group"):
                    os.killpg(pid, sig)
                else:
                    os.kill(pid, sig)
            except OSError:
                pass
        threading.Timer(float(after) / 1000, kill).start()

    def new_access(self, cfg, grant_id, client, user):
        tok = secrets.token_urlsafe(32)
        ttl = int(cfg["access_ttl"])
        self.st.access[tok] = {"expiry": now() + ttl, "grant": grant_id,
                               "client": client, "user": user}
        return tok, ttl

    def new_refresh(self, cfg, grant_id, client, user, scope):
        tok = secrets.token_urlsafe(48)
        ttl = int(cfg["refresh_ttl"])
        self.st.refresh[tok] = {"expiry": now() + ttl, "grant": grant_id,
                                "client": client, "user": user,
                                "scope": scope, "used": False}
        return tok, ttl

    def grant_code(self, form, client, cfg):
        st = self.st
        code = form.get("code")
        if not code or "redirect_uri" not in form:
            self.oauth_error(400, "invalid_request",
                             "code and redirect_uri are required.")
            return
        with st.lock:
            c = st.codes.get(code)
            bad = None
            if c is None:
                bad = "The authorization code is invalid."
            elif c["used"]:
                bad = "The authorization code has already been used."
            elif c["expiry"] < now():
                bad = "The authorization code has expired."
            elif c["client"] != client:
                bad = "The authorization code was issued to another client."
            elif c["redirect_uri"] != form["redirect_uri"]:
                bad = "The redirect_uri does not match (390307)."
            elif c["challenge"]:
                ver = form.get("code_verifier", "")
                calc = b64url(hashlib.sha256(ver.encode("ascii",
                                                        "replace")).digest())
                if not ver or not hmac.compare_digest(calc, c["challenge"]):
                    bad = "The code_verifier does not match the challenge."
            if c is not None:
                c["used"] = True
            if bad:
                self.oauth_error(400, "invalid_grant", bad)
                return
            grant_id = uuid.uuid4().hex
            single = form.get("enable_single_use_refresh_tokens") == "true"
            st.grants[grant_id] = {"revoked": False, "single_use": single}
            user = cfg.get("username") or "ANALYST"
            at, at_ttl = self.new_access(cfg, grant_id, client, user)
            rt, rt_ttl = self.new_refresh(cfg, grant_id, client, user,
                                          c["scope"])
        resp = {"access_token": at, "token_type": "Bearer",
                "expires_in": at_ttl, "refresh_token": rt,
                "username": user, "scope": c["scope"],
                "idpInitiated": False}
        if cfg.get("send_refresh_expires_in"):
            resp["refresh_token_expires_in"] = rt_ttl
        self.send_json(200, resp)

    def grant_refresh(self, form, client, cfg):
        st = self.st
        tok = form.get("refresh_token")
        if not tok:
            self.oauth_error(400, "invalid_request",
                             "The refresh_token parameter is missing.")
            return
        with st.lock:
            r = st.refresh.get(tok)
            g = st.grants.get(r["grant"]) if r else None
            bad = None
            if r is None or g is None:
                bad = "The provided grant or refresh token is invalid."
            elif g["revoked"]:
                bad = "The provided grant or refresh token is invalid."
            elif r["client"] != client:
                bad = "The provided grant or refresh token is invalid."
            elif r["expiry"] < now():
                bad = "The refresh token has expired."
            elif r["used"]:
                # Reuse of a rotated refresh token: revoke the whole grant.
                g["revoked"] = True
                bad = "The provided grant or refresh token is invalid."
                log(st, "refresh token reuse: grant revoked")
            if bad:
                self.oauth_error(400, "invalid_grant", bad)
                return
            scope = form.get("scope") or r["scope"]
            at, at_ttl = self.new_access(cfg, r["grant"], client, r["user"])
            resp = {"access_token": at, "token_type": "Bearer",
                    "expires_in": at_ttl, "scope": scope,
                    "idpInitiated": False}
            if cfg.get("single_use_refresh") or g["single_use"]:
                r["used"] = True
                rt, rt_ttl = self.new_refresh(cfg, r["grant"], client,
                                              r["user"], r["scope"])
                resp["refresh_token"] = rt
                if cfg.get("send_refresh_expires_in"):
                    resp["refresh_token_expires_in"] = rt_ttl
        self.send_json(200, resp)

    def grant_client_credentials(self, form, client, cfg):
        st = self.st
        with st.lock:
            grant_id = uuid.uuid4().hex
            st.grants[grant_id] = {"revoked": False, "single_use": False}
            at, at_ttl = self.new_access(cfg, grant_id, client,
                                         cfg.get("username") or "ANALYST")
        self.send_json(200, {"access_token": at, "token_type": "Bearer",
                             "expires_in": at_ttl,
                             "scope": form.get("scope", "")})

    # -- /api/v2/statements --------------------------------------------

    def sql_error(self, status, code, message, sqlstate):
        self.send_json(status, {"code": code, "message": message,
                                "sqlState": sqlstate,
                                "statementHandle": str(uuid.uuid4())})

    def statements(self, body):
        st = self.st
        cfg = st.config()
        with st.lock:
            st.stats["statements"] += 1
        self.kill_caller(cfg)
        if cfg.get("delay_ms"):
            time.sleep(float(cfg["delay_ms"]) / 1000)
        if self.fault(cfg):
            return
        auth = self.headers.get("Authorization", "")
        tok = auth[7:].strip() if auth[:7].lower() == "bearer " else ""
        with st.lock:
            a = st.access.get(tok)
            ok = (a is not None and a["expiry"] > now() and
                  not st.grants[a["grant"]]["revoked"])
        if not ok:
            self.send_json(401, {"code": "390303", "message":
                                 "Invalid OAuth access token. "
                                 "[%s]" % uuid.uuid4()})
            return
        ttype = self.headers.get("X-Snowflake-Authorization-Token-Type", "")
        if ttype.upper() != "OAUTH":
            self.send_json(401, {"code": "390303", "message":
                                 "Invalid OAuth access token: "
                                 "X-Snowflake-Authorization-Token-Type "
                                 "must be OAUTH for this token."})
            return
        ctype = self.headers.get("Content-Type", "")
        if not ctype.lower().startswith("application/json"):
            self.send_json(415, {"code": "391903", "message":
                                 "Unsupported Content-Type: '%s'." %
                                 ctype[:60]})
            return
        if not self.headers.get("User-Agent"):
            self.send_json(400, {"code": "391904", "message":
                                 "The User-Agent header is required."})
            return
        try:
            req = json.loads(body.decode("utf-8"))
            stmt = req["statement"]
            if not isinstance(stmt, str):
                raise ValueError
        except (ValueError, KeyError, TypeError, UnicodeDecodeError):
            self.send_json(400, {"code": "390142", "message":
                                 "Incoming request does not contain a "
                                 "valid payload."})
            return
        self.run_statement(stmt)

    IDENT = r'(?:"(?:[^"]|"")+"|[A-Za-z_][A-Za-z0-9_$]*)'
    ROTATE = re.compile(
        r'^\s*ALTER\s+USER\s+(?:IF\s+EXISTS\s+)?(' + IDENT + r')\s+'
        r'ROTATE\s+(?:PROGRAMMATIC\s+ACCESS\s+TOKEN|PAT)\s+'
        r'(?:IF\s+EXISTS\s+)?(' + IDENT + r')'
        r'(?:\s+EXPIRE_ROTATED_TOKEN_AFTER_HOURS\s*=\s*(\d+))?'
        r'\s*;?\s*$', re.IGNORECASE | re.DOTALL)

    @staticmethod
    def ident(s):
        if s.startswith('"'):
            return s[1:-1].replace('""', '"')
        return s.upper()

    def run_statement(self, stmt):
        st = self.st
        m = self.ROTATE.match(stmt)
        if not m:
            word = (stmt.split() or ["<EOF>"])[0][:40]
            self.sql_error(422, "001003", "SQL compilation error:\nsyntax "
                           "error line 1 at position 0 unexpected '%s'." %
                           word, "42000")
            return
        user, name = self.ident(m.group(1)), self.ident(m.group(2))
        hours = m.group(3)
        key = "%s/%s" % (user, name)
        with st.lock:
            try:
                with open(st.path("pats.json")) as f:
                    pats = json.load(f)
            except FileNotFoundError:
                pats = {}
            pat = pats.get(key)
            if pat is None:
                self.sql_error(422, "002003", "SQL compilation error:\n"
                               "Programmatic access token '%s' does not "
                               "exist or not authorized." % name, "02000")
                return
            new = secrets.token_urlsafe(48)
            rotated = "%s_ROTATED_%d" % (name, int(now() * 1000))
            pat["previous_secret"] = pat.get("secret")
            pat["secret"] = new
            pat["rotated_token_name"] = rotated
            pat["rotated_at"] = int(now())
            pat["expire_rotated_token_after_hours"] = (
                int(hours) if hours is not None else 24)
            pats[key] = pat
            st.write_json("pats.json", pats)
        handle = str(uuid.uuid4())
        cols = [("token_name", name), ("rotated_token_name", rotated),
                ("token_secret", new)]
        result = {
            "resultSetMetaData": {
                "numRows": 1, "format": "jsonv2",
                "partitionInfo": [{"rowCount": 1, "uncompressedSize": 200}],
                "rowType": [{"name": c, "database": "", "schema": "",
                             "table": "", "type": "text", "nullable": True,
                             "byteLength": 16777216, "length": 16777216,
                             "scale": None, "precision": None,
                             "collation": None} for c, _ in cols],
            },
            "data": [[v for _, v in cols]],
            "code": "090001",
            "statementStatusUrl": "/api/v2/statements/%s?requestId=%s" %
                                  (handle, uuid.uuid4()),
            "requestId": str(uuid.uuid4()),
            "sqlState": "00000",
            "statementHandle": handle,
            "message": "Statement executed successfully.",
            "createdOn": int(now() * 1000),
        }
        polls = int(self.st.config().get("statement_polls") or 0)
        if polls > 0:
            with st.lock:
                st.pending[handle] = {"polls": polls - 1, "result": result}
            self.send_json(202, self.query_status(handle))
            return
        self.send_json(200, result)

    @staticmethod
    def query_status(handle):
        return {"code": "333334", "message": "Asynchronous execution in "
                "progress. Use provided query id to perform query "
                "monitoring and management.", "statementHandle": handle,
                "statementStatusUrl": "/api/v2/statements/%s" % handle}

    def statement_status(self, handle):
        st = self.st
        auth = self.headers.get("Authorization", "")
        tok = auth[7:].strip() if auth[:7].lower() == "bearer " else ""
        with st.lock:
            st.stats["statement_polls"] += 1
            a = st.access.get(tok)
            ok = a is not None and a["expiry"] > now()
            p = st.pending.get(handle)
            if ok and p is not None and p["polls"] > 0:
                p["polls"] -= 1
                answer = (202, self.query_status(handle))
            elif ok and p is not None:
                answer = (200, p["result"])
            else:
                answer = None
        if not ok:
            self.send_json(401, {"code": "390303", "message":
                                 "Invalid OAuth access token."})
        elif answer is None:
            self.sql_error(422, "000709", "Statement %s not found." %
                           handle[:40], "02000")
        else:
            self.send_json(*answer)


class Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128
    allow_reuse_address = True

    def handle_error(self, request, client_address):
        # A client that rejects our certificate or hangs up is a test
        # case, not a server bug: one line in the log, no traceback.
        e = sys.exc_info()[1]
        log(self.state, "connection error: %s: %s" %
            (type(e).__name__, str(e)[:200]))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--cert", required=True)
    ap.add_argument("--key", required=True)
    ap.add_argument("--state", required=True)
    ap.add_argument("--port", type=int, default=0)
    args = ap.parse_args()

    state = State(os.path.abspath(args.state))
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    ctx.load_cert_chain(args.cert, args.key)

    srv = Server(("127.0.0.1", args.port), Handler)
    # The handshake happens in the request thread, so a client that
    # never speaks TLS cannot stall the accept loop.
    srv.socket = ctx.wrap_socket(srv.socket, server_side=True,
                                 do_handshake_on_connect=False)
    srv.state = state

    def stop(signum, frame):
        raise SystemExit(0)
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)

    port = srv.server_address[1]
    tmp = state.path(".port.tmp")
    with open(tmp, "w") as f:
        f.write("%d\n" % port)
    os.rename(tmp, state.path("port"))
    log(state, "listening on 127.0.0.1:%d pid %d" % (port, os.getpid()))
    try:
        srv.serve_forever()
    finally:
        srv.server_close()
        log(state, "stopped")


if __name__ == "__main__":
    sys.exit(main())
