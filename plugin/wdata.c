/*
 * SQL_C_WCHAR data buffers where the target cannot serve the
 * application's SQLWCHAR: an ANSI-only target (psqlodbca.so answers
 * SQL_C_WCHAR with 07006; it gets SQL_C_CHAR, UTF-8), or a 4-byte
 * application (iODBC) in front of a UTF-16 target.
 *
 * Bound columns: the target is bound to a shadow buffer in its own
 * encoding, sized for the worst case of the application's buffer, and
 * rebound before every fetch (row array size, binding type and bind
 * offset may have changed); after the fetch each row the target wrote is
 * converted into the application's buffer and indicator. A value the
 * shadow could not hold is read whole with SQLGetData for its exact
 * length. Input parameters: converted into shadow buffers, and the
 * target bound to them, at every execute.
 *
 * The state lives in the statement's entry of the handle map
 * (handles.c) and goes with it. What is not converted (output
 * parameters, data at execution, positioned updates, a SQL_C_WCHAR bind
 * made or changed through the descriptor) is refused with HYC00, never
 * served with data in the wrong encoding.
 */
#include "config.h"
#include "plugin/px.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* a shadow's length slot the target has not written */
#define UNWRITTEN ((SQLLEN)-0x7ffe1234)

/* a shadow buffer: its memory and what the target was last given */
struct shadow {
	unsigned char *buf;
	size_t size;
	SQLLEN *ind;
	size_t ind_size;
	SQLLEN cap;		/* BufferLength given to the target */
	SQLLEN stride;		/* bytes from one row's value to the next */
	void *bound;		/* data address the target holds, or NULL */
};

/* one bound column or parameter, as the application gave it */
struct wbind {
	SQLUSMALLINT nr;
	SQLPOINTER app;
	SQLLEN len;
	SQLLEN *ind;
	SQLSMALLINT sqltype, digits;	/* parameters */
	SQLULEN size;
	struct shadow sh;
};

struct px_wd {
	struct wbind *cols, *pars;
	int col_nr, par_nr;
};

int px_target_wenc(const struct px_backend *be)
{
	return be->SQLDriverConnectW || be->SQLExecDirectW ? PX_ENC_UTF16 :
	       PX_ENC_UTF8;
}

static void shadow_release(struct shadow *s)
{
	if (s->buf) {
		px_wipe(s->buf, s->size);
		free(s->buf);
	}
	free(s->ind);
	memset(s, 0, sizeof(*s));
}

void px_wd_free(struct px_wd *wd)
{
	int i;

	if (!wd)
		return;
	for (i = 0; i < wd->col_nr; i++)
		shadow_release(&wd->cols[i].sh);
	for (i = 0; i < wd->par_nr; i++)
		shadow_release(&wd->pars[i].sh);
	free(wd->cols);
	free(wd->pars);
	free(wd);
}

/* room for size bytes of data and ind_size of lengths; -1 out of memory */
static int shadow_room(struct shadow *s, size_t size, size_t ind_size)
{
	unsigned char *buf;
	SQLLEN *ind;

	if (size > s->size) {
		buf = calloc(1, size);
		if (!buf)
			return -1;
		if (s->buf) {
			px_wipe(s->buf, s->size);
			free(s->buf);
		}
		s->buf = buf;
		s->size = size;
		s->bound = NULL;
	}
	if (ind_size > s->ind_size) {
		ind = calloc(1, ind_size);
		if (!ind)
			return -1;
		free(s->ind);
		s->ind = ind;
		s->ind_size = ind_size;
		s->bound = NULL;
	}
	return 0;
}

/* the binding of nr in list (cols or pars), or NULL */
static struct wbind *find(struct wbind *list, int nr_of, SQLUSMALLINT nr)
{
	int i;

	for (i = 0; i < nr_of; i++)
		if (list[i].nr == nr)
			return &list[i];
	return NULL;
}

/* forget nr's binding in list */
static void forget(struct wbind *list, int *nr_of, SQLUSMALLINT nr)
{
	struct wbind *b = find(list, *nr_of, nr);

	if (!b)
		return;
	shadow_release(&b->sh);
	*b = list[--*nr_of];
}

static void forget_all(struct wbind *list, int *nr_of)
{
	while (*nr_of)
		forget(list, nr_of, list[0].nr);
}

