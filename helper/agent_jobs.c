/*
 * The agent's child processes, all of them tokenpass-core itself:
 *
 *   get      a request the cache cannot answer; its standard output and
 *            standard error become the client's answer, exactly
 *   refresh  a renewal ahead of time, under the CLI's per-credential lock
 *   check    'check --notify', the reminders
 *
 * A renewal in a child keeps the agent answering meanwhile, and a child
 * killed halfway leaves the keyring as lifecycle.c leaves it: whole.
 */
#include "helper/agent_int.h"
#include "helper/credential.h"
#include "helper/lifecycle.h"
#include "helper/secmem.h"
#include "helper/tokenpass.h"

#include <errno.h>
#include <fcntl.h>
#include <glib-unix.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

/*
 * When the agent stops, its children end on their own first, for
 * END_WAIT_MS at most: a renewal under way stores what it got (a service
 * manager stops whatever a unit leaves running, and a single-use refresh
 * token spent but not stored is lost). Then SIGTERM, and SIGKILL after
 * END_GRACE_MS.
 */
#define END_WAIT_MS 30000
#define END_GRACE_MS 5000
#define END_POLL_MS 10

enum job_kind { JOB_GET, JOB_RENEW, JOB_CHECK };

struct job {
	enum job_kind kind;
	pid_t pid;
	char *host, *user, *dsn;	/* NULL for a check or a bare get */
	int out, err;			/* pipes, -1 once at EOF */
	GString *obuf, *ebuf;		/* obuf holds secrets */
	int exited, status;
	time_t updated;			/* JOB_RENEW: its last renewal before */
	struct agent_client *client;	/* JOB_GET: whom it answers */
	struct agent_client *waiters;	/* handled again when it ends */
	struct job *next;
};

static struct job *jobs;

int agent_jobs_running(void)
{
	return jobs != NULL;
}

static void wipe_string(GString *s)
{
	if (!s)
		return;
	tp_memzero(s->str, s->allocated_len);
	g_string_free(s, TRUE);
}

static void job_free(struct job *j)
{
	free(j->host);
	free(j->user);
	free(j->dsn);
	wipe_string(j->obuf);
	wipe_string(j->ebuf);
	free(j);
}

/* the answer: standard error as tokenpass_stderr lines, then the code */
static void relay(struct job *j, int code)
{
	GString *a = g_string_sized_new(j->obuf->len + j->ebuf->len + 64);
	const char *p = j->ebuf->str;
	char *copy;

	g_string_append_len(a, j->obuf->str, (gssize)j->obuf->len);
	if (a->len && a->str[a->len - 1] != '\n')
		g_string_append_c(a, '\n');
	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);

		g_string_append(a, "tokenpass_stderr=");
		g_string_append_len(a, p, (gssize)n);
		g_string_append_c(a, '\n');
		p += n + (nl ? 1 : 0);
	}
	g_string_append_printf(a, "tokenpass_exit=%d\n", code);
	copy = xmalloc(a->len + 1);
	memcpy(copy, a->str, a->len);
	agent_reply(j->client, copy, a->len);
	j->client = NULL;
	wipe_string(a);
}

static void job_done(struct job *j)
{
	struct agent_client *w, *next;
	struct job **pp;
	int code = WIFEXITED(j->status) ? WEXITSTATUS(j->status) : TP_ERROR;

	for (pp = &jobs; *pp != j; pp = &(*pp)->next)
		;
	*pp = j->next;
	if (j->kind == JOB_GET && j->client) {
		if (!WIFEXITED(j->status))
			g_string_append_printf(j->ebuf, "tokenpass: agent: "
					       "'tokenpass get' died of signal "
					       "%d\n", WTERMSIG(j->status));
		relay(j, code);
	}
	if (j->kind == JOB_RENEW && code)
		tp_warn("agent: renewing '%s@%s' failed (exit %d); trying "
			"again later", j->user, j->host, code);
	if (j->host)
		agent_cache_renewed(j->host, j->user, j->dsn,
				    j->kind == JOB_RENEW ? code : -1,
				    j->updated);
	for (w = j->waiters; w; w = next) {
		next = w->next_wait;
		w->next_wait = NULL;
		w->retried = 1;
		agent_cache_handle(w);
	}
	job_free(j);
}

static void maybe_done(struct job *j)
{
	if (j->exited && j->out < 0 && j->err < 0)
		job_done(j);
}

static void on_child(GPid pid, gint status, gpointer data)
{
	struct job *j = data;

	g_spawn_close_pid(pid);
	j->exited = 1;
	j->status = status;
	maybe_done(j);
}

