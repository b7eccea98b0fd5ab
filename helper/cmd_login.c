/*
 * login: OAuth 2.0 sign-in. The authorization code flow with PKCE (S256)
 * and state, the redirect caught by a listener on 127.0.0.1 (RFC 8252);
 * or the client credentials grant for an API key and secret.
 */
#include "helper/commands.h"
#include "helper/http.h"
#include "helper/keyring.h"
#include "helper/loopback.h"
#include "helper/oauth.h"
#include "helper/prompt.h"
#include "helper/secmem.h"
#include "helper/tokenpass.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <unistd.h>

#define LOGIN_DEFAULT_TIMEOUT 300
#define REDIRECT_PATH "/callback"
/* Snowflake's built-in integration for local applications. */
#define LOCAL_APPLICATION "LOCAL_APPLICATION"

extern char **environ;

struct login_opts {
	char *host;
	const char *user, *client_id, *role, *scope, *authorize_url;
	const char *token_url, *dsn, *grant;
	unsigned long long port, refresh_days;
	int no_browser;
};

static volatile sig_atomic_t interrupted;

static void on_interrupt(int sig)
{
	(void)sig;
	interrupted = 1;
}

static char *random_b64url(size_t n)
{
	unsigned char buf[64];
	char *out;

	if (getrandom(buf, n, 0) != (ssize_t)n)
		tp_die("cannot read random bytes: %s", strerror(errno));
	out = http_base64url(buf, n);
	tp_memzero(buf, sizeof(buf));
	return out;
}

static char *pkce_challenge(const char *verifier)
{
	GChecksum *sum = g_checksum_new(G_CHECKSUM_SHA256);
	unsigned char digest[32];
	gsize len = sizeof(digest);

	g_checksum_update(sum, (const guchar *)verifier, (gssize)strlen(verifier));
	g_checksum_get_digest(sum, digest, &len);
	g_checksum_free(sum);
	return http_base64url(digest, len);
}

static void query_add(char **url, const char *key, const char *value)
{
	char *enc = http_urlencode(value);
	char *next = xasprintf("%s%c%s=%s", *url,
			       strchr(*url, '?') ? '&' : '?', key, enc);

	free(enc);
	free(*url);
	*url = next;
}

static void open_browser(const char *url)
{
	char *argv[] = { (char *)"xdg-open", (char *)url, NULL };
	posix_spawn_file_actions_t fa;
	pid_t pid;

	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	if (posix_spawnp(&pid, "xdg-open", &fa, NULL, argv, environ))
		tp_warn("cannot start xdg-open; open the URL yourself");
	posix_spawn_file_actions_destroy(&fa);
}

static long login_timeout(void)
{
	return tp_env_seconds("TOKENPASS_LOGIN_TIMEOUT", 1, 3600,
			      LOGIN_DEFAULT_TIMEOUT);
}

/*
 * Wait for the browser to come back with a code. Returns TP_OK with *code
 * set, or an exit code after printing why. The browser gets its page only
 * when finish() is called, so that it can say whether the exchange worked;
 * *client is the connection to answer.
 */
static int wait_for_code(int lfd, const char *state, char **code,
			 int *client)
{
	long long deadline = tp_clock_ms() + login_timeout() * 1000LL;

	for (;;) {
		struct pollfd p = { lfd, POLLIN, 0 };
		char *target = NULL, *q, *got_state = NULL, *err = NULL;
		long long left = deadline - tp_clock_ms();
		int fd, r;

		if (left <= 0) {
			tp_error("login: no answer from the browser within "
				 "%ld s; run 'tokenpass login' again",
				 login_timeout());
			return TP_ERROR;
		}
		r = poll(&p, 1, (int)left);
		if (interrupted) {
			tp_error("login: cancelled; nothing was stored");
			return TP_ERROR;
		}
		if (r <= 0)
			continue;
		fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
		if (fd < 0)
			continue;
		target = loopback_read_target(fd, deadline);
		if (!target || strncmp(target, REDIRECT_PATH,
				       strlen(REDIRECT_PATH)) ||
		    (target[strlen(REDIRECT_PATH)] &&
		     target[strlen(REDIRECT_PATH)] != '?')) {
			loopback_respond(fd, "404 Not Found", "Not found.");
			close(fd);
			tp_free_secret(target);
			continue;
		}
		q = strchr(target, '?');
		got_state = loopback_query_get(q ? q + 1 : NULL, "state");
		if (!got_state || !tp_secret_eq(got_state, state)) {
			loopback_respond(fd, "400 Bad Request", "tokenpass: this "
				"sign-in answer does not belong to the "
				"running login (state mismatch).");
			close(fd);
			free(got_state);
			tp_free_secret(target);
			continue;
		}
		free(got_state);
		err = loopback_query_get(q + 1, "error");
		if (err) {
			char *desc = loopback_query_get(q + 1,
							"error_description");
			/* the browser's words: no escapes for our terminal */
			char *e = tp_clean_text(err, 100);
			char *d = desc ? tp_clean_text(desc, 300) : NULL;

			loopback_respond(fd, "200 OK", "tokenpass: the sign-in "
					 "was refused. You can close this tab.");
			close(fd);
			tp_error("login: the authorization server refused "
				 "the sign-in: %s%s%s", e, d ? ": " : "",
				 d ? d : "");
			free(desc);
			free(err);
			free(e);
			free(d);
			tp_free_secret(target);
			return TP_ERROR;
		}
		*code = loopback_query_get(q + 1, "code");
		tp_free_secret(target);
		if (!*code) {
			loopback_respond(fd, "400 Bad Request",
					 "tokenpass: no code.");
			close(fd);
			continue;
		}
		*client = fd;
		return TP_OK;
	}
}

