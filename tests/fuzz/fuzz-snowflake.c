/*
 * The SQL API's answer to the ROTATE statement: snowflake_parse_result()
 * (helper/snowflake.c), for the column snowflake_rotate() asks for. The
 * first byte picks the HTTP status (statuses[] below: '0' a 200, '1' a
 * 422, '2' a 401 ...), the rest is the body. A value only for a 200, never
 * empty; a failure says why in one clean line, with the exit code the
 * status calls for.
 */
#include "helper/snowflake.h"
#include "helper/tokenpass.h"
#include "tests/fuzz/fuzz.h"

static const long statuses[8] = { 200, 422, 401, 403, 400, 202, 500, 0 };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	long status;
	char *body, *value = NULL, *why = NULL;
	int ret;

	if (!size)
		return 0;
	status = statuses[data[0] % 8];
	body = fuzz_string(data + 1, size - 1);
	ret = snowflake_parse_result(status, body, "token_secret", &value,
				     &why);
	switch (ret) {
	case TP_OK:
		FUZZ_CHECK(status == 200);
		FUZZ_CHECK(value && *value && !why);
		break;
	case TP_ERROR:
		FUZZ_CHECK(status == 422 || status == 400);
		break;
	case TP_SIGN_IN:
		FUZZ_CHECK(status == 401 || status == 403);
		break;
	case TP_ENDPOINT:
		break;
	default:
		FUZZ_CHECK(!"a documented exit code");
	}
	if (ret != TP_OK)
		FUZZ_CHECK(!value && why && *why && fuzz_printable(why));
	free(value);
	free(why);
	free(body);
	return 0;
}
