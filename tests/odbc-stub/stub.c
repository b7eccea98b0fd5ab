/*
 * A stub ODBC driver for the hook's forwarding tests: it logs what it is
 * given to $STUB_LOG (the connection string, attributes), echoes the
 * connection string back as the output string (as psqlODBC does, password
 * and all), and refuses a PWD other than $STUB_PWD with psqlODBC's 08001
 * "password authentication failed". Test code only: it logs secrets.
 * Built twice: libtpstub.so (A and W) and, with STUB_ANSI, libtpstuba.so,
 * which has no W function at all, like psqlodbca.so.
 */
#include <sql.h>
#include <sqlext.h>
#include <sqlucode.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define STUB_EXPORT __attribute__((visibility("default")))

/*
 * A statement or descriptor is on its connection's list (kids), and goes
 * with it at SQLDisconnect and SQLFreeHandle, as in a real driver.
 */
struct stub {
	SQLSMALLINT type;
	char state[6];
	char msg[256];
	int has_diag;
	struct stub *owner, *kids, *sib;
};

static void unlink_kid(struct stub *k)
{
	struct stub **p;

	if (!k->owner)
		return;
	for (p = &k->owner->kids; *p; p = &(*p)->sib) {
		if (*p == k) {
			*p = k->sib;
			break;
		}
	}
	k->owner = NULL;
}

static void free_kids(struct stub *s)
{
	struct stub *k;

	while ((k = s->kids)) {
		s->kids = k->sib;
		free(k);
	}
}

static void logf_(const char *what, const char *s)
{
	const char *path = getenv("STUB_LOG");
	FILE *f;

	if (!path || !(f = fopen(path, "a")))
		return;
	fprintf(f, "%s%s\n", what, s);
	fclose(f);
}

static void log_num(const char *what, long a, long b)
{
	char buf[64];

	snprintf(buf, sizeof(buf), "%ld=%ld", a, b);
	logf_(what, buf);
}

#ifndef STUB_ANSI
static char *narrow(const SQLWCHAR *w, SQLLEN n)
{
	char *s;
	SQLLEN i;

	if (n == SQL_NTS)
		for (n = 0; w[n]; n++)
			;
	s = malloc((size_t)n + 1);
	if (!s)
		return NULL;
	for (i = 0; i < n; i++)
		s[i] = w[i] < 128 ? (char)w[i] : '?';
	s[n] = '\0';
	return s;
}
#endif

/* the value of PWD in s, braces undone; NULL if none */
static char *pwd_of(const char *s)
{
	const char *p = strstr(s, "PWD=");
	char *r, *o;

	if (!p)
		return NULL;
	p += 4;
	r = o = malloc(strlen(p) + 1);
	if (!r)
		return NULL;
	if (*p == '{') {
		for (p++; *p && !(*p == '}' && p[1] != '}'); p++) {
			*o++ = *p;
			if (*p == '}')
				p++;
		}
	} else {
		while (*p && *p != ';')
			*o++ = *p++;
	}
	*o = '\0';
	return r;
}

STUB_EXPORT SQLRETURN SQL_API SQLAllocHandle(SQLSMALLINT t, SQLHANDLE in,
					     SQLHANDLE *out)
{
	struct stub *s = calloc(1, sizeof(*s));

	if (!s)
		return SQL_ERROR;
	s->type = t;
	if ((t == SQL_HANDLE_STMT || t == SQL_HANDLE_DESC) && in) {
		s->owner = in;
		s->sib = s->owner->kids;
		s->owner->kids = s;
	}
	*out = s;
	log_num("alloc ", t, 0);
	return SQL_SUCCESS;
}

STUB_EXPORT SQLRETURN SQL_API SQLFreeHandle(SQLSMALLINT t, SQLHANDLE h)
{
	log_num("free ", t, 0);
	unlink_kid(h);
	free_kids(h);
	free(h);
	return SQL_SUCCESS;
}

STUB_EXPORT SQLRETURN SQL_API SQLSetEnvAttr(SQLHENV h, SQLINTEGER a,
					    SQLPOINTER v, SQLINTEGER n)
{
	log_num("envattr ", a, (long)(SQLLEN)v);
	return SQL_SUCCESS;
}

