/*
 * headless setup|status|remove: the keyring and agent of a service account
 * on a server with no desktop (helper/headless.h has the run-time side).
 *
 * setup (as root) makes a random keyring password, encrypts it with
 * systemd-creds (TPM2 when there is one, else the host key) into
 * /etc/credstore.encrypted/tokenpass-keyring@USER, installs the units
 * built from systemd/ into /etc/systemd/system with a drop-in per user,
 * and enables them. The password exists in clear only in this process and
 * in the pipe to systemd-creds. --root DIR does the same inside an image
 * (systemctl --root), and starts nothing.
 */
#include "helper/agent.h"
#include "helper/commands.h"
#include "helper/headless.h"
#include "helper/keyring.h"
#include "helper/run.h"
#include "helper/secmem.h"
#include "helper/status.h"
#include "helper/tokenpass.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define AGENT_UNIT "tokenpass-agent@%s.service"
#define REFRESH_SERVICE "tokenpass-refresh@%s.service"
#define REFRESH_TIMER "tokenpass-refresh@%s.timer"
#define UNIT_DIR "/etc/systemd/system"
#define DROPIN_NAME "home.conf"
/* Random bytes in a keyring password (hex-encoded: twice as many chars). */
#define PASSWORD_BYTES 32
/* How long systemctl and systemd-creds get, in seconds. */
#define RUN_TIMEOUT 30
/* A credential's state is "renew soon" within this many seconds. */
#define WARN_SECONDS (7 * 86400L)

struct headless_opts {
	const char *user;	/* --user */
	const char *root;	/* --root, "" for the running system */
	char *name;		/* the account, from passwd */
	char *home;
	uid_t uid;
	gid_t gid;
};

/* systemctl [--root=R] verb units..., as tp_run_quiet() */
static int systemctl(const struct headless_opts *o, const char *verb,
		     const char *u1, const char *u2)
{
	char *root = *o->root ? xasprintf("--root=%s", o->root) : NULL;
	char *argv[6];
	int n = 0, ret;

	argv[n++] = (char *)"systemctl";
	if (root)
		argv[n++] = root;
	argv[n++] = (char *)verb;
	if (u1)
		argv[n++] = (char *)u1;
	if (u2)
		argv[n++] = (char *)u2;
	argv[n] = NULL;
	ret = tp_run_quiet(argv, NULL, 0, RUN_TIMEOUT);
	free(root);
	return ret;
}

/* Does systemd run this machine (as sd_booted(3) decides)? */
static int systemd_booted(void)
{
	struct stat st;

	return !lstat("/run/systemd/system", &st) && S_ISDIR(st.st_mode);
}

/* Look the account up: it must exist and must not be root. */
static int find_user(const char *sub, struct headless_opts *o)
{
	struct passwd *pw;

	if (!o->user) {
		struct passwd *me = getpwuid(geteuid());

		if (geteuid() == 0 || !me) {
			usage_error("headless", "headless %s: name the "
				    "service account with --user", sub);
			return TP_USAGE;
		}
		o->user = me->pw_name;
	}
	pw = getpwnam(o->user);
	if (!pw) {
		tp_error("headless %s: no user '%s'; create the service "
			 "account first (useradd --system %s)", sub, o->user,
			 o->user);
		return TP_ERROR;
	}
	if (!pw->pw_uid || pw->pw_uid == 65534) {
		tp_error("headless %s: refusing '%s', which %s; name the "
			 "service account", sub, o->user, pw->pw_uid ?
			 "unrelated services share" : "is root");
		return TP_ERROR;
	}
	if (strchr(pw->pw_name, '/') || *pw->pw_dir != '/') {
		tp_error("headless %s: '%s' has no usable home directory "
			 "('%s')", sub, o->user, pw->pw_dir);
		return TP_ERROR;
	}
	o->name = xstrdup(pw->pw_name);
	o->home = xstrdup(pw->pw_dir);
	o->uid = pw->pw_uid;
	o->gid = pw->pw_gid;
	return TP_OK;
}

