/*
 * Headless: our own session bus and gnome-keyring-daemon, the keyring
 * unlocked from a systemd credential (headless.h has the layout).
 *
 * The daemons are forked children that get SIGTERM when we die
 * (PR_SET_PDEATHSIG), so a killed agent leaves nothing behind even
 * outside systemd, whose unit would kill them with its cgroup anyway.
 * Both are started before GLib is touched: fork in a threaded process is
 * asking for trouble.
 */
#include "helper/headless.h"
#include "helper/secmem.h"
#include "helper/tokenpass.h"

#include <errno.h>
#include <fcntl.h>
#include <gio/gio.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* The longest keyring password we read, in bytes. */
#define PASSWORD_MAX 4096
/* How long each daemon gets to come up, in milliseconds. */
#define START_TIMEOUT_MS 10000
#define POLL_MS 20
#define BUS_CALL_MS 5000

char *headless_dir_of(const char *name)
{
	return xasprintf(HEADLESS_RUN_BASE "/%s", name);
}

/* The name of the calling user: $USER when it is ours, else passwd. */
static char *user_name(void)
{
	const char *env = getenv("USER");
	struct passwd *pw;

	pw = env && *env ? getpwnam(env) : NULL;
	if (!pw || pw->pw_uid != geteuid())
		pw = getpwuid(geteuid());
	return pw ? xstrdup(pw->pw_name) : NULL;
}

/* Is path a socket that belongs to us? */
static int our_socket(const char *path)
{
	struct stat st;

	return !lstat(path, &st) && S_ISSOCK(st.st_mode) &&
	       st.st_uid == geteuid();
}

char *headless_dir(void)
{
	char *name = user_name(), *dir = NULL, *bus;

	if (!name)
		return NULL;
	dir = headless_dir_of(name);
	bus = xasprintf("%s/bus", dir);
	if (!our_socket(bus)) {
		free(dir);
		dir = NULL;
	}
	free(bus);
	free(name);
	return dir;
}

void headless_use_bus(void)
{
	char *dir = headless_dir(), *addr;

	if (!dir)
		return;
	addr = xasprintf("unix:path=%s/bus", dir);
	setenv("DBUS_SESSION_BUS_ADDRESS", addr, 1);
	/*
	 * The agent's unit has no XDG_RUNTIME_DIR, an ssh login has one:
	 * without it here too, every process of the account takes its
	 * renewal locks in the one place the agent does (~/.cache).
	 */
	unsetenv("XDG_RUNTIME_DIR");
	free(addr);
	free(dir);
}

int headless_socket_answers(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd, ret;

	if (strlen(path) >= sizeof(sa.sun_path))
		return 0;
	memcpy(sa.sun_path, path, strlen(path) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return 0;
	ret = !connect(fd, (struct sockaddr *)&sa, sizeof(sa));
	close(fd);
	return ret;
}

/*
 * The runtime directory: systemd's RuntimeDirectory= (the first of
 * $RUNTIME_DIRECTORY), else /run/tokenpass/USER. It must exist, be ours
 * and be closed to everyone else.
 */
static int runtime_dir(char **out)
{
	const char *env = getenv("RUNTIME_DIRECTORY");
	char *dir = NULL, *name = NULL;
	struct stat st;
	int ret = TP_ERROR;

	if (env && *env == '/') {
		dir = xstrndup(env, strcspn(env, ":"));
	} else {
		name = user_name();
		if (!name) {
			tp_error("headless: uid %lu has no user name",
				 (unsigned long)geteuid());
			goto out;
		}
		dir = headless_dir_of(name);
	}
	if (lstat(dir, &st)) {
		tp_error("headless: cannot use the runtime directory '%s': %s; "
			 "start the agent through its unit "
			 "(tokenpass-agent@%s.service), which makes it", dir,
			 strerror(errno), name ? name : "USER");
		goto out;
	}
	if (!S_ISDIR(st.st_mode) || st.st_uid != geteuid() ||
	    (st.st_mode & 077)) {
		tp_error("headless: the runtime directory '%s' must be a "
			 "directory of uid %lu with mode 0700", dir,
			 (unsigned long)geteuid());
		goto out;
	}
	*out = dir;
	dir = NULL;
	ret = TP_OK;
out:
	free(dir);
	free(name);
	return ret;
}

/*
 * The keyring password from $CREDENTIALS_DIRECTORY: a new secret buffer
 * (free it with tp_free_wipe) of *len bytes.
 */
static int read_password(char **out, size_t *len)
{
	const char *dir = getenv("CREDENTIALS_DIRECTORY");
	char *path = NULL, *buf = NULL;
	size_t n = 0;
	int fd = -1, ret = TP_KEYRING;

	if (!dir || !*dir) {
		tp_error("headless: no credential '" HEADLESS_CREDENTIAL
			 "' ($CREDENTIALS_DIRECTORY is not set); run "
			 "'tokenpass headless setup --user USER' as root and "
			 "start tokenpass-agent@USER.service");
		goto out;
	}
	path = xasprintf("%s/" HEADLESS_CREDENTIAL, dir);
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		tp_error("headless: cannot read the credential '%s': %s; run "
			 "'tokenpass headless setup --user USER' as root",
			 path, strerror(errno));
		goto out;
	}
	buf = xmalloc(PASSWORD_MAX + 1);
	for (;;) {
		ssize_t r = read(fd, buf + n, PASSWORD_MAX + 1 - n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			tp_error("headless: cannot read the credential '%s': "
				 "%s", path, strerror(errno));
			goto out;
		}
		if (!r)
			break;
		n += (size_t)r;
		if (n > PASSWORD_MAX) {
			tp_error("headless: the credential '%s' is longer "
				 "than %d bytes; make a new one with "
				 "'tokenpass headless setup'", path,
				 PASSWORD_MAX);
			goto out;
		}
	}
	if (!n) {
		tp_error("headless: the credential '%s' is empty; make a new "
			 "one with 'tokenpass headless setup'", path);
		goto out;
	}
	*out = buf;
	*len = n;
	buf = NULL;
	ret = TP_OK;
out:
	if (fd >= 0)
		close(fd);
	tp_free_wipe(buf);
	free(path);
	return ret;
}

