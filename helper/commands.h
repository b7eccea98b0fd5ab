/*
 * The commands of the tokenpass executable. main.c dispatches through one
 * table and prints --help from the same table. Each command takes argc and
 * argv with argv[0] its own name and returns an exit code of SPEC.md.
 */
#ifndef COMMANDS_H
#define COMMANDS_H

int cmd_get(int argc, char **argv);
int cmd_store(int argc, char **argv);
int cmd_erase(int argc, char **argv);
int cmd_capability(int argc, char **argv);
int cmd_add_pat(int argc, char **argv);
int cmd_list(int argc, char **argv);
int cmd_remove(int argc, char **argv);
int cmd_login(int argc, char **argv);
int cmd_refresh(int argc, char **argv);
int cmd_rotate(int argc, char **argv);

/* The usage line of a command, for its own option errors. */
void usage_error(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * Lower-case a host name in place and check it: no white space, no control
 * characters, not empty. Returns 0 or -1.
 */
int tp_normalize_host(char *host);

#endif
