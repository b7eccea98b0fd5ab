/*
 * Headless: a keyring for a service account with no desktop session.
 *
 * 'tokenpass agent --headless' (run by tokenpass-agent@USER.service)
 * starts a D-Bus session bus and gnome-keyring-daemon of its own and
 * unlocks the 'login' keyring with a password that systemd hands over as
 * the credential HEADLESS_CREDENTIAL in $CREDENTIALS_DIRECTORY. The
 * password goes to gnome-keyring-daemon on a pipe: never in argv, the
 * environment, a file of ours or a log.
 *
 * Everything lives in one runtime directory, /run/tokenpass/USER (the
 * unit's RuntimeDirectory=, mode 0700, owned by USER):
 *
 *   /run/tokenpass/USER/bus       the session bus
 *   /run/tokenpass/USER/agent     the agent's socket
 *   /run/tokenpass/USER/keyring/  gnome-keyring-daemon's control socket
 *
 * The user's other processes (cron, ssh, the ODBC hook in a BI server)
 * find the bus and the agent there without a session of their own.
 */
#ifndef HEADLESS_H
#define HEADLESS_H

#include <sys/types.h>

/* The parent of every service user's runtime directory. */
#define HEADLESS_RUN_BASE "/run/tokenpass"
/* The systemd credential that holds the keyring password. */
#define HEADLESS_CREDENTIAL "tokenpass-keyring"
/* Where 'headless setup' keeps the encrypted credential of USER. */
#define HEADLESS_CREDSTORE "/etc/credstore.encrypted"

struct headless {
	char *dir;		/* the runtime directory */
	char *bus_address;	/* DBUS_SESSION_BUS_ADDRESS of our bus */
	pid_t bus_pid;		/* dbus-daemon, or -1 */
	pid_t keyring_pid;	/* gnome-keyring-daemon, or -1 */
};

#define HEADLESS_INIT { NULL, NULL, -1, -1 }

/*
 * Start the bus and the keyring and unlock the keyring from the
 * credential. On TP_OK the process environment names the bus
 * (DBUS_SESSION_BUS_ADDRESS) and the agent's socket (TOKENPASS_AGENT_SOCKET,
 * the runtime directory's 'agent', unless it was set already), and both
 * daemons run until headless_stop() (or until this process dies: they
 * get SIGTERM then). On failure one line was printed, nothing is left
 * running, and the result is TP_KEYRING (no credential, one that does not
 * unlock the keyring, no gnome-keyring) or TP_ERROR.
 */
int headless_start(struct headless *h);

/* Stop both daemons (SIGTERM, then SIGKILL) and release h. */
void headless_stop(struct headless *h);

/*
 * The runtime directory of user name: "/run/tokenpass/NAME", a new
 * string.
 */
char *headless_dir_of(const char *name);

/*
 * The runtime directory of the calling user when a headless keyring runs
 * for it (its bus socket exists and belongs to the user), else NULL. A
 * new string.
 */
char *headless_dir(void);

/*
 * For every command before it starts: when the calling user has a
 * headless keyring, point DBUS_SESSION_BUS_ADDRESS at its bus (ssh and
 * cron sessions have none, or one without the unlocked keyring), and
 * unset XDG_RUNTIME_DIR, so that the renewal locks are the agent's
 * (~/.cache/tokenpass) whatever the session.
 */
void headless_use_bus(void);

/*
 * 'tokenpass headless SUB': sub is "setup", "status" or "remove", user
 * the --user value (NULL when not given), root the --root value (NULL:
 * the running system). cmd_headless() parses argv into these; a command
 * table with a parser of its own calls this directly. Returns the exit
 * code.
 */
int headless_command(const char *sub, const char *user, const char *root);

/*
 * For doctor: one "ok" line naming the account's headless runtime
 * directory and unit, when it has one (cmd_headless.c).
 */
void headless_doctor(void);

/*
 * Is the Secret Service on the bus at address, its default keyring
 * unlocked? TP_OK or TP_KEYRING, and in *detail (a new string) what was
 * found, e.g. "the keyring '/org/freedesktop/secrets/collection/login' is
 * locked".
 */
int headless_probe(const char *address, char **detail);

/* Does somebody listen on the Unix socket path? */
int headless_socket_answers(const char *path);

/*
 * The system units of 'headless setup', made from systemd/ at build time:
 * name ("tokenpass-agent@.service") and text, @bindir@ still in it. The
 * last entry is { NULL, NULL }.
 */
struct headless_unit {
	const char *name;
	const char *text;
};
extern const struct headless_unit headless_units[];

#endif
