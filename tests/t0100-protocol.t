#!/bin/sh
test_description='tokenpass get, store and erase: git credential protocol'
. "$TP_SRC_DIR/tests/lib/test-lib.sh"
. "$TP_SRC_DIR/tests/lib/keyring.sh"
. "$TP_SRC_DIR/tests/lib/helper-test.sh"

test_setup 'a private bus and an unlocked keyring' '
	keyring_start
'

test_expect_success 'store prints nothing, get answers' '
	cat >in <<-\EOF &&
	protocol=https
	host=acme.example.com
	username=U1
	password=tok-store-1

	EOF
	tp_run out err tokenpass store &&
	test $rc -eq 0 &&
	test_must_be_empty out &&
	test_must_be_empty err &&
	tp_request acme.example.com U1 &&
	tp_run out err tokenpass get &&
	test $rc -eq 0 &&
	cat >expect <<-\EOF &&
	username=U1
	password=tok-store-1
	EOF
	test_cmp expect out &&
	test_must_be_empty err
'

test_expect_success 'get without a username finds the stored user' '
	tp_request acme.example.com &&
	tp_run out err tokenpass get &&
	test $rc -eq 0 &&
	printf "username=U1\npassword=tok-store-1\n" >expect &&
	test_cmp expect out
'

test_expect_success 'host is lower-cased on store and on get' '
	printf "protocol=https\nhost=MiXeD.Example.COM\nusername=u\npassword=tok-mixed\n" >in &&
	tp_run out err tokenpass store &&
	test $rc -eq 0 &&
	secret-tool search --all host mixed.example.com user u >found 2>&1 &&
	test_grep "attribute.host = mixed.example.com" found &&
	tp_request MIXED.EXAMPLE.com u &&
	tp_run out err tokenpass get &&
	printf "username=u\npassword=tok-mixed\n" >expect &&
	test_cmp expect out
'

test_expect_success 'nothing matching prints nothing and exits 0' '
	tp_request nowhere.example.com U1 &&
	tp_run out err tokenpass get &&
	test $rc -eq 0 &&
	test_must_be_empty out &&
	test_must_be_empty err &&
	tp_request acme.example.com OTHER &&
	tp_run out err tokenpass get &&
	test $rc -eq 0 &&
	test_must_be_empty out
'

test_expect_success 'get without a host prints nothing and exits 0' '
	printf "protocol=https\nusername=U1\n" >in &&
	tp_run out err tokenpass get &&
	test $rc -eq 0 &&
	test_must_be_empty out
'

test_expect_success 'EOF without a blank line ends the input' '
	printf "protocol=https\nhost=acme.example.com\nusername=U1" >in &&
	tp_run out err tokenpass get &&
	test $rc -eq 0 &&
	test_grep "^password=tok-store-1\$" out
'

test_expect_success 'a blank line ends the input: later lines are not read' '
	printf "protocol=https\nhost=acme.example.com\n\nusername=OTHER\nno equals sign\n" >in &&
	tp_run out err tokenpass get &&
	test $rc -eq 0 &&
	printf "username=U1\npassword=tok-store-1\n" >expect &&
	test_cmp expect out
'

test_expect_success 'unknown keys are ignored' '
	cat >in <<-\EOF &&
	capability[]=state
	protocol=https
	wwwauth[]=Bearer realm="x"
	host=acme.example.com
	state[]=other:thing
	future_key=whatever
	username=U1

	EOF
	tp_run out err tokenpass get &&
	test $rc -eq 0 &&
	printf "username=U1\npassword=tok-store-1\n" >expect &&
	test_cmp expect out
'

test_expect_success 'protocol mismatch: an https credential is not sent to smtp' '
	tp_request acme.example.com U1 &&
	sed "s/^protocol=https/protocol=smtp/" in >in.smtp &&
	mv in.smtp in &&
	tp_run out err tokenpass get &&
	test $rc -eq 0 &&
	test_must_be_empty out &&
	printf "protocol=smtp\nhost=acme.example.com\n" >in &&
	tp_run out err tokenpass get &&
	test $rc -eq 0 &&
	test_must_be_empty out
'

test_expect_success 'a request without protocol matches any protocol' '
	printf "host=acme.example.com\nusername=U1\n" >in &&
	tp_run out err tokenpass get &&
	test_grep "^password=tok-store-1\$" out
'

test_expect_success 'a line of 65535 bytes, newline included, is accepted' '
	{
		printf "protocol=https\nhost=acme.example.com\nusername=U1\n" &&
		printf "wwwauth[]=%065524d\n" 0
	} >in &&
	test $(sed -n 4p in | wc -c) -eq 65535 &&
	tp_run out err tokenpass get &&
	test $rc -eq 0 &&
	test_must_be_empty err &&
	test_grep "^password=tok-store-1\$" out
