/*
 * A stand-in for the agent that answers at once, for bench/agent.sh:
 * with it, the socket round trip a connect through the hook cannot do
 * without is measured apart from what the agent itself adds. It listens
 * on the socket named by its first argument, reads one request a
 * connection, and answers the username it was asked for and the token
 * it read on its standard input (never argv or environ), as the agent
 * answers a get. It runs until it is killed.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

/* one request: up to its blank line, or the client's end */
static size_t read_request(int fd, char *buf, size_t size)
{
	size_t n = 0;
	ssize_t r;

	while (n + 1 < size && (r = recv(fd, buf + n, size - n - 1, 0)) > 0) {
		n += (size_t)r;
		buf[n] = '\0';
		if (strstr(buf, "\n\n") || !strcmp(buf, "\n"))
			break;
	}
	buf[n] = '\0';
	return n;
}

int main(int argc, char **argv)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char token[4096] = "", req[8192], ans[8192];
	int l;

	if (argc != 2 || strlen(argv[1]) >= sizeof(sa.sun_path)) {
		fprintf(stderr, "usage: instant-agent SOCKET\n");
		return 2;
	}
	if (!fgets(token, sizeof(token), stdin))
		return 1;
	token[strcspn(token, "\n")] = '\0';
	memcpy(sa.sun_path, argv[1], strlen(argv[1]) + 1);
	unlink(argv[1]);
	signal(SIGPIPE, SIG_IGN);
	l = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (l < 0 || bind(l, (struct sockaddr *)&sa, sizeof(sa)) ||
	    listen(l, 128)) {
		perror("instant-agent");
		return 1;
	}
	for (;;) {
		char user[512] = "", *u;
		int c = accept(l, NULL, NULL), n;

		if (c < 0)
			continue;
		read_request(c, req, sizeof(req));
		u = strstr(req, "\nusername=");
		if (u)
			snprintf(user, sizeof(user), "%.*s",
				 (int)strcspn(u + 10, "\n"), u + 10);
		n = snprintf(ans, sizeof(ans), "username=%s\npassword=%s\n"
			     "tokenpass_exit=0\n", user, token);
		if (n > 0 && (size_t)n < sizeof(ans))
			send(c, ans, (size_t)n, MSG_NOSIGNAL);
		close(c);
	}
}
