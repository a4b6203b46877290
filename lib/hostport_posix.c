/* hostport_posix.c: a TCP connection within a bound, on POSIX (see hostport.h). */
#include "hostport.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* One address, within the bound: the descriptor, or -1 with errno. */
static int connect_within(const struct addrinfo *ai, int bound_ms)
{
	int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
	int err = 0, one = 1, flags;
	socklen_t len = sizeof err;
	struct pollfd p;

	if (fd == -1)
		return -1;
	flags = fcntl(fd, F_GETFL);
	fcntl(fd, F_SETFL, flags | O_NONBLOCK);
	if (connect(fd, ai->ai_addr, ai->ai_addrlen) == -1) {
		if (errno != EINPROGRESS)
			goto fail;
		p.fd = fd, p.events = POLLOUT, p.revents = 0;
		if (poll(&p, 1, bound_ms) != 1) {
			errno = ETIMEDOUT;
			goto fail;
		}
		if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) == -1 || err) {
			errno = err ? err : errno;
			goto fail;
		}
	}
	fcntl(fd, F_SETFL, flags);
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	return fd;
fail:
	err = errno;
	close(fd);
	errno = err;
	return -1;
}

int sc_tcp_connect(const char *text, int bound_ms, char *why, size_t whysize)
{
	char host[256];
	const char *port;
	struct addrinfo hints, *res = NULL;
	int rc, fd = -1, err = ECONNREFUSED;

	if (sc_split_host_port(text, host, sizeof host, &port) == -1) {
		snprintf(why, whysize, "not HOST:PORT");
		return -2;
	}
	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	rc = getaddrinfo(host, port, &hints, &res);
	if (rc != 0) {
		snprintf(why, whysize, "%s", gai_strerror(rc));
		return -1;
	}
	for (struct addrinfo *ai = res; ai && fd == -1; ai = ai->ai_next)
		if ((fd = connect_within(ai, bound_ms)) == -1)
			err = errno;
	freeaddrinfo(res);
	if (fd == -1)
		snprintf(why, whysize, "%s", strerror(err));
	return fd;
}