/* Is prog an executable file in PATH? */
static int in_path(const char *prog)
{
	const char *p = getenv("PATH");
	int found = 0;

	if (!p || !*p)
		p = "/usr/local/bin:/usr/bin:/bin";
	while (!found && *p) {
		size_t n = strcspn(p, ":");
		char *f = xasprintf("%.*s/%s", (int)n, p, prog);

		found = n && !access(f, X_OK);
		free(f);
		p += n;
		if (*p == ':')
			p++;
	}
	return found;
}

/*
 * Fork and run argv (looked up in PATH) with in_fd as its standard input
 * (or /dev/null for -1), out_fd as its fd 3 (unless -1), standard output
 * thrown away, and our standard error unless quiet. The child dies with
 * us. env_kv, if not NULL, is one "NAME=value" put into its environment
 * only. Returns its pid, or -1 with errno set.
 */
static pid_t spawn(char *const argv[], int in_fd, int out_fd,
		   const char *env_kv, int quiet)
{
	pid_t parent = getpid(), pid;
	sigset_t none;
	int null;

	pid = fork();
	if (pid)
		return pid;
	if (prctl(PR_SET_PDEATHSIG, SIGTERM) || getppid() != parent)
		_exit(127);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	signal(SIGPIPE, SIG_DFL);
	null = open("/dev/null", O_RDWR);
	if (null < 0 || dup2(in_fd >= 0 ? in_fd : null, 0) < 0 ||
	    dup2(null, 1) < 0 || (quiet && dup2(null, 2) < 0))
		_exit(127);
	if (out_fd >= 0 && (out_fd == 3 ? fcntl(3, F_SETFD, 0) :
			    dup2(out_fd, 3)) < 0)
		_exit(127);
	closefrom(out_fd >= 0 ? 4 : 3);
	if (env_kv && putenv((char *)env_kv))
		_exit(127);
	execvp(argv[0], argv);
	_exit(127);
}

/* Has pid exited? Describes how in why (for a message). */
static int exited(pid_t pid, char *why, size_t len)
{
	int status;

	if (waitpid(pid, &status, WNOHANG) != pid)
		return 0;
	if (WIFEXITED(status))
		snprintf(why, len, "exited with status %d",
			 WEXITSTATUS(status));
	else
		snprintf(why, len, "was killed by signal %d",
			 WTERMSIG(status));
	return 1;
}

