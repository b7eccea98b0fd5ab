#!/bin/sh
test_description='house style: banned functions, no secrets in argv'
. "$TP_SRC_DIR/tests/lib/test-lib.sh"

sources () {
	find "$TP_SRC_DIR/helper" "$TP_SRC_DIR/plugin" \
		"$TP_SRC_DIR/tests/unit" -name '*.[ch]' 2>/dev/null
}

test_expect_success 'no banned C functions (DESIGN.md)' '
	sources >files &&
	test -s files &&
	! xargs grep -nE "(^|[^_[:alnum:]])(sprintf|vsprintf|strcpy|strcat|strncpy|strncat|gets|strtok|atoi|atol|sscanf)[[:space:]]*\(" <files
'

test_expect_success 'the plugin never exits or aborts its host process' '
	find "$TP_SRC_DIR/plugin" -name "*.c" >pfiles &&
	if test -s pfiles; then
		! xargs grep -nE "(^|[^_[:alnum:]])(exit|_exit|abort|assert)[[:space:]]*\(" <pfiles
	fi
'

test_expect_success 'no option takes a secret on the command line' '
	! grep -nE "\"(token|password|secret|client-secret|pat)\", *required_argument" \
		"$TP_SRC_DIR"/helper/*.c
'

test_done
