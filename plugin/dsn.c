/*
 * The hook's settings and the host rule.
 *
 * Configuration comes from configuration: the hook's own keys are read
 * from the DSN in odbc.ini (user, then system), else from the hook's own
 * section in odbcinst.ini (the DSN's Driver, or DRIVER={Name} without a
 * DSN, whose Driver must be this library). An application string (or a
 * FILEDSN, which the driver manager merges into it) that sets one is
 * refused.
 *
 * The host rule, on every connection (each carries a token): the
 * application may set only the keys its profile allows plus
 * TokenAllowKeys; every routing key, in the string (every occurrence),
 * the DSN and the TargetDSN, must be non-empty and agree with one host and
 * port, the credential's (the profile's default port normalised away),
 * including inside pass-through option strings; a key that makes the
 * driver log secrets, set anywhere, stops the connect. Everything is
 * checked before the token is asked for.
 */
#include "config.h"
#include "plugin/px.h"

#include <dlfcn.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define INI_MAX 4096

/* a file's value for key in section, NULL when absent or empty */
static char *ini_get(const char *section, const char *key, const char *file)
{
	char buf[INI_MAX];
	int n;

	if (!section || !*section)
		return NULL;
	n = px_dm_profile_string(section, key, "", buf, sizeof(buf), file);
	if (n <= 0 || !buf[0])
		return NULL;
	return strdup(buf);
}

void px_settings_release(struct px_settings *s)
{
	free(s->dsn);
	free(s->section);
	free(s->target_driver);
	free(s->target_dsn);
	free(s->inject);
	free(s->helper);
	free(s->timeout);
	free(s->allow);
	free(s->host);
	free(s->port);
	free(s->user);
	free(s->cred_host);
	free(s->path);
	memset(s, 0, sizeof(*s));
}

/* the hook's own file, found once: the connects compare against it */
static char self_path[PATH_MAX];	/* "" when too long */
static struct stat self_st;
static int self_ok;
static pthread_once_t self_once = PTHREAD_ONCE_INIT;

static void self_init(void)
{
	static const char anchor;
	Dl_info info;

	self_ok = dladdr(&anchor, &info) && info.dli_fname &&
		  !stat(info.dli_fname, &self_st);
	if (self_ok && strlen(info.dli_fname) < sizeof(self_path))
		memcpy(self_path, info.dli_fname, strlen(info.dli_fname) + 1);
}

/*
 * is the library at path this one (the hook itself): the absolute name
 * the driver manager loaded it by, else the same file under another name
 */
static int is_hook(const char *path)
{
	struct stat a;

	pthread_once(&self_once, self_init);
	if (!self_ok)
		return 0;
	if (self_path[0] == '/' && !strcmp(path, self_path))
		return 1;
	if (stat(path, &a))
		return 0;
	return a.st_dev == self_st.st_dev && a.st_ino == self_st.st_ino;
}

/* a hook key: the DSN's value, else the hook's section's */
static char *conf(const struct px_settings *s, const char *key)
{
	char *v = ini_get(s->dsn, key, "odbc.ini");

	if (!v)
		v = ini_get(s->section, key, "odbcinst.ini");
	return v;
}

/* where a key was found, for messages */
struct origin {
	char where[320];
	int app;		/* the application's string */
};

static void origin_set(struct origin *o, const char *what, const char *name)
{
	o->app = !name;
	if (name)
		snprintf(o->where, sizeof(o->where), "%s '%s'", what, name);
	else
		snprintf(o->where, sizeof(o->where), "the connection string");
}

/*
 * The hook's section for a DRIVER= value (or a DSN's Driver): a name in
 * odbcinst.ini whose library is this one. *section stays NULL for a path.
 */
static int find_section(struct px_dbc *d, const char *driver, char **section)
{
	char *lib;
	int ret = -1;

	if (!driver || !*driver || driver[0] == '/')
		return 0;
	lib = ini_get(driver, "Driver64", "odbcinst.ini");
	if (!lib)
		lib = ini_get(driver, "Driver", "odbcinst.ini");
	if (!lib || !is_hook(lib)) {
		px_diag_post(&d->diag, "IM002", "[tokenpass] the driver '%s' "
			     "in odbcinst.ini is not the tokenpass hook; give "
			     "its section Driver = the path of "
			     "libtokenpass-odbc.so", driver);
		goto out;
	}
	*section = strdup(driver);
	if (!*section) {
		px_diag_oom(&d->diag);
		goto out;
	}
	ret = 0;
out:
	free(lib);
	return ret;
}

