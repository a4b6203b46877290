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
#include "sockconf.h" /* stack.h, enum sc_tcp_state */
#include "platform_win.h"

#include <iphlpapi.h> /* types only: the functions are looked up at run time */
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
/*
 * Where each socket connect()ed to: a connection in SYN_SENT has no peer
 * name yet (getpeername: WSAENOTCONN), so its row in the TCP table is found
 * by this address instead.
 */
#define MAX_CONNECTING 64
static struct {
	sc_handle s;
	struct sockaddr_storage to;
} connecting[MAX_CONNECTING];

static void remember_target(sc_handle s, const struct sockaddr *a, socklen_t l)
{
	size_t free_slot = MAX_CONNECTING;

	for (size_t i = 0; i < MAX_CONNECTING; i++) {
		if (connecting[i].s == s && connecting[i].to.ss_family) {
			free_slot = i;
			break;
		}
		if (free_slot == MAX_CONNECTING && !connecting[i].to.ss_family)
			free_slot = i;
	}
	if (free_slot == MAX_CONNECTING || l > (socklen_t)sizeof connecting[0].to)
		return;
	connecting[free_slot].s = s;
	memset(&connecting[free_slot].to, 0, sizeof connecting[free_slot].to);
	memcpy(&connecting[free_slot].to, a, (size_t)l);
}

static const struct sockaddr *target_of(sc_handle s)
{
	for (size_t i = 0; i < MAX_CONNECTING; i++)
		if (connecting[i].s == s && connecting[i].to.ss_family)
			return (const struct sockaddr *)&connecting[i].to;
	return NULL;
}

static void forget_target(sc_handle s)
{
	for (size_t i = 0; i < MAX_CONNECTING; i++)
		if (connecting[i].s == s)
			connecting[i].to.ss_family = 0;
}

static int winsock_connect(sc_handle s, const struct sockaddr *a, socklen_t l)
{
	remember_target(s, a, l);
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
	forget_target(s); /* a handle number is used again */
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
 * fd).  Where WSAPoll differs from poll(2) in ways a poll(2) caller does
 * not expect, this gives poll(2)'s answer:
 * - events may hold only POLLRDNORM, POLLRDBAND and POLLWRNORM; any other
 *   flag (POLLPRI, POLLWRBAND, or the output-only POLLERR/POLLHUP/POLLNVAL
 *   a caller may pass) makes the call fail with WSAEINVAL.  They are
 *   masked off; errors and hang-ups are reported without asking, as with
 *   poll(2).
 * - an entry asking for nothing (events 0, "just tell me about errors")
 *   is sent as POLLRDBAND, and what that adds is taken out of revents.
 * - a negative fd (INVALID_SOCKET) is left out, revents 0; Wine 8.0
 *   reports POLLNVAL for it.  With nothing left, or nfds 0, the call
 *   waits out the timeout (WSAPoll fails with WSAEINVAL).
 * - a descriptor that is not (or no longer) a socket is POLLNVAL, where
 *   WSAPoll fails the whole call (WSAEINVAL when no socket is valid;
 *   Wine 8.0: WSAENOTSOCK).
 * What WSAPoll reports for a valid socket is passed on as it is: on
 * Windows a peer's FIN shows as POLLHUP, not POLLIN (fin.poll_readable).
 */
#define WSAPOLL_REQUESTABLE (POLLRDNORM | POLLRDBAND | POLLWRNORM)
#define POLL_ALWAYS (POLLERR | POLLHUP | POLLNVAL)
#define MAX_POLL 64

static int is_socket(SOCKET s)
{
	int type;
	int len = sizeof type;

	return getsockopt(s, SOL_SOCKET, SO_TYPE, (char *)&type, &len) == 0;
}

