# test-lib.sh: a small git-style test library that writes TAP.
#
#   test_description='what this script checks'
#   . "$TP_SRC_DIR/tests/lib/test-lib.sh"
#   test_expect_success 'a title' '
#   	cmd1 &&
#   	cmd2
#   '
#   test_done
#
# Each script gets its own trash directory ($TRASH), which is also $HOME
# and the XDG directories, so nothing touches the real home. The trash
# is removed at test_done unless a test failed or TP_KEEP_TRASH is set.

: "${TP_SRC_DIR:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${TP_BUILD_DIR:=$TP_SRC_DIR/_build}"
export TP_SRC_DIR TP_BUILD_DIR
TEST_NAME=$(basename "$0" .t)

LC_ALL=C
export LC_ALL
unset DISPLAY WAYLAND_DISPLAY GNOME_KEYRING_CONTROL TOKENPASS_NOW \
	TOKENPASS_REFRESH_MARGIN

TRASH=$(mktemp -d "${TMPDIR:-/tmp}/tp-$TEST_NAME.XXXXXX") || exit 99
HOME=$TRASH/home
XDG_DATA_HOME=$HOME/.local/share
XDG_CONFIG_HOME=$HOME/.config
XDG_CACHE_HOME=$HOME/.cache
XDG_RUNTIME_DIR=$TRASH/run
mkdir -p "$HOME" "$XDG_RUNTIME_DIR" && chmod 700 "$XDG_RUNTIME_DIR"
# set-up steps and the top level of a script work in the trash too
cd "$TRASH" || exit 99
export HOME XDG_DATA_HOME XDG_CONFIG_HOME XDG_CACHE_HOME XDG_RUNTIME_DIR

PATH=$TP_BUILD_DIR:$PATH
# TP_VALGRIND=1: every tokenpass (and git-credential-tokenpass) the tests
# run goes through valgrind; an error or a definite leak exits 99, and
# test_done shows valgrind's reports. TP_VALGRIND_OPTS adds options
# (--gen-suppressions=all to write tests/valgrind/glib.supp).
if test -n "${TP_VALGRIND:-}"; then
	mkdir -p "$TRASH/valgrind" &&
	for _vg in tokenpass git-credential-tokenpass; do
		cat >"$TRASH/valgrind/$_vg" <<-EOF
		#!/bin/sh
		exec valgrind -q --error-exitcode=99 --leak-check=full \\
			${TP_VALGRIND_OPTS:-} \\
			--errors-for-leak-kinds=definite --show-leak-kinds=definite \\
			--suppressions="$TP_SRC_DIR/tests/valgrind/glib.supp" \\
			--log-file="$TRASH/valgrind/log.%p" \\
			"$TP_BUILD_DIR/tokenpass-core" "\$@"
		EOF
		chmod +x "$TRASH/valgrind/$_vg"
	done
	PATH=$TRASH/valgrind:$PATH
fi
export PATH

test_count=0
test_failures=0
test_cleanup_global=
test_cleanup=

# Run a command when the current test ends, pass or fail.
test_when_finished () {
	test_cleanup="$*
$test_cleanup"
}

# Run a command when the script ends (daemons the script started). Call
# it from test_setup or the top level: a test body runs in a subshell.
test_atexit () {
	test_cleanup_global="$*
$test_cleanup_global"
}

test_expect_success () {
	test_count=$((test_count + 1))
	test_cleanup=
	# the body and its test_when_finished cleanups run in one subshell
	if (cd "$TRASH" && eval "$2"
	    rc=$?
	    eval "$test_cleanup" >/dev/null 2>&1
	    exit $rc) >"$TRASH/.out" 2>&1 </dev/null; then
		echo "ok $test_count - $1"
	else
		test_failures=$((test_failures + 1))
		echo "not ok $test_count - $1"
		sed 's/^/#    /' "$TRASH/.out"
		echo "#   the test was:"
		printf '%s\n' "$2" | sed 's/^/#    /'
	fi
}

# test_expect_success whose body runs in this shell, so that variables it
# sets survive (for set-up steps).
test_setup () {
	test_count=$((test_count + 1))
	if eval "$2" >"$TRASH/.out" 2>&1 </dev/null; then
		echo "ok $test_count - $1"
	else
		test_failures=$((test_failures + 1))
		echo "not ok $test_count - $1"
		sed 's/^/#    /' "$TRASH/.out"
	fi
}

# Succeeds when the command fails normally (not by a signal).
test_must_fail () {
	"$@"
	rc=$?
	if test $rc -eq 0; then
		echo >&2 "test_must_fail: '$*' succeeded"
		return 1
	elif test $rc -gt 128 && test $rc -le 192; then
		echo >&2 "test_must_fail: '$*' died of signal $((rc - 128))"
		return 1
	fi
	return 0
}

# test_expect_code N cmd...: the command exits with exactly N.
test_expect_code () {
	want=$1
	shift
	"$@"
	rc=$?
	if test $rc -ne "$want"; then
		echo >&2 "test_expect_code: '$*' exited $rc, not $want"
		return 1
	fi
	return 0
}

# Stop a daemon of ours: TERM, up to 5 s to go, then KILL, and reap it.
test_stop_pid () {
	test -n "$1" || return 0
	kill "$1" 2>/dev/null
	i=0
	while kill -0 "$1" 2>/dev/null && test $i -lt 50; do
		i=$((i + 1))
		sleep 0.1
	done
	kill -9 "$1" 2>/dev/null
	wait "$1" 2>/dev/null
	return 0
}

test_cmp () {
	diff -u "$1" "$2"
}

test_path_is_missing () {
	if test -e "$1"; then
		echo >&2 "path '$1' exists"
		return 1
	fi
}

test_must_be_empty () {
	if test -s "$1"; then
		echo >&2 "'$1' is not empty:"
		cat >&2 "$1"
		return 1
	fi
}

# grep that shows what it searched when it fails.
test_grep () {
	if test "$1" = "!"; then
		shift
		if grep "$@"; then
			echo >&2 "test_grep: found '$*'"
			return 1
		fi
		return 0
	fi
	if ! grep "$@"; then
		eval "last=\${$#}"
		echo >&2 "test_grep: no match for '$*' in:"
		cat >&2 "$last" 2>/dev/null
		return 1
	fi
}

test_skip_all () {
	echo "1..0 # SKIP $*"
	rm -rf "$TRASH"
	exit 0
}

test_done () {
	eval "$test_cleanup_global" >/dev/null 2>&1
	for _vg in "$TRASH"/valgrind/log.*; do
		test -s "$_vg" || continue
		test_failures=$((test_failures + 1))
		echo "# valgrind: $_vg"
		sed 's/^/#   /' "$_vg"
	done
	echo "1..$test_count"
	if test $test_failures -eq 0 && test -z "${TP_KEEP_TRASH:-}"; then
		rm -rf "$TRASH"
	else
		echo "# trash directory kept: $TRASH"
	fi
	test $test_failures -eq 0
	exit $?
}
