/*
 * port_posix/agent_port.h: the host kernel's BSD sockets (Linux, the BSDs,
 * macOS): the agent's hooks are in port_posix.c.
 */
#ifndef SOCKCONF_AGENT_PORT_H
#define SOCKCONF_AGENT_PORT_H

typedef int agent_sock; /* a descriptor */
#define AGENT_NO_SOCK (-1)

/* accept(2), NOTES: Linux's accepted socket does not take the listener's
 * O_NONBLOCK; the canonical BSD implementation (FreeBSD, macOS) passes it on */
#if defined(__linux__)
#define PORT_ACCEPT_INHERITS_NONBLOCK 0
#else
#define PORT_ACCEPT_INHERITS_NONBLOCK 1
#endif

#include "agent.h"

#endif
