/*
 * winsock.h: Winsock's own teardown calls, for the winsock.* cases.
 * Include after sockconf.h.
 *
 * Each function does one Winsock thing to a case descriptor (lib's table
 * maps it to its SOCKET) and reports it as the ordinary calls do: 0, or -1
 * with the Winsock error as errno (WSAENOPROTOOPT is ENOPROTOOPT,
 * WSAESHUTDOWN is ESHUTDOWN), for check_call, check_fails and
 * check_one_of.  Implemented in winsock_win.c; winsock_posix.c's versions
 * SKIP the family: "Winsock only: <what> has no POSIX counterpart".
 */
#ifndef SOCKCONF_WINSOCK_H
#define SOCKCONF_WINSOCK_H

#include <stddef.h>

/*
 * Nothing on Windows; elsewhere SKIP "Winsock only: <what> has no POSIX
 * counterpart", for a case whose calls are the ordinary ones but whose
 * claim is Winsock's (closesocket() failing with WSAEWOULDBLOCK).
 */
void winsock_only(const char *what);

/*
 * WSAEventSelect(fd, FD_CLOSE) with an event object of lib's (closed when
 * the family ends): fd's FD_CLOSE is recorded from now on.  WSAEventSelect
 * makes fd non-blocking.
 */
void watch_fd_close(int fd);
/*
 * Waits (bounded) for the FD_CLOSE watch_fd_close() asked for, and reads it
 * with WSAEnumNetworkEvents: 0 when its iErrorCode[FD_CLOSE_BIT] is 0 (a
 * graceful close), else -1 with that code as errno (ECONNRESET,
 * ECONNABORTED).  The family fails when no FD_CLOSE comes.
 */
int wait_fd_close(int fd);

/* WSASendDisconnect: len bytes of disconnect data, or none (data NULL, len 0). */
int send_disconnect(int fd, const void *data, size_t len);
/*
 * WSARecvDisconnect into buf's *len bytes (buf NULL: no buffer); on
 * success *len is the length of the disconnect data that came.
 */
int recv_disconnect(int fd, void *buf, size_t *len);

/* setsockopt(SOL_SOCKET, SO_DONTLINGER) with the BOOL `on`. */
int set_dont_linger(int fd, int on);
/* getsockopt(SOL_SOCKET, SO_DONTLINGER) into *on (0 or 1). */
int get_dont_linger(int fd, int *on);

/*
 * What WSAPoll itself reports for fd now (timeout 0), asked for `events`
 * (POLLRDNORM, POLLWRNORM): its revents as they are, without the poll(2)
 * translation lib's poll() makes.  -1 with errno when WSAPoll fails.
 */
int wsapoll_revents(int fd, short events);

#endif
