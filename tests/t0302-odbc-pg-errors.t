#!/bin/sh
test_description='ODBC hook: every failure path against PostgreSQL, SQLSTATE and message'
. "$TP_SRC_DIR/tests/lib/test-lib.sh"
. "$TP_SRC_DIR/tests/lib/keyring.sh"
. "$TP_SRC_DIR/tests/lib/pg.sh"

CLIENT=$TP_BUILD_DIR/tests/odbc-stub/tp-odbc-client
PY=/usr/bin/python3

test_setup 'private keyring, PostgreSQL 15, ODBC ini files' '
	keyring_start &&
	pg_start &&
	pg_odbc_setup &&
	pg_password pw-one &&
	H=127.0.0.1:$PG_PORT &&
	printf "pw-one\n" | tokenpass add-pat --host $H --user odbcuser &&
	cat >"$TRASH/hang" <<-EOF &&
	#!/bin/sh
	sleep 30
	: >"\$0.ended"
	EOF
	cp "$TRASH/hang" "$TRASH/hang-login" &&
	cat >"$TRASH/logging-helper" <<-EOF &&
	#!/bin/sh
	tee -a "$TRASH/requests" | exec "$TP_BUILD_DIR/tokenpass" "\$@"
	EOF
	chmod +x "$TRASH/hang" "$TRASH/hang-login" "$TRASH/logging-helper" &&
	pg_hook_dsn tplog "PG Unicode" "$TRASH/logging-helper" &&
	cat >>"$ODBC_DIR/odbcinst.ini" <<-EOF

	[PG missing]
	Driver = $TP_PLUGIN
	TargetDriver = /nonexistent/psqlodbcw.so
	TokenHelper = $TP_BUILD_DIR/tokenpass
	EOF
'

# (test_when_finished runs inside the test's subshell: restore by hand)
restore () {
	printf "pw-one\n" | tokenpass add-pat --host $H --user odbcuser
}

test_expect_success 'works before anything breaks' '
	echo "select 1;" | isql -b -v tp >out 2>&1 &&
	test_grep "| 1 " out
'

test_expect_success 'no stored credential: 28000 and what to run' '
	tokenpass remove --host $H --user odbcuser &&
	test_must_fail isql -b -v tp </dev/null >out 2>&1 &&
	test_grep "\[28000\].*\[tokenpass\] no stored credential for .odbcuser@$H.; run .tokenpass add-pat --host $H --user odbcuser." out &&
	test_must_fail "$CLIENT" -w "DSN=tp" >out &&
	test_grep "diag: 28000: \[tokenpass\] no stored credential" out &&
	restore
'

test_expect_success 'pyodbc sees the hook message and SQLSTATE' '
	tokenpass remove --host $H --user odbcuser &&
	$PY -c "
