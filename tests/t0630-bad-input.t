#!/bin/sh
test_description='bad input, table by table: each case its exit code or SQLSTATE, one clear line, no crash'
. "$TP_SRC_DIR/tests/lib/test-lib.sh"
. "$TP_SRC_DIR/tests/lib/keyring.sh"
. "$TP_SRC_DIR/tests/lib/helper-test.sh"
. "$TP_SRC_DIR/tests/lib/tokenserver.sh"
. "$TP_SRC_DIR/tests/lib/oidc.sh"

H=bad.example.com
STUB=$TP_BUILD_DIR/tests/odbc-stub/.libs/libtpstub.so
CLIENT=$TP_BUILD_DIR/tests/odbc-stub/tp-odbc-client
STUB_LOG=$TRASH/stub.log
export STUB_LOG

# long N: N bytes of 'x'
long () {
	head -c "$1" /dev/zero | tr '\0' x
}

# req USER LINE...: a request for $H and USER with extra key=value lines
req () {
	printf 'protocol=https\nhost=%s\nusername=%s\n' "$H" "$1"
	shift
	test $# -eq 0 || printf '%s\n' "$@"
	echo
}

# many_keys USER N: a request with N unknown keys in it
many_keys () {
	printf 'protocol=https\nhost=%s\nusername=%s\n' "$H" "$1"
	seq "$2" | sed "s/^/k/; s/\$/=v/"
	echo
}

# answer USER: what get answers for $H and USER
answer () {
	req "$1" | timeout 20 tokenpass get
}

# absent USER: get answers nothing for $H and USER
absent () {
	answer "$1" >absent.out && test_must_be_empty absent.out
}

# no_crash CODE ERRFILE: not killed by a signal, no sanitizer report
no_crash () {
	if test "$1" -ge 124; then
		echo >&2 "exit $1: a signal or a hang"
		return 1
	fi
	test_grep ! -e "Sanitizer" -e "runtime error:" -e "LeakSanitizer" "$2"
}

# want_err WANT FILE: "-" for an empty FILE, else exactly one line
# "tokenpass: ..." matching the extended regex WANT
want_err () {
	if test "$1" = -; then
		test_must_be_empty "$2"
	else
		test_one_line "$2" &&
		test_grep -E -e "$1" "$2"
	fi
}

test_setup 'a private bus and an unlocked keyring' '
	keyring_start
'

# The git credential protocol. Fields: title | command | exit code |
# stderr (ERE, "-": empty) | the input (shell) | a check after (shell).
# A line's length counts its newline: 65535 bytes is the longest taken.
while IFS='|' read -r title cmd code want input check
do
	case "$title" in ''|'#'*) continue ;; esac
	test_expect_success "protocol: $title" '
		eval "$input" >in &&
		tp_run out errout tokenpass $cmd &&
		no_crash $rc errout &&
		{ test $rc = $code || { echo "exit $rc, not $code"; cat errout; false; }; } &&
		want_err "$want" errout &&
		eval "$check"
	'
