/*
 * The exported diagnostics calls: the hook's own records on its ENV and
 * DBC handles come first, then the real driver's, renumbered after them.
 * SQLError hands out each record once (unixODBC calls it until it fails).
 */
#include "config.h"
#include "plugin/px.h"

#include <stdlib.h>
#include <string.h>

/* the hook's diagnostics and the real handle behind an ENV or DBC */
static int own_handle(SQLSMALLINT type, SQLHANDLE h, struct px_diag **diag,
		      struct px_backend **be, SQLHANDLE *real)
{
	struct px_env *e;
	struct px_dbc *d;

	if (type == SQL_HANDLE_ENV && (e = px_env_from(h))) {
		*diag = &e->diag;
		*be = e->be;
		*real = e->real;
		return 1;
	}
	if (type == SQL_HANDLE_DBC && (d = px_dbc_from(h))) {
		*diag = &d->diag;
		*be = d->be;
		*real = d->real;
		return 1;
	}
	return 0;
}

static const char *msg_of(const struct px_diag_rec *r)
{
	return r->msg ? r->msg : "[tokenpass] out of memory";
}

/* copy s into an A buffer of max bytes; *len gets the full length */
static SQLRETURN put_a(const char *s, SQLCHAR *buf, SQLLEN max, void *len,
		       int len_is_small)
{
	size_t n = strlen(s);
	SQLRETURN ret = SQL_SUCCESS;

	if (len) {
		if (len_is_small)
			*(SQLSMALLINT *)len = (SQLSMALLINT)n;
		else
			*(SQLINTEGER *)len = (SQLINTEGER)n;
	}
	if (buf && max > 0) {
		size_t c = n < (size_t)max ? n : (size_t)max - 1;

		memcpy(buf, s, c);
		buf[c] = '\0';
		if (c < n)
			ret = SQL_SUCCESS_WITH_INFO;
	} else if (buf || n) {
		ret = n ? SQL_SUCCESS_WITH_INFO : SQL_SUCCESS;
	}
	return ret;
}

/* the same for a W buffer; max and *len in characters, or bytes */
static SQLRETURN put_w(const char *s, SQLWCHAR *buf, SQLLEN max, void *len,
		       int len_is_small, int bytes)
{
	SQLRETURN ret = SQL_SUCCESS;
	size_t n, c, cap;
	SQLWCHAR *w;

	w = px_utf8_to_w(s, &n);
	if (!w)
		return SQL_ERROR;
	if (len) {
		SQLLEN v = bytes ? (SQLLEN)(n * sizeof(SQLWCHAR)) : (SQLLEN)n;

		if (len_is_small)
			*(SQLSMALLINT *)len = (SQLSMALLINT)v;
		else
			*(SQLINTEGER *)len = (SQLINTEGER)v;
	}
	cap = max > 0 ? (bytes ? (size_t)max / sizeof(SQLWCHAR)
			       : (size_t)max) : 0;
	if (buf && cap > 0) {
		c = n < cap ? n : cap - 1;
		memcpy(buf, w, c * sizeof(SQLWCHAR));
		buf[c] = 0;
		if (c < n)
			ret = SQL_SUCCESS_WITH_INFO;
	} else if (n) {
		ret = SQL_SUCCESS_WITH_INFO;
	}
	free(w);
	return ret;
}

static SQLRETURN put_str(const char *s, int wide, void *buf, SQLLEN max,
			 void *len, int len_is_small, int bytes)
{
	if (wide)
		return put_w(s, buf, max, len, len_is_small, bytes);
	return put_a(s, buf, max, len, len_is_small);
}

static SQLRETURN diag_rec(SQLSMALLINT type, SQLHANDLE h, SQLSMALLINT rec,
			  void *state, SQLINTEGER *native, void *msg,
			  SQLSMALLINT max, SQLSMALLINT *len, int wide)
{
	struct px_backend *be;
	struct px_diag *diag;
	SQLHANDLE real;
	SQLRETURN ret;

	if (!own_handle(type, h, &diag, &be, &real)) {
		if (type != SQL_HANDLE_STMT && type != SQL_HANDLE_DESC)
			return SQL_INVALID_HANDLE;
		be = px_backend_active();
		real = h;
		goto forward;
	}
	if (rec < 1)
		return SQL_ERROR;
	if (rec <= diag->nr) {
		const struct px_diag_rec *r = &diag->rec[rec - 1];

		if (state)
			put_str(r->state, wide, state, 6, NULL, 1, 0);
		if (native)
			*native = 0;
		return put_str(msg_of(r), wide, msg, max, len, 1, 0);
	}
	rec -= diag->nr;
forward:
	if (!be || !real)
		return SQL_NO_DATA;
	if (wide && be->SQLGetDiagRecW)
		ret = be->SQLGetDiagRecW(type, real, rec, state, native, msg,
					 max, len);
	else if (!wide && be->SQLGetDiagRec)
		ret = be->SQLGetDiagRec(type, real, rec, state, native, msg,
					max, len);
	else
		ret = SQL_NO_DATA;
	return ret;
}

