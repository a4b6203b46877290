/*
 * stack_win.c: the kernel's sockets through Winsock 2.  The twin of
 * stack_posix.c.
 *
 * Handles are SOCKETs, which are not small ints a case could use as they
 * are: lib's descriptor table (stack.c) maps them (identity_fds = 0).
 * Each operation calls the Winsock function of the same meaning and turns
 * its failure (INVALID_SOCKET, SOCKET_ERROR) into -1 with errno set from
 * WSAGetLastError() by sc_win_errno(), leaving WSAGetLastError() as Winsock
 * set it.  A successful call clears the Winsock error (see
 * sc_plat_socket_errno in platform_win.c).
 *
 * Where Winsock reports a condition in its own words, the translation is
 * the documented equivalent and is noted at the operation: a non-blocking
 * connect in progress (WSAEWOULDBLOCK -> EINPROGRESS), SO_ERROR values
 * (Winsock codes -> errno), poll's request flags.
 */
#define SC_LIB_INTERNAL
#include "stack.h"
#include "platform_win.h"

#include <limits.h>
#include <mstcpip.h>
#include <string.h>

static sc_handle fail(void)
{
	errno = sc_win_errno(WSAGetLastError());
	return -1;
}

/* Fails without a Winsock call: errno only, and no stale Winsock error. */
static sc_handle fail_with(int err)
{
	WSASetLastError(0);
	errno = err;
	return -1;
}

static int done(int ret)
{
	if (ret == SOCKET_ERROR)
		return (int)fail();
	WSASetLastError(0);
	return ret;
}

static sc_handle done_socket(SOCKET s)
{
	if (s == INVALID_SOCKET)
		return fail();
	WSASetLastError(0);
	return (sc_handle)s;
}

/* Winsock lengths are int; a larger request is a partial send/recv, as POSIX allows. */
static int clamp_len(size_t len)
{
	return len > (size_t)INT_MAX ? INT_MAX : (int)len;
}

static int winsock_init(void)
{
	int err = sc_win_startup();

	if (err != 0) {
		errno = sc_win_errno(err);
		return -1;
	}
	return 0;
}

static sc_handle winsock_socket(int d, int t, int p)
{
	return done_socket(socket(d, t, p));
}

/* Windows has no socketpair(); AF_UNIX streams are not run on this stack (SC_HAVE_AF_UNIX 0). */
static int winsock_socketpair(int d, int t, int p, sc_handle sv[2])
{
	(void)d, (void)t, (void)p, (void)sv;
	return (int)fail_with(EAFNOSUPPORT);
}

static int winsock_bind(sc_handle s, const struct sockaddr *a, socklen_t l)
{
	return done(bind((SOCKET)s, a, l));
}

static int winsock_listen(sc_handle s, int b)
{
	return done(listen((SOCKET)s, b));
}

static sc_handle winsock_accept(sc_handle s, struct sockaddr *a, socklen_t *l)
{
	return done_socket(accept((SOCKET)s, a, l));
}

/*
 * A non-blocking connect that has begun reports WSAEWOULDBLOCK; POSIX says
 * EINPROGRESS, and so does this (errno only: the Winsock error is cleared,
 * or sc_plat_socket_errno would read it as EWOULDBLOCK).
 */
static int winsock_connect(sc_handle s, const struct sockaddr *a, socklen_t l)
{
	if (connect((SOCKET)s, a, l) == SOCKET_ERROR) {
		if (WSAGetLastError() == WSAEWOULDBLOCK)
			return (int)fail_with(EINPROGRESS);
		return (int)fail();
	}
	WSASetLastError(0);
	return 0;
}

static int winsock_getsockname(sc_handle s, struct sockaddr *a, socklen_t *l)
{
	return done(getsockname((SOCKET)s, a, l));
}

static int winsock_close(sc_handle s)
{
	return done(closesocket((SOCKET)s));
}

/* SHUT_RD/WR/RDWR are SD_RECEIVE/SEND/BOTH (platform.h): the same 0, 1, 2. */
static int winsock_shutdown(sc_handle s, int how)
{
	return done(shutdown((SOCKET)s, how));
}

static ssize_t winsock_send(sc_handle s, const void *b, size_t n, int f)
{
	return done(send((SOCKET)s, (const char *)b, clamp_len(n), f));
}

