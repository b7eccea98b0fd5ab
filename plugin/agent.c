/*
 * Ask the agent on its Unix socket first (common/agent_sock.h): no process
 * is started inside the application, and the answer has the shape of the
 * helper's (standard output, the first line of standard error, the exit
 * code), so connect.c treats both alike. When no agent answers, the
 * caller runs the helper as before.
 */
#include "config.h"
#include "plugin/px.h"
#include "common/agent_sock.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/*
 * A DSN that names its own TokenHelper wants that program: the agent
 * answers only for tokenpass itself.
 */
static int helper_is_tokenpass(const char *helper)
{
	const char *base;

	if (!helper)
		return 1;
	base = strrchr(helper, '/');
	base = base ? base + 1 : helper;
	return !strcmp(base, "tokenpass") ||
	       !strcmp(base, "git-credential-tokenpass");
}

int px_agent_run(const char *helper, const char *request, int timeout_ms,
		 struct px_helper_result *res)
{
	char *path, *ans = NULL, *msg = NULL;
	char settings[AGENT_SOCK_SETTINGS_MAX];
	const char *errs, *nl;
	size_t len = 0, n, slen, mlen;
	int fd, code, rc, ret = 0;

	memset(res, 0, sizeof(*res));
	/*
	 * The helper reads the application's settings from the environment
	 * it inherits; the agent is told them. One the helper would not take:
	 * the helper, as without an agent.
	 */
	if (!helper_is_tokenpass(helper) || agent_sock_settings(settings))
		return 0;
	path = agent_sock_path();
	if (!path)
		return 0;
	fd = agent_sock_connect(path);
	free(path);
	if (fd < 0)
		return 0;
	/* the settings go first: a request's lines come in any order */
	slen = strlen(settings);
	mlen = slen + strlen(request);
	if (slen) {
		msg = malloc(mlen + 1);
		if (!msg)
			goto out;
		memcpy(msg, settings, slen);
		memcpy(msg + slen, request, mlen - slen + 1);
	}
	rc = agent_sock_exchange(fd, msg ? msg : request, mlen, timeout_ms,
				 &ans, &len);
	if (rc) {
		/* the bound is spent: no second wait for the helper */
		if (errno == ETIMEDOUT) {
			res->status = PX_HELPER_TIMEOUT;
			ret = 1;
		}
		goto out;
	}
	if (agent_sock_split(ans, &len, &code, &errs))
		goto out;
	/* the first line of standard error, as the helper path keeps it */
	nl = strchr(errs, '\n');
	n = nl ? (size_t)(nl - errs) : strlen(errs);
	if (n >= sizeof(res->err))
		n = sizeof(res->err) - 1;
	memcpy(res->err, errs, n);
	res->err[n] = '\0';
	res->status = PX_HELPER_OK;
	res->exit_code = code;
	res->out = ans;
	res->out_len = len;
	ans = NULL;
	ret = 1;
out:
	if (msg) {
		px_wipe(msg, mlen);
		free(msg);
	}
	if (ans) {
		px_wipe(ans, len);
		free(ans);
	}
	close(fd);
	return ret;
}
