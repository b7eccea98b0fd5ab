#!/bin/sh
test_description='tokenpass list and remove'
. "$TP_SRC_DIR/tests/lib/test-lib.sh"
. "$TP_SRC_DIR/tests/lib/keyring.sh"
. "$TP_SRC_DIR/tests/lib/helper-test.sh"

# Every test here runs at this time: 2027-01-15 08:00 UTC.
NOW=1800000000
TOKENPASS_NOW=$NOW
export TOKENPASS_NOW

test_setup 'a private bus and an unlocked keyring' '
	keyring_start
'

test_expect_success 'list with nothing stored: a hint on stderr, exit 0' '
	tp_run out err tokenpass list &&
	test $rc -eq 0 &&
	tp_agent_report out &&
	test_must_be_empty out &&
	test_one_line err &&
	test_grep "no credentials stored" err
'

test_expect_success 'list --json with nothing stored is an empty array' '
	tp_run out err tokenpass list --json &&
	test $rc -eq 0 &&
	/usr/bin/python3 -c "import json; assert json.load(open(\"out\")) == []"
'

test_expect_success 'set up: PATs that are fine, near their end, and expired' '
	echo tok-secret-ok >in &&
	tp_run out err tokenpass add-pat --host a.example.com --user OK \
		--days 30 --name PAT_OK &&
	test $rc -eq 0 &&
	echo tok-secret-soon >in &&
	tp_run out err tokenpass add-pat --host a.example.com --user SOON \
		--days 3 --dsn Sales &&
	test $rc -eq 0 &&
	echo tok-secret-old >in &&
	TOKENPASS_NOW=$((NOW - 10 * 86400)) tp_run out err tokenpass \
		add-pat --host b.example.com --user OLD --days 1 &&
	test $rc -eq 0 &&
	echo tok-secret-forever >in &&
	tp_run out err tokenpass add-pat --host c.example.com --user FOREVER &&
	test $rc -eq 0 &&
	printf "at-secret-oauth\nrt-secret-oauth\n" >tokens &&
	tp_store_oauth d.example.com SVC "" $((NOW + 600)) \
		$((NOW + 90 * 86400)) <tokens &&
	printf "at-secret-late\nrt-secret-late\n" >tokens &&
	tp_store_oauth d.example.com LATE "" $((NOW - 600)) \
		$((NOW - 60)) <tokens
'

test_expect_success 'list shows each credential and its status' '
	tp_run out err tokenpass list &&
	test $rc -eq 0 &&
	test_must_be_empty err &&
	cat >expect <<-\EOF &&
	HOST           USER     DSN    KIND   TOKEN       REFRESH     STATUS
	a.example.com  OK       -      pat    30d 0h      -           ok
	a.example.com  SOON     Sales  pat    3d 0h       -           renew soon
	b.example.com  OLD      -      pat    expired     -           expired
	c.example.com  FOREVER  -      pat    -           -           ok
	d.example.com  LATE     -      oauth  expired     expired     sign-in needed
	d.example.com  SVC      -      oauth  10m 0s      90d 0h      ok
	EOF
	tp_agent_report out &&
	test_cmp expect out
'

test_expect_success 'list --json is valid JSON with the same facts' '
	tp_run out err tokenpass list --json &&
	test $rc -eq 0 &&
	test_must_be_empty err &&
	/usr/bin/python3 -c "