import pyodbc
try:
    pyodbc.connect(\"DSN=tp\")
except pyodbc.Error as e:
    print(\"error\", e.args[0], e.args[1])
" >out 2>&1 &&
	test_grep "^error 28000 .*\[tokenpass\] no stored credential" out &&
	restore
'

test_expect_success 'locked keyring: 08001, says unlock' '
	keyring_lock &&
	test_must_fail "$CLIENT" "DSN=tp" >out &&
	test_grep "diag: 08001: \[tokenpass\] the keyring is unavailable: .*unlock" out
'

test_setup 'unlock the keyring' '
	keyring_unlock
'

test_expect_success 'connects again after unlocking' '
	"$CLIENT" "DSN=tp" >out &&
	test_grep "^rc=0" out
'

test_expect_success 'helper not found: 08001' '
	test_must_fail "$CLIENT" "$(pg_dsn_less "$TRASH/no-such-helper")" >out &&
	test_grep "diag: 08001: \[tokenpass\] cannot run the token helper .*no-such-helper.: No such file or directory" out
'

# Bounded: the connect returns before the hanging helper ends (it marks
# its end in HELPER.ended), and the hook says which budget it waited.
test_expect_success 'helper hangs: HYT00 after TokenTimeout' '
	test_must_fail "$CLIENT" "$(pg_dsn_less "$TRASH/hang" 1)" >out &&
	! test -e "$TRASH/hang.ended" &&
	test_grep "diag: HYT00: \[tokenpass\] the token helper .* did not answer within 1 s" out
'

# The same, with the login timeout instead of TokenTimeout.
test_expect_success 'helper hangs: pyodbc timeout (SQL_ATTR_LOGIN_TIMEOUT) bounds it' '
	CS="$(pg_dsn_less "$TRASH/hang-login")" $PY -c "
import os, pyodbc
try:
    pyodbc.connect(os.environ[\"CS\"], timeout=2)
except pyodbc.Error as e:
    print(\"error\", e.args[0], e.args[1])
" >out 2>&1 &&
	! test -e "$TRASH/hang-login.ended" &&
	test_grep "^error HYT00 .*did not answer within 2 s" out
'

test_expect_success 'target driver missing: IM003' '
	test_must_fail "$CLIENT" "DRIVER={PG missing};Server=127.0.0.1;Port=$PG_PORT;UID=odbcuser" >out &&
	test_grep "diag: IM003: \[tokenpass\] cannot load the target driver ./nonexistent/psqlodbcw.so." out
'

test_expect_success 'another host: 28000, the token is never sent' '
	: >"$TRASH/requests" &&
	test_must_fail "$CLIENT" "$(pg_dsn_less "$TRASH/logging-helper" | sed s/=127.0.0.1/=localhost/)" >out &&
	test_grep "diag: 28000: \[tokenpass\] no stored credential for .odbcuser@localhost:$PG_PORT." out &&
	test_grep "^host=localhost:$PG_PORT$" "$TRASH/requests" &&
	test_grep ! "password authentication" out
'

test_expect_success 'a connection string naming another host than the DSN: 28000' '
	: >"$TRASH/requests" &&
	test_must_fail "$CLIENT" "DSN=tplog;Server=localhost" >out &&
	test_grep "diag: 28000: \[tokenpass\] .Servername. in DSN .tplog. is .127.0.0.1., which does not agree with .localhost. in .Server. in the connection string" out &&
	test_must_be_empty "$TRASH/requests"
'

test_expect_success 'a wrong stored token: 08001 from psqlODBC after one renewed retry' '
	printf "not-the-password\n" | tokenpass add-pat --host $H --user odbcuser &&
	: >"$TRASH/requests" &&
	test_must_fail "$CLIENT" "DSN=tplog" >out &&
	test_grep "diag: 08001: .*password authentication failed for user \"odbcuser\"" out &&
	test $(grep -c "^host=$H$" "$TRASH/requests") = 2 &&
	test $(grep -c "^tokenpass_renew=1$" "$TRASH/requests") = 1 &&
	test_grep ! "not-the-password" out &&
	test_must_fail isql -b -v tp </dev/null >out 2>&1 &&
	test_grep "\[08001\].*password authentication failed" out &&
	restore
'

test_expect_success 'an expired token: 28000 with the helper reason' '
	printf "pw-one\n" | TOKENPASS_NOW=$(( $(date +%s) - 3 * 86400 )) \
		tokenpass add-pat --host $H --user odbcuser --days 1 &&
	tokenpass list >list &&
	if grep -qi expired list
	then
		test_must_fail "$CLIENT" "DSN=tp" >out &&
		test_grep "diag: 28000: \[tokenpass\] no usable credential for .odbcuser@$H.: .*expired" out
	else
		echo "the helper ignores TOKENPASS_NOW for add-pat; checked with a past date" &&
		printf "pw-one\n" | tokenpass add-pat --host $H --user odbcuser --expires 2000-01-01 &&
		test_must_fail "$CLIENT" "DSN=tp" >out &&
		test_grep "diag: 28000: \[tokenpass\] no usable credential for .odbcuser@$H.: .*expired" out
	fi &&
	restore
'

test_expect_success 'all fine again' '
	echo "select 9;" | isql -b -v tp >out 2>&1 &&
	test_grep "| 9 " out
'

test_done
