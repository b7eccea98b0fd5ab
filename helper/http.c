#include "config.h"
#include "helper/http.h"
#include "helper/secmem.h"
#include "helper/tokenpass.h"

#include <arpa/inet.h>
#include <ctype.h>
/* plain prototypes: we call libcurl through pointers */
#define CURL_DISABLE_TYPECHECK 1
#include <curl/curl.h>
#include <dlfcn.h>
#include <malloc.h>
#include <stdlib.h>
#include <string.h>

#define HTTP_DEFAULT_TIMEOUT 10

/* The libcurl functions we use, resolved once with dlsym. */
#define CURL_FUNCS(X) \
	X(curl_global_init_mem) X(curl_easy_init) X(curl_easy_setopt) \
	X(curl_easy_perform) X(curl_easy_getinfo) X(curl_easy_cleanup) \
	X(curl_easy_strerror) X(curl_slist_append) X(curl_slist_free_all) \
	X(curl_url) X(curl_url_set) X(curl_url_get) X(curl_url_cleanup) \
	X(curl_free)

static struct {
#define X(f) __typeof__(f) *f;
	CURL_FUNCS(X)
#undef X
	int loaded;
} lc;

/* libcurl's allocator: ours, so that nothing it frees keeps a secret. */
static void *lc_malloc(size_t n)
{
	return malloc(n);
}

static void lc_free(void *p)
{
	tp_free_wipe(p);
}

static void *lc_realloc(void *p, size_t n)
{
	size_t old;
	void *q;

	if (!p)
		return malloc(n);
	old = malloc_usable_size(p);
	q = malloc(n ? n : 1);
	if (!q)
		return NULL;
	memcpy(q, p, old < n ? old : n);
	tp_free_wipe(p);
	return q;
}

static char *lc_strdup(const char *s)
{
	return strdup(s);
}

static void *lc_calloc(size_t nmemb, size_t n)
{
	return calloc(nmemb, n);
}

static int load_curl(char **why)
{
	void *h;

	if (lc.loaded)
		return 0;
	h = dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		*why = xasprintf("cannot load libcurl (%s); install libcurl4",
				 dlerror());
		return -1;
	}
