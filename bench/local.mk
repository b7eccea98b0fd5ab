# Benchmarks: built by 'make bench', never by 'make check'.

# bench/get.sh: 'tokenpass get' against git-credential-libsecret and
# secret-tool on one private keyring (make bench-get).
bench-get: tokenpass$(EXEEXT) tokenpass-core$(EXEEXT)
	TP_BUILD_DIR='$(abs_top_builddir)' bash $(top_srcdir)/bench/get.sh
.PHONY: bench-get
EXTRA_DIST += bench/get.sh bench/renew.sh

# bench/headless.sh: the headless agent of a test service account
# (tokenpass get against the keyring and git-credential-libsecret, ODBC
# connects through the hook), as root (make bench-headless).
bench-headless: tokenpass$(EXEEXT) tokenpass-core$(EXEEXT)
	TP_BUILD_DIR='$(abs_top_builddir)' bash $(top_srcdir)/bench/headless.sh
.PHONY: bench-headless
EXTRA_DIST += bench/headless.sh bench/headless-loop.sh
