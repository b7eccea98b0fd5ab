#!/bin/sh
test_description='the agent: its socket, who may use it, socket activation, answers like get'
. "$TP_SRC_DIR/tests/lib/test-lib.sh"
. "$TP_SRC_DIR/tests/lib/keyring.sh"
. "$TP_SRC_DIR/tests/lib/helper-test.sh"
. "$TP_SRC_DIR/tests/lib/agent.sh"

# the same request to the agent and to tokenpass without it: same answer
same_answer () {
	tp_run agent.out agent.err tokenpass get &&
	agent_rc=$rc &&
	TOKENPASS_NO_AGENT=1 tp_run plain.out plain.err tokenpass get &&
	test "$agent_rc" = "$rc" &&
	test_cmp plain.out agent.out &&
	test_cmp plain.err agent.err
}

test_setup 'a keyring with a PAT, an app-level PAT and an OAuth token' '
	keyring_start &&
	echo tok-global-1 | tokenpass add-pat --host a.example.com --user U1 \
		--days 30 &&
	echo tok-app-1 | tokenpass add-pat --host a.example.com --user U1 \
		--days 30 --dsn Sales &&
	printf "oauth-access-1\noauth-refresh-1\n" |
		tp_store_oauth b.example.com U2 "" $(($(date +%s) + 3600)) \
			$(($(date +%s) + 86400))
'

test_expect_success 'without --foreground and without a socket from systemd it refuses' '
	tp_run out err tokenpass agent &&
	test $rc = 2 &&
	test_one_line err &&
	test_grep "not started by socket activation" err &&
	! test -e "$XDG_RUNTIME_DIR/tokenpass/agent"
'

test_setup 'tokenpass agent --foreground answers on its socket' '
	agent_start
'

test_expect_success 'the socket is 0600 in a directory of ours with mode 0700' '
	test -S "$XDG_RUNTIME_DIR/tokenpass/agent" &&
	test "$(stat -c %a "$XDG_RUNTIME_DIR/tokenpass")" = 700 &&
	test "$(stat -c %a "$XDG_RUNTIME_DIR/tokenpass/agent")" = 600 &&
	test "$(stat -c %u "$XDG_RUNTIME_DIR/tokenpass")" = "$(id -u)" &&
	agent_status >status &&
	test_grep "^agent_pid=$AGENT_PID\$" status &&
	test_grep "^agent_state=ready\$" status &&
	test_grep "^credential=a.example.com	U1	Sales	" status &&
	! grep tok- status
'

test_expect_success 'the agent answers get: the front alone, without tokenpass-core' '
	mkdir -p lonely &&
	cp "$TP_BUILD_DIR/tokenpass" lonely/ &&
	tp_request a.example.com U1 &&
	tp_run out err lonely/tokenpass get &&
	test $rc = 0 &&
	test_must_be_empty err &&
	test_grep "^password=tok-global-1\$" out &&
	TOKENPASS_NO_AGENT=1 tp_run out err lonely/tokenpass get &&
	test $rc = 1 &&
	test_grep "cannot run" err
'

test_expect_success 'answers are those of tokenpass get: PAT, DSN, no user' '
	tp_request a.example.com U1 && same_answer &&
	test_grep "^password=tok-global-1\$" agent.out &&
	printf "protocol=https\nhost=a.example.com\nusername=U1\ndsn=Sales\n\n" \
		>in && same_answer &&
	test_grep "^password=tok-app-1\$" agent.out &&
	printf "protocol=https\nhost=a.example.com\ndsn=Other\n\n" >in &&
	same_answer &&
	test_grep "^password=tok-global-1\$" agent.out &&
	printf "host=A.Example.COM\nusername=U1\n" >in && same_answer &&
	test_grep "^password=tok-global-1\$" agent.out
'

test_expect_success 'answers are those of tokenpass get: OAuth, Bearer, misses' '
	printf "capability[]=authtype\nprotocol=https\nhost=b.example.com\nusername=U2\n\n" \
		>in && same_answer &&
	test_grep "^authtype=Bearer\$" agent.out &&
	test_grep "^credential=oauth-access-1\$" agent.out &&
	tp_request b.example.com U2 && same_answer &&
	test_grep "^password=oauth-access-1\$" agent.out &&
	tp_request nowhere.example.com U1 && same_answer &&
	test_must_be_empty agent.out &&
	printf "protocol=https\nhost=a.example.com\npath=repo.git\n\n" >in &&
	same_answer && test_must_be_empty agent.out &&
	printf "protocol=https\n\n" >in && same_answer &&
	test_must_be_empty agent.out &&
	: >in && same_answer
