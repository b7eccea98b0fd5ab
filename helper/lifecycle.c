#include "helper/http.h"
#include "helper/keyring.h"
#include "helper/lifecycle.h"
#include "helper/oauth.h"
#include "helper/rotate.h"
#include "helper/secmem.h"
#include "helper/tokenpass.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

#define DEFAULT_MARGIN 120
/* What a renewer may spend on the keyring, beyond its HTTP request. */
#define RENEWER_KEYRING_SECONDS 10
/* The renewer inherits the credential's lock on this descriptor. */
#define RENEWER_LOCK_FD 3
/* The most operands a renewer takes: an OAuth renewal's or a rotation's. */
#define RENEWER_MAX_OPERANDS (4 + ROTATE_OPERANDS)
/* Bytes of the renewer's messages relayed to our stderr. */
#define RENEWER_MAX_MESSAGES 4096
/* Snowflake's default OAUTH_REFRESH_TOKEN_VALIDITY. */
#define DEFAULT_REFRESH_LIFETIME (90L * 86400)
/* When a server sends no expires_in, assume Snowflake's default. */
#define DEFAULT_ACCESS_LIFETIME 600

long lifecycle_margin(void)
{
	return tp_env_seconds("TOKENPASS_REFRESH_MARGIN", 0, 86400,
			      DEFAULT_MARGIN);
}

int lifecycle_due(const struct record *rec, int force)
{
	if (rec->kind != RECORD_OAUTH)
		return 0;
	return force || !rec->expires ||
	       rec->expires - tp_now() < lifecycle_margin();
}

static void on_alarm(int sig)
{
	(void)sig;	/* only to interrupt flock() */
}

char *lifecycle_lock_dir(char **why)
{
	const char *base = getenv("XDG_RUNTIME_DIR");
	const char *home = getenv("HOME");
	char *dir = NULL, *parent = NULL;
	struct stat st;

	if (base && *base == '/') {
		dir = xasprintf("%s/tokenpass", base);
	} else if (home && *home == '/') {
		parent = xasprintf("%s/.cache", home);
		if (tp_mkdir_p(parent, 0700)) {
			*why = xasprintf("cannot create '%s': %s", parent,
					 strerror(errno));
			goto fail;
		}
		dir = xasprintf("%s/tokenpass", parent);
	} else {
		/* never a directory other users share, like /tmp */
		*why = xstrdup("neither XDG_RUNTIME_DIR nor HOME is set, so "
			       "there is no private directory for the "
			       "renewal locks");
		goto fail;
	}
	if (mkdir(dir, 0700) && errno != EEXIST) {
		*why = xasprintf("cannot create '%s': %s", dir,
				 strerror(errno));
		goto fail;
	}
	/* someone else's directory, or one others may write, is refused */
	if (lstat(dir, &st)) {
		*why = xasprintf("cannot check '%s': %s", dir,
				 strerror(errno));
		goto fail;
	}
	if (!S_ISDIR(st.st_mode) || st.st_uid != geteuid()) {
		*why = xasprintf("'%s' is not a directory of this user (uid "
				 "%u); remove it", dir, (unsigned)geteuid());
		goto fail;
	}
	if (st.st_mode & 077) {
		*why = xasprintf("'%s' is open to other users (mode %03o); "
				 "run 'chmod 700 %s'", dir,
				 (unsigned)(st.st_mode & 0777), dir);
		goto fail;
	}
	free(parent);
	return dir;
fail:
	free(parent);
	free(dir);
	return NULL;
}

static char *lock_path(const char *host, const char *user, const char *dsn,
		       char **why)
{
	const char *parts[3] = { host, user, dsn ? dsn : "" };
	uint64_t h = 1469598103934665603ULL;
	char *dir, *path;
	size_t i;
	const char *p;

	/* FNV-1a over the key: names may hold any character */
	for (i = 0; i < 3; i++) {
		for (p = parts[i]; ; p++) {
			h ^= (unsigned char)*p;
			h *= 1099511628211ULL;
			if (!*p)
				break;
		}
	}
	dir = lifecycle_lock_dir(why);
	if (!dir)
		return NULL;
	path = xasprintf("%s/%016llx.lock", dir, (unsigned long long)h);
	free(dir);
	return path;
}

/*
 * Wait at most ms milliseconds (< 0: forever) for the lock on fd.
 * Returns 0, or -1 with errno (EINTR: the time ran out).
 */