done <<\EOF
a 65535-byte line (newline included) is taken|store|0|-|req L1 "password=$(long 65525)"|test $(answer L1 | sed -n "s/^password=//p" | wc -c) = 65526
a 65536-byte line is refused|store|2|^tokenpass: store: input line longer than 65535 bytes$|req L2 "password=$(long 65526)"|absent L2
a 65536-byte line of an unknown key is refused too|get|2|^tokenpass: get: input line longer than 65535 bytes$|req L1 "x-other=$(long 65528)"|test_must_be_empty out
a 1 MiB line without a newline|get|2|longer than 65535 bytes|printf "protocol=https\nhost=%s\nusername=" $H; long 1048576|test_must_be_empty out
a NUL byte in a value|store|2|^tokenpass: store: input holds a NUL byte$|printf "protocol=https\nhost=$H\nusername=N\npassword=a\0b\n\n"|absent N
a NUL byte in a key|get|2|^tokenpass: get: input holds a NUL byte$|printf "protocol=https\nhost=$H\nuser\0name=L1\n\n"|test_must_be_empty out
a carriage return in a value|store|2|^tokenpass: store: input value holds a carriage return$|printf "protocol=https\nhost=$H\nusername=C\npassword=ab\r\n\n"|absent C
a CRLF line ending|get|2|carriage return|printf "protocol=https\r\nhost=$H\r\nusername=L1\r\n\r\n"|test_must_be_empty out
a carriage return in an unknown key only: ignored|get|0|-|printf "protocol=https\nhost=$H\nusername=L1\nx\ry=1\n\n"|test_grep -q "^username=L1$" out
a line without =|store|2|^tokenpass: store: input line has no .=.|req B "password=p" "junk"|absent B
an empty key is ignored|get|0|-|req L1 "=value"|test_grep -q "^username=L1$" out
duplicate password: the last one is stored|store|0|-|req D password=first password=second|answer D >a && test_grep -qx password=second a
duplicate host: the last one counts|store|0|-|printf "protocol=https\nhost=other.example\nhost=$H\nusername=DH\npassword=p\n\n"|answer DH >a && test_grep -qx password=p a
duplicate username in a get: the last one counts|get|0|-|req NOBODY username=D|test_grep -qx password=second out
password_expiry_utc far past 64 bits: never expires (as git)|store|0|-|req X1 password=p1 password_expiry_utc=999999999999999999999999999999|answer X1 >a && test_grep -qx password=p1 a && test_grep ! expiry a
password_expiry_utc = 2^63: never expires|store|0|-|req X2 password=p2 password_expiry_utc=9223372036854775808|answer X2 >a && test_grep -qx password=p2 a
password_expiry_utc = 2^62: kept as is|store|0|-|req X3 password=p3 password_expiry_utc=4611686018427387904|answer X3 >a && test_grep -qx password=p3 a
password_expiry_utc = -1 is refused|store|2|^tokenpass: store: password_expiry_utc is not a number of seconds$|req X4 password=p password_expiry_utc=-1|absent X4
a huge negative password_expiry_utc is refused|store|2|password_expiry_utc is not a number of seconds|req X5 password=p password_expiry_utc=-999999999999999999999999|absent X5
password_expiry_utc with a plus sign is refused|store|2|password_expiry_utc is not a number of seconds|req X6 password=p password_expiry_utc=+5|absent X6
password_expiry_utc not a number is refused|get|2|password_expiry_utc is not a number of seconds|req L1 password_expiry_utc=12abc|test_must_be_empty out
an empty password_expiry_utc is refused|get|2|password_expiry_utc is not a number of seconds|req L1 password_expiry_utc=|test_must_be_empty out
a password_expiry_utc in the past: nothing stored (as git)|store|0|-|req X7 password=p password_expiry_utc=1|absent X7
an empty host|get|2|^tokenpass: get: host is empty or holds white space$|printf "protocol=https\nhost=\nusername=L1\n\n"|test_must_be_empty out
a host with a space|store|2|host is empty or holds white space|printf "protocol=https\nhost=a b\nusername=S\npassword=p\n\n"|test_must_be_empty out
erase without a host is refused|erase|2|^tokenpass: erase: .*host|printf "protocol=https\nusername=L1\n\n"|answer L1 >a && test_grep -q "^password=" a
100000 unknown keys are read and ignored|get|0|-|many_keys L1 100000|test_grep -q "^username=L1$" out
no input at all|get|0|-|:|test_must_be_empty out
EOF

test_setup 'a token server and a signed-in ANALYST' '
	tokenserver_start &&
	oauth_login --host "$TS_HOST" --user ANALYST --client-id tokenpass-test &&
	item_tokens "$TS_HOST" ANALYST >"$TRASH/tokens.before"
'

# Token responses, canned by the server (config "response"). Fields:
# title | status | body (JSON, or "raw:TEXT" for a non-JSON body) |
# exit code of refresh --force | stderr (ERE). A failed renewal leaves
# the credential as it was.
while IFS='|' read -r title status body code want
do
	case "$title" in ''|'#'*) continue ;; esac
	test_expect_success "token response: $title" '
		case "$body" in
		raw:NEST)
			raw=$(printf "%05000d" 0 | tr 0 "[") &&
			tokenserver_config "{\"response\": {\"status\": $status, \"body\": \"$raw\"}}" ;;
		raw:BIG)
			raw="{\\\"access_token\\\": \\\"$(long 300000)\\\"}" &&
			tokenserver_config "{\"response\": {\"status\": $status, \"body\": \"$raw\"}}" ;;
		raw:*)
			raw=${body#raw:} &&
			tokenserver_config "{\"response\": {\"status\": $status, \"body\": \"$raw\"}}" ;;
		*)
			tokenserver_config "{\"response\": {\"status\": $status, \"json\": $body}}" ;;
		esac &&
		ts_finally "tokenserver_config {}" &&
		timeout 30 tokenpass refresh --host "$TS_HOST" --user ANALYST \
			--force >out 2>errout
		rc=$?
		no_crash $rc errout &&
		{ test $rc = $code || { echo "exit $rc, not $code"; cat errout; false; }; } &&
		want_err "$want" errout &&
		item_tokens "$TS_HOST" ANALYST >tokens.after &&
		test_cmp "$TRASH/tokens.before" tokens.after
	'
