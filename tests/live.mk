# Living with tokens: check, schedule and doctor around the helper, the
# systemd user units of the renewal timer, the bash completion, the man
# pages, and their tests (tests/t05*).

# The timer and its service, with the real bindir.
TP_UNITS = systemd/tokenpass-refresh.service systemd/tokenpass-refresh.timer
systemduserunit_DATA = $(TP_UNITS)
EXTRA_DIST += systemd/tokenpass-refresh.service.in \
	systemd/tokenpass-refresh.timer.in
CLEANFILES += $(TP_UNITS)
# Made at every make, so that 'make install prefix=...' gets its own bindir;
# the file changes only when its text does.
tp_edit_unit = $(MKDIR_P) systemd && \
	sed -e 's|@bindir[@]|$(bindir)|g' $(srcdir)/$@.in >$@.tmp && \
	if cmp -s $@.tmp $@; then rm -f $@.tmp; else mv -f $@.tmp $@; fi
systemd/tokenpass-refresh.service: \
		$(srcdir)/systemd/tokenpass-refresh.service.in tp-force
	$(AM_V_GEN)$(tp_edit_unit)
systemd/tokenpass-refresh.timer: \
		$(srcdir)/systemd/tokenpass-refresh.timer.in tp-force
	$(AM_V_GEN)$(tp_edit_unit)
tp-force:
.PHONY: tp-force

# Completes what 'tokenpass --help' lists, read at completion time.
dist_bashcompletion_DATA = completion/tokenpass

man_MANS += doc/tokenpass.1 doc/tokenpass-odbc.7
EXTRA_DIST += doc/tokenpass.1 doc/tokenpass-odbc.7

# A desktop notification server for the tests of 'check --notify'.
check_PROGRAMS += tests/unit/notify-server
tests_unit_notify_server_SOURCES = tests/unit/notify-server.c
tests_unit_notify_server_CFLAGS = $(AM_CFLAGS) $(SECRET_CFLAGS)
tests_unit_notify_server_LDADD = $(SECRET_LIBS)

TP_LIVE_TESTS = \
	tests/t0500-check.t \
	tests/t0501-schedule.t \
	tests/t0502-units.t \
	tests/t0503-doctor.t \
	tests/t0504-docs.t \
	tests/t0505-install.t \
	tests/t0506-driver.t
TESTS += $(TP_LIVE_TESTS)
EXTRA_DIST += $(TP_LIVE_TESTS)
