#!/bin/sh
test_description='PAT rotation through the SQL API, with an admin OAuth credential'
. "$TP_SRC_DIR/tests/lib/test-lib.sh"
. "$TP_SRC_DIR/tests/lib/keyring.sh"
. "$TP_SRC_DIR/tests/lib/tokenserver.sh"
. "$TP_SRC_DIR/tests/lib/oidc.sh"

test_setup 'keyring, server, a signed-in ADMIN and a PAT of SVC_BI' '
	keyring_start &&
	tokenserver_start &&
	tokenserver_pat_admin
'

test_expect_success 'rotate: the new secret is stored, the old one kept at the server' '
	tokenserver_reset &&
	test "$(tp_token "$TS_HOST" SVC_BI)" = old-secret &&
	timeout 60 tokenpass rotate --host "$TS_HOST" --user SVC_BI \
		--admin ADMIN >out 2>err &&
	test "$(tokenserver_stats | json_get statements)" = 1 &&
	new=$(tokenserver_pat SVC_BI BI_PAT) &&
	test "$(tokenserver_pat SVC_BI BI_PAT previous_secret)" = old-secret &&
	test "$(tp_token "$TS_HOST" SVC_BI)" = "$new" &&
	test_grep BI_PAT out &&
	! grep -F -e "$new" out err
'

test_expect_success 'rotate again: each rotation replaces the previous secret' '
	prev=$(tp_token "$TS_HOST" SVC_BI) &&
	timeout 60 tokenpass rotate --host "$TS_HOST" --user SVC_BI \
		--admin ADMIN &&
	test "$(tokenserver_pat SVC_BI BI_PAT previous_secret)" = "$prev" &&
	test "$(tp_token "$TS_HOST" SVC_BI)" = "$(tokenserver_pat SVC_BI BI_PAT)"
'

test_expect_success 'a PAT the server does not know (422): the old one stays' '
	printf "stale-secret\n" | tokenpass add-pat --host "$TS_HOST" \
		--user SVC_GONE --name GONE_PAT --days 3 &&
	item_snapshot "$TS_HOST" SVC_GONE >before &&
	test_must_fail timeout 60 tokenpass rotate --host "$TS_HOST" \
		--user SVC_GONE --admin ADMIN 2>err &&
	test_grep "does not exist or not authorized" err &&
	test $(wc -l <err) -eq 1 &&
	test "$(tp_token "$TS_HOST" SVC_GONE)" = stale-secret &&
	item_snapshot "$TS_HOST" SVC_GONE >after &&
	test_cmp before after
'

test_expect_success 'the SQL API failing (500): exit 6, the old PAT stays' '
	tokenserver_config "{\"fault\": \"500\"}" &&
	ts_finally "tokenserver_config {}" &&
	item_snapshot "$TS_HOST" SVC_BI >before &&
	test_expect_code 6 timeout 60 tokenpass rotate --host "$TS_HOST" \
		--user SVC_BI --admin ADMIN 2>err &&
	item_snapshot "$TS_HOST" SVC_BI >after &&
	test_cmp before after
'

test_expect_success 'an admin without an OAuth credential is refused' '
	item_snapshot "$TS_HOST" SVC_BI >before &&
	test_must_fail timeout 60 tokenpass rotate --host "$TS_HOST" \
		--user SVC_BI --admin NOBODY 2>err &&
	test_grep "tokenpass login" err &&
	item_snapshot "$TS_HOST" SVC_BI >after &&
	test_cmp before after
'

test_expect_success 'rotate renews the admin token first when it is near expiry' '
	n=$(tokenserver_count refresh_token) &&
	TOKENPASS_REFRESH_MARGIN=3000 timeout 60 tokenpass rotate \
		--host "$TS_HOST" --user SVC_BI --admin ADMIN &&
	test "$(tokenserver_count refresh_token)" = $((n + 1)) &&
	test "$(tp_token "$TS_HOST" SVC_BI)" = "$(tokenserver_pat SVC_BI BI_PAT)"
'

test_expect_success 'refresh --all rotates PATs near expiry that have an admin' '
	tokenserver_set_pat SVC_FAR FAR_PAT far-secret 30 &&
	printf "far-secret\n" | tokenpass add-pat --host "$TS_HOST" \
		--user SVC_FAR --name FAR_PAT --days 30 --admin ADMIN &&
	tokenserver_set_pat SVC_NOADM NOADM_PAT noadm-secret 3 &&
	printf "noadm-secret\n" | tokenpass add-pat --host "$TS_HOST" \
		--user SVC_NOADM --name NOADM_PAT --days 3 &&
	printf "near-secret\n" | tokenpass add-pat --host "$TS_HOST" \
		--user SVC_NEAR --name NEAR_PAT --days 3 --admin ADMIN &&
	tokenserver_set_pat SVC_NEAR NEAR_PAT near-secret 3 &&
	timeout 60 tokenpass refresh --all 2>err;
	test "$(tp_token "$TS_HOST" SVC_NEAR)" = "$(tokenserver_pat SVC_NEAR NEAR_PAT)" &&
	test "$(tokenserver_pat SVC_NEAR NEAR_PAT previous_secret)" = near-secret &&
	test "$(tp_token "$TS_HOST" SVC_FAR)" = far-secret &&
	test_must_fail tokenserver_pat SVC_FAR FAR_PAT previous_secret &&
	test "$(tp_token "$TS_HOST" SVC_NOADM)" = noadm-secret &&
	test_must_fail tokenserver_pat SVC_NOADM NOADM_PAT previous_secret
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
