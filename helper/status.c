/*
 * A credential's state, the one place that decides it, and the command
 * that fixes it: for list, check and doctor.
 */
#include "helper/keyring.h"
#include "helper/lifecycle.h"
#include "helper/status.h"
#include "helper/tokenpass.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* An access token's own expiry never counts: it renews itself. */
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


char *cred_fix(const struct keyring_item *it, enum cred_state st)
{
	const struct record *r = &it->rec;
	char *cmd;

	if (st == CRED_LOCKED)
		return xstrdup("unlock the keyring (log in to the desktop "
			       "session, or open Seahorse)");
	if (st == CRED_DAMAGED) {
		cmd = xstrdup("tokenpass remove");
		tp_cmd_arg(&cmd, "--host", it->host);
		tp_cmd_arg(&cmd, "--user", it->user);
		tp_cmd_arg(&cmd, "--dsn", it->dsn);
		return cmd;
	}
	if (r->kind == RECORD_OAUTH)
		return lifecycle_login_hint(it->host, it->user, it->dsn, r);
	/* A PAT: rotated by its admin while it lives, replaced once dead. */
	if (r->admin && st != CRED_EXPIRED) {
		cmd = xstrdup("tokenpass rotate");
		tp_cmd_arg(&cmd, "--host", it->host);
		tp_cmd_arg(&cmd, "--user", it->user);
		tp_cmd_arg(&cmd, "--admin", r->admin);
	} else {
		cmd = xstrdup("tokenpass add-pat");
		tp_cmd_arg(&cmd, "--host", it->host);
		tp_cmd_arg(&cmd, "--user", it->user);
		tp_cmd_arg(&cmd, "--name", r->pat_name);
	}
	tp_cmd_arg(&cmd, "--dsn", it->dsn);
	return cmd;
}
