/*
 * The agent's copy of the keyring: read in full, then each item again
 * that a signal of the Secret Service names (agent.c), forgotten at once
 * when the default collection locks. A get is answered from here when
 * the token is good for longer than the margin; anything else (a renewal
 * due, a damaged item, a line break in a token) goes to 'tokenpass-core
 * get', so that every answer is the one 'tokenpass get' gives.
 */
#include "helper/agent_int.h"
#include "helper/commands.h"
#include "helper/credential.h"
#include "helper/keyring.h"
#include "helper/lifecycle.h"
#include "helper/secmem.h"
#include "helper/tokenpass.h"

#include <gio/gio.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* refresh.c rotates a PAT this close to its end (ROTATION_WINDOW) */
#define PAT_WINDOW (7L * 86400)
#define BACKOFF_MIN 15
#define BACKOFF_MAX 900

struct agent agent;

static void entry_release(struct agent_entry *e)
{
	free(e->host);
	free(e->user);
	free(e->dsn);
	free(e->protocol);
	free(e->path);
	agent_secmem_free(e->token);
	agent_secmem_free(e->refresh_token);
	memset(e, 0, sizeof(*e));
}

void agent_cache_forget(void)
{
	size_t i;

	for (i = 0; i < agent.nr; i++)
		entry_release(&agent.e[i]);
	free(agent.e);
	agent.e = NULL;
	agent.nr = 0;
}

static int key_cmp(const struct agent_entry *e, const char *host,
		   const char *user, const char *dsn)
{
	int c = strcmp(e->host, host);

	if (!c)
		c = strcmp(e->user, user);
	if (!c)
		c = strcmp(e->dsn, dsn);
	return c;
}

