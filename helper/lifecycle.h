/*
 * Renewal: an OAuth access token is renewed before it expires, one
 * renewal at a time across processes, and a renewal that has begun always
 * finishes.
 *
 *   lock (flock on a per-credential file; the kernel drops it if we die)
 *   re-read the item: another process may have renewed it meanwhile
 *   start the renewer, a process of its own that inherits the lock:
 *     it asks the token endpoint and writes the new tokens in one update
 *   wait for it within our budget, re-read, answer
 *
 * Whoever stops waiting for us (the ODBC hook's kill at its timeout, a
 * killed git, Ctrl-C on the terminal), the renewer is in a session of
 * its own and goes on: the server's answer always reaches the keyring,
 * which matters when refresh tokens are single-use.
 *
 * Time budgets, smallest first (tokenpass(1), TIMEOUTS):
 *   get answers within TOKENPASS_ANSWER_TIMEOUT (8 s): the new token, a
 *     still-valid old one with a warning, or exit 6;
 *   the ODBC hook waits TokenTimeout (10 s) for that answer;
 *   a renewer runs at most TOKENPASS_HTTP_TIMEOUT (10 s) for its request
 *     plus the keyring, and nobody waits for it.
 *
 * A new refresh token is stored only when one comes back; the old one is
 * never dropped when none does. A failed renewal never changes the stored
 * tokens; a refused refresh token only marks the credential, so that list
 * and check can say a new sign-in is needed.
 */
#ifndef LIFECYCLE_H
#define LIFECYCLE_H

#include "helper/options.h"
#include "helper/record.h"

/* get's answer budget in seconds: TOKENPASS_ANSWER_TIMEOUT, default 8. */
#define LIFECYCLE_ANSWER_TIMEOUT 8
long lifecycle_answer_budget(void);

/* The longest a renewer runs, in seconds (its HTTP timeout + keyring). */
long lifecycle_renewer_bound(void);

/* The hidden command a renewer runs (main.c's table, not in --help). */
#define RENEWER_COMMAND "renew-held"

/* Seconds before expiry an access token is renewed (default 120). */
long lifecycle_margin(void);

/* Does rec need renewing now (force: whatever its expiry)? */
int lifecycle_due(const struct record *rec, int force);

enum lifecycle_flags {
	LIFECYCLE_FORCE = 1,		/* renew even a fresh token */
	LIFECYCLE_ROTATE = 4,		/* the renewer rotates a PAT
					   instead (rotate.c), with
					   ROTATE_OPERANDS more operands */
	LIFECYCLE_KEEP_VALID = 2	/* a caller that must answer (get):
					   wait at most the answer budget;
					   when no renewal can be had (the
					   endpoint fails, the lock cannot
					   be taken, time runs out) keep a
					   token that is still valid, with a
					   warning */
};

/*
 * Renew the OAuth credential stored for (host, user, dsn) when due,
 * through a renewer process (above); rec is what the caller read and is
 * replaced by what is now stored. Without LIFECYCLE_KEEP_VALID it waits
 * for the renewer to end. Prints one line on failure; returns TP_OK,
 * TP_SIGN_IN (with the exact login command), TP_ENDPOINT (also: the
 * budget ran out), TP_KEYRING or TP_ERROR.
 */
int lifecycle_renew(const char *host, const char *user, const char *dsn,
		    struct record *rec, unsigned flags);

/*
 * The renewer: RENEWER_COMMAND HOST USER DSN FLAGS, with the credential's
 * lock on fd 3. Renews if still due and exits with lifecycle_renew's
 * codes; with LIFECYCLE_ROTATE in FLAGS it rotates the PAT instead
 * (rotate_held, with the rotation's operands after FLAGS).
 */
int lifecycle_renewer(const struct tp_args *a);

/* lifecycle_detach's answers besides the renewer's exit code */
#define LIFECYCLE_AWAY (-1)		/* we stopped waiting; it goes on */
#define LIFECYCLE_UNSTARTED (-2)	/* it could not start (*why) */

/*
 * Hand the credential's lock fd (lifecycle_lock's, closed here in any
 * case) to a renewer running RENEWER_COMMAND with ops (HOST USER DSN
 * FLAGS [rotation operands], NULL-ended) in a session of its own, relay
 * its messages and wait for it until deadline (ms on tp_clock_ms, < 0:
 * its end). Once it runs, it finishes and stores its result whatever
 * becomes of us. Returns its exit code, LIFECYCLE_AWAY or
 * LIFECYCLE_UNSTARTED.
 */
int lifecycle_detach(int fd, const char *const ops[], long long deadline,
		     char **why);

/*
 * The per-user directory of the renewal locks: $XDG_RUNTIME_DIR/tokenpass,
 * else ~/.cache/tokenpass (never a shared directory: with neither set it
 * is refused), created 0700 and checked to be ours and closed to others.
 * A new string, or NULL with *why (a new string).
 */
char *lifecycle_lock_dir(char **why);

/* The exact 'tokenpass login ...' command that signs rec in again. */
char *lifecycle_login_hint(const char *host, const char *user,
			   const char *dsn, const struct record *rec);

/*
 * Take the per-credential lock, waiting at most lifecycle_renewer_bound()
 * (the longest another holder keeps it). Returns a file descriptor to
 * give to lifecycle_unlock, or -1 after printing why.
 */
int lifecycle_lock(const char *host, const char *user, const char *dsn);
void lifecycle_unlock(int fd);

#endif