static int need_root(const char *sub)
{
	if (geteuid() == 0)
		return TP_OK;
	tp_error("headless %s: run it as root (it changes system units and "
		 "credentials)", sub);
	return TP_ERROR;
}

static char *cred_path(const struct headless_opts *o)
{
	return xasprintf("%s" HEADLESS_CREDSTORE "/" HEADLESS_CREDENTIAL
			 "@%s", o->root, o->name);
}

static char *keyring_file(const struct headless_opts *o)
{
	return xasprintf("%s%s/.local/share/keyrings/login.keyring", o->root,
			 o->home);
}

/*
 * The directory of the tokenpass front for ExecStart=: next to this
 * executable in a build tree, else where it was installed.
 */
static char *bindir(void)
{
	char buf[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", buf, sizeof(buf) - 1);
	char *slash, *front;
	int here;

	if (n <= 0)
		return xstrdup(TP_BINDIR);
	buf[n] = '\0';
	slash = strrchr(buf, '/');
	if (!slash || slash == buf)
		return xstrdup(TP_BINDIR);
	*slash = '\0';
	front = xasprintf("%s/tokenpass", buf);
	here = !access(front, X_OK);
	free(front);
	return xstrdup(here ? buf : TP_BINDIR);
}

/* text with every @bindir@ replaced by dir: a new string. */
static char *unit_text(const char *text, const char *dir)
{
	const char *key = "@bindir@", *p;
	char *out = xstrdup(""), *next;

	while ((p = strstr(text, key))) {
		next = xasprintf("%s%.*s%s", out, (int)(p - text), text, dir);
		free(out);
		out = next;
		text = p + strlen(key);
	}
	next = xasprintf("%s%s", out, text);
	free(out);
	return next;
}

/*
 * Write text to path (mode 0644) through a temporary file and a rename.
 * *changed says whether the file was new or different.
 */
static int write_file(const char *path, const char *text, int *changed)
{
	char *tmp = xasprintf("%s.tmp", path);
	char old[8192];
	size_t len = strlen(text);
	ssize_t n = 0;
	int fd, ret = TP_ERROR;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		n = read(fd, old, sizeof(old));
		close(fd);
		if (n >= 0 && (size_t)n == len && !memcmp(old, text, len)) {
			*changed = 0;
			ret = TP_OK;
			goto out;
		}
	}
	unlink(tmp);
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
		  0644);
	if (fd < 0 || write(fd, text, len) != (ssize_t)len ||
	    fchmod(fd, 0644) || close(fd)) {
		tp_error("headless setup: cannot write '%s': %s", tmp,
			 strerror(errno));
		if (fd >= 0)
			close(fd);
		unlink(tmp);
		goto out;
	}
	if (rename(tmp, path)) {
		tp_error("headless setup: cannot rename '%s' to '%s': %s", tmp,
			 path, strerror(errno));
		unlink(tmp);
		goto out;
	}
	*changed = 1;
	ret = TP_OK;
out:
	free(tmp);
	return ret;
}

static int make_dir(const char *sub, const char *dir, mode_t mode)
{
	char *d = xstrdup(dir);
	int ret = TP_OK;

	if (tp_mkdir_p(d, mode)) {
		tp_error("headless %s: cannot create '%s': %s", sub, dir,
			 strerror(errno));
		ret = TP_ERROR;
	}
	free(d);
	return ret;
}

/* The two services that get a drop-in: 0 the agent, 1 the renewal. */
static char *dropin_unit(int i, const char *name)
{
	return i ? xasprintf(REFRESH_SERVICE, name) :
		   xasprintf(AGENT_UNIT, name);
}

