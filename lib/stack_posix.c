/*
 * stack_posix.c: the kernel's sockets through the BSD socket API.
 * Handles are file descriptors, usable by cases as they are.
 */
#define SC_LIB_INTERNAL
#include "stack.h"

#include <fcntl.h>
#include <sys/ioctl.h>
#if defined(__linux__)
#include <linux/sockios.h> /* SIOCOUTQ */
#endif

static int kernel_init(void) { return 0; }
static sc_handle kernel_socket(int d, int t, int p) { return socket(d, t, p); }
static int kernel_bind(sc_handle s, const struct sockaddr *a, socklen_t l) { return bind((int)s, a, l); }
static int kernel_listen(sc_handle s, int b) { return listen((int)s, b); }
static sc_handle kernel_accept(sc_handle s, struct sockaddr *a, socklen_t *l) { return accept((int)s, a, l); }
static int kernel_connect(sc_handle s, const struct sockaddr *a, socklen_t l) { return connect((int)s, a, l); }
static int kernel_getsockname(sc_handle s, struct sockaddr *a, socklen_t *l) { return getsockname((int)s, a, l); }
static int kernel_close(sc_handle s) { return close((int)s); }
static int kernel_shutdown(sc_handle s, int how) { return shutdown((int)s, how); }
static ssize_t kernel_send(sc_handle s, const void *b, size_t n, int f) { return send((int)s, b, n, f); }
static ssize_t kernel_recv(sc_handle s, void *b, size_t n, int f) { return recv((int)s, b, n, f); }
static ssize_t kernel_write(sc_handle s, const void *b, size_t n) { return write((int)s, b, n); }
static sc_handle kernel_dup(sc_handle s) { return dup((int)s); }

static int kernel_socketpair(int d, int t, int p, sc_handle sv[2])
{
	int fds[2];

	if (socketpair(d, t, p, fds) == -1)
		return -1;
	sv[0] = fds[0], sv[1] = fds[1];
	return 0;
}

static int kernel_setsockopt(sc_handle s, int level, int name, const void *v, socklen_t l)
{
	return setsockopt((int)s, level, name, v, l);
}

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

const struct sc_stack sc_kernel_stack = {
	.name = "kernel",
	.identity_fds = 1,
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
};
