#!/bin/sh
test_description='headless setup, status and remove: credential, units, drop-ins'
. "$TP_SRC_DIR/tests/lib/test-lib.sh"
. "$TP_SRC_DIR/tests/lib/helper-test.sh"
. "$TP_SRC_DIR/tests/lib/headless.sh"

UNITS=$HS_ROOT/etc/systemd/system

test_setup 'a service account' '
	hs_user_add
'

test_expect_success 'setup as the account itself: refused, one line, exit 1' '
	test_expect_code 1 hs_as tokenpass headless setup --user "$HS_USER" \
		>out 2>err &&
	test_one_line err &&
	test_grep "run it as root" err &&
	test_path_is_missing "$HS_ROOT"
'

test_expect_success 'usage: no --user, no subcommand, a relative --root' '
	test_expect_code 2 tokenpass headless setup 2>err &&
	test_grep "name the service account with --user" err &&
	test_expect_code 2 tokenpass headless 2>err &&
	test_grep "give setup, status or remove" err &&
	test_expect_code 2 tokenpass headless setup --user "$HS_USER" \
		--root rel 2>err &&
	test_grep "not an absolute path" err
'

test_expect_success 'no such account, and root: refused, exit 1' '
	test_expect_code 1 tokenpass headless setup --user no-such-user-tp \
		--root "$HS_ROOT" 2>err &&
	test_one_line err &&
	test_grep "no user .no-such-user-tp." err &&
	test_expect_code 1 tokenpass headless setup --user root \
		--root "$HS_ROOT" 2>err &&
	test_one_line err &&
	test_grep "refusing .root., which is root" err &&
	test_expect_code 1 tokenpass headless setup --user nobody \
		--root "$HS_ROOT" 2>err &&
	test_one_line err &&
	test_grep "refusing .nobody., which unrelated services share" err &&
	test_path_is_missing "$HS_ROOT"
'

test_expect_success 'setup --root: a new credential, said how it is encrypted' '
	hs_setup &&
	test_must_be_empty setup.err &&
	if systemd-creds has-tpm2 >/dev/null 2>&1; then
		test_grep "encrypted with the TPM2 and the host key" setup.out
	else
		test_grep "encrypted with the host key (no TPM2" setup.out
	fi &&
	test_grep "^credential: $HS_CRED_FILE, a new random keyring password" \
		setup.out &&
	test "$(stat -c %a:%U "$HS_CRED_FILE")" = 600:root &&
	test "$(stat -c %a "$(dirname "$HS_CRED_FILE")")" = 700 &&
	test_grep "^not started: --root" setup.out
'

test_expect_success 'the credential decrypts to a random password seen nowhere else' '
	mkdir -m 700 pw &&
	systemd-creds decrypt --name=tokenpass-keyring "$HS_CRED_FILE" \
		pw/p 2>/dev/null &&
	test "$(wc -c <pw/p)" = 64 &&
	grep -qx "[0-9a-f]*" pw/p &&
	! grep -rlF -f pw/p "$HS_ROOT" setup.out setup.err &&
	! grep -F -q -f pw/p "$HS_CRED_FILE" &&
	test_must_fail systemd-creds decrypt --name=other "$HS_CRED_FILE" \
		- >/dev/null 2>&1
'

test_expect_success 'the units: template, hardening, credential, socket' '
	for u in tokenpass-agent@.service tokenpass-refresh@.service \
		tokenpass-refresh@.timer
	do
		test "$(stat -c %a "$UNITS/$u")" = 644 || return 1
	done &&
	a=$UNITS/tokenpass-agent@.service &&
	test_grep "^User=%i\$" "$a" &&
	test_grep "^ExecStart=$TP_BUILD_DIR/tokenpass agent --headless\$" "$a" &&
	test_grep "^LoadCredentialEncrypted=tokenpass-keyring:/etc/credstore.encrypted/tokenpass-keyring@%i\$" "$a" &&
	test_grep "^NoNewPrivileges=yes\$" "$a" &&
	test_grep "^ProtectSystem=strict\$" "$a" &&
	test_grep "^PrivateTmp=yes\$" "$a" &&
	test_grep "^RuntimeDirectory=tokenpass/%i\$" "$a" &&
	test_grep "^RuntimeDirectoryMode=0700\$" "$a" &&
	test_grep "^Environment=TOKENPASS_AGENT_SOCKET=/run/tokenpass/%i/agent\$" "$a" &&
	test_grep "^RestartPreventExitStatus=3\$" "$a" &&
	r=$UNITS/tokenpass-refresh@.service &&
	test_grep "^ExecStart=-$TP_BUILD_DIR/tokenpass refresh --all\$" "$r" &&
	test_grep "^ExecStart=$TP_BUILD_DIR/tokenpass check --notify\$" "$r" &&
	test_grep "^User=%i\$" "$r" &&
	test_grep "^OnUnitActiveSec=15min\$" "$UNITS/tokenpass-refresh@.timer"
'

test_expect_success 'the drop-ins: the home is the only place written' '
	for u in tokenpass-agent tokenpass-refresh
	do
		d=$UNITS/$u@$HS_USER.service.d/home.conf &&
		test_grep "^ReadWritePaths=$HS_HOME\$" "$d" || return 1
	done
'

test_expect_success 'enabled: the wants links of both units' '
	test -L "$UNITS/multi-user.target.wants/tokenpass-agent@$HS_USER.service" &&
	test -L "$UNITS/timers.target.wants/tokenpass-refresh@$HS_USER.timer" &&
	test_grep "^enabled: tokenpass-agent@$HS_USER.service tokenpass-refresh@$HS_USER.timer\$" setup.out
