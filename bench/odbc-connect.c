/*
 * odbc-connect: what the ODBC hook costs per connect, in one process.
 *
 *   odbc-connect [-w] [-n N] HOOK-CONNSTR PLAIN-CONNSTR [HELPER HOST USER]
 *
 * -w connects with SQLDriverConnectW (the W path), as Unicode
 * applications do.
 * A string "@FILE" is read from FILE (keeps a password out of argv).
 * Opens and closes N connections (after 5 to warm up) with the plain
 * string and the hook's in turn (and, given a helper, spawns one
 * 'HELPER get' as the hook does after each pair); prints the median of
 * each, of the hook's extra time per pair, and of that minus the get, and
 * the resident memory (VmRSS) that loading the hook added.
 */
#include <sql.h>
#include <sqlext.h>
#include <sqlucode.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static long rss_kib(void)
{
	char line[256];
	long kib = -1;
	FILE *f = fopen("/proc/self/status", "r");

	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, "VmRSS:", 6))
			kib = strtol(line + 6, NULL, 10);
	if (f)
		fclose(f);
	return kib;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static int wide;

/* cs as a 2-byte SQLWCHAR string (unixODBC's); ASCII is all we need */
static SQLWCHAR *widen(const char *cs)
{
	size_t i, n = strlen(cs);
	SQLWCHAR *w = calloc(n + 1, sizeof(*w));

	for (i = 0; w && i < n; i++)
		w[i] = (unsigned char)cs[i];
	return w;
}

static int connect_once(SQLHENV env, const char *cs, double *ms)
{
	SQLCHAR state[6], msg[512];
	SQLINTEGER native;
	SQLSMALLINT len;
	SQLHDBC dbc;
	SQLRETURN rc;
	double t0 = now_ms();

	SQLAllocHandle(SQL_HANDLE_DBC, env, &dbc);
	if (wide) {
		SQLWCHAR *w = widen(cs);

		rc = w ? SQLDriverConnectW(dbc, NULL, w, SQL_NTS, NULL, 0,
					   NULL, SQL_DRIVER_NOPROMPT) :
			 SQL_ERROR;
		if (w)
			memset(w, 0, strlen(cs) * sizeof(*w));
		free(w);
	} else {
		rc = SQLDriverConnect(dbc, NULL, (SQLCHAR *)cs, SQL_NTS, NULL,
				      0, NULL, SQL_DRIVER_NOPROMPT);
	}
	if (!SQL_SUCCEEDED(rc)) {
		if (SQL_SUCCEEDED(SQLGetDiagRec(SQL_HANDLE_DBC, dbc, 1, state,
						&native, msg, sizeof(msg),
						&len)))
			fprintf(stderr, "odbc-connect: %s: %s\n", state, msg);
		SQLFreeHandle(SQL_HANDLE_DBC, dbc);
		return -1;
	}
	SQLDisconnect(dbc);
	SQLFreeHandle(SQL_HANDLE_DBC, dbc);
	*ms = now_ms() - t0;
	return 0;
}

/* one 'helper get' as the hook runs it: posix_spawn, request on stdin */
static double helper_once(const char *helper, const char *req)
{
	posix_spawn_file_actions_t fa;
	int in[2], out[2], st;
	char buf[4096];
	char *argv[] = { (char *)helper, (char *)"get", NULL };
	double t0 = now_ms();
	pid_t pid;

	if (pipe(in) || pipe(out))
		return -1;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, in[0], 0);
	posix_spawn_file_actions_adddup2(&fa, out[1], 1);
	posix_spawn_file_actions_addclose(&fa, in[1]);
	posix_spawn_file_actions_addclose(&fa, out[0]);
	if (posix_spawn(&pid, helper, &fa, NULL, argv, environ))
		return -1;
	posix_spawn_file_actions_destroy(&fa);
	close(in[0]);
	close(out[1]);
	if (write(in[1], req, strlen(req)) < 0)
		return -1;
	close(in[1]);
	while (read(out[0], buf, sizeof(buf)) > 0)
		;
	close(out[0]);
	waitpid(pid, &st, 0);
	memset(buf, 0, sizeof(buf));
	return now_ms() - t0;
}

