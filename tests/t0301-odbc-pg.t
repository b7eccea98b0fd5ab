#!/bin/sh
test_description='ODBC hook: isql, iusql and pyodbc to PostgreSQL via psqlODBC'
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
	printf "pw-one\n" |
	tokenpass add-pat --host 127.0.0.1:$PG_PORT --user odbcuser
'

test_expect_success 'isql, SQLConnect path (DSN)' '
	echo "select current_user;" | isql -b -v tp >out 2>&1 &&
	test_grep "| odbcuser" out
'

test_expect_success 'isql -k, SQLDriverConnect path (DSN)' '
	echo "select 41+1;" | isql -b -v -k "DSN=tp" >out 2>&1 &&
	test_grep "| 42" out
'

test_expect_success 'isql -k, DSN-less connection string' '
	echo "select 43;" | isql -b -v -k "$(pg_dsn_less)" >out 2>&1 &&
	test_grep "| 43" out
'

test_expect_success 'iusql, the W path' '
	echo "select current_database();" | iusql -b -v tp >out 2>&1 &&
	test_grep "odbctest" out
'

test_expect_success 'pyodbc (/usr/bin/python3), DSN and DSN-less' '
	CS=$(pg_dsn_less) $PY -c "
import os, pyodbc
for cs in (\"DSN=tp\", os.environ[\"CS\"]):
    c = pyodbc.connect(cs)
    print(\"row\", c.cursor().execute(\"select current_user\").fetchone()[0])
    c.close()
" >out 2>&1 &&
	test $(grep -c "^row odbcuser$" out) = 2
'

test_expect_success 'the plain psqlODBC DSN with the password still works' '
	echo "select 1;" | isql -b -v pg odbcuser pw-one >out 2>&1 &&
	test_grep "| 1 " out
'

test_expect_success 'rotation: ALTER ROLE + a new token, no ini touched' '
	cp "$ODBC_DIR/odbc.ini" ini.before &&
	pg_password pw-two &&
	test_must_fail isql -b -v pg odbcuser pw-one </dev/null >out 2>&1 &&
	printf "pw-two\n" |
	tokenpass add-pat --host 127.0.0.1:$PG_PORT --user odbcuser &&
	echo "select 2;" | isql -b -v tp >out 2>&1 &&
	test_grep "| 2 " out &&
	$PY -c "import pyodbc; pyodbc.connect(\"DSN=tp\").close()" &&
	test_cmp ini.before "$ODBC_DIR/odbc.ini"
'

test_expect_success 'an app-level credential wins for its DSN only' '
	pg_hook_dsn tp2 "PG Unicode" &&
	printf "pw-app\n" | tokenpass add-pat --dsn tp \
		--host 127.0.0.1:$PG_PORT --user odbcuser &&
	pg_password pw-app &&
	echo "select 3;" | isql -b -v tp >out 2>&1 &&
	test_grep "| 3 " out &&
	test_must_fail isql -b -v tp2 </dev/null >out 2>&1 &&
	test_grep "password authentication failed" out &&
	pg_password pw-two &&
	echo "select 4;" | isql -b -v tp2 >out 2>&1 &&
	test_grep "| 4 " out &&
	tokenpass remove --dsn tp --host 127.0.0.1:$PG_PORT --user odbcuser
'

# a token with ; } { = and spaces, stored through the git protocol
TOK="se;cr}et{x= y }z"

test_expect_success 'a token with ; } { = and spaces connects everywhere' '
	pg_password "$TOK" &&
	printf "protocol=https\nhost=127.0.0.1:%s\nusername=odbcuser\npassword=%s\n\n" \
		"$PG_PORT" "$TOK" | tokenpass store &&
	echo "select 5;" | isql -b -v tp >out 2>&1 &&
	test_grep "| 5 " out &&
	echo "select 6;" | isql -b -v -k "DSN=tp" >out 2>&1 &&
	test_grep "| 6 " out &&
	echo "select 7;" | iusql -b -v tp >out 2>&1 &&
	test_grep "| 7 " out &&
	$PY -c "
import pyodbc
print(\"row\", pyodbc.connect(\"DSN=tp\").cursor().execute(\"select 8\").fetchone()[0])
" >out 2>&1 &&
	test_grep "^row 8$" out
'

test_expect_success 'the C client: ANSI and W, the output string without the token' '
	"$CLIENT" -q "select current_user" "DSN=tp" >out &&
	test_grep "^rc=0" out &&
	test_grep "^row: odbcuser" out &&
	test_grep "^out=DSN=tp;" out &&
	"$CLIENT" -w "DSN=tp;PWD=app-given" >outw &&
	test_grep "^rc=0" outw &&
	printf "%s\n" "$TOK" "se;cr" "app-given" >secrets &&
	test_grep ! -F -f secrets out outw &&
	test_grep ! -i "PWD=" out outw
'

test_expect_success 'two real drivers in one process (psqlodbcw and psqlodbca), both work' '
	cat >>"$ODBC_DIR/odbcinst.ini" <<-EOF &&

	[PG ANSI]
	Driver = ${PG_DRIVER%w.so}a.so
	EOF
	pg_hook_dsn tpa "PG ANSI" &&
	"$TP_BUILD_DIR/tests/odbc-stub/tp-odbc-client" -m -q "select 7" \
		"DSN=tp" "DSN=tpa" "DSN=tp;pqopt={host=127.0.0.2}" >out;
	test_grep "^0: rc=0" out &&
	test_grep "^1: rc=0" out &&
	test_grep "^2: rc=-1" out &&
	test_grep "^0: row: 7" out &&
	test_grep "^1: row: 7" out
'

test_expect_success 'psqlODBC keys: abbreviations and pqopt are checked, harmless pqopt passes' '
	C=$TP_BUILD_DIR/tests/odbc-stub/tp-odbc-client &&
	for bad in "B3=1" "CommLog=1" "debug=1" "CX=1c305008b" \
		"D5={port=1}" "pqopt={hostaddr=127.0.0.2}" "pqopt={service=x}" \
		"pqopt={host=127.0.0.1,127.0.0.2}" "pqopt=postgresql://127.0.0.2/" \
		"SERVER=127.0.0.2" "Servername=" "Port=5432"
	do
		test_must_fail "$C" "DSN=tp;$bad" >out &&
		test_grep "^diag: 28000: \[tokenpass\] " out || return 1
	done &&
	"$C" -q "select 5" "DSN=tp;pqopt={application_name=x host=127.0.0.1}" >out &&
	test_grep "^row: 5" out
'

test_expect_success 'psqlODBC global Debug in odbcinst.ini: the token is not injected' '
	cp "$ODBC_DIR/odbcinst.ini" odbcinst.saved &&
	printf "\n[PostgreSQL Unicode]\nCommLog = 1\n" >>"$ODBC_DIR/odbcinst.ini" &&
	test_must_fail "$TP_BUILD_DIR/tests/odbc-stub/tp-odbc-client" "DSN=tp" >out;
	cp odbcinst.saved "$ODBC_DIR/odbcinst.ini" &&
	test_grep "^diag: 28000: \[tokenpass\] .CommLog. in odbcinst.ini section .PostgreSQL Unicode. makes the driver write a log" out
'

test_done
