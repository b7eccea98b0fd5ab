/*
 * The agent's state as list, check and doctor show it, from its "status"
 * request (agent.h).
 */
#include "helper/agent.h"
#include "helper/tokenpass.h"
#include "common/agent_sock.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define STATUS_WAIT_MS 2000
#define SYNC_WAIT_MS 5000

static void report_credential(FILE *out, const char *prefix, char *line)
{
	char *f[5], when[32], next[32];
	unsigned long long last = 0, nxt = 0;
	int i;

	for (i = 0; i < 5; i++) {
		f[i] = line;
		line = strchr(line, '\t');
		if (!line && i < 4)
			return;
		if (line)
			*line++ = '\0';
	}
	tp_parse_ulong(f[3], (unsigned long long)1 << 40, &last);
	tp_parse_ulong(f[4], (unsigned long long)1 << 40, &nxt);
	fprintf(out, "%sagent: %s@%s%s%s: last renewal %s, next renewal "
		"%s\n", prefix, f[1], f[0], *f[2] ? " for DSN " : "", f[2],
		tp_format_time((time_t)last, when, sizeof(when)),
		nxt ? tp_format_time((time_t)nxt, next, sizeof(next)) :
		"none by the agent");
}

int agent_client_report(FILE *out, const char *prefix, int quiet)
{
	static const char req[] = "tokenpass_op=status\n\n";
	char *path = agent_sock_path(), *ans = NULL, *line;
	const char *errs, *pid = "?", *state = "?";
	size_t len = 0;
	int fd, code, ret = 0;

	fd = path ? agent_sock_connect(path) : -1;
	if (fd < 0 || agent_sock_exchange(fd, req, sizeof(req) - 1,
					  STATUS_WAIT_MS, &ans, &len) ||
	    agent_sock_split(ans, &len, &code, &errs) || code) {
		if (!quiet)
			fprintf(out, "%sagent: not running (socket '%s'); "
				"every request reads the keyring\n", prefix,
				path ? path : "none: XDG_RUNTIME_DIR is unset");
		goto out;
	}
	for (line = ans; line && *line; line = strchr(line, '\n')) {
		if (*line == '\n')
			line++;
		if (!strncmp(line, "agent_pid=", 10))
			pid = line + 10;
		else if (!strncmp(line, "agent_state=", 12))
			state = line + 12;
	}
	/* the values end at their newlines: print up to them */
	fprintf(out, "%sagent: running (pid %.*s, keyring %.*s)\n", prefix,
		(int)strcspn(pid, "\n"), pid, (int)strcspn(state, "\n"), state);
	for (line = ans; *line; ) {
		char *nl = strchr(line, '\n');

		if (nl)
			*nl = '\0';
		if (!strncmp(line, "credential=", 11))
			report_credential(out, prefix, line + 11);
		if (!nl)
			break;
		line = nl + 1;
	}
	ret = 1;
out:
	if (fd >= 0)
		close(fd);
	free(ans);
	free(path);
	return ret;
}

/* send req, wait for the answer (SYNC_WAIT_MS at most) */
static void sync_request(const char *req)
{
	char *path = agent_sock_path(), *ans = NULL;
	size_t len = 0;
	int fd = path ? agent_sock_connect(path) : -1;

	if (fd >= 0 && !agent_sock_exchange(fd, req, strlen(req),
					    SYNC_WAIT_MS, &ans, &len))
		free(ans);
	if (fd >= 0)
		close(fd);
	free(path);
}

void agent_client_sync(void)
{
	sync_request("tokenpass_op=sync\n\n");
}

void agent_client_sync_key(const char *host, const char *user,
			   const char *dsn)
{
	char *req;

	if (!host || !user || strpbrk(host, "\n") || strpbrk(user, "\n") ||
	    (dsn && strpbrk(dsn, "\n"))) {
		agent_client_sync();
		return;
	}
	req = xasprintf("tokenpass_op=sync\nhost=%s\nusername=%s\ndsn=%s\n\n",
			host, user, dsn ? dsn : "");
	sync_request(req);
	free(req);
}
