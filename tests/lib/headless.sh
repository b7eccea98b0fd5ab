# headless.sh: a test service account and its headless agent, started as
# systemd starts tokenpass-agent@USER.service (systemd is not PID 1 on
# the test machines). Source after test-lib.sh and helper-test.sh.
#
#   hs_user_add     useradd the account $HS_USER, home $HS_HOME in the
#                   trash; every process of it killed and userdel at exit
#   hs_setup        'tokenpass headless setup --root $HS_ROOT --user
#                   $HS_USER' with a private host key
#                   (SYSTEMD_CREDENTIAL_SECRET), output in setup.out
#   hs_creds        decrypt the credential with systemd-creds into
#                   $HS_CREDS (0700, the account's), as LoadCredential-
#                   Encrypted= does
#   hs_as CMD...    run CMD as the account with the environment of a
#                   service or an ssh login: no session bus, no
#                   XDG_RUNTIME_DIR; NAME=VALUE words first add variables
#   hs_start        the unit's ExecStart as the account, in the background,
#                   stderr in $TRASH/agent.log; waits for the agent socket
#                   (HS_AGENT_ENV: more NAME=VALUE words for it)
#   hs_exec         the same in the foreground (for the failures): rc in $rc
#   hs_kill         kill every process of the account (by pid), "reboot"
#   hs_pids         the account's live processes

HS_USER=tph$$
HS_HOME=$TRASH/svc-home
HS_ROOT=$TRASH/root
HS_CREDS=$TRASH/creds
HS_RUN=/run/tokenpass/$HS_USER
HS_UNIT=$HS_ROOT/etc/systemd/system/tokenpass-agent@.service
HS_CRED_FILE=$HS_ROOT/etc/credstore.encrypted/tokenpass-keyring@$HS_USER
SYSTEMD_CREDENTIAL_SECRET=$TRASH/host-key/credential.secret
export SYSTEMD_CREDENTIAL_SECRET

hs_user_add () {
	chmod 711 "$TRASH" &&
	useradd --no-create-home --home-dir "$HS_HOME" --shell /bin/sh \
		--user-group "$HS_USER" &&
	test_atexit hs_user_del &&
	mkdir -p "$HS_HOME" "$TRASH/host-key" &&
	chown "$HS_USER:$HS_USER" "$HS_HOME" &&
	chmod 700 "$HS_HOME" "$TRASH/host-key"
}

hs_user_del () {
	hs_kill
	rm -rf "$HS_RUN"
	rmdir /run/tokenpass 2>/dev/null
	userdel "$HS_USER"
}

hs_setup () {
	tokenpass headless setup --root "$HS_ROOT" --user "$HS_USER" \
		>setup.out 2>setup.err
}

hs_creds () {
	rm -rf "$HS_CREDS" &&
	mkdir -m 700 "$HS_CREDS" &&
	systemd-creds decrypt --name=tokenpass-keyring "$HS_CRED_FILE" \
		"$HS_CREDS/tokenpass-keyring" 2>/dev/null &&
	chown -R "$HS_USER:$HS_USER" "$HS_CREDS" &&
	chmod 400 "$HS_CREDS/tokenpass-keyring"
}

hs_as () {
	setpriv --reuid="$HS_USER" --regid="$HS_USER" --init-groups \
		env -i PATH="$TP_BUILD_DIR:/usr/local/bin:/usr/bin:/bin" \
		HOME="$HS_HOME" USER="$HS_USER" LOGNAME="$HS_USER" \
		SHELL=/bin/sh LC_ALL=C "$@"
}

# The ExecStart= of the installed unit, and its Environment=, with %i.
hs_unit_exec () {
	sed -n "s/^ExecStart=//p" "$HS_UNIT"
}

hs_unit_env () {
	sed -n "s/^Environment=//p" "$HS_UNIT" | sed "s/%i/$HS_USER/g"
}

# The runtime directory as RuntimeDirectory= makes it: new at each start
# (systemd removes it when the unit stops or fails; /run is gone at boot).
hs_run_dir () {
	rm -rf "$HS_RUN" &&
	mkdir -p /run/tokenpass &&
	mkdir "$HS_RUN" &&
	chown "$HS_USER:$HS_USER" "$HS_RUN" &&
	chmod 700 "$HS_RUN"
}

hs_exec () {
	hs_run_dir &&
	timeout 30 setpriv --reuid="$HS_USER" --regid="$HS_USER" \
		--init-groups env -i \
		PATH="${HS_PATH:-/usr/local/bin:/usr/bin:/bin}" \
		HOME="$HS_HOME" USER="$HS_USER" LOGNAME="$HS_USER" \
		SHELL=/bin/sh LC_ALL=C $(hs_unit_env) \
		RUNTIME_DIRECTORY="$HS_RUN" \
		CREDENTIALS_DIRECTORY="$HS_CREDS" \
		$(hs_unit_exec) "$@" >exec.out 2>exec.err </dev/null
	rc=$?
}

hs_start () {
	hs_run_dir || return 1
	setpriv --reuid="$HS_USER" --regid="$HS_USER" --init-groups env -i \
		PATH=/usr/local/bin:/usr/bin:/bin \
		HOME="$HS_HOME" USER="$HS_USER" LOGNAME="$HS_USER" \
		SHELL=/bin/sh LC_ALL=C $(hs_unit_env) \
		RUNTIME_DIRECTORY="$HS_RUN" \
		CREDENTIALS_DIRECTORY="$HS_CREDS" ${HS_AGENT_ENV:-} \
		$(hs_unit_exec) >>"$TRASH/agent.log" 2>&1 </dev/null &
	HS_PID=$!
	i=0
	while ! test -S "$HS_RUN/agent"; do
		i=$((i + 1))
		if test $i -gt 200 || ! kill -0 $HS_PID 2>/dev/null; then
			echo >&2 "hs_start: no agent socket; its log:"
			cat >&2 "$TRASH/agent.log"
			return 1
		fi
		sleep 0.05
	done
}

# The account's live processes (a killed one may stay a zombie a while:
# PID 1 of the test machines reaps late).
hs_pids () {
	ps -u "$HS_USER" -o pid=,stat= 2>/dev/null | awk '$2 !~ /Z/ {print $1}'
}

hs_kill () {
	for _p in $(hs_pids); do
		kill -9 "$_p" 2>/dev/null
	done
	_i=0
	while test -n "$(hs_pids)" && test $_i -lt 100; do
		_i=$((_i + 1))
		sleep 0.05
	done
	wait 2>/dev/null
	return 0
}
