/*
 * The Secret Service through libsecret: one item per credential, schema
 * io.tokenpass.Credential, attributes host, user, dsn ("" for a global
 * credential) and kind. Attributes are public lookup keys; the secret is
 * the record's JSON document (record.h).
 *
 * Every function reports its own failure with one line on stderr and
 * returns an exit code of SPEC.md: TP_OK, TP_NOT_FOUND, TP_KEYRING (no
 * session bus, no Secret Service, a locked collection) or TP_ERROR (a
 * damaged item).
 */
#ifndef KEYRING_H
#define KEYRING_H

#include "helper/record.h"

#include <stddef.h>

#define KEYRING_SCHEMA "io.tokenpass.Credential"

struct keyring_item {
	char *host;
	char *user;
	char *dsn;		/* "" for a global credential */
	char *label;
	int locked;		/* the secret could not be read */
	int damaged;		/* the secret is not a readable record */
	struct record rec;	/* valid unless locked or damaged */
};

struct keyring_list {
	struct keyring_item *items;
	size_t nr, alloc;
};

#define KEYRING_LIST_INIT { NULL, 0, 0 }

/*
 * The credential stored for exactly (host, user, dsn), dsn NULL or "" for
 * the global one. On TP_OK *rec holds it (release with record_release).
 * TP_NOT_FOUND is silent: the caller knows what it was looking for.
 */
int keyring_lookup(const char *host, const char *user, const char *dsn,
		   struct record *rec);

/*
 * The first of n credentials (host, user, dsns[i]) that is stored, as
 * keyring_lookup; *which (when not NULL) is set to its index. Cheaper
 * than n lookups: a locked collection is asked about once, after all of
 * them missed.
 */
int keyring_lookup_first(const char *host, const char *user,
			 const char *const *dsns, size_t n, struct record *rec,
			 size_t *which);

/*
 * Every item matching the given attributes; a NULL attribute matches
 * anything. Locked items are listed with locked set.
 */
int keyring_search(const char *host, const char *user, const char *dsn,
		   struct keyring_list *list);
void keyring_list_release(struct keyring_list *list);

/*
 * Create or replace the item for (host, user, dsn) with rec, in one
 * update. An item of another kind for the same key is removed after the
 * new one is safely stored.
 */
int keyring_store(const char *host, const char *user, const char *dsn,
		  const struct record *rec);

/*
 * keyring_store for a caller that read the item and keeps its kind (a
 * renewal, a rotation): it skips the search for an item of the other kind.
 */
int keyring_update(const char *host, const char *user, const char *dsn,
		   const struct record *rec);

/* Delete the item for (host, user, dsn); TP_NOT_FOUND when none. */
int keyring_remove(const char *host, const char *user, const char *dsn);

/*
 * Forget the connection to the Secret Service, so that the next call
 * opens a new one (the agent, after the service was replaced).
 */
void keyring_reset(void);

#endif
