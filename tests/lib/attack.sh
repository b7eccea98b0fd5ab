# attack.sh: the rig of the hook's adversarial tests (tests/t07xx). An
# attacker writes the application's connection string; the DSN's owner
# wrote odbc.ini and odbcinst.ini. Source after test-lib.sh, keyring.sh
# and pg.sh.
#
#   attack_pg_setup          keyring, PostgreSQL, the ini files below, a
#                            fresh canary token ($TOK) stored for
#                            odbcuser@127.0.0.1:$PG_PORT and set as the
#                            role's password
#   attack_fakepg_start      the hostile servers (tests/lib/fakepg.py) on
#                            127.0.0.2:$PG_PORT, 127.0.0.2:5432,
#                            127.0.0.1:$EVIL_PORT and Unix sockets in
#                            $EVIL; PGHOST=$EVIL, so that libpq's default
#                            host is the attacker's too
#   attack_passwords         how many password messages the hostile
#                            servers were sent (must stay 0)
#   attack_refused OUT PAT   OUT (tp-odbc-client's output) is a failed
#                            connect with a 28000 record whose message
#                            matches the ERE PAT (case-insensitive; and
#                            $ATTACK_ALSO when set), and holds no token
#   attack_row FRAG PAT BASE...  one attack on every base, A and W
#   attack_scan              no log, trace or file of ours holds $TOK
#   attack_evil_helper NAME  a program that only touches $EVIL/NAME.ran
#   attack_evil_library NAME a library whose constructor touches
#                            $EVIL/NAME.ran (built with cc)
#
# ODBC entries (besides pg.sh's [tp], [pg], [tokenpass], [PG Unicode]):
#   odbcinst.ini [PostgreSQL (tokenpass)]: the hook, TargetDriver PG Unicode
#   odbc.ini [tpt]: the hook with TargetDSN = pg
# Connection-string bases: $DSN_A ("DSN=tp"), $DSN_T ("DSN=tpt") and
# $DSN_LESS (DRIVER={PostgreSQL (tokenpass)};Servername=...).

CLIENT=$TP_BUILD_DIR/tests/odbc-stub/tp-odbc-client
PY=/usr/bin/python3
EVIL=$TRASH/evil
FAKE_LOG=$TRASH/fakepg.log
PG_DRIVER_A=${PG_DRIVER_A:-/usr/lib/x86_64-linux-gnu/odbc/psqlodbca.so}

attack_token () {
	printf 'tpcanary%s' "$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"
}

attack_pg_setup () {
	keyring_start &&
	pg_start &&
	pg_odbc_setup &&
	cat >>"$ODBC_DIR/odbcinst.ini" <<-EOF &&

	[PostgreSQL (tokenpass)]
	Description = psqlODBC through tokenpass
	Driver = $TP_PLUGIN
	TargetDriver = PG Unicode
	TokenHelper = $TP_BUILD_DIR/tokenpass
	EOF
	cat >>"$ODBC_DIR/odbc.ini" <<-EOF &&

	[tpt]
	Driver = tokenpass
	TargetDSN = pg
	TokenHelper = $TP_BUILD_DIR/tokenpass
	EOF
	TOK=$(attack_token) &&
	test_atexit "attack_clean_tmp" &&
	pg_password "$TOK" &&
	printf '%s\n' "$TOK" |
	tokenpass add-pat --host 127.0.0.1:$PG_PORT --user odbcuser &&
	DSN_A="DSN=tp" &&
	DSN_T="DSN=tpt" &&
	DSN_LESS="DRIVER={PostgreSQL (tokenpass)};Servername=127.0.0.1;Port=$PG_PORT;Database=odbctest;UID=odbcuser" &&
	mkdir -p "$EVIL" && chmod 777 "$EVIL" &&
	export TOK DSN_A DSN_T DSN_LESS
}

