/*
 * winsock_posix.c: Winsock's own teardown calls (winsock.h) have no POSIX
 * counterpart: each SKIPs the family with the reason, so a winsock.* case
 * says why it does not run here.
 */
#include "sockconf.h"
#include "winsock.h"

#include <stdio.h>

static SC_NORETURN void winsock_only_skip(const char *what)
{
	char why[200];

	snprintf(why, sizeof why, "Winsock only: %s has no POSIX counterpart", what);
	skip(why);
}

void winsock_only(const char *what)
{
	winsock_only_skip(what);
}

void watch_fd_close(int fd)
{
	(void)fd;
	winsock_only_skip("WSAEventSelect's FD_CLOSE");
}

int wait_fd_close(int fd)
{
	(void)fd;
	winsock_only_skip("WSAEventSelect's FD_CLOSE");
}

int send_disconnect(int fd, const void *data, size_t len)
{
	(void)fd, (void)data, (void)len;
	winsock_only_skip("WSASendDisconnect");
}

int recv_disconnect(int fd, void *buf, size_t *len)
{
	(void)fd, (void)buf, (void)len;
	winsock_only_skip("WSARecvDisconnect");
}

int set_dont_linger(int fd, int on)
{
	(void)fd, (void)on;
	winsock_only_skip("SO_DONTLINGER");
}

int get_dont_linger(int fd, int *on)
{
	(void)fd, (void)on;
	winsock_only_skip("SO_DONTLINGER");
}

int wsapoll_revents(int fd, short events)
{
	(void)fd, (void)events;
	winsock_only_skip("WSAPoll");
}
