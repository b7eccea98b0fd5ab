# The hook's adversarial tests (tests/t07NN-attack-*.t): connection
# strings written by an attacker against the real psqlODBC + PostgreSQL
# and the stub driver, hostile servers that ask for a cleartext password
# (tests/lib/fakepg.py), programs and libraries that must never run, logs
# that must never hold the token; and the helper's token URL tricks.
TP_ATTACK_TESTS = \
	tests/t0700-attack-routing.t \
	tests/t0701-attack-exec.t \
	tests/t0702-attack-logs.t \
	tests/t0703-attack-process.t \
	tests/t0704-attack-token-url.t
TESTS += $(TP_ATTACK_TESTS)
EXTRA_DIST += $(TP_ATTACK_TESTS)
