#!/bin/sh
test_description='check --notify: one reminder per credential and state, again daily'
. "$TP_SRC_DIR/tests/lib/test-lib.sh"
. "$TP_SRC_DIR/tests/lib/keyring.sh"
. "$TP_SRC_DIR/tests/lib/helper-test.sh"

NOW=1800000000
DAY=86400
TOKENPASS_NOW=$NOW
export TOKENPASS_NOW

notes () {
	if test -f "$TRASH/notes"; then wc -l <"$TRASH/notes"; else echo 0; fi
}

test_setup 'a keyring and a PAT ending in 3 days' '
	keyring_start &&
	echo tok-secret >in &&
	TOKENPASS_NOW=$((NOW - 10 * DAY)) tokenpass add-pat \
		--host a.example.com --user SOON --days 13 <in
'

test_setup 'a notification server on the private bus' '
	notify_server_start
'

test_expect_success 'check --notify 10 times in a row: one notification' '
	i=0 &&
	while test $i -lt 10
	do
		i=$((i + 1)) &&
		tp_run out err tokenpass check --notify &&
		test $rc -eq 1 &&
		tp_agent_report out &&
		test_line_count = 1 out &&
		test_must_be_empty err || return 1
	done &&
	test "$(notes)" = 1 &&
	test_grep "renew soon for .SOON@a.example.com." "$TRASH/notes" &&
	test -f "$HOME/.local/state/tokenpass/notified"
'

test_expect_success 'the state is kept under XDG_STATE_HOME when set' '
	XDG_STATE_HOME=$TRASH/state tp_run out err tokenpass check --notify &&
	test "$(notes)" = 2 &&
	XDG_STATE_HOME=$TRASH/state tp_run out err tokenpass check --notify &&
	test "$(notes)" = 2 &&
	test -f "$TRASH/state/tokenpass/notified" &&
	test_no_secret tok-secret "$TRASH/state/tokenpass/notified"
'

test_expect_success 'a day later the same reminder comes again, once' '
	n=$(notes) &&
	TOKENPASS_NOW=$((NOW + DAY / 2)) tp_run out err tokenpass check --notify &&
	test "$(notes)" = $n &&
	TOKENPASS_NOW=$((NOW + DAY + 60)) tp_run out err tokenpass check --notify &&
	test "$(notes)" = $((n + 1)) &&
	TOKENPASS_NOW=$((NOW + DAY + 120)) tp_run out err tokenpass check --notify &&
	test "$(notes)" = $((n + 1))
'

test_expect_success 'a new state of the same credential: a new reminder' '
	n=$(notes) &&
	TOKENPASS_NOW=$((NOW + 4 * DAY)) tp_run out err tokenpass check --notify &&
	test $rc -eq 2 &&
	test "$(notes)" = $((n + 1)) &&
	tail -n 1 "$TRASH/notes" | test_grep "expired for .SOON@a.example.com." &&
	TOKENPASS_NOW=$((NOW + 4 * DAY + 60)) tp_run out err tokenpass check --notify &&
	test "$(notes)" = $((n + 1))
'

test_expect_success 'fixed, then broken again: reminded again' '
	n=$(notes) &&
	echo tok-secret >in &&
	tokenpass add-pat --host a.example.com --user SOON --days 30 <in &&
	tp_run out err tokenpass check --notify &&
	test $rc -eq 0 &&
	test "$(notes)" = $n &&
	TOKENPASS_NOW=$((NOW + 25 * DAY)) tp_run out err tokenpass check --notify &&
	test $rc -eq 1 &&
	test "$(notes)" = $((n + 1))
'

test_done
