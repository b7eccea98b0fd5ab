/*
 * check: for cron, timers and monitoring. Silent and exit 0 when every
 * credential is fine; otherwise one line per problem on stdout naming the
 * credential and the command that fixes it, exit 1 when something ends
 * within the warning and 2 when something already needs a person. With
 * --notify the same problems become desktop notifications, and go to the
 * reminder command of the configuration (remind.h).
 */
#include "helper/agent.h"
#include "helper/commands.h"
#include "helper/keyring.h"
#include "helper/status.h"
#include "helper/lifecycle.h"
#include "helper/remind.h"
#include "helper/tokenpass.h"

#include <gio/gio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHECK_WARN_DAYS 7
/* How long a notification server gets to answer, in milliseconds. */
#define NOTIFY_TIMEOUT_MS 5000

/* A reminder that still holds is raised again after this long. */
#define NOTIFY_AGAIN (24L * 3600)

/*
 * Exit codes of check (SPEC.md), its own; bad usage is EX_USAGE, apart
 * from CHECK_DEAD, so that a monitor never takes a typo for a dead
 * credential. 3 (keyring unavailable) is as everywhere else.
 */
enum {
	CHECK_OK = 0,
	CHECK_SOON = 1,
	CHECK_DEAD = 2,
	CHECK_USAGE = 64
};

/*
 * What check --notify has said, so that a timer running it every 15
 * minutes raises a reminder once per credential and state (and again
 * daily while it lasts): $XDG_STATE_HOME/tokenpass/notified, else
 * ~/.local/state/tokenpass/notified, one line per credential:
 * "<time> <state> <host> <user> <dsn>" with the names percent-free
 * tokens (host, user and DSN cannot hold white space or '%' here: any
 * such byte is written %XX).
 */
struct notified {
	char **lines;
	size_t nr, alloc;
	char *path;
};

static char *notified_path(void)
{
	const char *st = getenv("XDG_STATE_HOME");
	const char *home = getenv("HOME");

	if (st && *st == '/')
		return xasprintf("%s/tokenpass/notified", st);
	if (home && *home == '/')
		return xasprintf("%s/.local/state/tokenpass/notified", home);
	return NULL;
}

static void escape_into(char **out, const char *s)
{
	char *next;

	for (; *s; s++) {
		if ((unsigned char)*s <= ' ' || *s == '%' || *s == 0x7f)
			next = xasprintf("%s%%%02X", *out, (unsigned char)*s);
		else
			next = xasprintf("%s%c", *out, *s);
		free(*out);
		*out = next;
	}
}

/* "<state> <host> <user> <dsn>": the key and state of one reminder */
static char *notified_key(const struct keyring_item *it, enum cred_state st)
{
	char *k = xasprintf("%d ", (int)st);
	char *next;

	escape_into(&k, it->host);
	next = xasprintf("%s ", k);
	free(k);
	k = next;
	escape_into(&k, it->user);
	next = xasprintf("%s ", k);
	free(k);
	k = next;
	escape_into(&k, it->dsn);
	next = xasprintf("%s .", k);	/* an empty DSN is still a field */
	free(k);
	return next;
}

static void notified_load(struct notified *n)
{
	char line[4096];
	FILE *f;

	n->path = notified_path();
	f = n->path ? fopen(n->path, "re") : NULL;
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if (n->nr == n->alloc) {
			n->alloc = n->alloc ? 2 * n->alloc : 8;
			n->lines = xrealloc(n->lines,
					    n->alloc * sizeof(*n->lines));
		}
		n->lines[n->nr++] = xstrdup(line);
	}
	fclose(f);
}

/*
 * Was this reminder (key) raised less than NOTIFY_AGAIN ago? Lines of the
 * same credential in another state no longer count.
 */
static int notified_recently(const struct notified *n, const char *key,
			     time_t now)
{
	unsigned long long t;
	size_t i;

	for (i = 0; i < n->nr; i++) {
		const char *sp = strchr(n->lines[i], ' ');
		char *stamp;
		int hit;

		if (!sp || strcmp(sp + 1, key))
			continue;
		stamp = xstrndup(n->lines[i], (size_t)(sp - n->lines[i]));
		hit = !tp_parse_ulong(stamp, (unsigned long long)now, &t) &&
		      now - (time_t)t < NOTIFY_AGAIN;
		free(stamp);
		if (hit)
			return 1;
	}
	return 0;
}

