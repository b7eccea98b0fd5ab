/*
 * The git credential protocol parser (helper/credential.c) against the
 * rules of SPEC.md and gitcredentials(7): one line per check, "ok" or
 * "FAIL"; exit 0 when all pass, 1 when one fails, 99 when the test itself
 * cannot run.
 */
#include "helper/credential.h"
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

/* Parse len bytes of input; returns credential_read's result. */
static int parse(const char *input, size_t len, struct credential *c,
		 const char **why)
{
	FILE *f;
	int ret;

	*why = NULL;
	if (!len) {
		/* fmemopen refuses a zero-size buffer: /dev/null is EOF */
		f = fopen("/dev/null", "r");
	} else {
		f = fmemopen((void *)input, len, "r");
	}
	if (!f) {
		perror("fmemopen");
		exit(99);
	}
	ret = credential_read(c, f, why);
	fclose(f);
	return ret;
}

static int parse_str(const char *input, struct credential *c,
		     const char **why)
{
	return parse(input, strlen(input), c, why);
}

/* A "key=" line of total bytes (newline included, if nl) with 'a's. */
static char *long_line(const char *key, size_t total, int nl,
		       const char *after)
{
	size_t klen = strlen(key), alen = strlen(after);
	char *buf = xmalloc(total + alen + 1);

	memcpy(buf, key, klen);
	memset(buf + klen, 'a', total - klen);
	if (nl)
		buf[total - 1] = '\n';
	memcpy(buf + total, after, alen + 1);
	return buf;
}

static void test_basic(void)
{
	struct credential c = CREDENTIAL_INIT;
	const char *why;

	check(!parse_str("protocol=https\nhost=Example.COM:8443\n"
			 "path=a/b\nusername=u\npassword=p w=x\n"
			 "oauth_refresh_token=rt\ndsn=Analytics\n"
			 "password_expiry_utc=1790000000\n\n", &c, &why) &&
	      streq(c.protocol, "https") &&
	      streq(c.host, "Example.COM:8443") &&
	      streq(c.path, "a/b") && streq(c.username, "u") &&
	      streq(c.password, "p w=x") &&
	      streq(c.oauth_refresh_token, "rt") &&
	      streq(c.dsn, "Analytics") &&
	      c.password_expiry_utc == 1790000000 && !c.cap_authtype,
	      "every known key is read; a value keeps its '=' and spaces");
	credential_release(&c);

	check(!parse_str("host=h\nusername=u", &c, &why) &&
	      streq(c.host, "h") && streq(c.username, "u"),
	      "EOF ends the input, also without a final newline");
	credential_release(&c);

	check(!parse_str("host=h\n\nusername=u\npassword=p\n", &c, &why) &&
	      streq(c.host, "h") && !c.username && !c.password,
	      "a blank line ends the input; what follows is not read");
	credential_release(&c);

	check(!parse("", 0, &c, &why) && !c.host && !c.username,
	      "empty input is an empty credential");
	credential_release(&c);

	check(!parse_str("wwwauth[]=Basic realm=x\nfuture=1\nstate[]=a:b\n"
			 "url=https://evil.example.com\nhost=h\n", &c, &why) &&
	      streq(c.host, "h"),
	      "unknown keys are ignored (url is not parsed into host)");
	credential_release(&c);

	check(!parse_str("host=a\nhost=b\nusername=x\nusername=y\n"
			 "password_expiry_utc=5\npassword_expiry_utc=7\n",
			 &c, &why) &&
	      streq(c.host, "b") && streq(c.username, "y") &&
	      c.password_expiry_utc == 7,
	      "a duplicate key: the last one wins");
	credential_release(&c);

	check(!parse_str("capability[]=state\ncapability[]=authtype\n"
			 "host=h\n", &c, &why) && c.cap_authtype,
	      "capability[]=authtype is seen among others");
	credential_release(&c);

	check(!parse_str("capability[]=state\nhost=h\n", &c, &why) &&
	      !c.cap_authtype, "capability[]=state alone is not authtype");
	credential_release(&c);

	check(!parse_str("host=\nusername=\npassword=\n", &c, &why) &&
	      streq(c.host, "") && streq(c.password, ""),
	      "empty values are kept as empty strings");
	credential_release(&c);

	check(!parse_str("=v\nhost=h\n", &c, &why) && streq(c.host, "h"),
	      "an empty key is an unknown key");
	credential_release(&c);

	check(!parse_str("host=h\ntokenpass_renew=1\n", &c, &why) &&
	      c.renew, "tokenpass_renew=1 asks for a renewal");
	credential_release(&c);
	check(!parse_str("host=h\ntokenpass_renew=yes\n", &c, &why) &&
	      !c.renew, "tokenpass_renew=yes does not");
	credential_release(&c);

	check(!parse_str("host=h\n", &c, &why) && c.margin == -1 &&
	      !c.answer_timeout && !c.http_timeout,
	      "no caller's settings: none taken");
	credential_release(&c);
	check(!parse_str("tokenpass_margin=0\ntokenpass_answer_timeout=600\n"
			 "tokenpass_http_timeout=1\nhost=h\n", &c, &why) &&
	      c.margin == 0 && c.answer_timeout == 600 &&
	      c.http_timeout == 1, "the caller's settings, at their bounds");
	credential_release(&c);
	check(parse_str("host=h\ntokenpass_margin=86401\n", &c, &why) &&
	      why && strstr(why, "tokenpass_margin") && !c.host,
	      "a margin over a day is refused");
	credential_release(&c);
	check(parse_str("host=h\ntokenpass_answer_timeout=0\n", &c, &why) &&
	      why && strstr(why, "tokenpass_answer_timeout"),
	      "an answer timeout of 0 is refused");
	credential_release(&c);
	check(parse_str("host=h\ntokenpass_http_timeout=-5\n", &c, &why) &&
	      why && strstr(why, "tokenpass_http_timeout"),
	      "a negative HTTP timeout is refused");
	credential_release(&c);
}

