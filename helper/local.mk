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
	helper/cmd_driver.c helper/snowflake.h helper/snowflake.c \
	common/profiles.h common/profiles.c
helper_libtp_a_CFLAGS = $(AM_CFLAGS) $(SECRET_CFLAGS) $(CURL_CFLAGS) \
	$(CJSON_CFLAGS)
helper_libtp_a_CPPFLAGS = $(AM_CPPFLAGS) \
	-DTP_ODBC_HOOK='"$(odbcdriverdir)/libtokenpass-odbc.so"'

# libcurl is loaded with dlopen when needed (helper/http.h says why).
TP_LIBS = helper/libtp.a $(SECRET_LIBS) $(CJSON_LIBS) -ldl -lm

bin_PROGRAMS += tokenpass
tokenpass_SOURCES = helper/main.c
tokenpass_CFLAGS = $(helper_libtp_a_CFLAGS)
tokenpass_LDADD = $(TP_LIBS)

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
git-credential-tokenpass: tokenpass$(EXEEXT)
	$(AM_V_GEN)rm -f $@ && $(LN_S) tokenpass$(EXEEXT) $@
CLEANFILES += git-credential-tokenpass