attack_fakepg_start () {
	EVIL_PORT=$(pg_free_port) &&
	rm -f "$TRASH/fakepg.ready" &&
	: >"$FAKE_LOG" &&
	{ "$PY" "$TP_SRC_DIR/tests/lib/fakepg.py" "$FAKE_LOG" \
		"$TRASH/fakepg.ready" \
		127.0.0.2:$PG_PORT 127.0.0.2:5432 127.0.0.1:$EVIL_PORT \
		127.0.0.1:5432 "$EVIL/.s.PGSQL.$PG_PORT" \
		"$EVIL/.s.PGSQL.5432" "$EVIL/.s.PGSQL.$EVIL_PORT" \
		</dev/null >/dev/null 2>"$TRASH/fakepg.err" & } &&
	FAKE_PID=$! &&
	test_atexit "test_stop_pid $FAKE_PID" &&
	_i=0 &&
	while ! test -f "$TRASH/fakepg.ready" && test $_i -lt 300; do
		_i=$((_i + 1))
		sleep 0.1
	done &&
	test -f "$TRASH/fakepg.ready" &&
	grep -q "^listen 127.0.0.2:$PG_PORT$" "$FAKE_LOG" &&
	grep -q "^listen $EVIL/.s.PGSQL.$PG_PORT$" "$FAKE_LOG" &&
	PGHOST=$EVIL &&
	export EVIL_PORT FAKE_PID PGHOST
}

attack_passwords () {
	grep -c "^password " "$FAKE_LOG"
}

# the hostile servers got no password (and never our token)
attack_no_password () {
	if grep "^password " "$FAKE_LOG" >&2; then
		echo >&2 "a hostile server was sent a password (above)"
		return 1
	fi
	test_grep ! -F "$TOK" "$FAKE_LOG"
}

attack_refused () {
	test_grep "^rc=-1$" "$1" &&
	grep "^diag: 28000: " "$1" >"$1.28000" || {
		echo >&2 "no 28000 record in:"
		cat >&2 "$1"
		return 1
	}
	if ! grep -E -i -e "$2" "$1.28000" >/dev/null; then
		echo >&2 "the 28000 message does not name /$2/:"
		cat >&2 "$1"
		return 1
	fi
	if test -n "${ATTACK_ALSO:-}" &&
	   ! grep -E -i -e "$ATTACK_ALSO" "$1.28000" >/dev/null; then
		echo >&2 "the 28000 message does not say /$ATTACK_ALSO/:"
		cat >&2 "$1"
		return 1
	fi
	test_grep ! -F "$TOK" "$1"
}

# Every place a driver, the hook or the helper could leave the token:
# psqlODBC's logs (/tmp/mylog_*, /tmp/psqlodbc*, its Logdir), the trash
# (the home, the ini files, the hostile servers' log, every output).
attack_scan () {
	_hits=$(grep -rlF -- "$TOK" /tmp/mylog_* /tmp/psqlodbc* \
		"$TRASH" "$HOME" 2>/dev/null) || :
	if test -n "$_hits"; then
		echo >&2 "the token is in: $_hits"
		return 1
	fi
}

# at exit: psqlODBC logs in /tmp that a failed row left with our token
attack_clean_tmp () {
	grep -lF -- "$TOK" /tmp/mylog_* /tmp/psqlodbc* 2>/dev/null |
	while read -r _f; do
		rm -f "$_f"
	done
}

attack_evil_helper () {
	cat >"$EVIL/$1" <<-EOF &&
	#!/bin/sh
	touch "$EVIL/$1.ran"
	exit 1
	EOF
	chmod 755 "$EVIL/$1"
}