/* a new or the old slot for nr in *list; NULL out of memory */
static struct wbind *slot(struct wbind **list, int *nr_of, SQLUSMALLINT nr)
{
	struct wbind *b = find(*list, *nr_of, nr);

	if (b)
		return b;
	b = realloc(*list, (size_t)(*nr_of + 1) * sizeof(*b));
	if (!b)
		return NULL;
	*list = b;
	b = &b[(*nr_of)++];
	memset(b, 0, sizeof(*b));
	b->nr = nr;
	return b;
}

static void set_note(struct px_wctx *x, const char *state, const char *msg)
{
	if (x->state[0] && strcmp(state, "01004") == 0)
		return;
	memcpy(x->state, state, 6);
	snprintf(x->msg, sizeof(x->msg), "[tokenpass] %s", msg);
}

/* a statement attribute the target keeps as an integer or pointer */
static SQLULEN stmt_attr(struct px_backend *be, SQLHSTMT h, SQLINTEGER a)
{
	SQLULEN v = 0;

	if (!be->SQLGetStmtAttr ||
	    !SQL_SUCCEEDED(be->SQLGetStmtAttr(h, a, &v, sizeof(v), NULL)))
		v = 0;
	return v;
}

/* the application's slot of row r: base + offset + r * stride */
static void *at(void *base, SQLLEN off, SQLLEN stride, SQLULEN r)
{
	return base ? (unsigned char *)base + off + (SQLLEN)r * stride : NULL;
}

/* base - off as an address, for a target that adds off to it */
static void *unoffset(void *p, SQLLEN off)
{
	return (void *)((uintptr_t)p - (uintptr_t)off);
}

static void layout_get(struct px_backend *be, SQLHSTMT h, int params,
		       struct px_wd_layout *l)
{
	SQLULEN rows, r2;
	SQLLEN *offp;

	if (params) {
		rows = stmt_attr(be, h, SQL_ATTR_PARAMSET_SIZE);
		l->bind = (SQLLEN)stmt_attr(be, h, SQL_ATTR_PARAM_BIND_TYPE);
		offp = (SQLLEN *)stmt_attr(be, h,
					   SQL_ATTR_PARAM_BIND_OFFSET_PTR);
	} else {
		/* SQLExtendedFetch's rowset is SQL_ROWSET_SIZE */
		rows = stmt_attr(be, h, SQL_ATTR_ROW_ARRAY_SIZE);
		r2 = stmt_attr(be, h, SQL_ROWSET_SIZE);
		if (r2 > rows)
			rows = r2;
		l->bind = (SQLLEN)stmt_attr(be, h, SQL_ATTR_ROW_BIND_TYPE);
		offp = (SQLLEN *)stmt_attr(be, h, SQL_ATTR_ROW_BIND_OFFSET_PTR);
	}
	l->rows = rows ? rows : 1;
	l->off = offp ? *offp : 0;
}

/* the target's C type for the target encoding */
static SQLSMALLINT ctype(int tgt)
{
	return tgt == PX_ENC_UTF8 ? SQL_C_CHAR : SQL_C_WCHAR;
}

/*
 * Bind column b of the target to its shadow for layout l: every length
 * slot marked unwritten. -1 with a note when it cannot.
 */
static int col_prepare(struct px_backend *be, SQLHSTMT h, struct wbind *b,
		       const struct px_wd_layout *l, int app, int tgt,
		       struct px_wctx *x)
{
	struct shadow *s = &b->sh;
	SQLLEN cap, units = b->len / app;
	SQLULEN r;
	void *data, *ind;

	/* each application unit is at most 3 UTF-8 bytes or 2 UTF-16 units */
	cap = (units > 0 ? units : 1) * (app == PX_ENC_UTF16 ? 3 : 4);
	if (l->bind && cap > l->bind)
		cap = l->bind;
	cap -= cap % tgt;
	s->stride = l->bind ? l->bind : cap;
	if (cap < tgt || shadow_room(s, (size_t)(s->stride * (SQLLEN)
			(l->rows - 1) + cap), (size_t)((l->bind ?
			l->bind : (SQLLEN)sizeof(SQLLEN)) *
			(SQLLEN)(l->rows - 1)) + sizeof(SQLLEN))) {
		set_note(x, "HY001", "out of memory for a SQL_C_WCHAR column");
		return -1;
	}
	for (r = 0; r < l->rows; r++)
		*(SQLLEN *)at(s->ind, 0, l->bind ? l->bind :
			      (SQLLEN)sizeof(SQLLEN), r) = UNWRITTEN;
	data = unoffset(s->buf, l->off);
	ind = unoffset(s->ind, l->off);
	if (s->bound == data && s->cap == cap)
		return 0;
	if (!SQL_SUCCEEDED(be->SQLBindCol(h, b->nr, ctype(tgt), data, cap,
					  ind))) {
		s->bound = NULL;
		return -1;
	}
	s->bound = data;
	s->cap = cap;
	return 0;
}

