/*
 * Small helpers: wiping, and the UTF-16 <-> UTF-8 conversions the connect
 * path needs (the only place the hook converts strings).
 */
#include "config.h"
#include "plugin/px.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

void px_wipe(void *p, size_t n)
{
	if (!p || !n)
		return;
#ifdef HAVE_EXPLICIT_BZERO
	explicit_bzero(p, n);
#else
	{
		volatile unsigned char *v = p;

		while (n--)
			*v++ = 0;
	}
#endif
}

void px_free_secret(char *s)
{
	if (!s)
		return;
	px_wipe(s, strlen(s));
	free(s);
}

size_t px_wlen(const SQLWCHAR *w)
{
	size_t n = 0;

	while (w[n])
		n++;
	return n;
}

int px_strcaseeq(const char *a, const char *b)
{
	return !strcasecmp(a, b);
}

char *px_a_dup(const SQLCHAR *s, SQLLEN len)
{
	char *r;
	size_t n;

	if (!s)
		return strdup("");
	n = len == SQL_NTS || len < 0 ? strlen((const char *)s) : (size_t)len;
	r = malloc(n + 1);
	if (!r)
		return NULL;
	memcpy(r, s, n);
	r[n] = '\0';
	return r;
}

char *px_w_to_utf8(const SQLWCHAR *w, SQLLEN len)
{
	size_t n, i, o = 0;
	char *r;

	if (!w)
		return strdup("");
	n = len == SQL_NTS || len < 0 ? px_wlen(w) : (size_t)len;
	r = malloc(n * 3 + 1);
	if (!r)
		return NULL;
	for (i = 0; i < n && w[i]; i++) {
		unsigned long c = w[i];

		if (c >= 0xd800 && c < 0xdc00 && i + 1 < n &&
		    w[i + 1] >= 0xdc00 && w[i + 1] < 0xe000) {
			c = 0x10000 + ((c - 0xd800) << 10) +
			    (w[i + 1] - 0xdc00);
			i++;
		} else if (c >= 0xd800 && c < 0xe000) {
			c = 0xfffd;
		}
		if (c < 0x80) {
			r[o++] = (char)c;
		} else if (c < 0x800) {
			r[o++] = (char)(0xc0 | (c >> 6));
			r[o++] = (char)(0x80 | (c & 0x3f));
		} else if (c < 0x10000) {
			r[o++] = (char)(0xe0 | (c >> 12));
			r[o++] = (char)(0x80 | ((c >> 6) & 0x3f));
			r[o++] = (char)(0x80 | (c & 0x3f));
		} else {	/* a pair: two units became four bytes */
			r[o++] = (char)(0xf0 | (c >> 18));
			r[o++] = (char)(0x80 | ((c >> 12) & 0x3f));
			r[o++] = (char)(0x80 | ((c >> 6) & 0x3f));
			r[o++] = (char)(0x80 | (c & 0x3f));
		}
	}
	r[o] = '\0';
	return r;
}

SQLWCHAR *px_utf8_to_w(const char *s, size_t *units)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s), o = 0;
	SQLWCHAR *r = malloc((n + 1) * sizeof(*r));

	if (!r)
		return NULL;
	while (*p) {
		unsigned long c;
		int more;

		if (*p < 0x80) {
			c = *p++;
			more = 0;
		} else if ((*p & 0xe0) == 0xc0) {
			c = *p++ & 0x1f;
			more = 1;
		} else if ((*p & 0xf0) == 0xe0) {
			c = *p++ & 0x0f;
			more = 2;
		} else if ((*p & 0xf8) == 0xf0) {
			c = *p++ & 0x07;
			more = 3;
		} else {
			p++;
			r[o++] = 0xfffd;
			continue;
		}
		while (more--) {
			if ((*p & 0xc0) != 0x80) {
				c = 0xfffd;
				break;
			}
			c = (c << 6) | (*p++ & 0x3f);
		}
		if (c >= 0x10000 && c < 0x110000) {
			c -= 0x10000;
			r[o++] = (SQLWCHAR)(0xd800 + (c >> 10));
			r[o++] = (SQLWCHAR)(0xdc00 + (c & 0x3ff));
		} else if (c >= 0x110000 || (c >= 0xd800 && c < 0xe000)) {
			r[o++] = 0xfffd;
		} else {
			r[o++] = (SQLWCHAR)c;
		}
	}
	r[o] = 0;
	*units = o;
	return r;
}
