/*
 * tp-wchar-data: SQL_C_WCHAR data buffers through the hook. Built twice:
 * for unixODBC (SQLWCHAR is 2-byte UTF-16) and for iODBC (with
 * SQL_WCHART_CONVERT, SQLWCHAR is wchar_t: 4-byte UTF-32).
 *
 *   tp-wchar-data CONNSTR TABLE [converted]
 *
 * Creates TABLE (id int, name text), inserts non-ASCII names through
 * SQLBindParameter SQL_C_WCHAR (one at a time with SQL_NTS and with byte
 * lengths, a NULL, then an array of 3 by column and by row), reads them
 * back through SQLBindCol SQL_C_WCHAR (one row, a row array of 3 by
 * column, by row with a bind offset, cut values) and checks every code
 * unit and indicator; with 'converted' (the hook converts for this
 * target), that what it does not convert fails with HYC00. Prints
 * "ok: ..." or "FAIL: ..." per check; exit 0 when every check passed.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sql.h>
#include <sqlext.h>
#include <sqlucode.h>

#define W_MAX 64

static int failed;
static SQLHSTMT stmt;

static const char *const names[] = {
	"Z\303\274rich",
	"\316\225\316\273\316\273\316\254\316\264\316\261",
	"\346\235\261\344\272\254",
	"\360\237\230\200 ok",
};
#define NAMES 4

/* UTF-8 to SQLWCHAR (UTF-16 or UTF-32 by its size); the unit count */
static size_t widen(const char *s, SQLWCHAR *w, size_t max)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = 0;
	uint32_t c;
	int more;

	while (*p && n + 2 < max) {
		if (*p < 0x80) {
			c = *p++;
			more = 0;
		} else if (*p < 0xe0) {
			c = *p++ & 0x1f;
			more = 1;
		} else if (*p < 0xf0) {
			c = *p++ & 0x0f;
			more = 2;
		} else {
			c = *p++ & 0x07;
			more = 3;
		}
		while (more-- && *p)
			c = c << 6 | (*p++ & 0x3f);
		if (sizeof(SQLWCHAR) == 2 && c > 0xffff) {
			c -= 0x10000;
			w[n++] = (SQLWCHAR)(0xd800 + (c >> 10));
			w[n++] = (SQLWCHAR)(0xdc00 + (c & 0x3ff));
		} else {
			w[n++] = (SQLWCHAR)c;
		}
	}
	w[n] = 0;
	return n;
}

static void check(int ok, const char *what, long a, long b)
{
	if (ok) {
		printf("ok: %s\n", what);
		return;
	}
	printf("FAIL: %s (%ld, %ld)\n", what, a, b);
	failed = 1;
}

static void diag(SQLSMALLINT type, SQLHANDLE h, const char *what)
{
	SQLCHAR state[6], msg[512];
	SQLINTEGER native;
	SQLSMALLINT len, i;

	for (i = 1; SQL_SUCCEEDED(SQLGetDiagRec(type, h, i, state, &native,
						msg, sizeof(msg), &len)); i++)
		printf("diag: %s: [%s] %s\n", what, state, msg);
}

static int run(SQLRETURN rc, const char *what)
{
	if (SQL_SUCCEEDED(rc))
		return 0;
	printf("FAIL: %s returned %d\n", what, rc);
	diag(SQL_HANDLE_STMT, stmt, what);
	failed = 1;
	return -1;
}

static int exec_w(const char *sql)
{
	SQLWCHAR w[512];

	widen(sql, w, 512);
	return run(SQLExecDirectW(stmt, w, SQL_NTS), sql);
}

/* the cell has exactly name's code units and the indicator its bytes */
static void check_cell(const SQLWCHAR *cell, SQLLEN ind, const char *name,
		       const char *what)
{
	SQLWCHAR want[W_MAX];
	size_t n = widen(name, want, W_MAX);
	char line[160];

	snprintf(line, sizeof(line), "%s: '%s' code units", what, name);
	check(memcmp(cell, want, (n + 1) * sizeof(SQLWCHAR)) == 0, line,
	      (long)cell[0], (long)want[0]);
	snprintf(line, sizeof(line), "%s: '%s' length in bytes", what, name);
	check(ind == (SQLLEN)(n * sizeof(SQLWCHAR)), line, (long)ind,
	      (long)(n * sizeof(SQLWCHAR)));
}

