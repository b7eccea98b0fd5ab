/*
 * Connect: read the hook's keys from the connection string and the DSN,
 * ask the helper for the token of the host the real driver will connect
 * to, inject it (brace-quoted) and carry the connect out as the real
 * driver's SQLDriverConnect(W), always without prompting. SQLConnect(W)
 * takes the same path. When the real driver refuses the credential, the
 * helper is asked once more with tokenpass_renew=1 and the connect
 * retried once.
 *
 * Connection string rules: keys are case-insensitive; "KEY={...}" runs to
 * a '}' not followed by another '}', and "}}" is a '}'. The first
 * occurrence of a key is the one used, except that every host key
 * (Server, Servername, Host) and every Port, in the connection string, the
 * DSN and the TargetDSN, must agree: a token goes only to the host it was
 * stored for.
 */
#include "config.h"
#include "plugin/px.h"

#include <odbcinst.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef PX_HELPER_DEFAULT
#define PX_HELPER_DEFAULT "/usr/local/bin/tokenpass"
#endif
#define PX_TIMEOUT_DEFAULT 10
#define PX_OUT_MAX 8192

/* a growing string whose old copies are wiped: it holds the token */
struct sbuf {
	char *buf;
	size_t len, alloc;
	int oom;
};

static const char *const host_keys[] = { "Server", "Servername", "Host",
					 NULL };
static const char *const port_keys[] = { "Port", NULL };
static const char *const user_keys[] = { "UID", "Username", "User", NULL };
/* never forwarded: the hook's own keys, the driver, any password */
static const char *const strip_keys[] = {
	"DSN", "DRIVER", "FILEDSN", "SAVEFILE", "TargetDriver", "TargetDSN",
	"TokenInject", "TokenHelper", "TokenTimeout", "PWD", "Password",
	"UID", "Username", "User", NULL
};
static const char *const token_keys[] = { "Authenticator", "Token", NULL };
static const char *const secret_keys[] = { "PWD", "Password", "Token",
					   NULL };

static int in_set(const char *key, const char *const *set)
{
	for (; *set; set++)
		if (px_strcaseeq(key, *set))
			return 1;
	return 0;
}

void px_kv_release(struct px_kvlist *l)
{
	int i;

	for (i = 0; i < l->nr; i++) {
		free(l->v[i].key);
		px_free_secret(l->v[i].val);
	}
	free(l->v);
	l->v = NULL;
	l->nr = l->alloc = 0;
}

static int kv_add(struct px_kvlist *l, const char *k, size_t klen,
		  const char *v, size_t vlen, int braced)
{
	struct px_kv *n;
	size_t i, o = 0;
	char *val;

	if (l->nr == l->alloc) {
		int alloc = l->alloc ? l->alloc * 2 : 16;

		n = realloc(l->v, (size_t)alloc * sizeof(*n));
		if (!n)
			return -1;
		l->v = n;
		l->alloc = alloc;
	}
	val = malloc(vlen + 1);
	n = &l->v[l->nr];
	n->key = malloc(klen + 1);
	if (!val || !n->key) {
		free(val);
		free(n->key);
		return -1;
	}
	memcpy(n->key, k, klen);
	n->key[klen] = '\0';
	/* inside braces "}}" is one '}' */
	for (i = 0; i < vlen; i++) {
		val[o++] = v[i];
		if (braced && v[i] == '}' && i + 1 < vlen && v[i + 1] == '}')
			i++;
	}
	val[o] = '\0';
	n->val = val;
	l->nr++;
	return 0;
}

static int is_space(char c)
{
	return c == ' ' || c == '\t';
}

int px_kv_parse(struct px_kvlist *l, const char *s)
{
	while (*s) {
		const char *k, *ke, *v, *ve;
		int braced = 0;

		while (*s == ';' || is_space(*s))
			s++;
		if (!*s)
			break;
		k = s;
		while (*s && *s != '=' && *s != ';')
			s++;
		ke = s;
		while (ke > k && is_space(ke[-1]))
			ke--;
		if (*s != '=')
			continue;	/* a key without a value: ignored */
		s++;
		while (is_space(*s))
			s++;
		if (*s == '{') {
			braced = 1;
			v = ++s;
			while (*s && !(*s == '}' && s[1] != '}'))
				s += *s == '}' ? 2 : 1;
			ve = s;
			if (*s)
				s++;
			while (*s && *s != ';')
				s++;
		} else {
			v = s;
			while (*s && *s != ';')
				s++;
			ve = s;
			while (ve > v && is_space(ve[-1]))
				ve--;
		}
		if (ke > k && kv_add(l, k, (size_t)(ke - k), v,
				     (size_t)(ve - v), braced))
			return -1;
	}
	return 0;
}

