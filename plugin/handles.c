/*
 * Handles: the hook's own ENV and DBC (struct px_env, struct px_dbc),
 * validated by their magic, and the real driver's handles behind them,
 * created at connect with the recorded attributes replayed.
 */
#include "config.h"
#include "plugin/px.h"

#include <stdlib.h>
#include <string.h>

/* the variant to replay with: the one it was set through, if there */
static SQLRETURN (SQL_API *setter(struct px_backend *be, int wide,
				  int *w))(SQLHDBC, SQLINTEGER, SQLPOINTER,
					   SQLINTEGER)
{
	*w = wide ? be->SQLSetConnectAttrW != NULL :
		    be->SQLSetConnectAttr == NULL;
	return *w ? be->SQLSetConnectAttrW : be->SQLSetConnectAttr;
}

/* one recorded attribute on d->real, as its type says */
static void replay_one(struct px_dbc *d, const struct px_attr *a)
{
	SQLRETURN (SQL_API *set)(SQLHDBC, SQLINTEGER, SQLPOINTER, SQLINTEGER);
	size_t units = 0;
	void *w = NULL;
	int wide;

	set = setter(d->be, a->wide, &wide);
	if (!set)
		return;
	if (a->type == PX_AT_STR && wide) {
		w = px_enc_conv(a->value, PX_ENC_UTF8, a->size - 1,
				PX_ENC_UTF16, &units);
		if (w)
			set(d->real, a->id, w,
			    (SQLINTEGER)(units * sizeof(SQLWCHAR)));
		px_enc_free(w, units, PX_ENC_UTF16);
	} else if (a->type == PX_AT_STR) {
		set(d->real, a->id, a->value, (SQLINTEGER)(a->size - 1));
	} else if (a->type == PX_AT_BIN) {
		set(d->real, a->id, a->value,
		    (SQLINTEGER)SQL_LEN_BINARY_ATTR((SQLINTEGER)a->size));
	} else {
		set(d->real, a->id, a->value, a->len);
	}
}

void px_dbc_replay(struct px_dbc *d)
{
	int i;

	for (i = 0; i < d->attr_nr; i++)
		replay_one(d, &d->attrs[i]);
}

void px_env_lock(struct px_env *e)
{
	pthread_mutex_lock(&e->lock);
}

void px_env_unlock(struct px_env *e)
{
	pthread_mutex_unlock(&e->lock);
}

/*
 * The real environment behind e, made once: two threads connecting at
 * once on one environment share it. 0, or -1 with a record on diag.
 */
static int real_env(struct px_env *e, struct px_backend *be,
		    struct px_diag *diag)
{
	int i, ret = 0;

	px_env_lock(e);
	if (e->real)
		goto out;
	if (!SQL_SUCCEEDED(be->SQLAllocHandle(SQL_HANDLE_ENV,
					      SQL_NULL_HANDLE, &e->real))) {
		e->real = NULL;
		px_diag_post(diag, "IM004", "[tokenpass] the target driver "
			     "'%s' cannot allocate an environment", be->path);
		ret = -1;
		goto out;
	}
	e->be = be;
	for (i = 0; i < e->attr_nr; i++)
		if (be->SQLSetEnvAttr)
			be->SQLSetEnvAttr(e->real, e->attr_id[i],
					  e->attr_val[i], e->attr_len[i]);
out:
	px_env_unlock(e);
	return ret;
}

/* a fresh real connection with the recorded attributes */
int px_real_dbc(struct px_dbc *d)
{
	struct px_env *e = d->env;
	struct px_backend *be = d->be;
	int ret = -1;

	if (real_env(e, be, &d->diag))
		goto out;
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
		if (d->attrs[i].copy) {
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
		pthread_mutex_init(&e->lock, NULL);
		px_diag_clear(&e->diag);
		/* the first call from the driver manager tells which one */
		px_dm_get(__builtin_return_address(0));
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
		pthread_mutex_destroy(&e->lock);
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
