/*
 * The Makefile's probe: do lwIP's socket API, and the internals that
 * lib/stack_lwip.c reads, compile and link here?
 */
#include <lwip/sockets.h>
#include <lwip/priv/sockets_priv.h>

int main(void)
{
	/* -1 is no socket: the call answers NULL without starting the stack */
	return lwip_socket_dbg_get_socket(-1) != NULL;
}