static int winsock_poll(struct pollfd *fds, unsigned n, int timeout_ms)
{
	WSAPOLLFD w[MAX_POLL];
	unsigned at[MAX_POLL], nw = 0;
	int ret, ready = 0;

	if (n > MAX_POLL)
		return (int)fail_with(EINVAL);
	for (unsigned i = 0; i < n; i++) {
		short ask = (short)(fds[i].events & WSAPOLL_REQUESTABLE);

		fds[i].revents = 0;
		if (fds[i].fd == INVALID_SOCKET)
			continue;
		at[nw] = i;
		w[nw].fd = fds[i].fd;
		w[nw].events = ask ? ask : POLLRDBAND;
		w[nw].revents = 0;
		nw++;
	}
	if (nw == 0) {
		Sleep(timeout_ms < 0 ? INFINITE : (DWORD)timeout_ms);
		WSASetLastError(0);
		return 0;
	}
	ret = WSAPoll(w, nw, timeout_ms);
	if (ret == SOCKET_ERROR) {
		int err = WSAGetLastError();

		if (err != WSAEINVAL && err != WSAENOTSOCK)
			return (int)fail();
		/* Which entries are not sockets?  poll(2) says POLLNVAL for each, at once. */
		for (unsigned k = 0; k < nw; k++)
			if (!is_socket(w[k].fd)) {
				fds[at[k]].revents = POLLNVAL;
				ready++;
			}
		if (!ready) {
			WSASetLastError(err);
			return (int)fail();
		}
		WSASetLastError(0);
		return ready;
	}
	for (unsigned k = 0; k < nw; k++) {
		struct pollfd *f = &fds[at[k]];

		f->revents = (short)(w[k].revents & (f->events | POLL_ALWAYS));
		if (f->revents)
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

/* SIO_TCP_INFO for s: 0, or -1 where the system cannot say (before Windows 10 1703, Wine). */
static int tcp_info(sc_handle s, struct sc_tcp_info_v0 *info)
{
	DWORD version = 0, got = 0;

	memset(info, 0, sizeof *info);
	if (WSAIoctl((SOCKET)s, SIO_TCP_INFO, &version, sizeof version, info, sizeof *info, &got,
		     NULL, NULL) == SOCKET_ERROR ||
	    got < offsetof(struct sc_tcp_info_v0, Cwnd)) {
		WSASetLastError(0); /* "unobservable" is not a socket error */
		return -1;
	}
	WSASetLastError(0);
	return 0;
}

static long winsock_unacked_bytes(sc_handle s, int family)
{
	struct sc_tcp_info_v0 info;

	if (family == AF_UNIX)
		return 0; /* delivered into the peer's queue before send returns */
	if (tcp_info(s, &info) == -1)
		return -1;
	return (long)info.BytesInFlight;
}

static int winsock_getpeername(sc_handle s, struct sockaddr *a, socklen_t *l)
{
	return done(getpeername((SOCKET)s, a, l));
}

/*
 * TCP states.  TCP_INFO_v0.State is a TCPSTATE (CLOSED 0 .. TIME_WAIT 10);
 * the connection table of GetTcpTable/GetTcp6Table (iphlpapi.dll) numbers
 * them MIB_TCP_STATE_CLOSED 1 .. MIB_TCP_STATE_DELETE_TCB 12.
 */
static int from_tcpstate(int st)
{
	static const int map[] = {
		SC_TCP_CLOSED,     SC_TCP_LISTEN,    SC_TCP_SYN_SENT,   SC_TCP_SYN_RECEIVED,
		SC_TCP_ESTABLISHED, SC_TCP_FIN_WAIT1, SC_TCP_FIN_WAIT2, SC_TCP_CLOSE_WAIT,
		SC_TCP_CLOSING,    SC_TCP_LAST_ACK,  SC_TCP_TIME_WAIT,
	};
	return st >= 0 && st < (int)(sizeof map / sizeof map[0]) ? map[st] : -1;
}

static int from_mib_state(DWORD st)
{
	if (st == 12) /* MIB_TCP_STATE_DELETE_TCB: being removed */
		return SC_TCP_CLOSED;
	return st >= 1 ? from_tcpstate((int)st - 1) : -1;
}

typedef ULONG(WINAPI *get_tcp_table_fn)(MIB_TCPTABLE *, ULONG *, BOOL);
typedef ULONG(WINAPI *get_tcp6_table_fn)(MIB_TCP6TABLE *, ULONG *, BOOL);

static void (*iphlpapi_function(const char *name))(void)
{
	static HMODULE dll;

	if (!dll)
		dll = LoadLibraryA("iphlpapi.dll");
	return dll ? (void (*)(void))GetProcAddress(dll, name) : NULL;
}

/* The table as a malloc'd buffer, or NULL.  ERROR_INSUFFICIENT_BUFFER: the table grew, again. */
static void *tcp_table(int family)
{
	get_tcp_table_fn get4 = (get_tcp_table_fn)iphlpapi_function("GetTcpTable");
	get_tcp6_table_fn get6 = (get_tcp6_table_fn)iphlpapi_function("GetTcp6Table");
	ULONG size = 1u << 14;

	if (family == AF_INET6 ? !get6 : !get4)
		return NULL;
	for (int attempt = 0; attempt < 8; attempt++) {
		void *buf = malloc(size);
		ULONG err;

		if (!buf)
			return NULL;
		err = family == AF_INET6 ? get6(buf, &size, FALSE) : get4(buf, &size, FALSE);
		if (err == NO_ERROR)
			return buf;
		free(buf);
		if (err != ERROR_INSUFFICIENT_BUFFER)
			return NULL;
		size += 1u << 12;
	}
	return NULL;
}

static int winsock_listed_tcp_state(const struct sockaddr *self, const struct sockaddr *other)
{
	int state = SC_TCP_CLOSED;

	if (self->sa_family != other->sa_family)
		return -1;
	if (self->sa_family == AF_INET) {
		const struct sockaddr_in *a = (const struct sockaddr_in *)self;
		const struct sockaddr_in *b = (const struct sockaddr_in *)other;
		MIB_TCPTABLE *t = tcp_table(AF_INET);

		if (!t)
			return -1;
		for (DWORD i = 0; i < t->dwNumEntries; i++) {
			const MIB_TCPROW *r = &t->table[i];

			/* addresses and ports in network order, ports in the low 16 bits */
			if (r->dwLocalAddr == a->sin_addr.s_addr && (u_short)r->dwLocalPort == a->sin_port &&
			    r->dwRemoteAddr == b->sin_addr.s_addr &&
			    (u_short)r->dwRemotePort == b->sin_port) {
				state = from_mib_state(r->dwState);
				break;
			}
		}
		free(t);
		return state;
	}
	if (self->sa_family == AF_INET6) {
		const struct sockaddr_in6 *a = (const struct sockaddr_in6 *)self;
		const struct sockaddr_in6 *b = (const struct sockaddr_in6 *)other;
		MIB_TCP6TABLE *t = tcp_table(AF_INET6);

		if (!t)
			return -1;
		for (DWORD i = 0; i < t->dwNumEntries; i++) {
			const MIB_TCP6ROW *r = &t->table[i];

			if (memcmp(&r->LocalAddr, &a->sin6_addr, sizeof a->sin6_addr) == 0 &&
			    (u_short)r->dwLocalPort == a->sin6_port &&
			    memcmp(&r->RemoteAddr, &b->sin6_addr, sizeof b->sin6_addr) == 0 &&
			    (u_short)r->dwRemotePort == b->sin6_port) {
				state = from_mib_state((DWORD)r->State);
				break;
			}
		}
		free(t);
		return state;
	}
	return -1;
}

/*
 * s's state: SIO_TCP_INFO where the system has it; otherwise the
 * connection table's entry for s's two addresses (Windows before 10 1703,
 * Wine), which describes the same connection.
 */
static int winsock_tcp_state(sc_handle s)
{
	struct sc_tcp_info_v0 info;
	struct sockaddr_storage self, other;
	int len_self = sizeof self, len_other = sizeof other;

	if (tcp_info(s, &info) == 0)
		return from_tcpstate(info.State);
	if (getsockname((SOCKET)s, (struct sockaddr *)&self, &len_self) == SOCKET_ERROR) {
		WSASetLastError(0);
		return -1; /* not a socket, or not even bound */
	}
	if (getpeername((SOCKET)s, (struct sockaddr *)&other, &len_other) == SOCKET_ERROR) {
		int err = WSAGetLastError(), listening = 0, len = sizeof listening;

		WSASetLastError(0);
		if (err != WSAENOTCONN)
			return -1;
		/* still connecting: SYN_SENT has no peer name, but a row in the table */
		if (target_of(s)) {
			int listed = winsock_listed_tcp_state((struct sockaddr *)&self, target_of(s));
			if (listed > 0 && listed != SC_TCP_CLOSED)
				return listed;
		}
		/* no connection (never made, or reset): listening, or closed */
		if (getsockopt((SOCKET)s, SOL_SOCKET, SO_ACCEPTCONN, (char *)&listening, &len) ==
		    SOCKET_ERROR) {
			WSASetLastError(0);
			return -1;
		}
		return listening ? SC_TCP_LISTEN : SC_TCP_CLOSED;
	}
	return winsock_listed_tcp_state((struct sockaddr *)&self, (struct sockaddr *)&other);
}

const struct sc_stack sc_kernel_stack = {
	.name = "winsock",
	.identity_fds = 0,
	.families = SC_INET | SC_INET6,
	.no_fork = NULL, /* the platform's own: a child shares its sockets (Windows has no fork: holder_exit_win.c) */
	.raises_sigpipe = 0,
	.address = sc_kernel_address,
	.last_error = sc_plat_socket_errno,
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
	.getpeername = winsock_getpeername,
	.tcp_state = winsock_tcp_state,
	.listed_tcp_state = winsock_listed_tcp_state,
};
