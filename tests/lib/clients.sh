# clients.sh: the rig of the client battery (tests/t08xx): real ODBC
# applications through the hook to PostgreSQL, with psqlodbcw.so and
# psqlodbca.so as the real driver, under unixODBC and under iODBC. Source
# after test-lib.sh (it brings keyring.sh, pg.sh and iodbc.sh); call
# clients_setup from test_setup.
#
#   clients_setup        keyring, PostgreSQL, the table 'cities', the
#                        credential (password pw-one), the ini files
#   clients_cs W|A dsn|less
#                        the connection string of one row: DSN=tpw or
#                        DSN=tpa, or DSN-less through the odbcinst.ini
#                        section 'PG Unicode (tokenpass)' or
#                        'PG ANSI (tokenpass)' (its TargetDriver names
#                        the real driver)
#   clients_dsn W|A      the DSN name alone (tpw or tpa)
#   clients_rows FILE    FILE has the three rows of CL_QUERY, non-ASCII
#                        text intact, and no token; otherwise shows FILE
#                        (the client's own output and error)
#   clients_rotate PW    ALTER ROLE to PW and 'tokenpass add-pat' of PW;
#                        no ini file is touched (clients_ini_unchanged)
#   clients_ini_unchanged
#                        every ini file is as clients_setup wrote it
#   lo_start             a headless soffice with a private profile,
#                        listening on pipe $LO_PIPE; stopped at exit
#   cl_run CMD...        run a client: output and errors in 'out', a time
#                        limit, how it ended when it fails
#   cl_run_iodbc CMD...  cl_run under iODBC's copies of the ini files
#                        (iodbc.sh)
#   clients_node_install npm ci of node's odbc (tests/clients/node)
#   clients_rows_for, clients_rounds
#                        the rows of a script, before and after a
#                        rotation (see below)
#
# Every client runs CL_QUERY and prints each row's one column; a row is
# 'row: ID NAME'. The names are Zurich with its u-umlaut, Tokyo in kanji
# and an emoji, written here in octal so that this file stays ASCII.

. "$TP_SRC_DIR/tests/lib/keyring.sh"
. "$TP_SRC_DIR/tests/lib/pg.sh"
. "$TP_SRC_DIR/tests/lib/iodbc.sh"

CL_PSQLODBC_DIR=${CL_PSQLODBC_DIR:-/usr/lib/x86_64-linux-gnu/odbc}
CL_CLIENTS=$TP_SRC_DIR/tests/clients
CL_QUERY="select 'row: ' || id || ' ' || name as r from cities order by id"
CL_ZURICH=$(printf 'Z\303\274rich')
CL_TOKYO=$(printf '\346\235\261\344\272\254')
CL_EMOJI=$(printf '\360\237\230\200 ok')
PY=/usr/bin/python3
export CL_QUERY CL_CLIENTS

# The clients print UTF-8 and the W ones convert with the locale.
LC_ALL=C.UTF-8
export LC_ALL

