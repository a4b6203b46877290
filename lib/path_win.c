/*
 * path_win.c: Winsock shows a connection's RTT only through SIO_TCP_INFO on
 * recent systems; lib does not read it yet, so the handshake's time, as
 * connect() took it, is the family's figure.
 */
#define SC_LIB_INTERNAL
#include "path.h"

int sc_path_of(int fd, struct sc_path *p)
{
	(void)fd, (void)p;
	return -1;
}

int sc_path_ask_peer(int fd)
{
	(void)fd;
	return -1; /* SIO_KEEPALIVE_VALS would do; not yet */
}