'

test_expect_success 'a line of 65536 bytes is refused, its tail not read' '
	{
		printf "protocol=https\nusername=U1\n" &&
		printf "wwwauth[]=%065525d" 0 &&
		printf "host=acme.example.com\n"
	} >in &&
	tp_run out err tokenpass get &&
	test $rc -eq 2 &&
	test_must_be_empty out &&
	test_one_line err &&
	test_grep "longer than 65535 bytes" err
'

test_expect_success 'store refuses an oversized line and keeps nothing' '
	{
		printf "protocol=https\nhost=big.example.com\nusername=u\n" &&
		printf "password=%070000d\n" 0
	} >in &&
	tp_run out err tokenpass store &&
	test $rc -eq 2 &&
	test_one_line err &&
	test_must_be_empty out &&
	secret-tool search --all host big.example.com >found 2>&1;
	test_must_be_empty found
'

test_expect_success 'a value with a carriage return is refused' '
	printf "protocol=https\nhost=acme.example.com\r\nusername=U1\n" >in &&
	tp_run out err tokenpass get &&
	test $rc -eq 2 &&
	test_must_be_empty out &&
	test_one_line err &&
	test_grep "carriage return" err &&
	printf "protocol=https\nhost=cr.example.com\nusername=u\npassword=tok-cr\rhost=evil\n" >in &&
	tp_run out err tokenpass store &&
	test $rc -eq 2 &&
	test_one_line err &&
	test_no_secret tok-cr err &&
	secret-tool search --all host cr.example.com >found 2>&1;
	test_must_be_empty found
'

test_expect_success 'a NUL byte is refused' '
	printf "protocol=https\nhost=acme.example.com\nusername=U1\0x\n" >in &&
	tp_run out err tokenpass get &&
	test $rc -eq 2 &&
	test_must_be_empty out &&
	test_one_line err &&
	test_grep "NUL" err
'

test_expect_success 'a line without = is refused' '
	printf "protocol=https\nhost=acme.example.com\nusername U1\n" >in &&
	tp_run out err tokenpass get &&
	test $rc -eq 2 &&
	test_must_be_empty out &&
	test_one_line err &&
	test_grep "has no .=." err
'

test_expect_success 'a host with white space is refused' '
	printf "protocol=https\nhost=a b.example.com\n" >in &&
	tp_run out err tokenpass get &&
	test $rc -eq 2 &&
	test_one_line err
'

test_expect_success 'store keeps password_expiry_utc and oauth_refresh_token' '
	cat >in <<-\EOF &&
	protocol=https
	host=exp.example.com
	username=u
	password=tok-exp
	password_expiry_utc=4102444800
	oauth_refresh_token=rt-exp

	EOF
	tp_run out err tokenpass store &&
	test $rc -eq 0 &&
	test_must_be_empty out &&
	tp_request exp.example.com u &&
	tp_run out err tokenpass get &&
	cat >expect <<-\EOF &&
	username=u
	password=tok-exp
	password_expiry_utc=4102444800
	oauth_refresh_token=rt-exp
	EOF
	test_cmp expect out
'

test_expect_success 'an expired entry is not returned as valid' '
	tp_request exp.example.com u &&
	TOKENPASS_NOW=4102444800 tp_run out err tokenpass get &&
	test $rc -eq 0 &&
	test_must_be_empty out &&
	test_one_line err &&
	test_grep "expired" err &&
	test_no_secret tok-exp err &&
	TOKENPASS_NOW=4102444799 tp_run out err tokenpass get &&
	test_grep "^password=tok-exp\$" out
'

test_expect_success 'store of an already expired credential keeps nothing' '
	printf "protocol=https\nhost=old.example.com\nusername=u\npassword=tok-old\npassword_expiry_utc=1000\n" >in &&
	tp_run out err tokenpass store &&
	test $rc -eq 0 &&
	secret-tool search --all host old.example.com >found 2>&1;
	test_must_be_empty found
'

test_expect_success 'a negative password_expiry_utc is refused' '
	printf "protocol=https\nhost=neg.example.com\nusername=u\npassword=tok-neg\npassword_expiry_utc=-5\n" >in &&
	tp_run out err tokenpass store &&
	test $rc -eq 2 &&
	test_one_line err &&
	test_no_secret tok-neg err
'

test_expect_success 'an overflowing password_expiry_utc means no expiry' '
	printf "protocol=https\nhost=huge.example.com\nusername=u\npassword=tok-huge\npassword_expiry_utc=99999999999999999999999\n" >in &&
	tp_run out err tokenpass store &&
	test $rc -eq 0 &&
	tp_request huge.example.com u &&
	tp_run out err tokenpass get &&
	printf "username=u\npassword=tok-huge\n" >expect &&
	test_cmp expect out
'