static int state_is(const char *want)
{
	SQLCHAR state[6] = "", msg[512];
	SQLINTEGER native;
	SQLSMALLINT len, i;

	for (i = 1; SQL_SUCCEEDED(SQLGetDiagRec(SQL_HANDLE_STMT, stmt, i,
						state, &native, msg,
						sizeof(msg), &len)); i++)
		if (strcmp((char *)state, want) == 0)
			return 1;
	return 0;
}

static void insert(const char *table)
{
	SQLWCHAR buf[3][W_MAX];
	SQLLEN ind[3];
	SQLINTEGER id[3];
	struct {
		SQLINTEGER id;
		SQLLEN id_ind;
		SQLWCHAR name[W_MAX];
		SQLLEN ind;
	} rows[3];
	SQLWCHAR wsql[160];
	char sql[160];
	int i;

	snprintf(sql, sizeof(sql), "insert into %s values (?, ?)", table);
	widen(sql, wsql, 160);
	if (run(SQLPrepareW(stmt, wsql, SQL_NTS), "SQLPrepareW"))
		return;
	/* one at a time: ids 1-4, SQL_NTS and byte lengths by turns */
	if (run(SQLBindParameter(stmt, 1, SQL_PARAM_INPUT, SQL_C_SLONG,
				 SQL_INTEGER, 0, 0, id, 0, NULL), "bind id") ||
	    run(SQLBindParameter(stmt, 2, SQL_PARAM_INPUT, SQL_C_WCHAR,
				 SQL_WVARCHAR, 40, 0, buf[0], sizeof(buf[0]),
				 ind), "bind name"))
		return;
	for (i = 0; i < NAMES; i++) {
		id[0] = i + 1;
		ind[0] = (SQLLEN)(widen(names[i], buf[0], W_MAX) *
				  sizeof(SQLWCHAR));
		if (i % 2)
			ind[0] = SQL_NTS;
		if (run(SQLExecute(stmt), "SQLExecute"))
			return;
	}
	id[0] = 5;
	ind[0] = SQL_NULL_DATA;
	if (run(SQLExecute(stmt), "SQLExecute NULL"))
		return;
	/* by column: ids 11-13 */
	if (run(SQLSetStmtAttr(stmt, SQL_ATTR_PARAMSET_SIZE, (SQLPOINTER)3,
			       0), "PARAMSET_SIZE"))
		return;
	for (i = 0; i < 3; i++) {
		id[i] = 11 + i;
		ind[i] = (SQLLEN)(widen(names[i + 1], buf[i], W_MAX) *
				  sizeof(SQLWCHAR));
	}
	if (run(SQLExecute(stmt), "SQLExecute array by column"))
		return;
	/* by row: ids 21-23 */
	for (i = 0; i < 3; i++) {
		rows[i].id = 21 + i;
		rows[i].id_ind = 0;
		widen(names[i], rows[i].name, W_MAX);
		rows[i].ind = SQL_NTS;
	}
	if (run(SQLSetStmtAttr(stmt, SQL_ATTR_PARAM_BIND_TYPE,
			       (SQLPOINTER)sizeof(rows[0]), 0),
		"PARAM_BIND_TYPE") ||
	    run(SQLBindParameter(stmt, 1, SQL_PARAM_INPUT, SQL_C_SLONG,
				 SQL_INTEGER, 0, 0, &rows[0].id, 0,
				 &rows[0].id_ind), "bind id by row") ||
	    run(SQLBindParameter(stmt, 2, SQL_PARAM_INPUT, SQL_C_WCHAR,
				 SQL_WVARCHAR, 40, 0, rows[0].name,
				 sizeof(rows[0].name), &rows[0].ind),
		"bind name by row") ||
	    run(SQLExecute(stmt), "SQLExecute array by row"))
		return;
	SQLFreeStmt(stmt, SQL_RESET_PARAMS);
	SQLSetStmtAttr(stmt, SQL_ATTR_PARAMSET_SIZE, (SQLPOINTER)1, 0);
	SQLSetStmtAttr(stmt, SQL_ATTR_PARAM_BIND_TYPE,
		       (SQLPOINTER)SQL_PARAM_BIND_BY_COLUMN, 0);
	check(1, "inserted through SQLBindParameter SQL_C_WCHAR", 0, 0);
}

static int select_ids(const char *table, const char *cond)
{
	char sql[200];

	SQLFreeStmt(stmt, SQL_CLOSE);
	snprintf(sql, sizeof(sql), "select name from %s where %s order by id",
		 table, cond);
	return exec_w(sql);
}

