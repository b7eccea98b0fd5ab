#!/bin/sh
test_description='the man pages and the bash completion match --help'
. "$TP_SRC_DIR/tests/lib/test-lib.sh"
. "$TP_SRC_DIR/tests/lib/helper-test.sh"

MAN1=$TP_SRC_DIR/doc/tokenpass.1
MAN7=$TP_SRC_DIR/doc/tokenpass-odbc.7

test_expect_success 'set up: the commands and options of --help' '
	tokenpass --help >help &&
	sed -n "s/^  tokenpass \([a-z-]*\).*/\1/p" help >commands &&
	test_line_count -gt 10 commands &&
	test_grep "^check\$" commands && test_grep "^doctor\$" commands
'

test_expect_success 'both pages render without a warning' '
	for page in "$MAN1" "$MAN7"
	do
		LC_ALL=C.UTF-8 groff -man -Tutf8 -ww -z "$page" 2>warn &&
		test_must_be_empty warn &&
		LC_ALL=C.UTF-8 MANWIDTH=80 man -l "$page" >page 2>warn &&
		test_must_be_empty warn &&
		test_line_count -gt 100 page || return 1
	done
'

test_expect_success 'every command of --help is documented in tokenpass(1)' '
	LC_ALL=C.UTF-8 MANWIDTH=200 man -l "$MAN1" 2>/dev/null | col -b >page &&
	while read -r cmd
	do
		test_grep -q "^       $cmd\$" page ||
		test_grep -q "^       $cmd " page || {
			echo "command $cmd is not documented"; return 1; }
	done <commands
'

test_expect_success 'every option of --help is in tokenpass(1)' '
	grep -o -e "--[a-z-]*" help | sort -u >options &&
	test_line_count -gt 15 options &&
	while read -r opt
	do
		test_grep -q -e "$opt" page || {
			echo "option $opt is not documented"; return 1; }
	done <options
'

test_expect_success 'the parser takes exactly the options --help lists' '
	# the synopsis of --help and the option parser come from the same
	# table entry: every listed option is known to its command (its
	# error, if any, is about something else), and one not listed is not
	while read -r cmd
	do
		sed -n "s/^  tokenpass $cmd\( \|\$\)//p" help |
			grep -o -e "--[a-z-]*" | sort -u >listed &&
		while read -r opt
		do
			timeout 20 tokenpass $cmd $opt x </dev/null >out 2>err
			if grep -q "unknown option" err; then
				echo "$cmd refuses its own $opt"; return 1
			fi
		done <listed &&
		case $cmd in get|store|erase|capability) continue ;; esac &&
		tp_run out err tokenpass $cmd --not-an-option &&
		test_grep "unknown option .--not-an-option" err || return 1
	done <commands
'

test_expect_success 'exit codes and environment are documented' '
	for w in TOKENPASS_REFRESH_MARGIN TOKENPASS_HTTP_TIMEOUT \
		TOKENPASS_LOGIN_TIMEOUT TOKENPASS_ANSWER_TIMEOUT \
		TOKENPASS_UNLOCK_TIMEOUT TOKENPASS_NOW SSL_CERT_FILE \
		CURL_CA_BUNDLE "EXIT STATUS" ENVIRONMENT FILES TIMEOUTS
	do
		test_grep -q "$w" page || return 1
	done
'

test_expect_success 'tokenpass-odbc(7): every DSN key, SQLSTATE, example' '
	LC_ALL=C.UTF-8 MANWIDTH=200 man -l "$MAN7" 2>/dev/null | col -b >page7 &&
	for w in TargetDriver TargetDSN Server Servername Host Port UID \
		Username User TokenInject TokenHelper TokenTimeout \
		28000 08001 HYT00 IM003 IM001 HY001 LibreOffice Tableau \
		pyodbc "CREATE SECURITY INTEGRATION" "OAUTH_CLIENT = CUSTOM" \
		"http://127.0.0.1:8400/callback" SYSTEM.SHOW_OAUTH_CLIENT_SECRETS \
		OAUTH_REFRESH_TOKEN_VALIDITY "ADD PROGRAMMATIC ACCESS TOKEN" \
		"ROTATE PROGRAMMATIC ACCESS TOKEN" \
		"REMOVE PROGRAMMATIC ACCESS TOKEN" \
		"SHOW USER PROGRAMMATIC ACCESS TOKENS"
	do
		test_grep -q -e "$w" page7 || {
			echo "missing: $w"; return 1; }
	done &&
	test_grep ! -i "GENERATE_PROGRAMMATIC_ACCESS_TOKEN" page7 page
'

# complete WORDS...: what the completion offers for the last word.
complete_words () {
	bash -c '
		. "$TP_SRC_DIR/completion/tokenpass"
		COMP_WORDS=("$@")
		COMP_CWORD=$(($# - 1))
		_tokenpass
		test ${#COMPREPLY[@]} -eq 0 || printf "%s\n" "${COMPREPLY[@]}"
	' complete "$@" | sort
}

test_expect_success 'completion: the commands are those of --help' '
	complete_words tokenpass "" >actual &&
	{ cat commands; echo --help; echo --version; } | sort >expect &&
	test_cmp expect actual &&
	complete_words tokenpass sch >actual &&
	echo schedule >expect &&
	test_cmp expect actual
'

test_expect_success 'completion: each command offers exactly its options' '
	while read -r cmd
	do
		sed -n "s/^  tokenpass $cmd\( \|\$\)//p" help |
			grep -o -e "--[a-z-]*" | sort -u >expect
		complete_words tokenpass $cmd -- >actual &&
		test_cmp expect actual || {
			echo "(for $cmd)"; return 1; }
	done <commands &&
	complete_words tokenpass check -- >actual &&
	printf "%s\n" --notify --warn-days >expect &&
	test_cmp expect actual
'

test_expect_success 'completion: values for schedule and --grant' '
	complete_words tokenpass schedule "" >actual &&
	printf "%s\n" 15m 1h 30m off | sort >expect &&
	test_cmp expect actual &&
	complete_words tokenpass login --grant c >actual &&
	echo client-credentials >expect &&
	test_cmp expect actual &&
	complete_words tokenpass add-pat --host "" >actual &&
	test_must_be_empty actual
'

test_done