static const char *kv_get(const struct px_kvlist *l, const char *const *keys)
{
	int i;

	for (i = 0; i < l->nr; i++)
		if (in_set(l->v[i].key, keys))
			return l->v[i].val;
	return NULL;
}

static void sb_grow(struct sbuf *b, size_t more)
{
	char *n;
	size_t alloc;

	if (b->oom || b->len + more + 1 <= b->alloc)
		return;
	alloc = (b->len + more + 1) * 2;
	n = malloc(alloc);
	if (!n) {
		b->oom = 1;
		return;
	}
	if (b->buf) {
		memcpy(n, b->buf, b->len + 1);
		px_wipe(b->buf, b->alloc);
		free(b->buf);
	}
	b->buf = n;
	b->alloc = alloc;
}

static void sb_addn(struct sbuf *b, const char *s, size_t n)
{
	sb_grow(b, n);
	if (b->oom)
		return;
	memcpy(b->buf + b->len, s, n);
	b->len += n;
	b->buf[b->len] = '\0';
}

static void sb_add(struct sbuf *b, const char *s)
{
	sb_addn(b, s, strlen(s));
}

static void sb_release(struct sbuf *b)
{
	if (b->buf) {
		px_wipe(b->buf, b->alloc);
		free(b->buf);
	}
	memset(b, 0, sizeof(*b));
}

static int needs_braces(const char *v)
{
	size_t n = strlen(v);

	return strpbrk(v, ";{}=") || (n && (is_space(v[0]) ||
					     is_space(v[n - 1])));
}

/* ";KEY=value", the value brace-quoted with '}' doubled when needed */
static void sb_pair(struct sbuf *b, const char *key, const char *val,
		    int force_braces)
{
	const char *p;

	if (b->len)
		sb_add(b, ";");
	sb_add(b, key);
	sb_add(b, "=");
	if (!force_braces && !needs_braces(val)) {
		sb_add(b, val);
		return;
	}
	sb_add(b, "{");
	for (p = val; *p; p++) {
		sb_addn(b, p, 1);
		if (*p == '}')
			sb_add(b, "}");
	}
	sb_add(b, "}");
}

/* a DSN's value for key, NULL when absent or empty */
static char *ini_get(const char *section, const char *key)
{
	char buf[4096];
	int n;

	if (!section || !*section)
		return NULL;
	n = SQLGetPrivateProfileString(section, key, "", buf, sizeof(buf),
				       "odbc.ini");
	if (n <= 0 || !buf[0])
		return NULL;
	return strdup(buf);
}

static char *ini_get_any(const char *section, const char *const *keys)
{
	char *v = NULL;

	for (; *keys && !v; keys++)
		v = ini_get(section, *keys);
	return v;
}

/*
 * Every value of keys, in the connection string, the DSN and the target
 * DSN, must be the same. *val is set to it (new string, or NULL when none
 * is given); returns -1 with the two conflicting values in a and b.
 */
static int one_value(const struct px_kvlist *l, const char *dsn,
		     const char *tdsn, const char *const *keys, char **val,
		     char **a, char **b)
{
	const char *sections[2] = { dsn, tdsn };
	char *cur = NULL, *v;
	int i, s, ret = 0;

	for (i = 0; i < l->nr && !ret; i++) {
		if (!in_set(l->v[i].key, keys) || !*l->v[i].val)
			continue;
		if (!cur) {
			cur = strdup(l->v[i].val);
		} else if (!px_strcaseeq(cur, l->v[i].val)) {
			*a = cur;
			*b = strdup(l->v[i].val);
			cur = NULL;
			ret = -1;
		}
	}
	for (s = 0; s < 2 && !ret; s++) {
		const char *const *k;

		for (k = keys; *k && !ret; k++) {
			v = ini_get(sections[s], *k);
			if (!v)
				continue;
			if (!cur) {
				cur = v;
			} else if (!px_strcaseeq(cur, v)) {
				*a = cur;
				*b = v;
				cur = NULL;
				ret = -1;
			} else {
				free(v);
			}
		}
	}
	*val = cur;
	return ret;
}

/* the hook's settings, from the connection string, else the DSN */
struct settings {
	char *dsn;		/* the application's DSN, NULL when none */
	char *target_driver, *target_dsn, *inject, *helper, *timeout;
	char *host, *port, *user;
	char *cred_host;	/* host[:port], the credential's host */
	char *path;		/* the real driver's library */
};