/* one row at a time, ids 1-5: the four names and a NULL */
static void read_single(const char *table)
{
	SQLWCHAR cell[W_MAX];
	SQLLEN ind;
	int i;

	if (select_ids(table, "id <= 5") ||
	    run(SQLBindCol(stmt, 1, SQL_C_WCHAR, cell, sizeof(cell), &ind),
		"SQLBindCol"))
		return;
	for (i = 0; i < NAMES; i++) {
		if (run(SQLFetch(stmt), "SQLFetch"))
			return;
		check_cell(cell, ind, names[i], "single row");
	}
	if (run(SQLFetch(stmt), "SQLFetch NULL"))
		return;
	check(ind == SQL_NULL_DATA, "single row: NULL", (long)ind, 0);
	check(SQLFetch(stmt) == SQL_NO_DATA, "single row: the end", 0, 0);
	SQLFreeStmt(stmt, SQL_UNBIND);
}

/* row arrays of 3: by column over ids 11-13, by row over 21-23 */
static void read_arrays(const char *table)
{
	SQLWCHAR cells[3][W_MAX];
	SQLLEN inds[3];
	SQLULEN fetched = 0;
	struct {
		SQLLEN ind;
		SQLWCHAR name[W_MAX];
	} rows[6];
	SQLLEN off = (SQLLEN)(3 * sizeof(rows[0]));
	int i;

	memset(rows, 0, sizeof(rows));
	if (run(SQLSetStmtAttr(stmt, SQL_ATTR_ROW_ARRAY_SIZE, (SQLPOINTER)3,
			       0), "ROW_ARRAY_SIZE") ||
	    run(SQLSetStmtAttr(stmt, SQL_ATTR_ROWS_FETCHED_PTR, &fetched, 0),
		"ROWS_FETCHED_PTR") ||
	    select_ids(table, "id between 11 and 13") ||
	    run(SQLBindCol(stmt, 1, SQL_C_WCHAR, cells, sizeof(cells[0]),
			   inds), "SQLBindCol array") ||
	    run(SQLFetch(stmt), "SQLFetch array by column"))
		return;
	check(fetched == 3, "array by column: 3 rows", (long)fetched, 3);
	for (i = 0; i < 3; i++)
		check_cell(cells[i], inds[i], names[i + 1], "array by column");
	SQLFreeStmt(stmt, SQL_UNBIND);
	/* by row, into rows[3..5] through the bind offset */
	if (run(SQLSetStmtAttr(stmt, SQL_ATTR_ROW_BIND_TYPE,
			       (SQLPOINTER)sizeof(rows[0]), 0),
		"ROW_BIND_TYPE") ||
	    run(SQLSetStmtAttr(stmt, SQL_ATTR_ROW_BIND_OFFSET_PTR, &off, 0),
		"ROW_BIND_OFFSET_PTR") ||
	    select_ids(table, "id between 21 and 23") ||
	    run(SQLBindCol(stmt, 1, SQL_C_WCHAR, rows[0].name,
			   sizeof(rows[0].name), &rows[0].ind),
		"SQLBindCol by row") ||
	    run(SQLFetch(stmt), "SQLFetch array by row"))
		return;
	check(fetched == 3, "array by row: 3 rows", (long)fetched, 3);
	for (i = 0; i < 3; i++)
		check_cell(rows[i + 3].name, rows[i + 3].ind, names[i],
			   "array by row, bind offset");
	check(rows[0].name[0] == 0 && rows[0].ind == 0,
	      "array by row: nothing before the offset", (long)rows[0].ind, 0);
	SQLFreeStmt(stmt, SQL_UNBIND);
	SQLSetStmtAttr(stmt, SQL_ATTR_ROW_BIND_OFFSET_PTR, NULL, 0);
	SQLSetStmtAttr(stmt, SQL_ATTR_ROW_BIND_TYPE,
		       (SQLPOINTER)SQL_BIND_BY_COLUMN, 0);
	SQLSetStmtAttr(stmt, SQL_ATTR_ROW_ARRAY_SIZE, (SQLPOINTER)1, 0);
	SQLSetStmtAttr(stmt, SQL_ATTR_ROWS_FETCHED_PTR, NULL, 0);
}

