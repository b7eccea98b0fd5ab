#!/bin/sh
test_description='tokenpass driver add, list, remove: DSN-less entries in odbcinst.ini'
. "$TP_SRC_DIR/tests/lib/test-lib.sh"

PLUGIN=$TP_BUILD_DIR/plugin/.libs/libtokenpass-odbc.so
STUB=$TP_BUILD_DIR/tests/odbc-stub/.libs/libtpstub.so
CLIENT=$TP_BUILD_DIR/tests/odbc-stub/tp-odbc-client
STUB_LOG=$TRASH/stub.log
export STUB_LOG

test_setup 'a system odbcinst.ini with the stub driver, a private HOME' '
	mkdir -p "$TRASH/sys" "$TRASH/home" &&
	printf "[Stub]\nDriver = %s\n" "$STUB" >"$TRASH/sys/odbcinst.ini" &&
	: >"$TRASH/sys/odbc.ini" &&
	HOME=$TRASH/home ODBCSYSINI=$TRASH/sys &&
	unset ODBCINI ODBCINSTINI &&
	export HOME ODBCSYSINI &&
	cat >"$TRASH/fake-helper" <<-\EOS &&
	#!/bin/sh
	cat >/dev/null
	printf "username=alice\npassword=tok-drv\n"
	EOS
	chmod +x "$TRASH/fake-helper"
'

test_expect_success 'add: a system entry named after the target' '
	tokenpass driver add Stub --hook "$PLUGIN" >out &&
	test_grep "added .Stub (tokenpass)." out &&
	odbcinst -q -d >drivers &&
	test_grep "^\[Stub (tokenpass)\]$" drivers &&
	test_grep "^TargetDriver=Stub$" "$TRASH/sys/odbcinst.ini" &&
	test_grep "^Driver=$PLUGIN$" "$TRASH/sys/odbcinst.ini"
'

test_expect_success 'list shows it, and only the hook entries' '
	tokenpass driver list --hook "$PLUGIN" >out &&
	printf "Stub (tokenpass)\tStub\n" >expect &&
	test_cmp expect out
'

test_expect_success 'a DSN-less connect through the entry' '
	printf "TokenHelper = %s\n" "$TRASH/fake-helper" \
		>>"$TRASH/sys/odbcinst.ini" &&
	"$CLIENT" "DRIVER={Stub (tokenpass)};Server=db.example;UID=alice" >out &&
	test_grep "^rc=0" out &&
	test_grep "PWD={tok-drv}" "$STUB_LOG"
'

test_expect_success 'add --user --name: ~/.odbcinst.ini, read first' '
	tokenpass driver add Stub --user --name Mine --hook "$PLUGIN" &&
	test_grep "^\[Mine\]$" "$TRASH/home/.odbcinst.ini" &&
	test_grep ! "Mine" "$TRASH/sys/odbcinst.ini" &&
	tokenpass driver list --hook "$PLUGIN" >out &&
	test_grep "^Mine	Stub$" out
'

test_expect_success 'remove: only hook entries, from the chosen file' '
	test_must_fail tokenpass driver remove Stub --hook "$PLUGIN" 2>err &&
	test_grep "not a tokenpass entry" err &&
	test_grep "^\[Stub\]$" "$TRASH/sys/odbcinst.ini" &&
	tokenpass driver remove Mine --user --hook "$PLUGIN" &&
	test_grep ! "Mine" "$TRASH/home/.odbcinst.ini" &&
	tokenpass driver remove "Stub (tokenpass)" --hook "$PLUGIN" &&
	test_grep ! "tokenpass" "$TRASH/sys/odbcinst.ini" &&
	test_expect_code 4 tokenpass driver remove "Stub (tokenpass)" --hook "$PLUGIN"
'

test_expect_success 'bad use: an unknown target, the hook as target, no verb' '
	test_must_fail tokenpass driver add Nope --hook "$PLUGIN" 2>err &&
	test_grep "not a driver in odbcinst.ini" err &&
	printf "[tokenpass]\nDriver = %s\n" "$PLUGIN" >>"$TRASH/sys/odbcinst.ini" &&
	test_must_fail tokenpass driver add tokenpass --hook "$PLUGIN" 2>err &&
	test_grep "the tokenpass hook itself" err &&
	test_expect_code 2 tokenpass driver 2>err &&
	test_expect_code 2 tokenpass driver list extra 2>err
'

test_done
