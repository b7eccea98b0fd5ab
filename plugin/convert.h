/*
 * convert.h: strings between the application's and the real driver's
 * encodings, and the W functions served through a target that lacks them
 * or through an application whose SQLWCHAR is 4 bytes.
 *
 * An encoding is named by its code unit size: PX_ENC_UTF8 (the A
 * functions), PX_ENC_UTF16 (SQLWCHAR of unixODBC and of every Unicode
 * driver) and PX_ENC_UTF32 (SQLWCHAR of iODBC: wchar_t). Ill-formed input
 * (a lone surrogate, a bad UTF-8 sequence, a code point past U+10FFFF)
 * becomes U+FFFD; nothing here reads past the length it is given.
 *
 * Every buffer these functions allocate may hold a secret (a password in
 * a connection attribute, a connection string): px_enc_free() wipes it
 * before it frees it. A leaf: libc only.
 */
#ifndef PX_CONVERT_H
#define PX_CONVERT_H

#include <stddef.h>
#include <sql.h>
#include <sqlext.h>
#include <sqlucode.h>

#define PX_ENC_UTF8 1
#define PX_ENC_UTF16 2
#define PX_ENC_UTF32 4

#ifndef PX_HIDDEN
#define PX_HIDDEN __attribute__((visibility("hidden")))
#endif

/*
 * Code units of s before its terminator when len is SQL_NTS, else len;
 * (size_t)-1 for any other negative len. s may be NULL only with len 0.
 */
PX_HIDDEN size_t px_enc_len(const void *s, int enc, SQLLEN len);

/*
 * s (units code units of encoding from) in encoding to, in a new buffer
 * terminated by a zero unit; *out_units (if not NULL) is its length
 * without the terminator. NULL on out of memory.
 */
PX_HIDDEN void *px_enc_conv(const void *s, int from, size_t units, int to,
			    size_t *out_units);

/*
 * Write s into dst (cap code units of to, terminator included), cut at a
 * character boundary when it does not fit, terminated when cap > 0.
 * *full (if not NULL) is the length of the whole converted string in
 * units of to. Returns 1 when the string was cut, else 0.
 */
PX_HIDDEN int px_enc_put(const void *s, int from, size_t units, void *dst,
			 int to, size_t cap, size_t *full);

/* wipe units code units of enc and the terminator, then free */
PX_HIDDEN void px_enc_free(void *p, size_t units, int enc);

/*
 * The W functions through any target. The caller fills app_enc and the
 * target's two entry points (either may be NULL) and calls the function
 * generated from wfuncs.def, px_w_SQLTablesW() and so on, with the W
 * function's own arguments (the real driver's handle first):
 *   - UTF-16 application, target has the W function: called as is;
 *   - target has the W function: UTF-32 <-> UTF-16 around it;
 *   - target has only the A function: <-> UTF-8, and the A one is called;
 *   - neither: SQL_ERROR and IM001.
 * Lengths in characters or bytes, as the function defines them, and the
 * application's buffer sizes are kept: an output that does not fit is
 * cut and SQL_SUCCESS becomes SQL_SUCCESS_WITH_INFO with 01004.
 *
 * On return state is empty, or the SQLSTATE with msg that the caller
 * must post on the handle: 01004, HY001, HY090 or IM001. Nothing here
 * knows the hook's handles or diagnostics.
 */
typedef void (*px_fnptr)(void);
struct px_wctx {
	int app_enc;		/* PX_ENC_UTF16 or PX_ENC_UTF32 */
	px_fnptr fn_w;		/* the target's W function, or NULL */
	px_fnptr fn_a;		/* its A function, or NULL */
	const char *fname;	/* set by the generated function */
	char state[6];
	char msg[160];
};

#define PX_WPARAMS(...) __VA_ARGS__
#define PX_WFN(kind, name, aname, params, names, strs, args) \
	PX_HIDDEN SQLRETURN px_w_##name(struct px_wctx *px_x, \
					PX_WPARAMS params);
#include "plugin/wfuncs.def"
#undef PX_WFN

/* the string-valued ids of the functions whose value type varies */
PX_HIDDEN int px_info_is_string(SQLUSMALLINT info);	/* SQLGetInfo */
PX_HIDDEN int px_field_is_string(SQLSMALLINT field);	/* ColAttribute, */
							/* DescField */
PX_HIDDEN int px_diag_field_is_string(SQLSMALLINT field);

#endif
