#include "helper/keyring.h"
#include "helper/lifecycle.h"
#include "helper/oauth.h"
#include "helper/secmem.h"
#include "helper/tokenpass.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#define DEFAULT_MARGIN 120
#define LOCK_WAIT_SECONDS 30
/* Snowflake's default OAUTH_REFRESH_TOKEN_VALIDITY. */
#define DEFAULT_REFRESH_LIFETIME (90L * 86400)
/* When a server sends no expires_in, assume Snowflake's default. */
#define DEFAULT_ACCESS_LIFETIME 600

long lifecycle_margin(void)
{
	const char *s = getenv("TOKENPASS_REFRESH_MARGIN");
	unsigned long long v;

	if (s && !tp_parse_ulong(s, 86400, &v))
		return (long)v;
	return DEFAULT_MARGIN;
}

int lifecycle_due(const struct record *rec, int force)
{
	if (rec->kind != RECORD_OAUTH)
		return 0;
	return force || !rec->expires ||
	       rec->expires - tp_now() < lifecycle_margin();
}

static void on_alarm(int sig)
{
	(void)sig;	/* only to interrupt flock() */
}

static char *lock_path(const char *host, const char *user, const char *dsn)
{
	const char *base = getenv("XDG_RUNTIME_DIR");
	const char *parts[3] = { host, user, dsn ? dsn : "" };
	uint64_t h = 1469598103934665603ULL;
	char *dir;
	size_t i;
	const char *p;

	/* FNV-1a over the key: names may hold any character */
	for (i = 0; i < 3; i++) {
		for (p = parts[i]; ; p++) {
			h ^= (unsigned char)*p;
			h *= 1099511628211ULL;
			if (!*p)
				break;
		}
	}
	if (base && *base)
		dir = xasprintf("%s/tokenpass", base);
	else
		dir = xasprintf("%s/.cache/tokenpass",
				getenv("HOME") ? getenv("HOME") : "/tmp");
	/* lifecycle_lock reports it when the directory cannot be made */
	tp_mkdir_p(dir, 0700);
	p = xasprintf("%s/%016llx.lock", dir, (unsigned long long)h);
	free(dir);
	return (char *)p;
}

int lifecycle_lock(const char *host, const char *user, const char *dsn)
{
	struct sigaction sa, old;
	char *path = lock_path(host, user, dsn);
	int fd, r, saved;

	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0) {
		tp_error("cannot open the lock '%s': %s", path,
			 strerror(errno));
		free(path);
		return -1;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;	/* no SA_RESTART: flock gets EINTR */
	sigaction(SIGALRM, &sa, &old);
	alarm(LOCK_WAIT_SECONDS);
	r = flock(fd, LOCK_EX);
	saved = errno;
	alarm(0);
	sigaction(SIGALRM, &old, NULL);
	if (r) {
		tp_error("cannot lock '%s' for renewal: %s", path,
			 saved == EINTR ? "another tokenpass held it for "
			 "30 s" : strerror(saved));
		close(fd);
		fd = -1;
	}
	free(path);
	return fd;
}

void lifecycle_unlock(int fd)
{
	if (fd >= 0)
		close(fd);	/* closing drops the flock */
}

static void add_arg(char **cmd, const char *opt, const char *val)
{
	char *next;

	if (!val)
		return;
	/* quote only what a shell would split */
	if (strpbrk(val, " \t'\"$`\\;&|<>()*?[]#~"))
		next = xasprintf("%s %s '%s'", *cmd, opt, val);
	else
		next = xasprintf("%s %s %s", *cmd, opt, val);
	free(*cmd);
	*cmd = next;
}

char *lifecycle_login_hint(const char *host, const char *user,
			   const char *dsn, const struct record *rec)
{
	char *cmd = xstrdup("tokenpass login");
	char *def_auth = xasprintf("https://%s/oauth/authorize", host);
	char *def_token = xasprintf("https://%s/oauth/token-request", host);
	int cc = rec->grant && !strcmp(rec->grant, "client_credentials");

	if (cc)
		add_arg(&cmd, "--grant", "client-credentials");
	add_arg(&cmd, "--host", host);
	add_arg(&cmd, "--user", user);
	if (rec->client_id && (cc || strcmp(rec->client_id,
					    "LOCAL_APPLICATION")))
		add_arg(&cmd, "--client-id", rec->client_id);
	if (rec->role)
		add_arg(&cmd, "--role", rec->role);
	else if (rec->scope && strcmp(rec->scope, "refresh_token"))
		add_arg(&cmd, "--scope", rec->scope);
	if (rec->authorize_url && strcmp(rec->authorize_url, def_auth))
		add_arg(&cmd, "--authorize-url", rec->authorize_url);
	if (rec->token_url && (cc || strcmp(rec->token_url, def_token)))
		add_arg(&cmd, "--token-url", rec->token_url);
	if (dsn && *dsn)
		add_arg(&cmd, "--dsn", dsn);
	free(def_auth);
	free(def_token);
	return cmd;
}

