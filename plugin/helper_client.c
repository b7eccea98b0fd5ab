/*
 * Run "tokenpass get" the way git runs its credential helpers: posix_spawn
 * with O_CLOEXEC pipes for stdin, stdout and stderr, the request written to
 * stdin, stdout read fully (with a cap), a bounded wait, and only our own
 * child reaped. Nothing secret goes into argv or the environment: the
 * application's environment is passed through unchanged (the helper needs
 * DBUS_SESSION_BUS_ADDRESS, HOME and XDG_RUNTIME_DIR).
 */
#include "config.h"
#include "plugin/px.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

#define OUT_CAP (256 * 1024)

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

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
	posix_spawn_file_actions_t fa;
	int in[2] = { -1, -1 }, out[2] = { -1, -1 }, err[2] = { -1, -1 };
	char *argv[3];
	char errbuf[512];
	size_t err_used = 0;
	int err_done = 0, fa_ready = 0, st = 0, rc, pidfd = -1;
	long long deadline = now_ms() + timeout_ms;
	pid_t pid = -1;

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
	if (posix_spawn_file_actions_init(&fa)) {
		res->status = PX_HELPER_NOMEM;
		goto out;
	}
	fa_ready = 1;
	/* dup2 onto 0, 1, 2 clears O_CLOEXEC on the child's copies only */
	if (posix_spawn_file_actions_adddup2(&fa, in[0], 0) ||
	    posix_spawn_file_actions_adddup2(&fa, out[1], 1) ||
	    posix_spawn_file_actions_adddup2(&fa, err[1], 2)) {
		res->status = PX_HELPER_NOMEM;
		goto out;
	}
	argv[0] = (char *)path;
	argv[1] = (char *)"get";
	argv[2] = NULL;
	rc = posix_spawn(&pid, path, &fa, NULL, argv, environ);
	if (rc) {
		pid = -1;
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
		long long left = deadline - now_ms();
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

	/*
	 * Both pipes closed: wait for our child, still within the bound. A
	 * pidfd says when it has exited, without polling; without one (old
	 * kernels) poll its status every 2 ms.
	 */
	pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	for (;;) {
		pid_t w = waitpid(pid, &st, WNOHANG);

		if (w == pid)
			break;
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0) {
			/*
			 * ECHILD: SIGCHLD is ignored and the kernel reaped it.
			 * No status: an empty answer counts as a failure.
			 */
			pid = -1;
			res->status = res->out_len ? PX_HELPER_OK
						   : PX_HELPER_SIGNAL;
			res->exit_code = 0;
			goto out;
		}
		if (now_ms() >= deadline) {
			res->status = PX_HELPER_TIMEOUT;
			goto out;
		}
		if (pidfd >= 0) {
			struct pollfd p = { .fd = pidfd, .events = POLLIN };
			long long left = deadline - now_ms();

			poll(&p, 1, left > 0 ? (int)left : 0);
		} else {
			struct timespec ts = { 0, 2 * 1000 * 1000 };

			nanosleep(&ts, NULL);
		}
	}
	pid = -1;
	if (WIFEXITED(st)) {
		res->status = PX_HELPER_OK;
		res->exit_code = WEXITSTATUS(st);
	} else {
		res->status = PX_HELPER_SIGNAL;
		res->exit_code = WIFSIGNALED(st) ? WTERMSIG(st) : 0;
	}
out:
	if (pid > 0) {
		/* timed out or broke down: end our child and reap it */
		kill(pid, SIGKILL);
		while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
			;
	}
	close_fd(&pidfd);
	if (fa_ready)
		posix_spawn_file_actions_destroy(&fa);
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
