/*
 * agent_target.h: --target agent:exec:COMMAND, agent:tcp:HOST:PORT,
 * agent:serial:DEVICE[,BAUD] (see target.h): each case's own end on a
 * sockconf agent's stack (lib/agent/, lib/stack_agent.c), its peer on this
 * machine's kernel across the link between them.
 *
 * The runner says hello itself before the first case (the protocol's
 * version, and the agent's identity for the label and the records).  An
 * agent serves one session at a time: exec starts -j N copies of the
 * command (agent_stream.h's pool), tcp and serial have one.  exec and
 * serial: the runner holds the streams and each case takes a free one
 * (SOCKCONF_AGENT=fd:R,W); after each case the runner ends whatever session
 * an idle agent was left in (hello, bye).  tcp: each case connects itself.
 *
 * A case that met a fault of the link (lib's "the agent vanished: ...",
 * "the agent sent garbage: ...", "the agent did not answer ...") is broken
 * with that reason; the runner then reaches the agent again within the
 * case timeout (exec: the command started again; tcp: connected again;
 * serial: a new session).  If it cannot, every later case is broken with
 * the reason, and the run exits 2.
 */
#ifndef RUNNER_AGENT_TARGET_H
#define RUNNER_AGENT_TARGET_H

#include "identity.h"
#include "options.h"
#include "target.h"
#include "verdict.h"

#include <stddef.h>

/* 1 for agent:..., well formed or not. */
int target_is_agent(const char *name);
/* 0 when name is a well-formed agent target, else -1 with a one-line message. */
int agent_target_check(const char *name, char *err, size_t errsize);

/*
 * Reach the agent, say hello, fill *w (each case's settings and the
 * stream's passing) and *id (what the agent is).  0, or -1 with a one-line
 * message (a protocol version mismatch names both versions).
 */
int agent_target_prepare(struct target_wrap *w, const struct options *o, struct identity *id,
			 int label_given, const char *scratch, char *err, size_t errsize);
/* How many sessions the agent serves at once: the cases that may run at once. */
unsigned agent_target_sessions(void);
/* After each case, before its verdict: a link fault makes it broken, and the agent is reached again. */
void agent_target_case_ended(struct case_result *r);
/* 1 when the agent could not be reached again (the run exits 2), with why. */
int agent_target_lost(char *err, size_t errsize);
/* End the stream and the agent's process if the runner started it. */
void agent_target_finish(void);

#endif
