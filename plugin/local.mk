# libtokenpass-odbc.so: the ODBC connection hook (plugin/). A proxy driver
# module: it exports only SQL*, binds its own symbols (-Bsymbolic, so its
# calls never land in libodbc), and links neither libodbc nor an installer
# library: it reads odbc.ini through the one of the driver manager that
# loaded it (dm.c).

odbcdriver_LTLIBRARIES += plugin/libtokenpass-odbc.la
plugin_libtokenpass_odbc_la_SOURCES = \
	plugin/px.h plugin/entry.c plugin/handles.c plugin/backend.c \
	plugin/connstr.c plugin/dsn.c common/profiles.h common/profiles.c \
	plugin/token.c \
	plugin/helper_client.c plugin/connect.c plugin/diag.c \
	plugin/diag_api.c plugin/util.c \
	plugin/agent.c common/agent_sock.h common/agent_sock.c
plugin_libtokenpass_odbc_la_CPPFLAGS = $(AM_CPPFLAGS) $(ODBC_CFLAGS) \
	-DPX_HELPER_DEFAULT='"$(bindir)/tokenpass"'
plugin_libtokenpass_odbc_la_CFLAGS = $(MODULE_CFLAGS)
plugin_libtokenpass_odbc_la_LDFLAGS = $(MODULE_LINK_FLAGS) \
	-export-symbols-regex '^SQL' -Wl,-Bsymbolic
plugin_libtokenpass_odbc_la_LIBADD = -ldl -lpthread
EXTRA_DIST += plugin/api.def plugin/tokenpass-odbc.ini.in

# Register [tokenpass] in odbcinst.ini. A staged install (DESTDIR) cannot
# touch the target system's odbcinst.ini: the package does that.
install-data-hook: install-odbc-driver-entry
install-odbc-driver-entry:
	@if test "$(ODBC_REGISTER)" != yes; then \
		echo "tokenpass: configured with --disable-odbc-register," \
			"not registering [tokenpass] in odbcinst.ini"; \
	elif test -n "$(DESTDIR)"; then \
		echo "tokenpass: DESTDIR is set, not registering [tokenpass]" \
			"in odbcinst.ini; run 'odbcinst -i -d -f'" \
			"with plugin/tokenpass-odbc.ini on the target"; \
	else \
		sed -e 's|@odbcdriverdir[@]|$(odbcdriverdir)|g' \
			$(top_srcdir)/plugin/tokenpass-odbc.ini.in \
			>plugin/tokenpass-odbc.ini && \
		$(ODBCINST) -i -d -f plugin/tokenpass-odbc.ini && \
		echo "tokenpass: registered [tokenpass] with odbcinst" || \
		exit 1; \
		iodbc=$(IODBC_ODBCINSTINI); \
		unix=$$(env -u ODBCINSTINI $(ODBCINST) -j | \
			sed -n 's/^DRIVERS\.*: *//p'); \
		unix="$${unix%/*}/$${ODBCINSTINI:-odbcinst.ini}"; \
		if test -n "$$iodbc" && test "$$iodbc" != "$$unix" && \
		   ! test "$$iodbc" -ef "$$unix"; then \
			mkdir -p "$${iodbc%/*}" && \
			ODBCSYSINI="$${iodbc%/*}" ODBCINSTINI="$${iodbc##*/}" \
			$(ODBCINST) -i -d -f plugin/tokenpass-odbc.ini && \
			echo "tokenpass: registered [tokenpass] in iODBC's" \
				"$$iodbc"; \
		fi; \
	fi
.PHONY: install-odbc-driver-entry
# iODBC reads an odbcinst.ini of its own: the one 'iodbc-config
# --odbcinstini' names, or IODBC_ODBCINSTINI=FILE on make's command line.
# Where it is unixODBC's (Debian's iODBC reads /etc/odbcinst.ini), the
# entry above is iODBC's already; elsewhere the section goes there too.
# (unixODBC's file: its directory, ODBCSYSINI or 'odbcinst -j''s, and
# ODBCINSTINI's name in it; 'odbcinst -j' misprints it when that is set.)
IODBC_ODBCINSTINI = $$(iodbc-config --odbcinstini 2>/dev/null)
CLEANFILES += plugin/tokenpass-odbc.ini

# The hook's tests: a stub target driver that records what it is given,
# and a small client that shows what an application sees.
check_LTLIBRARIES += tests/odbc-stub/libtpstub.la
tests_odbc_stub_libtpstub_la_SOURCES = tests/odbc-stub/stub.c
tests_odbc_stub_libtpstub_la_CPPFLAGS = $(AM_CPPFLAGS) $(ODBC_CFLAGS)
tests_odbc_stub_libtpstub_la_CFLAGS = $(MODULE_CFLAGS)
# -rpath: a shared module, not a convenience library
tests_odbc_stub_libtpstub_la_LDFLAGS = $(MODULE_LINK_FLAGS) \
	-rpath $(abs_builddir)/tests/odbc-stub

check_PROGRAMS += tests/odbc-stub/tp-odbc-client
tests_odbc_stub_tp_odbc_client_SOURCES = tests/odbc-stub/client.c
tests_odbc_stub_tp_odbc_client_CPPFLAGS = $(AM_CPPFLAGS) $(ODBC_CFLAGS)
tests_odbc_stub_tp_odbc_client_LDADD = $(ODBC_LIBS)

