#!/bin/sh
test_description='attack: a connection string never sends the token to another server'
. "$TP_SRC_DIR/tests/lib/test-lib.sh"
. "$TP_SRC_DIR/tests/lib/keyring.sh"
. "$TP_SRC_DIR/tests/lib/pg.sh"
. "$TP_SRC_DIR/tests/lib/attack.sh"

# The token is stored for odbcuser@127.0.0.1:$PG_PORT. Hostile servers
# (fakepg.py) that ask for a cleartext password listen on 127.0.0.2, on
# another port of 127.0.0.1 and on Unix sockets in $EVIL, a directory the
# attacker chose; libpq's default host ($PGHOST) is $EVIL too. Every row
# appends an attack to an application connection string, connects through
# the hook with tp-odbc-client (A) and -w (W) on a DSN, a TargetDSN and
# DSN-less, and must be refused with 28000 naming what it set, while the
# hostile servers get no password at all.

test_setup 'keyring, PostgreSQL, ini files, hostile servers' '
	attack_pg_setup &&
	attack_fakepg_start &&
	cat >"$HOME/.pg_service.conf" <<-EOF &&
	[evil]
	host=127.0.0.2
	port=$PG_PORT
	EOF
	cat >>"$ODBC_DIR/odbc.ini" <<-EOF

	[pg-other]
	Driver = PG Unicode
	Servername = 127.0.0.2
	Port = $PG_PORT
	Database = odbctest
	Username = odbcuser
	SSLmode = disable
	pqopt = hostaddr=127.0.0.2

	[tp-allow]
	Driver = tokenpass
	TargetDriver = PG Unicode
	TokenHelper = $TP_BUILD_DIR/tokenpass
	TokenAllowKeys = Foo, pqopt
	Servername = 127.0.0.1
	Port = $PG_PORT
	Database = odbctest
	Username = odbcuser
	SSLmode = disable
	EOF
'

test_expect_success 'rig: the hostile servers do take a password from psqlODBC' '
	: >"$FAKE_LOG" &&
	for host in 127.0.0.2 "$EVIL"; do
		test_must_fail "$CLIENT" "DRIVER={PG Unicode};Servername=$host;Port=$PG_PORT;Database=odbctest;UID=odbcuser;PWD=rig-check;SSLmode=disable" >out ||
		exit 1
	done &&
	test_must_fail "$CLIENT" "DRIVER={PG Unicode};Servername=127.0.0.1;Port=$PG_PORT;pqopt={hostaddr=127.0.0.2};UID=odbcuser;PWD=rig-check;SSLmode=disable" >out &&
	test_grep "^password 127.0.0.2:$PG_PORT rig-check$" "$FAKE_LOG" &&
	test_grep "^password $EVIL/.s.PGSQL.$PG_PORT rig-check$" "$FAKE_LOG" &&
	test $(attack_passwords) = 3
'

for base in DSN_A DSN_T DSN_LESS; do
	for w in "" -w; do
		test_expect_success "control: $base ${w:--a} connects with the token" '
			eval "cs=\$$base" &&
			"$CLIENT" $w -q "select current_user" "$cs" >out &&
			test_grep "^rc=0" out &&
			test_grep "^row: odbcuser" out &&
			test_grep ! -F "$TOK" out
		'
	done
done

# One attack a row: NAME % FRAGMENT % what the 28000 message names (an
# ERE, case-insensitive; the key as written, or the bad value).
while IFS=% read -r name frag pat; do
	test -n "$name" || continue
	test_expect_success "$name" '
		attack_row "$frag" "$pat" DSN_A DSN_T DSN_LESS
	'
