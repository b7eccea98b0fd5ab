#!/bin/sh
test_description='ODBC hook: every attribute by its type, A and W, before and after connect'
. "$TP_SRC_DIR/tests/lib/test-lib.sh"
. "$TP_SRC_DIR/tests/lib/odbc-stub.sh"
SWEEP=$TP_BUILD_DIR/tests/odbc-stub/tp-attr-sweep

cat >"$TRASH/odbc/odbc.ini" <<EOF
[sweep]
Driver = tokenpass
TargetDriver = Stub
TokenHelper = $FAKE
Server = db.example
UID = alice

[sweepa]
Driver = tokenpass
TargetDriver = StubA
TokenHelper = $FAKE
Server = db.example
UID = alice
EOF

# every line the sweep printed as expected is in the stub's log
all_arrived () {
	sed -n "s/^expect: //p" out >want &&
	test $(wc -l <want) -ge 100 &&
	{ grep -Fxv -f "$STUB_LOG" want >missing || :; } &&
	test_must_be_empty missing
}

test_expect_success 'the hook as a driver manager calls it: every value arrives' '
	rm -f "$STUB_LOG" &&
	"$SWEEP" -g "$PLUGIN" "DSN=sweep" >out &&
	test_grep ! "^FAIL" out &&
	all_arrived
'

test_expect_success 'SQL_ATTR_METADATA_ID with length 4 is an integer, not a string' '
	test_grep "^connattr 10014=1$" "$STUB_LOG" &&
	test_grep "^connattrW 10014=0$" "$STUB_LOG" &&
	test_grep "^connattr 30006=125$" "$STUB_LOG"
'

test_expect_success 'a string set through W before connect reaches the driver as UTF-16' '
	test_grep "^connattrW 109=\"s200-8-\\\\u00e9\"$" "$STUB_LOG"
'

test_expect_success 'an ANSI-only target gets every W attribute through its A function' '
	rm -f "$STUB_LOG" &&
	"$SWEEP" -g -a "$PLUGIN" "DSN=sweepa" >out &&
	test_grep ! "^FAIL" out &&
	all_arrived &&
	test_grep ! "^connattrW" "$STUB_LOG" &&
	test_grep "^connattr 102=0$" "$STUB_LOG" &&
	test_grep "^connattr 109=\"s400-8-é\"$" "$STUB_LOG"
'

test_expect_success 'through unixODBC, which replays attributes itself: no crash' '
	rm -f "$STUB_LOG" &&
	"$SWEEP" -d libodbc.so.2 "DSN=sweep" >out &&
	test_grep ! "^FAIL" out &&
	test_grep "^connattr.* 10014=1$" "$STUB_LOG" &&
	test_grep "^connattr 102=1$" "$STUB_LOG" &&
	test_grep "^connattrW 102=0$" "$STUB_LOG"
'

test_expect_success 'through unixODBC to an ANSI-only target: W values not dropped' '
	rm -f "$STUB_LOG" &&
	"$SWEEP" -d -a libodbc.so.2 "DSN=sweepa" >out &&
	test_grep ! "^FAIL" out &&
	test_grep "^connattr 102=0$" "$STUB_LOG" &&
	test_grep "^connattr 30004=\"s400-23-é\"$" "$STUB_LOG"
'

test_expect_success 'through iODBC: 4-byte SQLWCHAR, and its own ini files' '
	rm -f "$STUB_LOG" &&
	cp "$TRASH/odbc/odbc.ini" "$TRASH/iodbc.ini" &&
	ODBCINI=$TRASH/iodbc.ini ODBCINSTINI=$TRASH/odbc/odbcinst.ini \
		ODBCSYSINI=/nonexistent "$SWEEP" -d -4 libiodbc.so.2 \
		"DSN=sweep" >out &&
	test_grep ! "^FAIL" out &&
	test_grep "^connattrW 30004=\"s400-23-\\\\u00e9\"$" "$STUB_LOG" &&
	test_grep "^connattrW 109=\"s400-8-\\\\u00e9\"$" "$STUB_LOG"
'

test_done
