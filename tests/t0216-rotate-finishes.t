#!/bin/sh
test_description='a PAT rotation that has begun always finishes, whoever stops waiting'
. "$TP_SRC_DIR/tests/lib/test-lib.sh"
. "$TP_SRC_DIR/tests/lib/keyring.sh"
. "$TP_SRC_DIR/tests/lib/tokenserver.sh"
. "$TP_SRC_DIR/tests/lib/oidc.sh"

# The server rotates a PAT when the statement runs, whether or not the
# caller is still there to read the answer: a rotation cut between the
# request and the keyring write leaves a stored PAT the server no longer
# considers current (the old one only lives out its grace period). Each
# trial rotates; the SQL API answers 300 ms after the statement arrives,
# and the caller is signalled 0 to 599 ms after it arrived
# (kill_after_ms in tests/server/snowflake.py, t0210's rig): SIGKILL of
# the caller alone (a timeout's kill), SIGHUP of its process group (a
# closed terminal), SIGINT of its process group (Ctrl-C), in turn. The
# caller runs in the background of a non-interactive shell, which ignores
# SIGINT: env --default-signal gives it back the terminal's defaults.
TRIALS=${TP_TRIALS:-20}

test_setup 'keyring, server, a signed-in ADMIN and a PAT of SVC_BI' '
	keyring_start &&
	tokenserver_start &&
	tokenserver_pat_admin
'

# Wait until no renewal or rotation is in flight: every lock is free.
wait_renewal () {
	for lock in "$XDG_RUNTIME_DIR"/tokenpass/*.lock; do
		flock -w 90 "$lock" true || return 1
	done
}

test_expect_success "$TRIALS trials: the caller leaves, the rotation is stored" '
	ts_finally "tokenserver_config {}" &&
	before=0 after=0 lost=0 i=0 left_KILL=0 left_HUP=0 left_INT=0 &&
	while test $i -lt $TRIALS
	do
		i=$((i + 1)) &&
		kill_ms=$(( (i * 7919) % 600 )) &&
		case $((i % 3)) in
		0) sig=KILL group=false ;;
		1) sig=HUP group=true ;;
		2) sig=INT group=true ;;
		esac &&
		tokenserver_config "{\"delay_ms\": 300,
			\"kill_after_ms\": $kill_ms, \"kill_signal\": \"$sig\",
			\"kill_group\": $group}" &&
		rm -f "$TS_DIR/caller.pid" &&
		{
			setsid sh -c "echo \$\$ >\"$TS_DIR/caller.pid\" &&
				exec env --default-signal=HUP,INT \
				tokenpass rotate --host \"$TS_HOST\" \
				--user SVC_BI --admin ADMIN" >out 2>err &
		} &&
		{ wait $!; true; } &&
		wait_renewal &&
		server=$(tokenserver_pat SVC_BI BI_PAT) &&
		stored=$(tp_token "$TS_HOST" SVC_BI) &&
		if test "$stored" != "$server"
		then
			echo "# trial $i: SIG$sig at $kill_ms ms: the stored PAT" \
				"is not the current one" &&
			lost=$((lost + 1))
		elif grep -q "^rotated the PAT" out
		then
			# signalled before the server answered: cannot be
			test $kill_ms -ge 300 &&
			before=$((before + 1))
		else
			after=$((after + 1)) &&
			eval "left_$sig=\$((left_$sig + 1))"
		fi || return 1
	done &&
	echo "# answered before the caller left: $before; stored after it" \
		"left: $after (SIGKILL $left_KILL, SIGHUP $left_HUP, SIGINT" \
		"$left_INT); lost: $lost" | tee split &&
	cp split "$TP_BUILD_DIR/tests/t0216-split.txt" &&
	test $(tokenserver_stats | json_get statements) -ge $TRIALS &&
	test $lost = 0 &&
	test $left_KILL -gt 0 && test $left_HUP -gt 0 && test $left_INT -gt 0 &&
	test $((before + after)) = $TRIALS
'

test_expect_success 'afterwards the stored PAT is the one the server holds' '
	tokenserver_config "{}" &&
	prev=$(tp_token "$TS_HOST" SVC_BI) &&
	test "$prev" = "$(tokenserver_pat SVC_BI BI_PAT)" &&
	timeout 120 tokenpass rotate --host "$TS_HOST" --user SVC_BI \
		--admin ADMIN >out &&
	test_grep "^rotated the PAT .BI_PAT." out &&
	test "$(tokenserver_pat SVC_BI BI_PAT previous_secret)" = "$prev" &&
	test "$(tp_token "$TS_HOST" SVC_BI)" = "$(tokenserver_pat SVC_BI BI_PAT)"
'

test_done
