/*
 * Every standard environment, connection and statement attribute with
 * its type: ODBC 3.8 (sql.h, sqlext.h), unixODBC's and iODBC's own, and
 * the driver-specific ones both driver managers' headers name.
 */
#include "config.h"
#include "plugin/attrs.h"

#include <stdint.h>
#include <string.h>

#define E PX_ATTR_ENV
#define D PX_ATTR_DBC
#define S PX_ATTR_STMT
#define A(id, scope, type) { id, scope, PX_AT_##type, #id }

/* not in every header: iODBC's iodbcext.h and DataDirect's numbers */
#define PX_SQL_APPLICATION_NAME 1051
#define PX_SQL_ATTR_WCHAR_SIZE 1056
#define PX_SQL_ATTR_APP_WCHAR_TYPE 1061
#define PX_SQL_ATTR_APP_UNICODE_TYPE 1064
#define PX_SQL_ATTR_DRIVER_UNICODE_TYPE 1065
#define PX_SQL_ATTR_DBC_INFO_TOKEN 118
#define PX_SQL_ATTR_ASYNC_DBC_EVENT 119
#define PX_SQL_ATTR_ASYNC_DBC_PCALLBACK 120
#define PX_SQL_ATTR_ASYNC_DBC_PCONTEXT 121
#define PX_SQL_ATTR_ASYNC_STMT_PCALLBACK 30
#define PX_SQL_ATTR_ASYNC_STMT_PCONTEXT 31

static const struct px_attr_info table[] = {
	/* environment */
	A(SQL_ATTR_ODBC_VERSION, E, INT),
	A(SQL_ATTR_CONNECTION_POOLING, E, UINT),
	A(SQL_ATTR_CP_MATCH, E, UINT),
	A(SQL_ATTR_OUTPUT_NTS, E, INT),
	A(SQL_ATTR_UNIXODBC_SYSPATH, E, STR),
	A(SQL_ATTR_UNIXODBC_VERSION, E, STR),
	A(SQL_ATTR_UNIXODBC_ENVATTR, E, STR),
	A(PX_SQL_ATTR_APP_UNICODE_TYPE, E, INT),
	A(PX_SQL_ATTR_DRIVER_UNICODE_TYPE, E, INT),
	A(PX_SQL_ATTR_APP_WCHAR_TYPE, E | D, INT),
	A(PX_SQL_ATTR_WCHAR_SIZE, E | D, INT),

	/* connection */
	A(SQL_ATTR_ACCESS_MODE, D, UINT),
	A(SQL_ATTR_AUTOCOMMIT, D, UINT),
	A(SQL_ATTR_LOGIN_TIMEOUT, D, UINT),
	A(SQL_ATTR_TRACE, D, UINT),
	A(SQL_ATTR_TRACEFILE, D, STR),
	A(SQL_ATTR_TRANSLATE_LIB, D, STR),
	A(SQL_ATTR_TRANSLATE_OPTION, D, UINT),
	A(SQL_ATTR_TXN_ISOLATION, D, UINT),
	A(SQL_ATTR_CURRENT_CATALOG, D, STR),
	A(SQL_ATTR_ODBC_CURSORS, D, ULEN),
	A(SQL_ATTR_QUIET_MODE, D, PTR),
	A(SQL_ATTR_PACKET_SIZE, D, UINT),
	A(SQL_ATTR_CONNECTION_TIMEOUT, D, UINT),
	A(SQL_ATTR_DISCONNECT_BEHAVIOR, D, UINT),
	A(SQL_ATTR_ANSI_APP, D, UINT),
	A(SQL_ATTR_RESET_CONNECTION, D, UINT),
	A(SQL_ATTR_ASYNC_DBC_FUNCTIONS_ENABLE, D, UINT),
	A(PX_SQL_ATTR_DBC_INFO_TOKEN, D, PTR),
	A(PX_SQL_ATTR_ASYNC_DBC_EVENT, D, PTR),
	A(PX_SQL_ATTR_ASYNC_DBC_PCALLBACK, D, PTR),
	A(PX_SQL_ATTR_ASYNC_DBC_PCONTEXT, D, PTR),
	A(SQL_ATTR_AUTO_IPD, D, UINT),
	A(SQL_ATTR_METADATA_ID, D, UINT),
	A(SQL_ATTR_ENLIST_IN_DTC, D, PTR),
	A(SQL_ATTR_ENLIST_IN_XA, D, PTR),
	A(SQL_ATTR_CONNECTION_DEAD, D, UINT),
	A(SQL_ATTR_DRIVER_THREADING, D, UINT),
	A(PX_SQL_APPLICATION_NAME, D, STR),

	/* statement (ODBC 2 lets the first ones be set on a connection) */
	A(SQL_ATTR_QUERY_TIMEOUT, D | S, ULEN),
	A(SQL_ATTR_MAX_ROWS, D | S, ULEN),
	A(SQL_ATTR_NOSCAN, D | S, ULEN),
	A(SQL_ATTR_MAX_LENGTH, D | S, ULEN),
	A(SQL_ATTR_ASYNC_ENABLE, D | S, ULEN),
	A(SQL_ATTR_ROW_BIND_TYPE, D | S, ULEN),
	A(SQL_ATTR_CURSOR_TYPE, D | S, ULEN),
	A(SQL_ATTR_CONCURRENCY, D | S, ULEN),
	A(SQL_ATTR_KEYSET_SIZE, D | S, ULEN),
	A(SQL_ROWSET_SIZE, D | S, ULEN),
	A(SQL_ATTR_SIMULATE_CURSOR, D | S, ULEN),
	A(SQL_ATTR_RETRIEVE_DATA, D | S, ULEN),
	A(SQL_ATTR_USE_BOOKMARKS, D | S, ULEN),
	A(SQL_GET_BOOKMARK, S, ULEN),
	A(SQL_ATTR_ROW_NUMBER, S, ULEN),
	A(SQL_ATTR_ENABLE_AUTO_IPD, S, ULEN),
	A(SQL_ATTR_FETCH_BOOKMARK_PTR, S, PTR),
	A(SQL_ATTR_PARAM_BIND_OFFSET_PTR, S, PTR),
	A(SQL_ATTR_PARAM_BIND_TYPE, S, ULEN),
	A(SQL_ATTR_PARAM_OPERATION_PTR, S, PTR),
	A(SQL_ATTR_PARAM_STATUS_PTR, S, PTR),
	A(SQL_ATTR_PARAMS_PROCESSED_PTR, S, PTR),
	A(SQL_ATTR_PARAMSET_SIZE, S, ULEN),
	A(SQL_ATTR_ROW_BIND_OFFSET_PTR, S, PTR),
	A(SQL_ATTR_ROW_OPERATION_PTR, S, PTR),
	A(SQL_ATTR_ROW_STATUS_PTR, S, PTR),
	A(SQL_ATTR_ROWS_FETCHED_PTR, S, PTR),
	A(SQL_ATTR_ROW_ARRAY_SIZE, S, ULEN),
	A(SQL_ATTR_ASYNC_STMT_EVENT, S, PTR),
	A(PX_SQL_ATTR_ASYNC_STMT_PCALLBACK, S, PTR),
	A(PX_SQL_ATTR_ASYNC_STMT_PCONTEXT, S, PTR),
	A(SQL_ATTR_CURSOR_SCROLLABLE, S, ULEN),
	A(SQL_ATTR_CURSOR_SENSITIVITY, S, ULEN),
	A(SQL_ATTR_APP_ROW_DESC, S, PTR),
	A(SQL_ATTR_APP_PARAM_DESC, S, PTR),
	A(SQL_ATTR_IMP_ROW_DESC, S, PTR),
	A(SQL_ATTR_IMP_PARAM_DESC, S, PTR),
	A(SQL_ATTR_METADATA_ID, S, ULEN),
};