static gboolean on_output(gint fd, GIOCondition cond, gpointer data)
{
	struct job *j = data;
	char buf[4096];
	ssize_t n = read(fd, buf, sizeof(buf));

	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return G_SOURCE_CONTINUE;
	if (n > 0) {
		g_string_append_len(fd == j->out ? j->obuf : j->ebuf, buf, n);
		tp_memzero(buf, sizeof(buf));
		/* a helper answer is small; more is no answer */
		if (j->obuf->len + j->ebuf->len < 1024 * 1024)
			return G_SOURCE_CONTINUE;
	}
	close(fd);
	if (fd == j->out)
		j->out = -1;
	else
		j->err = -1;
	maybe_done(j);
	return G_SOURCE_REMOVE;
}

/* the agent's environment with each of set ("NAME=VALUE") in place */
static char **child_env(char *const *set)
{
	size_t i, k, n = 0, nset = 0;
	char **env;

	while (environ[n])
		n++;
	while (set[nset])
		nset++;
	env = xcalloc(n + nset + 1, sizeof(*env));
	for (i = n = 0; environ[i]; i++) {
		for (k = 0; k < nset; k++)
			if (!strncmp(environ[i], set[k],
				     strcspn(set[k], "=") + 1))
				break;
		if (k == nset)
			env[n++] = environ[i];
	}
	for (k = 0; k < nset; k++)
		env[n++] = set[k];
	env[n] = NULL;
	return env;
}

/*
 * Start tokenpass-core with argv (NULL-terminated, after argv[0]); in
 * becomes its standard input (-1: /dev/null). With capture, its output
 * is collected, else it goes where the agent's own goes (the journal).
 * set: variables ("NAME=VALUE", NULL-ended) that replace the agent's own.
 */
static struct job *spawn(enum job_kind kind, const char *const *args, int in,
			 int capture, char *const *set)
{
	posix_spawn_file_actions_t fa;
	struct job *j = xcalloc(1, sizeof(*j));
	int out[2] = { -1, -1 }, err[2] = { -1, -1 };
	char *argv[12], **env = environ;
	size_t i;
	int rc;

	j->kind = kind;
	j->out = j->err = -1;
	j->obuf = g_string_new(NULL);
	j->ebuf = g_string_new(NULL);
	argv[0] = agent.self;
	for (i = 0; args[i] && i < 10; i++)
		argv[i + 1] = (char *)args[i];
	argv[i + 1] = NULL;
	if (set && *set)
		env = child_env(set);
	posix_spawn_file_actions_init(&fa);
	if (in >= 0)
		posix_spawn_file_actions_adddup2(&fa, in, 0);
	else
		posix_spawn_file_actions_addopen(&fa, 0, "/dev/null",
						 O_RDONLY, 0);
	if (capture) {
		if (pipe2(out, O_CLOEXEC) || pipe2(err, O_CLOEXEC))
			tp_die("agent: cannot make a pipe: %s",
			       strerror(errno));
		posix_spawn_file_actions_adddup2(&fa, out[1], 1);
		posix_spawn_file_actions_adddup2(&fa, err[1], 2);
	} else {
		posix_spawn_file_actions_adddup2(&fa, 2, 1);
	}
	rc = posix_spawn(&j->pid, agent.self, &fa, NULL, argv, env);
	posix_spawn_file_actions_destroy(&fa);
	if (env != environ)
		free(env);
	if (out[1] >= 0)
		close(out[1]);
	if (err[1] >= 0)
		close(err[1]);
	if (rc) {
		tp_warn("agent: cannot run '%s': %s", agent.self,
			strerror(rc));
		if (out[0] >= 0)
			close(out[0]);
		if (err[0] >= 0)
			close(err[0]);
		j->exited = 1;
		j->status = (TP_ERROR << 8);
		j->next = jobs;
		jobs = j;
		return j;	/* the caller finishes it */
	}
	if (capture) {
		j->out = out[0];
		j->err = err[0];
		g_unix_fd_add(j->out, G_IO_IN | G_IO_HUP | G_IO_ERR,
			      on_output, j);
		g_unix_fd_add(j->err, G_IO_IN | G_IO_HUP | G_IO_ERR,
			      on_output, j);
	}
	g_child_watch_add(j->pid, on_child, j);
	j->next = jobs;
	jobs = j;
	return j;
}

static void set_key(struct job *j, const struct agent_entry *e)
{
	if (!e)
		return;
	j->host = xstrdup(e->host);
	j->user = xstrdup(e->user);
	j->dsn = xstrdup(e->dsn);
}