clients_setup () {
	keyring_start &&
	pg_start &&
	pg_as "$PG_BIN/psql -X -q -h '$PG_DIR' -p $PG_PORT -U postgres \
		-d odbctest -v ON_ERROR_STOP=1 \
		-c \"create table cities (id int primary key, name text)\" \
		-c \"alter table cities owner to odbcuser\" \
		-c \"insert into cities values (1, U&'Z\\00FCrich'), \
			(2, U&'\\6771\\4EAC'), (3, U&'\\+01F600 ok')\"" \
		>/dev/null &&
	pg_password pw-one &&
	printf "pw-one\n" |
	tokenpass add-pat --host "127.0.0.1:$PG_PORT" --user odbcuser &&
	clients_unixodbc_ini &&
	iodbc_ini &&
	(cd "$TRASH" && cat odbc/*.ini iodbc/*.ini) >"$TRASH/ini.before"
}

# clients_section NAME DRIVER [TARGET]: a DSN; through the hook (DRIVER
# tokenpass) with TARGET as the real driver, or of the real driver alone,
# to tell a client's own trouble from the hook's when a row fails
clients_section () {
	echo "[$1]"
	echo "Driver = $2"
	if test -n "${3:-}"; then
		echo "TargetDriver = $3"
		echo "TokenHelper = $TP_BUILD_DIR/tokenpass"
	fi
	printf '%s\n' "Servername = 127.0.0.1" "Port = $PG_PORT" \
		"Database = odbctest" "Username = odbcuser" \
		"SSLmode = disable" ""
}

# clients_dsns: the four DSNs (tpw tpa through the hook, pgw pga plain)
clients_dsns () {
	clients_section tpw tokenpass "PG Unicode" &&
	clients_section tpa tokenpass "PG ANSI" &&
	clients_section pgw "PG Unicode" &&
	clients_section pga "PG ANSI"
}

# clients_drivers: the odbcinst.ini sections of both driver managers
clients_drivers () {
	cat <<-EOF
	[tokenpass]
	Description = tokenpass (built tree)
	Driver = $TP_PLUGIN

	[PG Unicode]
	Description = psqlODBC Unicode
	Driver = $CL_PSQLODBC_DIR/psqlodbcw.so

	[PG ANSI]
	Description = psqlODBC ANSI
	Driver = $CL_PSQLODBC_DIR/psqlodbca.so

	[PG Unicode (tokenpass)]
	Description = tokenpass in front of psqlODBC Unicode
	Driver = $TP_PLUGIN
	TargetDriver = PG Unicode
	TokenHelper = $TP_BUILD_DIR/tokenpass

	[PG ANSI (tokenpass)]
	Description = tokenpass in front of psqlODBC ANSI
	Driver = $TP_PLUGIN
	TargetDriver = PG ANSI
	TokenHelper = $TP_BUILD_DIR/tokenpass

	EOF
}

clients_unixodbc_ini () {
	ODBC_DIR=$TRASH/odbc
	mkdir -p "$ODBC_DIR" &&
	clients_drivers >"$ODBC_DIR/odbcinst.ini" &&
	clients_dsns >"$ODBC_DIR/odbc.ini" &&
	: >"$ODBC_DIR/user-odbc.ini" &&
	ODBCSYSINI=$ODBC_DIR &&
	ODBCINI=$ODBC_DIR/user-odbc.ini &&
	export ODBCSYSINI ODBCINI ODBC_DIR
}

cl_run_iodbc () {
	# shellcheck disable=SC2046
	cl_run env $(iodbc_vars) "$@"
}

# node's odbc: 'npm ci' from the lockfile into tests/clients/node when its
# addon is missing, built from source against the installed node's
# headers (.npmrc: build-from-source, nodedir=/usr): node-pre-gyp and
# node-gyp download nothing but the pinned packages
clients_node_install () {
	_cl_node=$CL_CLIENTS/node
	ls "$_cl_node"/node_modules/odbc/lib/bindings/*/odbc.node \
		>/dev/null 2>&1 && return 0
	# several scripts may start at once: one installs, the rest wait
	(
		cd "$_cl_node" &&
		npm_config_nodedir=/usr npm_config_build_from_source=true \
		flock -w 900 package.json sh -c '
			ls node_modules/odbc/lib/bindings/*/odbc.node ||
			npm ci --no-audit --no-fund --loglevel=error'
	) >"$TRASH/npm-ci.log" 2>&1 || {
		echo >&2 "clients: npm ci failed in $_cl_node:"
		cat >&2 "$TRASH/npm-ci.log"
		return 1
	}
}

clients_dsn () {
	case "$1" in
	W) echo tpw ;;
	A) echo tpa ;;
	*) echo >&2 "clients_dsn: W or A, not '$1'"; return 1 ;;
	esac
}

clients_cs () {
	case "$1" in
	W) _cl_drv="PG Unicode (tokenpass)" ;;
	A) _cl_drv="PG ANSI (tokenpass)" ;;
	*) echo >&2 "clients_cs: W or A, not '$1'"; return 1 ;;
	esac
	case "$2" in
	dsn) echo "DSN=$(clients_dsn "$1")" ;;
	less) printf 'DRIVER={%s};Server=127.0.0.1;Port=%s;%s\n' \
		"$_cl_drv" "$PG_PORT" "Database=odbctest;UID=odbcuser" ;;
	*) echo >&2 "clients_cs: dsn or less, not '$2'"; return 1 ;;
	esac
}

# and never shows a token (the hook's output connection string included)
clients_rows () {
	clients_no_token "$1" &&
	test_grep -F "row: 1 $CL_ZURICH" "$1" &&
	test_grep -F "row: 2 $CL_TOKYO" "$1" &&
	test_grep -F "row: 3 $CL_EMOJI" "$1"
}

# iusql shows each SQLWCHAR of a result by its low byte (unixODBC 2.3.11,
# with no hook as well): Z\374rich, \x71\xac for the two UTF-16 units
# of the city, and the emoji's first surrogate (0xd83d) as '=' followed by
# the second one's 0x00, which ends the string. Those exact bytes show
# that every UTF-16 unit came back right.
clients_rows_iusql () {
	clients_no_token "$1" &&
	printf 'row: 1 Z\374rich \nrow: 2 q\254 \nrow: 3 = \n' >iusql.want &&
	LC_ALL=C sed -n "s/^| \(row: [0-9] [^ ]* \).*/\1/p" "$1" >iusql.got &&
	if ! test_cmp iusql.want iusql.got; then
		cat "$1"
		false
	fi
}

clients_no_token () {
	test_grep ! -e pw-one -e pw-two "$1"
}

clients_ini_unchanged () {
	(cd "$TRASH" && cat odbc/*.ini iodbc/*.ini) >"$TRASH/ini.now" &&
	test_cmp "$TRASH/ini.before" "$TRASH/ini.now"
}

clients_rotate () {
	pg_password "$1" &&
	printf "%s\n" "$1" |
	tokenpass add-pat --host "127.0.0.1:$PG_PORT" --user odbcuser &&
	clients_ini_unchanged
}

lo_start () {
	LO_PIPE=tp-lo-$$
	# its own process group, so that the stop reaches oosplash and
	# soffice.bin both
	setsid timeout -k 10 900 /usr/lib/libreoffice/program/soffice \
		--headless --invisible --nologo --norestore --nodefault \
		--nolockcheck -env:UserInstallation="file://$TRASH/lo-profile" \
		--accept="pipe,name=$LO_PIPE;urp;" >"$TRASH/soffice.log" 2>&1 &
	LO_PID=$!
	test_atexit "lo_stop"
	export LO_PIPE
}

lo_stop () {
	test -n "${LO_PID:-}" || return 0
	timeout 30 "$PY" "$CL_CLIENTS/lo-client.py" "$LO_PIPE" --terminate
	# oosplash ignores SIGTERM and outlives soffice.bin: end the group
	kill -9 -- -"$LO_PID" 2>/dev/null
	test_stop_pid "$LO_PID"
	LO_PID=
}

# cl_run CMD...: run a client with its output and errors in 'out' and a
# time limit; a failure adds how it ended (exit status, signal, timeout)
cl_run () {
	timeout -k 5 "${CL_TIMEOUT:-120}" "$@" >out 2>&1
	_cl_rc=$?
	case $_cl_rc in
	0) return 0 ;;
	124) echo "client timed out after ${CL_TIMEOUT:-120} s" >>out ;;
	129|1[3-8][0-9]|19[0-2])
		echo "client died: status $_cl_rc (signal $((_cl_rc - 128)))" \
			>>out ;;
	*) echo "client exit status $_cl_rc" >>out ;;
	esac
	return $_cl_rc
}

# clients_rows_for [--check FN] TITLE BODY: one test per real driver
# (psqlodbcw.so, psqlodbca.so), titled with TITLE and $ROUND (1 before
# the rotation, 2 after). BODY runs with $DRV set to W or A and leaves
# the client's output in 'out' (cl_run); a failing client's output is
# shown whole. FN checks 'out' (default clients_rows).
clients_rows_for () {
	_cl_check=clients_rows
	if test "$1" = --check; then
		_cl_check=$2
		shift 2
	fi
	for _cl_drv in W A; do
		case $_cl_drv in
		W) _cl_name=psqlodbcw ;;
		A) _cl_name=psqlodbca ;;
		esac
		test_expect_success "$1, $_cl_name, round $ROUND" "
			DRV=$_cl_drv
			if ! { $2
			}; then
				echo 'the client failed; its output:'
				cat out
				false
			else
				$_cl_check out
			fi
		"
	done
}

# clients_rounds: run the script's rows() before and after a rotation
clients_rounds () {
	ROUND=1
	rows
	test_expect_success 'rotation: ALTER ROLE and add-pat, no ini touched' '
		clients_rotate pw-two
	'
	ROUND=2
	rows
}
