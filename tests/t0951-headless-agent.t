#!/bin/sh
test_description='tokenpass agent --headless: a service account keyring with no desktop'
. "$TP_SRC_DIR/tests/lib/test-lib.sh"
. "$TP_SRC_DIR/tests/lib/helper-test.sh"
. "$TP_SRC_DIR/tests/lib/headless.sh"
. "$TP_SRC_DIR/tests/lib/tokenserver.sh"
. "$TP_SRC_DIR/tests/lib/oidc.sh"
. "$TP_SRC_DIR/tests/lib/pg.sh"

PAT=pg-pat-$$-headless

test_setup 'a service account, setup, the credential as systemd hands it' '
	hs_user_add &&
	hs_setup &&
	hs_creds
'

test_setup 'PostgreSQL, the ODBC files and the token server' '
	pg_start &&
	pg_password "$PAT" &&
	pg_odbc_setup &&
	chmod -R a+rX "$ODBC_DIR" &&
	tokenserver_start &&
	chmod -R a+rX "$TS_TLS"
'

test_expect_success 'the unit command as systemd runs it: bus, keyring, agent' '
	hs_start &&
	test "$(stat -c %a:%U "$HS_RUN")" = "700:$HS_USER" &&
	test -S "$HS_RUN/bus" && test -S "$HS_RUN/agent" &&
	ps -u "$HS_USER" -o args= >procs &&
	test_grep "tokenpass.* agent --headless" procs &&
	test_grep "^dbus-daemon --config-file=$HS_RUN/bus.conf" procs &&
	test_grep "^gnome-keyring-daemon --foreground --unlock" procs &&
	test -f "$HS_HOME/.local/share/keyrings/login.keyring"
'

# A bus that starts services on demand would start a keyring daemon no
# one watches when the agent's dies (the session bus's own
# configuration does: the row where the daemon dies caught one left
# behind under ASan).
test_expect_success "nothing can be started on demand on the agent's bus" '
	hs_as gdbus call --address "unix:path=$HS_RUN/bus" \
		--dest org.freedesktop.DBus --object-path /org/freedesktop/DBus \
		--method org.freedesktop.DBus.ListActivatableNames >names &&
	# only the bus itself
	grep -qx "(\[.org\.freedesktop\.DBus.\],)" names
'

test_expect_success 'add-pat as the account with no session bus of its own' '
	printf "%s\n" "$PAT" | hs_as tokenpass add-pat --host 127.0.0.1:$PG_PORT \
		--user odbcuser --days 30 --name PG_PAT >out 2>err &&
	hs_as tokenpass list >list 2>err &&
	test_grep "^127.0.0.1:$PG_PORT  *odbcuser .* pat .* ok" list
'

test_expect_success 'login --no-browser as the account (OAuth), driven from elsewhere' '
	rm -f login.err
	printf "test-secret\n" | hs_as SSL_CERT_FILE="$TS_TLS/ca.pem" \
		timeout 60 tokenpass login --no-browser --host "$TS_HOST" \
		--user ANALYST --client-id tokenpass-test \
		>login.out 2>login.err &
	pid=$! &&
	url=$(oauth_login_url login.err) &&
	oauth_drive "$url" >/dev/null &&
	wait $pid &&
	hs_as tokenpass list >list &&
	test_grep "^$TS_HOST  *ANALYST .* oauth " list
'

test_expect_success 'get is answered by the agent, no bus in the environment' '
	printf "protocol=https\nhost=%s\nusername=ANALYST\n\n" "$TS_HOST" >in &&
	hs_as tokenpass get <in >get.out 2>get.err &&
	tok=$(sed -n "s/^password=//p" get.out) &&
	test "$(tokenserver_token_status "$tok")" = 422 &&
	printf "tokenpass_op=status\n\n" >in &&
	hs_as tokenpass get <in >status.out &&
	test_grep "^agent_state=ready" status.out
'

test_expect_success 'headless status as root: every link ok, exit 0' '
	tokenpass headless status --root "$HS_ROOT" --user "$HS_USER" \
		>st.out 2>st.err &&
	test_grep "^ok    bus " st.out &&
	test_grep "^ok    keyring     the keyring .* is unlocked" st.out &&
	test_grep "^ok    agent: running (pid [0-9]*, keyring ready)" st.out &&
	test_grep "^ok    credential  .odbcuser@127.0.0.1:$PG_PORT.: ok" st.out &&
	test_grep "^ok    credential  .ANALYST@$TS_HOST.: ok" st.out &&
	test_grep ! "^FAIL" st.out
'

test_expect_success 'doctor as the account: the headless keyring and agent' '
	hs_as tokenpass doctor >doc.out 2>doc.err &&
	test_grep "^ok    headless: .*/run/tokenpass/$HS_USER. (tokenpass-agent@$HS_USER.service)" doc.out &&
	test_grep "^ok    session bus: unix:path=/run/tokenpass/$HS_USER/bus" doc.out &&
	test_grep "^ok    default keyring .*: unlocked" doc.out &&
	test_grep "^ok    agent: running" doc.out