static void settings_release(struct settings *s)
{
	free(s->dsn);
	free(s->target_driver);
	free(s->target_dsn);
	free(s->inject);
	free(s->helper);
	free(s->timeout);
	free(s->host);
	free(s->port);
	free(s->user);
	free(s->cred_host);
	free(s->path);
	memset(s, 0, sizeof(*s));
}

static char *setting(const struct px_kvlist *l, const char *dsn,
		     const char *key)
{
	const char *keys[2] = { key, NULL };
	const char *v = kv_get(l, keys);

	if (v && *v)
		return strdup(v);
	return ini_get(dsn, key);
}

static int oom(struct px_dbc *d)
{
	px_diag_post(&d->diag, "HY001", "[tokenpass] out of memory");
	return -1;
}

static int read_settings(struct px_dbc *d, const struct px_kvlist *l,
			 const char *dsn_arg, const char *uid_arg,
			 struct settings *s)
{
	static const char *const dsn_key[] = { "DSN", NULL };
	const char *v;
	char *a = NULL, *b = NULL;
	char *tdriver = NULL;
	int ret = -1;

	v = dsn_arg ? dsn_arg : kv_get(l, dsn_key);
	if (v && *v && !(s->dsn = strdup(v)))
		goto nomem;
	s->target_driver = setting(l, s->dsn, "TargetDriver");
	s->target_dsn = setting(l, s->dsn, "TargetDSN");
	s->inject = setting(l, s->dsn, "TokenInject");
	s->helper = setting(l, s->dsn, "TokenHelper");
	s->timeout = setting(l, s->dsn, "TokenTimeout");

	if (s->target_dsn) {
		tdriver = ini_get(s->target_dsn, "Driver");
		if (!tdriver) {
			px_diag_post(&d->diag, "IM002", "[tokenpass] target "
				     "DSN '%s' not found or has no Driver; "
				     "check TargetDSN in odbc.ini",
				     s->target_dsn);
			goto out;
		}
	} else if (s->target_driver) {
		tdriver = strdup(s->target_driver);
		if (!tdriver)
			goto nomem;
	} else {
		px_diag_post(&d->diag, "IM002", "[tokenpass] no TargetDriver "
			     "or TargetDSN in %s%s%s; name the real driver "
			     "with TargetDriver=", s->dsn ? "DSN '" :
			     "the connection string", s->dsn ? s->dsn : "",
			     s->dsn ? "'" : "");
		goto out;
	}
	s->path = px_backend_resolve(tdriver, &d->diag);
	if (!s->path)
		goto out;

	if (one_value(l, s->dsn, s->target_dsn, host_keys, &s->host, &a,
		      &b)) {
		px_diag_post(&d->diag, "28000", "[tokenpass] conflicting "
			     "hosts '%s' and '%s' in the DSN or connection "
			     "string; a token goes only to the host it was "
			     "stored for", a ? a : "", b ? b : "");
		goto out;
	}
	if (!s->host) {
		px_diag_post(&d->diag, "28000", "[tokenpass] no Server (or "
			     "Servername, Host) in the DSN or connection "
			     "string; a token goes only to the host it was "
			     "stored for");
		goto out;
	}
	if (one_value(l, s->dsn, s->target_dsn, port_keys, &s->port, &a,
		      &b)) {
		px_diag_post(&d->diag, "28000", "[tokenpass] conflicting "
			     "ports '%s' and '%s' in the DSN or connection "
			     "string; a token goes only to the host it was "
			     "stored for", a ? a : "", b ? b : "");
		goto out;
	}
	if (strpbrk(s->host, " \t\r\n") ||
	    (s->port && strpbrk(s->port, " \t\r\n:"))) {
		px_diag_post(&d->diag, "28000", "[tokenpass] the host '%s' "
			     "holds white space", s->host);
		goto out;
	}
	s->cred_host = malloc(strlen(s->host) +
			      (s->port ? strlen(s->port) + 1 : 0) + 1);
	if (!s->cred_host)
		goto nomem;
	memcpy(s->cred_host, s->host, strlen(s->host) + 1);
	if (s->port) {
		size_t n = strlen(s->cred_host);

		s->cred_host[n] = ':';
		memcpy(s->cred_host + n + 1, s->port, strlen(s->port) + 1);
	}

	if (uid_arg && *uid_arg) {
		s->user = strdup(uid_arg);
		if (!s->user)
			goto nomem;
	} else if ((v = kv_get(l, user_keys)) && *v) {
		s->user = strdup(v);
		if (!s->user)
			goto nomem;
	} else {
		s->user = ini_get_any(s->dsn, user_keys);
		if (!s->user)
			s->user = ini_get_any(s->target_dsn, user_keys);
	}
	if (s->user && strpbrk(s->user, "\r\n")) {
		px_diag_post(&d->diag, "28000", "[tokenpass] the user name "
			     "holds a line break");
		goto out;
	}
	ret = 0;
	goto out;
nomem:
	oom(d);
out:
	free(a);
	free(b);
	free(tdriver);
	return ret;
}

