#!/bin/sh
test_description='tokenpass check: exit codes, one line per problem, notifications'
. "$TP_SRC_DIR/tests/lib/test-lib.sh"
. "$TP_SRC_DIR/tests/lib/keyring.sh"
. "$TP_SRC_DIR/tests/lib/helper-test.sh"

# Every test here runs at this time: 2027-01-15 08:00 UTC.
NOW=1800000000
TOKENPASS_NOW=$NOW
export TOKENPASS_NOW
DAY=86400

# store_json HOST USER KIND JSON: an item exactly as tokenpass writes one.
store_json () {
	printf '%s' "$4" | secret-tool store --label="tokenpass: $2@$1" \
		xdg:schema io.tokenpass.Credential host "$1" user "$2" \
		dsn "" kind "$3"
}

add_pat () {
	echo "$1" >in &&
	shift &&
	tp_run out err tokenpass add-pat "$@" &&
	test $rc -eq 0
}

# With an agent (TP_AGENT=1), check's problem lines are followed by the
# agent's state: tp_agent_report checks that part and takes it away.
test_setup 'a private bus and an unlocked keyring' '
	keyring_start
'

test_expect_success 'nothing stored: exit 0, silent' '
	tp_run out err tokenpass check &&
	test $rc -eq 0 &&
	test_must_be_empty out &&
	test_must_be_empty err
'

test_expect_success 'set up: a fresh PAT and a fresh OAuth credential' '
	add_pat tok-secret-fine --host a.example.com --user FINE --days 30 \
		--name FINE_PAT &&
	printf "at-secret-fine\nrt-secret-fine\n" |
	tp_store_oauth o.example.com ANALYST "" $((NOW + 600)) \
		$((NOW + 90 * DAY))
'

test_expect_success 'all fine: exit 0, nothing on stdout or stderr' '
	tp_run out err tokenpass check &&
	test $rc -eq 0 &&
	test_must_be_empty out &&
	test_must_be_empty err
'

test_expect_success 'an access token about to expire does not count' '
	printf "at-secret-short\nrt-secret-short\n" |
	tp_store_oauth o.example.com SHORT "" $((NOW + 30)) \
		$((NOW + 60 * DAY)) &&
	printf "at-secret-gone\nrt-secret-gone\n" |
	tp_store_oauth o.example.com GONE "" $((NOW - 30)) \
		$((NOW + 60 * DAY)) &&
	tp_run out err tokenpass check &&
	test $rc -eq 0 &&
	test_must_be_empty out
'

test_expect_success 'a PAT that ends within 7 days: exit 1, one line' '
	add_pat tok-secret-soon --host a.example.com --user SOON --days 3 \
		--name SOON_PAT --dsn Sales &&
	tp_run out err tokenpass check &&
	tp_agent_report out &&
	test $rc -eq 1 &&
	test_must_be_empty err &&
	cat >expect <<-\EOF &&
	renew soon: '"'"'SOON@a.example.com'"'"' (DSN '"'"'Sales'"'"'): the PAT expires 2027-01-18 08:00 UTC (in 3d 0h); run '"'"'tokenpass add-pat --host a.example.com --user SOON --name SOON_PAT --dsn Sales'"'"'
	EOF
	test_cmp expect out
'

test_expect_success '--warn-days moves the line between 0 and 1' '
	tp_run out err tokenpass check --warn-days 2 &&
	test $rc -eq 0 &&
	test_must_be_empty out &&
	tp_run out err tokenpass check --warn-days 31 &&
	tp_agent_report out &&
	test $rc -eq 1 &&
	test_line_count = 2 out &&
	test_grep "FINE@a.example.com.*FINE_PAT" out &&
	tp_run out err tokenpass check --warn-days=0 &&
	test $rc -eq 0
'

test_expect_success 'a refresh token near its end: exit 1, the login command' '
	printf "at-secret-rs\nrt-secret-rs\n" |
	tp_store_oauth o.example.com RS "" $((NOW + 600)) \
		$((NOW + 2 * DAY)) &&
	tp_run out err tokenpass check &&
	tp_agent_report out &&
	test $rc -eq 1 &&
	test_line_count = 2 out &&
	test_grep "^renew soon: .RS@o.example.com.: the refresh token expires 2027-01-17 08:00 UTC (in 2d 0h); run .tokenpass login --host o.example.com --user RS --client-id test-client --token-url https://127.0.0.1:1/oauth/token-request.\$" out
'

test_expect_success 'a PAT with an admin near its end: the rotate command' '
	add_pat tok-secret-rot --host a.example.com --user ROT --days 5 \
		--name ROT_PAT --admin ADMIN &&
	tp_run out err tokenpass check &&
	tp_agent_report out &&
	test $rc -eq 1 &&
	test_grep "^renew soon: .ROT@a.example.com.: .*run .tokenpass rotate --host a.example.com --user ROT --admin ADMIN.\$" out
'

test_expect_success 'an expired PAT: exit 2, add-pat command' '
	echo tok-secret-old >in &&
	TOKENPASS_NOW=$((NOW - 10 * DAY)) tp_run out err tokenpass \
		add-pat --host b.example.com --user OLD --days 1 &&
	test $rc -eq 0 &&
	tp_run out err tokenpass check &&
	tp_agent_report out &&
	test $rc -eq 2 &&
	test_must_be_empty err &&
	test_line_count = 4 out &&
	test_grep "^expired: .OLD@b.example.com.: the PAT expired 2027-01-06 08:00 UTC; run .tokenpass add-pat --host b.example.com --user OLD.\$" out
'

