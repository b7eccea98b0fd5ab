/*
 * Driver profiles: for each real driver the hook knows, the keys (every
 * alias, abbreviation and case it accepts: names compare without case)
 * that decide where it connects, the keys that make it write secrets to
 * a log, and the keys an application may set. The tables are written
 * from the drivers' own documentation and key tables:
 *
 *   snowflake  Snowflake's ODBC driver, its documented connection
 *              parameters (docs.snowflake.com, "ODBC configuration and
 *              connection parameters")
 *   psqlodbc   psqlODBC's key table (dlg_specific.h, INI_* and ABBR_*,
 *              copyConnAttributes() in dlg_specific.c) and its libpq
 *              pass-through pqopt, parsed by PQconninfoParse and given to
 *              PQconnectdbParams without dbname expansion
 *   generic    any other driver: only well-known harmless keys, and the
 *              usual names of host, port, address and proxy keys
 */
#include "config.h"
#include "common/profiles.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* is key in the NULL-ended set, without case */
static int in_set(const char *key, const char *const *set)
{
	for (; *set; set++)
		if (!strcasecmp(key, *set))
			return 1;
	return 0;
}

/* the user: picks the credential, forwarded as UID */
const char *const px_user_keys[] = { "UID", "Username", "User", NULL };
/* never forwarded: the hook's own keys, the driver, any password */
const char *const px_strip_keys[] = {
	"DSN", "DRIVER", "FILEDSN", "SAVEFILE", "TargetDriver", "TargetDSN",
	"TokenInject", "TokenHelper", "TokenTimeout", "TokenProfile",
	"TokenAllowKeys", "PWD", "Password", "UID", "Username", "User", NULL
};
/* set only in odbc.ini or the hook's odbcinst.ini section */
const char *const px_hook_keys[] = {
	"TargetDriver", "TargetDSN", "TokenHelper", "TokenInject",
	"TokenTimeout", "TokenProfile", "TokenAllowKeys", NULL
};
/* the application may always give these: the hook handles them */
static const char *const structural_keys[] = {
	"DSN", "DRIVER", "FILEDSN", "SAVEFILE", "PWD", "Password", "UID",
	"Username", "User", NULL
};
const char *const px_token_keys[] = { "Authenticator", "Token", NULL };
const char *const px_secret_keys[] = { "PWD", "Password", "Token", NULL };

static const struct px_route_key snowflake_route[] = {
	{ "Server", PX_ROUTE_HOST },
	{ "Host", PX_ROUTE_HOST },
	{ "Account", PX_ROUTE_ACCOUNT },
	{ "Port", PX_ROUTE_PORT },
	{ "Protocol", PX_ROUTE_CONF },
	{ "Proxy", PX_ROUTE_CONF },
	{ "No_Proxy", PX_ROUTE_CONF },
	{ "Use_Proxy", PX_ROUTE_CONF },
	{ "CABundleFile", PX_ROUTE_CONF },
	{ "Region", PX_ROUTE_CONF },
	{ NULL, 0 }
};
static const char *const snowflake_log[] = { "CURLVerboseMode", NULL };
static const char *const snowflake_allow[] = {
	"Database", "Schema", "Warehouse", "Role", "Application",
	"Client_Session_Keep_Alive", "Login_Timeout", "Network_Timeout",
	"Query_Timeout", "CLIENT_TIMESTAMP_TYPE_MAPPING",
	"ODBC_USE_STANDARD_TIMESTAMP_COLUMNSIZE", "Description", NULL
};

/* psqlODBC: SPEC_SERVER "server" is Servername's alias */
static const struct px_route_key psqlodbc_route[] = {
	{ "Servername", PX_ROUTE_HOST },
	{ "Server", PX_ROUTE_HOST },
	{ "Port", PX_ROUTE_PORT },
	{ "pqopt", PX_ROUTE_CONNINFO },
	{ "D5", PX_ROUTE_CONNINFO },
	{ NULL, 0 }
};
/* Debug, CommLog and the CX bit set that holds both write mylog/qlog */
static const char *const psqlodbc_log[] = {
	"Debug", "B2", "CommLog", "B3", "CX", NULL
};
/* mylog.c: getGlobalDebug() and getGlobalCommlog() read DBMS_NAME */
static const char *const psqlodbc_log_sections[] = {
	"PostgreSQL Unicode", "PostgreSQL ANSI", NULL
};
static const char *const no_sections[] = { NULL };
static const char *const psqlodbc_allow[] = {
	"Description", "Database", "DX", "ReadOnly", "A0", "Protocol", "A1",
	"Fetch", "A7", "UnknownSizes", "A9", "UseDeclareFetch", "B6",
	"TextAsLongVarchar", "B7", "UnknownsAsLongVarchar", "B8",
	"BoolsAsChar", "B9", "MaxVarcharSize", "B0", "MaxLongVarcharSize",
	"B1", "FakeOidIndex", "A2", "ShowOidColumn", "A3", "RowVersioning",
	"A4", "ShowSystemTables", "A5", "Parse", "C0",
	"ExtraSysTablePrefixes", "C2", "UpdatableCursors", "C4",
	"LFConversion", "C5", "TrueIsMinus1", "C6", "BI", "NumericAs", "D6",
	"ByteaAsLongVarBinary", "C7", "UseServerSidePrepare", "C8",
	"LowerCaseIdentifier", "C9", "KeepaliveTime", "D1",
	"KeepaliveInterval", "D2", "OptionalErrors", "D7", "BatchSize", "D8",
	"IgnoreTimeout", "D9", "FetchRefcursors", "DA", NULL
};

