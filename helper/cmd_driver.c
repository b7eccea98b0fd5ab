/*
 * tokenpass driver add|list|remove: odbcinst.ini entries that wrap a real
 * driver in the hook, for DSN-less connection strings such as
 * "DRIVER={Snowflake (tokenpass)};Server=...;UID=...".
 *
 * The entries are written through unixODBC's libodbcinst (loaded with
 * dlopen, as doctor does), the library the driver manager reads them
 * with: --system (the default, like 'odbcinst -i -d') is
 * $ODBCSYSINI/odbcinst.ini, --user is ~/.odbcinst.ini, which unixODBC
 * reads first. Only entries whose Driver is the hook are listed or
 * removed.
 */
#include "config.h"
#include "helper/commands.h"
#include "helper/tokenpass.h"

#include <dlfcn.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#ifndef TP_ODBC_HOOK
#define TP_ODBC_HOOK "/usr/local/lib/odbc/libtokenpass-odbc.so"
#endif
#define INI_MAX 4096

static int (*get_profile)(const char *, const char *, const char *, char *,
			  int, const char *);
static int (*write_profile)(const char *, const char *, const char *,
			    const char *);

static int load_odbcinst(void)
{
	void *h = dlopen("libodbcinst.so.2", RTLD_NOW | RTLD_LOCAL);

	if (!h)
		h = dlopen("libodbcinst.so", RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		tp_error("driver: cannot load libodbcinst (%s); install "
			 "unixODBC (Debian: apt install unixodbc)", dlerror());
		return -1;
	}
	*(void **)&get_profile = dlsym(h, "SQLGetPrivateProfileString");
	*(void **)&write_profile = dlsym(h, "SQLWritePrivateProfileString");
	if (!get_profile || !write_profile) {
		tp_error("driver: libodbcinst lacks the profile functions");
		return -1;
	}
	return 0;
}

/*
 * --user: point libodbcinst (in this process only, before its first
 * call) at ~/.odbcinst.ini, the file unixODBC reads before the system one.
 */
static int use_user_file(void)
{
	const char *home = getenv("HOME");

	if (!home || !*home) {
		tp_error("driver: --user needs HOME");
		return -1;
	}
	if (setenv("ODBCSYSINI", home, 1) ||
	    setenv("ODBCINSTINI", ".odbcinst.ini", 1))
		tp_die("out of memory");
	return 0;
}

/* a section's value for key in odbcinst.ini, "" when none */
static int ini_get(const char *section, const char *key, char *buf)
{
	return get_profile(section, key, "", buf, INI_MAX, "odbcinst.ini") > 0
	       && *buf;
}

/* is the library at path the hook (the same file as hook) */
static int is_hook(const char *path, const char *hook)
{
	const char *base = strrchr(path, '/');
	struct stat a, b;

	if (!stat(path, &a) && !stat(hook, &b))
		return a.st_dev == b.st_dev && a.st_ino == b.st_ino;
	base = base ? base + 1 : path;
	return !strncmp(base, "libtokenpass-odbc.", 18);
}

static int section_is_hook(const char *name, const char *hook)
{
	char lib[INI_MAX];

	return (ini_get(name, "Driver64", lib) ||
		ini_get(name, "Driver", lib)) && is_hook(lib, hook);
}

/*
 * user: only ~/.odbcinst.ini is visible in this process, so a TARGET
 * registered system-wide cannot be checked here (the hook checks it).
 */
