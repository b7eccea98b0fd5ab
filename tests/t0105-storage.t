#!/bin/sh
test_description='what tokenpass writes, as another Secret Service client sees it'
. "$TP_SRC_DIR/tests/lib/test-lib.sh"
. "$TP_SRC_DIR/tests/lib/keyring.sh"
. "$TP_SRC_DIR/tests/lib/helper-test.sh"

H=acme-xy12345.snowflakecomputing.com
TOK=tok-storage-S3cr3t

# The attribute and label lines of secret-tool search, sorted.
attrs_of () {
	secret-tool search --all "$@" >found 2>&1 &&
	grep -E "^(label|schema|attribute\.)" found | sort
}

test_setup 'a private bus and an unlocked keyring' '
	keyring_start
'

test_expect_success 'a PAT: schema, attributes and label' '
	echo $TOK >in &&
	tp_run out err tokenpass add-pat --host $H --user POWERBI_SERVICE \
		--days 30 &&
	test $rc -eq 0 &&
	attrs_of host $H user POWERBI_SERVICE >actual &&
	cat >expect <<-EOF &&
	attribute.dsn = 
	attribute.host = $H
	attribute.kind = pat
	attribute.user = POWERBI_SERVICE
	label = tokenpass: POWERBI_SERVICE@$H (PAT)
	schema = io.tokenpass.Credential
	EOF
	test_cmp expect actual &&
	test_no_secret S3cr3t actual
'

test_expect_success 'the secret is a version 1 JSON document holding the token' '
	secret-tool lookup host $H user POWERBI_SERVICE >secret &&
	/usr/bin/python3 -c "
import json
d = json.load(open(\"secret\"))
assert d[\"version\"] == 1 and d[\"kind\"] == \"pat\", d
assert d[\"token\"] == \"$TOK\", d
assert isinstance(d[\"expires\"], int) and isinstance(d[\"updated\"], int)
"
'

test_expect_success 'an app-level PAT: the dsn attribute and its label' '
	echo $TOK-app >in &&
	tp_run out err tokenpass add-pat --host $H --user POWERBI_SERVICE \
		--dsn Analytics &&
	attrs_of host $H user POWERBI_SERVICE dsn Analytics >actual &&
	cat >expect <<-EOF &&
	attribute.dsn = Analytics
	attribute.host = $H
	attribute.kind = pat
	attribute.user = POWERBI_SERVICE
	label = tokenpass: POWERBI_SERVICE@$H for DSN Analytics (PAT)
	schema = io.tokenpass.Credential
	EOF
	test_cmp expect actual &&
	secret-tool search --all host $H user POWERBI_SERVICE >found 2>&1 &&
	test $(grep -c "^label = " found) -eq 2
'

test_expect_success 'git store: one item per host and user, updated in place' '
	printf "protocol=https\nhost=git.example.com\nusername=u\npassword=$TOK-1\n" >in &&
	tp_run out err tokenpass store &&
	printf "protocol=https\nhost=git.example.com\nusername=u\npassword=$TOK-2\npassword_expiry_utc=4102444800\noauth_refresh_token=rt-$TOK\n" >in &&
	tp_run out err tokenpass store &&
	attrs_of host git.example.com >actual &&
	cat >expect <<-\EOF &&
	attribute.dsn = 
	attribute.host = git.example.com
	attribute.kind = pat
	attribute.user = u
	label = tokenpass: u@git.example.com (PAT)
	schema = io.tokenpass.Credential
	EOF
	test_cmp expect actual &&
	secret-tool lookup host git.example.com user u >secret &&
	/usr/bin/python3 -c "
import json
d = json.load(open(\"secret\"))
assert d[\"token\"] == \"$TOK-2\", d
assert d[\"expires\"] == 4102444800, d
assert d[\"refresh_token\"] == \"rt-$TOK\", d
assert d[\"protocol\"] == \"https\", d
"
'

test_expect_success 'an OAuth item: kind oauth, label (OAuth), secrets inside' '
	printf "at-$TOK\nrt-$TOK\n" |
	tp_store_oauth $H SVC "" 4102444800 4102444800 &&
	attrs_of host $H user SVC >actual &&
	cat >expect <<-EOF &&
	attribute.dsn = 
	attribute.host = $H
	attribute.kind = oauth
	attribute.user = SVC
	label = tokenpass: SVC@$H (OAuth)
	schema = io.tokenpass.Credential
	EOF
	test_cmp expect actual
'

test_expect_success 'a PAT over an OAuth item replaces it: still one item' '
	echo $TOK-pat >in &&
	tp_run out err tokenpass add-pat --host $H --user SVC &&
	test $rc -eq 0 &&
	attrs_of host $H user SVC >actual &&
	test_grep "attribute.kind = pat" actual &&
	test_grep ! "attribute.kind = oauth" actual &&
	test $(grep -c "^label = " actual) -eq 1
'

test_expect_success 'no attribute or label of any item holds a secret' '
	secret-tool search --all xdg:schema io.tokenpass.Credential >all 2>&1 &&
	test $(grep -c "^schema = io.tokenpass.Credential" all) -eq 4 &&
	grep -E "^(label|attribute\.)" all >public &&
	test_no_secret S3cr3t public
'

test_expect_success 'items tokenpass did not write are left alone' '
	printf "other-secret" | secret-tool store --label=other \
		host other.example.com user POWERBI_SERVICE &&
	echo $TOK-o >in &&
	tp_run out err tokenpass add-pat --host other.example.com \
		--user POWERBI_SERVICE &&
	test $rc -eq 0 &&
	secret-tool search --all host other.example.com >found 2>&1 &&
	test $(grep -c "^label = " found) -eq 2 &&
	tp_run out err tokenpass remove --host other.example.com \
		--user POWERBI_SERVICE &&
	test $rc -eq 0 &&
	attrs_of host other.example.com | grep -v "^schema = " >actual &&
	cat >expect <<-\EOF &&
	attribute.host = other.example.com
	attribute.user = POWERBI_SERVICE
	label = other
	EOF
	test_cmp expect actual &&
	secret-tool lookup host other.example.com user POWERBI_SERVICE >secret &&
	echo other-secret >expect &&
	echo >>secret &&
	test_cmp expect secret
'

test_done
