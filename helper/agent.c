/*
 * tokenpass agent: the socket, its clients, the keyring's signals, the
 * main loop and the idle exit. Everything secret lives in agent_cache.c.
 *
 * The listening socket comes from systemd (socket activation: LISTEN_PID
 * and LISTEN_FDS, descriptor 3) or, with --foreground, is made here in a
 * directory that must be ours and closed to everyone else (0700). A
 * socket file left by a dead agent is replaced; a live agent is left
 * alone. Every client's uid is checked with SO_PEERCRED.
 */
#include "helper/agent_int.h"
#include "helper/commands.h"
#include "helper/headless.h"
#include "helper/keyring.h"
#include "helper/options.h"
#include "helper/secmem.h"
#include "helper/tokenpass.h"
#include "common/agent_sock.h"

#include <errno.h>
#include <fcntl.h>
#include <gio/gio.h>
#include <glib-unix.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#define LISTEN_FD 3			/* SD_LISTEN_FDS_START */
#define CLIENT_TIMEOUT 10		/* seconds to send a request */
#define DEFAULT_IDLE 600		/* socket-activated: exit after */
#define RELOAD_DELAY_MS 100		/* signals come in bursts */
#define CHECK_EVERY (24 * 3600)		/* reminders */

static int listen_fd = -1;
static char *sock_path;			/* ours to remove at exit */
static ino_t sock_ino;
static long idle_timeout;
static gint64 last_activity;
static int clients;
static guint reload_src;
static uid_t my_uid;			/* getuid() once, not per client */

/*
 * g_unix_fd_add(), but the source keeps its descriptor in the poll set
 * while its callback runs: GLib would take it out and put it back, and
 * wake its own poll with a write each time (four system calls a request
 * more). The callbacks here never run the main loop again.
 */
static guint fd_watch(int fd, GIOCondition cond, GUnixFDSourceFunc fn,
		      gpointer data)
{
	GSource *s = g_unix_fd_source_new(fd, cond);
	guint id;

	g_source_set_callback(s, (GSourceFunc)(void (*)(void))fn, data, NULL);
	g_source_set_can_recurse(s, TRUE);
	id = g_source_attach(s, NULL);
	g_source_unref(s);
	return id;
}

void agent_touch(void)
{
	last_activity = g_get_monotonic_time();
}

static void client_free(struct agent_client *c)
{
	if (c->src)
		g_source_remove(c->src);
	if (c->timer)
		g_source_remove(c->timer);
	if (c->fd >= 0)
		close(c->fd);
	if (c->buf) {
		tp_memzero(c->buf, c->cap);
		free(c->buf);
	}
	if (c->ans) {
		tp_memzero(c->ans, c->ans_len);
		free(c->ans);
	}
	free(c);
	clients--;
	agent_touch();
}

static gboolean on_client_timeout(gpointer data)
{
	struct agent_client *c = data;

	c->timer = 0;
	client_free(c);
	return G_SOURCE_REMOVE;
}

