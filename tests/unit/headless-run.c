/*
 * headless-run CMD [ARG...]: the headless start of helper/headless.c on
 * its own, for the tests: start the bus and gnome-keyring-daemon, unlock
 * the keyring from $CREDENTIALS_DIRECTORY, run CMD in that environment,
 * stop both. Exits with headless_start()'s code when that fails, else
 * with CMD's.
 */
#include "helper/headless.h"
#include "helper/secmem.h"
#include "helper/tokenpass.h"

#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct headless h = HEADLESS_INIT;
	int ret, status;
	pid_t pid;

	secmem_init();
	if (argc < 2) {
		fprintf(stderr, "usage: headless-run CMD [ARG...]\n");
		return TP_USAGE;
	}
	ret = headless_start(&h);
	if (ret)
		return ret;
	pid = fork();
	if (!pid) {
		execvp(argv[1], argv + 1);
		perror(argv[1]);
		_exit(127);
	}
	ret = TP_ERROR;
	if (pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status))
		ret = WEXITSTATUS(status);
	headless_stop(&h);
	return ret;
}
