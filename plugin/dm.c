/*
 * Which driver manager loaded the hook, and its installer library. See
 * dm.h; the answer is found once and kept for the life of the process.
 */
#include "config.h"
#include "plugin/dm.h"
#include "plugin/convert.h"

#include <dlfcn.h>
#include <link.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>

#define IODBC_SYMBOL "iodbc_version"
#define UNIXODBC_SYMBOL "uodbc_get_stats"

/* the kind a loaded object says it is, 0 for neither */
static int kind_of_handle(void *h)
{
	int ret = 0;

	if (!h)
		goto out;
	if (dlsym(h, IODBC_SYMBOL))
		ret = PX_DM_IODBC;
	else if (dlsym(h, UNIXODBC_SYMBOL))
		ret = PX_DM_UNIXODBC;
out:
	return ret;
}

static int kind_of_file(const char *path)
{
	void *h;
	int ret = 0;

	if (!path || !*path)
		goto out;
	h = dlopen(path, RTLD_LAZY | RTLD_NOLOAD);
	if (!h)
		goto out;
	ret = kind_of_handle(h);
	dlclose(h);
out:
	return ret;
}

/*
 * A driver manager linked statically into the program (Debian's
 * iodbctest) exports nothing: its own vendor tag among the caller's
 * read-only data tells, "[iODBC]" or "[unixODBC]".
 */
struct tag_search {
	uintptr_t addr;		/* the caller */
	int found;
};

/* is addr inside one of the object's loaded segments */
static int holds(const struct dl_phdr_info *info, uintptr_t addr)
{
	const ElfW(Phdr) *ph;
	uintptr_t start;
	int i;

	for (i = 0; i < info->dlpi_phnum; i++) {
		ph = &info->dlpi_phdr[i];
		start = info->dlpi_addr + ph->p_vaddr;
		if (ph->p_type == PT_LOAD && addr >= start &&
		    addr - start < ph->p_memsz)
			return 1;
	}
	return 0;
}

/*
 * Does the mapped segment [p, p + n) hold tag? A plain loop, not memmem:
 * the segment spans many objects, and a sanitizer in the application
 * would take reading across them for an overflow.
 */
__attribute__((no_sanitize_address))
static int segment_holds(const char *p, size_t n, const char *tag,
			 size_t len)
{
	size_t i, k;

	for (i = 0; i + len <= n; i++) {
		for (k = 0; k < len && p[i + k] == tag[k]; k++)
			;
		if (k == len)
			return 1;
	}
	return 0;
}

static int tag_one(struct dl_phdr_info *info, size_t size, void *data)
{
	static const char iodbc[] = "[iODBC]", unixodbc[] = "[unixODBC]";
	struct tag_search *t = data;
	const char *p;
	size_t n;
	int i;

	if (!holds(info, t->addr))
		return 0;
	for (i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];

		if (ph->p_type != PT_LOAD || (ph->p_flags & PF_W))
			continue;
		p = (const char *)(info->dlpi_addr + ph->p_vaddr);
		n = ph->p_memsz;
		if (segment_holds(p, n, iodbc, sizeof(iodbc) - 1))
			t->found |= PX_DM_IODBC;
		if (segment_holds(p, n, unixodbc, sizeof(unixodbc) - 1))
			t->found |= PX_DM_UNIXODBC;
	}
	return 1;
}

static int from_caller(const void *caller)
{
	struct tag_search t = { (uintptr_t)caller, 0 };
	Dl_info info;
	int ret = 0;

	if (!caller || !dladdr(caller, &info))
		goto out;
	if (info.dli_fname)
		ret = kind_of_file(info.dli_fname);
	if (ret)
		goto out;
	dl_iterate_phdr(tag_one, &t);
	if (t.found == PX_DM_IODBC || t.found == PX_DM_UNIXODBC)
		ret = t.found;
out:
	return ret;
}

static int from_global(void)
{
	int iodbc = dlsym(RTLD_DEFAULT, IODBC_SYMBOL) != NULL;
	int unixodbc = dlsym(RTLD_DEFAULT, UNIXODBC_SYMBOL) != NULL;

	/* both in the global scope: that tells nothing */
	return iodbc == unixodbc ? 0 : iodbc ? PX_DM_IODBC : PX_DM_UNIXODBC;
}

static int loaded_one(struct dl_phdr_info *info, size_t size, void *data)
{
	int *found = data, kind = 0;
	const char *base;

	if (!info->dlpi_name || !*info->dlpi_name)
		return 0;
	base = strrchr(info->dlpi_name, '/');
	base = base ? base + 1 : info->dlpi_name;
	if (!strncmp(base, "libiodbc.so", 11))
		kind = kind_of_file(info->dlpi_name);
	else if (!strncmp(base, "libodbc.so", 10))
		kind = kind_of_file(info->dlpi_name);
	if (kind)
		*found |= kind;
	return 0;
}

static int from_loaded(void)
{
	int found = 0;

	dl_iterate_phdr(loaded_one, &found);
	return found == PX_DM_IODBC || found == PX_DM_UNIXODBC ? found : 0;
}

static void load_installer(struct px_dm *dm)
{
	void *f;

	dm->inst = dlopen(dm->inst_lib, RTLD_LAZY | RTLD_LOCAL);
	if (!dm->inst)
		return;
	f = dlsym(dm->inst, "SQLGetPrivateProfileString");
	memcpy(&dm->get_profile_string, &f, sizeof(f));
}

void px_dm_detect(const void *caller, struct px_dm *dm)
{
	int kind;

	memset(dm, 0, sizeof(*dm));
	dm->how = "caller";
	kind = from_caller(caller);
	if (!kind) {
		dm->how = "global";
		kind = from_global();
	}
	if (!kind) {
		dm->how = "loaded";
		kind = from_loaded();
	}
	if (!kind) {
		dm->how = "default";
		kind = PX_DM_UNIXODBC;
	}
	dm->kind = kind;
	if (kind == PX_DM_IODBC) {
		dm->name = "iODBC";
		dm->wchar_enc = PX_ENC_UTF32;
		dm->inst_lib = "libiodbcinst.so.2";
	} else {
		dm->name = "unixODBC";
		dm->wchar_enc = PX_ENC_UTF16;
		dm->inst_lib = "libodbcinst.so.2";
	}
	load_installer(dm);
}

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct px_dm the_dm;
static int detected;

const struct px_dm *px_dm_get(const void *caller)
{
	if (__atomic_load_n(&detected, __ATOMIC_ACQUIRE))
		return &the_dm;
	pthread_mutex_lock(&lock);
	if (!detected) {
		px_dm_detect(caller, &the_dm);
		__atomic_store_n(&detected, 1, __ATOMIC_RELEASE);
	}
	pthread_mutex_unlock(&lock);
	return &the_dm;
}

int px_dm_profile_string(const char *section, const char *key,
			 const char *def, char *buf, int size,
			 const char *file)
{
	const struct px_dm *dm = px_dm_get(__builtin_return_address(0));
	int ret = -1;

	if (dm->get_profile_string)
		ret = dm->get_profile_string(section, key, def, buf, size,
					     file);
	return ret;
}
