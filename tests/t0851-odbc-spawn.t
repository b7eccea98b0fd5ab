#!/bin/sh
test_description='ODBC hook: the helper starts clean inside an untidy application'
. "$TP_SRC_DIR/tests/lib/test-lib.sh"
. "$TP_SRC_DIR/tests/lib/odbc-stub.sh"
TP_FAKE_REPORT=$TRASH/report
export TP_FAKE_REPORT

cat >"$TRASH/odbc/odbc.ini" <<EOF
[spawn]
Driver = tokenpass
TargetDriver = Stub
TokenHelper = $FAKE
Server = db.example
UID = alice

[spawnquick]
Driver = tokenpass
TargetDriver = Stub
TokenHelper = $FAKE
TokenTimeout = 1
Server = db.example
UID = alice
EOF

test_expect_success 'SIGCHLD ignored, SIGALRM blocked, 100 descriptors: connects' '
	TP_FAKE_MODE=report "$CLIENT" -H "DSN=spawn" >out &&
	test_grep "^rc=0" out &&
	test_grep "PWD={tok-1}" "$STUB_LOG"
'

test_expect_success 'the helper starts with an empty signal mask' '
	test_grep "^SigBlk:	0000000000000000$" "$TP_FAKE_REPORT"
'

test_expect_success 'the helper starts with no signal ignored' '
	test_grep "^SigIgn:	0000000000000000$" "$TP_FAKE_REPORT"
'

test_expect_success 'the helper sees only its three pipes' '
	test_grep "^fds:0,1,2$" "$TP_FAKE_REPORT"
'

test_expect_success 'the helper leads a process group of its own' '
	test_grep "^pgrp:own$" "$TP_FAKE_REPORT"
'

test_expect_success 'SIGCHLD ignored: exit 5 (new sign-in) is still 28000' '
	TP_FAKE_MODE=exit5 test_must_fail "$CLIENT" -H "DSN=spawn" >out &&
	test_grep "diag: 28000: .*tokenpass login" out &&
	test_grep ! "signal" out
'

test_expect_success 'a helper hanging with a grandchild: HYT00, both ended' '
	rm -f "$TP_FAKE_REPORT" &&
	TP_FAKE_MODE=hang test_must_fail "$CLIENT" -H "DSN=spawnquick" >out &&
	test_grep "diag: HYT00: " out &&
	grandchild=$(sed -n "s/^grandchild=//p" "$TP_FAKE_REPORT") &&
	test -n "$grandchild" &&
	state=$(sed -n "s/^State:[	 ]*\([A-Z]\).*/\1/p" \
		"/proc/$grandchild/status" 2>/dev/null) &&
	{ test -z "$state" || test "$state" = Z; }
'

test_done
