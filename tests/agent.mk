# The agent (helper/agent*.c) and its tests (tests/t09*). 'make
# check-agent' runs the helper and hook tests again with an agent up
# (TP_AGENT=1, tests/lib/agent.sh): every caller must answer the same.
TP_AGENT_TESTS = \
	tests/t0900-agent-socket.t \
	tests/t0901-agent-coherence.t \
	tests/t0902-agent-renewal.t \
	tests/t0903-agent-units.t \
	tests/t0904-agent-hook-renewal.t \
	tests/t0905-agent-pat-rotation.t
TESTS += $(TP_AGENT_TESTS)
EXTRA_DIST += $(TP_AGENT_TESTS) tests/agent.mk

# The tests that pass with an agent answering (TP_AGENT=1: keyring_start
# starts one, and the attack and client rigs call it). Left out: the
# scripts that start no keyring, where TP_AGENT changes nothing (t0200
# t0201 t0300 t0501 t0504 t0505 t0506 t0600 t0641 t0850 t0851); t0640,
# whose 2,000 stores make the agent read the keyring again and again
# (more than 15 minutes). A caller's own
# TOKENPASS_REFRESH_MARGIN, TOKENPASS_ANSWER_TIMEOUT and
# TOKENPASS_HTTP_TIMEOUT go to the agent with its request (t0203, t0210).
TP_AGENT_MODE_TESTS = \
	tests/t0100-protocol.t \
	tests/t0101-add-pat.t \
	tests/t0102-list-remove.t \
	tests/t0103-keyring-failures.t \
	tests/t0104-hygiene.t \
	tests/t0105-storage.t \
	tests/t0106-git.t \
	tests/t0107-git-t0303.t \
	tests/t0202-login.t \
	tests/t0203-renewal.t \
	tests/t0204-reauth.t \
	tests/t0205-concurrency.t \
	tests/t0206-faults.t \
	tests/t0207-rotate.t \
	tests/t0210-renewal-finishes.t \
	tests/t0211-lock-dir.t \
	tests/t0212-locked-keyring.t \
	tests/t0214-login-listener.t \
	tests/t0215-matching.t \
	tests/t0216-rotate-finishes.t \
	tests/t0301-odbc-pg.t \
	tests/t0302-odbc-pg-errors.t \
	tests/t0303-odbc-leaks.t \
	tests/t0500-check.t \
	tests/t0502-units.t \
	tests/t0503-doctor.t \
	tests/t0510-notify-once.t \
	tests/t0511-quoting.t \
	tests/t0610-crash.t \
	tests/t0620-exposure.t \
	tests/t0630-bad-input.t \
	$(TP_ATTACK_TESTS) \
	$(TP_CLIENT_TESTS) \
	tests/t0852-wchar-data.t
check-agent:
	TP_AGENT=1 $(MAKE) $(AM_MAKEFLAGS) check \
		TESTS='$(TP_AGENT_MODE_TESTS)'
.PHONY: check-agent