/* the helper's answer */
struct token {
	char *secret;
	char *user;
	int bearer;
};

static void token_release(struct token *t)
{
	px_free_secret(t->secret);
	free(t->user);
	memset(t, 0, sizeof(*t));
}

static const char *why(const struct px_helper_result *r)
{
	const char *e = r->err;

	if (!strncmp(e, "tokenpass: ", 11))
		e += 11;
	return e;
}

/* post what went wrong with the helper; the SQLSTATE says who can fix it */
static void helper_failed(struct px_dbc *d, const struct settings *s,
			  const char *helper, int timeout,
			  const struct px_helper_result *r)
{
	const char *u = s->user ? s->user : "USER";
	const char *at = s->user ? "@" : "";
	const char *su = s->user ? s->user : "";
	const char *h = s->cred_host;

	switch (r->status) {
	case PX_HELPER_SPAWN:
		px_diag_post(&d->diag, "08001", "[tokenpass] cannot run the "
			     "token helper '%s': %s; install tokenpass or set "
			     "TokenHelper in the DSN", helper,
			     strerror(r->exit_code));
		return;
	case PX_HELPER_TIMEOUT:
		px_diag_post(&d->diag, "HYT00", "[tokenpass] the token helper "
			     "'%s' did not answer within %d s; run "
			     "'tokenpass get' by hand to see what it waits "
			     "for", helper, timeout);
		return;
	case PX_HELPER_SIGNAL:
		px_diag_post(&d->diag, "08001", "[tokenpass] the token helper "
			     "'%s' died (signal %d) without an answer%s%s",
			     helper, r->exit_code, r->err[0] ? ": " : "",
			     why(r));
		return;
	case PX_HELPER_NOMEM:
		oom(d);
		return;
	case PX_HELPER_IO:
		px_diag_post(&d->diag, "08001", "[tokenpass] cannot talk to "
			     "the token helper '%s': %s", helper,
			     strerror(r->exit_code));
		return;
	}
	switch (r->exit_code) {
	case 0:
		if (r->err[0])
			px_diag_post(&d->diag, "28000", "[tokenpass] no usable "
				     "credential for '%s%s%s': %s", su, at, h,
				     why(r));
		else
			px_diag_post(&d->diag, "28000", "[tokenpass] no stored "
				     "credential for '%s%s%s'; run 'tokenpass "
				     "add-pat --host %s --user %s'", su, at, h,
				     h, u);
		return;
	case 3:
		px_diag_post(&d->diag, "08001", "[tokenpass] the keyring is "
			     "unavailable: %s; unlock it (or start the Secret "
			     "Service) and connect again, 'tokenpass doctor' "
			     "tells more", r->err[0] ? why(r) : "exit 3");
		return;
	case 5:
		px_diag_post(&d->diag, "28000", "[tokenpass] a new sign-in is "
			     "needed for '%s%s%s'%s%s; run 'tokenpass login "
			     "--host %s --user %s'", su, at, h,
			     r->err[0] ? ": " : "", why(r), h, u);
		return;
	case 6:
		px_diag_post(&d->diag, "08001", "[tokenpass] cannot renew the "
			     "token for '%s%s%s', the token endpoint failed%s%s;"
			     " try again, or run 'tokenpass refresh --host %s "
			     "--user %s'", su, at, h, r->err[0] ? ": " : "",
			     why(r), h, u);
		return;
	default:
		px_diag_post(&d->diag, "08001", "[tokenpass] the token helper "
			     "'%s' failed (exit %d)%s%s", helper, r->exit_code,
			     r->err[0] ? ": " : "", why(r));
		return;
	}
}

/*
 * Take the answer apart: 0 with t->secret set, -1 when it holds no
 * token, -2 when out of memory.
 */
