#!/bin/sh
test_description='attack: token URLs that look like loopback but are not'
. "$TP_SRC_DIR/tests/lib/test-lib.sh"
. "$TP_SRC_DIR/tests/lib/keyring.sh"

# Plain http:// is allowed only to this machine's loopback. A URL such as
# http://127.0.0.1:80@evil.example/ names evil.example (127.0.0.1:80 is
# its user info). Every HTTP request libcurl makes goes through a
# recording proxy (tests/lib/httprec.py, via http_proxy and https_proxy):
# a URL trick must be refused before anything reaches it, at login and
# at every refresh of a stored URL, and nothing may be stored.

PY=/usr/bin/python3
PROXY_LOG=$TRASH/proxy.log

test_setup 'keyring, the recording proxy' '
	keyring_start &&
	: >"$PROXY_LOG" &&
	{ $PY "$TP_SRC_DIR/tests/lib/httprec.py" "$PROXY_LOG" \
		"$TRASH/proxy.ready" </dev/null >/dev/null 2>&1 & } &&
	PROXY_PID=$! &&
	test_atexit "test_stop_pid $PROXY_PID" &&
	i=0 &&
	while ! test -f "$TRASH/proxy.ready" && test $i -lt 300; do
		i=$((i + 1))
		sleep 0.1
	done &&
	read -r _pid PROXY_PORT <"$TRASH/proxy.ready" &&
	http_proxy=http://127.0.0.1:$PROXY_PORT &&
	https_proxy=$http_proxy &&
	unset no_proxy NO_PROXY ALL_PROXY all_proxy &&
	export http_proxy https_proxy
'

# the proxy log is emptied by each check; what it held stays in
# $TRASH/proxy.all
# ERR says the URL given was refused for the plain-http rule
refused_url () {
	test_grep -F -- "$1" err &&
	test_grep -E -i "https|loopback" err
}

no_request () {
	if test -s "$PROXY_LOG"; then
		echo >&2 "a request left:"
		cat >&2 "$PROXY_LOG"
		cat "$PROXY_LOG" >>"$TRASH/proxy.all"
		: >"$PROXY_LOG"
		return 1
	fi
}

test_expect_success 'rig: an allowed URL does reach the proxy' '
	printf "secret\n" | test_must_fail timeout 60 tokenpass login \
		--host rig.example --user u --grant client-credentials \
		--token-url https://evil.example/token --client-id c 2>err &&
	test_grep "^request CONNECT evil.example:443" "$PROXY_LOG" &&
	: >"$PROXY_LOG"
'

# a stored OAuth credential for HOST whose token URL is URL (expired, so
# that any use refreshes it); store-oauth writes the record, secret-tool
# rewrites its token_url
store_tricked () {
	printf "acc-%s\nref-%s\n" "$1" "$1" |
	"$TP_BUILD_DIR/tests/unit/store-oauth" "$1" u "" 1 0 &&
	secret-tool lookup host "$1" user u |
	URL=$2 $PY -c "
import json, os, sys
r = json.load(sys.stdin)
r[\"token_url\"] = os.environ[\"URL\"]
sys.stdout.write(json.dumps(r, separators=(\",\", \":\")))
" >rec.json &&
	secret-tool store --label="tokenpass: u@$1 (OAuth)" \
		xdg:schema io.tokenpass.Credential host "$1" user u dsn "" \
		kind oauth <rec.json &&
	secret-tool lookup host "$1" user u >check.json &&
	test_grep -F "\"token_url\":\"$(printf "%s" "$2" | sed "s/\\\\/\\\\\\\\/g")\"" check.json
}

test_expect_success 'rig: a stored tricked URL did reach the proxy before' '
	store_tricked rig2.example "https://evil.example/token" &&
	test_must_fail timeout 60 tokenpass refresh --host rig2.example \
		--user u --force 2>err &&
	test_grep "^request CONNECT evil.example:443" "$PROXY_LOG" &&
	: >"$PROXY_LOG"
'

n=0
while read -r url; do
	test -n "$url" || continue
	n=$((n + 1))
	test_expect_success "login refuses $url" '
		{ printf "secret\n" | timeout 60 tokenpass login \
			--host login$n.example --user u \
			--grant client-credentials --token-url "$url" \
			--client-id c 2>err; rc=$?; } &&
		echo "exit $rc" && cat err &&
		test $rc -ne 0 && test $rc -ne 124 &&
		no_request &&
		refused_url "$url" &&
		{ tokenpass list >list 2>&1 || :; } &&
		test_grep ! "login$n.example" list
	'
	test_expect_success "refresh refuses a stored $url" '
		store_tricked refresh$n.example "$url" &&
		test_must_fail timeout 60 tokenpass refresh \
			--host refresh$n.example --user u --force 2>err &&
		cat err &&
		no_request &&
		refused_url "$url" &&
		{ printf "protocol=https\nhost=refresh$n.example\nusername=u\n\n" |
		  timeout 60 tokenpass get >got 2>err || :; } &&
		cat err &&
		test_grep ! "password=" got &&
		no_request &&
		secret-tool lookup host refresh$n.example user u >after &&
		test_grep -F "\"token\":\"acc-refresh$n.example\"" after
	'
done <<\EOF
http://127.0.0.1:80@evil.example/token
http://127.0.0.1:@evil.example/token
http://127.0.0.1@evil.example/token
http://localhost:80@evil.example/token
http://[::1]:80@evil.example/token
http://[::1]@evil.example/token
http://u:p@127.0.0.1:1@evil.example/token
http://127.0.0.1:80\@evil.example/token
http://127.0.0.1%2f@evil.example/token
http://127.0.0.1.evil.example/token
http://localhost.evil.example/token
http://evil.example#@127.0.0.1/token
HTTP://127.0.0.1:80@evil.example/token
http://127.0.0.1:80@evil.example:80/token
EOF

test_expect_success 'the authorization-code login refuses a tricked URL up front' '
	url="http://127.0.0.1:80@evil.example/token" &&
	{ timeout 60 tokenpass login --no-browser --host code.example \
		--user u --token-url "$url" </dev/null >out 2>err; rc=$?; } &&
	echo "exit $rc" && cat err &&
	test $rc -ne 0 && test $rc -ne 124 &&
	refused_url "$url" &&
	no_request
'

test_expect_success 'no request ever left' '
	no_request &&
	test_path_is_missing "$TRASH/proxy.all"
'

test_done
