#!/bin/sh
test_description='attack: a connection string runs nothing and sets none of the hook keys'
. "$TP_SRC_DIR/tests/lib/test-lib.sh"
. "$TP_SRC_DIR/tests/lib/keyring.sh"
. "$TP_SRC_DIR/tests/lib/pg.sh"
. "$TP_SRC_DIR/tests/lib/attack.sh"

STUB=$TP_BUILD_DIR/tests/odbc-stub/.libs/libtpstub.so
STUB_LOG=$TRASH/stub.log
export STUB_LOG

# The hook's own keys come from odbc.ini or its odbcinst.ini section,
# never from the application. A program named in TokenHelper= or a
# library named in TargetDriver= must never run: each touches a marker
# in $EVIL when it does.

test_setup 'keyring, PostgreSQL, ini files, the stub driver, evil programs' '
	attack_pg_setup &&
	attack_evil_helper h &&
	attack_evil_library evil &&
	attack_stub_setup &&
	cat >>"$ODBC_DIR/odbc.ini" <<-EOF

	[stub-allow]
	Driver = tokenpass
	TargetDriver = Stub
	TokenHelper = $TP_BUILD_DIR/tokenpass
	TokenAllowKeys = Foo, QUERY_TAG
	Server = db.example
	Port = 5433
	UID = alice
	EOF
'

