/*
 * The ODBC hook's connection strings (plugin/connstr.c): px_kv_parse()
 * and px_forward_string(), the string the real driver gets. The input is
 * up to five fields split at NUL bytes:
 *
 *   connection string \0 token \0 user \0 dsn \0 (anything: as TOKEN=)
 *
 * A missing token is "a;b}}c{d=e f " (every character that needs
 * quoting); a missing user or dsn is none. The forwarded string must
 * parse back to exactly: DSN=dsn, every pair of the input but the hook's
 * own keys, DRIVER, DSN, the user keys and the passwords (and
 * Authenticator and Token when the token goes as TOKEN=), in order and
 * unchanged, UID=user, then the token, whole.
 */
#include "plugin/px.h"
#include "tests/fuzz/fuzz.h"

#include <strings.h>

/* the keys SPEC.md says never reach the real driver */
static const char *const strip[] = {
	"DSN", "DRIVER", "FILEDSN", "SAVEFILE", "TargetDriver", "TargetDSN",
	"TokenInject", "TokenHelper", "TokenTimeout", "TokenProfile",
	"TokenAllowKeys", "PWD", "Password", "UID", "Username", "User", NULL
};
static const char *const strip_token[] = { "Authenticator", "Token", NULL };

static int in(const char *key, const char *const *set)
{
	for (; *set; set++)
		if (!strcasecmp(key, *set))
			return 1;
	return 0;
}

/* the next pair of the forwarded string is key=val, exactly */
static void next_is(const struct px_kvlist *o, int *i, const char *key,
		    const char *val)
{
	FUZZ_CHECK(*i < o->nr);
	FUZZ_CHECK(!strcmp(o->v[*i].key, key));
	FUZZ_CHECK(!strcmp(o->v[*i].val, val));
	(*i)++;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct px_kvlist l = { 0 }, o = { 0 };
	const char *field[5] = { NULL };
	const char *token;
	char *buf = fuzz_string(data, size), *fwd = NULL, *p = buf;
	int nf = 0, i, j = 0, as_token;

	/* split at the NULs: buf[size] ends the last field */
	while (nf < 5) {
		field[nf++] = p;
		p += strlen(p);
		if (p == buf + size)
			break;
		p++;
	}
	token = nf > 1 ? field[1] : "a;b}}c{d=e f ";
	as_token = nf > 4;

	if (px_kv_parse(&l, field[0]))
		goto out;
	fwd = px_forward_string(&l, nf > 3 ? field[3] : NULL,
				nf > 2 ? field[2] : NULL, token, as_token);
	if (!fwd)
		goto out;
	if (px_kv_parse(&o, fwd))
		goto out;

	if (nf > 3)
		next_is(&o, &j, "DSN", field[3]);
	for (i = 0; i < l.nr; i++) {
		FUZZ_CHECK(*l.v[i].key);
		if (in(l.v[i].key, strip) ||
		    (as_token && in(l.v[i].key, strip_token)))
			continue;
		next_is(&o, &j, l.v[i].key, l.v[i].val);
	}
	if (nf > 2)
		next_is(&o, &j, "UID", field[2]);
	if (as_token) {
		next_is(&o, &j, "AUTHENTICATOR", "oauth");
		next_is(&o, &j, "TOKEN", token);
	} else {
		next_is(&o, &j, "PWD", token);
	}
	FUZZ_CHECK(j == o.nr);
out:
	px_kv_release(&l);
	px_kv_release(&o);
	px_free_secret(fwd);
	free(buf);
	return 0;
}
