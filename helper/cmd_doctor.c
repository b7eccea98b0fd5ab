/*
 * doctor: one line per check, "ok" or "FAIL" with the fix, from the
 * session bus down to the DSN and its token endpoint. It looks and never
 * changes anything: no renewal, no prompt, no unlock.
 *
 * The ini files are read through libodbcinst, loaded with dlopen only
 * here (as http.c loads libcurl) so that 'get' does not pay for it: the
 * DSN is resolved exactly as unixODBC resolves it (ODBCINI, ODBCSYSINI,
 * ~/.odbc.ini, the system odbc.ini).
 */
#include "common/profiles.h"
#include "helper/agent.h"
#include "helper/commands.h"
#include "helper/headless.h"
#include "helper/http.h"
#include "helper/keyring.h"
#include "helper/status.h"
#include "helper/tokenpass.h"

#include <stdarg.h>
#include <dlfcn.h>
#include <gio/gio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define BUS_TIMEOUT_MS 5000
#define INI_VALUE_MAX 1024

struct doctor {
	int failed;		/* some check failed */
	int keyring_down;	/* bus, Secret Service or collection failed */
	void *odbcinst;		/* dlopen handle of libodbcinst */
	int (*get_profile)(const char *section, const char *key,
			   const char *def, char *buf, int len,
			   const char *file);
};

static void report(struct doctor *d, int ok, const char *fmt, ...)
	TP_PRINTF(3, 4);

static void report(struct doctor *d, int ok, const char *fmt, ...)
{
	va_list ap;

	printf("%-4s  ", ok ? "ok" : "FAIL");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	if (!ok)
		d->failed = 1;
}

static GVariant *call(GDBusConnection *bus, const char *dest,
		      const char *path, const char *iface,
		      const char *method, GVariant *args, GError **err)
{
	return g_dbus_connection_call_sync(bus, dest, path, iface, method,
					   args, NULL, G_DBUS_CALL_FLAGS_NONE,
					   BUS_TIMEOUT_MS, NULL, err);
}

/* Session bus, Secret Service, default collection. */
static void check_keyring(struct doctor *d)
{
	GDBusConnection *bus;
	GVariant *res = NULL, *v = NULL;
	GError *err = NULL;
	const char *coll = NULL;
	char *addr;

	bus = g_bus_get_sync(G_BUS_TYPE_SESSION, NULL, &err);
	if (!bus) {
		report(d, 0, "session bus: cannot connect (%s); run inside a "
		       "desktop session, or start one with 'dbus-run-session "
		       "-- $SHELL' and a keyring in it", err->message);
		d->keyring_down = 1;
		goto out;
	}
	addr = g_dbus_address_get_for_bus_sync(G_BUS_TYPE_SESSION, NULL,
					       NULL);
	report(d, 1, "session bus: %s", addr ? addr : "connected");
	g_free(addr);

	res = call(bus, "org.freedesktop.secrets", "/org/freedesktop/secrets",
		   "org.freedesktop.Secret.Service", "ReadAlias",
		   g_variant_new("(s)", "default"), &err);
	if (!res) {
		report(d, 0, "Secret Service: not on the session bus (%s); "
		       "start 'gnome-keyring-daemon --components=secrets' or "
		       "enable KeePassXC's Secret Service integration",
		       err->message);
		d->keyring_down = 1;
		goto out;
	}
	report(d, 1, "Secret Service: org.freedesktop.secrets answers");
	g_variant_get(res, "(&o)", &coll);
	if (!strcmp(coll, "/")) {
		report(d, 0, "default keyring: there is none; create one in "
		       "Seahorse, or start 'gnome-keyring-daemon --unlock' "
		       "with the password on standard input");
		d->keyring_down = 1;
		goto out;
	}
	v = call(bus, "org.freedesktop.secrets", coll,
		 "org.freedesktop.DBus.Properties", "Get",
		 g_variant_new("(ss)", "org.freedesktop.Secret.Collection",
			       "Locked"), &err);
	if (!v) {
		report(d, 0, "default keyring '%s': cannot read its state "
		       "(%s); restart the keyring daemon", coll, err->message);
		d->keyring_down = 1;
		goto out;
	} else {
		GVariant *inner = NULL;
		gboolean locked;

		g_variant_get(v, "(v)", &inner);
		locked = g_variant_is_of_type(inner, G_VARIANT_TYPE_BOOLEAN) &&
			 g_variant_get_boolean(inner);
		g_variant_unref(inner);
		if (locked) {
			report(d, 0, "default keyring '%s': locked; unlock it "
			       "(log in to the desktop session, open "
			       "Seahorse, or on a server pipe the password "
			       "to 'gnome-keyring-daemon --replace --unlock "
			       "--components=secrets')", coll);
			d->keyring_down = 1;
			goto out;
		}
		report(d, 1, "default keyring '%s': unlocked", coll);
	}
out:
	if (err)
		g_error_free(err);
	if (v)
		g_variant_unref(v);
	if (res)
		g_variant_unref(res);
	if (bus)
		g_object_unref(bus);
}

