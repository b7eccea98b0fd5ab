/*
 * attrs.h: what the value of an environment, connection or statement
 * attribute is, from the standard (sql.h, sqlext.h, sqlucode.h, and the
 * unixODBC and iODBC additions), so that the hook copies, replays and
 * returns it by its type and never by a guess.
 *
 * An attribute the table does not know (a driver's own) follows the ODBC
 * length conventions of SQLSetConnectAttr:
 *   SQL_IS_INTEGER, SQL_IS_UINTEGER, SQL_IS_SMALLINT, SQL_IS_USMALLINT
 *                              an integer, in the pointer itself
 *   SQL_IS_POINTER             a pointer, kept as it is
 *   SQL_NTS or a length > 0    a string of that many bytes
 *   SQL_LEN_BINARY_ATTR(n)     n bytes of binary data
 *   anything else (0 included) a value passed on as it was given
 * A "string" whose pointer lies in the first 64 KiB, where Linux maps
 * nothing (vm.mmap_min_addr), is an integer given with a byte length, as
 * unixODBC replays some, and is passed on as a value too: no value can
 * make the hook read from an address that is not one.
 *
 * A leaf: libc only; it never dereferences a value.
 */
#ifndef PX_ATTRS_H
#define PX_ATTRS_H

#include <stddef.h>
#include <sql.h>
#include <sqlext.h>
#include <sqlucode.h>

#ifndef PX_HIDDEN
#define PX_HIDDEN __attribute__((visibility("hidden")))
/* write val into v as size bytes (2, 4 or 8); nothing when v is NULL */
PX_HIDDEN void px_attr_put_int(void *v, size_t size, SQLULEN val);

#endif

/* scopes */
#define PX_ATTR_ENV 1
#define PX_ATTR_DBC 2
#define PX_ATTR_STMT 4

/* types */
enum px_attr_type {
	PX_AT_VALUE,		/* not known: passed on as it was given */
	PX_AT_INT,		/* SQLINTEGER in the pointer */
	PX_AT_UINT,		/* SQLUINTEGER in the pointer */
	PX_AT_ULEN,		/* SQLULEN in the pointer */
	PX_AT_PTR,		/* a pointer, never followed */
	PX_AT_STR,		/* a character string */
	PX_AT_BIN,		/* binary data of a given length */
};

struct px_attr_info {
	SQLINTEGER id;
	unsigned char scope;	/* PX_ATTR_* bits */
	unsigned char type;	/* enum px_attr_type */
	const char *name;
};

/* the table entry for id in scope, NULL for a driver's own attribute */
PX_HIDDEN const struct px_attr_info *px_attr_find(int scope, SQLINTEGER id);

/* every entry, for tests and documentation; *nr set to their number */
PX_HIDDEN const struct px_attr_info *px_attr_table(size_t *nr);

/*
 * The type of a value given to a Set function: from the table, else from
 * the length n and the pointer v as above. *bytes is set for PX_AT_BIN
 * (its length) and for PX_AT_STR with an explicit length (else SQL_NTS).
 */
PX_HIDDEN enum px_attr_type px_attr_classify(int scope, SQLINTEGER id,
					     SQLPOINTER v, SQLINTEGER n,
					     SQLLEN *bytes);

/* whether (v, n) for id is a character string (the W/A conversions) */
PX_HIDDEN int px_attr_is_string(int scope, SQLINTEGER id, SQLPOINTER v,
				SQLINTEGER n);

/*
 * The size a Get function writes for an integer-typed value of id:
 * sizeof(SQLUINTEGER) or sizeof(SQLULEN) (PX_AT_ULEN and PX_AT_PTR).
 */
PX_HIDDEN size_t px_attr_int_size(enum px_attr_type type);

/* write val into v as size bytes (2, 4 or 8); nothing when v is NULL */
PX_HIDDEN void px_attr_put_int(void *v, size_t size, SQLULEN val);

#endif
