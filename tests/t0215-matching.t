#!/bin/sh
test_description='which stored item answers: default ports, protocols'
. "$TP_SRC_DIR/tests/lib/test-lib.sh"
. "$TP_SRC_DIR/tests/lib/helper-test.sh"
. "$TP_SRC_DIR/tests/lib/keyring.sh"

H=acme-xy12345.snowflakecomputing.com

test_setup 'a keyring, a PAT stored without a port, one stored with :443' '
	keyring_start &&
	echo tok-noport >in &&
	tokenpass add-pat --host $H --user SVC <in 2>/dev/null &&
	echo tok-443 >in &&
	tokenpass add-pat --host other.example.com:443 --user SVC \
		<in 2>/dev/null
'

test_expect_success 'stored without a port: a request for :443 (Port=443) gets it' '
	tp_request $H:443 SVC &&
	tp_run out err tokenpass get &&
	test $rc = 0 &&
	test_grep "^password=tok-noport\$" out &&
	tp_request $H: SVC &&
	tp_run out err tokenpass get &&
	test_must_be_empty out
'

test_expect_success 'stored with :443: a request without a port gets it' '
	tp_request other.example.com SVC &&
	tp_run out err tokenpass get &&
	test_grep "^password=tok-443\$" out &&
	tp_request other.example.com:443 &&
	tp_run out err tokenpass get &&
	test_grep "^password=tok-443\$" out &&
	tokenpass list --json >list &&
	test_grep "\"host\":[[:space:]]*\"other.example.com\"" list
'

test_expect_success 'another port is another server' '
	tp_request $H:8443 SVC &&
	tp_run out err tokenpass get &&
	test $rc = 0 &&
	test_must_be_empty out
'

test_expect_success 'an item stored without a protocol answers https only' '
	printf "protocol=http\nhost=$H\nusername=SVC\n\n" >in &&
	tp_run out err tokenpass get &&
	test $rc = 0 &&
	test_must_be_empty out &&
	printf "protocol=https\nhost=$H\nusername=SVC\n\n" >in &&
	tp_run out err tokenpass get &&
	test_grep "^password=tok-noport\$" out &&
	printf "protocol=http\nhost=$H\n\n" >in &&
	tp_run out err tokenpass get &&
	test_must_be_empty out
'

test_expect_success 'an item git stored for http answers http, not https' '
	printf "protocol=http\nhost=git.example.com\nusername=u\npassword=pw-http\n\n" >in &&
	tp_run out err tokenpass store &&
	test $rc = 0 &&
	printf "protocol=http\nhost=git.example.com\nusername=u\n\n" >in &&
	tp_run out err tokenpass get &&
	test_grep "^password=pw-http\$" out &&
	printf "protocol=https\nhost=git.example.com\nusername=u\n\n" >in &&
	tp_run out err tokenpass get &&
	test_must_be_empty out
'

test_done
