/*
 * px.h: the ODBC connection hook's internals (libtokenpass-odbc.so).
 *
 * Handles: the hook owns its ENV and DBC handles (struct px_env,
 * struct px_dbc) because the driver manager talks to them before the real
 * driver is known; it records their attributes and replays them on the
 * real handles at connect. Statement and descriptor handles are the real
 * driver's own, passed through untouched; handles.c maps each to its
 * driver (px_handle_be()), so one process may use several real drivers.
 *
 * Secrets: every buffer that held a token, a connection string with the
 * token in it, a wide copy of one, or the helper's output is wiped with
 * px_wipe() before it is freed. Nothing here prints or logs.
 */
#ifndef PX_H
#define PX_H

#include <stddef.h>
#include <sql.h>
#include <sqlext.h>
#include <sqlucode.h>
#include <pthread.h>

#include "plugin/attrs.h"
#include "plugin/convert.h"
#include "plugin/dm.h"

#define PX_HIDDEN __attribute__((visibility("hidden")))
#define PX_EXPORT __attribute__((visibility("default")))

/* the real driver: one loaded library and its entry points */
#define PX_FN(kind, name, id, params, args) \
	SQLRETURN (SQL_API *name) params;
struct px_backend {
	void *dl;
	char *path;
	struct px_backend *next;	/* backend.c's list */
#include "plugin/api.def"
};
#undef PX_FN

/* diagnostics the hook itself posts on its handles */
#define PX_DIAG_MAX 4
struct px_diag_rec {
	char state[6];
	char *msg;		/* UTF-8, "[tokenpass] ..." */
};
struct px_diag {
	int nr;
	struct px_diag_rec rec[PX_DIAG_MAX];
	int own_next;		/* SQLError: next own record */
	int real_next;		/* SQLError: next real record (1-based) */
	SQLRETURN ret;		/* SQL_DIAG_RETURNCODE */
};

/*
 * A connection attribute, kept to be replayed on a new real connection:
 * by its type (attrs.h), a string as an owned UTF-8 copy, binary data as
 * an owned copy, anything else as the value it was given.
 */
struct px_attr {
	SQLINTEGER id;
	int wide;		/* set through the W function */
	int type;		/* enum px_attr_type */
	int copy;		/* value is an owned copy */
	SQLPOINTER value;
	size_t size;		/* bytes of the copy (a string's NUL included) */
	SQLINTEGER len;		/* the length it was given with */
};

#define PX_ENV_MAGIC 0x70784556u
#define PX_DBC_MAGIC 0x70784442u

/* a real environment: one per real driver the environment's DBCs use */
#define PX_ENV_REALS 8
struct px_env_real {
	struct px_backend *be;
	SQLHENV real;
};

struct px_env {
	unsigned magic;
	SQLINTEGER attr_id[8];
	SQLPOINTER attr_val[8];
	SQLINTEGER attr_len[8];
	int attr_nr;
	struct px_env_real reals[PX_ENV_REALS];
	int real_nr;
	pthread_mutex_t lock;	/* attr_* and reals */
	struct px_diag diag;
};

struct px_hnode;

struct px_dbc {
	unsigned magic;
	struct px_env *env;
	struct px_attr *attrs;
	int attr_nr, attr_alloc;
	SQLUINTEGER login_timeout;
	struct px_backend *be;	/* the target of the last connect */
	struct px_backend *real_be;	/* real's driver */
	SQLHDBC real;
	int connected;
	struct px_diag diag;
	struct px_hnode *handles;	/* handles.c: its STMT and DESC entries */
};

/* util.c */
PX_HIDDEN void px_wipe(void *p, size_t n);
PX_HIDDEN void px_free_secret(char *s);	/* wipe up to NUL, then free */
PX_HIDDEN size_t px_wlen(const SQLWCHAR *w);
/* UTF-16 (len units, or SQL_NTS) to a new UTF-8 string; NULL on OOM */
PX_HIDDEN char *px_w_to_utf8(const SQLWCHAR *w, SQLLEN len);
/* UTF-8 to a new UTF-16 string, *units set to its length; NULL on OOM */
PX_HIDDEN SQLWCHAR *px_utf8_to_w(const char *s, size_t *units);
/* copy of an A string given by pointer and length (SQL_NTS allowed) */
PX_HIDDEN char *px_a_dup(const SQLCHAR *s, SQLLEN len);
PX_HIDDEN int px_strcaseeq(const char *a, const char *b);

