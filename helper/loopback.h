/*
 * The sign-in listener of 'login': a one-shot HTTP server on 127.0.0.1
 * that catches the browser's redirect (RFC 8252). Anything on this
 * machine can connect to it, so every input is bounded: a request head
 * is at most LOOPBACK_REQUEST_MAX bytes and must arrive within
 * LOOPBACK_CLIENT_SECONDS of the connection, and no client can push the
 * login's overall deadline: an idle client or one sending a byte a second
 * is dropped, and the next one is served.
 */
#ifndef LOOPBACK_H
#define LOOPBACK_H

#include <stddef.h>

#define LOOPBACK_REQUEST_MAX 16384
#define LOOPBACK_CLIENT_SECONDS 5

/*
 * Listen on 127.0.0.1:port (0: any free port). Returns the socket and
 * sets *out_port, or -1 with errno.
 */
int loopback_listen(unsigned long long port, int *out_port);

/*
 * Parse the head of one HTTP request, buf[0..n). Returns 1 with *target
 * (a new string: the request target of a GET) when it is complete, 0
 * when more bytes are needed, -1 when it is not a GET request we take.
 */
int loopback_parse(const char *buf, size_t n, char **target);

/*
 * Read one request head from the connection fd, until the earlier of
 * deadline (ms on tp_clock_ms) and LOOPBACK_CLIENT_SECONDS from now.
 * Returns the target (a new string, which may hold the code: wipe it)
 * or NULL.
 */
char *loopback_read_target(int fd, long long deadline);

/* The percent-decoded value of key in a query string, or NULL. */
char *loopback_query_get(const char *q, const char *key);

/* Answer the browser with a small page and status ("200 OK"). */
void loopback_respond(int fd, const char *status, const char *text);

#endif
