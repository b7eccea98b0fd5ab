# tokenpass: the credential helper (helper/).

noinst_LIBRARIES += helper/libtp.a
helper_libtp_a_SOURCES = \
	helper/tokenpass.h helper/util.c \
	helper/secmem.h helper/secmem.c \
	helper/record.h helper/record.c \
	helper/credential.h helper/credential.c \
	helper/keyring.h helper/keyring.c \
	helper/prompt.h helper/prompt.c \
	helper/http.h helper/http.c \
	helper/oauth.h helper/oauth.c \
	helper/lifecycle.h helper/lifecycle.c \
	helper/commands.h helper/proto.c helper/cmd_pat.c helper/cmd_list.c \
	helper/cmd_login.c helper/cmd_refresh.c \
	helper/cmd_check.c helper/cmd_doctor.c helper/cmd_schedule.c \
	helper/cmd_unlock.c helper/loopback.h helper/loopback.c \
	helper/status.h helper/status.c helper/rotate.h helper/rotate.c \
	helper/options.h helper/options.c \
	helper/cmd_driver.c helper/snowflake.h helper/snowflake.c \
	common/profiles.h common/profiles.c \
	helper/headless.h helper/headless.c helper/cmd_headless.c \
	helper/run.h helper/run.c helper/remind.h helper/remind.c
# the agent (helper/agent.h) and its socket's client side (common/)
helper_libtp_a_SOURCES += $(TP_AGENT_SOURCES)
TP_AGENT_SOURCES = helper/agent.h helper/agent_int.h helper/agent.c \
	helper/agent_cache.c helper/agent_jobs.c helper/agent_secmem.c \
	helper/agent_client.c common/agent_sock.h common/agent_sock.c
helper_libtp_a_CFLAGS = $(AM_CFLAGS) $(SECRET_CFLAGS) $(CURL_CFLAGS) \
	$(CJSON_CFLAGS)
# headless setup writes ExecStart= with the installed front's directory
helper_libtp_a_CPPFLAGS = $(AM_CPPFLAGS) -DTP_BINDIR='"$(bindir)"' \
	-DTP_ODBC_HOOK='"$(odbcdriverdir)/libtokenpass-odbc.so"'

# libcurl is loaded with dlopen when needed (helper/http.h says why).
TP_LIBS = helper/libtp.a $(SECRET_LIBS) $(CJSON_LIBS) -ldl -lm

# tokenpass is a thin front (libc only) that answers 'get' through the
# agent and hands everything else to tokenpass-core (helper/front.c).
bin_PROGRAMS += tokenpass
tokenpass_SOURCES = helper/front.c common/agent_sock.h common/agent_sock.c
tokenpass_CPPFLAGS = $(AM_CPPFLAGS) \
	-DTP_CORE_PATH='"$(pkglibexecdir)/tokenpass-core"' \
	-DTP_BINDIR='"$(bindir)"'
pkglibexec_PROGRAMS = tokenpass-core
tokenpass_core_SOURCES = helper/main.c
tokenpass_core_CFLAGS = $(helper_libtp_a_CFLAGS)
tokenpass_core_LDADD = $(TP_LIBS)

# git runs 'git credential-tokenpass' for credential.helper=tokenpass.
install-exec-hook: install-git-credential-link
install-git-credential-link:
	cd $(DESTDIR)$(bindir) && \
	rm -f git-credential-tokenpass && \
	$(LN_S) tokenpass git-credential-tokenpass
uninstall-hook: uninstall-git-credential-link
uninstall-git-credential-link:
	rm -f $(DESTDIR)$(bindir)/git-credential-tokenpass
.PHONY: install-git-credential-link uninstall-git-credential-link

# The same link in the build tree, for the tests and the demo.
all-local: git-credential-tokenpass
git-credential-tokenpass: tokenpass$(EXEEXT) tokenpass-core$(EXEEXT)
	$(AM_V_GEN)rm -f $@ && $(LN_S) tokenpass$(EXEEXT) $@
CLEANFILES += git-credential-tokenpass

# The system units 'tokenpass headless setup' installs, built into the
# executable from systemd/ (helper/headless.h: headless_units).
TP_HEADLESS_UNITS = systemd/tokenpass-agent@.service.in \
	systemd/tokenpass-refresh@.service.in \
	systemd/tokenpass-refresh@.timer.in
EXTRA_DIST += $(TP_HEADLESS_UNITS)
nodist_helper_libtp_a_SOURCES = helper/headless-units.c
CLEANFILES += helper/headless-units.c
helper/headless-units.c: $(srcdir)/systemd/tokenpass-agent@.service.in \
		$(srcdir)/systemd/tokenpass-refresh@.service.in \
		$(srcdir)/systemd/tokenpass-refresh@.timer.in
	$(AM_V_GEN)$(MKDIR_P) helper && { \
	echo '/* Made by make from systemd/: headless setup'"'"'s units. */'; \
	echo '#include "helper/headless.h"'; \
	echo '#include <stddef.h>'; \
	echo 'const struct headless_unit headless_units[] = {'; \
	for f in $(TP_HEADLESS_UNITS); do \
		echo "	{ \"`basename $$f .in`\","; \
		sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/	  "/' \
			-e 's/$$/\\n"/' $(srcdir)/$$f || exit 1; \
		echo '	},'; \
	done; \
	echo '	{ NULL, NULL }'; \
	echo '};'; } >$@.tmp && mv -f $@.tmp $@
