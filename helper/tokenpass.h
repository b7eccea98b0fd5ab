/*
 * tokenpass: keeps Snowflake PATs and OAuth tokens in the desktop keyring
 * and hands the current one to whoever asks.
 *
 *   git / scripts / ODBC hook --(git credential protocol)--> tokenpass
 *   tokenpass --(libsecret, D-Bus)--> Secret Service (GNOME Keyring)
 *   tokenpass --(libcurl, HTTPS)--> token endpoint, Snowflake SQL API
 *
 * This header holds what every part of the helper shares: the exit codes
 * of SPEC.md, the one place messages go through, and allocation wrappers
 * that die on out-of-memory (the helper is a program, not a library).
 */
#ifndef TOKENPASS_H
#define TOKENPASS_H

#include <stddef.h>
#include <sys/types.h>
#include <time.h>

/* Exit codes: the contract in SPEC.md. */
enum tp_exit {
	TP_OK = 0,
	TP_ERROR = 1,
	TP_USAGE = 2,
	TP_KEYRING = 3,		/* no bus, no Secret Service, locked */
	TP_NOT_FOUND = 4,
	TP_SIGN_IN = 5,		/* refresh token expired or revoked */
	TP_ENDPOINT = 6		/* network, TLS or server error */
};

#define TP_PRINTF(f, a) __attribute__((format(printf, f, a)))

/* "tokenpass: <message>" on stderr. Never pass a secret. */
void tp_error(const char *fmt, ...) TP_PRINTF(1, 2);
/* "tokenpass: warning: <message>" on stderr. */
void tp_warn(const char *fmt, ...) TP_PRINTF(1, 2);
/*
 * Is fd the journal stream systemd gave a unit ($JOURNAL_STREAM)? There a
 * "<N>" line prefix sets the priority; tp_error and tp_warn add it.
 */
int tp_journal_stream(int fd);
/* tp_error() and exit(TP_ERROR); for out-of-memory and the impossible. */
void tp_die(const char *fmt, ...) TP_PRINTF(1, 2) __attribute__((noreturn));

void *xmalloc(size_t n);
void *xcalloc(size_t nmemb, size_t n);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* A formatted string in a new buffer; dies on out-of-memory. */
char *xasprintf(const char *fmt, ...) TP_PRINTF(1, 2);

/*
 * The current time. In a test build (configure --enable-test-clock)
 * TOKENPASS_NOW (seconds) overrides it; other builds ignore it.
 */
time_t tp_now(void);

/* The environment variable name in seconds, min..max, else def. */
long tp_env_seconds(const char *name, long min, long max, long def);

/* A monotonic clock in milliseconds, for deadlines. */
long long tp_clock_ms(void);

/*
 * s as one word for a POSIX shell: unchanged when nothing in it is
 * special, else single-quoted with each ' written '\''. A new string.
 */
char *tp_shell_quote(const char *s);

/*
 * Append " opt VAL" to the command line *cmd (a string from xstrdup),
 * VAL quoted by tp_shell_quote; nothing when val is NULL or empty.
 */
void tp_cmd_arg(char **cmd, const char *opt, const char *val);

/*
 * Parse a non-negative decimal integer that fills all of s.
 * Returns 0 and sets *out, or -1 for anything else (sign, junk, overflow).
 */
int tp_parse_ulong(const char *s, unsigned long long max,
		   unsigned long long *out);

/*
 * mkdir -p: create path and its missing parents with mode. path is
 * changed while it works and restored. Returns 0, or -1 with errno set.
 */
int tp_mkdir_p(char *path, mode_t mode);

/*
 * Text from a server or a browser, fit to print: at most max bytes, every
 * control character (C0, DEL, C1; an ANSI escape begins with one) a
 * space, no trailing dots or spaces. A new string.
 */
char *tp_clean_text(const char *s, size_t max);

/* "2026-11-23 06:28 UTC", or "never" for 0; buf holds at least 32. */
const char *tp_format_time(time_t t, char *buf, size_t len);

#endif
