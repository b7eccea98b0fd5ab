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
