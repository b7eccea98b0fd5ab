/*
 * tp-iodbc-w: a small Unicode ODBC application for iODBC, where SQLWCHAR
 * is wchar_t (4 bytes here). Built against unixODBC's headers with
 * -DSQL_WCHART_CONVERT and linked to libiodbc.so.2, it calls only the W
 * functions: SQLConnectW with a DSN name, or SQLDriverConnectW with a
 * connection string (an argument with '='), then SQLExecDirectW of
 * $CL_QUERY and SQLGetData as SQL_C_WCHAR. Prints each row's first
 * column, 'out=' and the output connection string, and every diagnostic
 * record of a failure.
 */
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include <sql.h>
#include <sqlext.h>

static wchar_t *widen(const char *s)
{
	size_t n = mbstowcs(NULL, s, 0);
	wchar_t *w;

	if (n == (size_t)-1)
		return NULL;
	w = calloc(n + 1, sizeof(*w));
	if (w)
		mbstowcs(w, s, n + 1);
	return w;
}

static void diag(SQLSMALLINT type, SQLHANDLE h, const char *what)
{
	SQLWCHAR state[6], msg[1024];
	SQLINTEGER native;
	SQLSMALLINT len, i;

	fprintf(stderr, "%s failed\n", what);
	for (i = 1; ; i++) {
		if (!SQL_SUCCEEDED(SQLGetDiagRecW(type, h, i, state, &native,
						  msg, 1024, &len)))
			break;
		fprintf(stderr, "[%ls] %ls\n", (wchar_t *)state,
			(wchar_t *)msg);
	}
}

int main(int argc, char **argv)
{
	SQLHENV env = SQL_NULL_HENV;
	SQLHDBC dbc = SQL_NULL_HDBC;
	SQLHSTMT stmt = SQL_NULL_HSTMT;
	SQLWCHAR out[1024], cell[256];
	SQLSMALLINT outlen;
	SQLLEN ind;
	SQLRETURN rc;
	wchar_t *cs = NULL, *query = NULL;
	const char *q = getenv("CL_QUERY");
	int connected = 0, ret = 1;

	setlocale(LC_ALL, "");
	if (argc != 2 || !q) {
		fprintf(stderr, "usage: CL_QUERY=SQL tp-iodbc-w DSN|CONNSTR\n");
		return 2;
	}
	cs = widen(argv[1]);
	query = widen(q);
	if (!cs || !query) {
		fprintf(stderr, "cannot convert the arguments\n");
		goto out;
	}
	if (!SQL_SUCCEEDED(SQLAllocHandle(SQL_HANDLE_ENV, SQL_NULL_HANDLE,
					  &env)) ||
	    !SQL_SUCCEEDED(SQLSetEnvAttr(env, SQL_ATTR_ODBC_VERSION,
					 (SQLPOINTER)SQL_OV_ODBC3, 0)) ||
	    !SQL_SUCCEEDED(SQLAllocHandle(SQL_HANDLE_DBC, env, &dbc))) {
		fprintf(stderr, "cannot allocate the handles\n");
		goto out;
	}
	if (strchr(argv[1], '=')) {
		rc = SQLDriverConnectW(dbc, NULL, (SQLWCHAR *)cs, SQL_NTS,
				       out, 1024, &outlen, SQL_DRIVER_NOPROMPT);
		if (SQL_SUCCEEDED(rc))
			printf("out=%ls\n", (wchar_t *)out);
	} else {
		rc = SQLConnectW(dbc, (SQLWCHAR *)cs, SQL_NTS, NULL, 0,
				 NULL, 0);
	}
	if (!SQL_SUCCEEDED(rc)) {
		diag(SQL_HANDLE_DBC, dbc, "connect");
		goto out;
	}
	connected = 1;
	if (!SQL_SUCCEEDED(SQLAllocHandle(SQL_HANDLE_STMT, dbc, &stmt))) {
		diag(SQL_HANDLE_DBC, dbc, "SQLAllocHandle");
		goto out;
	}
	if (!SQL_SUCCEEDED(SQLExecDirectW(stmt, (SQLWCHAR *)query,
					  SQL_NTS))) {
		diag(SQL_HANDLE_STMT, stmt, "SQLExecDirectW");
		goto out;
	}
	while ((rc = SQLFetch(stmt)) != SQL_NO_DATA) {
		if (!SQL_SUCCEEDED(rc)) {
			diag(SQL_HANDLE_STMT, stmt, "SQLFetch");
			goto out;
		}
		rc = SQLGetData(stmt, 1, SQL_C_WCHAR, cell, sizeof(cell),
				&ind);
		if (!SQL_SUCCEEDED(rc)) {
			diag(SQL_HANDLE_STMT, stmt, "SQLGetData");
			goto out;
		}
		printf("%ls\n", (wchar_t *)cell);
	}
	ret = 0;
out:
	if (stmt != SQL_NULL_HSTMT)
		SQLFreeHandle(SQL_HANDLE_STMT, stmt);
	if (connected)
		SQLDisconnect(dbc);
	if (dbc != SQL_NULL_HDBC)
		SQLFreeHandle(SQL_HANDLE_DBC, dbc);
	if (env != SQL_NULL_HENV)
		SQLFreeHandle(SQL_HANDLE_ENV, env);
	free(cs);
	free(query);
	return ret;
}