'

test_expect_success 'bad requests get the same refusal as from tokenpass get' '
	printf "host=a.example.com\nusername=U1\r\n\n" >in && same_answer &&
	test $rc = 2 && test_one_line agent.err &&
	printf "host=a example.com\n\n" >in && same_answer &&
	test $rc = 2 &&
	printf "host\n\n" >in && same_answer && test $rc = 2
'

test_expect_success 'git-credential-tokenpass get goes through the agent too' '
	tp_request a.example.com U1 &&
	tp_run out err git-credential-tokenpass get &&
	test $rc = 0 &&
	test_grep "^password=tok-global-1\$" out
'

test_expect_success 'a second agent refuses to take over a live one' '
	tp_run out err tokenpass agent --foreground &&
	test $rc = 1 &&
	test_grep "another agent answers" err &&
	agent_up
'

test_expect_success 'a client of another uid is refused (SO_PEERCRED)' '
	test "$(id -u)" = 0 || {
		echo >&2 "needs root to run a client as nobody"; false; } &&
	pub=$(mktemp -d /tmp/tp-agent-pub.XXXXXX) &&
	test_when_finished "rm -rf $pub" &&
	chmod 755 "$pub" || return 1
	agent_socket_activate "$pub/agent" --idle-timeout 30 &&
	test_when_finished "kill $SA_PID 2>/dev/null" &&
	chmod 666 "$pub/agent" &&
	tp_request a.example.com U1 && chmod 644 in && cp in "$pub/req" &&
	AGENT_SOCK=$pub/agent &&
	setpriv --reuid=nobody --regid=nogroup --clear-groups \
		/usr/bin/python3 -c "
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.connect(\"$pub/agent\")
try:
    s.sendall(open(\"$pub/req\", \"rb\").read())
    s.shutdown(socket.SHUT_WR)
    out = s.recv(65536)
except OSError:
    out = b\"\"
sys.stdout.write(out.decode())
" >nobody.out &&
	test_must_be_empty nobody.out &&
	agent_request in >root.out &&
	test_grep "^password=tok-global-1\$" root.out &&
	test_grep "refused a client of uid $(id -u nobody)" "$TRASH/sa.log"
'

test_expect_success 'the socket directory must be ours and 0700' '
	agent_stop &&
	chmod 755 "$XDG_RUNTIME_DIR/tokenpass" &&
	test_when_finished "chmod 700 \"$XDG_RUNTIME_DIR/tokenpass\"" &&
	tp_run out err tokenpass agent --foreground &&
	test $rc = 1 &&
	test_grep "must be a directory of yours with mode 0700" err
'

test_expect_success 'a stale socket of a killed agent is replaced' '
	agent_start &&
	pid=$AGENT_PID &&
	kill -9 $pid && agent_wait_down $pid &&
	test -S "$XDG_RUNTIME_DIR/tokenpass/agent" &&
	tp_request a.example.com U1 &&
	tp_run out err tokenpass get &&
	test $rc = 0 &&
	test_grep "^password=tok-global-1\$" out &&
	agent_start &&
	test "$AGENT_PID" != "$pid" &&
	test_grep "replacing the stale socket" "$TRASH/agent.log" &&
	agent_status >status &&
	test_grep "^agent_pid=$AGENT_PID\$" status
'

test_expect_success 'socket activation: systemd-socket-activate starts it, idle ends it' '
	agent_stop &&
	rm -f "$XDG_RUNTIME_DIR/tokenpass/agent" || return 1
	agent_socket_activate "$XDG_RUNTIME_DIR/tokenpass/agent" \
		--idle-timeout 2 &&
	sa=$SA_PID &&
	test_when_finished "kill $sa 2>/dev/null" &&
	tp_request a.example.com U1 &&
	tp_run out err tokenpass get &&
	test $rc = 0 &&
	test_grep "^password=tok-global-1\$" out &&
	agent_status >status &&
	test_grep "^agent_pid=$sa\$" status &&
	agent_wait_down $sa
'

test_done