/* code units before the terminator, at most max */
static size_t bounded_len(const unsigned char *p, int enc, size_t max)
{
	size_t i;

	for (i = 0; i < max; i++) {
		if (enc == PX_ENC_UTF8 && !p[i])
			break;
		if (enc == PX_ENC_UTF16 && !((const SQLWCHAR *)p)[i])
			break;
	}
	return i;
}

/*
 * Row r of column b into the application's buffer. 1 when the value was
 * cut, else 0.
 */
static int col_row(struct px_backend *be, SQLHSTMT h, struct wbind *b,
		   const struct px_wd_layout *l, SQLULEN r, int app, int tgt)
{
	struct shadow *s = &b->sh;
	SQLLEN stride = l->bind ? l->bind : (SQLLEN)sizeof(SQLLEN);
	SQLLEN got = *(SQLLEN *)at(s->ind, 0, stride, r);
	SQLLEN *aind = at(b->ind, l->off, stride, r);
	const unsigned char *val = at(s->buf, 0, s->stride, r);
	void *whole = NULL, *dst;
	size_t units, wunits = 0, full, cap;
	SQLRETURN rc;
	int ret, known = 1;

	if (got == UNWRITTEN)
		return 0;
	if (got == SQL_NULL_DATA) {
		if (aind)
			*aind = SQL_NULL_DATA;
		return 0;
	}
	units = (size_t)s->cap / (size_t)tgt - 1;
	if (got >= 0 && (size_t)got / (size_t)tgt <= units) {
		units = (size_t)got / (size_t)tgt;
	} else {
		/* the shadow holds a piece: the whole value, for its length */
		units = bounded_len(val, tgt, units);
		known = 0;
		if ((l->rows == 1 || (be->SQLSetPos &&
		     SQL_SUCCEEDED(be->SQLSetPos(h, (SQLSETPOSIROW)r + 1,
				SQL_POSITION, SQL_LOCK_NO_CHANGE)))) &&
		    px_gd_fetch(be, h, b->nr, tgt, &rc, &whole, &wunits) == 0) {
			val = whole;
			units = wunits;
			known = 1;
		}
	}
	dst = at(b->app, l->off, l->bind ? l->bind : b->len, r);
	cap = (size_t)b->len / (size_t)app;
	ret = px_enc_put(val, tgt, units, dst, app, cap, &full);
	if (aind)
		*aind = known ? (SQLLEN)(full * (size_t)app) : SQL_NO_TOTAL;
	if (!known || full >= cap)
		ret = 1;
	px_enc_free(whole, wunits, tgt);
	return ret;
}

/* any application descriptor record of type SQL_C_WCHAR not converted */
static int desc_check(struct px_backend *be, SQLHSTMT h, SQLINTEGER which,
		      struct wbind *list, int nr_of, SQLSMALLINT tt,
		      struct px_wctx *x)
{
	SQLHDESC d = NULL;
	SQLSMALLINT count = 0, i, type;
	SQLPOINTER ptr;
	struct wbind *b;

	if (!be->SQLGetDescField || !be->SQLGetStmtAttr ||
	    !SQL_SUCCEEDED(be->SQLGetStmtAttr(h, which, &d, 0, NULL)) || !d ||
	    !SQL_SUCCEEDED(be->SQLGetDescField(d, 0, SQL_DESC_COUNT, &count,
					       0, NULL)))
		return 0;
	for (i = 1; i <= count; i++) {
		type = 0;
		ptr = NULL;
		be->SQLGetDescField(d, i, SQL_DESC_CONCISE_TYPE, &type, 0,
				    NULL);
		be->SQLGetDescField(d, i, SQL_DESC_DATA_PTR, &ptr, 0, NULL);
		b = find(list, nr_of, (SQLUSMALLINT)i);
		if (b ? !b->sh.bound || (ptr == b->sh.bound && type == tt) :
		    type != SQL_C_WCHAR || !ptr)
			continue;
		set_note(x, "HYC00", "a SQL_C_WCHAR buffer set or changed "
			 "through a descriptor is not converted for this "
			 "target: bind it with SQLBindCol or SQLBindParameter");
		return -1;
	}
	return 0;
}