#define X(f) \
	if (!(lc.f = (__typeof__(f) *)dlsym(h, #f))) { \
		*why = xstrdup("libcurl lacks " #f "; install libcurl4"); \
		return -1; \
	}
	CURL_FUNCS(X)
#undef X
	if (lc.curl_global_init_mem(CURL_GLOBAL_DEFAULT, lc_malloc, lc_free,
				    lc_realloc, lc_strdup, lc_calloc)) {
		*why = xstrdup("cannot initialise libcurl");
		return -1;
	}
	lc.loaded = 1;
	return 0;
}

static long timeout_seconds(void)
{
	const char *s = getenv("TOKENPASS_HTTP_TIMEOUT");
	unsigned long long v;

	if (s && !tp_parse_ulong(s, 600, &v) && v)
		return (long)v;
	return HTTP_DEFAULT_TIMEOUT;
}

/* a part of u, or NULL when it has none (free with curl_free) */
static char *url_part(CURLU *u, CURLUPart what)
{
	char *v = NULL;

	if (lc.curl_url_get(u, what, &v, 0) != CURLUE_OK)
		return NULL;
	return v;
}

/* is host (as libcurl gives it) this machine's loopback */
static int loopback_host(const char *host)
{
	struct in_addr a4;

	if (!strcmp(host, "localhost") || !strcmp(host, "[::1]"))
		return 1;
	if (inet_pton(AF_INET, host, &a4) != 1 ||
	    strspn(host, "0123456789.") != strlen(host))
		return 0;
	return (ntohl(a4.s_addr) >> 24) == 127;
}

/*
 * https:// anywhere; plain http:// only when it never leaves this
 * machine. The URL is taken apart by libcurl's own parser, the one that
 * decides where the request goes, so that "http://127.0.0.1:80@evil/"
 * is seen for what it is; a loopback URL may not carry a user or a
 * password at all.
 */
static int url_allowed(const char *url)
{
	char *scheme = NULL, *host = NULL, *user = NULL, *pw = NULL;
	CURLU *u = lc.curl_url();
	int ret = 0;

	if (!u)
		tp_die("out of memory parsing a URL");
	if (lc.curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK)
		goto out;
	scheme = url_part(u, CURLUPART_SCHEME);
	host = url_part(u, CURLUPART_HOST);
	if (!scheme || !host || !*host)
		goto out;
	if (!strcmp(scheme, "https")) {
		ret = 1;
		goto out;
	}
	user = url_part(u, CURLUPART_USER);
	pw = url_part(u, CURLUPART_PASSWORD);
	ret = !strcmp(scheme, "http") && !user && !pw && loopback_host(host);
out:
	lc.curl_free(scheme);
	lc.curl_free(host);
	lc.curl_free(user);
	lc.curl_free(pw);
	lc.curl_url_cleanup(u);
	return ret;
}

struct sink {
	char *buf;
	size_t len, alloc;
	int too_big;
};

static size_t on_data(char *p, size_t size, size_t nmemb, void *data)
{
	struct sink *s = data;
	size_t n = size * nmemb;

	if (s->len + n > HTTP_MAX_BODY) {
		s->too_big = 1;
		return 0;
	}
	if (s->len + n + 1 > s->alloc) {
		size_t alloc = s->alloc ? s->alloc : 4096;
		char *q;

		while (alloc < s->len + n + 1)
			alloc *= 2;
		q = xmalloc(alloc);
		if (s->buf)
			memcpy(q, s->buf, s->len);
		tp_free_wipe(s->buf);
		s->buf = q;
		s->alloc = alloc;
	}
	memcpy(s->buf + s->len, p, n);
	s->len += n;
	s->buf[s->len] = '\0';
	return n;
}

static struct curl_slist *add_header(struct curl_slist *list,
				     const char *header, int *failed)
{
	struct curl_slist *l = lc.curl_slist_append(list, header);

	if (!l) {
		*failed = 1;
		return list;
	}
	return l;
}

int http_post(const struct http_request *req, struct http_response *resp,
	      char **why)
{
	char errbuf[CURL_ERROR_SIZE] = "";
	struct curl_slist *headers = NULL;
	struct sink sink = { NULL, 0, 0, 0 };
	const char *const *h;
	const char *ca;
	char *line = NULL, *ctype = NULL;
	long timeout = timeout_seconds();
	int ret = -1, failed = 0;
	CURLcode rc;
	CURL *curl = NULL;

	if (load_curl(why))
		goto out;
	if (!url_allowed(req->url)) {
		*why = xstrdup("only https:// (or http:// to this machine's "
			       "loopback) is allowed");
		goto out;
	}
	curl = lc.curl_easy_init();
	if (!curl)
		tp_die("out of memory starting an HTTP request");

	if (req->content_type) {
		line = xasprintf("Content-Type: %s", req->content_type);
		headers = add_header(headers, line, &failed);
		free(line);
	}
	if (req->bearer) {
		line = xasprintf("Authorization: Bearer %s", req->bearer);
		headers = add_header(headers, line, &failed);
		tp_free_secret(line);
	}
	for (h = req->headers; h && *h; h++)
		headers = add_header(headers, *h, &failed);
	headers = add_header(headers, "Expect:", &failed);
	if (failed)
		tp_die("out of memory building HTTP headers");

	lc.curl_easy_setopt(curl, CURLOPT_URL, req->url);
	lc.curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "https,http");
	lc.curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
	lc.curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
	lc.curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 1L);
	lc.curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 2L);
	ca = getenv("SSL_CERT_FILE");
	if (!ca || !*ca)
		ca = getenv("CURL_CA_BUNDLE");
	if (ca && *ca)
		lc.curl_easy_setopt(curl, CURLOPT_CAINFO, ca);
	lc.curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT,
			    timeout < 5 ? timeout : 5L);
	lc.curl_easy_setopt(curl, CURLOPT_TIMEOUT, timeout);
	lc.curl_easy_setopt(curl, CURLOPT_MAXFILESIZE_LARGE,
			    (curl_off_t)HTTP_MAX_BODY);
	lc.curl_easy_setopt(curl, CURLOPT_USERAGENT,
			    "tokenpass/" PACKAGE_VERSION);
	lc.curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
	lc.curl_easy_setopt(curl, CURLOPT_POST, 1L);
	lc.curl_easy_setopt(curl, CURLOPT_POSTFIELDS,
			    req->body ? req->body : "");
	lc.curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE,
			    (long)(req->body ? strlen(req->body) : 0));
	if (req->basic_user) {
		lc.curl_easy_setopt(curl, CURLOPT_HTTPAUTH,
				    (long)CURLAUTH_BASIC);
		lc.curl_easy_setopt(curl, CURLOPT_USERNAME, req->basic_user);
		lc.curl_easy_setopt(curl, CURLOPT_PASSWORD,
				    req->basic_password ?
				    req->basic_password : "");
	}
	lc.curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_data);
	lc.curl_easy_setopt(curl, CURLOPT_WRITEDATA, &sink);
	lc.curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, errbuf);

	rc = lc.curl_easy_perform(curl);
	if (sink.too_big || rc == CURLE_FILESIZE_EXCEEDED) {
		*why = xasprintf("the answer is larger than %d bytes",
				 HTTP_MAX_BODY);
		goto out;
	}
	if (rc == CURLE_OPERATION_TIMEDOUT) {
		*why = xasprintf("timed out after %ld s", timeout);
		goto out;
	}
	if (rc != CURLE_OK) {
		*why = xasprintf("%s", *errbuf ? errbuf :
				 lc.curl_easy_strerror(rc));
		goto out;
	}
	lc.curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &resp->status);
	lc.curl_easy_getinfo(curl, CURLINFO_CONTENT_TYPE, &ctype);
	resp->content_type = ctype ? xstrdup(ctype) : NULL;
	resp->body = sink.buf ? sink.buf : xstrdup("");
	resp->len = sink.len;
	sink.buf = NULL;
	ret = 0;
