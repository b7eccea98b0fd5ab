#include "helper/commands.h"
#include "helper/options.h"
#include "helper/tokenpass.h"

#include <string.h>

const struct tp_option tp_options[OPT_END] = {
	[OPT_HOST] = { "host", "H" },
	[OPT_USER] = { "user", "U" },
	[OPT_DSN] = { "dsn", "DSN" },
	[OPT_EXPIRES] = { "expires", "YYYY-MM-DD" },
	[OPT_DAYS] = { "days", "N" },
	[OPT_NAME] = { "name", "PATNAME" },
	[OPT_ADMIN] = { "admin", "ADMINUSER" },
	[OPT_CLIENT_ID] = { "client-id", "ID" },
	[OPT_ROLE] = { "role", "R" },
	[OPT_SCOPE] = { "scope", "S" },
	[OPT_AUTHORIZE_URL] = { "authorize-url", "URL" },
	[OPT_TOKEN_URL] = { "token-url", "URL" },
	[OPT_PORT] = { "port", "P" },
	[OPT_NO_BROWSER] = { "no-browser", NULL },
	[OPT_GRANT] = { "grant", "GRANT" },
	[OPT_REFRESH_DAYS] = { "refresh-days", "N" },
	[OPT_ALL] = { "all", NULL },
	[OPT_FORCE] = { "force", NULL },
	[OPT_EXPIRE_AFTER_HOURS] = { "expire-after-hours", "N" },
	[OPT_JSON] = { "json", NULL },
	[OPT_WARN_DAYS] = { "warn-days", "N" },
	[OPT_NOTIFY] = { "notify", NULL },
	/* driver: which odbcinst.ini, and the hook library */
	[OPT_USER_FILE] = { "user", NULL },
	[OPT_SYSTEM_FILE] = { "system", NULL },
	[OPT_HOOK] = { "hook", "PATH" },
	[OPT_FOREGROUND] = { "foreground", NULL },
	[OPT_IDLE_TIMEOUT] = { "idle-timeout", "SECONDS" },
	[OPT_HEADLESS] = { "headless", NULL },
	[OPT_ROOT] = { "root", "DIR" },
};

static int find(const enum tp_opt *allowed, const char *name, size_t len)
{
	const enum tp_opt *o;

	for (o = allowed; o && *o != OPT_END; o++)
		if (strlen(tp_options[*o].name) == len &&
		    !strncmp(tp_options[*o].name, name, len))
			return (int)*o;
	return -1;
}

int tp_parse_options(const char *cmd, const enum tp_opt *allowed,
		     int max_operands, int argc, char **argv,
		     struct tp_args *a)
{
	int i, k, only_operands = 0;

	memset(a, 0, sizeof(*a));
	a->cmd = cmd;
	for (i = 1; i < argc; i++) {
		const char *arg = argv[i], *eq;
		size_t len;

		if (!only_operands && !strcmp(arg, "--")) {
			only_operands = 1;
			continue;
		}
		if (only_operands || arg[0] != '-' || !arg[1]) {
			if (a->nr >= (max_operands < 0 ? TP_OPERANDS_MAX :
				      max_operands)) {
				usage_error(cmd, "%s: unexpected argument "
					    "'%s'", cmd, arg);
				return -1;
			}
			a->operands[a->nr++] = argv[i];
			continue;
		}
		eq = strchr(arg, '=');
		len = eq ? (size_t)(eq - arg) : strlen(arg);
		k = arg[1] == '-' ? find(allowed, arg + 2, len - 2) : -1;
		if (k < 0) {
			usage_error(cmd, "%s: unknown option '%.*s'", cmd,
				    (int)len, arg);
			return -1;
		}
		if (!tp_options[k].metavar) {
			if (eq) {
				usage_error(cmd, "%s: --%s takes no value",
					    cmd, tp_options[k].name);
				return -1;
			}
			a->val[k] = "";
		} else if (eq) {
			a->val[k] = eq + 1;
		} else if (i + 1 < argc) {
			a->val[k] = argv[++i];
		} else {
			usage_error(cmd, "%s: --%s needs a value (%s)", cmd,
				    tp_options[k].name, tp_options[k].metavar);
			return -1;
		}
	}
	return 0;
}