/*
 * Input parameter b into its shadow for layout l, the target bound to
 * it. -1 with a note when it cannot.
 */
static int par_prepare(struct px_backend *be, SQLHSTMT h, struct wbind *b,
		       const struct px_wd_layout *l, int app, int tgt,
		       struct px_wctx *x)
{
	struct shadow *s = &b->sh;
	SQLLEN istride = l->bind ? l->bind : (SQLLEN)sizeof(SQLLEN);
	SQLLEN cap = tgt, len;
	size_t full, units;
	SQLLEN *aind;
	SQLULEN r;
	void *v;
	int pass;

	/* the first pass measures, the second writes */
	for (pass = 0; pass < 2; pass++) {
		for (r = 0; r < l->rows; r++) {
			aind = at(b->ind, l->off, istride, r);
			len = aind ? *aind : SQL_NTS;
			if (len == SQL_DATA_AT_EXEC ||
			    len <= SQL_LEN_DATA_AT_EXEC_OFFSET) {
				set_note(x, "HYC00", "SQL_C_WCHAR data at "
					 "execution is not converted for this "
					 "target: bind the value");
				return -1;
			}
			if (len < 0 && len != SQL_NTS) {
				if (pass)
					*(SQLLEN *)at(s->ind, 0, istride, r) =
						len;
				continue;
			}
			v = at(b->app, l->off, l->bind ? l->bind : b->len, r);
			units = px_enc_len(v, app, len == SQL_NTS ? SQL_NTS :
					   len / app);
			if (!pass) {
				px_enc_put(v, app, units, NULL, tgt, 0, &full);
				if ((SQLLEN)(full + 1) * tgt > cap)
					cap = (SQLLEN)(full + 1) * tgt;
				continue;
			}
			px_enc_put(v, app, units, at(s->buf, 0, s->stride, r),
				   tgt, (size_t)(cap / tgt), &full);
			*(SQLLEN *)at(s->ind, 0, istride, r) =
				(SQLLEN)full * tgt;
		}
		if (pass)
			break;
		if (l->bind && cap > l->bind) {
			set_note(x, "HYC00", "a SQL_C_WCHAR parameter does not "
				 "fit the row of its binding in the target's "
				 "encoding");
			return -1;
		}
		s->stride = l->bind ? l->bind : cap;
		if (shadow_room(s, (size_t)(s->stride * (SQLLEN)(l->rows - 1) +
				cap), (size_t)(istride * (SQLLEN)(l->rows - 1))
				+ sizeof(SQLLEN))) {
			set_note(x, "HY001", "out of memory for a SQL_C_WCHAR "
				 "parameter");
			return -1;
		}
	}
	s->bound = unoffset(s->buf, l->off);
	s->cap = cap;
	if (SQL_SUCCEEDED(be->SQLBindParameter(h, b->nr, SQL_PARAM_INPUT,
			ctype(tgt), b->sqltype, b->size, b->digits, s->bound,
			cap, unoffset(s->ind, l->off))))
		return 0;
	s->bound = NULL;
	return -1;
}

/* the statement's state, made when make says so; NULL when none */
static struct px_wd *wd_of(SQLHSTMT h, int make)
{
	struct px_wd **slotp = px_handle_wd(h);

	if (slotp && !*slotp && make)
		*slotp = calloc(1, sizeof(**slotp));
	return slotp ? *slotp : NULL;
}

SQLRETURN px_wd_begin(struct px_wdcall *c, SQLHSTMT h,
		      struct px_backend *be, int what, struct px_wctx *x)
{
	struct wbind *list;
	int i, nr_of;

