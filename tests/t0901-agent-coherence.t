#!/bin/sh
test_description='the agent follows the keyring: changes, removals, lock and unlock'
. "$TP_SRC_DIR/tests/lib/test-lib.sh"
. "$TP_SRC_DIR/tests/lib/keyring.sh"
. "$TP_SRC_DIR/tests/lib/helper-test.sh"
. "$TP_SRC_DIR/tests/lib/agent.sh"

# Wait until the agent's answer for U1@a.example.com satisfies "$@"
# (a command reading the answer file 'got'). The agent follows within a
# second; the bound is 5 s, so a slow CI machine does not fail it.
agent_follows () {
	_i=0
	while test $_i -lt 50; do
		tp_request a.example.com U1 &&
		tp_run got got.err tokenpass get &&
		"$@" && return 0
		sleep 0.1
		_i=$((_i + 1))
	done
	echo >&2 "agent_follows: still, after 5 s:"
	cat >&2 got got.err
	return 1
}

has_password () {
	test $rc = 0 && grep -q "^password=$1\$" got
}

# the front alone: an answer can only come from the agent
lonely_get () {
	mkdir -p lonely && cp "$TP_BUILD_DIR/tokenpass" lonely/ &&
	tp_request a.example.com U1 &&
	tp_run got got.err lonely/tokenpass get
}

test_setup 'a keyring with a PAT, and the agent' '
	keyring_start &&
	echo tok-first | tokenpass add-pat --host a.example.com --user U1 \
		--days 30 &&
	agent_start &&
	lonely_get && has_password tok-first
'

test_expect_success 'a token changed by add-pat is served' '
	echo tok-second | tokenpass add-pat --host a.example.com --user U1 \
		--days 30 &&
	agent_follows has_password tok-second
'

test_expect_success 'a token changed with secret-tool behind its back is served' '
	printf "{\"version\":1,\"kind\":\"pat\",\"token\":\"tok-third\"}" |
		secret-tool store --label="changed by hand" \
			xdg:schema io.tokenpass.Credential host a.example.com \
			user U1 dsn "" kind pat &&
	agent_follows has_password tok-third &&
	lonely_get && has_password tok-third
'

test_expect_success 'a new credential is served' '
	echo tok-new | tokenpass add-pat --host c.example.com --user U3 \
		--days 30 &&
	i=0 &&
	while ! agent_status | grep -q "^credential=c.example.com	U3	"; do
		test $i -lt 50 || { agent_status; false; } || return 1
		sleep 0.1; i=$((i + 1))
	done &&
	mkdir -p lonely && cp "$TP_BUILD_DIR/tokenpass" lonely/ &&
	tp_request c.example.com U3 &&
	tp_run got got.err lonely/tokenpass get &&
	test_grep "^password=tok-new\$" got
'

test_expect_success 'a credential removed with secret-tool is gone' '
	secret-tool clear xdg:schema io.tokenpass.Credential \
		host c.example.com user U3 &&
	i=0 &&
	while agent_status | grep -q "^credential=c.example.com	U3	"; do
		test $i -lt 50 || { agent_status; false; } || return 1
		sleep 0.1; i=$((i + 1))
	done &&
	tp_request c.example.com U3 &&
	tp_run got got.err tokenpass get &&
	test $rc = 0 && test_must_be_empty got
'

locked_answer () {
	test $rc = 3 && test_must_be_empty got &&
	grep -q "the keyring is locked" got.err
}

test_expect_success 'a locked collection: every token forgotten, "locked" (exit 3)' '
	keyring_lock &&
	agent_follows locked_answer &&
	agent_status >status &&
	test_grep "^agent_state=locked\$" status &&
	! grep "^credential=" status &&
	lonely_get && locked_answer
'

test_expect_success 'unlocked again (a new Secret Service): served again' '
	keyring_unlock &&
	agent_follows has_password tok-third &&
	agent_status >status &&
	test_grep "^agent_state=ready\$" status &&
	lonely_get && has_password tok-third
'

store_by_hand () {
	printf "{\"version\":1,\"kind\":\"pat\",\"token\":\"%s\"}" "$3" |
		secret-tool store --label="by hand" \
			xdg:schema io.tokenpass.Credential host "$1" \
			user "$2" dsn "" kind pat
}

test_expect_success 'one item changed among 40: only that item is read again' '
	i=0 &&
	while test $i -lt 40; do
		store_by_hand many$i.example.com U$i tok-many-$i || return 1
		i=$((i + 1))
	done &&
	i=0 &&
	while test "$(agent_status | grep -c "^credential=many")" != 40; do
		test $i -lt 100 || { agent_status; false; } || return 1
		sleep 0.1; i=$((i + 1))
	done &&
	# secret-tool sends no sync: the signals alone tell the agent
	full=$(agent_count full_reads) &&
	items=$(agent_count items_read) &&
	reads=$(agent_count item_reads) &&
	test -n "$full" && test -n "$items" && test -n "$reads" &&
	store_by_hand a.example.com U1 tok-fourth &&
	agent_follows has_password tok-fourth &&
	echo "full reads $full -> $(agent_count full_reads)," \
		"items read $items -> $(agent_count items_read)" &&
	test "$(agent_count full_reads)" = "$full" &&
	test "$(agent_count items_read)" = $((items + 1)) &&
	test "$(agent_count item_reads)" -gt "$reads"
'

test_expect_success 'a sync that names its credential reads that one alone' '
	full=$(agent_count full_reads) &&
	test -n "$full" &&
	store_by_hand a.example.com U1 tok-fifth &&
	printf "tokenpass_op=sync\nhost=a.example.com\nusername=U1\ndsn=\n\n" \
		>sync-req &&
	agent_request sync-req >sync-ans &&
	test_grep "^tokenpass_exit=0\$" sync-ans &&
	# read your own writes: the next get has it, no waiting
	tp_request a.example.com U1 &&
	tp_run got got.err tokenpass get &&
	has_password tok-fifth &&
	test "$(agent_count full_reads)" = "$full"
'

test_expect_success 'nothing secret in the agent log' '
	! grep -e tok-first -e tok-second -e tok-third -e tok-new -e tok-many \
		-e tok-fourth -e tok-fifth \
		"$TRASH/agent.log"
'

test_done
