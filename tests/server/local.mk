# The Snowflake-shaped token server and the oidc-provider rig (tests/server/).

EXTRA_DIST += tests/server/snowflake.py
TESTS += tests/t0200-tokenserver.t
EXTRA_DIST += tests/t0200-tokenserver.t