PX_EXPORT SQLRETURN SQL_API SQLGetDiagRec(SQLSMALLINT h, SQLHANDLE handle,
	SQLSMALLINT rec, SQLCHAR *state, SQLINTEGER *native, SQLCHAR *msg,
	SQLSMALLINT msgmax, SQLSMALLINT *msglen)
{
	return diag_rec(h, handle, rec, state, native, msg, msgmax, msglen, 0);
}

PX_EXPORT SQLRETURN SQL_API SQLGetDiagRecW(SQLSMALLINT h, SQLHANDLE handle,
	SQLSMALLINT rec, SQLWCHAR *state, SQLINTEGER *native, SQLWCHAR *msg,
	SQLSMALLINT msgmax, SQLSMALLINT *msglen)
{
	return diag_rec(h, handle, rec, state, native, msg, msgmax, msglen, 1);
}

/* ODBC: class "IM" is ODBC's own, the rest ISO 9075 */
static const char *class_origin(const char *state)
{
	return !strncmp(state, "IM", 2) ? "ODBC 3.0" : "ISO 9075";
}

static const char *subclass_origin(const char *state)
{
	if (!strncmp(state, "IM", 2) || !strncmp(state, "HY", 2) ||
	    !strncmp(state, "01S", 3) || !strcmp(state, "HYT00"))
		return "ODBC 3.0";
	return "ISO 9075";
}

static SQLRETURN real_diag_field(struct px_backend *be, SQLSMALLINT type,
				 SQLHANDLE real, SQLSMALLINT rec,
				 SQLSMALLINT id, SQLPOINTER v, SQLSMALLINT n,
				 SQLSMALLINT *len, int wide)
{
	if (!be || !real)
		return SQL_NO_DATA;
	if (wide && be->SQLGetDiagFieldW)
		return be->SQLGetDiagFieldW(type, real, rec, id, v, n, len);
	if (!wide && be->SQLGetDiagField)
		return be->SQLGetDiagField(type, real, rec, id, v, n, len);
	return SQL_NO_DATA;
}

static SQLRETURN diag_field(SQLSMALLINT type, SQLHANDLE h, SQLSMALLINT rec,
			    SQLSMALLINT id, SQLPOINTER v, SQLSMALLINT n,
			    SQLSMALLINT *len, int wide)
{
	const struct px_diag_rec *r;
	struct px_backend *be;
	struct px_diag *diag;
	SQLHANDLE real;
	SQLINTEGER count = 0;

	if (!own_handle(type, h, &diag, &be, &real)) {
		if (type != SQL_HANDLE_STMT && type != SQL_HANDLE_DESC)
			return SQL_INVALID_HANDLE;
		return real_diag_field(px_backend_active(), type, h, rec, id,
				       v, n, len, wide);
	}
	if (rec == 0) {
		switch (id) {
		case SQL_DIAG_NUMBER:
			if (real_diag_field(be, type, real, 0, id, &count, 0,
					    NULL, wide) != SQL_SUCCESS)
				count = 0;
			if (v)
				*(SQLINTEGER *)v = count + diag->nr;
			return SQL_SUCCESS;
		case SQL_DIAG_RETURNCODE:
			if (v)
				*(SQLRETURN *)v = diag->ret;
			return SQL_SUCCESS;
		default:
			return real_diag_field(be, type, real, 0, id, v, n,
					       len, wide);
		}
	}
	if (rec < 0)
		return SQL_ERROR;
	if (rec > diag->nr)
		return real_diag_field(be, type, real, rec - diag->nr, id, v,
				       n, len, wide);
	r = &diag->rec[rec - 1];
	switch (id) {
	case SQL_DIAG_SQLSTATE:
		return put_str(r->state, wide, v, n, len, 1, 1);
	case SQL_DIAG_MESSAGE_TEXT:
		return put_str(msg_of(r), wide, v, n, len, 1, 1);
	case SQL_DIAG_CLASS_ORIGIN:
		return put_str(class_origin(r->state), wide, v, n, len, 1, 1);
	case SQL_DIAG_SUBCLASS_ORIGIN:
		return put_str(subclass_origin(r->state), wide, v, n, len, 1,
			       1);
	case SQL_DIAG_CONNECTION_NAME:
	case SQL_DIAG_SERVER_NAME:
		return put_str("", wide, v, n, len, 1, 1);
	case SQL_DIAG_NATIVE:
		if (v)
			*(SQLINTEGER *)v = 0;
		return SQL_SUCCESS;
	default:
		return SQL_ERROR;
	}
}

