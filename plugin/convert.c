/*
 * W/A and 2-/4-byte SQLWCHAR conversion: one decoder and one encoder per
 * encoding, and one engine that runs every W function of wfuncs.def
 * through whatever the target has. See convert.h for the contract.
 */
#include "config.h"
#include "plugin/convert.h"
#include "plugin/attrs.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define REPLACEMENT 0xfffdu

static uint32_t unit_at(const void *s, int enc, size_t i)
{
	switch (enc) {
	case PX_ENC_UTF8:
		return ((const unsigned char *)s)[i];
	case PX_ENC_UTF16:
		return ((const uint16_t *)s)[i];
	default:
		return ((const uint32_t *)s)[i];
	}
}

static void unit_put(void *s, int enc, size_t i, uint32_t u)
{
	switch (enc) {
	case PX_ENC_UTF8:
		((unsigned char *)s)[i] = (unsigned char)u;
		break;
	case PX_ENC_UTF16:
		((uint16_t *)s)[i] = (uint16_t)u;
		break;
	default:
		((uint32_t *)s)[i] = u;
		break;
	}
}

/* one code point of s at *i (n units); ill-formed input gives U+FFFD */
static uint32_t decode(const void *s, int enc, size_t *i, size_t n)
{
	uint32_t c = unit_at(s, enc, (*i)++), c2, min;
	int more, k;

	if (enc == PX_ENC_UTF32)
		return c > 0x10ffff || (c >= 0xd800 && c < 0xe000) ?
		       REPLACEMENT : c;
	if (enc == PX_ENC_UTF16) {
		if (c < 0xd800 || c >= 0xe000)
			return c;
		if (c >= 0xdc00 || *i >= n)
			return REPLACEMENT;
		c2 = unit_at(s, enc, *i);
		if (c2 < 0xdc00 || c2 >= 0xe000)
			return REPLACEMENT;
		(*i)++;
		return 0x10000 + ((c - 0xd800) << 10) + (c2 - 0xdc00);
	}
	if (c < 0x80)
		return c;
	if (c >= 0xc2 && c < 0xe0) {
		more = 1;
		c &= 0x1f;
		min = 0x80;
	} else if (c >= 0xe0 && c < 0xf0) {
		more = 2;
		c &= 0x0f;
		min = 0x800;
	} else if (c >= 0xf0 && c < 0xf5) {
		more = 3;
		c &= 0x07;
		min = 0x10000;
	} else {
		return REPLACEMENT;
	}
	for (k = 0; k < more; k++) {
		if (*i >= n)
			return REPLACEMENT;
		c2 = unit_at(s, enc, *i);
		if ((c2 & 0xc0) != 0x80)
			return REPLACEMENT;
		(*i)++;
		c = (c << 6) | (c2 & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c < 0xe000))
		return REPLACEMENT;
	return c;
}

/* units of enc that c takes; written at dst + at when dst is not NULL */
static size_t encode(uint32_t c, int enc, void *dst, size_t at)
{
	size_t n;

	if (enc == PX_ENC_UTF32) {
		if (dst)
			unit_put(dst, enc, at, c);
		return 1;
	}
	if (enc == PX_ENC_UTF16) {
		if (c < 0x10000) {
			if (dst)
				unit_put(dst, enc, at, c);
			return 1;
		}
		if (dst) {
			unit_put(dst, enc, at, 0xd800 + ((c - 0x10000) >> 10));
			unit_put(dst, enc, at + 1,
				 0xdc00 + ((c - 0x10000) & 0x3ff));
		}
		return 2;
	}
	n = c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
	if (dst) {
		unsigned char *o = (unsigned char *)dst + at;

		switch (n) {
		case 1:
			o[0] = (unsigned char)c;
			break;
		case 2:
			o[0] = (unsigned char)(0xc0 | (c >> 6));
			o[1] = (unsigned char)(0x80 | (c & 0x3f));
			break;
		case 3:
			o[0] = (unsigned char)(0xe0 | (c >> 12));
			o[1] = (unsigned char)(0x80 | ((c >> 6) & 0x3f));
			o[2] = (unsigned char)(0x80 | (c & 0x3f));
			break;
		default:
			o[0] = (unsigned char)(0xf0 | (c >> 18));
			o[1] = (unsigned char)(0x80 | ((c >> 12) & 0x3f));
			o[2] = (unsigned char)(0x80 | ((c >> 6) & 0x3f));
			o[3] = (unsigned char)(0x80 | (c & 0x3f));
			break;
		}
	}
	return n;
}

size_t px_enc_len(const void *s, int enc, SQLLEN len)
{
	size_t ret = (size_t)-1;

	if (len >= 0) {
		ret = (size_t)len;
	} else if (len == SQL_NTS && s) {
		for (ret = 0; unit_at(s, enc, ret); ret++)
			;
	}
	return ret;
}

