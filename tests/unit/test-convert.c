/*
 * The hook's string conversions (plugin/convert.c) and attribute types
 * (plugin/attrs.c): UTF-8, UTF-16 and UTF-32 both ways, surrogates and
 * ill-formed input, truncation at a character boundary with the whole
 * length reported, and the W functions of wfuncs.def run against fake
 * targets that have the W function, only the A one, or neither. One line
 * per check; exit 0 when all pass, 1 when one fails.
 */
#include "config.h"
#include "plugin/attrs.h"
#include "plugin/convert.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int failures;

static void check(int ok, const char *what)
{
	printf("%s - %s\n", ok ? "ok" : "FAIL", what);
	if (!ok)
		failures++;
}

/* "aé€😀" in the three encodings */
static const char u8[] = "a\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80";
static const uint16_t u16[] = { 'a', 0xe9, 0x20ac, 0xd83d, 0xde00, 0 };
static const uint32_t u32[] = { 'a', 0xe9, 0x20ac, 0x1f600, 0 };

static void test_round_trips(void)
{
	size_t n = 0;
	void *p;

	p = px_enc_conv(u8, PX_ENC_UTF8, strlen(u8), PX_ENC_UTF16, &n);
	check(p && n == 5 && !memcmp(p, u16, sizeof(u16)),
	      "UTF-8 to UTF-16, a surrogate pair for U+1F600, terminated");
	px_enc_free(p, n, PX_ENC_UTF16);
	p = px_enc_conv(u16, PX_ENC_UTF16, 5, PX_ENC_UTF8, &n);
	check(p && n == strlen(u8) && !strcmp(p, u8), "UTF-16 to UTF-8");
	px_enc_free(p, n, PX_ENC_UTF8);
	p = px_enc_conv(u32, PX_ENC_UTF32, 4, PX_ENC_UTF16, &n);
	check(p && n == 5 && !memcmp(p, u16, sizeof(u16)),
	      "UTF-32 (iODBC's wchar_t) to UTF-16");
	px_enc_free(p, n, PX_ENC_UTF16);
	p = px_enc_conv(u16, PX_ENC_UTF16, 5, PX_ENC_UTF32, &n);
	check(p && n == 4 && !memcmp(p, u32, sizeof(u32)), "UTF-16 to UTF-32");
	px_enc_free(p, n, PX_ENC_UTF32);
	check(px_enc_len(u16, PX_ENC_UTF16, SQL_NTS) == 5 &&
	      px_enc_len(u32, PX_ENC_UTF32, SQL_NTS) == 4 &&
	      px_enc_len(u32, PX_ENC_UTF32, 2) == 2 &&
	      px_enc_len(u32, PX_ENC_UTF32, -7) == (size_t)-1,
	      "lengths: SQL_NTS, explicit, invalid");
}

static void test_ill_formed(void)
{
	static const uint16_t lone[] = { 'x', 0xd800, 'y', 0xdc00, 0 };
	static const uint32_t big[] = { 0x110000, 0xd800, 'z', 0 };
	static const char bad[] = "\xc0\xaf|\xed\xa0\x80|\xf0\x9f|\xff";
	size_t n = 0;
	char *s;
	uint16_t *w;

	s = px_enc_conv(lone, PX_ENC_UTF16, 4, PX_ENC_UTF8, &n);
	check(s && !strcmp(s, "x\xef\xbf\xbdy\xef\xbf\xbd"),
	      "lone surrogates become U+FFFD");
	px_enc_free(s, n, PX_ENC_UTF8);
	s = px_enc_conv(big, PX_ENC_UTF32, 3, PX_ENC_UTF8, &n);
	check(s && !strcmp(s, "\xef\xbf\xbd\xef\xbf\xbdz"),
	      "UTF-32 past U+10FFFF or a surrogate becomes U+FFFD");
	px_enc_free(s, n, PX_ENC_UTF8);
	w = px_enc_conv(bad, PX_ENC_UTF8, strlen(bad), PX_ENC_UTF16, &n);
	check(w && w[0] == 0xfffd && w[1] == 0xfffd && w[2] == '|' &&
	      w[n - 1] == 0xfffd && w[n] == 0,
	      "overlong, surrogate, cut and invalid UTF-8 become U+FFFD");
	px_enc_free(w, n, PX_ENC_UTF16);
	w = px_enc_conv(u8, PX_ENC_UTF8, strlen(u8) - 1, PX_ENC_UTF16, &n);
	check(w && n == 4 && w[3] == 0xfffd,
	      "a sequence cut by the length is never read past it");
	px_enc_free(w, n, PX_ENC_UTF16);
}

