/*
 * tp_run_quiet(): a helper program, waited for with a bound (run.h).
 */
#include "helper/run.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

int tp_run_quiet(char *const argv[], const char *in, size_t len,
		 int timeout)
{
	struct sigaction ign = { .sa_handler = SIG_IGN }, old;
	int fd[2] = { -1, -1 }, status, ret = -1, i;
	pid_t pid;

	if (pipe2(fd, O_CLOEXEC))
		return -1;
	pid = fork();
	if (pid < 0)
		goto out;
	if (!pid) {
		int null = open("/dev/null", O_WRONLY);

		if (null < 0 || dup2(fd[0], 0) < 0 || dup2(null, 1) < 0 ||
		    dup2(null, 2) < 0)
			_exit(127);
		execvp(argv[0], argv);
		_exit(127);
	}
	close(fd[0]);
	fd[0] = -1;
	sigaction(SIGPIPE, &ign, &old);
	while (in && len) {
		ssize_t w = write(fd[1], in, len);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			break;
		in += w;
		len -= (size_t)w;
	}
	sigaction(SIGPIPE, &old, NULL);
	close(fd[1]);
	fd[1] = -1;
	for (i = 0; i < timeout * 50; i++) {
		pid_t r = waitpid(pid, &status, WNOHANG);

		if (r == pid) {
			ret = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
			goto out;
		}
		if (r < 0 && errno != EINTR)
			goto out;
		poll(NULL, 0, 20);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
out:
	if (fd[0] >= 0)
		close(fd[0]);
	if (fd[1] >= 0)
		close(fd[1]);
	return ret;
}

