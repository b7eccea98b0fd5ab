/*
 * tp-odbc-client: connect through the driver manager and print what an
 * application sees: the return code, the output connection string and
 * every diagnostic record. For the hook's tests.
 *
 *   tp-odbc-client [-w] [-n OUTMAX] [-r REPEAT] [-q SQL] CONNSTR
 *   tp-odbc-client -c [-w] [-q SQL] DSN UID PWD      (SQLConnect)
 *   tp-odbc-client -m [-q SQL] CONNSTR...             (all open at once)
 *
 * -H makes it an untidy host for the hook's helper: SIGCHLD and SIGUSR1
 * ignored, SIGALRM blocked, 100 inheritable descriptors open.
 */
#include <sql.h>
#include <sqlext.h>
#include <sqlucode.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <fcntl.h>
#include <signal.h>

static SQLWCHAR *widen(const char *s)
{
	size_t i, n = strlen(s);
	SQLWCHAR *w = calloc(n + 1, sizeof(*w));

	for (i = 0; w && i < n; i++)
		w[i] = (unsigned char)s[i];
	return w;
}

static void show_diag(SQLSMALLINT type, SQLHANDLE h, int wide)
{
	SQLSMALLINT i, len;
	SQLINTEGER native;

	for (i = 1; i < 20; i++) {
		SQLCHAR state[6], msg[1024];
		SQLWCHAR wstate[6], wmsg[1024];
		size_t k;

		if (wide) {
			if (!SQL_SUCCEEDED(SQLGetDiagRecW(type, h, i, wstate,
				&native, wmsg, 1024, &len)))
				break;
			for (k = 0; k < 6; k++)
				state[k] = (SQLCHAR)wstate[k];
			for (k = 0; k < 1023 && wmsg[k]; k++)
				msg[k] = (SQLCHAR)(wmsg[k] < 128 ? wmsg[k] : '?');
			msg[k] = '\0';
		} else if (!SQL_SUCCEEDED(SQLGetDiagRec(type, h, i, state,
				&native, msg, sizeof(msg), &len))) {
			break;
		}
		printf("diag: %s: %s\n", state, msg);
	}
}

static void untidy(void)
{
	sigset_t alrm;
	int i;

	signal(SIGCHLD, SIG_IGN);
	signal(SIGUSR1, SIG_IGN);
	sigemptyset(&alrm);
	sigaddset(&alrm, SIGALRM);
	sigprocmask(SIG_BLOCK, &alrm, NULL);
	for (i = 0; i < 100; i++)
		if (open("/dev/null", O_RDONLY) < 0)
			exit(2);
}

/* run sql on dbc and print its first value, or the diagnostics */
static void query(SQLHDBC dbc, const char *sql, const char *tag)
{
	SQLHSTMT st;
	char val[256];
	SQLLEN ind;

	SQLAllocHandle(SQL_HANDLE_STMT, dbc, &st);
	if (SQL_SUCCEEDED(SQLExecDirect(st, (SQLCHAR *)sql, SQL_NTS)) &&
	    SQL_SUCCEEDED(SQLFetch(st)) &&
	    SQL_SUCCEEDED(SQLGetData(st, 1, SQL_C_CHAR, val, sizeof(val),
				     &ind)))
		printf("%srow: %s\n", tag, val);
	else
		show_diag(SQL_HANDLE_STMT, st, 0);
	SQLFreeHandle(SQL_HANDLE_STMT, st);
}

/* connect every string in turn, all open at once, then query each */
static int many(int n, char **cs, const char *sql)
{
	SQLHDBC dbc[16];
	SQLRETURN rc[16];
	SQLHENV env;
	char tag[32];
	int i, ok = 1;

	if (n > 16)
		return 2;
	SQLAllocHandle(SQL_HANDLE_ENV, SQL_NULL_HANDLE, &env);
	SQLSetEnvAttr(env, SQL_ATTR_ODBC_VERSION, (SQLPOINTER)SQL_OV_ODBC3, 0);
	for (i = 0; i < n; i++) {
		SQLAllocHandle(SQL_HANDLE_DBC, env, &dbc[i]);
		rc[i] = SQLDriverConnect(dbc[i], NULL, (SQLCHAR *)cs[i],
					 SQL_NTS, NULL, 0, NULL,
					 SQL_DRIVER_NOPROMPT);
		printf("%d: rc=%d\n", i, rc[i]);
		show_diag(SQL_HANDLE_DBC, dbc[i], 0);
		if (!SQL_SUCCEEDED(rc[i]))
			ok = 0;
	}
	for (i = 0; i < n; i++) {
		if (SQL_SUCCEEDED(rc[i]) && sql) {
			snprintf(tag, sizeof(tag), "%d: ", i);
			query(dbc[i], sql, tag);
		}
	}
	for (i = 0; i < n; i++) {
		if (SQL_SUCCEEDED(rc[i]))
			SQLDisconnect(dbc[i]);
		SQLFreeHandle(SQL_HANDLE_DBC, dbc[i]);
	}
	SQLFreeHandle(SQL_HANDLE_ENV, env);
	return ok ? 0 : 1;
}