static void test_put(void)
{
	uint16_t w[8];
	uint32_t l[8];
	char a[8];
	size_t full = 0;
	int cut;

	memset(w, 0x55, sizeof(w));
	cut = px_enc_put(u32, PX_ENC_UTF32, 4, w, PX_ENC_UTF16, 5, &full);
	check(cut && full == 5 && w[3] == 0 && w[2] == 0x20ac,
	      "truncation never splits a surrogate pair");
	cut = px_enc_put(u32, PX_ENC_UTF32, 4, w, PX_ENC_UTF16, 6, &full);
	check(!cut && full == 5 && !memcmp(w, u16, sizeof(u16)),
	      "an exact fit is not cut");
	memset(a, 'Z', sizeof(a));
	cut = px_enc_put(u16, PX_ENC_UTF16, 5, a, PX_ENC_UTF8, 5, &full);
	check(cut && full == 10 && !strcmp(a, "a\xc3\xa9"),
	      "UTF-8 cut before a 3-byte sequence that does not fit");
	memset(l, 0x55, sizeof(l));
	cut = px_enc_put(u16, PX_ENC_UTF16, 5, l, PX_ENC_UTF32, 0, &full);
	check(cut && full == 4 && l[0] == 0x55555555u,
	      "a size of 0 writes nothing, reports the length");
	cut = px_enc_put(u16, PX_ENC_UTF16, 5, NULL, PX_ENC_UTF32, 0, &full);
	check(!cut && full == 4, "no buffer: the length only, not a cut");
}

/* fake targets: record what they were given */
static char got_a[64];
static uint16_t got_w[64];
static const void *got_ptr;
static SQLINTEGER got_len;

static SQLRETURN SQL_API fake_exec_a(SQLHSTMT h, SQLCHAR *s, SQLINTEGER n)
{
	got_ptr = s;
	got_len = n;
	snprintf(got_a, sizeof(got_a), "%.*s", (int)n, (char *)s);
	return SQL_SUCCESS;
}

static SQLRETURN SQL_API fake_exec_w(SQLHSTMT h, SQLWCHAR *s, SQLINTEGER n)
{
	got_ptr = s;
	got_len = n;
	if (n >= 0 && n < 64)
		memcpy(got_w, s, (size_t)n * 2);
	return SQL_SUCCESS;
}

static SQLRETURN SQL_API fake_cursor_a(SQLHSTMT h, SQLCHAR *c, SQLSMALLINT n,
				       SQLSMALLINT *len)
{
	snprintf((char *)c, (size_t)n, "%s", u8);
	*len = (SQLSMALLINT)strlen(u8);
	return SQL_SUCCESS;
}

static SQLRETURN SQL_API fake_info_a(SQLHDBC h, SQLUSMALLINT t, SQLPOINTER v,
				     SQLSMALLINT n, SQLSMALLINT *len)
{
	if (t == SQL_DBMS_NAME) {
		snprintf(v, (size_t)n, "P\xc3\xb6stgres");
		*len = 9;
	} else {
		*(SQLUINTEGER *)v = 0x1234;
		*len = 4;
	}
	return SQL_SUCCESS;
}

