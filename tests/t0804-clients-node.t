#!/bin/sh
test_description='client battery: node odbc (npm, pinned, built from source)'
. "$TP_SRC_DIR/tests/lib/test-lib.sh"
. "$TP_SRC_DIR/tests/lib/clients.sh"

test_setup 'node odbc built against /usr/include/node, no download' '
	clients_node_install &&
	ls "$CL_CLIENTS"/node/node_modules/odbc/build-tmp-napi-*/config.gypi \
		>gypi &&
	test_grep "\"nodedir\": \"/usr\"" $(cat gypi)
'

test_setup 'private keyring, PostgreSQL 15, the ini files' '
	clients_setup
'

rows () {
	for MODE in dsn less; do
		clients_rows_for "node odbc, $MODE" '
			cl_run node "$CL_CLIENTS/node/client.js" \
				"$(clients_cs $DRV '$MODE')"'
	done
}

clients_rounds

test_done
