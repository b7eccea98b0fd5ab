/*
 * Which driver manager loaded the hook (plugin/dm.c): with iODBC and
 * unixODBC both loaded privately, as two applications would load them,
 * the library of the caller decides; each one's installer library reads
 * its own odbc.ini. Exit 0 when all pass, 1 when one fails, 99 when a
 * driver manager is not installed.
 */
#include "config.h"
#include "plugin/convert.h"
#include "plugin/dm.h"

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int failures;

static void check(int ok, const char *what)
{
	printf("%s - %s\n", ok ? "ok" : "FAIL", what);
	if (!ok)
		failures++;
}

/* a user odbc.ini of our own: [tpdm] Who = yes */
static int make_ini(char *path, size_t size)
{
	const char *tmp = getenv("TMPDIR");
	FILE *f;
	int fd, ret = -1;

	snprintf(path, size, "%s/tp-dm-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	fd = mkstemp(path);
	if (fd < 0)
		goto out;
	f = fdopen(fd, "w");
	if (!f)
		goto out;
	fputs("[tpdm]\nWho = yes\n", f);
	if (!fclose(f))
		ret = 0;
out:
	return ret;
}

static int read_key(const struct px_dm *dm, char *buf, int size)
{
	buf[0] = '\0';
	if (!dm->get_profile_string)
		return -1;
	return dm->get_profile_string("tpdm", "Who", "", buf, size,
				      "odbc.ini");
}

static int run(void)
{
	struct px_dm dm;
	void *iodbc, *unixodbc, *f;
	char buf[64];

	px_dm_detect(NULL, &dm);
	check(dm.kind == PX_DM_UNIXODBC && !strcmp(dm.how, "default"),
	      "no driver manager loaded: unixODBC by default");

	iodbc = dlopen("libiodbc.so.2", RTLD_LAZY | RTLD_LOCAL);
	if (!iodbc)
		return 99;
	px_dm_detect(NULL, &dm);
	check(dm.kind == PX_DM_IODBC && dm.wchar_enc == PX_ENC_UTF32,
	      "iODBC loaded: found among the loaded objects, 4-byte SQLWCHAR");
	check(read_key(&dm, buf, sizeof(buf)) > 0 && !strcmp(buf, "yes"),
	      "iODBC's installer library reads the DSN");

	unixodbc = dlopen("libodbc.so.2", RTLD_LAZY | RTLD_LOCAL);
	if (!unixodbc)
		return 99;
	px_dm_detect(NULL, &dm);
	check(dm.kind == PX_DM_UNIXODBC && !strcmp(dm.how, "default"),
	      "both loaded and no caller: nothing guessed");
	f = dlsym(iodbc, "SQLAllocHandle");
	px_dm_detect(f, &dm);
	check(dm.kind == PX_DM_IODBC && !strcmp(dm.how, "caller") &&
	      !strcmp(dm.inst_lib, "libiodbcinst.so.2"),
	      "called from libiodbc: iODBC and libiodbcinst");
	f = dlsym(unixodbc, "SQLAllocHandle");
	px_dm_detect(f, &dm);
	check(dm.kind == PX_DM_UNIXODBC && !strcmp(dm.how, "caller") &&
	      dm.wchar_enc == PX_ENC_UTF16 &&
	      !strcmp(dm.inst_lib, "libodbcinst.so.2"),
	      "called from libodbc: unixODBC, 2-byte SQLWCHAR, libodbcinst");
	check(read_key(&dm, buf, sizeof(buf)) > 0 && !strcmp(buf, "yes"),
	      "unixODBC's installer library reads the DSN");
	check(px_dm_get(f) == px_dm_get(NULL) &&
	      px_dm_get(NULL)->kind == PX_DM_UNIXODBC,
	      "the first answer is kept for the process");
	return failures ? 1 : 0;
}

int main(void)
{
	char ini[4096];
	int ret = 99;

	if (make_ini(ini, sizeof(ini)))
		goto out;
	/* both read the user odbc.ini from $ODBCINI */
	setenv("ODBCINI", ini, 1);
	ret = run();
	unlink(ini);
out:
	return ret;
}
