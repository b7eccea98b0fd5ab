#!/bin/sh
test_description='the agent units: installed, verified, and run as systemd would'
. "$TP_SRC_DIR/tests/lib/test-lib.sh"
. "$TP_SRC_DIR/tests/lib/keyring.sh"
. "$TP_SRC_DIR/tests/lib/helper-test.sh"
. "$TP_SRC_DIR/tests/lib/agent.sh"

DEST=$TRASH/dest

test_setup 'make install DESTDIR: the agent units and tokenpass-core' '
	ODBCSYSINI=$TRASH ODBCINSTINI=odbcinst.ini \
	make -C "$TP_BUILD_DIR" install DESTDIR="$DEST" >"$TRASH/install.log" 2>&1 &&
	UNITDIR=$(dirname "$(find "$DEST" -name tokenpass-agent.socket)") &&
	test -f "$UNITDIR/tokenpass-agent.service" &&
	CORE=$(find "$DEST" -name tokenpass-core) &&
	test -x "$CORE" &&
	BIN=$(dirname "$(find "$DEST" -path "*/bin/tokenpass")")
'

test_expect_success 'the socket: in $XDG_RUNTIME_DIR/tokenpass, 0600 in a 0700 directory' '
	test_grep "^ListenStream=%t/tokenpass/agent\$" \
		"$UNITDIR/tokenpass-agent.socket" &&
	test_grep "^SocketMode=0600\$" "$UNITDIR/tokenpass-agent.socket" &&
	test_grep "^DirectoryMode=0700\$" "$UNITDIR/tokenpass-agent.socket" &&
	test_grep "^WantedBy=sockets.target\$" "$UNITDIR/tokenpass-agent.socket"
'

test_expect_success 'the service runs the installed tokenpass agent, no core files' '
	sed -n "s/^ExecStart=//p" "$UNITDIR/tokenpass-agent.service" >exec &&
	test_line_count = 1 exec &&
	bin=$(sed -n "s|^\(/.*\)/tokenpass agent\$|\1|p" exec) &&
	test -n "$bin" &&
	test "$DEST$bin" = "$BIN" &&
	test_grep "^LimitCORE=0\$" "$UNITDIR/tokenpass-agent.service"
'

# verify checks that ExecStart can run: the units as installed, with the
# staged root in front of the command (nothing is installed in /usr/local)
test_expect_success 'systemd-analyze verify: both units clean' '
	mkdir -p verify &&
	cp "$UNITDIR/tokenpass-agent.socket" verify/ &&
	sed "s|^ExecStart=|ExecStart=$DEST|" \
		"$UNITDIR/tokenpass-agent.service" \
		>verify/tokenpass-agent.service &&
	mandir=$(dirname "$(dirname "$(find "$DEST" -name tokenpass.1)")") &&
	MANPATH=$mandir timeout 60 systemd-analyze verify --user \
		verify/tokenpass-agent.socket \
		verify/tokenpass-agent.service >verify.out 2>&1 || {
		cat verify.out; false; } &&
	test_must_be_empty verify.out
'

test_expect_success 'systemd-analyze verify catches a broken agent unit' '
	sed "s/^SocketMode=0600/SocketMode=bogus/" \
		verify/tokenpass-agent.socket >verify/broken.socket &&
	test_must_fail timeout 60 systemd-analyze verify --man=no --user \
		verify/broken.socket >verify.out 2>&1 &&
	test_grep bogus verify.out
'

test_setup 'a keyring with a PAT' '
	keyring_start &&
	echo tok-unit-agent | tokenpass add-pat --host a.example.com \
		--user U1 --days 30
'

test_expect_success 'the installed ExecStart, socket-activated, answers the installed get' '
	sock=$XDG_RUNTIME_DIR/tokenpass/agent &&
	mkdir -p -m 700 "$XDG_RUNTIME_DIR/tokenpass" || return 1
	systemd-socket-activate -E DBUS_SESSION_BUS_ADDRESS -E HOME \
		-E XDG_RUNTIME_DIR -l "$sock" \
		$(cat exec | sed "s|^|$DEST|") --idle-timeout 1 \
		>sa.log 2>&1 &
	sa=$! &&
	test_when_finished "kill $sa 2>/dev/null" &&
	i=0 && while ! test -S "$sock" && test $i -lt 50; do
		sleep 0.1; i=$((i + 1)); done &&
	tp_request a.example.com U1 &&
	tp_run out err "$BIN/tokenpass" get &&
	test $rc = 0 &&
	test_grep "^password=tok-unit-agent\$" out &&
	agent_status >status &&
	test_grep "^agent_pid=$sa\$" status &&
	agent_wait_down $sa
'

test_expect_success 'make uninstall removes the units and tokenpass-core' '
	ODBCSYSINI=$TRASH ODBCINSTINI=odbcinst.ini \
	make -C "$TP_BUILD_DIR" uninstall DESTDIR="$DEST" >uninstall.log 2>&1 &&
	! test -e "$UNITDIR/tokenpass-agent.socket" &&
	! test -e "$UNITDIR/tokenpass-agent.service" &&
	! test -e "$CORE"
'

test_done