done <<EOF
Servername names another host%Servername=127.0.0.2%servername|127\.0\.0\.2
Server (alias) names another host%Server=127.0.0.2%server|127\.0\.0\.2
SERVER in upper case%SERVER=127.0.0.2%server|127\.0\.0\.2
servername braced%servername={127.0.0.2}%servername|127\.0\.0\.2
Servername is the attacker's socket directory%Servername=$EVIL%servername|evil
the right Servername, then another (psqlODBC takes the last)%Servername=127.0.0.1;Servername=127.0.0.2%servername
Servername, then the Server alias with another host%Servername=127.0.0.1;Server=127.0.0.2%server
the right Servername, then an empty one%Servername=127.0.0.1;Servername=%servername
an empty Servername (libpq's default host)%Servername=%servername
an empty braced Server%Server={}%server
two hosts in Servername%Servername=127.0.0.1,127.0.0.2%servername|127\.0\.0\.2
two hosts and a standby wanted (libpq moves on)%Servername=127.0.0.1,127.0.0.2;Port=$PG_PORT,$PG_PORT;pqopt={target_session_attrs=standby}%servername|port|pqopt
another Port%Port=$EVIL_PORT%port|$EVIL_PORT
PORT in upper case%PORT=$EVIL_PORT%port|$EVIL_PORT
an empty Port (libpq's default port)%Port=%port
the right Port, then an empty one%Port=$PG_PORT;port=%port
pqopt hostaddr%pqopt={hostaddr=127.0.0.2}%pqopt
PQOPT in upper case%PQOPT={hostaddr=127.0.0.2}%pqopt
D5, pqopt abbreviated%D5={hostaddr=127.0.0.2}%d5
d5 in lower case, hostaddr and port%d5={hostaddr=127.0.0.2 port=$PG_PORT}%d5
pqopt host alone%pqopt={host=127.0.0.2}%pqopt
pqopt host, the attacker's socket directory, Servername emptied%Servername=;pqopt={host=$EVIL}%servername|pqopt
pqopt port, Port emptied%Port=;pqopt={port=$EVIL_PORT}%port|pqopt
pqopt service (a service file names the host)%pqopt={service=evil}%pqopt
pqopt hostaddr in quotes%pqopt={hostaddr='127.0.0.2'}%pqopt
pqopt hostaddr after a harmless option%pqopt={sslmode=disable hostaddr=127.0.0.2}%pqopt
an empty pqopt%pqopt=%pqopt
an empty D5%D5={}%d5
Host (a key psqlODBC does not read)%Host=127.0.0.2%host
a key with a leading space% Servername=127.0.0.2%servername|127\.0\.0\.2
a key with a trailing space%Servername =127.0.0.2%servername|127\.0\.0\.2
a key nobody allowed%Foo=bar%foo
EOF

# A second DSN: on a DSN base unixODBC itself keeps the last DSN= and
# never loads the hook (pg-other is plain psqlODBC, no token involved);
# after DRIVER= the hook is loaded and must refuse.
for frag in "DSN=pg-other" "dsn={pg-other}"; do
	# unixODBC's W path leaks its copy of such a string when the driver
	# refuses it: no leak check here (not our code)
	test_expect_success "a second DSN after DRIVER: $frag" '
		(
			ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 &&
			export ASAN_OPTIONS &&
			attack_row "$frag" "dsn" DSN_LESS
		)
	'
	test_expect_success "a second DSN after DSN: $frag never carries the token" '
		for base in DSN_A DSN_T; do
			eval "cs=\$$base" &&
			for w in "" -w; do
				: >"$FAKE_LOG" &&
				test_must_fail "$CLIENT" $w "$cs;$frag" >out 2>&1 &&
				test_grep ! -F "$TOK" out &&
				test_grep ! "password " "$FAKE_LOG" || return 1
			done
		done
	'
done

test_expect_success 'TokenAllowKeys lets Foo through, never a route' '
	"$CLIENT" -q "select 1" "DSN=tp-allow;Foo=bar" >out &&
	test_grep "^row: 1" out &&
	"$CLIENT" -w -q "select 1" "DSN=tp-allow;FOO=baz" >out &&
	test_grep "^row: 1" out &&
	DSN_ALLOW=DSN=tp-allow &&
	attack_row "pqopt={hostaddr=127.0.0.2}" pqopt DSN_ALLOW &&
	attack_row "Foo=bar;Bar=foo" "\\bbar\\b" DSN_ALLOW
'


# Brace tricks: the hook and psqlODBC must read them alike. Whatever the
# hook decides (refuse, or connect to the right server), the hostile
# servers get no password and no output holds the token.
while IFS=% read -r name frag; do
	test -n "$name" || continue
	test_expect_success "braces: $name" '
		bad= &&
		for base in DSN_A DSN_LESS; do
			eval "cs=\$$base" &&
			for w in -a -w; do
				f= && test $w = -w && f=-w
				: >"$FAKE_LOG" &&
				"$CLIENT" $f "$cs;$frag" >out
				{ test_grep "^rc=" out &&
				  test_grep ! -F "$TOK" out &&
				  attack_no_password; } >why 2>&1 || {
					bad="$bad $base$w" &&
					cat out why
				}
			done
		done &&
		test -z "$bad"
	'
done <<EOF
a doubled brace ends a UID early for a naive reader%UID={odbcuser}};Servername=127.0.0.2;X={}
Servername inside a braced Database%Database={odbctest;Servername=127.0.0.2}
an unterminated brace%Database={odbctest}};Servername=127.0.0.2
text after a closing brace%Database={odbctest}x;Servername=127.0.0.2
a brace inside an unbraced value%Database=odbctest{;Servername=127.0.0.2;}
Servername inside a braced SSLmode%SSLmode={disable;Servername=127.0.0.2}
hostaddr after a doubled brace in pqopt%pqopt={}};hostaddr=127.0.0.2}
EOF

