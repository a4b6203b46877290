/*
 * stack_posix.c: the kernel's sockets through the BSD socket API.
 * Handles are file descriptors, usable by cases as they are.
 */
#define SC_LIB_INTERNAL
#include "sockconf.h"

#include <stdio.h>
#include <string.h>

#include <fcntl.h>
#include <sys/ioctl.h>
#if defined(__linux__)
#include <sys/epoll.h>
#ifndef SIOCOUTQ
/* Linux's <linux/sockios.h> says SIOCOUTQ is TIOCOUTQ (<sys/ioctl.h>); musl
 * ships no kernel headers, so the name is made from the one libc has. */
#define SIOCOUTQ TIOCOUTQ
#endif
#endif

/*
 * Bytes each socket of this process has sent and read, for the receiver's
 * view of delivery (kernel_undelivered_bytes): counted per descriptor from
 * its socket() or accept() to its close().
 */
#define MAX_COUNTED 1024
static struct {
	int open;
	unsigned long long sent, received;
} counted[MAX_COUNTED];

static sc_handle counted_from_now(sc_handle s)
{
	if (s >= 0 && s < MAX_COUNTED) {
		counted[s].open = 1;
		counted[s].sent = counted[s].received = 0;
	}
	return s;
}

static ssize_t count(ssize_t n, sc_handle s, int sent)
{
	if (n > 0 && s >= 0 && s < MAX_COUNTED) {
		if (sent)
			counted[s].sent += (unsigned long long)n;
		else
			counted[s].received += (unsigned long long)n;
	}
	return n;
}

static int kernel_init(void) { return 0; }
static sc_handle kernel_socket(int d, int t, int p) { return counted_from_now(socket(d, t, p)); }
static int kernel_bind(sc_handle s, const struct sockaddr *a, socklen_t l) { return bind((int)s, a, l); }
static int kernel_listen(sc_handle s, int b) { return listen((int)s, b); }
static sc_handle kernel_accept(sc_handle s, struct sockaddr *a, socklen_t *l) { return counted_from_now(accept((int)s, a, l)); }
static int kernel_connect(sc_handle s, const struct sockaddr *a, socklen_t l) { return connect((int)s, a, l); }
static int kernel_getsockname(sc_handle s, struct sockaddr *a, socklen_t *l) { return getsockname((int)s, a, l); }
static int kernel_shutdown(sc_handle s, int how) { return shutdown((int)s, how); }
static ssize_t kernel_write(sc_handle s, const void *b, size_t n) { return count(write((int)s, b, n), s, 1); }
static sc_handle kernel_dup(sc_handle s) { return dup((int)s); }

static int kernel_close(sc_handle s)
{
	if (s >= 0 && s < MAX_COUNTED)
		counted[s].open = 0;
	return close((int)s);
}

static ssize_t kernel_recv(sc_handle s, void *b, size_t n, int f)
{
	ssize_t got = recv((int)s, b, n, f);

	return f & MSG_PEEK ? got : count(got, s, 0); /* a look takes nothing */
}

static int kernel_socketpair(int d, int t, int p, sc_handle sv[2])
{
	int fds[2];

	if (socketpair(d, t, p, fds) == -1)
		return -1;
	sv[0] = counted_from_now(fds[0]), sv[1] = counted_from_now(fds[1]);
	return 0;
}

static int kernel_setsockopt(sc_handle s, int level, int name, const void *v, socklen_t l)
{
	return setsockopt((int)s, level, name, v, l);
}

#ifdef SC_MSG_NOSIGNAL_BY_SOCKOPT
/*
 * MSG_NOSIGNAL where the OS has only SO_NOSIGPIPE (macOS; see platform.h).
 * Sockets keep SO_NOSIGPIPE off, so a plain send() or write() raises
 * SIGPIPE as shutwr.sigpipe and rst.write_to_closed_peer assert; a send()
 * flagged MSG_NOSIGNAL turns the option on for that one call and back to
 * what it was.  (Setting it on every socket lib makes would silence the
 * plain calls too, and those are the behaviour under test.)
 */
static ssize_t kernel_send(sc_handle s, const void *b, size_t n, int f)
{
	int was_on = 0, on = 1, err;
	socklen_t len = sizeof was_on;
	ssize_t ret;

	if (!(f & SC_MSG_NOSIGNAL_BY_SOCKOPT))
		return count(send((int)s, b, n, f), s, 1);
	f &= ~SC_MSG_NOSIGNAL_BY_SOCKOPT;
	/* not a socket, or closed: send() itself gives the case its EBADF or ENOTSOCK */
	if (getsockopt((int)s, SOL_SOCKET, SO_NOSIGPIPE, &was_on, &len) == -1)
		return count(send((int)s, b, n, f), s, 1);
	if (!was_on)
		setsockopt((int)s, SOL_SOCKET, SO_NOSIGPIPE, &on, sizeof on);
	ret = send((int)s, b, n, f);
	err = errno;
	if (!was_on)
		setsockopt((int)s, SOL_SOCKET, SO_NOSIGPIPE, &was_on, sizeof was_on);
	errno = err; /* the send's errno, whatever the restore did */
	return count(ret, s, 1);
}
#else
static ssize_t kernel_send(sc_handle s, const void *b, size_t n, int f) { return count(send((int)s, b, n, f), s, 1); }
#endif

