# iodbc.sh: iODBC, the second driver manager, over the same DSNs and
# drivers as unixODBC's ini files. Source after test-lib.sh, once
# $ODBC_DIR holds odbcinst.ini and odbc.ini (pg.sh's pg_odbc_setup,
# clients.sh).
#
#   iodbc_ini            iODBC's copies in $IODBC_DIR: the same sections,
#                        plus the '[ODBC Drivers]' and '[ODBC Data Sources]'
#                        lists iODBC keeps
#   iodbc_run CMD...     run a program under iODBC's files: ODBCINI and
#                        ODBCINSTINI (and the SYS variants, so that /etc
#                        is never read); unixODBC's ODBCSYSINI points at
#                        an empty directory, so only iODBC's installer
#                        knows a DSN or a driver section
#   iodbc_vars           those variables as NAME=VALUE words, for env(1)
#                        in front of a command that is not a function

iodbc_ini () {
	IODBC_DIR=$TRASH/iodbc
	mkdir -p "$IODBC_DIR" "$TRASH/no-unixodbc" &&
	{
		echo "[ODBC Drivers]" &&
		sed -n 's/^\[\(.*\)\]$/\1 = Installed/p' \
			"$ODBC_DIR/odbcinst.ini" &&
		echo &&
		cat "$ODBC_DIR/odbcinst.ini"
	} >"$IODBC_DIR/odbcinst.ini" &&
	{
		echo "[ODBC Data Sources]" &&
		awk '/^\[/ { name = substr($0, 2, length($0) - 2) }
			/^Driver[ \t]*=/ {
				sub(/^Driver[ \t]*=[ \t]*/, "")
				print name " = " $0
			}' "$ODBC_DIR/odbc.ini" &&
		echo &&
		cat "$ODBC_DIR/odbc.ini"
	} >"$IODBC_DIR/odbc.ini" &&
	export IODBC_DIR
}

iodbc_vars () {
	echo "ODBCINI=$IODBC_DIR/odbc.ini" \
		"ODBCINSTINI=$IODBC_DIR/odbcinst.ini" \
		"SYSODBCINI=$IODBC_DIR/odbc.ini" \
		"SYSODBCINSTINI=$IODBC_DIR/odbcinst.ini" \
		"ODBCSYSINI=$TRASH/no-unixodbc"
}

iodbc_run () {
	# shellcheck disable=SC2046
	env $(iodbc_vars) "$@"
}
