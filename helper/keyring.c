#include "helper/agent.h"
#include "helper/keyring.h"
#include "helper/secmem.h"
#include "helper/tokenpass.h"

#include <libsecret/secret.h>
#include <string.h>

static const SecretSchema schema = {
	KEYRING_SCHEMA, SECRET_SCHEMA_NONE,
	{
		{ "host", SECRET_SCHEMA_ATTRIBUTE_STRING },
		{ "user", SECRET_SCHEMA_ATTRIBUTE_STRING },
		{ "dsn", SECRET_SCHEMA_ATTRIBUTE_STRING },
		{ "kind", SECRET_SCHEMA_ATTRIBUTE_STRING },
		{ NULL, 0 },
	}
};

static SecretService *service;

static int report_locked(const char *what)
{
	tp_error("cannot %s: the keyring is locked; unlock it (log in to "
		 "the desktop session, or open Seahorse) and try again", what);
	return TP_KEYRING;
}

/*
 * One line that says what failed and what to do, chosen by the error
 * libsecret or GDBus gave us. Returns TP_KEYRING.
 */
static int report(const char *what, GError *err)
{
	const char *msg = err ? err->message : "unknown error";

	if (err && g_error_matches(err, SECRET_ERROR, SECRET_ERROR_IS_LOCKED))
		return report_locked(what);
	if (err && (g_error_matches(err, G_DBUS_ERROR,
					 G_DBUS_ERROR_SERVICE_UNKNOWN) ||
			 g_error_matches(err, G_DBUS_ERROR,
					 G_DBUS_ERROR_NAME_HAS_NO_OWNER)))
		tp_error("cannot %s: no Secret Service on the session bus "
			 "(%s); start gnome-keyring-daemon or another Secret "
			 "Service provider", what, msg);
	else if (err && g_error_matches(err, G_DBUS_ERROR,
					G_DBUS_ERROR_UNKNOWN_METHOD) &&
		 strstr(msg, "/collection/"))
		tp_error("cannot %s: the default keyring does not exist "
			 "(%s); create one in Seahorse, or start "
			 "gnome-keyring-daemon with --unlock", what, msg);
	else
		tp_error("cannot %s: %s; run 'tokenpass doctor'", what, msg);
	return TP_KEYRING;
}

static int connect_service(void)
{
	GError *err = NULL;
	GDBusConnection *bus;

	if (service)
		return TP_OK;
	/*
	 * Ask for the bus first: without one, libsecret's own message talks
	 * about X11, which says nothing useful on a server.
	 */
	bus = g_bus_get_sync(G_BUS_TYPE_SESSION, NULL, &err);
	if (!bus) {
		tp_error("cannot reach the D-Bus session bus (%s); run "
			 "tokenpass inside a desktop session, or start one "
			 "with 'dbus-run-session'", err->message);
		g_error_free(err);
		return TP_KEYRING;
	}
	g_object_unref(bus);
	service = secret_service_get_sync(SECRET_SERVICE_OPEN_SESSION, NULL,
					  &err);
	if (!service) {
		int ret = report("open the keyring", err);

		g_error_free(err);
		return ret;
	}
	return TP_OK;
}

static GHashTable *attributes(const char *host, const char *user,
			      const char *dsn, const char *kind)
{
	GHashTable *h = g_hash_table_new(g_str_hash, g_str_equal);

	if (host)
		g_hash_table_insert(h, (char *)"host", (char *)host);
	if (user)
		g_hash_table_insert(h, (char *)"user", (char *)user);
	if (dsn)
		g_hash_table_insert(h, (char *)"dsn", (char *)dsn);
	if (kind)
		g_hash_table_insert(h, (char *)"kind", (char *)kind);
	return h;
}

/* Copies the secret out of libsecret's non-pageable memory into rec. */
static int decode(SecretValue *value, struct record *rec, const char **why)
{
	const char *json = secret_value_get_text(value);

	if (!json) {
		*why = "stored secret is not text";
		return -1;
	}
	return record_from_json(json, rec, why);
}

/*
 * Is the default collection locked? One that has stayed locked since the
 * daemon started shows its items only under hashed attributes, which a
 * search for our schema does not match: a miss proves nothing then.
 */
