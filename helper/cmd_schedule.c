/*
 * schedule: how often the systemd user timer renews (off, 15m, 30m, 1h).
 *
 * make install puts tokenpass-refresh.service and .timer in the user unit
 * directory; the interval lives in a drop-in that this command owns,
 * $XDG_CONFIG_HOME/systemd/user/tokenpass-refresh.timer.d/interval.conf,
 * whose first line records the setting for 'tokenpass schedule' to show.
 * The drop-in is written first, so the setting survives a user manager
 * that cannot be reached now (ssh without lingering, a container).
 */
#include "helper/commands.h"
#include "helper/run.h"
#include "helper/tokenpass.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define TIMER "tokenpass-refresh.timer"
#define HEADER "# tokenpass schedule "
/* systemctl gets this long before it is killed, in seconds. */
#define SYSTEMCTL_TIMEOUT 30

static const struct interval {
	const char *name;	/* what the user types and sees */
	const char *systemd;	/* OnUnitActiveSec=, NULL: disabled */
} intervals[] = {
	{ "off", NULL },
	{ "15m", "15min" },
	{ "30m", "30min" },
	{ "1h", "1h" },
	{ NULL, NULL }
};

/* The drop-in directory, a new string. */
static char *dropin_dir(void)
{
	const char *xdg = getenv("XDG_CONFIG_HOME");
	const char *home = getenv("HOME");

	if (xdg && *xdg == '/')
		return xasprintf("%s/systemd/user/" TIMER ".d", xdg);
	if (home && *home)
		return xasprintf("%s/.config/systemd/user/" TIMER ".d", home);
	return NULL;
}

/* Write the drop-in through a temporary file and a rename. */
static int write_dropin(const char *dir, const struct interval *iv)
{
	char *path = xasprintf("%s/interval.conf", dir);
	char *tmp = xasprintf("%s/.interval.conf.tmp", dir);
	char *d = xstrdup(dir);
	FILE *f = NULL;
	int ret = TP_ERROR;

	if (tp_mkdir_p(d, 0755)) {
		tp_error("schedule: cannot create '%s': %s", dir,
			 strerror(errno));
		goto out;
	}
	f = fopen(tmp, "w");
	if (!f) {
		tp_error("schedule: cannot write '%s': %s", tmp,
			 strerror(errno));
		goto out;
	}
	fprintf(f, HEADER "%s\n", iv->name);
	fprintf(f, "# Written by 'tokenpass schedule'; change it with "
		"'tokenpass schedule 15m|30m|1h|off'.\n[Timer]\n");
	if (iv->systemd)
		fprintf(f, "OnUnitActiveSec=\nOnUnitActiveSec=%s\n",
			iv->systemd);
	if (fclose(f)) {
		f = NULL;
		tp_error("schedule: cannot write '%s': %s", tmp,
			 strerror(errno));
		goto out;
	}
	f = NULL;
	if (rename(tmp, path)) {
		tp_error("schedule: cannot rename '%s' to '%s': %s", tmp, path,
			 strerror(errno));
		goto out;
	}
	ret = TP_OK;
out:
	if (f)
		fclose(f);
	if (ret)
		unlink(tmp);
	free(path);
	free(tmp);
	free(d);
	return ret;
}

/* Print the recorded setting, or say there is none. */
static int show(const char *dir)
{
	char *path = xasprintf("%s/interval.conf", dir);
	char line[128];
	FILE *f = fopen(path, "r");
	int ret = TP_OK;

	if (!f) {
		if (errno != ENOENT) {
			tp_error("schedule: cannot read '%s': %s", path,
				 strerror(errno));
			ret = TP_ERROR;
		} else {
			printf("not set; the timer renews every 15 minutes "
			       "once enabled ('tokenpass schedule 15m')\n");
		}
		goto out;
	}
	if (!fgets(line, sizeof(line), f) ||
	    strncmp(line, HEADER, strlen(HEADER))) {
		tp_error("schedule: '%s' was not written by tokenpass; run "
			 "'tokenpass schedule 15m|30m|1h|off' to replace it",
			 path);
		ret = TP_ERROR;
		goto out;
	}
	line[strcspn(line, "\n")] = '\0';
	printf("%s\n", line + strlen(HEADER));
out:
	if (f)
		fclose(f);
	free(path);
	return ret;
}

/*
 * Run systemctl --user with the given arguments, its output thrown away,
 * for at most SYSTEMCTL_TIMEOUT seconds. Returns its exit status, or -1.
 */
static int systemctl(const char *a1, const char *a2, const char *a3)
{
	char *argv[] = { (char *)"systemctl", (char *)"--user",
			 (char *)a1, (char *)a2, (char *)a3, NULL };

	return tp_run_quiet(argv, NULL, 0, SYSTEMCTL_TIMEOUT);
}

int cmd_schedule(const struct tp_args *a)
{
	const struct interval *iv;
	const char *verb;
	char *dir = NULL;
	int ret = TP_USAGE;

	dir = dropin_dir();
	if (!dir) {
		tp_error("schedule: neither XDG_CONFIG_HOME nor HOME is set; "
			 "set HOME and try again");
		ret = TP_ERROR;
		goto out;
	}
	if (!a->nr) {
		ret = show(dir);
		goto out;
	}
	for (iv = intervals; iv->name; iv++)
		if (!strcmp(iv->name, a->operands[0]))
			break;
	if (!iv->name) {
		usage_error("schedule", "schedule: unknown interval '%s'; "
			    "give one of 15m, 30m, 1h or off", a->operands[0]);
		goto out;
	}
	ret = write_dropin(dir, iv);
	if (ret)
		goto out;
	verb = iv->systemd ? "enable" : "disable";
	if (systemctl("daemon-reload", NULL, NULL) ||
	    systemctl(verb, "--now", TIMER)) {
		tp_error("schedule: saved '%s' in '%s/interval.conf' but "
			 "cannot reach the systemd user manager; in your "
			 "session run 'systemctl --user daemon-reload && "
			 "systemctl --user %s --now " TIMER "' (on a server "
			 "first 'loginctl enable-linger')", iv->name, dir,
			 verb);
		ret = TP_ERROR;
		goto out;
	}
	if (iv->systemd)
		printf("renewing every %s (" TIMER " enabled)\n", iv->name);
	else
		printf("scheduled renewal is off (" TIMER " disabled)\n");
	ret = TP_OK;
out:
	free(dir);
	return ret;
}
