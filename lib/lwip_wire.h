/*
 * lwip_wire.h: lwIP's own view of its wire (lib internal; lwip_wire.c),
 * the observe op of lib/stack_lwip.c's table (stack.h says what it means).
 */
#ifndef SOCKCONF_LWIP_WIRE_H
#define SOCKCONF_LWIP_WIRE_H

#include <stddef.h>

/* Every IP packet lwIP loops back to itself goes to seen (loop mode): 0, or -1 with errno. */
int sc_lwip_observe(void (*seen)(const unsigned char *ip, size_t len, void *ctx), void *ctx);

#endif
