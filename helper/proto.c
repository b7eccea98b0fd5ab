/*
 * get, store, erase and capability: git's credential-helper protocol.
 */
#include "helper/commands.h"
#include "helper/credential.h"
#include "helper/keyring.h"
#include "helper/lifecycle.h"
#include "helper/secmem.h"
#include "helper/tokenpass.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int read_request(const char *cmd, struct credential *c)
{
	const char *why;

	if (credential_read(c, stdin, &why)) {
		tp_error("%s: %s", cmd, why);
		return TP_USAGE;
	}
	if (c->host && tp_normalize_host(c->host)) {
		tp_error("%s: host is empty or holds white space", cmd);
		credential_release(c);
		return TP_USAGE;
	}
	return TP_OK;
}

/*
 * A stored item answers a request unless it names another protocol (an
 * item stored without one, by add-pat or login, is for https: Snowflake
 * speaks nothing else), and a request with a path (git's
 * credential.useHttpPath) only an item stored for that path, as git's own
 * credential-store does.
 */
static int request_matches(const struct record *rec,
			   const struct credential *c)
{
	const char *proto = rec->protocol ? rec->protocol : "https";

	if (c->protocol && strcmp(proto, c->protocol))
		return 0;
	return !c->path || (rec->path && !strcmp(rec->path, c->path));
}

/*
 * The credential for a request: the app-level one for its DSN if there is
 * one, else the global one. Without a username, the first user stored for
 * the host. On TP_OK, *rec, *user and *dsn (the DSN of the item found, ""
 * for the global one) are set; user and dsn are new strings.
 */
static int find(const struct credential *c, struct record *rec, char **user,
		char **dsn)
{
	struct keyring_list list = KEYRING_LIST_INIT;
	const char *dsns[2] = { c->dsn && *c->dsn ? c->dsn : "", "" };
	size_t i, d;
	int ret;

	if (c->username) {
		ret = keyring_lookup_first(c->host, c->username, dsns,
					   *dsns[0] ? 2 : 1, rec, &d);
		if (ret == TP_OK && !request_matches(rec, c)) {
			record_release(rec);
			ret = TP_NOT_FOUND;
		}
		if (ret == TP_OK) {
			*user = xstrdup(c->username);
			*dsn = xstrdup(dsns[d]);
		}
		return ret;
	}

	ret = keyring_search(c->host, NULL, NULL, &list);
	if (ret)
		goto out;
	ret = TP_NOT_FOUND;
	for (d = 0; d < 2 && ret == TP_NOT_FOUND; d++) {
		for (i = 0; i < list.nr; i++) {
			struct keyring_item *it = &list.items[i];

			if (strcmp(it->dsn, dsns[d]) || it->damaged)
				continue;
			if (it->locked) {
				tp_error("cannot read the credential for "
					 "'%s@%s': the keyring is locked; "
					 "unlock it and try again",
					 it->user, it->host);
				ret = TP_KEYRING;
				break;
			}
			if (!request_matches(&it->rec, c))
				continue;
			*rec = it->rec;
			it->rec = (struct record)RECORD_INIT;
			*user = xstrdup(it->user);
			*dsn = xstrdup(it->dsn);
			ret = TP_OK;
			break;
		}
		if (!*dsns[d])
			break;
	}
out:
	keyring_list_release(&list);
	return ret;
}

int cmd_get(const struct tp_args *a)
{
	struct credential c = CREDENTIAL_INIT;
	struct record rec = RECORD_INIT;
	char *user = NULL, *dsn = NULL;
	char when[32];
	int ret;

	ret = read_request("get", &c);
	if (ret)
		goto out;
	if (!c.host)
		goto out;	/* nothing to match on: nothing to say */
	ret = find(&c, &rec, &user, &dsn);
	if (ret == TP_NOT_FOUND) {
		ret = TP_OK;	/* git: no match prints nothing */
		goto out;
	}
	if (ret)
		goto out;
	/* An OAuth token near its end is renewed before we answer. */
	ret = lifecycle_renew(c.host, user, dsn, &rec, LIFECYCLE_KEEP_VALID |
			      (c.renew ? LIFECYCLE_FORCE : 0));
	if (ret)
		goto out;
	if (rec.expires && rec.expires <= tp_now()) {
		if (rec.kind == RECORD_OAUTH)
			tp_error("the access token for '%s@%s' expired on %s; "
				 "run 'tokenpass refresh --host %s --user %s'",
				 user, c.host,
				 tp_format_time(rec.expires, when, sizeof(when)),
				 c.host, user);
		else
			tp_error("the token for '%s@%s' expired on %s; store "
				 "a new one with 'tokenpass add-pat --host %s "
				 "--user %s'", user, c.host,
				 tp_format_time(rec.expires, when, sizeof(when)),
				 c.host, user);
		goto out;
	}

	if (strpbrk(rec.token, "\r\n") ||
	    (rec.refresh_token && strpbrk(rec.refresh_token, "\r\n"))) {
		tp_error("the stored token for '%s@%s' holds a line break; "
			 "store it again", user, c.host);
		ret = TP_ERROR;
		goto out;
	}
	if (c.cap_authtype && rec.kind == RECORD_OAUTH) {
		printf("capability[]=authtype\n");
		credential_write_item(stdout, "authtype", "Bearer");
		credential_write_item(stdout, "username", user);
		credential_write_item(stdout, "credential", rec.token);
	} else {
		credential_write_item(stdout, "username", user);
		credential_write_item(stdout, "password", rec.token);
	}
	if (rec.expires)
		printf("password_expiry_utc=%lld\n", (long long)rec.expires);
	/* A refresh token git gave us goes back; our own OAuth ones never. */
	if (rec.kind == RECORD_PAT)
		credential_write_item(stdout, "oauth_refresh_token",
				      rec.refresh_token);
	if (fflush(stdout)) {
		tp_error("get: cannot write the answer");
		ret = TP_ERROR;
	}
out:
	free(user);
	free(dsn);
	record_release(&rec);
	credential_release(&c);
	return ret;
}

