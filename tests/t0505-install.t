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

test_expect_success 'make uninstall DESTDIR= removes every file' '
	make -C "$TP_BUILD_DIR" uninstall DESTDIR="$DEST" >uninstall.log 2>&1 || {
		cat uninstall.log; false; } &&
	(cd "$DEST" && find . -type f -o -type l) >left &&
	test_must_be_empty left
'

test_done