/* "@FILE": the string in FILE (a copy of its own), else the argument */
static char *arg_string(char *a)
{
	char buf[4096];
	size_t n;
	FILE *f;

	if (a[0] != '@')
		return a;
	f = fopen(a + 1, "r");
	if (!f)
		return a;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	a = strdup(buf);
	memset(buf, 0, sizeof(buf));
	return a;
}

static double median(double *t, int n)
{
	qsort(t, (size_t)n, sizeof(*t), cmp);
	return t[n / 2];
}

/*
 * Plain, hook and (given a helper) one 'HELPER get' in turn, n times
 * after 5 to warm up: each pair meets the same moment of the machine and
 * the server, so the median of the differences holds where two medians
 * taken a minute apart would not.
 */
static int run(SQLHENV env, const char *hook_cs, const char *plain_cs,
	       const char *helper, const char *req, int n)
{
	double *t = calloc((size_t)n * 5, sizeof(*t)), x;
	double *plain = t, *hook = t + n, *get = t + 2 * n, *diff = t + 3 * n;
	double *own = t + 4 * n;
	int i, ret = -1;

	if (!t)
		return -1;
	for (i = 0; i < 5; i++)
		if (connect_once(env, plain_cs, &x) ||
		    connect_once(env, hook_cs, &x))
			goto out;
	for (i = 0; i < n; i++) {
		if (connect_once(env, plain_cs, &plain[i]) ||
		    connect_once(env, hook_cs, &hook[i]))
			goto out;
		get[i] = helper ? helper_once(helper, req) : 0;
		if (get[i] < 0)
			goto out;
		diff[i] = hook[i] - plain[i];
		own[i] = diff[i] - get[i];
	}
	printf("plain  connects: %d  median %.3f ms\n", n, median(plain, n));
	printf("hook   connects: %d  median %.3f ms\n", n, median(hook, n));
	printf("added by the hook: %.3f ms per connect (median of %d "
	       "interleaved pairs)\n", median(diff, n), n);
	if (helper) {
		printf("one 'tokenpass get': median %.3f ms over %d runs\n",
		       median(get, n), n);
		printf("hook overhead minus one get: %.3f ms (median of each "
		       "pair's; target <= 1 ms)\n", median(own, n));
	}
	ret = 0;
out:
	free(t);
	return ret;
}

int main(int argc, char **argv)
{
	const char *conn, *plain, *helper = NULL;
	char req[1024] = "";
	long rss0, rss1;
	SQLHENV env;
	double x;
	int n = 200, opt, dlen = 0;

	while ((opt = getopt(argc, argv, "wn:")) != -1) {
		if (opt == 'w')
			wide = 1;
		else if (opt == 'n')
			n = (int)strtol(optarg, NULL, 10);
		else
			return 2;
	}
	if (argc - optind != 2 && argc - optind != 5) {
		fprintf(stderr, "usage: odbc-connect [-w] [-n N] HOOK-CONNSTR "
			"PLAIN-CONNSTR [HELPER HOST USER]\n");
		return 2;
	}
	if (n < 1)
		return 2;
	conn = arg_string(argv[optind]);
	plain = arg_string(argv[optind + 1]);
	if (argc - optind == 5) {
		helper = argv[optind + 2];
		/* the request exactly as the hook sends it, dsn= included */
		if (!strncasecmp(conn, "DSN=", 4))
			dlen = (int)strcspn(conn + 4, ";");
		snprintf(req, sizeof(req), "capability[]=authtype\n"
			 "protocol=https\nhost=%s\nusername=%s\n%s%.*s%s\n",
			 argv[optind + 3], argv[optind + 4],
			 dlen ? "dsn=" : "", dlen, conn + 4, dlen ? "\n" : "");
	}
	SQLAllocHandle(SQL_HANDLE_ENV, SQL_NULL_HANDLE, &env);
	SQLSetEnvAttr(env, SQL_ATTR_ODBC_VERSION, (SQLPOINTER)SQL_OV_ODBC3, 0);
	if (connect_once(env, plain, &x))
		return 1;
	rss0 = rss_kib();
	if (connect_once(env, conn, &x))
		return 1;
	rss1 = rss_kib();
	if (run(env, conn, plain, helper, req, n))
		return 1;
	printf("VmRSS added by loading the hook and its first connect: "
	       "%ld KiB (%ld -> %ld KiB)\n", rss1 - rss0, rss0, rss1);
	SQLFreeHandle(SQL_HANDLE_ENV, env);
	return 0;
}
