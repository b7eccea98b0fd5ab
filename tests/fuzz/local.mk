# Fuzz targets (tests/fuzz/): libFuzzer programs, built with clang by
# 'make fuzz-build' and run by 'make fuzz', never by 'make all'. The
# project builds with $(CC); these rules call clang themselves, the way
# bench-odbc calls $(CC), on just the sources each parser needs.
#
#   make fuzz [FUZZ_SECONDS=60]    each target for FUZZ_SECONDS against a
#                                  copy of its seeds (tests/fuzz/run/NAME
#                                  in the build tree); fails on a crash
#
# Crashing inputs land in tests/fuzz/NAME-crash-* (build tree); the log
# of each run in tests/fuzz/NAME.log. t0600 runs every seed once.

FUZZ_CC = clang
FUZZ_SECONDS = 60
FUZZ_TARGETS = credential connstr oauth record snowflake loopback
FUZZ_CFLAGS = -std=c11 -g -O1 -fno-omit-frame-pointer \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
	-Wall -Wextra -Wno-unused-parameter -D_GNU_SOURCE \
	-I$(top_builddir) -I$(top_srcdir)
FUZZ_EXES = tests/fuzz/fuzz-credential$(EXEEXT) \
	tests/fuzz/fuzz-connstr$(EXEEXT) tests/fuzz/fuzz-oauth$(EXEEXT) \
	tests/fuzz/fuzz-record$(EXEEXT) tests/fuzz/fuzz-snowflake$(EXEEXT) \
	tests/fuzz/fuzz-loopback$(EXEEXT)

# The helper's parsers: the JSON ones need cJSON, and http.c (which
# oauth.c and snowflake.c call) only libcurl's headers, since it loads
# libcurl with dlopen.
FUZZ_HELPER = $(top_srcdir)/helper/util.c $(top_srcdir)/helper/secmem.c \
	$(top_srcdir)/helper/record.c $(top_srcdir)/helper/credential.c \
	$(top_srcdir)/helper/http.c $(top_srcdir)/helper/oauth.c \
	$(top_srcdir)/helper/snowflake.c $(top_srcdir)/helper/loopback.c
FUZZ_HELPER_DEPS = $(FUZZ_HELPER) $(top_srcdir)/helper/tokenpass.h \
	$(top_srcdir)/helper/secmem.h $(top_srcdir)/helper/record.h \
	$(top_srcdir)/helper/credential.h $(top_srcdir)/helper/http.h \
	$(top_srcdir)/helper/oauth.h $(top_srcdir)/helper/snowflake.h \
	$(top_srcdir)/helper/loopback.h $(top_srcdir)/tests/fuzz/fuzz.h \
	config.h
FUZZ_HELPER_LINK = $(FUZZ_CC) $(FUZZ_CFLAGS) $(CJSON_CFLAGS) \
	$(CURL_CFLAGS) -o $@
FUZZ_HELPER_LIBS = $(FUZZ_HELPER) $(CJSON_LIBS) -ldl -lm

# The hook's connection strings (connstr.c) link with the rest of the
# module (diagnostics, the helper, the target driver, whose loader compares
# with the hook's own SQL* entry points) and libodbcinst: all of it, but
# never libodbc.
FUZZ_PLUGIN = $(top_srcdir)/plugin/connstr.c $(top_srcdir)/plugin/util.c \
	$(top_srcdir)/plugin/connect.c $(top_srcdir)/plugin/dsn.c \
	$(top_srcdir)/common/profiles.c $(top_srcdir)/plugin/token.c \
	$(top_srcdir)/plugin/handles.c $(top_srcdir)/plugin/diag.c \
	$(top_srcdir)/plugin/diag_api.c $(top_srcdir)/plugin/backend.c \
	$(top_srcdir)/plugin/helper_client.c $(top_srcdir)/plugin/entry.c \
	$(top_srcdir)/plugin/agent.c $(top_srcdir)/common/agent_sock.c \
	$(top_srcdir)/plugin/attrs.c $(top_srcdir)/plugin/convert.c \
	$(top_srcdir)/plugin/dm.c $(top_srcdir)/plugin/spawn.c \
	$(top_srcdir)/plugin/wdata.c
FUZZ_PLUGIN_DEPS = $(FUZZ_PLUGIN) $(top_srcdir)/plugin/px.h \
	$(top_srcdir)/common/profiles.h $(top_srcdir)/common/agent_sock.h \
	$(top_srcdir)/plugin/api.def $(top_srcdir)/plugin/wfuncs.def \
	$(top_srcdir)/plugin/attrs.h $(top_srcdir)/plugin/convert.h \
	$(top_srcdir)/plugin/dm.h $(top_srcdir)/plugin/spawn.h \
	$(top_srcdir)/tests/fuzz/fuzz.h config.h

tests/fuzz/fuzz-credential$(EXEEXT): \
		$(top_srcdir)/tests/fuzz/fuzz-credential.c $(FUZZ_HELPER_DEPS)
	@mkdir -p tests/fuzz
	$(AM_V_CC)$(FUZZ_HELPER_LINK) \
		$(top_srcdir)/tests/fuzz/fuzz-credential.c $(FUZZ_HELPER_LIBS)