/* The units, with this executable's directory, and the user's drop-ins. */
static int install_units(const struct headless_opts *o)
{
	const struct headless_unit *u;
	char *dir = xasprintf("%s" UNIT_DIR, o->root), *bin = bindir();
	char *dropin = xasprintf("[Service]\n# Written by 'tokenpass headless "
				 "setup': the keyring file and the renewal "
				 "locks\n# live in %s's home.\n"
				 "ReadWritePaths=%s\n", o->name, o->home);
	int ret = TP_ERROR, changed = 0, i;

	if (make_dir("setup", dir, 0755))
		goto out;
	for (u = headless_units; u->name; u++) {
		char *path = xasprintf("%s/%s", dir, u->name);
		char *text = unit_text(u->text, bin);
		int c = 0;

		ret = write_file(path, text, &c);
		changed |= c;
		free(path);
		free(text);
		if (ret)
			goto out;
	}
	for (i = 0; i < 2; i++) {
		char *unit = dropin_unit(i, o->name);
		char *d = xasprintf("%s/%s.d", dir, unit);
		char *path = xasprintf("%s/" DROPIN_NAME, d);
		int c = 0;

		ret = make_dir("setup", d, 0755);
		if (!ret)
			ret = write_file(path, dropin, &c);
		changed |= c;
		free(unit);
		free(d);
		free(path);
		if (ret)
			goto out;
	}
	printf("units: %s/tokenpass-agent@.service, tokenpass-refresh@.service"
	       " and .timer (ExecStart=%s/tokenpass)%s\n", dir, bin,
	       changed ? "" : ", unchanged");
	ret = TP_OK;
out:
	free(dir);
	free(bin);
	free(dropin);
	return ret;
}

/*
 * A new random keyring password, encrypted by systemd-creds into the
 * credential file, unless there is one already: the keyring made with it
 * would not open with a new one.
 */
static int make_credential(const struct headless_opts *o)
{
	unsigned char raw[PASSWORD_BYTES];
	char pw[2 * PASSWORD_BYTES + 1];
	char *path = cred_path(o), *tmp = NULL, *dir = NULL, *kr = NULL;
	char *argv[] = { (char *)"systemd-creds", (char *)"encrypt",
			 (char *)"--name=" HEADLESS_CREDENTIAL, NULL,
			 (char *)"-", NULL, NULL };
	char *tpm_argv[] = { (char *)"systemd-creds", (char *)"has-tpm2",
			     NULL };
	const char *how, *keyfile;
	struct stat st;
	int ret = TP_ERROR, tpm, rc;
	size_t i;

	if (!lstat(path, &st)) {
		printf("credential: %s, kept (the keyring was made with "
		       "it)\n", path);
		ret = TP_OK;
		goto out;
	}
	kr = keyring_file(o);
	if (!lstat(kr, &st)) {
		tp_error("headless setup: '%s' already has a keyring '%s' "
			 "that a new password would not open; move it away "
			 "and run setup again", o->name, kr);
		goto out;
	}
	dir = xasprintf("%s" HEADLESS_CREDSTORE, o->root);
	if (make_dir("setup", dir, 0700))
		goto out;
	if (getrandom(raw, sizeof(raw), 0) != (ssize_t)sizeof(raw)) {
		tp_error("headless setup: cannot get random bytes: %s",
			 strerror(errno));
		goto out;
	}
	for (i = 0; i < sizeof(raw); i++) {
		pw[2 * i] = "0123456789abcdef"[raw[i] >> 4];
		pw[2 * i + 1] = "0123456789abcdef"[raw[i] & 15];
	}
	pw[2 * PASSWORD_BYTES] = '\0';
	tpm = tp_run_quiet(tpm_argv, NULL, 0, RUN_TIMEOUT) == 0;
	argv[3] = tpm ? (char *)"--with-key=host+tpm2" :
			(char *)"--with-key=host";
	tmp = xasprintf("%s.tmp", path);
	argv[5] = tmp;
	unlink(tmp);
	rc = tp_run_quiet(argv, pw, strlen(pw), RUN_TIMEOUT);
	if (rc) {
		tp_error("headless setup: systemd-creds encrypt failed (%s); "
			 "run 'systemd-creds setup' and try again",
			 rc < 0 ? "cannot run it" : "see 'systemd-creds "
			 "encrypt --help'");
		unlink(tmp);
		goto out;
	}
	if (chmod(tmp, 0600) || rename(tmp, path)) {
		tp_error("headless setup: cannot install '%s': %s", path,
			 strerror(errno));
		unlink(tmp);
		goto out;
	}
	keyfile = getenv("SYSTEMD_CREDENTIAL_SECRET");
	if (!keyfile || !*keyfile)
		keyfile = "/var/lib/systemd/credential.secret";
	if (tpm)
		how = "the TPM2 and the host key";
	else
		how = "the host key";
	printf("credential: %s, a new random keyring password encrypted "
	       "with %s (%s%s)\n", path, how, tpm ? "TPM2 present, " :
	       "no TPM2, ", keyfile);
	ret = TP_OK;
out:
	tp_memzero(raw, sizeof(raw));
	tp_memzero(pw, sizeof(pw));
	free(path);
	free(tmp);
	free(dir);
	free(kr);
	return ret;
}