static int default_locked(void)
{
	SecretCollection *col;
	int locked;

	col = secret_collection_for_alias_sync(service,
					       SECRET_COLLECTION_DEFAULT,
					       SECRET_COLLECTION_NONE, NULL,
					       NULL);
	if (!col)
		return 0;
	locked = secret_collection_get_locked(col);
	g_object_unref(col);
	return locked;
}

/*
 * The unlocked item matching attrs, its secret loaded, or NULL (*locked
 * set when only locked ones match). A search, never a lookup: libsecret's
 * lookup asks to unlock a locked collection, and a prompt that nobody can
 * answer would hang get and the ODBC hook. Only 'tokenpass unlock' asks.
 */
static SecretItem *find_item(GHashTable *attrs, int *locked, GError **err)
{
	GList *items, *l;
	SecretItem *found = NULL;

	items = secret_service_search_sync(service, &schema, attrs,
					   SECRET_SEARCH_ALL |
					   SECRET_SEARCH_LOAD_SECRETS,
					   NULL, err);
	for (l = items; l && !found; l = l->next) {
		if (secret_item_get_locked(l->data))
			*locked = 1;
		else
			found = g_object_ref(l->data);
	}
	g_list_free_full(items, g_object_unref);
	return found;
}

int keyring_lookup_first(const char *host, const char *user,
			 const char *const *dsns, size_t n, struct record *rec,
			 size_t *which)
{
	GHashTable *attrs = NULL;
	SecretItem *item = NULL;
	SecretValue *value = NULL;
	GError *err = NULL;
	const char *why;
	size_t i;
	int ret, locked = 0;

	ret = connect_service();
	if (ret)
		goto out;
	for (i = 0; i < n && !item && !locked; i++) {
		if (attrs)
			g_hash_table_unref(attrs);
		attrs = attributes(host, user, dsns[i] ? dsns[i] : "", NULL);
		item = find_item(attrs, &locked, &err);
		if (err) {
			ret = report("read the keyring", err);
			goto out;
		}
	}
	/*
	 * A collection locked since the daemon started shows its items only
	 * under hashed attributes: a miss on every key proves nothing then.
	 */
	if (!item) {
		ret = locked || default_locked() ?
		      report_locked("read the credential") : TP_NOT_FOUND;
		goto out;
	}
	value = secret_item_get_secret(item);
	if (!value) {
		ret = report_locked("read the credential");
		goto out;
	}
	if (decode(value, rec, &why)) {
		tp_error("cannot read the credential for '%s@%s': %s; "
			 "remove it with 'tokenpass remove' and store it again",
			 user, host, why);
		ret = TP_ERROR;
		goto out;
	}
	if (which)
		*which = i - 1;
	ret = TP_OK;
out:
	if (err)
		g_error_free(err);
	if (value)
		secret_value_unref(value);
	if (item)
		g_object_unref(item);
	if (attrs)
		g_hash_table_unref(attrs);
	return ret;
}

int keyring_lookup(const char *host, const char *user, const char *dsn,
		   struct record *rec)
{
	return keyring_lookup_first(host, user, &dsn, 1, rec, NULL);
}

static char *attr_dup(GHashTable *h, const char *key)
{
	const char *v = h ? g_hash_table_lookup(h, key) : NULL;

	return xstrdup(v ? v : "");
}

static void add_item(struct keyring_list *list, SecretItem *si)
{
	GHashTable *h = secret_item_get_attributes(si);
	struct keyring_item *it;
	SecretValue *value;
	gchar *label;
	const char *why;

	if (list->nr == list->alloc) {
		list->alloc = list->alloc ? 2 * list->alloc : 8;
		list->items = xrealloc(list->items,
				       list->alloc * sizeof(*list->items));
	}
	it = &list->items[list->nr++];
	memset(it, 0, sizeof(*it));
	it->rec = (struct record)RECORD_INIT;
	it->host = attr_dup(h, "host");
	it->user = attr_dup(h, "user");
	it->dsn = attr_dup(h, "dsn");
	label = secret_item_get_label(si);
	it->label = xstrdup(label ? label : "");
	g_free(label);
	if (h)
		g_hash_table_unref(h);

	value = secret_item_get_locked(si) ? NULL : secret_item_get_secret(si);
	if (!value)
		it->locked = 1;
	else if (decode(value, &it->rec, &why))
		it->damaged = 1;
	if (value)
		secret_value_unref(value);
}

