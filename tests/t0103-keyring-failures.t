#!/bin/sh
test_description='keyring failures: exit 3, one line, never a hang'
. "$TP_SRC_DIR/tests/lib/test-lib.sh"
. "$TP_SRC_DIR/tests/lib/keyring.sh"
. "$TP_SRC_DIR/tests/lib/helper-test.sh"

H=acme.example.com

# Run every command that needs the keyring; each must exit $1 with one
# line on stderr that holds $2, print nothing on stdout, and never show
# the token it was given.
all_commands_fail () {
	want=$1 msg=$2
	tp_request $H U1 &&
	for cmd in get erase list remove add-pat store
	do
		case $cmd in
		store)
			printf "protocol=https\nhost=$H\nusername=U1\npassword=tok-fail-secret\n" >in
			set -- tokenpass store ;;
		add-pat)
			echo tok-fail-secret >in
			set -- tokenpass add-pat --host $H --user U1 ;;
		remove)
			set -- tokenpass remove --host $H --user U1 ;;
		*)
			set -- tokenpass $cmd ;;
		esac
		tp_run out err "$@" &&
		test $rc -eq $want || {
			echo "$cmd: exit $rc, not $want"; cat err; return 1; }
		test_must_be_empty out &&
		test_one_line err &&
		test_grep "$msg" err &&
		test_no_secret tok-fail-secret err || {
			echo "(from $cmd)"; return 1; }
	done
}

test_expect_success 'no session bus at all: exit 3, "session bus"' '
	mkdir -m 700 empty-run &&
	(
		unset DBUS_SESSION_BUS_ADDRESS &&
		XDG_RUNTIME_DIR=$TRASH/empty-run &&
		export XDG_RUNTIME_DIR &&
		all_commands_fail 3 "cannot reach the D-Bus session bus"
	)
'

test_expect_success 'a bus address whose socket is gone: exit 3' '
	(
		DBUS_SESSION_BUS_ADDRESS=unix:path=$TRASH/no-such-socket &&
		export DBUS_SESSION_BUS_ADDRESS &&
		all_commands_fail 3 "cannot reach the D-Bus session bus"
	)
'

test_expect_success 'a bus address that is not a socket: exit 3' '
	: >not-a-socket &&
	(
		DBUS_SESSION_BUS_ADDRESS=unix:path=$TRASH/not-a-socket &&
		export DBUS_SESSION_BUS_ADDRESS &&
		all_commands_fail 3 "session bus"
	)
'

test_expect_success 'a malformed bus address: exit 3' '
	(
		DBUS_SESSION_BUS_ADDRESS=garbage-address &&
		export DBUS_SESSION_BUS_ADDRESS &&
		all_commands_fail 3 "session bus"
	)
'

test_setup 'a second bus that provides no Secret Service' '
	keyring_bare_bus &&
	test_atexit "kill $BARE_PID"
'

test_expect_success 'a bus without a Secret Service provider: exit 3' '
	(
		DBUS_SESSION_BUS_ADDRESS=$BARE_BUS &&
		export DBUS_SESSION_BUS_ADDRESS &&
		all_commands_fail 3 "no Secret Service on the session bus"
	)
'

test_setup 'the private bus and an unlocked keyring' '
	keyring_start &&
	echo tok-locked-secret >in &&
	tokenpass add-pat --host $H --user U1 <in 2>/dev/null &&
	printf "at-locked-secret\nrt-locked-secret\n" | \
		tp_store_oauth $H SVC "" 4102444800 4102444800
'

test_expect_success 'no such credential: get prints nothing, remove exits 4' '
	tp_request $H NOBODY &&
	tp_run out err tokenpass get &&
	test $rc -eq 0 &&
	test_must_be_empty out &&
	test_must_be_empty err &&
	tp_run out err tokenpass remove --host $H --user NOBODY &&
	test $rc -eq 4 &&
	test_one_line err
'