static int driver_add(const char *target, const char *name, const char *hook,
		      int user)
{
	char lib[INI_MAX] = "", desc[INI_MAX];
	char *def = NULL;
	int ret = TP_ERROR;

	if (target[0] != '/' && !user && !ini_get(target, "Driver", lib) &&
	    !ini_get(target, "Driver64", lib)) {
		tp_error("driver: '%s' is not a driver in odbcinst.ini; "
			 "'odbcinst -q -d' lists them, or give the path of "
			 "the driver library", target);
		goto out;
	}
	if (target[0] != '/' && *lib && is_hook(lib, hook)) {
		tp_error("driver: '%s' is the tokenpass hook itself; name "
			 "the real driver", target);
		goto out;
	}
	if (!name)
		name = def = xasprintf("%s (tokenpass)", target);
	if ((ini_get(name, "Driver", lib) || ini_get(name, "Driver64", lib))
	    && !is_hook(lib, hook)) {
		tp_error("driver: '%s' already names another driver in "
			 "odbcinst.ini; choose another --name", name);
		goto out;
	}
	snprintf(desc, sizeof(desc), "tokenpass: %s with the token from the "
		 "keyring", target);
	if (!write_profile(name, "Description", desc, "odbcinst.ini") ||
	    !write_profile(name, "Driver", hook, "odbcinst.ini") ||
	    !write_profile(name, "TargetDriver", target, "odbcinst.ini")) {
		tp_error("driver: cannot write '%s' to odbcinst.ini "
			 "('odbcinst -j' shows where it is)", name);
		goto out;
	}
	printf("added '%s': DRIVER={%s} connects through tokenpass to "
	       "'%s'\n", name, name, target);
	ret = TP_OK;
out:
	free(def);
	return ret;
}

static int driver_list(const char *hook)
{
	char *names = xmalloc(65536);
	char target[INI_MAX];
	const char *n;
	int len;

	len = get_profile(NULL, NULL, "", names, 65535, "odbcinst.ini");
	if (len < 0)
		len = 0;
	names[len] = '\0';
	if (len + 1 < 65536)
		names[len + 1] = '\0';
	for (n = names; *n; n += strlen(n) + 1) {
		if (!section_is_hook(n, hook))
			continue;
		if (!ini_get(n, "TargetDriver", target))
			snprintf(target, sizeof(target), "%s",
				 "(TargetDSN in each DSN)");
		printf("%s\t%s\n", n, target);
	}
	free(names);
	return TP_OK;
}

static int driver_remove(const char *name, const char *hook)
{
	char lib[INI_MAX];

	if (!ini_get(name, "Driver", lib) && !ini_get(name, "Driver64", lib)) {
		tp_error("driver: no driver '%s' in odbcinst.ini", name);
		return TP_NOT_FOUND;
	}
	if (!is_hook(lib, hook)) {
		tp_error("driver: '%s' is not a tokenpass entry; remove it "
			 "with 'odbcinst -u -d -n'", name);
		return TP_ERROR;
	}
	if (!write_profile(name, NULL, NULL, "odbcinst.ini")) {
		tp_error("driver: cannot remove '%s' from odbcinst.ini", name);
		return TP_ERROR;
	}
	printf("removed '%s'\n", name);
	return TP_OK;
}

int cmd_driver(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "name", required_argument, NULL, 'n' },
		{ "user", no_argument, NULL, 'u' },
		{ "system", no_argument, NULL, 's' },
		{ "hook", required_argument, NULL, 'k' },
		{ NULL, 0, NULL, 0 }
	};
	const char *name = NULL, *hook = TP_ODBC_HOOK, *verb;
	int user = 0, opt, want;

	opterr = 0;
	optind = 1;
	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (opt) {
		case 'n':
			name = optarg;
			break;
		case 'u':
			user = 1;
			break;
		case 's':
			user = 0;
			break;
		case 'k':
			hook = optarg;
			break;
		default:
			usage_error("driver", "driver: unknown option '%s'",
				    argv[optind - 1]);
			return TP_USAGE;
		}
	}
	verb = optind < argc ? argv[optind] : "";
	want = !strcmp(verb, "list") ? 1 : !strcmp(verb, "add") ||
	       !strcmp(verb, "remove") ? 2 : 0;
	if (!want || argc - optind != want ||
	    (name && strcmp(verb, "add"))) {
		usage_error("driver", "driver: say add TARGET, list or remove "
			    "NAME");
		return TP_USAGE;
	}
	if (hook[0] != '/') {
		usage_error("driver", "driver: --hook needs an absolute path");
		return TP_USAGE;
	}
	if ((user && use_user_file()) || load_odbcinst())
		return TP_ERROR;
	if (!strcmp(verb, "add"))
		return driver_add(argv[optind + 1], name, hook, user);
	if (!strcmp(verb, "remove"))
		return driver_remove(argv[optind + 1], hook);
	return driver_list(hook);
}
