#!/bin/sh
# What the ODBC hook adds per connect and in memory: 200 connects through
# a tokenpass DSN and 200 through the plain psqlODBC DSN, in one process,
# against PostgreSQL 15 on loopback, with the token in a private keyring.
#   TP_BUILD_DIR=_build bench/odbc-connect.sh [N]
set -eu
cd "$(dirname "$0")/.."
TP_SRC_DIR=$(pwd)
TP_BUILD_DIR=$(cd "${TP_BUILD_DIR:-_build}" && pwd)
export TP_SRC_DIR TP_BUILD_DIR
n=${1:-200}

make -s -C "$TP_BUILD_DIR" bench-odbc >/dev/null

. tests/lib/test-lib.sh
. "$TP_SRC_DIR/tests/lib/keyring.sh"
. "$TP_SRC_DIR/tests/lib/pg.sh"
trap 'set +e; eval "$test_cleanup_global" >/dev/null 2>&1; rm -rf "$TRASH"' EXIT

keyring_start
pg_start
pg_odbc_setup
pw=bench-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')
pg_password "$pw"
printf '%s\n' "$pw" |
	tokenpass add-pat --host "127.0.0.1:$PG_PORT" --user odbcuser

plain_pw=$(mktemp "$TRASH/pw.XXXXXX")
printf 'DSN=pg;UID=odbcuser;PWD={%s}' "$pw" >"$plain_pw"
echo "PostgreSQL 15 on 127.0.0.1:$PG_PORT, psqlODBC $(dpkg-query -W -f='${Version}' odbc-postgresql), unixODBC $(dpkg-query -W -f='${Version}' unixodbc)"
# the plain string holds the password: read from a file, not argv
"$TP_BUILD_DIR/bench/odbc-connect" -n "$n" "DSN=tp" "@$plain_pw" \
	"$TP_BUILD_DIR/tokenpass" "127.0.0.1:$PG_PORT" odbcuser
# The hook's own share: the same connects with a helper that answers at
# once, so that tokenpass's time is out of the comparison; on the A and
# the W path, to psqlodbcw.so and to the ANSI-only psqlodbca.so, each
# against plain psqlODBC on the same path.
cc -O2 -o "$TRASH/instant-helper" "$TP_SRC_DIR/bench/instant-helper.c"
printf '%s\n' "$pw" >"$TRASH/instant-helper.token"
printf '\n[PG ANSI]\nDriver = %s/psqlodbca.so\n' "${PG_DRIVER%/*}" \
	>>"$ODBC_DIR/odbcinst.ini"
# [tpi] and [tpai]: the hook, instant helper; [pga]: plain psqlodbca
for sec in "tpi:tokenpass:PG Unicode" "tpai:tokenpass:PG ANSI" \
	   "pga:PG ANSI:"; do
	name=${sec%%:*} rest=${sec#*:}
	driver=${rest%%:*} target=${rest#*:}
	{
		printf '\n[%s]\nDriver = %s\n' "$name" "$driver"
		test -z "$target" ||
			printf 'TargetDriver = %s\nTokenHelper = %s\n' \
				"$target" "$TRASH/instant-helper"
		printf 'Servername = 127.0.0.1\nPort = %s\n' "$PG_PORT"
		printf 'Database = odbctest\nUsername = odbcuser\n'
		printf 'SSLmode = disable\n'
	} >>"$ODBC_DIR/odbc.ini"
done
printf 'DSN=pga;UID=odbcuser;PWD={%s}' "$pw" >"$TRASH/pw-ansi"
for run in "A psqlodbcw:tpi:$plain_pw:" "W psqlodbcw:tpi:$plain_pw:-w" \
	   "A psqlodbca:tpai:$TRASH/pw-ansi:" \
	   "W psqlodbca:tpai:$TRASH/pw-ansi:-w"; do
	what=${run%%:*} rest=${run#*:}
	dsn=${rest%%:*} rest=${rest#*:}
	pwfile=${rest%%:*} flag=${rest#*:}
	echo "-- $what path, instant stand-in for tokenpass (bench/instant-helper.c):"
	"$TP_BUILD_DIR/bench/odbc-connect" $flag -n "$n" "DSN=$dsn" \
		"@$pwfile" "$TRASH/instant-helper" "127.0.0.1:$PG_PORT" \
		odbcuser |
		sed -e 's/one .tokenpass get./one instant helper/' \
		    -e 's/hook overhead minus one get/the hook itself/'
done
if command -v hyperfine >/dev/null 2>&1; then
	printf 'capability[]=authtype\nprotocol=https\nhost=127.0.0.1:%s\nusername=odbcuser\ndsn=tp\n\n' \
		"$PG_PORT" >"$TRASH/req"
	# Debian's hyperfine (1.15) has no --input: redirect in a shell
	hyperfine -w 5 -r 50 --style basic \
		"$TP_BUILD_DIR/tokenpass get <$TRASH/req >/dev/null" 2>&1 |
		sed -n '/Time/p'
fi
