#!/bin/sh
test_description='ODBC hook: thousands of connects in one process, statements never freed: the heap stays flat'
. "$TP_SRC_DIR/tests/lib/test-lib.sh"
. "$TP_SRC_DIR/tests/lib/odbc-stub.sh"
CHURN=$TP_BUILD_DIR/tests/odbc-stub/tp-handle-churn

# The heap is what malloc has handed out and not got back (ASan's count
# in the sanitizer build): a structural figure, not a time. From the
# N/5th connect to the Nth, N - N/5 connects must add less than SLACK
# bytes; unixODBC's cache entry for every key listing the hook made
# (several a connect) came to about 500 KiB. Stale statement entries
# grow the table only when the driver's addresses vary (here malloc
# hands the stub the same ones each time); a stale entry's harm shows
# in the last row: the freed statement sent back to its driver. tp-handle-churn
# stops the clock, so that no cache entry expires during the run.
N=${TP_CHURN_N:-1000}
# Under ASan every connect starts the ASan-built stand-in helper (about
# 0.1 s): 250 connects there, whose last 200 would still add over 100 KiB
# of cache entries if the hook leaked them; the plain build makes 1,000.
test -n "${TP_SANITIZERS:-}" && N=${TP_CHURN_N:-250}
SLACK=65536
TP_FAKE_REPORT=/dev/null
export TP_FAKE_REPORT

cat >>"$TRASH/odbc/odbcinst.ini" <<EOF

[Stub (tokenpass)]
Driver = $PLUGIN
TargetDriver = Stub
TokenHelper = $FAKE

[StubA (tokenpass)]
Driver = $PLUGIN
TargetDriver = StubA
TokenHelper = $FAKE
EOF
cat >"$TRASH/odbc/odbc.ini" <<EOF
[churn]
Driver = tokenpass
TargetDriver = Stub
TokenHelper = $FAKE
Server = db.example
Port = 5433
UID = alice
Database = d
EOF
CS="DRIVER={Stub (tokenpass)};Server=db.example;UID=alice"
CSA="DRIVER={StubA (tokenpass)};Server=db.example;UID=alice"
# under ASan, freed memory waits in a quarantine
ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=0
export ASAN_OPTIONS

# growth OUT: the heap after the Nth connect less after the N/5th
growth () {
	a=$(sed -n "s/^heap $((N / 5)) \([0-9]*\)$/\1/p" "$1") &&
	b=$(sed -n "s/^heap $N \([0-9]*\)$/\1/p" "$1") &&
	test -n "$a" && test -n "$b" &&
	echo $((b - a))
}

# flat OUT WHAT: the growth as a TAP comment, and under SLACK
flat () {
	g=$(growth "$1") &&
	echo "# $2: heap after $((N / 5)) and $N connects: +$g bytes" &&
	test "$g" -lt $SLACK
}

test_expect_success "the hook itself, $N connects by DSN, 8 statements each left open" '
	"$CHURN" -k 8 "$PLUGIN" $N "DSN=churn" >out &&
	flat out "DSN, 8 statements"
'

test_expect_success 'the hook itself, DSN-less, connections freed while connected' '
	"$CHURN" -k 8 -F "$PLUGIN" $N "$CS" >out &&
	flat out "DSN-less, freed connected"
'

test_expect_success "through unixODBC, $N connects by DSN, 8 statements each" '
	"$CHURN" -k 8 libodbc.so.2 $N "DSN=churn" >out &&
	flat out "unixODBC, DSN, 8 statements"
'

test_expect_success 'two drivers: a statement freed with its connection never reaches its driver again' '
	"$CHURN" -r "$PLUGIN" "$CS" "$CSA" >out &&
	test_grep "^dangling rc=-2$" out
'

test_done
