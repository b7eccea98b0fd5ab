/*
 * The commands of the tokenpass executable. main.c dispatches through one
 * table and prints --help from the same table. Each command takes argc and
 * argv with argv[0] its own name and returns an exit code of SPEC.md.
 */
#ifndef COMMANDS_H
#define COMMANDS_H

#include <time.h>

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
int cmd_check(int argc, char **argv);
int cmd_doctor(int argc, char **argv);
int cmd_schedule(int argc, char **argv);
int cmd_headless(int argc, char **argv);

struct keyring_item;

/* A credential's state, as list, check and doctor report it. */
enum cred_state {
	CRED_OK,
	CRED_RENEW_SOON,	/* a PAT or refresh token ends within warn */
	CRED_SIGN_IN,		/* needs_login, or the refresh token expired */
	CRED_EXPIRED,		/* a PAT expired */
	CRED_LOCKED,		/* the secret could not be read */
	CRED_DAMAGED		/* the secret is not a readable record */
};

/*
 * The state of a listed credential at now, "renew soon" within warn
 * seconds of a PAT's or refresh token's end (cmd_list.c: the only place
 * this is decided).
 */
enum cred_state cred_state(const struct keyring_item *it, time_t now,
			   long warn);
/* "ok", "renew soon", "sign-in needed", "expired", "locked", "damaged" */
const char *cred_state_name(enum cred_state st);
/* "3d 4h", "52m 0s", "expired", or "-" for no expiry; buf holds 32. */
const char *cred_time_left(time_t t, time_t now, char *buf, size_t len);

/*
 * The command that fixes a credential in state st (new string: free it),
 * e.g. "tokenpass login --host H --user U" (cmd_check.c).
 */
char *cred_fix(const struct keyring_item *it, enum cred_state st);

/* The usage line of a command, for its own option errors. */
void usage_error(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * Lower-case a host name in place and check it: no white space, no control
 * characters, not empty. Returns 0 or -1.
 */
int tp_normalize_host(char *host);

#endif