static int refuse_hook_keys(struct px_dbc *d, const struct px_kvlist *l)
{
	int i;

	for (i = 0; i < l->nr; i++) {
		if (!px_in_set(l->v[i].key, px_hook_keys))
			continue;
		px_diag_post(&d->diag, "28000", "[tokenpass] '%s' is set in "
			     "the connection string; the hook reads it only "
			     "from the DSN in odbc.ini or from its driver "
			     "section in odbcinst.ini", l->v[i].key);
		return -1;
	}
	return 0;
}

/* is key in TokenAllowKeys (names split at commas, semicolons, space) */
static int allow_listed(const char *list, const char *key)
{
	size_t n = strlen(key);
	const char *p = list;

	while (p && *p) {
		size_t len;

		p += strspn(p, ",; \t");
		len = strcspn(p, ",; \t");
		if (len == n && !strncasecmp(p, key, n))
			return 1;
		p += len;
	}
	return 0;
}

static int refuse_unlisted(struct px_dbc *d, const struct px_settings *s,
			   const struct px_kvlist *l)
{
	int i;

	for (i = 0; i < l->nr; i++) {
		/* host_rule() says why a log key is refused */
		if (px_in_set(l->v[i].key, s->profile->log) ||
		    px_profile_allows(s->profile, l->v[i].key) ||
		    (px_profile_route(s->profile, l->v[i].key) ==
		     PX_ROUTE_NONE && allow_listed(s->allow, l->v[i].key)))
			continue;
		if (px_profile_route(s->profile, l->v[i].key) ==
		    PX_ROUTE_CONF)
			px_diag_post(&d->diag, "28000", "[tokenpass] '%s' in "
				     "the connection string changes where the "
				     "driver connects; only the DSN may set it",
				     l->v[i].key);
		else
			px_diag_post(&d->diag, "28000", "[tokenpass] '%s' in "
				     "the connection string is not a key the "
				     "%s profile lets an application set; add "
				     "it to TokenAllowKeys in the DSN if it is "
				     "harmless", l->v[i].key, s->profile->name);
		return -1;
	}
	return 0;
}

/* does a log key's value turn the log on */
static int log_on(const char *v)
{
	static const char *const off[] = { "0", "no", "false", "off", NULL };

	return *v && !px_in_set(v, off);
}

static int refuse_log(struct px_dbc *d, const char *key, const char *val,
		      const struct origin *o)
{
	if (!log_on(val))
		return 0;
	px_diag_post(&d->diag, "28000", "[tokenpass] '%s' in %s makes the "
		     "driver write a log that would hold the token; the token "
		     "is not injected into a logged connection, remove '%s'",
		     key, o->where, key);
	return -1;
}

/* the host and port every routing key must agree with */
struct route {
	char *host;
	char *port;		/* NULL: the profile's default */
	char host_from[320], port_from[320];
};

static int disagree(struct px_dbc *d, const char *key, const char *val,
		    const struct origin *o, const char *other,
		    const char *other_from)
{
	px_diag_post(&d->diag, "28000", "[tokenpass] '%s' in %s is '%s', "
		     "which does not agree with '%s' in %s; a token goes only "
		     "to the host it was stored for", key, o->where, val,
		     other, other_from);
	return -1;
}