# SQLConnect(W): the user name and the DSN name are strings too.
while IFS=% read -r name dsn uid pat; do
	test -n "$name" || continue
	for w in "" -w; do
		test_expect_success "SQLConnect ${w:--a}: $name" '
			: >"$FAKE_LOG" &&
			"$CLIENT" -c $w "$dsn" "$uid" app-pw >out;
			test_grep "^rc=-1$" out &&
			test_grep -E -i "^diag: 28000: .*($pat)" out &&
			test_grep ! -F "$TOK" out &&
			attack_no_password
		'
	done
done <<EOF
Servername in the user name%tp%odbcuser;Servername=127.0.0.2%servername
pqopt in the user name%tp%odbcuser;pqopt={hostaddr=127.0.0.2}%pqopt
a braced user name that closes early%tp%{odbcuser}};Port=$EVIL_PORT%port
EOF

test_expect_success 'isql -k: pqopt hostaddr refused, 28000 naming it' '
	: >"$FAKE_LOG" &&
	test_must_fail isql -b -v -k "DSN=tp;pqopt={hostaddr=127.0.0.2}" </dev/null >out 2>&1 &&
	test_grep -i "\[28000\].*pqopt" out &&
	test_grep ! -F "$TOK" out &&
	attack_no_password
'

test_expect_success 'isql -k: DSN-less, Servername then an empty one' '
	: >"$FAKE_LOG" &&
	test_must_fail isql -b -v -k "$DSN_LESS;Servername=" </dev/null >out 2>&1 &&
	test_grep -i "\[28000\].*servername" out &&
	attack_no_password
'

# (iusql shows a message without its SQLSTATE)
test_expect_success 'iusql: a DSN name that carries pqopt' '
	: >"$FAKE_LOG" &&
	test_must_fail iusql -b -v "tp;pqopt={hostaddr=127.0.0.2}" odbcuser x </dev/null >out 2>&1 &&
	test_grep -i "\[tokenpass\].*pqopt" out &&
	test_grep ! -F "$TOK" out &&
	attack_no_password
'