static int parse_answer(char *out, struct token *t, int *bad_host,
			const char *host)
{
	char *line = out, *nl;
	int ret = -2;

	while (*line) {
		char *eq;

		nl = strchr(line, '\n');
		if (nl)
			*nl = '\0';
		eq = strchr(line, '=');
		if (eq) {
			*eq = '\0';
			if (!strcmp(line, "password") ||
			    !strcmp(line, "credential")) {
				px_free_secret(t->secret);
				t->secret = strdup(eq + 1);
				if (!t->secret)
					goto out;
			} else if (!strcmp(line, "authtype")) {
				t->bearer = px_strcaseeq(eq + 1, "Bearer");
			} else if (!strcmp(line, "username")) {
				free(t->user);
				t->user = strdup(eq + 1);
				if (!t->user)
					goto out;
			} else if (!strcmp(line, "host")) {
				if (!px_strcaseeq(eq + 1, host))
					*bad_host = 1;
			}
			*eq = '=';
		}
		if (!nl)
			break;
		*nl = '\n';
		line = nl + 1;
	}
	ret = t->secret && *t->secret ? 0 : -1;
out:
	return ret;
}

static int timeout_s(const struct px_dbc *d, const struct settings *s)
{
	long t = PX_TIMEOUT_DEFAULT;
	char *end;

	if (s->timeout) {
		long v = strtol(s->timeout, &end, 10);

		if (end != s->timeout && !*end && v > 0 && v <= 3600)
			t = v;
	}
	if (d->login_timeout > 0 && (long)d->login_timeout < t)
		t = (long)d->login_timeout;
	return (int)t;
}

/* ask the helper; 0 with t filled, else -1 with a record posted */
static int get_token(struct px_dbc *d, const struct settings *s, int renew,
		     struct token *t)
{
	struct px_helper_result r = { 0 };
	struct sbuf req = { 0 };
	const char *helper = s->helper ? s->helper : PX_HELPER_DEFAULT;
	int timeout = timeout_s(d, s), bad_host = 0, rc, ret = -1;

	sb_add(&req, "capability[]=authtype\nprotocol=https\nhost=");
	sb_add(&req, s->cred_host);
	sb_add(&req, "\n");
	if (s->user) {
		sb_add(&req, "username=");
		sb_add(&req, s->user);
		sb_add(&req, "\n");
	}
	if (s->dsn && !strpbrk(s->dsn, "\r\n")) {
		sb_add(&req, "dsn=");
		sb_add(&req, s->dsn);
		sb_add(&req, "\n");
	}
	if (renew)
		sb_add(&req, "tokenpass_renew=1\n");
	sb_add(&req, "\n");
	if (req.oom) {
		oom(d);
		goto out;
	}
	if (!px_agent_run(s->helper, req.buf, timeout * 1000, &r))
		px_helper_run(helper, req.buf, timeout * 1000, &r);
	if (r.status != PX_HELPER_OK || r.exit_code) {
		helper_failed(d, s, helper, timeout, &r);
		goto out;
	}
	rc = parse_answer(r.out, t, &bad_host, s->cred_host);
	if (rc == -2) {
		oom(d);
		goto out;
	}
	if (rc) {
		helper_failed(d, s, helper, timeout, &r);
		goto out;
	}
	if (bad_host || (s->user && t->user &&
			 !px_strcaseeq(s->user, t->user))) {
		px_diag_post(&d->diag, "28000", "[tokenpass] the helper "
			     "answered for another host or user than '%s%s%s';"
			     " the token was not used", s->user ? s->user : "",
			     s->user ? "@" : "", s->cred_host);
		goto out;
	}
	if (!t->user && s->user && !(t->user = strdup(s->user))) {
		oom(d);
		goto out;
	}
	ret = 0;
out:
	if (ret)
		token_release(t);
	px_helper_result_release(&r);
	sb_release(&req);
	return ret;
}

char *px_forward_string(const struct px_kvlist *l, const char *dsn,
			const char *user, const char *secret, int as_token)
{
	struct sbuf b = { 0 };
	int i;

	if (dsn)
		sb_pair(&b, "DSN", dsn, 0);
	for (i = 0; i < l->nr; i++) {
		if (in_set(l->v[i].key, strip_keys) ||
		    (as_token && in_set(l->v[i].key, token_keys)))
			continue;
		sb_pair(&b, l->v[i].key, l->v[i].val, 0);
	}
	if (user)
		sb_pair(&b, "UID", user, 0);
	if (as_token) {
		sb_pair(&b, "AUTHENTICATOR", "oauth", 0);
		sb_pair(&b, "TOKEN", secret, 1);
	} else {
		sb_pair(&b, "PWD", secret, 1);
	}
	if (b.oom)
		sb_release(&b);
	/* only buf[0..len] ever held the token: px_free_secret wipes it */
	return b.buf;
}

