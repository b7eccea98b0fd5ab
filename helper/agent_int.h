/*
 * The agent's parts (agent.h lists the files). One thread: everything
 * runs from the GLib main loop, so nothing here locks.
 */
#ifndef AGENT_INT_H
#define AGENT_INT_H

#include "helper/agent.h"
#include "helper/record.h"

#include <glib.h>

/* a connection: its request, then its answer */
struct agent_client {
	int fd;
	char *buf;		/* request, wiped when freed */
	size_t len, cap;
	char *ans;		/* answer (secret), wiped when freed */
	size_t ans_len, sent;
	guint src, timer;
	int retried;		/* handled again after a renewal */
	struct agent_client *next_wait;
};

/* a credential as the keyring holds it; token and refresh_token locked */
struct agent_entry {
	char *host, *user, *dsn;
	char *protocol, *path;
	enum record_kind kind;
	char *token;		/* agent_secmem */
	char *refresh_token;	/* agent_secmem: git's, for a PAT */
	time_t expires, refresh_expires, updated;
	unsigned needs_login:1, damaged:1, locked:1, admin:1;
	time_t next;		/* the agent's next renewal, 0: none */
	time_t last_try;	/* its last failed renewal */
	int failures;
};

enum agent_state {
	AGENT_LOADING,		/* the first read is under way */
	AGENT_READY, AGENT_LOCKED, AGENT_UNAVAILABLE
};

/* what the agent did, for its status answer (agent.h) */
struct agent_count {
	unsigned long served;		/* gets answered from the cache */
	unsigned long waited;		/* gets that waited for a renewal */
	unsigned long delegated;	/* gets handed to 'tokenpass get' */
	unsigned long renewals;		/* renewals started ahead of time */
	unsigned long early;		/* of them, before the token's end */
	unsigned long full_reads;	/* reads of the whole keyring */
	unsigned long item_reads;	/* reads of the items signals named */
	unsigned long items_read;	/* items read, in all */
};

struct agent {
	enum agent_state state;
	struct agent_count count;
	struct agent_entry *e;
	size_t nr;
	char *self;		/* tokenpass-core: our own executable */
	GMainLoop *loop;
	guint renew_timer;
};

extern struct agent agent;

/* agent.c */
/* Send ans (len bytes, a new buffer the client now owns), then close. */
void agent_reply(struct agent_client *c, char *ans, size_t len);
/* An answer of one error line (no secret) and an exit code. */
void agent_reply_error(struct agent_client *c, int code, const char *fmt,
		       ...) __attribute__((format(printf, 3, 4)));
/* Activity: pushes the idle exit back. */
void agent_touch(void);

/* agent_cache.c */
/* Read the keyring again (in a thread; the old cache answers meanwhile). */
void agent_cache_reload(void);
/*
 * The item at path (a D-Bus object path) changed, appeared or went away:
 * read it again with the next agent_cache_reload_items. NULL: read
 * everything then.
 */
void agent_cache_item(const char *path);
/* Read the items named since the last read (nothing when none). */
void agent_cache_reload_items(void);
/* The same with a new Secret Service session (the service was replaced). */
void agent_cache_reload_reset(void);
int agent_cache_loading(void);
/* Answer c once the agent has read the keyring again (agent.h: sync). */
void agent_cache_sync(struct agent_client *c);
void agent_cache_forget(void);
/*
 * The keyring says it locked: forget every secret now, not after the
 * reload, and drop what a load begun before the lock brings back.
 */
void agent_cache_locked(void);
void agent_cache_handle(struct agent_client *c);
void agent_cache_status(struct agent_client *c);
/* Re-arm the renewal timer; start the renewals that are due. */
void agent_schedule(void);
/* The earliest renewal the agent will start, 0: none. */
time_t agent_next_renewal(void);
/*
 * A renewal of (host, user, dsn) ended with exit code code; -1: a get
 * that may have renewed it, which is no failure either way. updated:
 * its last renewal when the renewal began.
 */
void agent_cache_renewed(const char *host, const char *user, const char *dsn,
			 int code, time_t updated);

/* agent_jobs.c */
/* Hand the request of c to 'tokenpass-core get' and relay its answer. */
struct credential;
void agent_job_get(struct agent_client *c, const struct agent_entry *e,
		   const struct credential *cr);
/* Is a get or renewal for e running? Then c (not NULL) waits for it. */
int agent_job_wait(const struct agent_entry *e, struct agent_client *c);
void agent_job_renew(const struct agent_entry *e);
void agent_job_check(void);
int agent_jobs_running(void);
/* The agent stops: wait for the children (bounded), then stop them. */
void agent_jobs_end(void);

#endif
