/*
 * OAuth 2.0 token requests (RFC 6749) as Snowflake documents them: a form
 * POST to the token endpoint, the client authenticated with HTTP Basic
 * over the URL-encoded id and secret (or client_id in the body for a
 * public client), a JSON answer. Errors in both Snowflake's shape
 * ({"data":null,"message":...,"success":false,"error":...}) and RFC 6749's
 * ({"error":...,"error_description":...}) are understood.
 */
#ifndef OAUTH_H
#define OAUTH_H

#include <time.h>

struct record;

/* What a successful token request gave us. */
struct oauth_token {
	char *access_token;		/* secret */
	long long expires_in;		/* seconds; -1 when not sent */
	char *refresh_token;		/* secret; NULL when none came */
	long long refresh_expires_in;	/* seconds; -1 when not sent */
	char *scope;
	char *username;
};

#define OAUTH_TOKEN_INIT { NULL, -1, NULL, -1, NULL, NULL }

/* The grant-specific form fields of one request. */
struct oauth_grant {
	const char *type;		/* "authorization_code", ... */
	const char *code;
	const char *redirect_uri;
	const char *code_verifier;	/* secret */
	const char *refresh_token;	/* secret */
	const char *scope;
};

/*
 * POST grant to rec's token URL with rec's client. Returns TP_OK with *tok
 * filled, or TP_SIGN_IN (invalid_grant, invalid_client: the stored
 * sign-in cannot be renewed) or TP_ENDPOINT (network, TLS, server error,
 * an answer we cannot read) with *why set to a new secret-free sentence
 * that names the endpoint (free it). Prints nothing.
 */
int oauth_request(const struct record *rec, const struct oauth_grant *grant,
		  struct oauth_token *tok, char **why);

/*
 * Parse a token endpoint's answer (HTTP status and body). Returns TP_OK,
 * TP_SIGN_IN or TP_ENDPOINT, with *why set to a new secret-free string
 * on failure (free it). Split out for the unit tests and the fuzzer.
 */
int oauth_parse_response(long status, const char *body,
			 struct oauth_token *tok, char **why);

void oauth_token_release(struct oauth_token *tok);

#endif