/* the length of s in units of to */
static size_t conv_len(const void *s, int from, size_t units, int to)
{
	size_t i = 0, n = 0;

	while (i < units)
		n += encode(decode(s, from, &i, units), to, NULL, 0);
	return n;
}

void *px_enc_conv(const void *s, int from, size_t units, int to,
		  size_t *out_units)
{
	size_t n = conv_len(s, from, units, to), i = 0, o = 0;
	void *ret = calloc(n + 1, (size_t)to);

	if (!ret)
		goto out;
	while (i < units)
		o += encode(decode(s, from, &i, units), to, ret, o);
	if (out_units)
		*out_units = o;
out:
	return ret;
}

int px_enc_put(const void *s, int from, size_t units, void *dst, int to,
	       size_t cap, size_t *full)
{
	size_t i = 0, o = 0, n, total = 0;
	int ret = 0;
	uint32_t c;

	while (i < units) {
		c = decode(s, from, &i, units);
		n = encode(c, to, NULL, 0);
		total += n;
		if (ret || !dst || o + n + 1 > cap) {
			ret = 1;
			continue;
		}
		o += encode(c, to, dst, o);
	}
	if (dst && cap > 0)
		unit_put(dst, to, o, 0);
	if (full)
		*full = total;
	return dst ? ret : 0;
}

void px_enc_free(void *p, size_t units, int enc)
{
	if (!p)
		return;
	explicit_bzero(p, (units + 1) * (size_t)enc);
	free(p);
}

/* the ids whose values are strings */

int px_info_is_string(SQLUSMALLINT info)
{
	switch (info) {
	case SQL_ACCESSIBLE_PROCEDURES:
	case SQL_ACCESSIBLE_TABLES:
	case SQL_CATALOG_NAME:
	case SQL_CATALOG_NAME_SEPARATOR:
	case SQL_CATALOG_TERM:
	case SQL_COLLATION_SEQ:
	case SQL_COLUMN_ALIAS:
	case SQL_DATA_SOURCE_NAME:
	case SQL_DATA_SOURCE_READ_ONLY:
	case SQL_DATABASE_NAME:
	case SQL_DBMS_NAME:
	case SQL_DBMS_VER:
	case SQL_DESCRIBE_PARAMETER:
	case SQL_DM_VER:
	case SQL_DRIVER_NAME:
	case SQL_DRIVER_ODBC_VER:
	case SQL_DRIVER_VER:
	case SQL_EXPRESSIONS_IN_ORDERBY:
	case SQL_IDENTIFIER_QUOTE_CHAR:
	case SQL_INTEGRITY:
	case SQL_KEYWORDS:
	case SQL_LIKE_ESCAPE_CLAUSE:
	case SQL_MAX_ROW_SIZE_INCLUDES_LONG:
	case SQL_MULT_RESULT_SETS:
	case SQL_MULTIPLE_ACTIVE_TXN:
	case SQL_NEED_LONG_DATA_LEN:
	case SQL_ODBC_VER:
	case SQL_ORDER_BY_COLUMNS_IN_SELECT:
	case SQL_OUTER_JOINS:
	case SQL_PROCEDURE_TERM:
	case SQL_PROCEDURES:
	case SQL_ROW_UPDATES:
	case SQL_SCHEMA_TERM:
	case SQL_SEARCH_PATTERN_ESCAPE:
	case SQL_SERVER_NAME:
	case SQL_SPECIAL_CHARACTERS:
	case SQL_TABLE_TERM:
	case SQL_USER_NAME:
	case SQL_XOPEN_CLI_YEAR:
		return 1;
	default:
		return 0;
	}
}

int px_field_is_string(SQLSMALLINT field)
{
	switch (field) {
	case SQL_COLUMN_NAME:
	case SQL_DESC_BASE_COLUMN_NAME:
	case SQL_DESC_BASE_TABLE_NAME:
	case SQL_DESC_CATALOG_NAME:
	case SQL_DESC_LABEL:
	case SQL_DESC_LITERAL_PREFIX:
	case SQL_DESC_LITERAL_SUFFIX:
	case SQL_DESC_LOCAL_TYPE_NAME:
	case SQL_DESC_NAME:
	case SQL_DESC_SCHEMA_NAME:
	case SQL_DESC_TABLE_NAME:
	case SQL_DESC_TYPE_NAME:
		return 1;
	default:
		return 0;
	}
}