	memset(c, 0, sizeof(*c));
	c->h = h;
	c->be = be;
	c->what = what;
	c->app = px_dm_get(NULL)->wchar_enc;
	c->tgt = px_target_wenc(be);
	if (c->app == c->tgt || what == PX_WD_NONE)
		return SQL_SUCCESS;
	c->wd = wd_of(h, 0);
	list = c->wd ? (what == PX_WD_EXEC ? c->wd->pars : c->wd->cols) :
	       NULL;
	nr_of = c->wd ? (what == PX_WD_EXEC ? c->wd->par_nr :
			 c->wd->col_nr) : 0;
	if (desc_check(be, h, what == PX_WD_EXEC ? SQL_ATTR_APP_PARAM_DESC :
		       SQL_ATTR_APP_ROW_DESC, list, nr_of, ctype(c->tgt), x))
		return SQL_ERROR;
	if (!nr_of)
		return SQL_SUCCESS;
	layout_get(be, h, what == PX_WD_EXEC, &c->l);
	for (i = 0; i < nr_of; i++)
		if ((what == PX_WD_EXEC ? par_prepare : col_prepare)(be, h,
				&list[i], &c->l, c->app, c->tgt, x))
			return SQL_ERROR;
	c->convert = what == PX_WD_FETCH;
	return SQL_SUCCESS;
}

SQLRETURN px_wd_end(struct px_wdcall *c, SQLRETURN ret, struct px_wctx *x)
{
	SQLULEN r;
	int i, cut = 0;

	if (!c->convert || !SQL_SUCCEEDED(ret))
		return ret;
	for (i = 0; i < c->wd->col_nr; i++)
		for (r = 0; r < c->l.rows; r++)
			cut |= col_row(c->be, c->h, &c->wd->cols[i], &c->l, r,
				       c->app, c->tgt);
	if (cut) {
		set_note(x, "01004", "string data, right truncated");
		if (ret == SQL_SUCCESS)
			ret = SQL_SUCCESS_WITH_INFO;
	}
	return ret;
}

/*
 * The statement's driver, or NULL; c with the two encodings. The note of
 * an earlier call is gone.
 */
static struct px_backend *enter(SQLHSTMT h, struct px_wctx *x,
				struct px_wdcall *c)
{
	struct px_backend *be = h ? px_handle_be(h) : NULL;

	memset(x, 0, sizeof(*x));
	if (be) {
		px_gd_forget(h);
		px_wd_begin(c, h, be, PX_WD_NONE, x);
	}
	return be;
}

/*
 * Forget what column or parameter nr had; when it is converted now, its
 * new slot (NULL with HY001 in x when out of memory).
 */
static struct wbind *rebind(SQLHSTMT h, int params, SQLUSMALLINT nr,
			    int converted, struct px_wctx *x)
{
	struct px_wd *wd = wd_of(h, converted);
	struct wbind *ret = NULL, **list;
	int *nr_of;

	if (wd) {
		list = params ? &wd->pars : &wd->cols;
		nr_of = params ? &wd->par_nr : &wd->col_nr;
		forget(*list, nr_of, nr);
		if (converted)
			ret = slot(list, nr_of, nr);
	}
	if (converted && !ret)
		set_note(x, "HY001", "out of memory");
	return ret;
}

PX_EXPORT SQLRETURN SQL_API SQLBindCol(SQLHSTMT h, SQLUSMALLINT c,
	SQLSMALLINT t, SQLPOINTER v, SQLLEN n, SQLLEN *ind)
{
	struct px_wdcall call;
	struct px_wctx x;
	struct px_backend *be = enter(h, &x, &call);
	struct wbind *b;
	SQLRETURN ret = be ? SQL_ERROR : SQL_INVALID_HANDLE;
	int conv;

	if (!be || !be->SQLBindCol)
		goto out;
	conv = t == SQL_C_WCHAR && v && call.app != call.tgt;
	b = rebind(h, 0, c, conv, &x);
	if (!conv)
		ret = be->SQLBindCol(h, c, t, v, n, ind);
	if (!b)
		goto out;
	b->app = v;
	b->len = n < 0 ? 0 : n;
	b->ind = ind;
	/* bound now, so that a bad column number fails here */
	layout_get(be, h, 0, &call.l);
	if (col_prepare(be, h, b, &call.l, call.app, call.tgt, &x))
		rebind(h, 0, c, 0, &x);
	else
		ret = SQL_SUCCESS;
out:
	if (be)
		px_stmt_note(h, &x);
	return ret;
}

