/*
 * PAT rotation through Snowflake's SQL API (snowflake.c), under the
 * credential's renewal lock.
 */
#include "helper/keyring.h"
#include "helper/lifecycle.h"
#include "helper/rotate.h"
#include "helper/secmem.h"
#include "helper/snowflake.h"
#include "helper/tokenpass.h"

#include <stdio.h>
#include <stdlib.h>

/* What a rotation's renewer may spend on the keyring. */
#define ROTATE_KEYRING_SECONDS 10
/* Snowflake's default DAYS_TO_EXPIRY for a PAT. */
#define DEFAULT_PAT_DAYS 15

/*
 * The rotation, with the PAT's lock held (in the renewer): the admin's
 * token renewed if due, the statement, the new secret in one update.
 */
static int rotate_locked(const char *host, const char *user, const char *dsn,
			 const struct rotation *rot)
{
	struct record pat = RECORD_INIT, adm = RECORD_INIT;
	char *secret = NULL, *why = NULL;
	time_t now = tp_now(), life;
	const char *admin;
	int ret;

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
out:
	tp_free_secret(secret);
	free(why);
	record_release(&pat);
	record_release(&adm);
	return ret;
}

int rotate_held(const char *host, const char *user, const char *dsn,
		const char *const ops[])
{
	struct rotation rot = { NULL, -1, 0 };
	unsigned long long v;

	if (*ops[0])
		rot.admin = ops[0];
	if (*ops[1]) {
		if (tp_parse_ulong(ops[1], 8760, &v))
			return TP_USAGE;
		rot.hours = (long)v;
	}
	if (tp_parse_ulong(ops[2], 3650, &v))
		return TP_USAGE;
	rot.days = (long)v;
	return rotate_locked(host, user, dsn, &rot);
}

/*
 * The longest a rotation's renewer runs: the admin's renewal, the
 * statement with its polls, the keyring.
 */
static long rotate_bound(void)
{
	return lifecycle_renewer_bound() + SNOWFLAKE_STATEMENT_TIMEOUT +
	       SNOWFLAKE_GRACE + ROTATE_KEYRING_SECONDS;
}

int rotate_pat(const char *host, const char *user, const char *dsn,
	       const struct rotation *rot)
{
	struct record pat = RECORD_INIT;
	char hours[24] = "", days[24], flags[16], when[32];
	const char *ops[] = { host, user, dsn ? dsn : "", flags,
			      rot->admin ? rot->admin : "", hours, days, NULL };
	char *why = NULL;
	long bound = rotate_bound();
	int fd, ret;

	if (rot->hours >= 0)
		snprintf(hours, sizeof(hours), "%ld", rot->hours);
	snprintf(days, sizeof(days), "%ld", rot->days);
	snprintf(flags, sizeof(flags), "%u", (unsigned)LIFECYCLE_ROTATE);
	fd = lifecycle_lock(host, user, dsn);
	if (fd < 0)
		return TP_ERROR;
	/* from here on the rotation completes, whoever stops waiting */
	ret = lifecycle_detach(fd, ops, tp_clock_ms() + bound * 1000LL, &why);
	if (ret == LIFECYCLE_UNSTARTED) {
		tp_error("rotate: %s; the old PAT of '%s@%s' stays stored",
			 why, user, host);
		ret = TP_ERROR;
		goto out;
	}
	if (ret == LIFECYCLE_AWAY) {
		tp_error("rotate: no answer within %ld s; the rotation of "
			 "'%s@%s' goes on in the background: see 'tokenpass "
			 "list' in a moment", bound, user, host);
		ret = TP_ENDPOINT;
		goto out;
	}
	if (ret)
		goto out;
	ret = keyring_lookup(host, user, dsn, &pat);
	if (ret)
		goto out;
	printf("rotated the PAT '%s' of '%s@%s'; the new one expires %s\n",
	       pat.pat_name ? pat.pat_name : "", user, host,
	       tp_format_time(pat.expires, when, sizeof(when)));
out:
	free(why);
	record_release(&pat);
	return ret;
}
