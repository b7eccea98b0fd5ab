#!/bin/sh
test_description='a refused refresh token: exit 5, the sign-in command, nothing lost'
# The helper keeps every token and only marks the item "needs_login", so
# the item is compared without that mark (item_tokens).
. "$TP_SRC_DIR/tests/lib/test-lib.sh"
. "$TP_SRC_DIR/tests/lib/keyring.sh"
. "$TP_SRC_DIR/tests/lib/tokenserver.sh"
. "$TP_SRC_DIR/tests/lib/oidc.sh"

# expect_login_hint FILE USER: one error line that names the exact
# command to sign in again.
expect_login_hint () {
	test_grep "tokenpass login .*--host $TS_HOST --user $2" "$1" &&
	test $(grep -c "^tokenpass: " "$1") -ge 1
}

test_setup 'keyring, server, and a signed-in ANALYST' '
	keyring_start &&
	tokenserver_start &&
	oauth_login --host "$TS_HOST" --user ANALYST --client-id tokenpass-test \
		--role ANALYST
'

test_expect_success 'revoked grant: refresh exits 5 and names the login command' '
	tokenserver_revoke &&
	item_tokens "$TS_HOST" ANALYST >before &&
	test_expect_code 5 timeout 60 tokenpass refresh --host "$TS_HOST" \
		--user ANALYST --force 2>err &&
	expect_login_hint err ANALYST &&
	item_tokens "$TS_HOST" ANALYST >after &&
	test_cmp before after &&
	secret-tool search --all host "$TS_HOST" user ANALYST >item 2>&1 &&
	test_grep "\"needs_login\":true" item
'

test_expect_success 'revoked grant, access token run out: get exits 5, prints no password' '
	item_tokens "$TS_HOST" ANALYST >before &&
	TOKENPASS_NOW=$(($(date +%s) + 700)) &&
	export TOKENPASS_NOW &&
	test_expect_code 5 tp_get "$TS_HOST" ANALYST >out 2>err &&
	test_grep ! "^password=" out &&
	expect_login_hint err ANALYST &&
	item_tokens "$TS_HOST" ANALYST >after &&
	test_cmp before after
'

test_expect_success 'list shows that a new sign-in is needed' '
	tokenpass list --json >list &&
	test_grep ! "\"status\":[[:space:]]*\"ok\"" list
'

test_expect_success 'signing in again repairs it' '
	oauth_login --host "$TS_HOST" --user ANALYST --client-id tokenpass-test \
		--role ANALYST &&
	timeout 60 tokenpass refresh --host "$TS_HOST" --user ANALYST --force &&
	tokenpass list --json >list &&
	test_grep "\"status\":[[:space:]]*\"ok\"" list
'

test_expect_success 'an expired refresh token: exit 5, item unchanged' '
	tokenserver_config "{\"refresh_ttl\": 1}" &&
	ts_finally "tokenserver_config {}" &&
	oauth_login --host "$TS_HOST" --user SHORT --client-id tokenpass-test &&
	sleep 1.5 &&
	item_tokens "$TS_HOST" SHORT >before &&
	test_expect_code 5 timeout 60 tokenpass refresh --host "$TS_HOST" \
		--user SHORT --force 2>err &&
	expect_login_hint err SHORT &&
	item_tokens "$TS_HOST" SHORT >after &&
	test_cmp before after
'

test_expect_success 'the login hint keeps the client id and role' '
	oauth_login --host "$TS_HOST" --user ROLEUSER --client-id tokenpass-test \
		--role REPORTER &&
	tokenserver_revoke &&
	test_expect_code 5 timeout 60 tokenpass refresh --host "$TS_HOST" \
		--user ROLEUSER --force 2>err &&
	test_grep -e "--client-id tokenpass-test" err &&
	test_grep -e "--role REPORTER" err
'

test_expect_success 'a client secret that stopped working: exit 5, tokens kept' '
	oauth_login --host "$TS_HOST" --user ROTSEC --client-id tokenpass-test &&
	tokenserver_config "{\"clients\": {\"tokenpass-test\": \"new-secret\"}}" &&
	ts_finally "tokenserver_config {}" &&
	item_tokens "$TS_HOST" ROTSEC >before &&
	test_expect_code 5 timeout 60 tokenpass refresh --host "$TS_HOST" \
		--user ROTSEC --force 2>err &&
	test_grep "invalid_client" err &&
	expect_login_hint err ROTSEC &&
	item_tokens "$TS_HOST" ROTSEC >after &&
	test_cmp before after
'

if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
	test_done
fi

test_setup 'oidc-provider rotating always, a signed-in carol' '
	oidc_start --rotate always &&
	oauth_login --host "$OIDC_HOST" --user carol --client-id tokenpass-test \
		--authorize-url "$OIDC_URL/oauth/authorize" \
		--token-url "$OIDC_URL/oauth/token-request"
'

test_expect_success 'oidc-provider forgot the grant (restarted): exit 5, item unchanged' '
	timeout 60 tokenpass refresh --host "$OIDC_HOST" --user carol --force &&
	item_tokens "$OIDC_HOST" carol >before &&
	port=$OIDC_PORT &&
	ts_finally oidc_stop &&
	oidc_start --rotate always --port $port &&
	test "$OIDC_PORT" = "$port" &&
	test_expect_code 5 timeout 60 tokenpass refresh --host "$OIDC_HOST" \
		--user carol --force 2>err &&
	test_grep "tokenpass login .*--host $OIDC_HOST --user carol" err &&
	item_tokens "$OIDC_HOST" carol >after &&
	test_cmp before after
'

test_done
