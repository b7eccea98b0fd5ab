#!/bin/sh
test_description='tokenpass doctor: each check passes, and each fails on purpose'
. "$TP_SRC_DIR/tests/lib/test-lib.sh"
. "$TP_SRC_DIR/tests/lib/keyring.sh"
. "$TP_SRC_DIR/tests/lib/helper-test.sh"
. "$TP_SRC_DIR/tests/lib/tokenserver.sh"

NOW=1800000000
TOKENPASS_NOW=$NOW
export TOKENPASS_NOW
PSQLODBC=/usr/lib/x86_64-linux-gnu/odbc/psqlodbcw.so

# Every line is "ok    ..." or "FAIL  ...".
test_doctor_format () {
	test_grep ! -v -e "^ok    " -e "^FAIL  " "$1"
}

test_expect_success 'set up: odbc.ini and odbcinst.ini in the trash' '
	mkdir -p odbc &&
	cat >odbc/odbcinst.ini <<-EOF &&
	[tokenpass]
	Driver = $TP_BUILD_DIR/plugin/.libs/libtokenpass-odbc.so

	[PG]
	Driver = $PSQLODBC
	EOF
	cat >odbc/odbc.ini <<-EOF
	[Good]
	Driver       = tokenpass
	TargetDriver = PG
	Server       = a.example.com
	UID          = SVC

	[ByPath]
	Driver       = $TP_BUILD_DIR/plugin/.libs/libtokenpass-odbc.so
	TargetDriver = $PSQLODBC
	Servername   = A.example.com
	Username     = SVC

	[Other]
	Driver   = PG
	Server   = a.example.com
	UID      = SVC

	[NoLib]
	Driver       = tokenpass
	TargetDriver = /nonexistent/libnothing.so
	Server       = a.example.com
	UID          = SVC

	[NoCred]
	Driver       = tokenpass
	TargetDriver = PG
	Servername   = nobody.example.com
	User         = NOBODY

	[ViaTarget]
	Driver       = tokenpass
	TargetDSN    = PgBase

	[PgBase]
	Driver       = PG
	Servername   = base.example.com
	Port         = 5432
	UID          = BASEUSER
	EOF
'
ODBCSYSINI=$TRASH/odbc
ODBCINI=$TRASH/odbc/odbc.ini
export ODBCSYSINI ODBCINI

test_setup 'a private bus, an unlocked keyring and a PAT' '
	keyring_start &&
	echo tok-secret-doc | tokenpass add-pat --host a.example.com \
		--user SVC --days 30 2>/dev/null
'

test_expect_success 'all well: every line ok, exit 0' '
	tp_run out err tokenpass doctor &&
	test $rc -eq 0 &&
	test_must_be_empty err &&
	test_doctor_format out &&
	test_grep "^ok    session bus: unix:path=" out &&
	test_grep "^ok    Secret Service" out &&
	test_grep "^ok    default keyring .*: unlocked" out &&
	test_grep "^ok    credential .SVC@a.example.com. (pat): ok, expires in 30d 0h" out &&
	test_grep ! FAIL out
'

test_expect_success '--dsn: found, tokenpass, target loads, credential stored' '
	tp_run out err tokenpass doctor --dsn Good &&
	test $rc -eq 0 &&
	test_doctor_format out &&
	test_grep "^ok    DSN .Good.: found" out &&
	test_grep "^ok    DSN .Good.: Driver is tokenpass" out &&
	test_grep "^ok    DSN .Good.: TargetDriver .PG. loads ($PSQLODBC)" out &&
	test_grep "^ok    DSN .Good.: credential for .SVC@a.example.com. is stored (pat)" out &&
	tp_run out err tokenpass doctor --dsn ByPath &&
	test $rc -eq 0 &&
	test_grep ! FAIL out
'

test_expect_success 'a credential that expired: FAIL with the command, exit 1' '
	echo tok-secret-old >in &&
	TOKENPASS_NOW=$((NOW - 10 * 86400)) tokenpass add-pat \
		--host b.example.com --user OLD --days 1 <in 2>/dev/null &&
	tp_run out err tokenpass doctor &&
	tokenpass remove --host b.example.com --user OLD 2>/dev/null &&
	test $rc -eq 1 &&
	test_doctor_format out &&
	test_grep "^FAIL  credential .OLD@b.example.com.: expired; run .tokenpass add-pat --host b.example.com --user OLD.\$" out
'

test_expect_success 'a DSN that does not exist: FAIL, exit 1' '
	tp_run out err tokenpass doctor --dsn Missing &&
	test $rc -eq 1 &&
	test_doctor_format out &&
	test_grep "^FAIL  DSN .Missing.: not found in odbc.ini" out
'

test_expect_success 'a DSN with another driver: FAIL, exit 1' '
	tp_run out err tokenpass doctor --dsn Other &&
	test $rc -eq 1 &&
	test_grep "^FAIL  DSN .Other.: Driver is .PG., not tokenpass; set .Driver = tokenpass." out
'

