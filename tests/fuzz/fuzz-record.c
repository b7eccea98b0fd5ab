/*
 * The stored record: record_from_json() (helper/record.c) on the input.
 * A document that parses is written again with record_to_json(), which
 * must parse back to the same fields and write the same document again.
 */
#include "helper/record.h"
#include "helper/secmem.h"
#include "tests/fuzz/fuzz.h"

static int same(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

static int same_record(const struct record *a, const struct record *b)
{
	return a->kind == b->kind && same(a->token, b->token) &&
	       a->expires == b->expires && same(a->protocol, b->protocol) &&
	       same(a->path, b->path) && same(a->pat_name, b->pat_name) &&
	       same(a->admin, b->admin) &&
	       same(a->refresh_token, b->refresh_token) &&
	       a->refresh_expires == b->refresh_expires &&
	       a->refresh_lifetime == b->refresh_lifetime &&
	       same(a->client_id, b->client_id) &&
	       same(a->client_secret, b->client_secret) &&
	       same(a->token_url, b->token_url) &&
	       same(a->authorize_url, b->authorize_url) &&
	       same(a->scope, b->scope) && same(a->grant, b->grant) &&
	       same(a->role, b->role) && a->updated == b->updated &&
	       a->needs_login == b->needs_login;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct record rec = RECORD_INIT, again = RECORD_INIT;
	const char *why = NULL;
	char *json = fuzz_string(data, size), *out, *out2;

	if (record_from_json(json, &rec, &why)) {
		FUZZ_CHECK(why && *why);
		FUZZ_CHECK(!rec.token && !rec.refresh_token &&
			   !rec.client_secret);
		goto out;
	}
	FUZZ_CHECK(rec.token);
	FUZZ_CHECK(rec.expires >= 0 && rec.refresh_expires >= 0 &&
		   rec.refresh_lifetime >= 0 && rec.updated >= 0);
	out = record_to_json(&rec);
	why = NULL;
	if (record_from_json(out, &again, &why)) {
		fprintf(stderr, "written: %s\nrefused: %s\n", out, why);
		FUZZ_CHECK(!"a written record parses again");
	}
	FUZZ_CHECK(same_record(&rec, &again));
	out2 = record_to_json(&again);
	FUZZ_CHECK(!strcmp(out, out2));
	tp_free_secret(out);
	tp_free_secret(out2);
out:
	record_release(&rec);
	record_release(&again);
	free(json);
	return 0;
}
