#!/bin/sh
test_description='client battery: iODBC (iodbctest, a 4-byte SQLWCHAR client)'
. "$TP_SRC_DIR/tests/lib/test-lib.sh"
. "$TP_SRC_DIR/tests/lib/clients.sh"

IODBC_W=$TP_BUILD_DIR/tests/clients/tp-iodbc-w

test_setup 'private keyring, PostgreSQL 15, the ini files' '
	clients_setup
'

test_expect_success 'the W client is linked to iODBC, not unixODBC' '
	ldd "$IODBC_W" >ldd.out &&
	test_grep "libiodbc\.so\.2" ldd.out &&
	test_grep ! "libodbc\.so" ldd.out
'

rows () {
	for MODE in dsn less; do
		clients_rows_for "iodbctest (ANSI), $MODE" '
			echo "$CL_QUERY" |
			cl_run_iodbc iodbctest "$(clients_cs $DRV '$MODE')"'
		clients_rows_for "tp-iodbc-w, SQLDriverConnectW, $MODE" '
			cl_run_iodbc "$IODBC_W" "$(clients_cs $DRV '$MODE')"'
	done
	clients_rows_for 'tp-iodbc-w, SQLConnectW' '
		cl_run_iodbc "$IODBC_W" "$(clients_dsn $DRV)"'
}

clients_rounds

test_done
