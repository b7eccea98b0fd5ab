# oidc.sh: a real OAuth 2.0 authorization server (oidc-provider, from
# tests/server/oidc/) on 127.0.0.1, and a headless browser for sign-ins.
# Source after test-lib.sh (and tokenserver.sh for --tls); call oidc_start
# from test_setup or the top level so that what it exports survives.
#
#   oidc_start [--rotate always|never|default] [--at-ttl N] [--rt-ttl N]
#              [--tls] [--port N]
#       npm ci into tests/server/oidc if node_modules is missing, start the
#       server on a free port; exports OIDC_PORT, OIDC_URL, OIDC_HOST,
#       OIDC_DIR; stopped at exit. Routes: $OIDC_URL/oauth/authorize and
#       $OIDC_URL/oauth/token-request; client tokenpass-test / test-secret.
#       --tls serves HTTPS with the tokenserver.sh test CA (sets
#       SSL_CERT_FILE and CURL_CA_BUNDLE).
#   oidc_stop
#   oauth_drive URL
#       sign in headlessly: follow an authorize URL (the one
#       'tokenpass login --no-browser' prints) through login and consent
#       with curl and a cookie jar, then GET the final redirect, which
#       lands on the redirect_uri (tokenpass's loopback listener). Prints
#       that redirect URL on stdout. With OAUTH_DRIVE_NO_CALLBACK=1 the
#       last GET is left out. Works for the Snowflake-shaped server too,
#       which redirects at once.
#   oauth_login_url FILE
#       the authorize URL out of a 'tokenpass login' stderr FILE, waiting
#       up to 10 s for it to appear. Remove FILE before the login starts:
#       the shell truncates it in the background job, maybe after a
#       stale URL in it has been read

OIDC_SRC=$TP_SRC_DIR/tests/server/oidc

oidc_install () {
	test -f "$OIDC_SRC/node_modules/oidc-provider/package.json" && return 0
	# Several test scripts may start at once: one installs, the rest wait.
	(
		cd "$OIDC_SRC" &&
		flock -w 300 package.json sh -c '
			test -f node_modules/oidc-provider/package.json ||
			npm ci --no-audit --no-fund --loglevel=error'
	) >"$TRASH/npm-ci.log" 2>&1 || {
		echo >&2 "oidc: npm ci failed in $OIDC_SRC:"
		cat >&2 "$TRASH/npm-ci.log"
		return 1
	}
}

oidc_start () {
	op_rotate=default op_at_ttl=600 op_rt_ttl=7776000 op_tls= op_port=0
	while test $# -gt 0; do
		case "$1" in
		--rotate) op_rotate=$2; shift ;;
		--at-ttl) op_at_ttl=$2; shift ;;
		--rt-ttl) op_rt_ttl=$2; shift ;;
		--tls) op_tls=1 ;;
		--port) op_port=$2; shift ;;
		*) echo >&2 "oidc_start: unknown option '$1'"; return 1 ;;
		esac
		shift
	done
	oidc_stop
	oidc_install || return 1
	OIDC_DIR=${OIDC_STATE:-$TRASH/oidc}
	mkdir -p "$OIDC_DIR" && rm -f "$OIDC_DIR/port" || return 1
	if test -n "$op_tls"; then
		tokenserver_certs || return 1
		OP_TLS_CERT=$TS_TLS/server.pem OP_TLS_KEY=$TS_TLS/server.key
		SSL_CERT_FILE=$TS_TLS/ca.pem
		CURL_CA_BUNDLE=$TS_TLS/ca.pem
		export SSL_CERT_FILE CURL_CA_BUNDLE
	else
		OP_TLS_CERT= OP_TLS_KEY=
	fi
	OP_PORT=$op_port OP_PORT_FILE=$OIDC_DIR/port OP_ROTATE=$op_rotate \
	OP_AT_TTL=$op_at_ttl OP_RT_TTL=$op_rt_ttl \
	OP_TLS_CERT=$OP_TLS_CERT OP_TLS_KEY=$OP_TLS_KEY \
	NODE_NO_WARNINGS=1 \
		node "$OIDC_SRC/server.mjs" >>"$OIDC_DIR/server.log" 2>&1 \
		</dev/null &
	OIDC_PID=$!
	test_atexit oidc_stop
	i=0
	while ! test -s "$OIDC_DIR/port"; do
		i=$((i + 1))
		if test $i -gt 150 || ! kill -0 "$OIDC_PID" 2>/dev/null; then
			echo >&2 "oidc: the server did not start"
			cat >&2 "$OIDC_DIR/server.log"
			return 1
		fi
		sleep 0.1
	done
	OIDC_PORT=$(cat "$OIDC_DIR/port")
	OIDC_HOST=127.0.0.1:$OIDC_PORT
	if test -n "$op_tls"; then
		OIDC_URL=https://$OIDC_HOST
	else
		OIDC_URL=http://$OIDC_HOST
	fi
	export OIDC_PORT OIDC_HOST OIDC_URL OIDC_DIR OIDC_PID
	curl -sS --max-time 10 --noproxy '*' -o /dev/null \
		"$OIDC_URL/.well-known/openid-configuration" || {
		echo >&2 "oidc: port $OIDC_PORT does not answer"
		return 1
	}
}

