/*
 * notify-server: a desktop notification server for the tests. It owns
 * org.freedesktop.Notifications on the session bus and appends one line
 * per Notify call to LOG:
 *
 *   app_name<TAB>summary<TAB>body<TAB>urgency<TAB>expire_timeout
 *
 *   notify-server LOG      (runs until killed; exits 1 if the name is
 *                           taken or the bus is unreachable)
 */
#include <gio/gio.h>
#include <stdio.h>
#include <stdlib.h>

static const char introspection[] =
	"<node>"
	" <interface name='org.freedesktop.Notifications'>"
	"  <method name='Notify'>"
	"   <arg type='s' name='app_name' direction='in'/>"
	"   <arg type='u' name='replaces_id' direction='in'/>"
	"   <arg type='s' name='app_icon' direction='in'/>"
	"   <arg type='s' name='summary' direction='in'/>"
	"   <arg type='s' name='body' direction='in'/>"
	"   <arg type='as' name='actions' direction='in'/>"
	"   <arg type='a{sv}' name='hints' direction='in'/>"
	"   <arg type='i' name='expire_timeout' direction='in'/>"
	"   <arg type='u' name='id' direction='out'/>"
	"  </method>"
	"  <method name='GetCapabilities'>"
	"   <arg type='as' name='caps' direction='out'/>"
	"  </method>"
	"  <method name='GetServerInformation'>"
	"   <arg type='s' direction='out'/><arg type='s' direction='out'/>"
	"   <arg type='s' direction='out'/><arg type='s' direction='out'/>"
	"  </method>"
	" </interface>"
	"</node>";

static const char *log_path;
static guint32 last_id;
static GMainLoop *loop;

static void method_call(GDBusConnection *conn, const char *sender,
			const char *path, const char *iface,
			const char *method, GVariant *params,
			GDBusMethodInvocation *inv, gpointer data)
{
	const char *app, *icon, *summary, *body;
	GVariant *actions, *hints, *u;
	guint32 replaces;
	gint32 timeout;
	int urgency = -1;
	FILE *f;

	if (!g_strcmp0(method, "GetCapabilities")) {
		const char *caps[] = { "body", NULL };

		g_dbus_method_invocation_return_value(inv,
			g_variant_new("(^as)", caps));
		return;
	}
	if (!g_strcmp0(method, "GetServerInformation")) {
		g_dbus_method_invocation_return_value(inv,
			g_variant_new("(ssss)", "notify-server", "tokenpass",
				      "1", "1.2"));
		return;
	}
	g_variant_get(params, "(&su&s&s&s@as@a{sv}i)", &app, &replaces,
		      &icon, &summary, &body, &actions, &hints, &timeout);
	u = g_variant_lookup_value(hints, "urgency", G_VARIANT_TYPE_BYTE);
	if (u) {
		urgency = g_variant_get_byte(u);
		g_variant_unref(u);
	}
	f = fopen(log_path, "a");
	if (f) {
		fprintf(f, "%s\t%s\t%s\t%d\t%d\n", app, summary, body,
			urgency, timeout);
		fclose(f);
	}
	g_variant_unref(actions);
	g_variant_unref(hints);
	g_dbus_method_invocation_return_value(inv,
		g_variant_new("(u)", ++last_id));
}

static const GDBusInterfaceVTable vtable = { method_call, NULL, NULL, { 0 } };

static void on_bus(GDBusConnection *conn, const char *name, gpointer data)
{
	GDBusNodeInfo *info = data;
	GError *err = NULL;

	if (!g_dbus_connection_register_object(conn,
		"/org/freedesktop/Notifications", info->interfaces[0],
		&vtable, NULL, NULL, &err)) {
		fprintf(stderr, "notify-server: %s\n", err->message);
		exit(1);
	}
}

static void on_lost(GDBusConnection *conn, const char *name, gpointer data)
{
	fprintf(stderr, "notify-server: cannot own %s\n", name);
	exit(1);
}

int main(int argc, char **argv)
{
	GDBusNodeInfo *info;

	if (argc != 2) {
		fprintf(stderr, "usage: notify-server LOG\n");
		return 2;
	}
	log_path = argv[1];
	info = g_dbus_node_info_new_for_xml(introspection, NULL);
	g_bus_own_name(G_BUS_TYPE_SESSION, "org.freedesktop.Notifications",
		       G_BUS_NAME_OWNER_FLAGS_DO_NOT_QUEUE, on_bus, NULL,
		       on_lost, info, NULL);
	loop = g_main_loop_new(NULL, FALSE);
	g_main_loop_run(loop);
	return 0;
}
