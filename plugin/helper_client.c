/*
 * Run "tokenpass get" the way git runs its credential helpers, as a good
 * guest in the application's process (spawn.c): O_CLOEXEC pipes for stdin,
 * stdout and stderr and nothing else open in the child, the request
 * written to stdin, stdout read fully (with a cap), a bounded wait after
 * which its whole process group is ended, and only our own child reaped,
 * through its pidfd. Nothing secret goes into argv or the environment: the
 * application's environment is passed through unchanged (the helper needs
 * DBUS_SESSION_BUS_ADDRESS, HOME and XDG_RUNTIME_DIR).
 */
#include "config.h"
#include "plugin/px.h"
#include "plugin/spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

#define OUT_CAP (256 * 1024)

/*
 * Write all of buf to fd without letting SIGPIPE reach the application
 * when the helper exits before reading: block it in this thread, and take
 * back a SIGPIPE we caused.
 */
static int write_all(int fd, const char *buf, size_t len)
{
	sigset_t pipe_set, old;
	struct timespec zero = { 0, 0 };
	int ret = 0, had_pending;

	sigemptyset(&pipe_set);
	sigaddset(&pipe_set, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &pipe_set, &old);
	{
		sigset_t pending;

		sigpending(&pending);
		had_pending = sigismember(&pending, SIGPIPE);
	}
	while (len) {
		ssize_t n = write(fd, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			ret = -1;
			if (errno == EPIPE && !had_pending)
				sigtimedwait(&pipe_set, NULL, &zero);
			break;
		}
		buf += n;
		len -= (size_t)n;
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return ret;
}

/* the first line of stderr, control characters dropped */
static void keep_err_line(struct px_helper_result *res, const char *buf,
			  size_t n, size_t *used, int *done)
{
	size_t i;

	for (i = 0; i < n && !*done; i++) {
		unsigned char c = (unsigned char)buf[i];

		if (c == '\n') {
			if (*used)
				*done = 1;
			continue;
		}
		if (c < 0x20 || c == 0x7f)
			continue;
		if (*used + 1 < sizeof(res->err))
			res->err[(*used)++] = (char)c;
	}
	res->err[*used] = '\0';
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

void px_helper_result_release(struct px_helper_result *res)
{
	if (res->out) {
		px_wipe(res->out, res->out_len);
		free(res->out);
	}
	res->out = NULL;
	res->out_len = 0;
}

void px_helper_run(const char *path, const char *request, int timeout_ms,
		   struct px_helper_result *res)
{
	int in[2] = { -1, -1 }, out[2] = { -1, -1 }, err[2] = { -1, -1 };
	struct px_child child = { -1, -1 };
	char *argv[3];
	char errbuf[512];
	size_t err_used = 0;
	int err_done = 0, st = 0, rc, fds[3];
	long long deadline = px_now_ms() + timeout_ms;

	memset(res, 0, sizeof(*res));
	res->status = PX_HELPER_IO;
	res->out = malloc(OUT_CAP + 1);
	if (!res->out) {
		res->status = PX_HELPER_NOMEM;
		goto out;
	}
	if (pipe2(in, O_CLOEXEC) || pipe2(out, O_CLOEXEC) ||
	    pipe2(err, O_CLOEXEC)) {
		res->exit_code = errno;
		goto out;
	}
	/*
	 * Default signals, an empty mask, only these three descriptors, a
	 * process group of its own (spawn.c).
	 */
	fds[0] = in[0];
	fds[1] = out[1];
	fds[2] = err[1];
	argv[0] = (char *)path;
	argv[1] = (char *)"get";
	argv[2] = NULL;
	rc = px_spawn(&child, path, argv, environ, fds);
	if (rc) {
		res->status = PX_HELPER_SPAWN;
		res->exit_code = rc;
		goto out;
	}
	close_fd(&in[0]);
	close_fd(&out[1]);
	close_fd(&err[1]);

	write_all(in[1], request, strlen(request));
	close_fd(&in[1]);

	while (out[0] >= 0 || err[0] >= 0) {
		struct pollfd p[2];
		long long left = deadline - px_now_ms();
		int i, nfds = 0;

		if (left <= 0) {
			res->status = PX_HELPER_TIMEOUT;
			goto out;
		}
		if (out[0] >= 0) {
			p[nfds].fd = out[0];
			p[nfds++].events = POLLIN;
		}
		if (err[0] >= 0) {
			p[nfds].fd = err[0];
			p[nfds++].events = POLLIN;
		}
		rc = poll(p, (nfds_t)nfds, (int)left);
		if (rc < 0 && errno == EINTR)
			continue;
		if (rc < 0) {
			res->exit_code = errno;
			goto out;
		}
		for (i = 0; i < nfds; i++) {
			ssize_t n;

			if (!p[i].revents)
				continue;
			if (p[i].fd == out[0]) {
				if (res->out_len >= OUT_CAP) {
					/* an answer this big is no answer */
					res->exit_code = EFBIG;
					goto out;
				}
				n = read(out[0], res->out + res->out_len,
					 OUT_CAP - res->out_len);
				if (n > 0)
					res->out_len += (size_t)n;
				else if (n == 0 || errno != EINTR)
					close_fd(&out[0]);
			} else {
				n = read(err[0], errbuf, sizeof(errbuf));
				if (n > 0)
					keep_err_line(res, errbuf, (size_t)n,
						      &err_used, &err_done);
				else if (n == 0 || errno != EINTR)
					close_fd(&err[0]);
			}
		}
	}
	res->out[res->out_len] = '\0';

	/* both pipes closed: wait for our child, still within the bound */
	rc = px_spawn_wait(&child, deadline, &st);
	if (rc == 0) {
		res->status = PX_HELPER_TIMEOUT;
		goto out;
	}
	if (rc < 0) {
		/*
		 * ECHILD: SIGCHLD is ignored, the kernel reaped it and kept
		 * no status (before Linux 6.15). An empty answer counts as
		 * a failure.
		 */
		px_spawn_release(&child);
		res->status = res->out_len ? PX_HELPER_OK : PX_HELPER_SIGNAL;
		res->exit_code = 0;
		goto out;
	}
	px_spawn_release(&child);
	if (WIFEXITED(st)) {
		res->status = PX_HELPER_OK;
		res->exit_code = WEXITSTATUS(st);
	} else {
		res->status = PX_HELPER_SIGNAL;
		res->exit_code = WIFSIGNALED(st) ? WTERMSIG(st) : 0;
	}
out:
	/* timed out or broke down: end its whole group, reap it */
	px_spawn_kill(&child);
	close_fd(&in[0]);
	close_fd(&in[1]);
	close_fd(&out[0]);
	close_fd(&out[1]);
	close_fd(&err[0]);
	close_fd(&err[1]);
	px_wipe(errbuf, sizeof(errbuf));
	if (res->out)
		res->out[res->out_len] = '\0';
	if (res->status != PX_HELPER_OK)
		px_helper_result_release(res);
}