static SQLRETURN SQL_API fake_diag_a(SQLSMALLINT t, SQLHANDLE h,
				     SQLSMALLINT rec, SQLCHAR *state,
				     SQLINTEGER *native, SQLCHAR *msg,
				     SQLSMALLINT max, SQLSMALLINT *len)
{
	memcpy(state, "08001", 6);
	*native = 7;
	snprintf((char *)msg, (size_t)max, "bad \xe2\x82\xac");
	*len = 7;
	return SQL_SUCCESS;
}

static SQLRETURN SQL_API fake_setattr_a(SQLHDBC h, SQLINTEGER a,
					SQLPOINTER v, SQLINTEGER n)
{
	got_ptr = v;
	got_len = n;
	if (n >= 0 && n < 64 && (uintptr_t)v > 0x10000)
		snprintf(got_a, sizeof(got_a), "%.*s", (int)n, (char *)v);
	return SQL_SUCCESS;
}

static void test_engine(void)
{
	struct px_wctx x = { PX_ENC_UTF32 };
	uint16_t w16[8];
	uint32_t w32[16], st[6];
	SQLSMALLINT len = 0;
	SQLINTEGER native = 0;
	SQLRETURN rc;

	x.fn_w = (px_fnptr)fake_exec_w;
	rc = px_w_SQLExecDirectW(&x, NULL, (SQLWCHAR *)u32, SQL_NTS);
	check(rc == SQL_SUCCESS && got_len == 5 &&
	      !memcmp(got_w, u16, 10) && !x.state[0],
	      "UTF-32 application, W target: it gets UTF-16 and its length");
	x.app_enc = PX_ENC_UTF16;
	rc = px_w_SQLExecDirectW(&x, NULL, (SQLWCHAR *)u16, SQL_NTS);
	check(rc == SQL_SUCCESS && got_ptr == u16 && got_len == SQL_NTS,
	      "UTF-16 application, W target: the call goes through as is");
	x.fn_w = NULL;
	x.fn_a = (px_fnptr)fake_exec_a;
	rc = px_w_SQLExecDirectW(&x, NULL, (SQLWCHAR *)u16, 3);
	check(rc == SQL_SUCCESS && !strcmp(got_a, "a\xc3\xa9\xe2\x82\xac") &&
	      got_len == 6, "ANSI target: UTF-8 with its length in bytes");
	rc = px_w_SQLExecDirectW(&x, NULL, (SQLWCHAR *)u16, -5);
	check(rc == SQL_ERROR && !strcmp(x.state, "HY090"),
	      "an invalid length is HY090, not a read");
	x.fn_a = NULL;
	rc = px_w_SQLExecDirectW(&x, NULL, (SQLWCHAR *)u16, SQL_NTS);
	check(rc == SQL_ERROR && !strcmp(x.state, "IM001") &&
	      strstr(x.msg, "SQLExecDirectW"),
	      "neither variant: IM001 naming the function");

	x.fn_a = (px_fnptr)fake_cursor_a;
	memset(w16, 0x55, sizeof(w16));
	rc = px_w_SQLGetCursorNameW(&x, NULL, (SQLWCHAR *)w16, 4, &len);
	check(rc == SQL_SUCCESS_WITH_INFO && !strcmp(x.state, "01004") &&
	      len == 5 && w16[2] == 0x20ac && w16[3] == 0,
	      "cut output: 01004, the whole length in characters");
	rc = px_w_SQLGetCursorNameW(&x, NULL, (SQLWCHAR *)w16, 8, &len);
	check(rc == SQL_SUCCESS && len == 5 && !memcmp(w16, u16, 12),
	      "output that fits: UTF-16 from the A function's UTF-8");

	x.app_enc = PX_ENC_UTF32;
	x.fn_a = (px_fnptr)fake_info_a;
	memset(w32, 0, sizeof(w32));
	rc = px_w_SQLGetInfoW(&x, NULL, SQL_DBMS_NAME, w32, sizeof(w32), &len);
	check(rc == SQL_SUCCESS && len == 8 * 4 && w32[1] == 0xf6 &&
	      w32[8] == 0, "SQLGetInfoW string: lengths in bytes of wchar_t");
	rc = px_w_SQLGetInfoW(&x, NULL, SQL_MAX_DRIVER_CONNECTIONS, w32, 4,
			      &len);
	check(rc == SQL_SUCCESS && w32[0] == 0x1234 && len == 4,
	      "SQLGetInfoW integer: passed through untouched");

	x.fn_a = (px_fnptr)fake_diag_a;
	memset(w32, 0, sizeof(w32));
	rc = px_w_SQLGetDiagRecW(&x, SQL_HANDLE_DBC, NULL, 1, (SQLWCHAR *)st,
				 &native, (SQLWCHAR *)w32, 16, &len);
	check(rc == SQL_SUCCESS && st[0] == '0' && st[4] == '1' &&
	      st[5] == 0 && native == 7 && len == 5 && w32[4] == 0x20ac,
	      "SQLGetDiagRecW through SQLGetDiagRec for a 4-byte application");

	x.app_enc = PX_ENC_UTF16;
	x.fn_a = (px_fnptr)fake_setattr_a;
	rc = px_w_SQLSetConnectAttrW(&x, NULL, SQL_ATTR_CURRENT_CATALOG,
				     (SQLPOINTER)u16, 6);
	check(rc == SQL_SUCCESS && !strcmp(got_a, "a\xc3\xa9\xe2\x82\xac") &&
	      got_len == 6, "a string attribute: bytes in, bytes out");
	rc = px_w_SQLSetConnectAttrW(&x, NULL, SQL_ATTR_METADATA_ID,
				     (SQLPOINTER)1, 4);
	check(rc == SQL_SUCCESS && got_ptr == (void *)1 && got_len == 4,
	      "SQL_ATTR_METADATA_ID with length 4: an integer, untouched");
	rc = px_w_SQLSetConnectAttrW(&x, NULL, 30001, (SQLPOINTER)u16,
				     SQL_NTS);
	check(rc == SQL_SUCCESS && !strcmp(got_a, u8) && got_len == 10,
	      "a driver's own attribute with SQL_NTS: a string");
}

