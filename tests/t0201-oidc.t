#!/bin/sh
test_description='the oidc-provider rig and the headless sign-in, with curl only'
. "$TP_SRC_DIR/tests/lib/test-lib.sh"
. "$TP_SRC_DIR/tests/lib/tokenserver.sh"
. "$TP_SRC_DIR/tests/lib/oidc.sh"

command -v node >/dev/null && command -v npm >/dev/null ||
	test_skip_all 'node and npm are needed for oidc-provider'

CRED=tokenpass-test:test-secret

pkce () {
	VER=$(openssl rand -hex 32) &&
	CHAL=$(printf '%s' "$VER" | openssl dgst -sha256 -binary |
		openssl base64 -A | tr '+/' '-_' | tr -d '=')
}

# op_token OUT [curl args]: POST to the token endpoint, print the status.
op_token () {
	out=$1
	shift
	curl -sS --max-time 10 --noproxy '*' -o "$out" -w '%{http_code}' \
		"$@" "$OIDC_URL/oauth/token-request"
}

# op_login OUT PORT: headless sign-in for a redirect on PORT, then the
# code exchange; the token response in OUT.
op_login () {
	pkce &&
	ruri=http://127.0.0.1:$2/callback &&
	url="$OIDC_URL/oauth/authorize?response_type=code&client_id=tokenpass-test&redirect_uri=$(urlenc $ruri)&scope=refresh_token&state=st-9&code_challenge=$CHAL&code_challenge_method=S256" &&
	cb=$(OAUTH_DRIVE_NO_CALLBACK=1 oauth_drive "$url") &&
	test "$(qparam "$cb" state)" = st-9 &&
	code=$(qparam "$cb" code) &&
	status=$(op_token "$1" -u "$CRED" -d grant_type=authorization_code \
		--data-urlencode "code=$code" \
		--data-urlencode "redirect_uri=$ruri" \
		--data-urlencode "code_verifier=$VER") &&
	test "$status" = 200
}

op_refresh () {
	op_token "$1" -u "$CRED" -d grant_type=refresh_token \
		--data-urlencode "refresh_token=$2"
}

test_setup 'start oidc-provider, rotating refresh tokens always' '
	oidc_start --rotate always &&
	case "$OIDC_URL" in http://127.0.0.1:*) ;; *) false ;; esac
'

test_expect_success 'it listens on 127.0.0.1 only, routes at Snowflake paths' '
	ss -ltnH "sport = :$OIDC_PORT" >listen &&
	test_grep "127.0.0.1:$OIDC_PORT" listen &&
	test $(wc -l <listen) -eq 1 &&
	curl -sS "$OIDC_URL/.well-known/openid-configuration" >disc &&
	test "$(json_get authorization_endpoint <disc)" = "$OIDC_URL/oauth/authorize" &&
	test "$(json_get token_endpoint <disc)" = "$OIDC_URL/oauth/token-request"
'

test_expect_success 'headless sign-in through login and consent, any loopback port' '
	op_login out 54321 &&
	op_login out2 40000 &&
	json_get access_token <out &&
	json_get refresh_token <out &&
	test "$(json_get expires_in <out)" = 600 &&
	test "$(json_get token_type <out)" = Bearer
'

test_expect_success 'PKCE is required' '
	url="$OIDC_URL/oauth/authorize?response_type=code&client_id=tokenpass-test&redirect_uri=$(urlenc http://127.0.0.1:5/callback)&scope=refresh_token&state=s" &&
	cb=$(OAUTH_DRIVE_NO_CALLBACK=1 oauth_drive "$url") &&
	test "$(qparam "$cb" error)" = invalid_request &&
	test_must_fail qparam "$cb" code
'

test_expect_success 'a non-loopback redirect is refused' '
	pkce &&
	url="$OIDC_URL/oauth/authorize?response_type=code&client_id=tokenpass-test&redirect_uri=$(urlenc http://example.com/callback)&scope=refresh_token&code_challenge=$CHAL&code_challenge_method=S256" &&
	status=$(curl -sS -o /dev/null -w "%{http_code}" "$url") &&
	test "$status" = 400
'

