#include "helper/http.h"
#include "helper/record.h"
#include "helper/secmem.h"
#include "helper/snowflake.h"
#include "helper/tokenpass.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#define STATEMENTS_PATH "/api/v2/statements"

char *snowflake_ident(const char *name)
{
	const char *p;
	char *out, *o;
	int plain = *name && (isalpha((unsigned char)*name) || *name == '_');

	for (p = name; plain && *p; p++)
		plain = isalnum((unsigned char)*p) || *p == '_' || *p == '$';
	if (plain)
		return xstrdup(name);
	out = xmalloc(2 * strlen(name) + 3);
	o = out;
	*o++ = '"';
	for (p = name; *p; p++) {
		if (*p == '"')
			*o++ = '"';
		*o++ = *p;
	}
	*o++ = '"';
	*o = '\0';
	return out;
}

char *snowflake_rotate_sql(const char *user, const char *name, long hours)
{
	char *u = snowflake_ident(user), *n = snowflake_ident(name), *sql;

	if (hours >= 0)
		sql = xasprintf("ALTER USER %s ROTATE PROGRAMMATIC ACCESS "
				"TOKEN %s EXPIRE_ROTATED_TOKEN_AFTER_HOURS = "
				"%ld", u, n, hours);
	else
		sql = xasprintf("ALTER USER %s ROTATE PROGRAMMATIC ACCESS "
				"TOKEN %s", u, n);
	free(u);
	free(n);
	return sql;
}

/* A server's text, cut short and stripped of control characters. */
static char *clean(const cJSON *obj, const char *key)
{
	const cJSON *item = cJSON_GetObjectItemCaseSensitive(obj, key);

	return cJSON_IsString(item) ? tp_clean_text(item->valuestring, 300) :
	       NULL;
}

static int failure(long status, const cJSON *obj, char **why)
{
	char *msg = obj ? clean(obj, "message") : NULL;
	char *code = obj ? clean(obj, "code") : NULL;
	char *state = obj ? clean(obj, "sqlState") : NULL;
	int ret = TP_ENDPOINT;

	if (status == 422 || status == 400)
		ret = TP_ERROR;
	else if (status == 401 || status == 403)
		ret = TP_SIGN_IN;
	*why = xasprintf("HTTP %ld%s%s%s%s%s%s%s", status,
			 msg ? ": " : "", msg ? msg : "",
			 code || state ? " (" : "", code ? code : "",
			 code && state ? ", SQL state " : "",
			 state ? state : "", code || state ? ")" : "");
	free(msg);
	free(code);
	free(state);
	return ret;
}

int snowflake_parse_result(long status, const char *body,
			   const char *column, char **value, char **why)
{
	const cJSON *meta, *rows, *cols, *col, *row, *cell;
	cJSON *obj;
	int ret = TP_ENDPOINT, idx = -1, i = 0;

	record_json_hooks();
	obj = cJSON_Parse(body);
	if (!obj || !cJSON_IsObject(obj)) {
		if (status != 200)
			ret = failure(status, NULL, why);
		else
			*why = xstrdup("the answer is not a JSON object "
				       "(truncated?)");
		goto out;
	}
	if (status == 202) {
		*why = xstrdup("the statement is still running (HTTP 202); "
			       "check SHOW USER PROGRAMMATIC ACCESS TOKENS");
		goto out;
	}
	if (status != 200) {
		ret = failure(status, obj, why);
		goto out;
	}
	meta = cJSON_GetObjectItemCaseSensitive(obj, "resultSetMetaData");
	cols = cJSON_GetObjectItemCaseSensitive(meta, "rowType");
	rows = cJSON_GetObjectItemCaseSensitive(obj, "data");
	if (!cJSON_IsArray(cols) || !cJSON_IsArray(rows)) {
		*why = xstrdup("the answer has no result set");
		goto out;
	}
	cJSON_ArrayForEach(col, cols) {
		const cJSON *name = cJSON_GetObjectItemCaseSensitive(col,
								     "name");

		if (cJSON_IsString(name) &&
		    !strcasecmp(name->valuestring, column)) {
			idx = i;
			break;
		}
		i++;
	}
	if (idx < 0) {
		*why = xasprintf("the result has no '%s' column", column);
		goto out;
	}
	row = cJSON_GetArrayItem(rows, 0);
	cell = cJSON_IsArray(row) ? cJSON_GetArrayItem(row, idx) : NULL;
	if (!cJSON_IsString(cell) || !*cell->valuestring) {
		*why = xasprintf("the result has no '%s' value", column);
		goto out;
	}
	*value = tp_strdup_secret(cell->valuestring);
	ret = TP_OK;
out:
	cJSON_Delete(obj);
	return ret;
}

/*
 * The statementStatusUrl of a 202 answer (QueryStatus), as an absolute
 * URL on host: a new string, or NULL when it is missing or not a path of
 * the statements API (we never follow it elsewhere).
 */
