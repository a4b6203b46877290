/*
 * port_lwip/agent_port.h: lwIP 2.1's sockets (Debian's liblwip-dev), the
 * stack in the agent's own process, on a Linux tap: hooks in port_lwip.c.
 */
#ifndef SOCKCONF_AGENT_PORT_H
#define SOCKCONF_AGENT_PORT_H

typedef int agent_sock; /* lwIP's socket number, from LWIP_SOCKET_OFFSET */
#define AGENT_NO_SOCK (-1)

/* lwip_accept() gives the new socket a netconn of its own, made by
 * netconn_alloc() with no flags (api_msg.c accept_function): blocking */
#define PORT_ACCEPT_INHERITS_NONBLOCK 0

#include "agent.h"

#endif
