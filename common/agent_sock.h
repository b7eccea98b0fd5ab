/*
 * The client side of the agent's socket, shared by the thin tokenpass
 * front (helper/front.c), the commands that show the agent's state and
 * the ODBC hook (plugin/agent.c). libc only: the hook lives inside other
 * people's processes and the front must start in well under a millisecond.
 *
 * The exchange is one request per connection: the client writes a request
 * in git's credential protocol and shuts its side down; the agent answers
 * with the lines 'tokenpass get' would print on standard output, one
 * "tokenpass_stderr=LINE" for each line it would print on standard error,
 * and last "tokenpass_exit=N", then closes. An answer without its exit
 * line is no answer (the agent died mid-way): the caller falls back to
 * running the helper.
 *
 * Nothing here exits, aborts or prints: errors come back as -1 and errno.
 */
#ifndef AGENT_SOCK_H
#define AGENT_SOCK_H

#include <stddef.h>

/* Bounds on a request and on an answer. */
#define AGENT_SOCK_MAX_REQUEST (1024 * 1024)
#define AGENT_SOCK_MAX_ANSWER (1024 * 1024)

/*
 * The socket's path in a new string: TOKENPASS_AGENT_SOCKET when set, else
 * $XDG_RUNTIME_DIR/tokenpass/agent, else (when that is not there) the
 * headless agent's /run/tokenpass/USER/agent when it is there and ours.
 * NULL (errno ENOENT) when there is none, or ENOMEM.
 */
char *agent_sock_path(void);

/*
 * Connect to the agent at path, non-blocking connect bounded by the
 * caller's deadline being irrelevant for a Unix socket. The peer must run
 * as our own uid (SO_PEERCRED): a socket another user planted is refused
 * (EPERM). Returns the connected descriptor (O_CLOEXEC) or -1.
 */
int agent_sock_connect(const char *path);

/*
 * Send req (len bytes), shut the sending side down and read the whole
 * answer, all within timeout_ms. On 0, *answer is a new NUL-terminated
 * buffer of *answer_len bytes holding secrets: wipe it before freeing.
 * -1 with errno (ETIMEDOUT, EFBIG, EPROTO for a connection closed before
 * any answer, ...) otherwise. SIGPIPE never reaches the process.
 */
int agent_sock_exchange(int fd, const char *req, size_t len, int timeout_ms,
			char **answer, size_t *answer_len);

/*
 * Take an answer apart in place: ans keeps only what 'tokenpass get'
 * prints on standard output (*len bytes, NUL-terminated), followed by a
 * second NUL-terminated block, *errs, with the standard error lines in
 * order, each ended by a newline ("" when none). *exit_code is set.
 * Returns 0, or -1 when the answer has no exit line (it is incomplete),
 * or ENOMEM.
 */
int agent_sock_split(char *ans, size_t *len, int *exit_code,
		     const char **errs);

/*
 * The caller's settings that change what its own 'tokenpass get' would
 * answer, as request lines for the agent, which answers by them
 * (helper/credential.h): TOKENPASS_REFRESH_MARGIN as "tokenpass_margin=",
 * TOKENPASS_ANSWER_TIMEOUT as "tokenpass_answer_timeout=" and
 * TOKENPASS_HTTP_TIMEOUT as "tokenpass_http_timeout=", each when set.
 * Writes them to buf (AGENT_SOCK_SETTINGS_MAX bytes) and returns 0, or
 * returns -1 when one is set to a value tokenpass-core does not take
 * (it reads that as its default): then the caller asks the core itself.
 */
#define AGENT_SOCK_SETTINGS_MAX 256
int agent_sock_settings(char *buf);

/* Zero n bytes in a way the compiler keeps. */
void agent_sock_wipe(void *p, size_t n);

#endif
