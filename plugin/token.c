/*
 * Asking for the token: the request in git's credential protocol, the
 * answer taken apart and checked against the host and user asked for, and
 * a failure turned into a diagnostic whose SQLSTATE says who can fix it.
 */
#include "config.h"
#include "plugin/px.h"

#include <stdlib.h>
#include <string.h>

#ifndef PX_HELPER_DEFAULT
#define PX_HELPER_DEFAULT "/usr/local/bin/tokenpass"
#endif
#define PX_TIMEOUT_DEFAULT 10

void px_token_release(struct px_token *t)
{
	px_free_secret(t->secret);
	free(t->user);
	memset(t, 0, sizeof(*t));
}

static const char *why(const struct px_helper_result *r)
{
	const char *e = r->err;

	if (!strncmp(e, "tokenpass: ", 11))
		e += 11;
	return e;
}

/* post what went wrong with the helper; the SQLSTATE says who can fix it */
static void helper_failed(struct px_dbc *d, const struct px_settings *s,
			  const char *helper, int timeout,
			  const struct px_helper_result *r)
{
	const char *u = s->user ? s->user : "USER";
	const char *at = s->user ? "@" : "";
	const char *su = s->user ? s->user : "";
	const char *h = s->cred_host;

	switch (r->status) {
	case PX_HELPER_SPAWN:
		px_diag_post(&d->diag, "08001", "[tokenpass] cannot run the "
			     "token helper '%s': %s; install tokenpass or set "
			     "TokenHelper in the DSN", helper,
			     strerror(r->exit_code));
		return;
	case PX_HELPER_TIMEOUT:
		px_diag_post(&d->diag, "HYT00", "[tokenpass] the token helper "
			     "'%s' did not answer within %d s; run "
			     "'tokenpass get' by hand to see what it waits "
			     "for", helper, timeout);
		return;
	case PX_HELPER_SIGNAL:
		px_diag_post(&d->diag, "08001", "[tokenpass] the token helper "
			     "'%s' died (signal %d) without an answer%s%s",
			     helper, r->exit_code, r->err[0] ? ": " : "",
			     why(r));
		return;
	case PX_HELPER_NOMEM:
		px_diag_oom(&d->diag);
		return;
	case PX_HELPER_IO:
		px_diag_post(&d->diag, "08001", "[tokenpass] cannot talk to "
			     "the token helper '%s': %s", helper,
			     strerror(r->exit_code));
		return;
	}
	switch (r->exit_code) {
	case 0:
		if (r->err[0])
			px_diag_post(&d->diag, "28000", "[tokenpass] no usable "
				     "credential for '%s%s%s': %s", su, at, h,
				     why(r));
		else
			px_diag_post(&d->diag, "28000", "[tokenpass] no stored "
				     "credential for '%s%s%s'; run 'tokenpass "
				     "add-pat --host %s --user %s'", su, at, h,
				     h, u);
		return;
	case 3:
		px_diag_post(&d->diag, "08001", "[tokenpass] the keyring is "
			     "unavailable: %s; unlock it (or start the Secret "
			     "Service) and connect again, 'tokenpass doctor' "
			     "tells more", r->err[0] ? why(r) : "exit 3");
		return;
	case 5:
		px_diag_post(&d->diag, "28000", "[tokenpass] a new sign-in is "
			     "needed for '%s%s%s'%s%s; run 'tokenpass login "
			     "--host %s --user %s'", su, at, h,
			     r->err[0] ? ": " : "", why(r), h, u);
		return;
	case 6:
		px_diag_post(&d->diag, "08001", "[tokenpass] cannot renew the "
			     "token for '%s%s%s', the token endpoint failed%s%s;"
			     " try again, or run 'tokenpass refresh --host %s "
			     "--user %s'", su, at, h, r->err[0] ? ": " : "",
			     why(r), h, u);
		return;
	default:
		px_diag_post(&d->diag, "08001", "[tokenpass] the token helper "
			     "'%s' failed (exit %d)%s%s", helper, r->exit_code,
			     r->err[0] ? ": " : "", why(r));
		return;
	}
}

