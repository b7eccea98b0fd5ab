#!/bin/sh
test_description='client battery: pyodbc (threads, pandas, attributes), Qt'
. "$TP_SRC_DIR/tests/lib/test-lib.sh"
. "$TP_SRC_DIR/tests/lib/clients.sh"

test_setup 'private keyring, PostgreSQL 15, the ini files' '
	clients_setup
'

# 8 threads connect at once: each must get the rows
threads_ok () {
	clients_rows "$1" &&
	test_grep "^threads ok 8$" "$1"
}

# an integer attribute set before the connect, autocommit off: the rows,
# and a rollback that undoes an insert
rollback_ok () {
	clients_rows "$1" &&
	test_grep "^rollback ok$" "$1"
}

rows () {
	for MODE in dsn less; do
		clients_rows_for --check threads_ok "pyodbc, 8 threads, $MODE" '
			cl_run $PY "$CL_CLIENTS/pyodbc-client.py" threads \
				"$(clients_cs $DRV '$MODE')"'
		clients_rows_for "pandas.read_sql over pyodbc, $MODE" '
			cl_run $PY "$CL_CLIENTS/pyodbc-client.py" pandas \
				"$(clients_cs $DRV '$MODE')"'
		clients_rows_for --check rollback_ok \
			"pyodbc, SQL_ATTR_METADATA_ID, autocommit off, $MODE" '
			cl_run $PY "$CL_CLIENTS/pyodbc-client.py" attrs \
				"$(clients_cs $DRV '$MODE')"'
	done
	# QODBC takes a bare name as a DSN, a string with DRIVER= as it is
	clients_rows_for 'Qt QODBC (PyQt5), DSN' '
		cl_run $PY "$CL_CLIENTS/qt-client.py" "$(clients_dsn $DRV)"'
	clients_rows_for 'Qt QODBC (PyQt5), DSN-less' '
		cl_run $PY "$CL_CLIENTS/qt-client.py" "$(clients_cs $DRV less)"'
}

clients_rounds

test_done
