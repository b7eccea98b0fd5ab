/*
 * Which keys mean what to the real driver: where it connects, who the
 * user is, and the keys that never reach it.
 */
#include "config.h"
#include "plugin/px.h"

const char *const px_host_keys[] = { "Server", "Servername", "Host", NULL };
const char *const px_port_keys[] = { "Port", NULL };
const char *const px_user_keys[] = { "UID", "Username", "User", NULL };
/* never forwarded: the hook's own keys, the driver, any password */
const char *const px_strip_keys[] = {
	"DSN", "DRIVER", "FILEDSN", "SAVEFILE", "TargetDriver", "TargetDSN",
	"TokenInject", "TokenHelper", "TokenTimeout", "PWD", "Password",
	"UID", "Username", "User", NULL
};
const char *const px_token_keys[] = { "Authenticator", "Token", NULL };
const char *const px_secret_keys[] = { "PWD", "Password", "Token", NULL };