test_expect_success 'malformed and oversized input: exit 2, one line' '
	printf "host=$H\nusername U1\n" >in &&
	tp_run out err tokenpass get &&
	test $rc -eq 2 && test_one_line err && test_must_be_empty out &&
	{ printf "host=$H\npassword=" && head -c 70000 /dev/zero | tr "\0" x; } >in &&
	tp_run out err tokenpass store &&
	test $rc -eq 2 && test_one_line err && test_must_be_empty out &&
	head -c 10000000 /dev/zero | tr "\0" x >in &&
	tp_run out err tokenpass get &&
	test $rc -eq 2 && test_one_line err && test_must_be_empty out
'

test_expect_success 'lock the collection' '
	keyring_lock
'

test_expect_success 'a locked collection: exit 3, told apart from not found' '
	for u in U1 SVC
	do
		tp_request $H $u &&
		tp_run out err tokenpass get &&
		test $rc -eq 3 &&
		test_must_be_empty out &&
		test_one_line err &&
		test_grep "locked" err || return 1
	done &&
	tp_request $H &&
	tp_run out err tokenpass get &&
	test $rc -eq 3 &&
	test_one_line err &&
	test_grep "locked" err
'

test_expect_success 'a locked collection: store, erase, add-pat, remove exit 3' '
	printf "protocol=https\nhost=$H\nusername=U1\npassword=tok-new-secret\n" >in &&
	tp_run out err tokenpass store &&
	test $rc -eq 3 && test_one_line err && test_grep locked err &&
	test_no_secret tok-new-secret err &&
	tp_request $H U1 &&
	tp_run out err tokenpass erase &&
	test $rc -eq 3 && test_one_line err && test_grep locked err &&
	echo tok-new-secret >in &&
	tp_run out err tokenpass add-pat --host $H --user U1 &&
	test $rc -eq 3 && test_one_line err && test_grep locked err &&
	tp_run out err tokenpass add-pat --host $H --user NEWUSER &&
	test $rc -eq 3 && test_one_line err && test_grep locked err &&
	tp_run out err tokenpass remove --host $H --user U1 &&
	test $rc -eq 3 && test_one_line err && test_grep locked err &&
	test_must_be_empty out
'

test_expect_success 'a locked collection: list shows the items as locked' '
	tp_run out err tokenpass list --json &&
	test $rc -eq 0 &&
	/usr/bin/python3 -c "
import json
rows = json.load(open(\"out\"))
assert len(rows) == 2, rows
assert all(r[\"status\"] == \"locked\" for r in rows), rows
"
'

test_setup 'unlock (a new daemon)' '
	keyring_unlock
'

test_expect_success 'unlocked again: everything is where it was' '
	tp_request $H U1 &&
	tp_run out err tokenpass get &&
	test $rc -eq 0 &&
	test_grep "^password=tok-locked-secret\$" out &&
	tp_request $H SVC &&
	tp_run out err tokenpass get &&
	test_grep "^password=at-locked-secret\$" out
'

test_setup 'the daemon goes away; the bus would start a new one' '
	keyring_kill_daemon &&
	sleep 0.5
'

test_expect_success 'an auto-started daemon has the collection locked: exit 3' '
	tp_request $H U1 &&
	tp_run out err tokenpass get &&
	test $rc -eq 3 &&
	test_must_be_empty out &&
	test_one_line err &&
	test_grep "locked" err &&
	keyring_read_pid &&
	test_atexit "kill $KR_GKD_PID"
'

test_expect_success 'that locked collection: no command takes it for empty' '
	tp_request $H &&
	tp_run out err tokenpass get &&
	test $rc -eq 3 && test_one_line err && test_must_be_empty out &&
	tp_run out err tokenpass erase &&
	test $rc -eq 3 && test_one_line err &&
	tp_run out err tokenpass list &&
	test $rc -eq 3 && test_one_line err && test_grep locked err &&
	test_must_be_empty out &&
	tp_run out err tokenpass remove --host $H --user U1 &&
	test $rc -eq 3 && test_one_line err && test_grep locked err &&
	printf "protocol=https\nhost=$H\nusername=U1\npassword=tok-x\n" >in &&
	tp_run out err tokenpass store &&
	test $rc -eq 3 && test_one_line err && test_grep locked err
'

test_done
