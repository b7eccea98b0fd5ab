#!/bin/sh
test_description='the commands check and get print survive any quote in a value'
. "$TP_SRC_DIR/tests/lib/test-lib.sh"
. "$TP_SRC_DIR/tests/lib/keyring.sh"
. "$TP_SRC_DIR/tests/lib/helper-test.sh"

NOW=1800000000
TOKENPASS_NOW=$NOW
export TOKENPASS_NOW

test_setup 'a keyring and a PAT ending soon whose DSN and name hold quotes' '
	keyring_start &&
	echo tok-secret >in &&
	TOKENPASS_NOW=$((NOW - 10 * 86400)) tokenpass add-pat \
		--host q.example.com --user SVC --days 13 \
		--name "it'"'"'s \$HOME; \`x\`" --dsn "Sales'"'"' \"EU\"" <in
'

# args CMD...: print each argument on its own line (stands in for tokenpass)
cat >"$TRASH/args" <<\EOF
#!/bin/sh
for a in "$@"; do printf "%s\n" "$a"; done
EOF
chmod +x "$TRASH/args"

test_expect_success 'the command check prints is one a shell runs as meant' '
	tp_run out err tokenpass check &&
	test $rc = 1 &&
	sed -n "s/.*; run .\(tokenpass .*\).\$/\1/p" out >cmd &&
	test_line_count = 1 cmd &&
	sed "s|^tokenpass |\"$TRASH/args\" |" cmd >run.sh &&
	sh run.sh >argv &&
	cat >expect <<-\EOF &&
	add-pat
	--host
	q.example.com
	--user
	SVC
	--name
	it'"'"'s $HOME; `x`
	--dsn
	Sales'"'"' "EU"
	EOF
	test_cmp expect argv
'

test_done