test_expect_success 'an expired refresh token: sign-in needed, exit 2' '
	tokenpass remove --host b.example.com --user OLD 2>/dev/null &&
	printf "at-secret-late\nrt-secret-late\n" |
	tp_store_oauth o.example.com LATE "" $((NOW - 600)) $((NOW - 60)) &&
	tp_run out err tokenpass check --warn-days 1 &&
	tp_agent_report out &&
	test $rc -eq 2 &&
	test_line_count = 1 out &&
	test_grep "^sign-in needed: .LATE@o.example.com.: the refresh token expired 2027-01-15 07:59 UTC; run .tokenpass login --host o.example.com --user LATE" out
'

test_expect_success 'a refused refresh token (needs_login): exit 2' '
	tokenpass remove --host o.example.com --user LATE 2>/dev/null &&
	store_json p.example.com REVOKED oauth "{\"version\":1,\"kind\":\"oauth\",\"token\":\"at-secret-rev\",\"expires\":$((NOW + 300)),\"refresh_token\":\"rt-secret-rev\",\"refresh_expires\":$((NOW + 80 * DAY)),\"client_id\":\"LOCAL_APPLICATION\",\"token_url\":\"https://p.example.com/oauth/token-request\",\"needs_login\":true}" &&
	tp_run out err tokenpass check --warn-days 1 &&
	tp_agent_report out &&
	test $rc -eq 2 &&
	cat >expect <<-\EOF &&
	sign-in needed: '"'"'REVOKED@p.example.com'"'"': the refresh token was refused; run '"'"'tokenpass login --host p.example.com --user REVOKED'"'"'
	EOF
	test_cmp expect out
'

test_expect_success 'list and check agree: every row list flags, check names' '
	tp_run out err tokenpass list --json &&
	/usr/bin/python3 -c "
import json
for r in json.load(open(\"out\")):
    if r[\"status\"] != \"ok\":
        print(\"%s: %s@%s\" % (r[\"status\"], r[\"user\"], r[\"host\"]))
" | sort >from-list &&
	tp_run out err tokenpass check &&
	tp_agent_report out &&
	sed -n "s/^\([^:]*\): .\([^@]*@[^'"'"']*\).*/\1: \2/p" out |
		sort >from-check &&
	test_line_count = 4 from-list &&
	test_cmp from-list from-check
'

test_expect_success 'check never shows a secret' '
	tp_run out err tokenpass check --warn-days 400 &&
	for s in tok-secret at-secret rt-secret
	do
		test_no_secret $s out err || return 1
	done
'

test_expect_success 'usage errors: exit 64, never taken for a dead credential (2)' '
	tp_run out err tokenpass check --warn-days x &&
	test $rc -eq 64 && test_grep "not a number of days" err &&
	tp_run out err tokenpass check --warn-days -1 &&
	test $rc -eq 64 &&
	tp_run out err tokenpass check --bogus &&
	test $rc -eq 64 && test_grep "unknown option" err &&
	tp_run out err tokenpass check extra &&
	test $rc -eq 64 && test_grep "unexpected argument" err &&
	test_must_be_empty out
'

test_expect_success '--notify without a notification server: warn, same code' '
	tp_run out err tokenpass check &&
	want=$rc && cp out expect &&
	tp_run out err tokenpass check --notify &&
	test $rc -eq $want &&
	test_cmp expect out &&
	test_one_line err &&
	test_grep "warning: check: cannot show a desktop notification" err
'

test_setup 'a notification server on the private bus' '
	notify_server_start
'

test_expect_success '--notify: one notification per problem, with urgency' '
	rm -f "$TRASH/notes" &&
	tp_run out err tokenpass check --notify &&
	tp_agent_report out &&
	test $rc -eq 2 &&
	test_must_be_empty err &&
	test_line_count = 4 out &&
	test_line_count = 4 "$TRASH/notes" &&
	tab=$(printf "\t") &&
	test_grep "^tokenpass${tab}tokenpass: sign-in needed for .REVOKED@p.example.com.${tab}the refresh token was refused; run: tokenpass login --host p.example.com --user REVOKED${tab}2${tab}-1\$" "$TRASH/notes" &&
	test_grep "^tokenpass${tab}tokenpass: renew soon for .SOON@a.example.com. (DSN .Sales.)${tab}the PAT expires .*; run: tokenpass add-pat --host a.example.com --user SOON --name SOON_PAT --dsn Sales${tab}1${tab}-1\$" "$TRASH/notes" &&
	test_grep "renew soon for .RS@o.example.com.${tab}.*run: tokenpass login --host o.example.com --user RS .*${tab}1${tab}" "$TRASH/notes" &&
	test_grep "renew soon for .ROT@a.example.com.${tab}.*run: tokenpass rotate .*${tab}1${tab}" "$TRASH/notes" &&
	test_no_secret secret "$TRASH/notes"
'

test_expect_success '--notify when all is fine: no notification' '
	rm -f "$TRASH/notes" &&
	for u in SOON ROT; do
		tokenpass remove --host a.example.com --user $u \
			$(test $u = SOON && echo --dsn Sales) 2>/dev/null ||
		return 1
	done &&
	tokenpass remove --host o.example.com --user RS 2>/dev/null &&
	tokenpass remove --host p.example.com --user REVOKED 2>/dev/null &&
	tp_run out err tokenpass check --notify &&
	test $rc -eq 0 &&
	test_must_be_empty out &&
	test_must_be_empty err &&
	test_path_is_missing "$TRASH/notes"
'

test_expect_success 'a locked keyring: exit 3 and one line, not 0' '
	keyring_lock &&
	tp_run out err tokenpass check --notify &&
	test $rc -eq 3 &&
	test_must_be_empty out &&
	test_one_line err &&
	test_grep locked err
'

test_done
