#!/bin/sh
test_description='the systemd user units: verified, and their commands run'
. "$TP_SRC_DIR/tests/lib/test-lib.sh"
. "$TP_SRC_DIR/tests/lib/keyring.sh"
. "$TP_SRC_DIR/tests/lib/helper-test.sh"

NOW=1800000000
TOKENPASS_NOW=$NOW
export TOKENPASS_NOW
DEST=$TRASH/dest

test_setup 'make install DESTDIR (units with the real bindir)' '
	ODBCSYSINI=$TRASH ODBCINSTINI=odbcinst.ini \
	make -C "$TP_BUILD_DIR" install DESTDIR="$DEST" >"$TRASH/install.log" 2>&1 &&
	UNITDIR=$(dirname "$(find "$DEST" -name tokenpass-refresh.service)") &&
	test -f "$UNITDIR/tokenpass-refresh.timer"
'

test_expect_success 'the service runs refresh --all, then check --notify' '
	sed -n "s/^ExecStart=//p" "$UNITDIR/tokenpass-refresh.service" >exec &&
	test_line_count = 2 exec &&
	bin=$(sed -n "1s|^-\(/.*\)/tokenpass refresh --all\$|\1|p" exec) &&
	test -n "$bin" &&
	test -x "$DEST$bin/tokenpass" &&
	echo "$bin/tokenpass check --notify" >expect &&
	sed -n 2p exec >actual &&
	test_cmp expect actual &&
	test_grep "^Type=oneshot\$" "$UNITDIR/tokenpass-refresh.service" &&
	test_grep "^SuccessExitStatus=1 2\$" "$UNITDIR/tokenpass-refresh.service"
'

test_expect_success 'the timer: 15 minutes by default, after boot, persistent' '
	test_grep "^OnUnitActiveSec=15min\$" "$UNITDIR/tokenpass-refresh.timer" &&
	test_grep "^OnBootSec=" "$UNITDIR/tokenpass-refresh.timer" &&
	test_grep "^Persistent=true\$" "$UNITDIR/tokenpass-refresh.timer" &&
	test_grep "^WantedBy=timers.target\$" "$UNITDIR/tokenpass-refresh.timer"
'

test_expect_success 'systemd-analyze verify: clean, man page found' '
	mandir=$(dirname "$(dirname "$(find "$DEST" -name tokenpass.1)")") &&
	MANPATH=$mandir timeout 60 systemd-analyze verify --user \
		"$UNITDIR/tokenpass-refresh.service" \
		"$UNITDIR/tokenpass-refresh.timer" >verify.out 2>&1 || {
		cat verify.out; false; } &&
	test_must_be_empty verify.out
'

test_expect_success 'systemd-analyze verify catches a broken unit' '
	mkdir -p broken &&
	sed "s/^Type=oneshot/Type=bogus/" \
		"$UNITDIR/tokenpass-refresh.service" \
		>broken/tokenpass-refresh.service &&
	test_must_fail timeout 60 systemd-analyze verify --man=no --user \
		broken/tokenpass-refresh.service >verify.out 2>&1 &&
	test_grep bogus verify.out
'

test_setup 'a private keyring with a PAT near its end' '
	keyring_start &&
	echo tok-secret-unit | tokenpass add-pat --host a.example.com \
		--user SVC --days 3 --name SVC_PAT 2>/dev/null
'

test_setup 'a notification server on the private bus' '
	"$TP_BUILD_DIR/tests/unit/notify-server" "$TRASH/notes" &
	NOTIFY_PID=$! &&
	test_atexit "kill $NOTIFY_PID" &&
	gdbus wait --session --timeout 5 org.freedesktop.Notifications
'

# Run the service's ExecStart lines as systemd would: a leading "-" lets
# a failure pass; otherwise the exit code must be 0 or in SuccessExitStatus.
run_service () {
	ok=$(sed -n "s/^SuccessExitStatus=//p" "$UNITDIR/tokenpass-refresh.service")
	while read -r line
	do
		ignore=
		case $line in -*) ignore=1; line=${line#-} ;; esac
		set -- $line
		cmd=$1
		shift
		timeout 30 "$DEST$cmd" "$@" >>service.out 2>>service.err
		code=$?
		echo "$code" >>codes
		test -n "$ignore" && continue
		case " 0 $ok " in
		*" $code "*) ;;
		*) echo >&2 "ExecStart $line failed: $code"; return 1 ;;
		esac
	done <exec
}

test_expect_success 'the service commands against the keyring: a warning' '
	run_service &&
	printf "0\n1\n" >expect &&
	test_cmp expect codes &&
	test_grep "^renew soon: .SVC@a.example.com.: the PAT expires" service.out &&
	test_line_count = 1 "$TRASH/notes" &&
	test_grep "renew soon for .SVC@a.example.com." "$TRASH/notes" &&
	test_no_secret tok-secret-unit service.out service.err "$TRASH/notes"
'

test_expect_success 'an expired PAT: check exits 2, the unit still succeeds' '
	rm -f codes service.out "$TRASH/notes" &&
	TOKENPASS_NOW=$((NOW + 5 * 86400)) run_service &&
	printf "0\n2\n" >expect &&
	test_cmp expect codes &&
	test_grep "^expired: .SVC@a.example.com." service.out &&
	test_grep "expired for .SVC@a.example.com.*	2	-1\$" "$TRASH/notes"
'

test_done
