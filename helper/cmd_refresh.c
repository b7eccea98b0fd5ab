/*
 * refresh and rotate: renewing on demand (and from the timer).
 */
#include "helper/commands.h"
#include "helper/keyring.h"
#include "helper/lifecycle.h"
#include "helper/secmem.h"
#include "helper/snowflake.h"
#include "helper/tokenpass.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A PAT with an admin is rotated this close to its expiry. */
#define ROTATION_WINDOW (7L * 86400)
/* Snowflake's default DAYS_TO_EXPIRY for a PAT. */
#define DEFAULT_PAT_DAYS 15

struct rotation {
	const char *admin;
	long hours;		/* EXPIRE_ROTATED_TOKEN_AFTER_HOURS, -1: default */
	long days;		/* the new PAT's life, 0: as before */
};

/*
 * Rotate the PAT stored for (host, user, dsn) through the SQL API as the
 * admin's OAuth credential, and store the new one in one update. The old
 * PAT stays stored if anything fails.
 */
static int rotate_pat(const char *host, const char *user, const char *dsn,
		      const struct rotation *rot)
{
	struct record pat = RECORD_INIT, adm = RECORD_INIT;
	char *secret = NULL, *why = NULL;
	time_t now = tp_now(), life;
	const char *admin;
	char when[32];
	int fd, ret;

	fd = lifecycle_lock(host, user, dsn);
	if (fd < 0)
		return TP_ERROR;
	ret = keyring_lookup(host, user, dsn, &pat);
	if (ret == TP_NOT_FOUND)
		tp_error("rotate: no credential for '%s@%s'; see 'tokenpass "
			 "list'", user, host);
	if (ret)
		goto out;
	admin = rot->admin ? rot->admin : pat.admin;
	ret = TP_USAGE;
	if (pat.kind != RECORD_PAT) {
		tp_error("rotate: '%s@%s' is an OAuth credential, not a PAT; "
			 "use 'tokenpass refresh'", user, host);
		goto out;
	}
	if (!pat.pat_name) {
		tp_error("rotate: the PAT of '%s@%s' has no name; store it "
			 "again with 'tokenpass add-pat --name PATNAME'",
			 user, host);
		goto out;
	}
	if (!admin) {
		tp_error("rotate: no admin for '%s@%s'; give --admin "
			 "ADMINUSER (a PAT cannot rotate itself)", user, host);
		goto out;
	}
	ret = keyring_lookup(host, admin, NULL, &adm);
	if (ret == TP_NOT_FOUND || (!ret && adm.kind != RECORD_OAUTH)) {
		tp_error("rotate: no OAuth credential for the admin "
			 "'%s@%s'; sign in first with 'tokenpass login "
			 "--host %s --user %s'", admin, host, host, admin);
		ret = TP_NOT_FOUND;
		goto out;
	}
	if (ret)
		goto out;
	ret = lifecycle_renew(host, admin, NULL, &adm, 0);
	if (ret)
		goto out;

	ret = snowflake_rotate(host, adm.token, user, pat.pat_name,
			       rot->hours, &secret, &why);
	if (ret) {
		tp_error("rotate: %s; the old PAT of '%s@%s' stays stored",
			 why, user, host);
		goto out;
	}
	/* The new secret keeps the original DAYS_TO_EXPIRY. */
	if (rot->days)
		life = rot->days * 86400;
	else if (pat.expires && pat.updated && pat.expires > pat.updated)
		life = pat.expires - pat.updated;
	else
		life = DEFAULT_PAT_DAYS * 86400L;
	tp_free_secret(pat.token);
	pat.token = secret;
	secret = NULL;
	pat.expires = now + life;
	pat.updated = now;
	if (!pat.admin)
		pat.admin = xstrdup(admin);
	ret = keyring_update(host, user, dsn, &pat);
	if (ret) {
		tp_error("rotate: Snowflake rotated the PAT '%s' but it could "
			 "not be stored; the old one works until it expires "
			 "(EXPIRE_ROTATED_TOKEN_AFTER_HOURS): run 'tokenpass "
			 "rotate' again", pat.pat_name);
		goto out;
	}
	printf("rotated the PAT '%s' of '%s@%s'; the new one expires %s\n",
	       pat.pat_name, user, host,
	       tp_format_time(pat.expires, when, sizeof(when)));
out:
	lifecycle_unlock(fd);
	tp_free_secret(secret);
	free(why);
	record_release(&pat);
	record_release(&adm);
	return ret;
}

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
		    (!force && r->expires - now > ROTATION_WINDOW))
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

int cmd_refresh(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "host", required_argument, NULL, 'h' },
		{ "user", required_argument, NULL, 'u' },
		{ "dsn", required_argument, NULL, 'D' },
		{ "all", no_argument, NULL, 'a' },
		{ "force", no_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 }
	};
	struct keyring_list list = KEYRING_LIST_INIT;
	const char *user = NULL, *dsn = NULL;
	char *host = NULL;
	int all = 0, force = 0, ret = TP_USAGE, opt;
	size_t i;

	opterr = 0;
	optind = 1;
	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (opt) {
		case 'h': free(host); host = xstrdup(optarg); break;
		case 'u': user = optarg; break;
		case 'D': dsn = optarg; break;
		case 'a': all = 1; break;
		case 'f': force = 1; break;
		default:
			usage_error("refresh", "refresh: unknown option '%s'",
				    argv[optind - 1]);
			goto out;
		}
	}
	if (optind < argc || (all && (host || user)) ||
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

int cmd_rotate(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "host", required_argument, NULL, 'h' },
		{ "user", required_argument, NULL, 'u' },
		{ "admin", required_argument, NULL, 'A' },
		{ "dsn", required_argument, NULL, 'D' },
		{ "expire-after-hours", required_argument, NULL, 'H' },
		{ "days", required_argument, NULL, 'd' },
		{ NULL, 0, NULL, 0 }
	};
	struct rotation rot = { NULL, -1, 0 };
	const char *user = NULL, *dsn = NULL;
	unsigned long long v;
	char *host = NULL;
	int ret = TP_USAGE, opt;

	opterr = 0;
	optind = 1;
	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (opt) {
		case 'h': free(host); host = xstrdup(optarg); break;
		case 'u': user = optarg; break;
		case 'A': rot.admin = optarg; break;
		case 'D': dsn = optarg; break;
		case 'H':
			if (tp_parse_ulong(optarg, 8760, &v)) {
				usage_error("rotate", "rotate: "
					    "--expire-after-hours '%s' is not "
					    "a number of hours", optarg);
				goto out;
			}
			rot.hours = (long)v;
			break;
		case 'd':
			if (tp_parse_ulong(optarg, 3650, &v) || !v) {
				usage_error("rotate", "rotate: --days '%s' is "
					    "not a number of days", optarg);
				goto out;
			}
			rot.days = (long)v;
			break;
		default:
			usage_error("rotate", "rotate: unknown option '%s'",
				    argv[optind - 1]);
			goto out;
		}
	}
	if (optind < argc || !host || !user || !*user || !rot.admin ||
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
