#!/bin/sh
test_description='attack: no log or world-readable file ever holds the token'
. "$TP_SRC_DIR/tests/lib/test-lib.sh"
. "$TP_SRC_DIR/tests/lib/keyring.sh"
. "$TP_SRC_DIR/tests/lib/pg.sh"
. "$TP_SRC_DIR/tests/lib/attack.sh"

# psqlODBC's Debug and CommLog (and their short forms B2, B3, and the
# CX flag word) write the connection string, PWD included, to
# /tmp/mylog_* and /tmp/psqlodbc*.log (mode 0644), or to Logdir. The hook
# must refuse to inject a token when any of them is set, in the
# application's string or in the configuration, and say why (28000).

test_setup 'keyring, PostgreSQL, ini files' '
	attack_pg_setup &&
	mkdir -p "$EVIL/logs"
'

logs_clean () {
	attack_scan &&
	test_grep ! -r -F -- "$TOK" "$EVIL/logs"
}

test_expect_success 'rig: psqlODBC Debug=1 does log the password it is given' '
	test_must_fail "$CLIENT" "DRIVER={PG Unicode};Servername=127.0.0.1;Port=$PG_PORT;Database=odbctest;UID=odbcuser;PWD=rig-$TOK-check;SSLmode=disable;Debug=1;CommLog=1;Logdir=$EVIL/logs" >out &&
	grep -rlF "rig-$TOK-check" "$EVIL/logs" /tmp/mylog_* /tmp/psqlodbc* 2>/dev/null >found &&
	test -s found &&
	rm -f $(cat found)
'

test_expect_success 'control: the token connects, nothing logged' '
	"$CLIENT" -q "select 1" "$DSN_A" >out &&
	test_grep "^row: 1" out &&
	logs_clean
'

# NAME % FRAGMENT % what the 28000 message names (ERE)
while IFS=% read -r name frag pat; do
	test -n "$name" || continue
	test_expect_success "$name" '
		attack_row "$frag" "$pat" DSN_A DSN_T DSN_LESS &&
		logs_clean
	'
done <<EOF
Debug=1%Debug=1%debug
debug in lower case%debug=1%debug
DEBUG braced%DEBUG={1}%debug
B2, Debug abbreviated%B2=1%b2|debug
b2 in lower case%b2=2%b2|debug
CommLog=1%CommLog=1%commlog
COMMLOG in upper case%COMMLOG=1%commlog
B3, CommLog abbreviated%B3=1%b3|commlog
CX, the flag word with the Debug and CommLog bits%CX=1fc00%cx|debug|commlog
Debug after Debug=0%Debug=0;Debug=1%debug
EOF

# The same keys in the configuration: the DSN, the TargetDSN, the hook's
# driver section.
test_expect_success 'configuration: Debug or CommLog in odbc.ini refused' '
	cat >>"$ODBC_DIR/odbc.ini" <<-EOF &&

	[tp-debug]
	Driver = tokenpass
	TargetDriver = PG Unicode
	TokenHelper = $TP_BUILD_DIR/tokenpass
	Servername = 127.0.0.1
	Port = $PG_PORT
	Database = odbctest
	Username = odbcuser
	SSLmode = disable
	Debug = 1

	[tp-commlog]
	Driver = tokenpass
	TargetDriver = PG Unicode
	TokenHelper = $TP_BUILD_DIR/tokenpass
	Servername = 127.0.0.1
	Port = $PG_PORT
	Database = odbctest
	Username = odbcuser
	SSLmode = disable
	CommLog = 1

	[pg-debug]
	Driver = PG Unicode
	Servername = 127.0.0.1
	Port = $PG_PORT
	Database = odbctest
	Username = odbcuser
	SSLmode = disable
	Debug = 1

	[tpt-debug]
	Driver = tokenpass
	TargetDSN = pg-debug
	TokenHelper = $TP_BUILD_DIR/tokenpass
	EOF
	for dsn in tp-debug tp-commlog tpt-debug; do
		for w in "" -w; do
			test_must_fail "$CLIENT" $w "DSN=$dsn" >out &&
			attack_refused out "debug|commlog" || exit 1
		done &&
		test_must_fail "$CLIENT" -c $dsn odbcuser x >out &&
		test_grep -E -i "^diag: 28000: .*(debug|commlog)" out || exit 1
	done &&
	logs_clean
'

# (iusql shows a message without its SQLSTATE)
test_expect_success 'isql and iusql with a Debug DSN: refused, nothing logged' '
	test_must_fail isql -b -v tp-debug </dev/null >out 2>&1 &&
	test_grep -i "\[28000\].*debug" out &&
	test_must_fail iusql -b -v tp-commlog </dev/null >out 2>&1 &&
	test_grep -i "\[tokenpass\].*commlog" out &&
	logs_clean
'

test_expect_success 'FILEDSN: Debug and B3 in the file refused' '
	printf "[ODBC]\nDSN=tp\nDebug=1\n" >"$EVIL/d.dsn" &&
	test_must_fail "$CLIENT" "FILEDSN=$EVIL/d.dsn" >out &&
	attack_refused out debug &&
	printf "[ODBC]\nDRIVER=PostgreSQL (tokenpass)\nServername=127.0.0.1\nPort=%s\nUID=odbcuser\nB3=1\n" "$PG_PORT" >"$EVIL/d.dsn" &&
	test_must_fail "$CLIENT" "FILEDSN=$EVIL/d.dsn" >out &&
	attack_refused out "b3|commlog" &&
	logs_clean
'

test_expect_success 'pyodbc: CommLog refused' '
	$PY -c "
import pyodbc
try:
    pyodbc.connect(\"DSN=tp;CommLog=1\")
    print(\"connected\")
except pyodbc.Error as e:
    print(\"error\", e.args[0], e.args[1])
" >out 2>&1 &&
	test_grep -i "^error 28000 .*commlog" out &&
	logs_clean
'

# unixODBC writes a FILEDSN of the connection to SAVEFILE on success:
# the application's keys, never the token.
test_expect_success 'SAVEFILE: the saved file holds no token' '
	for w in "" -w; do
		"$CLIENT" $w "DSN=tp;SAVEFILE=$EVIL/saved$w.dsn" >out
		test_grep "^rc=" out &&
		test_grep ! -F -- "$TOK" out || exit 1
	done &&
	logs_clean
'

test_expect_success 'no file the test made is world-readable with the token' '
	find "$TRASH" /tmp -maxdepth 3 -type f -perm -004 2>/dev/null |
	xargs -r grep -lF -- "$TOK" >found 2>/dev/null;
	test_must_be_empty found
'

test_expect_success 'no file, log or output holds the token' '
	logs_clean
'

test_done
