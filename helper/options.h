/*
 * The one option parser of the commands. Every option of every command
 * is named once here (tp_options); each command's entry in main.c's
 * table lists which of them it takes and how many operands, and main.c
 * parses argv against that entry before the command runs. So a command
 * accepts exactly what its table entry lists, and --help and the
 * completion (which reads --help) come from the same table.
 */
#ifndef OPTIONS_H
#define OPTIONS_H

enum tp_opt {
	OPT_HOST, OPT_USER, OPT_DSN, OPT_EXPIRES, OPT_DAYS, OPT_NAME,
	OPT_ADMIN, OPT_CLIENT_ID, OPT_ROLE, OPT_SCOPE, OPT_AUTHORIZE_URL,
	OPT_TOKEN_URL, OPT_PORT, OPT_NO_BROWSER, OPT_GRANT, OPT_REFRESH_DAYS,
	OPT_ALL, OPT_FORCE, OPT_EXPIRE_AFTER_HOURS, OPT_JSON, OPT_WARN_DAYS,
	OPT_NOTIFY, OPT_USER_FILE, OPT_SYSTEM_FILE, OPT_HOOK,
	OPT_FOREGROUND, OPT_IDLE_TIMEOUT, OPT_HEADLESS, OPT_ROOT,
	OPT_END			/* ends a command's list; the count */
};

#define TP_OPERANDS_MAX 8

/* --name, taking a value shown as metavar ("H"), or a flag (NULL). */
struct tp_option {
	const char *name;
	const char *metavar;
};

extern const struct tp_option tp_options[OPT_END];

/*
 * What was given: val[OPT_x] the value, "" for a flag, NULL if absent;
 * the operands in order.
 */
struct tp_args {
	const char *cmd;
	const char *val[OPT_END];
	char *operands[TP_OPERANDS_MAX];
	int nr;
};

/*
 * Parse argv[1..argc) into *a, taking only the options in allowed (ended
 * by OPT_END): "--name value", "--name=value", a repeated option's last
 * value, "--" before operands; at most max_operands operands (< 0: up to
 * TP_OPERANDS_MAX). Returns 0, or -1 after usage_error(), which never
 * shows an option's value (one that is not ours may carry a secret).
 */
int tp_parse_options(const char *cmd, const enum tp_opt *allowed,
		     int max_operands, int argc, char **argv,
		     struct tp_args *a);

#endif
