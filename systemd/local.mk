# The agent's user units: systemd listens on the socket and starts the
# agent at the first request (tokenpass agent, helper/agent.c); the agent
# exits when idle and the next request starts it again.
TP_AGENT_UNITS = systemd/tokenpass-agent.socket \
	systemd/tokenpass-agent.service
systemduserunit_DATA += $(TP_AGENT_UNITS)
EXTRA_DIST += systemd/tokenpass-agent.socket.in \
	systemd/tokenpass-agent.service.in systemd/local.mk
CLEANFILES += $(TP_AGENT_UNITS)
systemd/tokenpass-agent.socket: \
		$(srcdir)/systemd/tokenpass-agent.socket.in tp-force
	$(AM_V_GEN)$(tp_edit_unit)
systemd/tokenpass-agent.service: \
		$(srcdir)/systemd/tokenpass-agent.service.in tp-force
	$(AM_V_GEN)$(tp_edit_unit)
