#!/bin/sh
test_description='the sign-in listener: an overall deadline, clean error text'
. "$TP_SRC_DIR/tests/lib/test-lib.sh"
. "$TP_SRC_DIR/tests/lib/keyring.sh"
. "$TP_SRC_DIR/tests/lib/tokenserver.sh"
. "$TP_SRC_DIR/tests/lib/oidc.sh"

# A local client of the listener: idle (connects, sends nothing) or slow
# (a byte a second of a request that never ends), for at most 40 s.
local_client () {
	/usr/bin/python3 - "$1" "$2" <<-\EOF &
	import socket, sys, time
	s = socket.create_connection(("127.0.0.1", int(sys.argv[2])))
	end = time.time() + 40
	data = b"GET /callback?state=x&code=y HTTP/1.1\r\nX-Pad: " + b"a" * 100
	i = 0
	while time.time() < end:
	    if sys.argv[1] == "slow" and i < len(data):
	        try:
	            s.send(data[i:i + 1])
	        except OSError:
	            break
	        i += 1
	    time.sleep(1)
	EOF
	client_pid=$!
}

# start_login ARGS: 'tokenpass login --no-browser' in the background;
# sets login_pid, URL and PORT (the listener's).
start_login () {
	rm -f login.err
	printf "test-secret\n" |
		timeout 60 tokenpass login --no-browser --host "$TS_HOST" \
			--user ANALYST --client-id tokenpass-test "$@" \
			>login.out 2>login.err &
	login_pid=$! &&
	URL=$(oauth_login_url login.err) &&
	ruri=$(qparam "$URL" redirect_uri) &&
	PORT=$(echo "$ruri" | sed "s|^http://127.0.0.1:\([0-9]*\)/.*|\1|") &&
	test -n "$PORT"
}

test_setup 'keyring and server' '
	keyring_start &&
	tokenserver_start
'

test_expect_success 'an idle local client does not keep the browser out' '
	start_login &&
	local_client idle "$PORT" &&
	test_when_finished "kill $client_pid 2>/dev/null" &&
	sleep 0.5 &&
	oauth_drive "$URL" >callback &&
	wait $login_pid &&
	test "$(cat "$TRASH/callback.status")" = 200 &&
	tokenpass list --json >list &&
	test_grep "\"user\":[[:space:]]*\"ANALYST\"" list
'

test_expect_success 'a client sending a byte a second is dropped, the browser served' '
	start_login &&
	local_client slow "$PORT" &&
	test_when_finished "kill $client_pid 2>/dev/null" &&
	sleep 0.5 &&
	oauth_drive "$URL" >callback &&
	wait $login_pid &&
	test "$(cat "$TRASH/callback.status")" = 200
'

test_expect_success 'a slow client cannot push the overall deadline' '
	TOKENPASS_LOGIN_TIMEOUT=3 &&
	export TOKENPASS_LOGIN_TIMEOUT &&
	start_login &&
	local_client slow "$PORT" &&
	test_when_finished "kill $client_pid 2>/dev/null" &&
	{ wait $login_pid; rc=$?; } &&
	test_grep "no answer from the browser within 3 s" login.err &&
	test $rc = 1 || { echo "exit $rc:"; cat login.err; return 1; }
'

test_expect_success 'escapes in error_description never reach the terminal' '
	start_login &&
	state=$(qparam "$URL" state) &&
	tokenserver_curl -o answer -w "%{http_code}\n" "$ruri?state=$state&error=access%1B%5B2J_denied&error_description=%1B%5B31mred%1B%5D0%3Btitle%07%C2%9B2Jtext%0D%0Aline" >code &&
	# the listener took it as the refusal (not a 400 or 404 to retry)
	test_grep "^200\$" code &&
	test_grep "sign-in was refused" answer &&
	{ wait $login_pid; rc=$?; } &&
	test $rc = 1 &&
	test_grep "refused the sign-in" login.err &&
	test_grep "31mred" login.err &&
	test_grep "text *line" login.err &&
	! grep "$(printf "\033")" login.err &&
	! grep "$(printf "\007")" login.err &&
	! grep "$(printf "\302\233")" login.err &&
	test "$(grep -c "refused the sign-in" login.err)" = 1
'

test_done
