/*
 * tokenpass: the thin front. It links libc only, so that 'tokenpass get'
 * answered by the agent costs a process start and one round trip on a
 * Unix socket, nothing more: linking GLib and libsecret alone would cost
 * milliseconds before main() (DESIGN.md, decision 7).
 *
 *   tokenpass get   --agent socket answers-->  done
 *   anything else, or no agent       --exec-->  tokenpass-core (the rest)
 *
 * tokenpass-core is found next to this executable (the build tree), at
 * the path compiled in (TP_CORE_PATH, the installed one) or there under
 * the directory a staged install (DESTDIR) runs us from: always from
 * where this executable is, never where the environment says. argv is passed unchanged, so git-credential-tokenpass
 * still knows its own name. TOKENPASS_NO_AGENT=1 skips the agent (and
 * TOKENPASS_NOW in a test build: use_agent).
 */
#include "config.h"
#include "common/agent_sock.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/prctl.h>
#include <unistd.h>

#ifndef TP_CORE_PATH
#define TP_CORE_PATH "/usr/local/libexec/tokenpass/tokenpass-core"
#endif
#ifndef TP_BINDIR
#define TP_BINDIR "/usr/local/bin"
#endif
#define CORE_NAME "tokenpass-core"
/* a get the agent answers waits at most for a renewal it runs */
#define AGENT_WAIT_MS (120 * 1000)