void px_dbc_replay(struct px_dbc *d)
{
	struct px_backend *be = d->be;
	int i;

	for (i = 0; i < d->attr_nr; i++) {
		struct px_attr *a = &d->attrs[i];
		SQLINTEGER n = a->is_str ? SQL_NTS : 0;

		if (a->wide && be->SQLSetConnectAttrW) {
			be->SQLSetConnectAttrW(d->real, a->id, a->value, n);
		} else if (be->SQLSetConnectAttr) {
			char *c = NULL;

			if (a->is_str && a->wide)
				c = px_w_to_utf8(a->value, SQL_NTS);
			if (a->is_str && a->wide && !c)
				continue;
			be->SQLSetConnectAttr(d->real, a->id,
					      c ? c : a->value, n);
			free(c);
		} else if (be->SQLSetConnectAttrW && !a->is_str) {
			be->SQLSetConnectAttrW(d->real, a->id, a->value, n);
		}
	}
}

/* a fresh real connection with the recorded attributes */
static int real_dbc(struct px_dbc *d)
{
	struct px_env *e = d->env;
	struct px_backend *be = d->be;
	int i, ret = -1;

	if (!e->real) {
		if (!SQL_SUCCEEDED(be->SQLAllocHandle(SQL_HANDLE_ENV,
						      SQL_NULL_HANDLE,
						      &e->real))) {
			e->real = NULL;
			px_diag_post(&d->diag, "IM004", "[tokenpass] the "
				     "target driver '%s' cannot allocate an "
				     "environment", be->path);
			goto out;
		}
		e->be = be;
		for (i = 0; i < e->attr_nr; i++)
			if (be->SQLSetEnvAttr)
				be->SQLSetEnvAttr(e->real, e->attr_id[i],
						  e->attr_val[i], 0);
	}
	if (d->real) {
		be->SQLFreeHandle(SQL_HANDLE_DBC, d->real);
		d->real = NULL;
	}
	if (!SQL_SUCCEEDED(be->SQLAllocHandle(SQL_HANDLE_DBC, e->real,
					      &d->real))) {
		d->real = NULL;
		px_diag_post(&d->diag, "IM005", "[tokenpass] the target "
			     "driver '%s' cannot allocate a connection",
			     be->path);
		goto out;
	}
	px_dbc_replay(d);
	ret = 0;
out:
	return ret;
}

/* call the real SQLDriverConnect(W); *out gets its output in UTF-8 */
static SQLRETURN real_connect(struct px_dbc *d, const char *fwd, int wide,
			      char **out)
{
	struct px_backend *be = d->be;
	SQLRETURN ret;
	SQLSMALLINT n = 0;

	*out = NULL;
	if (wide ? !be->SQLDriverConnectW : !be->SQLDriverConnect)
		wide = !wide;
	if (wide) {
		SQLWCHAR *w, *o;
		size_t units;

		w = px_utf8_to_w(fwd, &units);
		o = calloc(PX_OUT_MAX, sizeof(*o));
		if (!w || !o) {
			free(w);
			free(o);
			return SQL_ERROR;
		}
		ret = be->SQLDriverConnectW(d->real, NULL, w, SQL_NTS, o,
					    PX_OUT_MAX, &n,
					    SQL_DRIVER_NOPROMPT);
		if (SQL_SUCCEEDED(ret))
			*out = px_w_to_utf8(o, SQL_NTS);
		px_wipe(w, units * sizeof(*w));
		px_wipe(o, PX_OUT_MAX * sizeof(*o));
		free(w);
		free(o);
	} else {
		char *o = calloc(PX_OUT_MAX, 1);

		if (!o)
			return SQL_ERROR;
		ret = be->SQLDriverConnect(d->real, NULL, (SQLCHAR *)fwd,
					   SQL_NTS, (SQLCHAR *)o, PX_OUT_MAX,
					   &n, SQL_DRIVER_NOPROMPT);
		if (SQL_SUCCEEDED(ret))
			*out = strdup(o);
		px_wipe(o, PX_OUT_MAX);
		free(o);
	}
	return ret;
}

/* did the real driver refuse the credential (worth a renewed token)? */
static int rejected(struct px_dbc *d)
{
	struct px_backend *be = d->be;
	SQLCHAR state[6], msg[1024];
	SQLINTEGER native;
	SQLSMALLINT len, i;
	int ret = 0;

	if (!be->SQLGetDiagRec)
		goto out;
	for (i = 1; i < 20 && !ret; i++) {
		if (!SQL_SUCCEEDED(be->SQLGetDiagRec(SQL_HANDLE_DBC, d->real, i,
						     state, &native, msg,
						     sizeof(msg), &len)))
			break;
		if (!strcmp((char *)state, "28000") ||
		    !strcmp((char *)state, "28P01") ||
		    (!strcmp((char *)state, "08001") &&
		     strstr((char *)msg, "password authentication failed")))
			ret = 1;
	}
out:
	return ret;
}