test_expect_success 'wrong client secret: 401 invalid_client' '
	status=$(op_token out -u tokenpass-test:nope -d grant_type=client_credentials) &&
	test "$status" = 401 &&
	test "$(json_get error <out)" = invalid_client
'

test_expect_success 'rotation always: a new refresh token; reuse revokes the grant' '
	op_login out 40001 &&
	rt1=$(json_get refresh_token <out) &&
	test $(op_refresh out "$rt1") = 200 &&
	rt2=$(json_get refresh_token <out) &&
	test "$rt2" != "$rt1" &&
	status=$(op_refresh out "$rt1") &&
	test "$status" = 400 &&
	test "$(json_get error <out)" = invalid_grant &&
	status=$(op_refresh out "$rt2") &&
	test "$status" = 400 &&
	test "$(json_get error <out)" = invalid_grant
'

test_expect_success 'client_credentials: an access token only' '
	status=$(op_token out -u "$CRED" -d grant_type=client_credentials) &&
	test "$status" = 200 &&
	json_get access_token <out &&
	test_must_fail json_get refresh_token <out
'

test_setup 'restart: never rotate, access tokens live 2 s' '
	oidc_start --rotate never --at-ttl 2
'

test_expect_success 'rotation never: the same refresh token comes back' '
	op_login out 40002 &&
	test "$(json_get expires_in <out)" = 2 &&
	rt=$(json_get refresh_token <out) &&
	test $(op_refresh r1 "$rt") = 200 &&
	test $(op_refresh r2 "$rt") = 200 &&
	test "$(json_get refresh_token <r1)" = "$rt" &&
	test "$(json_get refresh_token <r2)" = "$rt" &&
	test "$(json_get access_token <r1)" != "$(json_get access_token <r2)"
'

# A 15 s token, alive when first looked at however loaded the machine;
# then looked at again once the clock has passed its exp.
test_expect_success 'the access token TTL is honoured (introspection)' '
	(
		OIDC_PID= OIDC_STATE=$TRASH/oidc-at &&
		ts_finally oidc_stop &&
		oidc_start --rotate never --at-ttl 15 &&
		op_login out 40003 &&
		at=$(json_get access_token <out) &&
		test "$(json_get expires_in <out)" = 15 &&
		curl -sS -u "$CRED" --data-urlencode "token=$at" \
			"$OIDC_URL/oauth/introspect" >i1 &&
		test "$(json_get active <i1)" = true &&
		exp=$(json_get exp <i1) &&
		test $((exp - $(json_get iat <i1))) = 15 &&
		while test $(date +%s) -le $exp; do sleep 1; done &&
		curl -sS -u "$CRED" --data-urlencode "token=$at" \
			"$OIDC_URL/oauth/introspect" >i2 &&
		test "$(json_get active <i2)" = false
	)
'

test_expect_success 'an expired refresh token is invalid_grant' '
	(
		OIDC_PID= OIDC_STATE=$TRASH/oidc-rt &&
		ts_finally oidc_stop &&
		oidc_start --rotate never --rt-ttl 2 &&
		op_login out 40004 &&
		rt=$(json_get refresh_token <out) &&
		sleep 3 &&
		status=$(op_refresh out "$rt") &&
		test "$status" = 400 &&
		test "$(json_get error <out)" = invalid_grant
	)
'

test_expect_success 'HTTPS with the test CA (--tls)' '
	(
		OIDC_PID= OIDC_STATE=$TRASH/oidc-tls &&
		ts_finally oidc_stop &&
		oidc_start --tls &&
		case "$OIDC_URL" in https://127.0.0.1:*) ;; *) false ;; esac &&
		op_login out 40005 &&
		json_get refresh_token <out &&
		test_must_fail env -u CURL_CA_BUNDLE -u SSL_CERT_FILE \
			curl -sS -o /dev/null "$OIDC_URL/.well-known/openid-configuration"
	)
'

test_expect_success 'oidc_stop stops the server' '
	pid=$OIDC_PID &&
	kill -0 $pid &&
	oidc_stop &&
	test_must_fail kill -0 $pid 2>/dev/null
'

test_done
