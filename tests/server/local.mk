# The Snowflake-shaped token server and the oidc-provider rig (tests/server/).

EXTRA_DIST += tests/server/snowflake.py
TESTS += tests/t0200-tokenserver.t
EXTRA_DIST += tests/t0200-tokenserver.t

# oidc-provider: package.json and its lockfile; 'npm ci' fills
# node_modules on first use (tests/lib/oidc.sh).
EXTRA_DIST += tests/server/oidc/package.json \
	tests/server/oidc/package-lock.json tests/server/oidc/server.mjs
TESTS += tests/t0201-oidc.t
EXTRA_DIST += tests/t0201-oidc.t

# Token lifecycle against the real helper (renewal issue).
TESTS += tests/t0202-login.t
EXTRA_DIST += tests/t0202-login.t
TESTS += tests/t0203-renewal.t
EXTRA_DIST += tests/t0203-renewal.t
TESTS += tests/t0204-reauth.t
EXTRA_DIST += tests/t0204-reauth.t
TESTS += tests/t0205-concurrency.t
EXTRA_DIST += tests/t0205-concurrency.t
TESTS += tests/t0206-faults.t
EXTRA_DIST += tests/t0206-faults.t
TESTS += tests/t0207-rotate.t
EXTRA_DIST += tests/t0207-rotate.t

# The helper under the faults real users meet (issue 11).
TP_FAULT_TESTS = \
	tests/t0210-renewal-finishes.t \
	tests/t0211-lock-dir.t \
	tests/t0212-locked-keyring.t \
	tests/t0214-login-listener.t \
	tests/t0215-matching.t \
	tests/t0216-rotate-finishes.t
TESTS += $(TP_FAULT_TESTS)
EXTRA_DIST += $(TP_FAULT_TESTS)
