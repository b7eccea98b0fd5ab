#!/bin/sh
test_description="git's own external-helper suite (t0303) against tokenpass"
. "$TP_SRC_DIR/tests/lib/test-lib.sh"
. "$TP_SRC_DIR/tests/lib/keyring.sh"

# git's test suite is not installed by any package: point TP_GIT_SRC at
# an unpacked git source tree of the installed version ('apt-get source
# git' with a deb-src line), prepared with
#   make NO_GETTEXT=1 NO_TCLTK=1 NO_CURL=1 NO_EXPAT=1 NO_PERL=1 \
#        NO_PYTHON=1 GIT-BUILD-OPTIONS t/helper/test-tool && make -C templates
# The installed git is the one tested (GIT_TEST_INSTALLED).
t0303=${TP_GIT_SRC:-}/t/t0303-credential-external.sh
if test -z "${TP_GIT_SRC:-}" || ! test -f "$t0303" ||
   ! test -x "$TP_GIT_SRC/t/helper/test-tool"
then
	test_skip_all "set TP_GIT_SRC to a prepared git source tree"
fi

test_setup 'a private bus and an unlocked keyring' '
	keyring_start
'

test_expect_success 't0303-credential-external.sh passes' '
	(
		cd "$TP_GIT_SRC/t" &&
		if test -n "${TP_SANITIZERS:-}"
		then
			# glibc'"'"'s malloc checker, which git preloads, and
			# ASan cannot share a process
			TEST_NO_MALLOC_CHECK=1
			export TEST_NO_MALLOC_CHECK
		fi &&
		GIT_TEST_INSTALLED=$(dirname "$(command -v git)") \
		GIT_TEST_CREDENTIAL_HELPER=tokenpass \
		timeout 300 sh t0303-credential-external.sh
	) >t0303.out 2>&1;
	rc=$?
	cat t0303.out &&
	test $rc -eq 0 &&
	test_grep "^# passed all [0-9]* test" t0303.out &&
	test_grep ! "^not ok" t0303.out
'

test_done