test_expect_success 'iusql: a user name that carries Servername' '
	: >"$FAKE_LOG" &&
	test_must_fail iusql -b -v tp "odbcuser;Servername=127.0.0.2" x </dev/null >out 2>&1 &&
	test_grep -i "\[tokenpass\].*servername" out &&
	attack_no_password
'

test_expect_success 'pyodbc: D5 hostaddr refused with 28000' '
	: >"$FAKE_LOG" &&
	$PY -c "
import pyodbc
try:
    pyodbc.connect(\"DSN=tp;D5={hostaddr=127.0.0.2}\")
    print(\"connected\")
except pyodbc.Error as e:
    print(\"error\", e.args[0], e.args[1])
" >out 2>&1 &&
	test_grep -i "^error 28000 .*d5" out &&
	attack_no_password
'

# A FILEDSN is the application's too: the driver manager merges it into
# the connection string (on the A path only: unixODBC 2.3.11's
# SQLDriverConnectW does not read file DSNs, IM002 before any driver).
while IFS=% read -r name body pat; do
	test -n "$name" || continue
	test_expect_success "FILEDSN: $name" '
		: >"$FAKE_LOG" &&
		printf "[ODBC]\n%s\n" "$body" | tr "|" "\n" >"$EVIL/x.dsn" &&
		test_must_fail "$CLIENT" "FILEDSN=$EVIL/x.dsn" >out &&
		attack_refused out "$pat" &&
		attack_no_password
	'
done <<EOF
a DSN and pqopt hostaddr%DSN=tp|pqopt={hostaddr=127.0.0.2}%pqopt
a DSN and another Servername%DSN=tp|Servername=127.0.0.1|Server=127.0.0.2%server
DSN-less through the driver entry, D5 hostaddr%DRIVER=PostgreSQL (tokenpass)|Servername=127.0.0.1|Port=$PG_PORT|Database=odbctest|UID=odbcuser|D5={hostaddr=127.0.0.2}%d5
DSN-less through the driver entry, empty Port%DRIVER=PostgreSQL (tokenpass)|Servername=127.0.0.1|Port=|Database=odbctest|UID=odbcuser%port
EOF

# The DSN's owner set the route: still every routing key must agree
# with where the credential was stored (a DSN edited by someone else, a
# TargetDSN shared by many).
test_expect_success 'configuration: routing keys in odbc.ini are checked too' '
	cat >>"$ODBC_DIR/odbc.ini" <<-EOF &&

	[tp-hostaddr]
	Driver = tokenpass
	TargetDriver = PG Unicode
	TokenHelper = $TP_BUILD_DIR/tokenpass
	Servername = 127.0.0.1
	Port = $PG_PORT
	Database = odbctest
	Username = odbcuser
	SSLmode = disable
	pqopt = hostaddr=127.0.0.2

	[pg-evil]
	Driver = PG Unicode
	Servername = 127.0.0.1
	Port = $PG_PORT
	Database = odbctest
	Username = odbcuser
	SSLmode = disable
	pqopt = hostaddr=127.0.0.2

	[tpt-evil]
	Driver = tokenpass
	TargetDSN = pg-evil
	TokenHelper = $TP_BUILD_DIR/tokenpass
	Servername = 127.0.0.1
	Port = $PG_PORT
	EOF
	: >"$FAKE_LOG" &&
	test_must_fail "$CLIENT" "DSN=tp-hostaddr" >out &&
	attack_refused out pqopt &&
	test_must_fail "$CLIENT" -w "DSN=tpt-evil" >out &&
	attack_refused out "d5|pqopt" &&
	test_must_fail "$CLIENT" -c tp-hostaddr odbcuser x >out &&
	test_grep -i "^diag: 28000: .*pqopt" out &&
	attack_no_password
'

test_expect_success 'after every attack: the right server still works' '
	"$CLIENT" -q "select 1" "DSN=tp" >out &&
	test_grep "^row: 1" out
'

test_expect_success 'no file, log or output holds the token' '
	attack_scan
'

test_done