int px_diag_field_is_string(SQLSMALLINT field)
{
	switch (field) {
	case SQL_DIAG_SQLSTATE:
	case SQL_DIAG_MESSAGE_TEXT:
	case SQL_DIAG_DYNAMIC_FUNCTION:
	case SQL_DIAG_CLASS_ORIGIN:
	case SQL_DIAG_SUBCLASS_ORIGIN:
	case SQL_DIAG_CONNECTION_NAME:
	case SQL_DIAG_SERVER_NAME:
		return 1;
	default:
		return 0;
	}
}

/* the engine behind the functions generated from wfuncs.def */

enum { DIR_IN, DIR_OUT, DIR_FIX };
enum { UNIT_CH, UNIT_BY };

/* one string argument of a W call, as wfuncs.def describes it */
struct wstr {
	int dir, unit, on;
	void *app;		/* the application's string or buffer */
	SQLLEN app_len;		/* in: its length; out: its size */
	void *app_lenp;		/* out: where its length goes, or NULL */
	size_t lensz;		/* sizeof(*app_lenp) */
	void *buf;		/* what the target gets */
	SQLLEN len;		/* its length or size for the target */
	size_t buf_units;	/* code units allocated in buf (to wipe) */
	union {
		SQLSMALLINT s;
		SQLINTEGER i;
	} tl;			/* the target's length output */
	int own;		/* buf is ours */
};

#define DIR_CAP_MIN 256		/* units: room to learn a short length */

static SQLLEN lenp_get(const struct wstr *w)
{
	return w->lensz == sizeof(SQLSMALLINT) ? w->tl.s : w->tl.i;
}

static void lenp_set(const struct wstr *w, SQLLEN v)
{
	if (!w->app_lenp)
		return;
	if (w->lensz == sizeof(SQLSMALLINT)) {
		SQLSMALLINT s = v > 32767 ? 32767 : (SQLSMALLINT)v;

		memcpy(w->app_lenp, &s, sizeof(s));
	} else {
		SQLINTEGER i = v > INT32_MAX ? INT32_MAX : (SQLINTEGER)v;

		memcpy(w->app_lenp, &i, sizeof(i));
	}
}

static void set_state(struct px_wctx *x, const char *state,
		      const char *what)
{
	memcpy(x->state, state, 6);
	snprintf(x->msg, sizeof(x->msg), "[tokenpass] %s: %s", x->fname,
		 what);
}

static void *wstr_lenp(struct wstr *w)
{
	return w->own ? (void *)&w->tl : w->app_lenp;
}

/*
 * Prepare every string for the target; the encoding the target gets, or
 * 0 (state set) when the call cannot be made.
 */
static int wcall_begin(struct px_wctx *x, struct wstr *s, int n)
{
	int to, i, aw = x->app_enc, ret = 0;
	size_t units;
	SQLLEN cap;

	x->state[0] = '\0';
	x->msg[0] = '\0';
	if (!x->fn_w && !x->fn_a) {
		set_state(x, "IM001", "the target driver has neither this "
			  "function nor its ANSI twin");
		goto out;
	}
	to = x->fn_w ? PX_ENC_UTF16 : PX_ENC_UTF8;
	for (i = 0; i < n; i++) {
		struct wstr *w = &s[i];

		w->buf = w->app;
		w->len = w->app_len;
		w->own = 0;
		if (!w->on || (aw == to))
			continue;
		if (w->dir == DIR_IN) {
			if (!w->app)
				continue;
			if (w->unit == UNIT_BY && w->app_len >= 0)
				units = (size_t)w->app_len / (size_t)aw;
			else
				units = px_enc_len(w->app, aw, w->app_len);
			if (units == (size_t)-1) {
				set_state(x, "HY090", "invalid string length");
				goto fail;
			}
			w->buf = px_enc_conv(w->app, aw, units, to,
					     &w->buf_units);
			if (!w->buf)
				goto nomem;
			w->own = 1;
			w->len = (SQLLEN)w->buf_units;
			if (w->unit == UNIT_BY)
				w->len *= to;
			continue;
		}
		cap = w->app_len;
		if (cap < 0) {
			set_state(x, "HY090", "invalid buffer length");
			goto fail;
		}
		units = w->unit == UNIT_BY ? (size_t)cap / (size_t)aw :
			(size_t)cap;
		if (!w->app)
			units = 0;
		/* room for every character the application can take */
		w->buf_units = units * 4 + 4;
		if (w->buf_units < DIR_CAP_MIN)
			w->buf_units = DIR_CAP_MIN;
		w->buf = calloc(w->buf_units + 1, (size_t)to);
		if (!w->buf)
			goto nomem;
		w->own = 1;
		w->tl.i = -1;
		if (w->lensz == sizeof(SQLSMALLINT)) {
			if (w->buf_units > 16000)
				w->buf_units = 16000;
			w->tl.s = -1;
		}
		w->len = (SQLLEN)w->buf_units;
		if (w->unit == UNIT_BY)
			w->len *= to;
	}
	ret = to;
	goto out;
nomem:
	set_state(x, "HY001", "out of memory");
fail:
	for (i = 0; i < n; i++)
		if (s[i].own)
			px_enc_free(s[i].buf, s[i].buf_units, to);
out:
	return ret;
}

