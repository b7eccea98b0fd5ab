/*
 * The stored JSON document (helper/record.c): every field survives a round
 * trip, the version is written and checked, and damaged documents are
 * refused with a reason that never quotes them. One line per check;
 * exit 0 when all pass, 1 when one fails, 99 when the test cannot run.
 */
#include "helper/record.h"
#include "helper/secmem.h"
#include "helper/tokenpass.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int failures;

static void check(int ok, const char *what)
{
	printf("%s - %s\n", ok ? "ok" : "FAIL", what);
	if (!ok)
		failures++;
}

static int streq(const char *a, const char *b)
{
	return a && b && !strcmp(a, b);
}

static void test_round_trip(void)
{
	struct record in = RECORD_INIT, out = RECORD_INIT;
	const char *why = NULL;
	char *json;

	in.kind = RECORD_OAUTH;
	in.token = xstrdup("at-\"quoted\"\\back\001ctl-\xc3\xa9");
	in.expires = 1790000000;
	in.protocol = xstrdup("https");
	in.path = xstrdup("org/repo.git");
	in.pat_name = xstrdup("PAT_1");
	in.admin = xstrdup("ADMIN");
	in.refresh_token = xstrdup("rt-secret");
	in.refresh_expires = 1797000000;
	in.client_id = xstrdup("cid");
	in.client_secret = xstrdup("csecret");
	in.token_url = xstrdup("https://h/oauth/token-request");
	in.authorize_url = xstrdup("https://h/oauth/authorize");
	in.scope = xstrdup("refresh_token session:role:R");
	in.grant = xstrdup("authorization_code");
	in.role = xstrdup("R");
	in.updated = 1780000000;
	in.needs_login = 1;

	json = record_to_json(&in);
	check(json && strstr(json, "\"version\":1"),
	      "the document carries \"version\":1");
	check(json && strstr(json, "\"kind\":\"oauth\""),
	      "the document names its kind");
	check(!record_from_json(json, &out, &why), "the document reads back");
	check(out.kind == RECORD_OAUTH, "kind survives");
	check(streq(out.token, in.token),
	      "token survives (quotes, backslash, control, UTF-8)");
	check(out.expires == in.expires, "expires survives");
	check(streq(out.protocol, "https"), "protocol survives");
	check(streq(out.path, "org/repo.git"), "path survives");
	check(streq(out.pat_name, "PAT_1"), "pat_name survives");
	check(streq(out.admin, "ADMIN"), "admin survives");
	check(streq(out.refresh_token, "rt-secret"), "refresh_token survives");
	check(out.refresh_expires == in.refresh_expires,
	      "refresh_expires survives");
	check(streq(out.client_id, "cid"), "client_id survives");
	check(streq(out.client_secret, "csecret"), "client_secret survives");
	check(streq(out.token_url, in.token_url), "token_url survives");
	check(streq(out.authorize_url, in.authorize_url),
	      "authorize_url survives");
	check(streq(out.scope, in.scope), "scope survives");
	check(streq(out.grant, "authorization_code"), "grant survives");
	check(streq(out.role, "R"), "role survives");
	check(out.updated == in.updated, "updated survives");
	check(out.needs_login == 1, "needs_login survives");
	tp_free_secret(json);
	record_release(&out);
	record_release(&in);

	in.kind = RECORD_PAT;
	in.token = xstrdup("pat-only");
	json = record_to_json(&in);
	check(json && !strstr(json, "refresh") && !strstr(json, "client") &&
	      !strstr(json, "expires") && !strstr(json, "needs_login"),
	      "fields a PAT does not use are absent");
	check(!record_from_json(json, &out, &why) && out.kind == RECORD_PAT &&
	      streq(out.token, "pat-only") && !out.expires &&
	      !out.refresh_token && !out.needs_login,
	      "a bare PAT reads back with nothing else set");
	tp_free_secret(json);
	record_release(&out);
	record_release(&in);
	check(!out.token && !in.token && out.kind == RECORD_PAT,
	      "record_release leaves RECORD_INIT");
}

