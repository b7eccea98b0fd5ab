#!/bin/sh
test_description='crash safety: renewals killed with SIGKILL at random moments'
. "$TP_SRC_DIR/tests/lib/test-lib.sh"
. "$TP_SRC_DIR/tests/lib/keyring.sh"
. "$TP_SRC_DIR/tests/lib/tokenserver.sh"
. "$TP_SRC_DIR/tests/lib/oidc.sh"

# How many renewals to kill, and how slowly the server answers (ms).
# The sanitizer build kills half as many: each of its processes starts
# slower, and the plain build (twice: alone and with an agent) kills 200.
KILLS=${TP_CRASH_KILLS:-200}
test -n "${TP_SANITIZERS:-}" && KILLS=${TP_CRASH_KILLS:-100}
DELAY=40

test_setup 'keyring, a slow server, and a signed-in ANALYST' '
	keyring_start &&
	tokenserver_start &&
	oauth_login --host "$TS_HOST" --user ANALYST --client-id tokenpass-test &&
	tokenserver_config "{\"delay_ms\": $DELAY}" &&
	LOCKDIR=$XDG_RUNTIME_DIR/tokenpass
'

# The time one whole 'refresh --force' takes, in ms (the median of 5):
# the kills below land anywhere from its start to a little after its end,
# so that some hit the keyring write and not only the HTTP request.
test_setup 'a renewal takes a measurable time; its lock file is there' '
	cd "$TRASH" &&
	for i in 1 2 3 4 5; do
		t0=$(date +%s%N) &&
		timeout 10 tokenpass refresh --host "$TS_HOST" --user ANALYST \
			--force >/dev/null || return 1
		echo $(( ($(date +%s%N) - t0) / 1000000 ))
	done | sort -n >durations &&
	SPAN=$(sed -n 3p durations) &&
	SPAN=$((SPAN + SPAN / 4)) &&
	ls "$LOCKDIR"/*.lock >locks &&
	test $(wc -l <locks) = 1 &&
	LOCK=$(cat locks) &&
	cd "$OLDPWD"
'
echo "# one renewal: $(sed -n 3p "$TRASH/durations" 2>/dev/null) ms; kills within 0-${SPAN:-?} ms"

# state: the item is one complete credential whose access token the
# server takes, get answers it, and nobody holds the lock.
check_state () {
	secret-tool search --all host "$TS_HOST" user ANALYST >item 2>&1 &&
	test $(grep -c "^secret = " item) = 1 &&
	item_tokens "$TS_HOST" ANALYST >doc &&
	for k in token refresh_token client_secret token_url expires; do
		test_grep -q "\"$k\": " doc || return 1
	done &&
	tp_get "$TS_HOST" ANALYST >got 2>got.err &&
	test_must_be_empty got.err &&
	tok=$(sed -n "s/^password=//p" got) &&
	test -n "$tok" &&
	test "$(tokenserver_token_status "$tok")" = 422 &&
	flock -n -E 99 "$LOCK" true
}

test_expect_success "$KILLS renewals killed: old or new credential, usable, lock free" '
	rm -f outcomes &&
	i=0 &&
	while test $i -lt $KILLS
	do
		i=$((i + 1))
		before=$(tp_token "$TS_HOST" ANALYST) &&
		ms=$(( $(od -An -N2 -tu2 /dev/urandom) % (SPAN + 1) )) &&
		# odd: refresh --force; even: a get that asks for a renewal
		if test $((i % 2)) = 1; then
			{ tokenpass refresh --host "$TS_HOST" --user ANALYST \
				--force >/dev/null 2>&1 & }
		else
			{ printf "%s\n" protocol=https "host=$TS_HOST" \
				username=ANALYST tokenpass_renew=1 "" |
				tokenpass get >/dev/null 2>&1 & }
		fi &&
		pid=$! &&
		sleep $(printf "0.%03d" $ms) &&
		kill -9 $pid 2>/dev/null
		wait $pid 2>/dev/null
		code=$?
		check_state || { echo "kill $i after $ms ms (exit $code)"; return 1; }
		case $code in
		137) test "$tok" = "$before" && echo killed-old ||
		     echo killed-new ;;
		0) echo finished ;;
		*) echo "kill $i: refresh exited $code"; return 1 ;;
		esac >>outcomes
		# every tenth time: a full renewal completes, in bounded time
		if test $((i % 10)) = 0; then
			timeout 10 tokenpass refresh --host "$TS_HOST" \
				--user ANALYST --force >/dev/null || {
				echo "renewal after kill $i failed"; return 1; }
		fi
	done &&
	sort outcomes | uniq -c >counts &&
	sed "s/^ */# kills: /" counts >"$TRASH/counts.tap" &&
	test $(wc -l <outcomes) = $KILLS &&
	test_grep -q killed-old counts
'
cat "$TRASH/counts.tap" 2>/dev/null

test_expect_success 'after all that: a renewal works and gives a new token' '
	old=$(tp_token "$TS_HOST" ANALYST) &&
	timeout 10 tokenpass refresh --host "$TS_HOST" --user ANALYST \
		--force >/dev/null &&
	new=$(tp_token "$TS_HOST" ANALYST) &&
	test "$new" != "$old" &&
	test "$(tokenserver_token_status "$new")" = 422 &&
	tokenserver_config "{}"
'

test_done