/* 4 units: "Z\xfcr" and 01004, the indicator the whole length */
static void read_cut(const char *table)
{
	SQLWCHAR cells[3][4], want[W_MAX];
	SQLLEN inds[3];
	SQLRETURN rc;
	char sql[200];
	int i;

	if (select_ids(table, "id = 1") ||
	    run(SQLBindCol(stmt, 1, SQL_C_WCHAR, cells[0], sizeof(cells[0]),
			   inds), "SQLBindCol cut"))
		return;
	rc = SQLFetch(stmt);
	check(rc == SQL_SUCCESS_WITH_INFO, "cut: SQL_SUCCESS_WITH_INFO",
	      rc, SQL_SUCCESS_WITH_INFO);
	check(state_is("01004"), "cut: 01004", 0, 0);
	widen("Z\303\274r", want, W_MAX);
	check(memcmp(cells[0], want, 4 * sizeof(SQLWCHAR)) == 0,
	      "cut: the first three characters", (long)cells[0][2], 'r');
	check(inds[0] == (SQLLEN)(6 * sizeof(SQLWCHAR)),
	      "cut: the indicator is the whole length", (long)inds[0],
	      (long)(6 * sizeof(SQLWCHAR)));
	SQLFreeStmt(stmt, SQL_UNBIND);
	/* a row array: Zurich and the two short ones */
	SQLSetStmtAttr(stmt, SQL_ATTR_ROW_ARRAY_SIZE, (SQLPOINTER)3, 0);
	if (select_ids(table, "id in (1, 2, 3)") ||
	    run(SQLBindCol(stmt, 1, SQL_C_WCHAR, cells, sizeof(cells[0]),
			   inds), "SQLBindCol cut array"))
		return;
	rc = SQLFetch(stmt);
	check(rc == SQL_SUCCESS_WITH_INFO, "cut array: SQL_SUCCESS_WITH_INFO",
	      rc, SQL_SUCCESS_WITH_INFO);
	for (i = 0; i < 3; i++) {
		size_t n = widen(names[i], want, W_MAX);

		check(inds[i] == (SQLLEN)(n * sizeof(SQLWCHAR)),
		      "cut array: each indicator the whole length",
		      (long)inds[i], (long)(n * sizeof(SQLWCHAR)));
	}
	check(cells[2][0] == 0x6771 && cells[2][2] == 0,
	      "cut array: a value that fits is whole", (long)cells[2][0],
	      0x6771);
	SQLFreeStmt(stmt, SQL_UNBIND);
	/* longer than any copy the hook keeps: measured whole */
	SQLFreeStmt(stmt, SQL_CLOSE);
	snprintf(sql, sizeof(sql), "select repeat(name, 7) from %s where id "
		 "in (1, 2, 3) order by id", table);
	if (exec_w(sql) ||
	    run(SQLBindCol(stmt, 1, SQL_C_WCHAR, cells, sizeof(cells[0]),
			   inds), "SQLBindCol long"))
		return;
	rc = SQLFetch(stmt);
	check(rc == SQL_SUCCESS_WITH_INFO, "long: SQL_SUCCESS_WITH_INFO",
	      rc, SQL_SUCCESS_WITH_INFO);
	for (i = 0; i < 3; i++) {
		size_t k = strlen(names[i]), n, j;

		for (j = 0; j < 7; j++)
			memcpy(sql + j * k, names[i], k);
		sql[7 * k] = 0;
		n = widen(sql, want, W_MAX) / 7;
		check(inds[i] == (SQLLEN)(7 * n * sizeof(SQLWCHAR)),
		      "long: each indicator the whole length",
		      (long)inds[i], (long)(7 * n * sizeof(SQLWCHAR)));
		check(memcmp(cells[i], want, 3 * sizeof(SQLWCHAR)) == 0 &&
		      cells[i][3] == 0, "long: the first three characters",
		      (long)cells[i][0], (long)want[0]);
	}
	SQLFreeStmt(stmt, SQL_UNBIND);
	SQLSetStmtAttr(stmt, SQL_ATTR_ROW_ARRAY_SIZE, (SQLPOINTER)1, 0);
}

