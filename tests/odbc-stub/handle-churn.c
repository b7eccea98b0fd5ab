/*
 * tp-handle-churn: connect and drop many connections in one process, each
 * leaving statements it never frees, and show the heap in use; or make a
 * statement handle dangle in a process with two drivers.
 *
 *   tp-handle-churn [-k K] [-F] LIB N CONNSTR
 *     through LIB (a driver manager, or the hook itself called as a
 *     driver manager would): N times allocate a connection, connect,
 *     allocate K statements (default 4), then SQLDisconnect and
 *     SQLFreeHandle the connection (-F: free it still connected, which
 *     only the hook itself accepts). Prints "heap I BYTES" after the
 *     N/5th and the Nth connection: the bytes malloc has handed out and
 *     not got back (ASan's count in the sanitizer build).
 *
 *   tp-handle-churn -r LIB CONNSTR_A CONNSTR_B
 *     connection A (one driver) allocates a statement, connection B
 *     (another driver) stays open, A is disconnected and freed; then a
 *     call on A's statement must give SQL_INVALID_HANDLE, not reach a
 *     driver that freed it. Prints "dangling rc=RC" and exits 0.
 *
 * Exit 1 at a failed call, with its diagnostics. Test code only.
 */
#include <dlfcn.h>
#include <malloc.h>
#include <sql.h>
#include <sqlext.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/*
 * The clock stands still in this process (linked with -export-dynamic,
 * so this time() is the one libodbcinst calls): unixODBC's ini cache
 * forgets an answer 20 s after it gave it, and with no answer ever
 * expiring, what the cache keeps is all there to see, however slowly a
 * loaded machine connects.
 */
time_t time(time_t *t)
{
	if (t)
		*t = 1700000000;
	return 1700000000;
}

/* ASan's own count when built with it; malloc's otherwise */
extern size_t __sanitizer_get_current_allocated_bytes(void)
	__attribute__((weak));

static SQLRETURN (SQL_API *alloc)(SQLSMALLINT, SQLHANDLE, SQLHANDLE *);
static SQLRETURN (SQL_API *freeh)(SQLSMALLINT, SQLHANDLE);
static SQLRETURN (SQL_API *setenv_)(SQLHENV, SQLINTEGER, SQLPOINTER,
				    SQLINTEGER);
static SQLRETURN (SQL_API *dconnect)(SQLHDBC, SQLHWND, SQLCHAR *,
				     SQLSMALLINT, SQLCHAR *, SQLSMALLINT,
				     SQLSMALLINT *, SQLUSMALLINT);
static SQLRETURN (SQL_API *disconnect)(SQLHDBC);
static SQLRETURN (SQL_API *diagrec)(SQLSMALLINT, SQLHANDLE, SQLSMALLINT,
				    SQLCHAR *, SQLINTEGER *, SQLCHAR *,
				    SQLSMALLINT, SQLSMALLINT *);

static size_t heap(void)
{
	if (__sanitizer_get_current_allocated_bytes)
		return __sanitizer_get_current_allocated_bytes();
	return mallinfo2().uordblks;
}

static void *sym(void *lib, const char *name)
{
	void *f = dlsym(lib, name);

	if (!f) {
		fprintf(stderr, "tp-handle-churn: no %s\n", name);
		exit(1);
	}
	return f;
}

static void load(const char *path)
{
	void *lib = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	void *f;

	if (!lib) {
		fprintf(stderr, "tp-handle-churn: %s\n", dlerror());
		exit(1);
	}
	f = sym(lib, "SQLAllocHandle");
	memcpy(&alloc, &f, sizeof(f));
	f = sym(lib, "SQLFreeHandle");
	memcpy(&freeh, &f, sizeof(f));
	f = sym(lib, "SQLSetEnvAttr");
	memcpy(&setenv_, &f, sizeof(f));
	f = sym(lib, "SQLDriverConnect");
	memcpy(&dconnect, &f, sizeof(f));
	f = sym(lib, "SQLDisconnect");
	memcpy(&disconnect, &f, sizeof(f));
	f = sym(lib, "SQLGetDiagRec");
	memcpy(&diagrec, &f, sizeof(f));
}