/*
 * What the application gets back: its own string without any password,
 * plus what the real driver added (never DSN, DRIVER or a secret), so
 * that a saved string connects through the hook again.
 */
static char *out_string(const struct px_kvlist *app, const char *real,
			const char *secret)
{
	static const char *const never[] = { "DSN", "DRIVER", "PWD",
		"Password", "Token", "Authenticator", "TargetDSN", NULL };
	struct px_kvlist r = { 0 };
	struct sbuf b = { 0 };
	char *ret = NULL;
	int i, j;

	for (i = 0; i < app->nr; i++)
		if (!in_set(app->v[i].key, secret_keys))
			sb_pair(&b, app->v[i].key, app->v[i].val, 0);
	if (real && !px_kv_parse(&r, real)) {
		for (i = 0; i < r.nr; i++) {
			if (in_set(r.v[i].key, never) ||
			    (in_set(r.v[i].key, user_keys) &&
			     kv_get(app, user_keys)))
				continue;
			for (j = 0; j < app->nr; j++)
				if (px_strcaseeq(app->v[j].key, r.v[i].key))
					break;
			if (j < app->nr)
				continue;
			sb_pair(&b, r.v[i].key, r.v[i].val, 0);
		}
	}
	px_kv_release(&r);
	if (b.oom)
		goto out;
	if (!b.buf)
		sb_add(&b, "");
	if (b.oom)
		goto out;
	if (*secret && strstr(b.buf, secret)) {
		/* the token in a value of its own: give back nothing */
		b.buf[0] = '\0';
		b.len = 0;
	}
	ret = strdup(b.buf);
out:
	sb_release(&b);
	return ret;
}

SQLRETURN px_connect(struct px_dbc *d, const char *in, const char *dsn,
		     const char *uid, int wide, int out_wanted, char **out)
{
	struct px_kvlist l = { 0 };
	struct settings s = { 0 };
	struct token t = { 0 };
	char *fwd = NULL, *real_out = NULL;
	SQLRETURN ret = SQL_ERROR, rc;
	int attempt, as_token;

	px_diag_clear(&d->diag);
	if (out)
		*out = NULL;
	if (d->connected) {
		px_diag_post(&d->diag, "08002", "[tokenpass] the connection "
			     "is already open");
		goto out;
	}
	if (in && px_kv_parse(&l, in)) {
		oom(d);
		goto out;
	}
	if (read_settings(d, &l, dsn, uid, &s))
		goto out;
	if (s.inject && !px_strcaseeq(s.inject, "auto") &&
	    !px_strcaseeq(s.inject, "pwd") &&
	    !px_strcaseeq(s.inject, "token")) {
		px_diag_post(&d->diag, "HY000", "[tokenpass] TokenInject is "
			     "'%s'; use auto, pwd or token", s.inject);
		goto out;
	}
	d->be = px_backend_load(s.path, &d->diag);
	if (!d->be)
		goto out;

	for (attempt = 0; attempt < 2; attempt++) {
		token_release(&t);
		if (get_token(d, &s, attempt, &t))
			goto out;
		as_token = s.inject && px_strcaseeq(s.inject, "token") ? 1 :
			   s.inject && px_strcaseeq(s.inject, "pwd") ? 0 :
			   t.bearer;
		px_free_secret(fwd);
		fwd = px_forward_string(&l, s.target_dsn ? s.target_dsn :
					s.dsn, t.user, t.secret, as_token);
		if (!fwd) {
			oom(d);
			goto out;
		}
		if (real_dbc(d))
			goto out;
		px_free_secret(real_out);
		real_out = NULL;
		rc = real_connect(d, fwd, wide, &real_out);
		if (SQL_SUCCEEDED(rc)) {
			ret = rc;
			break;
		}
		if (attempt || !rejected(d))
			goto out;
	}
	d->connected = 1;
	if (out_wanted) {
		*out = out_string(&l, real_out, t.secret);
		if (!*out) {
			oom(d);
			ret = SQL_SUCCESS_WITH_INFO;
		}
	}
out:
	d->diag.ret = ret;
	px_free_secret(real_out);
	px_free_secret(fwd);
	token_release(&t);
	settings_release(&s);
	px_kv_release(&l);
	return ret;
}

