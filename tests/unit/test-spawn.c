/*
 * The helper's process (plugin/spawn.c), started from an application
 * that ignores SIGCHLD, SIGUSR1 and libc's signal 33, blocks SIGALRM and
 * leaves 100 descriptors inheritable: the helper sees default
 * dispositions, an empty mask, only its three descriptors, and leads its
 * own process group; its exit status survives the ignored SIGCHLD; a
 * helper that hangs with a grandchild holding its stdout is ended with
 * the grandchild, and the pipe reaches end of file. Exit 0 when all pass, 1 when one fails, 99
 * when the test cannot run.
 */
#include "config.h"
#include "plugin/spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static int failures;

static void check(int ok, const char *what)
{
	printf("%s - %s\n", ok ? "ok" : "FAIL", what);
	if (!ok)
		failures++;
}

static char helper[4096];

/* run the fake helper in mode; its stdout into out, its wait status */
static int run(const char *mode, char *out, size_t size, int *status,
	       long long wait_ms, struct px_child *keep, int *keep_fd)
{
	char *argv[] = { helper, (char *)"get", NULL };
	int in[2], o[2], fds[3], rc, n;
	size_t used = 0;
	struct px_child c;

	setenv("TP_FAKE_MODE", mode, 1);
	if (pipe2(in, O_CLOEXEC) || pipe2(o, O_CLOEXEC))
		return -1;
	fds[0] = in[0];
	fds[1] = o[1];
	fds[2] = o[1];
	rc = px_spawn(&c, helper, argv, environ, fds);
	close(in[0]);
	close(o[1]);
	close(in[1]);
	if (rc) {
		close(o[0]);
		return rc;
	}
	if (keep) {
		*keep = c;
		*keep_fd = o[0];
		return 0;
	}
	while (used + 1 < size && (n = (int)read(o[0], out + used,
						  size - used - 1)) > 0)
		used += (size_t)n;
	out[used] = '\0';
	close(o[0]);
	rc = px_spawn_wait(&c, px_now_ms() + wait_ms, status);
	if (rc == 1)
		px_spawn_release(&c);
	else
		px_spawn_kill(&c);
	return rc == 1 ? 0 : -1;
}

static int gone(pid_t pid)
{
	char path[64], buf[512], *p;
	FILE *f;
	int ret = 1;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return 1;
	if (fgets(buf, sizeof(buf), f) && (p = strrchr(buf, ')')))
		ret = p[1] == ' ' && p[2] == 'Z';
	fclose(f);
	return ret;
}

int main(void)
{
	const char *dir = getenv("TP_BUILD_DIR");
	char out[4096], report[4096], line[128];
	sigset_t alrm;
	int i, st = -1, fd = -1;
	struct px_child c;
	struct pollfd p;
	FILE *f;
	pid_t grandchild = 0;

	snprintf(helper, sizeof(helper), "%s/tests/odbc-stub/tp-fake-helper",
		 dir ? dir : ".");
	if (access(helper, X_OK))
		return 99;
	/* an untidy application */
	signal(SIGCHLD, SIG_IGN);
	signal(SIGUSR1, SIG_IGN);
	{
		/* one of libc's own signals, which sigaction() refuses */
		struct {
			void *handler;
			unsigned long flags;
			void *restorer;
			unsigned long long mask;
		} ign = { SIG_IGN };

		syscall(SYS_rt_sigaction, 33, &ign, NULL, sizeof(ign.mask));
	}
	sigemptyset(&alrm);
	sigaddset(&alrm, SIGALRM);
	sigprocmask(SIG_BLOCK, &alrm, NULL);
	for (i = 0; i < 100; i++)
		if (open("/dev/null", O_RDONLY) < 0)
			return 99;

	unsetenv("TP_FAKE_REPORT");
	check(run("report", out, sizeof(out), &st, 10000, NULL, NULL) == 0 &&
	      WIFEXITED(st) && WEXITSTATUS(st) == 0,
	      "the helper runs and its status is read with SIGCHLD ignored");
	check(strstr(out, "SigBlk:\t0000000000000000\n") != NULL,
	      "the helper starts with an empty signal mask");
	check(strstr(out, "SigIgn:\t0000000000000000\n") != NULL,
	      "the helper starts with no signal ignored");
	check(strstr(out, "fds:0,1,2\n") != NULL,
	      "the helper has only its three descriptors");
	check(strstr(out, "pgrp:own\n") != NULL,
	      "the helper leads its own process group");
	check(strstr(out, "password=tok-1\n") != NULL, "its answer arrives");
	check(run("exit5", out, sizeof(out), &st, 10000, NULL, NULL) == 0 &&
	      WIFEXITED(st) && WEXITSTATUS(st) == 5,
	      "exit status 5 is read with SIGCHLD ignored");
	{
		char *argv[] = { (char *)"nope", NULL };
		int fds[3] = { 0, 1, 2 };

		check(px_spawn(&c, "/nonexistent/tp-helper", argv, environ,
			       fds) == ENOENT,
		      "a missing program: ENOENT from the exec");
	}

	snprintf(report, sizeof(report), "%s/tp-spawn-%d",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp", (int)getpid());
	setenv("TP_FAKE_REPORT", report, 1);
	if (run("hang", NULL, 0, NULL, 0, &c, &fd))
		return 99;
	check(px_spawn_wait(&c, px_now_ms() + 1000, &st) == 0,
	      "a hanging helper: the wait ends at the deadline");
	px_spawn_kill(&c);
	f = fopen(report, "r");
	if (f && fgets(line, sizeof(line), f) &&
	    !strncmp(line, "grandchild=", 11))
		grandchild = (pid_t)strtol(line + 11, NULL, 10);
	if (f)
		fclose(f);
	unlink(report);
	p.fd = fd;
	p.events = POLLIN;
	check(poll(&p, 1, 10000) == 1 && read(fd, out, sizeof(out)) == 0,
	      "killed with its group: nothing holds its stdout any more");
	close(fd);
	check(grandchild > 0 && gone(grandchild),
	      "the grandchild is gone too");
	return failures ? 1 : 0;
}
