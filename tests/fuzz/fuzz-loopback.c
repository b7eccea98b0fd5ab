/*
 * The sign-in listener's HTTP reader: loopback_parse() on what a local
 * client sends (helper/loopback.c), then the query of the target it
 * accepts and the error text we would print from it. Properties: a
 * verdict for every input; an accepted target is one path without a
 * space, line break or NUL; a verdict never changes as more bytes come
 * (an answer for a prefix is the answer); printed text has no control
 * characters, so no terminal escape gets through.
 */
#include "helper/loopback.h"
#include "helper/tokenpass.h"
#include "tests/fuzz/fuzz.h"

static void check_text(const char *target)
{
	const char *q = strchr(target, '?');
	char *err = loopback_query_get(q ? q + 1 : NULL, "error");
	char *desc = loopback_query_get(q ? q + 1 : NULL,
					"error_description");
	char *clean;
	const unsigned char *p;

	if (desc) {
		clean = tp_clean_text(desc, 300);
		FUZZ_CHECK(strlen(clean) <= 300);
		for (p = (const unsigned char *)clean; *p; p++) {
			FUZZ_CHECK(*p >= 0x20 && *p != 0x7f);
			FUZZ_CHECK(!(p[0] == 0xc2 && p[1] >= 0x80 &&
				     p[1] <= 0x9f));
		}
		free(clean);
	}
	free(err);
	free(desc);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *target = NULL, *first = NULL;
	const char *buf = (const char *)data;
	size_t n, at = 0;
	int r, seen = 0;

	if (size > LOOPBACK_REQUEST_MAX)
		size = LOOPBACK_REQUEST_MAX;
	/* byte by byte for short inputs, as a slow client sends them */
	for (n = size > 256 ? size : 1; n <= size; n++) {
		r = loopback_parse(buf, n, &target);
		FUZZ_CHECK(r >= -1 && r <= 1);
		if (r == 0)
			continue;
		if (r == 1) {
			FUZZ_CHECK(target && *target == '/');
			FUZZ_CHECK(!strpbrk(target, " \r\n"));
			FUZZ_CHECK(strlen(target) < n);
			if (!seen) {
				first = target;
				at = n;
				check_text(target);
			} else {
				FUZZ_CHECK(!strcmp(first, target));
				free(target);
			}
			target = NULL;
		}
		seen = seen ? seen : r;
		FUZZ_CHECK(seen == r);
	}
	(void)at;
	free(first);
	return 0;
}
