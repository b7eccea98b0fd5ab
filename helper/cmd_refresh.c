/*
 * refresh and rotate: renewing on demand (and from the timer). The
 * renewals themselves are lifecycle.c's (OAuth) and rotate.c's (PAT).
 */
#include "helper/commands.h"
#include "helper/keyring.h"
#include "helper/lifecycle.h"
#include "helper/rotate.h"
#include "helper/secmem.h"
#include "helper/tokenpass.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int refresh_one(struct keyring_item *it, int force)
{
	struct record *r = &it->rec;
	time_t now = tp_now();
	char when[32];
	int ret;

	if (it->locked) {
		tp_error("refresh: cannot read '%s@%s': the keyring is "
			 "locked; unlock it and try again", it->user, it->host);
		return TP_KEYRING;
	}
	if (it->damaged) {
		tp_error("refresh: the credential for '%s@%s' is damaged; "
			 "remove it and store it again", it->user, it->host);
		return TP_ERROR;
	}
	if (r->kind == RECORD_PAT) {
		struct rotation rot = { NULL, -1, 0 };

		if (!r->admin || !r->expires ||
		    (!force && r->expires - now > ROTATE_WINDOW))
			return TP_OK;
		return rotate_pat(it->host, it->user, it->dsn, &rot);
	}
	if (!lifecycle_due(r, force))
		return TP_OK;
	ret = lifecycle_renew(it->host, it->user, it->dsn, r,
			      force ? LIFECYCLE_FORCE : 0);
	if (!ret)
		printf("renewed the token of '%s@%s'%s%s%s; valid until %s\n",
		       it->user, it->host, *it->dsn ? " for DSN '" : "",
		       it->dsn, *it->dsn ? "'" : "",
		       tp_format_time(r->expires, when, sizeof(when)));
	return ret;
}

int cmd_refresh(const struct tp_args *a)
{
	struct keyring_list list = KEYRING_LIST_INIT;
	const char *user = a->val[OPT_USER], *dsn = a->val[OPT_DSN];
	char *host = a->val[OPT_HOST] ? xstrdup(a->val[OPT_HOST]) : NULL;
	int all = !!a->val[OPT_ALL], force = !!a->val[OPT_FORCE];
	int ret = TP_USAGE;
	size_t i;

	if ((all && (host || user)) ||
	    (!host != !user) || (host && tp_normalize_host(host))) {
		usage_error("refresh", "refresh: give --host and --user, or "
			    "--all");
		goto out;
	}
	ret = keyring_search(host, user, host ? (dsn ? dsn : "") : NULL,
			     &list);
	if (ret)
		goto out;
	if (host && !list.nr) {
		tp_error("refresh: no credential for '%s@%s'; see 'tokenpass "
			 "list'", user, host);
		ret = TP_NOT_FOUND;
		goto out;
	}
	for (i = 0; i < list.nr; i++) {
		int r = refresh_one(&list.items[i], force);

		if (r && !ret)
			ret = r;
	}
out:
	keyring_list_release(&list);
	free(host);
	return ret;
}

int cmd_rotate(const struct tp_args *a)
{
	struct rotation rot = { NULL, -1, 0 };
	const char *user = a->val[OPT_USER], *dsn = a->val[OPT_DSN];
	const char *hours = a->val[OPT_EXPIRE_AFTER_HOURS];
	const char *days = a->val[OPT_DAYS];
	unsigned long long v;
	char *host = a->val[OPT_HOST] ? xstrdup(a->val[OPT_HOST]) : NULL;
	int ret = TP_USAGE;

	rot.admin = a->val[OPT_ADMIN];
	if (hours) {
		if (tp_parse_ulong(hours, 8760, &v)) {
			usage_error("rotate", "rotate: --expire-after-hours "
				    "'%s' is not a number of hours", hours);
			goto out;
		}
		rot.hours = (long)v;
	}
	if (days) {
		if (tp_parse_ulong(days, 3650, &v) || !v) {
			usage_error("rotate", "rotate: --days '%s' is not a "
				    "number of days", days);
			goto out;
		}
		rot.days = (long)v;
	}
	if (!host || !user || !*user || !rot.admin ||
	    tp_normalize_host(host)) {
		usage_error("rotate", "rotate: --host, --user and --admin are "
			    "required");
		goto out;
	}
	ret = rotate_pat(host, user, dsn, &rot);
out:
	free(host);
	return ret;
}
