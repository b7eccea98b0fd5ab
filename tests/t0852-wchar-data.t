#!/bin/sh
test_description='ODBC hook: SQL_C_WCHAR bound columns and parameters, any target, 2- and 4-byte SQLWCHAR'
. "$TP_SRC_DIR/tests/lib/test-lib.sh"
. "$TP_SRC_DIR/tests/lib/clients.sh"

# the client, built for unixODBC (2-byte SQLWCHAR) and for iODBC (4-byte)
WD2=$TP_BUILD_DIR/tests/clients/tp-wchar-data
WD4=$TP_BUILD_DIR/tests/clients/tp-wchar-data-4
GREEK=$(printf '\316\225\316\273\316\273\316\254\316\264\316\261')

test_setup 'private keyring, PostgreSQL 15, the ini files' '
	clients_setup
'

test_expect_success 'the clients: one for each driver manager' '
	ldd "$WD2" >ldd2 && test_grep "libodbc\.so\.2" ldd2 &&
	ldd "$WD4" >ldd4 && test_grep "libiodbc\.so\.2" ldd4 &&
	test_grep ! "libodbc\.so" ldd4
'

# the rows the client inserted, as PostgreSQL keeps them (UTF-8)
printf '%s\n' "1|$CL_ZURICH" "2|$GREEK" "3|$CL_TOKYO" "4|$CL_EMOJI" \
	"5|<null>" "11|$GREEK" "12|$CL_TOKYO" "13|$CL_EMOJI" \
	"21|$CL_ZURICH" "22|$GREEK" "23|$CL_TOKYO" >"$TRASH/want.rows"

table_rows () {
	pg_as "$PG_BIN/psql -X -q -A -t -h '$PG_DIR' -p $PG_PORT \
		-U postgres -d odbctest \
		-c \"select id, coalesce(name, '<null>') from $1 order by id\""
}

# wchar_row DM DRV: the client under DM (unixODBC, iODBC) through the
# hook to psqlODBC (DRV W: psqlodbcw.so, A: psqlodbca.so)
wchar_row () {
	_drv=$(echo "$2" | tr A-Z a-z)
	_t=wd_$(echo "$1" | tr A-Z a-z)_$_drv
	_conv=converted _ok=46
	case $1 in
	unixODBC) _run="cl_run $WD2" _units=2 ;;
	iODBC) _run="cl_run_iodbc $WD4" _units=4 ;;
	esac
	# unixODBC and psqlodbcw.so: UTF-16 both sides, passed through
	test "$1$2" = unixODBCW && _conv= _ok=42
	test_expect_success "$1 ($_units-byte), psqlodbc$_drv.so: bound SQL_C_WCHAR" "
		if ! { $_run DSN=tp$_drv $_t $_conv &&
			test_grep '^sqlwchar: $_units bytes' out &&
			test_grep ! '^FAIL' out &&
			test \$(grep -c '^ok:' out) -eq $_ok; }
		then
			cat out
			false
		fi &&
		table_rows $_t >rows &&
		test_cmp '$TRASH/want.rows' rows
	"
}

for DM in unixODBC iODBC; do
	for DRV in W A; do
		wchar_row $DM $DRV
	done
done

test_done