static ssize_t winsock_recv(sc_handle s, void *b, size_t n, int f)
{
	return done(recv((SOCKET)s, (char *)b, clamp_len(n), f));
}

/* write(2) on a socket is send() without flags; Winsock handles are not CRT descriptors. */
static ssize_t winsock_write(sc_handle s, const void *b, size_t n)
{
	return done(send((SOCKET)s, (const char *)b, clamp_len(n), 0));
}

static int winsock_setsockopt(sc_handle s, int level, int name, const void *v, socklen_t l)
{
	return done(setsockopt((SOCKET)s, level, name, (const char *)v, l));
}

/*
 * SO_ERROR holds a Winsock code (WSAECONNRESET, 10054); it is translated
 * like every other error, so a case compares it with ECONNRESET on every
 * platform.
 */
static int winsock_getsockopt(sc_handle s, int level, int name, void *v, socklen_t *l)
{
	if (getsockopt((SOCKET)s, level, name, (char *)v, l) == SOCKET_ERROR)
		return (int)fail();
	if (level == SOL_SOCKET && name == SO_ERROR && v && l && *l >= (socklen_t)sizeof(int)) {
		int err;

		memcpy(&err, v, sizeof err);
		err = sc_win_errno(err);
		memcpy(v, &err, sizeof err);
	}
	WSASetLastError(0);
	return 0;
}

/*
 * dup(2): a second SOCKET for the same connection, through
 * WSADuplicateSocket into this process.  As with dup, closesocket() on
 * one leaves the connection to the other, and shutdown() on either acts
 * on the connection.
 */
static sc_handle winsock_dup(sc_handle s)
{
	WSAPROTOCOL_INFOW info;

	if (WSADuplicateSocketW((SOCKET)s, GetCurrentProcessId(), &info) == SOCKET_ERROR)
		return fail();
	return done_socket(WSASocketW(FROM_PROTOCOL_INFO, FROM_PROTOCOL_INFO, FROM_PROTOCOL_INFO,
				      &info, 0, WSA_FLAG_OVERLAPPED));
}

static int winsock_set_nonblocking(sc_handle s, int on)
{
	u_long mode = on ? 1 : 0;

	return done(ioctlsocket((SOCKET)s, FIONBIO, &mode));
}

/*
 * poll(2) through WSAPoll, on the same struct pollfd (winsock2.h: SOCKET
 * fd).  Differences from poll(2) that WSAPoll has and poll(2) callers do
 * not expect are smoothed here:
 * - events may hold only POLLRDNORM, POLLRDBAND and POLLWRNORM; any other
 *   flag (POLLPRI, POLLWRBAND, or the output-only POLLERR/POLLHUP/POLLNVAL
 *   a caller may pass) makes the call fail with WSAEINVAL.  They are
 *   masked off; errors and hang-ups are reported without asking, as with
 *   poll(2).
 * - an entry asking for nothing (events 0, "just tell me about errors")
 *   is sent as POLLRDBAND, and what that adds is taken out of revents.
 * - nfds 0 fails (WSAEINVAL) instead of sleeping; an array whose sockets
 *   are all invalid fails instead of reporting POLLNVAL.  Both are done by
 *   hand.
 */
#define WSAPOLL_REQUESTABLE (POLLRDNORM | POLLRDBAND | POLLWRNORM)
#define POLL_ALWAYS (POLLERR | POLLHUP | POLLNVAL)

static int is_socket(SOCKET s)
{
	int type;
	int len = sizeof type;

	return getsockopt(s, SOL_SOCKET, SO_TYPE, (char *)&type, &len) == 0;
}