test_expect_success 'capability lists authtype' '
	tp_run out err tokenpass capability &&
	test $rc -eq 0 &&
	printf "version 0\ncapability authtype\n" >expect &&
	test_cmp expect out
'

test_expect_success 'an OAuth credential: authtype=Bearer for a caller that asks' '
	printf "at-oauth-1\nrt-oauth-1\n" >tokens &&
	tp_store_oauth oauth.example.com SVC "" 4102444800 4102444800 <tokens &&
	cat >in <<-\EOF &&
	capability[]=authtype
	protocol=https
	host=oauth.example.com
	username=SVC

	EOF
	tp_run out err tokenpass get &&
	test $rc -eq 0 &&
	cat >expect <<-\EOF &&
	capability[]=authtype
	authtype=Bearer
	username=SVC
	credential=at-oauth-1
	password_expiry_utc=4102444800
	EOF
	test_cmp expect out &&
	test_no_secret rt-oauth-1 out err
'

test_expect_success 'a renewal never sends the client to a disguised http:// URL' '
	for url in "http://127.0.0.1:80@evil.example/t" \
		"http://127.0.0.1@evil.example/t" "http://localhost.evil.example/t" \
		"http://user:pw@127.0.0.1:1/t" "http://127.0.0.1.nip.io/t" \
		"ftp://127.0.0.1/t" "http:///t"
	do
		printf "at-old\nrt-old\n" >tokens &&
		TP_TOKEN_URL=$url tp_store_oauth bad-url.example SVC "" 1 0 <tokens &&
		tp_request bad-url.example SVC &&
		tp_run out err tokenpass get &&
		test $rc -ne 0 &&
		test_grep "only https:// (or http:// to this machine.s loopback) is allowed" err &&
		test_no_secret rt-old out err || return 1
	done
'

test_expect_success 'an OAuth credential: the access token as password otherwise' '
	tp_request oauth.example.com SVC &&
	tp_run out err tokenpass get &&
	test $rc -eq 0 &&
	cat >expect <<-\EOF &&
	username=SVC
	password=at-oauth-1
	password_expiry_utc=4102444800
	EOF
	test_cmp expect out
'

test_expect_success 'a PAT never gets authtype, even when asked' '
	printf "capability[]=authtype\nprotocol=https\nhost=acme.example.com\nusername=U1\n" >in &&
	tp_run out err tokenpass get &&
	printf "username=U1\npassword=tok-store-1\n" >expect &&
	test_cmp expect out
'

test_expect_success 'store does not replace an OAuth credential with a password' '
	printf "protocol=https\nhost=oauth.example.com\nusername=SVC\npassword=tok-pw\n" >in &&
	tp_run out err tokenpass store &&
	test $rc -eq 1 &&
	test_must_be_empty out &&
	test_one_line err &&
	test_no_secret tok-pw err &&
	test_no_secret at-oauth-1 err &&
	tp_request oauth.example.com SVC &&
	tp_run out err tokenpass get &&
	test_grep "^password=at-oauth-1\$" out
'

test_expect_success 'dsn= narrows to the app-level credential for that DSN only' '
	printf "protocol=https\nhost=dsn.example.com\nusername=u\npassword=tok-global\n" >in &&
	tp_run out err tokenpass store &&
	printf "protocol=https\nhost=dsn.example.com\nusername=u\ndsn=Sales\npassword=tok-sales\n" >in &&
	tp_run out err tokenpass store &&
	test $rc -eq 0 &&
	printf "protocol=https\nhost=dsn.example.com\nusername=u\ndsn=Sales\n" >in &&
	tp_run out err tokenpass get &&
	test_grep "^password=tok-sales\$" out &&
	printf "protocol=https\nhost=dsn.example.com\nusername=u\ndsn=Other\n" >in &&
	tp_run out err tokenpass get &&
	test_grep "^password=tok-global\$" out &&
	tp_request dsn.example.com u &&
	tp_run out err tokenpass get &&
	test_grep "^password=tok-global\$" out &&
	printf "protocol=https\nhost=dsn.example.com\ndsn=Sales\n" >in &&
	tp_run out err tokenpass get &&
	test_grep "^password=tok-sales\$" out &&
	tp_request dsn.example.com &&
	tp_run out err tokenpass get &&
	test_grep "^password=tok-global\$" out
'

test_expect_success 'erase without a host is refused with exit 2' '
	printf "protocol=https\nusername=U1\n" >in &&
	tp_run out err tokenpass erase &&
	test $rc -eq 2 &&
	test_must_be_empty out &&
	test_one_line err &&
	test_grep "without a host" err &&
	tp_request acme.example.com U1 &&
	tp_run out err tokenpass get &&
	test_grep "^password=tok-store-1\$" out
'

