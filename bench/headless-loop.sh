#!/bin/bash
# bench/headless.sh's timing loop, run as the service account:
#   headless-loop.sh RUNS DIR TOKEN    (times in DIR/t/NAME, microseconds)
set -eu
runs=$1 dir=$2 tok=$3
helper=$dir/gitcred/git-credential-libsecret
bus=$DBUS_SESSION_BUS_ADDRESS_LIBSECRET

check () {
	"$@" <"$dir/req" 2>/dev/null | grep -q -- "$tok" || {
		echo "bench/headless.sh: '$*' does not find the token" >&2
		exit 1
	}
}
timed () {
	local out=$1 t0 t1
	shift
	t0=${EPOCHREALTIME/./}
	"$@" <"$dir/req" >/dev/null 2>&1
	t1=${EPOCHREALTIME/./}
	echo $((t1 - t0)) >>"$out"
}
check tokenpass get
check env TOKENPASS_NO_AGENT=1 tokenpass get
check env DBUS_SESSION_BUS_ADDRESS="$bus" "$helper" get
check git credential-cache --socket "$dir/cache/socket" get
for i in 1 2 3 4 5; do
	timed /dev/null tokenpass get
	timed /dev/null env TOKENPASS_NO_AGENT=1 tokenpass get
	timed /dev/null env DBUS_SESSION_BUS_ADDRESS="$bus" "$helper" get
	timed /dev/null env git credential-cache --socket "$dir/cache/socket" get
done
# env(1) starts the two that need a variable; /usr/bin/env true measures it
for i in $(seq "$runs"); do
	timed "$dir/t/agent" env tokenpass get
	timed "$dir/t/noagent" env TOKENPASS_NO_AGENT=1 tokenpass get
	timed "$dir/t/libsecret" env DBUS_SESSION_BUS_ADDRESS="$bus" "$helper" get
	timed "$dir/t/cache" env git credential-cache --socket \
		"$dir/cache/socket" get
	timed "$dir/t/true" env true
done