static void report_item(struct doctor *d, const struct keyring_item *it,
			time_t now)
{
	enum cred_state st = cred_state(it, now, 7L * 86400);
	const struct record *r = &it->rec;
	char a[32], b[32];
	char *fix;

	if (st == CRED_OK || st == CRED_RENEW_SOON) {
		const char *k = record_kind_name(r->kind);

		if (r->kind == RECORD_OAUTH)
			report(d, 1, "credential '%s@%s'%s%s%s (%s): %s, "
			       "access token %s, refresh token %s", it->user,
			       it->host, *it->dsn ? " for DSN '" : "",
			       it->dsn, *it->dsn ? "'" : "", k,
			       cred_state_name(st),
			       cred_time_left(r->expires, now, a, sizeof(a)),
			       cred_time_left(r->refresh_expires, now, b,
					      sizeof(b)));
		else
			report(d, 1, "credential '%s@%s'%s%s%s (%s): %s, "
			       "expires in %s", it->user, it->host,
			       *it->dsn ? " for DSN '" : "", it->dsn,
			       *it->dsn ? "'" : "", k, cred_state_name(st),
			       cred_time_left(r->expires, now, a, sizeof(a)));
		return;
	}
	fix = cred_fix(it, st);
	report(d, 0, "credential '%s@%s'%s%s%s: %s; run '%s'", it->user,
	       it->host, *it->dsn ? " for DSN '" : "", it->dsn,
	       *it->dsn ? "'" : "", cred_state_name(st), fix);
	free(fix);
}

static void check_credentials(struct doctor *d)
{
	struct keyring_list list = KEYRING_LIST_INIT;
	time_t now = tp_now();
	size_t i;

	if (keyring_search(NULL, NULL, NULL, &list)) {
		report(d, 0, "credentials: cannot be listed (above)");
		d->keyring_down = 1;
		goto out;
	}
	if (!list.nr)
		report(d, 1, "credentials: none stored yet; add one with "
		       "'tokenpass add-pat' or 'tokenpass login'");
	for (i = 0; i < list.nr; i++)
		report_item(d, &list.items[i], now);
out:
	keyring_list_release(&list);
}

static int load_odbcinst(struct doctor *d)
{
	static const char *const names[] = {
		"libodbcinst.so.2", "libodbcinst.so", NULL
	};
	const char *const *n;

	for (n = names; *n && !d->odbcinst; n++)
		d->odbcinst = dlopen(*n, RTLD_NOW | RTLD_LOCAL);
	if (!d->odbcinst) {
		report(d, 0, "unixODBC: cannot load libodbcinst (%s); install "
		       "unixODBC (Debian: apt install unixodbc)", dlerror());
		return -1;
	}
	*(void **)&d->get_profile = dlsym(d->odbcinst,
					  "SQLGetPrivateProfileString");
	if (!d->get_profile) {
		report(d, 0, "unixODBC: libodbcinst has no "
		       "SQLGetPrivateProfileString; reinstall unixODBC");
		return -1;
	}
	return 0;
}

/* The value of key in section of file ("odbc.ini", "odbcinst.ini"). */
static int ini_get(struct doctor *d, const char *file, const char *section,
		   const char *key, char *buf, int len)
{
	int n = d->get_profile(section, key, "", buf, len, file);

	if (n <= 0 || !*buf) {
		*buf = '\0';
		return 0;
	}
	return 1;
}

/* Is this Driver= value our hook (a name or a path)? */
static int is_tokenpass(struct doctor *d, const char *driver)
{
	char path[INI_VALUE_MAX];
	const char *base;

	if (!strcasecmp(driver, "tokenpass"))
		return 1;
	if (!strchr(driver, '/') &&
	    ini_get(d, "odbcinst.ini", driver, "Driver", path, sizeof(path)))
		driver = path;
	base = strrchr(driver, '/');
	base = base ? base + 1 : driver;
	return !strncmp(base, "libtokenpass-odbc.", 18);
}