PX_EXPORT SQLRETURN SQL_API SQLGetDiagField(SQLSMALLINT h, SQLHANDLE handle,
	SQLSMALLINT rec, SQLSMALLINT id, SQLPOINTER v, SQLSMALLINT n,
	SQLSMALLINT *len)
{
	return diag_field(h, handle, rec, id, v, n, len, 0);
}

PX_EXPORT SQLRETURN SQL_API SQLGetDiagFieldW(SQLSMALLINT h, SQLHANDLE handle,
	SQLSMALLINT rec, SQLSMALLINT id, SQLPOINTER v, SQLSMALLINT n,
	SQLSMALLINT *len)
{
	return diag_field(h, handle, rec, id, v, n, len, 1);
}

/*
 * SQLError: the next record not yet handed out. The real driver's own
 * SQLError if it has one, else its SQLGetDiagRec with our own cursor.
 */
static SQLRETURN error_next(SQLHENV env, SQLHDBC dbc, SQLHSTMT stmt,
			    void *state, SQLINTEGER *native, void *msg,
			    SQLSMALLINT max, SQLSMALLINT *len, int wide)
{
	SQLSMALLINT type = stmt ? SQL_HANDLE_STMT :
			   dbc ? SQL_HANDLE_DBC : SQL_HANDLE_ENV;
	SQLHANDLE h = stmt ? stmt : dbc ? dbc : env;
	struct px_backend *be;
	struct px_diag *diag;
	SQLHANDLE real;
	SQLRETURN ret;

	if (type == SQL_HANDLE_STMT) {
		be = px_backend_active();
		if (!be)
			return SQL_INVALID_HANDLE;
		if (wide && be->SQLErrorW)
			return be->SQLErrorW(SQL_NULL_HENV, SQL_NULL_HDBC,
					     stmt, state, native, msg, max,
					     len);
		if (!wide && be->SQLError)
			return be->SQLError(SQL_NULL_HENV, SQL_NULL_HDBC,
					    stmt, state, native, msg, max,
					    len);
		/* no cursor to keep per statement: nothing more to hand out */
		return SQL_NO_DATA;
	}
	if (!own_handle(type, h, &diag, &be, &real))
		return SQL_INVALID_HANDLE;
	if (diag->own_next < diag->nr) {
		ret = diag_rec(type, h, (SQLSMALLINT)(diag->own_next + 1),
			       state, native, msg, max, len, wide);
		diag->own_next++;
		return ret;
	}
	if (!be || !real)
		return SQL_NO_DATA;
	if (wide && be->SQLErrorW)
		return be->SQLErrorW(type == SQL_HANDLE_ENV ? real : NULL,
				     type == SQL_HANDLE_DBC ? real : NULL,
				     SQL_NULL_HSTMT, state, native, msg, max,
				     len);
	if (!wide && be->SQLError)
		return be->SQLError(type == SQL_HANDLE_ENV ? real : NULL,
				    type == SQL_HANDLE_DBC ? real : NULL,
				    SQL_NULL_HSTMT, state, native, msg, max,
				    len);
	ret = diag_rec(type, h, (SQLSMALLINT)(diag->nr + diag->real_next),
		       state, native, msg, max, len, wide);
	if (SQL_SUCCEEDED(ret))
		diag->real_next++;
	else
		ret = SQL_NO_DATA;
	return ret;
}

PX_EXPORT SQLRETURN SQL_API SQLError(SQLHENV h, SQLHDBC dbc, SQLHSTMT stmt,
	SQLCHAR *state, SQLINTEGER *native, SQLCHAR *msg, SQLSMALLINT msgmax,
	SQLSMALLINT *msglen)
{
	return error_next(h, dbc, stmt, state, native, msg, msgmax, msglen, 0);
}

PX_EXPORT SQLRETURN SQL_API SQLErrorW(SQLHENV h, SQLHDBC dbc, SQLHSTMT stmt,
	SQLWCHAR *state, SQLINTEGER *native, SQLWCHAR *msg,
	SQLSMALLINT msgmax, SQLSMALLINT *msglen)
{
	return error_next(h, dbc, stmt, state, native, msg, msgmax, msglen, 1);
}