test_expect_success 'erase with another password keeps the stored one' '
	printf "protocol=https\nhost=acme.example.com\nusername=U1\npassword=not-this-one\n" >in &&
	tp_run out err tokenpass erase &&
	test $rc -eq 0 &&
	test_must_be_empty out &&
	tp_request acme.example.com U1 &&
	tp_run out err tokenpass get &&
	test_grep "^password=tok-store-1\$" out
'

test_expect_success 'erase with a mismatching protocol keeps the stored one' '
	printf "protocol=smtp\nhost=acme.example.com\nusername=U1\n" >in &&
	tp_run out err tokenpass erase &&
	test $rc -eq 0 &&
	tp_request acme.example.com U1 &&
	tp_run out err tokenpass get &&
	test_grep "^password=tok-store-1\$" out
'

test_expect_success 'erase prints nothing and forgets the credential' '
	printf "protocol=https\nhost=ACME.example.com\nusername=U1\npassword=tok-store-1\n" >in &&
	tp_run out err tokenpass erase &&
	test $rc -eq 0 &&
	test_must_be_empty out &&
	test_must_be_empty err &&
	tp_request acme.example.com U1 &&
	tp_run out err tokenpass get &&
	test_must_be_empty out &&
	secret-tool search --all host acme.example.com user U1 >found 2>&1;
	test_must_be_empty found
'

test_expect_success 'erase of the global credential leaves the app-level one' '
	printf "protocol=https\nhost=dsn.example.com\nusername=u\ndsn=\n" >in &&
	tp_run out err tokenpass erase &&
	test $rc -eq 0 &&
	printf "protocol=https\nhost=dsn.example.com\nusername=u\ndsn=Sales\n" >in &&
	tp_run out err tokenpass get &&
	test_grep "^password=tok-sales\$" out &&
	tp_request dsn.example.com u &&
	tp_run out err tokenpass get &&
	test_must_be_empty out
'

test_expect_success 'erase of an OAuth credential forgets only the access token' '
	printf "protocol=https\nhost=oauth.example.com\nusername=SVC\n" >in &&
	tp_run out err tokenpass erase &&
	test $rc -eq 0 &&
	test_must_be_empty out &&
	tp_request oauth.example.com SVC &&
	tp_run out err tokenpass get &&
	test_must_be_empty out &&
	test_no_secret at-oauth-1 err &&
	secret-tool search --all host oauth.example.com >found 2>&1 &&
	test_grep "\"refresh_token\":\"rt-oauth-1\"" found
'

test_expect_success 'an unknown command: exit 2 and one line' '
	tp_request acme.example.com U1 &&
	tp_run out err tokenpass frobnicate &&
	test $rc -eq 2 &&
	test_one_line err
'

test_expect_success 'a request with a path gets only an item stored for it' '
	printf "protocol=https\nhost=path.example.com\npath=foo.git\nusername=u\npassword=tok-foo\n" >in &&
	tp_run out err tokenpass store &&
	test $rc -eq 0 &&
	printf "protocol=https\nhost=path.example.com\npath=bar.git\n" >in &&
	tp_run out err tokenpass get &&
	test $rc -eq 0 &&
	test_must_be_empty out &&
	printf "protocol=https\nhost=path.example.com\npath=foo.git\n" >in &&
	tp_run out err tokenpass get &&
	test_grep "^password=tok-foo\$" out &&
	tp_request path.example.com &&
	tp_run out err tokenpass get &&
	test_grep "^password=tok-foo\$" out &&
	printf "protocol=https\nhost=acme2.example.com\nusername=u\npassword=tok-nopath\n" >in &&
	tp_run out err tokenpass store &&
	printf "protocol=https\nhost=acme2.example.com\npath=x.git\nusername=u\n" >in &&
	tp_run out err tokenpass get &&
	test_must_be_empty out
'

test_expect_success 'erase with another path keeps the item, with its own erases it' '
	printf "protocol=https\nhost=path.example.com\npath=bar.git\n" >in &&
	tp_run out err tokenpass erase &&
	test $rc -eq 0 &&
	tp_request path.example.com &&
	tp_run out err tokenpass get &&
	test_grep "^password=tok-foo\$" out &&
	printf "protocol=https\nhost=path.example.com\npath=foo.git\n" >in &&
	tp_run out err tokenpass erase &&
	test $rc -eq 0 &&
	tp_request path.example.com &&
	tp_run out err tokenpass get &&
	test_must_be_empty out
'

test_expect_success 'an empty username and password are kept (git: SSO)' '
	printf "protocol=https\nhost=sso.example.com\nusername=\npassword=\n" >in &&
	tp_run out err tokenpass store &&
	test $rc -eq 0 &&
	test_must_be_empty err &&
	tp_request sso.example.com &&
	tp_run out err tokenpass get &&
	printf "username=\npassword=\n" >expect &&
	test_cmp expect out
'

test_done