/* pass one: the host and port, which every occurrence must agree on */
static int route_pin(struct px_dbc *d, const struct px_settings *s,
		     struct route *r, const char *key, const char *val,
		     const struct origin *o)
{
	int kind = px_profile_route(s->profile, key);
	char *port = NULL;
	int ret = 0;

	if (kind == PX_ROUTE_NONE)
		return 0;
	if (!*val) {
		px_diag_post(&d->diag, "28000", "[tokenpass] '%s' is empty in "
			     "%s; the driver would connect to its default, "
			     "and a token goes only to the host it was stored "
			     "for", key, o->where);
		return -1;
	}
	if (kind == PX_ROUTE_HOST) {
		if (!r->host) {
			r->host = strdup(val);
			if (!r->host)
				return -2;
			snprintf(r->host_from, sizeof(r->host_from),
				 "'%s' in %s", key, o->where);
		} else if (!px_strcaseeq(r->host, val)) {
			ret = disagree(d, key, val, o, r->host, r->host_from);
		}
	} else if (kind == PX_ROUTE_PORT) {
		ret = px_profile_norm_port(s->profile, val, &port);
		if (ret == -1) {
			px_diag_post(&d->diag, "28000", "[tokenpass] '%s' in "
				     "%s is '%s', not a port number", key,
				     o->where, val);
		} else if (!ret && !r->port_from[0]) {
			r->port = port;
			port = NULL;
			snprintf(r->port_from, sizeof(r->port_from),
				 "'%s' in %s", key, o->where);
		} else if (!ret && (!r->port != !port ||
				    (port && strcmp(port, r->port)))) {
			ret = disagree(d, key, val, o, r->port ? r->port :
				       s->profile->port, r->port_from);
		}
	}
	free(port);
	return ret;
}

/* an address, an account, options inside a pass-through string */
static int route_check(struct px_dbc *d, const struct px_settings *s,
		       const struct route *r, const char *key,
		       const char *val, const struct origin *o);

static int conninfo_check(struct px_dbc *d, const struct px_settings *s,
			  const struct route *r, const char *key,
			  const char *val, const struct origin *o)
{
	struct px_kvlist l = { 0 };
	char *port = NULL;
	int i, rc, ret = -1;

	rc = px_conninfo_parse(&l, val);
	if (rc == -2) {
		px_diag_oom(&d->diag);
		goto out;
	}
	if (rc) {
		px_diag_post(&d->diag, "28000", "[tokenpass] cannot parse "
			     "'%s' in %s as libpq options; the hook refuses "
			     "what it cannot check", key, o->where);
		goto out;
	}
	for (i = 0; i < l.nr; i++) {
		const char *k = l.v[i].key, *v = l.v[i].val;

		if (!strcmp(k, "host") || !strcmp(k, "hostaddr")) {
			if (!r->host || !px_strcaseeq(v, r->host)) {
				px_diag_post(&d->diag, "28000", "[tokenpass] "
					     "'%s' in %s sets %s '%s', not "
					     "the credential's host '%s'",
					     key, o->where, k, v,
					     r->host ? r->host : "");
				goto out;
			}
		} else if (!strcmp(k, "port")) {
			rc = px_profile_norm_port(s->profile, v, &port);
			if (rc == -2) {
				px_diag_oom(&d->diag);
				goto out;
			}
			if (rc || !r->port != !port ||
			    (port && strcmp(port, r->port))) {
				px_diag_post(&d->diag, "28000", "[tokenpass] "
					     "'%s' in %s sets port '%s', not "
					     "the credential's", key,
					     o->where, v);
				goto out;
			}
			free(port);
			port = NULL;
		} else if (!strcmp(k, "service") || !strcmp(k, "servicefile")) {
			px_diag_post(&d->diag, "28000", "[tokenpass] '%s' in %s "
				     "sets %s, which decides where libpq "
				     "connects; the hook refuses what it cannot "
				     "check", key, o->where, k);
			goto out;
		}
	}
	ret = 0;
out:
	free(port);
	px_kv_release(&l);
	return ret;
}

static int route_check(struct px_dbc *d, const struct px_settings *s,
		       const struct route *r, const char *key,
		       const char *val, const struct origin *o)
{
	size_t n;

	switch (px_profile_route(s->profile, key)) {
	case PX_ROUTE_ADDR:
		if (px_strcaseeq(val, r->host))
			return 0;
		break;
	case PX_ROUTE_ACCOUNT:
		n = strlen(val);
		if (!strncasecmp(r->host, val, n) && r->host[n] == '.')
			return 0;
		break;
	case PX_ROUTE_CONF:
		/* configuration may set it; the application may not */
		if (!o->app)
			return 0;
		px_diag_post(&d->diag, "28000", "[tokenpass] '%s' in %s "
			     "changes where the driver connects; only the DSN "
			     "may set it", key, o->where);
		return -1;
	case PX_ROUTE_CONNINFO:
		return conninfo_check(d, s, r, key, val, o);
	default:
		return 0;
	}
	return disagree(d, key, val, o, r->host, r->host_from);
}

