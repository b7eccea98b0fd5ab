/*
 * tp-attr-sweep: set every standard connection attribute, and a driver's
 * own with each ODBC length convention, through LIB (a driver manager, or
 * the hook itself called as a driver manager would), before and after
 * connect, with SQLSetConnectAttr and SQLSetConnectAttrW; print the line
 * the stub driver must log for each ("expect: ..."), and check what
 * SQLGetConnectAttr(W) gives back before connect.
 *
 *   tp-attr-sweep [-4] [-a] [-g] LIB CONNSTR
 *     -4  the application's SQLWCHAR is 4 bytes (iODBC)
 *     -a  the target has no W functions: it is set through the A one
 *     -g  check the values read back before connect (the hook itself)
 *     -d  LIB is a driver manager: leave out a driver's own integer given
 *         a byte length, which unixODBC itself reads as a string, and
 *         what the driver manager acts on itself (dm_own())
 *
 * Every combination of (before, after) x (A, W) gets values of its own, so
 * that each expected line names one. Exit 0, or 1 when a call fails or a
 * value read back is wrong. Test code only.
 */
#include <dlfcn.h>
#include <sql.h>
#include <sqlext.h>
#include <sqlucode.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static SQLRETURN (SQL_API *alloc)(SQLSMALLINT, SQLHANDLE, SQLHANDLE *);
static SQLRETURN (SQL_API *freeh)(SQLSMALLINT, SQLHANDLE);
static SQLRETURN (SQL_API *setenv_)(SQLHENV, SQLINTEGER, SQLPOINTER,
				    SQLINTEGER);
static SQLRETURN (SQL_API *set_a)(SQLHDBC, SQLINTEGER, SQLPOINTER,
				  SQLINTEGER);
static SQLRETURN (SQL_API *set_w)(SQLHDBC, SQLINTEGER, SQLPOINTER,
				  SQLINTEGER);
static SQLRETURN (SQL_API *get_a)(SQLHDBC, SQLINTEGER, SQLPOINTER,
				  SQLINTEGER, SQLINTEGER *);
static SQLRETURN (SQL_API *get_w)(SQLHDBC, SQLINTEGER, SQLPOINTER,
				  SQLINTEGER, SQLINTEGER *);
static SQLRETURN (SQL_API *dconnect)(SQLHDBC, SQLHWND, SQLCHAR *,
				     SQLSMALLINT, SQLCHAR *, SQLSMALLINT,
				     SQLSMALLINT *, SQLUSMALLINT);
static SQLRETURN (SQL_API *disconnect)(SQLHDBC);

static int width = 2, ansi_target, check_get, via_dm, failures;

/* K_BOOL: 1 through A, 0 through W (the driver managers check the values) */
enum kind {
	K_INT, K_ULEN, K_BOOL, K_ZERO, K_TXN, K_STR, K_BIN, K_IS_INT,
	K_IS_UINT, K_IS_PTR, K_LENVAL, K_BOOLLEN
};

static const struct {
	SQLINTEGER id;
	enum kind kind;
	int off;		/* added to the combination's base value */
} attrs[] = {
	{ SQL_ATTR_ACCESS_MODE, K_BOOL, 0 },
	{ SQL_ATTR_AUTOCOMMIT, K_BOOL, 1 },
	{ SQL_ATTR_LOGIN_TIMEOUT, K_INT, 2 },
	{ SQL_ATTR_TRACE, K_ZERO, 3 },
	{ SQL_ATTR_TRACEFILE, K_STR, 4 },
	{ SQL_ATTR_TRANSLATE_LIB, K_STR, 5 },
	{ SQL_ATTR_TRANSLATE_OPTION, K_INT, 6 },
	{ SQL_ATTR_TXN_ISOLATION, K_TXN, 7 },
	{ SQL_ATTR_CURRENT_CATALOG, K_STR, 8 },
	{ SQL_ATTR_ODBC_CURSORS, K_ZERO, 9 },
	{ SQL_ATTR_QUIET_MODE, K_ULEN, 10 },
	{ SQL_ATTR_PACKET_SIZE, K_INT, 11 },
	{ SQL_ATTR_CONNECTION_TIMEOUT, K_INT, 12 },
	{ SQL_ATTR_DISCONNECT_BEHAVIOR, K_BOOL, 13 },
	{ SQL_ATTR_ASYNC_DBC_FUNCTIONS_ENABLE, K_ZERO, 14 },
	{ SQL_ATTR_METADATA_ID, K_BOOLLEN, 15 },
	{ SQL_ATTR_ENLIST_IN_DTC, K_ZERO, 16 },
	{ SQL_ATTR_ENLIST_IN_XA, K_ZERO, 17 },
	{ SQL_ATTR_ASYNC_ENABLE, K_ZERO, 18 },
	{ SQL_ATTR_QUERY_TIMEOUT, K_ULEN, 19 },
	{ 30001, K_IS_INT, 20 },
	{ 30002, K_IS_UINT, 21 },
	{ 30003, K_IS_PTR, 22 },
	{ 30004, K_STR, 23 },
	{ 30005, K_BIN, 24 },
	{ 30006, K_LENVAL, 25 },
};