static int store_token(const struct login_opts *o, struct record *rec,
		       struct oauth_token *tok)
{
	time_t now = tp_now();
	char when[32];
	int ret;

	rec->kind = RECORD_OAUTH;
	rec->token = tok->access_token;
	tok->access_token = NULL;
	rec->expires = now + (time_t)(tok->expires_in >= 0 ?
				      tok->expires_in : 600);
	rec->refresh_token = tok->refresh_token;
	tok->refresh_token = NULL;
	rec->refresh_lifetime = (time_t)o->refresh_days * 86400;
	if (rec->refresh_token)
		rec->refresh_expires = now + (tok->refresh_expires_in >= 0 ?
			(time_t)tok->refresh_expires_in : rec->refresh_lifetime);
	rec->updated = now;
	if (tok->username && strcasecmp(tok->username, o->user))
		tp_warn("signed in as '%s', not '%s': connections as '%s' "
			"will be refused", tok->username, o->user, o->user);
	ret = keyring_store(o->host, o->user, o->dsn, rec);
	if (ret)
		return ret;
	if (rec->refresh_token)
		fprintf(stderr, "tokenpass: signed in '%s@%s'; the token "
			"renews itself until the refresh token expires on "
			"%s\n", o->user, o->host,
			tp_format_time(rec->refresh_expires, when,
				       sizeof(when)));
	else if (!strcmp(rec->grant, "client_credentials"))
		fprintf(stderr, "tokenpass: signed in '%s@%s' with client "
			"credentials; the token renews itself\n", o->user,
			o->host);
	else
		tp_warn("signed in '%s@%s', but no refresh token came back "
			"(is 'refresh_token' in the scope?); sign in again "
			"when the token expires on %s", o->user, o->host,
			tp_format_time(rec->expires, when, sizeof(when)));
	return TP_OK;
}

static int login_code(const struct login_opts *o, struct record *rec)
{
	struct oauth_token tok = OAUTH_TOKEN_INIT;
	struct oauth_grant g = { 0 };
	struct sigaction sa, old_int, old_term;
	char *verifier = random_b64url(48), *state = random_b64url(24);
	char *challenge = pkce_challenge(verifier);
	char *url = NULL, *redirect = NULL, *code = NULL, *why = NULL;
	int lfd, client = -1, port = 0, ret;

	lfd = loopback_listen(o->port, &port);
	if (lfd < 0) {
		tp_error("login: cannot listen on 127.0.0.1:%llu: %s; "
			 "choose another --port", o->port, strerror(errno));
		ret = TP_ERROR;
		goto out;
	}
	redirect = xasprintf("http://127.0.0.1:%d%s", port, REDIRECT_PATH);
	url = xstrdup(rec->authorize_url);
	query_add(&url, "response_type", "code");
	query_add(&url, "client_id", rec->client_id);
	query_add(&url, "redirect_uri", redirect);
	query_add(&url, "scope", rec->scope);
	query_add(&url, "state", state);
	query_add(&url, "code_challenge", challenge);
	query_add(&url, "code_challenge_method", "S256");

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_interrupt;
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	fprintf(stderr, "tokenpass: open this URL to sign in: %s\n", url);
	if (!o->no_browser && (getenv("DISPLAY") || getenv("WAYLAND_DISPLAY")))
		open_browser(url);
	ret = wait_for_code(lfd, state, &code, &client);
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	if (ret)
		goto out;

	g.type = "authorization_code";
	g.code = code;
	g.redirect_uri = redirect;
	g.code_verifier = verifier;
	ret = oauth_request(rec, &g, &tok, &why);
	if (ret) {
		loopback_respond(client, "200 OK", "tokenpass: the sign-in "
				 "could not be completed; see the terminal.");
		tp_error("login: cannot exchange the code for a token: %s",
			 why);
		goto out;
	}
	ret = store_token(o, rec, &tok);
	loopback_respond(client, "200 OK", ret ? "tokenpass: signed in, but "
			 "the token could not be stored; see the terminal." :
			 "tokenpass: signed in. You can close this tab.");
out:
	if (client >= 0)
		close(client);
	if (lfd >= 0)
		close(lfd);
	oauth_token_release(&tok);
	tp_free_secret(verifier);
	tp_free_secret(code);
	free(state);
	free(challenge);
	free(url);
	free(redirect);
	free(why);
	return ret;
}

