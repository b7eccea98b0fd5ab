#include "common/agent_sock.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pwd.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define AGENT_SUBPATH "/tokenpass/agent"
/* helper/headless.h: HEADLESS_RUN_BASE */
#define HEADLESS_BASE "/run/tokenpass/"

void agent_sock_wipe(void *p, size_t n)
{
	volatile unsigned char *v = p;

	while (p && n--)
		*v++ = 0;
}

/*
 * The headless agent's socket of the calling user (helper/headless.h),
 * when it is there and ours: /run/tokenpass/USER/agent.
 */
static char *headless_path(void)
{
	struct passwd pw, *res = NULL;
	struct stat st;
	char buf[4096], *p = NULL;
	size_t n;

	if (getpwuid_r(getuid(), &pw, buf, sizeof(buf), &res) || !res)
		return NULL;
	n = strlen(HEADLESS_BASE) + strlen(pw.pw_name) + sizeof("/agent");
	p = malloc(n + 1);
	if (!p)
		return NULL;
	snprintf(p, n + 1, HEADLESS_BASE "%s/agent", pw.pw_name);
	if (lstat(p, &st) || !S_ISSOCK(st.st_mode) || st.st_uid != getuid()) {
		free(p);
		p = NULL;
	}
	return p;
}

char *agent_sock_path(void)
{
	const char *s = getenv("TOKENPASS_AGENT_SOCKET");
	const char *run = getenv("XDG_RUNTIME_DIR");
	struct stat st;
	char *p, *h;
	size_t n;

	if (s && *s)
		return strdup(s);
	if (!run || *run != '/') {
		p = headless_path();
		if (!p)
			errno = ENOENT;
		return p;
	}
	n = strlen(run);
	p = malloc(n + sizeof(AGENT_SUBPATH));
	if (!p)
		return NULL;
	memcpy(p, run, n);
	memcpy(p + n, AGENT_SUBPATH, sizeof(AGENT_SUBPATH));
	/* no desktop agent here: a service account's headless one */
	if (lstat(p, &st) && (h = headless_path())) {
		free(p);
		p = h;
	}
	return p;
}

int agent_sock_connect(const char *path)
{
	struct sockaddr_un sa;
	struct ucred cred;
	socklen_t cl = sizeof(cred);
	size_t n = strlen(path);
	int fd, saved;

	if (n >= sizeof(sa.sun_path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	memcpy(sa.sun_path, path, n + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)))
		goto fail;
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &cl))
		goto fail;
	if (cred.uid != getuid()) {
		errno = EPERM;
		goto fail;
	}
	return fd;
fail:
	saved = errno;
	close(fd);
	errno = saved;
	return -1;
}

/*
 * How long a client looks for the answer before it sleeps in poll(): the
 * agent answers from memory in tens of microseconds, and a client asleep
 * pays for a wake-up (on a virtual machine, an interrupt to an idle
 * virtual CPU) that costs as much as the whole exchange. Meanwhile it
 * yields the CPU, so an agent woken on the same one runs at once.
 */
#define SPIN_US 300

static long long now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static long long now_ms(void)
{
	return now_us() / 1000;
}

/* wait for ev on fd until deadline: 0 ready, -1 (ETIMEDOUT or errno) */
static int wait_fd(int fd, short ev, long long deadline)
{
	for (;;) {
		struct pollfd p = { .fd = fd, .events = ev };
		long long left = deadline - now_ms();
		int r;

		if (left <= 0) {
			errno = ETIMEDOUT;
			return -1;
		}
		r = poll(&p, 1, (int)left);
		if (r > 0)
			return 0;
		if (r < 0 && errno != EINTR)
			return -1;
	}
}