STUB_EXPORT SQLRETURN SQL_API SQLGetEnvAttr(SQLHENV h, SQLINTEGER a,
					    SQLPOINTER v, SQLINTEGER n,
					    SQLINTEGER *len)
{
	if (v)
		*(SQLINTEGER *)v = SQL_OV_ODBC3;
	return SQL_SUCCESS;
}

/*
 * An attribute as the stub understood it, by the ODBC length rules: a
 * string (SQL_NTS or a byte length, for the ids the standard makes
 * strings or any driver id) logged as id="text" (W: UTF-16, other than
 * ASCII as \uXXXX), binary data (SQL_LEN_BINARY_ATTR) as id=bin:hex,
 * anything else as id=value.
 */
static int stub_string_attr(SQLINTEGER a)
{
	return a == SQL_ATTR_CURRENT_CATALOG || a == SQL_ATTR_TRACEFILE ||
	       a == SQL_ATTR_TRANSLATE_LIB || a >= 30000;
}

static void log_attr(const char *what, SQLINTEGER a, SQLPOINTER v,
		     SQLINTEGER n, int wide)
{
	char buf[512];
	size_t o, i, len;

	if (!stub_string_attr(a) || (n != SQL_NTS && n < 0 &&
				     n > SQL_LEN_BINARY_ATTR_OFFSET) ||
	    (SQLULEN)v < 0x10000) {
		log_num(what, a, (long)(SQLLEN)v);
		return;
	}
	o = (size_t)snprintf(buf, sizeof(buf), "%ld=", (long)a);
	if (n <= SQL_LEN_BINARY_ATTR_OFFSET) {
		len = (size_t)SQL_LEN_BINARY_ATTR(n);
		o += (size_t)snprintf(buf + o, sizeof(buf) - o, "bin:");
		for (i = 0; i < len && o + 3 < sizeof(buf); i++)
			o += (size_t)snprintf(buf + o, sizeof(buf) - o, "%02x",
					      ((unsigned char *)v)[i]);
	} else if (wide) {
		const SQLWCHAR *w = v;

		len = n == SQL_NTS ? 0 : (size_t)n / sizeof(SQLWCHAR);
		if (n == SQL_NTS)
			while (w[len])
				len++;
		buf[o++] = '"';
		for (i = 0; i < len && o + 8 < sizeof(buf); i++) {
			if (w[i] >= 0x20 && w[i] < 0x7f)
				buf[o++] = (char)w[i];
			else
				o += (size_t)snprintf(buf + o, sizeof(buf) - o,
						      "\\u%04x", w[i]);
		}
		buf[o++] = '"';
		buf[o] = '\0';
	} else {
		len = n == SQL_NTS ? strlen(v) : (size_t)n;
		snprintf(buf + o, sizeof(buf) - o, "\"%.*s\"", (int)len,
			 (char *)v);
	}
	logf_(what, buf);
}

STUB_EXPORT SQLRETURN SQL_API SQLSetConnectAttr(SQLHDBC h, SQLINTEGER a,
						SQLPOINTER v, SQLINTEGER n)
{
	log_attr("connattr ", a, v, n, 0);
	return SQL_SUCCESS;
}

#ifndef STUB_ANSI
STUB_EXPORT SQLRETURN SQL_API SQLSetConnectAttrW(SQLHDBC h, SQLINTEGER a,
						 SQLPOINTER v, SQLINTEGER n)
{
	log_attr("connattrW ", a, v, n, 1);
	return SQL_SUCCESS;
}
#endif

static SQLRETURN connect_common(struct stub *s, const char *in)
{
	const char *want = getenv("STUB_PWD");
	char *pwd = pwd_of(in);
	SQLRETURN ret = SQL_SUCCESS;

	if (want && (!pwd || strcmp(pwd, want))) {
		memcpy(s->state, "08001", 6);
		snprintf(s->msg, sizeof(s->msg), "[stub] FATAL:  password "
			 "authentication failed for user \"odbcuser\"");
		s->has_diag = 1;
		ret = SQL_ERROR;
	}
	free(pwd);
	return ret;
}