static int by_key(const void *a, const void *b)
{
	const struct keyring_item *x = a, *y = b;
	int c = strcmp(x->host, y->host);

	if (!c)
		c = strcmp(x->user, y->user);
	if (!c)
		c = strcmp(x->dsn, y->dsn);
	return c;
}

int keyring_search(const char *host, const char *user, const char *dsn,
		   struct keyring_list *list)
{
	GHashTable *attrs = NULL;
	GError *err = NULL;
	GList *items = NULL, *l;
	int ret;

	ret = connect_service();
	if (ret)
		goto out;
	attrs = attributes(host, user, dsn, NULL);
	items = secret_service_search_sync(service, &schema, attrs,
					   SECRET_SEARCH_ALL |
					   SECRET_SEARCH_LOAD_SECRETS,
					   NULL, &err);
	if (err) {
		ret = report("search the keyring", err);
		goto out;
	}
	for (l = items; l; l = l->next)
		add_item(list, l->data);
	if (!list->nr && default_locked()) {
		ret = report_locked("search the keyring");
		goto out;
	}
	if (list->nr > 1)
		qsort(list->items, list->nr, sizeof(*list->items), by_key);
	ret = TP_OK;
out:
	if (err)
		g_error_free(err);
	g_list_free_full(items, g_object_unref);
	if (attrs)
		g_hash_table_unref(attrs);
	return ret;
}

void keyring_list_release(struct keyring_list *list)
{
	size_t i;

	for (i = 0; i < list->nr; i++) {
		struct keyring_item *it = &list->items[i];

		free(it->host);
		free(it->user);
		free(it->dsn);
		free(it->label);
		record_release(&it->rec);
	}
	free(list->items);
	list->items = NULL;
	list->nr = list->alloc = 0;
}

static char *make_label(const char *host, const char *user, const char *dsn,
			enum record_kind kind)
{
	const char *k = kind == RECORD_OAUTH ? "OAuth" : "PAT";

	if (dsn && *dsn)
		return xasprintf("tokenpass: %s@%s for DSN %s (%s)",
				 user, host, dsn, k);
	return xasprintf("tokenpass: %s@%s (%s)", user, host, k);
}

static int store(const char *host, const char *user, const char *dsn,
		 const struct record *rec, int sweep)
{
	const char *kind = record_kind_name(rec->kind);
	const char *other = record_kind_name(rec->kind == RECORD_PAT ?
					     RECORD_OAUTH : RECORD_PAT);
	GHashTable *attrs = NULL;
	SecretValue *value = NULL;
	GError *err = NULL;
	char *label = NULL, *json = NULL;
	int ret;

	ret = connect_service();
	if (ret)
		goto out;
	/* storing into a locked collection would ask to unlock it */
	if (default_locked()) {
		ret = report_locked("store the credential");
		goto out;
	}
	if (!dsn)
		dsn = "";
	json = record_to_json(rec);
	/* never write what keyring_lookup would refuse as damaged */
	if (strlen(json) > RECORD_MAX_JSON) {
		tp_error("cannot store the credential for '%s@%s': it is "
			 "larger than %d KiB", user, host,
			 RECORD_MAX_JSON / 1024);
		ret = TP_ERROR;
		goto out;
	}
	/* secret_value_new copies into libsecret's non-pageable memory */
	value = secret_value_new(json, -1, "text/plain");
	attrs = attributes(host, user, dsn, kind);
	label = make_label(host, user, dsn, rec->kind);
	if (!secret_service_store_sync(service, &schema, attrs,
				       SECRET_COLLECTION_DEFAULT, label, value,
				       NULL, &err)) {
		ret = report("store the credential", err);
		goto out;
	}
	/* The new item is safe; only now drop one of the other kind. */
	if (sweep) {
		g_hash_table_replace(attrs, (char *)"kind", (char *)other);
		secret_service_clear_sync(service, &schema, attrs, NULL, NULL);
	}
	ret = TP_OK;
out:
	if (err)
		g_error_free(err);
	if (value)
		secret_value_unref(value);
	if (attrs)
		g_hash_table_unref(attrs);
	free(label);
	tp_free_secret(json);
	return ret;
}

