#!/bin/sh
test_description='the agent renews ahead of time, once, and survives SIGKILL'
. "$TP_SRC_DIR/tests/lib/test-lib.sh"
. "$TP_SRC_DIR/tests/lib/keyring.sh"
. "$TP_SRC_DIR/tests/lib/helper-test.sh"
. "$TP_SRC_DIR/tests/lib/tokenserver.sh"
. "$TP_SRC_DIR/tests/lib/oidc.sh"
. "$TP_SRC_DIR/tests/lib/agent.sh"

# TP_AGENT_SECONDS: how long the ahead-of-time run lasts (the issue asks
# for two minutes; CI runs 40 s). TP_AGENT_KILLS: SIGKILLs mid-renewal.
SECONDS_RUN=${TP_AGENT_SECONDS:-40}
KILLS=${TP_AGENT_KILLS:-20}
# the agent renews at two thirds (about 7 s before the end); a get only
# within the last 2 s, so a loaded machine has time to see it done
TOKENPASS_REFRESH_MARGIN=2
export TOKENPASS_REFRESH_MARGIN

test_setup 'keyring, token server with 20 s access tokens, a signed-in ANALYST' '
	keyring_start &&
	tokenserver_start &&
	oauth_login --host "$TS_HOST" --user ANALYST \
		--client-id tokenpass-test &&
	tokenserver_config "{\"access_ttl\": 20}" &&
	timeout 60 tokenpass refresh --host "$TS_HOST" --user ANALYST \
		--force >/dev/null &&
	tokenserver_reset
'

test_expect_success "ahead of time: over $SECONDS_RUN s no get waits for a renewal" '
	agent_start &&
	test_when_finished agent_stop &&
	end=$(($(date +%s) + SECONDS_RUN)) &&
	: >seen &&
	while test $(date +%s) -lt $end; do
		tp_get "$TS_HOST" ANALYST >answer || {
			echo "get failed at $(date +%s)"; return 1; }
		now=$(date +%s) &&
		tok=$(sed -n "s/^password=//p" answer) &&
		exp=$(sed -n "s/^password_expiry_utc=//p" answer) &&
		test -n "$tok" && test -n "$exp" || {
			echo "no token at $now:"; cat answer; return 1; }
		echo "$now $exp $tok" >>seen
		sleep 0.2
	done &&
	# every answer was good when given, and each new token came before
	# the one it replaced ran out
	awk "\$1 >= \$2 { print \"expired:\", \$0 }
	     tok != \"\" && \$3 != tok && \$1 >= prevexp { print \"late:\", \$0 }
	     \$3 != tok { tok = \$3; prevexp = \$2 }" seen >gaps &&
	# the counts, once no renewal is under way: the agent stops once one
	# it began has ended
	agent_status >status &&
	agent_stop &&
	agent_wait_renewals "$TS_HOST" &&
	renewals=$(tokenserver_count refresh_token) &&
	own=$(grep -c "^renewed the token of" "$TRASH/agent.log") &&
	tokens=$(cut -d" " -f3 seen | sort -u | wc -l) &&
	echo "the server saw $renewals renewals, the agent made $own;" \
		"$tokens tokens seen" &&
	grep "^agent_counts=" status &&
	{
		test_must_be_empty gaps &&
		# every get answered from memory, every renewal the
		# agent'"'"'s own and ahead of time
		test "$(agent_count waited status)" = 0 &&
		test "$(agent_count delegated status)" = 0 &&
		test "$own" = "$renewals" &&
		test "$(agent_count early status)" = \
			"$(agent_count renewals status)" &&
		! grep "failed" "$TRASH/agent.log" &&
		test "$renewals" -ge $((SECONDS_RUN / 20)) &&
		test "$tokens" -ge 2 || {
			echo "seen (time, expiry, token):"
			awk "{ print \$1, \$2, substr(\$3, 1, 8) }" seen
			echo "agent log:"; cat "$TRASH/agent.log"
			false
		}
	} &&
	# the last token is one the SQL API takes
	test "$(tokenserver_token_status "$tok")" = 422 &&
	test_grep "^credential=$TS_HOST	ANALYST		[1-9][0-9]*	[1-9][0-9]*\$" status &&
	! grep -F "$tok" "$TRASH/agent.log"
'

test_expect_success 'list, check and doctor show the agent and its next renewal' '
	agent_start &&
	test_when_finished agent_stop &&
	tokenpass list >list.out &&
	test_grep "^agent: running (pid $AGENT_PID, keyring ready)\$" list.out &&
	test_grep "^agent: ANALYST@$TS_HOST: last renewal .* UTC, next renewal .* UTC\$" \
		list.out &&
	tokenpass doctor >doctor.out;
	test_grep "^ok    agent: running (pid $AGENT_PID" doctor.out &&
	# all is fine: check is silent, agent or not (cron mails any output)
	tokenpass check >check.out &&
	test_must_be_empty check.out &&
	agent_stop &&
	tokenpass doctor >doctor.out;
	test_grep "^ok    agent: not running" doctor.out &&
	tokenpass list >list.out &&
	! grep "^agent:" list.out
'