/* 1 when all of the answer is out (or the client went away) */
static int flush(struct agent_client *c)
{
	while (c->sent < c->ans_len) {
		ssize_t n = send(c->fd, c->ans + c->sent,
				 c->ans_len - c->sent, MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return 0;
		if (n <= 0)
			return 1;
		c->sent += (size_t)n;
	}
	return 1;
}

static gboolean on_client_out(gint fd, GIOCondition cond, gpointer data)
{
	struct agent_client *c = data;

	if (!flush(c) && !(cond & (G_IO_HUP | G_IO_ERR)))
		return G_SOURCE_CONTINUE;
	c->src = 0;
	client_free(c);
	return G_SOURCE_REMOVE;
}

void agent_reply(struct agent_client *c, char *ans, size_t len)
{
	c->ans = ans;
	c->ans_len = len;
	c->sent = 0;
	if (flush(c)) {
		client_free(c);
		return;
	}
	c->src = fd_watch(c->fd, G_IO_OUT | G_IO_HUP | G_IO_ERR,
			  on_client_out, c);
	if (!c->timer)
		c->timer = g_timeout_add_seconds(CLIENT_TIMEOUT,
						 on_client_timeout, c);
}

void agent_reply_error(struct agent_client *c, int code, const char *fmt,
		       ...)
{
	char msg[1024], *ans;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	ans = xasprintf("tokenpass_stderr=tokenpass: %s\ntokenpass_exit=%d\n",
			msg, code);
	agent_reply(c, ans, strlen(ans));
}

/* the request is in: answer it */
static void dispatch(struct agent_client *c)
{
	if (c->src)
		g_source_remove(c->src);
	c->src = 0;
	if (c->timer)
		g_source_remove(c->timer);
	c->timer = 0;
	if (c->len >= 20 && !memcmp(c->buf, "tokenpass_op=status\n", 20))
		agent_cache_status(c);
	else if (c->len >= 18 && !memcmp(c->buf, "tokenpass_op=sync\n", 18))
		agent_cache_sync(c);
	else
		agent_cache_handle(c);
}

static int request_done(const struct agent_client *c)
{
	if (!c->len)
		return 0;
	return c->buf[0] == '\n' ||
	       (c->len >= 2 && c->buf[c->len - 1] == '\n' &&
		memmem(c->buf, c->len, "\n\n", 2));
}

/* read what there is: 1 when the request is complete, -1 on failure */
static int client_read(struct agent_client *c)
{
	for (;;) {
		ssize_t n;

		if (c->len + 1 >= c->cap) {
			char *nb;

			if (c->cap >= AGENT_SOCK_MAX_REQUEST)
				return -1;
			nb = xmalloc(c->cap ? c->cap * 2 : 4096);
			if (c->buf) {
				memcpy(nb, c->buf, c->len);
				tp_memzero(c->buf, c->cap);
				free(c->buf);
			}
			c->buf = nb;
			c->cap = c->cap ? c->cap * 2 : 4096;
		}
		n = recv(c->fd, c->buf + c->len, c->cap - c->len - 1, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			break;
		if (n < 0)
			return -1;
		if (!n) {
			c->buf[c->len] = '\0';
			return 1;	/* EOF ends a request too */
		}
		c->len += (size_t)n;
		c->buf[c->len] = '\0';
		/* the blank line ends it: no second call to hear EAGAIN */
		if (request_done(c))
			return 1;
	}
	return 0;
}

static gboolean on_client_in(gint fd, GIOCondition cond, gpointer data)
{
	struct agent_client *c = data;
	int r = client_read(c);

	if (!r)
		return G_SOURCE_CONTINUE;
	c->src = 0;
	if (r < 0)
		client_free(c);
	else
		dispatch(c);
	return G_SOURCE_REMOVE;
}

static void client_new(int fd)
{
	struct agent_client *c = xcalloc(1, sizeof(*c));
	int r;

	c->fd = fd;
	clients++;
	agent_touch();
	r = client_read(c);
	if (r > 0) {
		dispatch(c);
		return;
	}
	if (r < 0) {
		client_free(c);
		return;
	}
	c->src = fd_watch(fd, G_IO_IN | G_IO_HUP | G_IO_ERR, on_client_in, c);
	c->timer = g_timeout_add_seconds(CLIENT_TIMEOUT, on_client_timeout, c);
}

static gboolean on_accept(gint fd, GIOCondition cond, gpointer data)
{
	int i;

	for (i = 0; i < 64; i++) {
		struct ucred cred;
		socklen_t cl = sizeof(cred);
		int c = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

		if (c < 0)
			break;
		if (getsockopt(c, SOL_SOCKET, SO_PEERCRED, &cred, &cl) ||
		    cred.uid != my_uid) {
			tp_warn("agent: refused a client of uid %ld (pid %ld)",
				(long)cred.uid, (long)cred.pid);
			close(c);
			continue;
		}
		client_new(c);
	}
	return G_SOURCE_CONTINUE;
}

static gboolean on_reload(gpointer data)
{
	reload_src = 0;
	agent_cache_reload_items();
	return G_SOURCE_REMOVE;
}

static gboolean on_hup(gpointer data)
{
	agent_cache_reload();
	return G_SOURCE_CONTINUE;
}

/*
 * A PropertiesChanged of a collection or the service that only says its
 * items changed: the item signals that come with it say which.
 */
static int items_only(GVariant *params)
{
	GVariant *changed = NULL, *inv = NULL;
	GVariantIter it;
	const char *key;
	int ret = 0;

	if (!g_variant_is_of_type(params, G_VARIANT_TYPE("(sa{sv}as)")))
		return 0;
	g_variant_get(params, "(&s@a{sv}@as)", NULL, &changed, &inv);
	if (g_variant_n_children(inv))
		goto out;
	g_variant_iter_init(&it, changed);
	while (g_variant_iter_next(&it, "{&sv}", &key, NULL))
		if (strcmp(key, "Items") && strcmp(key, "Modified"))
			goto out;
	ret = 1;
out:
	g_variant_unref(changed);
	g_variant_unref(inv);
	return ret;
}

/* /org/freedesktop/secrets/collection/NAME/ITEM (or aliases/...) */
static int is_item(const char *path)
{
	static const char base[] = "/org/freedesktop/secrets/";
	const char *p;

	if (strncmp(path, base, sizeof(base) - 1))
		return 0;
	p = strchr(path + sizeof(base) - 1, '/');
	return p && strchr(p + 1, '/') && !strchr(strchr(p + 1, '/') + 1, '/');
}

/* PropertiesChanged (s a{sv} as) with Locked = true? */
static int says_locked(const char *member, GVariant *params)
{
	GVariant *changed;
	gboolean locked = FALSE;

	if (strcmp(member, "PropertiesChanged") ||
	    !g_variant_is_of_type(params, G_VARIANT_TYPE("(sa{sv}as)")))
		return 0;
	changed = g_variant_get_child_value(params, 1);
	if (!g_variant_lookup(changed, "Locked", "b", &locked))
		locked = FALSE;
	g_variant_unref(changed);
	return locked;
}

/* anything the Secret Service says may change what it holds */
static void on_signal(GDBusConnection *bus, const char *sender,
		      const char *path, const char *iface, const char *member,
		      GVariant *params, gpointer data)
{
	const char *item = NULL;

	if (!strcmp(member, "NameOwnerChanged")) {
		const char *name = NULL;

		g_variant_get_child(params, 0, "&s", &name);
		if (!name || strcmp(name, "org.freedesktop.secrets"))
			return;
		/* a new Secret Service: a new session with it */
		agent_cache_reload_reset();
		return;
	}
	if (says_locked(member, params)) {
		agent_cache_locked();
		return;
	}
	if ((!strcmp(member, "ItemCreated") || !strcmp(member, "ItemChanged") ||
	     !strcmp(member, "ItemDeleted")) &&
	    g_variant_is_of_type(params, G_VARIANT_TYPE("(o)")))
		g_variant_get(params, "(&o)", &item);
	else if (!strcmp(member, "PropertiesChanged") && is_item(path))
		item = path;
	else if (!strcmp(member, "PropertiesChanged") && items_only(params))
		return;
	/* that item alone; anything else (Locked, ...): everything */
	agent_cache_item(item);
	if (!reload_src)
		reload_src = g_timeout_add(RELOAD_DELAY_MS, on_reload, NULL);
}

static GDBusConnection *follow_keyring(void)
{
	GError *err = NULL;
	GDBusConnection *bus = g_bus_get_sync(G_BUS_TYPE_SESSION, NULL, &err);

	if (!bus) {
		tp_warn("agent: cannot reach the D-Bus session bus (%s); "
			"every request goes to 'tokenpass get'", err->message);
		g_error_free(err);
		return NULL;
	}
	/* ItemCreated, ItemChanged, ItemDeleted, PropertiesChanged (Locked) */
	g_dbus_connection_signal_subscribe(bus, "org.freedesktop.secrets",
					   NULL, NULL, NULL, NULL,
					   G_DBUS_SIGNAL_FLAGS_NONE, on_signal,
					   NULL, NULL);
	g_dbus_connection_signal_subscribe(bus, "org.freedesktop.DBus",
					   "org.freedesktop.DBus",
					   "NameOwnerChanged", NULL,
					   "org.freedesktop.secrets",
					   G_DBUS_SIGNAL_FLAGS_NONE, on_signal,
					   NULL, NULL);
	return bus;
}

static gboolean on_idle_check(gpointer data)
{
	gint64 quiet = (g_get_monotonic_time() - last_activity) / G_USEC_PER_SEC;
	time_t next = agent_next_renewal();

	if (clients || agent_jobs_running() || agent_cache_loading() ||
	    quiet < idle_timeout)
		return G_SOURCE_CONTINUE;
	/* a renewal due within the idle time keeps us up for it */
	if (next && next - tp_now() <= idle_timeout)
		return G_SOURCE_CONTINUE;
	g_main_loop_quit(agent.loop);
	return G_SOURCE_REMOVE;
}

static gboolean on_check(gpointer data)
{
	char *stamp = data;
	struct stat st;
	int fd;

	/* one reminder a day, however often a socket starts us */
	if (!stamp || stat(stamp, &st) || st.st_mtime + CHECK_EVERY <= time(NULL)) {
		if (stamp && (fd = open(stamp, O_WRONLY | O_CREAT | O_TRUNC |
					O_CLOEXEC, 0600)) >= 0)
			close(fd);
		agent_job_check();
	}
	return G_SOURCE_CONTINUE;
}

static gboolean on_quit(gpointer data)
{
	g_main_loop_quit(agent.loop);
	return G_SOURCE_REMOVE;
}

/*
 * --headless: our bus or keyring daemon died. Exit 1 (not 3, which the
 * unit does not restart): the service manager starts us again.
 */
static gboolean daemon_gone;

static void on_daemon_exit(GPid pid, gint status, gpointer data)
{
	struct headless *hl = data;
	const char *what = pid == hl->bus_pid ? "dbus-daemon" :
			   "gnome-keyring-daemon";

	if (pid == hl->bus_pid)
		hl->bus_pid = -1;
	else
		hl->keyring_pid = -1;
	daemon_gone = TRUE;
	tp_error("agent: %s exited (status %d); stopping so that the "
		 "service manager starts us again", what, status);
	g_main_loop_quit(agent.loop);
}

/* the directory of path must be ours alone: mode 0700, our uid */
static int check_dir(const char *path)
{
	char *dir = xstrdup(path), *slash = strrchr(dir, '/');
	struct stat st;
	int ret = -1;

	if (!slash || slash == dir) {
		tp_error("agent: the socket '%s' needs a directory of its "
			 "own", path);
		goto out;
	}
	*slash = '\0';
	if (tp_mkdir_p(dir, 0700) && errno != EEXIST) {
		tp_error("agent: cannot make '%s': %s", dir, strerror(errno));
		goto out;
	}
	if (lstat(dir, &st)) {
		tp_error("agent: cannot read '%s': %s", dir, strerror(errno));
		goto out;
	}
	if (!S_ISDIR(st.st_mode) || st.st_uid != getuid() ||
	    (st.st_mode & 077)) {
		tp_error("agent: refusing the socket directory '%s': it must "
			 "be a directory of yours with mode 0700 (it has %04o)",
			 dir, (unsigned)(st.st_mode & 07777));
		goto out;
	}
	ret = 0;
out:
	free(dir);
	return ret;
}

static int make_socket(void)
{
	struct sockaddr_un sa;
	struct stat st;
	mode_t old;
	int fd = -1, probe;

	sock_path = agent_sock_path();
	if (!sock_path) {
		tp_error("agent: no socket path: XDG_RUNTIME_DIR is not set; "
			 "set TOKENPASS_AGENT_SOCKET");
		return -1;
	}
	if (strlen(sock_path) >= sizeof(sa.sun_path)) {
		tp_error("agent: the socket path '%s' is too long", sock_path);
		goto fail;
	}
	if (check_dir(sock_path))
		goto fail;
	if (!lstat(sock_path, &st)) {
		if (!S_ISSOCK(st.st_mode)) {
			tp_error("agent: '%s' exists and is not a socket; "
				 "remove it", sock_path);
			goto fail;
		}
		probe = agent_sock_connect(sock_path);
		if (probe >= 0) {
			close(probe);
			tp_error("agent: another agent answers on '%s'",
				 sock_path);
			goto fail;
		}
		tp_warn("agent: replacing the stale socket '%s'", sock_path);
		unlink(sock_path);
	}
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	memcpy(sa.sun_path, sock_path, strlen(sock_path) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		goto syserr;
	old = umask(0177);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		umask(old);
		goto syserr;
	}
	umask(old);
	if (listen(fd, SOMAXCONN) || lstat(sock_path, &st))
		goto syserr;
	sock_ino = st.st_ino;
	return fd;
syserr:
	tp_error("agent: cannot listen on '%s': %s", sock_path,
		 strerror(errno));
fail:
	if (fd >= 0)
		close(fd);
	free(sock_path);
	sock_path = NULL;
	return -1;
}

/* the socket systemd passed us, or -1 when not socket-activated */
static int activated_socket(void)
{
	const char *pid = getenv("LISTEN_PID"), *fds = getenv("LISTEN_FDS");
	unsigned long long p, n;
	int type = 0;
	socklen_t tl = sizeof(type);

	if (!pid || !fds || tp_parse_ulong(pid, INT_MAX, &p) ||
	    tp_parse_ulong(fds, INT_MAX, &n) || (pid_t)p != getpid() || !n)
		return -1;
	unsetenv("LISTEN_PID");
	unsetenv("LISTEN_FDS");
	unsetenv("LISTEN_FDNAMES");
	if (getsockopt(LISTEN_FD, SOL_SOCKET, SO_TYPE, &type, &tl) ||
	    type != SOCK_STREAM)
		return -1;
	fcntl(LISTEN_FD, F_SETFD, FD_CLOEXEC);
	fcntl(LISTEN_FD, F_SETFL, fcntl(LISTEN_FD, F_GETFL) | O_NONBLOCK);
	return LISTEN_FD;
}

int cmd_agent(const struct tp_args *a)
{
	GDBusConnection *bus = NULL;
	unsigned long long v;
	char self[PATH_MAX], *stamp = NULL;
	struct headless hl = HEADLESS_INIT;
	int foreground = !!a->val[OPT_FOREGROUND], ret = TP_USAGE;
	int headless = !!a->val[OPT_HEADLESS];
	long idle = -1;
	ssize_t n;
	struct stat st;

	if (a->val[OPT_IDLE_TIMEOUT]) {
		if (tp_parse_ulong(a->val[OPT_IDLE_TIMEOUT], 7 * 86400, &v)) {
			usage_error("agent", "agent: --idle-timeout '%s' is "
				    "not a number of seconds",
				    a->val[OPT_IDLE_TIMEOUT]);
			goto out;
		}
		idle = (long)v;
	}
	if (headless) {
		/* our own bus and keyring; the unit keeps us up: no idling */
		ret = headless_start(&hl);
		if (ret)
			goto out;
		foreground = 1;
		if (idle < 0)
			idle = 0;
	}
	ret = TP_ERROR;
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n <= 0) {
		tp_error("agent: cannot find its own executable: %s",
			 strerror(errno));
		goto out;
	}
	self[n] = '\0';
	agent.self = xstrdup(self);
	my_uid = getuid();
	signal(SIGPIPE, SIG_IGN);

	listen_fd = headless ? -1 : activated_socket();
	if (listen_fd < 0 && !foreground) {
		tp_error("agent: not started by socket activation; start "
			 "tokenpass-agent.socket, or run 'tokenpass agent "
			 "--foreground'");
		ret = TP_USAGE;
		goto out;
	}
	if (listen_fd < 0)
		listen_fd = make_socket();
	else
		foreground = 0;
	if (listen_fd < 0)
		goto out;
	idle_timeout = idle >= 0 ? idle : foreground ? 0 : DEFAULT_IDLE;

	agent.loop = g_main_loop_new(NULL, FALSE);
	agent_touch();
	bus = follow_keyring();
	agent_cache_reload();
	fd_watch(listen_fd, G_IO_IN, on_accept, NULL);
	g_unix_signal_add(SIGTERM, on_quit, NULL);
	g_unix_signal_add(SIGINT, on_quit, NULL);
	g_unix_signal_add(SIGHUP, on_hup, NULL);
	if (idle_timeout)
		g_timeout_add_seconds(1, on_idle_check, NULL);
	if (headless) {
		g_child_watch_add(hl.keyring_pid, on_daemon_exit, &hl);
		g_child_watch_add(hl.bus_pid, on_daemon_exit, &hl);
	}
	if (getenv("XDG_RUNTIME_DIR") && *getenv("XDG_RUNTIME_DIR"))
		stamp = xasprintf("%s/tokenpass/agent.checked",
				  getenv("XDG_RUNTIME_DIR"));
	on_check(stamp);
	g_timeout_add_seconds(3600, on_check, stamp);
	g_main_loop_run(agent.loop);

	if (sock_path && !lstat(sock_path, &st) && st.st_ino == sock_ino)
		unlink(sock_path);
	agent_jobs_end();
	ret = daemon_gone ? TP_ERROR : TP_OK;
out:
	headless_stop(&hl);
	agent_cache_forget();
	if (bus)
		g_object_unref(bus);
	free(sock_path);
	return ret;
}
