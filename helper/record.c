#include "helper/record.h"
#include "helper/secmem.h"
#include "helper/tokenpass.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Largest integer a JSON number (a double) holds exactly. */
#define JSON_MAX_INT 9007199254740991.0

static const char *const kind_names[] = {
	[RECORD_PAT] = "pat",
	[RECORD_OAUTH] = "oauth",
};

const char *record_kind_name(enum record_kind kind)
{
	return kind_names[kind];
}

int record_kind_parse(const char *name, enum record_kind *kind)
{
	size_t i;

	for (i = 0; i < sizeof(kind_names) / sizeof(*kind_names); i++) {
		if (!strcmp(name, kind_names[i])) {
			*kind = (enum record_kind)i;
			return 0;
		}
	}
	return -1;
}

static void *json_malloc(size_t n)
{
	return xmalloc(n);
}

void record_json_hooks(void)
{
	cJSON_Hooks hooks = { json_malloc, tp_free_wipe };

	cJSON_InitHooks(&hooks);
}

/* The string fields and the times, in document order. */
#define RECORD_STRINGS(X) \
	X(token) X(protocol) X(path) X(pat_name) X(admin) X(refresh_token) \
	X(client_id) X(client_secret) X(token_url) X(authorize_url) \
	X(scope) X(grant) X(role)
#define RECORD_TIMES(X) \
	X(expires) X(refresh_expires) X(refresh_lifetime) X(updated)

static void add_string(cJSON *obj, const char *key, const char *val)
{
	if (val && !cJSON_AddStringToObject(obj, key, val))
		tp_die("out of memory building a record");
}

/*
 * Written as an integer by us: cJSON prints a number with 15 significant
 * digits when that reads back "close enough", which rounds a time of 16
 * digits (up to JSON_MAX_INT, which we accept) to another time.
 */
static void add_time(cJSON *obj, const char *key, time_t val)
{
	char num[32];

	if (!val)
		return;
	snprintf(num, sizeof(num), "%lld", (long long)val);
	if (!cJSON_AddRawToObject(obj, key, num))
		tp_die("out of memory building a record");
}

char *record_to_json(const struct record *rec)
{
	cJSON *obj;
	char *out;

	record_json_hooks();
	obj = cJSON_CreateObject();
	if (!obj ||
	    !cJSON_AddNumberToObject(obj, "version", RECORD_VERSION) ||
	    !cJSON_AddStringToObject(obj, "kind", record_kind_name(rec->kind)))
		tp_die("out of memory building a record");
#define X(f) add_string(obj, #f, rec->f);
	RECORD_STRINGS(X)
#undef X
#define X(f) add_time(obj, #f, rec->f);
	RECORD_TIMES(X)
#undef X
	if (rec->needs_login && !cJSON_AddTrueToObject(obj, "needs_login"))
		tp_die("out of memory building a record");
	out = cJSON_PrintUnformatted(obj);
	cJSON_Delete(obj);
	if (!out)
		tp_die("out of memory building a record");
	return out;
}

static int get_string(const cJSON *obj, const char *key, char **out)
{
	const cJSON *item = cJSON_GetObjectItemCaseSensitive(obj, key);

	if (!item)
		return 0;
	if (!cJSON_IsString(item) || !item->valuestring)
		return -1;
	*out = xstrdup(item->valuestring);
	return 0;
}

static int get_time(const cJSON *obj, const char *key, time_t *out)
{
	const cJSON *item = cJSON_GetObjectItemCaseSensitive(obj, key);
	double v;

	if (!item)
		return 0;
	if (!cJSON_IsNumber(item))
		return -1;
	v = item->valuedouble;
	if (!(v >= 0 && v <= JSON_MAX_INT) || floor(v) != v)
		return -1;
	*out = (time_t)v;
	return 0;
}

int record_from_json(const char *json, struct record *rec, const char **why)
{
	struct record r = RECORD_INIT;
	const cJSON *item;
	cJSON *obj = NULL;
	int ret = -1;

	record_json_hooks();
	if (strlen(json) > RECORD_MAX_JSON) {
		*why = "stored document is too large";
		goto out;
	}
	obj = cJSON_Parse(json);
	if (!obj || !cJSON_IsObject(obj)) {
		*why = "stored document is not a JSON object";
		goto out;
	}
	item = cJSON_GetObjectItemCaseSensitive(obj, "version");
	if (!cJSON_IsNumber(item)) {
		*why = "stored document has no version";
		goto out;
	}
	if (item->valuedouble != RECORD_VERSION) {
		*why = "stored document has an unknown version "
		       "(written by a newer tokenpass?)";
		goto out;
	}
	item = cJSON_GetObjectItemCaseSensitive(obj, "kind");
	if (!cJSON_IsString(item) ||
	    record_kind_parse(item->valuestring, &r.kind)) {
		*why = "stored document has an unknown kind";
		goto out;
	}
#define X(f) if (get_string(obj, #f, &r.f)) { \
		*why = "stored document has a bad '" #f "' field"; goto out; }
	RECORD_STRINGS(X)
#undef X
#define X(f) if (get_time(obj, #f, &r.f)) { \
		*why = "stored document has a bad '" #f "' field"; goto out; }
	RECORD_TIMES(X)
#undef X
	item = cJSON_GetObjectItemCaseSensitive(obj, "needs_login");
	r.needs_login = cJSON_IsTrue(item);
	if (!r.token) {
		*why = "stored document has no token";
		goto out;
	}
	*rec = r;
	ret = 0;
out:
	if (ret)
		record_release(&r);
	cJSON_Delete(obj);
	return ret;
}

void record_release(struct record *rec)
{
	struct record init = RECORD_INIT;

#define X(f) tp_free_secret(rec->f);
	RECORD_STRINGS(X)
#undef X
	*rec = init;
}