# each marker found is reported once, and kept in $TRASH/ran.log
no_markers () {
	_ran=
	for m in "$EVIL"/*.ran; do
		if test -e "$m"; then
			echo >&2 "it ran: $m"
			echo "$m" >>"$TRASH/ran.log"
			rm -f "$m"
			_ran=1
		fi
	done
	test -z "$_ran"
}

test_expect_success 'rig: the evil library and helper do touch their markers' '
	$PY -c "import ctypes, sys; ctypes.CDLL(sys.argv[1])" "$EVIL/evil.so" &&
	test -e "$EVIL/evil.ran" &&
	"$EVIL/h" </dev/null;
	test -e "$EVIL/h.ran" &&
	rm -f "$EVIL"/*.ran
'

test_expect_success 'control: every base connects with the token' '
	for cs in "$DSN_A" "$DSN_T" "$DSN_LESS"; do
		"$CLIENT" -q "select 1" "$cs" >out &&
		test_grep "^row: 1" out || exit 1
	done &&
	rm -f "$STUB_LOG" &&
	"$CLIENT" "DSN=stubdsn" >out &&
	"$CLIENT" -w "$STUB_LESS" >>out &&
	test $(grep -c "^rc=0" out) = 2 &&
	test $(grep -c "PWD={$STUB_TOK}" "$STUB_LOG") = 2
'

# NAME % FRAGMENT % the key the 28000 message names (ERE)
while IFS=% read -r name frag pat; do
	test -n "$name" || continue
	test_expect_success "$name" '
		ATTACK_ALSO="odbc(inst)?\.ini" &&
		attack_row "$frag" "$pat" DSN_A DSN_T DSN_LESS &&
		no_markers
	'
done <<EOF
TokenHelper names a program%TokenHelper=$EVIL/h%tokenhelper
tokenhelper in lower case%tokenhelper=$EVIL/h%tokenhelper
TOKENHELPER braced%TOKENHELPER={$EVIL/h}%tokenhelper
TokenHelper relative%TokenHelper=h%tokenhelper
TokenHelper empty%TokenHelper=%tokenhelper
TargetDriver names a library%TargetDriver=$EVIL/evil.so%targetdriver
targetdriver braced, lower case%targetdriver={$EVIL/evil.so}%targetdriver
TargetDriver names a configured driver%TargetDriver=PG Unicode%targetdriver
TargetDSN%TargetDSN=pg%targetdsn
TokenInject%TokenInject=token%tokeninject
TokenTimeout%TokenTimeout=1%tokentimeout
TokenProfile%TokenProfile=generic%tokenprofile
TokenAllowKeys, to let pqopt through%TokenAllowKeys=pqopt;pqopt={hostaddr=127.0.0.2}%tokenallowkeys|pqopt
EOF

# FILEDSN: the driver manager merges the file into the string (A path
# only: unixODBC 2.3.11's SQLDriverConnectW does not read file DSNs).
while IFS=% read -r name body pat; do
	test -n "$name" || continue
	test_expect_success "FILEDSN: $name" '
		printf "[ODBC]\n%s\n" "$body" | tr "|" "\n" >"$EVIL/x.dsn" &&
		test_must_fail "$CLIENT" "FILEDSN=$EVIL/x.dsn" >out &&
		attack_refused out "$pat" &&
		no_markers
	'
done <<EOF
a DSN, TokenHelper overriding the DSN's%DSN=tp|TokenHelper=$EVIL/h%tokenhelper
a DSN, tokenhelper braced%DSN=tp|tokenhelper={$EVIL/h}%tokenhelper
the driver entry, TargetDriver%DRIVER=PostgreSQL (tokenpass)|Servername=127.0.0.1|Port=$PG_PORT|UID=odbcuser|TargetDriver=$EVIL/evil.so%targetdriver
the plain hook entry, TargetDriver and TokenHelper%DRIVER=tokenpass|Servername=127.0.0.1|Port=$PG_PORT|UID=odbcuser|TargetDriver=$EVIL/evil.so|TokenHelper=$EVIL/h%targetdriver|tokenhelper
EOF

test_expect_success 'the hook library named by path, TargetDriver and TokenHelper in the string' '
	for w in "" -w; do
		test_must_fail "$CLIENT" $w "DRIVER={$TP_PLUGIN};TargetDriver=$EVIL/evil.so;TokenHelper=$EVIL/h;Servername=127.0.0.1;Port=$PG_PORT;UID=odbcuser" >out &&
		attack_refused out "targetdriver|tokenhelper" || exit 1
	done &&
	no_markers
'

test_expect_success 'the plain [tokenpass] entry DSN-less: TargetDriver in the string refused' '
	test_must_fail "$CLIENT" "DRIVER={tokenpass};TargetDriver={PG Unicode};Servername=127.0.0.1;Port=$PG_PORT;UID=odbcuser" >out &&
	attack_refused out targetdriver
'

test_expect_success 'isql -k and pyodbc: TokenHelper refused, nothing ran' '
	test_must_fail isql -b -v -k "DSN=tp;TokenHelper=$EVIL/h" </dev/null >out 2>&1 &&
	test_grep -i "\[28000\].*tokenhelper" out &&
	$PY -c "
import pyodbc, sys
try:
    pyodbc.connect(\"DSN=tp;TargetDriver=\" + sys.argv[1])
    print(\"connected\")
except pyodbc.Error as e:
    print(\"error\", e.args[0], e.args[1])
" "$EVIL/evil.so" >out 2>&1 &&
	test_grep -i "^error 28000 .*targetdriver" out &&
	no_markers
'

test_expect_success 'a TokenHelper in odbc.ini must be an absolute path' '
	cat >>"$ODBC_DIR/odbc.ini" <<-EOF &&

	[tp-relhelper]
	Driver = tokenpass
	TargetDriver = PG Unicode
	TokenHelper = h
	Servername = 127.0.0.1
	Port = $PG_PORT
	Username = odbcuser
	EOF
	(cd "$EVIL" && PATH=$EVIL:$PATH &&
	 test_must_fail "$CLIENT" "DSN=tp-relhelper" >"$TRASH/out") &&
	test_grep "^diag: " out &&
	test_grep -E -i "tokenhelper|token helper" out &&
	no_markers
'

# The stub driver behind the generic profile: an application key that
# the profile does not allow is refused unless the DSN allows it.
while IFS=% read -r name frag pat; do
	test -n "$name" || continue
	test_expect_success "stub: $name" '
		rm -f "$STUB_LOG" &&
		attack_row "$frag" "$pat" STUB_DSN STUB_LESS &&
		test_grep ! -F "$STUB_TOK" out* &&
		test_grep ! "^connect" "$STUB_LOG" 2>/dev/null &&
		no_markers
	'
done <<EOF
Host%Host=evil.example%host
HOST in upper case%HOST=evil.example%host
Address%Address=evil.example%address
Proxy%Proxy=http://evil.example:8080%proxy
a key nobody listed%Foo=bar%foo
QUERY_TAG, not allowed by this DSN%QUERY_TAG=x%query_tag
an empty Server%Server=%server
the right Server, then an empty one%Server=db.example;Server=%server
the right Server, then another in upper case%Server=db.example;SERVER=evil.example%server
the right Port, then another%Port=5433;Port=1%port
an empty Port%Port=%port
TargetDriver, the evil library%TargetDriver=$EVIL/evil.so%targetdriver
TokenHelper%TokenHelper=$EVIL/h%tokenhelper
EOF

test_expect_success 'stub: TokenAllowKeys lets the listed keys through, and only them' '
	rm -f "$STUB_LOG" &&
	"$CLIENT" "DSN=stub-allow;Foo=bar;query_tag=q1" >out &&
	test_grep "^rc=0" out &&
	test_grep "^connect A: .*Foo=bar" "$STUB_LOG" &&
	test_grep -i "^connect A: .*query_tag=q1" "$STUB_LOG" &&
	"$CLIENT" -w "DSN=stub-allow;FOO=baz" >out &&
	test_grep "^rc=0" out &&
	rm -f "$STUB_LOG" &&
	test_must_fail "$CLIENT" "DSN=stub-allow;Foo=bar;Bar=foo" >out &&
	attack_refused out "\\bbar\\b" &&
	test_grep ! "^connect" "$STUB_LOG" 2>/dev/null
'

test_expect_success 'nothing an application named ever ran' '
	no_markers &&
	test_path_is_missing "$TRASH/ran.log"
'

test_expect_success 'no file, log or output holds the token' '
	attack_scan
'

test_done
