/*
 * tp-bulk-store: put many PAT credentials in the keyring from one
 * process, for the scale test (t0640); far faster than one tokenpass per
 * item.
 *
 *   tp-bulk-store N
 *
 * Stores N credentials: host bulk-NNNNN.example, user BULK, token
 * bulk-token-NNNNN (test data, not a secret), expiring in 30 days. Exits
 * with the first failing keyring_store's code, 2 on bad usage.
 */
#include "helper/keyring.h"
#include "helper/record.h"
#include "helper/secmem.h"
#include "helper/tokenpass.h"

#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
	unsigned long long n, i;
	int ret = TP_OK;

	secmem_init();
	record_json_hooks();
	if (argc != 2 || tp_parse_ulong(argv[1], 1000000, &n)) {
		fprintf(stderr, "usage: tp-bulk-store N\n");
		return TP_USAGE;
	}
	for (i = 0; i < n && ret == TP_OK; i++) {
		struct record rec = RECORD_INIT;
		char *host = xasprintf("bulk-%05llu.example", i);

		rec.kind = RECORD_PAT;
		rec.token = xasprintf("bulk-token-%05llu", i);
		rec.expires = tp_now() + 30 * 86400;
		rec.updated = tp_now();
		ret = keyring_store(host, "BULK", NULL, &rec);
		record_release(&rec);
		free(host);
	}
	return ret;
}