done <<\EOF
an empty object|200|{}|6|answered the answer has no access_token$
no access_token|200|{"token_type": "Bearer", "expires_in": 600}|6|has no access_token
access_token null|200|{"access_token": null, "expires_in": 600}|6|has no access_token
access_token a number|200|{"access_token": 12345, "expires_in": 600}|6|has a token that is not a string
access_token an empty string|200|{"access_token": "", "expires_in": 600}|6|has a token that is not a string
access_token a list|200|{"access_token": ["a"], "expires_in": 600}|6|has a token that is not a string
access_token an object|200|{"access_token": {"a": 1}}|6|has a token that is not a string
access_token with a space|200|{"access_token": "a b", "expires_in": 600}|6|white space or a control character
access_token with a newline|200|{"access_token": "a\nb", "expires_in": 600}|6|white space or a control character
refresh_token a number|200|{"access_token": "ok-at", "refresh_token": 42}|6|has a token that is not a string
a negative expires_in|200|{"access_token": "ok-at", "expires_in": -600}|6|has an expires_in that is not a number of seconds
expires_in a word|200|{"access_token": "ok-at", "expires_in": "soon"}|6|has an expires_in that is not a number of seconds
expires_in true|200|{"access_token": "ok-at", "expires_in": true}|6|has an expires_in that is not a number of seconds
expires_in 1e300|200|{"access_token": "ok-at", "expires_in": 1e300}|6|has an expires_in that is not a number of seconds
expires_in a list|200|{"access_token": "ok-at", "expires_in": [600]}|6|has an expires_in that is not a number of seconds
a negative refresh_token_expires_in|200|{"access_token": "ok-at", "refresh_token": "ok-rt", "refresh_token_expires_in": -1}|6|has a refresh_token_expires_in that is not a number of seconds
token_type MAC|200|{"access_token": "ok-at", "token_type": "MAC"}|6|has a token_type other than Bearer
token_type a number|200|{"access_token": "ok-at", "token_type": 7}|6|has a token_type other than Bearer
a JSON list|200|[]|6|not a JSON object
JSON null|200|null|6|not a JSON object
a string|200|"ok-at"|6|not a JSON object
an empty body|200|raw:|6|not a JSON object
not JSON at all|200|raw:access_token=ok-at|6|not a JSON object
JSON nested 5000 deep|200|raw:NEST|6|not a JSON object
a 300 KB access token|200|raw:BIG|6|has a token longer than 65000 bytes
an error that is not a string|400|{"error": 5, "message": ["x"]}|6|HTTP 400, no error code
an unknown error|400|{"error": "server_busy"}|6|HTTP 400, server_busy
EOF

test_expect_success 'after all that: a good answer renews, the server takes the token' '
	tokenserver_config "{}" &&
	timeout 30 tokenpass refresh --host "$TS_HOST" --user ANALYST \
		--force >/dev/null &&
	tok=$(tp_token "$TS_HOST" ANALYST) &&
	test "$(tokenserver_token_status "$tok")" = 422
'

test_expect_success 'token response: invalid_grant means a new sign-in (exit 5), tokens kept' '
	item_tokens "$TS_HOST" ANALYST >before &&
	tokenserver_config "{\"response\": {\"status\": 400, \"json\": {\"error\": \"invalid_grant\"}}}" &&
	ts_finally "tokenserver_config {}" &&
	timeout 30 tokenpass refresh --host "$TS_HOST" --user ANALYST \
		--force >out 2>errout
	rc=$?
	no_crash $rc errout &&
	test $rc = 5 &&
	test_one_line errout &&
	test_grep "tokenpass login" errout &&
	item_tokens "$TS_HOST" ANALYST >after &&
	test_cmp before after
'

# Connection strings through the driver manager, the hook, the real
# tokenpass and the stub driver. Fields: title | the string (shell) |
# client exit | SQLSTATE ("-": connected; 01004: connected, the output
# string cut to the client's 4 KiB) | diagnostic (ERE) | check.
test_setup 'a PAT for alice@db.example and the stub driver' '
	printf "protocol=https\nhost=db.example\nusername=alice\npassword=tok-odbc-1\n\n" |
		tokenpass store &&
	mkdir -p "$TRASH/odbc" &&
	cat >"$TRASH/odbc/odbcinst.ini" <<-EOF &&
	[tokenpass]
	Driver = $TP_BUILD_DIR/plugin/.libs/libtokenpass-odbc.so

	[Stub]
	Driver = $STUB

	[Stub (tokenpass)]
	Driver = $TP_BUILD_DIR/plugin/.libs/libtokenpass-odbc.so
	TargetDriver = Stub
	TokenHelper = $TP_BUILD_DIR/tokenpass
	TokenAllowKeys = Extra
	EOF
	: >"$TRASH/odbc/odbc.ini" &&
	ODBCSYSINI=$TRASH/odbc ODBCINI=$TRASH/odbc/odbc.ini &&
	export ODBCSYSINI ODBCINI &&
	CS="DRIVER={Stub (tokenpass)}"
'