static int kernel_getsockopt(sc_handle s, int level, int name, void *v, socklen_t *l)
{
	return getsockopt((int)s, level, name, v, l);
}

static int kernel_set_nonblocking(sc_handle s, int on)
{
	int flags = fcntl((int)s, F_GETFL);

	if (flags == -1)
		return -1;
	return fcntl((int)s, F_SETFL, on ? flags | O_NONBLOCK : flags & ~O_NONBLOCK);
}

static int kernel_poll(struct pollfd *fds, unsigned n, int timeout_ms)
{
	return poll(fds, (nfds_t)n, timeout_ms);
}

/*
 * Bytes sent and not yet acknowledged.  Linux: SIOCOUTQ counts the send
 * queue, unsent and unacknowledged alike.  An AF_UNIX send is delivered
 * into the peer's queue before it returns: nothing is ever in flight.
 */
static long kernel_unacked_bytes(sc_handle s, int family)
{
	if (family == AF_UNIX)
		return 0;
#ifdef SIOCOUTQ
	{
		int queued;
		if (ioctl((int)s, SIOCOUTQ, &queued) == 0)
			return queued;
	}
#endif
	return -1;
}

static int kernel_getpeername(sc_handle s, struct sockaddr *a, socklen_t *l) { return getpeername((int)s, a, l); }

static int same_address(const struct sockaddr_storage *a, const struct sockaddr_storage *b)
{
	if (a->ss_family != b->ss_family)
		return 0;
	if (a->ss_family == AF_INET6) {
		const struct sockaddr_in6 *x = (const void *)a, *y = (const void *)b;
		return x->sin6_port == y->sin6_port &&
		       memcmp(&x->sin6_addr, &y->sin6_addr, sizeof x->sin6_addr) == 0;
	}
	if (a->ss_family == AF_INET) {
		const struct sockaddr_in *x = (const void *)a, *y = (const void *)b;
		return x->sin_port == y->sin_port && x->sin_addr.s_addr == y->sin_addr.s_addr;
	}
	return 0;
}

/*
 * The receiver's view: s's other end is a socket of this process (lib
 * makes both ends of a connection here), found by its addresses; what it
 * holds is what it has read plus what waits in its queue (FIONREAD).
 */
static long kernel_undelivered_bytes(sc_handle s, int family)
{
	struct sockaddr_storage self, other, a, b;
	socklen_t len;
	int queued;

	if (family == AF_UNIX)
		return 0; /* as in kernel_unacked_bytes: delivered before send() returns */
	len = sizeof self;
	if (s < 0 || s >= MAX_COUNTED || getsockname((int)s, (struct sockaddr *)&self, &len) == -1)
		return -1;
	len = sizeof other;
	if (getpeername((int)s, (struct sockaddr *)&other, &len) == -1)
		return -1;
	for (int fd = 0; fd < MAX_COUNTED; fd++) {
		unsigned long long held;

		if (!counted[fd].open || fd == (int)s)
			continue;
		len = sizeof a;
		if (getsockname(fd, (struct sockaddr *)&a, &len) == -1 || !same_address(&a, &other))
			continue;
		len = sizeof b;
		if (getpeername(fd, (struct sockaddr *)&b, &len) == -1 || !same_address(&b, &self))
			continue;
		if (ioctl(fd, FIONREAD, &queued) == -1 || queued < 0)
			return -1;
		held = counted[fd].received + (unsigned long long)queued;
		return held <= counted[s].sent ? (long)(counted[s].sent - held) : -1; /* more: another sender */
	}
	return -1;
}

/* Our enum sc_tcp_state from the kernel's numbering (Linux include/net/tcp_states.h). */
static int from_linux_state(int st)
{
	static const int map[] = {
		[1] = SC_TCP_ESTABLISHED, [2] = SC_TCP_SYN_SENT,   [3] = SC_TCP_SYN_RECEIVED,
		[4] = SC_TCP_FIN_WAIT1,   [5] = SC_TCP_FIN_WAIT2,  [6] = SC_TCP_TIME_WAIT,
		[7] = SC_TCP_CLOSED,      [8] = SC_TCP_CLOSE_WAIT, [9] = SC_TCP_LAST_ACK,
		[10] = SC_TCP_LISTEN,     [11] = SC_TCP_CLOSING,
	};
	return st > 0 && st < (int)(sizeof map / sizeof map[0]) ? map[st] : -1;
}

