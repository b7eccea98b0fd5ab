#!/bin/sh
test_description='tokenpass schedule: the timer drop-in and systemctl --user'
. "$TP_SRC_DIR/tests/lib/test-lib.sh"
. "$TP_SRC_DIR/tests/lib/helper-test.sh"

# Run a command when the current test body (a subshell) ends.
ts_finally () {
	trap "$*" EXIT
}

DROPIN=$XDG_CONFIG_HOME/systemd/user/tokenpass-refresh.timer.d/interval.conf

# A systemctl that logs its arguments and exits $FAKE_RC (default 0).
mkdir -p "$TRASH/fake"
printf '%s\n' '#!/bin/sh' \
	"echo \"\$*\" >>\"$TRASH/systemctl.log\"" \
	'exit ${FAKE_RC:-0}' >"$TRASH/fake/systemctl"
chmod +x "$TRASH/fake/systemctl"
FAKE_PATH=$TRASH/fake:$PATH

test_expect_success 'nothing set yet: schedule says so, exit 0' '
	tp_run out err tokenpass schedule &&
	test $rc -eq 0 &&
	test_must_be_empty err &&
	test_grep "^not set; the timer renews every 15 minutes once enabled" out
'

test_expect_success 'schedule 30m: the drop-in, daemon-reload, enable --now' '
	PATH=$FAKE_PATH tp_run out err tokenpass schedule 30m &&
	test $rc -eq 0 &&
	test_must_be_empty err &&
	test_grep "^renewing every 30m" out &&
	cat >expect <<-\EOF &&
	# tokenpass schedule 30m
	# Written by '"'"'tokenpass schedule'"'"'; change it with '"'"'tokenpass schedule 15m|30m|1h|off'"'"'.
	[Timer]
	OnUnitActiveSec=
	OnUnitActiveSec=30min
	EOF
	test_cmp expect "$DROPIN" &&
	printf "%s\n" "--user daemon-reload" \
		"--user enable --now tokenpass-refresh.timer" >expect &&
	test_cmp expect systemctl.log &&
	tp_run out err tokenpass schedule &&
	test $rc -eq 0 &&
	echo 30m >expect &&
	test_cmp expect out
'

test_expect_success 'schedule 15m and 1h: the intervals systemd is given' '
	PATH=$FAKE_PATH tp_run out err tokenpass schedule 15m &&
	test $rc -eq 0 &&
	test_grep "^OnUnitActiveSec=15min\$" "$DROPIN" &&
	PATH=$FAKE_PATH tp_run out err tokenpass schedule 1h &&
	test $rc -eq 0 &&
	test_grep "^OnUnitActiveSec=1h\$" "$DROPIN" &&
	tp_run out err tokenpass schedule &&
	echo 1h >expect &&
	test_cmp expect out
'

test_expect_success 'the units and each drop-in pass systemd-analyze verify' '
	unitdir=$XDG_CONFIG_HOME/systemd/user &&
	cp "$TP_BUILD_DIR/systemd/tokenpass-refresh.service" \
		"$TP_BUILD_DIR/systemd/tokenpass-refresh.timer" "$unitdir" &&
	ts_finally "rm -f $unitdir/tokenpass-refresh.service $unitdir/tokenpass-refresh.timer" &&
	for iv in 15m 30m 1h off
	do
		PATH=$FAKE_PATH tokenpass schedule $iv >/dev/null &&
		timeout 60 systemd-analyze verify --man=no --user \
			tokenpass-refresh.timer >verify.out 2>&1 || {
			cat verify.out; return 1; }
		test_must_be_empty verify.out || return 1
	done &&
	echo "OnUnitActiveSec=bogus" >>"$DROPIN" &&
	{ timeout 60 systemd-analyze verify --man=no --user \
		tokenpass-refresh.timer >verify.out 2>&1; true; } &&
	test_grep "interval.conf:.*bogus" verify.out
'

test_expect_success 'schedule off: disable --now, no interval in the drop-in' '
	: >systemctl.log &&
	PATH=$FAKE_PATH tp_run out err tokenpass schedule off &&
	test $rc -eq 0 &&
	test_grep "^scheduled renewal is off" out &&
	test_grep ! OnUnitActiveSec "$DROPIN" &&
	printf "%s\n" "--user daemon-reload" \
		"--user disable --now tokenpass-refresh.timer" >expect &&
	test_cmp expect systemctl.log &&
	tp_run out err tokenpass schedule &&
	echo off >expect &&
	test_cmp expect out
'

test_expect_success 'XDG_CONFIG_HOME is where the drop-in goes' '
	XDG_CONFIG_HOME=$TRASH/elsewhere PATH=$FAKE_PATH \
		tp_run out err tokenpass schedule 1h &&
	test $rc -eq 0 &&
	test_grep "^OnUnitActiveSec=1h\$" \
		elsewhere/systemd/user/tokenpass-refresh.timer.d/interval.conf &&
	test_grep ! "^OnUnitActiveSec=1h" "$DROPIN"
'

test_expect_success 'systemctl fails: one line with what to run, exit 1' '
	FAKE_RC=1 &&
	export FAKE_RC &&
	PATH=$FAKE_PATH tp_run out err tokenpass schedule 30m &&
	test $rc -eq 1 &&
	test_must_be_empty out &&
	test_one_line err &&
	test_grep "cannot reach the systemd user manager" err &&
	test_grep "systemctl --user daemon-reload && systemctl --user enable --now tokenpass-refresh.timer" err &&
	test_grep "^OnUnitActiveSec=30min\$" "$DROPIN"
'

test_expect_success 'the real systemctl with no user manager: exit 1, drop-in kept' '
	command -v systemctl >/dev/null &&
	tp_run out err tokenpass schedule 15m &&
	test $rc -eq 1 &&
	test_one_line err &&
	test_grep "cannot reach the systemd user manager" err &&
	test_grep "^OnUnitActiveSec=15min\$" "$DROPIN" &&
	tp_run out err tokenpass schedule &&
	echo 15m >expect &&
	test_cmp expect out
'

test_expect_success 'no systemctl at all: the same one line, exit 1' '
	mkdir -p nosys &&
	ln -sf "$TP_BUILD_DIR/tokenpass" nosys/tokenpass &&
	ln -sf "$(command -v timeout)" nosys/timeout &&
	PATH=$TRASH/nosys tp_run out err tokenpass schedule 1h &&
	test $rc -eq 1 &&
	test_one_line err &&
	test_grep "^OnUnitActiveSec=1h\$" "$DROPIN"
'

test_expect_success 'usage errors: exit 2, nothing written' '
	cp "$DROPIN" before &&
	for args in 5m "15m 30m" --now 15M
	do
		PATH=$FAKE_PATH tp_run out err tokenpass schedule $args &&
		test $rc -eq 2 &&
		test_grep "usage: tokenpass schedule" err || return 1
	done &&
	test_cmp before "$DROPIN"
'

test_expect_success 'a drop-in tokenpass did not write is not misread' '
	printf "[Timer]\nOnUnitActiveSec=5min\n" >"$DROPIN" &&
	tp_run out err tokenpass schedule &&
	test $rc -eq 1 &&
	test_one_line err &&
	test_grep "was not written by tokenpass" err
'

test_done
