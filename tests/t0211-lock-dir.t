#!/bin/sh
test_description='the renewal lock directory: private, checked, never a shared path'
. "$TP_SRC_DIR/tests/lib/test-lib.sh"
. "$TP_SRC_DIR/tests/lib/helper-test.sh"
. "$TP_SRC_DIR/tests/lib/keyring.sh"
. "$TP_SRC_DIR/tests/lib/tokenserver.sh"
. "$TP_SRC_DIR/tests/lib/oidc.sh"

# Every get below finds a renewal due (a margin longer than the token's
# life) while the token is still valid: when no lock can be had, it serves
# that token with a warning, and never renews without the lock.
test_setup 'keyring, server, a signed-in ANALYST' '
	keyring_start &&
	tokenserver_start &&
	oauth_login --host "$TS_HOST" --user ANALYST \
		--client-id tokenpass-test &&
	tp_request "$TS_HOST" ANALYST &&
	TOKENPASS_REFRESH_MARGIN=86400 tp_run out err tokenpass get &&
	test $rc = 0 &&
	LOCKDIR=$XDG_RUNTIME_DIR/tokenpass &&
	test -d "$LOCKDIR" &&
	test "$(stat -c %a "$LOCKDIR")" = 700 &&
	ls "$LOCKDIR"/*.lock >locks &&
	test_line_count = 1 locks
'

# hold_lock FILE: another process holds FILE's lock (sets holder)
hold_lock () {
	sh -c "exec 9>>\"\$1\" && flock 9 && exec sleep 20" sh "$1" &
	holder=$!
	tries=0
	while flock -n "$1" true
	do
		tries=$((tries + 1))
		test $tries -lt 100 || return 1
		sleep 0.1
	done
}

# served_with_warning PATTERN: get served a token, warned with PATTERN,
# and asked the token endpoint nothing.
served_with_warning () {
	asked=$(tokenserver_count refresh_token) &&
	tp_request "$TS_HOST" ANALYST &&
	TOKENPASS_REFRESH_MARGIN=86400 tp_run out err tokenpass get &&
	test $rc = 0 &&
	grep "^password=." out &&
	test_grep "warning: cannot renew the token for .ANALYST@" err &&
	test_grep "$1" err &&
	test "$(tokenserver_count refresh_token)" = $asked
}

test_expect_success 'the lock directory is created 0700 under XDG_RUNTIME_DIR' '
	rm -rf "$LOCKDIR" &&
	served_renewed=$(tokenserver_count refresh_token) &&
	TOKENPASS_REFRESH_MARGIN=86400 tp_run out err tokenpass get &&
	test $rc = 0 &&
	test "$(stat -c %a:%u "$LOCKDIR")" = "700:$(id -u)" &&
	test "$(tokenserver_count refresh_token)" = $((served_renewed + 1))
'

test_expect_success 'without XDG_RUNTIME_DIR: ~/.cache/tokenpass' '
	n=$(tokenserver_count refresh_token) &&
	(
		unset XDG_RUNTIME_DIR &&
		TOKENPASS_REFRESH_MARGIN=86400 tp_run out err tokenpass get &&
		test $rc = 0
	) &&
	test "$(stat -c %a "$HOME/.cache/tokenpass")" = 700 &&
	test "$(tokenserver_count refresh_token)" = $((n + 1))
'

test_expect_success 'HOME and XDG_RUNTIME_DIR unset: no shared /tmp path, a valid token served' '
	(
		unset XDG_RUNTIME_DIR HOME &&
		served_with_warning "neither XDG_RUNTIME_DIR nor HOME is set"
	) &&
	(
		unset XDG_RUNTIME_DIR HOME &&
		tp_run out err tokenpass refresh --force --host "$TS_HOST" \
			--user ANALYST &&
		test $rc = 1 &&
		test_grep "neither XDG_RUNTIME_DIR nor HOME is set" err
	)
'

test_expect_success 'a lock directory of another user is refused' '
	rm -rf "$LOCKDIR" &&
	mkdir -m 700 "$LOCKDIR" &&
	test_when_finished "rm -rf \"$LOCKDIR\"" &&
	if test "$(id -u)" = 0
	then
		chown nobody "$LOCKDIR" &&
		served_with_warning "is not a directory of this user"
	fi &&
	rm -rf "$LOCKDIR" && mkdir -m 700 "$TRASH/elsewhere" &&
	ln -s "$TRASH/elsewhere" "$LOCKDIR" &&
	served_with_warning "is not a directory of this user" &&
	test_path_is_missing "$TRASH/elsewhere/"*.lock
'

test_expect_success 'a lock directory open to others is refused' '
	rm -rf "$LOCKDIR" &&
	mkdir -m 755 "$LOCKDIR" &&
	test_when_finished "rm -rf \"$LOCKDIR\"" &&
	served_with_warning "is open to other users (mode 755)"
'

test_expect_success 'a runtime dir where nothing can be created' '
	mkdir -m 500 "$TRASH/ro-run" &&
	test_when_finished "chmod 700 \"$TRASH/ro-run\"" &&
	ro=$TRASH/ro-run &&
	# root writes through mode bits: /proc takes no directory from anyone
	if test "$(id -u)" = 0; then ro=/proc/self; fi &&
	XDG_RUNTIME_DIR=$ro served_with_warning "cannot create .$ro/tokenpass."
'

test_expect_success 'a lock file that cannot be opened' '
	TOKENPASS_REFRESH_MARGIN=86400 tp_run out err tokenpass get &&
	lock=$(ls "$LOCKDIR"/*.lock) &&
	rm -f "$lock" && mkdir "$lock" &&
	test_when_finished "rmdir \"$lock\"" &&
	served_with_warning "cannot open the lock"
'

test_expect_success 'a lock held by another process: served within the budget' '
	TOKENPASS_REFRESH_MARGIN=86400 tp_run out err tokenpass get &&
	lock=$(ls "$LOCKDIR"/*.lock) &&
	hold_lock "$lock" &&
	test_when_finished "kill $holder 2>/dev/null; wait $holder; true" &&
	TOKENPASS_ANSWER_TIMEOUT=1 \
		served_with_warning "another tokenpass is renewing it and did not finish within 1 s"
'

test_expect_success 'no lock and no valid token: an error, nothing renewed' '
	lock=$(ls "$LOCKDIR"/*.lock) &&
	hold_lock "$lock" &&
	test_when_finished "kill $holder 2>/dev/null; wait $holder; true" &&
	tp_get "$TS_HOST" ANALYST >cur &&
	exp=$(sed -n "s/^password_expiry_utc=//p" cur) &&
	before=$(tokenserver_count refresh_token) &&
	tp_request "$TS_HOST" ANALYST &&
	TOKENPASS_NOW=$((exp + 10)) TOKENPASS_ANSWER_TIMEOUT=1 \
		tp_run out err tokenpass get &&
	test $rc = 6 &&
	test_must_be_empty out &&
	test_one_line err &&
	test "$(tokenserver_count refresh_token)" = $before
'

test_done
