/*
 * store-oauth: put an OAuth credential in the keyring the way tokenpass
 * itself will, for the shell tests (tokenpass has no command that makes
 * one without a token endpoint yet).
 *
 *   store-oauth HOST USER DSN EXPIRES REFRESH_EXPIRES <tokens
 *
 * DSN "" for a global credential; EXPIRES and REFRESH_EXPIRES in Unix
 * seconds (0: none). Standard input holds the access token on its first
 * line and the refresh token on its second (absent: none), so no secret
 * is ever in argv. Exits with keyring_store's code, 2 on bad usage.
 * TP_TOKEN_URL, when set, is the stored token endpoint.
 */
#include "helper/keyring.h"
#include "helper/record.h"
#include "helper/secmem.h"
#include "helper/tokenpass.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *read_line(void)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n = getline(&line, &cap, stdin);

	if (n <= 0) {
		free(line);
		return NULL;
	}
	if (line[n - 1] == '\n')
		line[n - 1] = '\0';
	return line;
}

int main(int argc, char **argv)
{
	struct record rec = RECORD_INIT;
	unsigned long long exp, rexp;
	int ret;

	secmem_init();
	record_json_hooks();
	if (argc != 6 || tp_parse_ulong(argv[4], 1ULL << 40, &exp) ||
	    tp_parse_ulong(argv[5], 1ULL << 40, &rexp)) {
		fprintf(stderr, "usage: store-oauth HOST USER DSN EXPIRES "
			"REFRESH_EXPIRES <tokens\n");
		return TP_USAGE;
	}
	rec.kind = RECORD_OAUTH;
	rec.token = read_line();
	if (!rec.token || !*rec.token) {
		fprintf(stderr, "store-oauth: no access token on stdin\n");
		record_release(&rec);
		return TP_USAGE;
	}
	rec.refresh_token = read_line();
	rec.expires = (time_t)exp;
	rec.refresh_expires = (time_t)rexp;
	rec.client_id = xstrdup("test-client");
	rec.token_url = xstrdup(getenv("TP_TOKEN_URL") ?
				getenv("TP_TOKEN_URL") :
				"https://127.0.0.1:1/oauth/token-request");
	rec.scope = xstrdup("refresh_token");
	rec.grant = xstrdup("authorization_code");
	rec.updated = tp_now();
	ret = keyring_store(argv[1], argv[2], argv[3], &rec);
	record_release(&rec);
	return ret;
}