import json
now = $NOW
rows = json.load(open(\"out\"))
got = {(r[\"host\"], r[\"user\"]): r for r in rows}
assert len(rows) == 6, rows
for r in rows:
    assert set(r) >= {\"host\", \"user\", \"dsn\", \"kind\", \"expires\",
                      \"refresh_expires\", \"status\"}, r
ok = got[(\"a.example.com\", \"OK\")]
assert ok[\"status\"] == \"ok\" and ok[\"kind\"] == \"pat\", ok
assert ok[\"expires\"] == now + 30 * 86400 and ok[\"dsn\"] is None, ok
assert ok[\"pat_name\"] == \"PAT_OK\" and ok[\"refresh_expires\"] is None
soon = got[(\"a.example.com\", \"SOON\")]
assert soon[\"status\"] == \"renew soon\" and soon[\"dsn\"] == \"Sales\", soon
old = got[(\"b.example.com\", \"OLD\")]
assert old[\"status\"] == \"expired\", old
assert got[(\"c.example.com\", \"FOREVER\")][\"expires\"] is None
svc = got[(\"d.example.com\", \"SVC\")]
assert svc[\"kind\"] == \"oauth\" and svc[\"status\"] == \"ok\", svc
assert svc[\"expires\"] == now + 600, svc
assert svc[\"refresh_expires\"] == now + 90 * 86400, svc
late = got[(\"d.example.com\", \"LATE\")]
assert late[\"status\"] == \"sign-in needed\", late
"
'

test_expect_success 'an OAuth refresh token near its end says renew soon' '
	printf "at-secret-rs\nrt-secret-rs\n" >tokens &&
	tp_store_oauth e.example.com RS "" $((NOW + 600)) \
		$((NOW + 2 * 86400)) <tokens &&
	tp_run out err tokenpass list --json &&
	/usr/bin/python3 -c "
import json
r = [r for r in json.load(open(\"out\")) if r[\"user\"] == \"RS\"]
assert r[0][\"status\"] == \"renew soon\", r
"
'

test_expect_success 'an item of another schema is not listed' '
	printf "not-ours-secret" | secret-tool store --label=other \
		host a.example.com user STRANGER &&
	tp_run out err tokenpass list --json &&
	test $rc -eq 0 &&
	test_grep ! STRANGER out
'

test_expect_success 'a damaged item is listed as damaged, get says so' '
	printf "garbage-secret" | secret-tool store --label=damaged \
		xdg:schema io.tokenpass.Credential host z.example.com \
		user DMG dsn "" kind pat &&
	tp_run out err tokenpass list --json &&
	test $rc -eq 0 &&
	/usr/bin/python3 -c "
import json
r = [r for r in json.load(open(\"out\")) if r[\"user\"] == \"DMG\"]
assert len(r) == 1 and r[0][\"status\"] == \"damaged\", r
assert r[0][\"kind\"] is None, r
" &&
	test_no_secret garbage-secret out err &&
	tp_request z.example.com DMG &&
	tp_run out err tokenpass get &&
	test $rc -eq 1 &&
	test_must_be_empty out &&
	test_one_line err &&
	test_grep "not a JSON object" err &&
	test_no_secret garbage-secret err &&
	tp_run out err tokenpass remove --host z.example.com --user DMG &&
	test $rc -eq 0
'

test_expect_success 'list never shows a secret, on stdout or stderr' '
	tp_run out1 err1 tokenpass list &&
	tp_run out2 err2 tokenpass list --json &&
	for s in tok-secret-ok tok-secret-soon tok-secret-old \
		 tok-secret-forever at-secret-oauth rt-secret-oauth \
		 at-secret-late rt-secret-late secret-rs
	do
		test_no_secret $s out1 err1 out2 err2 || return 1
	done
'

test_expect_success 'list rejects unknown options and arguments with exit 2' '
	tp_run out err tokenpass list --jsn &&
	test $rc -eq 2 &&
	test_grep "unknown option" err &&
	test_must_be_empty out &&
	tp_run out err tokenpass list extra &&
	test $rc -eq 2 &&
	test_grep "unexpected argument" err
'

test_expect_success 'remove deletes one credential and says so' '
	tp_run out err tokenpass remove --host A.example.com --user OK &&
	test $rc -eq 0 &&
	test_must_be_empty out &&
	test_one_line err &&
	test_grep "removed the credential for .OK@a.example.com." err &&
	tp_request a.example.com OK &&
	tp_run out err tokenpass get &&
	test_must_be_empty out &&
	tp_run out err tokenpass list --json &&
	test_grep ! "\"OK\"" out &&
	test_grep "\"SOON\"" out
'

test_expect_success 'remove of nothing: exit 4 and one line' '
	tp_run out err tokenpass remove --host a.example.com --user OK &&
	test $rc -eq 4 &&
	test_must_be_empty out &&
	test_one_line err &&
	test_grep "no credential for .OK@a.example.com." err &&
	tp_run out err tokenpass remove --host nowhere.example.com --user X &&
	test $rc -eq 4
'

test_expect_success 'remove without --dsn leaves the app-level credential' '
	tp_run out err tokenpass remove --host a.example.com --user SOON &&
	test $rc -eq 4 &&
	test_grep "no credential" err &&
	tp_run out err tokenpass remove --host a.example.com --user SOON \
		--dsn Other &&
	test $rc -eq 4 &&
	test_grep "for DSN .Other." err &&
	tp_run out err tokenpass remove --host a.example.com --user SOON \
		--dsn Sales &&
	test $rc -eq 0
'

test_expect_success 'remove of an OAuth credential' '
	tp_run out err tokenpass remove --host d.example.com --user SVC &&
	test $rc -eq 0 &&
	secret-tool search --all host d.example.com user SVC >found 2>&1;
	test_must_be_empty found
'

test_expect_success 'remove usage errors: exit 2' '
	tp_run out err tokenpass remove --host a.example.com &&
	test $rc -eq 2 &&
	test_grep "required" err &&
	tp_run out err tokenpass remove --user U &&
	test $rc -eq 2 &&
	tp_run out err tokenpass remove --host a.example.com --user U --all &&
	test $rc -eq 2 &&
	test_grep "unknown option" err &&
	tp_run out err tokenpass remove --host a.example.com --user U extra &&
	test $rc -eq 2
'

test_done
