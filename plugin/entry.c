/*
 * The exported ODBC API. api.def lists every entry point once; this file
 * generates the forwarders for statement, descriptor and (after connect)
 * connection calls, and holds the hand-written handle and attribute
 * calls. Nothing here may exit, abort or assert: errors are diagnostics.
 */
#include "config.h"
#include "plugin/px.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PX_EXPAND(...) __VA_ARGS__

/*
 * SQLGetData with SQL_C_WCHAR where the target cannot answer in the
 * application's SQLWCHAR: an ANSI-only target (asked for SQL_C_CHAR,
 * UTF-8), or a 4-byte application (iODBC) in front of a UTF-16 one. The
 * whole value is fetched and converted on the first call for a column,
 * then handed out in pieces, as SQLGetData does, from this thread's copy.
 */
#define GETDATA_MAX (16 * 1024 * 1024)

static __thread struct {
	SQLHSTMT h;
	SQLUSMALLINT col;
	unsigned char *buf;	/* in the application's SQLWCHAR */
	size_t units, off;
	int enc;
} gd;

static void gd_drop(void)
{
	px_enc_free(gd.buf, gd.units, gd.enc ? gd.enc : 1);
	memset(&gd, 0, sizeof(gd));
}

/* any other call on the statement (SQLFetch...) ends a partial read */
void px_gd_forget(SQLHSTMT h)
{
	if (gd.h == h && h)
		gd_drop();
}

/* the whole value from the target in encoding to; 1 NULL, 0, or -1 */
int px_gd_fetch(struct px_backend *be, SQLHSTMT h, SQLUSMALLINT c, int to,
		SQLRETURN *rc, void **out, size_t *units)
{
	SQLSMALLINT type = to == PX_ENC_UTF8 ? SQL_C_CHAR : SQL_C_WCHAR;
	size_t size = 4096, used = 0, grow;
	unsigned char *buf = malloc(size), *nbuf;
	SQLLEN ind = 0;
	int ret = -1;

	while (buf) {
		*rc = be->SQLGetData(h, c, type, buf + used,
				     (SQLLEN)(size - used), &ind);
		if (*rc == SQL_NO_DATA && used) {
			*rc = SQL_SUCCESS;
			break;
		}
		if (!SQL_SUCCEEDED(*rc))
			goto out;
		if (ind == SQL_NULL_DATA) {
			ret = 1;
			goto out;
		}
		if (*rc == SQL_SUCCESS) {
			used += ind >= 0 && (size_t)ind < size - used ?
				(size_t)ind : px_enc_len(buf + used, to,
							  SQL_NTS) * to;
			break;
		}
		/* cut: all but the terminator arrived; ask for the rest */
		used = size - (size_t)to;
		grow = ind > 0 ? used + (size_t)ind + (size_t)to : size * 2;
		if (grow <= size)
			grow = size * 2;
		if (grow > GETDATA_MAX) {
			*rc = SQL_ERROR;
			goto out;
		}
		nbuf = realloc(buf, grow);
		if (!nbuf)
			goto out;
		buf = nbuf;
		size = grow;
	}
	if (!buf)
		goto out;
	*units = used / (size_t)to;
	*out = buf;
	buf = NULL;
	ret = 0;
out:
	if (buf) {
		explicit_bzero(buf, size);
		free(buf);
	}
	return ret;
}