const struct px_attr_info *px_attr_table(size_t *nr)
{
	*nr = sizeof(table) / sizeof(*table);
	return table;
}

const struct px_attr_info *px_attr_find(int scope, SQLINTEGER id)
{
	const struct px_attr_info *ret = NULL;
	size_t i;

	for (i = 0; i < sizeof(table) / sizeof(*table); i++) {
		if (table[i].id == id && (table[i].scope & scope)) {
			ret = &table[i];
			break;
		}
	}
	return ret;
}

/* no process maps anything below vm.mmap_min_addr (64 KiB by default) */
#define LOWEST_ADDRESS 0x10000u

enum px_attr_type px_attr_classify(int scope, SQLINTEGER id, SQLPOINTER v,
				   SQLINTEGER n, SQLLEN *bytes)
{
	const struct px_attr_info *info = px_attr_find(scope, id);
	enum px_attr_type ret = PX_AT_VALUE;

	*bytes = SQL_NTS;
	if (info) {
		ret = (enum px_attr_type)info->type;
		if (ret == PX_AT_STR && v && (uintptr_t)v < LOWEST_ADDRESS)
			ret = PX_AT_VALUE;
		else if (ret == PX_AT_STR && n >= 0)
			*bytes = n;
		goto out;
	}
	switch (n) {
	case SQL_IS_INTEGER:
	case SQL_IS_SMALLINT:
		ret = PX_AT_INT;
		goto out;
	case SQL_IS_UINTEGER:
	case SQL_IS_USMALLINT:
		ret = PX_AT_UINT;
		goto out;
	case SQL_IS_POINTER:
		ret = PX_AT_PTR;
		goto out;
	default:
		break;
	}
	if ((uintptr_t)v < LOWEST_ADDRESS)
		goto out;
	if (n == SQL_NTS) {
		ret = PX_AT_STR;
	} else if (n > 0) {
		ret = PX_AT_STR;
		*bytes = n;
	} else if (n <= SQL_LEN_BINARY_ATTR_OFFSET) {
		ret = PX_AT_BIN;
		*bytes = SQL_LEN_BINARY_ATTR(n);
	}
out:
	return ret;
}

int px_attr_is_string(int scope, SQLINTEGER id, SQLPOINTER v, SQLINTEGER n)
{
	SQLLEN bytes;

	return px_attr_classify(scope, id, v, n, &bytes) == PX_AT_STR;
}

size_t px_attr_int_size(enum px_attr_type type)
{
	return type == PX_AT_ULEN || type == PX_AT_PTR ? sizeof(SQLULEN) :
	       sizeof(SQLUINTEGER);
}

void px_attr_put_int(void *v, size_t size, SQLULEN val)
{
	SQLUSMALLINT s = (SQLUSMALLINT)val;
	SQLUINTEGER i = (SQLUINTEGER)val;

	if (!v)
		return;
	if (size == sizeof(s))
		memcpy(v, &s, sizeof(s));
	else if (size == sizeof(i))
		memcpy(v, &i, sizeof(i));
	else
		memcpy(v, &val, sizeof(val));
}
