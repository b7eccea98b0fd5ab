/*
 * The reminder command: on a server there is no desktop to notify, so
 * 'check --notify' (run by the timer, or by the agent) also hands its
 * reminders to a command of the user's configuration, e.g. mail, on its
 * standard input, one line each as check prints them:
 *
 *   $XDG_CONFIG_HOME/tokenpass/config (default ~/.config/tokenpass/config)
 *   # lines "key = value"; '#' starts a comment
 *   reminder-command = mail -s tokenpass ops@example.com
 *
 * The command runs through /bin/sh -c, its output thrown away, for at
 * most 30 seconds. Reminders never hold a secret.
 */
#ifndef REMIND_H
#define REMIND_H

/*
 * Run the configured reminder command with text on its standard input.
 * 0 when none is configured or it succeeded; -1 after a warning.
 */
int remind_run(const char *text);

#endif
