/*
 * tokenpass: the command table, usage and dispatch.
 */
#include "config.h"
#include "helper/agent.h"
#include "helper/commands.h"
#include "helper/headless.h"
#include "helper/lifecycle.h"
#include "helper/record.h"
#include "helper/rotate.h"
#include "helper/secmem.h"
#include "helper/tokenpass.h"

#include <ctype.h>
#include <libgen.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

struct command {
	const char *name;
	int (*fn)(const struct tp_args *a);
	const enum tp_opt *opts;	/* what it takes, OPT_END-ended */
	int operands;		/* at most this many; < 0: any (git's) */
	int usage_exit;		/* bad usage exits this (0: TP_USAGE) */
	const char *args;	/* the synopsis --help shows */
	const char *help;	/* NULL: hidden */
};

#define OPTS(...) ((const enum tp_opt[]){ __VA_ARGS__, OPT_END })
#define NO_OPTS ((const enum tp_opt[]){ OPT_END })

static const struct command commands[] = {
	{ "get", cmd_get, NO_OPTS, -1, 0, "",
	  "git credential protocol: print the current token" },
	{ "store", cmd_store, NO_OPTS, -1, 0, "",
	  "git credential protocol: keep a credential" },
	{ "erase", cmd_erase, NO_OPTS, -1, 0, "",
	  "git credential protocol: forget a credential" },
	{ "add-pat", cmd_add_pat,
	  OPTS(OPT_HOST, OPT_USER, OPT_EXPIRES, OPT_DAYS, OPT_NAME, OPT_DSN,
	       OPT_ADMIN), 0, 0,
	  "--host H --user U [--expires YYYY-MM-DD | --days N] "
	  "[--name PATNAME] [--dsn DSN] [--admin ADMINUSER]",
	  "store a programmatic access token read from standard input "
	  "(--admin: who rotates it)" },
	{ "login", cmd_login,
	  OPTS(OPT_HOST, OPT_USER, OPT_CLIENT_ID, OPT_ROLE, OPT_SCOPE,
	       OPT_AUTHORIZE_URL, OPT_TOKEN_URL, OPT_PORT, OPT_NO_BROWSER,
	       OPT_DSN, OPT_REFRESH_DAYS, OPT_GRANT), 0, 0,
	  "--host H --user U [--client-id ID] [--role R] [--scope S] "
	  "[--authorize-url URL] [--token-url URL] [--port P] [--no-browser] "
	  "[--dsn DSN] [--refresh-days N] "
	  "[--grant authorization-code | client-credentials]",
	  "OAuth sign-in (PKCE, loopback redirect; the client secret is read "
	  "from standard input)" },
	{ "refresh", cmd_refresh,
	  OPTS(OPT_HOST, OPT_USER, OPT_DSN, OPT_ALL, OPT_FORCE), 0, 0,
	  "[--host H --user U [--dsn DSN] | --all] [--force]",
	  "renew what is near expiry (OAuth refresh, PAT rotation)" },
	{ "rotate", cmd_rotate,
	  OPTS(OPT_HOST, OPT_USER, OPT_ADMIN, OPT_DSN,
	       OPT_EXPIRE_AFTER_HOURS, OPT_DAYS), 0, 0,
	  "--host H --user U --admin ADMINUSER [--dsn DSN] "
	  "[--expire-after-hours N] [--days N]",
	  "rotate a Snowflake PAT through the SQL API as ADMINUSER (OAuth)" },
	{ "list", cmd_list, OPTS(OPT_JSON), 0, 0, "[--json]",
	  "show every credential, its expiry and status (never a secret)" },
	{ "remove", cmd_remove, OPTS(OPT_HOST, OPT_USER, OPT_DSN), 0, 0,
	  "--host H --user U [--dsn DSN]",
	  "delete a credential" },
	{ "check", cmd_check, OPTS(OPT_WARN_DAYS, OPT_NOTIFY), 0, 64,
	  "[--warn-days N] [--notify]",
	  "for cron: exit 1 if something ends within N days (7), 2 if "
	  "it did, 3 keyring unavailable, 64 bad usage; --notify: a "
	  "desktop notification, once per credential and state (daily)" },
	{ "schedule", cmd_schedule, NO_OPTS, 1, 0, "[15m | 30m | 1h | off]",
	  "how often the systemd user timer renews (no argument: show it)" },
	{ "doctor", cmd_doctor, OPTS(OPT_DSN), 0, 0, "[--dsn DSN]",
	  "diagnose the session bus, keyring, credentials and a DSN" },
	{ "driver", cmd_driver,
	  OPTS(OPT_NAME, OPT_USER_FILE, OPT_SYSTEM_FILE, OPT_HOOK), 2, 0,
	  "add TARGET [--name NAME] [--user | --system] [--hook PATH] | "
	  "list [--user | --system] | remove NAME [--user | --system]",
	  "odbcinst.ini entries that put tokenpass in front of a real driver "
	  "(DSN-less DRIVER={NAME})" },
	{ "unlock", cmd_unlock, NO_OPTS, 0, 0, "",
	  "unlock the keyring (its own prompt; the only command that asks)" },
	{ "headless", cmd_headless, OPTS(OPT_USER, OPT_ROOT), 1, 0,
	  "setup --user U [--root DIR] | status [--user U] | "
	  "remove --user U [--root DIR]",
	  "a keyring and agent for a service account with no desktop "
	  "(setup and remove as root)" },
	{ "capability", cmd_capability, NO_OPTS, -1, 0, "",
	  "git credential protocol: list the capabilities" },
	{ "agent", cmd_agent, OPTS(OPT_FOREGROUND, OPT_IDLE_TIMEOUT,
	  OPT_HEADLESS), 0, 0,
	  "[--foreground] [--idle-timeout SECONDS] [--headless]",
	  "the per-user agent: tokens in locked memory, renewed ahead of "
	  "time, answered on a socket (--headless: with its own keyring, "
	  "for a service account)" },
	/* hidden: the renewer that outlives its caller (lifecycle.h) */
	{ RENEWER_COMMAND, lifecycle_renewer, NO_OPTS, 4 + ROTATE_OPERANDS, 0,
	  NULL, NULL },
	{ NULL, NULL, NULL, 0, 0, NULL, NULL }
};

