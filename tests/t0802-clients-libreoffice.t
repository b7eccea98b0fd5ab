#!/bin/sh
test_description='client battery: LibreOffice headless (Python-UNO, sdbc:odbc)'
. "$TP_SRC_DIR/tests/lib/test-lib.sh"
. "$TP_SRC_DIR/tests/lib/clients.sh"

# One soffice for the whole script: its connections to both real drivers
# live in one process, as in a user's LibreOffice Base.
test_setup 'private keyring, PostgreSQL 15, the ini files, soffice' '
	clients_setup &&
	lo_start
'

# sdbc:odbc: takes a DSN name only (LibreOffice prefixes DSN=), so there
# is no DSN-less row
rows () {
	clients_rows_for 'LibreOffice sdbc:odbc:DSN' '
		cl_run $PY "$CL_CLIENTS/lo-client.py" "$LO_PIPE" \
			"$(clients_dsn $DRV)"'
}

clients_rounds

test_done
