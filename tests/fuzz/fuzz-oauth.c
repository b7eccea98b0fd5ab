/*
 * A token endpoint's answer: oauth_parse_response() (helper/oauth.c).
 * The first byte picks the HTTP status (statuses[] below: a seed that
 * starts with '0' is a 200, '1' a 400, '2' a 401 ...), the rest is the
 * body. Success only for a 200 with a usable access token; a failure
 * says why in one clean line and leaves the token alone.
 */
#include "helper/oauth.h"
#include "helper/tokenpass.h"
#include "tests/fuzz/fuzz.h"

static const long statuses[8] = { 200, 400, 401, 403, 500, 201, 302, 0 };

#define MAX_SECONDS (100LL * 366 * 86400)

/* a token as we hand it on: not empty, no white space or control */
static int clean_token(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if ((unsigned char)*s <= ' ' || *s == 0x7f)
			return 0;
	return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct oauth_token tok = OAUTH_TOKEN_INIT;
	long status;
	char *body, *why = NULL;
	int ret;

	if (!size)
		return 0;
	status = statuses[data[0] % 8];
	body = fuzz_string(data + 1, size - 1);
	ret = oauth_parse_response(status, body, &tok, &why);
	FUZZ_CHECK(ret == TP_OK || ret == TP_SIGN_IN || ret == TP_ENDPOINT);
	if (ret == TP_OK) {
		FUZZ_CHECK(status == 200);
		FUZZ_CHECK(!why);
		FUZZ_CHECK(tok.access_token && clean_token(tok.access_token));
		FUZZ_CHECK(!tok.refresh_token ||
			   clean_token(tok.refresh_token));
		FUZZ_CHECK(tok.expires_in >= -1 &&
			   tok.expires_in <= MAX_SECONDS);
		FUZZ_CHECK(tok.refresh_expires_in >= -1 &&
			   tok.refresh_expires_in <= MAX_SECONDS);
		FUZZ_CHECK(!tok.scope || fuzz_printable(tok.scope));
		FUZZ_CHECK(!tok.username || fuzz_printable(tok.username));
	} else {
		FUZZ_CHECK(why && *why && fuzz_printable(why));
		FUZZ_CHECK(!tok.access_token && !tok.refresh_token &&
			   !tok.scope && !tok.username);
		/* a renewal gives up only on what RFC 6749 says is final */
		if (ret == TP_SIGN_IN)
			FUZZ_CHECK(strstr(why, "invalid_grant") ||
				   strstr(why, "invalid_client") ||
				   strstr(why, "unauthorized_client"));
	}
	oauth_token_release(&tok);
	free(why);
	free(body);
	return 0;
}
