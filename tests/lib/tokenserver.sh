# tokenserver.sh: the Snowflake-shaped HTTPS server (tests/server/snowflake.py)
# on 127.0.0.1 with a test CA in the trash directory. Source after
# test-lib.sh; call tokenserver_start from test_setup or the top level so
# that the variables it exports survive.
#
#   tokenserver_certs              make the test CA and certificates (once)
#   tokenserver_start [--wrong-name]
#                                  start on an ephemeral port; exports TS_PORT,
#                                  TS_URL, TS_DIR, TS_HOST, SSL_CERT_FILE and
#                                  CURL_CA_BUNDLE; stopped at exit
#   tokenserver_stop
#   tokenserver_config '<json>'    replace config.json (atomically)
#   tokenserver_stats              print the counters as JSON
#   tokenserver_reset              zero the counters (and requests.log)
#   tokenserver_count GRANT        token requests of that grant type so far
#   tokenserver_set_pat USER NAME SECRET [DAYS]
#   tokenserver_pat USER NAME [FIELD]   print a PAT's secret (or FIELD)
#   tokenserver_pat_admin          a signed-in ADMIN and SVC_BI's PAT BI_PAT
#                                  (old-secret, 3 days) with ADMIN as its
#                                  admin, stored and at the server (oidc.sh)
#   tokenserver_revoke             revoke every grant (refresh tokens die)
#   tokenserver_expire             expire every access token now
#   tokenserver_curl ARGS...       curl that trusts the test CA
#   ts_finally CMD                 run CMD when the current test body ends
#                                  (the body runs in a subshell: an EXIT trap)
#   json_get PATH <file            a value out of JSON (see below)
#   qparam URL NAME                a query parameter of URL (exit 1: none)
#   urlenc STRING                  STRING percent-encoded for a query
#
# TS_PORT_WANT=N asks for that port (to restart a server where a stored
# credential expects it).
# --wrong-name serves a certificate for wrong.example only; TS_URL still
# names 127.0.0.1, so a verifying client must refuse it.

TS_PYTHON=${TS_PYTHON:-/usr/bin/python3}
TS_TLS=$TRASH/tls

ts_finally () {
	trap "$*" EXIT
}

