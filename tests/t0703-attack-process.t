#!/bin/sh
test_description='attack: two drivers in one process, and a failed connect harms no other'
. "$TP_SRC_DIR/tests/lib/test-lib.sh"
. "$TP_SRC_DIR/tests/lib/keyring.sh"
. "$TP_SRC_DIR/tests/lib/pg.sh"
. "$TP_SRC_DIR/tests/lib/attack.sh"

STUB=$TP_BUILD_DIR/tests/odbc-stub/.libs/libtpstub.so
STUB_LOG=$TRASH/stub.log
export STUB_LOG

# A BI server talks to several databases from one process: the hook
# serves psqlODBC and the stub driver side by side, and a connect that
# fails (a refused key, a target that cannot load, a driver that says no)
# changes nothing for the next one.

test_setup 'keyring, PostgreSQL, hostile servers, the stub driver' '
	attack_pg_setup &&
	attack_fakepg_start &&
	attack_evil_library evil &&
	attack_stub_setup &&
	cat >>"$ODBC_DIR/odbc.ini" <<-EOF

	[tp-missing]
	Driver = tokenpass
	TargetDriver = $TRASH/no-such-driver.so
	TokenHelper = $TP_BUILD_DIR/tokenpass
	Servername = 127.0.0.1
	Port = $PG_PORT
	Username = odbcuser

	[tp-notindriverlist]
	Driver = tokenpass
	TargetDriver = No Such Driver
	TokenHelper = $TP_BUILD_DIR/tokenpass
	Servername = 127.0.0.1
	Port = $PG_PORT
	Username = odbcuser
	EOF
'

# pyodbc (the W path) in one process: connects, failures, queries, in
# the order given on the command line; prints one line per step.
cat >"$TRASH/steps.py" <<'EOF'
import os, sys, pyodbc
conns = {}
for step in sys.argv[1:]:
    name, cs = step.split("=", 1)
    if name.startswith("env:"):
        if cs:
            os.environ[name[4:]] = cs
        else:
            os.environ.pop(name[4:], None)
        continue
    if name.startswith("query:"):
        try:
            cur = conns[name[6:]].cursor()
            print(name, cur.execute(cs).fetchone()[0], flush=True)
        except (KeyError, pyodbc.Error) as e:
            print(name, "failed", repr(e), flush=True)
        continue
    try:
        conns[name] = pyodbc.connect(cs)
        print(name, "connected", flush=True)
    except pyodbc.Error as e:
        print(name, "error", e.args[0], e.args[1].replace("\n", " "),
              flush=True)
for c in conns.values():
    c.close()
print("done")
EOF

test_expect_success 'pyodbc: psqlODBC and the stub driver in one process' '
	rm -f "$STUB_LOG" &&
	$PY "$TRASH/steps.py" "pg=DSN=tp" "stub=DSN=stubdsn" \
		"query:pg=select 40+2" "pg2=$DSN_LESS" "query:pg2=select 43" \
		"stub2=DSN=stubdsn" "query:pg=select current_user" >out 2>&1 &&
	test_grep "^pg connected" out &&
	test_grep "^stub connected" out &&
	test_grep "^query:pg 42$" out &&
	test_grep "^pg2 connected" out &&
	test_grep "^query:pg2 43$" out &&
	test_grep "^stub2 connected" out &&
	test_grep "^query:pg odbcuser$" out &&
	test_grep "^done" out &&
	test $(grep -c "PWD={$STUB_TOK}" "$STUB_LOG") = 2 &&
	test_grep ! -F "$TOK" "$STUB_LOG"
'

test_expect_success 'pyodbc: the stub first, then psqlODBC' '
	$PY "$TRASH/steps.py" "stub=DSN=stubdsn" "pg=DSN=tpt" \
		"query:pg=select 7" >out 2>&1 &&
	test_grep "^stub connected" out &&
	test_grep "^query:pg 7$" out
'

test_expect_success 'pyodbc: failed connects first, then both drivers work' '
	rm -f "$STUB_LOG" &&
	: >"$FAKE_LOG" &&
	$PY "$TRASH/steps.py" \
		"bad=DSN=tp;Foo=bar" \
		"missing=DSN=tp-missing" \
		"unknown=DSN=tp-notindriverlist" \
		"apptarget=DSN=tp;TargetDriver=Stub" \
		"evil=DSN=stubdsn;TargetDriver=$EVIL/evil.so" \
		"hostile=DSN=tp;pqopt={hostaddr=127.0.0.2}" \
		"env:STUB_PWD=not-the-token" "refused=DSN=stubdsn" "env:STUB_PWD=" \
		"pg=DSN=tp" "query:pg=select 1" \
		"stub=DSN=stubdsn" \
		"pg2=$DSN_LESS" "query:pg2=select 2" >out 2>&1 &&
	test_grep -i "^bad error 28000 .*foo" out &&
	test_grep "^missing error IM003 .*cannot load the target driver" out &&
	test_grep "^unknown error IM003 " out &&
	test_grep -i "^apptarget error 28000 .*targetdriver" out &&
	test_grep -i "^evil error 28000 .*targetdriver" out &&
	test_grep -i "^hostile error 28000 .*pqopt" out &&
	test_grep "^refused error 08001 .*password authentication failed" out &&
	test_grep "^query:pg 1$" out &&
	test_grep "^stub connected" out &&
	test_grep "^query:pg2 2$" out &&
	test_path_is_missing "$EVIL/evil.ran" &&
	attack_no_password &&
	test_grep ! -F "$TOK" out
'

test_expect_success 'pyodbc: a failed connect between two live ones harms neither' '
	$PY "$TRASH/steps.py" "pg=DSN=tp" "stub=DSN=stubdsn" \
		"missing=DSN=tp-missing" "bad=DSN=stubdsn;Host=evil.example" \
		"query:pg=select 5" "stub2=DSN=stubdsn" "pg2=DSN=tp" \
		"query:pg2=select 6" >out 2>&1 &&
	test_grep "^missing error IM003 .*cannot load the target driver" out &&
	test_grep -i "^bad error 28000 .*host" out &&
	test_grep "^query:pg 5$" out &&
	test_grep "^stub2 connected" out &&
	test_grep "^query:pg2 6$" out
'

test_expect_success 'tp-odbc-client: repeated connects in one process, good and failing' '
	"$CLIENT" -r 3 -q "select 9" "DSN=tp" >out &&
	test $(grep -c "^row: 9" out) = 3 &&
	test_must_fail "$CLIENT" -r 2 "DSN=tp-missing" >out &&
	test $(grep -c "^diag: IM003" out) = 2
'

# The retry after the real driver refuses the token goes to the bound
# host only, once: count what the servers saw.
test_expect_success 'a refused token is retried once, at the bound host only' '
	: >"$FAKE_LOG" &&
	pg_password "other-$TOK" &&
	before=$(grep -c "password authentication failed for user \"odbcuser\"" "$PG_DIR/pg.log" || :) &&
	test_must_fail "$CLIENT" "DSN=tp" >out &&
	after=$(grep -c "password authentication failed for user \"odbcuser\"" "$PG_DIR/pg.log" || :) &&
	test $((after - before)) = 2 &&
	test_grep "^diag: 08001: .*password authentication failed" out &&
	test_must_fail "$CLIENT" -w "DSN=tp;pqopt={hostaddr=127.0.0.2}" >out &&
	attack_refused out pqopt &&
	attack_no_password &&
	pg_password "$TOK"
'

test_expect_success 'no file, log or output holds the token' '
	attack_scan
'

test_done
