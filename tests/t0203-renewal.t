#!/bin/sh
test_description='renewal of OAuth access tokens: in get, refresh, refresh --all'
. "$TP_SRC_DIR/tests/lib/test-lib.sh"
. "$TP_SRC_DIR/tests/lib/keyring.sh"
. "$TP_SRC_DIR/tests/lib/tokenserver.sh"
. "$TP_SRC_DIR/tests/lib/oidc.sh"

test_setup 'keyring, server, and a signed-in ANALYST' '
	keyring_start &&
	tokenserver_start &&
	oauth_login --host "$TS_HOST" --user ANALYST --client-id tokenpass-test
'

test_expect_success 'get does not renew a token far from expiry' '
	t1=$(tp_token "$TS_HOST" ANALYST) &&
	t2=$(tp_token "$TS_HOST" ANALYST) &&
	test -n "$t1" && test "$t1" = "$t2" &&
	test "$(tokenserver_count refresh_token)" = 0
'

test_expect_success 'refresh without --force leaves a fresh token alone' '
	t1=$(tp_token "$TS_HOST" ANALYST) &&
	timeout 60 tokenpass refresh --host "$TS_HOST" --user ANALYST &&
	test "$(tokenserver_count refresh_token)" = 0 &&
	test "$(tp_token "$TS_HOST" ANALYST)" = "$t1"
'

test_expect_success 'get renews a token within the margin (clock moved on)' '
	t1=$(tp_token "$TS_HOST" ANALYST) &&
	TOKENPASS_NOW=$(($(date +%s) + 500)) &&
	export TOKENPASS_NOW &&
	t2=$(tp_token "$TS_HOST" ANALYST) &&
	test "$(tokenserver_count refresh_token)" = 1 &&
	test "$t2" != "$t1" &&
	test "$(tokenserver_token_status "$t2")" = 422 &&
	t3=$(tp_token "$TS_HOST" ANALYST) &&
	test "$t3" = "$t2" &&
	test "$(tokenserver_count refresh_token)" = 1
'

test_expect_success 'TOKENPASS_REFRESH_MARGIN widens the margin' '
	t1=$(tp_token "$TS_HOST" ANALYST) &&
	n=$(tokenserver_count refresh_token) &&
	t2=$(TOKENPASS_REFRESH_MARGIN=3000 tp_token "$TS_HOST" ANALYST) &&
	test "$(tokenserver_count refresh_token)" = $((n + 1)) &&
	test "$t2" != "$t1"
'

# The token runs out by an event, not by sleeping: the server expires it
# (/_test/expire) and tokenpass's test clock moves past its expiry, so a
# loaded machine cannot make a fresh token look old or an old one fresh.
test_expect_success 'a 60 s access token is renewed by get once it has run out' '
	tokenserver_config "{\"access_ttl\": 60}" &&
	ts_finally "tokenserver_config {}" &&
	TOKENPASS_REFRESH_MARGIN=1 TOKENPASS_NOW=$(date +%s) &&
	export TOKENPASS_REFRESH_MARGIN TOKENPASS_NOW &&
	timeout 60 tokenpass refresh --host "$TS_HOST" --user ANALYST --force &&
	n=$(tokenserver_count refresh_token) &&
	t1=$(tp_token "$TS_HOST" ANALYST) &&
	test "$(tokenserver_token_status "$t1")" = 422 &&
	tokenserver_expire &&
	test "$(tokenserver_token_status "$t1")" = 401 &&
	TOKENPASS_NOW=$((TOKENPASS_NOW + 61)) &&
	t2=$(tp_token "$TS_HOST" ANALYST) &&
	test "$t2" != "$t1" &&
	test "$(tokenserver_count refresh_token)" = $((n + 1)) &&
	test "$(tokenserver_token_status "$t2")" = 422 &&
	tp_get "$TS_HOST" ANALYST >answer &&
	test "$(tokenserver_count refresh_token)" = $((n + 1)) &&
	exp=$(sed -n "s/^password_expiry_utc=//p" answer) &&
	test "$exp" = $((TOKENPASS_NOW + 60))
'