/* dlopen what a TargetDriver names (odbcinst.ini entry or path). */
static void check_target(struct doctor *d, const char *dsn,
			 const char *target)
{
	char path[INI_VALUE_MAX];
	const char *lib = target;
	void *h;

	if (!strchr(target, '/')) {
		if (!ini_get(d, "odbcinst.ini", target, "Driver", path,
			     sizeof(path))) {
			report(d, 0, "DSN '%s': TargetDriver '%s' is not in "
			       "odbcinst.ini; register the real driver "
			       "('odbcinst -q -d' lists them) or give its "
			       "path", dsn, target);
			return;
		}
		lib = path;
	}
	h = dlopen(lib, RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		report(d, 0, "DSN '%s': TargetDriver '%s' does not load (%s); "
		       "install the real driver or fix the path", dsn, target,
		       dlerror());
		return;
	}
	dlclose(h);
	report(d, 1, "DSN '%s': TargetDriver '%s' loads (%s)", dsn, target,
	       lib);
}

/* The OAuth token endpoint answers (any HTTP status below 500). */
static void check_endpoint(struct doctor *d, const char *dsn,
			   const char *host, const struct record *rec)
{
	struct http_request req = { 0 };
	struct http_response resp = HTTP_RESPONSE_INIT;
	char *def = NULL, *why = NULL;
	const char *url = rec->token_url;

	if (!url) {
		def = xasprintf("https://%s/oauth/token-request", host);
		url = def;
	}
	req.url = url;
	req.body = "";
	req.content_type = "application/x-www-form-urlencoded";
	if (http_post(&req, &resp, &why)) {
		report(d, 0, "DSN '%s': token endpoint '%s' does not answer "
		       "(%s); check the network, proxy and CA bundle "
		       "(SSL_CERT_FILE)", dsn, url, why);
		goto out;
	}
	if (resp.status >= 500) {
		report(d, 0, "DSN '%s': token endpoint '%s' fails (HTTP %ld); "
		       "try again later or ask the Snowflake admin", dsn,
		       url, resp.status);
		goto out;
	}
	report(d, 1, "DSN '%s': token endpoint '%s' answers%s (HTTP %ld to "
	       "an empty request)", dsn, url,
	       strncmp(url, "https://", 8) ? "" : " over verified TLS",
	       resp.status);
out:
	http_response_release(&resp);
	free(why);
	free(def);
}

/*
 * The first value of a key of kind (PX_ROUTE_*, or -1: the user keys) in
 * the DSN, else in its TargetDSN: the order the hook reads them in.
 */
static int dsn_first(struct doctor *d, const char *dsn, const char *tdsn,
		     const struct px_profile *p, int kind, char *buf, int len)
{
	const char *const sections[] = { dsn, tdsn };
	const struct px_route_key *k;
	const char *const *u;
	int s;

	for (s = 0; s < 2; s++) {
		if (!sections[s] || !*sections[s])
			continue;
		if (kind < 0) {
			for (u = px_user_keys; *u; u++)
				if (ini_get(d, "odbc.ini", sections[s], *u, buf,
					    len))
					return 1;
			continue;
		}
		for (k = p->route; k->name; k++)
			if (k->kind == kind &&
			    ini_get(d, "odbc.ini", sections[s], k->name, buf,
				    len))
				return 1;
	}
	return 0;
}

/* the profile the hook uses for dsn (TokenProfile, else the library) */
static const struct px_profile *dsn_profile(struct doctor *d,
					    const char *dsn, const char *target)
{
	char val[INI_VALUE_MAX], path[INI_VALUE_MAX];
	const struct px_profile *p = NULL;

	if (ini_get(d, "odbc.ini", dsn, "TokenProfile", val, sizeof(val)))
		p = px_profile_named(val);
	if (p)
		return p;
	if (*target && target[0] != '/' &&
	    ini_get(d, "odbcinst.ini", target, "Driver", path, sizeof(path)))
		target = path;
	return px_profile_for(target);
}

