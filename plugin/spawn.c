/*
 * The helper's process: clone(CLONE_VM | CLONE_VFORK | CLONE_PIDFD), as
 * posix_spawn does it, with a pidfd and a child that resets what the
 * application set up; see spawn.h for why.
 *
 * The child shares our memory until it calls execve: it runs on its own
 * stack, touches nothing but its own locals and the shared error slot,
 * and calls only async-signal-safe functions.
 */
#include "config.h"
#include "plugin/spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef P_PIDFD
#define P_PIDFD 3
#endif

/*
 * Linux 6.15's PIDFD_GET_INFO (linux/pidfd.h, newer than our headers):
 * the exit status of a process the kernel has already reaped.
 */
struct pidfd_info_v0 {
	uint64_t mask;
	uint64_t cgroupid;
	uint32_t pid, tgid, ppid, ruid, rgid, euid, egid, suid, sgid;
	uint32_t fsuid, fsgid;
	int32_t exit_code;
};
#define PX_PIDFD_GET_INFO _IOWR(0xff, 11, struct pidfd_info_v0)
#define PX_PIDFD_INFO_EXIT (1ull << 3)
#ifndef CLONE_PIDFD
#define CLONE_PIDFD 0x00001000
#endif

#define CHILD_STACK (64 * 1024)

struct child_args {
	const char *path;
	char *const *argv;
	char *const *envp;
	const int *fds;
	sigset_t all;
	int err;		/* written by the child before it exits */
};

long long px_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* the kernel's struct sigaction, for rt_sigaction(2) */
struct ksigaction {
	void *handler;
	unsigned long flags;
	void *restorer;
	uint64_t mask;
};

static int child(void *data)
{
	struct child_args *a = data;
	struct ksigaction dfl;
	sigset_t none;
	int i, fd[3], sig;

	/*
	 * Every disposition back to its default, an empty mask at exec. The
	 * system call, not sigaction(): libc refuses its own signals (32,
	 * 33), which an application or its parent may have ignored too.
	 */
	memset(&dfl, 0, sizeof(dfl));
	dfl.handler = SIG_DFL;
	for (sig = 1; sig < 65; sig++)
		if (sig != SIGKILL && sig != SIGSTOP)
			syscall(SYS_rt_sigaction, sig, &dfl, NULL,
				sizeof(dfl.mask));
	if (setpgid(0, 0))
		goto fail;
	/* above 2 first, so that dup2 never overwrites one we still need */
	for (i = 0; i < 3; i++) {
		fd[i] = fcntl(a->fds[i], F_DUPFD_CLOEXEC, 3);
		if (fd[i] < 0)
			goto fail;
	}
	for (i = 0; i < 3; i++)
		if (dup2(fd[i], i) < 0)
			goto fail;
	if (close_range(3, ~0u, 0)) {
		for (i = 3; i < 65536; i++)
			close(i);
	}
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	execve(a->path, a->argv, a->envp);
fail:
	a->err = errno ? errno : EINVAL;
	/* the child, never the host process: leave without atexit */
	syscall(SYS_exit_group, 127);
	return 0;
}

int px_spawn(struct px_child *c, const char *path, char *const argv[],
	     char *const envp[], const int fds[3])
{
	struct child_args a;
	sigset_t old;
	siginfo_t si;
	char *stack;
	int pidfd = -1, ret;
	pid_t pid;

	memset(&a, 0, sizeof(a));
	a.path = path;
	a.argv = argv;
	a.envp = envp;
	a.fds = fds;
	stack = mmap(NULL, CHILD_STACK, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
	if (stack == MAP_FAILED) {
		ret = errno;
		goto out;
	}
	/*
	 * No handler of the application may run in the child while it
	 * shares our memory: block everything until the child has reset
	 * the dispositions (the mask is per thread, inherited).
	 */
	sigfillset(&a.all);
	pthread_sigmask(SIG_SETMASK, &a.all, &old);
	pid = clone(child, stack + CHILD_STACK,
		    CLONE_VM | CLONE_VFORK | CLONE_PIDFD | SIGCHLD, &a,
		    &pidfd);
	ret = pid < 0 ? errno : 0;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	munmap(stack, CHILD_STACK);
	if (ret)
		goto out;
	if (a.err) {
		/* it never ran the program: collect the child at once */
		ret = a.err;
		while (waitid((idtype_t)P_PIDFD, (id_t)pidfd, &si,
			      WEXITED) < 0 && errno == EINTR)
			;
		close(pidfd);
		goto out;
	}
	c->pid = pid;
	c->pidfd = pidfd;
out:
	return ret;
}

/*
 * The application ignores SIGCHLD (or set SA_NOCLDWAIT), so the kernel
 * reaped the child itself and waitid() has nothing: since Linux 6.15 the
 * pidfd still holds its exit status. 1 with *status set, else -1 (ECHILD).
 */
static int reaped_status(struct px_child *c, int *status)
{
	struct pidfd_info_v0 info;
	int ret = -1;

	memset(&info, 0, sizeof(info));
	info.mask = PX_PIDFD_INFO_EXIT;
	if (ioctl(c->pidfd, PX_PIDFD_GET_INFO, &info) == 0 &&
	    (info.mask & PX_PIDFD_INFO_EXIT)) {
		*status = info.exit_code;
		ret = 1;
	} else {
		errno = ECHILD;
	}
	return ret;
}

int px_spawn_wait(struct px_child *c, long long deadline_ms, int *status)
{
	siginfo_t si;
	struct pollfd p;
	long long left;
	int ret = -1;

	for (;;) {
		memset(&si, 0, sizeof(si));
		if (waitid((idtype_t)P_PIDFD, (id_t)c->pidfd, &si,
			   WEXITED | WNOHANG) < 0) {
			if (errno == EINTR)
				continue;
			if (errno == ECHILD)
				ret = reaped_status(c, status);
			goto out;
		}
		if (si.si_pid) {
			*status = si.si_code == CLD_EXITED ?
				  (si.si_status & 0xff) << 8 :
				  si.si_status & 0x7f;
			ret = 1;
			goto out;
		}
		left = deadline_ms - px_now_ms();
		if (left <= 0) {
			ret = 0;
			goto out;
		}
		p.fd = c->pidfd;
		p.events = POLLIN;
		p.revents = 0;
		if (poll(&p, 1, left > 60000 ? 60000 : (int)left) < 0 &&
		    errno != EINTR)
			goto out;
	}
out:
	return ret;
}

void px_spawn_kill(struct px_child *c)
{
	siginfo_t si;

	if (c->pidfd < 0)
		return;
	/* the group: the helper and anything it started */
	kill(-c->pid, SIGKILL);
	syscall(SYS_pidfd_send_signal, c->pidfd, SIGKILL, NULL, 0);
	while (waitid((idtype_t)P_PIDFD, (id_t)c->pidfd, &si,
		      WEXITED) < 0 && errno == EINTR)
		;
	px_spawn_release(c);
}

void px_spawn_release(struct px_child *c)
{
	if (c->pidfd >= 0)
		close(c->pidfd);
	c->pidfd = -1;
	c->pid = -1;
}