static void test_attrs(void)
{
	static const SQLINTEGER dbc_ids[] = {
		SQL_ATTR_ACCESS_MODE, SQL_ATTR_AUTOCOMMIT,
		SQL_ATTR_LOGIN_TIMEOUT, SQL_ATTR_TRACE, SQL_ATTR_TRACEFILE,
		SQL_ATTR_TRANSLATE_LIB, SQL_ATTR_TRANSLATE_OPTION,
		SQL_ATTR_TXN_ISOLATION, SQL_ATTR_CURRENT_CATALOG,
		SQL_ATTR_ODBC_CURSORS, SQL_ATTR_QUIET_MODE,
		SQL_ATTR_PACKET_SIZE, SQL_ATTR_CONNECTION_TIMEOUT,
		SQL_ATTR_DISCONNECT_BEHAVIOR, SQL_ATTR_ANSI_APP,
		SQL_ATTR_RESET_CONNECTION,
		SQL_ATTR_ASYNC_DBC_FUNCTIONS_ENABLE, SQL_ATTR_AUTO_IPD,
		SQL_ATTR_METADATA_ID, SQL_ATTR_ENLIST_IN_DTC,
		SQL_ATTR_ENLIST_IN_XA, SQL_ATTR_CONNECTION_DEAD,
		SQL_ATTR_DRIVER_THREADING,
	};
	static const SQLINTEGER env_ids[] = {
		SQL_ATTR_ODBC_VERSION, SQL_ATTR_CONNECTION_POOLING,
		SQL_ATTR_CP_MATCH, SQL_ATTR_OUTPUT_NTS,
		SQL_ATTR_UNIXODBC_SYSPATH, SQL_ATTR_UNIXODBC_VERSION,
		SQL_ATTR_UNIXODBC_ENVATTR,
	};
	char buf[16];
	SQLLEN bytes;
	size_t i;
	int all = 1;

	for (i = 0; i < sizeof(dbc_ids) / sizeof(*dbc_ids); i++)
		all &= px_attr_find(PX_ATTR_DBC, dbc_ids[i]) != NULL;
	check(all, "every connection attribute of sqlext.h is known");
	all = 1;
	for (i = 0; i < sizeof(env_ids) / sizeof(*env_ids); i++)
		all &= px_attr_find(PX_ATTR_ENV, env_ids[i]) != NULL;
	check(all, "every environment attribute of sqlext.h is known");
	check(px_attr_classify(PX_ATTR_DBC, SQL_ATTR_METADATA_ID,
			       (SQLPOINTER)1, 4, &bytes) == PX_AT_UINT,
	      "SQL_ATTR_METADATA_ID (10014) is an integer at any length");
	check(px_attr_classify(PX_ATTR_DBC, SQL_ATTR_ODBC_CURSORS,
			       (SQLPOINTER)2, 0, &bytes) == PX_AT_ULEN &&
	      px_attr_int_size(PX_AT_ULEN) == 8 &&
	      px_attr_int_size(PX_AT_UINT) == 4,
	      "SQL_ATTR_ODBC_CURSORS is an SQLULEN, AUTOCOMMIT 4 bytes");
	check(px_attr_classify(PX_ATTR_DBC, SQL_ATTR_CURRENT_CATALOG, buf, 5,
			       &bytes) == PX_AT_STR && bytes == 5,
	      "SQL_ATTR_CURRENT_CATALOG is a string of the given bytes");
	check(px_attr_classify(PX_ATTR_DBC, SQL_ATTR_CURRENT_CATALOG,
			       (SQLPOINTER)8, SQL_NTS, &bytes) == PX_AT_VALUE,
	      "a string at an address no process maps is never read");
	check(px_attr_classify(PX_ATTR_DBC, 20001, buf, SQL_IS_INTEGER,
			       &bytes) == PX_AT_INT &&
	      px_attr_classify(PX_ATTR_DBC, 20001, buf, SQL_IS_UINTEGER,
			       &bytes) == PX_AT_UINT &&
	      px_attr_classify(PX_ATTR_DBC, 20001, buf, SQL_IS_POINTER,
			       &bytes) == PX_AT_PTR,
	      "a driver's own attribute: SQL_IS_INTEGER, _UINTEGER, _POINTER");
	check(px_attr_classify(PX_ATTR_DBC, 20001, buf, SQL_NTS, &bytes) ==
	      PX_AT_STR && bytes == SQL_NTS &&
	      px_attr_classify(PX_ATTR_DBC, 20001, buf, 7, &bytes) ==
	      PX_AT_STR && bytes == 7,
	      "a driver's own attribute: SQL_NTS or a byte length is a string");
	check(px_attr_classify(PX_ATTR_DBC, 20001, buf,
			       SQL_LEN_BINARY_ATTR(12), &bytes) == PX_AT_BIN &&
	      bytes == 12, "a driver's own attribute: SQL_LEN_BINARY_ATTR");
	check(px_attr_classify(PX_ATTR_DBC, 20001, (SQLPOINTER)1, 4,
			       &bytes) == PX_AT_VALUE &&
	      px_attr_classify(PX_ATTR_DBC, 20001, buf, 0, &bytes) ==
	      PX_AT_VALUE,
	      "a driver's own integer given a length stays a value");
	check(px_attr_classify(PX_ATTR_STMT, SQL_ATTR_ROW_ARRAY_SIZE,
			       (SQLPOINTER)100, 0, &bytes) == PX_AT_ULEN,
	      "statement attributes are known too");
}

int main(void)
{
	test_round_trips();
	test_ill_formed();
	test_put();
	test_engine();
	test_attrs();
	return failures ? 1 : 0;
}