static int headless_setup(struct headless_opts *o)
{
	char *agent = NULL, *timer = NULL, *run_dir = NULL;
	struct stat st;
	int ret;

	ret = need_root("setup");
	if (!ret)
		ret = find_user("setup", o);
	if (ret)
		goto out;
	if (!*o->root && (lstat(o->home, &st) || !S_ISDIR(st.st_mode))) {
		tp_error("headless setup: the home directory '%s' of '%s' is "
			 "missing; create it (owned by '%s') and run setup "
			 "again", o->home, o->name, o->name);
		ret = TP_ERROR;
		goto out;
	}
	printf("tokenpass headless for '%s' (uid %lu):\n", o->name,
	       (unsigned long)o->uid);
	ret = make_credential(o);
	if (!ret)
		ret = install_units(o);
	if (ret)
		goto out;
	agent = xasprintf(AGENT_UNIT, o->name);
	timer = xasprintf(REFRESH_TIMER, o->name);
	run_dir = headless_dir_of(o->name);
	if (!*o->root && systemd_booted())
		systemctl(o, "daemon-reload", NULL, NULL);
	if (systemctl(o, "enable", agent, timer)) {
		tp_error("headless setup: 'systemctl enable %s %s' failed; "
			 "the units are installed: enable them by hand", agent,
			 timer);
		ret = TP_ERROR;
		goto out;
	}
	printf("enabled: %s %s\n", agent, timer);
	if (*o->root) {
		printf("not started: --root; they start at the image's "
		       "boot\n");
	} else if (!systemd_booted()) {
		printf("not started: systemd is not running as PID 1 here; "
		       "they start at the next boot under systemd, or run "
		       "'systemctl start %s %s' then\n", agent, timer);
	} else if (systemctl(o, "start", agent, timer)) {
		tp_error("headless setup: '%s' did not start; see "
			 "'systemctl status %s' and 'journalctl -u %s'", agent,
			 agent, agent);
		ret = TP_ERROR;
		goto out;
	} else {
		printf("started: %s %s\n", agent, timer);
	}
	printf("agent socket: %s/agent (bus %s/bus); as '%s', "
	       "'tokenpass list' and 'tokenpass add-pat' use it\n", run_dir,
	       run_dir, o->name);
out:
	free(agent);
	free(timer);
	free(run_dir);
	return ret;
}

static void report(int *failed, int ok, const char *what, const char *fmt,
		   ...) TP_PRINTF(4, 5);

static void report(int *failed, int ok, const char *what, const char *fmt,
		   ...)
{
	va_list ap;

	printf("%-4s  %-10s  ", ok ? "ok" : "FAIL", what);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	if (!ok && !*failed)
		*failed = TP_ERROR;
}

