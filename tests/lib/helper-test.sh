# helper-test.sh: what the tests of the tokenpass executable share.
# Source after test-lib.sh (and keyring.sh where a keyring is needed).
#
#   tp_run OUT ERR CMD...     run CMD with a 20 s bound, stdin from the
#                             file 'in' (empty when absent); its exit code
#                             is in $rc. A hang fails the test instead of
#                             blocking the suite.
#   test_line_count OP N FILE lines in FILE compare OP N (=, -gt, ...)
#   test_one_line FILE        FILE is exactly one line starting "tokenpass: "
#   test_no_secret SECRET FILE...  SECRET is in none of the files
#   test_skip TITLE REASON    a TAP skip, counted like a test
#   tp_store_oauth ...        tests/unit/store-oauth, the OAuth item maker
#   tp_agent_report OUT [STATE]  list's and check's report of the agent
#                             in OUT is right for this mode; removes it
#   notify_server_start       a notification server on the session bus,
#                             writing one line per notification to
#                             $TRASH/notes; stopped at exit

TP_TIMEOUT=${TP_TIMEOUT:-20}

tp_run () {
	out=$1 err=$2
	shift 2
	test -f in || : >in
	timeout "$TP_TIMEOUT" "$@" <in >"$out" 2>"$err"
	rc=$?
	if test $rc -eq 124; then
		echo >&2 "tp_run: '$*' hung for $TP_TIMEOUT s"
		cat >&2 "$err"
	fi
	return 0
}

test_line_count () {
	n=$(wc -l <"$3")
	if ! test "$n" "$1" "$2"; then
		echo >&2 "test_line_count: $3 has $n lines, not $1 $2:"
		cat >&2 "$3"
		return 1
	fi
}

test_one_line () {
	test_line_count = 1 "$1" &&
	test_grep "^tokenpass: " "$1"
}

test_no_secret () {
	secret=$1
	shift
	for f in "$@"; do
		if grep -F -e "$secret" "$f" >/dev/null; then
			echo >&2 "test_no_secret: the secret is in $f:"
			cat >&2 "$f"
			return 1
		fi
	done
}

test_skip () {
	test_count=$((test_count + 1))
	echo "ok $test_count - $1 # SKIP $2"
}

tp_store_oauth () {
	"$TP_BUILD_DIR/tests/unit/store-oauth" "$@"
}

# list and check end with the agent's report when one answers (TP_AGENT=1,
# agent.sh): "agent: running (pid N, keyring STATE)", then a line per
# credential it holds; with none they say nothing of it. Check the line
# this mode must print (STATE: ready unless told), then remove every
# "agent: " line from OUT, so that the rest compares the same in both.
tp_agent_report () {
	if test -n "${AGENT_PID:-}"; then
		grep -q "^agent: running (pid $AGENT_PID, keyring ${2:-ready})\$" \
			"$1" || {
			echo >&2 "tp_agent_report: no report of agent $AGENT_PID:"
			cat >&2 "$1"
			return 1
		}
	elif grep "^agent: " "$1" >&2; then
		echo >&2 "tp_agent_report: an agent reported, none runs"
		return 1
	fi
	sed "/^agent: /d" "$1" >"$1.no-agent" &&
	mv "$1.no-agent" "$1"
}

# The git credential protocol request for HOST (and USER) in the file in.
tp_request () {
	{
		echo protocol=https
		echo host=$1
		test -z "${2:-}" || echo username=$2
		echo
	} >in
}

notify_server_start () {
	"$TP_BUILD_DIR/tests/unit/notify-server" "$TRASH/notes" \
		2>"$TRASH/notify.err" &
	NOTIFY_PID=$!
	test_atexit "kill $NOTIFY_PID"
	gdbus wait --session --timeout 5 org.freedesktop.Notifications
}
