/*
 * The exported ODBC API. api.def lists every entry point once; this file
 * generates the forwarders for statement, descriptor and (after connect)
 * connection calls, and holds the hand-written handle and attribute
 * calls. Nothing here may exit, abort or assert: errors are diagnostics.
 */
#include "config.h"
#include "plugin/px.h"

#include <stdlib.h>
#include <string.h>

#define PX_EXPAND(...) __VA_ARGS__

/* S: the real driver's own statement or descriptor handle */
#define PX_FWD_S(name, params, args) \
PX_EXPORT SQLRETURN SQL_API name params \
{ \
	struct px_backend *be = px_backend_active(); \
	SQLRETURN ret = SQL_INVALID_HANDLE; \
	\
	if (!be || !h) \
		goto out; \
	ret = SQL_ERROR; \
	if (!be->name) \
		goto out; \
	ret = be->name(h PX_EXPAND args); \
out: \
	return ret; \
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

#define PX_FWD_H(name, params, args)

#define PX_FN(kind, name, id, params, args) PX_FWD_##kind(name, params, args)
#include "plugin/api.def"
#undef PX_FN

/* the ODBC function ids the hook exports at all */
static int exported(SQLUSMALLINT id)
{
	static const SQLUSMALLINT ids[] = {
#define PX_FN(kind, name, id, params, args) id,
#include "plugin/api.def"
#undef PX_FN
	};
	size_t i;

	for (i = 0; i < sizeof(ids) / sizeof(*ids); i++)
		if (ids[i] == id)
			return 1;
	return 0;
}

PX_EXPORT SQLRETURN SQL_API SQLSetEnvAttr(SQLHENV h, SQLINTEGER a,
	SQLPOINTER v, SQLINTEGER n)
{
	struct px_env *e = px_env_from(h);
	SQLRETURN ret = SQL_INVALID_HANDLE;
	int i;

	if (!e)
		goto out;
	px_diag_clear(&e->diag);
	for (i = 0; i < e->attr_nr; i++)
		if (e->attr_id[i] == a)
			break;
	if (i == e->attr_nr) {
		if (e->attr_nr == (int)(sizeof(e->attr_id) /
					sizeof(*e->attr_id))) {
			px_diag_post(&e->diag, "HY001", "[tokenpass] too many "
				     "environment attributes");
			ret = SQL_ERROR;
			goto out;
		}
		e->attr_nr++;
	}
	/* every environment attribute is an integer */
	e->attr_id[i] = a;
	e->attr_val[i] = v;
	ret = SQL_SUCCESS;
	if (e->real && e->be && e->be->SQLSetEnvAttr)
		ret = e->be->SQLSetEnvAttr(e->real, a, v, n);
out:
	return ret;
}

PX_EXPORT SQLRETURN SQL_API SQLGetEnvAttr(SQLHENV h, SQLINTEGER a,
	SQLPOINTER v, SQLINTEGER n, SQLINTEGER *len)
{
	struct px_env *e = px_env_from(h);
	SQLRETURN ret = SQL_INVALID_HANDLE;
	SQLINTEGER val = 0;
	int i;

	if (!e)
		goto out;
	px_diag_clear(&e->diag);
	if (e->real && e->be && e->be->SQLGetEnvAttr) {
		ret = e->be->SQLGetEnvAttr(e->real, a, v, n, len);
		goto out;
	}
	if (a == SQL_ATTR_ODBC_VERSION)
		val = SQL_OV_ODBC3;
	else if (a == SQL_ATTR_OUTPUT_NTS)
		val = SQL_TRUE;
	for (i = 0; i < e->attr_nr; i++)
		if (e->attr_id[i] == a)
			val = (SQLINTEGER)(SQLLEN)e->attr_val[i];
	if (v)
		*(SQLINTEGER *)v = val;
	if (len)
		*len = sizeof(val);
	ret = SQL_SUCCESS;
out:
	return ret;
}

static int attr_is_string(SQLINTEGER a, SQLINTEGER n)
{
	if (a == SQL_ATTR_CURRENT_CATALOG || a == SQL_ATTR_TRACEFILE ||
	    a == SQL_ATTR_TRANSLATE_LIB)
		return 1;
	/* a driver's own attribute: a string if given a string length */
	return a >= 1000 && a != SQL_ATTR_ANSI_APP &&
	       (n == SQL_NTS || n > 0);
}

/* record an attribute for the real connection; 0 or -1 (out of memory) */
static int record_attr(struct px_dbc *d, SQLINTEGER a, SQLPOINTER v,
		       SQLINTEGER n, int wide)
{
	struct px_attr *at;
	void *copy = NULL;
	size_t size = 0;
	int i, ret = -1;

	if (attr_is_string(a, n) && v) {
		if (wide)
			size = (n == SQL_NTS ? px_wlen(v) :
				(size_t)n / sizeof(SQLWCHAR)) *
			       sizeof(SQLWCHAR);
		else
			size = n == SQL_NTS ? strlen(v) : (size_t)n;
		copy = calloc(1, size + sizeof(SQLWCHAR));
		if (!copy)
			goto out;
		memcpy(copy, v, size);
		size += sizeof(SQLWCHAR);
	}
	for (i = 0; i < d->attr_nr; i++)
		if (d->attrs[i].id == a)
			break;
	if (i == d->attr_nr) {
		if (d->attr_nr == d->attr_alloc) {
			int alloc = d->attr_alloc ? d->attr_alloc * 2 : 8;

			at = realloc(d->attrs, (size_t)alloc * sizeof(*at));
			if (!at)
				goto out;
			d->attrs = at;
			d->attr_alloc = alloc;
		}
		d->attr_nr++;
	} else if (d->attrs[i].is_str) {
		px_wipe(d->attrs[i].value, d->attrs[i].size);
		free(d->attrs[i].value);
	}
	at = &d->attrs[i];
	at->id = a;
	at->wide = wide;
	at->is_str = copy != NULL;
	at->value = copy ? copy : v;
	at->size = size;
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
	SQLRETURN ret = SQL_INVALID_HANDLE;

	if (!d)
		goto out;
	px_diag_clear(&d->diag);
	ret = SQL_ERROR;
	if (record_attr(d, a, v, n, wide)) {
		px_diag_post(&d->diag, "HY001", "[tokenpass] out of memory");
		goto out;
	}
	ret = SQL_SUCCESS;
	if (d->real && d->connected) {
		if (wide && d->be->SQLSetConnectAttrW)
			ret = d->be->SQLSetConnectAttrW(d->real, a, v, n);
		else if (!wide && d->be->SQLSetConnectAttr)
			ret = d->be->SQLSetConnectAttr(d->real, a, v, n);
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

static SQLRETURN get_connect_attr(SQLHDBC h, SQLINTEGER a, SQLPOINTER v,
				  SQLINTEGER n, SQLINTEGER *len, int wide)
{
	struct px_dbc *d = px_dbc_from(h);
	SQLRETURN ret = SQL_INVALID_HANDLE;
	int i;

	if (!d)
		goto out;
	px_diag_clear(&d->diag);
	if (d->connected) {
		ret = SQL_ERROR;
		if (wide && d->be->SQLGetConnectAttrW)
			ret = d->be->SQLGetConnectAttrW(d->real, a, v, n, len);
		else if (!wide && d->be->SQLGetConnectAttr)
			ret = d->be->SQLGetConnectAttr(d->real, a, v, n, len);
		goto out;
	}
	/* before connect: what was set, for integer attributes */
	for (i = 0; i < d->attr_nr; i++)
		if (d->attrs[i].id == a && !d->attrs[i].is_str)
			break;
	if (i < d->attr_nr) {
		if (v)
			*(SQLULEN *)v = (SQLULEN)d->attrs[i].value;
		if (len)
			*len = sizeof(SQLULEN);
		ret = SQL_SUCCESS;
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
	if (SQL_SUCCEEDED(ret))
		d->connected = 0;
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
		for (i = 0; i < SQL_API_ODBC3_ALL_FUNCTIONS_SIZE * 16; i++)
			if (!exported((SQLUSMALLINT)i))
				supported[i >> 4] &= (SQLUSMALLINT)~(1 << (i & 15));
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

	if (h == SQL_HANDLE_ENV && (e = px_env_from(handle))) {
		px_diag_clear(&e->diag);
		ret = SQL_SUCCESS;
		if (e->real && e->be && e->be->SQLEndTran)
			ret = e->be->SQLEndTran(h, e->real, completion);
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