static void run_core(char **argv)
{
	static const char bindir[] = TP_BINDIR;
	char self[PATH_MAX], staged[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	int saved = ENOENT;
	char *slash;

	if (n <= 0 || !(slash = strrchr((self[n] = '\0', self), '/')))
		goto installed;
	*slash = '\0';
	/* the build tree: tokenpass-core beside us */
	if (snprintf(staged, sizeof(staged), "%s/%s", self, CORE_NAME) <
	    (int)sizeof(staged)) {
		execv(staged, argv);
		saved = errno;
	}
	/*
	 * A staged install (DESTDIR) or a moved prefix: we run from
	 * STAGE/bindir, so the core is at STAGE/TP_CORE_PATH.
	 */
	n = (ssize_t)strlen(self) - (ssize_t)(sizeof(bindir) - 1);
	if (n > 0 && !strcmp(self + n, bindir)) {
		self[n] = '\0';
		if (snprintf(staged, sizeof(staged), "%s%s", self,
			     TP_CORE_PATH) < (int)sizeof(staged)) {
			execv(staged, argv);
			saved = errno;
		}
	}
installed:
	execv(TP_CORE_PATH, argv);
	if (errno != ENOENT)
		saved = errno;
	fprintf(stderr, "tokenpass: cannot run '%s': %s; reinstall "
		"tokenpass\n", TP_CORE_PATH, strerror(saved));
	exit(1);
}

/*
 * The request goes to tokenpass-core after all: it becomes its standard
 * input (the rest of ours follows when stop is 0).
 */
static void fall_back(char **argv, char *req, size_t len, int more)
{
	int fd = memfd_create("tokenpass-request", MFD_CLOEXEC);
	char buf[65536];
	ssize_t n;

	if (fd < 0)
		goto fail;
	while (len) {
		n = write(fd, req, len);
		if (n <= 0)
			goto fail;
		req += n;
		len -= (size_t)n;
	}
	while (more && (n = read(0, buf, sizeof(buf))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 || write(fd, buf, (size_t)n) != n)
			goto fail;
	}
	agent_sock_wipe(buf, sizeof(buf));
	if (lseek(fd, 0, SEEK_SET) || dup2(fd, 0) < 0)
		goto fail;
	close(fd);
	run_core(argv);
fail:
	fprintf(stderr, "tokenpass: get: cannot pass the request on: %s\n",
		strerror(errno));
	exit(1);
}

static int write_all(int fd, const char *p, size_t len)
{
	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* the request up to its blank line or EOF; 1 when it was cut at max */
static int read_request(char **req, size_t *len)
{
	size_t used = 0, cap = 4096;
	char *buf = malloc(cap);
	int more = 0;

	if (!buf)
		return -1;
	for (;;) {
		ssize_t n;

		if (used + 1 >= cap) {
			char *nb;

			if (cap >= AGENT_SOCK_MAX_REQUEST) {
				more = 1;
				break;
			}
			nb = realloc(buf, cap * 2);
			if (!nb) {
				free(buf);
				return -1;
			}
			buf = nb;
			cap *= 2;
		}
		n = read(0, buf + used, cap - used - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		used += (size_t)n;
		buf[used] = '\0';
		/* a blank line ends the request (a bare one too) */
		if ((used >= 2 && strstr(buf, "\n\n")) ||
		    (buf[0] == '\n'))
			break;
	}
	buf[used] = '\0';
	*req = buf;
	*len = used;
	return more;
}

/* settings: the lines agent_sock_settings() made for this caller */
static void agent_get(char **argv, const char *settings)
{
	char *path = agent_sock_path(), *req = NULL, *ans = NULL, *msg = NULL;
	const char *errs;
	size_t len = 0, ans_len = 0, mlen;
	int fd, more, code;

	fd = path ? agent_sock_connect(path) : -1;
	free(path);
	if (fd < 0)
		return;		/* no agent: tokenpass-core does it all */
	/* what the agent holds never leaves in a core file */
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	more = read_request(&req, &len);
	/* the settings go first: a request's lines come in any order */
	mlen = strlen(settings);
	if (more >= 0)
		msg = malloc(mlen + len + 1);
	if (more < 0 || !msg) {
		fprintf(stderr, "tokenpass: out of memory\n");
		exit(1);
	}
	memcpy(msg, settings, mlen);
	memcpy(msg + mlen, req, len);
	mlen += len;
	if (more ||
	    agent_sock_exchange(fd, msg, mlen, AGENT_WAIT_MS, &ans, &ans_len) ||
	    agent_sock_split(ans, &ans_len, &code, &errs)) {
		close(fd);
		if (ans) {
			agent_sock_wipe(ans, ans_len);
			free(ans);
		}
		agent_sock_wipe(msg, mlen);
		free(msg);
		fall_back(argv, req, len, more);
	}
	close(fd);
	agent_sock_wipe(msg, mlen);
	free(msg);
	agent_sock_wipe(req, len);
	free(req);
	if (write_all(1, ans, ans_len) && !code) {
		fprintf(stderr, "tokenpass: get: cannot write the answer\n");
		code = 1;
	}
	write_all(2, errs, strlen(errs));
	agent_sock_wipe(ans, ans_len);
	free(ans);
	exit(code);
}

/*
 * Should this get go to the agent? Not when TOKENPASS_NO_AGENT=1, nor
 * when a setting the agent is told of is one the core would not take
 * (agent_sock_settings), nor, in a build for the test suite, when
 * TOKENPASS_NOW sets this command's clock: the agent keeps one clock for
 * all its callers and for its own renewals, so a test that moves the time
 * of one command is answered by tokenpass-core, exactly as with no agent.
 * Other builds ignore TOKENPASS_NOW (tp_now) and always ask the agent.
 * settings gets the lines that tell the agent the caller's settings.
 */
static int use_agent(char *settings)
{
	const char *no = getenv("TOKENPASS_NO_AGENT");

	if (no && *no == '1')
		return 0;
	/* a setting the core reads as its default: the core, as always */
	if (agent_sock_settings(settings))
		return 0;
#ifdef TOKENPASS_TEST_CLOCK
	if (getenv("TOKENPASS_NOW"))
		return 0;
#endif
	return 1;
}

int main(int argc, char **argv)
{
	char settings[AGENT_SOCK_SETTINGS_MAX];

	if (argc == 2 && !strcmp(argv[1], "get") && use_agent(settings)) {
		struct rlimit rl = { 0, 0 };

		setrlimit(RLIMIT_CORE, &rl);
		agent_get(argv, settings);
	}
	run_core(argv);
	return 1;
}