static int login_client_credentials(const struct login_opts *o,
				    struct record *rec)
{
	struct oauth_token tok = OAUTH_TOKEN_INIT;
	struct oauth_grant g = { 0 };
	char *why = NULL;
	int ret;

	g.type = "client_credentials";
	g.scope = o->scope;
	ret = oauth_request(rec, &g, &tok, &why);
	if (ret) {
		tp_error("login: cannot get a token with the client "
			 "credentials: %s", why);
		goto out;
	}
	/* a refresh token is not expected here; renewal repeats the grant */
	tp_free_secret(tok.refresh_token);
	tok.refresh_token = NULL;
	ret = store_token(o, rec, &tok);
out:
	oauth_token_release(&tok);
	free(why);
	return ret;
}

int cmd_login(const struct tp_args *a)
{
	struct login_opts o = { 0 };
	struct record rec = RECORD_INIT;
	const char *port = a->val[OPT_PORT], *days = a->val[OPT_REFRESH_DAYS];
	char *prompt = NULL;
	int ret = TP_USAGE, cc;

	o.host = a->val[OPT_HOST] ? xstrdup(a->val[OPT_HOST]) : NULL;
	o.user = a->val[OPT_USER];
	o.client_id = a->val[OPT_CLIENT_ID];
	o.role = a->val[OPT_ROLE];
	o.scope = a->val[OPT_SCOPE];
	o.authorize_url = a->val[OPT_AUTHORIZE_URL];
	o.token_url = a->val[OPT_TOKEN_URL];
	o.no_browser = !!a->val[OPT_NO_BROWSER];
	o.dsn = a->val[OPT_DSN];
	o.grant = a->val[OPT_GRANT];
	if (!o.host || !o.user || !*o.user || tp_normalize_host(o.host)) {
		usage_error("login", "login: --host and --user are required");
		goto out;
	}
	cc = o.grant && !strcmp(o.grant, "client-credentials");
	if (o.grant && !cc && strcmp(o.grant, "authorization-code")) {
		usage_error("login", "login: --grant is authorization-code "
			    "or client-credentials, not '%s'", o.grant);
		goto out;
	}
	if (cc && (!o.token_url || !o.client_id)) {
		usage_error("login", "login: --grant client-credentials needs "
			    "--token-url and --client-id");
		goto out;
	}
	if (port && tp_parse_ulong(port, 65535, &o.port)) {
		usage_error("login", "login: --port '%s' is not a port", port);
		goto out;
	}
	o.refresh_days = 90;
	if (days && (tp_parse_ulong(days, 36500, &o.refresh_days) ||
		     !o.refresh_days)) {
		usage_error("login", "login: --refresh-days '%s' is not a "
			    "number of days", days);
		goto out;
	}

	rec.kind = RECORD_OAUTH;
	rec.client_id = xstrdup(o.client_id ? o.client_id :
				LOCAL_APPLICATION);
	rec.token_url = o.token_url ? xstrdup(o.token_url) :
			xasprintf("https://%s/oauth/token-request", o.host);
	rec.grant = xstrdup(cc ? "client_credentials" : "authorization_code");
	rec.role = o.role ? xstrdup(o.role) : NULL;
	if (!cc)
		rec.authorize_url = o.authorize_url ?
			xstrdup(o.authorize_url) :
			xasprintf("https://%s/oauth/authorize", o.host);
	if (o.scope && o.role)
		rec.scope = xasprintf("%s session:role:%s", o.scope, o.role);
	else if (o.scope)
		rec.scope = xstrdup(o.scope);
	else if (o.role)
		rec.scope = xasprintf("refresh_token session:role:%s",
				      o.role);
	else if (!cc)
		rec.scope = xstrdup("refresh_token");
	if (cc)
		o.scope = rec.scope;

	/* The built-in local application is a public client: no secret. */
	if (cc || strcmp(rec.client_id, LOCAL_APPLICATION)) {
		prompt = xasprintf("client secret for '%s': ", rec.client_id);
		ret = prompt_secret(prompt, "client secret",
				    &rec.client_secret);
		if (ret)
			goto out;
	}
	ret = cc ? login_client_credentials(&o, &rec) : login_code(&o, &rec);
out:
	free(o.host);
	free(prompt);
	record_release(&rec);
	return ret;
}