static void stop_child(pid_t *pid)
{
	int i, status;

	if (*pid <= 0)
		return;
	kill(*pid, SIGTERM);
	for (i = 0; i < 5000 / POLL_MS; i++) {
		if (waitpid(*pid, &status, WNOHANG) != 0)
			goto out;
		poll(NULL, 0, POLL_MS);
	}
	kill(*pid, SIGKILL);
	waitpid(*pid, &status, 0);
out:
	*pid = -1;
}

/*
 * The bus's configuration, in dir/bus.conf: a session bus listening on
 * path, with no service directories. Nothing is started on demand: the
 * agent alone starts gnome-keyring-daemon, and when it dies the agent
 * stops, rather than a caller's request starting one nobody watches.
 */
static int write_bus_conf(const char *conf, const char *path)
{
	FILE *f;
	int fd, ret = -1;

	/* the path goes into XML as it is */
	if (strpbrk(path, "&<>\"'")) {
		tp_error("headless: the runtime directory '%s' holds a "
			 "character the bus configuration cannot take", path);
		return -1;
	}
	fd = open(conf, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW |
		  O_CLOEXEC, 0600);
	f = fd < 0 ? NULL : fdopen(fd, "w");
	if (!f) {
		tp_error("headless: cannot write '%s': %s", conf,
			 strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	fprintf(f, "<!DOCTYPE busconfig PUBLIC\n"
		" \"-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN\"\n"
		" \"http://www.freedesktop.org/standards/dbus/1.0/"
		"busconfig.dtd\">\n"
		"<busconfig>\n"
		"  <type>session</type>\n"
		"  <keep_umask/>\n"
		"  <listen>unix:path=%s</listen>\n"
		"  <auth>EXTERNAL</auth>\n"
		"  <policy context=\"default\">\n"
		"    <allow send_destination=\"*\" eavesdrop=\"true\"/>\n"
		"    <allow eavesdrop=\"true\"/>\n"
		"    <allow own=\"*\"/>\n"
		"  </policy>\n"
		"</busconfig>\n", path);
	if (fclose(f))
		tp_error("headless: cannot write '%s': %s", conf,
			 strerror(errno));
	else
		ret = 0;
	return ret;
}

/*
 * Start dbus-daemon on dir/bus and wait until it listens (it prints its
 * address on fd 3 once it does). A socket left by a killed bus is
 * replaced; one that answers belongs to another agent.
 */
static int start_bus(struct headless *h)
{
	char *path = xasprintf("%s/bus", h->dir);
	char *conf = xasprintf("%s/bus.conf", h->dir);
	char *config = xasprintf("--config-file=%s", conf);
	char *argv[] = { (char *)"dbus-daemon", config,
			 (char *)"--nofork", (char *)"--nopidfile",
			 (char *)"--print-address=3", NULL };
	char line[512], why[64];
	size_t n = 0;
	int fd[2] = { -1, -1 }, ret = TP_ERROR, waited = 0;

	if (!in_path("dbus-daemon")) {
		tp_error("headless: dbus-daemon is not installed; install "
			 "dbus");
		ret = TP_KEYRING;
		goto out;
	}
	if (headless_socket_answers(path)) {
		tp_error("headless: another session bus answers on '%s'; "
			 "stop the agent that runs it first", path);
		goto out;
	}
	if (unlink(path) && errno != ENOENT) {
		tp_error("headless: cannot remove the stale socket '%s': %s",
			 path, strerror(errno));
		goto out;
	}
	if (write_bus_conf(conf, path))
		goto out;
	if (pipe2(fd, O_CLOEXEC)) {
		tp_error("headless: cannot make a pipe: %s", strerror(errno));
		goto out;
	}
	h->bus_pid = spawn(argv, -1, fd[1], NULL, 0);
	close(fd[1]);
	fd[1] = -1;
	if (h->bus_pid < 0) {
		tp_error("headless: cannot start dbus-daemon: %s",
			 strerror(errno));
		goto out;
	}
	while (n < sizeof(line) - 1 && !memchr(line, '\n', n)) {
		struct pollfd p = { .fd = fd[0], .events = POLLIN };
		ssize_t r;

		if (waited >= START_TIMEOUT_MS) {
			tp_error("headless: dbus-daemon did not listen on "
				 "'%s' within %d s", path,
				 START_TIMEOUT_MS / 1000);
			goto out;
		}
		if (poll(&p, 1, POLL_MS) == 0) {
			waited += POLL_MS;
			continue;
		}
		r = read(fd[0], line + n, sizeof(line) - 1 - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			if (!exited(h->bus_pid, why, sizeof(why)))
				snprintf(why, sizeof(why), "failed");
			tp_error("headless: dbus-daemon %s before it listened "
				 "on '%s'", why, path);
			goto out;
		}
		n += (size_t)r;
	}
	line[strcspn(line, "\n")] = '\0';
	h->bus_address = xstrdup(line);
	ret = TP_OK;
out:
	if (fd[0] >= 0)
		close(fd[0]);
	if (fd[1] >= 0)
		close(fd[1]);
	free(path);
	free(conf);
	free(config);
	return ret;
}

/*
 * Start gnome-keyring-daemon on our bus and hand it the password on a
 * pipe: with --unlock it reads standard input to its end, unlocks the
 * 'login' keyring with it, or creates that keyring when there is none.
 */
static int start_keyring(struct headless *h, const char *pw, size_t len)
{
	char *argv[] = { (char *)"gnome-keyring-daemon", (char *)"--foreground",
			 (char *)"--unlock", (char *)"--components=secrets",
			 NULL };
	char *env = xasprintf("XDG_RUNTIME_DIR=%s", h->dir);
	char *control = xasprintf("%s/keyring/control", h->dir);
	struct sigaction ign = { .sa_handler = SIG_IGN }, old;
	size_t off = 0;
	int fd[2] = { -1, -1 }, ret = TP_ERROR;

	if (!in_path("gnome-keyring-daemon")) {
		tp_error("headless: gnome-keyring-daemon is not installed; "
			 "install gnome-keyring");
		ret = TP_KEYRING;
		goto out;
	}
	/*
	 * Its standard error is thrown away: it says the same in syslog (the
	 * journal), and a wrong password must make one line of ours.
	 * A control socket left by a killed daemon would be taken as live.
	 */
	if (!headless_socket_answers(control))
		unlink(control);
	if (pipe2(fd, O_CLOEXEC)) {
		tp_error("headless: cannot make a pipe: %s", strerror(errno));
		goto out;
	}
	h->keyring_pid = spawn(argv, fd[0], -1, env, 1);
	close(fd[0]);
	fd[0] = -1;
	if (h->keyring_pid < 0) {
		tp_error("headless: cannot start gnome-keyring-daemon: %s",
			 strerror(errno));
		goto out;
	}
	sigaction(SIGPIPE, &ign, &old);
	while (off < len) {
		ssize_t w = write(fd[1], pw + off, len - off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			break;
		off += (size_t)w;
	}
	sigaction(SIGPIPE, &old, NULL);
	if (off < len) {
		tp_error("headless: gnome-keyring-daemon did not take the "
			 "password: %s", strerror(errno));
		goto out;
	}
	ret = TP_OK;
out:
	if (fd[0] >= 0)
		close(fd[0]);
	if (fd[1] >= 0)
		close(fd[1]);
	free(env);
	free(control);
	return ret;
}

static GVariant *bus_call(GDBusConnection *bus, const char *path,
			  const char *iface, const char *method,
			  GVariant *args, const char *dest, GError **err)
{
	return g_dbus_connection_call_sync(bus, dest, path, iface, method,
					   args, NULL, G_DBUS_CALL_FLAGS_NONE,
					   BUS_CALL_MS, NULL, err);
}

/* Wait for org.freedesktop.secrets on our bus; 1 once it is there. */
static int wait_secrets(struct headless *h, GDBusConnection *bus)
{
	char why[64];
	int waited;

	for (waited = 0; waited < START_TIMEOUT_MS; waited += POLL_MS) {
		GVariant *r = bus_call(bus, "/org/freedesktop/DBus",
				       "org.freedesktop.DBus", "NameHasOwner",
				       g_variant_new("(s)",
						     "org.freedesktop.secrets"),
				       "org.freedesktop.DBus", NULL);
		gboolean has = FALSE;

		if (r) {
			g_variant_get(r, "(b)", &has);
			g_variant_unref(r);
		}
		if (has)
			return 1;
		if (exited(h->keyring_pid, why, sizeof(why))) {
			h->keyring_pid = -1;
			tp_error("headless: gnome-keyring-daemon %s before it "
				 "served the keyring; see its messages above",
				 why);
			return 0;
		}
		poll(NULL, 0, POLL_MS);
	}
	tp_error("headless: gnome-keyring-daemon did not serve the keyring "
		 "within %d s", START_TIMEOUT_MS / 1000);
	return 0;
}

int headless_probe(const char *address, char **detail)
{
	GDBusConnection *bus = NULL;
	GVariant *r = NULL, *v = NULL;
	GError *err = NULL;
	const char *coll = "/";
	gboolean locked = TRUE;
	int ret = TP_KEYRING;

	bus = g_dbus_connection_new_for_address_sync(address,
		G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
		G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
		NULL, NULL, &err);
	if (!bus) {
		*detail = xasprintf("cannot connect to the bus '%s': %s",
				    address, err->message);
		goto out;
	}
	r = bus_call(bus, "/org/freedesktop/secrets",
		     "org.freedesktop.Secret.Service", "ReadAlias",
		     g_variant_new("(s)", "default"),
		     "org.freedesktop.secrets", &err);
	if (!r) {
		*detail = xasprintf("no Secret Service on the bus: %s",
				    err->message);
		goto out;
	}
	g_variant_get(r, "(&o)", &coll);
	if (!strcmp(coll, "/")) {
		*detail = xstrdup("there is no default keyring");
		goto out;
	}
	v = bus_call(bus, coll, "org.freedesktop.DBus.Properties", "Get",
		     g_variant_new("(ss)", "org.freedesktop.Secret.Collection",
				   "Locked"),
		     "org.freedesktop.secrets", &err);
	if (v) {
		GVariant *inner = NULL;

		g_variant_get(v, "(v)", &inner);
		if (g_variant_is_of_type(inner, G_VARIANT_TYPE_BOOLEAN))
			locked = g_variant_get_boolean(inner);
		g_variant_unref(inner);
	}
	if (locked) {
		*detail = xasprintf("the keyring '%s' is locked", coll);
		goto out;
	}
	*detail = xasprintf("the keyring '%s' is unlocked", coll);
	ret = TP_OK;
out:
	if (err)
		g_error_free(err);
	if (v)
		g_variant_unref(v);
	if (r)
		g_variant_unref(r);
	if (bus) {
		g_dbus_connection_close_sync(bus, NULL, NULL);
		g_object_unref(bus);
	}
	return ret;
}

/* Wait for the keyring, then check it unlocked. One line when not. */
static int check_unlocked(struct headless *h)
{
	GDBusConnection *bus;
	GError *err = NULL;
	char *detail = NULL;
	int ret = TP_KEYRING;

	bus = g_dbus_connection_new_for_address_sync(h->bus_address,
		G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
		G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
		NULL, NULL, &err);
	if (!bus) {
		tp_error("headless: cannot connect to our bus '%s': %s",
			 h->bus_address, err->message);
		g_error_free(err);
		goto out;
	}
	if (!wait_secrets(h, bus))
		goto out;
	ret = headless_probe(h->bus_address, &detail);
	if (ret)
		tp_error("headless: %s: the credential '" HEADLESS_CREDENTIAL
			 "' does not unlock it, the keyring was made with "
			 "another password; move the keyring away and run "
			 "'tokenpass headless setup' again", detail);
out:
	free(detail);
	if (bus) {
		g_dbus_connection_close_sync(bus, NULL, NULL);
		g_object_unref(bus);
	}
	return ret;
}

int headless_start(struct headless *h)
{
	char *pw = NULL, *sock;
	size_t len = 0;
	int ret;

	/* renewal locks in ~/.cache, as for the account's other processes */
	unsetenv("XDG_RUNTIME_DIR");
	ret = read_password(&pw, &len);
	if (ret)
		goto out;
	ret = runtime_dir(&h->dir);
	if (ret)
		goto out;
	ret = start_bus(h);
	if (ret)
		goto out;
	ret = start_keyring(h, pw, len);
	tp_free_wipe(pw);
	pw = NULL;
	if (ret)
		goto out;
	ret = check_unlocked(h);
	if (ret)
		goto out;
	setenv("DBUS_SESSION_BUS_ADDRESS", h->bus_address, 1);
	if (!getenv("TOKENPASS_AGENT_SOCKET")) {
		sock = xasprintf("%s/agent", h->dir);
		setenv("TOKENPASS_AGENT_SOCKET", sock, 1);
		free(sock);
	}
out:
	tp_free_wipe(pw);
	if (ret)
		headless_stop(h);
	return ret;
}

void headless_stop(struct headless *h)
{
	stop_child(&h->keyring_pid);
	stop_child(&h->bus_pid);
	free(h->dir);
	free(h->bus_address);
	h->dir = NULL;
	h->bus_address = NULL;
}