/* copy s into the application's buffer; 01004 when it does not fit */
static SQLRETURN give_out(struct px_dbc *d, SQLRETURN ret, const char *s,
			  void *buf, SQLSMALLINT max, SQLSMALLINT *len,
			  int wide)
{
	size_t n, c;

	if (wide) {
		SQLWCHAR *w = px_utf8_to_w(s, &n);

		if (!w) {
			oom(d);
			return SQL_SUCCESS_WITH_INFO;
		}
		if (len)
			*len = (SQLSMALLINT)n;
		if (buf && max > 0) {
			c = n < (size_t)max ? n : (size_t)max - 1;
			memcpy(buf, w, c * sizeof(*w));
			((SQLWCHAR *)buf)[c] = 0;
		} else {
			c = 0;
		}
		free(w);
	} else {
		n = strlen(s);
		if (len)
			*len = (SQLSMALLINT)n;
		if (buf && max > 0) {
			c = n < (size_t)max ? n : (size_t)max - 1;
			memcpy(buf, s, c);
			((char *)buf)[c] = '\0';
		} else {
			c = 0;
		}
	}
	if (buf && c < n) {
		px_diag_post(&d->diag, "01004", "[tokenpass] the output "
			     "connection string was truncated to %zu of %zu "
			     "characters", c, n);
		ret = SQL_SUCCESS_WITH_INFO;
		d->diag.ret = ret;
	}
	return ret;
}

/*
 * The connect of both twins, once the application's string is UTF-8 in s
 * (NULL when it could not be converted: out of memory). s is wiped and
 * freed here.
 */
static SQLRETURN driver_connect(struct px_dbc *d, char *s, int wide,
				void *out, SQLSMALLINT outmax,
				SQLSMALLINT *outlen)
{
	char *o = NULL;
	SQLRETURN ret;

	if (!s) {
		px_diag_clear(&d->diag);
		oom(d);
		ret = SQL_ERROR;
		goto out;
	}
	ret = px_connect(d, s, NULL, NULL, wide, out || outlen, &o);
	px_free_secret(s);
	if (SQL_SUCCEEDED(ret) && o)
		ret = give_out(d, ret, o, out, outmax, outlen, wide);
	free(o);
out:
	return ret;
}

PX_EXPORT SQLRETURN SQL_API SQLDriverConnect(SQLHDBC h, SQLHWND hwnd,
	SQLCHAR *in, SQLSMALLINT inlen, SQLCHAR *out, SQLSMALLINT outmax,
	SQLSMALLINT *outlen, SQLUSMALLINT completion)
{
	struct px_dbc *d = px_dbc_from(h);

	return d ? driver_connect(d, px_a_dup(in, inlen), 0, out, outmax,
				  outlen) : SQL_INVALID_HANDLE;
}

PX_EXPORT SQLRETURN SQL_API SQLDriverConnectW(SQLHDBC h, SQLHWND hwnd,
	SQLWCHAR *in, SQLSMALLINT inlen, SQLWCHAR *out, SQLSMALLINT outmax,
	SQLSMALLINT *outlen, SQLUSMALLINT completion)
{
	struct px_dbc *d = px_dbc_from(h);

	return d ? driver_connect(d, px_w_to_utf8(in, inlen), 1, out, outmax,
				  outlen) : SQL_INVALID_HANDLE;
}

/*
 * SQLConnect of both twins, once the DSN and user are UTF-8 (NULL when
 * they could not be converted: out of memory); both are freed here. The
 * password the application gave is never used.
 */
static SQLRETURN connect_dsn(struct px_dbc *d, char *ds, char *us, int wide)
{
	SQLRETURN ret;

	if (!ds || !us) {
		px_diag_clear(&d->diag);
		oom(d);
		ret = SQL_ERROR;
		goto out;
	}
	ret = px_connect(d, NULL, ds, us, wide, 0, NULL);
out:
	free(ds);
	free(us);
	return ret;
}

PX_EXPORT SQLRETURN SQL_API SQLConnect(SQLHDBC h, SQLCHAR *dsn,
	SQLSMALLINT dsnlen, SQLCHAR *uid, SQLSMALLINT uidlen, SQLCHAR *pwd,
	SQLSMALLINT pwdlen)
{
	struct px_dbc *d = px_dbc_from(h);

	return d ? connect_dsn(d, px_a_dup(dsn, dsnlen), px_a_dup(uid, uidlen),
			       0) : SQL_INVALID_HANDLE;
}

PX_EXPORT SQLRETURN SQL_API SQLConnectW(SQLHDBC h, SQLWCHAR *dsn,
	SQLSMALLINT dsnlen, SQLWCHAR *uid, SQLSMALLINT uidlen, SQLWCHAR *pwd,
	SQLSMALLINT pwdlen)
{
	struct px_dbc *d = px_dbc_from(h);

	return d ? connect_dsn(d, px_w_to_utf8(dsn, dsnlen),
			       px_w_to_utf8(uid, uidlen), 1) :
		   SQL_INVALID_HANDLE;
}
