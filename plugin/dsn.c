/*
 * The hook's settings: its own keys from the connection string, else the
 * DSN, the real driver's library, and the host rule: every host key
 * (Server, Servername, Host) and every Port, in the connection string, the
 * DSN and the TargetDSN, must agree, because a token goes only to the host
 * it was stored for.
 */
#include "config.h"
#include "plugin/px.h"

#include <odbcinst.h>
#include <stdlib.h>
#include <string.h>

/* a DSN's value for key, NULL when absent or empty */
static char *ini_get(const char *section, const char *key)
{
	char buf[4096];
	int n;

	if (!section || !*section)
		return NULL;
	n = SQLGetPrivateProfileString(section, key, "", buf, sizeof(buf),
				       "odbc.ini");
	if (n <= 0 || !buf[0])
		return NULL;
	return strdup(buf);
}

static char *ini_get_any(const char *section, const char *const *keys)
{
	char *v = NULL;

	for (; *keys && !v; keys++)
		v = ini_get(section, *keys);
	return v;
}

/*
 * Every value of keys, in the connection string, the DSN and the target
 * DSN, must be the same. *val is set to it (new string, or NULL when none
 * is given); returns -1 with the two conflicting values in a and b.
 */
static int one_value(const struct px_kvlist *l, const char *dsn,
		     const char *tdsn, const char *const *keys, char **val,
		     char **a, char **b)
{
	const char *sections[2] = { dsn, tdsn };
	char *cur = NULL, *v;
	int i, s, ret = 0;

	for (i = 0; i < l->nr && !ret; i++) {
		if (!px_in_set(l->v[i].key, keys) || !*l->v[i].val)
			continue;
		if (!cur) {
			cur = strdup(l->v[i].val);
		} else if (!px_strcaseeq(cur, l->v[i].val)) {
			*a = cur;
			*b = strdup(l->v[i].val);
			cur = NULL;
			ret = -1;
		}
	}
	for (s = 0; s < 2 && !ret; s++) {
		const char *const *k;

		for (k = keys; *k && !ret; k++) {
			v = ini_get(sections[s], *k);
			if (!v)
				continue;
			if (!cur) {
				cur = v;
			} else if (!px_strcaseeq(cur, v)) {
				*a = cur;
				*b = v;
				cur = NULL;
				ret = -1;
			} else {
				free(v);
			}
		}
	}
	*val = cur;
	return ret;
}


void px_settings_release(struct px_settings *s)
{
	free(s->dsn);
	free(s->target_driver);
	free(s->target_dsn);
	free(s->inject);
	free(s->helper);
	free(s->timeout);
	free(s->host);
	free(s->port);
	free(s->user);
	free(s->cred_host);
	free(s->path);
	memset(s, 0, sizeof(*s));
}

static char *setting(const struct px_kvlist *l, const char *dsn,
		     const char *key)
{
	const char *keys[2] = { key, NULL };
	const char *v = px_kv_get(l, keys);

	if (v && *v)
		return strdup(v);
	return ini_get(dsn, key);
}

int px_settings_read(struct px_dbc *d, const struct px_kvlist *l,
		     const char *dsn_arg, const char *uid_arg,
		     struct px_settings *s)
{
	static const char *const dsn_key[] = { "DSN", NULL };
	const char *v;
	char *a = NULL, *b = NULL;
	char *tdriver = NULL;
	int ret = -1;

	v = dsn_arg ? dsn_arg : px_kv_get(l, dsn_key);
	if (v && *v && !(s->dsn = strdup(v)))
		goto nomem;
	s->target_driver = setting(l, s->dsn, "TargetDriver");
	s->target_dsn = setting(l, s->dsn, "TargetDSN");
	s->inject = setting(l, s->dsn, "TokenInject");
	s->helper = setting(l, s->dsn, "TokenHelper");
	s->timeout = setting(l, s->dsn, "TokenTimeout");

	if (s->target_dsn) {
		tdriver = ini_get(s->target_dsn, "Driver");
		if (!tdriver) {
			px_diag_post(&d->diag, "IM002", "[tokenpass] target "
				     "DSN '%s' not found or has no Driver; "
				     "check TargetDSN in odbc.ini",
				     s->target_dsn);
			goto out;
		}
	} else if (s->target_driver) {
		tdriver = strdup(s->target_driver);
		if (!tdriver)
			goto nomem;
	} else {
		px_diag_post(&d->diag, "IM002", "[tokenpass] no TargetDriver "
			     "or TargetDSN in %s%s%s; name the real driver "
			     "with TargetDriver=", s->dsn ? "DSN '" :
			     "the connection string", s->dsn ? s->dsn : "",
			     s->dsn ? "'" : "");
		goto out;
	}
	s->path = px_backend_resolve(tdriver, &d->diag);
	if (!s->path)
		goto out;

	if (one_value(l, s->dsn, s->target_dsn, px_host_keys, &s->host, &a,
		      &b)) {
		px_diag_post(&d->diag, "28000", "[tokenpass] conflicting "
			     "hosts '%s' and '%s' in the DSN or connection "
			     "string; a token goes only to the host it was "
			     "stored for", a ? a : "", b ? b : "");
		goto out;
	}
	if (!s->host) {
		px_diag_post(&d->diag, "28000", "[tokenpass] no Server (or "
			     "Servername, Host) in the DSN or connection "
			     "string; a token goes only to the host it was "
			     "stored for");
		goto out;
	}
	if (one_value(l, s->dsn, s->target_dsn, px_port_keys, &s->port, &a,
		      &b)) {
		px_diag_post(&d->diag, "28000", "[tokenpass] conflicting "
			     "ports '%s' and '%s' in the DSN or connection "
			     "string; a token goes only to the host it was "
			     "stored for", a ? a : "", b ? b : "");
		goto out;
	}
	if (strpbrk(s->host, " \t\r\n") ||
	    (s->port && strpbrk(s->port, " \t\r\n:"))) {
		px_diag_post(&d->diag, "28000", "[tokenpass] the host '%s' "
			     "holds white space", s->host);
		goto out;
	}
	s->cred_host = malloc(strlen(s->host) +
			      (s->port ? strlen(s->port) + 1 : 0) + 1);
	if (!s->cred_host)
		goto nomem;
	memcpy(s->cred_host, s->host, strlen(s->host) + 1);
	if (s->port) {
		size_t n = strlen(s->cred_host);

		s->cred_host[n] = ':';
		memcpy(s->cred_host + n + 1, s->port, strlen(s->port) + 1);
	}

	if (uid_arg && *uid_arg) {
		s->user = strdup(uid_arg);
		if (!s->user)
			goto nomem;
	} else if ((v = px_kv_get(l, px_user_keys)) && *v) {
		s->user = strdup(v);
		if (!s->user)
			goto nomem;
	} else {
		s->user = ini_get_any(s->dsn, px_user_keys);
		if (!s->user)
			s->user = ini_get_any(s->target_dsn, px_user_keys);
	}
	if (s->user && strpbrk(s->user, "\r\n")) {
		px_diag_post(&d->diag, "28000", "[tokenpass] the user name "
			     "holds a line break");
		goto out;
	}
	ret = 0;
	goto out;
nomem:
	px_diag_oom(&d->diag);
out:
	free(a);
	free(b);
	free(tdriver);
	return ret;
}