static void test_refused(void)
{
	static const struct {
		const char *json;
		const char *why;	/* a word the reason must hold */
		const char *what;
	} t[] = {
		{ "", "JSON object", "an empty document" },
		{ "{", "JSON object", "truncated JSON" },
		{ "{\"version\":1,\"kind\":\"pat\",\"token\":\"t\"",
		  "JSON object", "an object without its closing brace" },
		{ "[1,2]", "JSON object", "an array" },
		{ "\"tok\"", "JSON object", "a bare string" },
		{ "null", "JSON object", "null" },
		{ "tok-plain-secret", "JSON object",
		  "a plain secret (an item from another tool)" },
		{ "{\"kind\":\"pat\",\"token\":\"t\"}", "no version",
		  "no version" },
		{ "{\"version\":\"1\",\"kind\":\"pat\",\"token\":\"t\"}",
		  "no version", "a version that is a string" },
		{ "{\"version\":2,\"kind\":\"pat\",\"token\":\"t\"}",
		  "unknown version", "version 2" },
		{ "{\"version\":0,\"kind\":\"pat\",\"token\":\"t\"}",
		  "unknown version", "version 0" },
		{ "{\"version\":1.5,\"kind\":\"pat\",\"token\":\"t\"}",
		  "unknown version", "version 1.5" },
		{ "{\"version\":1,\"token\":\"t\"}", "unknown kind",
		  "no kind" },
		{ "{\"version\":1,\"kind\":\"password\",\"token\":\"t\"}",
		  "unknown kind", "an unknown kind" },
		{ "{\"version\":1,\"kind\":1,\"token\":\"t\"}", "unknown kind",
		  "a kind that is a number" },
		{ "{\"version\":1,\"kind\":\"pat\"}", "no token", "no token" },
		{ "{\"version\":1,\"kind\":\"pat\",\"token\":5}", "'token'",
		  "a token that is a number" },
		{ "{\"version\":1,\"kind\":\"pat\",\"token\":null}", "'token'",
		  "a token that is null" },
		{ "{\"version\":1,\"kind\":\"oauth\",\"token\":\"t\","
		  "\"refresh_token\":[]}", "'refresh_token'",
		  "a refresh token that is an array" },
		{ "{\"version\":1,\"kind\":\"pat\",\"token\":\"t\","
		  "\"expires\":\"1790000000\"}", "'expires'",
		  "an expiry that is a string" },
		{ "{\"version\":1,\"kind\":\"pat\",\"token\":\"t\","
		  "\"expires\":-1}", "'expires'", "a negative expiry" },
		{ "{\"version\":1,\"kind\":\"pat\",\"token\":\"t\","
		  "\"expires\":1.5}", "'expires'", "a fractional expiry" },
		{ "{\"version\":1,\"kind\":\"pat\",\"token\":\"t\","
		  "\"expires\":1e300}", "'expires'", "an expiry of 1e300" },
		{ "{\"version\":1,\"kind\":\"oauth\",\"token\":\"t\","
		  "\"refresh_expires\":true}", "'refresh_expires'",
		  "a refresh expiry that is true" },
		{ "{\"version\":1,\"kind\":\"pat\",\"token\":\"t\","
		  "\"updated\":{}}", "'updated'", "an updated that is {}" },
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(*t); i++) {
		struct record r = RECORD_INIT;
		const char *why = NULL;
		char *what = xasprintf("refused: %s", t[i].what);

		check(record_from_json(t[i].json, &r, &why) == -1 && why &&
		      strstr(why, t[i].why) && !r.token, what);
		/* the reason is static and never quotes the document */
		check(why && !strstr(why, "tok-plain-secret") &&
		      !strstr(why, "\"t\""), "  ... its reason quotes nothing");
		free(what);
		record_release(&r);
	}
}

static void test_sizes(void)
{
	const char *head = "{\"version\":1,\"kind\":\"pat\",\"token\":\"";
	size_t hlen = strlen(head), n;
	struct record r = RECORD_INIT;
	const char *why = NULL;
	char *json;

	/* exactly RECORD_MAX_JSON bytes: accepted */
	n = RECORD_MAX_JSON;
	json = xmalloc(n + 1);
	memcpy(json, head, hlen);
	memset(json + hlen, 'a', n - hlen - 2);
	memcpy(json + n - 2, "\"}", 3);
	check(strlen(json) == RECORD_MAX_JSON && !record_from_json(json, &r,
	      &why) && r.token && strlen(r.token) == n - hlen - 2,
	      "a document of exactly RECORD_MAX_JSON bytes is read");
	record_release(&r);
	free(json);

	/* one byte more: refused before parsing */
	n = RECORD_MAX_JSON + 1;
	json = xmalloc(n + 1);
	memcpy(json, head, hlen);
	memset(json + hlen, 'a', n - hlen - 2);
	memcpy(json + n - 2, "\"}", 3);
	check(record_from_json(json, &r, &why) == -1 && why &&
	      strstr(why, "too large") && !r.token,
	      "a document one byte over RECORD_MAX_JSON is refused");
	record_release(&r);
	free(json);

	/* deep nesting must not take the parser down */
	n = 100000;
	json = xmalloc(2 * n + 1);
	memset(json, '[', n);
	memset(json + n, ']', n);
	json[2 * n] = '\0';
	check(record_from_json(json, &r, &why) == -1,
	      "100000 nested arrays are refused, without a crash");
	record_release(&r);
	free(json);
}

static void test_kinds(void)
{
	enum record_kind k = RECORD_OAUTH;

	check(!strcmp(record_kind_name(RECORD_PAT), "pat") &&
	      !strcmp(record_kind_name(RECORD_OAUTH), "oauth"),
	      "kind names are pat and oauth");
	check(!record_kind_parse("pat", &k) && k == RECORD_PAT &&
	      !record_kind_parse("oauth", &k) && k == RECORD_OAUTH,
	      "kind names parse back");
	check(record_kind_parse("PAT", &k) == -1 &&
	      record_kind_parse("", &k) == -1, "other kind names do not");
}

int main(void)
{
	record_json_hooks();
	test_round_trip();
	test_refused();
	test_sizes();
	test_kinds();
	if (failures)
		printf("%d check(s) failed\n", failures);
	return failures ? 1 : 0;
}
