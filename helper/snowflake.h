/*
 * Snowflake's SQL API (POST /api/v2/statements), for the one statement
 * tokenpass runs: rotating a programmatic access token. A PAT cannot
 * rotate itself, so the request is authenticated with another user's
 * OAuth access token (X-Snowflake-Authorization-Token-Type: OAUTH).
 */
#ifndef SNOWFLAKE_H
#define SNOWFLAKE_H

/*
 * An identifier as SQL: unchanged when it is a plain identifier
 * ([A-Za-z_][A-Za-z0-9_$]*, which Snowflake folds to upper case like the
 * names users type), else double-quoted with '"' doubled.
 */
char *snowflake_ident(const char *name);

/*
 * ALTER USER <user> ROTATE PROGRAMMATIC ACCESS TOKEN <name>
 * [EXPIRE_ROTATED_TOKEN_AFTER_HOURS = <hours>]; hours < 0 leaves it out.
 */
char *snowflake_rotate_sql(const char *user, const char *name, long hours);

/*
 * The value of column (found by name in resultSetMetaData.rowType) in the
 * first row of a SQL API answer. Returns TP_OK with *value (a new secret
 * string), or TP_ERROR (the statement failed: 422 and its message),
 * TP_SIGN_IN (401/403) or TP_ENDPOINT, with *why a new secret-free
 * string.
 */
int snowflake_parse_result(long status, const char *body,
			   const char *column, char **value, char **why);

/*
 * The "timeout" sent with a statement, in seconds: Snowflake cancels it
 * after that (HTTP 408). A rotation gives up SNOWFLAKE_GRACE seconds
 * later; every HTTP request and poll of it fits in that bound.
 */
#define SNOWFLAKE_STATEMENT_TIMEOUT 60
#define SNOWFLAKE_GRACE 5

/*
 * Rotate PAT name of user on host, as the holder of bearer. A statement
 * still running (HTTP 202) is polled through its statement handle until
 * it ends, within SNOWFLAKE_STATEMENT_TIMEOUT + SNOWFLAKE_GRACE. On TP_OK,
 * *secret is the new token (release with tp_free_secret).
 */
int snowflake_rotate(const char *host, const char *bearer, const char *user,
		     const char *name, long hours, char **secret, char **why);

#endif