static const struct command *find(const char *name)
{
	const struct command *c;

	for (c = commands; c->name; c++)
		if (!strcmp(c->name, name))
			return c;
	return NULL;
}

static void usage(FILE *out)
{
	const struct command *c;

	fprintf(out, "usage: tokenpass <command> [<options>]\n\n");
	for (c = commands; c->name; c++)
		if (c->help)
			fprintf(out, "  tokenpass %s%s%s\n      %s\n", c->name,
			*c->args ? " " : "", c->args, c->help);
	fprintf(out, "\nExit codes: 0 ok, 1 error, 2 bad usage, "
		"3 keyring unavailable, 4 no such credential,\n"
		"5 new sign-in needed, 6 token endpoint failed.\n");
}

void usage_error(const char *cmd, const char *fmt, ...)
{
	const struct command *c = find(cmd);
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	tp_error("%s", buf);
	if (c && c->args)
		fprintf(stderr, "usage: tokenpass %s %s\n", c->name, c->args);
}

int tp_normalize_host(char *host)
{
	char *p;

	if (!*host)
		return -1;
	for (p = host; *p; p++) {
		if (isspace((unsigned char)*p) || iscntrl((unsigned char)*p) ||
		    *p == '/')
			return -1;
		*p = (char)tolower((unsigned char)*p);
	}
	/* https's default port names the same server as no port at all */
	if (p - host > 4 && !strcmp(p - 4, ":443"))
		p[-4] = '\0';
	return 0;
}

int main(int argc, char **argv)
{
	const struct command *c;
	struct tp_args args;

	secmem_init();
	record_json_hooks();
	if (argc < 2) {
		usage(stderr);
		return TP_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
	    !strcmp(argv[1], "help")) {
		usage(stdout);
		return TP_OK;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("tokenpass %s\n", PACKAGE_VERSION);
		return TP_OK;
	}
	c = find(argv[1]);
	/* a service account's processes find its headless keyring's bus */
	headless_use_bus();
	if (!c) {
		/*
		 * git may grow new operations; a helper it runs must ignore
		 * the ones it does not know (gitcredentials(7)).
		 */
		if (!strcmp(basename(argv[0]), "git-credential-tokenpass"))
			return TP_OK;
		tp_error("unknown command '%s'; see 'tokenpass --help'",
			 argv[1]);
		return TP_USAGE;
	}
	if (tp_parse_options(c->name, c->opts, c->operands, argc - 1,
			     argv + 1, &args))
		return c->usage_exit ? c->usage_exit : TP_USAGE;
	return c->fn(&args);
}