STUB_EXPORT SQLRETURN SQL_API SQLDriverConnect(SQLHDBC h, SQLHWND w,
	SQLCHAR *in, SQLSMALLINT inlen, SQLCHAR *out, SQLSMALLINT max,
	SQLSMALLINT *outlen, SQLUSMALLINT completion)
{
	char *s = inlen == SQL_NTS ? strdup((char *)in) :
		  strndup((char *)in, (size_t)inlen);
	SQLRETURN ret;

	log_num("completion ", completion, 0);
	logf_("connect A: ", s);
	ret = connect_common(h, s);
	if (out && max > 0) {
		snprintf((char *)out, (size_t)max, "%s", s);
		if (outlen)
			*outlen = (SQLSMALLINT)strlen(s);
	}
	free(s);
	return ret;
}

#ifndef STUB_ANSI
STUB_EXPORT SQLRETURN SQL_API SQLDriverConnectW(SQLHDBC h, SQLHWND w,
	SQLWCHAR *in, SQLSMALLINT inlen, SQLWCHAR *out, SQLSMALLINT max,
	SQLSMALLINT *outlen, SQLUSMALLINT completion)
{
	char *s = narrow(in, inlen);
	SQLRETURN ret;
	size_t i, n;

	log_num("completion ", completion, 0);
	logf_("connect W: ", s);
	ret = connect_common(h, s);
	n = strlen(s);
	if (out && max > 0) {
		for (i = 0; i < n && i + 1 < (size_t)max; i++)
			out[i] = (unsigned char)s[i];
		out[i] = 0;
		if (outlen)
			*outlen = (SQLSMALLINT)n;
	}
	free(s);
	return ret;
}
#endif

STUB_EXPORT SQLRETURN SQL_API SQLDisconnect(SQLHDBC h)
{
	logf_("disconnect", "");
	free_kids(h);
	return SQL_SUCCESS;
}

STUB_EXPORT SQLRETURN SQL_API SQLGetInfo(SQLHDBC h, SQLUSMALLINT t,
	SQLPOINTER v, SQLSMALLINT n, SQLSMALLINT *len)
{
	if (v && n >= 4)
		memset(v, 0, n > 16 ? 16 : (size_t)n);
	if (len)
		*len = 0;
	return SQL_SUCCESS;
}

#ifndef STUB_ANSI
STUB_EXPORT SQLRETURN SQL_API SQLGetInfoW(SQLHDBC h, SQLUSMALLINT t,
	SQLPOINTER v, SQLSMALLINT n, SQLSMALLINT *len)
{
	return SQLGetInfo(h, t, v, n, len);
}
#endif

STUB_EXPORT SQLRETURN SQL_API SQLGetDiagRec(SQLSMALLINT t, SQLHANDLE h,
	SQLSMALLINT rec, SQLCHAR *state, SQLINTEGER *native, SQLCHAR *msg,
	SQLSMALLINT max, SQLSMALLINT *len)
{
	struct stub *s = h;

	if (rec != 1 || !s->has_diag)
		return SQL_NO_DATA;
	if (state)
		memcpy(state, s->state, 6);
	if (native)
		*native = 0;
	if (msg && max > 0)
		snprintf((char *)msg, (size_t)max, "%s", s->msg);
	if (len)
		*len = (SQLSMALLINT)strlen(s->msg);
	return SQL_SUCCESS;
}

#ifndef STUB_ANSI
STUB_EXPORT SQLRETURN SQL_API SQLGetDiagRecW(SQLSMALLINT t, SQLHANDLE h,
	SQLSMALLINT rec, SQLWCHAR *state, SQLINTEGER *native, SQLWCHAR *msg,
	SQLSMALLINT max, SQLSMALLINT *len)
{
	struct stub *s = h;
	size_t i, n;

	if (rec != 1 || !s->has_diag)
		return SQL_NO_DATA;
	for (i = 0; state && i < 6; i++)
		state[i] = (unsigned char)s->state[i];
	if (native)
		*native = 0;
	n = strlen(s->msg);
	for (i = 0; msg && i < n && i + 1 < (size_t)max; i++)
		msg[i] = (unsigned char)s->msg[i];
	if (msg && max > 0)
		msg[i] = 0;
	if (len)
		*len = (SQLSMALLINT)n;
	return SQL_SUCCESS;
}
#endif
