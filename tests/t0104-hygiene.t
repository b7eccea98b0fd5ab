#!/bin/sh
test_description='secret hygiene: no secret on stderr, argv or in a core'
. "$TP_SRC_DIR/tests/lib/test-lib.sh"
. "$TP_SRC_DIR/tests/lib/keyring.sh"
. "$TP_SRC_DIR/tests/lib/helper-test.sh"

H=acme.example.com
TOK=tok-hygiene-S3cr3t
RT=rt-hygiene-S3cr3t

test_setup 'a private bus and an unlocked keyring' '
	keyring_start
'

# run NAME CMD...: CMD with stdin from the file in; its stdout and stderr
# go to out.NAME and err.NAME for the checks below.
run () {
	name=$1
	shift
	tp_run out.$name err.$name "$@"
}

test_expect_success 'every command, good and bad, with the secret at hand' '
	echo $TOK >in &&
	run addpat tokenpass add-pat --host $H --user U --days 30 &&
	echo " $TOK " >in && run addpat-trim tokenpass add-pat --host $H --user U &&
	echo "$TOK x" >in && run E-addpat-inner tokenpass add-pat --host $H --user U &&
	echo $TOK >in && run U-addpat-opt tokenpass add-pat --host $H --user U --bad &&
	echo $TOK >in && run U-addpat-date tokenpass add-pat --host $H --user U \
		--expires 2026-02-30 &&
	printf "protocol=https\nhost=$H\nusername=G\npassword=$TOK\noauth_refresh_token=$RT\npassword_expiry_utc=4102444800\n" >in &&
	run store tokenpass store &&
	printf "protocol=https\nhost=$H\nusername=G\npassword=$TOK\rx\n" >in &&
	run E-store-cr tokenpass store &&
	printf "protocol=https\nhost=$H\nusername=G\npassword=$TOK\0x\n" >in &&
	run E-store-nul tokenpass store &&
	printf "protocol=https\nhost=$H\nusername=G\npassword=$TOK\nbroken $TOK\n" >in &&
	run E-store-noeq tokenpass store &&
	{ printf "protocol=https\nhost=$H\nusername=G\npassword=$TOK" &&
	  head -c 70000 /dev/zero | tr "\0" x; } >in &&
	run E-store-long tokenpass store &&
	printf "protocol=https\nhost=$H\nusername=G\npassword_expiry_utc=-1$TOK\n" >in &&
	run E-get-expiry tokenpass get &&
	tp_request $H U &&
	run list tokenpass list &&
	run list-json tokenpass list --json &&
	run get-pat tokenpass get &&
	tp_request $H G &&
	run get-git tokenpass get &&
	TOKENPASS_NOW=4102444800 run E-get-expired tokenpass get &&
	printf "at-$TOK\n$RT\n" | tp_store_oauth $H O "" 4102444800 4102444800 &&
	printf "protocol=https\nhost=$H\nusername=O\npassword=$TOK\n" >in &&
	run E-store-over-oauth tokenpass store &&
	printf "capability[]=authtype\nprotocol=https\nhost=$H\nusername=O\n" >in &&
	run get-oauth tokenpass get &&
	printf "protocol=https\nhost=$H\nusername=G\npassword=wrong\n" >in &&
	run erase-other tokenpass erase &&
	printf "protocol=https\nusername=G\npassword=$TOK\n" >in &&
	run E-erase-nohost tokenpass erase &&
	tp_request $H G && run erase tokenpass erase &&
	run remove tokenpass remove --host $H --user U &&
	run E-remove-none tokenpass remove --host $H --user U &&
	run capability tokenpass capability &&
	run help tokenpass --help &&
	keyring_lock &&
	tp_request $H O && run E-get-locked tokenpass get &&
	printf "protocol=https\nhost=$H\nusername=O\npassword=$TOK\n" >in &&
	run E-store-locked tokenpass store &&
	echo $TOK >in &&
	run E-addpat-locked tokenpass add-pat --host $H --user O &&
	run list-locked tokenpass list
'

