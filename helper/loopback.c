#include "helper/loopback.h"
#include "helper/secmem.h"
#include "helper/tokenpass.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int loopback_listen(unsigned long long port, int *out_port)
{
	struct sockaddr_in sa;
	socklen_t len = sizeof(sa);
	int fd, one = 1;

	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons((unsigned short)port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) || listen(fd, 8) ||
	    getsockname(fd, (struct sockaddr *)&sa, &len)) {
		close(fd);
		return -1;
	}
	*out_port = ntohs(sa.sin_port);
	return fd;
}

/* The end of the head (after its blank line) in buf[0..n), or NULL. */
static const char *head_end(const char *buf, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (buf[i] != '\n')
			continue;
		if (i + 1 < n && buf[i + 1] == '\n')
			return buf + i + 2;
		if (i + 2 < n && buf[i + 1] == '\r' && buf[i + 2] == '\n')
			return buf + i + 3;
	}
	return NULL;
}

int loopback_parse(const char *buf, size_t n, char **target)
{
	const char *sp, *end, *eol, *head, *p;

	/* the request line decides early: a GET, or nothing we take */
	if (n < 4)
		return memcmp(buf, "GET ", n) ? -1 : 0;
	if (memcmp(buf, "GET ", 4))
		return -1;
	head = head_end(buf, n);
	if (memchr(buf, '\0', head ? (size_t)(head - buf) : n))
		return -1;
	if (!head)
		return n >= LOOPBACK_REQUEST_MAX ? -1 : 0;
	sp = buf + 4;
	eol = memchr(sp, '\n', n - 4);
	end = memchr(sp, ' ', (size_t)(eol - sp));
	if (!end || end == sp || *sp != '/')
		return -1;
	/* a request target is printable ASCII (RFC 9112) */
	for (p = sp; p < end; p++)
		if ((unsigned char)*p <= ' ' || (unsigned char)*p >= 0x7f)
			return -1;
	*target = xstrndup(sp, (size_t)(end - sp));
	return 1;
}

char *loopback_read_target(int fd, long long deadline)
{
	char *buf = xmalloc(LOOPBACK_REQUEST_MAX + 1), *target = NULL;
	long long until = tp_clock_ms() + LOOPBACK_CLIENT_SECONDS * 1000LL;
	size_t n = 0;
	int r = 0;

	if (deadline < until)
		until = deadline;
	/* the deadline is the connection's, not each read's */
	while (!r && n < LOOPBACK_REQUEST_MAX) {
		struct pollfd p = { fd, POLLIN, 0 };
		long long left = until - tp_clock_ms();
		ssize_t got;

		if (left <= 0)
			break;
		if (poll(&p, 1, (int)left) <= 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		got = recv(fd, buf + n, LOOPBACK_REQUEST_MAX - n,
			   MSG_DONTWAIT);
		if (got < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (got <= 0)
			break;
		n += (size_t)got;
		r = loopback_parse(buf, n, &target);
	}
	tp_memzero(buf, LOOPBACK_REQUEST_MAX + 1);
	free(buf);
	return r == 1 ? target : NULL;
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

char *loopback_query_get(const char *q, const char *key)
{
	size_t klen = strlen(key);

	while (q && *q) {
		const char *end = q + strcspn(q, "&");

		if ((size_t)(end - q) > klen && !strncmp(q, key, klen) &&
		    q[klen] == '=') {
			char *out = xmalloc((size_t)(end - q)), *o = out;
			const char *p;

			for (p = q + klen + 1; p < end; p++) {
				if (*p == '+') {
					*o++ = ' ';
				} else if (*p == '%' && p + 2 < end &&
					   hexval(p[1]) >= 0 &&
					   hexval(p[2]) >= 0) {
					*o++ = (char)(hexval(p[1]) << 4 |
						      hexval(p[2]));
					p += 2;
				} else {
					*o++ = *p;
				}
			}
			*o = '\0';
			return out;
		}
		q = *end ? end + 1 : end;
	}
	return NULL;
}

void loopback_respond(int fd, const char *status, const char *text)
{
	char *page = xasprintf(
		"HTTP/1.1 %s\r\nContent-Type: text/html; charset=utf-8\r\n"
		"Cache-Control: no-store\r\nConnection: close\r\n\r\n"
		"<!doctype html><title>tokenpass</title>"
		"<p style=\"font:16px sans-serif;margin:3em\">%s</p>\n",
		status, text);
	ssize_t n = send(fd, page, strlen(page), MSG_NOSIGNAL | MSG_DONTWAIT);

	(void)n;
	free(page);
}
