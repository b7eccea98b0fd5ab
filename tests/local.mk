# Tests: C unit tests (plain exit codes) and shell tests that write TAP
# (.t, run through build-aux/tap-driver.sh). Every test owns a temporary
# HOME, and the keyring tests a private D-Bus bus and gnome-keyring.

EXTRA_DIST += tests/lib

TESTS += tests/t0000-style.t
EXTRA_DIST += tests/t0000-style.t tests/lsan.supp

# C unit tests of the helper's parts: exit 0 pass, 1 fail, 99 hard error.
TP_UNIT_TESTS = tests/unit/test-credential tests/unit/test-record
check_PROGRAMS += $(TP_UNIT_TESTS) tests/unit/store-oauth
TESTS += $(TP_UNIT_TESTS)

tests_unit_test_credential_SOURCES = tests/unit/test-credential.c
tests_unit_test_credential_CFLAGS = $(helper_libtp_a_CFLAGS)
tests_unit_test_credential_LDADD = $(TP_LIBS)

tests_unit_test_record_SOURCES = tests/unit/test-record.c
tests_unit_test_record_CFLAGS = $(helper_libtp_a_CFLAGS)
tests_unit_test_record_LDADD = $(TP_LIBS)

# Not a test: makes an OAuth keyring item for the shell tests.
tests_unit_store_oauth_SOURCES = tests/unit/store-oauth.c
tests_unit_store_oauth_CFLAGS = $(helper_libtp_a_CFLAGS)
tests_unit_store_oauth_LDADD = $(TP_LIBS)

# The helper over a real gnome-keyring on a private bus.
TP_HELPER_TESTS = \
	tests/t0100-protocol.t \
	tests/t0101-add-pat.t \
	tests/t0102-list-remove.t \
	tests/t0103-keyring-failures.t \
	tests/t0104-hygiene.t \
	tests/t0105-storage.t \
	tests/t0106-git.t \
	tests/t0107-git-t0303.t
TESTS += $(TP_HELPER_TESTS)
EXTRA_DIST += $(TP_HELPER_TESTS)

# Headless servers (tests/t095N): a test service account, its keyring
# unlocked from a systemd credential, the units of 'headless setup'.
# headless-run: helper/headless.c's start on its own.
check_PROGRAMS += tests/unit/headless-run
tests_unit_headless_run_SOURCES = tests/unit/headless-run.c
tests_unit_headless_run_CFLAGS = $(helper_libtp_a_CFLAGS)
tests_unit_headless_run_LDADD = $(TP_LIBS)
TP_HEADLESS_TESTS = \
	tests/t0950-headless-setup.t \
	tests/t0951-headless-agent.t
TESTS += $(TP_HEADLESS_TESTS)
EXTRA_DIST += $(TP_HEADLESS_TESTS)