'

test_expect_success 'systemd-analyze verify: every unit, as the account' '
	timeout 60 systemd-analyze verify --man=no \
		"$UNITS/tokenpass-agent@$HS_USER.service" \
		"$UNITS/tokenpass-refresh@$HS_USER.service" \
		"$UNITS/tokenpass-refresh@$HS_USER.timer" >verify.out 2>&1 || {
		cat verify.out; false; } &&
	test_must_be_empty verify.out
'

test_expect_success 'systemd-analyze verify catches a broken agent unit' '
	mkdir -p broken &&
	sed "/^ExecStart=/d" "$UNITS/tokenpass-agent@.service" \
		>broken/tokenpass-agent@.service &&
	test_must_fail timeout 60 systemd-analyze verify --man=no \
		"$PWD/broken/tokenpass-agent@$HS_USER.service" >verify.out 2>&1 &&
	test_grep "ExecStart" verify.out
'

test_expect_success 'setup again keeps the credential (the keyring needs it)' '
	sum=$(md5sum <"$HS_CRED_FILE") &&
	hs_setup &&
	test_grep "^credential: $HS_CRED_FILE, kept" setup.out &&
	test_grep "unchanged\$" setup.out &&
	test "$(md5sum <"$HS_CRED_FILE")" = "$sum"
'

test_expect_success 'status as root, systemd not PID 1: links, bus down, exit 3' '
	test_expect_code 3 tokenpass headless status --root "$HS_ROOT" \
		--user "$HS_USER" >status.out 2>status.err &&
	test_grep "^ok    unit        tokenpass-agent@$HS_USER.service installed and enabled" status.out &&
	test_grep "^ok    credential  .$HS_CRED_FILE. decrypts on this machine" status.out &&
	test_grep "^FAIL  bus         nobody answers on ./run/tokenpass/$HS_USER/bus." status.out
'

test_expect_success 'a keyring file with no credential: setup refuses' '
	R2=$TRASH/root2 &&
	mkdir -p "$R2$HS_HOME/.local/share/keyrings" &&
	: >"$R2$HS_HOME/.local/share/keyrings/login.keyring" &&
	test_expect_code 1 tokenpass headless setup --root "$R2" \
		--user "$HS_USER" >out 2>err &&
	test_one_line err &&
	test_grep "already has a keyring .*move it away" err &&
	test_path_is_missing "$R2/etc"
'

test_expect_success 'setup on the machine: a missing home is refused first' '
	mv "$HS_HOME" "$HS_HOME.away" &&
	test_expect_code 1 tokenpass headless setup --user "$HS_USER" \
		>out 2>err
	rc=$?
	mv "$HS_HOME.away" "$HS_HOME" &&
	test $rc = 0 &&
	test_one_line err &&
	test_grep "the home directory .$HS_HOME. of .$HS_USER. is missing" err &&
	test_must_be_empty out
'

test_expect_success 'remove --root: undone, and it says the keyring file stays' '
	tokenpass headless remove --root "$HS_ROOT" --user "$HS_USER" \
		>remove.out 2>remove.err &&
	test_grep "^removed: $HS_CRED_FILE\$" remove.out &&
	test_grep "^kept: $HS_ROOT$HS_HOME/.local/share/keyrings/login.keyring" \
		remove.out &&
	test_path_is_missing "$HS_CRED_FILE" &&
	test_path_is_missing "$UNITS/tokenpass-agent@.service" &&
	test_path_is_missing "$UNITS/tokenpass-agent@$HS_USER.service.d" &&
	test_path_is_missing "$UNITS/multi-user.target.wants/tokenpass-agent@$HS_USER.service" &&
	test_path_is_missing "$UNITS/timers.target.wants/tokenpass-refresh@$HS_USER.timer"
'

# The real /etc, in a mount namespace of our own: tmpfs over the unit
# directory and the credential store, so the machine is left alone.
test_expect_success 'setup on the machine with no systemd as PID 1: installed, said' '
	made=
	if ! test -d /etc/credstore.encrypted; then
		mkdir -m 700 /etc/credstore.encrypted && made=1
	fi &&
	unshare -m sh -c "
		mount -t tmpfs -o mode=755 none /etc/systemd/system &&
		mount -t tmpfs -o mode=700 none /etc/credstore.encrypted &&
		tokenpass headless setup --user $HS_USER >ns.out 2>ns.err &&
		echo setup=\$? &&
		ls /etc/credstore.encrypted /etc/systemd/system/multi-user.target.wants
		tokenpass headless status --user $HS_USER >ns-status.out 2>&1
		echo status=\$?
		tokenpass headless remove --user $HS_USER >ns-remove.out 2>&1 &&
		echo remove=\$? &&
		ls -A /etc/credstore.encrypted
	" >ns.log 2>&1
	rc=$?
	test -z "$made" || rmdir /etc/credstore.encrypted
	test $rc = 0 &&
	test_grep "^setup=0\$" ns.log &&
	test_grep "^tokenpass-keyring@$HS_USER\$" ns.log &&
	test_grep "^tokenpass-agent@$HS_USER.service\$" ns.log &&
	test_grep "^not started: systemd is not running as PID 1" ns.out &&
	test_grep "^-     service     systemd is not running as PID 1" ns-status.out &&
	test_grep "^status=3\$" ns.log &&
	test_grep "^remove=0\$" ns.log &&
	test_grep "^not stopped: systemd is not running as PID 1" ns-remove.out &&
	test_path_is_missing /etc/credstore.encrypted/tokenpass-keyring@$HS_USER &&
	test_path_is_missing /etc/systemd/system/tokenpass-agent@.service
'

test_done