static char *status_url(const char *host, const char *body)
{
	const cJSON *u, *h;
	cJSON *obj;
	char *url = NULL;
	const char *p;

	record_json_hooks();
	obj = cJSON_Parse(body);
	u = cJSON_GetObjectItemCaseSensitive(obj, "statementStatusUrl");
	h = cJSON_GetObjectItemCaseSensitive(obj, "statementHandle");
	if (cJSON_IsString(u) &&
	    !strncmp(u->valuestring, STATEMENTS_PATH "/",
		     strlen(STATEMENTS_PATH "/"))) {
		for (p = u->valuestring; *p; p++)
			if (iscntrl((unsigned char)*p) || *p == ' ' ||
			    *p == '#' || *p == '@' || *p == '\\')
				break;
		if (!*p)
			url = xasprintf("https://%s%s", host, u->valuestring);
	} else if (cJSON_IsString(h) && *h->valuestring) {
		for (p = h->valuestring; *p; p++)
			if (!isalnum((unsigned char)*p) && *p != '-')
				break;
		if (!*p)
			url = xasprintf("https://%s" STATEMENTS_PATH "/%s",
					host, h->valuestring);
	}
	cJSON_Delete(obj);
	return url;
}

/*
 * One request of a statement's life: the POST, or a GET of its status
 * URL; *resp holds a JSON answer below HTTP 500. Returns TP_OK or
 * TP_ENDPOINT with *why.
 */
static int exchange(struct http_request *req, struct http_response *resp,
		    char **why)
{
	char *detail = NULL;

	http_response_release(resp);
	if (http_post(req, resp, &detail)) {
		*why = xasprintf("cannot reach '%s': %s", req->url, detail);
		free(detail);
		return TP_ENDPOINT;
	}
	if (resp->status >= 500) {
		*why = xasprintf("'%s' failed with HTTP %ld", req->url,
				 resp->status);
		return TP_ENDPOINT;
	}
	if (!http_is_json(resp)) {
		*why = xasprintf("'%s' answered '%s', not JSON (HTTP %ld)",
				 req->url, resp->content_type ?
				 resp->content_type : "no content type",
				 resp->status);
		return TP_ENDPOINT;
	}
	return TP_OK;
}

int snowflake_rotate(const char *host, const char *bearer, const char *user,
		     const char *name, long hours, char **secret, char **why)
{
	static const char *const headers[] = {
		"Accept: application/json",
		"X-Snowflake-Authorization-Token-Type: OAUTH",
		NULL
	};
	struct http_response resp = HTTP_RESPONSE_INIT;
	struct http_request req = { 0 };
	char *sql = snowflake_rotate_sql(user, name, hours);
	char *url = xasprintf("https://%s" STATEMENTS_PATH, host);
	char *poll_url = NULL, *body, *detail = NULL;
	long long deadline, left;
	long pause = 250;
	cJSON *obj;
	int ret;

	record_json_hooks();
	obj = cJSON_CreateObject();
	if (!obj || !cJSON_AddStringToObject(obj, "statement", sql) ||
	    !cJSON_AddNumberToObject(obj, "timeout",
				     SNOWFLAKE_STATEMENT_TIMEOUT))
		tp_die("out of memory building a statement");
	body = cJSON_PrintUnformatted(obj);
	cJSON_Delete(obj);
	if (!body)
		tp_die("out of memory building a statement");

	/*
	 * Snowflake holds the POST up to 45 s, then answers 202 with the
	 * statement's handle; the statement itself ends by its timeout.
	 * Our HTTP timeout covers that, and the polls share its deadline.
	 */
	deadline = tp_clock_ms() + (SNOWFLAKE_STATEMENT_TIMEOUT +
				    SNOWFLAKE_GRACE) * 1000LL;
	req.url = url;
	req.body = body;
	req.content_type = "application/json";
	req.bearer = bearer;
	req.headers = headers;
	req.timeout = SNOWFLAKE_STATEMENT_TIMEOUT + SNOWFLAKE_GRACE;
	ret = exchange(&req, &resp, why);
	while (!ret && resp.status == 202) {
		/* still running: poll its handle (QueryStatus) */
		if (!poll_url)
			poll_url = status_url(host, resp.body);
		if (!poll_url) {
			*why = xstrdup("Snowflake answered HTTP 202 without a "
				       "statement handle; check SHOW USER "
				       "PROGRAMMATIC ACCESS TOKENS");
			ret = TP_ENDPOINT;
			goto out;
		}
		left = deadline - tp_clock_ms();
		if (left <= pause) {
			*why = xasprintf("the statement did not finish within "
					 "%d s; check SHOW USER PROGRAMMATIC "
					 "ACCESS TOKENS",
					 SNOWFLAKE_STATEMENT_TIMEOUT);
			ret = TP_ENDPOINT;
			goto out;
		}
		usleep((useconds_t)pause * 1000);
		if (pause < 2000)
			pause *= 2;
		memset(&req, 0, sizeof(req));
		req.url = poll_url;
		req.bearer = bearer;
		req.headers = headers;
		req.get = 1;
		left = (deadline - tp_clock_ms()) / 1000;
		req.timeout = left > 1 ? (long)left : 1;
		ret = exchange(&req, &resp, why);
	}
	if (ret)
		goto out;
	ret = snowflake_parse_result(resp.status, resp.body, "token_secret",
				     secret, &detail);
	if (ret)
		*why = xasprintf("Snowflake did not rotate the PAT: %s",
				 detail);
out:
	http_response_release(&resp);
	cJSON_free(body);
	free(detail);
	free(sql);
	free(url);
	free(poll_url);
	return ret;
}