/*
 * Take the answer apart: 0 with t->secret set, -1 when it holds no
 * token, -2 when out of memory.
 */
static int parse_answer(char *out, struct px_token *t, int *bad_host,
			const char *host)
{
	char *line = out, *nl;
	int ret = -2;

	while (*line) {
		char *eq;

		nl = strchr(line, '\n');
		if (nl)
			*nl = '\0';
		eq = strchr(line, '=');
		if (eq) {
			*eq = '\0';
			if (!strcmp(line, "password") ||
			    !strcmp(line, "credential")) {
				px_free_secret(t->secret);
				t->secret = strdup(eq + 1);
				if (!t->secret)
					goto out;
			} else if (!strcmp(line, "authtype")) {
				t->bearer = px_strcaseeq(eq + 1, "Bearer");
			} else if (!strcmp(line, "username")) {
				free(t->user);
				t->user = strdup(eq + 1);
				if (!t->user)
					goto out;
			} else if (!strcmp(line, "host")) {
				if (!px_strcaseeq(eq + 1, host))
					*bad_host = 1;
			}
			*eq = '=';
		}
		if (!nl)
			break;
		*nl = '\n';
		line = nl + 1;
	}
	ret = t->secret && *t->secret ? 0 : -1;
out:
	return ret;
}

static int timeout_s(const struct px_dbc *d, const struct px_settings *s)
{
	long t = PX_TIMEOUT_DEFAULT;
	char *end;

	if (s->timeout) {
		long v = strtol(s->timeout, &end, 10);

		if (end != s->timeout && !*end && v > 0 && v <= 3600)
			t = v;
	}
	if (d->login_timeout > 0 && (long)d->login_timeout < t)
		t = (long)d->login_timeout;
	return (int)t;
}

/* ask the helper; 0 with t filled, else -1 with a record posted */
int px_token_get(struct px_dbc *d, const struct px_settings *s, int renew,
		 struct px_token *t)
{
	struct px_helper_result r = { 0 };
	struct px_sbuf req = { 0 };
	const char *helper = s->helper ? s->helper : PX_HELPER_DEFAULT;
	int timeout = timeout_s(d, s), bad_host = 0, rc, ret = -1;

	px_sb_add(&req, "capability[]=authtype\nprotocol=https\nhost=");
	px_sb_add(&req, s->cred_host);
	px_sb_add(&req, "\n");
	if (s->user) {
		px_sb_add(&req, "username=");
		px_sb_add(&req, s->user);
		px_sb_add(&req, "\n");
	}
	if (s->dsn && !strpbrk(s->dsn, "\r\n")) {
		px_sb_add(&req, "dsn=");
		px_sb_add(&req, s->dsn);
		px_sb_add(&req, "\n");
	}
	if (renew)
		px_sb_add(&req, "tokenpass_renew=1\n");
	px_sb_add(&req, "\n");
	if (req.oom) {
		px_diag_oom(&d->diag);
		goto out;
	}
	if (!px_agent_run(s->helper, req.buf, timeout * 1000, &r))
		px_helper_run(helper, req.buf, timeout * 1000, &r);
	if (r.status != PX_HELPER_OK || r.exit_code) {
		helper_failed(d, s, helper, timeout, &r);
		goto out;
	}
	rc = parse_answer(r.out, t, &bad_host, s->cred_host);
	if (rc == -2) {
		px_diag_oom(&d->diag);
		goto out;
	}
	if (rc) {
		helper_failed(d, s, helper, timeout, &r);
		goto out;
	}
	if (bad_host || (s->user && t->user &&
			 !px_strcaseeq(s->user, t->user))) {
		px_diag_post(&d->diag, "28000", "[tokenpass] the helper "
			     "answered for another host or user than '%s%s%s';"
			     " the token was not used", s->user ? s->user : "",
			     s->user ? "@" : "", s->cred_host);
		goto out;
	}
	if (!t->user && s->user && !(t->user = strdup(s->user))) {
		px_diag_oom(&d->diag);
		goto out;
	}
	ret = 0;
out:
	if (ret)
		px_token_release(t);
	px_helper_result_release(&r);
	px_sb_release(&req);
	return ret;
}
