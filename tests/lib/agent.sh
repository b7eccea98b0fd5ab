# agent.sh: the tokenpass agent for the tests. Source after keyring.sh.
#
#   agent_start [ARGS...]   'tokenpass agent --foreground ARGS' in the
#                           background (log: $TRASH/agent.log), waits
#                           until it answers; sets AGENT_PID; stopped at exit
#   agent_stop              stop it (SIGTERM) and wait for it
#   agent_status            the agent's status answer (agent.h) on stdout
#   agent_count NAME [FILE] one counter of its agent_counts= line (of a
#                           status answer kept in FILE)
#   agent_up                does an agent answer on the socket?
#   agent_wait_down PID     wait (10 s at most) until PID is gone
#   agent_wait_renewals HOST  wait (30 s at most) until no renewal the
#                           agent began for HOST runs any more
#   agent_request FILE      send FILE to the socket, print the raw answer
#
# TP_AGENT=1 makes keyring_start start an agent too, so that every helper
# test runs with one answering.

AGENT_SOCK=${TOKENPASS_AGENT_SOCKET:-$XDG_RUNTIME_DIR/tokenpass/agent}

# a raw exchange with the socket (python3: no client of ours in the way)
agent_request () {
	/usr/bin/python3 "$TP_SRC_DIR/tests/lib/agent-request.py" \
		"$AGENT_SOCK" "$1"
}

agent_status () {
	printf 'tokenpass_op=status\n\n' >"$TRASH/.agent-status-req" &&
	agent_request "$TRASH/.agent-status-req"
}

agent_count () {
	{ if test $# -gt 1; then cat "$2"; else agent_status; fi; } |
		sed -n "s/^agent_counts=.* $1 \([0-9]*\).*/\1/p;
			s/^agent_counts=$1 \([0-9]*\).*/\1/p"
}

# up and done with its first read of the keyring
agent_up () {
	agent_status 2>/dev/null |
		grep -q "^agent_state=\(ready\|locked\|unavailable\)\$"
}

agent_start () {
	tokenpass agent --foreground "$@" >>"$TRASH/agent.log" 2>&1 &
	AGENT_PID=$!
	test_atexit "agent_stop"
	_i=0
	while test $_i -lt 100; do
		agent_up && return 0
		kill -0 "$AGENT_PID" 2>/dev/null || break
		sleep 0.1
		_i=$((_i + 1))
	done
	echo >&2 "agent_start: no agent answered; its log:"
	cat >&2 "$TRASH/agent.log"
	return 1
}

agent_wait_down () {
	_i=0
	while kill -0 "$1" 2>/dev/null && test $_i -lt 100; do
		sleep 0.1
		_i=$((_i + 1))
	done
	! kill -0 "$1" 2>/dev/null
}

# no renewal under way (the agent waits for its own when it stops)
agent_wait_renewals () {
	_i=0
	while pgrep -f "refresh --host $1" >/dev/null && test $_i -lt 300; do
		sleep 0.1
		_i=$((_i + 1))
	done
	! pgrep -f "refresh --host $1" >/dev/null
}

agent_stop () {
	test -n "${AGENT_PID:-}" || return 0
	kill "$AGENT_PID" 2>/dev/null
	agent_wait_down "$AGENT_PID"
	AGENT_PID=
}

# systemd-socket-activate listening on SOCK, starting 'tokenpass agent
# ARGS' at the first connection as systemd would (the environment a user
# manager gives its services: the bus, HOME, XDG_RUNTIME_DIR); sets SA_PID
# (the agent's pid once it runs). Call it as a command of its own, not in
# an && chain (it starts a background job).
agent_socket_activate () {
	_sock=$1
	shift
	systemd-socket-activate -E DBUS_SESSION_BUS_ADDRESS -E HOME \
		-E XDG_RUNTIME_DIR -l "$_sock" \
		"$TP_BUILD_DIR/tokenpass" agent "$@" >>"$TRASH/sa.log" 2>&1 &
	SA_PID=$!
	_i=0
	while ! test -S "$_sock" && test $_i -lt 50; do
		sleep 0.1
		_i=$((_i + 1))
	done
	test -S "$_sock"
}
