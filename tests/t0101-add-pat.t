#!/bin/sh
test_description='tokenpass add-pat: a PAT from standard input'
. "$TP_SRC_DIR/tests/lib/test-lib.sh"
. "$TP_SRC_DIR/tests/lib/keyring.sh"
. "$TP_SRC_DIR/tests/lib/helper-test.sh"

H=acme-xy12345.snowflakecomputing.com

test_setup 'a private bus and an unlocked keyring' '
	keyring_start
'

test_expect_success 'add-pat stores the token from stdin; get returns it' '
	echo tok-pat-1 >in &&
	tp_run out err tokenpass add-pat --host $H --user POWERBI_SERVICE \
		--expires 2099-12-31 &&
	test $rc -eq 0 &&
	test_must_be_empty out &&
	test_one_line err &&
	test_grep "stored the PAT for .POWERBI_SERVICE@$H., expires 2099-12-31 00:00 UTC" err &&
	test_grep ! warning err &&
	tp_request $H POWERBI_SERVICE &&
	tp_run out err tokenpass get &&
	cat >expect <<-\EOF &&
	username=POWERBI_SERVICE
	password=tok-pat-1
	password_expiry_utc=4102358400
	EOF
	test_cmp expect out
'

test_expect_success 'surrounding white space is trimmed, with a warning' '
	printf "  \t tok-pat-2 \r\n\n" >in &&
	tp_run out err tokenpass add-pat --host $H --user TRIM &&
	test $rc -eq 0 &&
	test_grep "^tokenpass: warning: removed white space" err &&
	test_no_secret tok-pat-2 err &&
	tp_request $H TRIM &&
	tp_run out err tokenpass get &&
	printf "username=TRIM\npassword=tok-pat-2\n" >expect &&
	test_cmp expect out
'

test_expect_success 'a token without a final newline needs no warning' '
	printf "tok-pat-3" >in &&
	tp_run out err tokenpass add-pat --host $H --user NONL &&
	test $rc -eq 0 &&
	test_grep ! warning err &&
	tp_request $H NONL &&
	tp_run out err tokenpass get &&
	test_grep "^password=tok-pat-3\$" out
'

test_expect_success 'white space inside the token is refused' '
	printf "tok pat\n" >in &&
	tp_run out err tokenpass add-pat --host $H --user INNER &&
	test $rc -eq 2 &&
	test_one_line err &&
	test_grep "white space" err &&
	test_no_secret "tok pat" err &&
	printf "tok\tpat\n" >in &&
	tp_run out err tokenpass add-pat --host $H --user INNER &&
	test $rc -eq 2 &&
	printf "tok\npat\n" >in &&
	tp_run out err tokenpass add-pat --host $H --user INNER &&
	test $rc -eq 2 &&
	tp_request $H INNER &&
	tp_run out err tokenpass get &&
	test_must_be_empty out
'

test_expect_success 'an empty token is refused' '
	: >in &&
	tp_run out err tokenpass add-pat --host $H --user EMPTY &&
	test $rc -eq 2 &&
	test_one_line err &&
	test_grep "no token on standard input" err &&
	printf " \n\n" >in &&
	tp_run out err tokenpass add-pat --host $H --user EMPTY &&
	test $rc -eq 2 &&
	test_one_line err
'

test_expect_success 'a token too large to be real is refused' '
	head -c 100000 /dev/zero | tr "\0" a >in &&
	tp_run out err tokenpass add-pat --host $H --user BIG &&
	test $rc -eq 2 &&
	test_one_line err
'

test_expect_success '--days N sets the expiry N days from now' '
	echo tok-days >in &&
	TOKENPASS_NOW=1800000000 tp_run out err tokenpass add-pat \
		--host $H --user DAYS --days 90 &&
	test $rc -eq 0 &&
	test_grep "expires 2027-04-15 08:00 UTC" err &&
	tp_request $H DAYS &&
	TOKENPASS_NOW=1800000000 tp_run out err tokenpass get &&
	test_grep "^password_expiry_utc=1807776000\$" out
'

test_expect_success 'without an expiry the PAT never expires, and says so' '
	echo tok-never >in &&
	tp_run out err tokenpass add-pat --host $H --user NEVER &&
	test_grep "expires never" err &&
	tp_request $H NEVER &&
	tp_run out err tokenpass get &&
	test_grep ! password_expiry_utc out
'

test_expect_success 'bad dates are refused with exit 2' '
	echo tok-bad >in &&
	for d in 2026-02-30 2027-02-29 2026-13-01 2026-00-10 2026-04-31 \
		 2026-1-1 26-01-01 2026/01/01 2026-01-01x "" tomorrow \
		 -2026-01-01 +026-01-01 2026-01-00
	do
		tp_run out err tokenpass add-pat --host $H --user BADDATE \
			--expires "$d" &&
		test $rc -eq 2 || { echo "date $d: rc $rc"; return 1; }
		test_grep "is not a date" err || return 1
	done &&
	tp_request $H BADDATE &&
	tp_run out err tokenpass get &&
	test_must_be_empty out
'

