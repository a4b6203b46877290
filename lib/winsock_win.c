/*
 * winsock_win.c: Winsock's own teardown calls (winsock.h), on Windows.
 *
 * Each call reaches the SOCKET behind a case descriptor through lib's
 * table, and reports failure as stack_win.c does: -1, errno from
 * sc_win_errno(), and WSAGetLastError() left as Winsock set it (the case's
 * checks read that).  Success clears the Winsock error.
 */
#define SC_LIB_INTERNAL
#include "sockconf.h"
#include "winsock.h"
#include "outcome.h" /* sc_fail, sc_at_family_end */
#include "platform_win.h"

#include <limits.h>

static SOCKET socket_of(int fd)
{
	sc_handle h;

	sc_stack_of(fd, &h);
	return (SOCKET)h;
}

static int failed(void)
{
	errno = sc_win_errno(WSAGetLastError());
	return -1;
}

static int done(int ret)
{
	if (ret == SOCKET_ERROR)
		return failed();
	WSASetLastError(0);
	return 0;
}

void winsock_only(const char *what)
{
	(void)what;
}

/* ---- FD_CLOSE through WSAEventSelect ---------------------------------------- */

#define MAX_WATCHED 8
static struct {
	int fd;
	WSAEVENT event;
} watched[MAX_WATCHED];

static void stop_watching(void *slot)
{
	int i = (int)(intptr_t)slot;

	WSACloseEvent(watched[i].event);
	watched[i].event = NULL;
}

void watch_fd_close(int fd)
{
	int slot = -1;

	for (int i = 0; i < MAX_WATCHED && slot < 0; i++)
		if (!watched[i].event)
			slot = i;
	if (slot < 0)
		sc_fail(NULL, "more than %d sockets watched for FD_CLOSE", MAX_WATCHED);
	watched[slot].event = WSACreateEvent();
	if (watched[slot].event == WSA_INVALID_EVENT) {
		watched[slot].event = NULL;
		sc_fail(NULL, "WSACreateEvent failed: %s", errno_text(sc_win_errno(WSAGetLastError())));
	}
	watched[slot].fd = fd;
	sc_at_family_end(stop_watching, (void *)(intptr_t)slot);
	if (WSAEventSelect(socket_of(fd), watched[slot].event, FD_CLOSE) == SOCKET_ERROR)
		sc_fail(NULL, "WSAEventSelect(FD_CLOSE) failed: %s",
			errno_text(sc_win_errno(WSAGetLastError())));
	WSASetLastError(0);
}

int wait_fd_close(int fd)
{
	WSANETWORKEVENTS events;
	WSAEVENT event = NULL;
	int bound = sc_wait_bound_ms(), code;

	for (int i = 0; i < MAX_WATCHED; i++)
		if (watched[i].event && watched[i].fd == fd)
			event = watched[i].event;
	if (!event)
		sc_fail(NULL, "wait_fd_close(%d) without watch_fd_close() first", fd);
	sc_current_step = "FD_CLOSE";
	if (WSAWaitForMultipleEvents(1, &event, FALSE, (DWORD)bound, FALSE) != WSA_WAIT_EVENT_0)
		sc_fail(NULL, "timed out after %d ms waiting for FD_CLOSE (fd %d)", bound, fd);
	if (WSAEnumNetworkEvents(socket_of(fd), event, &events) == SOCKET_ERROR)
		sc_fail(NULL, "WSAEnumNetworkEvents failed: %s",
			errno_text(sc_win_errno(WSAGetLastError())));
	if (!(events.lNetworkEvents & FD_CLOSE))
		sc_fail(NULL, "the event was set, but WSAEnumNetworkEvents records no FD_CLOSE (events 0x%lx)",
			(unsigned long)events.lNetworkEvents);
	code = events.iErrorCode[FD_CLOSE_BIT];
	note("FD_CLOSE", "iErrorCode[FD_CLOSE_BIT] %d", code);
	WSASetLastError(code); /* the code is read as a failed call's error */
	if (code == 0)
		return 0;
	errno = sc_win_errno(code);
	return -1;
}

/* ---- WSASendDisconnect, WSARecvDisconnect --------------------------------------- */

int send_disconnect(int fd, const void *data, size_t len)
{
	WSABUF buf;

	buf.len = len > ULONG_MAX ? ULONG_MAX : (ULONG)len;
	buf.buf = (char *)data;
	return done(WSASendDisconnect(socket_of(fd), data ? &buf : NULL));
}

int recv_disconnect(int fd, void *buf, size_t *len)
{
	WSABUF in;

	in.len = buf && len ? (*len > ULONG_MAX ? ULONG_MAX : (ULONG)*len) : 0;
	in.buf = (char *)buf;
	if (WSARecvDisconnect(socket_of(fd), buf ? &in : NULL) == SOCKET_ERROR)
		return failed();
	if (buf && len)
		*len = in.len;
	WSASetLastError(0);
	return 0;
}

/* ---- SO_DONTLINGER ----------------------------------------------------------------- */

int set_dont_linger(int fd, int on)
{
	BOOL value = on ? TRUE : FALSE;

	return done(setsockopt(socket_of(fd), SOL_SOCKET, SO_DONTLINGER, (const char *)&value,
			       sizeof value));
}

int get_dont_linger(int fd, int *on)
{
	BOOL value = FALSE;
	int len = sizeof value;

	if (getsockopt(socket_of(fd), SOL_SOCKET, SO_DONTLINGER, (char *)&value, &len) == SOCKET_ERROR)
		return failed();
	*on = value ? 1 : 0;
	WSASetLastError(0);
	return 0;
}

/* ---- WSAPoll, as it is -------------------------------------------------------------- */

int wsapoll_revents(int fd, short events)
{
	WSAPOLLFD p;

	p.fd = socket_of(fd);
	p.events = events;
	p.revents = 0;
	if (WSAPoll(&p, 1, 0) == SOCKET_ERROR)
		return failed();
	WSASetLastError(0);
	return (unsigned short)p.revents;
}
