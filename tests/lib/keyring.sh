# keyring.sh: a private D-Bus session bus and gnome-keyring-daemon in the
# test's trash directory (never the real home). Source after test-lib.sh.
#
#   keyring_start [password]   bus + unlocked 'login' collection
#   keyring_lock               lock the 'login' collection
#   keyring_unlock             unlock it again (restarts the daemon)
#   keyring_stop_daemon        leave the bus up with no Secret Service
#   keyring_bare_bus           a second bus that provides no Secret Service:
#                              sets BARE_BUS (its address) and BARE_PID
#   keyring_sampled_holder F   F (argv of processes, one word a line) shows
#                              the process that held the token for the hook

KR_PW=${KR_PW:-test-keyring-pw}

keyring_start () {
	KR_PW=${1:-$KR_PW}
	set -- $(dbus-daemon --session --fork --nopidfile \
		--address="unix:path=$XDG_RUNTIME_DIR/bus" \
		--print-address=1 --print-pid=1 2>/dev/null | paste -sd' ')
	DBUS_SESSION_BUS_ADDRESS=$1
	KR_DBUS_PID=$2
	export DBUS_SESSION_BUS_ADDRESS
	test -n "$KR_DBUS_PID" || return 1
	test_atexit "kill $KR_DBUS_PID 2>/dev/null; keyring_kill_daemon"
	printf '%s' "$KR_PW" | gnome-keyring-daemon --unlock \
		--components=secrets --daemonize >/dev/null 2>&1 || return 1
	gdbus wait --session --timeout 5 org.freedesktop.secrets || return 1
	keyring_read_pid || return 1
	# TP_AGENT=1: the same tests with the agent answering (agent.sh)
	if test -n "${TP_AGENT:-}"; then
		. "$TP_SRC_DIR/tests/lib/agent.sh" && agent_start
	fi
}

keyring_read_pid () {
	KR_GKD_PID=$(gdbus call --session --dest org.freedesktop.DBus \
		--object-path /org/freedesktop/DBus \
		--method org.freedesktop.DBus.GetConnectionUnixProcessID \
		org.freedesktop.secrets | awk '{print $2+0}')
	test -n "$KR_GKD_PID" && test "$KR_GKD_PID" -gt 0
}

keyring_kill_daemon () {
	test -n "${KR_GKD_PID:-}" && kill "$KR_GKD_PID" 2>/dev/null
	KR_GKD_PID=
}

# secret-tool lock is broken in libsecret 0.20.5: lock over D-Bus.
keyring_lock () {
	gdbus call --session --dest org.freedesktop.secrets \
		--object-path /org/freedesktop/secrets \
		--method org.freedesktop.Secret.Service.Lock \
		"[objectpath '/org/freedesktop/secrets/collection/login']" \
		>/dev/null &&
	keyring_is_locked &&
	keyring_agent_follows locked
}

# With an agent running (TP_AGENT=1), wait until it has seen the keyring's
# signal: its answers follow within a second (agent.h), not at once.
keyring_agent_follows () {
	test -n "${AGENT_PID:-}" || return 0
	for i in $(seq 50)
	do
		agent_status 2>/dev/null | grep -q "^agent_state=$1\$" &&
			return 0
		sleep 0.1
	done
	echo >&2 "keyring: the agent did not see the keyring become $1"
	return 1
}

keyring_is_locked () {
	gdbus call --session --dest org.freedesktop.secrets \
		--object-path /org/freedesktop/secrets/collection/login \
		--method org.freedesktop.DBus.Properties.Get \
		org.freedesktop.Secret.Collection Locked | grep -q true
}

keyring_unlock () {
	printf '%s' "$KR_PW" | gnome-keyring-daemon --replace --unlock \
		--components=secrets --daemonize >/dev/null 2>&1 &&
	gdbus wait --session --timeout 5 org.freedesktop.secrets &&
	sleep 0.2 &&
	keyring_read_pid &&
	! keyring_is_locked
}

# A bus with no service directories: nothing can be activated on it.
keyring_bare_bus () {
	cat >"$TRASH/bare-bus.conf" <<-EOF &&
	<!DOCTYPE busconfig PUBLIC
	 "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
	 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
	<busconfig>
	  <type>session</type>
	  <listen>unix:path=$TRASH/bare-bus</listen>
	  <policy context="default">
	    <allow send_destination="*" eavesdrop="true"/>
	    <allow eavesdrop="true"/>
	    <allow own="*"/>
	  </policy>
	</busconfig>
	EOF
	set -- $(dbus-daemon --config-file="$TRASH/bare-bus.conf" --fork \
		--nopidfile --print-address=1 --print-pid=1 2>/dev/null |
		paste -sd" ") &&
	BARE_BUS=$1 BARE_PID=$2 &&
	test -n "$BARE_PID"
}

# The hook asks the agent when one runs (TP_AGENT=1), else it runs
# 'tokenpass get': did the sampled argv in FILE catch that process?
keyring_sampled_holder () {
	if test -n "${AGENT_PID:-}"; then
		grep -A1 -x tokenpass "$1" | grep -qx agent
	else
		grep -A1 -x "$TP_BUILD_DIR/tokenpass" "$1" | grep -qx get
	fi
}
