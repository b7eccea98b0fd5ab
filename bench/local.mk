# Benchmarks: built by 'make bench', never by 'make check'.

# bench/get.sh: 'tokenpass get' against git-credential-libsecret and
# secret-tool on one private keyring (make bench-get).
bench-get: tokenpass$(EXEEXT) tokenpass-core$(EXEEXT)
	TP_BUILD_DIR='$(abs_top_builddir)' bash $(top_srcdir)/bench/get.sh
.PHONY: bench-get
EXTRA_DIST += bench/get.sh bench/renew.sh
