/*
 * hostport.h: "HOST:PORT" (or "[V6]:PORT") as the agent's tcp: links spell
 * it, parsed once, and on POSIX connected within a bound
 * (hostport_posix.c): the runner's agent:tcp: stream and a case's link to
 * its agent are the same connection.
 */
#ifndef SOCKCONF_HOSTPORT_H
#define SOCKCONF_HOSTPORT_H

#include <stddef.h>

/* host gets HOST (brackets taken off), *port points at PORT in text: 0, or
 * -1 when text is not HOST:PORT or HOST does not fit. */
int sc_split_host_port(const char *text, char *host, size_t hostsize, const char **port);

/*
 * A TCP connection to HOST:PORT, trying each address getaddrinfo gives,
 * within bound_ms each; blocking, close-on-exec, TCP_NODELAY (one request a
 * line: no waiting for a full segment).  The descriptor; -2 when text is
 * not HOST:PORT; -1 with the reason (the resolver's or connect's) in why.
 */
int sc_tcp_connect(const char *text, int bound_ms, char *why, size_t whysize);

#endif
