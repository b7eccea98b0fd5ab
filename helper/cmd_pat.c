/*
 * add-pat: keep a programmatic access token (or any static password).
 */
#include "helper/commands.h"
#include "helper/keyring.h"
#include "helper/prompt.h"
#include "helper/secmem.h"
#include "helper/tokenpass.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* "YYYY-MM-DD" as the first second of that day, UTC. */
static int parse_date(const char *s, time_t *out)
{
	struct tm tm = { 0 }, check;
	unsigned long long y, m, d;
	char part[5];
	time_t t;

	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return -1;
	memcpy(part, s, 4);
	part[4] = '\0';
	if (tp_parse_ulong(part, 9999, &y))
		return -1;
	memcpy(part, s + 5, 2);
	part[2] = '\0';
	if (tp_parse_ulong(part, 12, &m))
		return -1;
	memcpy(part, s + 8, 2);
	if (tp_parse_ulong(part, 31, &d))
		return -1;
	tm.tm_year = (int)y - 1900;
	tm.tm_mon = (int)m - 1;
	tm.tm_mday = (int)d;
	t = timegm(&tm);
	/* timegm normalises 2026-02-30; a real date survives the trip */
	if (t == (time_t)-1 || !gmtime_r(&t, &check) ||
	    check.tm_mday != (int)d || check.tm_mon != (int)m - 1)
		return -1;
	*out = t;
	return 0;
}

int cmd_add_pat(const struct tp_args *a)
{
	struct record old = RECORD_INIT, rec = RECORD_INIT;
	char *host = a->val[OPT_HOST] ? xstrdup(a->val[OPT_HOST]) : NULL;
	char *prompt = NULL;
	const char *user = a->val[OPT_USER], *expires = a->val[OPT_EXPIRES];
	const char *days = a->val[OPT_DAYS], *name = a->val[OPT_NAME];
	const char *dsn = a->val[OPT_DSN], *admin = a->val[OPT_ADMIN];
	unsigned long long ndays;
	char when[32];
	time_t now = tp_now();
	int ret = TP_USAGE;

	if (!host || !user || !*user) {
		usage_error("add-pat", "add-pat: --host and --user are "
			    "required");
		goto out;
	}
	if (tp_normalize_host(host)) {
		usage_error("add-pat", "add-pat: bad host '%s'", host);
		goto out;
	}
	if (expires && days) {
		usage_error("add-pat", "add-pat: give --expires or --days, "
			    "not both");
		goto out;
	}
	if (expires && parse_date(expires, &rec.expires)) {
		usage_error("add-pat", "add-pat: --expires '%s' is not a "
			    "date like 2026-12-31", expires);
		goto out;
	}
	if (days) {
		if (tp_parse_ulong(days, 36500, &ndays) || !ndays) {
			usage_error("add-pat", "add-pat: --days '%s' is not "
				    "a number of days from 1 to 36500", days);
			goto out;
		}
		rec.expires = now + (time_t)ndays * 86400;
	}
	if (rec.expires && rec.expires <= now) {
		usage_error("add-pat", "add-pat: --expires '%s' is in the "
			    "past", expires);
		goto out;
	}

	prompt = xasprintf("PAT for %s@%s: ", user, host);
	ret = prompt_secret(prompt, "token", &rec.token);
	if (ret)
		goto out;

	/* Keep what tokenpass knows about rotating this PAT. */
	ret = keyring_lookup(host, user, dsn, &old);
	if (ret && ret != TP_NOT_FOUND)
		goto out;
	if (admin) {
		rec.admin = xstrdup(admin);
	} else if (old.kind == RECORD_PAT) {
		rec.admin = old.admin;
		old.admin = NULL;
	}
	rec.kind = RECORD_PAT;
	rec.pat_name = name ? xstrdup(name) : old.pat_name;
	if (!name)
		old.pat_name = NULL;
	rec.updated = now;
	ret = keyring_store(host, user, dsn, &rec);
	if (ret)
		goto out;
	fprintf(stderr, "tokenpass: stored the PAT for '%s@%s'%s%s%s, "
		"expires %s\n", user, host, dsn ? " for DSN '" : "",
		dsn ? dsn : "", dsn ? "'" : "",
		rec.expires ? tp_format_time(rec.expires, when, sizeof(when)) :
		"never (give --expires or --days to be warned in time)");
out:
	free(host);
	free(prompt);
	record_release(&old);
	record_release(&rec);
	return ret;
}