/* entries are sorted by host, user, dsn (keyring_search sorts them) */
static struct agent_entry *find_key(struct agent_entry *v, size_t nr,
				    const char *host, const char *user,
				    const char *dsn)
{
	size_t lo = 0, hi = nr;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = key_cmp(&v[mid], host, user, dsn);

		if (!c)
			return &v[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/*
 * Is the default collection locked? 1, 0, -1 when nobody answers, -2 when
 * no Secret Service runs. Never starts one: asking while a keyring daemon
 * is being replaced would have the bus start a second, locked one.
 */
static int default_locked(void)
{
	GDBusConnection *bus = g_bus_get_sync(G_BUS_TYPE_SESSION, NULL, NULL);
	GVariant *v, *inner = NULL;
	gboolean owned = FALSE;
	int ret = -1;

	if (!bus)
		return -1;
	v = g_dbus_connection_call_sync(bus, "org.freedesktop.DBus",
					"/org/freedesktop/DBus",
					"org.freedesktop.DBus", "NameHasOwner",
					g_variant_new("(s)",
					"org.freedesktop.secrets"),
					G_VARIANT_TYPE("(b)"),
					G_DBUS_CALL_FLAGS_NONE, 5000, NULL,
					NULL);
	if (v) {
		g_variant_get(v, "(b)", &owned);
		g_variant_unref(v);
	}
	if (!owned) {
		ret = -2;
		goto out;
	}
	v = g_dbus_connection_call_sync(bus, "org.freedesktop.secrets",
					"/org/freedesktop/secrets/aliases/"
					"default",
					"org.freedesktop.DBus.Properties",
					"Get", g_variant_new("(ss)",
					"org.freedesktop.Secret.Collection",
					"Locked"), G_VARIANT_TYPE("(v)"),
					G_DBUS_CALL_FLAGS_NO_AUTO_START, 5000,
					NULL, NULL);
	if (v) {
		g_variant_get(v, "(v)", &inner);
		if (inner && g_variant_is_of_type(inner, G_VARIANT_TYPE_BOOLEAN))
			ret = g_variant_get_boolean(inner);
		if (inner)
			g_variant_unref(inner);
		g_variant_unref(v);
	}
out:
	g_object_unref(bus);
	return ret;
}

static time_t jitter(time_t span)
{
	return span > 0 ? (time_t)g_random_int_range(0, (gint32)
			  (span > G_MAXINT32 ? G_MAXINT32 : span)) : 0;
}

/*
 * When the agent renews e: OAuth at two thirds of the token's life,
 * minus up to a tenth of it (jitter, so that many agents spread out),
 * never later than the margin, yet never before half its life (a token
 * that lives less than the margin would be due again as soon as it is
 * renewed, and renewed over and over); a PAT with an admin at the start
 * of its rotation window, never before two thirds of its life. After
 * failures, a growing back-off.
 */
static time_t next_renewal(const struct agent_entry *e, time_t now)
{
	time_t at = 0, life;

	if (e->locked || e->damaged || !e->expires || e->needs_login)
		return 0;
	if (e->kind == RECORD_OAUTH) {
		if (e->refresh_expires && e->refresh_expires <= now)
			return 0;
		life = e->updated && e->updated < e->expires ?
		       e->expires - e->updated : 0;
		at = e->expires - lifecycle_margin() - 1;
		if (life && e->updated + life * 2 / 3 - jitter(life / 10) < at)
			at = e->updated + life * 2 / 3 - jitter(life / 10);
		if (life && at < e->updated + life / 2)
			at = e->updated + life / 2;
	} else if (e->admin) {
		at = e->expires - PAT_WINDOW;
		/*
		 * A PAT that lives less than the window would be inside it
		 * again as soon as it is rotated: not before two thirds of
		 * its life, as an OAuth token.
		 */
		life = e->updated && e->updated < e->expires ?
		       e->expires - e->updated : 0;
		if (life && at < e->updated + life * 2 / 3)
			at = e->updated + life * 2 / 3;
	} else {
		return 0;
	}
	if (e->failures) {
		time_t back = BACKOFF_MIN << (e->failures > 6 ? 6 :
					      e->failures - 1);

		if (back > BACKOFF_MAX)
			back = BACKOFF_MAX;
		if (at < e->last_try + back)
			at = e->last_try + back;
	}
	return at;
}

static void entry_from_item(struct agent_entry *e, struct keyring_item *it)
{
	memset(e, 0, sizeof(*e));
	e->host = xstrdup(it->host);
	e->user = xstrdup(it->user);
	e->dsn = xstrdup(it->dsn);
	e->locked = !!it->locked;
	e->damaged = !!it->damaged;
	if (it->locked || it->damaged)
		return;
	e->kind = it->rec.kind;
	e->protocol = it->rec.protocol ? xstrdup(it->rec.protocol) : NULL;
	e->path = it->rec.path ? xstrdup(it->rec.path) : NULL;
	e->token = agent_secmem_strdup(it->rec.token ? it->rec.token : "");
	if (it->rec.kind == RECORD_PAT)
		e->refresh_token = agent_secmem_strdup(it->rec.refresh_token);
	e->expires = it->rec.expires;
	e->refresh_expires = it->rec.refresh_expires;
	e->updated = it->rec.updated;
	e->needs_login = !!it->rec.needs_login;
	e->admin = it->rec.admin && it->rec.pat_name;
}

/*
 * Reading the keyring takes long with many items (seconds for a thousand
 * on a busy machine): it runs in a thread of its own, and what it read
 * replaces the old cache in the main loop, which answers from the old one
 * meanwhile. Only that thread calls into keyring.c. A reload asked for
 * while one runs runs again after it.
 *
 * A signal that names an item (ItemCreated, ItemChanged, ItemDeleted),
 * and a renewal that ended, read only that credential again: the item's
 * attributes (no secret) give its key, and keyring_search of that key
 * reads it. A deleted item's key is the one the agent saw for its path
 * before; an item it never saw, too many at once, a new Secret Service,
 * an unlock and a sync read everything.
 */
#define ITEMS_MAX 32		/* more at once: read everything */

/* a credential to read again: by its item's path, or by its key */
struct pend {
	char *path;		/* NULL: key only */
	char *host, *user, *dsn;	/* known key, or NULL */
	char *nhost, *nuser, *ndsn;	/* thread: the item's key now */
	int gone;		/* thread: the item is no more */
};

/* a key read again: what it holds now (strings: a pend's) */
struct key {
	char *host, *user, *dsn;
	struct keyring_list list;
};

struct load {
	struct keyring_list list;
	int ret, locked, reset, full;
	struct pend *p;		/* !full: what to read */
	size_t np;
	struct key *k;		/* thread: the keys they name, once each */
	size_t nk;
	unsigned long items;	/* items read */
	struct agent_client *waiters;	/* syncs it answers */
	unsigned locks;		/* lock_count when the load began */
};

struct renewed {
	char *host, *user, *dsn;
	int code, failures;
	time_t updated;
	struct renewed *next;
};

static GThread *loader;
static int load_again, reset_wanted, full_wanted;
static struct pend *pending;
static size_t npending;
/* path -> "host\tuser\tdsn" of the items the agent saw by path */
static GHashTable *paths;
static unsigned lock_count;
static struct renewed *renewals;
/*
 * "sync" requests: answered once a load that began after them is done; a
 * sync that names its credential waits for a read of that one alone
 */
static struct agent_client *sync_next, *sync_next_key;

static void pend_release(struct pend *p)
{
	free(p->path);
	free(p->host);
	free(p->user);
	free(p->dsn);
	free(p->nhost);
	free(p->nuser);
	free(p->ndsn);
}

static void pends_free(struct pend *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		pend_release(&p[i]);
	free(p);
}

/* the item's key from its attributes: 0, 1 not ours, -1 gone */
static int item_key(GDBusConnection *bus, struct pend *p)
{
	GVariant *v, *inner = NULL;
	const char *schema = NULL, *host = NULL, *user = NULL, *dsn = NULL;
	int ret = -1;

	v = g_dbus_connection_call_sync(bus, "org.freedesktop.secrets",
					p->path,
					"org.freedesktop.DBus.Properties",
					"Get", g_variant_new("(ss)",
					"org.freedesktop.Secret.Item",
					"Attributes"), G_VARIANT_TYPE("(v)"),
					G_DBUS_CALL_FLAGS_NO_AUTO_START, 5000,
					NULL, NULL);
	if (!v)
		return -1;
	g_variant_get(v, "(v)", &inner);
	if (!inner || !g_variant_is_of_type(inner, G_VARIANT_TYPE("a{ss}")))
		goto out;
	g_variant_lookup(inner, "xdg:schema", "&s", &schema);
	g_variant_lookup(inner, "host", "&s", &host);
	g_variant_lookup(inner, "user", "&s", &user);
	g_variant_lookup(inner, "dsn", "&s", &dsn);
	ret = 1;
	if (!schema || strcmp(schema, KEYRING_SCHEMA) || !host || !user)
		goto out;
	p->nhost = xstrdup(host);
	p->nuser = xstrdup(user);
	p->ndsn = xstrdup(dsn ? dsn : "");
	ret = 0;
out:
	if (inner)
		g_variant_unref(inner);
	g_variant_unref(v);
	return ret;
}

static int same_key(const char *h1, const char *u1, const char *d1,
		    const char *h2, const char *u2, const char *d2)
{
	return h1 && h2 && !strcmp(h1, h2) && !strcmp(u1, u2) &&
	       !strcmp(d1, d2);
}

/* the key to read again, once */
static void add_key(struct load *l, const char *host, const char *user,
		    const char *dsn)
{
	size_t i;

	if (!host)
		return;
	for (i = 0; i < l->nk; i++)
		if (same_key(host, user, dsn, l->k[i].host, l->k[i].user,
			     l->k[i].dsn))
			return;
	l->k = xrealloc(l->k, (l->nk + 1) * sizeof(*l->k));
	memset(&l->k[l->nk], 0, sizeof(*l->k));
	l->k[l->nk].host = (char *)host;
	l->k[l->nk].user = (char *)user;
	l->k[l->nk].dsn = (char *)dsn;
	l->k[l->nk].list = (struct keyring_list)KEYRING_LIST_INIT;
	l->nk++;
}

/* read again what l->p names; 1: read everything instead */
static int load_items(struct load *l)
{
	GDBusConnection *bus = g_bus_get_sync(G_BUS_TYPE_SESSION, NULL, NULL);
	size_t i;
	int ret = 1;

	if (!bus)
		return 1;
	for (i = 0; i < l->np; i++) {
		struct pend *p = &l->p[i];

		if (p->path && item_key(bus, p) < 0) {
			p->gone = 1;
			/* an item we never saw went away: which one? */
			if (!p->host)
				goto out;
		}
		/* its old key (renamed, removed) and its new one */
		add_key(l, p->host, p->user, p->dsn);
		add_key(l, p->nhost, p->nuser, p->ndsn);
	}
	for (i = 0; i < l->nk; i++) {
		l->ret = keyring_search(l->k[i].host, l->k[i].user,
					l->k[i].dsn, &l->k[i].list);
		if (l->ret)
			break;
		l->items += l->k[i].list.nr;
	}
	ret = 0;
out:
	g_object_unref(bus);
	return ret;
}

static gpointer load_thread(gpointer data)
{
	struct load *l = data;

	if (l->reset)
		keyring_reset();
	l->locked = default_locked();
	if (l->locked == -2) {
		/* no Secret Service now: a get starts one (delegated) */
		l->ret = TP_KEYRING;
	} else if (l->locked != 1) {
		if (!l->full && load_items(l))
			l->full = 1;
		if (l->full) {
			l->ret = keyring_search(NULL, NULL, NULL, &l->list);
			l->items = l->list.nr;
		}
		/* a new session next time: the service may have changed */
		if (l->ret)
			keyring_reset();
	}
	return l;
}

/* v[n] from it, keeping what the agent knew of its renewals */
static void entry_new(struct agent_entry *v, struct keyring_item *it,
		      time_t now)
{
	struct agent_entry *old;

	entry_from_item(v, it);
	old = find_key(agent.e, agent.nr, v->host, v->user, v->dsn);
	if (old) {
		v->failures = old->failures;
		v->last_try = old->last_try;
	}
	v->next = next_renewal(v, now);
}

static int entry_cmp(const void *a, const void *b)
{
	const struct agent_entry *y = b;

	return key_cmp(a, y->host, y->user, y->dsn);
}

static int key_read(const struct load *l, const struct agent_entry *e)
{
	size_t i;

	for (i = 0; i < l->nk; i++)
		if (same_key(e->host, e->user, e->dsn, l->k[i].host,
			     l->k[i].user, l->k[i].dsn))
			return 1;
	return 0;
}

/* the credentials read again replace theirs in the cache */
static void items_apply(struct load *l)
{
	struct agent_entry *v;
	time_t now = tp_now();
	size_t i, j, n = 0, add = 0;

	for (i = 0; i < l->nk; i++)
		add += l->k[i].list.nr;
	v = xcalloc(agent.nr + add + 1, sizeof(*v));
	for (i = 0; i < l->nk; i++)
		for (j = 0; j < l->k[i].list.nr; j++)
			entry_new(&v[n++], &l->k[i].list.items[j], now);
	for (i = 0; i < agent.nr; i++) {
		if (key_read(l, &agent.e[i]))
			entry_release(&agent.e[i]);
		else
			v[n++] = agent.e[i];
	}
	free(agent.e);
	qsort(v, n, sizeof(*v), entry_cmp);
	agent.e = v;
	agent.nr = n;
	/* what the agent knows of each item's path */
	for (i = 0; i < l->np; i++) {
		struct pend *p = &l->p[i];

		if (!p->path)
			continue;
		if (p->nhost)
			g_hash_table_replace(paths, xstrdup(p->path),
					     xasprintf("%s\t%s\t%s", p->nhost,
						       p->nuser, p->ndsn));
		else
			g_hash_table_remove(paths, p->path);
	}
}

static void load_apply(struct load *l)
{
	struct agent_entry *v;
	time_t now = tp_now();
	size_t i;

	if (l->locks != lock_count) {
		/* read before a lock: its secrets must not come back */
		full_wanted = load_again = 1;
		return;
	}
	if (l->locked == 1) {
		if (agent.state != AGENT_LOCKED)
			tp_warn("agent: the keyring is locked; every token "
				"is forgotten until it unlocks");
		agent_cache_forget();
		agent.state = AGENT_LOCKED;
		return;
	}
	if (l->ret) {
		/* keyring_search said why on stderr (the journal) */
		agent_cache_forget();
		agent.state = l->ret == TP_KEYRING && l->locked < 0 ?
			      AGENT_UNAVAILABLE : AGENT_LOCKED;
		return;
	}
	agent.count.items_read += l->items;
	if (!l->full) {
		agent.count.item_reads++;
		items_apply(l);
		return;
	}
	agent.count.full_reads++;
	v = xcalloc(l->list.nr ? l->list.nr : 1, sizeof(*v));
	for (i = 0; i < l->list.nr; i++)
		entry_new(&v[i], &l->list.items[i], now);
	agent_cache_forget();
	agent.e = v;
	agent.nr = i;
	agent.state = AGENT_READY;
}

/* the renewals that ended before this load: did they change anything? */
static void renewals_apply(void)
{
	struct renewed *r, *next;
	time_t now = tp_now();

	for (r = renewals; r; r = next) {
		struct agent_entry *e = find_key(agent.e, agent.nr, r->host,
						 r->user, r->dsn);

		next = r->next;
		/* a renewal that changed nothing failed too: no loop */
		if (e && (r->code > 0 || (!r->code && e->updated ==
						      r->updated))) {
			e->failures = r->failures + 1;
			e->last_try = now;
		} else if (e && !r->code) {
			e->failures = 0;
		}
		if (e)
			e->next = next_renewal(e, now);
		free(r->host);
		free(r->user);
		free(r->dsn);
		free(r);
	}
	renewals = NULL;
}

static void start_load(void);

static gboolean load_done(gpointer data)
{
	struct load *l = g_thread_join(loader);
	struct agent_client *w = l->waiters;
	int full = l->full;
	size_t i;

	loader = NULL;
	load_apply(l);
	keyring_list_release(&l->list);
	for (i = 0; i < l->nk; i++)
		keyring_list_release(&l->k[i].list);
	free(l->k);
	pends_free(l->p, l->np);
	free(l);
	while (w) {
		struct agent_client *c = w;

		w = c->next_wait;
		c->next_wait = NULL;
		agent_reply(c, xstrdup("tokenpass_exit=0\n"), 17);
	}
	if (load_again) {
		load_again = 0;
		start_load();
		if (loader)
			return G_SOURCE_REMOVE;
	}
	renewals_apply();
	if (full)
		malloc_trim(0);	/* a thousand items leave much behind */
	agent_schedule();
	return G_SOURCE_REMOVE;
}

static gpointer load_run(gpointer data)
{
	load_thread(data);
	g_idle_add(load_done, NULL);
	return data;
}

static void start_load(void)
{
	struct load *l;

	if (loader) {
		load_again = 1;
		return;
	}
	if (!full_wanted && !npending)
		return;
	l = xcalloc(1, sizeof(*l));
	l->list = (struct keyring_list)KEYRING_LIST_INIT;
	l->reset = reset_wanted;
	l->locks = lock_count;
	l->full = full_wanted || agent.state != AGENT_READY;
	/* the syncs it answers: a full read answers every one */
	l->waiters = sync_next_key;
	sync_next_key = NULL;
	if (l->full) {
		while (sync_next) {
			struct agent_client *c = sync_next;

			sync_next = c->next_wait;
			c->next_wait = l->waiters;
			l->waiters = c;
		}
		pends_free(pending, npending);
	} else {
		l->p = pending;
		l->np = npending;
	}
	pending = NULL;
	npending = 0;
	if (l->reset && paths)
		g_hash_table_remove_all(paths);
	reset_wanted = full_wanted = 0;
	loader = g_thread_new("agent-load", load_run, l);
}

void agent_cache_locked(void)
{
	lock_count++;
	if (agent.state != AGENT_LOCKED)
		tp_warn("agent: the keyring is locked; every token "
			"is forgotten until it unlocks");
	agent_cache_forget();
	agent.state = AGENT_LOCKED;
	agent_cache_reload();
}

void agent_cache_reload_reset(void)
{
	reset_wanted = 1;
	agent_cache_reload();
}

void agent_cache_reload(void)
{
	full_wanted = 1;
	start_load();
}

/* one more credential to read again: by path, or by key */
static void queue(const char *path, const char *host, const char *user,
		  const char *dsn)
{
	struct pend *p;
	const char *key = path && paths ? g_hash_table_lookup(paths, path) :
			  NULL;

	if (full_wanted)
		return;
	if (npending >= ITEMS_MAX) {
		full_wanted = 1;
		pends_free(pending, npending);
		pending = NULL;
		npending = 0;
		return;
	}
	pending = xrealloc(pending, (npending + 1) * sizeof(*pending));
	p = &pending[npending++];
	memset(p, 0, sizeof(*p));
	p->path = path ? xstrdup(path) : NULL;
	if (key) {
		const char *t1 = strchr(key, '\t'), *t2 = strchr(t1 + 1, '\t');

		p->host = xstrndup(key, (size_t)(t1 - key));
		p->user = xstrndup(t1 + 1, (size_t)(t2 - t1 - 1));
		p->dsn = xstrdup(t2 + 1);
	} else if (host) {
		p->host = xstrdup(host);
		p->user = xstrdup(user);
		p->dsn = xstrdup(dsn);
	}
}

void agent_cache_item(const char *path)
{
	if (!path) {
		full_wanted = 1;
		return;
	}
	if (!paths)
		paths = g_hash_table_new_full(g_str_hash, g_str_equal, free,
					      free);
	queue(path, NULL, NULL, NULL);
}

void agent_cache_reload_items(void)
{
	start_load();
}

/* the value of "key=" in the request's lines, NULL when none */
static char *request_value(const struct agent_client *c, const char *key)
{
	size_t kl = strlen(key);
	const char *p = c->buf, *end = c->buf + c->len, *nl;

	for (; p < end; p = nl + 1) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			nl = end;
		if ((size_t)(nl - p) > kl && !memcmp(p, key, kl) &&
		    p[kl] == '=')
			return xstrndup(p + kl + 1, (size_t)(nl - p - kl - 1));
	}
	return NULL;
}

void agent_cache_sync(struct agent_client *c)
{
	char *host = request_value(c, "host");
	char *user = request_value(c, "username");
	char *dsn = request_value(c, "dsn");

	if (host && user) {
		/* a command that changed this credential alone */
		c->next_wait = sync_next_key;
		sync_next_key = c;
		queue(NULL, host, user, dsn ? dsn : "");
		start_load();
	} else {
		c->next_wait = sync_next;
		sync_next = c;
		agent_cache_reload();
	}
	free(host);
	free(user);
	free(dsn);
}

int agent_cache_loading(void)
{
	return loader != NULL;
}

void agent_cache_renewed(const char *host, const char *user, const char *dsn,
			 int code, time_t updated)
{
	struct agent_entry *e = find_key(agent.e, agent.nr, host, user, dsn);
	struct renewed *r;

	if (code != -1) {
		r = xcalloc(1, sizeof(*r));
		r->host = xstrdup(host);
		r->user = xstrdup(user);
		r->dsn = xstrdup(dsn);
		r->code = code;
		r->failures = e ? e->failures : 0;
		/*
		 * what it was when the renewal began: the renewal's own
		 * sync may have brought the new one in already
		 */
		r->updated = updated;
		r->next = renewals;
		renewals = r;
	}
	/* what the keyring holds now for it, whoever changed it */
	queue(NULL, host, user, dsn);
	start_load();
}

time_t agent_next_renewal(void)
{
	time_t min = 0;
	size_t i;

	for (i = 0; i < agent.nr; i++)
		if (agent.e[i].next && (!min || agent.e[i].next < min))
			min = agent.e[i].next;
	return min;
}

static gboolean on_renew_timer(gpointer data)
{
	agent.renew_timer = 0;
	agent_schedule();
	return G_SOURCE_REMOVE;
}

void agent_schedule(void)
{
	time_t now = tp_now(), min = 0;
	size_t i;

	if (agent.renew_timer)
		g_source_remove(agent.renew_timer);
	agent.renew_timer = 0;
	for (i = 0; i < agent.nr; i++) {
		struct agent_entry *e = &agent.e[i];

		if (!e->next)
			continue;
		if (e->next <= now) {
			if (!agent_job_wait(e, NULL))
				agent_job_renew(e);
			continue;
		}
		if (!min || e->next < min)
			min = e->next;
	}
	if (min)
		agent.renew_timer = g_timeout_add_seconds((guint)(min - now),
							  on_renew_timer, NULL);
}

/*
 * a stored item answers a request as in proto.c: one stored without a
 * protocol (add-pat, login) is for https only
 */
static int request_matches(const struct agent_entry *e,
			   const struct credential *c)
{
	const char *proto = e->protocol ? e->protocol : "https";

	if (c->protocol && strcmp(proto, c->protocol))
		return 0;
	return !c->path || (e->path && !strcmp(e->path, c->path));
}

enum { FOUND, NOT_FOUND, DELEGATE };

/* the app-level credential for the DSN, else the global one (proto.c) */
static int find(const struct credential *c, struct agent_entry **out)
{
	const char *dsns[2] = { c->dsn && *c->dsn ? c->dsn : "", "" };
	struct agent_entry *e = NULL;
	size_t i, d;

	if (c->username) {
		for (d = 0; d < 2 && !e; d++) {
			e = find_key(agent.e, agent.nr, c->host, c->username,
				     dsns[d]);
			if (!*dsns[d])
				break;
		}
		if (!e)
			return NOT_FOUND;
		if (e->locked || e->damaged)
			return DELEGATE;
		if (!request_matches(e, c))
			return NOT_FOUND;
		*out = e;
		return FOUND;
	}
	for (d = 0; d < 2; d++) {
		for (i = 0; i < agent.nr; i++) {
			e = &agent.e[i];
			if (strcmp(e->host, c->host) || strcmp(e->dsn, dsns[d]) ||
			    e->damaged)
				continue;
			if (e->locked)
				return DELEGATE;
			if (!request_matches(e, c))
				continue;
			*out = e;
			return FOUND;
		}
		if (!*dsns[d])
			break;
	}
	return NOT_FOUND;
}

static void put(char **p, const char *s)
{
	size_t n = strlen(s);

	memcpy(*p, s, n);
	*p += n;
}

static void put_item(char **p, const char *key, const char *val)
{
	put(p, key);
	put(p, "=");
	put(p, val);
	put(p, "\n");
}

/* what cmd_get prints, from e */
static void answer(struct agent_client *c, const struct credential *cr,
		   const struct agent_entry *e)
{
	int bearer = cr->cap_authtype && e->kind == RECORD_OAUTH;
	char expiry[64] = "";
	size_t n = 128 + strlen(e->user) + strlen(e->token);
	char *buf, *p;

	if (e->expires)
		snprintf(expiry, sizeof(expiry), "%lld",
			 (long long)e->expires);
	if (e->kind == RECORD_PAT && e->refresh_token)
		n += strlen(e->refresh_token) + 32;
	buf = p = xmalloc(n);
	if (bearer) {
		put(&p, "capability[]=authtype\n");
		put_item(&p, "authtype", "Bearer");
		put_item(&p, "username", e->user);
		put_item(&p, "credential", e->token);
	} else {
		put_item(&p, "username", e->user);
		put_item(&p, "password", e->token);
	}
	if (*expiry)
		put_item(&p, "password_expiry_utc", expiry);
	if (e->kind == RECORD_PAT && e->refresh_token)
		put_item(&p, "oauth_refresh_token", e->refresh_token);
	put(&p, "tokenpass_exit=0\n");
	agent_reply(c, buf, (size_t)(p - buf));
}

static int read_request(struct agent_client *c, struct credential *cr)
{
	const char *why;
	char sbuf[BUFSIZ];	/* stdio's copy of the request, wiped */
	FILE *in = fmemopen(c->buf, c->len, "r");
	int r;

	if (!in || setvbuf(in, sbuf, _IOFBF, sizeof(sbuf)))
		tp_die("out of memory reading a request");
	r = credential_read(cr, in, &why);
	fclose(in);
	/* it holds at most the request's bytes */
	tp_memzero(sbuf, c->len < sizeof(sbuf) ? c->len : sizeof(sbuf));
	if (r) {
		agent_reply_error(c, TP_USAGE, "get: %s", why);
		return -1;
	}
	if (cr->host && tp_normalize_host(cr->host)) {
		agent_reply_error(c, TP_USAGE, "get: host is empty or holds "
				  "white space");
		credential_release(cr);
		return -1;
	}
	return 0;
}

void agent_cache_handle(struct agent_client *c)
{
	struct credential cr = CREDENTIAL_INIT;
	struct agent_entry *e = NULL;
	time_t now = tp_now();
	int r;

	if (!c->len) {
		agent_reply(c, xstrdup("tokenpass_exit=0\n"), 17);
		return;
	}
	if (read_request(c, &cr))
		return;
	if (!cr.host) {
		agent_reply(c, xstrdup("tokenpass_exit=0\n"), 17);
		goto out;
	}
	if (agent.state == AGENT_LOCKED) {
		agent_reply_error(c, TP_KEYRING, "cannot %s: the keyring is "
				  "locked; unlock it (log in to the desktop "
				  "session, or open Seahorse) and try again",
				  cr.username ? "read the credential" :
				  "search the keyring");
		goto out;
	}
	if (agent.state != AGENT_READY) {
		agent.count.delegated++;
		agent_job_get(c, NULL, &cr);
		goto out;
	}
	r = find(&cr, &e);
	if (r == NOT_FOUND) {
		agent_reply(c, xstrdup("tokenpass_exit=0\n"), 17);
		goto out;
	}
	/*
	 * Anything but a good token, by the agent's margin and the caller's:
	 * 'tokenpass get' itself, with the caller's settings, waiting for a
	 * renewal already under way rather than starting a second one (but
	 * not past a caller's own answer timeout: its get answers in time).
	 */
	if (r == DELEGATE || cr.renew || lifecycle_due(&(struct record){
	    .kind = e->kind, .expires = e->expires }, 0) ||
	    (e->expires && e->expires <= now) ||
	    (cr.margin >= 0 && e->kind == RECORD_OAUTH &&
	     e->expires - now < cr.margin) ||
	    strpbrk(e->token, "\r\n") || strpbrk(e->user, "\r\n") ||
	    (e->refresh_token && strpbrk(e->refresh_token, "\r\n"))) {
		if (r == FOUND && !cr.renew && !c->retried &&
		    !cr.answer_timeout && agent_job_wait(e, c)) {
			agent.count.waited++;
			goto out;
		}
		agent.count.delegated++;
		agent_job_get(c, r == FOUND ? e : NULL, &cr);
		goto out;
	}
	agent.count.served++;
	answer(c, &cr, e);
out:
	credential_release(&cr);
}

void agent_cache_status(struct agent_client *c)
{
	static const char *const names[] = { "loading", "ready", "locked",
					      "unavailable" };
	GString *s = g_string_new(NULL);
	size_t i;

	g_string_append_printf(s, "agent_pid=%ld\nagent_state=%s\n",
			       (long)getpid(), names[agent.state]);
	g_string_append_printf(s, "agent_counts=served %lu waited %lu "
			       "delegated %lu renewals %lu early %lu "
			       "full_reads %lu item_reads %lu items_read %lu\n",
			       agent.count.served, agent.count.waited,
			       agent.count.delegated, agent.count.renewals,
			       agent.count.early, agent.count.full_reads,
			       agent.count.item_reads, agent.count.items_read);
	for (i = 0; i < agent.nr; i++) {
		const struct agent_entry *e = &agent.e[i];

		if (strpbrk(e->host, "\t\n") || strpbrk(e->user, "\t\n") ||
		    strpbrk(e->dsn, "\t\n"))
			continue;
		g_string_append_printf(s, "credential=%s\t%s\t%s\t%lld\t%lld\n",
				       e->host, e->user, e->dsn,
				       (long long)e->updated,
				       (long long)e->next);
	}
	g_string_append(s, "tokenpass_exit=0\n");
	agent_reply(c, xstrdup(s->str), s->len);
	g_string_free(s, TRUE);
}
