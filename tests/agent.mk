# The agent (helper/agent*.c) and its tests (tests/t09*). 'make
# check-agent' runs the helper and hook tests again with an agent up
# (TP_AGENT=1, tests/lib/agent.sh): every caller must answer the same.
TP_AGENT_TESTS = \
	tests/t0900-agent-socket.t \
	tests/t0901-agent-coherence.t
TESTS += $(TP_AGENT_TESTS)
EXTRA_DIST += $(TP_AGENT_TESTS) tests/agent.mk

# the tests that pass with an agent answering (see the note in agent.sh)
TP_AGENT_MODE_TESTS = $(TP_HELPER_TESTS)
check-agent:
	TP_AGENT=1 $(MAKE) $(AM_MAKEFLAGS) check \
		TESTS='$(TP_AGENT_MODE_TESTS)'
.PHONY: check-agent
