#!/bin/sh
test_description='client battery: R, Perl, PHP odbc and PDO_ODBC, Tcl tdbc'
. "$TP_SRC_DIR/tests/lib/test-lib.sh"
. "$TP_SRC_DIR/tests/lib/clients.sh"

test_setup 'private keyring, PostgreSQL 15, the ini files' '
	clients_setup
'

rows () {
	for MODE in dsn less; do
		clients_rows_for "R RODBC, $MODE" '
			cl_run Rscript --vanilla "$CL_CLIENTS/rodbc-client.R" \
				"$(clients_cs $DRV '$MODE')"'
		clients_rows_for "Perl DBD::ODBC, $MODE" '
			cl_run perl "$CL_CLIENTS/dbd-odbc-client.pl" \
				"$(clients_cs $DRV '$MODE')"'
		clients_rows_for "PHP odbc_connect, $MODE" '
			cl_run php "$CL_CLIENTS/php-client.php" odbc \
				"$(clients_cs $DRV '$MODE')"'
		clients_rows_for "PHP PDO_ODBC, $MODE" '
			cl_run php "$CL_CLIENTS/php-client.php" pdo \
				"$(clients_cs $DRV '$MODE')"'
		clients_rows_for "Tcl tdbc::odbc, $MODE" '
			cl_run tclsh8.6 "$CL_CLIENTS/tdbc-client.tcl" \
				"$(clients_cs $DRV '$MODE')"'
	done
}

clients_rounds

test_done
