/*
 * Handles: the hook's own ENV and DBC (struct px_env, struct px_dbc),
 * validated by their magic, and the real driver's handles behind them,
 * created at connect with the recorded attributes replayed.
 */
#include "config.h"
#include "plugin/px.h"

#include <stdlib.h>
#include <string.h>

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
int px_real_dbc(struct px_dbc *d)
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

struct px_env *px_env_from(SQLHANDLE h)
{
	struct px_env *e = h;

	return e && e->magic == PX_ENV_MAGIC ? e : NULL;
}

struct px_dbc *px_dbc_from(SQLHANDLE h)
{
	struct px_dbc *d = h;

	return d && d->magic == PX_DBC_MAGIC ? d : NULL;
}

static void free_dbc(struct px_dbc *d)
{
	int i;

	if (d->real && d->be)
		d->be->SQLFreeHandle(SQL_HANDLE_DBC, d->real);
	for (i = 0; i < d->attr_nr; i++) {
		if (d->attrs[i].is_str) {
			px_wipe(d->attrs[i].value, d->attrs[i].size);
			free(d->attrs[i].value);
		}
	}
	free(d->attrs);
	px_diag_clear(&d->diag);
	d->magic = 0;
	free(d);
}

PX_EXPORT SQLRETURN SQL_API SQLAllocHandle(SQLSMALLINT h, SQLHANDLE in,
	SQLHANDLE *out)
{
	struct px_backend *be;
	struct px_env *e;
	struct px_dbc *d;
	SQLRETURN ret = SQL_ERROR;

	if (!out)
		goto out;
	switch (h) {
	case SQL_HANDLE_ENV:
		e = calloc(1, sizeof(*e));
		if (!e)
			goto out;
		e->magic = PX_ENV_MAGIC;
		px_diag_clear(&e->diag);
		*out = e;
		ret = SQL_SUCCESS;
		break;
	case SQL_HANDLE_DBC:
		e = px_env_from(in);
		if (!e) {
			ret = SQL_INVALID_HANDLE;
			goto out;
		}
		px_diag_clear(&e->diag);
		d = calloc(1, sizeof(*d));
		if (!d) {
			px_diag_post(&e->diag, "HY001",
				     "[tokenpass] out of memory");
			goto out;
		}
		d->magic = PX_DBC_MAGIC;
		d->env = e;
		px_diag_clear(&d->diag);
		*out = d;
		ret = SQL_SUCCESS;
		break;
	case SQL_HANDLE_STMT:
	case SQL_HANDLE_DESC:
		d = px_dbc_from(in);
		if (!d) {
			ret = SQL_INVALID_HANDLE;
			goto out;
		}
		px_diag_clear(&d->diag);
		be = d->be;
		if (!d->connected) {
			px_diag_post(&d->diag, "08003", "[tokenpass] the "
				     "connection is not open");
			d->diag.ret = ret;
			goto out;
		}
		ret = be->SQLAllocHandle(h, d->real, out);
		break;
	default:
		break;
	}
out:
	return ret;
}

PX_EXPORT SQLRETURN SQL_API SQLFreeHandle(SQLSMALLINT h, SQLHANDLE handle)
{
	struct px_backend *be;
	struct px_env *e;
	struct px_dbc *d;
	SQLRETURN ret = SQL_INVALID_HANDLE;

	switch (h) {
	case SQL_HANDLE_ENV:
		e = px_env_from(handle);
		if (!e)
			goto out;
		if (e->real && e->be)
			e->be->SQLFreeHandle(SQL_HANDLE_ENV, e->real);
		px_diag_clear(&e->diag);
		e->magic = 0;
		free(e);
		ret = SQL_SUCCESS;
		break;
	case SQL_HANDLE_DBC:
		d = px_dbc_from(handle);
		if (!d)
			goto out;
		free_dbc(d);
		ret = SQL_SUCCESS;
		break;
	case SQL_HANDLE_STMT:
	case SQL_HANDLE_DESC:
		be = px_backend_active();
		if (be && handle)
			ret = be->SQLFreeHandle(h, handle);
		break;
	default:
		break;
	}
out:
	return ret;
}
