/*
 * unlock: the one command that may ask for the keyring's password (the
 * Secret Service's own prompt), bounded in time. get, the ODBC hook and
 * every other command report a locked keyring at once instead (exit 3).
 */
#include "helper/commands.h"
#include "helper/keyring.h"
#include "helper/tokenpass.h"

#include <stdio.h>
#include <stdlib.h>

/* How long the prompt may stay open. */
#define UNLOCK_TIMEOUT 120

int cmd_unlock(const struct tp_args *a)
{
	int ret;

	ret = keyring_unlock(tp_env_seconds("TOKENPASS_UNLOCK_TIMEOUT", 1,
					    3600, UNLOCK_TIMEOUT));
	if (!ret)
		printf("the keyring is unlocked\n");
	return ret;
}
