#!/bin/sh
test_description='secret exposure: an end-to-end run leaves no token, refresh token, client secret or PAT anywhere it should not'
. "$TP_SRC_DIR/tests/lib/test-lib.sh"
. "$TP_SRC_DIR/tests/lib/keyring.sh"
. "$TP_SRC_DIR/tests/lib/tokenserver.sh"
. "$TP_SRC_DIR/tests/lib/oidc.sh"
. "$TP_SRC_DIR/tests/lib/pg.sh"

CLIENT=$TP_BUILD_DIR/tests/odbc-stub/tp-odbc-client
PY=/usr/bin/python3
# What the test itself keeps of the secrets (the patterns to look for,
# get's answers): the one place under $TRASH not searched.
SEC=$TRASH/.secrets
# Every command's stdout and stderr, searched.
CMD=$TRASH/cmd
# Temporary files of everything run here land in $TRASH too.
TMPDIR=$TRASH/tmp
export TMPDIR
mkdir -p "$SEC" "$CMD" "$TMPDIR" && chmod 700 "$SEC"
touch "$TRASH/.start"

rand () {
	printf '%s-%s' "$1" "$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"
}

# Never exported, never in argv: handed over on stdin by printf (a
# builtin) only.
CLIENT_SECRET=$(rand cs)
PAT=$(rand pat)
GIT_PW=$(rand gitpw)
GIT_RT=$(rand gitrt)

# keep SECRET...: add to the patterns (through a builtin: no argv)
keep () {
	for _s in "$@"; do
		test -n "$_s" && printf '%s\n' "$_s" >>"$SEC/patterns"
	done
}

# keep_items: every token, refresh token and client secret the keyring
# holds now
keep_items () {
	for _k in pat oauth; do
		secret-tool search --all kind $_k 2>/dev/null
	done | sed -n 's/^secret = //p' | "$PY" -c '
import json, sys
for line in sys.stdin:
    try:
        d = json.loads(line)
    except ValueError:
        print(line.strip())
        continue
    for k in ("token", "refresh_token", "client_secret"):
        if d.get(k):
            print(d[k])
' >>"$SEC/patterns"
}

# run NAME CMD...: CMD with stdin from $SEC/in, stdout and stderr kept
# in $CMD for the search; its exit code in $rc
run () {
	_n=$1
	shift
	test -f "$SEC/in" || : >"$SEC/in"
	timeout 60 "$@" <"$SEC/in" >"$CMD/$_n.out" 2>"$CMD/$_n.err"
	rc=$?
	rm -f "$SEC/in"
	return 0
}

# get NAME HOST USER [EXTRA]: a get, its answer kept apart (not searched)
get () {
	printf 'protocol=https\nhost=%s\nusername=%s\n%s\n' "$2" "$3" \
		"${4:-}" >"$SEC/in"
	timeout 60 tokenpass get <"$SEC/in" >"$SEC/get.$1" 2>"$CMD/get.$1.err"
	rc=$?
	rm -f "$SEC/in"
	sed -n 's/^password=//p; s/^credential=//p' "$SEC/get.$1" >>"$SEC/patterns"
	return $rc
}

test_setup 'keyring, token server with our own client secret, PostgreSQL with ODBC tracing' '
	keyring_start &&
	tokenserver_start &&
	printf "{\"clients\": {\"e2e-client\": \"%s\"}}\n" "$CLIENT_SECRET" \
		>"$TS_DIR/config.json" &&
	pg_start &&
	pg_odbc_setup &&
	printf "\n[ODBC]\nTrace = Yes\nTraceFile = %s\n" "$TRASH/trace.log" \
		>>"$ODBC_DIR/odbcinst.ini" &&
	keep "$CLIENT_SECRET" "$PAT" "$GIT_PW" "$GIT_RT"
'

test_setup 'sign in (authorization code, client secret on stdin)' '
	OAUTH_SECRET=$CLIENT_SECRET &&
	oauth_login --host "$TS_HOST" --user ANALYST --client-id e2e-client &&
	mv "$TRASH/login.out" "$CMD/login.out" &&
	mv "$TRASH/login.err" "$CMD/login.err" &&
	keep_items