static void test_refused(void)
{
	static const char nul[] = "host=h\nusername=u\0x\n";
	static const char nul_key[] = "ho\0st=h\n";
	struct credential c = CREDENTIAL_INIT;
	const char *why;

	check(parse_str("host=h\nusername\n", &c, &why) && why &&
	      strstr(why, "'='") && !c.host,
	      "a line without '=' is refused and nothing is kept");
	credential_release(&c);

	check(parse_str("host=h\npassword=a\rb\n", &c, &why) && why &&
	      strstr(why, "carriage return") && !c.host && !c.password,
	      "a value holding \\r is refused");
	credential_release(&c);

	check(parse_str("host=h\r\n", &c, &why) && why,
	      "a CRLF line ending is refused (the value ends in \\r)");
	credential_release(&c);

	check(parse(nul, sizeof(nul) - 1, &c, &why) && why &&
	      strstr(why, "NUL") && !c.host,
	      "a NUL byte in a value is refused");
	credential_release(&c);

	check(parse(nul_key, sizeof(nul_key) - 1, &c, &why) && why &&
	      strstr(why, "NUL"), "a NUL byte in a key is refused");
	credential_release(&c);
}

static void test_lengths(void)
{
	struct credential c = CREDENTIAL_INIT;
	const char *why;
	char *in;

	in = long_line("password=", 65534, 1, "host=after\n");
	check(!parse_str(in, &c, &why) && c.password &&
	      strlen(c.password) == 65534 - 10 && streq(c.host, "after"),
	      "a 65534-byte line (newline included) is read whole");
	credential_release(&c);
	free(in);

	in = long_line("password=", 65535, 1, "host=after\n");
	check(!parse_str(in, &c, &why) && c.password &&
	      strlen(c.password) == 65535 - 10 && streq(c.host, "after"),
	      "a 65535-byte line (newline included) is read whole");
	credential_release(&c);
	free(in);

	in = long_line("password=", 65536, 1, "host=victim.example.com\n");
	check(parse_str(in, &c, &why) && why && strstr(why, "65535") &&
	      !c.host && !c.password,
	      "a 65536-byte line is refused, its tail never read as a line");
	credential_release(&c);
	free(in);

	in = long_line("wwwauth[]=", 1000000, 1, "host=victim.example.com\n");
	check(parse_str(in, &c, &why) && why && !c.host,
	      "a 1 MB line is refused");
	credential_release(&c);
	free(in);

	in = long_line("password=", 65534, 0, "");
	check(!parse_str(in, &c, &why) && c.password &&
	      strlen(c.password) == 65534 - 9,
	      "a 65534-byte last line without a newline is read at EOF");
	credential_release(&c);
	free(in);
}

static void test_expiry(void)
{
	static const struct {
		const char *value;
		int ok;
		long long want;
		const char *what;
	} t[] = {
		{ "1790000000", 1, 1790000000, "a plain expiry is kept" },
		{ "0", 1, 0, "0 means no expiry" },
		{ "99999999999999999999999", 1, 0,
		  "an expiry past 64 bits means no expiry (as in git)" },
		{ "18446744073709551615", 1, 0,
		  "UINT64_MAX means no expiry" },
		{ "-1", 0, 0, "a negative expiry is refused" },
		{ "-99999999999999999999", 0, 0,
		  "a huge negative expiry is refused" },
		{ "+5", 0, 0, "a signed expiry is refused" },
		{ "", 0, 0, "an empty expiry is refused" },
		{ "12abc", 0, 0, "an expiry with junk after it is refused" },
		{ " 12", 0, 0, "an expiry with a leading space is refused" },
		{ "0x10", 0, 0, "a hexadecimal expiry is refused" },
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(*t); i++) {
		struct credential c = CREDENTIAL_INIT;
		const char *why;
		char *in = xasprintf("host=h\npassword_expiry_utc=%s\n",
				     t[i].value);
		int r = parse_str(in, &c, &why);

		if (t[i].ok)
			check(!r && (long long)c.password_expiry_utc ==
			      t[i].want, t[i].what);
		else
			check(r && why && strstr(why, "password_expiry_utc")
			      && !c.host, t[i].what);
		credential_release(&c);
		free(in);
	}
}

static void test_write(void)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f) {
		perror("open_memstream");
		exit(99);
	}
	check(!credential_write_item(f, "username", "u") &&
	      !credential_write_item(f, "password", NULL) &&
	      credential_write_item(f, "password", "a\nhost=evil") == -1 &&
	      credential_write_item(f, "password", "a\rb") == -1,
	      "write_item refuses line breaks and skips NULL values");
	fclose(f);
	check(buf && !strcmp(buf, "username=u\n"),
	      "write_item wrote only the good item");
	free(buf);
}

int main(void)
{
	test_basic();
	test_refused();
	test_lengths();
	test_expiry();
	test_write();
	if (failures)
		printf("%d check(s) failed\n", failures);
	return failures ? 1 : 0;
}
