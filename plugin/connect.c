/*
 * Connect: read the settings, ask for the token of the host the real
 * driver will connect to, inject it (brace-quoted) and carry the connect
 * out as the real driver's SQLDriverConnect(W), always without prompting.
 * SQLConnect(W) takes the same path. When the real driver refuses the
 * credential, the token is asked for once more with tokenpass_renew=1 and
 * the connect retried once.
 */
#include "config.h"
#include "plugin/px.h"

#include <stdlib.h>
#include <string.h>

#define PX_OUT_MAX 8192

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
	struct px_sbuf b = { 0 };
	char *ret = NULL;
	int i, j;

	for (i = 0; i < app->nr; i++)
		if (!px_in_set(app->v[i].key, px_secret_keys))
			px_sb_pair(&b, app->v[i].key, app->v[i].val, 0);
	if (real && !px_kv_parse(&r, real)) {
		for (i = 0; i < r.nr; i++) {
			if (px_in_set(r.v[i].key, never) ||
			    (px_in_set(r.v[i].key, px_user_keys) &&
			     px_kv_get(app, px_user_keys)))
				continue;
			for (j = 0; j < app->nr; j++)
				if (px_strcaseeq(app->v[j].key, r.v[i].key))
					break;
			if (j < app->nr)
				continue;
			px_sb_pair(&b, r.v[i].key, r.v[i].val, 0);
		}
	}
	px_kv_release(&r);
	if (b.oom)
		goto out;
	if (!b.buf)
		px_sb_add(&b, "");
	if (b.oom)
		goto out;
	if (*secret && strstr(b.buf, secret)) {
		/* the token in a value of its own: give back nothing */
		b.buf[0] = '\0';
		b.len = 0;
	}
	ret = strdup(b.buf);
out:
	px_sb_release(&b);
	return ret;
}

SQLRETURN px_connect(struct px_dbc *d, const char *in, const char *dsn,
		     const char *uid, int wide, int out_wanted, char **out)
{
	struct px_kvlist l = { 0 };
	struct px_settings s = { 0 };
	struct px_token t = { 0 };
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
		px_diag_oom(&d->diag);
		goto out;
	}
	if (px_settings_read(d, &l, dsn, uid, &s))
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
		px_token_release(&t);
		if (px_token_get(d, &s, attempt, &t))
			goto out;
		as_token = s.inject && px_strcaseeq(s.inject, "token") ? 1 :
			   s.inject && px_strcaseeq(s.inject, "pwd") ? 0 :
			   t.bearer;
		px_free_secret(fwd);
		fwd = px_forward_string(&l, s.target_dsn ? s.target_dsn :
					s.dsn, t.user, t.secret, as_token);
		if (!fwd) {
			px_diag_oom(&d->diag);
			goto out;
		}
		if (px_real_dbc(d))
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
			px_diag_oom(&d->diag);
			ret = SQL_SUCCESS_WITH_INFO;
		}
	}
out:
	d->diag.ret = ret;
	px_free_secret(real_out);
	px_free_secret(fwd);
	px_token_release(&t);
	px_settings_release(&s);
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
			px_diag_oom(&d->diag);
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
		px_diag_oom(&d->diag);
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
		px_diag_oom(&d->diag);
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