static int wait_lock(int fd, long long ms)
{
	struct sigaction sa, old;
	struct itimerval it, none;
	int r, saved;

	if (!flock(fd, LOCK_EX | LOCK_NB))
		return 0;
	if (errno != EWOULDBLOCK)
		return -1;
	if (!ms) {
		errno = EINTR;
		return -1;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;	/* no SA_RESTART: flock gets EINTR */
	sigaction(SIGALRM, &sa, &old);
	memset(&it, 0, sizeof(it));
	memset(&none, 0, sizeof(none));
	if (ms > 0) {
		it.it_value.tv_sec = ms / 1000;
		it.it_value.tv_usec = (ms % 1000) * 1000;
		setitimer(ITIMER_REAL, &it, NULL);
	}
	r = flock(fd, LOCK_EX);
	saved = errno;
	setitimer(ITIMER_REAL, &none, NULL);
	sigaction(SIGALRM, &old, NULL);
	errno = saved;
	return r;
}

static int open_lock(const char *host, const char *user, const char *dsn,
		     char **why)
{
	char *path = lock_path(host, user, dsn, why);
	int fd;

	if (!path)
		return -1;
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		*why = xasprintf("cannot open the lock '%s': %s", path,
				 strerror(errno));
	free(path);
	return fd;
}

int lifecycle_lock(const char *host, const char *user, const char *dsn)
{
	char *why = NULL;
	int fd = open_lock(host, user, dsn, &why);

	if (fd < 0)
		goto fail;
	if (wait_lock(fd, lifecycle_renewer_bound() * 1000LL)) {
		why = xasprintf("cannot lock the credential for renewal: %s",
				errno == EINTR ? "another tokenpass kept it "
				"locked too long" : strerror(errno));
		close(fd);
		goto fail;
	}
	return fd;
fail:
	tp_error("%s", why);
	free(why);
	return -1;
}

void lifecycle_unlock(int fd)
{
	if (fd >= 0)
		close(fd);	/* closing drops the flock */
}

long lifecycle_answer_budget(void)
{
	return tp_env_seconds("TOKENPASS_ANSWER_TIMEOUT", 1, 600,
			      LIFECYCLE_ANSWER_TIMEOUT);
}

long lifecycle_renewer_bound(void)
{
	/* one token request, and the keyring around it */
	return http_timeout() + RENEWER_KEYRING_SECONDS;
}

char *lifecycle_login_hint(const char *host, const char *user,
			   const char *dsn, const struct record *rec)
{
	char *cmd = xstrdup("tokenpass login");
	char *def_auth = xasprintf("https://%s/oauth/authorize", host);
	char *def_token = xasprintf("https://%s/oauth/token-request", host);
	int cc = rec->grant && !strcmp(rec->grant, "client_credentials");

	if (cc)
		tp_cmd_arg(&cmd, "--grant", "client-credentials");
	tp_cmd_arg(&cmd, "--host", host);
	tp_cmd_arg(&cmd, "--user", user);
	if (rec->client_id && (cc || strcmp(rec->client_id,
					    "LOCAL_APPLICATION")))
		tp_cmd_arg(&cmd, "--client-id", rec->client_id);
	if (rec->role)
		tp_cmd_arg(&cmd, "--role", rec->role);
	else if (rec->scope && strcmp(rec->scope, "refresh_token"))
		tp_cmd_arg(&cmd, "--scope", rec->scope);
	if (rec->authorize_url && strcmp(rec->authorize_url, def_auth))
		tp_cmd_arg(&cmd, "--authorize-url", rec->authorize_url);
	if (rec->token_url && (cc || strcmp(rec->token_url, def_token)))
		tp_cmd_arg(&cmd, "--token-url", rec->token_url);
	tp_cmd_arg(&cmd, "--dsn", dsn);
	free(def_auth);
	free(def_token);
	return cmd;
}

static void apply_token(struct record *rec, struct oauth_token *tok,
			time_t now)
{
	long long life = tok->expires_in >= 0 ? tok->expires_in :
			 DEFAULT_ACCESS_LIFETIME;

	tp_free_secret(rec->token);
	rec->token = tok->access_token;
	tok->access_token = NULL;
	rec->expires = now + (time_t)(life > 0 ? life : 1);
	if (tok->refresh_token) {
		/* only a new refresh token replaces the old one */
		tp_free_secret(rec->refresh_token);
		rec->refresh_token = tok->refresh_token;
		tok->refresh_token = NULL;
		if (tok->refresh_expires_in >= 0)
			rec->refresh_expires = now +
					       (time_t)tok->refresh_expires_in;
		else
			rec->refresh_expires = now + (rec->refresh_lifetime ?
					       rec->refresh_lifetime :
					       DEFAULT_REFRESH_LIFETIME);
	}
	rec->needs_login = 0;
	rec->updated = now;
}

static int request(const struct record *rec, struct oauth_token *tok,
		   char **why)
{
	struct oauth_grant g = { 0 };

	if (rec->refresh_token) {
		g.type = "refresh_token";
		g.refresh_token = rec->refresh_token;
	} else if (rec->grant && !strcmp(rec->grant, "client_credentials")) {
		g.type = "client_credentials";
		g.scope = rec->scope;
	} else {
		*why = xstrdup("no refresh token is stored");
		return TP_SIGN_IN;
	}
	return oauth_request(rec, &g, tok, why);
}

/*
 * The renewal itself, with the lock held and cur just read: ask the token
 * endpoint and store what it says in one update. Prints one line on
 * failure.
 */
static int renew_locked(const char *host, const char *user, const char *dsn,
			struct record *cur, unsigned flags)
{
	struct oauth_token tok = OAUTH_TOKEN_INIT;
	time_t now = tp_now();
	char *why = NULL, *hint = NULL;
	char when[32];
	int ret;

	if (cur->kind != RECORD_OAUTH ||
	    !lifecycle_due(cur, !!(flags & LIFECYCLE_FORCE)))
		return TP_OK;
	if (cur->needs_login) {
		ret = TP_SIGN_IN;
		why = xstrdup("its refresh token was refused before");
		goto signin;
	}
	if (cur->refresh_expires && cur->refresh_expires <= now) {
		ret = TP_SIGN_IN;
		why = xasprintf("its refresh token expired on %s",
				tp_format_time(cur->refresh_expires, when,
					       sizeof(when)));
		goto signin;
	}

	ret = request(cur, &tok, &why);
	if (ret == TP_SIGN_IN) {
		/* keep every token; mark it so list and check can tell */
		cur->needs_login = 1;
		keyring_update(host, user, dsn, cur);
		goto signin;
	}
	if (ret) {
		if ((flags & LIFECYCLE_KEEP_VALID) && cur->expires > now) {
			tp_warn("cannot renew the token for '%s@%s' (%s); "
				"using the current one, valid until %s", user,
				host, why, tp_format_time(cur->expires, when,
							  sizeof(when)));
			ret = TP_OK;
			goto out;
		}
		tp_error("cannot renew the token for '%s@%s': %s", user, host,
			 why);
		goto out;
	}
	apply_token(cur, &tok, now);
	ret = keyring_update(host, user, dsn, cur);
	if (ret)
		tp_error("the renewed token for '%s@%s' could not be stored; "
			 "if its server rotates refresh tokens, sign in "
			 "again with 'tokenpass login'", user, host);
	goto out;
signin:
	hint = lifecycle_login_hint(host, user, dsn, cur);
	tp_error("a new sign-in is needed for '%s@%s': %s; run '%s'", user,
		 host, why, hint);
out:
	oauth_token_release(&tok);
	free(why);
	free(hint);
	return ret;
}

/*
 * Start the renewer: this executable again, running the hidden command
 * RENEWER_COMMAND with ops (NULL-ended) in a session of its own
 * (nobody's Ctrl-C, no hook's kill of our process group, no closed
 * terminal's SIGHUP reaches it), default signals, stdin and
 * stdout on /dev/null, stderr on a pipe we relay, and the lock on fd 3,
 * which it goes on holding when we are gone. exec, never a bare fork:
 * GLib's D-Bus threads are not fork-safe.
 */
static int spawn_renewer(int lockfd, const char *const ops[], pid_t *pid,
			 int *errfd, char **why)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t sa;
	sigset_t all, none;
	char exe[PATH_MAX];
	char *argv[RENEWER_MAX_OPERANDS + 3] = { (char *)"tokenpass",
						 (char *)RENEWER_COMMAND };
	int p[2] = { -1, -1 }, lk = -1, r, ret = -1;
	size_t i;
	ssize_t n;

	for (i = 0; i < RENEWER_MAX_OPERANDS && ops[i]; i++)
		argv[i + 2] = (char *)ops[i];
	argv[i + 2] = NULL;

	/* readlink, not an exec of /proc/self/exe: valgrind knows this */
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0) {
		*why = xasprintf("cannot find this program: %s",
				 strerror(errno));
		return -1;
	}
	exe[n] = '\0';
	if (pipe2(p, O_CLOEXEC) ||
	    (lk = fcntl(lockfd, F_DUPFD_CLOEXEC, 10)) < 0) {
		*why = xasprintf("cannot start the renewal: %s",
				 strerror(errno));
		goto out;
	}
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, p[1], 2);
	posix_spawn_file_actions_adddup2(&fa, lk, RENEWER_LOCK_FD);
	posix_spawn_file_actions_addclosefrom_np(&fa, RENEWER_LOCK_FD + 1);
	posix_spawnattr_init(&sa);
	sigfillset(&all);
	sigemptyset(&none);
	posix_spawnattr_setsigdefault(&sa, &all);
	posix_spawnattr_setsigmask(&sa, &none);
	posix_spawnattr_setflags(&sa, POSIX_SPAWN_SETSID |
				 POSIX_SPAWN_SETSIGDEF |
				 POSIX_SPAWN_SETSIGMASK);
	r = posix_spawn(pid, exe, &fa, &sa, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&sa);
	if (r) {
		*why = xasprintf("cannot start the renewal '%s': %s", exe,
				 strerror(r));
		goto out;
	}
	*errfd = p[0];
	p[0] = -1;
	ret = 0;