static int kernel_tcp_state(sc_handle s)
{
#if defined(__linux__)
	struct tcp_info info;
	socklen_t len = sizeof info;

	if (getsockopt((int)s, IPPROTO_TCP, TCP_INFO, &info, &len) == 0)
		return from_linux_state(info.tcpi_state);
#endif
	(void)s;
	return -1;
}

/* "0100007F:1F90" as /proc/net/tcp prints 127.0.0.1:8080 (the address's raw words). */
static void proc_net_address(const struct sockaddr *sa, char *out, size_t size)
{
	if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)sa;
		uint32_t w[4];
		memcpy(w, &s6->sin6_addr, sizeof w);
		snprintf(out, size, "%08X%08X%08X%08X:%04X", w[0], w[1], w[2], w[3], ntohs(s6->sin6_port));
	} else {
		const struct sockaddr_in *s4 = (const struct sockaddr_in *)sa;
		snprintf(out, size, "%08X:%04X", (unsigned)s4->sin_addr.s_addr, ntohs(s4->sin_port));
	}
}

static int kernel_listed_tcp_state(const struct sockaddr *self, const struct sockaddr *other)
{
	char want_self[64], want_other[64], line[512];
	FILE *f = fopen(self->sa_family == AF_INET6 ? "/proc/net/tcp6" : "/proc/net/tcp", "r");
	int state = SC_TCP_CLOSED;

	if (!f)
		return -1;
	proc_net_address(self, want_self, sizeof want_self);
	proc_net_address(other, want_other, sizeof want_other);
	while (fgets(line, sizeof line, f)) {
		char local[64], remote[64];
		unsigned st;

		if (sscanf(line, " %*d: %63s %63s %x", local, remote, &st) == 3 &&
		    strcmp(local, want_self) == 0 && strcmp(remote, want_other) == 0) {
			state = from_linux_state((int)st);
			break;
		}
	}
	fclose(f);
	return state;
}

/* One epoll instance per question, asked without waiting: level-triggered. */
static int kernel_epoll_revents(sc_handle s, short events)
{
#if defined(__linux__)
	static const struct {
		short poll;
		uint32_t epoll;
	} bits[] = {{POLLIN, EPOLLIN}, {POLLOUT, EPOLLOUT}, {POLLERR, EPOLLERR},
		    {POLLHUP, EPOLLHUP}, {POLLRDHUP, EPOLLRDHUP}};
	struct epoll_event ev = {.events = 0, .data = {.fd = (int)s}};
	int ep = epoll_create1(EPOLL_CLOEXEC), n;
	short revents = 0;

	if (ep == -1)
		return -1;
	for (size_t i = 0; i < sizeof bits / sizeof bits[0]; i++)
		if (events & bits[i].poll)
			ev.events |= bits[i].epoll;
	if (epoll_ctl(ep, EPOLL_CTL_ADD, (int)s, &ev) == -1 || (n = epoll_wait(ep, &ev, 1, 0)) == -1) {
		int err = errno;
		close(ep);
		errno = err;
		return -1;
	}
	close(ep);
	for (size_t i = 0; n == 1 && i < sizeof bits / sizeof bits[0]; i++)
		if (ev.events & bits[i].epoll)
			revents |= bits[i].poll;
	return revents;
#else
	(void)s, (void)events;
	errno = ENOSYS;
	return -1;
#endif
}

const struct sc_stack sc_kernel_stack = {
	.name = "kernel",
	.identity_fds = 1,
	.families = SC_INET | SC_INET6 | SC_UNIX,
	.no_fork = NULL, /* the platform's own: a child shares its sockets (Windows has no fork: holder_exit_win.c) */
	.raises_sigpipe = 1,
	.address = sc_kernel_address,
	.last_error = sc_plat_socket_errno,
	.init = kernel_init,
	.socket = kernel_socket,
	.socketpair = kernel_socketpair,
	.bind = kernel_bind,
	.listen = kernel_listen,
	.accept = kernel_accept,
	.connect = kernel_connect,
	.getsockname = kernel_getsockname,
	.close = kernel_close,
	.shutdown = kernel_shutdown,
	.send = kernel_send,
	.recv = kernel_recv,
	.write = kernel_write,
	.setsockopt = kernel_setsockopt,
	.getsockopt = kernel_getsockopt,
	.dup = kernel_dup,
	.set_nonblocking = kernel_set_nonblocking,
	.poll = kernel_poll,
	.unacked_bytes = kernel_unacked_bytes,
	.undelivered_bytes = kernel_undelivered_bytes,
	.getpeername = kernel_getpeername,
	.tcp_state = kernel_tcp_state,
	.listed_tcp_state = kernel_listed_tcp_state,
	.epoll_revents = kernel_epoll_revents,
};