test_expect_success 'a leap day in a leap year is a date' '
	echo tok-leap >in &&
	tp_run out err tokenpass add-pat --host $H --user LEAP \
		--expires 2028-02-29 &&
	test $rc -eq 0 &&
	test_grep "expires 2028-02-29 00:00 UTC" err
'

test_expect_success 'a date in the past is refused' '
	echo tok-past >in &&
	tp_run out err tokenpass add-pat --host $H --user PAST \
		--expires 2001-01-01 &&
	test $rc -eq 2 &&
	test_grep "in the past" err
'

test_expect_success 'bad --days are refused with exit 2' '
	echo tok-bad >in &&
	for n in 0 -1 +5 1.5 abc "" 36501 99999999999999999999 " 7"
	do
		tp_run out err tokenpass add-pat --host $H --user BADDAYS \
			--days "$n" &&
		test $rc -eq 2 || { echo "days $n: rc $rc"; return 1; }
	done
'

test_expect_success '--expires and --days together are refused' '
	echo tok-both >in &&
	tp_run out err tokenpass add-pat --host $H --user BOTH \
		--expires 2099-01-01 --days 5 &&
	test $rc -eq 2 &&
	test_grep "not both" err
'

test_expect_success 'missing --host or --user, unknown options: exit 2' '
	echo tok-usage >in &&
	tp_run out err tokenpass add-pat --user U &&
	test $rc -eq 2 && test_grep "required" err &&
	tp_run out err tokenpass add-pat --host $H &&
	test $rc -eq 2 && test_grep "required" err &&
	tp_run out err tokenpass add-pat --host $H --user "" &&
	test $rc -eq 2 &&
	tp_run out err tokenpass add-pat --host "a b" --user U &&
	test $rc -eq 2 && test_grep "bad host" err &&
	tp_run out err tokenpass add-pat --host $H --user U --token x &&
	test $rc -eq 2 && test_grep "unknown option .--token" err &&
	tp_run out err tokenpass add-pat --host $H --user U -x &&
	test $rc -eq 2 &&
	tp_run out err tokenpass add-pat --host $H --user U tok-on-argv &&
	test $rc -eq 2 && test_grep "unexpected argument" err &&
	tp_run out err tokenpass add-pat --host $H --user U --days &&
	test $rc -eq 2 &&
	test_grep "^usage: tokenpass add-pat --host H --user U" err
'

test_expect_success '--name is kept and shown by list --json' '
	echo tok-named >in &&
	tp_run out err tokenpass add-pat --host $H --user NAMED \
		--name BI_PAT_1 --days 30 &&
	test $rc -eq 0 &&
	tp_run out err tokenpass list --json &&
	/usr/bin/python3 -c "
import json, sys
rows = json.load(open(\"out\"))
r = [r for r in rows if r[\"user\"] == \"NAMED\"]
assert len(r) == 1 and r[0][\"pat_name\"] == \"BI_PAT_1\", r
"
'

test_expect_success 'a new value keeps the --name given before' '
	echo tok-named-2 >in &&
	tp_run out err tokenpass add-pat --host $H --user NAMED --days 30 &&
	tp_run out err tokenpass list --json &&
	/usr/bin/python3 -c "
import json
r = [r for r in json.load(open(\"out\")) if r[\"user\"] == \"NAMED\"]
assert r[0][\"pat_name\"] == \"BI_PAT_1\", r
" &&
	tp_request $H NAMED &&
	tp_run out err tokenpass get &&
	test_grep "^password=tok-named-2\$" out
'

test_expect_success '--dsn stores an app-level PAT beside the global one' '
	echo tok-global >in &&
	tp_run out err tokenpass add-pat --host $H --user APP &&
	echo tok-app >in &&
	tp_run out err tokenpass add-pat --host $H --user APP --dsn Analytics &&
	test $rc -eq 0 &&
	test_grep "for DSN .Analytics." err &&
	printf "protocol=https\nhost=$H\nusername=APP\ndsn=Analytics\n" >in &&
	tp_run out err tokenpass get &&
	test_grep "^password=tok-app\$" out &&
	tp_request $H APP &&
	tp_run out err tokenpass get &&
	test_grep "^password=tok-global\$" out
'

test_expect_success 'add-pat replaces an existing PAT in place' '
	echo tok-replaced >in &&
	tp_run out err tokenpass add-pat --host $H --user POWERBI_SERVICE \
		--days 10 &&
	test $rc -eq 0 &&
	secret-tool search --all host $H user POWERBI_SERVICE >found 2>&1 &&
	test $(grep -c "^label = " found) -eq 1 &&
	tp_request $H POWERBI_SERVICE &&
	tp_run out err tokenpass get &&
	test_grep "^password=tok-replaced\$" out
'

test_expect_success 'add-pat over an OAuth credential replaces it by a PAT' '
	printf "at-o\nrt-o\n" >tokens &&
	tp_store_oauth $H OAUTHU "" 4102444800 4102444800 <tokens &&
	echo tok-over-oauth >in &&
	tp_run out err tokenpass add-pat --host $H --user OAUTHU &&
	test $rc -eq 0 &&
	secret-tool search --all host $H user OAUTHU >found 2>&1 &&
	test $(grep -c "^label = " found) -eq 1 &&
	test_grep "attribute.kind = pat" found
'

test_done
