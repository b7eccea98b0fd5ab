/*
 * Handles: the hook's own ENV and DBC (struct px_env, struct px_dbc),
 * validated by their magic, and the real driver's handles behind them,
 * created at connect with the recorded attributes replayed.
 */
#include "config.h"
#include "plugin/px.h"

#include <pthread.h>
#include <stdint.h>
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
 * The environment's real environment for be, made on first use, under
 * the environment's lock: two threads connecting at once on one
 * environment share it.
 */
static SQLHENV env_real(struct px_dbc *d, struct px_backend *be)
{
	struct px_env *e = d->env;
	struct px_env_real *r;
	SQLHENV ret = NULL;
	int i;

	px_env_lock(e);
	for (i = 0; i < e->real_nr; i++) {
		if (e->reals[i].be == be) {
			ret = e->reals[i].real;
			goto out;
		}
	}
	if (e->real_nr == PX_ENV_REALS) {
		px_diag_post(&d->diag, "IM004", "[tokenpass] one environment "
			     "uses more than %d target drivers", PX_ENV_REALS);
		goto out;
	}
	if (!SQL_SUCCEEDED(be->SQLAllocHandle(SQL_HANDLE_ENV, SQL_NULL_HANDLE,
					      &ret))) {
		ret = NULL;
		px_diag_post(&d->diag, "IM004", "[tokenpass] the target driver "
			     "'%s' cannot allocate an environment", be->path);
		goto out;
	}
	for (i = 0; i < e->attr_nr; i++)
		if (be->SQLSetEnvAttr)
			be->SQLSetEnvAttr(ret, e->attr_id[i], e->attr_val[i],
					  e->attr_len[i]);
	r = &e->reals[e->real_nr++];
	r->be = be;
	r->real = ret;
out:
	px_env_unlock(e);
	return ret;
}

/* a fresh real connection with the recorded attributes */
int px_real_dbc(struct px_dbc *d)
{
	struct px_backend *be = d->be;
	SQLHENV env;
	int ret = -1;

	if (d->real) {
		/* its statements and descriptors go with it */
		px_handle_drop_dbc(d);
		d->real_be->SQLFreeHandle(SQL_HANDLE_DBC, d->real);
		d->real = NULL;
	}
	env = env_real(d, be);
	if (!env)
		goto out;
	if (!SQL_SUCCEEDED(be->SQLAllocHandle(SQL_HANDLE_DBC, env,
					      &d->real))) {
		d->real = NULL;
		px_diag_post(&d->diag, "IM005", "[tokenpass] the target "
			     "driver '%s' cannot allocate a connection",
			     be->path);
		goto out;
	}
	d->real_be = be;
	px_dbc_replay(d);
	ret = 0;
out:
	return ret;
}

/*
 * Statement and descriptor handles to their driver: a chained hash
 * table under a lock. While the process has one real driver, every raw
 * handle is its: no look-up at all.
 *
 * Each entry also belongs to the hook's connection it was made on, on
 * that connection's list (d->handles), and an implicit descriptor to its
 * statement (parent): when the real driver frees them along with their
 * owner (SQLFreeHandle of the statement, SQLDisconnect or SQLFreeHandle
 * of the connection), their entries go too. A stale entry would grow the
 * table in an application that never frees its statements, and could
 * send a handle the driver reuses to the wrong driver.
 */
#define MAP_BUCKETS 1024
struct px_hnode {
	SQLHANDLE h;
	struct px_backend *be;
	struct px_dbc *dbc;		/* the connection it was made on */
	SQLHANDLE parent;		/* an implicit descriptor's statement */
	struct px_wd *wd;		/* a statement's SQL_C_WCHAR binds */
	struct px_hnode *next;		/* in its bucket */
	struct px_hnode *sib, **sib_prev;	/* on dbc->handles */
};
static struct px_hnode *map[MAP_BUCKETS];
static pthread_mutex_t map_lock = PTHREAD_MUTEX_INITIALIZER;

static size_t bucket(SQLHANDLE h)
{
	uintptr_t v = (uintptr_t)h;

	return (size_t)((v >> 4) ^ (v >> 14)) % MAP_BUCKETS;
}

/* h's entry, and where it hangs in its bucket; under map_lock */
static struct px_hnode *find(SQLHANDLE h, struct px_hnode ***where)
{
	struct px_hnode **p, *n;

	for (p = &map[bucket(h)]; (n = *p); p = &n->next)
		if (n->h == h)
			break;
	if (where)
		*where = p;
	return n;
}