/* the string of attribute i in combination base: ASCII plus an e-acute */
static void text(char *buf, size_t size, int i, int base)
{
	snprintf(buf, size, "s%d-%d-\xc3\xa9", base, attrs[i].off);
}

/* the same in the application's SQLWCHAR; *bytes its length */
static void *wide(const char *s, size_t *bytes)
{
	size_t i, n = 0;
	unsigned char *w = calloc(strlen(s) + 1, 4);
	uint32_t c;

	for (i = 0; s[i]; n++) {
		c = (unsigned char)s[i++];
		if (c == 0xc3)
			c = 0xc0 | ((unsigned char)s[i++] & 0x3f);
		if (width == 4)
			((uint32_t *)w)[n] = c;
		else
			((uint16_t *)w)[n] = (uint16_t)c;
	}
	*bytes = n * (size_t)width;
	return w;
}

static void expect(int w, SQLINTEGER id, const char *value)
{
	printf("expect: %s %ld=%s\n", w && !ansi_target ? "connattrW" :
	       "connattr", (long)id, value);
}

static void expect_num(int w, SQLINTEGER id, long v)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%ld", v);
	expect(w, id, buf);
}

/*
 * What a driver manager acts on itself (tracing, translation, its window
 * handle): iODBC 3.52.9 loads the "translation library" it is given
 * before the driver ever sees it.
 */
static int dm_own(SQLINTEGER id)
{
	return id == SQL_ATTR_TRACEFILE || id == SQL_ATTR_TRANSLATE_LIB ||
	       id == SQL_ATTR_TRANSLATE_OPTION || id == SQL_ATTR_QUIET_MODE;
}

/* set attribute i through variant w with the combination's values */
static void set_one(SQLHDBC dbc, int i, int w, int base)
{
	SQLRETURN (SQL_API *set)(SQLHDBC, SQLINTEGER, SQLPOINTER, SQLINTEGER) =
		w ? set_w : set_a;
	SQLINTEGER id = attrs[i].id, n = 0;
	long v = base + attrs[i].off;
	unsigned char bin[4] = { 1, 0, 0xff, (unsigned char)v };
	char s[64], hex[16], esc[64];
	void *p = (void *)(intptr_t)v, *copy = NULL;
	size_t bytes;

	if (via_dm && ((attrs[i].kind == K_LENVAL && id >= 30000) ||
		       dm_own(id)))
		return;

	switch (attrs[i].kind) {
	case K_BOOL:
	case K_BOOLLEN:
	case K_ZERO:
	case K_TXN:
		v = attrs[i].kind == K_TXN ? SQL_TXN_SERIALIZABLE :
		    attrs[i].kind == K_ZERO ? 0 : !w;
		p = (void *)(intptr_t)v;
		n = attrs[i].kind == K_BOOLLEN ? 4 : 0;
		expect_num(w, id, v);
		break;
	case K_INT:
	case K_ULEN:
		n = 0;
		expect_num(w, id, v);
		break;
	case K_LENVAL:		/* an integer given a byte length */
		n = 4;
		expect_num(w, id, v);
		break;
	case K_IS_INT:
		n = SQL_IS_INTEGER;
		p = (void *)(intptr_t)-v;
		expect_num(w, id, -v);
		break;
	case K_IS_UINT:
		n = SQL_IS_UINTEGER;
		expect_num(w, id, v);
		break;
	case K_IS_PTR:
		n = SQL_IS_POINTER;
		p = (void *)(intptr_t)(0x7f0000 + v);
		expect_num(w, id, 0x7f0000 + v);
		break;
	case K_BIN:
		n = SQL_LEN_BINARY_ATTR(4);
		p = bin;
		snprintf(hex, sizeof(hex), "bin:0100ff%02x",
			 (unsigned)v & 0xff);
		expect(w, id, hex);
		break;
	case K_STR:
		text(s, sizeof(s), i, base);
		/* SQL_NTS for the standard ones, a byte length for ours */
		if (w) {
			copy = wide(s, &bytes);
			p = copy;
			n = id >= 30000 ? (SQLINTEGER)bytes : SQL_NTS;
		} else {
			p = s;
			n = id >= 30000 ? (SQLINTEGER)strlen(s) : SQL_NTS;
		}
		if (w && !ansi_target) {
			snprintf(esc, sizeof(esc), "\"%.*s\\u00e9\"",
				 (int)strlen(s) - 2, s);
		} else {
			snprintf(esc, sizeof(esc), "\"%s\"", s);
		}
		expect(w, id, esc);
		break;
	}
	if (!SQL_SUCCEEDED(set(dbc, id, p, n))) {
		/* a driver manager may refuse a value or keep it itself */
		printf("%s: set %ld through %s\n", via_dm ? "refused" : "FAIL",
		       (long)id, w ? "W" : "A");
		failures += !via_dm;
	}
	free(copy);
}