/* one key=value seen somewhere */
struct seen {
	char *key, *val;
	struct origin o;
};
struct seen_list {
	struct seen *v;
	int nr, alloc;
};

static void seen_release(struct seen_list *sl)
{
	int i;

	for (i = 0; i < sl->nr; i++) {
		free(sl->v[i].key);
		px_free_secret(sl->v[i].val);
	}
	free(sl->v);
	memset(sl, 0, sizeof(*sl));
}

static int seen_add(struct seen_list *sl, const char *key, const char *val,
		    const struct origin *o)
{
	struct seen *n;

	if (sl->nr == sl->alloc) {
		int alloc = sl->alloc ? sl->alloc * 2 : 32;

		n = realloc(sl->v, (size_t)alloc * sizeof(*n));
		if (!n)
			return -1;
		sl->v = n;
		sl->alloc = alloc;
	}
	n = &sl->v[sl->nr];
	n->key = strdup(key);
	n->val = strdup(val);
	n->o = *o;
	if (!n->key || !n->val) {
		free(n->key);
		free(n->val);
		return -1;
	}
	sl->nr++;
	return 0;
}

/* one key's value in an ini section, if set, into sl */
static int seen_ini(struct seen_list *sl, const char *section,
		    const char *file, const char *key, const struct origin *o)
{
	char *v = ini_get(section, key, file);
	int ret = 0;

	if (v)
		ret = seen_add(sl, key, v, o);
	free(v);
	return ret;
}

/*
 * The routing and log keys of one ini section (of an odbcinst.ini
 * section, only its log keys: the rule reads nothing else there), each
 * asked for by name (the installer libraries match names without case,
 * as the drivers do). Never a listing of the section's keys: unixODBC
 * keeps a cache entry for every listing it answers, one more on each
 * connect, where a named key's answer is found again in its cache.
 */
static int seen_section(struct seen_list *sl, const struct px_profile *p,
			const char *section, const char *file,
			const char *what)
{
	const struct px_route_key *r;
	const char *const *k;
	struct origin o;
	int ret = 0, inst = !strcmp(file, "odbcinst.ini");

	if (!section || !*section)
		return 0;
	origin_set(&o, what, section);
	for (r = p->route; r->name && !ret && !inst; r++)
		ret = seen_ini(sl, section, file, r->name, &o);
	for (k = p->log; *k && !ret; k++)
		if (inst || px_profile_route(p, *k) == PX_ROUTE_NONE)
			ret = seen_ini(sl, section, file, *k, &o);
	return ret;
}

/*
 * Every routing and log key from the string, the DSN, the TargetDSN and
 * the odbcinst.ini sections the driver reads; then the rule.
 */
