/*
 * list and remove: what is stored, and forgetting it.
 */
#include "helper/agent.h"
#include "helper/commands.h"
#include "helper/keyring.h"
#include "helper/tokenpass.h"

#include <cjson/cJSON.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* list says "renew soon" this close to the end (check: --warn-days). */
#define LIST_WARN_SECONDS (7 * 86400)

/*
 * The one place that decides a credential's state, for list, check and
 * doctor. An access token's own expiry never counts: it renews itself.
 */
enum cred_state cred_state(const struct keyring_item *it, time_t now,
			   long warn)
{
	const struct record *r = &it->rec;
	int cc = r->grant && !strcmp(r->grant, "client_credentials");

	if (it->locked)
		return CRED_LOCKED;
	if (it->damaged)
		return CRED_DAMAGED;
	if (r->needs_login)
		return CRED_SIGN_IN;
	if (r->kind == RECORD_OAUTH) {
		if (r->refresh_expires && r->refresh_expires <= now)
			return CRED_SIGN_IN;
		if (!r->refresh_token && r->expires && r->expires <= now)
			return cc ? CRED_OK : CRED_SIGN_IN;
		if (r->refresh_expires && r->refresh_expires - now < warn)
			return CRED_RENEW_SOON;
		return CRED_OK;
	}
	if (r->expires && r->expires <= now)
		return CRED_EXPIRED;
	if (r->expires && r->expires - now < warn)
		return CRED_RENEW_SOON;
	return CRED_OK;
}

const char *cred_state_name(enum cred_state st)
{
	switch (st) {
	case CRED_OK: return "ok";
	case CRED_RENEW_SOON: return "renew soon";
	case CRED_SIGN_IN: return "sign-in needed";
	case CRED_EXPIRED: return "expired";
	case CRED_LOCKED: return "locked";
	case CRED_DAMAGED: return "damaged";
	}
	return "?";
}

static const char *status_of(const struct keyring_item *it, time_t now)
{
	return cred_state_name(cred_state(it, now, LIST_WARN_SECONDS));
}

const char *cred_time_left(time_t t, time_t now, char *buf, size_t len)
{
	long long s = (long long)t - (long long)now;

	if (!t)
		return "-";
	if (s <= 0)
		return "expired";
	if (s >= 86400)
		snprintf(buf, len, "%lldd %lldh", s / 86400, s % 86400 / 3600);
	else if (s >= 3600)
		snprintf(buf, len, "%lldh %lldm", s / 3600, s % 3600 / 60);
	else
		snprintf(buf, len, "%lldm %llds", s / 60, s % 60);
	return buf;
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

int cmd_list(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 }
	};
	struct keyring_list list = KEYRING_LIST_INIT;
	int json = 0, ret, opt;

	opterr = 0;
	optind = 1;
	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (opt != 'j') {
			usage_error("list", "list: unknown option '%s'",
				    argv[optind - 1]);
			return TP_USAGE;
		}
		json = 1;
	}
	if (optind < argc) {
		usage_error("list", "list: unexpected argument '%s'",
			    argv[optind]);
		return TP_USAGE;
	}
	ret = keyring_search(NULL, NULL, NULL, &list);
	if (ret)
		goto out;
	if (json)
		print_json(&list, tp_now());
	else if (list.nr)
		print_table(&list, tp_now());
	if (!json)
		agent_client_report(stdout, "", 1);
	else
		fprintf(stderr, "tokenpass: no credentials stored; add one "
			"with 'tokenpass add-pat' or 'tokenpass login'\n");
	if (fflush(stdout)) {
		tp_error("list: cannot write the list");
		ret = TP_ERROR;
	}
out:
	keyring_list_release(&list);
	return ret;
}

int cmd_remove(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "host", required_argument, NULL, 'h' },
		{ "user", required_argument, NULL, 'u' },
		{ "dsn", required_argument, NULL, 'D' },
		{ NULL, 0, NULL, 0 }
	};
	const char *user = NULL, *dsn = NULL;
	char *host = NULL;
	int ret = TP_USAGE, opt;

	opterr = 0;
	optind = 1;
	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (opt) {
		case 'h': free(host); host = xstrdup(optarg); break;
		case 'u': user = optarg; break;
		case 'D': dsn = optarg; break;
		default:
			usage_error("remove", "remove: unknown option '%s'",
				    argv[optind - 1]);
			goto out;
		}
	}
	if (optind < argc || !host || !user || !*user ||
	    tp_normalize_host(host)) {
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
