/*
 * The commands of the tokenpass executable. main.c dispatches through one
 * table, parses each command's options from the same table (options.h)
 * and prints --help from it. Each command gets what was given and returns
 * an exit code of SPEC.md.
 */
#ifndef COMMANDS_H
#define COMMANDS_H

#include "helper/options.h"

int cmd_get(const struct tp_args *a);
int cmd_store(const struct tp_args *a);
int cmd_erase(const struct tp_args *a);
int cmd_capability(const struct tp_args *a);
int cmd_add_pat(const struct tp_args *a);
int cmd_list(const struct tp_args *a);
int cmd_remove(const struct tp_args *a);
int cmd_login(const struct tp_args *a);
int cmd_refresh(const struct tp_args *a);
int cmd_rotate(const struct tp_args *a);
int cmd_check(const struct tp_args *a);
int cmd_doctor(const struct tp_args *a);
int cmd_schedule(const struct tp_args *a);
int cmd_unlock(const struct tp_args *a);
int cmd_driver(const struct tp_args *a);
int cmd_headless(const struct tp_args *a);

/* The usage line of a command, for its own option errors. */
void usage_error(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * Lower-case a host name in place and check it: no white space, no control
 * characters, not empty. The default port (":443") is dropped, so that a
 * credential stored without a port and a request for host:443 (a DSN's
 * Port=443) meet, either way round. Returns 0 or -1.
 */
int tp_normalize_host(char *host);

#endif
