/*
 * PAT rotation: a PAT cannot rotate itself, so its admin's OAuth
 * credential runs ALTER USER ... ROTATE PROGRAMMATIC ACCESS TOKEN through
 * the SQL API, and the new secret replaces the old one in one update.
 */
#ifndef ROTATE_H
#define ROTATE_H

/* A PAT with an admin is rotated this close to its expiry (refresh). */
#define ROTATE_WINDOW (7L * 86400)

struct rotation {
	const char *admin;	/* NULL: the one stored with the PAT */
	long hours;		/* EXPIRE_ROTATED_TOKEN_AFTER_HOURS, -1: default */
	long days;		/* the new PAT's life, 0: as before */
};

/*
 * Rotate the PAT stored for (host, user, dsn) as the admin's OAuth
 * credential, under the credential's lock, and store the new one in one
 * update. The old PAT stays stored if anything fails. The request and
 * the update run in a renewer (lifecycle_detach): once the statement is
 * sent, the new PAT is stored whatever becomes of the caller (Ctrl-C, a
 * closed terminal, a kill). Prints one line on failure (and one on
 * success); returns an exit code of SPEC.md.
 */
int rotate_pat(const char *host, const char *user, const char *dsn,
	       const struct rotation *rot);

/* The operands a rotation hands its renewer: ADMIN HOURS DAYS. */
#define ROTATE_OPERANDS 3

/*
 * The rotation itself, in the renewer (lifecycle.c) that holds the PAT's
 * lock: ops are ROTATE_OPERANDS strings ("" for a NULL admin or default
 * hours). Returns an exit code; prints one line on failure.
 */
int rotate_held(const char *host, const char *user, const char *dsn,
		const char *const ops[]);

#endif