static void fail(SQLSMALLINT type, SQLHANDLE h, const char *what)
{
	SQLCHAR state[6], msg[512];
	SQLINTEGER native;
	SQLSMALLINT len;

	printf("%s failed\n", what);
	if (h && SQL_SUCCEEDED(diagrec(type, h, 1, state, &native, msg,
				       sizeof(msg), &len)))
		printf("diag: %s: %s\n", state, msg);
	exit(1);
}

static SQLHDBC connect_to(SQLHENV env, const char *cs)
{
	SQLHDBC dbc = NULL;

	if (!SQL_SUCCEEDED(alloc(SQL_HANDLE_DBC, env, &dbc)))
		fail(SQL_HANDLE_ENV, env, "SQLAllocHandle(DBC)");
	if (!SQL_SUCCEEDED(dconnect(dbc, NULL, (SQLCHAR *)cs, SQL_NTS, NULL,
				    0, NULL, SQL_DRIVER_NOPROMPT)))
		fail(SQL_HANDLE_DBC, dbc, "SQLDriverConnect");
	return dbc;
}

static SQLHSTMT stmt_on(SQLHDBC dbc)
{
	SQLHSTMT st = NULL;

	if (!SQL_SUCCEEDED(alloc(SQL_HANDLE_STMT, dbc, &st)))
		fail(SQL_HANDLE_DBC, dbc, "SQLAllocHandle(STMT)");
	return st;
}

static void drop(SQLHDBC dbc, int still_connected)
{
	if (!still_connected && !SQL_SUCCEEDED(disconnect(dbc)))
		fail(SQL_HANDLE_DBC, dbc, "SQLDisconnect");
	if (!SQL_SUCCEEDED(freeh(SQL_HANDLE_DBC, dbc)))
		fail(SQL_HANDLE_DBC, dbc, "SQLFreeHandle(DBC)");
}

static int churn(SQLHENV env, long n, int k, int connected,
		 const char *cs)
{
	long i;
	int j;

	for (i = 1; i <= n; i++) {
		SQLHDBC dbc = connect_to(env, cs);

		for (j = 0; j < k; j++)
			stmt_on(dbc);
		drop(dbc, connected);
		if (i == n / 5 || i == n) {
			printf("heap %ld %zu\n", i, heap());
			fflush(stdout);
		}
	}
	return 0;
}

static int dangle(SQLHENV env, const char *a, const char *b)
{
	SQLHDBC da = connect_to(env, a), db = connect_to(env, b);
	SQLHSTMT sa = stmt_on(da), sb;
	SQLRETURN rc;

	drop(da, 0);
	rc = freeh(SQL_HANDLE_STMT, sa);
	printf("dangling rc=%d\n", rc);
	/* the other driver's handles still work */
	sb = stmt_on(db);
	if (!SQL_SUCCEEDED(freeh(SQL_HANDLE_STMT, sb)))
		fail(SQL_HANDLE_STMT, sb, "SQLFreeHandle(STMT) on B");
	drop(db, 0);
	return 0;
}

int main(int argc, char **argv)
{
	int opt, k = 4, connected = 0, reuse = 0, ret;
	SQLHENV env = NULL;

	while ((opt = getopt(argc, argv, "k:Fr")) != -1) {
		switch (opt) {
		case 'k':
			k = (int)strtol(optarg, NULL, 10);
			break;
		case 'F':
			connected = 1;
			break;
		case 'r':
			reuse = 1;
			break;
		default:
			return 2;
		}
	}
	if (argc - optind != 3) {
		fprintf(stderr, "usage: tp-handle-churn [-k K] [-F] LIB N "
			"CONNSTR | -r LIB CONNSTR_A CONNSTR_B\n");
		return 2;
	}
	load(argv[optind]);
	if (!SQL_SUCCEEDED(alloc(SQL_HANDLE_ENV, SQL_NULL_HANDLE, &env)))
		fail(0, NULL, "SQLAllocHandle(ENV)");
	setenv_(env, SQL_ATTR_ODBC_VERSION, (SQLPOINTER)SQL_OV_ODBC3, 0);
	if (reuse)
		ret = dangle(env, argv[optind + 1], argv[optind + 2]);
	else
		ret = churn(env, strtol(argv[optind + 1], NULL, 10), k,
			    connected, argv[optind + 2]);
	freeh(SQL_HANDLE_ENV, env);
	return ret;
}