/* diag.c: the record store, a leaf */
PX_HIDDEN void px_diag_clear(struct px_diag *d);
/* post a record; msg is printf-style and must never hold a secret */
PX_HIDDEN void px_diag_post(struct px_diag *d, const char *state,
			    const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* post HY001 "out of memory" */
PX_HIDDEN void px_diag_oom(struct px_diag *d);

/* handles.c: the hook's handles, and the real ones behind them */
PX_HIDDEN struct px_env *px_env_from(SQLHANDLE h);
PX_HIDDEN struct px_dbc *px_dbc_from(SQLHANDLE h);
/* a fresh real connection for d->be, attributes replayed; -1 and diag */
PX_HIDDEN int px_real_dbc(struct px_dbc *d);
/*
 * Statement and descriptor handles of the real drivers: remember whose
 * h is (made on d), or that desc is an implicit descriptor of stmt; forget
 * h (with a statement, its implicit descriptors), or every handle made on
 * d (the driver frees them with the connection); find the driver of h
 * (NULL when unknown).
 */
PX_HIDDEN void px_handle_put(SQLHANDLE h, struct px_backend *be,
			     struct px_dbc *d);
PX_HIDDEN void px_handle_put_desc(SQLHANDLE desc, SQLHANDLE stmt,
				  struct px_backend *be);
PX_HIDDEN void px_handle_drop(SQLHANDLE h);
PX_HIDDEN void px_handle_drop_dbc(struct px_dbc *d);
PX_HIDDEN struct px_backend *px_handle_be(SQLHANDLE h);
/*
 * The SQL_C_WCHAR binds of statement h (wdata.c): the slot in h's entry,
 * or NULL when h is unknown. Freed with the entry (px_wd_free).
 */
struct px_wd;
PX_HIDDEN struct px_wd **px_handle_wd(SQLHANDLE h);
/* replay the recorded attributes on a fresh real connection */
PX_HIDDEN void px_dbc_replay(struct px_dbc *d);
/* the environment's lock: its attributes and its real environment */
PX_HIDDEN void px_env_lock(struct px_env *e);
PX_HIDDEN void px_env_unlock(struct px_env *e);

/* entry.c: the W functions through any target (convert.h) */
/* x for the application's SQLWCHAR and the target's two entry points */
#define px_wctx_init(x, fw, fa) \
	px_wctx_set((x), (px_fnptr)(fw), (px_fnptr)(fa))
PX_HIDDEN void px_wctx_set(struct px_wctx *x, px_fnptr fw, px_fnptr fa);
/*
 * The application's W string (its SQLWCHAR, len units or SQL_NTS) in a
 * new UTF-8 string; NULL on out of memory or an invalid length.
 */
PX_HIDDEN char *px_app_w_to_utf8(const SQLWCHAR *w, SQLLEN len);
/*
 * A statement or descriptor handle is the real driver's own, with no
 * record store of the hook's: what the last W call on this thread found
 * there is kept as a note, handed out first by SQLGetDiagRec(W) and
 * SQLGetDiagField(W) on that handle, and dropped by the next W call.
 */
PX_HIDDEN void px_stmt_note(SQLHANDLE h, const struct px_wctx *x);
PX_HIDDEN int px_stmt_note_get(SQLHANDLE h, const char **state,
			       const char **msg);
/* h is gone: drop this thread's note and SQLGetData state for it */
PX_HIDDEN void px_stmt_forget(SQLHANDLE h);
/* post what the conversion found (01004, HY001, HY090, IM001) on diag */
PX_HIDDEN void px_wctx_post(const struct px_wctx *x, struct px_diag *diag);

/*
 * SQLGetData's reading of one whole value from the target in encoding
 * to (entry.c): 0 with *out (px_enc_free) and *units, 1 for NULL, or -1
 * with *rc; and the end of a partial read on h.
 */
PX_HIDDEN int px_gd_fetch(struct px_backend *be, SQLHSTMT h, SQLUSMALLINT c,
			  int to, SQLRETURN *rc, void **out, size_t *units);
PX_HIDDEN void px_gd_forget(SQLHSTMT h);

/*
 * wdata.c: SQL_C_WCHAR bound columns and input parameters converted when
 * the target cannot serve the application's SQLWCHAR.
 */
/* the encoding of the target's SQL_C_WCHAR data: UTF-16, or UTF-8 */
PX_HIDDEN int px_target_wenc(const struct px_backend *be);
PX_HIDDEN void px_wd_free(struct px_wd *wd);
enum { PX_WD_NONE, PX_WD_EXEC, PX_WD_FETCH };
/* the row or parameter set: rows, bind type (0 by column), bind offset */
struct px_wd_layout {
	SQLULEN rows;
	SQLLEN bind;
	SQLLEN off;
};
struct px_wdcall {
	SQLHSTMT h;
	struct px_backend *be;
	struct px_wd *wd;
	int what, app, tgt, convert;
	struct px_wd_layout l;
};
/*
 * Around a call of kind what (PX_WD_EXEC: SQLExecute, SQLExecDirect(W);
 * PX_WD_FETCH: the fetches): begin binds the target to converted copies
 * (SQL_SUCCESS) or refuses (SQL_ERROR with x's state set); end converts
 * the fetched rows and returns the call's code, SQL_SUCCESS_WITH_INFO
 * and 01004 in x when a value was cut.
 */
PX_HIDDEN SQLRETURN px_wd_begin(struct px_wdcall *c, SQLHSTMT h,
				struct px_backend *be, int what,
				struct px_wctx *x);
PX_HIDDEN SQLRETURN px_wd_end(struct px_wdcall *c, SQLRETURN ret,
			      struct px_wctx *x);

/* backend.c */
/*
 * Load the real driver at path (a library path), or return it when this
 * process already loaded it. On failure returns NULL with a record on
 * diag, and nothing changes.
 */
PX_HIDDEN struct px_backend *px_backend_load(const char *path,
					     struct px_diag *diag);
/* the one real driver when exactly one is loaded, else NULL */
PX_HIDDEN struct px_backend *px_backend_only(void);
/* odbcinst.ini name or path to a library path; NULL (and diag) if none */
PX_HIDDEN char *px_backend_resolve(const char *target, struct px_diag *diag);

/* helper_client.c */
struct px_helper_result {
	int status;		/* PX_HELPER_* */
	int exit_code;		/* or the signal for PX_HELPER_SIGNAL */
	char *out;		/* stdout, NUL-terminated: secret */
	size_t out_len;
	char err[256];		/* first line of stderr, printable */
};
enum {
	PX_HELPER_OK,		/* ran and exited (any exit code) */
	PX_HELPER_SPAWN,	/* could not start: exit_code is errno */
	PX_HELPER_SIGNAL,	/* killed by a signal */
	PX_HELPER_TIMEOUT,	/* killed after timeout_ms */
	PX_HELPER_NOMEM,
	PX_HELPER_IO,		/* pipe trouble: exit_code is errno */
};
/*
 * Run "<path> get" with request on its stdin and collect its answer,
 * waiting at most timeout_ms. res->out is the caller's to wipe and free
 * (px_helper_result_release).
 */
PX_HIDDEN void px_helper_run(const char *path, const char *request,
			     int timeout_ms, struct px_helper_result *res);
PX_HIDDEN void px_helper_result_release(struct px_helper_result *res);

/* agent.c */
/*
 * Ask the agent for the token (request as for px_helper_run), waiting at
 * most timeout_ms. 1 with res filled as px_helper_run fills it, or 0
 * when no agent answered (or helper names another program than
 * tokenpass): then run the helper.
 */
PX_HIDDEN int px_agent_run(const char *helper, const char *request,
			   int timeout_ms, struct px_helper_result *res);

/* connstr.c: connection strings */
/* a connection string as key=value pairs, in order (tests/fuzz too) */
struct px_kv {
	char *key;
	char *val;		/* may be a secret: wiped when released */
};
struct px_kvlist {
	struct px_kv *v;
	int nr, alloc;
};
/*
 * Parse "k=v;k={v;}}v};..." into l (fresh or released), braces removed
 * and "}}" undoubled inside them; -1 on out of memory.
 */
PX_HIDDEN int px_kv_parse(struct px_kvlist *l, const char *s);
PX_HIDDEN void px_kv_release(struct px_kvlist *l);
/* the first value of any of keys (a NULL-ended set), NULL when none */
PX_HIDDEN const char *px_kv_get(const struct px_kvlist *l,
				const char *const *keys);
/* is key in the NULL-ended set, case-insensitively */
PX_HIDDEN int px_in_set(const char *key, const char *const *set);
/*
 * The string for the real driver: DSN=dsn (when not NULL), then l without
 * the hook's keys, DRIVER, DSN, UID and any password (and without
 * Authenticator and Token when as_token), then UID=user (when not NULL)
 * and secret as PWD, or as AUTHENTICATOR=oauth;TOKEN with as_token.
 * A new string that holds the secret (px_free_secret), NULL on OOM.
 */
/*
 * Parse libpq's conninfo syntax ("k=v k='v w' ...") into l (fresh): 0,
 * -1 when s is not in that syntax (a URI included), -2 out of memory.
 */
PX_HIDDEN int px_conninfo_parse(struct px_kvlist *l, const char *s);
PX_HIDDEN char *px_forward_string(const struct px_kvlist *l, const char *dsn,
				  const char *user, const char *secret,
				  int as_token);

/* a growing string whose old copies are wiped: it may hold the token */
struct px_sbuf {
	char *buf;
	size_t len, alloc;
	int oom;		/* set once an allocation failed */
};
PX_HIDDEN void px_sb_addn(struct px_sbuf *b, const char *s, size_t n);
PX_HIDDEN void px_sb_add(struct px_sbuf *b, const char *s);
/* ";KEY=value", the value brace-quoted with '}' doubled when needed */
PX_HIDDEN void px_sb_pair(struct px_sbuf *b, const char *key,
			  const char *val, int force_braces);
PX_HIDDEN void px_sb_release(struct px_sbuf *b);

/* common/profiles.c: what keys mean to each real driver */
#include "common/profiles.h"

/* dsn.c: the hook's settings and the host rule */
struct px_settings {
	char *dsn;		/* the application's DSN, NULL when none */
	char *section;		/* the hook's odbcinst.ini section, or NULL */
	char *target_driver, *target_dsn, *inject, *helper, *timeout;
	char *allow;		/* TokenAllowKeys */
	char *host, *port, *user;
	char *cred_host;	/* host[:port], the credential's host */
	char *path;		/* the real driver's library */
	const struct px_profile *profile;
	int verified;		/* every routing key agrees with cred_host */
};
/*
 * Read s (fresh) for a connection: l is the application's string,
 * dsn_arg and uid_arg SQLConnect's (or NULL). 0, or -1 with a record on
 * d->diag; release s either way.
 */
PX_HIDDEN int px_settings_read(struct px_dbc *d, const struct px_kvlist *l,
			       const char *dsn_arg, const char *uid_arg,
			       struct px_settings *s);
PX_HIDDEN void px_settings_release(struct px_settings *s);

/* token.c: asking for the token */
struct px_token {
	char *secret;		/* wiped when released */
	char *user;
	int bearer;		/* an OAuth access token, not a password */
};
/*
 * Ask for the token of s->cred_host (renew: tokenpass_renew=1); 0 with t
 * filled (release it), else -1 with a record on d->diag.
 */
PX_HIDDEN int px_token_get(struct px_dbc *d, const struct px_settings *s,
			   int renew, struct px_token *t);
PX_HIDDEN void px_token_release(struct px_token *t);

/* connect.c: the connect itself */
/*
 * Connect d through the hook. in is the application's connection string
 * in UTF-8 (NULL for SQLConnect, with dsn and uid instead). wide says
 * which variant of the real driver's SQLDriverConnect to call. On success
 * *out is the application's output connection string in UTF-8, without
 * the token (caller frees; NULL if out_wanted is 0).
 */
PX_HIDDEN SQLRETURN px_connect(struct px_dbc *d, const char *in,
			       const char *dsn, const char *uid, int wide,
			       int out_wanted, char **out);

#endif