tokenserver_certs () {
	test -f "$TS_TLS/wrong.pem" && return 0
	mkdir -p "$TS_TLS" &&
	(
		cd "$TS_TLS" &&
		openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 \
			-nodes -keyout ca.key -out ca.pem -days 2 \
			-subj "/CN=tokenpass test CA" \
			-addext "basicConstraints=critical,CA:TRUE" \
			-addext "keyUsage=critical,keyCertSign,cRLSign" &&
		for c in server:"IP:127.0.0.1,DNS:localhost" \
			wrong:"DNS:wrong.example"
		do
			name=${c%%:*} san=${c#*:}
			openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 \
				-nodes -keyout $name.key -out $name.csr \
				-subj "/CN=tokenpass test $name" &&
			printf '%s\n' "subjectAltName=$san" \
				"basicConstraints=CA:FALSE" \
				"keyUsage=critical,digitalSignature" \
				"extendedKeyUsage=serverAuth" >$name.ext &&
			openssl x509 -req -in $name.csr -CA ca.pem -CAkey ca.key \
				-CAcreateserial -days 2 -extfile $name.ext \
				-out $name.pem || exit 1
		done
	) >"$TS_TLS/openssl.log" 2>&1 || {
		cat "$TS_TLS/openssl.log" >&2
		return 1
	}
}

tokenserver_curl () {
	if test "${TS_WRONG_NAME:-}" = 1; then
		set -- --resolve "wrong.example:$TS_PORT:127.0.0.1" "$@"
	fi
	curl -sS --max-time 10 --noproxy '*' --cacert "$TS_TLS/ca.pem" "$@"
}

# The URL to reach the server for the rig itself (works with --wrong-name).
tokenserver_rig_url () {
	if test "${TS_WRONG_NAME:-}" = 1; then
		echo "https://wrong.example:$TS_PORT"
	else
		echo "$TS_URL"
	fi
}

tokenserver_start () {
	cert=server
	TS_WRONG_NAME=
	if test "${1:-}" = --wrong-name; then
		cert=wrong
		TS_WRONG_NAME=1
	fi
	tokenserver_stop
	tokenserver_certs || return 1
	TS_DIR=${TS_STATE:-$TRASH/tokenserver}
	mkdir -p "$TS_DIR" && rm -f "$TS_DIR/port" || return 1
	"$TS_PYTHON" "$TP_SRC_DIR/tests/server/snowflake.py" \
		--cert "$TS_TLS/$cert.pem" --key "$TS_TLS/$cert.key" \
		--state "$TS_DIR" --port "${TS_PORT_WANT:-0}" >>"$TS_DIR/stderr" 2>&1 </dev/null &
	TS_PID=$!
	test_atexit tokenserver_stop
	i=0
	while ! test -s "$TS_DIR/port"; do
		i=$((i + 1))
		if test $i -gt 100 || ! kill -0 "$TS_PID" 2>/dev/null; then
			echo >&2 "tokenserver: did not start"
			cat >&2 "$TS_DIR/stderr"
			return 1
		fi
		sleep 0.1
	done
	TS_PORT=$(cat "$TS_DIR/port")
	TS_HOST=127.0.0.1:$TS_PORT
	TS_URL=https://$TS_HOST
	_ts_ca_was=${SSL_CERT_FILE:-}
	SSL_CERT_FILE=$TS_TLS/ca.pem
	CURL_CA_BUNDLE=$TS_TLS/ca.pem
	export TS_PORT TS_HOST TS_URL TS_DIR TS_PID SSL_CERT_FILE CURL_CA_BUNDLE
	# An agent (TP_AGENT=1) renews, and runs the gets it cannot answer,
	# in its own environment, as a user's agent does: start it again
	# with the server's CA, the first time only (no agent is left
	# behind by a later start in a subshell).
	if test -n "${AGENT_PID:-}" && test "$_ts_ca_was" != "$SSL_CERT_FILE"
	then
		agent_stop && agent_start || return 1
	fi
	tokenserver_curl -o /dev/null "$(tokenserver_rig_url)/_test/ping" || {
		echo >&2 "tokenserver: port $TS_PORT does not answer"
		return 1
	}
}

tokenserver_stop () {
	test_stop_pid "${TS_PID:-}"
	TS_PID=
}

tokenserver_config () {
	printf '%s\n' "$1" >"$TS_DIR/.config.tmp" &&
	"$TS_PYTHON" -c 'import json,sys; json.load(open(sys.argv[1]))' \
		"$TS_DIR/.config.tmp" &&
	mv -f "$TS_DIR/.config.tmp" "$TS_DIR/config.json"
}

tokenserver_stats () {
	tokenserver_curl "$(tokenserver_rig_url)/_test/stats"
}

tokenserver_reset () {
	tokenserver_curl -o /dev/null -X POST "$(tokenserver_rig_url)/_test/reset" &&
	: >"$TS_DIR/requests.log"
}

tokenserver_revoke () {
	tokenserver_curl -o /dev/null -X POST "$(tokenserver_rig_url)/_test/revoke"
}

tokenserver_expire () {
	tokenserver_curl -o /dev/null -X POST "$(tokenserver_rig_url)/_test/expire"
}

tokenserver_count () {
	if test -f "$TS_DIR/requests.log"; then
		grep -cx "$1" "$TS_DIR/requests.log"
	else
		echo 0
	fi
	return 0
}

tokenserver_set_pat () {
	"$TS_PYTHON" - "$TS_DIR/pats.json" "$1" "$2" "$3" "${4:-15}" <<-\EOF
	import json, os, sys
	path, user, name, secret, days = sys.argv[1:]
	try:
	    pats = json.load(open(path))
	except FileNotFoundError:
	    pats = {}
	pats["%s/%s" % (user, name)] = {"secret": secret,
	                                "days_to_expiry": int(days)}
	with open(path + ".tmp", "w") as f:
	    json.dump(pats, f, indent=1, sort_keys=True)
	os.rename(path + ".tmp", path)
	EOF
}

tokenserver_pat_admin () {
	oauth_login --host "$TS_HOST" --user ADMIN --client-id tokenpass-test &&
	tokenserver_set_pat SVC_BI BI_PAT old-secret 3 &&
	printf "old-secret\n" | tokenpass add-pat --host "$TS_HOST" \
		--user SVC_BI --name BI_PAT --days 3 --admin ADMIN
}

tokenserver_pat () {
	"$TS_PYTHON" - "$TS_DIR/pats.json" "$1" "$2" "${3:-secret}" <<-\EOF
	import json, sys
	path, user, name, field = sys.argv[1:]
	v = json.load(open(path)).get("%s/%s" % (user, name), {}).get(field)
	if v is None:
	    sys.exit(1)
	print(v)
	EOF
}

# json_get PATH <file: print the value at a dotted path (a.b.0.c) of the
# JSON on stdin, strings raw and anything else as JSON; fails when absent
# or when stdin is not JSON.
json_get () {
	"$TS_PYTHON" -c '
import json, sys
v = json.load(sys.stdin)
for k in sys.argv[1].split(".") if sys.argv[1] else []:
    if isinstance(v, list):
        v = v[int(k)]
    elif isinstance(v, dict) and k in v:
        v = v[k]
    else:
        sys.exit(1)
print(v if isinstance(v, str) else json.dumps(v))
' "$1"
}

# -- for the lifecycle tests ---------------------------------------------

# tp_get HOST USER: 'tokenpass get' for that host and user.
tp_get () {
	printf 'protocol=https\nhost=%s\nusername=%s\n\n' "$1" "$2" |
		timeout 60 tokenpass get
}

# tp_token HOST USER: just the password 'tokenpass get' answers.
tp_token () {
	tp_get "$@" >"$TRASH/.tp_get" || return $?
	sed -n 's/^password=//p' "$TRASH/.tp_get"
}

# item_snapshot HOST USER: the keyring item as secret-tool sees it,
# secret and modification time included: equal snapshots mean the item
# was not touched.
item_snapshot () {
	secret-tool search --all host "$1" user "$2" 2>&1 | sort
}

# tokenserver_token_status TOKEN: the HTTP status the SQL API gives this
# access token for a harmless statement: 422 (valid, bad SQL) or 401.
tokenserver_token_status () {
	tokenserver_curl -o /dev/null -w '%{http_code}' \
		-A tokenpass-test -H "Authorization: Bearer $1" \
		-H "X-Snowflake-Authorization-Token-Type: OAUTH" \
		-H "Content-Type: application/json" \
		-d '{"statement": "SELECT 1", "timeout": 10}' \
		"$(tokenserver_rig_url)/api/v2/statements"
}

# item_tokens HOST USER: the item's secret document without the
# needs_login mark, keys sorted: equal output means no token, expiry or
# client setting changed.
item_tokens () {
	secret-tool search --all host "$1" user "$2" 2>/dev/null |
	sed -n 's/^secret = //p' |
	"$TS_PYTHON" -c '
import json, sys
lines = sys.stdin.read().splitlines()
if len(lines) != 1:
    sys.exit("item_tokens: %d items" % len(lines))
d = json.loads(lines[0])
d.pop("needs_login", None)
print(json.dumps(d, sort_keys=True))'
}

qparam () {
	/usr/bin/python3 -c '
import sys, urllib.parse as u
q = u.parse_qs(u.urlsplit(sys.argv[1]).query)
if sys.argv[2] not in q:
    sys.exit(1)
print(q[sys.argv[2]][0])' "$1" "$2"
}

urlenc () {
	/usr/bin/python3 -c '
import sys, urllib.parse as u
print(u.quote(sys.argv[1], safe=""))' "$1"
}