while IFS='|' read -r title cs code state diag check
do
	case "$title" in ''|'#'*) continue ;; esac
	for w in "" -w; do
		test_expect_success "connection string${w:+ (W)}: $title" '
			rm -f "$STUB_LOG" &&
			s=$(eval "printf %s \"$cs\"") &&
			# rows the driver manager refuses never reach the hook;
			# unixODBC leaks on some (SQLDriverConnectW, IM012)
			case "$title" in
			*"for the driver manager")
				ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0
				export ASAN_OPTIONS ;;
			esac
			timeout 30 "$CLIENT" $w "$s" >out 2>errout
			rc=$?
			no_crash $rc errout &&
			{ test $rc = $code || { echo "exit $rc, not $code"; cat out errout; false; }; } &&
			if test "$state" = -; then
				test_grep -q "^rc=0" out
			elif test "$state" = 01004; then
				test_grep -q "^rc=1" out &&
				test_grep -q -E "^diag: 01004: .*$diag" out
			else
				test_grep -q "^rc=-1" out &&
				test_grep -E "^diag: $state: .*$diag" out
			fi &&
			test_grep ! tok-odbc-1 out &&
			eval "$check"
		'
	done
done <<\EOF
the baseline connects|$CS;Server=db.example;UID=alice|0|-||test_grep -q "PWD={tok-odbc-1}" "$STUB_LOG"
an unbalanced brace swallows the rest, for the driver manager|DRIVER={Stub (tokenpass);Server=db.example;UID=alice|1|01000|Can.t open lib|:
an unbalanced brace at the end runs to the end|$CS;UID=alice;Server={db.example|0|-||test_grep -q "PWD={tok-odbc-1}" "$STUB_LOG"
an unbalanced brace in an unknown key|$CS;Server=db.example;UID=alice;Extra={a;b|0|-||test_grep -q "Extra={a;b}" "$STUB_LOG"
a stray closing brace|$CS;Server=db.example;UID=alice;Extra=a}b|0|-||test_grep -q "Extra={a}}b}" "$STUB_LOG"
braces and semicolons only: no host|$CS;}}}{{{;;;==;{|1|28000|no host|test_path_is_missing "$STUB_LOG"
braces and semicolons only, for the driver manager|}}}{{{;;;==;{|1|IM002|Data source name not found|:
two different hosts|$CS;Server=db.example;UID=alice;Host=evil.example|1|28000|.Host. in the connection string is .evil.example., which does not agree|test_path_is_missing "$STUB_LOG"
the same host twice|$CS;Server=db.example;Server=DB.EXAMPLE;UID=alice|0|-||:
two different ports|$CS;Server=db.example;Port=1;UID=alice;Port=2|1|28000|.Port. in the connection string is .2., which does not agree|:
two users: the first one counts|$CS;Server=db.example;UID=alice;UID=mallory|0|-||test $(grep -o "UID=[a-z]*" "$STUB_LOG" | sort -u) = UID=alice
a TargetDriver is refused, never loaded|$CS;TargetDriver=Nonesuch;Server=db.example;UID=alice|1|28000|.TargetDriver. is set in the connection string|test_path_is_missing "$STUB_LOG"
a 64 KiB unknown value is forwarded|$CS;Server=db.example;UID=alice;Extra=$(long 65536)|0|01004|the output connection string was truncated|test $(grep -o "Extra=x*" "$STUB_LOG" | wc -c) = 65543
a 64 KiB host|$CS;UID=alice;Server=$(long 65536)|1|08001|exit 2.*longer than 65535|test_path_is_missing "$STUB_LOG"
a 64 KiB user|$CS;Server=db.example;UID=$(long 65536)|1|08001|exit 2.*longer than 65535|test_path_is_missing "$STUB_LOG"
a 64 KiB TokenHelper is refused|$CS;Server=db.example;UID=alice;TokenHelper=/$(long 65535)|1|28000|.TokenHelper. is set in the connection string|test_path_is_missing "$STUB_LOG"
a 64 KiB TargetDriver is refused|DRIVER={tokenpass};TargetDriver=$(long 65536);Server=db.example;UID=alice|1|28000|.TargetDriver. is set in the connection string|test_path_is_missing "$STUB_LOG"
a 64 KiB key outside the profile|$CS;Server=db.example;UID=alice;$(long 65536)=1|1|28000|\[tokenpass\] .xxxxxxxx|test_path_is_missing "$STUB_LOG"
a 64 KiB DSN, for the driver manager|DSN=$(long 65536)|1|IM0[01][0-9]||:
a 64 KiB TokenTimeout is refused|$CS;Server=db.example;UID=alice;TokenTimeout=$(long 65536)|1|28000|.TokenTimeout. is set in the connection string|test_path_is_missing "$STUB_LOG"
EOF

test_done
