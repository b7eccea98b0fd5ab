/*
 * git's credential protocol: credential_read() (helper/credential.c) on
 * the input through fmemopen. Besides never crashing, it must agree with
 * a plain reading of the rules (SPEC.md, credential.h): the lines up to
 * the first blank line are read; the input is refused exactly when one of
 * them holds a NUL, has no '=', has a carriage return in its value, is
 * over 65535 bytes with its newline, gives a password_expiry_utc that
 * is not a number of seconds, or a tokenpass_margin (0 to 86400),
 * tokenpass_answer_timeout or tokenpass_http_timeout (1 to 600) outside
 * its range. On success every field holds the last value sent for its
 * key, whole; on failure every field is released.
 *
 * An input starting with '~' stands for one long line ("k=" and 65530 +
 * (second byte % 8) 'x') in front of the rest, so that lines around the
 * limit are tried without a 64 KiB seed.
 */
#include "helper/credential.h"
#include "tests/fuzz/fuzz.h"

#include <limits.h>

#define NFIELDS 7
static const char *const field_keys[NFIELDS] = {
	"protocol", "host", "path", "username", "password",
	"oauth_refresh_token", "dsn"
};

static char **field(struct credential *c, int i)
{
	char **const fields[NFIELDS] = {
		&c->protocol, &c->host, &c->path, &c->username,
		&c->password, &c->oauth_refresh_token, &c->dsn
	};

	return fields[i];
}

/* what credential_read should make of the input */
struct want {
	int ok;
	const char *val[NFIELDS];
	size_t len[NFIELDS];
	time_t expiry;
	int authtype, renew;
	long margin, answer_timeout, http_timeout;
};

static int key_is(const char *k, size_t klen, const char *key)
{
	return klen == strlen(key) && !memcmp(k, key, klen);
}

/* git: digits only; one too large for 64 bits means "never expires" */
static int expiry(const char *v, size_t n, time_t *out)
{
	unsigned long long x = 0;
	int big = 0;
	size_t i;

	if (!n)
		return -1;
	for (i = 0; i < n; i++) {
		unsigned d = (unsigned)(v[i] - '0');

		if (v[i] < '0' || v[i] > '9')
			return -1;
		if (x > (ULLONG_MAX - d) / 10)
			big = 1;
		else
			x = x * 10 + d;
	}
	*out = big || x > (unsigned long long)INT64_MAX / 2 ? 0 : (time_t)x;
	return 0;
}

/* a number of seconds from min to max: digits only */
static int seconds(const char *v, size_t n, long min, long max, long *out)
{
	long x = 0;
	size_t i;

	if (!n)
		return -1;
	for (i = 0; i < n; i++) {
		if (v[i] < '0' || v[i] > '9')
			return -1;
		if (x <= max)
			x = x * 10 + (v[i] - '0');
	}
	if (x < min || x > max)
		return -1;
	*out = x;
	return 0;
}

static void expect(const char *buf, size_t n, struct want *w)
{
	size_t pos = 0;
	int i;

	memset(w, 0, sizeof(*w));
	w->margin = -1;
	while (pos < n) {
		const char *line = buf + pos, *nl, *eq, *v;
		size_t len, klen, vlen;

		nl = memchr(line, '\n', n - pos);
		len = nl ? (size_t)(nl - line) : n - pos;
		pos += len + 1;
		if (!len)
			break;		/* the blank line that ends it */
		if (len + 1 > CREDENTIAL_MAX_LINE || memchr(line, '\0', len))
			return;
		eq = memchr(line, '=', len);
		if (!eq)
			return;
		klen = (size_t)(eq - line);
		v = eq + 1;
		vlen = len - klen - 1;
		if (memchr(v, '\r', vlen))
			return;
		for (i = 0; i < NFIELDS; i++) {
			if (key_is(line, klen, field_keys[i])) {
				w->val[i] = v;
				w->len[i] = vlen;
			}
		}
		if (key_is(line, klen, "password_expiry_utc") &&
		    expiry(v, vlen, &w->expiry))
			return;
		if (key_is(line, klen, "capability[]") &&
		    key_is(v, vlen, "authtype"))
			w->authtype = 1;
		if (key_is(line, klen, "tokenpass_renew"))
			w->renew = key_is(v, vlen, "1");
		if (key_is(line, klen, "tokenpass_margin") &&
		    seconds(v, vlen, 0, 86400, &w->margin))
			return;
		if (key_is(line, klen, "tokenpass_answer_timeout") &&
		    seconds(v, vlen, 1, 600, &w->answer_timeout))
			return;
		if (key_is(line, klen, "tokenpass_http_timeout") &&
		    seconds(v, vlen, 1, 600, &w->http_timeout))
			return;
	}
	w->ok = 1;
}

/* the input, or the long line and the rest of it */
static char *input(const uint8_t *data, size_t size, size_t *n)
{
	size_t pad;
	char *buf;

	if (!size || data[0] != '~' || size < 2) {
		*n = size;
		return fuzz_string(data, size);
	}
	pad = CREDENTIAL_MAX_LINE - 5 + data[1] % 8;
	*n = 2 + pad + 1 + size - 2;
	buf = malloc(*n + 1);
	if (!buf)
		abort();
	memcpy(buf, "k=", 2);
	memset(buf + 2, 'x', pad);
	buf[2 + pad] = '\n';
	memcpy(buf + 3 + pad, data + 2, size - 2);
	buf[*n] = '\0';
	return buf;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct credential c = CREDENTIAL_INIT;
	const char *why = NULL;
	struct want w;
	size_t n;
	char *buf = input(data, size, &n);
	FILE *in;
	int i, ret;

	expect(buf, n, &w);
	/* fmemopen wants at least one byte; an empty stream is just EOF */
	in = fmemopen(buf, n ? n : 1, "r");
	if (!in)
		abort();
	if (!n)
		fgetc(in);
	ret = credential_read(&c, in, &why);
	fclose(in);
	if (ret) {
		FUZZ_CHECK(!w.ok);
		FUZZ_CHECK(why && *why && fuzz_printable(why));
		for (i = 0; i < NFIELDS; i++)
			FUZZ_CHECK(!*field(&c, i));
	} else {
		FUZZ_CHECK(w.ok);
		for (i = 0; i < NFIELDS; i++) {
			const char *f = *field(&c, i);

			FUZZ_CHECK(!f == !w.val[i]);
			if (!f)
				continue;
			/* all of it: no NUL cut it short, no CR or LF */
			FUZZ_CHECK(strlen(f) == w.len[i]);
			FUZZ_CHECK(!memcmp(f, w.val[i], w.len[i]));
			FUZZ_CHECK(!strpbrk(f, "\r\n"));
		}
		FUZZ_CHECK(c.password_expiry_utc == w.expiry);
		FUZZ_CHECK(c.cap_authtype == (unsigned)w.authtype);
		FUZZ_CHECK(c.renew == (unsigned)w.renew);
		FUZZ_CHECK(c.margin == w.margin);
		FUZZ_CHECK(c.answer_timeout == w.answer_timeout);
		FUZZ_CHECK(c.http_timeout == w.http_timeout);
	}
	credential_release(&c);
	free(buf);
	return 0;
}
