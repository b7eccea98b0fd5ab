/*
 * Connection strings: parse "k=v;k={v;}}v};..." and build the string the
 * real driver gets, brace-quoting values that need it. Keys are
 * case-insensitive; "KEY={...}" runs to a '}' not followed by another
 * '}', and "}}" is a '}'.
 */
#include "config.h"
#include "plugin/px.h"

#include <stdlib.h>
#include <string.h>

int px_in_set(const char *key, const char *const *set)
{
	for (; *set; set++)
		if (px_strcaseeq(key, *set))
			return 1;
	return 0;
}

void px_kv_release(struct px_kvlist *l)
{
	int i;

	for (i = 0; i < l->nr; i++) {
		free(l->v[i].key);
		px_free_secret(l->v[i].val);
	}
	free(l->v);
	l->v = NULL;
	l->nr = l->alloc = 0;
}

static int kv_add(struct px_kvlist *l, const char *k, size_t klen,
		  const char *v, size_t vlen, int braced)
{
	struct px_kv *n;
	size_t i, o = 0;
	char *val;

	if (l->nr == l->alloc) {
		int alloc = l->alloc ? l->alloc * 2 : 16;

		n = realloc(l->v, (size_t)alloc * sizeof(*n));
		if (!n)
			return -1;
		l->v = n;
		l->alloc = alloc;
	}
	val = malloc(vlen + 1);
	n = &l->v[l->nr];
	n->key = malloc(klen + 1);
	if (!val || !n->key) {
		free(val);
		free(n->key);
		return -1;
	}
	memcpy(n->key, k, klen);
	n->key[klen] = '\0';
	/* inside braces "}}" is one '}' */
	for (i = 0; i < vlen; i++) {
		val[o++] = v[i];
		if (braced && v[i] == '}' && i + 1 < vlen && v[i + 1] == '}')
			i++;
	}
	val[o] = '\0';
	n->val = val;
	l->nr++;
	return 0;
}

static int is_space(char c)
{
	return c == ' ' || c == '\t';
}

int px_kv_parse(struct px_kvlist *l, const char *s)
{
	while (*s) {
		const char *k, *ke, *v, *ve;
		int braced = 0;

		while (*s == ';' || is_space(*s))
			s++;
		if (!*s)
			break;
		k = s;
		while (*s && *s != '=' && *s != ';')
			s++;
		ke = s;
		while (ke > k && is_space(ke[-1]))
			ke--;
		if (*s != '=')
			continue;	/* a key without a value: ignored */
		s++;
		while (is_space(*s))
			s++;
		if (*s == '{') {
			braced = 1;
			v = ++s;
			while (*s && !(*s == '}' && s[1] != '}'))
				s += *s == '}' ? 2 : 1;
			ve = s;
			if (*s)
				s++;
			while (*s && *s != ';')
				s++;
		} else {
			v = s;
			while (*s && *s != ';')
				s++;
			ve = s;
			while (ve > v && is_space(ve[-1]))
				ve--;
		}
		if (ke > k && kv_add(l, k, (size_t)(ke - k), v,
				     (size_t)(ve - v), braced))
			return -1;
	}
	return 0;
}

const char *px_kv_get(const struct px_kvlist *l, const char *const *keys)
{
	int i;

	for (i = 0; i < l->nr; i++)
		if (px_in_set(l->v[i].key, keys))
			return l->v[i].val;
	return NULL;
}

static void sb_grow(struct px_sbuf *b, size_t more)
{
	char *n;
	size_t alloc;

	if (b->oom || b->len + more + 1 <= b->alloc)
		return;
	alloc = (b->len + more + 1) * 2;
	n = malloc(alloc);
	if (!n) {
		b->oom = 1;
		return;
	}
	if (b->buf) {
		memcpy(n, b->buf, b->len + 1);
		px_wipe(b->buf, b->alloc);
		free(b->buf);
	}
	b->buf = n;
	b->alloc = alloc;
}

void px_sb_addn(struct px_sbuf *b, const char *s, size_t n)
{
	sb_grow(b, n);
	if (b->oom)
		return;
	memcpy(b->buf + b->len, s, n);
	b->len += n;
	b->buf[b->len] = '\0';
}

void px_sb_add(struct px_sbuf *b, const char *s)
{
	px_sb_addn(b, s, strlen(s));
}

void px_sb_release(struct px_sbuf *b)
{
	if (b->buf) {
		px_wipe(b->buf, b->alloc);
		free(b->buf);
	}
	memset(b, 0, sizeof(*b));
}

static int needs_braces(const char *v)
{
	size_t n = strlen(v);

	return strpbrk(v, ";{}=") || (n && (is_space(v[0]) ||
					     is_space(v[n - 1])));
}

/* ";KEY=value", the value brace-quoted with '}' doubled when needed */
void px_sb_pair(struct px_sbuf *b, const char *key, const char *val,
		    int force_braces)
{
	const char *p;

	if (b->len)
		px_sb_add(b, ";");
	px_sb_add(b, key);
	px_sb_add(b, "=");
	if (!force_braces && !needs_braces(val)) {
		px_sb_add(b, val);
		return;
	}
	px_sb_add(b, "{");
	for (p = val; *p; p++) {
		px_sb_addn(b, p, 1);
		if (*p == '}')
			px_sb_add(b, "}");
	}
	px_sb_add(b, "}");
}

char *px_forward_string(const struct px_kvlist *l, const char *dsn,
			const char *user, const char *secret, int as_token)
{
	struct px_sbuf b = { 0 };
	int i;

	if (dsn)
		px_sb_pair(&b, "DSN", dsn, 0);
	for (i = 0; i < l->nr; i++) {
		if (px_in_set(l->v[i].key, px_strip_keys) ||
		    (as_token && px_in_set(l->v[i].key, px_token_keys)))
			continue;
		px_sb_pair(&b, l->v[i].key, l->v[i].val, 0);
	}
	if (user)
		px_sb_pair(&b, "UID", user, 0);
	if (as_token) {
		px_sb_pair(&b, "AUTHENTICATOR", "oauth", 0);
		px_sb_pair(&b, "TOKEN", secret, 1);
	} else {
		px_sb_pair(&b, "PWD", secret, 1);
	}
	if (b.oom)
		px_sb_release(&b);
	/* only buf[0..len] ever held the token: px_free_secret wipes it */
	return b.buf;
}
