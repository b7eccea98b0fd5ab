/*
 * list and remove: what is stored, and forgetting it.
 */
#include "helper/agent.h"
#include "helper/commands.h"
#include "helper/keyring.h"
#include "helper/status.h"
#include "helper/tokenpass.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* list says "renew soon" this close to the end (check: --warn-days). */
#define LIST_WARN_SECONDS (7 * 86400)

static const char *status_of(const struct keyring_item *it, time_t now)
{
	return cred_state_name(cred_state(it, now, LIST_WARN_SECONDS));
}

static void add_time(cJSON *o, const char *key, time_t t)
{
	if (t)
		cJSON_AddNumberToObject(o, key, (double)t);
	else
		cJSON_AddNullToObject(o, key);
}

static int print_json(const struct keyring_list *list, time_t now)
{
	cJSON *arr = cJSON_CreateArray();
	char *text;
	size_t i;

	for (i = 0; i < list->nr; i++) {
		const struct keyring_item *it = &list->items[i];
		const struct record *r = &it->rec;
		int known = !it->locked && !it->damaged;
		cJSON *o = cJSON_CreateObject();

		cJSON_AddItemToArray(arr, o);
		cJSON_AddStringToObject(o, "host", it->host);
		cJSON_AddStringToObject(o, "user", it->user);
		if (*it->dsn)
			cJSON_AddStringToObject(o, "dsn", it->dsn);
		else
			cJSON_AddNullToObject(o, "dsn");
		if (known)
			cJSON_AddStringToObject(o, "kind",
						record_kind_name(r->kind));
		else
			cJSON_AddNullToObject(o, "kind");
		add_time(o, "expires", known ? r->expires : 0);
		add_time(o, "refresh_expires",
			 known && r->kind == RECORD_OAUTH ?
			 r->refresh_expires : 0);
		if (known && r->pat_name)
			cJSON_AddStringToObject(o, "pat_name", r->pat_name);
		cJSON_AddStringToObject(o, "status", status_of(it, now));
	}
	text = cJSON_Print(arr);
	cJSON_Delete(arr);
	if (!text)
		tp_die("out of memory printing the list");
	printf("%s\n", text);
	cJSON_free(text);
	return TP_OK;
}

static void print_table(const struct keyring_list *list, time_t now)
{
	int wh = 4, wu = 4, wd = 3;
	size_t i;

	for (i = 0; i < list->nr; i++) {
		const struct keyring_item *it = &list->items[i];
		int h = (int)strlen(it->host), u = (int)strlen(it->user);
		int d = (int)strlen(it->dsn);

		wh = h > wh ? h : wh;
		wu = u > wu ? u : wu;
		wd = d > wd ? d : wd;
	}
	printf("%-*s  %-*s  %-*s  %-5s  %-10s  %-10s  %s\n", wh, "HOST",
	       wu, "USER", wd, "DSN", "KIND", "TOKEN", "REFRESH", "STATUS");
	for (i = 0; i < list->nr; i++) {
		const struct keyring_item *it = &list->items[i];
		const struct record *r = &it->rec;
		int known = !it->locked && !it->damaged;
		char a[32], b[32];
		const char *tl = known ?
			cred_time_left(r->expires, now, a, sizeof(a)) : "?";
		const char *rl = known && r->kind == RECORD_OAUTH ?
			cred_time_left(r->refresh_expires, now, b, sizeof(b)) :
			"-";

		printf("%-*s  %-*s  %-*s  %-5s  %-10s  %-10s  %s\n", wh,
		       it->host, wu, it->user, wd, *it->dsn ? it->dsn : "-",
		       known ? record_kind_name(r->kind) : "?",
		       tl, rl,
		       status_of(it, now));
	}
}

int cmd_list(const struct tp_args *a)
{
	struct keyring_list list = KEYRING_LIST_INIT;
	int json = !!a->val[OPT_JSON], ret;

	ret = keyring_search(NULL, NULL, NULL, &list);
	if (ret)
		goto out;
	if (json)
		print_json(&list, tp_now());
	else if (list.nr)
		print_table(&list, tp_now());
	else
		fprintf(stderr, "tokenpass: no credentials stored; add one "
			"with 'tokenpass add-pat' or 'tokenpass login'\n");
	if (!json)
		agent_client_report(stdout, "", 1);
	if (fflush(stdout)) {
		tp_error("list: cannot write the list");
		ret = TP_ERROR;
	}
out:
	keyring_list_release(&list);
	return ret;
}

int cmd_remove(const struct tp_args *a)
{
	const char *user = a->val[OPT_USER], *dsn = a->val[OPT_DSN];
	char *host = a->val[OPT_HOST] ? xstrdup(a->val[OPT_HOST]) : NULL;
	int ret = TP_USAGE;

	if (!host || !user || !*user || tp_normalize_host(host)) {
		usage_error("remove", "remove: --host and --user are required");
		goto out;
	}
	ret = keyring_remove(host, user, dsn);
	if (ret == TP_NOT_FOUND)
		tp_error("remove: no credential for '%s@%s'%s%s%s; see "
			 "'tokenpass list'", user, host,
			 dsn ? " for DSN '" : "", dsn ? dsn : "",
			 dsn ? "'" : "");
	else if (!ret)
		fprintf(stderr, "tokenpass: removed the credential for "
			"'%s@%s'\n", user, host);
out:
	free(host);
	return ret;
}