tests/fuzz/fuzz-oauth$(EXEEXT): \
		$(top_srcdir)/tests/fuzz/fuzz-oauth.c $(FUZZ_HELPER_DEPS)
	@mkdir -p tests/fuzz
	$(AM_V_CC)$(FUZZ_HELPER_LINK) \
		$(top_srcdir)/tests/fuzz/fuzz-oauth.c $(FUZZ_HELPER_LIBS)
tests/fuzz/fuzz-record$(EXEEXT): \
		$(top_srcdir)/tests/fuzz/fuzz-record.c $(FUZZ_HELPER_DEPS)
	@mkdir -p tests/fuzz
	$(AM_V_CC)$(FUZZ_HELPER_LINK) \
		$(top_srcdir)/tests/fuzz/fuzz-record.c $(FUZZ_HELPER_LIBS)
tests/fuzz/fuzz-snowflake$(EXEEXT): \
		$(top_srcdir)/tests/fuzz/fuzz-snowflake.c $(FUZZ_HELPER_DEPS)
	@mkdir -p tests/fuzz
	$(AM_V_CC)$(FUZZ_HELPER_LINK) \
		$(top_srcdir)/tests/fuzz/fuzz-snowflake.c $(FUZZ_HELPER_LIBS)
tests/fuzz/fuzz-loopback$(EXEEXT): \
		$(top_srcdir)/tests/fuzz/fuzz-loopback.c $(FUZZ_HELPER_DEPS)
	@mkdir -p tests/fuzz
	$(AM_V_CC)$(FUZZ_HELPER_LINK) \
		$(top_srcdir)/tests/fuzz/fuzz-loopback.c $(FUZZ_HELPER_LIBS)
tests/fuzz/fuzz-connstr$(EXEEXT): \
		$(top_srcdir)/tests/fuzz/fuzz-connstr.c $(FUZZ_PLUGIN_DEPS)
	@mkdir -p tests/fuzz
	$(AM_V_CC)$(FUZZ_CC) $(FUZZ_CFLAGS) $(ODBC_CFLAGS) -o $@ \
		$(top_srcdir)/tests/fuzz/fuzz-connstr.c $(FUZZ_PLUGIN) \
		$(ODBCINST_LIBS) -ldl -lpthread

fuzz-build: $(FUZZ_EXES)

fuzz: fuzz-build
	@fail=; for t in $(FUZZ_TARGETS); do \
		run=tests/fuzz/run/$$t; \
		rm -rf $$run && mkdir -p $$run && \
		cp $(top_srcdir)/tests/fuzz/corpus/$$t/* $$run/ || exit 1; \
		dict=$(top_srcdir)/tests/fuzz/$$t.dict; \
		test -f $$dict && opt=-dict=$$dict || opt=; \
		echo "  FUZZ     $$t for $(FUZZ_SECONDS) s"; \
		if ./tests/fuzz/fuzz-$$t $$opt \
			-max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 \
			-artifact_prefix=tests/fuzz/$$t- $$run \
			>tests/fuzz/$$t.log 2>&1; then \
			grep -E '^#[0-9]+[[:space:]]+DONE' tests/fuzz/$$t.log | tail -1; \
			grep -E 'stat::(number_of_executed_units|average_exec_per_sec)' \
				tests/fuzz/$$t.log; \
		else \
			fail="$$fail $$t"; tail -40 tests/fuzz/$$t.log; \
		fi; \
	done; \
	if test -n "$$fail"; then \
		echo "fuzz: crashed:$$fail (tests/fuzz/NAME.log and the" \
			"NAME-crash-* inputs in the build tree)" >&2; \
		exit 1; \
	fi

fuzz-clean:
	rm -rf tests/fuzz/run
	rm -f tests/fuzz/*.log tests/fuzz/*-crash-* tests/fuzz/*-leak-* \
		tests/fuzz/*-timeout-* tests/fuzz/*-oom-* tests/fuzz/*-slow-unit-*
clean-local: fuzz-clean
.PHONY: fuzz fuzz-build fuzz-clean
CLEANFILES += $(FUZZ_EXES)

TESTS += tests/t0600-fuzz-corpus.t
EXTRA_DIST += tests/t0600-fuzz-corpus.t tests/fuzz/fuzz.h \
	tests/fuzz/fuzz-credential.c tests/fuzz/fuzz-connstr.c \
	tests/fuzz/fuzz-oauth.c tests/fuzz/fuzz-record.c \
	tests/fuzz/fuzz-snowflake.c tests/fuzz/fuzz-loopback.c \
	tests/fuzz/corpus tests/fuzz/loopback.dict \
	tests/fuzz/credential.dict tests/fuzz/connstr.dict \
	tests/fuzz/oauth.dict tests/fuzz/record.dict tests/fuzz/snowflake.dict
