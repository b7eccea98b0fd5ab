/*
 * A credential's state as list, check and doctor report it, and the
 * command that fixes it (status.c: the only place either is decided).
 */
#ifndef STATUS_H
#define STATUS_H

#include <stddef.h>
#include <time.h>

struct keyring_item;

/* A credential's state, as list, check and doctor report it. */
enum cred_state {
	CRED_OK,
	CRED_RENEW_SOON,	/* a PAT or refresh token ends within warn */
	CRED_SIGN_IN,		/* needs_login, or the refresh token expired */
	CRED_EXPIRED,		/* a PAT expired */
	CRED_LOCKED,		/* the secret could not be read */
	CRED_DAMAGED		/* the secret is not a readable record */
};

/*
 * The state of a listed credential at now, "renew soon" within warn
 * seconds of a PAT's or refresh token's end.
 */
enum cred_state cred_state(const struct keyring_item *it, time_t now,
			   long warn);
/* "ok", "renew soon", "sign-in needed", "expired", "locked", "damaged" */
const char *cred_state_name(enum cred_state st);
/* "3d 4h", "52m 0s", "expired", or "-" for no expiry; buf holds 32. */
const char *cred_time_left(time_t t, time_t now, char *buf, size_t len);

/*
 * The command that fixes a credential in state st (new string: free it),
 * e.g. "tokenpass login --host H --user U".
 */
char *cred_fix(const struct keyring_item *it, enum cred_state st);

#endif
