/*
 * arrived.c: how much of what was sent has reached the receiving end, seen
 * from that end.  Data that has not arrived cannot have been acknowledged,
 * and this view needs nothing but recv(MSG_PEEK), so it holds on stacks
 * that show nothing of their send queue (gVisor's SIOCOUTQ, TCP_INFO).
 */
#define SC_LIB_INTERNAL
#include "sockconf.h"
#include "outcome.h"

#include <stdlib.h>

size_t bytes_arrived(int fd, size_t at_most)
{
	struct pollfd p = {.fd = fd, .events = POLLIN, .revents = 0};
	unsigned char *buf;
	ssize_t n;
	int err;

	if (sc_poll(&p, 1, 0) != 1 || !(p.revents & POLLIN))
		return 0; /* and a blocking MSG_PEEK would wait for data */
	buf = malloc(at_most ? at_most : 1);
	if (!buf)
		sc_fail(NULL, "out of memory for a %zu-byte look at the receive queue", at_most);
	n = sc_recv(fd, buf, at_most, MSG_PEEK); /* looks, takes nothing: the window stays as it is */
	err = sc_socket_errno();
	free(buf);
	if (n == -1) {
		char name[64];
		sc_format_errno(name, sizeof name, err);
		sc_fail(NULL, "recv(MSG_PEEK) failed while looking at what has arrived: %s", name);
	}
	return (size_t)n;
}
