#!/bin/sh
test_description='a failing token endpoint: exit 6, one clear line, the credential untouched'
. "$TP_SRC_DIR/tests/lib/test-lib.sh"
. "$TP_SRC_DIR/tests/lib/keyring.sh"
. "$TP_SRC_DIR/tests/lib/tokenserver.sh"
. "$TP_SRC_DIR/tests/lib/oidc.sh"

TOKENPASS_HTTP_TIMEOUT=2
export TOKENPASS_HTTP_TIMEOUT

test_setup 'keyring, server, and a signed-in ANALYST' '
	keyring_start &&
	tokenserver_start &&
	oauth_login --host "$TS_HOST" --user ANALYST --client-id tokenpass-test &&
	tok=$(tp_token "$TS_HOST" ANALYST) &&
	exp=$(sed -n "s/^password_expiry_utc=//p" "$TRASH/.tp_get") &&
	test -n "$tok" && test -n "$exp"
'

# check_fault NAME: with the server misbehaving, refresh --force exits 6
# with one line, get answers the still-valid token with a warning, get
# of a token that ran out exits 6 with no password, the server did see
# the requests, and the keyring item is byte for byte what it was.
check_fault () {
	item_snapshot "$TS_HOST" ANALYST >before &&
	test_grep "^secret = " before &&
	n=$(tokenserver_count refresh_token) &&
	test_expect_code 6 timeout 60 tokenpass refresh --host "$TS_HOST" \
		--user ANALYST --force 2>err &&
	test $(wc -l <err) -eq 1 &&
	test_grep "^tokenpass: " err &&
	TOKENPASS_NOW=$((exp - 60)) tp_get "$TS_HOST" ANALYST >out 2>warn &&
	test_grep "^password=$tok\$" out &&
	test -s warn &&
	TOKENPASS_NOW=$((exp + 10)) &&
	export TOKENPASS_NOW &&
	test_expect_code 6 tp_get "$TS_HOST" ANALYST >out 2>err2 &&
	test_grep ! "^password=" out &&
	test $(wc -l <err2) -eq 1 &&
	test "$(tokenserver_count refresh_token)" -ge $((n + 3)) &&
	item_snapshot "$TS_HOST" ANALYST >after &&
	test_cmp before after
}

test_expect_success 'HTTP 500 with an HTML page' '
	tokenserver_config "{\"fault\": \"500\"}" &&
	ts_finally "tokenserver_config {}" &&
	check_fault &&
	test_grep "500" err
'

# The server stalls past check_fault's 60 s bound, so exit 6 (not
# timeout's 124) shows that tokenpass's own 2 s timeout fired. No clock
# is read: a loaded machine may take seconds longer.
test_expect_success 'a stalled server: the timeout fires' '
	tokenserver_config "{\"fault\": \"stall\", \"stall_seconds\": 120}" &&
	ts_finally "tokenserver_config {}" &&
	check_fault &&
	test_grep -i "time" err
'

test_expect_success 'truncated JSON' '
	tokenserver_config "{\"fault\": \"truncated\"}" &&
	ts_finally "tokenserver_config {}" &&
	check_fault
'

test_expect_success 'a 10 MB body' '
	tokenserver_config "{\"fault\": \"huge\"}" &&
	ts_finally "tokenserver_config {}" &&
	check_fault
'

test_expect_success 'JSON served as text/html' '
	tokenserver_config "{\"fault\": \"content-type\"}" &&
	ts_finally "tokenserver_config {}" &&
	check_fault
'

test_expect_success 'the connection dropped without an answer' '
	tokenserver_config "{\"fault\": \"drop\"}" &&
	ts_finally "tokenserver_config {}" &&
	check_fault
'

test_expect_success 'the server works again: renewal resumes' '
	tokenserver_config "{}" &&
	timeout 60 tokenpass refresh --host "$TS_HOST" --user ANALYST --force &&
	new=$(tp_token "$TS_HOST" ANALYST) &&
	test "$new" != "$tok" &&
	test "$(tokenserver_token_status "$new")" = 422
'

test_setup 'the token as it is now' '
	tok=$(tp_token "$TS_HOST" ANALYST) &&
	exp=$(sed -n "s/^password_expiry_utc=//p" "$TRASH/.tp_get")
'

test_expect_success 'a certificate for another name is refused' '
	item_snapshot "$TS_HOST" ANALYST >before &&
	(
		TS_PORT_WANT=$TS_PORT &&
		ts_finally tokenserver_stop &&
		tokenserver_start --wrong-name &&
		test_expect_code 6 timeout 60 tokenpass refresh --host "$TS_HOST" \
			--user ANALYST --force 2>err
		rc=$?
		tokenserver_stop
		exit $rc
	) &&
	test $(wc -l <err) -eq 1 &&
	test_grep -i "certificate\|tls\|ssl" err &&
	item_snapshot "$TS_HOST" ANALYST >after &&
	test_cmp before after
'

test_expect_success 'no server at all' '
	tokenserver_stop &&
	item_snapshot "$TS_HOST" ANALYST >before &&
	test_expect_code 6 timeout 60 tokenpass refresh --host "$TS_HOST" \
		--user ANALYST --force 2>err &&
	test $(wc -l <err) -eq 1 &&
	TOKENPASS_NOW=$((exp - 60)) tp_get "$TS_HOST" ANALYST >out 2>warn &&
	test_grep "^password=$tok\$" out &&
	test_expect_code 6 env TOKENPASS_NOW=$((exp + 10)) sh -c "
		printf \"protocol=https\nhost=%s\nusername=ANALYST\n\n\" \"$TS_HOST\" |
		tokenpass get" >out &&
	test_must_be_empty out &&
	item_snapshot "$TS_HOST" ANALYST >after &&
	test_cmp before after
'

test_done