static int host_rule(struct px_dbc *d, struct px_settings *s,
		     const struct px_kvlist *l)
{
	const struct px_profile *p = s->profile;
	struct seen_list sl = { 0 };
	struct route r = { 0 };
	const char *const *k;
	struct origin app;
	char *tdriver = NULL;
	int i, rc = 0, ret = -1;

	origin_set(&app, NULL, NULL);
	for (i = 0; i < l->nr && !rc; i++)
		if (px_profile_route(p, l->v[i].key) != PX_ROUTE_NONE ||
		    px_in_set(l->v[i].key, p->log))
			rc = seen_add(&sl, l->v[i].key, l->v[i].val, &app);
	if (!rc)
		rc = seen_section(&sl, p, s->dsn, "odbc.ini", "DSN");
	if (!rc)
		rc = seen_section(&sl, p, s->target_dsn, "odbc.ini",
				  "target DSN");
	if (!rc)
		rc = seen_section(&sl, p, s->section, "odbcinst.ini",
				  "odbcinst.ini section");
	if (!rc && s->target_dsn)
		tdriver = ini_get(s->target_dsn, "Driver", "odbc.ini");
	else if (!rc && s->target_driver && s->target_driver[0] != '/')
		tdriver = strdup(s->target_driver);
	if (!rc && tdriver && tdriver[0] != '/')
		rc = seen_section(&sl, p, tdriver, "odbcinst.ini",
				  "odbcinst.ini section");
	for (k = p->log_sections; !rc && *k; k++)
		rc = seen_section(&sl, p, *k, "odbcinst.ini",
				  "odbcinst.ini section");
	if (rc) {
		px_diag_oom(&d->diag);
		goto out;
	}
	for (i = 0; i < sl.nr; i++) {
		struct seen *e = &sl.v[i];

		/* an odbcinst.ini section only matters for its log keys */
		if (px_in_set(e->key, p->log)) {
			if (refuse_log(d, e->key, e->val, &e->o))
				goto out;
			continue;
		}
		if (!strncmp(e->o.where, "odbcinst.ini", 12))
			continue;
		rc = route_pin(d, s, &r, e->key, e->val, &e->o);
		if (rc == -2)
			px_diag_oom(&d->diag);
		if (rc)
			goto out;
	}
	if (!r.host) {
		px_diag_post(&d->diag, "28000", "[tokenpass] no host in the "
			     "DSN or connection string (the %s profile reads "
			     "it from '%s'); a token goes only to the host it "
			     "was stored for", p->name, p->route[0].name);
		goto out;
	}
	for (i = 0; i < sl.nr; i++) {
		struct seen *e = &sl.v[i];

		if (px_in_set(e->key, p->log) ||
		    !strncmp(e->o.where, "odbcinst.ini", 12))
			continue;
		if (route_check(d, s, &r, e->key, e->val, &e->o))
			goto out;
	}
	if (strpbrk(r.host, " \t\r\n")) {
		px_diag_post(&d->diag, "28000", "[tokenpass] the host '%s' "
			     "holds white space", r.host);
		goto out;
	}
	s->host = r.host;
	s->port = r.port;
	r.host = r.port = NULL;
	ret = 0;
out:
	free(r.host);
	free(r.port);
	free(tdriver);
	seen_release(&sl);
	return ret;
}

static int read_user(struct px_dbc *d, struct px_settings *s,
		     const struct px_kvlist *l, const char *uid_arg)
{
	const char *v;
	const char *const *k;

	if (uid_arg && *uid_arg) {
		s->user = strdup(uid_arg);
	} else if ((v = px_kv_get(l, px_user_keys)) && *v) {
		s->user = strdup(v);
	} else {
		for (k = px_user_keys; *k && !s->user; k++)
			s->user = ini_get(s->dsn, *k, "odbc.ini");
		for (k = px_user_keys; *k && !s->user; k++)
			s->user = ini_get(s->target_dsn, *k, "odbc.ini");
		return 0;
	}
	if (!s->user) {
		px_diag_oom(&d->diag);
		return -1;
	}
	return 0;
}

static int cred_host(struct px_dbc *d, struct px_settings *s)
{
	size_t h = strlen(s->host), p = s->port ? strlen(s->port) : 0;

	s->cred_host = malloc(h + (p ? p + 1 : 0) + 1);
	if (!s->cred_host) {
		px_diag_oom(&d->diag);
		return -1;
	}
	memcpy(s->cred_host, s->host, h + 1);
	if (p) {
		s->cred_host[h] = ':';
		memcpy(s->cred_host + h + 1, s->port, p + 1);
	}
	return 0;
}