test_expect_success 'no secret on stderr, ever' '
	ls err.* >files &&
	test_line_count = 29 files &&
	for f in err.*
	do
		test_no_secret S3cr3t $f || return 1
	done
'

test_expect_success 'no secret on stdout, except the answer of a get' '
	grep -l S3cr3t out.* >actual;
	cat >expect <<-\EOF &&
	out.get-git
	out.get-oauth
	out.get-pat
	EOF
	test_cmp expect actual &&
	test_grep "^password=$TOK\$" out.get-pat &&
	test_grep "^password=$TOK\$" out.get-git &&
	test_grep "^oauth_refresh_token=$RT\$" out.get-git &&
	test_grep "^credential=at-$TOK\$" out.get-oauth &&
	test_no_secret "$RT" out.get-oauth
'

test_expect_success 'every failure said so in one line (usage: and a usage line)' '
	for f in err.E-*
	do
		test_one_line $f || { echo "($f)"; return 1; }
	done &&
	for f in err.U-*
	do
		test_line_count = 2 $f &&
		head -n 1 $f | test_grep "^tokenpass: " &&
		tail -n 1 $f | test_grep "^usage: tokenpass " || {
			echo "($f)"; return 1; }
	done
'

# Start tokenpass CMD with stdin from a fifo we hold open, so that it
# waits; sets PID. The caller writes to fd 7 and closes it.
start_held () {
	rm -f fifo && mkfifo fifo || return 1
	"$@" <fifo >held.out 2>held.err &
	PID=$!
	exec 7>fifo &&
	echo "${HELD_INPUT:-$TOK}" >&7 &&
	i=0 &&
	while test $i -lt 50 && ! test -r /proc/$PID/limits
	do
		sleep 0.1
		i=$((i + 1))
	done &&
	sleep 0.2
}

# Close its stdin and reap it; its exit code is in $held_rc.
finish_held () {
	exec 7>&-
	wait $PID
	held_rc=$?
	return 0
}

test_expect_success 'a running tokenpass may not dump core' '
	start_held tokenpass add-pat --host $H --user CORE &&
	grep "^Max core file size" /proc/$PID/limits >limits &&
	finish_held &&
	cat limits &&
	test_grep "^Max core file size *0 *0 " limits
'

test_expect_success 'a running get may not dump core either' '
	HELD_INPUT=protocol=https &&
	start_held tokenpass get &&
	grep "^Max core file size" /proc/$PID/limits >limits &&
	finish_held &&
	test_grep "^Max core file size *0 *0 " limits
'

test_expect_success 'a running tokenpass is not dumpable (no ptrace, no /proc/PID/mem)' '
	id -u nobody >/dev/null &&
	start_held setpriv --reuid=nobody --regid=nogroup --clear-groups \
		"$TP_BUILD_DIR/tokenpass" add-pat --host $H --user DUMP &&
	stat -c %U /proc/$PID/status >owner &&
	cat /proc/$PID/cmdline | tr "\0" " " >cmdline &&
	finish_held &&
	echo root >expect &&
	test_cmp expect owner &&
	test_grep "add-pat --host $H --user DUMP" cmdline
'

test_expect_success 'for comparison: an ordinary process of nobody is dumpable' '
	rm -f fifo && mkfifo fifo || return 1
	setpriv --reuid=nobody --regid=nogroup --clear-groups cat <fifo >/dev/null &
	PID=$!
	exec 7>fifo &&
	sleep 0.3 &&
	stat -c %U /proc/$PID/status >owner &&
	exec 7>&- &&
	wait $PID &&
	echo nobody >expect &&
	test_cmp expect owner
'

test_expect_success 'the secret is never in argv or the environment' '
	start_held tokenpass add-pat --host $H --user ARGV &&
	tr "\0" "\n" </proc/$PID/cmdline >cmdline &&
	tr "\0" "\n" </proc/$PID/environ >environ &&
	finish_held &&
	test_grep "^add-pat\$" cmdline &&
	test_no_secret S3cr3t cmdline environ
'

test_done
