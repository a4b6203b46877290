/*
 * agent_link.h: the byte stream from a case to its agent (stack_agent.c),
 * and the two locks and one wake-up its client threads share.  The OS's
 * part: agent_link_posix.c, agent_link_win.c.
 */
#ifndef SOCKCONF_AGENT_LINK_H
#define SOCKCONF_AGENT_LINK_H

#include <stddef.h>

/*
 * Open the stream SOCKCONF_AGENT names: "fd:R,W" (descriptors the runner
 * passed down) or "tcp:HOST:PORT" (connected here, within bound_ms).  0, or
 * -1 with a one-line reason in why.
 */
int sc_agent_link_open(const char *spec, int bound_ms, char *why, size_t whysize);
/* Up to n bytes, waiting for at least one: the count, 0 at the stream's end,
 * -1 with errno.  Called by one thread at a time. */
long sc_agent_link_read(char *buf, size_t n);
/* All n bytes, or -1 with errno; never raises SIGPIPE. */
int sc_agent_link_write(const char *buf, size_t n);
/* Whether a byte (or the end) can be read within timeout_ms: 1, 0, -1 with errno. */
int sc_agent_link_readable(int timeout_ms);
/* Called first in the reader thread: signals go to the case's own threads. */
void sc_agent_link_reader_started(void);

/* The writer's lock, and the lock over the table of waiting requests. */
enum sc_agent_lock { SC_AGENT_WRITER, SC_AGENT_TABLE };
void sc_agent_lock(enum sc_agent_lock which);
void sc_agent_unlock(enum sc_agent_lock which);
/* With the table locked: sleep until sc_agent_wake_all() or timeout_ms
 * passes (the lock is let go meanwhile and held again on return). */
void sc_agent_wait(int timeout_ms);
void sc_agent_wake_all(void); /* with the table locked */

#endif