test_expect_success 'a TargetDriver that does not exist: FAIL, exit 1' '
	tp_run out err tokenpass doctor --dsn NoLib &&
	test $rc -eq 1 &&
	test_grep "^FAIL  DSN .NoLib.: TargetDriver ./nonexistent/libnothing.so. does not load" out &&
	test_grep "^ok    DSN .NoLib.: credential for" out
'

test_expect_success 'no credential for the DSN host and user: FAIL, exit 1' '
	tp_run out err tokenpass doctor --dsn NoCred &&
	test $rc -eq 1 &&
	test_grep "^FAIL  DSN .NoCred.: no credential for .NOBODY@nobody.example.com.; store one with .tokenpass add-pat --host nobody.example.com --user NOBODY." out
'

test_expect_success 'a TargetDSN set-up: host and user as the hook reads them' '
	tp_run out err tokenpass doctor --dsn ViaTarget &&
	test $rc -eq 1 &&
	test_grep "^FAIL  DSN .ViaTarget.: no credential for .BASEUSER@base.example.com.;" out
'

test_setup 'a Snowflake-shaped token server and an OAuth DSN' '
	tokenserver_start &&
	printf "%s" "{\"version\":1,\"kind\":\"oauth\",\"token\":\"at-secret-doc\",\"expires\":$((NOW + 600)),\"refresh_token\":\"rt-secret-doc\",\"refresh_expires\":$((NOW + 80 * 86400)),\"client_id\":\"doc-client\",\"client_secret\":\"cs-secret-doc\",\"token_url\":\"$TS_URL/oauth/token-request\"}" |
	secret-tool store --label=oauth xdg:schema io.tokenpass.Credential \
		host "$TS_HOST" user ANALYST dsn "" kind oauth &&
	cat >>"$TRASH/odbc/odbc.ini" <<-EOF
	[OAuth]
	Driver       = tokenpass
	TargetDriver = PG
	Server       = 127.0.0.1
	Port         = $TS_PORT
	UID          = ANALYST
	EOF
'

test_expect_success 'the token endpoint answers over verified TLS: ok' '
	tp_run out err tokenpass doctor --dsn OAuth &&
	test $rc -eq 0 &&
	test_doctor_format out &&
	test_grep "^ok    DSN .OAuth.: credential for .ANALYST@$TS_HOST. is stored (oauth)" out &&
	test_grep "^ok    DSN .OAuth.: token endpoint .$TS_URL/oauth/token-request. answers over verified TLS (HTTP 4[0-9][0-9]" out &&
	test_no_secret secret-doc out err
'

test_expect_success 'a CA we do not trust: FAIL (TLS is verified)' '
	SSL_CERT_FILE=/dev/null CURL_CA_BUNDLE=/dev/null \
		tp_run out err tokenpass doctor --dsn OAuth &&
	test $rc -eq 1 &&
	test_grep "^FAIL  DSN .OAuth.: token endpoint .* does not answer" out
'

test_expect_success 'the token endpoint down: FAIL, exit 1' '
	tokenserver_stop &&
	tp_run out err tokenpass doctor --dsn OAuth &&
	test $rc -eq 1 &&
	test_doctor_format out &&
	test_grep "^FAIL  DSN .OAuth.: token endpoint .$TS_URL/oauth/token-request. does not answer (" out
'

test_expect_success 'no session bus: FAIL with the fix, exit 3' '
	mkdir -m 700 empty-run &&
	(
		unset DBUS_SESSION_BUS_ADDRESS &&
		XDG_RUNTIME_DIR=$TRASH/empty-run &&
		export XDG_RUNTIME_DIR &&
		tp_run out err tokenpass doctor --dsn Good &&
		test $rc -eq 3 &&
		test_doctor_format out &&
		test_grep "^FAIL  session bus: cannot connect .*dbus-run-session" out &&
		test_grep ! "Secret Service" out &&
		test_grep "^ok    DSN .Good.: TargetDriver .PG. loads" out &&
		test_grep "^FAIL  DSN .Good.: cannot look up .SVC@a.example.com. until the keyring works" out
	)
'

test_expect_success 'a bus without a Secret Service: FAIL, exit 3' '
	keyring_bare_bus &&
	ts_finally "kill $BARE_PID" &&
	DBUS_SESSION_BUS_ADDRESS=$BARE_BUS tp_run out err tokenpass doctor &&
	test $rc -eq 3 &&
	test_doctor_format out &&
	test_grep "^ok    session bus" out &&
	test_grep "^FAIL  Secret Service: not on the session bus .*gnome-keyring-daemon" out
'

test_expect_success 'a locked collection: FAIL with how to unlock, exit 3' '
	keyring_lock &&
	tp_run out err tokenpass doctor &&
	test $rc -eq 3 &&
	test_doctor_format out &&
	test_grep "^ok    Secret Service" out &&
	test_grep "^FAIL  default keyring .*: locked; unlock it" out
'

test_expect_success 'usage errors: exit 2' '
	tp_run out err tokenpass doctor --bogus &&
	test $rc -eq 2 && test_grep "unknown option" err &&
	tp_run out err tokenpass doctor extra &&
	test $rc -eq 2 &&
	tp_run out err tokenpass doctor --dsn &&
	test $rc -eq 2
'

test_done