static int winsock_poll(struct pollfd *fds, unsigned n, int timeout_ms)
{
	WSAPOLLFD w[64];
	int ret, ready = 0;

	if (n == 0) {
		Sleep(timeout_ms < 0 ? INFINITE : (DWORD)timeout_ms);
		WSASetLastError(0);
		return 0; /* nothing to be ready */
	}
	if (n > sizeof w / sizeof w[0])
		return (int)fail_with(EINVAL);
	for (unsigned i = 0; i < n; i++) {
		short ask = (short)(fds[i].events & WSAPOLL_REQUESTABLE);

		w[i].fd = fds[i].fd;
		w[i].events = ask ? ask : POLLRDBAND;
		w[i].revents = 0;
	}
	ret = WSAPoll(w, n, timeout_ms);
	if (ret == SOCKET_ERROR) {
		int err = WSAGetLastError();

		if (err != WSAEINVAL)
			return (int)fail();
		/* Every socket invalid?  poll(2) says POLLNVAL for each. */
		for (unsigned i = 0; i < n; i++) {
			fds[i].revents = 0;
			if (fds[i].fd == INVALID_SOCKET)
				continue; /* a negative fd is ignored */
			if (is_socket(fds[i].fd)) {
				WSASetLastError(err);
				return (int)fail();
			}
			fds[i].revents = POLLNVAL;
			ready++;
		}
		WSASetLastError(0);
		return ready;
	}
	for (unsigned i = 0; i < n; i++) {
		fds[i].revents = (short)(w[i].revents & (fds[i].events | POLL_ALWAYS));
		if (fds[i].revents)
			ready++;
	}
	WSASetLastError(0);
	return ready;
}

/*
 * Bytes sent and not yet acknowledged: SIO_TCP_INFO (Windows 10 1703 and
 * later) gives TCP_INFO_v0.BytesInFlight, "the current number of sent
 * bytes that are unacknowledged".  mingw-w64 declares both only when
 * NTDDI_VERSION targets Windows 10, which this build does not (it runs on
 * Vista and later), so the documented layout is repeated here.  Older
 * systems and Wine fail the ioctl: -1, unobservable, and the wait SKIPs.
 *
 * BytesInFlight counts what TCP has transmitted; bytes still queued
 * behind a closed window are not "in flight".  A case waiting for its
 * data to be acknowledged sends into an open window on loopback, where
 * the two agree.
 */
#ifndef SIO_TCP_INFO
#define SIO_TCP_INFO _WSAIORW(IOC_VENDOR, 39)
#endif

struct sc_tcp_info_v0 { /* TCP_INFO_v0, mstcpip.h */
	int State;      /* TCPSTATE */
	ULONG Mss;
	ULONG64 ConnectionTimeMs;
	BOOLEAN TimestampsEnabled;
	ULONG RttUs;
	ULONG MinRttUs;
	ULONG BytesInFlight;
	ULONG Cwnd;
	ULONG SndWnd;
	ULONG RcvWnd;
	ULONG RcvBuf;
	ULONG64 BytesOut;
	ULONG64 BytesIn;
	ULONG BytesReordered;
	ULONG BytesRetrans;
	ULONG FastRetrans;
	ULONG DupAcksIn;
	ULONG TimeoutEpisodes;
	UCHAR SynRetrans;
};

static long winsock_unacked_bytes(sc_handle s, int family)
{
	struct sc_tcp_info_v0 info;
	DWORD version = 0, got = 0;

	if (family == AF_UNIX)
		return 0; /* delivered into the peer's queue before send returns */
	memset(&info, 0, sizeof info);
	if (WSAIoctl((SOCKET)s, SIO_TCP_INFO, &version, sizeof version, &info, sizeof info, &got,
		     NULL, NULL) == SOCKET_ERROR ||
	    got < offsetof(struct sc_tcp_info_v0, Cwnd)) {
		WSASetLastError(0); /* "unobservable" is not a socket error */
		return -1;
	}
	WSASetLastError(0);
	return (long)info.BytesInFlight;
}

const struct sc_stack sc_kernel_stack = {
	.name = "winsock",
	.identity_fds = 0,
	.init = winsock_init,
	.socket = winsock_socket,
	.socketpair = winsock_socketpair,
	.bind = winsock_bind,
	.listen = winsock_listen,
	.accept = winsock_accept,
	.connect = winsock_connect,
	.getsockname = winsock_getsockname,
	.close = winsock_close,
	.shutdown = winsock_shutdown,
	.send = winsock_send,
	.recv = winsock_recv,
	.write = winsock_write,
	.setsockopt = winsock_setsockopt,
	.getsockopt = winsock_getsockopt,
	.dup = winsock_dup,
	.set_nonblocking = winsock_set_nonblocking,
	.poll = winsock_poll,
	.unacked_bytes = winsock_unacked_bytes,
};
