/*
 * Renewal: an OAuth access token is renewed before it expires, one
 * renewal at a time across processes.
 *
 *   lock (flock on a per-credential file; the kernel drops it if we die)
 *   re-read the item: another process may have renewed it meanwhile
 *   renew only if still needed, write the new tokens in one update
 *   unlock
 *
 * A new refresh token is stored only when one comes back; the old one is
 * never dropped when none does. A failed renewal never changes the stored
 * tokens; a refused refresh token only marks the credential, so that list
 * and check can say a new sign-in is needed.
 */
#ifndef LIFECYCLE_H
#define LIFECYCLE_H

#include "helper/record.h"

/* Seconds before expiry an access token is renewed (default 120). */
long lifecycle_margin(void);

/* Does rec need renewing now (force: whatever its expiry)? */
int lifecycle_due(const struct record *rec, int force);

enum lifecycle_flags {
	LIFECYCLE_FORCE = 1,		/* renew even a fresh token */
	LIFECYCLE_KEEP_VALID = 2	/* on endpoint failure, keep a token
					   that is still valid (warn) */
};

/*
 * Renew the OAuth credential stored for (host, user, dsn) when due; rec
 * is what the caller read and is replaced by what is now stored. Prints
 * one line on failure; returns TP_OK, TP_SIGN_IN (with the exact login
 * command), TP_ENDPOINT, TP_KEYRING or TP_ERROR.
 */
int lifecycle_renew(const char *host, const char *user, const char *dsn,
		    struct record *rec, unsigned flags);

/* The exact 'tokenpass login ...' command that signs rec in again. */
char *lifecycle_login_hint(const char *host, const char *user,
			   const char *dsn, const struct record *rec);

/*
 * Take the per-credential lock, waiting at most a bounded time. Returns a
 * file descriptor to give to lifecycle_unlock, or -1 after printing why.
 */
int lifecycle_lock(const char *host, const char *user, const char *dsn);
void lifecycle_unlock(int fd);

#endif