/* where the hook is configured: the DSN, and its odbcinst.ini section */
static int find_config(struct px_dbc *d, const struct px_kvlist *l,
		       const char *dsn_arg, struct px_settings *s)
{
	const char *dsn = dsn_arg, *driver = NULL;
	char *dsn_driver = NULL;
	int i, seen, ret = -1;

	/*
	 * One DSN or one DRIVER: driver managers and drivers differ on which
	 * of two they read (psqlODBC the last DSN), and the hook checks the
	 * one it reads.
	 */
	for (i = 0, seen = 0; !dsn_arg && i < l->nr; i++) {
		if (!px_strcaseeq(l->v[i].key, "DSN") &&
		    !px_strcaseeq(l->v[i].key, "DRIVER"))
			continue;
		if (seen++) {
			px_diag_post(&d->diag, "28000", "[tokenpass] "
				     "connection string key '%s' comes after "
				     "another DSN or DRIVER; name one",
				     l->v[i].key);
			goto out;
		}
	}
	/* like the driver manager: the first of DSN and DRIVER wins */
	for (i = 0; !dsn_arg && i < l->nr && !dsn && !driver; i++) {
		if (px_strcaseeq(l->v[i].key, "DSN") && *l->v[i].val)
			dsn = l->v[i].val;
		else if (px_strcaseeq(l->v[i].key, "DRIVER"))
			driver = l->v[i].val;
	}
	if (dsn) {
		s->dsn = strdup(dsn);
		if (!s->dsn) {
			px_diag_oom(&d->diag);
			goto out;
		}
		dsn_driver = ini_get(dsn, "Driver", "odbc.ini");
		driver = dsn_driver;
	}
	if (find_section(d, driver, &s->section))
		goto out;
	ret = 0;
out:
	free(dsn_driver);
	return ret;
}

static int read_conf(struct px_dbc *d, struct px_settings *s)
{
	char *name = NULL;
	int ret = -1;

	s->target_driver = conf(s, "TargetDriver");
	s->target_dsn = conf(s, "TargetDSN");
	s->inject = conf(s, "TokenInject");
	s->helper = conf(s, "TokenHelper");
	s->timeout = conf(s, "TokenTimeout");
	s->allow = conf(s, "TokenAllowKeys");
	name = conf(s, "TokenProfile");
	if (s->helper && s->helper[0] != '/') {
		px_diag_post(&d->diag, "IM002", "[tokenpass] TokenHelper '%s' "
			     "is not an absolute path; give the full path of "
			     "tokenpass", s->helper);
		goto out;
	}
	if (name && !(s->profile = px_profile_named(name))) {
		px_diag_post(&d->diag, "IM002", "[tokenpass] TokenProfile "
			     "'%s' is not a profile; use snowflake, psqlodbc "
			     "or generic", name);
		goto out;
	}
	ret = 0;
out:
	free(name);
	return ret;
}

static int find_target(struct px_dbc *d, struct px_settings *s)
{
	char *tdriver = NULL;
	int ret = -1;

	if (s->target_dsn) {
		tdriver = ini_get(s->target_dsn, "Driver", "odbc.ini");
		if (!tdriver) {
			px_diag_post(&d->diag, "IM002", "[tokenpass] target "
				     "DSN '%s' not found or has no Driver; "
				     "check TargetDSN in odbc.ini",
				     s->target_dsn);
			goto out;
		}
	} else if (s->target_driver) {
		tdriver = strdup(s->target_driver);
		if (!tdriver) {
			px_diag_oom(&d->diag);
			goto out;
		}
	} else {
		px_diag_post(&d->diag, "IM002", "[tokenpass] no TargetDriver "
			     "or TargetDSN in %s%s%s; name the real driver "
			     "with TargetDriver= there",
			     s->dsn ? "DSN '" : s->section ?
			     "odbcinst.ini section '" : "the configuration",
			     s->dsn ? s->dsn : s->section ? s->section : "",
			     s->dsn || s->section ? "'" : "");
		goto out;
	}
	s->path = px_backend_resolve(tdriver, &d->diag);
	if (!s->path)
		goto out;
	if (!s->profile)
		s->profile = px_profile_for(s->path);
	ret = 0;
out:
	free(tdriver);
	return ret;
}

int px_settings_read(struct px_dbc *d, const struct px_kvlist *l,
		     const char *dsn_arg, const char *uid_arg,
		     struct px_settings *s)
{
	int ret = -1;

	if (refuse_hook_keys(d, l) || find_config(d, l, dsn_arg, s) ||
	    read_conf(d, s) || find_target(d, s) ||
	    refuse_unlisted(d, s, l) || host_rule(d, s, l) ||
	    read_user(d, s, l, uid_arg) || cred_host(d, s))
		goto out;
	if (s->user && strpbrk(s->user, "\r\n")) {
		px_diag_post(&d->diag, "28000", "[tokenpass] the user name "
			     "holds a line break");
		goto out;
	}
	s->verified = 1;
	ret = 0;
out:
	return ret;
}
