#!/bin/sh
test_description='ODBC hook: the token never shows in a trace, an output string, a message, argv or environ'
. "$TP_SRC_DIR/tests/lib/test-lib.sh"
. "$TP_SRC_DIR/tests/lib/keyring.sh"
. "$TP_SRC_DIR/tests/lib/pg.sh"

CLIENT=$TP_BUILD_DIR/tests/odbc-stub/tp-odbc-client
PY=/usr/bin/python3
TOK="Lk7-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n');x}y"

test_setup 'keyring, PostgreSQL, unixODBC tracing on' '
	keyring_start &&
	pg_start &&
	pg_odbc_setup &&
	pg_password "$TOK" &&
	printf "protocol=https\nhost=127.0.0.1:%s\nusername=odbcuser\npassword=%s\n\n" \
		"$PG_PORT" "$TOK" | tokenpass store &&
	cat >>"$ODBC_DIR/odbcinst.ini" <<-EOF &&

	[ODBC]
	Trace = Yes
	TraceFile = $TRASH/trace.log
	EOF
	# patterns live in a file: a grep for the token must not carry it in argv
	printf "%s\n" "$TOK" "${TOK%%;*}" >"$TRASH/secrets"
'

test_expect_success 'connect every way, and keep what the applications saw' '
	echo "select 1;" | isql -b -v tp >seen 2>&1 &&
	echo "select 1;" | isql -b -v -k "DSN=tp" >>seen 2>&1 &&
	echo "select 1;" | isql -b -v -k "$(pg_dsn_less)" >>seen 2>&1 &&
	echo "select 1;" | iusql -b -v tp >>seen 2>&1 &&
	"$CLIENT" "DSN=tp" >>seen &&
	"$CLIENT" -w "$(pg_dsn_less)" >>seen &&
	$PY -c "import pyodbc; pyodbc.connect(\"DSN=tp\").close()" >>seen 2>&1 &&
	test $(grep -c "^rc=0" seen) = 2 &&
	test_grep "^out=DSN=tp;" seen
'

test_expect_success 'the trace file has no token' '
	test -s "$TRASH/trace.log" &&
	test_grep "SQLDriverConnect" "$TRASH/trace.log" &&
	test_grep ! -F -f "$TRASH/secrets" "$TRASH/trace.log"
'

test_expect_success 'OutConnectionString and client output have no token' '
	test_grep ! -F -f "$TRASH/secrets" seen &&
	test_grep ! -i "PWD=" seen
'

test_expect_success 'error messages have no token (refused twice)' '
	pg_password other-password &&
	test_must_fail "$CLIENT" "DSN=tp" >err &&
	test_must_fail isql -b -v tp </dev/null >>err 2>&1 &&
	test_must_fail iusql -b -v tp </dev/null >>err 2>&1 &&
	$PY -c "
import pyodbc
try:
    pyodbc.connect(\"DSN=tp\")
except pyodbc.Error as e:
    print(e)
" >>err 2>&1 &&
	test_grep "password authentication failed" err &&
	test_grep ! -F -f "$TRASH/secrets" err &&
	test_grep ! -F -f "$TRASH/secrets" "$TRASH/trace.log" &&
	pg_password "$TOK"
'

test_expect_success 'argv and environ of every process, sampled during connects' '
	"$CLIENT" -r 100 "DSN=tp" >loop &
	pid=$! &&
	$PY -c "
import os, sys
pid = int(sys.argv[1])
out = open(\"samples\", \"wb\")
def alive():
    try:
        return \") Z \" not in open(\"/proc/%d/stat\" % pid).read()
    except OSError:
        return False
while alive():
    for p in os.listdir(\"/proc\"):
        if not p.isdigit():
            continue
        for f in (\"cmdline\", \"environ\"):
            try:
                with open(\"/proc/%s/%s\" % (p, f), \"rb\") as fh:
                    out.write(fh.read() + b\"\\n\")
            except OSError:
                pass
" $pid &&
	wait $pid &&
	test $(grep -c "^rc=0" loop) = 100 &&
	tr "\0" "\n" <samples >flat &&
	# the sampler did see a helper of ours at work
	keyring_sampled_holder flat &&
	test_grep ! -F -f "$TRASH/secrets" flat
'

test_done