/* Keep only the reminders of this run (in keys, with their times). */
static void notified_save(struct notified *n, char **keep, size_t nr)
{
	char *tmp, *slash;
	size_t i;
	FILE *f;

	if (!n->path)
		return;
	tmp = xasprintf("%s.tmp", n->path);
	slash = strrchr(tmp, '/');
	*slash = '\0';
	tp_mkdir_p(tmp, 0700);
	*slash = '/';
	f = fopen(tmp, "we");
	if (!f) {
		tp_warn("check: cannot keep what was notified in '%s'",
			n->path);
		free(tmp);
		return;
	}
	for (i = 0; i < nr; i++)
		fprintf(f, "%s\n", keep[i]);
	if (fclose(f) || rename(tmp, n->path))
		tp_warn("check: cannot keep what was notified in '%s'",
			n->path);
	free(tmp);
}

static void notified_release(struct notified *n)
{
	size_t i;

	for (i = 0; i < n->nr; i++)
		free(n->lines[i]);
	free(n->lines);
	free(n->path);
}

/* "'U@H'" or "'U@H' (DSN 'D')": a new string. */
static char *who(const struct keyring_item *it)
{
	if (*it->dsn)
		return xasprintf("'%s@%s' (DSN '%s')", it->user, it->host,
				 it->dsn);
	return xasprintf("'%s@%s'", it->user, it->host);
}

/* What is wrong, in a few words: a new string. */
static char *problem(const struct keyring_item *it, enum cred_state st,
		     time_t now)
{
	const struct record *r = &it->rec;
	char when[32], left[32];

	switch (st) {
	case CRED_EXPIRED:
		return xasprintf("the PAT expired %s",
				 tp_format_time(r->expires, when,
						sizeof(when)));
	case CRED_DAMAGED:
		return xstrdup("the stored credential is damaged");
	case CRED_LOCKED:
		return xstrdup("the keyring is locked");
	case CRED_SIGN_IN:
		if (r->needs_login)
			return xstrdup("the refresh token was refused");
		if (r->refresh_expires && r->refresh_expires <= now)
			return xasprintf("the refresh token expired %s",
					 tp_format_time(r->refresh_expires,
							when, sizeof(when)));
		return xstrdup("the access token expired and there is no "
			       "refresh token");
	case CRED_RENEW_SOON:
		if (r->kind == RECORD_OAUTH)
			return xasprintf("the refresh token expires %s (in "
					 "%s)",
					 tp_format_time(r->refresh_expires,
							when, sizeof(when)),
					 cred_time_left(r->refresh_expires,
							now, left,
							sizeof(left)));
		return xasprintf("the PAT expires %s (in %s)",
				 tp_format_time(r->expires, when,
						sizeof(when)),
				 cred_time_left(r->expires, now, left,
						sizeof(left)));
	case CRED_OK:
		break;
	}
	return xstrdup("fine");
}

/*
 * Raise one notification through org.freedesktop.Notifications. Returns
 * 0, or -1 after a warning (no server is not an error of check's).
 */
static int notify(GDBusConnection *bus, const char *summary,
		  const char *body, unsigned char urgency)
{
	GVariantBuilder actions, hints;
	GVariant *res;
	GError *err = NULL;

	g_variant_builder_init(&actions, G_VARIANT_TYPE("as"));
	g_variant_builder_init(&hints, G_VARIANT_TYPE("a{sv}"));
	g_variant_builder_add(&hints, "{sv}", "urgency",
			      g_variant_new_byte(urgency));
	res = g_dbus_connection_call_sync(bus,
		"org.freedesktop.Notifications",
		"/org/freedesktop/Notifications",
		"org.freedesktop.Notifications", "Notify",
		g_variant_new("(susssasa{sv}i)", "tokenpass", 0u, "",
			      summary, body, &actions, &hints, -1),
		G_VARIANT_TYPE("(u)"), G_DBUS_CALL_FLAGS_NONE,
		NOTIFY_TIMEOUT_MS, NULL, &err);
	if (!res) {
		tp_warn("check: cannot show a desktop notification (%s); the "
			"problems are on standard output", err->message);
		g_error_free(err);
		return -1;
	}
	g_variant_unref(res);
	return 0;
}

static GDBusConnection *notify_bus(void)
{
	GError *err = NULL;
	GDBusConnection *bus = g_bus_get_sync(G_BUS_TYPE_SESSION, NULL, &err);

	if (!bus) {
		tp_warn("check: cannot show a desktop notification: no "
			"session bus (%s); the problems are on standard "
			"output", err->message);
		g_error_free(err);
	}
	return bus;
}

