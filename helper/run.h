/*
 * Run a helper program (systemctl, systemd-creds) and wait for it, for a
 * bounded time, with nothing of it reaching our output.
 */
#ifndef RUN_H
#define RUN_H

#include <stddef.h>

/*
 * Run argv (looked up in PATH) with the len bytes at in (may be NULL) on
 * its standard input through a pipe, never argv or the environment, and
 * its standard output and error thrown away. After timeout seconds it is
 * killed. Returns its exit status, or -1 when it could not run, was
 * killed or died of a signal.
 */
int tp_run_quiet(char *const argv[], const char *in, size_t len,
		 int timeout);

#endif
