#!/bin/sh
test_description='make install and make uninstall with DESTDIR'
. "$TP_SRC_DIR/tests/lib/test-lib.sh"

DEST=$TRASH/dest
# Never the system's odbcinst.ini, whatever the driver's install rules do.
ODBCSYSINI=$TRASH/odbcsys
ODBCINSTINI=odbcinst.ini
export ODBCSYSINI ODBCINSTINI
mkdir -p "$ODBCSYSINI"

test_expect_success 'make install DESTDIR= puts every file in place' '
	make -C "$TP_BUILD_DIR" install DESTDIR="$DEST" >install.log 2>&1 || {
		cat install.log; false; } &&
	(cd "$DEST" && find . -type f -o -type l) | sort >files &&
	for f in \
		/bin/tokenpass \
		/bin/git-credential-tokenpass \
		/odbc/libtokenpass-odbc.so \
		/lib/systemd/user/tokenpass-refresh.service \
		/lib/systemd/user/tokenpass-refresh.timer \
		/bash-completion/completions/tokenpass \
		/man/man1/tokenpass.1 \
		/man/man7/tokenpass-odbc.7
	do
		test_grep "$f\$" files || return 1
	done &&
	test_grep ! "\.in\$" files
'

test_expect_success 'the installed executable and its git name run' '
	bin=$(sed -n "s|^\./\(.*/bin\)/tokenpass\$|\1|p" files) &&
	"$DEST/$bin/tokenpass" --help >help &&
	test_grep "^  tokenpass check " help &&
	test -L "$DEST/$bin/git-credential-tokenpass" &&
	"$DEST/$bin/git-credential-tokenpass" --version >version &&
	test_grep "^tokenpass " version
'

test_expect_success 'nothing outside DESTDIR: odbcinst.ini untouched' '
	test_path_is_missing "$ODBCSYSINI/odbcinst.ini" ||
	test_grep ! "$DEST" "$ODBCSYSINI/odbcinst.ini"
'

# Without DESTDIR the driver is registered: with unixODBC (ODBCSYSINI is
# this test's) and in the odbcinst.ini iODBC reads when it is another file
# (IODBC_ODBCINSTINI stands in for 'iodbc-config --odbcinstini').
test_expect_success 'make install registers [tokenpass] with unixODBC and iODBC' '
	lib=$TP_BUILD_DIR/plugin/.libs &&
	make -C "$TP_BUILD_DIR" install-odbc-driver-entry odbcdriverdir="$lib" \
		IODBC_ODBCINSTINI="$TRASH/iodbc/odbcinst.ini" >reg.log 2>&1 || {
		cat reg.log; false; } &&
	test_grep "registered \[tokenpass\] in iODBC" reg.log &&
	for f in "$ODBCSYSINI/odbcinst.ini" "$TRASH/iodbc/odbcinst.ini"
	do
		sed -n "/^\[tokenpass\]/,/^\[/p" "$f" >section &&
		test_grep "^Driver *= *$lib/libtokenpass-odbc.so\$" section ||
		return 1
	done
'

test_expect_success 'iODBC finds the hook by that name (its own diagnostic)' '
	printf "[tp]\nDriver = tokenpass\n" >"$TRASH/iodbc/odbc.ini" &&
	echo quit | env ODBCINI="$TRASH/iodbc/odbc.ini" \
		ODBCINSTINI="$TRASH/iodbc/odbcinst.ini" \
		SYSODBCINI="$TRASH/iodbc/odbc.ini" \
		SYSODBCINSTINI="$TRASH/iodbc/odbcinst.ini" \
		ODBCSYSINI="$TRASH/no-unixodbc" \
		iodbctest "DSN=tp" >out 2>&1 || :
	test_grep "no TargetDriver" out
'

test_expect_success 'the same file for both: registered once, no second line' '
	make -C "$TP_BUILD_DIR" install-odbc-driver-entry odbcdriverdir="$lib" \
		IODBC_ODBCINSTINI="$ODBCSYSINI/odbcinst.ini" >reg2.log 2>&1 || {
		cat reg2.log; false; } &&
	test_grep ! "iODBC" reg2.log &&
	test $(grep -c "^\[tokenpass\]" "$ODBCSYSINI/odbcinst.ini") = 1
'

test_expect_success 'make uninstall DESTDIR= removes every file' '
	make -C "$TP_BUILD_DIR" uninstall DESTDIR="$DEST" >uninstall.log 2>&1 || {
		cat uninstall.log; false; } &&
	(cd "$DEST" && find . -type f -o -type l) >left &&
	test_must_be_empty left
'

test_done
