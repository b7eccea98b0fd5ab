/*
 * The real drivers: resolve TargetDriver to a library, dlopen each once
 * per process and look up every entry point of api.def in it.
 *
 * Several real drivers may serve one process (a BI server talks to
 * several databases): each library gets its own struct px_backend, kept
 * for the life of the process, and handles.c maps statement and
 * descriptor handles to theirs. A failed load changes nothing for anyone
 * else. A library is never closed (it may have started threads;
 * unixODBC's DontDLClose does the same).
 */
#include "config.h"
#include "plugin/px.h"

#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
/* every loaded driver, newest first; entries are never removed */
static struct px_backend *loaded;
static int loaded_nr;

#define PX_FN(kind, name, id, params, args) \
	{ #name, offsetof(struct px_backend, name) },
static const struct {
	const char *name;
	size_t off;
} entry_points[] = {
#include "plugin/api.def"
};
#undef PX_FN

struct px_backend *px_backend_only(void)
{
	struct px_backend *be = __atomic_load_n(&loaded, __ATOMIC_ACQUIRE);

	return __atomic_load_n(&loaded_nr, __ATOMIC_ACQUIRE) == 1 ? be : NULL;
}

char *px_backend_resolve(const char *target, struct px_diag *diag)
{
	char buf[4096];
	char *ret = NULL;
	int n;

	if (target[0] == '/') {
		ret = strdup(target);
		goto out;
	}
	n = px_dm_profile_string(target, "Driver64", "", buf, sizeof(buf),
				 "odbcinst.ini");
	if (n <= 0)
		n = px_dm_profile_string(target, "Driver", "", buf,
					 sizeof(buf), "odbcinst.ini");
	if (n <= 0) {
		px_diag_post(diag, "IM003", "[tokenpass] target driver '%s' "
			     "is not in odbcinst.ini; set TargetDriver to a "
			     "driver name from 'odbcinst -q -d' or to the "
			     "path of the driver library", target);
		goto out;
	}
	ret = strdup(buf);
out:
	if (!ret && !diag->nr)
		px_diag_post(diag, "HY001", "[tokenpass] out of memory");
	return ret;
}

/* dlsym every name; the hook's own exports never count as the target's */
static int fill(struct px_backend *be, struct px_diag *diag)
{
	static const char *const required[] = {
		"SQLAllocHandle", "SQLFreeHandle", "SQLDisconnect",
	};
	size_t i;
	int ret = -1;

	for (i = 0; i < sizeof(entry_points) / sizeof(*entry_points); i++) {
		void *f = dlsym(be->dl, entry_points[i].name);

		memcpy((char *)be + entry_points[i].off, &f, sizeof(f));
	}
	if (be->SQLAllocHandle == SQLAllocHandle) {
		px_diag_post(diag, "IM003", "[tokenpass] the target driver "
			     "'%s' is the tokenpass hook itself; set "
			     "TargetDriver to the real driver", be->path);
		goto out;
	}
	for (i = 0; i < sizeof(required) / sizeof(*required); i++) {
		if (!dlsym(be->dl, required[i])) {
			px_diag_post(diag, "IM001", "[tokenpass] the target "
				     "driver '%s' has no %s", be->path,
				     required[i]);
			goto out;
		}
	}
	if (!be->SQLDriverConnect && !be->SQLDriverConnectW) {
		px_diag_post(diag, "IM001", "[tokenpass] the target driver "
			     "'%s' has no SQLDriverConnect", be->path);
		goto out;
	}
	ret = 0;
out:
	return ret;
}

struct px_backend *px_backend_load(const char *path, struct px_diag *diag)
{
	struct px_backend *be = NULL, *ret = NULL;
	const char *err;

	pthread_mutex_lock(&lock);
	for (ret = loaded; ret; ret = ret->next)
		if (!strcmp(ret->path, path))
			goto out;
	be = calloc(1, sizeof(*be));
	if (!be || !(be->path = strdup(path))) {
		px_diag_post(diag, "HY001", "[tokenpass] out of memory");
		goto out;
	}
	dlerror();
	be->dl = dlopen(path, RTLD_LAZY | RTLD_LOCAL);
	if (!be->dl) {
		err = dlerror();
		px_diag_post(diag, "IM003", "[tokenpass] cannot load the "
			     "target driver '%s': %s", path,
			     err ? err : "unknown error");
		goto out;
	}
	if (fill(be, diag))
		goto out;
	be->next = loaded;
	__atomic_store_n(&loaded, be, __ATOMIC_RELEASE);
	__atomic_store_n(&loaded_nr, loaded_nr + 1, __ATOMIC_RELEASE);
	ret = be;
	be = NULL;
out:
	pthread_mutex_unlock(&lock);
	if (be) {
		/* a failed load: the library stays mapped, never closed */
		free(be->path);
		free(be);
	}
	return ret;
}
