# The client battery (tests/t08NN-clients-*.t): real ODBC applications
# through the hook to PostgreSQL, psqlodbcw.so and psqlodbca.so as the
# real driver, under unixODBC and iODBC. One small client per application
# in tests/clients/; the rig is tests/lib/clients.sh.

# A Unicode application of iODBC's world: SQLWCHAR is wchar_t (unixODBC's
# headers with SQL_WCHART_CONVERT), linked to libiodbc.so.2 by its file
# name, so that neither libiodbc2-dev nor iodbc-config is needed.
check_PROGRAMS += tests/clients/tp-iodbc-w
tests_clients_tp_iodbc_w_SOURCES = tests/clients/iodbc-w.c
tests_clients_tp_iodbc_w_CPPFLAGS = $(AM_CPPFLAGS) $(ODBC_CFLAGS) \
	-DSQL_WCHART_CONVERT
tests_clients_tp_iodbc_w_LDADD = -l:libiodbc.so.2

TP_CLIENT_TESTS = \
	tests/t0800-clients-isql.t \
	tests/t0801-clients-python.t \
	tests/t0802-clients-libreoffice.t \
	tests/t0803-clients-scripting.t \
	tests/t0804-clients-node.t \
	tests/t0805-clients-iodbc.t
TESTS += $(TP_CLIENT_TESTS)
EXTRA_DIST += $(TP_CLIENT_TESTS) \
	tests/clients/dbd-odbc-client.pl \
	tests/clients/lo-client.py \
	tests/clients/php-client.php \
	tests/clients/pyodbc-client.py \
	tests/clients/qt-client.py \
	tests/clients/rodbc-client.R \
	tests/clients/tdbc-client.tcl \
	tests/clients/node/.npmrc \
	tests/clients/node/client.js \
	tests/clients/node/package.json \
	tests/clients/node/package-lock.json
