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
 *   agent_counts=served N waited N delegated N renewals N early N
 *                full_reads N item_reads N items_read N
 *                                      (since it started: gets answered
 *                                      from the cache, that waited for a
 *                                      renewal, handed to 'tokenpass get';
 *                                      renewals started, of them before
 *                                      the token's end; reads of the whole
 *                                      keyring, of single items, and the
 *                                      items read in all)
 *   credential=HOST<TAB>USER<TAB>DSN<TAB>LAST<TAB>NEXT    (Unix seconds;
 *                                      LAST: its last renewal by anyone,
 *                                      NEXT: the agent's next, 0: none)
 *   tokenpass_exit=0
 *
 * and "tokenpass_op=sync" is answered (tokenpass_exit=0) once the agent
 * has read the keyring again: a command that changed the keyring sends
 * it, so that its next get sees the change (read your own writes). With
 * "host=", "username=" and "dsn=" lines after it, the agent reads that
 * credential alone again before it answers.
 */
#ifndef AGENT_H
#define AGENT_H

#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>
#include <time.h>

struct tp_args;
int cmd_agent(const struct tp_args *a);

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

/*
 * After this process changed the keyring: wait (5 s at most) until a
 * running agent has read it again. Nothing when no agent answers.
 */
void agent_client_sync(void);
/* The same after a change to (host, user, dsn) alone: a cheaper read. */
void agent_client_sync_key(const char *host, const char *user,
			   const char *dsn);

#endif