test_expect_success 'an expired token (laptop asleep), 50 gets at once: one renewal' '
	tokenserver_config "{\"access_ttl\": 3}" &&
	ts_finally "tokenserver_config {\"access_ttl\": 20}" &&
	TOKENPASS_REFRESH_MARGIN=1 &&
	timeout 60 tokenpass refresh --host "$TS_HOST" --user ANALYST \
		--force >/dev/null &&
	sleep 3.2 &&
	tokenserver_reset &&
	tokenserver_config "{\"access_ttl\": 600}" &&
	agent_start &&
	test_when_finished agent_stop &&
	i=0 && pids= &&
	while test $i -lt 50; do
		tp_get "$TS_HOST" ANALYST >answer.$i 2>err.$i &
		pids="$pids $!"
		i=$((i + 1))
	done &&
	# (a bare wait would wait for the agent too)
	wait $pids &&
	test "$(tokenserver_count refresh_token)" = 1 &&
	sed -n "s/^password=//p" answer.* | sort | uniq -c >tokens &&
	cat tokens &&
	test_line_count = 1 tokens &&
	grep -q "^ *50 " tokens &&
	cat err.* >errs && test_must_be_empty errs
'

test_expect_success "the caller's margin: a get inside it renews, as without the agent" '
	tokenserver_config "{\"access_ttl\": 600}" &&
	timeout 60 tokenpass refresh --host "$TS_HOST" --user ANALYST \
		--force >/dev/null &&
	tokenserver_reset &&
	agent_start &&
	test_when_finished agent_stop &&
	# outside the agent'"'"'s margin: answered from memory
	tp_token "$TS_HOST" ANALYST >before &&
	test "$(agent_count served)" = 1 &&
	# 900 s is more than the token has left: renewed for this caller
	(TOKENPASS_REFRESH_MARGIN=900 && export TOKENPASS_REFRESH_MARGIN &&
	 tp_token "$TS_HOST" ANALYST >after) &&
	test "$(tokenserver_count refresh_token)" = 1 &&
	test "$(agent_count delegated)" = 1 &&
	test -s after && ! test_cmp before after &&
	# a margin the helper reads as its default (120 s): not the agent
	(TOKENPASS_REFRESH_MARGIN=soon && export TOKENPASS_REFRESH_MARGIN &&
	 tp_token "$TS_HOST" ANALYST >again) &&
	test_cmp after again &&
	test "$(agent_count served)" = 1 &&
	test "$(agent_count delegated)" = 1 &&
	test "$(tokenserver_count refresh_token)" = 1
'

# A service manager stops whatever a unit leaves running once its main
# process is gone: a renewal the agent began must end before the agent.
test_expect_success 'SIGTERM in the middle of a renewal: it ends before the agent' '
	tokenserver_config "{\"access_ttl\": 9}" &&
	ts_finally "tokenserver_config {}" &&
	timeout 60 tokenpass refresh --host "$TS_HOST" --user ANALYST \
		--force >/dev/null &&
	tokenserver_config "{\"access_ttl\": 600, \"delay_ms\": 3000}" &&
	tokenserver_reset &&
	agent_start &&
	# a renewal by the agent itself, at two thirds of the 9 s
	i=0 &&
	until kids=$(pgrep -P $AGENT_PID -f "refresh --host $TS_HOST"); do
		i=$((i + 1)) &&
		test $i -lt 150 || { echo "no renewal began"; return 1; }
		sleep 0.1
	done &&
	kill $AGENT_PID &&
	agent_wait_down $AGENT_PID &&
	AGENT_PID= &&
	# nothing left for the service manager to stop halfway
	if kill $kids 2>/dev/null; then
		echo "a renewal outlived the agent"; return 1
	fi &&
	test "$(tokenserver_count refresh_token)" = 1 &&
	TOKENPASS_NO_AGENT=1 tp_token "$TS_HOST" ANALYST >tok &&
	test "$(tokenserver_token_status "$(cat tok)")" = 422
'

test_expect_success "SIGKILL in the middle of a renewal, $KILLS times: nothing lost" '
	tokenserver_config "{\"access_ttl\": 600, \"delay_ms\": 400}" &&
	ts_finally "tokenserver_config {}" &&
	n=0 &&
	while test $n -lt $KILLS; do
		agent_start || return 1
		printf "protocol=https\nhost=%s\nusername=ANALYST\ntokenpass_renew=1\n\n" \
			"$TS_HOST" >renew-in &&
		tokenpass get <renew-in >/dev/null 2>&1 &
		getpid=$!
		sleep 0.$((n % 5 + 1))
		# the agent, and every other time the renewing child too
		kids=$(ps -o pid= --ppid $AGENT_PID)
		kill -9 $AGENT_PID
		test $((n % 2)) = 0 || kill -9 $kids 2>/dev/null
		agent_wait_down $AGENT_PID || return 1
		AGENT_PID=
		wait $getpid
		TOKENPASS_NO_AGENT=1 tp_token "$TS_HOST" ANALYST >tok &&
		test -s tok &&
		test "$(tokenserver_token_status "$(cat tok)")" = 422 || {
			echo "round $n: no usable credential"; return 1; }
		n=$((n + 1))
	done &&
	agent_start &&
	agent_stop
'

test_done
