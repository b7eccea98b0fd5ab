/*
 * spawn.h: start a helper program inside someone else's process, as a
 * good guest.
 *
 * The child starts with every signal at its default disposition and an
 * empty signal mask (whatever the application ignores or blocks), with
 * only the three descriptors it is given open as 0, 1 and 2 (whatever the
 * application left inheritable), in a process group of its own, so that a
 * timeout ends it and anything it started: no grandchild keeps a pipe.
 *
 * Its exit status is read through its pidfd, never with waitpid(-1):
 * when the application ignores SIGCHLD the kernel reaps the child itself
 * and waitid() fails with ECHILD; Linux 6.15 and later still hand the
 * status over through the pidfd (PIDFD_GET_INFO), older kernels keep
 * nothing, and px_spawn_wait() says so.
 */
#ifndef PX_SPAWN_H
#define PX_SPAWN_H

#include <sys/types.h>

#ifndef PX_HIDDEN
#define PX_HIDDEN __attribute__((visibility("hidden")))
#endif

struct px_child {
	pid_t pid;		/* also its process group */
	int pidfd;
};

/*
 * Run path with argv and envp, fds[0..2] as its stdin, stdout and
 * stderr (they may have O_CLOEXEC; the caller closes its copies). 0, or
 * an errno (the exec's own when the program cannot run); c is set only
 * on success.
 */
PX_HIDDEN int px_spawn(struct px_child *c, const char *path,
		       char *const argv[], char *const envp[],
		       const int fds[3]);

/*
 * Wait for it until the CLOCK_MONOTONIC time deadline_ms: 1 when it has
 * exited and *status is its wait status (reaped), 0 at the deadline,
 * -1 on error with errno set: ECHILD when it has exited but the kernel
 * kept no status (SIGCHLD ignored, a kernel before 6.15).
 */
PX_HIDDEN int px_spawn_wait(struct px_child *c, long long deadline_ms,
			    int *status);

/* SIGKILL its whole process group, reap it, close its pidfd */
PX_HIDDEN void px_spawn_kill(struct px_child *c);

/* close its pidfd after px_spawn_wait() returned 1 */
PX_HIDDEN void px_spawn_release(struct px_child *c);

/* milliseconds of CLOCK_MONOTONIC */
PX_HIDDEN long long px_now_ms(void);

#endif