static const struct px_route_key generic_route[] = {
	{ "Server", PX_ROUTE_HOST },
	{ "Servername", PX_ROUTE_HOST },
	{ "Host", PX_ROUTE_HOST },
	{ "Hostname", PX_ROUTE_HOST },
	{ "Port", PX_ROUTE_PORT },
	{ "HostAddr", PX_ROUTE_ADDR },
	{ "Address", PX_ROUTE_ADDR },
	{ "Addr", PX_ROUTE_ADDR },
	{ "Network", PX_ROUTE_CONF },
	{ "Socket", PX_ROUTE_CONF },
	{ "Protocol", PX_ROUTE_CONF },
	{ "Proxy", PX_ROUTE_CONF },
	{ "ProxyHost", PX_ROUTE_CONF },
	{ "ProxyPort", PX_ROUTE_CONF },
	{ "URL", PX_ROUTE_CONF },
	{ "Account", PX_ROUTE_CONF },
	{ NULL, 0 }
};
static const char *const generic_log[] = {
	"Debug", "CommLog", "Trace", "TraceFile", "Tracing", "LogLevel",
	"LogPath", NULL
};
static const char *const generic_allow[] = {
	"Description", "Database", "Schema", "Warehouse", "Role",
	"ReadOnly", "Application", "ApplicationName", NULL
};

static const struct px_profile profiles[] = {
	{ "snowflake", "snowflake", "443", snowflake_route, snowflake_log,
	  snowflake_allow, no_sections },
	{ "psqlodbc", "psqlodbc", "5432", psqlodbc_route, psqlodbc_log,
	  psqlodbc_allow, psqlodbc_log_sections },
	{ "generic", NULL, NULL, generic_route, generic_log, generic_allow,
	  no_sections },
};
#define NR_PROFILES (sizeof(profiles) / sizeof(*profiles))

const struct px_profile *px_profile_named(const char *name)
{
	size_t i;

	for (i = 0; i < NR_PROFILES; i++)
		if (!strcasecmp(profiles[i].name, name))
			return &profiles[i];
	return NULL;
}

const struct px_profile *px_profile_for(const char *path)
{
	const char *base = strrchr(path, '/');
	size_t i;

	base = base ? base + 1 : path;
	for (i = 0; i < NR_PROFILES; i++)
		if (profiles[i].lib && strcasestr(base, profiles[i].lib))
			return &profiles[i];
	return &profiles[NR_PROFILES - 1];
}

int px_profile_route(const struct px_profile *p, const char *key)
{
	const struct px_route_key *r;

	for (r = p->route; r->name; r++)
		if (!strcasecmp(r->name, key))
			return r->kind;
	return PX_ROUTE_NONE;
}

int px_profile_allows(const struct px_profile *p, const char *key)
{
	int kind = px_profile_route(p, key);

	if (in_set(key, structural_keys))
		return 1;
	/* where it connects may come from the application, checked */
	if (kind != PX_ROUTE_NONE && kind != PX_ROUTE_CONF)
		return 1;
	return in_set(key, p->allow);
}

int px_profile_norm_port(const struct px_profile *p, const char *v,
			 char **out)
{
	char *end;
	long n = strtol(v, &end, 10);
	char buf[16];

	*out = NULL;
	if (end == v || *end || n <= 0 || n > 65535)
		return -1;
	snprintf(buf, sizeof(buf), "%ld", n);
	if (p->port && !strcmp(buf, p->port))
		return 0;
	*out = strdup(buf);
	return *out ? 0 : -2;
}
