/*
 * A stand-in for 'tokenpass get' that answers at once, for
 * bench/odbc-connect.sh: with it, what the ODBC hook itself adds to a
 * connect is measured apart from the time tokenpass takes. It reads the
 * request, then answers the username it was asked for and the token kept
 * in the file named like itself plus ".token" (never argv or environ).
 */
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
	char line[4096], user[512] = "", token[4096] = "", path[4096];
	FILE *f;

	(void)argc;
	while (fgets(line, sizeof(line), stdin) && strcmp(line, "\n")) {
		if (!strncmp(line, "username=", 9)) {
			snprintf(user, sizeof(user), "%s", line + 9);
			user[strcspn(user, "\n")] = '\0';
		}
	}
	snprintf(path, sizeof(path), "%s.token", argv[0]);
	f = fopen(path, "r");
	if (!f || !fgets(token, sizeof(token), f))
		return 1;
	fclose(f);
	token[strcspn(token, "\n")] = '\0';
	printf("username=%s\npassword=%s\n", user, token);
	return 0;
}
