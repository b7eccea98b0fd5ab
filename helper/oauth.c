#include "helper/http.h"
#include "helper/oauth.h"
#include "helper/record.h"
#include "helper/secmem.h"
#include "helper/tokenpass.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/*
 * A token must fit on one line of git's protocol (65535 bytes, credential.h)
 * or 'get' could never hand it out, and three of them must fit in one
 * stored record (RECORD_MAX_JSON).
 */
#define OAUTH_TOKEN_MAX 65000

/* A JSON number, or a string of digits (some servers send those). */
static int get_seconds(const cJSON *obj, const char *key, long long *out)
{
	const cJSON *item = cJSON_GetObjectItemCaseSensitive(obj, key);
	unsigned long long v;
	double d;

	if (!item || cJSON_IsNull(item))
		return 0;
	if (cJSON_IsString(item)) {
		if (tp_parse_ulong(item->valuestring, 100LL * 366 * 86400, &v))
			return -1;
		*out = (long long)v;
		return 0;
	}
	if (!cJSON_IsNumber(item))
		return -1;
	d = item->valuedouble;
	if (!(d >= 0 && d <= 100.0 * 366 * 86400))
		return -1;
	*out = (long long)floor(d);
	return 0;
}

static int get_token(const cJSON *obj, const char *key, char **out,
		     int required, const char **why)
{
	const cJSON *item = cJSON_GetObjectItemCaseSensitive(obj, key);
	const char *p;

	if (!item || cJSON_IsNull(item)) {
		if (required)
			*why = "has no access_token";
		return required ? -1 : 0;
	}
	if (!cJSON_IsString(item) || !*item->valuestring) {
		*why = "has a token that is not a string";
		return -1;
	}
	if (strlen(item->valuestring) > OAUTH_TOKEN_MAX) {
		*why = "has a token longer than 65000 bytes";
		return -1;
	}
	for (p = item->valuestring; *p; p++) {
		if (iscntrl((unsigned char)*p) || *p == ' ') {
			*why = "has a token with white space or a control "
			       "character in it";
			return -1;
		}
	}
	*out = tp_strdup_secret(item->valuestring);
	return 0;
}

static char *get_plain(const cJSON *obj, const char *key)
{
	const cJSON *item = cJSON_GetObjectItemCaseSensitive(obj, key);

	return cJSON_IsString(item) ? tp_clean_text(item->valuestring, 200) : NULL;
}

static int parse_error(long status, const cJSON *obj, char **why)
{
	char *code = get_plain(obj, "error");
	char *msg = get_plain(obj, "message");
	int ret = TP_ENDPOINT;

	if (!msg)
		msg = get_plain(obj, "error_description");
	if (code && (!strcmp(code, "invalid_grant") ||
		     !strcmp(code, "invalid_client") ||
		     !strcmp(code, "unauthorized_client")))
		ret = TP_SIGN_IN;
	*why = xasprintf("HTTP %ld, %s%s%s", status,
			 code ? code : "no error code",
			 msg ? ": " : "", msg ? msg : "");
	free(code);
	free(msg);
	return ret;
}

int oauth_parse_response(long status, const char *body,
			 struct oauth_token *tok, char **why)
{
	struct oauth_token t = OAUTH_TOKEN_INIT;
	const cJSON *type;
	const char *bad = NULL;
	cJSON *obj;
	int ret = TP_ENDPOINT;

