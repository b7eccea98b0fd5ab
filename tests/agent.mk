# The agent (helper/agent*.c) and its tests (tests/t09*). 'make
# check-agent' runs the helper and hook tests again with an agent up
# (TP_AGENT=1, tests/lib/agent.sh): every caller must answer the same.
TP_AGENT_TESTS = \
	tests/t0900-agent-socket.t \
	tests/t0901-agent-coherence.t \
	tests/t0902-agent-renewal.t \
	tests/t0903-agent-units.t \
	tests/t0904-agent-pat-rotation.t
TESTS += $(TP_AGENT_TESTS)
EXTRA_DIST += $(TP_AGENT_TESTS) tests/agent.mk

# The tests that pass with an agent answering. The rest of
# TP_HELPER_TESTS set TOKENPASS_NOW per command (the agent keeps its own
# clock), take the bus away from one client only (the agent still reads
# the keyring), or compare list's output, which then names the agent.
TP_AGENT_MODE_TESTS = tests/t0101-add-pat.t tests/t0103-keyring-failures.t \
	tests/t0105-storage.t tests/t0300-odbc-stub.t tests/t0301-odbc-pg.t
check-agent:
	TP_AGENT=1 $(MAKE) $(AM_MAKEFLAGS) check \
		TESTS='$(TP_AGENT_MODE_TESTS)'
.PHONY: check-agent