/* n on d's list (NULL: on none); under map_lock */
static void own(struct px_hnode *n, struct px_dbc *d)
{
	if (n->sib_prev) {
		*n->sib_prev = n->sib;
		if (n->sib)
			n->sib->sib_prev = n->sib_prev;
	}
	n->sib = NULL;
	n->sib_prev = NULL;
	n->dbc = d;
	if (!d)
		return;
	n->sib = d->handles;
	if (n->sib)
		n->sib->sib_prev = &n->sib;
	d->handles = n;
	n->sib_prev = &d->handles;
}

/* the one place an entry goes: off its lists, then freed; under map_lock */
static void node_free(struct px_hnode *n)
{
	struct px_hnode **p;

	if (find(n->h, &p) == n)
		*p = n->next;
	own(n, NULL);
	px_stmt_forget(n->h);
	px_wd_free(n->wd);
	free(n);
}

/* remember h as be's, made on d (parent: the statement of an implicit
 * descriptor, else NULL) */
static void put(SQLHANDLE h, struct px_backend *be, struct px_dbc *d,
		SQLHANDLE parent)
{
	struct px_hnode *n;

	pthread_mutex_lock(&map_lock);
	n = find(h, NULL);
	if (!n && (n = calloc(1, sizeof(*n)))) {
		size_t b = bucket(h);

		n->h = h;
		n->next = map[b];
		map[b] = n;
		n->parent = parent;
		own(n, d);
	} else if (n && !parent) {
		/* a handle the driver made anew at an old address */
		n->parent = NULL;
		px_wd_free(n->wd);
		n->wd = NULL;
		own(n, d);
	}
	if (n)
		n->be = be;
	pthread_mutex_unlock(&map_lock);
}

void px_handle_put(SQLHANDLE h, struct px_backend *be, struct px_dbc *d)
{
	if (h)
		put(h, be, d, NULL);
}

void px_handle_put_desc(SQLHANDLE desc, SQLHANDLE stmt,
			struct px_backend *be)
{
	struct px_hnode *n;
	struct px_dbc *d = NULL;

	if (!desc || !stmt || desc == stmt)
		return;
	pthread_mutex_lock(&map_lock);
	n = find(stmt, NULL);
	if (n)
		d = n->dbc;
	pthread_mutex_unlock(&map_lock);
	put(desc, be, d, stmt);
}

void px_handle_drop(SQLHANDLE h)
{
	struct px_hnode *n, *k, *next;

	pthread_mutex_lock(&map_lock);
	n = find(h, NULL);
	if (n && n->dbc) {
		/* a statement's implicit descriptors go with it */
		for (k = n->dbc->handles; k; k = next) {
			next = k->sib;
			if (k->parent == h)
				node_free(k);
		}
	}
	if ((n = find(h, NULL)))
		node_free(n);
	pthread_mutex_unlock(&map_lock);
}

void px_handle_drop_dbc(struct px_dbc *d)
{
	pthread_mutex_lock(&map_lock);
	while (d->handles)
		node_free(d->handles);
	pthread_mutex_unlock(&map_lock);
}

struct px_wd **px_handle_wd(SQLHANDLE h)
{
	struct px_hnode *n;

	pthread_mutex_lock(&map_lock);
	n = find(h, NULL);
	pthread_mutex_unlock(&map_lock);
	return n ? &n->wd : NULL;
}

struct px_backend *px_handle_be(SQLHANDLE h)
{
	struct px_backend *ret = px_backend_only();
	struct px_hnode *n;

	if (ret || !h)
		return ret;
	pthread_mutex_lock(&map_lock);
	n = find(h, NULL);
	ret = n ? n->be : NULL;
	pthread_mutex_unlock(&map_lock);
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

	/* the driver frees the connection's statements and descriptors */
	px_handle_drop_dbc(d);
	if (d->real)
		d->real_be->SQLFreeHandle(SQL_HANDLE_DBC, d->real);
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
		if (SQL_SUCCEEDED(ret))
			px_handle_put(*out, be, d);
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
	int i;

	switch (h) {
	case SQL_HANDLE_ENV:
		e = px_env_from(handle);
		if (!e)
			goto out;
		for (i = 0; i < e->real_nr; i++)
			e->reals[i].be->SQLFreeHandle(SQL_HANDLE_ENV,
						      e->reals[i].real);
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
		be = px_handle_be(handle);
		if (be)
			ret = be->SQLFreeHandle(h, handle);
		if (SQL_SUCCEEDED(ret))
			px_handle_drop(handle);
		break;
	default:
		break;
	}
out:
	return ret;
}