'

test_setup 'a PAT with an admin, renewals, a renewing get' '
	tokenserver_set_pat SVC SVC_PAT "$PAT" 3 &&
	printf "%s\n" "$PAT" >"$SEC/in" &&
	run add-pat tokenpass add-pat --host "$TS_HOST" --user SVC \
		--name SVC_PAT --days 3 --admin ANALYST && test $rc = 0 &&
	for i in 1 2 3; do
		run refresh.$i tokenpass refresh --host "$TS_HOST" \
			--user ANALYST --force && test $rc = 0 &&
		keep_items || return 1
	done &&
	get a "$TS_HOST" ANALYST &&
	exp=$(sed -n "s/^password_expiry_utc=//p" "$SEC/get.a") &&
	TOKENPASS_NOW=$((exp - 30)) get renewing "$TS_HOST" ANALYST &&
	keep_items &&
	run refresh-all tokenpass refresh --all --force && keep_items &&
	run list tokenpass list && run list-json tokenpass list --json &&
	run check tokenpass check
'

test_setup 'store through the git protocol, and for PostgreSQL' '
	printf "protocol=https\nhost=git.example\nusername=g\npassword=%s\noauth_refresh_token=%s\n\n" \
		"$GIT_PW" "$GIT_RT" >"$SEC/in" &&
	run store tokenpass store && test $rc = 0 &&
	get git git.example g &&
	PG_TOK=$(rand pgtok) && keep "$PG_TOK" &&
	pg_password "$PG_TOK" &&
	printf "protocol=https\nhost=127.0.0.1:%s\nusername=odbcuser\npassword=%s\n\n" \
		"$PG_PORT" "$PG_TOK" >"$SEC/in" &&
	run store-pg tokenpass store && test $rc = 0
'

test_setup 'rotate the PAT with the admin credential' '
	run rotate tokenpass rotate --host "$TS_HOST" --user SVC \
		--admin ANALYST && test $rc = 0 &&
	tokenserver_pat SVC SVC_PAT >>"$SEC/patterns" &&
	keep_items &&
	get svc "$TS_HOST" SVC
'

test_expect_success 'ODBC connects (isql, iusql, pyodbc, the C client) with tracing on' '
	echo "select 1;" | isql -b -v tp >"$CMD/isql.out" 2>&1 &&
	echo "select 1;" | iusql -b -v tp >"$CMD/iusql.out" 2>&1 &&
	echo "select 1;" | isql -b -v -k "$(pg_dsn_less)" >"$CMD/isql-k.out" 2>&1 &&
	$PY -c "import pyodbc; pyodbc.connect(\"DSN=tp\").close()" \
		>"$CMD/pyodbc.out" 2>&1 &&
	"$CLIENT" -q "select 1" "DSN=tp" >"$CMD/client.out" 2>&1 &&
	test_grep -q "^row: 1" "$CMD/client.out" &&
	test_grep -q "SQLDriverConnect" "$TRASH/trace.log"
'

test_expect_success 'argv and environ of every process, sampled while connects run' '
	"$CLIENT" -r 60 "DSN=tp" >"$CMD/loop.out" 2>&1 &
	pid=$! &&
	$PY -c "
