#!/bin/sh
test_description='the agent rotates a PAT with an admin in its window, once, not in a loop'
. "$TP_SRC_DIR/tests/lib/test-lib.sh"
. "$TP_SRC_DIR/tests/lib/keyring.sh"
. "$TP_SRC_DIR/tests/lib/helper-test.sh"
. "$TP_SRC_DIR/tests/lib/agent.sh"

DAY=86400

# add NAME DAYS: a PAT of NAME@pat.example.com that names an admin
add () {
	echo "tok-$1" >in &&
	tp_run out err tokenpass add-pat --host pat.example.com --user "$1" \
		--days "$2" --name "$1_PAT" --admin ADMIN &&
	test $rc -eq 0
}

# last_next NAME: "LAST NEXT" of NAME in the agent's status (agent.h)
last_next () {
	agent_status | sed -n "s/^credential=pat\.example\.com	$1		//p" |
		tr "\t" " "
}

test_setup 'keyring, an agent, PATs of 3 and 90 days that name an admin' '
	keyring_start &&
	{ test -n "${AGENT_PID:-}" || agent_start; } &&
	add SHORT 3 &&
	add LONG 90
'

# A 3-day PAT is inside the 7-day window as soon as it is made: rotated at
# once, its successor would be too, and the agent would rotate for ever.
test_expect_success 'a PAT shorter than the window: next at two thirds of its life' '
	set -- $(last_next SHORT) &&
	test $# -eq 2 &&
	test "$1" -gt 0 &&
	test "$2" -eq $(($1 + 2 * DAY))
'

test_expect_success 'a PAT longer than the window: next at the start of the window' '
	set -- $(last_next LONG) &&
	test $# -eq 2 &&
	test "$1" -gt 0 &&
	test "$2" -eq $(($1 + 83 * DAY))
'

test_done
