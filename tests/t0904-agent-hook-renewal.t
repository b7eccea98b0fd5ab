#!/bin/sh
test_description='connects through the hook never wait for a renewal the agent makes ahead of time'
. "$TP_SRC_DIR/tests/lib/test-lib.sh"
. "$TP_SRC_DIR/tests/lib/keyring.sh"
. "$TP_SRC_DIR/tests/lib/helper-test.sh"
. "$TP_SRC_DIR/tests/lib/tokenserver.sh"
. "$TP_SRC_DIR/tests/lib/oidc.sh"
. "$TP_SRC_DIR/tests/lib/agent.sh"
. "$TP_SRC_DIR/tests/lib/pg.sh"

# Two minutes of 20 s tokens (the issue's figures; TP_AGENT_SECONDS,
# TP_AGENT_TTL and TP_AGENT_CONNECTS set them). 10 s tokens over 60 s
# leave a renewal 1.3 to 2.3 s between its start and the margin: under
# the sanitizers some gets then wait for it. 20 s leave it 4.7 to 6.7 s,
# and 200 isql processes take about two minutes on a busy machine anyway.
SECONDS_RUN=${TP_AGENT_SECONDS:-120}
TTL=${TP_AGENT_TTL:-20}
CONNECTS=${TP_AGENT_CONNECTS:-200}
# the agent renews at two thirds of the life; a get within the last 2 s
TOKENPASS_REFRESH_MARGIN=2
export TOKENPASS_REFRESH_MARGIN

test_setup 'PostgreSQL, the token server, an OAuth credential for the database' '
	keyring_start &&
	tokenserver_start &&
	pg_start &&
	pg_odbc_setup &&
	# PostgreSQL cannot check the token server'"'"'s tokens: it trusts
	# odbcuser over TCP, and the agent'"'"'s counters say what answered
	sed -i "1i host odbctest odbcuser 127.0.0.1/32 trust" \
		"$PG_DIR/data/pg_hba.conf" &&
	pg_as "$PG_BIN/pg_ctl -D '"'"'$PG_DIR/data'"'"' reload" >/dev/null &&
	DB_HOST=127.0.0.1:$PG_PORT &&
	oauth_login --host "$DB_HOST" --user odbcuser \
		--client-id tokenpass-test \
		--authorize-url "$TS_URL/oauth/authorize" \
		--token-url "$TS_URL/oauth/token-request" &&
	tokenserver_config "{\"access_ttl\": $TTL}" &&
	timeout 60 tokenpass refresh --host "$DB_HOST" --user odbcuser \
		--force >/dev/null &&
	# a TokenHelper named tokenpass (the agent answers for it) that
	# records being run: the hook must never need it
	mkdir spy &&
	printf "#!/bin/sh\necho run >>\"%s\"\nexec \"%s\" \"\$@\"\n" \
		"$TRASH/spawned" "$TP_BUILD_DIR/tokenpass" >spy/tokenpass &&
	chmod +x spy/tokenpass &&
	pg_hook_dsn spy "PG Unicode" "$TRASH/spy/tokenpass" &&
	tokenserver_reset
'

test_expect_success "$CONNECTS connects over $SECONDS_RUN s: renewals ahead of time, no connect waits" '
	agent_start &&
	test_when_finished agent_stop &&
	echo "select 42;" >q.sql &&
	start=$(date +%s) &&
	end=$((start + SECONDS_RUN)) &&
	n=0 &&
	while test $n -lt $CONNECTS || test $(date +%s) -lt $end; do
		isql -b -v spy <q.sql >isql.out 2>&1 &&
		grep -q 42 isql.out || {
			echo "connect $n failed:"; cat isql.out; return 1; }
		n=$((n + 1))
		# spread the rest over the time that is left
		left=$((CONNECTS - n)) &&
		test $left -gt 0 || left=1
		sleep $(awk "BEGIN { d = ($end - $(date +%s)) / $left - 0.1;
			print (d > 0 ? d : 0) }")
	done &&
	# the counts, once no renewal is under way: the agent stops once one
	# it began has ended
	agent_status >status &&
	agent_stop &&
	agent_wait_renewals "$DB_HOST" &&
	renewals=$(tokenserver_count refresh_token) &&
	own=$(grep -c "^renewed the token of" "$TRASH/agent.log") &&
	cat status &&
	echo "connects $n, renewals $renewals (the agent'"'"'s own: $own)" &&
	# the server saw renewals, every one the agent'"'"'s, each started
	# while the old token was still good
	test "$renewals" -ge $((SECONDS_RUN / TTL * 2 / 3)) &&
	test "$own" = "$renewals" &&
	test "$(agent_count early status)" = "$(agent_count renewals status)" &&
	# every connect was answered from the cache: none waited for a
	# renewal or went to a tokenpass get, none ran the TokenHelper
	test "$(agent_count served status)" -ge "$n" &&
	test "$(agent_count waited status)" = 0 &&
	test "$(agent_count delegated status)" = 0 &&
	test_path_is_missing spawned &&
	tok=$(TOKENPASS_NO_AGENT=1 tp_token "$DB_HOST" odbcuser) &&
	test "$(tokenserver_token_status "$tok")" = 422 &&
	! grep -F "$tok" "$TRASH/agent.log"
'

test_expect_success "50 connects and 50 gets at once, the token in its last third: one token request" '
	# a 30 s token 21 s old, and an agent that starts now: it renews at
	# once, the server taking 3 s; meanwhile 100 callers ask together
	tokenserver_config "{\"access_ttl\": 30}" &&
	timeout 60 tokenpass refresh --host "$DB_HOST" --user odbcuser \
		--force >/dev/null &&
	old=$(TOKENPASS_NO_AGENT=1 tp_token "$DB_HOST" odbcuser) &&
	tokenserver_config "{\"access_ttl\": 30, \"delay_ms\": 3000}" &&
	ts_finally "tokenserver_config {}" &&
	sleep 21 &&
	tokenserver_reset &&
	: >"$TRASH/agent.log" &&
	agent_start &&
	test_when_finished agent_stop &&
	i=0 && pids= &&
	while test $i -lt 50; do
		isql -b -v spy <q.sql >connect.$i 2>&1 &
		pids="$pids $!"
		tp_get "$DB_HOST" odbcuser >answer.$i 2>err.$i &
		pids="$pids $!"
		i=$((i + 1))
	done &&
	wait $pids &&
	agent_stop &&
	agent_wait_renewals "$DB_HOST" &&
	new=$(TOKENPASS_NO_AGENT=1 tp_token "$DB_HOST" odbcuser) &&
	test "$new" != "$old" &&
	# one token request, the agent'"'"'s; every connect got in, every
	# get answered the old token or the new one
	test "$(tokenserver_count refresh_token)" = 1 &&
	test "$(grep -c "^renewed the token of" "$TRASH/agent.log")" = 1 &&
	test "$(grep -l 42 connect.* | wc -l)" = 50 &&
	sed -n "s/^password=//p" answer.* >tokens &&
	test_line_count = 50 tokens &&
	! grep -v -F -x -e "$old" -e "$new" tokens &&
	cat err.* >errs && test_must_be_empty errs &&
	test_path_is_missing spawned
'

test_done
