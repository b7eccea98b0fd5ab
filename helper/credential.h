/*
 * git's credential-helper protocol (gitcredentials(7), git-credential(1)):
 * "key=value" lines ended by a blank line or EOF. Unknown keys are ignored;
 * a line over CREDENTIAL_MAX_LINE bytes (newline included), a NUL byte, a
 * carriage return in a value or a line without '=' is refused.
 *
 * tokenpass understands keys of its own, which git never sends: "dsn"
 * narrows the request to an app-level credential, "tokenpass_renew=1"
 * asks for a renewal even when the token still looks valid (the ODBC
 * hook sends it after the server refused the token), and
 * "tokenpass_margin=N", "tokenpass_answer_timeout=N" and
 * "tokenpass_http_timeout=N" carry the caller's TOKENPASS_REFRESH_MARGIN
 * (0 to 86400 seconds), TOKENPASS_ANSWER_TIMEOUT and
 * TOKENPASS_HTTP_TIMEOUT (1 to 600) to the agent, which answers by them
 * as the caller's own 'tokenpass get' would (common/agent_sock.h).
 */
#ifndef CREDENTIAL_H
#define CREDENTIAL_H

#include <stdio.h>
#include <time.h>

#define CREDENTIAL_MAX_LINE 65535

struct credential {
	char *protocol;
	char *host;
	char *path;
	char *username;
	char *password;			/* secret */
	char *oauth_refresh_token;	/* secret */
	char *dsn;
	time_t password_expiry_utc;	/* 0: none given */
	unsigned cap_authtype:1;	/* caller sent capability[]=authtype */
	unsigned renew:1;		/* tokenpass_renew=1 */
	long margin;			/* tokenpass_margin=, -1: none */
	long answer_timeout;		/* tokenpass_answer_timeout=, 0: none */
	long http_timeout;		/* tokenpass_http_timeout=, 0: none */
};

#define CREDENTIAL_INIT { .margin = -1 }

/*
 * Read one credential from in into c (fresh or released). Returns 0, or
 * -1 with *why set to a static reason that never quotes the input; c is
 * released on failure. Every buffer that held input is wiped.
 */
int credential_read(struct credential *c, FILE *in, const char **why);

/*
 * Write "key=value\n" to out. A NULL value writes nothing. Returns 0, or
 * -1 without writing when the value holds a line break (no injection).
 */
int credential_write_item(FILE *out, const char *key, const char *value);

/* Wipe the secrets and free every field; c is CREDENTIAL_INIT after. */
void credential_release(struct credential *c);

#endif