/* C: the hook's connection handle, forwarded to the real one */
#define PX_FWD_C(name, params, args) \
PX_EXPORT SQLRETURN SQL_API name params \
{ \
	struct px_dbc *d = px_dbc_from(h); \
	SQLRETURN ret = SQL_INVALID_HANDLE; \
	\
	if (!d) \
		goto out; \
	px_diag_clear(&d->diag); \
	ret = SQL_ERROR; \
	if (!d->connected) \
		px_diag_post(&d->diag, "08003", \
			     "[tokenpass] the connection is not open"); \
	else if (!d->be->name) \
		px_diag_post(&d->diag, "IM001", "[tokenpass] the target " \
			     "driver has no %s", #name); \
	else \
		ret = d->be->name(d->real PX_EXPAND args); \
	d->diag.ret = ret; \
out: \
	return ret; \
}

/*
 * S: the real driver's own statement or descriptor handle; E, F: the
 * same with the statement's SQL_C_WCHAR binds converted (wdata.c)
 */
#define PX_FWD_WD(name, params, args, what) \
PX_EXPORT SQLRETURN SQL_API name params \
{ \
	struct px_backend *be = px_handle_be(h); \
	SQLRETURN ret = SQL_INVALID_HANDLE; \
	struct px_wdcall px_call; \
	struct px_wctx x; \
	\
	if (!be || !h) \
		goto out; \
	px_gd_forget(h); \
	ret = SQL_ERROR; \
	if (!be->name) \
		goto out; \
	memset(&x, 0, sizeof(x)); \
	if (px_wd_begin(&px_call, h, be, what, &x) == SQL_SUCCESS) \
		ret = px_wd_end(&px_call, be->name(h PX_EXPAND args), &x); \
	if (what != PX_WD_NONE) \
		px_stmt_note(h, &x); \
out: \
	return ret; \
}
#define PX_FWD_S(name, params, args) \
	PX_FWD_WD(name, params, args, PX_WD_NONE)
#define PX_FWD_E(name, params, args) \
	PX_FWD_WD(name, params, args, PX_WD_EXEC)
#define PX_FWD_F(name, params, args) \
	PX_FWD_WD(name, params, args, PX_WD_FETCH)
#define PX_FWD_H(name, params, args)
#define PX_FWD_W(name, params, args)

#define PX_FN(kind, name, id, params, args) PX_FWD_##kind(name, params, args)
#include "plugin/api.def"
#undef PX_FN

/*
 * The W functions with strings (wfuncs.def): through px_w_<name>(), which
 * passes a UTF-16 application's call through untouched when the target
 * has the W function, and converts otherwise. What it finds goes on the
 * connection's diagnostics, or for a statement or descriptor handle of
 * the real driver into this thread's note (px_stmt_note()).
 */
#define PX_WEXP_C(name, aname, params, names) \
PX_EXPORT SQLRETURN SQL_API name params \
{ \
	struct px_dbc *d = px_dbc_from(h); \
	SQLRETURN ret = SQL_INVALID_HANDLE; \
	struct px_wctx x; \
	\
	if (!d) \
		goto out; \
	px_diag_clear(&d->diag); \
	ret = SQL_ERROR; \
	if (!d->connected) { \
		px_diag_post(&d->diag, "08003", \
			     "[tokenpass] the connection is not open"); \
		goto done; \
	} \
	px_wctx_init(&x, d->be->name, d->be->aname); \
	h = d->real; \
	ret = px_w_##name(&x, PX_EXPAND names); \
	px_wctx_post(&x, &d->diag); \
done: \
	d->diag.ret = ret; \
out: \
	return ret; \
}

/* S, and E with the statement's SQL_C_WCHAR parameters converted first */
#define PX_WEXP_WD(name, aname, params, names, what) \
PX_EXPORT SQLRETURN SQL_API name params \
{ \
	struct px_backend *be = px_handle_be(h); \
	SQLRETURN ret = SQL_INVALID_HANDLE; \
	struct px_wdcall px_call; \
	struct px_wctx x; \
	\
	if (!be || !h) \
		goto out; \
	px_gd_forget(h); \
	px_wctx_init(&x, be->name, be->aname); \
	ret = px_wd_begin(&px_call, h, be, what, &x); \
	if (ret == SQL_SUCCESS) \
		ret = px_wd_end(&px_call, \
				px_w_##name(&x, PX_EXPAND names), &x); \
	px_stmt_note(h, &x); \
out: \
	return ret; \
}

#define PX_WEXP_S(name, aname, params, names) \
	PX_WEXP_WD(name, aname, params, names, PX_WD_NONE)
#define PX_WEXP_E(name, aname, params, names) \
	PX_WEXP_WD(name, aname, params, names, PX_WD_EXEC)
#define PX_WEXP_H(name, aname, params, names)
#define PX_WFN(kind, name, aname, params, names, strs, args) \
	PX_WEXP_##kind(name, aname, params, names)
#include "plugin/wfuncs.def"
#undef PX_WFN

/* this thread's note on a real statement or descriptor handle */
static __thread struct {
	SQLHANDLE h;
	char state[6];
	char msg[160];
} note;

void px_stmt_note(SQLHANDLE h, const struct px_wctx *x)
{
	note.h = x->state[0] ? h : NULL;
	memcpy(note.state, x->state, sizeof(note.state));
	memcpy(note.msg, x->msg, sizeof(note.msg));
}

int px_stmt_note_get(SQLHANDLE h, const char **state, const char **msg)
{
	int ret = 0;

	if (h && note.h == h) {
		*state = note.state;
		*msg = note.msg;
		ret = 1;
	}
	return ret;
}

void px_stmt_forget(SQLHANDLE h)
{
	px_gd_forget(h);
	if (h && note.h == h)
		note.h = NULL;
}

void px_wctx_set(struct px_wctx *x, px_fnptr fw, px_fnptr fa)
{
	memset(x, 0, sizeof(*x));
	x->app_enc = px_dm_get(NULL)->wchar_enc;
	x->fn_w = fw;
	x->fn_a = fa;
}

void px_wctx_post(const struct px_wctx *x, struct px_diag *diag)
{
	if (x->state[0])
		px_diag_post(diag, x->state, "%s", x->msg);
}

char *px_app_w_to_utf8(const SQLWCHAR *w, SQLLEN len)
{
	int enc = px_dm_get(NULL)->wchar_enc;
	size_t units;
	char *ret = NULL;

	if (!w)
		w = (const SQLWCHAR *)L"";
	units = px_enc_len(w, enc, len);
	if (units != (size_t)-1)
		ret = px_enc_conv(w, enc, units, PX_ENC_UTF8, NULL);
	return ret;
}

PX_EXPORT SQLRETURN SQL_API SQLGetData(SQLHSTMT h, SQLUSMALLINT c,
	SQLSMALLINT t, SQLPOINTER v, SQLLEN n, SQLLEN *ind)
{
	struct px_backend *be = px_handle_be(h);
	struct px_wctx x;
	SQLRETURN ret = SQL_INVALID_HANDLE;
	size_t units = 0, cap, left, full;
	void *raw = NULL;
	int enc, to, r;

	if (!be || !h)
		goto out;
	ret = SQL_ERROR;
	if (!be->SQLGetData)
		goto out;
	enc = px_dm_get(NULL)->wchar_enc;
	to = px_target_wenc(be);
	if (t != SQL_C_WCHAR || to == enc) {
		if (gd.h == h)
			gd_drop();
		ret = be->SQLGetData(h, c, t, v, n, ind);
		goto out;
	}
	memset(&x, 0, sizeof(x));
	if (gd.h != h || gd.col != c || !gd.buf) {
		gd_drop();
		r = px_gd_fetch(be, h, c, to, &ret, &raw, &units);
		if (r) {
			if (r > 0 && ind)
				*ind = SQL_NULL_DATA;
			goto out;
		}
		gd.buf = px_enc_conv(raw, to, units, enc, &gd.units);
		px_enc_free(raw, units, to);
		if (!gd.buf) {
			memcpy(x.state, "HY001", 6);
			snprintf(x.msg, sizeof(x.msg),
				 "[tokenpass] out of memory");
			ret = SQL_ERROR;
			goto note;
		}
		gd.h = h;
		gd.col = c;
		gd.enc = enc;
		gd.off = 0;
	}
	left = gd.units - gd.off;
	if (ind)
		*ind = (SQLLEN)(left * (size_t)enc);
	cap = v && n > 0 ? (size_t)n / (size_t)enc : 0;
	px_enc_put(gd.buf + gd.off * (size_t)enc, enc, left, v, enc, cap,
		   &full);
	if (cap > left) {
		/* all of it: the target says SQL_NO_DATA to the next call */
		gd_drop();
		ret = SQL_SUCCESS;
		goto note;
	}
	/* the piece that fit, the rest next time */
	gd.off += cap ? px_enc_len(v, enc, SQL_NTS) : 0;
	ret = SQL_SUCCESS_WITH_INFO;
	memcpy(x.state, "01004", 6);
	snprintf(x.msg, sizeof(x.msg), "[tokenpass] SQLGetData: string "
		 "data, right truncated");
note:
	px_stmt_note(h, &x);
out:
	return ret;
}

/*
 * The ODBC functions the hook exports at all, as SQLGetFunctions' bitmap:
 * built once, since unixODBC asks at every connect and a scan per
 * function id made that call cost more than the rest of the hook's connect.
 */
static SQLUSMALLINT exported_map[SQL_API_ODBC3_ALL_FUNCTIONS_SIZE];
static pthread_once_t exported_once = PTHREAD_ONCE_INIT;

static void exported_init(void)
{
	static const SQLUSMALLINT ids[] = {
#define PX_FN(kind, name, id, params, args) id,
#include "plugin/api.def"
#undef PX_FN
	};
	size_t i;

	for (i = 0; i < sizeof(ids) / sizeof(*ids); i++)
		if (ids[i] < SQL_API_ODBC3_ALL_FUNCTIONS_SIZE * 16)
			exported_map[ids[i] >> 4] |=
				(SQLUSMALLINT)(1 << (ids[i] & 15));
}

static int exported(SQLUSMALLINT id)
{
	pthread_once(&exported_once, exported_init);
	return id < SQL_API_ODBC3_ALL_FUNCTIONS_SIZE * 16 &&
	       (exported_map[id >> 4] >> (id & 15)) & 1;
}

/* iODBC asks which SQLWCHAR the driver takes: the one dm.c expects */
#define PX_SQL_ATTR_DRIVER_UNICODE_TYPE 1065
#define PX_SQL_DM_CP_UTF16 1
#define PX_SQL_DM_CP_UCS4 3

PX_EXPORT SQLRETURN SQL_API SQLSetEnvAttr(SQLHENV h, SQLINTEGER a,
	SQLPOINTER v, SQLINTEGER n)
{
	struct px_env *e = px_env_from(h);
	SQLRETURN ret = SQL_INVALID_HANDLE;
	SQLLEN bytes;
	enum px_attr_type type;
	int i;

	if (!e)
		goto out;
	px_diag_clear(&e->diag);
	px_env_lock(e);
	/*
	 * Only values are kept for the replay: a string or binary
	 * environment attribute (unixODBC's own) goes to a real
	 * environment that exists, never later from a stale pointer.
	 */
	type = px_attr_classify(PX_ATTR_ENV, a, v, n, &bytes);
	ret = SQL_SUCCESS;
	if (type != PX_AT_STR && type != PX_AT_BIN) {
		for (i = 0; i < e->attr_nr; i++)
			if (e->attr_id[i] == a)
				break;
		if (i == e->attr_nr) {
			if (e->attr_nr == (int)(sizeof(e->attr_id) /
						sizeof(*e->attr_id))) {
				px_diag_post(&e->diag, "HY001", "[tokenpass] "
					     "too many environment attributes");
				ret = SQL_ERROR;
				goto unlock;
			}
			e->attr_nr++;
		}
		e->attr_id[i] = a;
		e->attr_val[i] = v;
		e->attr_len[i] = n;
	}
	for (i = 0; i < e->real_nr; i++) {
		struct px_env_real *r = &e->reals[i];
		SQLRETURN rc;

		if (!r->be->SQLSetEnvAttr)
			continue;
		rc = r->be->SQLSetEnvAttr(r->real, a, v, n);
		if (!SQL_SUCCEEDED(rc))
			ret = rc;
	}
unlock:
	px_env_unlock(e);
out:
	return ret;
}

PX_EXPORT SQLRETURN SQL_API SQLGetEnvAttr(SQLHENV h, SQLINTEGER a,
	SQLPOINTER v, SQLINTEGER n, SQLINTEGER *len)
{
	struct px_env *e = px_env_from(h);
	SQLRETURN ret = SQL_INVALID_HANDLE;
	SQLULEN val = 0;
	SQLLEN bytes;
	size_t size;
	int i;

	if (!e)
		goto out;
	px_diag_clear(&e->diag);
	if (a == PX_SQL_ATTR_DRIVER_UNICODE_TYPE) {
		val = px_dm_get(NULL)->wchar_enc == PX_ENC_UTF32 ?
		      PX_SQL_DM_CP_UCS4 : PX_SQL_DM_CP_UTF16;
		size = sizeof(SQLINTEGER);
		goto give;
	}
	px_env_lock(e);
	if (e->real_nr && e->reals[0].be->SQLGetEnvAttr) {
		ret = e->reals[0].be->SQLGetEnvAttr(e->reals[0].real, a, v, n,
						    len);
		px_env_unlock(e);
		goto out;
	}
	if (a == SQL_ATTR_ODBC_VERSION)
		val = SQL_OV_ODBC3;
	else if (a == SQL_ATTR_OUTPUT_NTS)
		val = SQL_TRUE;
	for (i = 0; i < e->attr_nr; i++)
		if (e->attr_id[i] == a)
			val = (SQLULEN)e->attr_val[i];
	px_env_unlock(e);
	size = px_attr_int_size(px_attr_classify(PX_ATTR_ENV, a, NULL, n,
						 &bytes));
give:
	px_attr_put_int(v, size, val);
	if (len)
		*len = (SQLINTEGER)size;
	ret = SQL_SUCCESS;
out:
	return ret;
}

/* an owned copy of a string attribute in UTF-8; NULL and diag on error */
static char *attr_string(struct px_dbc *d, SQLPOINTER v, SQLLEN bytes,
			 int wide)
{
	int enc = wide ? px_dm_get(NULL)->wchar_enc : PX_ENC_UTF8;
	size_t units;
	char *ret = NULL;

	if (bytes == SQL_NTS)
		units = px_enc_len(v, enc, SQL_NTS);
	else
		units = (size_t)bytes / (size_t)enc;
	ret = px_enc_conv(v, enc, units, PX_ENC_UTF8, NULL);
	if (!ret)
		px_diag_oom(&d->diag);
	return ret;
}

/*
 * Record an attribute for the real connection, by its type (attrs.h):
 * strings as an owned UTF-8 copy, binary data as an owned copy, every
 * other value as it was given. 0, or -1 with a diagnostic.
 */
static int record_attr(struct px_dbc *d, SQLINTEGER a, SQLPOINTER v,
		       SQLINTEGER n, int wide)
{
	struct px_attr *at;
	void *copy = NULL;
	size_t size = 0;
	SQLLEN bytes;
	enum px_attr_type type;
	int i, ret = -1;

	type = px_attr_classify(PX_ATTR_DBC, a, v, n, &bytes);
	if (type == PX_AT_STR && v) {
		copy = attr_string(d, v, bytes, wide);
		if (!copy)
			goto out;
		size = strlen(copy) + 1;
	} else if (type == PX_AT_BIN && v) {
		copy = malloc(bytes ? (size_t)bytes : 1);
		if (!copy) {
			px_diag_oom(&d->diag);
			goto out;
		}
		memcpy(copy, v, (size_t)bytes);
		size = (size_t)bytes;
	}
	for (i = 0; i < d->attr_nr; i++)
		if (d->attrs[i].id == a)
			break;
	if (i == d->attr_nr) {
		if (d->attr_nr == d->attr_alloc) {
			int alloc = d->attr_alloc ? d->attr_alloc * 2 : 8;

			at = realloc(d->attrs, (size_t)alloc * sizeof(*at));
			if (!at) {
				px_diag_oom(&d->diag);
				goto out;
			}
			d->attrs = at;
			d->attr_alloc = alloc;
		}
		d->attr_nr++;
	} else if (d->attrs[i].copy) {
		px_wipe(d->attrs[i].value, d->attrs[i].size);
		free(d->attrs[i].value);
	}
	at = &d->attrs[i];
	at->id = a;
	at->wide = wide;
	at->type = (int)type;
	at->copy = copy != NULL;
	at->value = copy ? copy : v;
	at->size = size;
	at->len = n;
	copy = NULL;
	if (a == SQL_ATTR_LOGIN_TIMEOUT)
		d->login_timeout = (SQLUINTEGER)(SQLULEN)v;
	ret = 0;
out:
	free(copy);
	return ret;
}

static SQLRETURN set_connect_attr(SQLHDBC h, SQLINTEGER a, SQLPOINTER v,
				  SQLINTEGER n, int wide)
{
	struct px_dbc *d = px_dbc_from(h);
	struct px_wctx x;
	SQLRETURN ret = SQL_INVALID_HANDLE;

	if (!d)
		goto out;
	px_diag_clear(&d->diag);
	ret = SQL_ERROR;
	if (record_attr(d, a, v, n, wide))
		goto out;
	ret = SQL_SUCCESS;
	if (!d->real || !d->connected)
		goto out;
	if (wide) {
		px_wctx_init(&x, d->be->SQLSetConnectAttrW,
			     d->be->SQLSetConnectAttr);
		ret = px_w_SQLSetConnectAttrW(&x, d->real, a, v, n);
		px_wctx_post(&x, &d->diag);
	} else if (d->be->SQLSetConnectAttr) {
		ret = d->be->SQLSetConnectAttr(d->real, a, v, n);
	} else {
		ret = SQL_ERROR;
		px_diag_post(&d->diag, "IM001", "[tokenpass] the target "
			     "driver has no SQLSetConnectAttr");
	}
out:
	if (d)
		d->diag.ret = ret;
	return ret;
}

PX_EXPORT SQLRETURN SQL_API SQLSetConnectAttr(SQLHDBC h, SQLINTEGER a,
	SQLPOINTER v, SQLINTEGER n)
{
	return set_connect_attr(h, a, v, n, 0);
}

PX_EXPORT SQLRETURN SQL_API SQLSetConnectAttrW(SQLHDBC h, SQLINTEGER a,
	SQLPOINTER v, SQLINTEGER n)
{
	return set_connect_attr(h, a, v, n, 1);
}

/* before connect: what was set, written as its type says */
static SQLRETURN recorded_attr(struct px_dbc *d, const struct px_attr *at,
			       SQLPOINTER v, SQLINTEGER n, SQLINTEGER *len,
			       int wide)
{
	int enc = wide ? px_dm_get(NULL)->wchar_enc : PX_ENC_UTF8;
	SQLRETURN ret = SQL_SUCCESS;
	size_t full = 0, cap;
	SQLLEN bytes;

	if (at->type == PX_AT_STR) {
		cap = v && n > 0 ? (size_t)n / (size_t)enc : 0;
		if (px_enc_put(at->value, PX_ENC_UTF8, at->size - 1, v, enc,
			       cap, &full)) {
			px_diag_post(&d->diag, "01004", "[tokenpass] the "
				     "attribute value was truncated");
			ret = SQL_SUCCESS_WITH_INFO;
		}
		if (len)
			*len = (SQLINTEGER)(full * (size_t)enc);
	} else if (at->type == PX_AT_BIN) {
		if (v && n > 0)
			memcpy(v, at->value, (size_t)n < at->size ?
			       (size_t)n : at->size);
		if (len)
			*len = (SQLINTEGER)at->size;
	} else {
		/* the size the standard gives it, or the caller's own */
		bytes = (SQLLEN)px_attr_int_size(at->type == PX_AT_VALUE ?
			px_attr_classify(PX_ATTR_DBC, at->id, NULL, n, &bytes) :
			(enum px_attr_type)at->type);
		px_attr_put_int(v, (size_t)bytes, (SQLULEN)at->value);
		if (len)
			*len = (SQLINTEGER)bytes;
	}
	return ret;
}

static SQLRETURN get_connect_attr(SQLHDBC h, SQLINTEGER a, SQLPOINTER v,
				  SQLINTEGER n, SQLINTEGER *len, int wide)
{
	struct px_dbc *d = px_dbc_from(h);
	SQLRETURN ret = SQL_INVALID_HANDLE;
	struct px_wctx x;
	int i;

	if (!d)
		goto out;
	px_diag_clear(&d->diag);
	if (d->connected) {
		ret = SQL_ERROR;
		if (wide) {
			px_wctx_init(&x, d->be->SQLGetConnectAttrW,
				     d->be->SQLGetConnectAttr);
			ret = px_w_SQLGetConnectAttrW(&x, d->real, a, v, n,
						      len);
			px_wctx_post(&x, &d->diag);
		} else if (d->be->SQLGetConnectAttr) {
			ret = d->be->SQLGetConnectAttr(d->real, a, v, n, len);
		} else {
			px_diag_post(&d->diag, "IM001", "[tokenpass] the "
				     "target driver has no SQLGetConnectAttr");
		}
		goto out;
	}
	for (i = 0; i < d->attr_nr; i++)
		if (d->attrs[i].id == a)
			break;
	if (i < d->attr_nr) {
		ret = recorded_attr(d, &d->attrs[i], v, n, len, wide);
		goto out;
	}
	px_diag_post(&d->diag, "08003", "[tokenpass] the connection is not "
		     "open");
	ret = SQL_ERROR;
out:
	if (d)
		d->diag.ret = ret;
	return ret;
}

PX_EXPORT SQLRETURN SQL_API SQLGetConnectAttr(SQLHDBC h, SQLINTEGER a,
	SQLPOINTER v, SQLINTEGER n, SQLINTEGER *len)
{
	return get_connect_attr(h, a, v, n, len, 0);
}

PX_EXPORT SQLRETURN SQL_API SQLGetConnectAttrW(SQLHDBC h, SQLINTEGER a,
	SQLPOINTER v, SQLINTEGER n, SQLINTEGER *len)
{
	return get_connect_attr(h, a, v, n, len, 1);
}

/*
 * A statement's implicit descriptors are handles of its driver too: the
 * driver manager asks for all four after every allocation.
 */
static SQLRETURN get_stmt_attr(SQLHSTMT h, SQLINTEGER a, SQLPOINTER v,
			       SQLINTEGER n, SQLINTEGER *len, int wide)
{
	struct px_backend *be = px_handle_be(h);
	SQLRETURN ret = SQL_INVALID_HANDLE;

	if (!be)
		goto out;
	ret = SQL_ERROR;
	if (wide) {
		struct px_wctx x;

		/* the W twin, or the A one of an ANSI-only target */
		px_gd_forget(h);
		px_wctx_init(&x, be->SQLGetStmtAttrW, be->SQLGetStmtAttr);
		ret = px_w_SQLGetStmtAttrW(&x, h, a, v, n, len);
		px_stmt_note(h, &x);
	} else if (be->SQLGetStmtAttr) {
		ret = be->SQLGetStmtAttr(h, a, v, n, len);
	}
	if (SQL_SUCCEEDED(ret) && v &&
	    (a == SQL_ATTR_APP_ROW_DESC || a == SQL_ATTR_APP_PARAM_DESC ||
	     a == SQL_ATTR_IMP_ROW_DESC || a == SQL_ATTR_IMP_PARAM_DESC))
		px_handle_put_desc(*(SQLHANDLE *)v, h, be);
out:
	return ret;
}

PX_EXPORT SQLRETURN SQL_API SQLGetStmtAttr(SQLHSTMT h, SQLINTEGER a,
	SQLPOINTER v, SQLINTEGER n, SQLINTEGER *len)
{
	return get_stmt_attr(h, a, v, n, len, 0);
}

PX_EXPORT SQLRETURN SQL_API SQLGetStmtAttrW(SQLHSTMT h, SQLINTEGER a,
	SQLPOINTER v, SQLINTEGER n, SQLINTEGER *len)
{
	return get_stmt_attr(h, a, v, n, len, 1);
}

PX_EXPORT SQLRETURN SQL_API SQLDisconnect(SQLHDBC h)
{
	struct px_dbc *d = px_dbc_from(h);
	SQLRETURN ret = SQL_INVALID_HANDLE;

	if (!d)
		goto out;
	px_diag_clear(&d->diag);
	ret = SQL_ERROR;
	if (!d->connected) {
		px_diag_post(&d->diag, "08003", "[tokenpass] the connection "
			     "is not open");
		goto out;
	}
	ret = d->be->SQLDisconnect(d->real);
	if (SQL_SUCCEEDED(ret)) {
		/* the driver freed the connection's statements */
		px_handle_drop_dbc(d);
		d->connected = 0;
	}
out:
	if (d)
		d->diag.ret = ret;
	return ret;
}

/* what the real driver has, less what the hook does not export */
PX_EXPORT SQLRETURN SQL_API SQLGetFunctions(SQLHDBC h, SQLUSMALLINT id,
	SQLUSMALLINT *supported)
{
	struct px_dbc *d = px_dbc_from(h);
	SQLRETURN ret = SQL_INVALID_HANDLE;
	unsigned i;

	if (!d)
		goto out;
	px_diag_clear(&d->diag);
	ret = SQL_ERROR;
	if (!d->connected) {
		px_diag_post(&d->diag, "HY010", "[tokenpass] SQLGetFunctions "
			     "before connect");
		goto out;
	}
	if (!supported) {
		px_diag_post(&d->diag, "HY009", "[tokenpass] SQLGetFunctions "
			     "without an output buffer");
		goto out;
	}
	if (!d->be->SQLGetFunctions) {
		/* no SQLGetFunctions: every exported entry point counts */
		if (id == SQL_API_ODBC3_ALL_FUNCTIONS)
			memset(supported, 0, SQL_API_ODBC3_ALL_FUNCTIONS_SIZE *
			       sizeof(*supported));
		else if (id == SQL_API_ALL_FUNCTIONS)
			memset(supported, 0, 100 * sizeof(*supported));
		else
			*supported = SQL_FALSE;
#define PX_FN(kind, name, fid, params, args) \
		if (d->be->name) { \
			if (id == SQL_API_ODBC3_ALL_FUNCTIONS) \
				supported[(fid) >> 4] |= \
					(SQLUSMALLINT)(1 << ((fid) & 15)); \
			else if (id == SQL_API_ALL_FUNCTIONS && (fid) < 100) \
				supported[fid] = SQL_TRUE; \
			else if (id == (fid)) \
				*supported = SQL_TRUE; \
		}
#include "plugin/api.def"
#undef PX_FN
		ret = SQL_SUCCESS;
		goto out;
	}
	ret = d->be->SQLGetFunctions(d->real, id, supported);
	if (!SQL_SUCCEEDED(ret))
		goto out;
	if (id == SQL_API_ODBC3_ALL_FUNCTIONS) {
		pthread_once(&exported_once, exported_init);
		for (i = 0; i < SQL_API_ODBC3_ALL_FUNCTIONS_SIZE; i++)
			supported[i] &= exported_map[i];
	} else if (id == SQL_API_ALL_FUNCTIONS) {
		for (i = 0; i < 100; i++)
			if (!exported((SQLUSMALLINT)i))
				supported[i] = SQL_FALSE;
	} else if (!exported(id)) {
		*supported = SQL_FALSE;
	}
out:
	if (d)
		d->diag.ret = ret;
	return ret;
}

PX_EXPORT SQLRETURN SQL_API SQLEndTran(SQLSMALLINT h, SQLHANDLE handle,
	SQLSMALLINT completion)
{
	struct px_env *e;
	struct px_dbc *d;
	SQLRETURN ret = SQL_INVALID_HANDLE;
	int i;

	if (h == SQL_HANDLE_ENV && (e = px_env_from(handle))) {
		px_diag_clear(&e->diag);
		ret = SQL_SUCCESS;
		for (i = 0; i < e->real_nr; i++) {
			struct px_env_real *r = &e->reals[i];
			SQLRETURN rc;

			if (!r->be->SQLEndTran)
				continue;
			rc = r->be->SQLEndTran(h, r->real, completion);
			if (!SQL_SUCCEEDED(rc))
				ret = rc;
		}
	} else if (h == SQL_HANDLE_DBC && (d = px_dbc_from(handle))) {
		px_diag_clear(&d->diag);
		ret = SQL_ERROR;
		if (!d->connected)
			px_diag_post(&d->diag, "08003", "[tokenpass] the "
				     "connection is not open");
		else if (d->be->SQLEndTran)
			ret = d->be->SQLEndTran(h, d->real, completion);
		d->diag.ret = ret;
	}
	return ret;
}
