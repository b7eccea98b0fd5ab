#!/bin/sh
test_description='single-flight renewal: 50 gets at once, one token request'
. "$TP_SRC_DIR/tests/lib/test-lib.sh"
. "$TP_SRC_DIR/tests/lib/keyring.sh"
. "$TP_SRC_DIR/tests/lib/tokenserver.sh"
. "$TP_SRC_DIR/tests/lib/oidc.sh"

test_setup 'keyring, server, and a signed-in ANALYST' '
	keyring_start &&
	tokenserver_start &&
	oauth_login --host "$TS_HOST" --user ANALYST --client-id tokenpass-test
'

# fifty_gets CLOCK: 50 'tokenpass get' started together with the clock at
# CLOCK; their answers in get.N, exit codes in rc.N.
fifty_gets () {
	for i in $(seq 50); do
		(
			TOKENPASS_NOW=$1 tp_get "$TS_HOST" ANALYST >get.$i 2>err.$i
			echo $? >rc.$i
		) &
	done
	wait
}

for mode in plain single-use; do
	test_expect_success "50 gets on an expiring token: one refresh ($mode)" '
		if test '$mode' = single-use; then
			tokenserver_config "{\"delay_ms\": 300, \"single_use_refresh\": true}"
		else
			tokenserver_config "{\"delay_ms\": 300}"
		fi &&
		ts_finally "tokenserver_config {}" &&
		old=$(tp_token "$TS_HOST" ANALYST) &&
		n=$(tokenserver_count refresh_token) &&
		test -n "$(sed -n "s/^password_expiry_utc=//p" "$TRASH/.tp_get")" &&
		exp=$(sed -n "s/^password_expiry_utc=//p" "$TRASH/.tp_get") &&
		clock=$((exp - 60)) &&
		fifty_gets $clock &&
		cat rc.* | sort | uniq -c >codes &&
		test "$(tr -s " " <codes)" = " 50 0" &&
		test "$(tokenserver_count refresh_token)" = $((n + 1)) &&
		sed -n "s/^password=//p" get.* | sort | uniq -c >tokens &&
		test $(wc -l <tokens) -eq 1 &&
		new=$(sed -n "s/^password=//p" get.1) &&
		test "$new" != "$old" &&
		test "$(tokenserver_token_status "$new")" = 422 &&
		test "$(tp_token "$TS_HOST" ANALYST)" = "$new"
	'
done

test_expect_success 'a renewing process killed mid-request leaves a usable credential' '
	tokenserver_config "{\"delay_ms\": 3000}" &&
	ts_finally "tokenserver_config {}" &&
	tp_token "$TS_HOST" ANALYST >/dev/null &&
	exp=$(sed -n "s/^password_expiry_utc=//p" "$TRASH/.tp_get") &&
	old=$(sed -n "s/^password=//p" "$TRASH/.tp_get") &&
	printf "protocol=https\nhost=%s\nusername=ANALYST\n\n" "$TS_HOST" |
		TOKENPASS_NOW=$((exp - 60)) tokenpass get >killed.out 2>&1 &
	pid=$! &&
	sleep 1 &&
	kill -9 $pid && { wait $pid; true; } &&
	tokenserver_config "{}" &&
	TOKENPASS_NOW=$((exp - 60)) tp_get "$TS_HOST" ANALYST >out &&
	new=$(sed -n "s/^password=//p" out) &&
	test -n "$new" && test "$new" != "$old" &&
	test "$(tokenserver_token_status "$new")" = 422
'

test_done
