#!/bin/sh
test_description='ODBC hook: forwarding to a stub driver, through unixODBC'
. "$TP_SRC_DIR/tests/lib/test-lib.sh"

STUB=$TP_BUILD_DIR/tests/odbc-stub/.libs/libtpstub.so
CLIENT=$TP_BUILD_DIR/tests/odbc-stub/tp-odbc-client
PLUGIN=$TP_BUILD_DIR/plugin/.libs/libtokenpass-odbc.so
FAKE=$TRASH/fake-helper
STUB_LOG=$TRASH/stub.log
FAKE_LOG=$TRASH/helper.log
export STUB_LOG FAKE_LOG

# A stand-in for 'tokenpass get': logs the request, answers per FAKE_MODE.
cat >"$FAKE" <<'EOF_FAKE'
#!/bin/sh
req=$(cat)
printf '%s\n--\n' "$req" >>"$FAKE_LOG"
renew=
case "$req" in *tokenpass_renew=1*) renew=1 ;; esac
case "${FAKE_MODE:-pat}" in
pat)	printf 'username=alice\npassword=%s\n' "${FAKE_TOKEN:-tok-1}" ;;
renew)	if test -n "$renew"; then tok=tok-new; else tok=tok-old; fi
	printf 'username=alice\npassword=%s\n' "$tok" ;;
bearer)	printf 'capability[]=authtype\nauthtype=Bearer\nusername=alice\n'
	printf 'credential=%s\npassword_expiry_utc=4102444800\n' "$FAKE_TOKEN" ;;
none)	echo "tokenpass: the token for 'alice@db' expired on 2020-01-01" >&2 ;;
other)	printf 'username=mallory\npassword=tok-1\n' ;;
exit*)	echo "tokenpass: failing on purpose (${FAKE_MODE#exit})" >&2
	exit "${FAKE_MODE#exit}" ;;
hang)	sleep 30 ;;
empty)	;;
esac
EOF_FAKE
chmod +x "$FAKE"

mkdir -p "$TRASH/odbc"
cat >"$TRASH/odbc/odbcinst.ini" <<EOF
[tokenpass]
Driver = $PLUGIN

[Stub]
Driver = $STUB

[Stub (tokenpass)]
Driver = $PLUGIN
TargetDriver = Stub
TokenHelper = $FAKE
TokenAllowKeys = Foo, Authenticator

[Stub pwd]
Driver = $PLUGIN
TargetDriver = Stub
TokenHelper = $FAKE
TokenInject = pwd

[Stub bogus]
Driver = $PLUGIN
TargetDriver = Stub
TokenHelper = $FAKE
TokenInject = bogus

[Stub hang]
Driver = $PLUGIN
TargetDriver = Stub
TokenHelper = $FAKE
TokenTimeout = 1

[Stub nohelper]
Driver = $PLUGIN
TargetDriver = Stub
TokenHelper = $TRASH/nope

[Stub relhelper]
Driver = $PLUGIN
TargetDriver = Stub
TokenHelper = fake-helper

[Missing]
Driver = $PLUGIN
TargetDriver = $TRASH/missing.so
TokenHelper = $FAKE

[Nope (tokenpass)]
Driver = $PLUGIN
TargetDriver = Nope
TokenHelper = $FAKE

[Self]
Driver = $PLUGIN
TargetDriver = tokenpass
TokenHelper = $FAKE

[Noconnect]
Driver = $PLUGIN
TargetDriver = /lib/x86_64-linux-gnu/libodbcinst.so.2
TokenHelper = $FAKE

[Notarget]
Driver = $PLUGIN
TokenHelper = $FAKE

[Stub2]
Driver = $PLUGIN
TargetDriver = $TRASH/stub2.so
TokenHelper = $FAKE
EOF
cat >"$TRASH/odbc/odbc.ini" <<EOF
[stubdsn]
Driver = tokenpass
TargetDriver = Stub
TokenHelper = $FAKE
Server = db.example
Port = 5433
UID = alice
Extra = kept

[viatarget]
Driver = tokenpass
TargetDSN = stubbase
TokenHelper = $FAKE
UID = alice

[stubbase]
Driver = Stub
Server = db.example

[badhost]
Driver = tokenpass
TargetDSN = stubbase2
TokenHelper = $FAKE
Server = db.example

[stubbase2]
Driver = Stub
Server = evil.example