	record_json_hooks();
	obj = cJSON_Parse(body);
	if (!obj || !cJSON_IsObject(obj)) {
		*why = xasprintf("HTTP %ld, the answer is not a JSON object "
				 "(truncated?)", status);
		goto out;
	}
	if (status != 200) {
		ret = parse_error(status, obj, why);
		goto out;
	}
	if (cJSON_GetObjectItemCaseSensitive(obj, "error")) {
		ret = parse_error(status, obj, why);
		goto out;
	}
	type = cJSON_GetObjectItemCaseSensitive(obj, "token_type");
	if (type && (!cJSON_IsString(type) ||
		     strcasecmp(type->valuestring, "bearer"))) {
		bad = "has a token_type other than Bearer";
		goto bad;
	}
	if (get_token(obj, "access_token", &t.access_token, 1, &bad) ||
	    get_token(obj, "refresh_token", &t.refresh_token, 0, &bad))
		goto bad;
	if (get_seconds(obj, "expires_in", &t.expires_in)) {
		bad = "has an expires_in that is not a number of seconds";
		goto bad;
	}
	if (get_seconds(obj, "refresh_token_expires_in",
			&t.refresh_expires_in)) {
		bad = "has a refresh_token_expires_in that is not a number "
		      "of seconds";
		goto bad;
	}
	t.scope = get_plain(obj, "scope");
	t.username = get_plain(obj, "username");
	*tok = t;
	t = (struct oauth_token)OAUTH_TOKEN_INIT;
	ret = TP_OK;
	goto out;
bad:
	*why = xasprintf("the answer %s", bad);
out:
	oauth_token_release(&t);
	cJSON_Delete(obj);
	return ret;
}

static void form_add(char **form, const char *key, const char *value)
{
	char *enc, *next;

	if (!value)
		return;
	enc = http_urlencode(value);
	next = xasprintf("%s%s%s=%s", *form ? *form : "", *form ? "&" : "",
			 key, enc);
	tp_free_secret(enc);
	tp_free_secret(*form);
	*form = next;
}

int oauth_request(const struct record *rec, const struct oauth_grant *grant,
		  struct oauth_token *tok, char **why)
{
	struct http_response resp = HTTP_RESPONSE_INIT;
	struct http_request req = { 0 };
	char *form = NULL, *id = NULL, *secret = NULL, *detail = NULL;
	int ret;

	if (!rec->token_url || !rec->client_id) {
		*why = xstrdup("the credential has no token URL or client id");
		return TP_SIGN_IN;
	}
	form_add(&form, "grant_type", grant->type);
	form_add(&form, "code", grant->code);
	form_add(&form, "redirect_uri", grant->redirect_uri);
	form_add(&form, "code_verifier", grant->code_verifier);
	form_add(&form, "refresh_token", grant->refresh_token);
	form_add(&form, "scope", grant->scope);
	if (rec->client_secret) {
		/* Snowflake: Basic over the URL-encoded id and secret */
		id = http_urlencode(rec->client_id);
		secret = http_urlencode(rec->client_secret);
		req.basic_user = id;
		req.basic_password = secret;
	} else {
		form_add(&form, "client_id", rec->client_id);
	}
	req.url = rec->token_url;
	req.body = form;
	req.content_type = "application/x-www-form-urlencoded";

	if (http_post(&req, &resp, &detail)) {
		*why = xasprintf("cannot reach the token endpoint '%s': %s",
				 rec->token_url, detail);
		ret = TP_ENDPOINT;
		goto out;
	}
	if (resp.status >= 500) {
		*why = xasprintf("the token endpoint '%s' failed with "
				 "HTTP %ld", rec->token_url, resp.status);
		ret = TP_ENDPOINT;
		goto out;
	}
	if (!http_is_json(&resp)) {
		*why = xasprintf("the token endpoint '%s' answered '%s', not "
				 "JSON (HTTP %ld); is the token URL right?",
				 rec->token_url, resp.content_type ?
				 resp.content_type : "no content type",
				 resp.status);
		ret = TP_ENDPOINT;
		goto out;
	}
	ret = oauth_parse_response(resp.status, resp.body, tok, &detail);
	if (ret)
		*why = xasprintf("the token endpoint '%s' answered %s",
				 rec->token_url, detail);
out:
	free(detail);
	tp_free_secret(form);
	tp_free_secret(id);
	tp_free_secret(secret);
	http_response_release(&resp);
	return ret;
}

void oauth_token_release(struct oauth_token *tok)
{
	tp_free_secret(tok->access_token);
	tp_free_secret(tok->refresh_token);
	free(tok->scope);
	free(tok->username);
	*tok = (struct oauth_token)OAUTH_TOKEN_INIT;
}
