#include "helper/credential.h"
#include "helper/secmem.h"
#include "helper/tokenpass.h"

#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/*
 * Reads one line into buf (which holds CREDENTIAL_MAX_LINE + 1 bytes),
 * without its newline. Returns its length, -1 at EOF before any byte, or
 * -2 with *why set for a line that is too long or holds a NUL (what was
 * read of it wiped).
 */
static long read_line(FILE *in, char *buf, const char **why)
{
	long n = 0;
	int ch;

	while ((ch = getc(in)) != EOF) {
		if (ch == '\n')
			return n;
		/* the newline counts against the limit too */
		if (n + 1 >= CREDENTIAL_MAX_LINE) {
			*why = "input line longer than 65535 bytes";
			goto fail;
		}
		if (!ch) {
			*why = "input holds a NUL byte";
			goto fail;
		}
		buf[n++] = (char)ch;
	}
	if (ferror(in)) {
		*why = "cannot read standard input";
		goto fail;
	}
	return n ? n : -1;
fail:
	tp_memzero(buf, (size_t)n);
	return -2;
}

static void set_field(char **field, const char *value)
{
	tp_set_secret(field, value);
}

static int parse_expiry(const char *value, time_t *out)
{
	unsigned long long v;

	if (!*value || *value == '-' || *value == '+')
		return -1;
	if (tp_parse_ulong(value, ULLONG_MAX, &v)) {
		/* git: an overflowing expiry means "does not expire" */
		if (strspn(value, "0123456789") != strlen(value))
			return -1;
		v = 0;
	}
	if (v > (unsigned long long)INT64_MAX / 2)
		v = 0;
	*out = (time_t)v;
	return 0;
}

static int parse_seconds(const char *value, long min, long max, long *out)
{
	unsigned long long v;

	if (tp_parse_ulong(value, (unsigned long long)max, &v) ||
	    (long long)v < min)
		return -1;
	*out = (long)v;
	return 0;
}

static int apply(struct credential *c, const char *key, const char *value,
		 const char **why)
{
	if (!strcmp(key, "protocol"))
		set_field(&c->protocol, value);
	else if (!strcmp(key, "host"))
		set_field(&c->host, value);
	else if (!strcmp(key, "path"))
		set_field(&c->path, value);
	else if (!strcmp(key, "username"))
		set_field(&c->username, value);
	else if (!strcmp(key, "password"))
		set_field(&c->password, value);
	else if (!strcmp(key, "oauth_refresh_token"))
		set_field(&c->oauth_refresh_token, value);
	else if (!strcmp(key, "dsn"))
		set_field(&c->dsn, value);
	else if (!strcmp(key, "password_expiry_utc")) {
		if (parse_expiry(value, &c->password_expiry_utc)) {
			*why = "password_expiry_utc is not a number of seconds";
			return -1;
		}
	} else if (!strcmp(key, "capability[]")) {
		if (!strcmp(value, "authtype"))
			c->cap_authtype = 1;
	} else if (!strcmp(key, "tokenpass_renew")) {
		c->renew = !strcmp(value, "1");
	} else if (!strcmp(key, "tokenpass_margin")) {
		if (parse_seconds(value, 0, 86400, &c->margin)) {
			*why = "tokenpass_margin is not a number of seconds "
			       "from 0 to 86400";
			return -1;
		}
	} else if (!strcmp(key, "tokenpass_answer_timeout")) {
		if (parse_seconds(value, 1, 600, &c->answer_timeout)) {
			*why = "tokenpass_answer_timeout is not a number of "
			       "seconds from 1 to 600";
			return -1;
		}
	} else if (!strcmp(key, "tokenpass_http_timeout")) {
		if (parse_seconds(value, 1, 600, &c->http_timeout)) {
			*why = "tokenpass_http_timeout is not a number of "
			       "seconds from 1 to 600";
			return -1;
		}
	}
	/* anything else is for another helper or a later protocol */
	return 0;
}

int credential_read(struct credential *c, FILE *in, const char **why)
{
	char *buf = xmalloc(CREDENTIAL_MAX_LINE + 1);
	int ret = -1;
	long n;

	for (;;) {
		char *eq;

		n = read_line(in, buf, why);
		if (n == -2)
			goto out;
		if (n <= 0)
			break;
		buf[n] = '\0';
		eq = memchr(buf, '=', (size_t)n);
		if (!eq) {
			*why = "input line has no '=' (expected key=value)";
			goto out;
		}
		if (memchr(eq + 1, '\r', (size_t)(buf + n - eq - 1))) {
			*why = "input value holds a carriage return";
			goto out;
		}
		*eq = '\0';
		if (apply(c, buf, eq + 1, why))
			goto out;
		tp_memzero(buf, (size_t)n);
	}
	ret = 0;
out:
	/* every line read before is wiped already: the one that failed */
	if (n > 0)
		tp_memzero(buf, (size_t)n + 1);
	free(buf);
	if (ret)
		credential_release(c);
	return ret;
}

int credential_write_item(FILE *out, const char *key, const char *value)
{
	if (!value)
		return 0;
	if (strpbrk(value, "\r\n"))
		return -1;
	fprintf(out, "%s=%s\n", key, value);
	return 0;
}

void credential_release(struct credential *c)
{
	struct credential init = CREDENTIAL_INIT;

	tp_free_secret(c->protocol);
	tp_free_secret(c->host);
	tp_free_secret(c->path);
	tp_free_secret(c->username);
	tp_free_secret(c->password);
	tp_free_secret(c->oauth_refresh_token);
	tp_free_secret(c->dsn);
	*c = init;
}