int main(int argc, char **argv)
{
	int wide = 0, use_connect = 0, outmax = 4096, repeat = 1, opt, r;
	int multi = 0;
	const char *sql = NULL;
	SQLHENV env;
	SQLHDBC dbc;
	SQLRETURN rc = SQL_ERROR;

	while ((opt = getopt(argc, argv, "cmwHn:q:r:")) != -1) {
		switch (opt) {
		case 'm': multi = 1; break;
		case 'H': untidy(); break;
		case 'c': use_connect = 1; break;
		case 'w': wide = 1; break;
		case 'n': outmax = (int)strtol(optarg, NULL, 10); break;
		case 'q': sql = optarg; break;
		case 'r': repeat = (int)strtol(optarg, NULL, 10); break;
		default: return 2;
		}
	}
	if (multi)
		return many(argc - optind, argv + optind, sql);
	if (optind + (use_connect ? 3 : 1) != argc)
		return 2;
	SQLAllocHandle(SQL_HANDLE_ENV, SQL_NULL_HANDLE, &env);
	SQLSetEnvAttr(env, SQL_ATTR_ODBC_VERSION, (SQLPOINTER)SQL_OV_ODBC3, 0);
	for (r = 0; r < repeat; r++) {
		SQLSMALLINT outlen = -1;
		char out[8192] = "";
		SQLWCHAR wout[8192];

		SQLAllocHandle(SQL_HANDLE_DBC, env, &dbc);
		if (use_connect && wide) {
			SQLWCHAR *d = widen(argv[optind]);
			SQLWCHAR *u = widen(argv[optind + 1]);
			SQLWCHAR *p = widen(argv[optind + 2]);

			rc = SQLConnectW(dbc, d, SQL_NTS, u, SQL_NTS, p,
					 SQL_NTS);
			free(d);
			free(u);
			free(p);
		} else if (use_connect) {
			rc = SQLConnect(dbc, (SQLCHAR *)argv[optind], SQL_NTS,
					(SQLCHAR *)argv[optind + 1], SQL_NTS,
					(SQLCHAR *)argv[optind + 2], SQL_NTS);
		} else if (wide) {
			SQLWCHAR *in = widen(argv[optind]);
			int k;

			rc = SQLDriverConnectW(dbc, NULL, in, SQL_NTS, wout,
					       (SQLSMALLINT)outmax, &outlen,
					       SQL_DRIVER_NOPROMPT);
			for (k = 0; SQL_SUCCEEDED(rc) && k < 8191 &&
			     k < outmax && wout[k]; k++)
				out[k] = (char)(wout[k] < 128 ? wout[k] : '?');
			out[SQL_SUCCEEDED(rc) ? k : 0] = '\0';
			free(in);
		} else {
			rc = SQLDriverConnect(dbc, NULL,
					      (SQLCHAR *)argv[optind], SQL_NTS,
					      (SQLCHAR *)out,
					      (SQLSMALLINT)outmax, &outlen,
					      SQL_DRIVER_NOPROMPT);
		}
		printf("rc=%d\n", rc);
		if (!use_connect && SQL_SUCCEEDED(rc))
			printf("out=%s\noutlen=%d\n", out, outlen);
		show_diag(SQL_HANDLE_DBC, dbc, wide);
		if (SQL_SUCCEEDED(rc) && sql)
			query(dbc, sql, "");
		if (SQL_SUCCEEDED(rc))
			SQLDisconnect(dbc);
		SQLFreeHandle(SQL_HANDLE_DBC, dbc);
	}
	SQLFreeHandle(SQL_HANDLE_ENV, env);
	return SQL_SUCCEEDED(rc) ? 0 : 1;
}
