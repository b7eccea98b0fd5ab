/*
 * dm.h: the driver manager that loaded the hook, found at run time, and
 * its installer library.
 *
 * One libtokenpass-odbc.so serves unixODBC and iODBC. They differ in the
 * width of the application's SQLWCHAR (unixODBC: 2-byte UTF-16; iODBC:
 * wchar_t, 4-byte UTF-32 on Linux) and in the installer library that
 * reads odbc.ini and odbcinst.ini (libodbcinst.so.2, libiodbcinst.so.2,
 * which read different files): the hook must read its DSN through the
 * one of the driver manager that loaded it, never a fixed link.
 *
 * Each driver manager exports symbols of its own: iODBC iodbc_version,
 * unixODBC uodbc_get_stats. The library that called the hook first is
 * asked (dladdr on the caller's address), or its vendor tag ("[iODBC]")
 * read when it exports nothing (iODBC linked into the program, as
 * Debian's iodbctest), then the process's global scope, then the list of
 * loaded objects; unixODBC when nothing answers.
 */
#ifndef PX_DM_H
#define PX_DM_H

#ifndef PX_HIDDEN
#define PX_HIDDEN __attribute__((visibility("hidden")))
#endif

enum px_dm_kind {
	PX_DM_UNIXODBC = 1,
	PX_DM_IODBC = 2,
};

typedef int (*px_profile_fn)(const char *section, const char *key,
			     const char *def, char *buf, int size,
			     const char *file);

struct px_dm {
	enum px_dm_kind kind;
	int wchar_enc;		/* PX_ENC_UTF16 or PX_ENC_UTF32 */
	const char *name;	/* "unixODBC" or "iODBC" */
	const char *how;	/* what told: "caller", "global", "loaded", */
				/* "default" */
	const char *inst_lib;	/* its installer library */
	void *inst;		/* dlopen handle of it, or NULL */
	px_profile_fn get_profile_string;	/* from inst, or NULL */
};

/*
 * Detect from scratch (tests): caller is an address inside the code that
 * called the hook, or NULL. Fills dm; never fails (the installer fields
 * stay NULL when its library cannot be loaded).
 */
PX_HIDDEN void px_dm_detect(const void *caller, struct px_dm *dm);

/*
 * The driver manager of this process, detected once on the first call
 * (thread-safe); later callers get the same answer, whatever they pass.
 */
PX_HIDDEN const struct px_dm *px_dm_get(const void *caller);

/*
 * SQLGetPrivateProfileString through the installer library of the
 * driver manager: the length of the value copied into buf, or -1 when
 * that library cannot be loaded.
 */
PX_HIDDEN int px_dm_profile_string(const char *section, const char *key,
				   const char *def, char *buf, int size,
				   const char *file);

#endif