[logged]
Driver = tokenpass
TargetDriver = Stub
TokenHelper = $FAKE
Server = db.example
Debug = 1
EOF
: >"$TRASH/odbc/user.ini"
ODBCSYSINI=$TRASH/odbc ODBCINI=$TRASH/odbc/user.ini
export ODBCSYSINI ODBCINI

CS="DRIVER={Stub (tokenpass)};Server=db.example;UID=alice"

reset () {
	rm -f "$STUB_LOG" "$FAKE_LOG"
}

test_expect_success 'only SQL* is exported, no driver manager library is linked' '
	nm -D --defined-only "$PLUGIN" | awk "{print \$3}" >syms &&
	test_grep -q "^SQLDriverConnectW$" syms &&
	test_grep -q "^SQLGetDiagRecW$" syms &&
	test_grep ! -v "^SQL" syms &&
	ldd "$PLUGIN" >deps &&
	test_grep ! "libodbc\.so" deps &&
	test_grep ! "libi\{0,1\}odbcinst" deps
'

test_expect_success 'DSN-less connect: DRIVER and the app PWD are stripped' '
	reset &&
	"$CLIENT" "$CS;Foo=bar;PWD=app-pw" >out &&
	test_grep "^rc=0" out &&
	grep "^connect A: " "$STUB_LOG" >got &&
	test_grep "Foo=bar" got &&
	test_grep "Server=db.example" got &&
	test_grep "UID=alice" got &&
	test_grep "PWD={tok-1}" got &&
	test_grep ! -i "DRIVER=" got &&
	test_grep ! -i "Token[A-Z]" got &&
	test_grep ! "app-pw" got &&
	test_grep "^completion 0=" "$STUB_LOG"
'

test_expect_success 'the helper gets the git credential request' '
	printf "%s\n" "capability[]=authtype" "protocol=https" \
		"host=db.example" "username=alice" "--" >expect &&
	test_cmp expect "$FAKE_LOG"
'

test_expect_success 'the token is brace-quoted, with } doubled' '
	reset &&
	FAKE_TOKEN="a;b}c{d= e}" "$CLIENT" "$CS" >out &&
	test_grep "^rc=0" out &&
	test_grep -F "PWD={a;b}}c{d= e}}}" "$STUB_LOG"
'

test_expect_success 'the output connection string holds no token' '
	test_grep "^out=" out &&
	test_grep ! -F "a;b}" out &&
	test_grep ! "PWD" out &&
	test_grep "^out=DRIVER=Stub (tokenpass);" out
'

test_expect_success 'an OAuth answer is injected as AUTHENTICATOR=oauth;TOKEN' '
	reset &&
	FAKE_MODE=bearer FAKE_TOKEN=oauth-tok "$CLIENT" "$CS;Authenticator=snowflake" >out &&
	test_grep "^rc=0" out &&
	test_grep "AUTHENTICATOR=oauth;TOKEN={oauth-tok}" "$STUB_LOG" &&
	test_grep ! "PWD=" "$STUB_LOG" &&
	test_grep ! "snowflake" "$STUB_LOG" &&
	test_grep ! "oauth-tok" out
'

test_expect_success 'TokenInject=pwd overrides the OAuth default' '
	reset &&
	FAKE_MODE=bearer FAKE_TOKEN=oauth-tok "$CLIENT" "DRIVER={Stub pwd};Server=db.example;UID=alice" >out &&
	test_grep "PWD={oauth-tok}" "$STUB_LOG" &&
	test_grep ! "TOKEN=" "$STUB_LOG"
'

test_expect_success 'TokenInject=bogus is refused before any helper runs' '
	reset &&
	test_must_fail "$CLIENT" "DRIVER={Stub bogus};Server=db.example" >out &&
	test_grep "diag: HY000: \[tokenpass\] TokenInject" out &&
	test_path_is_missing "$FAKE_LOG"
'

test_expect_success 'the W path reaches the real driver W entry point' '
	reset &&
	"$CLIENT" -w "$CS" >out &&
	test_grep "^rc=0" out &&
	test_grep "^connect W: .*PWD={tok-1}" "$STUB_LOG" &&
	test_grep ! "tok-1" out
'