/* hand the target's outputs to the application; the return code */
static SQLRETURN wcall_end(struct px_wctx *x, struct wstr *s, int n, int to,
			   SQLRETURN ret)
{
	int i, cut = 0, aw = x->app_enc;
	size_t units, full, cap;
	SQLLEN tl;

	for (i = 0; i < n; i++) {
		struct wstr *w = &s[i];

		if (!w->own || w->dir == DIR_IN || !SQL_SUCCEEDED(ret))
			continue;
		tl = w->dir == DIR_FIX ? -1 : lenp_get(w);
		if (w->unit == UNIT_BY && tl >= 0)
			tl /= to;
		units = px_enc_len(w->buf, to, SQL_NTS);
		if (tl >= 0 && (size_t)tl < units)
			units = (size_t)tl;
		cap = w->unit == UNIT_BY ? (size_t)w->app_len / (size_t)aw :
		      (size_t)w->app_len;
		if (px_enc_put(w->buf, to, units, w->app, aw,
			       w->app ? cap : 0, &full))
			cut = 1;
		/* the target cut it: the whole length is at least its own */
		if (tl >= 0 && (size_t)tl > units && (size_t)tl > full)
			full = (size_t)tl;
		lenp_set(w, (SQLLEN)(w->unit == UNIT_BY ? full * aw : full));
	}
	for (i = 0; i < n; i++)
		if (s[i].own)
			px_enc_free(s[i].buf, s[i].buf_units, to);
	if (cut && ret == SQL_SUCCESS) {
		ret = SQL_SUCCESS_WITH_INFO;
		set_state(x, "01004", "string data, right truncated");
	}
	return ret;
}

/* the descriptions of wfuncs.def as struct wstr initialisers */
#define PX_IN(p, n, u) \
	{ .dir = DIR_IN, .unit = UNIT_##u, .on = 1, .app = (void *)(p), \
	  .app_len = (SQLLEN)(n) }
#define PX_INIF(p, n, u, cond) \
	{ .dir = DIR_IN, .unit = UNIT_##u, .on = !!(cond), \
	  .app = (void *)(p), .app_len = (SQLLEN)(n) }
#define PX_OUT(p, n, lp, u) \
	{ .dir = DIR_OUT, .unit = UNIT_##u, .on = 1, .app = (void *)(p), \
	  .app_len = (SQLLEN)(n), .app_lenp = (void *)(lp), \
	  .lensz = sizeof(*(lp)) }
#define PX_OUTIF(p, n, lp, u, cond) \
	{ .dir = DIR_OUT, .unit = UNIT_##u, .on = !!(cond), \
	  .app = (void *)(p), .app_len = (SQLLEN)(n), \
	  .app_lenp = (void *)(lp), .lensz = sizeof(*(lp)) }
#define PX_FIX(p, n) \
	{ .dir = DIR_FIX, .unit = UNIT_CH, .on = 1, .app = (void *)(p), \
	  .app_len = (SQLLEN)(n) }
/* in the call: the string, its length, the length output */
#define PX_S(i) (px_s[i].buf)
#define PX_L(i, n) ((__typeof__(n))px_s[i].len)
#define PX_LP(i, lp) ((__typeof__(lp))wstr_lenp(&px_s[i]))
#define PX_STRS(...) __VA_ARGS__
#define PX_ARGS(...) (__VA_ARGS__)

#define PX_WFN(kind, name, aname, params, names, strs, args) \
SQLRETURN px_w_##name(struct px_wctx *px_x, PX_WPARAMS params) \
{ \
	struct wstr px_s[] = { PX_STRS strs }; \
	int px_n = (int)(sizeof(px_s) / sizeof(*px_s)), px_to; \
	SQLRETURN px_ret = SQL_ERROR; \
	\
	px_x->fname = #name; \
	px_to = wcall_begin(px_x, px_s, px_n); \
	if (!px_to) \
		goto out; \
	if (px_to == PX_ENC_UTF8) \
		px_ret = ((__typeof__(&aname))px_x->fn_a) args; \
	else \
		px_ret = ((__typeof__(&name))px_x->fn_w) args; \
	px_ret = wcall_end(px_x, px_s, px_n, px_to, px_ret); \
out: \
	return px_ret; \
}
#include "plugin/wfuncs.def"
#undef PX_WFN
