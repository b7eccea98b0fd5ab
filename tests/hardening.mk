# The hardening tests (tests/t06NN-*.t): crash safety, secret exposure
# across an end-to-end run, bad-input tables, scale; and check-valgrind,
# the helper's protocol tests with every tokenpass under valgrind.

# t0610: renewals killed with SIGKILL at random moments.
TESTS += tests/t0610-crash.t
EXTRA_DIST += tests/t0610-crash.t

# t0630: tables of bad input (git protocol, token responses, connection
# strings); each row its exit code or SQLSTATE and message, no crash.
TESTS += tests/t0630-bad-input.t
EXTRA_DIST += tests/t0630-bad-input.t

# t0640: scale. Two test programs: tp-bulk-store fills the keyring from
# one process, tp-connect-loop connects N times in one process and shows
# its VmRSS.
check_PROGRAMS += tests/unit/tp-bulk-store tests/unit/tp-connect-loop
tests_unit_tp_bulk_store_SOURCES = tests/unit/tp-bulk-store.c
tests_unit_tp_bulk_store_CFLAGS = $(tokenpass_core_CFLAGS)
tests_unit_tp_bulk_store_LDADD = $(tokenpass_core_LDADD)
tests_unit_tp_connect_loop_SOURCES = tests/unit/tp-connect-loop.c
tests_unit_tp_connect_loop_CPPFLAGS = $(AM_CPPFLAGS) $(ODBC_CFLAGS)
tests_unit_tp_connect_loop_LDADD = $(ODBC_LIBS)
TESTS += tests/t0640-scale.t
EXTRA_DIST += tests/t0640-scale.t

# The helper's protocol tests with every tokenpass under valgrind
# (tests/lib/test-lib.sh, TP_VALGRIND); suppressions for GLib's own
# leftovers in tests/valgrind/glib.supp.
TP_VALGRIND_TESTS = tests/t0100-protocol.t tests/t0101-add-pat.t \
	tests/t0102-list-remove.t
EXTRA_DIST += tests/valgrind/glib.supp
check-valgrind:
	TP_VALGRIND=1 $(MAKE) $(AM_MAKEFLAGS) check \
		TESTS='$(TP_VALGRIND_TESTS)'
.PHONY: check-valgrind

# t0620: an end-to-end run, then every secret it used searched for in
# files, command output, ODBC traces, argv and environ; no core files.
TESTS += tests/t0620-exposure.t
EXTRA_DIST += tests/t0620-exposure.t

# t0641: connections dropped with their statements never freed, and
# unixODBC's ini cache: the heap stays flat over thousands of connects
# (tp-handle-churn), and a dangling statement never reaches its driver.
check_PROGRAMS += tests/odbc-stub/tp-handle-churn
tests_odbc_stub_tp_handle_churn_SOURCES = tests/odbc-stub/handle-churn.c
tests_odbc_stub_tp_handle_churn_CPPFLAGS = $(AM_CPPFLAGS) $(ODBC_CFLAGS)
tests_odbc_stub_tp_handle_churn_LDADD = -ldl
# its time() stops unixODBC's cache from expiring (handle-churn.c)
tests_odbc_stub_tp_handle_churn_LDFLAGS = -export-dynamic
TESTS += tests/t0641-odbc-churn.t
EXTRA_DIST += tests/t0641-odbc-churn.t