TESTS += tests/t0300-odbc-stub.t
TESTS += tests/t0301-odbc-pg.t
TESTS += tests/t0302-odbc-pg-errors.t
TESTS += tests/t0303-odbc-leaks.t
EXTRA_DIST += tests/t0300-odbc-stub.t tests/t0301-odbc-pg.t \
	tests/t0302-odbc-pg-errors.t tests/t0303-odbc-leaks.t

# The connect benchmark (bench/odbc-connect.sh): 'make bench-odbc' builds
# it; never built by 'make all' or 'make check'.
bench/odbc-connect$(EXEEXT): $(top_srcdir)/bench/odbc-connect.c
	@mkdir -p bench
	$(AM_V_CC)$(CC) $(AM_CPPFLAGS) $(ODBC_CFLAGS) $(AM_CFLAGS) $(CFLAGS) \
		-o $@ $(top_srcdir)/bench/odbc-connect.c $(ODBC_LIBS)
bench-odbc: bench/odbc-connect$(EXEEXT) plugin/libtokenpass-odbc.la \
	tokenpass$(EXEEXT)
.PHONY: bench-odbc
EXTRA_DIST += bench/odbc-connect.c bench/odbc-connect.sh bench/instant-helper.c
CLEANFILES += bench/odbc-connect$(EXEEXT)

# Attribute types, the driver manager of the process, and W/A and 2-/4-byte
# SQLWCHAR conversion generated from wfuncs.def (issue 10): leaves, each
# with its C unit test, run under ASan in the sanitizer build.
plugin_libtokenpass_odbc_la_SOURCES += plugin/attrs.h plugin/attrs.c \
	plugin/convert.h plugin/convert.c plugin/dm.h plugin/dm.c \
	plugin/spawn.h plugin/spawn.c plugin/wdata.c
EXTRA_DIST += plugin/wfuncs.def

TP_PLUGIN_UNIT_TESTS = tests/unit/test-convert tests/unit/test-dm \
	tests/unit/test-spawn
check_PROGRAMS += $(TP_PLUGIN_UNIT_TESTS) tests/odbc-stub/tp-fake-helper
TESTS += $(TP_PLUGIN_UNIT_TESTS)
tests_unit_test_convert_SOURCES = tests/unit/test-convert.c \
	plugin/convert.c plugin/attrs.c
tests_unit_test_convert_CPPFLAGS = $(AM_CPPFLAGS) $(ODBC_CFLAGS)
tests_unit_test_dm_SOURCES = tests/unit/test-dm.c plugin/dm.c
tests_unit_test_dm_CPPFLAGS = $(AM_CPPFLAGS) $(ODBC_CFLAGS)
tests_unit_test_dm_LDADD = -ldl -lpthread
tests_unit_test_spawn_SOURCES = tests/unit/test-spawn.c plugin/spawn.c
# a stand-in helper that reports how it was started (spawn hygiene)
tests_odbc_stub_tp_fake_helper_SOURCES = tests/odbc-stub/fake-helper.c
# the stub again without any W function, as psqlodbca.so
check_LTLIBRARIES += tests/odbc-stub/libtpstuba.la
tests_odbc_stub_libtpstuba_la_SOURCES = tests/odbc-stub/stub.c
tests_odbc_stub_libtpstuba_la_CPPFLAGS = $(AM_CPPFLAGS) $(ODBC_CFLAGS) \
	-DSTUB_ANSI
tests_odbc_stub_libtpstuba_la_CFLAGS = $(MODULE_CFLAGS)
tests_odbc_stub_libtpstuba_la_LDFLAGS = $(MODULE_LINK_FLAGS) \
	-rpath $(abs_builddir)/tests/odbc-stub
# sets every attribute through a driver manager or the hook itself
check_PROGRAMS += tests/odbc-stub/tp-attr-sweep
tests_odbc_stub_tp_attr_sweep_SOURCES = tests/odbc-stub/attr-sweep.c
tests_odbc_stub_tp_attr_sweep_CPPFLAGS = $(AM_CPPFLAGS) $(ODBC_CFLAGS)
tests_odbc_stub_tp_attr_sweep_LDADD = -ldl
TESTS += tests/t0850-odbc-attrs.t tests/t0851-odbc-spawn.t
EXTRA_DIST += tests/t0850-odbc-attrs.t tests/t0851-odbc-spawn.t

# SQL_C_WCHAR bound columns and parameters (wdata.c): one client, built
# for unixODBC (2-byte SQLWCHAR) and for iODBC (wchar_t, as tp-iodbc-w)
check_PROGRAMS += tests/clients/tp-wchar-data tests/clients/tp-wchar-data-4
tests_clients_tp_wchar_data_SOURCES = tests/clients/wchar-data.c
tests_clients_tp_wchar_data_CPPFLAGS = $(AM_CPPFLAGS) $(ODBC_CFLAGS)
tests_clients_tp_wchar_data_LDADD = $(ODBC_LIBS)
tests_clients_tp_wchar_data_4_SOURCES = tests/clients/wchar-data.c
tests_clients_tp_wchar_data_4_CPPFLAGS = $(AM_CPPFLAGS) $(ODBC_CFLAGS) \
	-DSQL_WCHART_CONVERT
tests_clients_tp_wchar_data_4_LDADD = -l:libiodbc.so.2
TESTS += tests/t0852-wchar-data.t
EXTRA_DIST += tests/t0852-wchar-data.t
