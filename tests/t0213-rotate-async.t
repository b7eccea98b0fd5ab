#!/bin/sh
test_description='PAT rotation when the SQL API answers 202: the handle is polled'
. "$TP_SRC_DIR/tests/lib/test-lib.sh"
. "$TP_SRC_DIR/tests/lib/keyring.sh"
. "$TP_SRC_DIR/tests/lib/tokenserver.sh"
. "$TP_SRC_DIR/tests/lib/oidc.sh"

test_setup 'keyring, server, a signed-in ADMIN and a PAT of SVC_BI' '
	keyring_start &&
	tokenserver_start &&
	oauth_login --host "$TS_HOST" --user ADMIN --client-id tokenpass-test &&
	tokenserver_set_pat SVC_BI BI_PAT old-secret 3 &&
	printf "old-secret\n" | tokenpass add-pat --host "$TS_HOST" \
		--user SVC_BI --name BI_PAT --days 3 --admin ADMIN
'

test_expect_success '202, then the result: the rotated PAT is stored' '
	tokenserver_config "{\"statement_polls\": 1}" &&
	ts_finally "tokenserver_config {}" &&
	tokenserver_reset &&
	timeout 60 tokenpass rotate --host "$TS_HOST" --user SVC_BI \
		--admin ADMIN >out 2>err &&
	test "$(tokenserver_stats | json_get statements)" = 1 &&
	test "$(tokenserver_stats | json_get statement_polls)" = 1 &&
	new=$(tokenserver_pat SVC_BI BI_PAT) &&
	test "$new" != old-secret &&
	test "$(tp_token "$TS_HOST" SVC_BI)" = "$new" &&
	test_grep BI_PAT out &&
	test_must_be_empty err
'

test_expect_success 'three 202s in a row: polled until the result comes' '
	tokenserver_config "{\"statement_polls\": 4}" &&
	ts_finally "tokenserver_config {}" &&
	tokenserver_reset &&
	prev=$(tp_token "$TS_HOST" SVC_BI) &&
	timeout 60 tokenpass rotate --host "$TS_HOST" --user SVC_BI \
		--admin ADMIN >out 2>err &&
	test "$(tokenserver_stats | json_get statement_polls)" = 4 &&
	test "$(tokenserver_pat SVC_BI BI_PAT previous_secret)" = "$prev" &&
	test "$(tp_token "$TS_HOST" SVC_BI)" = "$(tokenserver_pat SVC_BI BI_PAT)"
'

test_expect_success 'refresh --force rotates through a 202 too' '
	tokenserver_config "{\"statement_polls\": 2}" &&
	ts_finally "tokenserver_config {}" &&
	timeout 60 tokenpass refresh --host "$TS_HOST" --user SVC_BI \
		--force >out 2>err &&
	test "$(tp_token "$TS_HOST" SVC_BI)" = "$(tokenserver_pat SVC_BI BI_PAT)"
'

test_done