static void check_dsn(struct doctor *d, const char *dsn)
{
	char driver[INI_VALUE_MAX], val[INI_VALUE_MAX], port[64];
	char user[INI_VALUE_MAX], tdsn[INI_VALUE_MAX] = "";
	char target[INI_VALUE_MAX] = "";
	const struct px_profile *p;
	struct record rec = RECORD_INIT;
	char *host = NULL, *nport = NULL;
	int ret;

	if (load_odbcinst(d))
		goto out;
	if (d->get_profile(dsn, NULL, "", val, sizeof(val), "odbc.ini") <= 0) {
		report(d, 0, "DSN '%s': not found in odbc.ini (ODBCINI, "
		       "~/.odbc.ini, or the system one under ODBCSYSINI); "
		       "'odbcinst -q -s' lists the DSNs", dsn);
		goto out;
	}
	report(d, 1, "DSN '%s': found", dsn);
	if (!ini_get(d, "odbc.ini", dsn, "Driver", driver, sizeof(driver)) ||
	    !is_tokenpass(d, driver)) {
		report(d, 0, "DSN '%s': Driver is '%s', not tokenpass; set "
		       "'Driver = tokenpass' and move the real driver to "
		       "'TargetDriver'", dsn, driver);
		goto out;
	}
	report(d, 1, "DSN '%s': Driver is tokenpass", dsn);
	if (ini_get(d, "odbc.ini", dsn, "TargetDriver", val, sizeof(val))) {
		snprintf(target, sizeof(target), "%s", val);
		check_target(d, dsn, val);
	} else if (ini_get(d, "odbc.ini", dsn, "TargetDSN", val,
			   sizeof(val))) {
		snprintf(tdsn, sizeof(tdsn), "%s", val);
		if (!ini_get(d, "odbc.ini", val, "Driver", target,
			     sizeof(target)))
			report(d, 0, "DSN '%s': TargetDSN '%s' is not a DSN "
			       "with a Driver; define it in odbc.ini", dsn,
			       val);
		else
			check_target(d, dsn, target);
	} else {
		report(d, 0, "DSN '%s': neither TargetDriver nor TargetDSN "
		       "is set; name the real driver with 'TargetDriver'",
		       dsn);
	}

	/* the hook's rule (common/profiles.c): host, port, user */
	p = dsn_profile(d, dsn, target);
	if (!dsn_first(d, dsn, tdsn, p, PX_ROUTE_HOST, val, sizeof(val)) ||
	    !dsn_first(d, dsn, tdsn, p, -1, user, sizeof(user))) {
		report(d, 0, "DSN '%s': no host or user; set '%s' and "
		       "'UID'", dsn, p->route[0].name);
		goto out;
	}
	if (dsn_first(d, dsn, tdsn, p, PX_ROUTE_PORT, port, sizeof(port)) &&
	    px_profile_norm_port(p, port, &nport)) {
		report(d, 0, "DSN '%s': the port '%s' is not a port number",
		       dsn, port);
		goto out;
	}
	if (nport)
		host = xasprintf("%s:%s", val, nport);
	else
		host = xstrdup(val);
	if (tp_normalize_host(host)) {
		report(d, 0, "DSN '%s': the host '%s' is not a host name; fix "
		       "'Server'", dsn, host);
		goto out;
	}
	if (d->keyring_down) {
		report(d, 0, "DSN '%s': cannot look up '%s@%s' until the "
		       "keyring works (above)", dsn, user, host);
		goto out;
	}
	ret = keyring_lookup(host, user, dsn, &rec);
	if (ret == TP_NOT_FOUND)
		ret = keyring_lookup(host, user, NULL, &rec);
	if (ret == TP_NOT_FOUND) {
		report(d, 0, "DSN '%s': no credential for '%s@%s'; store one "
		       "with 'tokenpass add-pat --host %s --user %s' or "
		       "'tokenpass login --host %s --user %s'", dsn, user,
		       host, host, user, host, user);
		goto out;
	}
	if (ret) {
		report(d, 0, "DSN '%s': cannot read the credential for "
		       "'%s@%s' (above)", dsn, user, host);
		goto out;
	}
	report(d, 1, "DSN '%s': credential for '%s@%s' is stored (%s)", dsn,
	       user, host, record_kind_name(rec.kind));
	if (rec.kind == RECORD_OAUTH)
		check_endpoint(d, dsn, host, &rec);
out:
	free(nport);
	record_release(&rec);
	free(host);
}

int cmd_doctor(const struct tp_args *a)
{
	struct doctor d = { 0 };
	const char *dsn = a->val[OPT_DSN];
	int ret = TP_USAGE;

	if (dsn && !*dsn) {
		usage_error("doctor", "doctor: --dsn needs a DSN name");
		goto out;
	}
	headless_doctor();
	check_keyring(&d);
	if (!d.keyring_down)
		check_credentials(&d);
	if (dsn)
		check_dsn(&d, dsn);
	agent_client_report(stdout, "ok    ", 0);
	fflush(stdout);
	ret = d.keyring_down ? TP_KEYRING : d.failed ? TP_ERROR : TP_OK;
out:
	/*
	 * libodbcinst stays loaded until exit: it keeps its ini caches for
	 * the life of the process, and unloading it first only hides their
	 * owner from leak checkers.
	 */
	return ret;
}