out:
	tp_free_wipe(sink.buf);
	if (headers)
		lc.curl_slist_free_all(headers);
	if (curl)
		lc.curl_easy_cleanup(curl);
	return ret;
}

void http_response_release(struct http_response *resp)
{
	tp_free_wipe(resp->body);
	free(resp->content_type);
	resp->body = resp->content_type = NULL;
	resp->len = 0;
	resp->status = 0;
}

int http_is_json(const struct http_response *resp)
{
	const char *t = resp->content_type;
	size_t n = strlen("application/json");

	if (!t)
		return 0;
	while (*t == ' ')
		t++;
	return !strncasecmp(t, "application/json", n) &&
	       (!t[n] || t[n] == ';' || t[n] == ' ');
}

char *http_urlencode(const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	char *out = xmalloc(3 * strlen(s) + 1), *o = out;

	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (isalnum(c) || c == '-' || c == '.' || c == '_' ||
		    c == '~') {
			*o++ = (char)c;
		} else {
			*o++ = '%';
			*o++ = hex[c >> 4];
			*o++ = hex[c & 15];
		}
	}
	*o = '\0';
	return out;
}

static char *base64(const unsigned char *p, size_t n, const char *alphabet,
		    int pad)
{
	char *out = xmalloc(4 * ((n + 2) / 3) + 1), *o = out;
	size_t i;

	for (i = 0; i + 2 < n; i += 3) {
		unsigned long v = (unsigned long)p[i] << 16 |
				  (unsigned long)p[i + 1] << 8 | p[i + 2];

		*o++ = alphabet[v >> 18 & 63];
		*o++ = alphabet[v >> 12 & 63];
		*o++ = alphabet[v >> 6 & 63];
		*o++ = alphabet[v & 63];
	}
	if (i < n) {
		unsigned long v = (unsigned long)p[i] << 16;

		if (i + 1 < n)
			v |= (unsigned long)p[i + 1] << 8;
		*o++ = alphabet[v >> 18 & 63];
		*o++ = alphabet[v >> 12 & 63];
		if (i + 1 < n)
			*o++ = alphabet[v >> 6 & 63];
		else if (pad)
			*o++ = '=';
		if (pad)
			*o++ = '=';
	}
	*o = '\0';
	return out;
}

char *http_base64url(const unsigned char *p, size_t n)
{
	return base64(p, n, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
			    "0123456789-_", 0);
}