test_expect_success 'SQLConnect on a DSN: DSN kept, dsn= sent, app password ignored' '
	reset &&
	"$CLIENT" -c stubdsn "" app-pw >out &&
	test_grep "^rc=0" out &&
	grep "^connect A: " "$STUB_LOG" >got &&
	test_grep "^connect A: DSN=stubdsn;UID=alice;PWD={tok-1}$" got &&
	test_grep "host=db.example:5433" "$FAKE_LOG" &&
	test_grep "dsn=stubdsn" "$FAKE_LOG"
'

test_expect_success 'SQLConnectW uses the user it is given' '
	reset &&
	"$CLIENT" -c -w stubdsn alice x >out &&
	test_grep "^rc=0" out &&
	test_grep "^connect W: DSN=stubdsn;UID=alice;PWD={tok-1}$" "$STUB_LOG"
'

test_expect_success 'TargetDSN: the real driver gets the target DSN' '
	reset &&
	"$CLIENT" "DSN=viatarget" >out &&
	test_grep "^rc=0" out &&
	test_grep "^connect A: DSN=stubbase;UID=alice;PWD={tok-1}$" "$STUB_LOG" &&
	test_grep "host=db.example$" "$FAKE_LOG" &&
	test_grep "dsn=viatarget" "$FAKE_LOG"
'

test_expect_success 'attributes set before connect are replayed on the real handles' '
	reset &&
	"$CLIENT" -w "$CS" >out &&
	test_grep "^envattr 200=3$" "$STUB_LOG" &&
	test_grep "^connattr.* 115=0$" "$STUB_LOG"
'

test_expect_success 'a refused token is renewed once (tokenpass_renew=1) and retried' '
	reset &&
	STUB_PWD=tok-new FAKE_MODE=renew "$CLIENT" "$CS" >out &&
	test_grep "^rc=0" out &&
	test $(grep -c "^connect A: " "$STUB_LOG") = 2 &&
	test $(grep -c "^tokenpass_renew=1$" "$FAKE_LOG") = 1 &&
	test_grep ! "tok-" out
'

test_expect_success 'refused twice: the real driver error, after one retry' '
	reset &&
	STUB_PWD=never FAKE_MODE=renew test_must_fail "$CLIENT" "$CS" >out &&
	test_grep "diag: 08001: \[stub\] FATAL:  password authentication failed" out &&
	test $(grep -c "^connect A: " "$STUB_LOG") = 2 &&
	test_grep ! "tok-" out
'

test_expect_success 'a short output buffer: 01004 and the full length' '
	reset &&
	"$CLIENT" -n 10 "$CS" >out &&
	test_grep "^rc=1$" out &&
	test_grep "diag: 01004: \[tokenpass\]" out &&
	len=$(sed -n "s/^outlen=//p" out) &&
	test "$len" -gt 10
'

test_expect_success 'conflicting host keys: 28000, and the helper is never asked' '
	reset &&
	test_must_fail "$CLIENT" "$CS;Host=evil.example" >out &&
	test_grep "diag: 28000: \[tokenpass\] .Host. in the connection string is .evil.example., which does not agree" out &&
	test_path_is_missing "$FAKE_LOG" &&
	test_path_is_missing "$STUB_LOG"
'

test_expect_success 'a target DSN naming another host: 28000' '
	reset &&
	test_must_fail "$CLIENT" "DSN=badhost;UID=alice" >out &&
	test_grep "diag: 28000: .*evil.example" out &&
	test_path_is_missing "$FAKE_LOG"
'

test_expect_success 'no host at all: 28000' '
	reset &&
	test_must_fail "$CLIENT" "DRIVER={Stub (tokenpass)};UID=alice" >out &&
	test_grep "diag: 28000: \[tokenpass\] no host" out
'

test_expect_success 'an answer for another user is not used' '
	reset &&
	FAKE_MODE=other test_must_fail "$CLIENT" "$CS" >out &&
	test_grep "diag: 28000: \[tokenpass\] the helper answered for another" out &&
	test_path_is_missing "$STUB_LOG"
'

test_expect_success 'no usable credential: 28000 with the helper reason' '
	reset &&
	FAKE_MODE=none test_must_fail "$CLIENT" "$CS" >out &&
	test_grep "diag: 28000: \[tokenpass\] no usable credential for .alice@db.example.: the token for .alice@db. expired" out
'

test_expect_success 'empty answer: 28000 with what to run' '
	reset &&
	FAKE_MODE=empty test_must_fail "$CLIENT" "$CS" >out &&
	test_grep "diag: 28000: \[tokenpass\] no stored credential for .alice@db.example.; run .tokenpass add-pat --host db.example --user alice." out
