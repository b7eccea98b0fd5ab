#!/bin/sh
test_description='client battery: isql and iusql (unixODBC) through the hook'
. "$TP_SRC_DIR/tests/lib/test-lib.sh"
. "$TP_SRC_DIR/tests/lib/clients.sh"

test_setup 'private keyring, PostgreSQL 15, the ini files' '
	clients_setup
'

rows () {
	clients_rows_for 'isql, DSN (SQLConnect)' '
		echo "$CL_QUERY" | cl_run isql -b -v "$(clients_dsn $DRV)"'
	clients_rows_for 'isql -k, DSN= (SQLDriverConnect)' '
		echo "$CL_QUERY" | cl_run isql -b -v -k "$(clients_cs $DRV dsn)"'
	clients_rows_for 'isql -k, DSN-less' '
		echo "$CL_QUERY" | cl_run isql -b -v -k "$(clients_cs $DRV less)"'
	# iusql makes DSN=<its argument> itself: no DSN-less row
	clients_rows_for --check clients_rows_iusql \
		"iusql, DSN (SQLDriverConnectW)" '
		echo "$CL_QUERY" | cl_run iusql -b -v "$(clients_dsn $DRV)"'
}

clients_rounds

test_done
