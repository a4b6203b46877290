/*
 * port_winsock/agent_port.h: Winsock 2 (Windows; mingw-w64 builds it, Wine
 * runs it): the agent's hooks are in port_winsock.c.
 */
#ifndef SOCKCONF_AGENT_PORT_H
#define SOCKCONF_AGENT_PORT_H

#include <stdint.h>

typedef uintptr_t agent_sock;              /* a SOCKET (UINT_PTR) */
#define AGENT_NO_SOCK (~(agent_sock)0)     /* INVALID_SOCKET */

/* accept(): "The newly created socket ... has the same properties as socket s,
 * including asynchronous events" (Microsoft Learn, winsock2.h accept function);
 * FIONBIO is one of them */
#define PORT_ACCEPT_INHERITS_NONBLOCK 1

#include "agent.h"

#endif
