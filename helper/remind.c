/*
 * The reminder command of the user's configuration (remind.h).
 */
#include "helper/remind.h"
#include "helper/run.h"
#include "helper/tokenpass.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define REMIND_KEY "reminder-command"
#define REMIND_TIMEOUT 30

static char *config_path(void)
{
	const char *xdg = getenv("XDG_CONFIG_HOME");
	const char *home = getenv("HOME");

	if (xdg && *xdg == '/')
		return xasprintf("%s/tokenpass/config", xdg);
	if (home && *home == '/')
		return xasprintf("%s/.config/tokenpass/config", home);
	return NULL;
}

static char *trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

/* The value of REMIND_KEY in the configuration, a new string, or NULL. */
static char *reminder_command(void)
{
	char *path = config_path(), *cmd = NULL, line[4096];
	FILE *f = path ? fopen(path, "r") : NULL;

	while (f && fgets(line, sizeof(line), f)) {
		char *eq = strchr(line, '='), *key;

		if (!eq || *trim(line) == '#')
			continue;
		*eq = '\0';
		key = trim(line);
		if (!strcmp(key, REMIND_KEY)) {
			free(cmd);
			cmd = xstrdup(trim(eq + 1));
		}
	}
	if (f)
		fclose(f);
	free(path);
	if (cmd && !*cmd) {
		free(cmd);
		cmd = NULL;
	}
	return cmd;
}

int remind_run(const char *text)
{
	char *cmd = reminder_command();
	char *argv[] = { (char *)"/bin/sh", (char *)"-c", cmd, NULL };
	int rc, ret = 0;

	if (!cmd)
		return 0;
	rc = tp_run_quiet(argv, text, strlen(text), REMIND_TIMEOUT);
	if (rc) {
		tp_warn("check: the reminder command '%s' failed (%s %d)", cmd,
			rc < 0 ? "status" : "exit", rc);
		ret = -1;
	}
	free(cmd);
	return ret;
}