oidc_stop () {
	test_stop_pid "${OIDC_PID:-}"
	OIDC_PID=
}

# Where a request redirects to (empty when it does not); the cookie jar
# is $od_jar.
od_location () {
	curl -sS --max-time 10 --noproxy '*' -o /dev/null \
		-c "$od_jar" -b "$od_jar" -w '%{redirect_url}' "$@"
}

oauth_drive () {
	od_url=$1
	od_ruri=$(/usr/bin/python3 -c '
import sys, urllib.parse as u
q = u.parse_qs(u.urlsplit(sys.argv[1]).query)
print(q["redirect_uri"][0])' "$od_url") || {
		echo >&2 "oauth_drive: no redirect_uri in '$od_url'"
		return 1
	}
	od_jar=$(mktemp "$TRASH/cookies.XXXXXX") || return 1
	od_u=$(od_location "$od_url") || return 1
	od_n=0
	while :; do
		case "$od_u" in
		"$od_ruri"*) break ;;
		"")
			echo >&2 "oauth_drive: no redirect (at step $od_n)"
			return 1
			;;
		*/interaction/*)
			curl -sS --max-time 10 --noproxy '*' -c "$od_jar" \
				-b "$od_jar" "$od_u" >"$od_jar.page" || return 1
			if grep -q 'name="prompt" value="login"' "$od_jar.page"
			then
				od_u=$(od_location -d prompt=login \
					-d login=alice -d password=x "$od_u")
			else
				od_u=$(od_location -d prompt=consent "$od_u")
			fi || return 1
			;;
		*)
			od_u=$(od_location "$od_u") || return 1
			;;
		esac
		od_n=$((od_n + 1))
		if test $od_n -gt 20; then
			echo >&2 "oauth_drive: too many redirects"
			return 1
		fi
	done
	rm -f "$od_jar" "$od_jar.page"
	printf '%s\n' "$od_u"
	test "${OAUTH_DRIVE_NO_CALLBACK:-}" = 1 && return 0
	# The listener answers the browser with a page; any 2xx/3xx will do.
	curl -sS --max-time 10 --noproxy '*' -o "$TRASH/callback.html" \
		-w '%{http_code}\n' "$od_u" >"$TRASH/callback.status" || {
		echo >&2 "oauth_drive: the redirect to '$od_ruri' failed"
		return 1
	}
}

oauth_login_url () {
	i=0
	while ! grep -q 'open this URL to sign in: ' "$1" 2>/dev/null; do
		i=$((i + 1))
		if test $i -gt 100; then
			echo >&2 "oauth_login_url: no URL in $1:"
			cat >&2 "$1"
			return 1
		fi
		sleep 0.1
	done
	sed -n 's/.*open this URL to sign in: //p' "$1" | head -n 1
}

# oauth_login ARGS...: 'tokenpass login --no-browser ARGS' with the
# client secret $OAUTH_SECRET (default test-secret) on its standard
# input, signed in through oauth_drive; returns its exit code. Its stderr
# is in $TRASH/login.err. Bounded: 60 s in all.
oauth_login () {
	rm -f "$TRASH/login.err"
	printf '%s\n' "${OAUTH_SECRET-test-secret}" |
		timeout 60 tokenpass login --no-browser "$@" \
			>"$TRASH/login.out" 2>"$TRASH/login.err" &
	ol_pid=$!
	if ol_url=$(oauth_login_url "$TRASH/login.err") &&
	   oauth_drive "$ol_url" >"$TRASH/login.callback"
	then
		wait $ol_pid
		return $?
	fi
	kill $ol_pid 2>/dev/null
	wait $ol_pid
	cat >&2 "$TRASH/login.err"
	return 1
}
