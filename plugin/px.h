/*
 * px.h: the ODBC connection hook's internals (libtokenpass-odbc.so).
 *
 * Handles: the hook owns its ENV and DBC handles (struct px_env,
 * struct px_dbc) because the driver manager talks to them before the real
 * driver is known; it records their attributes and replays them on the
 * real handles at connect. Statement and descriptor handles are the real
 * driver's own, passed through untouched; that needs one target driver per
 * process (px_backend_active()).
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

#define PX_HIDDEN __attribute__((visibility("hidden")))
#define PX_EXPORT __attribute__((visibility("default")))

/* the real driver: one loaded library and its entry points */
#define PX_FN(kind, name, id, params, args) \
	SQLRETURN (SQL_API *name) params;
struct px_backend {
	void *dl;
	char *path;
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

/* a connection attribute set before the real connection existed */
struct px_attr {
	SQLINTEGER id;
	int wide;
	int is_str;
	SQLPOINTER value;	/* integer value, or owned copy of a string */
	size_t size;		/* bytes of the copy, terminator included */
};

#define PX_ENV_MAGIC 0x70784556u
#define PX_DBC_MAGIC 0x70784442u

struct px_env {
	unsigned magic;
	SQLINTEGER attr_id[8];
	SQLPOINTER attr_val[8];
	int attr_nr;
	struct px_backend *be;	/* set with real */
	SQLHENV real;
	struct px_diag diag;
};

struct px_dbc {
	unsigned magic;
	struct px_env *env;
	struct px_attr *attrs;
	int attr_nr, attr_alloc;
	SQLUINTEGER login_timeout;
	struct px_backend *be;	/* set with real */
	SQLHDBC real;
	int connected;
	struct px_diag diag;
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
/* replay the recorded attributes on a fresh real connection */
PX_HIDDEN void px_dbc_replay(struct px_dbc *d);

/* backend.c */
/*
 * Load the real driver at path (a library path), or return the one this
 * process already uses. On failure returns NULL with a record on diag.
 */
PX_HIDDEN struct px_backend *px_backend_load(const char *path,
					     struct px_diag *diag);
/* the target of this process, NULL before the first connect */
PX_HIDDEN struct px_backend *px_backend_active(void);
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

/* profiles.c: what keys mean to the real driver (NULL-ended sets) */
extern PX_HIDDEN const char *const px_host_keys[];
extern PX_HIDDEN const char *const px_port_keys[];
extern PX_HIDDEN const char *const px_user_keys[];
/* never forwarded: the hook's own keys, the driver, any password */
extern PX_HIDDEN const char *const px_strip_keys[];
extern PX_HIDDEN const char *const px_token_keys[];
extern PX_HIDDEN const char *const px_secret_keys[];

/* dsn.c: the hook's settings and the host rule */
struct px_settings {
	char *dsn;		/* the application's DSN, NULL when none */
	char *target_driver, *target_dsn, *inject, *helper, *timeout;
	char *host, *port, *user;
	char *cred_host;	/* host[:port], the credential's host */
	char *path;		/* the real driver's library */
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
