/*
 * Driver profiles (common/profiles.c), shared by the ODBC hook and
 * 'tokenpass doctor' so that the two never disagree about which keys of
 * a DSN name the host, the port and the user, and which port is a
 * driver's default. Plain C: no ODBC headers, no allocation but where
 * said. (The px_ prefix is the hook's: the table is its boundary.)
 */
#ifndef COMMON_PROFILES_H
#define COMMON_PROFILES_H

enum {
	PX_ROUTE_NONE,		/* not a routing key */
	PX_ROUTE_HOST,		/* the host: must be the credential's */
	PX_ROUTE_PORT,		/* the port: must be the credential's */
	PX_ROUTE_ADDR,		/* an address: must be the credential's host */
	PX_ROUTE_ACCOUNT,	/* an account: the host's first label */
	PX_ROUTE_CONF,		/* proxy, socket, protocol: configuration only */
	PX_ROUTE_CONNINFO,	/* libpq options passed through: checked inside */
};
struct px_route_key {
	const char *name;
	int kind;
};
struct px_profile {
	const char *name;
	const char *lib;	/* in the library's file name, NULL: any */
	const char *port;	/* the default port, normalised away */
	const struct px_route_key *route;	/* ends with a NULL name */
	const char *const *log;	/* keys that make the driver log secrets */
	const char *const *allow;	/* more keys the application may set */
	/* odbcinst.ini sections the driver reads its log switches from */
	const char *const *log_sections;
};
/* the profile called name, NULL when there is none */
const struct px_profile *px_profile_named(const char *name);
/* the profile for the driver library at path (generic when unknown) */
const struct px_profile *px_profile_for(const char *path);
/* PX_ROUTE_* of key in p */
int px_profile_route(const struct px_profile *p, const char *key);
/* may an application string set key (TokenAllowKeys aside) */
int px_profile_allows(const struct px_profile *p, const char *key);
/* NULL-ended sets */
extern const char *const px_user_keys[];
/* never forwarded: the hook's own keys, the driver, any password */
extern const char *const px_strip_keys[];
/* the hook's own keys: configuration only */
extern const char *const px_hook_keys[];
extern const char *const px_token_keys[];
extern const char *const px_secret_keys[];
/*
 * A port's canonical form in *out (new string), NULL for the profile's
 * default; 0, -1 when v is not a port number, -2 out of memory.
 */
int px_profile_norm_port(const struct px_profile *p, const char *v,
			 char **out);

#endif