static void apply_token(struct record *rec, struct oauth_token *tok,
			time_t now)
{
	long long life = tok->expires_in >= 0 ? tok->expires_in :
			 DEFAULT_ACCESS_LIFETIME;

	tp_free_secret(rec->token);
	rec->token = tok->access_token;
	tok->access_token = NULL;
	rec->expires = now + (time_t)(life > 0 ? life : 1);
	if (tok->refresh_token) {
		/* only a new refresh token replaces the old one */
		tp_free_secret(rec->refresh_token);
		rec->refresh_token = tok->refresh_token;
		tok->refresh_token = NULL;
		if (tok->refresh_expires_in >= 0)
			rec->refresh_expires = now +
					       (time_t)tok->refresh_expires_in;
		else
			rec->refresh_expires = now + (rec->refresh_lifetime ?
					       rec->refresh_lifetime :
					       DEFAULT_REFRESH_LIFETIME);
	}
	rec->needs_login = 0;
	rec->updated = now;
}

static int request(const struct record *rec, struct oauth_token *tok,
		   char **why)
{
	struct oauth_grant g = { 0 };

	if (rec->refresh_token) {
		g.type = "refresh_token";
		g.refresh_token = rec->refresh_token;
	} else if (rec->grant && !strcmp(rec->grant, "client_credentials")) {
		g.type = "client_credentials";
		g.scope = rec->scope;
	} else {
		*why = xstrdup("no refresh token is stored");
		return TP_SIGN_IN;
	}
	return oauth_request(rec, &g, tok, why);
}

int lifecycle_renew(const char *host, const char *user, const char *dsn,
		    struct record *rec, unsigned flags)
{
	struct oauth_token tok = OAUTH_TOKEN_INIT;
	struct record cur = RECORD_INIT;
	int force = !!(flags & LIFECYCLE_FORCE);
	time_t now = tp_now();
	char *why = NULL, *hint = NULL;
	char when[32];
	int fd = -1, ret;

	if (!lifecycle_due(rec, force))
		return TP_OK;
	fd = lifecycle_lock(host, user, dsn);
	if (fd < 0) {
		ret = TP_ERROR;
		goto out;
	}
	ret = keyring_lookup(host, user, dsn, &cur);
	if (ret == TP_NOT_FOUND)
		tp_error("the credential for '%s@%s' was removed while "
			 "renewing it", user, host);
	if (ret)
		goto out;
	/* Renewed by another process while we waited for the lock? */
	if (cur.kind == RECORD_OAUTH && !tp_secret_eq(cur.token, rec->token) &&
	    !lifecycle_due(&cur, 0)) {
		ret = TP_OK;
		goto adopt;
	}
	if (cur.kind != RECORD_OAUTH) {
		ret = TP_OK;
		goto adopt;
	}
	if (cur.needs_login) {
		ret = TP_SIGN_IN;
		why = xstrdup("its refresh token was refused before");
		goto signin;
	}
	if (cur.refresh_expires && cur.refresh_expires <= now) {
		ret = TP_SIGN_IN;
		why = xasprintf("its refresh token expired on %s",
				tp_format_time(cur.refresh_expires, when,
					       sizeof(when)));
		goto signin;
	}

	ret = request(&cur, &tok, &why);
	if (ret == TP_SIGN_IN) {
		/* keep every token; mark it so list and check can tell */
		cur.needs_login = 1;
		keyring_update(host, user, dsn, &cur);
		goto signin;
	}
	if (ret) {
		if ((flags & LIFECYCLE_KEEP_VALID) && cur.expires > now) {
			tp_warn("cannot renew the token for '%s@%s' (%s); "
				"using the current one, valid until %s", user,
				host, why, tp_format_time(cur.expires, when,
							  sizeof(when)));
			ret = TP_OK;
			goto adopt;
		}
		tp_error("cannot renew the token for '%s@%s': %s", user, host,
			 why);
		goto out;
	}
	apply_token(&cur, &tok, now);
	ret = keyring_update(host, user, dsn, &cur);
	if (ret) {
		tp_error("the renewed token for '%s@%s' could not be stored; "
			 "if its server rotates refresh tokens, sign in "
			 "again with 'tokenpass login'", user, host);
		goto out;
	}
adopt:
	record_release(rec);
	*rec = cur;
	cur = (struct record)RECORD_INIT;
	goto out;
signin:
	hint = lifecycle_login_hint(host, user, dsn, &cur);
	tp_error("a new sign-in is needed for '%s@%s': %s; run '%s'", user,
		 host, why, hint);
out:
	lifecycle_unlock(fd);
	oauth_token_release(&tok);
	record_release(&cur);
	free(why);
	free(hint);
	return ret;
}