int cmd_check(const struct tp_args *a)
{
	struct keyring_list list = KEYRING_LIST_INIT;
	struct notified seen = { NULL, 0, 0, NULL };
	char **keep = NULL;
	size_t kept = 0;
	GDBusConnection *bus = NULL;
	unsigned long long days = CHECK_WARN_DAYS;
	int notify_on = !!a->val[OPT_NOTIFY], ret = CHECK_USAGE;
	int bus_tried = 0, journal;
	char *reminders = NULL;
	time_t now = tp_now();
	size_t i;

	if (a->val[OPT_WARN_DAYS] &&
	    tp_parse_ulong(a->val[OPT_WARN_DAYS], 3650, &days)) {
		usage_error("check", "check: --warn-days '%s' is not a "
			    "number of days", a->val[OPT_WARN_DAYS]);
		goto out;
	}
	ret = keyring_search(NULL, NULL, NULL, &list);
	if (ret)
		goto out;
	if (notify_on) {
		notified_load(&seen);
		keep = xcalloc(list.nr, sizeof(*keep));
	}
	for (i = 0; i < list.nr; i++) {
		if (list.items[i].locked) {
			tp_error("check: cannot read '%s@%s': the keyring is "
				 "locked; unlock it (log in to the desktop "
				 "session, or open Seahorse) and try again",
				 list.items[i].user, list.items[i].host);
			ret = TP_KEYRING;
			goto out;
		}
	}
	ret = CHECK_OK;
	journal = tp_journal_stream(1);
	for (i = 0; i < list.nr; i++) {
		const struct keyring_item *it = &list.items[i];
		enum cred_state st = cred_state(it, now,
						(long)days * 86400);
		int dead = st != CRED_OK && st != CRED_RENEW_SOON;
		char *name, *what, *fix, *summary, *body;

		if (st == CRED_OK)
			continue;
		name = who(it);
		what = problem(it, st, now);
		fix = cred_fix(it, st);
		/* a reminder in the journal: warning, or error once dead */
		if (journal)
			printf("<%d>", dead ? 3 : 4);
		printf("%s: %s: %s; run '%s'\n", cred_state_name(st), name,
		       what, fix);
		if (notify_on) {
			char *r = xasprintf("%s%s: %s: %s; run '%s'\n",
					    reminders ? reminders : "",
					    cred_state_name(st), name, what,
					    fix);

			free(reminders);
			reminders = r;
		}
		if (dead)
			ret = CHECK_DEAD;
		else if (ret == CHECK_OK)
			ret = CHECK_SOON;
		if (notify_on) {
			char *key = notified_key(it, st);

			if (notified_recently(&seen, key, now)) {
				/* said already: keep its time */
				size_t j;

				for (j = 0; j < seen.nr; j++)
					if (strchr(seen.lines[j], ' ') &&
					    !strcmp(strchr(seen.lines[j],
							   ' ') + 1, key))
						break;
				keep[kept++] = xstrdup(seen.lines[j]);
				free(key);
				key = NULL;
			}
			if (key && !bus_tried) {
				bus = notify_bus();
				bus_tried = 1;
			}
			if (key && bus) {
				summary = xasprintf("tokenpass: %s for %s",
						    cred_state_name(st), name);
				body = xasprintf("%s; run: %s", what, fix);
				if (notify(bus, summary, body,
					   dead ? 2 : 1)) {
					g_object_unref(bus);
					bus = NULL;
				} else {
					keep[kept++] = xasprintf(
						"%lld %s", (long long)now,
						key);
				}
				free(summary);
				free(body);
			}
			free(key);
		}
		free(name);
		free(what);
		free(fix);
	}
	if (notify_on)
		notified_save(&seen, keep, kept);
	/* all fine stays silent (cron mails any output): no agent state */
	if (ret != CHECK_OK)
		agent_client_report(stdout, "", 1);
	if (fflush(stdout)) {
		tp_error("check: cannot write the report");
		ret = TP_ERROR;
	}
	if (reminders)
		remind_run(reminders);
out:
	while (kept)
		free(keep[--kept]);
	free(keep);
	notified_release(&seen);
	free(reminders);
	if (bus)
		g_object_unref(bus);
	keyring_list_release(&list);
	return ret;
}