/* what is not converted fails with HYC00, never with wrong data */
static void refusals(const char *table)
{
	SQLWCHAR cell[W_MAX] = { 'x', 0 };
	SQLLEN ind = SQL_DATA_AT_EXEC;
	SQLHDESC ard = NULL;
	SQLRETURN rc;
	char sql[160];

	rc = SQLBindParameter(stmt, 1, SQL_PARAM_OUTPUT, SQL_C_WCHAR,
			      SQL_WVARCHAR, 40, 0, cell, sizeof(cell), &ind);
	check(rc == SQL_ERROR && state_is("HYC00"),
	      "refused: a SQL_C_WCHAR output parameter", rc, SQL_ERROR);
	SQLFreeStmt(stmt, SQL_CLOSE);
	snprintf(sql, sizeof(sql), "select name from %s where id = ?", table);
	{
		SQLWCHAR w[160];

		widen(sql, w, 160);
		rc = SQLPrepareW(stmt, w, SQL_NTS);
	}
	if (run(rc, "SQLPrepareW") ||
	    run(SQLBindParameter(stmt, 1, SQL_PARAM_INPUT, SQL_C_WCHAR,
				 SQL_WVARCHAR, 40, 0, cell, sizeof(cell),
				 &ind), "bind at execution"))
		return;
	rc = SQLExecute(stmt);
	check(rc == SQL_ERROR && state_is("HYC00"),
	      "refused: SQL_C_WCHAR data at execution", rc, SQL_ERROR);
	SQLFreeStmt(stmt, SQL_RESET_PARAMS);
	if (select_ids(table, "id = 1") ||
	    run(SQLGetStmtAttr(stmt, SQL_ATTR_APP_ROW_DESC, &ard, 0, NULL),
		"the ARD") ||
	    run(SQLSetDescField(ard, 1, SQL_DESC_CONCISE_TYPE,
				(SQLPOINTER)SQL_C_WCHAR, 0), "ARD type") ||
	    run(SQLSetDescField(ard, 1, SQL_DESC_OCTET_LENGTH,
				(SQLPOINTER)sizeof(cell), 0), "ARD length") ||
	    run(SQLSetDescField(ard, 1, SQL_DESC_DATA_PTR, cell, 0),
		"ARD data"))
		return;
	rc = SQLFetch(stmt);
	check(rc == SQL_ERROR && state_is("HYC00"),
	      "refused: SQL_C_WCHAR bound through the descriptor", rc,
	      SQL_ERROR);
	check(cell[0] == 'x', "refused: the buffer untouched", cell[0], 'x');
	SQLFreeStmt(stmt, SQL_UNBIND);
}

int main(int argc, char **argv)
{
	SQLHENV env = SQL_NULL_HENV;
	SQLHDBC dbc = SQL_NULL_HDBC;
	SQLWCHAR cs[1024];
	char sql[200];
	int connected = 0;

	if (argc != 3 && argc != 4) {
		fprintf(stderr, "usage: tp-wchar-data CONNSTR TABLE "
			"[converted]\n");
		return 2;
	}
	if (!SQL_SUCCEEDED(SQLAllocHandle(SQL_HANDLE_ENV, SQL_NULL_HANDLE,
					  &env)) ||
	    !SQL_SUCCEEDED(SQLSetEnvAttr(env, SQL_ATTR_ODBC_VERSION,
					 (SQLPOINTER)SQL_OV_ODBC3, 0)) ||
	    !SQL_SUCCEEDED(SQLAllocHandle(SQL_HANDLE_DBC, env, &dbc))) {
		printf("FAIL: cannot allocate the handles\n");
		return 1;
	}
	widen(argv[1], cs, 1024);
	if (!SQL_SUCCEEDED(SQLDriverConnectW(dbc, NULL, cs, SQL_NTS, NULL, 0,
					     NULL, SQL_DRIVER_NOPROMPT))) {
		printf("FAIL: connect\n");
		diag(SQL_HANDLE_DBC, dbc, "connect");
		failed = 1;
		goto out;
	}
	connected = 1;
	if (!SQL_SUCCEEDED(SQLAllocHandle(SQL_HANDLE_STMT, dbc, &stmt))) {
		printf("FAIL: SQLAllocHandle\n");
		failed = 1;
		goto out;
	}
	printf("sqlwchar: %d bytes\n", (int)sizeof(SQLWCHAR));
	snprintf(sql, sizeof(sql), "create table %s (id int, name text)",
		 argv[2]);
	if (exec_w(sql))
		goto out;
	insert(argv[2]);
	read_single(argv[2]);
	read_arrays(argv[2]);
	read_cut(argv[2]);
	if (argc == 4)
		refusals(argv[2]);
	SQLFreeHandle(SQL_HANDLE_STMT, stmt);
out:
	if (connected)
		SQLDisconnect(dbc);
	SQLFreeHandle(SQL_HANDLE_DBC, dbc);
	SQLFreeHandle(SQL_HANDLE_ENV, env);
	return failed;
}