/* cr: the caller's settings for its 'tokenpass get' (credential.h) */
void agent_job_get(struct agent_client *c, const struct agent_entry *e,
		   const struct credential *cr)
{
	static const char *const args[] = { "get", NULL };
	int fd = memfd_create("tokenpass-request", MFD_CLOEXEC);
	char m[64], a[64], h[64], *set[4];
	size_t n = 0;
	struct job *j;

	if (fd < 0 || write(fd, c->buf, c->len) != (ssize_t)c->len ||
	    lseek(fd, 0, SEEK_SET)) {
		agent_reply_error(c, TP_ERROR, "agent: cannot pass the "
				  "request on: %s", strerror(errno));
		if (fd >= 0)
			close(fd);
		return;
	}
	if (cr->margin >= 0) {
		snprintf(m, sizeof(m), "TOKENPASS_REFRESH_MARGIN=%ld",
			 cr->margin);
		set[n++] = m;
	}
	if (cr->answer_timeout) {
		snprintf(a, sizeof(a), "TOKENPASS_ANSWER_TIMEOUT=%ld",
			 cr->answer_timeout);
		set[n++] = a;
	}
	if (cr->http_timeout) {
		snprintf(h, sizeof(h), "TOKENPASS_HTTP_TIMEOUT=%ld",
			 cr->http_timeout);
		set[n++] = h;
	}
	set[n] = NULL;
	j = spawn(JOB_GET, args, fd, 1, set);
	close(fd);
	j->client = c;
	set_key(j, e);
	if (j->exited) {
		g_string_append_printf(j->ebuf, "tokenpass: agent: cannot "
				       "run 'tokenpass get'\n");
		job_done(j);
	}
}

int agent_job_wait(const struct agent_entry *e, struct agent_client *c)
{
	struct job *j;

	for (j = jobs; j; j = j->next) {
		if (j->kind == JOB_CHECK || !j->host ||
		    strcmp(j->host, e->host) || strcmp(j->user, e->user) ||
		    strcmp(j->dsn, e->dsn))
			continue;
		if (c) {
			c->next_wait = j->waiters;
			j->waiters = c;
		}
		return 1;
	}
	return 0;
}

void agent_job_renew(const struct agent_entry *e)
{
	const char *args[10] = { "refresh", "--host", e->host, "--user",
				 e->user, NULL };
	char margin[64], *set[2] = { margin, NULL };
	long long left = (long long)(e->expires - tp_now()) + 1;
	struct job *j;

	if (*e->dsn) {
		args[5] = "--dsn";
		args[6] = e->dsn;
	}
	/* renew now, though the token is still outside the CLI's margin */
	if (left < lifecycle_margin())
		left = lifecycle_margin();
	if (left > 86400)
		left = 86400;
	snprintf(margin, sizeof(margin), "TOKENPASS_REFRESH_MARGIN=%lld", left);
	agent.count.renewals++;
	if (!e->expires || tp_now() < e->expires)
		agent.count.early++;
	j = spawn(JOB_RENEW, args, -1, 0, e->kind == RECORD_OAUTH ? set : NULL);
	set_key(j, e);
	j->updated = e->updated;
	if (j->exited)
		job_done(j);
}

void agent_job_check(void)
{
	static const char *const args[] = { "check", "--notify", NULL };
	struct job *j = spawn(JOB_CHECK, args, -1, 0, NULL);

	if (j->exited)
		job_done(j);
}

/* Has the child of j ended? (GLib's own watch may have reaped it.) */
static int job_ended(struct job *j)
{
	int status;
	pid_t p;

	if (j->exited)
		return 1;
	do
		p = waitpid(j->pid, &status, WNOHANG);
	while (p < 0 && errno == EINTR);
	if (p == 0)
		return 0;
	j->exited = 1;
	return 1;
}

static const char *job_command(const struct job *j)
{
	return j->kind == JOB_RENEW ? "tokenpass refresh" :
	       j->kind == JOB_CHECK ? "tokenpass check" : "tokenpass get";
}

void agent_jobs_end(void)
{
	struct job *j;
	int ms, left, sig;

	for (ms = 0;; ms += END_POLL_MS) {
		left = 0;
		for (j = jobs; j; j = j->next)
			left += !job_ended(j);
		if (!left)
			break;
		sig = ms == END_WAIT_MS ? SIGTERM :
		      ms == END_WAIT_MS + END_GRACE_MS ? SIGKILL : 0;
		for (j = jobs; sig && j; j = j->next) {
			if (j->exited)
				continue;
			tp_warn("agent: stopping '%s' (pid %d), which did not "
				"end in %d s", job_command(j), (int)j->pid,
				ms / 1000);
			kill(j->pid, sig);
		}
		poll(NULL, 0, END_POLL_MS);
	}
	/* what they wrote may hold a token: wiped, not left to exit */
	while ((j = jobs)) {
		jobs = j->next;
		if (j->out >= 0)
			close(j->out);
		if (j->err >= 0)
			close(j->err);
		job_free(j);
	}
}
