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
#include "helper/lifecycle.h"
#include "helper/remind.h"
#include "helper/tokenpass.h"

#include <getopt.h>
#include <gio/gio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHECK_WARN_DAYS 7
/* How long a notification server gets to answer, in milliseconds. */
#define NOTIFY_TIMEOUT_MS 5000

/* Exit codes of check (SPEC.md), its own. */
enum {
	CHECK_OK = 0,
	CHECK_SOON = 1,
	CHECK_DEAD = 2
};

static void add_arg(char **cmd, const char *opt, const char *val)
{
	char *next;

	if (!val || !*val)
		return;
	/* quote only what a shell would split */
	if (strpbrk(val, " \t'\"$`\\;&|<>()*?[]#~"))
		next = xasprintf("%s %s '%s'", *cmd, opt, val);
	else
		next = xasprintf("%s %s %s", *cmd, opt, val);
	free(*cmd);
	*cmd = next;
}

char *cred_fix(const struct keyring_item *it, enum cred_state st)
{
	const struct record *r = &it->rec;
	char *cmd;

	if (st == CRED_LOCKED)
		return xstrdup("unlock the keyring (log in to the desktop "
			       "session, or open Seahorse)");
	if (st == CRED_DAMAGED) {
		cmd = xstrdup("tokenpass remove");
		add_arg(&cmd, "--host", it->host);
		add_arg(&cmd, "--user", it->user);
		add_arg(&cmd, "--dsn", it->dsn);
		return cmd;
	}
	if (r->kind == RECORD_OAUTH)
		return lifecycle_login_hint(it->host, it->user, it->dsn, r);
	/* A PAT: rotated by its admin while it lives, replaced once dead. */
	if (r->admin && st != CRED_EXPIRED) {
		cmd = xstrdup("tokenpass rotate");
		add_arg(&cmd, "--host", it->host);
		add_arg(&cmd, "--user", it->user);
		add_arg(&cmd, "--admin", r->admin);
	} else {
		cmd = xstrdup("tokenpass add-pat");
		add_arg(&cmd, "--host", it->host);
		add_arg(&cmd, "--user", it->user);
		add_arg(&cmd, "--name", r->pat_name);
	}
	add_arg(&cmd, "--dsn", it->dsn);
	return cmd;
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

int cmd_check(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "warn-days", required_argument, NULL, 'w' },
		{ "notify", no_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 }
	};
	struct keyring_list list = KEYRING_LIST_INIT;
	GDBusConnection *bus = NULL;
	unsigned long long days = CHECK_WARN_DAYS;
	int notify_on = 0, ret = TP_USAGE, opt, bus_tried = 0, journal;
	char *reminders = NULL;
	time_t now = tp_now();
	size_t i;

	opterr = 0;
	optind = 1;
	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (opt) {
		case 'w':
			if (tp_parse_ulong(optarg, 3650, &days)) {
				usage_error("check", "check: --warn-days '%s' "
					    "is not a number of days", optarg);
				goto out;
			}
			break;
		case 'n':
			notify_on = 1;
			break;
		default:
			usage_error("check", "check: unknown option '%s'",
				    argv[optind - 1]);
			goto out;
		}
	}
	if (optind < argc) {
		usage_error("check", "check: unexpected argument '%s'",
			    argv[optind]);
		goto out;
	}
	ret = keyring_search(NULL, NULL, NULL, &list);
	if (ret)
		goto out;
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
		if (notify_on && !bus_tried) {
			bus = notify_bus();
			bus_tried = 1;
		}
		if (bus) {
			summary = xasprintf("tokenpass: %s for %s",
					    cred_state_name(st), name);
			body = xasprintf("%s; run: %s", what, fix);
			if (notify(bus, summary, body, dead ? 2 : 1)) {
				g_object_unref(bus);
				bus = NULL;
			}
			free(summary);
			free(body);
		}
		free(name);
		free(what);
		free(fix);
	}
	agent_client_report(stdout, "", 1);
	if (fflush(stdout)) {
		tp_error("check: cannot write the report");
		ret = TP_ERROR;
	}
	if (reminders)
		remind_run(reminders);
out:
	free(reminders);
	if (bus)
		g_object_unref(bus);
	keyring_list_release(&list);
	return ret;
}
