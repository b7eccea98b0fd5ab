#!/bin/sh
test_description='the fuzz targets build with clang, and every seed runs clean'
. "$TP_SRC_DIR/tests/lib/test-lib.sh"

# tests/fuzz/local.mk: 'make fuzz' runs them for a while; here each seed
# runs once, so that a change that breaks a target or a seed shows in
# 'make check' within seconds.
command -v clang >/dev/null 2>&1 ||
	test_skip_all 'no clang (scripts/deps installs it)'

targets='credential connstr oauth record snowflake loopback'

test_expect_success 'make fuzz-build builds every target' '
	# a make of its own: not a job of the make that runs the tests
	if ! env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL \
		make -C "$TP_BUILD_DIR" -j4 fuzz-build >build.log 2>&1
	then
		cat build.log
		false
	fi &&
	for t in $targets
	do
		test -x "$TP_BUILD_DIR/tests/fuzz/fuzz-$t" || return 1
	done
'

for t in $targets
do
	test_expect_success "fuzz-$t: every seed once, no crash" '
		ls "$TP_SRC_DIR/tests/fuzz/corpus/$t"/* >seeds &&
		test -s seeds &&
		xargs "$TP_BUILD_DIR/tests/fuzz/fuzz-$t" \
			-artifact_prefix="$TRASH/$t-" <seeds >run.log 2>&1 ||
		{ cat run.log; false; } &&
		grep "^Executed " run.log >executed &&
		test $(wc -l <executed) -eq $(wc -l <seeds)
	'
done

test_done
