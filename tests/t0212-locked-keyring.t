#!/bin/sh
test_description='a locked keyring: exit 3 at once for every request, never a prompt'
. "$TP_SRC_DIR/tests/lib/test-lib.sh"
. "$TP_SRC_DIR/tests/lib/helper-test.sh"
. "$TP_SRC_DIR/tests/lib/keyring.sh"

# A prompt nobody can answer would hang: tp_run gives up after 10 s and
# the test fails (rc 124). Nothing here asserts a time.
TP_TIMEOUT=10
H=locked.example.com
STUB=$TP_BUILD_DIR/tests/odbc-stub/.libs/libtpstub.so
CLIENT=$TP_BUILD_DIR/tests/odbc-stub/tp-odbc-client
PLUGIN=$TP_BUILD_DIR/plugin/.libs/libtokenpass-odbc.so

mkdir -p "$TRASH/odbc"
cat >"$TRASH/odbc/odbcinst.ini" <<EOF
[tokenpass]
Driver = $PLUGIN

[Stub]
Driver = $STUB
EOF
cat >"$TRASH/odbc/odbc.ini" <<EOF
[pat]
Driver = tokenpass
TargetDriver = Stub
TokenHelper = $TP_BUILD_DIR/tokenpass
TokenTimeout = 10
Server = $H
UID = U1

[oauth]
Driver = tokenpass
TargetDriver = Stub
TokenHelper = $TP_BUILD_DIR/tokenpass
TokenTimeout = 10
Server = $H
UID = SVC
EOF
: >"$TRASH/odbc/user.ini"
ODBCSYSINI=$TRASH/odbc ODBCINI=$TRASH/odbc/user.ini
export ODBCSYSINI ODBCINI

test_setup 'a keyring with a PAT, an OAuth and an app-level credential' '
	keyring_start &&
	echo tok-locked-secret >in &&
	tokenpass add-pat --host $H --user U1 <in 2>/dev/null &&
	tokenpass add-pat --host $H --user U1 --dsn pat <in 2>/dev/null &&
	printf "at-locked-secret\nrt-locked-secret\n" |
		tp_store_oauth $H SVC "" 4102444800 4102444800
'

# every request shape and command that reads or writes the keyring
locked_table () {
	for req in \
		"protocol=https\nhost=$H\nusername=U1\n" \
		"protocol=https\nhost=$H\nusername=SVC\n" \
		"protocol=https\nhost=$H\n" \
		"host=$H\nusername=U1\n" \
		"protocol=https\nhost=$H\nusername=U1\ndsn=pat\n" \
		"protocol=https\nhost=$H\nusername=SVC\ntokenpass_renew=1\n" \
		"protocol=https\nhost=$H\nusername=NOBODY\n" \
		"protocol=https\nhost=nothing.example\n"
	do
		printf "$req\n" >in &&
		tp_run out err tokenpass get &&
		echo "get $req: $rc" >>codes &&
		test_must_be_empty out || return 1
	done &&
	printf "protocol=https\nhost=$H\nusername=U1\npassword=tok-x\n\n" >in &&
	tp_run out err tokenpass store && echo "store: $rc" >>codes &&
	printf "protocol=https\nhost=$H\nusername=U1\n\n" >in &&
	tp_run out err tokenpass erase && echo "erase: $rc" >>codes &&
	printf "protocol=https\nhost=$H\n\n" >in &&
	tp_run out err tokenpass erase && echo "erase all: $rc" >>codes &&
	echo tok-y >in &&
	tp_run out err tokenpass add-pat --host $H --user U2 &&
	echo "add-pat: $rc" >>codes &&
	: >in &&
	tp_run out err tokenpass remove --host $H --user U1 &&
	echo "remove: $rc" >>codes &&
	tp_run out err tokenpass refresh --host $H --user SVC --force &&
	echo "refresh: $rc" >>codes &&
	tp_run out err tokenpass refresh --all &&
	echo "refresh --all: $rc" >>codes &&
	tp_run out err tokenpass rotate --host $H --user U1 --admin SVC &&
	echo "rotate: $rc" >>codes &&
	tp_run out err tokenpass check &&
	echo "check: $rc" >>codes &&
	for dsn in pat oauth
	do
		timeout 20 "$CLIENT" "DSN=$dsn" >out 2>&1
		grep -o "diag: [0-9A-Z]*" out | head -n 1 >state &&
		echo "hook $dsn: $(cat state)" >>codes || return 1
	done
}

check_codes () {
	# every get and command: 3; the hook: 28000 or 08001, never HYT00
	grep -v "^hook" codes | grep -v ": 3\$" >wrong
	grep "^hook" codes | grep -v -e "diag: 28000\$" -e "diag: 08001\$" \
		>>wrong
	if test -s wrong; then
		echo "not as documented:"; cat wrong; return 1
	fi
	test_line_count = 19 codes
}

test_expect_success 'lock the collection' '
	keyring_lock
'

test_expect_success 'locked after use: every request shape, command and the hook' '
	: >codes &&
	locked_table &&
	check_codes
'

test_expect_success 'tokenpass unlock without a prompter: bounded, exit 3' '
	TOKENPASS_UNLOCK_TIMEOUT=2 tp_run out err tokenpass unlock &&
	test $rc = 3 &&
	test_one_line err
'

test_setup 'the daemon goes away; the bus starts one with the collection locked' '
	keyring_kill_daemon &&
	sleep 0.5
'

test_expect_success 'locked since the daemon started: the same table' '
	: >codes &&
	locked_table &&
	check_codes &&
	keyring_read_pid &&
	test_atexit "kill $KR_GKD_PID"
'

test_done