'

test_expect_success 'helper exit 3 (keyring unavailable): 08001' '
	reset &&
	FAKE_MODE=exit3 test_must_fail "$CLIENT" "$CS" >out &&
	test_grep "diag: 08001: \[tokenpass\] the keyring is unavailable: failing on purpose (3)" out
'

test_expect_success 'helper exit 5 (new sign-in): 28000 naming tokenpass login' '
	reset &&
	FAKE_MODE=exit5 test_must_fail "$CLIENT" "$CS" >out &&
	test_grep "diag: 28000: .*tokenpass login --host db.example --user alice" out
'

test_expect_success 'helper exit 6 (token endpoint): 08001' '
	reset &&
	FAKE_MODE=exit6 test_must_fail "$CLIENT" "$CS" >out &&
	test_grep "diag: 08001: .*token endpoint failed" out
'

test_expect_success 'helper exit 1: 08001 with its message' '
	reset &&
	FAKE_MODE=exit1 test_must_fail "$CLIENT" "$CS" >out &&
	test_grep "diag: 08001: .*failed (exit 1): failing on purpose" out
'

test_expect_success 'helper missing: 08001' '
	reset &&
	test_must_fail "$CLIENT" "DRIVER={Stub nohelper};Server=db.example" >out &&
	test_grep "diag: 08001: \[tokenpass\] cannot run the token helper .*nope.: No such file" out
'

# The helper sleeps 30 s; only the hook's TokenTimeout (1 s) answers
# HYT00, and timeout 60 (124) bounds a hook that waits. No clock is read.
test_expect_success 'helper hanging: HYT00 within TokenTimeout, and it is killed' '
	reset &&
	{ FAKE_MODE=hang timeout 60 "$CLIENT" \
		"DRIVER={Stub hang};Server=db.example" >out; rc=$?; } &&
	test $rc -ne 0 && test $rc -ne 124 && test $rc -lt 128 &&
	test_grep "diag: HYT00: \[tokenpass\] the token helper .* did not answer within 1 s" out &&
	! pgrep -f "^/bin/sh $FAKE" >/dev/null
'

test_expect_success 'SIGCHLD ignored by the application: still connects' '
	reset &&
	(trap "" CHLD && exec "$CLIENT" "$CS") >out &&
	test_grep "^rc=0" out
'

test_expect_success 'SIGCHLD ignored and an empty answer: a failure, not a hang' '
	reset &&
	(trap "" CHLD && FAKE_MODE=empty exec "$CLIENT" "$CS") >out;
	test_grep "^rc=-1" out &&
	test_grep "diag: \(08001\|28000\)" out
'

test_expect_success 'target driver not loadable: IM003' '
	reset &&
	test_must_fail "$CLIENT" "DRIVER={Missing};Server=db.example" >out &&
	test_grep "diag: IM003: \[tokenpass\] cannot load the target driver" out
'

test_expect_success 'target driver not in odbcinst.ini: IM003' '
	test_must_fail "$CLIENT" "DRIVER={Nope (tokenpass)};Server=db.example" >out &&
	test_grep "diag: IM003: \[tokenpass\] target driver .Nope. is not in odbcinst.ini" out
'

test_expect_success 'the hook as its own target: IM003, no loop' '
	test_must_fail "$CLIENT" "DRIVER={Self};Server=db.example" >out &&
	test_grep "diag: IM003: .*the tokenpass hook itself" out
'

test_expect_success 'a target without SQLDriverConnect: IM001' '
	test_must_fail "$CLIENT" "DRIVER={Noconnect};Server=db.example" >out &&
	test_grep "diag: IM001: \[tokenpass\] the target driver" out
'

test_expect_success 'no TargetDriver: IM002' '
	test_must_fail "$CLIENT" "DRIVER={Notarget};Server=db.example" >out &&
	test_grep "diag: IM002: \[tokenpass\] no TargetDriver or TargetDSN" out
'

test_expect_success 'a hook key in the connection string: 28000 naming it, nothing runs' '
	for key in TokenHelper tokenhelper TargetDriver TargetDSN TokenInject \
		TokenTimeout TokenProfile TokenAllowKeys
	do
		reset &&
		test_must_fail "$CLIENT" "$CS;$key={$TRASH/x}" >out &&
		test_grep "diag: 28000: \[tokenpass\] .$key. is set in the connection string; the hook reads it only from the DSN in odbc.ini or from its driver section in odbcinst.ini" out &&
		test_path_is_missing "$FAKE_LOG" &&
		test_path_is_missing "$STUB_LOG" || return 1
	done