out:
	if (p[0] >= 0)
		close(p[0]);
	if (p[1] >= 0)
		close(p[1]);
	if (lk >= 0)
		close(lk);
	return ret;
}

/*
 * Relay the renewer's messages until it closes its stderr (it ends) or
 * the deadline (ms on tp_clock_ms, < 0: none) passes. Returns its exit
 * code, or -1 when the time ran out (it goes on without us).
 */
static int wait_renewer(pid_t pid, int fd, long long deadline)
{
	char buf[512];
	size_t relayed = 0;
	struct pollfd pfd = { fd, POLLIN, 0 };
	int status, r;
	ssize_t n;

	for (;;) {
		long long left = deadline < 0 ? -1 : deadline - tp_clock_ms();

		if (deadline >= 0 && left <= 0)
			return -1;
		r = poll(&pfd, 1, left < 0 ? -1 : (int)left);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		n = read(fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		/* its own messages: one line each, bounded */
		if (relayed < RENEWER_MAX_MESSAGES) {
			fwrite(buf, 1, (size_t)n, stderr);
			relayed += (size_t)n;
		}
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return TP_ERROR;
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	tp_error("the renewal ended with signal %d; the stored credential "
		 "is unchanged", WIFSIGNALED(status) ? WTERMSIG(status) : 0);
	return TP_ERROR;
}

int lifecycle_detach(int fd, const char *const ops[], long long deadline,
		     char **why)
{
	int errfd = -1, ret;
	pid_t pid;

	if (spawn_renewer(fd, ops, &pid, &errfd, why)) {
		lifecycle_unlock(fd);
		return LIFECYCLE_UNSTARTED;
	}
	/* the renewer holds the lock now, whatever becomes of us */
	lifecycle_unlock(fd);
	ret = wait_renewer(pid, errfd, deadline);
	close(errfd);
	return ret < 0 ? LIFECYCLE_AWAY : ret;
}

/* The credential as stored now, under its lock. */
static int reread(const char *host, const char *user, const char *dsn,
		  struct record *cur)
{
	int ret = keyring_lookup(host, user, dsn, cur);

	if (ret == TP_NOT_FOUND)
		tp_error("the credential for '%s@%s' was removed while "
			 "renewing it", user, host);
	return ret;
}

/*
 * Serve what is stored when no renewal could be had (why says what went
 * wrong): a still-valid token with a warning when the caller takes one,
 * else an error with code.
 */
static int fall_back(const char *host, const char *user, struct record *rec,
		     unsigned flags, const char *why, int code)
{
	char when[32];

	if ((flags & LIFECYCLE_KEEP_VALID) && rec->expires > tp_now()) {
		tp_warn("cannot renew the token for '%s@%s' now (%s); using "
			"the current one, valid until %s", user, host, why,
			tp_format_time(rec->expires, when, sizeof(when)));
		return TP_OK;
	}
	tp_error("cannot renew the token for '%s@%s': %s", user, host, why);
	return code;
}

int lifecycle_renew(const char *host, const char *user, const char *dsn,
		    struct record *rec, unsigned flags)
{
	struct record cur = RECORD_INIT;
	int force = !!(flags & LIFECYCLE_FORCE);
	long budget = (flags & LIFECYCLE_KEEP_VALID) ?
		      lifecycle_answer_budget() : -1;
	long long deadline = budget < 0 ? -1 :
			     tp_clock_ms() + budget * 1000LL;
	char *why = NULL, flagbuf[16];
	const char *ops[] = { host, user, dsn ? dsn : "", flagbuf, NULL };
	int fd = -1, ret;

	if (!lifecycle_due(rec, force))
		return TP_OK;
	fd = open_lock(host, user, dsn, &why);
	if (fd < 0) {
		ret = fall_back(host, user, rec, flags, why, TP_ERROR);
		goto out;
	}
	if (wait_lock(fd, budget < 0 ? lifecycle_renewer_bound() * 1000LL :
		      deadline - tp_clock_ms())) {
		if (errno == EINTR) {
			why = xasprintf("another tokenpass is renewing it "
					"and did not finish within %ld s; try "
					"again in a moment", budget < 0 ?
					lifecycle_renewer_bound() : budget);
			ret = fall_back(host, user, rec, flags, why,
					TP_ENDPOINT);
		} else {
			why = xasprintf("cannot lock it for renewal: %s",
					strerror(errno));
			ret = fall_back(host, user, rec, flags, why,
					TP_ERROR);
		}
		goto out;
	}
	ret = reread(host, user, dsn, &cur);
	if (ret)
		goto out;
	/* Renewed by another process while we waited for the lock? */
	if (cur.kind != RECORD_OAUTH || !lifecycle_due(&cur, force) ||
	    (!tp_secret_eq(cur.token, rec->token) &&
	     !lifecycle_due(&cur, 0)))
		goto adopt;

	snprintf(flagbuf, sizeof(flagbuf), "%u", flags);
	ret = lifecycle_detach(fd, ops, deadline, &why);
	fd = -1;
	if (ret == LIFECYCLE_UNSTARTED) {
		ret = fall_back(host, user, &cur, flags, why, TP_ERROR);
		goto out;
	}
	if (ret == LIFECYCLE_AWAY) {
		free(why);
		why = xasprintf("the token endpoint did not answer within "
				"%ld s; the renewal goes on in the background",
				budget);
		ret = fall_back(host, user, &cur, flags, why, TP_ENDPOINT);
		if (!ret)
			goto adopt;
		goto out;
	}
	if (ret)
		goto out;
	record_release(&cur);
	ret = keyring_lookup(host, user, dsn, &cur);
	if (ret)
		goto out;
adopt:
	ret = TP_OK;
	record_release(rec);
	*rec = cur;
	cur = (struct record)RECORD_INIT;
out:
	lifecycle_unlock(fd);
	record_release(&cur);
	free(why);
	return ret;
}

int lifecycle_renewer(const struct tp_args *a)
{
	struct record cur = RECORD_INIT;
	struct stat held, want;
	unsigned long long flags;
	char *path = NULL, *why = NULL;
	const char *host, *user, *dsn;
	int ret = TP_USAGE;

	/* our caller may be gone: a write to its pipe must not kill us */
	signal(SIGPIPE, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	signal(SIGINT, SIG_IGN);
	if ((a->nr != 4 && a->nr != 4 + ROTATE_OPERANDS) ||
	    tp_parse_ulong(a->operands[3], 0xff, &flags) ||
	    (a->nr != 4) != !!(flags & LIFECYCLE_ROTATE)) {
		tp_error("%s is tokenpass's own; do not run it", a->cmd);
		return TP_USAGE;
	}
	host = a->operands[0];
	user = a->operands[1];
	dsn = a->operands[2];
	/* only with the lock of this very credential, held for us */
	path = lock_path(host, user, dsn, &why);
	if (!path || fstat(RENEWER_LOCK_FD, &held) || stat(path, &want) ||
	    held.st_dev != want.st_dev || held.st_ino != want.st_ino ||
	    flock(RENEWER_LOCK_FD, LOCK_EX | LOCK_NB)) {
		tp_error("%s: not started with the credential's lock%s%s",
			 a->cmd, why ? ": " : "", why ? why : "");
		ret = TP_ERROR;
		goto out;
	}
	if (flags & LIFECYCLE_ROTATE) {
		ret = rotate_held(host, user, dsn,
				  (const char *const *)a->operands + 4);
		goto out;
	}
	ret = reread(host, user, dsn, &cur);
	if (ret)
		goto out;
	ret = renew_locked(host, user, dsn, &cur, (unsigned)flags);
out:
	record_release(&cur);
	free(path);
	free(why);
	return ret;
}
