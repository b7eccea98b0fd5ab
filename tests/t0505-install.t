#!/bin/sh
. "$TP_SRC_DIR/tests/lib/test-lib.sh"
test_done
