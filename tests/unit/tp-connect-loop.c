/*
 * tp-connect-loop: open and close many connections in one process and
 * report its resident memory, for the scale test (t0640).
 *
 *   tp-connect-loop N CONNSTR
 *
 * Connects N times with SQLDriverConnect (one environment, a new
 * connection handle each time), printing "rss N KiB" (VmRSS) after the
 * 100th and the Nth connection. Exits 1 at the first failed connect,
 * after printing its diagnostics.
 */
#include <sql.h>
#include <sqlext.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

static void show_diag(SQLHDBC dbc)
{
	SQLCHAR state[6], msg[1024];
	SQLINTEGER native;
	SQLSMALLINT i, len;

	for (i = 1; i < 10; i++) {
		if (!SQL_SUCCEEDED(SQLGetDiagRec(SQL_HANDLE_DBC, dbc, i, state,
						 &native, msg, sizeof(msg),
						 &len)))
			break;
		printf("diag: %s: %s\n", state, msg);
	}
}

int main(int argc, char **argv)
{
	SQLHENV env;
	long n, i;

	if (argc != 3 || (n = strtol(argv[1], NULL, 10)) < 100) {
		fprintf(stderr, "usage: tp-connect-loop N(>=100) CONNSTR\n");
		return 2;
	}
	SQLAllocHandle(SQL_HANDLE_ENV, SQL_NULL_HANDLE, &env);
	SQLSetEnvAttr(env, SQL_ATTR_ODBC_VERSION, (SQLPOINTER)SQL_OV_ODBC3, 0);
	for (i = 1; i <= n; i++) {
		SQLCHAR out[1024];
		SQLSMALLINT outlen;
		SQLHDBC dbc;
		SQLRETURN rc;

		SQLAllocHandle(SQL_HANDLE_DBC, env, &dbc);
		rc = SQLDriverConnect(dbc, NULL, (SQLCHAR *)argv[2], SQL_NTS,
				      out, sizeof(out), &outlen,
				      SQL_DRIVER_NOPROMPT);
		if (!SQL_SUCCEEDED(rc)) {
			printf("connect %ld failed: rc=%d\n", i, rc);
			show_diag(dbc);
			return 1;
		}
		SQLDisconnect(dbc);
		SQLFreeHandle(SQL_HANDLE_DBC, dbc);
		if (i == 100 || i == n) {
			printf("rss %ld %ld KiB\n", i, rss_kib());
			fflush(stdout);
		}
	}
	SQLFreeHandle(SQL_HANDLE_ENV, env);
	return 0;
}
