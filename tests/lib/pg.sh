# pg.sh: PostgreSQL 15 in the test's trash directory, psqlODBC as the real
# driver, and private ODBC ini files that register the built hook as
# [tokenpass]. Source after test-lib.sh (and keyring.sh).
#
#   pg_start                 initdb + pg_ctl on a free loopback port;
#                            sets PG_PORT, PG_DIR; role odbcuser, db odbctest
#   pg_password PW           ALTER ROLE odbcuser PASSWORD 'PW'
#   pg_odbc_setup            ODBCSYSINI/ODBCINI in $TRASH/odbc with DSNs
#                            [tp] (through the hook) and [pg] (psqlODBC)
#   pg_sql SQL               run SQL as the superuser (over the socket)
#   pg_hook_dsn, pg_stub_dsn, pg_dsn_less: more DSNs (below)
#
# We run as root, so the server runs as user postgres: the data directory
# is chowned to it and the trash directory made traversable (not readable).

PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
PG_DRIVER=${PG_DRIVER:-/usr/lib/x86_64-linux-gnu/odbc/psqlodbcw.so}
TP_PLUGIN=${TP_PLUGIN:-$TP_BUILD_DIR/plugin/.libs/libtokenpass-odbc.so}

pg_as () {
	su postgres -s /bin/sh -c "$*"
}

pg_free_port () {
	for _i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
		_p=$(( 20000 + ( $$ * 7 + _i * 7919 + $(od -An -N2 -tu2 \
			/dev/urandom) ) % 40000 ))
		if ! ss -Hltn "sport = :$_p" | grep -q .; then
			echo "$_p"
			return 0
		fi
	done
	return 1
}

pg_start () {
	PG_DIR=$TRASH/pg
	chmod 711 "$TRASH" &&
	mkdir -p "$PG_DIR" &&
	chown postgres:postgres "$PG_DIR" &&
	pg_as "$PG_BIN/initdb -D '$PG_DIR/data' -U postgres \
		--auth-local=peer --auth-host=scram-sha-256 -E UTF8 \
		--locale=C.UTF-8" >"$TRASH/initdb.log" 2>&1 || {
		cat "$TRASH/initdb.log" >&2
		return 1
	}
	for _try in 1 2 3 4 5; do
		PG_PORT=$(pg_free_port) || return 1
		if pg_as "$PG_BIN/pg_ctl -D '$PG_DIR/data' -l '$PG_DIR/pg.log' \
			-w -t 20 -o \"-p $PG_PORT -k '$PG_DIR' \
			-c listen_addresses=127.0.0.1\" start" >/dev/null 2>&1
		then
			test_atexit "pg_stop"
			pg_sql "CREATE ROLE odbcuser LOGIN PASSWORD 'unset'" \
				"CREATE DATABASE odbctest OWNER odbcuser" \
				>/dev/null || return 1
			export PG_PORT PG_DIR
			return 0
		fi
	done
	cat "$PG_DIR/pg.log" >&2
	return 1
}

pg_stop () {
	test -f "$PG_DIR/data/postmaster.pid" &&
	pg_as "$PG_BIN/pg_ctl -D '$PG_DIR/data' -m fast -w stop" \
		>/dev/null 2>&1
}

# pg_sql SQL...: each argument one command, as the superuser
pg_sql () {
	_args=
	for _c in "$@"; do
		_args="$_args -c \"$_c\""
	done
	pg_as "$PG_BIN/psql -X -q -h '$PG_DIR' -p $PG_PORT -U postgres \
		-d postgres -v ON_ERROR_STOP=1 $_args"
}

# pg_password PW: the role's password (PW without single quotes)
pg_password () {
	pg_sql "ALTER ROLE odbcuser PASSWORD '$1'" >/dev/null
}

pg_odbc_setup () {
	ODBC_DIR=$TRASH/odbc
	mkdir -p "$ODBC_DIR" &&
	cat >"$ODBC_DIR/odbcinst.ini" <<-EOF &&
	[tokenpass]
	Description = tokenpass (built tree)
	Driver = $TP_PLUGIN

	[PG Unicode]
	Description = psqlODBC Unicode
	Driver = $PG_DRIVER
	EOF
	cat >"$ODBC_DIR/odbc.ini" <<-EOF &&
	[tp]
	Driver = tokenpass
	TargetDriver = PG Unicode
	TokenHelper = $TP_BUILD_DIR/tokenpass
	Servername = 127.0.0.1
	Port = $PG_PORT
	Database = odbctest
	Username = odbcuser
	SSLmode = disable

	[pg]
	Driver = PG Unicode
	Servername = 127.0.0.1
	Port = $PG_PORT
	Database = odbctest
	Username = odbcuser
	SSLmode = disable
	EOF
	: >"$ODBC_DIR/user-odbc.ini" &&
	ODBCSYSINI=$ODBC_DIR &&
	ODBCINI=$ODBC_DIR/user-odbc.ini &&
	export ODBCSYSINI ODBCINI ODBC_DIR
}

# pg_hook_dsn NAME TARGET [HELPER]: one more hook DSN in odbc.ini, to the
# rig's database through the real driver TARGET
pg_hook_dsn () {
	cat >>"$ODBC_DIR/odbc.ini" <<-EOF

	[$1]
	Driver = tokenpass
	TargetDriver = $2
	TokenHelper = ${3:-$TP_BUILD_DIR/tokenpass}
	Servername = 127.0.0.1
	Port = $PG_PORT
	Database = odbctest
	Username = odbcuser
	SSLmode = disable
	EOF
}

# pg_stub_dsn: the stub driver (tests/odbc-stub, no server) as [Stub] and
# a hook DSN [tp-stub] to it, for user stub at stub.example:5433; the
# benchmarks time the hook's own share with it
pg_stub_dsn () {
	cat >>"$ODBC_DIR/odbcinst.ini" <<-EOF

	[Stub]
	Driver = $TP_BUILD_DIR/tests/odbc-stub/.libs/libtpstub.so
	EOF
	cat >>"$ODBC_DIR/odbc.ini" <<-EOF

	[tp-stub]
	Driver = tokenpass
	TargetDriver = Stub
	Server = stub.example
	Port = 5433
	UID = stub
	EOF
}

# pg_dsn_less [HELPER [TIMEOUT]]: a DSN-less connection string through
# the hook: DRIVER= names an odbcinst.ini section (made on first use)
# whose TargetDriver is psqlODBC, with that TokenHelper and TokenTimeout
pg_dsn_less () {
	_h=${1:-$TP_BUILD_DIR/tokenpass}
	_name="PG (tokenpass) $(printf '%s' "$_h${2:+ $2}" | cksum | cut -d" " -f1)"
	if ! grep -qF "[$_name]" "$ODBC_DIR/odbcinst.ini"
	then
		printf '\n[%s]\nDriver = %s\nTargetDriver = PG Unicode\nTokenHelper = %s\nTokenAllowKeys = SSLmode\n%s' \
			"$_name" "$TP_PLUGIN" "$_h" \
			"${2:+TokenTimeout = $2
}" >>"$ODBC_DIR/odbcinst.ini"
	fi
	printf 'DRIVER={%s};Server=127.0.0.1;Port=%s;Database=odbctest;UID=odbcuser;SSLmode=disable' \
		"$_name" "$PG_PORT"
}
