/*
 * The stored credential: one keyring item per credential, whose secret is
 * this record as a versioned JSON document. Everything secret lives here,
 * so one keyring update replaces all of it at once.
 *
 *   {"version":1,"kind":"oauth","token":"...","expires":1790000000,
 *    "refresh_token":"...","refresh_expires":1797000000,
 *    "client_id":"...","client_secret":"...","token_url":"https://...",
 *    "scope":"refresh_token","grant":"authorization_code"}
 *
 * Fields a kind does not use are absent. Unknown fields are ignored, so
 * an older tokenpass reads what a newer one of the same version wrote.
 */
#ifndef RECORD_H
#define RECORD_H

#include <time.h>

#define RECORD_VERSION 1
/* A stored document larger than this is refused as damaged. */
#define RECORD_MAX_JSON (256 * 1024)

enum record_kind {
	RECORD_PAT,		/* a static token or password */
	RECORD_OAUTH		/* access token, refresh token, client */
};

struct record {
	enum record_kind kind;
	char *token;		/* secret: the PAT, password or access token */
	time_t expires;		/* when token expires; 0: no expiry known */
	char *protocol;		/* git's protocol, for items from 'store' */
	char *path;		/* git's path (credential.useHttpPath), too */
	char *pat_name;		/* Snowflake's name for the PAT */
	char *admin;		/* user whose OAuth token rotates this PAT */

	char *refresh_token;	/* secret */
	time_t refresh_expires;	/* 0: unknown */
	time_t refresh_lifetime; /* seconds a new refresh token lives */
	char *client_id;
	char *client_secret;	/* secret */
	char *token_url;
	char *authorize_url;
	char *scope;
	char *grant;		/* "authorization_code", "client_credentials" */
	char *role;

	time_t updated;		/* when this document was last written */
	int needs_login;	/* the refresh token was refused */
};

#define RECORD_INIT { .kind = RECORD_PAT }

const char *record_kind_name(enum record_kind kind);
/* Returns 0 and sets *kind for "pat" or "oauth", -1 otherwise. */
int record_kind_parse(const char *name, enum record_kind *kind);

/*
 * The record as a JSON document in a new buffer that holds secrets:
 * release it with tp_free_secret().
 */
char *record_to_json(const struct record *rec);

/*
 * Parse a stored document into rec (which must be released or fresh).
 * Returns 0, or -1 with *why set to a static, secret-free reason; rec is
 * left released on failure.
 */
int record_from_json(const char *json, struct record *rec, const char **why);

/* Wipe the secrets, free every field and reset rec to RECORD_INIT. */
void record_release(struct record *rec);

/* Make cJSON allocate through us and wipe everything it frees. */
void record_json_hooks(void);

#endif