/* What root sees: the units and the credential. */
static void status_system(const struct headless_opts *o, int *failed)
{
	char *agent = xasprintf(AGENT_UNIT, o->name);
	char *unit = xasprintf("%s" UNIT_DIR "/tokenpass-agent@.service",
			       o->root);
	char *wants = xasprintf("%s" UNIT_DIR "/multi-user.target.wants/%s",
				o->root, agent);
	char *cred = cred_path(o);
	char *argv[] = { (char *)"systemd-creds", (char *)"decrypt",
			 (char *)"--name=" HEADLESS_CREDENTIAL, cred,
			 (char *)"-", NULL };
	struct stat st;
	int rc;

	if (lstat(unit, &st))
		report(failed, 0, "unit", "'%s' is not installed; run "
		       "'tokenpass headless setup --user %s' as root", unit,
		       o->name);
	else if (lstat(wants, &st))
		report(failed, 0, "unit", "%s is not enabled; run 'systemctl "
		       "enable %s'", agent, agent);
	else
		report(failed, 1, "unit", "%s installed and enabled", agent);
	if (!*o->root && systemd_booted()) {
		char *a[] = { (char *)"systemctl", (char *)"is-active",
			      (char *)"--quiet", agent, NULL };

		if (tp_run_quiet(a, NULL, 0, RUN_TIMEOUT))
			report(failed, 0, "service", "%s is not running; see "
			       "'systemctl status %s'", agent, agent);
		else
			report(failed, 1, "service", "%s is running", agent);
	} else {
		printf("-     %-10s  systemd is not running as PID 1: the "
		       "service's state is not known\n", "service");
	}
	if (geteuid() != 0) {
		printf("-     %-10s  '%s' is root's: run 'tokenpass headless "
		       "status' as root to check it\n", "credential", cred);
	} else if (lstat(cred, &st)) {
		report(failed, 0, "credential", "'%s' is missing; run "
		       "'tokenpass headless setup --user %s'", cred, o->name);
	} else if ((rc = tp_run_quiet(argv, NULL, 0, RUN_TIMEOUT))) {
		report(failed, 0, "credential", "'%s' does not decrypt on this "
		       "machine (systemd-creds decrypt %s); remove it and the "
		       "keyring, and run setup again", cred,
		       rc < 0 ? "cannot run" : "fails");
	} else {
		report(failed, 1, "credential", "'%s' decrypts on this "
		       "machine", cred);
	}
	free(agent);
	free(unit);
	free(wants);
	free(cred);
}

