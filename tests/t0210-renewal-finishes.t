#!/bin/sh
test_description='a renewal that has begun always finishes, whoever stops waiting'
. "$TP_SRC_DIR/tests/lib/test-lib.sh"
. "$TP_SRC_DIR/tests/lib/helper-test.sh"
. "$TP_SRC_DIR/tests/lib/keyring.sh"
. "$TP_SRC_DIR/tests/lib/tokenserver.sh"
. "$TP_SRC_DIR/tests/lib/oidc.sh"

# Single-use refresh tokens: a renewal cut between the server's answer and
# the keyring write loses the credential (the stored refresh token was
# spent; using it again revokes the grant). Each trial renews (a margin
# larger than the token's life makes every get renew); the token endpoint
# answers 300 ms after the request arrives, and kills the caller 0 to
# 599 ms after it arrived (kill_after_ms in tests/server/snowflake.py: to
# the millisecond, whatever the load): the hook's SIGKILL of 'tokenpass
# get' at its timeout (odd trials), or Ctrl-C on a terminal running 'git
# credential fill', which kills its whole process group, helper included
# (even trials). The sanitizer build runs half as many (its processes
# start slower); the plain build, alone and with an agent, runs 200.
TRIALS=${TP_TRIALS:-200}
test -n "${TP_SANITIZERS:-}" && TRIALS=${TP_TRIALS:-100}

single_use () {
	tokenserver_config "{\"single_use_refresh\": true}"
}

test_setup 'keyring, server with single-use refresh tokens, ANALYST' '
	keyring_start &&
	tokenserver_start &&
	tokenserver_config "{\"single_use_refresh\": true}" &&
	oauth_login --host "$TS_HOST" --user ANALYST \
		--client-id tokenpass-test &&
	git config --global credential.helper tokenpass &&
	tp_token "$TS_HOST" ANALYST >/dev/null
'

# Wait until no renewal of the credential is in flight: its lock is free.
wait_renewal () {
	for lock in "$XDG_RUNTIME_DIR"/tokenpass/*.lock; do
		flock -w 30 "$lock" true || return 1
	done
}

test_expect_success "$TRIALS trials: the caller leaves, the renewal completes" '
	TOKENPASS_REFRESH_MARGIN=86400 &&
	export TOKENPASS_REFRESH_MARGIN GIT_TERMINAL_PROMPT=0 &&
	ts_finally single_use &&
	printf "protocol=https\nhost=%s\nusername=ANALYST\n\n" "$TS_HOST" \
		>request &&
	before=0 after=0 none=0 i=0 &&
	while test $i -lt $TRIALS
	do
		i=$((i + 1)) &&
		# the server answers at 300 ms and kills the caller at 0..599
		kill_ms=$(( (i * 7919) % 600 )) &&
		group=$(test $((i % 2)) = 0 && echo true || echo false) &&
		tokenserver_config "{\"single_use_refresh\": true,
			\"delay_ms\": 300, \"kill_after_ms\": $kill_ms,
			\"kill_group\": $group}" &&
		rm -f "$TS_DIR/caller.pid" &&
		n0=$(tokenserver_count refresh_token) &&
		if test $group = false
		then
			sh -c "echo \$\$ >\"$TS_DIR/caller.pid\" &&
				exec tokenpass get" <request >out 2>err &
		else
			setsid sh -c "echo \$\$ >\"$TS_DIR/caller.pid\" &&
				exec git credential fill" <request >out 2>err &
		fi &&
		{ wait $!; true; } &&
		wait_renewal &&
		n1=$(tokenserver_count refresh_token) &&
		if grep -q "^password=" out
		then
			before=$((before + 1))
		elif test $n1 -gt $n0
		then
			after=$((after + 1))
		else
			none=$((none + 1))
		fi || return 1
	done &&
	echo "# finished before the caller left: $before; after: $after;" \
		"no request made: $none" | tee split &&
	cp split "$TP_BUILD_DIR/tests/t0210-split.txt" &&
	! grep "refresh token reuse" "$TS_DIR/server.log" &&
	! grep "token-request 400" "$TS_DIR/server.log" &&
	tokenpass list --json >list &&
	! grep "sign-in needed" list &&
	test_grep "\"status\":[[:space:]]*\"ok\"" list &&
	test $((before + after)) = $TRIALS &&
	test $none = 0
'

test_expect_success 'afterwards the stored refresh token works at the server' '
	tokenserver_config "{\"single_use_refresh\": true}" &&
	n=$(tokenserver_count refresh_token) &&
	timeout 60 tokenpass refresh --host "$TS_HOST" --user ANALYST --force &&
	test "$(tokenserver_count refresh_token)" = $((n + 1)) &&
	t=$(tp_token "$TS_HOST" ANALYST) &&
	test "$(tokenserver_token_status "$t")" = 422 &&
	tokenpass check >check.out &&
	test_must_be_empty check.out
'

test_expect_success 'a caller that gives up gets its answer in time: old token, warning' '
	tokenserver_config "{\"single_use_refresh\": true, \"delay_ms\": 3000}" &&
	ts_finally single_use &&
	old=$(tp_token "$TS_HOST" ANALYST) &&
	printf "protocol=https\nhost=%s\nusername=ANALYST\n\n" "$TS_HOST" |
	TOKENPASS_REFRESH_MARGIN=86400 TOKENPASS_ANSWER_TIMEOUT=1 \
		tokenpass get >out 2>err &&
	grep "^password=$old\$" out &&
	test_grep "did not answer within 1 s; the renewal goes on" err &&
	wait_renewal &&
	new=$(tp_token "$TS_HOST" ANALYST) &&
	test "$new" != "$old" &&
	test "$(tokenserver_token_status "$new")" = 422
'

test_expect_success 'an expired token and a slow endpoint: exit 6 in time, renewal kept' '
	tokenserver_config "{\"single_use_refresh\": true, \"delay_ms\": 3000}" &&
	ts_finally single_use &&
	tp_get "$TS_HOST" ANALYST >cur &&
	exp=$(sed -n "s/^password_expiry_utc=//p" cur) &&
	printf "protocol=https\nhost=%s\nusername=ANALYST\n\n" "$TS_HOST" >in &&
	TOKENPASS_NOW=$((exp + 10)) TOKENPASS_ANSWER_TIMEOUT=1 \
		tp_run out err tokenpass get &&
	test $rc = 6 &&
	test_must_be_empty out &&
	test_grep "the renewal goes on in the background" err &&
	wait_renewal &&
	tokenserver_config "{\"single_use_refresh\": true}" &&
	tp_get "$TS_HOST" ANALYST >now &&
	test "$(sed -n "s/^password_expiry_utc=//p" now)" -gt "$exp"
'

test_done