/* before connect, the hook gives back what it was given, at its size */
static void get_one(SQLHDBC dbc, int i, int w, int base)
{
	unsigned char buf[64];
	SQLINTEGER len = -1, id = attrs[i].id;
	size_t size = attrs[i].kind == K_ULEN ||
		      attrs[i].kind == K_ZERO ? 8 : 4;
	size_t k, bytes;
	long v = base + attrs[i].off;
	char s[64];
	void *want;
	int ok = 1;

	if (attrs[i].kind == K_BOOL || attrs[i].kind == K_TXN)
		v = attrs[i].kind == K_TXN ? SQL_TXN_SERIALIZABLE : !w;
	else if (attrs[i].kind != K_INT && attrs[i].kind != K_ULEN &&
		 attrs[i].kind != K_STR)
		return;
	memset(buf, 0xaa, sizeof(buf));
	if (!SQL_SUCCEEDED((w ? get_w : get_a)(dbc, id, buf, sizeof(buf),
					       &len))) {
		ok = 0;
	} else if (attrs[i].kind == K_STR) {
		text(s, sizeof(s), i, base);
		want = w ? wide(s, &bytes) : strdup(s);
		if (!w)
			bytes = strlen(s);
		ok = len == (SQLINTEGER)bytes && !memcmp(buf, want, bytes);
		free(want);
	} else {
		SQLULEN got = 0;

		memcpy(&got, buf, size);
		if (size == 4)
			got &= 0xffffffffu;
		ok = got == (SQLULEN)v && len == (SQLINTEGER)size;
		for (k = size; k < sizeof(buf); k++)
			ok &= buf[k] == 0xaa;
	}
	if (!ok) {
		printf("FAIL: get %ld through %s before connect\n", (long)id,
		       w ? "W" : "A");
		failures++;
	}
}

static void *sym(void *lib, const char *name)
{
	void *f = dlsym(lib, name);

	if (!f) {
		fprintf(stderr, "tp-attr-sweep: no %s\n", name);
		exit(2);
	}
	return f;
}

#define SYM(var, lib, name) \
	do { void *f_ = sym(lib, name); memcpy(&var, &f_, sizeof(f_)); } \
	while (0)

int main(int argc, char **argv)
{
	SQLHENV env;
	SQLHDBC dbc;
	SQLSMALLINT outlen;
	SQLCHAR out[1024];
	void *lib;
	int opt, pre, w, i, base;

	while ((opt = getopt(argc, argv, "4adg")) != -1) {
		switch (opt) {
		case 'd': via_dm = 1; break;
		case '4': width = 4; break;
		case 'a': ansi_target = 1; break;
		case 'g': check_get = 1; break;
		default: return 2;
		}
	}
	if (optind + 2 != argc)
		return 2;
	lib = dlopen(argv[optind], RTLD_NOW | RTLD_LOCAL);
	if (!lib) {
		fprintf(stderr, "tp-attr-sweep: %s\n", dlerror());
		return 2;
	}
	SYM(alloc, lib, "SQLAllocHandle");
	SYM(freeh, lib, "SQLFreeHandle");
	SYM(setenv_, lib, "SQLSetEnvAttr");
	SYM(set_a, lib, "SQLSetConnectAttr");
	SYM(set_w, lib, "SQLSetConnectAttrW");
	SYM(get_a, lib, "SQLGetConnectAttr");
	SYM(get_w, lib, "SQLGetConnectAttrW");
	SYM(dconnect, lib, "SQLDriverConnect");
	SYM(disconnect, lib, "SQLDisconnect");
	alloc(SQL_HANDLE_ENV, SQL_NULL_HANDLE, &env);
	setenv_(env, SQL_ATTR_ODBC_VERSION, (SQLPOINTER)SQL_OV_ODBC3, 0);
	for (pre = 1; pre >= 0; pre--) {
		for (w = 0; w < 2; w++) {
			base = 100 * (1 + 2 * !pre + w);
			alloc(SQL_HANDLE_DBC, env, &dbc);
			for (i = 0; pre && i < (int)(sizeof(attrs) /
						     sizeof(*attrs)); i++)
				set_one(dbc, i, w, base);
			for (i = 0; pre && check_get &&
			     i < (int)(sizeof(attrs) / sizeof(*attrs)); i++)
				get_one(dbc, i, w, base);
			if (!SQL_SUCCEEDED(dconnect(dbc, NULL,
					(SQLCHAR *)argv[optind + 1], SQL_NTS,
					out, sizeof(out), &outlen,
					SQL_DRIVER_NOPROMPT))) {
				printf("FAIL: connect\n");
				return 1;
			}
			for (i = 0; !pre && i < (int)(sizeof(attrs) /
						      sizeof(*attrs)); i++)
				set_one(dbc, i, w, base);
			disconnect(dbc);
			freeh(SQL_HANDLE_DBC, dbc);
		}
	}
	freeh(SQL_HANDLE_ENV, env);
	return failures ? 1 : 0;
}
