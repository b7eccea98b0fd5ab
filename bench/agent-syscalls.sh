#!/bin/bash
# The agent's system calls per request: strace -c on a running agent
# (every thread) while one client makes N gets (default 1000), one
# connection each, for one stored credential. A count, not a time: it
# means the same on a loaded machine.
#
#   TP_BUILD_DIR=_build bench/agent-syscalls.sh [N]
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-1000}
TP_SRC_DIR=$PWD
TP_BUILD_DIR=$(cd "${TP_BUILD_DIR:-_build}" && pwd)
export TP_SRC_DIR TP_BUILD_DIR

. tests/lib/test-lib.sh >/dev/null
. "$TP_SRC_DIR/tests/lib/keyring.sh"
. "$TP_SRC_DIR/tests/lib/agent.sh"
trap 'set +e; eval "$test_cleanup_global" >/dev/null 2>&1; rm -rf "$TRASH"' EXIT
keyring_start

printf 'protocol=https\nhost=bench.example.com\nusername=bench\npassword=%s\n\n' \
	"bench-$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')" >"$TRASH/store"
"$TP_BUILD_DIR/tokenpass" store <"$TRASH/store" >/dev/null
printf 'protocol=https\nhost=bench.example.com\nusername=bench\n\n' \
	>"$TRASH/req"
agent_start

tasks=$(ls "/proc/$AGENT_PID/task" | sed 's/^/-p /' | tr '\n' ' ')
# shellcheck disable=SC2086
strace -f -c -o "$TRASH/strace.out" $tasks 2>/dev/null &
strace_pid=$!
sleep 1
/usr/bin/python3 "$TP_SRC_DIR/tests/lib/agent-request.py" "$AGENT_SOCK" \
	"$TRASH/req" "$n" | grep -q "^password=" || {
	echo "bench/agent-syscalls.sh: no token in the agent's answers" >&2
	exit 1
}
sleep 1
kill -INT "$strace_pid"
wait "$strace_pid" || true
cat "$TRASH/strace.out"
awk -v n="$n" '$NF == "total" { printf "%d requests: %.2f system calls each\n", n, $(NF - 2) / n }' \
	"$TRASH/strace.out"
