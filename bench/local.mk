# Benchmarks: built by 'make bench', never by 'make check'.

# bench/get.sh: 'tokenpass get' against git-credential-libsecret and
# secret-tool on one private keyring (make bench-get).
bench-get: tokenpass$(EXEEXT) tokenpass-core$(EXEEXT)
	TP_BUILD_DIR='$(abs_top_builddir)' bash $(top_srcdir)/bench/get.sh
.PHONY: bench-get
EXTRA_DIST += bench/get.sh bench/renew.sh

# bench/agent.sh: the agent against git's credential helpers and the
# plain psqlODBC connect (make bench-agent).
bench/agent-load$(EXEEXT): $(top_srcdir)/bench/agent-load.c \
		$(top_srcdir)/common/agent_sock.c
	@mkdir -p bench
	$(AM_V_CC)$(CC) $(AM_CPPFLAGS) $(AM_CFLAGS) $(CFLAGS) -O2 -o $@ \
		$(top_srcdir)/bench/agent-load.c \
		$(top_srcdir)/common/agent_sock.c -lpthread
bench-agent: bench/agent-load$(EXEEXT) bench-odbc tokenpass$(EXEEXT) \
		tokenpass-core$(EXEEXT) tests/unit/tp-bulk-store$(EXEEXT) \
		tests/odbc-stub/libtpstub.la
	TP_BUILD_DIR='$(abs_top_builddir)' bash $(top_srcdir)/bench/agent.sh
.PHONY: bench-agent
EXTRA_DIST += bench/agent.sh bench/agent-load.c bench/agent-syscalls.sh \
	bench/instant-agent.c
CLEANFILES += bench/agent-load$(EXEEXT)
# bench/headless.sh: the headless agent of a test service account
# (tokenpass get against the keyring and git-credential-libsecret, ODBC
# connects through the hook), as root (make bench-headless).
bench-headless: tokenpass$(EXEEXT) tokenpass-core$(EXEEXT)
	TP_BUILD_DIR='$(abs_top_builddir)' bash $(top_srcdir)/bench/headless.sh
.PHONY: bench-headless
EXTRA_DIST += bench/headless.sh bench/headless-loop.sh
