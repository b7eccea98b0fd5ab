# The hook in front of the stub driver: paths, and odbcinst.ini with
# [tokenpass], [Stub] (A and W) and [StubA] (no W function, as
# psqlodbca.so) in $TRASH/odbc, which ODBCSYSINI names; the caller writes
# $TRASH/odbc/odbc.ini. The stub logs to $STUB_LOG.

STUB=$TP_BUILD_DIR/tests/odbc-stub/.libs/libtpstub.so
STUBA=$TP_BUILD_DIR/tests/odbc-stub/.libs/libtpstuba.so
PLUGIN=$TP_BUILD_DIR/plugin/.libs/libtokenpass-odbc.so
CLIENT=$TP_BUILD_DIR/tests/odbc-stub/tp-odbc-client
FAKE=$TP_BUILD_DIR/tests/odbc-stub/tp-fake-helper
STUB_LOG=$TRASH/stub.log
export STUB_LOG

mkdir -p "$TRASH/odbc"
cat >"$TRASH/odbc/odbcinst.ini" <<EOF
[tokenpass]
Driver = $PLUGIN

[Stub]
Driver = $STUB

[StubA]
Driver = $STUBA
EOF
: >"$TRASH/odbc/user.ini"
ODBCSYSINI=$TRASH/odbc ODBCINI=$TRASH/odbc/user.ini
export ODBCSYSINI ODBCINI