'

test_expect_success 'the hook connects to PostgreSQL as the account' '
	echo "SELECT 42 AS answer" >q.sql &&
	hs_as ODBCSYSINI="$ODBCSYSINI" ODBCINI="$ODBCINI" \
		isql -b -v tp <q.sql >isql.out 2>&1 &&
	test_grep "42" isql.out
'

test_expect_success '"reboot": every process killed, started again, nothing lost' '
	hs_kill &&
	test -z "$(hs_pids)" &&
	hs_start &&
	hs_as tokenpass list >list &&
	test_grep "odbcuser .* pat .* ok" list &&
	test_grep "ANALYST .* oauth " list &&
	hs_as ODBCSYSINI="$ODBCSYSINI" ODBCINI="$ODBCINI" \
		isql -b -v tp <q.sql >isql.out 2>&1 &&
	test_grep "42" isql.out
'

test_expect_success 'after the reboot the OAuth token renews against the server' '
	n=$(tokenserver_count refresh_token) &&
	mkdir -m 700 xdg && chown "$HS_USER" xdg &&
	hs_as SSL_CERT_FILE="$TS_TLS/ca.pem" XDG_RUNTIME_DIR="$TRASH/xdg" \
		timeout 60 tokenpass refresh \
		--host "$TS_HOST" --user ANALYST --force >out 2>err &&
	test "$(tokenserver_count refresh_token)" = $((n + 1)) &&
	printf "protocol=https\nhost=%s\nusername=ANALYST\n\n" "$TS_HOST" >in &&
	i=0 &&
	while :; do
		hs_as tokenpass get <in >get.out &&
		new=$(sed -n "s/^password=//p" get.out) &&
		test "$new" != "$tok" && break
		i=$((i + 1)) && test $i -lt 50 || return 1
		sleep 0.1
	done &&
	test "$(tokenserver_token_status "$new")" = 422
'

test_expect_success 'another reboot: the agent renews a short token on its own' '
	tokenserver_config "{\"access_ttl\": 12}" &&
	ts_finally "tokenserver_config {}" &&
	hs_kill &&
	HS_AGENT_ENV="TOKENPASS_REFRESH_MARGIN=2 SSL_CERT_FILE=$TS_TLS/ca.pem" &&
	hs_start &&
	hs_as SSL_CERT_FILE="$TS_TLS/ca.pem" timeout 60 tokenpass refresh \
		--host "$TS_HOST" --user ANALYST --force >out 2>err &&
	n=$(tokenserver_count refresh_token) &&
	i=0 &&
	while test "$(tokenserver_count refresh_token)" -le "$n"; do
		i=$((i + 1)) && test $i -lt 600 || return 1
		sleep 0.1
	done &&
	printf "protocol=https\nhost=%s\nusername=ANALYST\n\n" "$TS_HOST" >in &&
	hs_as tokenpass get <in >get.out &&
	tok=$(sed -n "s/^password=//p" get.out) &&
	test "$(tokenserver_token_status "$tok")" = 422
'

test_expect_success 'an ssh login (XDG_RUNTIME_DIR) locks where the agent does' '
	test -n "$(ls -A "$HS_HOME/.cache/tokenpass")" &&
	test_path_is_missing xdg/tokenpass
'

test_expect_success 'reminders go to the journal with their priority' '
	printf "%s\n" soon-pat-$$ | hs_as tokenpass add-pat --host s.example.com \
		--user SOON --days 3 --name SOON_PAT 2>/dev/null &&
	: >j.out && : >j.err &&
	test_expect_code 1 hs_as JOURNAL_STREAM="$(stat -c %d:%i j.out)" \
		tokenpass check --notify >j.out 2>j.err &&
	test_grep "^<4>renew soon: .SOON@s.example.com." j.out &&
	test_grep ! "^<" j.err &&
	test_expect_code 1 hs_as JOURNAL_STREAM="$(stat -c %d:%i j.err)" \
		tokenpass check --notify >j.out 2>j.err &&
	test_grep "^renew soon: .SOON@s.example.com." j.out &&
	test_grep "^<4>tokenpass: warning: check: cannot show a desktop notification" j.err
'

test_expect_success 'and to the reminder command of the configuration' '
	mkdir -p "$HS_HOME/.config/tokenpass" &&
	printf "# reminders by mail\nreminder-command = cat >>%s\n" \
		"$HS_HOME/reminders" >"$HS_HOME/.config/tokenpass/config" &&
	chown -R "$HS_USER" "$HS_HOME/.config" &&
	test_expect_code 1 hs_as tokenpass check --notify >out 2>err &&
	test_line_count = 1 "$HS_HOME/reminders" &&
	test_grep "^renew soon: .SOON@s.example.com.: .*; run .tokenpass add-pat" \
		"$HS_HOME/reminders" &&
	test_expect_code 1 hs_as tokenpass check >out 2>err &&
	test_line_count = 1 "$HS_HOME/reminders"