test_expect_success 'without rotation the refresh token and its expiry are kept' '
	tokenpass list --json >before &&
	grep "refresh_expires" before >rexp1 &&
	timeout 60 tokenpass refresh --host "$TS_HOST" --user ANALYST --force &&
	timeout 60 tokenpass refresh --host "$TS_HOST" --user ANALYST --force &&
	tokenpass list --json >after &&
	grep "refresh_expires" after >rexp2 &&
	test_cmp rexp1 rexp2
'

test_expect_success 'single-use refresh tokens: each new one is stored and used' '
	tokenserver_config "{\"single_use_refresh\": true}" &&
	ts_finally "tokenserver_config {}" &&
	n=$(tokenserver_count refresh_token) &&
	for i in 1 2 3; do
		timeout 60 tokenpass refresh --host "$TS_HOST" --user ANALYST \
			--force || return 1
	done &&
	test "$(tokenserver_count refresh_token)" = $((n + 3)) &&
	! grep "reuse" "$TS_DIR/server.log" &&
	test "$(tokenserver_token_status "$(tp_token "$TS_HOST" ANALYST)")" = 422
'

test_expect_success 'refresh --all renews every OAuth credential near expiry' '
	oauth_login --host "$TS_HOST" --user SECOND --client-id tokenpass-test &&
	n=$(tokenserver_count refresh_token) &&
	a1=$(tp_token "$TS_HOST" ANALYST) &&
	b1=$(tp_token "$TS_HOST" SECOND) &&
	TOKENPASS_NOW=$(($(date +%s) + 550)) timeout 60 tokenpass refresh --all &&
	test "$(tokenserver_count refresh_token)" = $((n + 2)) &&
	test "$(tp_token "$TS_HOST" ANALYST)" != "$a1" &&
	test "$(tp_token "$TS_HOST" SECOND)" != "$b1" &&
	timeout 60 tokenpass refresh --all &&
	test "$(tokenserver_count refresh_token)" = $((n + 2))
'

test_expect_success 'a renewed token keeps working when the server sends no refresh expiry' '
	tokenserver_config "{\"send_refresh_expires_in\": false, \"single_use_refresh\": true}" &&
	ts_finally "tokenserver_config {}" &&
	timeout 60 tokenpass refresh --host "$TS_HOST" --user ANALYST --force &&
	timeout 60 tokenpass refresh --host "$TS_HOST" --user ANALYST --force &&
	tokenpass list --json >list &&
	test_grep "\"status\":[[:space:]]*\"ok\"" list
'

if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
	test_done
fi

# The tokens run out on tokenpass's test clock (61 s a step), not by
# sleeping: a 60 s token is still alive at the server when it is checked,
# however loaded the machine.
for rotate in always never; do
	test_setup "oidc-provider with 60 s access tokens, rotation $rotate" "
		oidc_start --rotate $rotate --at-ttl 60 &&
		oauth_login --host \"\$OIDC_HOST\" --user bob-$rotate \
			--client-id tokenpass-test \
			--authorize-url \"\$OIDC_URL/oauth/authorize\" \
			--token-url \"\$OIDC_URL/oauth/token-request\"
	"

	test_expect_success "get renews through oidc-provider, twice (rotation $rotate)" '
		TOKENPASS_REFRESH_MARGIN=1 TOKENPASS_NOW=$(date +%s) &&
		export TOKENPASS_REFRESH_MARGIN TOKENPASS_NOW &&
		t0=$(tp_token "$OIDC_HOST" bob-'$rotate') &&
		TOKENPASS_NOW=$((TOKENPASS_NOW + 61)) &&
		t1=$(tp_token "$OIDC_HOST" bob-'$rotate') &&
		TOKENPASS_NOW=$((TOKENPASS_NOW + 61)) &&
		t2=$(tp_token "$OIDC_HOST" bob-'$rotate') &&
		test "$t0" != "$t1" && test "$t1" != "$t2" &&
		curl -sS -u tokenpass-test:test-secret \
			--data-urlencode "token=$t2" \
			"$OIDC_URL/oauth/introspect" >intro &&
		test "$(json_get active <intro)" = true
	'
done

test_done
