/*
 * HTTPS requests through libcurl, loaded with dlopen on first use: linking
 * libcurl costs about 7 ms of start-up in every process, and most calls
 * of tokenpass (a 'get' of a fresh token) never talk HTTP.
 *
 * TLS is always verified. SSL_CERT_FILE or CURL_CA_BUNDLE name a CA
 * bundle for a private CA. Plain http:// is allowed only to loopback.
 * Every request has a connect and a total timeout (TOKENPASS_HTTP_TIMEOUT
 * seconds, default 10) and a cap on the response body. libcurl allocates
 * through us, so every buffer it frees is wiped.
 */
#ifndef HTTP_H
#define HTTP_H

#include <stddef.h>

/* The largest response body we accept. */
#define HTTP_MAX_BODY (1024 * 1024)

struct http_request {
	const char *url;
	const char *body;		/* POST body; secret */
	const char *content_type;	/* of the body */
	const char *basic_user;		/* HTTP Basic, already encoded */
	const char *basic_password;	/* secret */
	const char *bearer;		/* secret */
	const char *const *headers;	/* extra "Name: value", NULL-ended */
	int get;			/* GET instead of POST (no body) */
	long timeout;			/* seconds; 0: TOKENPASS_HTTP_TIMEOUT */
};

struct http_response {
	long status;
	char *body;			/* NUL-terminated; secret */
	size_t len;
	char *content_type;		/* NULL when none was sent */
};

#define HTTP_RESPONSE_INIT { 0, NULL, 0, NULL }

/* TOKENPASS_HTTP_TIMEOUT in seconds (default 10). */
long http_timeout(void);

/*
 * POST req (GET when req->get). Returns 0 with *resp filled for any HTTP status, or -1 with
 * *why set to a new secret-free string (free it) when no usable answer
 * came: no libcurl, refused URL, DNS, connect, TLS, timeout, a body over
 * HTTP_MAX_BODY.
 */
int http_post(const struct http_request *req, struct http_response *resp,
	      char **why);

/* Wipe and free what resp holds. */
void http_response_release(struct http_response *resp);

/* Is the response's content type application/json (any parameters)? */
int http_is_json(const struct http_response *resp);

/* Percent-encode s for a form or query (RFC 3986 unreserved kept). */
char *http_urlencode(const char *s);

/* base64url without padding of n bytes (RFC 4648 section 5). */
char *http_base64url(const unsigned char *p, size_t n);

#endif