# attack_stub_setup: the stub driver behind the hook, for a PAT stored for
# alice@db.example:5433 ($STUB_TOK): odbcinst.ini's [Stub] and
# [Stub (tokenpass)], odbc.ini's [stubdsn]; sets and exports STUB_TOK,
# STUB_DSN and STUB_LESS
attack_stub_setup () {
	STUB_TOK=$(attack_token) &&
	printf "%s\n" "$STUB_TOK" |
	tokenpass add-pat --host db.example:5433 --user alice &&
	cat >>"$ODBC_DIR/odbcinst.ini" <<-EOF &&

	[Stub]
	Driver = $STUB

	[Stub (tokenpass)]
	Driver = $TP_PLUGIN
	TargetDriver = Stub
	TokenHelper = $TP_BUILD_DIR/tokenpass
	EOF
	cat >>"$ODBC_DIR/odbc.ini" <<-EOF &&

	[stubdsn]
	Driver = tokenpass
	TargetDriver = Stub
	TokenHelper = $TP_BUILD_DIR/tokenpass
	Server = db.example
	Port = 5433
	UID = alice
	EOF
	STUB_DSN="DSN=stubdsn" &&
	STUB_LESS="DRIVER={Stub (tokenpass)};Server=db.example;Port=5433;UID=alice" &&
	export STUB_TOK STUB_DSN STUB_LESS
}

attack_evil_library () {
	cat >"$EVIL/$1.c" <<-EOF &&
	#include <fcntl.h>
	#include <unistd.h>
	__attribute__((constructor)) static void evil(void)
	{
		int fd = open("$EVIL/$1.ran", O_WRONLY | O_CREAT, 0644);

		if (fd >= 0)
			close(fd);
	}
	int SQLDriverConnect(void);
	int SQLDriverConnect(void) { return -1; }
	EOF
	${CC:-cc} -shared -fPIC -o "$EVIL/$1.so" "$EVIL/$1.c"
}

# attack_row FRAG PAT BASE...: FRAG appended to each base connection
# string (the names of variables: DSN_A, DSN_T, DSN_LESS, ...), through
# the A and the W path; each must be refused (attack_refused OUT PAT)
# with no password sent to a hostile server. Tries every combination and
# names each one that failed.
attack_row () {
	_frag=$1 _pat=$2 _bad=
	shift 2
	for _base in "$@"; do
		eval "_cs=\$$_base"
		for _w in -a -w; do
			test -f "$FAKE_LOG" && : >"$FAKE_LOG"
			_f=
			test "$_w" = -w && _f=-w
			"$CLIENT" $_f "$_cs;$_frag" >out 2>&1
			_rc=$?
			_why=$(attack_row_check out "$_pat" $_rc) || {
				_bad="$_bad $_base$_w"
				echo "--- $_base $_w: $_cs;$_frag"
				cat out
				echo "$_why"
			}
		done
	done
	test -z "$_bad" || {
		echo "failed:$_bad"
		return 1
	}
}

# attack_row_check OUT PAT RC: says what is wrong, with as few processes
# as may be (a row runs six connects)
attack_row_check () {
	_out=$(cat "$1")
	test "$3" = 1 || { echo "exit code $3, not 1"; return 1; }
	case "$_out" in
	*"$TOK"*) echo "the output holds the token"; return 1 ;;
	esac
	_m=$(printf '%s\n' "$_out" | grep "^diag: 28000: ") || {
		echo "no 28000 record"
		return 1
	}
	printf '%s\n' "$_m" | grep -E -i -q -e "$2" || {
		echo "the 28000 message does not name /$2/"
		return 1
	}
	if test -n "${ATTACK_ALSO:-}"; then
		printf '%s\n' "$_m" | grep -E -i -q -e "$ATTACK_ALSO" || {
			echo "the 28000 message does not say /$ATTACK_ALSO/"
			return 1
		}
	fi
	if test -f "$FAKE_LOG"; then
		_fake=$(cat "$FAKE_LOG")
		case "$_fake" in
		*"password "*|*"$TOK"*)
			echo "a hostile server was sent a password:"
			printf '%s\n' "$_fake"
			return 1 ;;
		esac
	fi
	return 0
}