int agent_sock_exchange(int fd, const char *req, size_t len, int timeout_ms,
			char **answer, size_t *answer_len)
{
	long long deadline = now_ms() + timeout_ms, spin_end;
	size_t used = 0, cap = 4096;
	char *buf = NULL;
	int ret = -1, saved = 0;

	if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK))
		return -1;
	while (len) {
		/* MSG_NOSIGNAL: a vanished agent must not kill the caller */
		ssize_t n = send(fd, req, len, MSG_NOSIGNAL);

		if (n < 0 && errno == EAGAIN) {
			if (wait_fd(fd, POLLOUT, deadline))
				goto out;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			goto out;
		req += n;
		len -= (size_t)n;
	}
	shutdown(fd, SHUT_WR);
	buf = malloc(cap);
	if (!buf)
		goto out;
	spin_end = now_us() + SPIN_US;
	for (;;) {
		ssize_t n;

		if (used + 1 >= cap) {
			char *nb;

			if (cap >= AGENT_SOCK_MAX_ANSWER) {
				errno = EFBIG;
				goto out;
			}
			nb = malloc(cap * 2);
			if (!nb)
				goto out;
			memcpy(nb, buf, used);
			agent_sock_wipe(buf, used);
			free(buf);
			buf = nb;
			cap *= 2;
		}
		n = recv(fd, buf + used, cap - used - 1, 0);
		if (n > 0) {
			used += (size_t)n;
			continue;
		}
		if (!n)
			break;
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN)
			goto out;
		if (now_us() < spin_end) {
			sched_yield();
			continue;
		}
		if (wait_fd(fd, POLLIN, deadline))
			goto out;
	}
	if (!used) {
		errno = EPROTO;
		goto out;
	}
	buf[used] = '\0';
	*answer = buf;
	*answer_len = used;
	buf = NULL;
	ret = 0;
out:
	saved = errno;
	if (buf) {
		agent_sock_wipe(buf, used);
		free(buf);
	}
	errno = saved;
	return ret;
}

/* the settings and their ranges, as tokenpass-core reads them */
static const struct {
	const char *env, *key;
	unsigned long min, max;
} settings[] = {
	{ "TOKENPASS_REFRESH_MARGIN", "tokenpass_margin", 0, 86400 },
	{ "TOKENPASS_ANSWER_TIMEOUT", "tokenpass_answer_timeout", 1, 600 },
	{ "TOKENPASS_HTTP_TIMEOUT", "tokenpass_http_timeout", 1, 600 },
};

int agent_sock_settings(char *buf)
{
	size_t i, used = 0;

	*buf = '\0';
	for (i = 0; i < sizeof(settings) / sizeof(*settings); i++) {
		const char *v = getenv(settings[i].env);
		unsigned long n;

		if (!v)
			continue;
		if (!*v || strlen(v) > 10 ||
		    strspn(v, "0123456789") != strlen(v))
			return -1;
		n = strtoul(v, NULL, 10);
		if (n < settings[i].min || n > settings[i].max)
			return -1;
		used += (size_t)snprintf(buf + used,
					 AGENT_SOCK_SETTINGS_MAX - used,
					 "%s=%lu\n", settings[i].key, n);
	}
	return 0;
}

static int has_prefix(const char *s, const char *pre)
{
	return !strncmp(s, pre, strlen(pre));
}

int agent_sock_split(char *ans, size_t *len, int *exit_code,
		     const char **errs)
{
	size_t n = *len, body = 0, err = 0;
	char *tmp, *line = ans, *end = ans + n;
	int code = -1;

	tmp = malloc(n + 2);
	if (!tmp)
		return -1;
	/* first pass: the body lines */
	while (line < end) {
		char *nl = memchr(line, '\n', (size_t)(end - line));
		size_t l = nl ? (size_t)(nl - line) + 1 : (size_t)(end - line);

		if (!has_prefix(line, "tokenpass_")) {
			memcpy(tmp + body, line, l);
			body += l;
		}
		line += l;
	}
	tmp[body] = '\0';
	/* second pass: standard error, and the exit code */
	for (line = ans; line < end; ) {
		char *nl = memchr(line, '\n', (size_t)(end - line));
		size_t l = nl ? (size_t)(nl - line) : (size_t)(end - line);

		if (has_prefix(line, "tokenpass_stderr=")) {
			memcpy(tmp + body + 1 + err, line + 17, l - 17);
			err += l - 17;
			tmp[body + 1 + err++] = '\n';
		} else if (has_prefix(line, "tokenpass_exit=") && l > 15 &&
			   l < 19) {
			char digits[4] = { 0 };
			char *e;
			long v;

			memcpy(digits, line + 15, l - 15);
			v = strtol(digits, &e, 10);
			code = (!*e && v >= 0 && v < 256) ? (int)v : -1;
		}
		line += l + (nl ? 1 : 0);
	}
	tmp[body + 1 + err] = '\0';
	memcpy(ans, tmp, body + err + 2 > n + 1 ? n + 1 : body + err + 2);
	ans[n] = '\0';
	agent_sock_wipe(tmp, n + 2);
	free(tmp);
	if (code < 0) {
		errno = EPROTO;
		return -1;
	}
	*len = body;
	*exit_code = code;
	*errs = ans + body + 1;
	return 0;
}