/* What the service user sees: bus, keyring, agent, credentials. */
static int status_user(const struct headless_opts *o)
{
	struct keyring_list list = KEYRING_LIST_INIT;
	char *dir = headless_dir_of(o->name);
	char *bus = xasprintf("%s/bus", dir), *agent_sock;
	char *addr = xasprintf("unix:path=%s", bus), *detail = NULL;
	const char *env = getenv("TOKENPASS_AGENT_SOCKET");
	time_t now = tp_now();
	int failed = 0;
	size_t i;

	agent_sock = env && *env ? xstrdup(env) :
		     xasprintf("%s/agent", dir);
	if (!headless_socket_answers(bus)) {
		report(&failed, 0, "bus", "nobody answers on '%s'; start "
		       "tokenpass-agent@%s.service", bus, o->name);
		failed = TP_KEYRING;
		goto out;
	}
	report(&failed, 1, "bus", "'%s' answers", bus);
	if (headless_probe(addr, &detail)) {
		report(&failed, 0, "keyring", "%s; see 'journalctl -u "
		       "tokenpass-agent@%s'", detail, o->name);
		failed = TP_KEYRING;
		goto out;
	}
	report(&failed, 1, "keyring", "%s", detail);
	setenv("TOKENPASS_AGENT_SOCKET", agent_sock, 1);
	fflush(stdout);
	if (!agent_client_report(stdout, "ok    ", 1))
		report(&failed, 0, "agent", "nobody answers on '%s'; see "
		       "'journalctl -u tokenpass-agent@%s'", agent_sock,
		       o->name);
	setenv("DBUS_SESSION_BUS_ADDRESS", addr, 1);
	fflush(stdout);
	if (keyring_search(NULL, NULL, NULL, &list)) {
		failed = TP_KEYRING;
		goto out;
	}
	if (!list.nr)
		printf("-     %-10s  none yet: as '%s', 'tokenpass add-pat' or "
		       "'tokenpass login --no-browser'\n", "credential",
		       o->name);
	for (i = 0; i < list.nr; i++) {
		const struct keyring_item *it = &list.items[i];
		enum cred_state st = cred_state(it, now, WARN_SECONDS);
		char *fix = st == CRED_OK ? NULL : cred_fix(it, st);

		report(&failed, st == CRED_OK || st == CRED_RENEW_SOON,
		       "credential", "'%s@%s'%s%s%s: %s%s%s", it->user,
		       it->host, *it->dsn ? " (DSN '" : "", it->dsn,
		       *it->dsn ? "')" : "", cred_state_name(st),
		       fix ? "; run " : "", fix ? fix : "");
		free(fix);
	}
out:
	keyring_list_release(&list);
	free(detail);
	free(dir);
	free(bus);
	free(addr);
	free(agent_sock);
	fflush(stdout);
	return failed;
}