'

# The renewal unit's ExecStart lines as systemd runs them: "-" lets a
# failure pass, else the code must be 0 or in SuccessExitStatus=.
test_expect_success 'the renewal unit runs as the account: refresh, then check' '
	unit=$HS_ROOT/etc/systemd/system/tokenpass-refresh@.service &&
	ok=$(sed -n "s/^SuccessExitStatus=//p" "$unit") &&
	env=$(sed -n "s/^Environment=//p" "$unit" | sed "s/%i/$HS_USER/g") &&
	: >svc.out && rm -f codes "$HS_HOME/reminders" &&
	sed -n "s/^ExecStart=//p" "$unit" >exec &&
	test_line_count = 2 exec &&
	while read -r line; do
		ignore=
		case $line in -*) ignore=1; line=${line#-} ;; esac
		hs_as $env SSL_CERT_FILE="$TS_TLS/ca.pem" \
			JOURNAL_STREAM="$(stat -c %d:%i svc.out)" \
			timeout 60 $line >>svc.out 2>&1 </dev/null
		code=$?
		echo $code >>codes
		test -n "$ignore" && continue
		case " 0 $ok " in *" $code "*) ;; *) return 1 ;; esac
	done <exec &&
	printf "0\n1\n" >expect &&
	test_cmp expect codes &&
	test_grep "^<4>renew soon: .SOON@s.example.com." svc.out &&
	test_grep "^renew soon: .SOON@s.example.com." "$HS_HOME/reminders" &&
	hs_as tokenpass remove --host s.example.com --user SOON 2>/dev/null
'

test_expect_success 'the password is in no argv, environ, log or file' '
	pw=$HS_CREDS/tokenpass-keyring &&
	for p in /proc/[0-9]*; do
		for f in cmdline environ; do
			if grep -qF -f "$pw" "$p/$f" 2>/dev/null; then
				echo "in $p/$f: $(tr "\0" " " <"$p/cmdline")"
				exit 1
			fi
		done
	done &&
	! grep -rlF -f "$pw" --exclude-dir=creds "$TRASH" /run/tokenpass \
		"$HS_HOME" &&
	test -s "$TRASH/agent.log" || : &&
	! grep -F -f "$pw" "$TRASH/agent.log"
'

test_expect_success 'a wrong credential: one line, exit 3, nothing left running' '
	hs_kill &&
	mv "$HS_CREDS" creds.good &&
	mkdir -m 700 "$HS_CREDS" &&
	printf wrong-password >"$HS_CREDS/tokenpass-keyring" &&
	chown -R "$HS_USER" "$HS_CREDS" &&
	hs_exec &&
	test $rc = 3 &&
	test_one_line exec.err &&
	test_grep "does not unlock it" exec.err &&
	test -z "$(hs_pids)"
'

test_expect_success 'a missing credential: one line, exit 3' '
	rm -f "$HS_CREDS/tokenpass-keyring" &&
	hs_exec &&
	test $rc = 3 &&
	test_one_line exec.err &&
	test_grep "cannot read the credential" exec.err
'

test_expect_success 'no gnome-keyring-daemon: one line, exit 3' '
	rm -rf "$HS_CREDS" && mv creds.good "$HS_CREDS" &&
	mkdir -p nokr && ln -sf "$(command -v dbus-daemon)" nokr/ &&
	chmod 755 nokr &&
	HS_PATH=$TRASH/nokr hs_exec &&
	test $rc = 3 &&
	test_one_line exec.err &&
	test_grep "gnome-keyring-daemon is not installed" exec.err
'

test_expect_success 'the good credential again: the keyring opens' '
	hs_start &&
	hs_as tokenpass list >list &&
	test_grep "odbcuser .* pat .* ok" list
'

test_expect_success 'the keyring daemon dies: the agent exits 1, to be restarted' '
	hs_kill &&
	(
		i=0
		while test $i -lt 400; do
			# the new daemon: a killed one may linger as a zombie
			p=$(ps -u "$HS_USER" -o pid=,stat=,comm= | awk \
				"\$2 !~ /Z/ && \$3 ~ /gnome-keyr/ {print \$1}")
			if test -n "$p" && test -S "$HS_RUN/agent"; then
				kill $p && exit 0
			fi
			i=$((i + 1))
			sleep 0.05
		done
		exit 1
	) &
	killer=$! &&
	hs_exec &&
	wait $killer &&
	test $rc = 1 &&
	test_grep "agent: gnome-keyring-daemon exited" exec.err &&
	# a killed one may stay a zombie a while (see hs_pids)
	ps -u "$HS_USER" -o pid=,stat=,args= | awk "\$2 !~ /Z/" >left &&
	test_must_be_empty left
'

test_done
