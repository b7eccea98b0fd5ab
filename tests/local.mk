# Tests: C unit tests (plain exit codes) and shell tests that write TAP
# (.t, run through build-aux/tap-driver.sh). Every test owns a temporary
# HOME, and the keyring tests a private D-Bus bus and gnome-keyring.

EXTRA_DIST += tests/lib

TESTS += tests/t0000-style.t