import os, sys
pid = int(sys.argv[1])
out = open(sys.argv[2], \"wb\")
def alive():
    try:
        return \") Z \" not in open(\"/proc/%d/stat\" % pid).read()
    except OSError:
        return False
while alive():
    for p in os.listdir(\"/proc\"):
        if not p.isdigit():
            continue
        for f in (\"cmdline\", \"environ\"):
            try:
                with open(\"/proc/%s/%s\" % (p, f), \"rb\") as fh:
                    out.write(fh.read().replace(b\"\\0\", b\"\\n\") + b\"\\n\")
            except OSError:
                pass
" $pid "$TRASH/samples" &&
	wait $pid &&
	test $(grep -c "^rc=0" "$CMD/loop.out") = 60 &&
	keyring_sampled_holder "$TRASH/samples"
'

test_expect_success 'failure paths: a refused password, a failing endpoint, a locked keyring' '
	pg_password "other-$(rand x)" &&
	test_must_fail "$CLIENT" "DSN=tp" >"$CMD/refused.out" 2>&1 &&
	test_must_fail isql -b -v tp </dev/null >"$CMD/refused-isql.out" 2>&1 &&
	pg_password "$PG_TOK" &&
	tokenserver_config "{\"clients\": {\"e2e-client\": \"$CLIENT_SECRET\"}, \"fault\": \"500\"}" &&
	run fault tokenpass refresh --host "$TS_HOST" --user ANALYST --force &&
	test $rc = 6 &&
	tokenserver_config "{\"clients\": {\"e2e-client\": \"$CLIENT_SECRET\"}, \"response\": {\"status\": 200, \"json\": {\"access_token\": \"a b\"}}}" &&
	run canned tokenpass refresh --host "$TS_HOST" --user ANALYST --force &&
	test $rc = 6 &&
	tokenserver_config "{\"clients\": {\"e2e-client\": \"$CLIENT_SECRET\"}}" &&
	printf "protocol=https\nhost=git.example\nusername=g\npassword=%s\nx\n" "$GIT_PW" >"$SEC/in" &&
	run store-bad tokenpass store && test $rc = 2 &&
	keyring_lock &&
	printf "protocol=https\nhost=git.example\nusername=g\n\n" >"$SEC/in" &&
	run get-locked tokenpass get && test $rc = 3 &&
	test_must_fail "$CLIENT" "DSN=tp" >"$CMD/locked.out" 2>&1 &&
	keyring_unlock
'

test_expect_success 'we did collect the secrets' '
	sort -u "$SEC/patterns" >"$SEC/p" && mv "$SEC/p" "$SEC/patterns" &&
	test $(wc -l <"$SEC/patterns") -ge 10 &&
	# every pattern is long and random enough not to match by chance
	! grep -v -E "^.{12,}$" "$SEC/patterns" &&
	# and the search can find them: in get answers and the server state
	grep -l -a -F -f "$SEC/patterns" "$SEC"/get.* >found &&
	test $(wc -l <found) -ge 4 &&
	grep -q -a -F -f "$SEC/patterns" "$TS_DIR/pats.json" &&
	grep -q -a -F -f "$SEC/patterns" "$TS_DIR/config.json"
'

test_expect_success 'no secret in any file under the trash directory and TMPDIR' '
	find "$TRASH" -path "$SEC" -prune -o \
		-path "$HOME/.local/share/keyrings" -prune -o \
		-path "$TS_DIR" -prune -o -type f -print >files &&
	test $(wc -l <files) -gt 20 &&
	test_grep -q "/trace.log$" files &&
	test_grep -q "/samples$" files &&
	test_grep -q "/cmd/login.err$" files &&
	tr "\n" "\0" <files | xargs -0 grep -l -a -F -f "$SEC/patterns" >hits;
	test_must_be_empty hits
'

test_expect_success 'no secret in files this run left in /tmp and /dev/shm' '
	find /tmp /dev/shm -xdev -newer "$TRASH/.start" -type f \
		! -path "$TRASH/*" -user "$(id -u)" 2>/dev/null |
		grep -v "^/tmp/tp-" >files;
	tr "\n" "\0" <files | xargs -0 -r grep -l -a -F -f "$SEC/patterns" \
		2>/dev/null >hits;
	test_must_be_empty hits
'

test_expect_success 'no core file anywhere' '
	timeout 300 find "$TRASH" "$TP_BUILD_DIR" / -xdev -newer "$TRASH/.start" \
		-type f \( -name core -o -name "core.[0-9]*" \) \
		-print 2>/dev/null >cores;
	test_must_be_empty cores
'

test_done