int cmd_store(const struct tp_args *a)
{
	struct credential c = CREDENTIAL_INIT;
	struct record old = RECORD_INIT, rec = RECORD_INIT;
	int ret;

	ret = read_request("store", &c);
	if (ret)
		goto out;
	/* git sends store after every success; what it cannot keep, skip */
	if (!c.host || !c.username || !c.password)
		goto out;
	if (c.password_expiry_utc && c.password_expiry_utc <= tp_now())
		goto out;

	ret = keyring_lookup(c.host, c.username, c.dsn, &old);
	if (ret && ret != TP_NOT_FOUND)
		goto out;
	ret = TP_OK;
	if (old.kind == RECORD_OAUTH && old.token) {
		/* git confirming the token we gave it: nothing to keep */
		if (tp_secret_eq(old.token, c.password))
			goto out;
		tp_error("store: not replacing the OAuth credential for "
			 "'%s@%s' with a password; remove it first with "
			 "'tokenpass remove --host %s --user %s'",
			 c.username, c.host, c.host, c.username);
		ret = TP_ERROR;
		goto out;
	}
	rec.kind = RECORD_PAT;
	rec.token = tp_strdup_secret(c.password);
	rec.expires = c.password_expiry_utc;
	rec.refresh_token = tp_strdup_secret(c.oauth_refresh_token);
	rec.protocol = c.protocol ? xstrdup(c.protocol) : NULL;
	rec.path = c.path ? xstrdup(c.path) : NULL;
	/* what tokenpass itself knows of a PAT outlives a new value */
	rec.pat_name = old.pat_name;
	rec.admin = old.admin;
	old.pat_name = old.admin = NULL;
	rec.updated = tp_now();
	ret = keyring_store(c.host, c.username, c.dsn, &rec);
out:
	record_release(&old);
	record_release(&rec);
	credential_release(&c);
	return ret;
}

int cmd_erase(const struct tp_args *a)
{
	struct keyring_list list = KEYRING_LIST_INIT;
	struct credential c = CREDENTIAL_INIT;
	size_t i;
	int ret;

	ret = read_request("erase", &c);
	if (ret)
		goto out;
	/*
	 * A request without a host would match everything: too easy to send
	 * by accident, so refuse it.
	 */
	if (!c.host) {
		tp_error("erase: refusing to erase without a host");
		ret = TP_USAGE;
		goto out;
	}
	ret = keyring_search(c.host, c.username, c.dsn, &list);
	if (ret)
		goto out;
	for (i = 0; i < list.nr; i++) {
		struct keyring_item *it = &list.items[i];

		if (it->locked) {
			tp_error("erase: cannot read the credential for "
				 "'%s@%s': the keyring is locked; unlock it "
				 "and try again", it->user, it->host);
			ret = TP_KEYRING;
			continue;
		}
		if (it->damaged)
			continue;
		if (!request_matches(&it->rec, &c))
			continue;
		/* only the password git was refused, not another one */
		if (c.password && !tp_secret_eq(c.password, it->rec.token))
			continue;
		if (it->rec.kind == RECORD_OAUTH) {
			/*
			 * The refresh token is still good: forget only the
			 * access token, so the next get renews it.
			 */
			it->rec.expires = 1;
			ret = keyring_update(it->host, it->user, it->dsn,
					    &it->rec);
		} else {
			ret = keyring_remove(it->host, it->user, it->dsn);
			if (ret == TP_NOT_FOUND)
				ret = TP_OK;
		}
		if (ret)
			break;
	}
out:
	keyring_list_release(&list);
	credential_release(&c);
	return ret;
}

int cmd_capability(const struct tp_args *a)
{
	printf("version 0\ncapability authtype\n");
	return TP_OK;
}
