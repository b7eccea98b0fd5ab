/*
 * The agent (SPEC.md, "The agent"): a per-user daemon that holds every
 * credential's current token in locked memory, follows the keyring's
 * signals, renews ahead of time and answers 'tokenpass get' requests on a
 * Unix socket (common/agent_sock.h has the exchange).
 *
 *   agent.c          the socket, the clients, the main loop, idle exit
 *   agent_cache.c    what the keyring holds, in locked memory; answers
 *   agent_jobs.c     child processes: a delegated get, a renewal, check
 *   agent_secmem.c   locked, never-dumped memory for the secrets
 *   agent_client.c   the agent's state for list, check and doctor
 *
 * Besides the git credential protocol, a request that starts with
 * "tokenpass_op=status" gets the agent's state (no secret):
 *
 *   agent_pid=N
 *   agent_state=ready | locked | unavailable
 *   credential=HOST<TAB>USER<TAB>DSN<TAB>LAST<TAB>NEXT    (Unix seconds;
 *                                      LAST: its last renewal by anyone,
 *                                      NEXT: the agent's next, 0: none)
 *   tokenpass_exit=0
 */
#ifndef AGENT_H
#define AGENT_H

#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>
#include <time.h>

int cmd_agent(int argc, char **argv);

/* agent_secmem.c: locked memory (mlock, MADV_DONTDUMP), wiped on free. */
char *agent_secmem_strdup(const char *s);	/* NULL for NULL */
void agent_secmem_free(char *s);		/* NULL is fine */

/*
 * agent_client.c: ask the running agent for its state and print what
 * list, check and doctor show, each line after prefix: nothing when no
 * agent answers and quiet is set, else "agent: not running" too. Returns
 * 1 when an agent answered.
 */
int agent_client_report(FILE *out, const char *prefix, int quiet);

#endif