/* a running agent reads the changed credential before we go on (agent.h) */
static int synced(int ret, const char *host, const char *user,
		  const char *dsn)
{
	if (ret == TP_OK)
		agent_client_sync_key(host, user, dsn);
	return ret;
}

int keyring_store(const char *host, const char *user, const char *dsn,
		  const struct record *rec)
{
	return synced(store(host, user, dsn, rec, 1), host, user, dsn);
}

int keyring_update(const char *host, const char *user, const char *dsn,
		   const struct record *rec)
{
	return synced(store(host, user, dsn, rec, 0), host, user, dsn);
}

int keyring_remove(const char *host, const char *user, const char *dsn)
{
	GHashTable *attrs = NULL;
	GError *err = NULL;
	int ret;

	ret = connect_service();
	if (ret)
		goto out;
	if (default_locked()) {
		ret = report_locked("remove the credential");
		goto out;
	}
	attrs = attributes(host, user, dsn ? dsn : "", NULL);
	if (secret_service_clear_sync(service, &schema, attrs, NULL, &err)) {
		ret = TP_OK;
		goto out;
	}
	if (err)
		ret = report("remove the credential", err);
	else
		ret = default_locked() ?
		      report_locked("remove the credential") : TP_NOT_FOUND;
out:
	if (err)
		g_error_free(err);
	if (attrs)
		g_hash_table_unref(attrs);
	return synced(ret, host, user, dsn);
}

static gpointer cancel_later(gpointer data)
{
	struct { GCancellable *c; gint64 until; } *t = data;

	while (g_get_monotonic_time() < t->until &&
	       !g_cancellable_is_cancelled(t->c))
		g_usleep(100000);
	g_cancellable_cancel(t->c);
	return NULL;
}

int keyring_unlock(long seconds)
{
	struct { GCancellable *c; gint64 until; } t;
	SecretCollection *col = NULL;
	GList *objects = NULL, *unlocked = NULL;
	GThread *timer = NULL;
	GError *err = NULL;
	int ret;

	ret = connect_service();
	if (ret)
		return ret;
	col = secret_collection_for_alias_sync(service,
					       SECRET_COLLECTION_DEFAULT,
					       SECRET_COLLECTION_NONE, NULL,
					       &err);
	if (!col) {
		ret = report("find the default keyring", err);
		goto out;
	}
	if (!secret_collection_get_locked(col)) {
		ret = TP_OK;
		goto out;
	}
	/* the prompt is the Secret Service's; we only bound the wait */
	t.c = g_cancellable_new();
	t.until = g_get_monotonic_time() + (gint64)seconds * G_USEC_PER_SEC;
	timer = g_thread_new("unlock-timer", cancel_later, &t);
	objects = g_list_append(NULL, col);
	secret_service_unlock_sync(service, objects, t.c, &unlocked, &err);
	g_cancellable_cancel(t.c);
	g_thread_join(timer);
	if (err && g_error_matches(err, G_IO_ERROR, G_IO_ERROR_CANCELLED)) {
		tp_error("cannot unlock the keyring: nobody answered the "
			 "prompt within %ld s", seconds);
		ret = TP_KEYRING;
	} else if (err) {
		ret = report("unlock the keyring", err);
	} else if (!unlocked) {
		tp_error("the keyring stays locked: the prompt was dismissed");
		ret = TP_KEYRING;
	} else {
		ret = TP_OK;
	}
	g_object_unref(t.c);
out:
	if (err)
		g_error_free(err);
	g_list_free_full(unlocked, g_object_unref);
	g_list_free(objects);
	if (col)
		g_object_unref(col);
	return ret;
}

void keyring_reset(void)
{
	if (service)
		g_object_unref(service);
	service = NULL;
	secret_service_disconnect();
}