/* status_user() as the service account, in a child when we are root. */
static int status_as_user(const struct headless_opts *o)
{
	int status;
	pid_t pid;

	if (geteuid() == o->uid)
		return status_user(o);
	if (geteuid() != 0) {
		printf("-     %-10s  run 'tokenpass headless status' as '%s' "
		       "or root to check the keyring\n", "keyring", o->name);
		return TP_OK;
	}
	fflush(stdout);
	pid = fork();
	if (pid < 0)
		tp_die("headless status: cannot fork: %s", strerror(errno));
	if (!pid) {
		if (setgroups(0, NULL) || setgid(o->gid) || setuid(o->uid)) {
			tp_error("headless status: cannot become '%s': %s",
				 o->name, strerror(errno));
			_exit(TP_ERROR);
		}
		setenv("HOME", o->home, 1);
		setenv("USER", o->name, 1);
		setenv("LOGNAME", o->name, 1);
		unsetenv("XDG_RUNTIME_DIR");
		exit(status_user(o));
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return TP_ERROR;
	return WEXITSTATUS(status);
}

static int headless_status(struct headless_opts *o)
{
	int failed = 0, user;

	failed = find_user("status", o);
	if (failed)
		return failed;
	printf("tokenpass headless for '%s' (uid %lu):\n", o->name,
	       (unsigned long)o->uid);
	status_system(o, &failed);
	fflush(stdout);
	user = status_as_user(o);
	if (user == TP_KEYRING || (user && !failed))
		failed = user;
	return failed;
}

/* Remove path (a file or an empty directory); report what went. */
static void remove_path(const char *path, int dir)
{
	if (!(dir ? rmdir(path) : unlink(path)))
		printf("removed: %s\n", path);
	else if (errno != ENOENT)
		tp_warn("headless remove: cannot remove '%s': %s", path,
			strerror(errno));
}

/* Does another account still use the units? */
static int others_left(const struct headless_opts *o)
{
	char *d = xasprintf("%s" HEADLESS_CREDSTORE, o->root);
	DIR *dir = opendir(d);
	struct dirent *e;
	size_t n = strlen(HEADLESS_CREDENTIAL "@");
	int found = 0;

	while (dir && (e = readdir(dir)))
		if (!strncmp(e->d_name, HEADLESS_CREDENTIAL "@", n) &&
		    strcmp(e->d_name + n, o->name))
			found = 1;
	if (dir)
		closedir(dir);
	free(d);
	return found;
}

static int headless_remove(struct headless_opts *o)
{
	const struct headless_unit *u;
	char *agent = NULL, *timer = NULL, *cred = NULL, *kr = NULL;
	char *p;
	int ret, i;

	ret = need_root("remove");
	if (!ret)
		ret = find_user("remove", o);
	if (ret)
		goto out;
	agent = xasprintf(AGENT_UNIT, o->name);
	timer = xasprintf(REFRESH_TIMER, o->name);
	if (!*o->root && systemd_booted()) {
		if (systemctl(o, "stop", agent, timer))
			tp_warn("headless remove: 'systemctl stop %s %s' "
				"failed", agent, timer);
	} else {
		printf("not stopped: %s\n", *o->root ? "--root" :
		       "systemd is not running as PID 1 here");
	}
	if (systemctl(o, "disable", agent, timer))
		tp_warn("headless remove: 'systemctl disable %s %s' failed",
			agent, timer);
	else
		printf("disabled: %s %s\n", agent, timer);
	for (i = 0; i < 2; i++) {
		char *unit = dropin_unit(i, o->name);

		p = xasprintf("%s" UNIT_DIR "/%s.d/" DROPIN_NAME, o->root,
			      unit);
		remove_path(p, 0);
		free(p);
		p = xasprintf("%s" UNIT_DIR "/%s.d", o->root, unit);
		remove_path(p, 1);
		free(p);
		free(unit);
	}
	cred = cred_path(o);
	remove_path(cred, 0);
	if (!others_left(o)) {
		for (u = headless_units; u->name; u++) {
			p = xasprintf("%s" UNIT_DIR "/%s", o->root, u->name);
			remove_path(p, 0);
			free(p);
		}
	}
	if (!*o->root && systemd_booted())
		systemctl(o, "daemon-reload", NULL, NULL);
	kr = keyring_file(o);
	printf("kept: %s, the keyring with '%s''s credentials, encrypted; "
	       "its password was only in the credential: delete the file "
	       "once nothing in it is needed\n", kr, o->name);
out:
	free(agent);
	free(timer);
	free(cred);
	free(kr);
	return ret;
}

void headless_doctor(void)
{
	char *dir = headless_dir();
	struct passwd *pw = getpwuid(geteuid());

	if (!dir)
		return;
	printf("ok    headless: this account's keyring and agent run in "
	       "'%s' (tokenpass-agent@%s.service); 'tokenpass headless "
	       "status' checks the unit and the credential\n", dir,
	       pw ? pw->pw_name : "USER");
	free(dir);
}

int headless_command(const char *sub, const char *user, const char *root)
{
	struct headless_opts o = { 0 };
	int ret;

	o.user = user;
	o.root = root && strcmp(root, "/") ? root : "";
	if (*o.root != '/' && *o.root) {
		usage_error("headless", "headless %s: --root '%s' is not an "
			    "absolute path", sub, o.root);
		return TP_USAGE;
	}
	if (strcmp(sub, "status") && !o.user) {
		usage_error("headless", "headless %s: name the service "
			    "account with --user", sub);
		return TP_USAGE;
	}
	if (!strcmp(sub, "setup"))
		ret = headless_setup(&o);
	else if (!strcmp(sub, "status"))
		ret = headless_status(&o);
	else
		ret = headless_remove(&o);
	if (fflush(stdout) && !ret)
		ret = TP_ERROR;
	free(o.name);
	free(o.home);
	return ret;
}

int cmd_headless(const struct tp_args *a)
{
	const char *sub = a->nr ? a->operands[0] : "";

	if (strcmp(sub, "setup") && strcmp(sub, "status") &&
	    strcmp(sub, "remove")) {
		usage_error("headless", "headless: give setup, status or "
			    "remove");
		return TP_USAGE;
	}
	return headless_command(sub, a->val[OPT_USER], a->val[OPT_ROOT]);
}