'

test_expect_success 'hook keys through DRIVER={tokenpass}: refused, the library never loaded' '
	reset &&
	test_must_fail "$CLIENT" "DRIVER={tokenpass};TargetDriver=$STUB;TokenHelper=$FAKE;Server=db.example" >out &&
	test_grep "diag: 28000: \[tokenpass\] .TargetDriver. is set in the connection string" out &&
	test_path_is_missing "$STUB_LOG"
'

test_expect_success 'TokenHelper must be an absolute path' '
	reset &&
	test_must_fail "$CLIENT" "DRIVER={Stub relhelper};Server=db.example" >out &&
	test_grep "diag: IM002: \[tokenpass\] TokenHelper .fake-helper. is not an absolute path" out &&
	test_path_is_missing "$FAKE_LOG"
'

test_expect_success 'a key outside the generic profile: 28000 naming it' '
	reset &&
	test_must_fail "$CLIENT" "$CS;SSLmode=disable" >out &&
	test_grep "diag: 28000: \[tokenpass\] .SSLmode. in the connection string is not a key the generic profile lets an application set" out &&
	test_path_is_missing "$FAKE_LOG"
'

test_expect_success 'a proxy from the application: 28000' '
	reset &&
	test_must_fail "$CLIENT" "$CS;proxy=127.0.0.2:8080" >out &&
	test_grep "diag: 28000: \[tokenpass\] .proxy. in the connection string changes where the driver connects" out &&
	test_path_is_missing "$FAKE_LOG"
'

test_expect_success 'an empty or second host, a second port, an address: 28000' '
	for extra in "Server=" "Server={}" "server=db.example;SERVER=evil" \
		"Port=1;Port=2" "HostAddr=127.0.0.2" "Port=x"
	do
		reset &&
		test_must_fail "$CLIENT" "$CS;$extra" >out &&
		test_grep "diag: 28000: \[tokenpass\] " out &&
		test_path_is_missing "$FAKE_LOG" || return 1
	done
'

test_expect_success 'a log key set anywhere: no token, 28000 saying why' '
	reset &&
	test_must_fail "$CLIENT" "$CS;Trace=Yes" >out &&
	test_grep "diag: 28000: \[tokenpass\] .Trace. in the connection string makes the driver write a log" out &&
	test_path_is_missing "$FAKE_LOG" &&
	reset &&
	test_must_fail "$CLIENT" "DSN=logged" >out &&
	test_grep "diag: 28000: \[tokenpass\] .Debug. in DSN .logged. makes the driver write a log" out &&
	test_path_is_missing "$FAKE_LOG"
'

test_expect_success 'a Port that agrees with the DSN is accepted' '
	reset &&
	"$CLIENT" "DSN=stubdsn;Port=5433" >out &&
	test_grep "^rc=0" out &&
	test_grep "host=db.example:5433" "$FAKE_LOG"
'

test_expect_success 'two drivers at once; a failed connect harms no other' '
	reset &&
	cp "$STUB" "$TRASH/stub2.so" &&
	test_must_fail "$CLIENT" -m "DRIVER={Missing};Server=db.example" \
		"$CS" "DRIVER={Stub2};Server=db.example;UID=alice" >out &&
	test_grep "^0: rc=-1" out &&
	test_grep "^1: rc=0" out &&
	test_grep "^2: rc=0" out &&
	test $(grep -c "^connect A: " "$STUB_LOG") = 2
'

test_expect_success 'isql shows the hook error (SQLError must not loop)' '
	reset &&
	FAKE_MODE=exit5 test_must_fail timeout 10 isql -b -v stubdsn >out 2>&1 &&
	test_grep "\[28000\].*\[tokenpass\] a new sign-in is needed" out &&
	test $(grep -c "tokenpass\] a new sign-in" out) = 1
'

test_expect_success 'iusql (W diagnostics) shows the hook error' '
	reset &&
	FAKE_MODE=exit5 test_must_fail timeout 10 iusql -b -v stubdsn >out 2>&1 &&
	test_grep "\[tokenpass\] a new sign-in is needed" out
'

test_done
