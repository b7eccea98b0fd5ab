#!/bin/sh
test_description='tokenpass login against the Snowflake-shaped server and oidc-provider'
. "$TP_SRC_DIR/tests/lib/test-lib.sh"
. "$TP_SRC_DIR/tests/lib/keyring.sh"
. "$TP_SRC_DIR/tests/lib/tokenserver.sh"
. "$TP_SRC_DIR/tests/lib/oidc.sh"

test_setup 'start the keyring and the Snowflake-shaped server' '
	keyring_start &&
	tokenserver_start
'

test_expect_success 'login: code flow with PKCE through the loopback listener' '
	oauth_login --host "$TS_HOST" --user ANALYST \
		--client-id tokenpass-test --role ANALYST &&
	url=$(oauth_login_url "$TRASH/login.err") &&
	case "$url" in "$TS_URL/oauth/authorize?"*) ;; *) false ;; esac &&
	test "$(qparam "$url" code_challenge_method)" = S256 &&
	test "$(qparam "$url" response_type)" = code &&
	test "$(qparam "$url" client_id)" = tokenpass-test &&
	qparam "$url" code_challenge &&
	qparam "$url" state &&
	qparam "$url" scope >scope &&
	test_grep -w refresh_token scope &&
	test_grep -w session:role:ANALYST scope &&
	ruri=$(qparam "$url" redirect_uri) &&
	case "$ruri" in http://127.0.0.1:*/*) ;; *) false ;; esac &&
	test "$(cat "$TRASH/callback.status")" = 200 &&
	test "$(tokenserver_count authorization_code)" = 1
'

test_expect_success 'the credential is stored as oauth and get answers a token the server accepts' '
	tokenpass list --json >list &&
	test_grep "\"kind\":[[:space:]]*\"oauth\"" list &&
	test_grep "\"host\":[[:space:]]*\"$TS_HOST\"" list &&
	tok=$(tp_token "$TS_HOST" ANALYST) &&
	test -n "$tok" &&
	test "$(tokenserver_token_status "$tok")" = 422 &&
	test "$(tokenserver_count refresh_token)" = 0
'

test_expect_success 'no token or client secret in what login printed' '
	tok=$(tp_token "$TS_HOST" ANALYST) &&
	! grep -F -e "$tok" -e test-secret "$TRASH/login.err" "$TRASH/login.out" &&
	! grep -F -e "$tok" "$TS_DIR/server.log"
'

test_expect_success 'the stored client secret renews the token (refresh --force)' '
	old=$(tp_token "$TS_HOST" ANALYST) &&
	timeout 60 tokenpass refresh --host "$TS_HOST" --user ANALYST --force &&
	test "$(tokenserver_count refresh_token)" = 1 &&
	new=$(tp_token "$TS_HOST" ANALYST) &&
	test "$new" != "$old" &&
	test "$(tokenserver_token_status "$new")" = 422
'

test_expect_success 'login with a wrong client secret fails and stores nothing' '
	OAUTH_SECRET=wrong-secret &&
	test_must_fail oauth_login \
		--host "$TS_HOST" --user WRONGSECRET --client-id tokenpass-test &&
	test_grep "invalid_client\|client" "$TRASH/login.err" &&
	tokenpass list --json >list &&
	test_grep ! WRONGSECRET list
'

test_expect_success 'an error on the redirect (unknown client) fails and stores nothing' '
	rm -f err
	printf "x\n" | timeout 30 tokenpass login --no-browser --host "$TS_HOST" \
		--user NOCLIENT --client-id nobody >out 2>err &
	pid=$! &&
	url=$(oauth_login_url err) &&
	oauth_drive "$url" >/dev/null;
	wait $pid;
	rc=$? &&
	test $rc -ne 0 && test $rc -lt 124 &&
	test_grep "invalid_client" err &&
	tokenpass list --json >list &&
	test_grep ! NOCLIENT list
'

test_expect_success 'login --grant client-credentials' '
	printf "test-secret\n" | timeout 30 tokenpass login \
		--grant client-credentials --host "$TS_HOST" --user LOADER \
		--token-url "$TS_URL/oauth/token-request" \
		--client-id tokenpass-test --scope session:role:LOADER 2>err &&
	test "$(tokenserver_count client_credentials)" = 1 &&
	tok=$(tp_token "$TS_HOST" LOADER) &&
	test "$(tokenserver_token_status "$tok")" = 422 &&
	! grep -F -e "$tok" -e test-secret err
'

test_expect_success 'login --dsn stores an app-level credential' '
	oauth_login --host "$TS_HOST" --user APPUSER --dsn Analytics \
		--client-id tokenpass-test &&
	tokenpass list --json >list &&
	test_grep "\"dsn\":[[:space:]]*\"Analytics\"" list
'

if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
	test_done
fi

for rotate in always never; do
	test_setup "start oidc-provider (rotation $rotate)" "
		oidc_start --rotate $rotate
	"

	test_expect_success "login against oidc-provider (rotation $rotate)" '
		oauth_login --host "$OIDC_HOST" --user alice-'$rotate' \
			--client-id tokenpass-test \
			--authorize-url "$OIDC_URL/oauth/authorize" \
			--token-url "$OIDC_URL/oauth/token-request" &&
		tok=$(tp_token "$OIDC_HOST" alice-'$rotate') &&
		test -n "$tok" &&
		curl -sS -u tokenpass-test:test-secret \
			--data-urlencode "token=$tok" \
			"$OIDC_URL/oauth/introspect" >intro &&
		test "$(json_get active <intro)" = true
	'

	test_expect_success "renewals keep working (rotation $rotate)" '
		t0=$(tp_token "$OIDC_HOST" alice-'$rotate') &&
		timeout 60 tokenpass refresh --host "$OIDC_HOST" \
			--user alice-'$rotate' --force &&
		t1=$(tp_token "$OIDC_HOST" alice-'$rotate') &&
		timeout 60 tokenpass refresh --host "$OIDC_HOST" \
			--user alice-'$rotate' --force &&
		t2=$(tp_token "$OIDC_HOST" alice-'$rotate') &&
		test "$t0" != "$t1" && test "$t1" != "$t2" &&
		curl -sS -u tokenpass-test:test-secret \
			--data-urlencode "token=$t2" \
			"$OIDC_URL/oauth/introspect" >intro &&
		test "$(json_get active <intro)" = true
	'
done

test_done