PX_EXPORT SQLRETURN SQL_API SQLBindParameter(SQLHSTMT h, SQLUSMALLINT p,
	SQLSMALLINT io, SQLSMALLINT ct, SQLSMALLINT st, SQLULEN size,
	SQLSMALLINT dd, SQLPOINTER v, SQLLEN n, SQLLEN *ind)
{
	struct px_wdcall call;
	struct px_wctx x;
	struct px_backend *be = enter(h, &x, &call);
	struct wbind *b;
	SQLRETURN ret = be ? SQL_ERROR : SQL_INVALID_HANDLE;
	int conv;

	if (!be || !be->SQLBindParameter)
		goto out;
	conv = ct == SQL_C_WCHAR && call.app != call.tgt;
	if (conv && io != SQL_PARAM_INPUT) {
		set_note(&x, "HYC00", "SQL_C_WCHAR output parameters are "
			 "not converted for this target");
		goto out;
	}
	b = rebind(h, 1, p, conv, &x);
	if (!conv)
		ret = be->SQLBindParameter(h, p, io, ct, st, size, dd, v, n,
					   ind);
	if (!b)
		goto out;
	/* the target is bound to the converted copy at every execute */
	b->app = v;
	b->len = n < 0 ? 0 : n;
	b->ind = ind;
	b->sqltype = st;
	b->size = size;
	b->digits = dd;
	ret = SQL_SUCCESS;
out:
	if (be)
		px_stmt_note(h, &x);
	return ret;
}

PX_EXPORT SQLRETURN SQL_API SQLFreeStmt(SQLHSTMT h, SQLUSMALLINT o)
{
	struct px_wdcall c;
	struct px_wctx x;
	struct px_backend *be = enter(h, &x, &c);
	struct px_wd *wd;
	SQLRETURN ret = be ? SQL_ERROR : SQL_INVALID_HANDLE;

	if (!be || !be->SQLFreeStmt)
		goto out;
	ret = be->SQLFreeStmt(h, o);
	if (!SQL_SUCCEEDED(ret))
		goto out;
	wd = wd_of(h, 0);
	if (o == SQL_DROP)
		px_handle_drop(h);
	else if (wd && o == SQL_UNBIND)
		forget_all(wd->cols, &wd->col_nr);
	else if (wd && o == SQL_RESET_PARAMS)
		forget_all(wd->pars, &wd->par_nr);
out:
	return ret;
}

/* a positioned update or insert would send the shadow, not the app's */
static int writes_bound(struct px_wdcall *c, struct px_wctx *x)
{
	struct px_wd *wd = c->app == c->tgt ? NULL : wd_of(c->h, 0);

	if (!wd || !wd->col_nr)
		return 0;
	set_note(x, "HYC00", "updates and inserts from SQL_C_WCHAR columns "
		 "are not converted for this target");
	return 1;
}

PX_EXPORT SQLRETURN SQL_API SQLSetPos(SQLHSTMT h, SQLSETPOSIROW row,
	SQLUSMALLINT op, SQLUSMALLINT lock)
{
	struct px_wdcall c;
	struct px_wctx x;
	struct px_backend *be = enter(h, &x, &c);
	SQLRETURN ret = be ? SQL_ERROR : SQL_INVALID_HANDLE;

	if (!be || !be->SQLSetPos)
		goto out;
	if (op == SQL_REFRESH) {
		/* the rows it reads again are converted as after a fetch */
		if (px_wd_begin(&c, h, be, PX_WD_FETCH, &x) == SQL_SUCCESS)
			ret = px_wd_end(&c, be->SQLSetPos(h, row, op, lock),
					&x);
		goto note;
	}
	if ((op == SQL_UPDATE || op == SQL_ADD) && writes_bound(&c, &x))
		goto note;
	ret = be->SQLSetPos(h, row, op, lock);
note:
	px_stmt_note(h, &x);
out:
	return ret;
}

PX_EXPORT SQLRETURN SQL_API SQLBulkOperations(SQLHSTMT h, SQLSMALLINT op)
{
	struct px_wdcall c;
	struct px_wctx x;
	struct px_backend *be = enter(h, &x, &c);
	SQLRETURN ret = be ? SQL_ERROR : SQL_INVALID_HANDLE;

	if (!be || !be->SQLBulkOperations)
		goto out;
	if (op == SQL_DELETE_BY_BOOKMARK || !writes_bound(&c, &x))
		ret = be->SQLBulkOperations(h, op);
	px_stmt_note(h, &x);
out:
	return ret;
}
