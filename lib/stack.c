/*
 * stack.c: the dispatch layer (see stack.h) and the record of which
 * descriptors the current family opened, so that lib can close what a
 * failed check left behind.
 */
#define SC_LIB_INTERNAL
#include "sockconf.h"
#include "outcome.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_VIRTUAL 256
#define MAX_LIVE 256

static struct {
	const struct sc_stack *stack; /* NULL: free */
	sc_handle handle;
} virtual_fds[MAX_VIRTUAL];

static int live[MAX_LIVE]; /* descriptors opened and not yet closed */
static unsigned nlive;

/* The stack of this thread's last call: its errno is the one a check reads. */
static _Thread_local const struct sc_stack *last_stack;

int sc_socket_errno(void)
{
	return last_stack && last_stack->last_error ? last_stack->last_error() : sc_plat_socket_errno();
}

const struct sc_stack *sc_stack_of(int fd, sc_handle *handle)
{
	int slot = fd - SC_VIRTUAL_FD_BASE;

	if (slot >= 0 && slot < MAX_VIRTUAL && virtual_fds[slot].stack) {
		*handle = virtual_fds[slot].handle;
		return virtual_fds[slot].stack;
	}
	*handle = fd; /* unknown to lib: the platform's descriptor, whatever stack is under test */
	return sc_platform_stack();
}

static void remember(int fd)
{
	if (nlive < MAX_LIVE)
		live[nlive++] = fd;
}

static void forget(int fd)
{
	for (unsigned i = 0; i < nlive; i++)
		if (live[i] == fd) {
			live[i] = live[--nlive];
			return;
		}
}

int sc_adopt(const struct sc_stack *stack, sc_handle handle)
{
	int fd = -1;

	if (handle == -1)
		return -1;
	if (stack->identity_fds) {
		fd = (int)handle;
	} else {
		for (int slot = 0; slot < MAX_VIRTUAL; slot++)
			if (!virtual_fds[slot].stack) {
				virtual_fds[slot].stack = stack;
				virtual_fds[slot].handle = handle;
				fd = SC_VIRTUAL_FD_BASE + slot;
				break;
			}
		if (fd == -1) {
			stack->close(handle);
			errno = EMFILE;
			return -1;
		}
	}
	remember(fd);
	return fd;
}

void sc_close_family_sockets(void)
{
	static const struct linger off = {0, 0}; /* never block on what a failure left */

	while (nlive) {
		int fd = live[nlive - 1];
		sc_handle h;
		const struct sc_stack *s = sc_stack_of(fd, &h);

		if (!(s->one_thread_per_socket && sc_recv_blocked_on(fd))) { /* else left open: a close deadlocks */
			s->setsockopt(h, SOL_SOCKET, SO_LINGER, &off, sizeof off);
			s->close(h);
		}
		forget(fd);
	}
}

int sc_socket_on(const struct sc_stack *s, int domain, int type, int protocol)
{
	last_stack = s;
	return sc_adopt(s, s->socket(domain, type, protocol));
}

int sc_socket(int domain, int type, int protocol)
{
	return sc_socket_on(sc_stack_at(SC_END_LOCAL), domain, type, protocol);
}

/* Both ends of a pair on the case's own stack: a pair has no wire to put a second stack across. */
int sc_socketpair(int domain, int type, int protocol, int sv[2])
{
	const struct sc_stack *s = sc_stack_at(SC_END_LOCAL);
	sc_handle h[2];

	last_stack = s;
	if (s->socketpair(domain, type, protocol, h) == -1)
		return -1;
	sv[0] = sc_adopt(s, h[0]);
	sv[1] = sc_adopt(s, h[1]);
	return 0;
}

/* The step names the call, so a watchdog that fires inside it says which. */
#define DISPATCH(fd, op, args)                                \
	do {                                                  \
		sc_handle h_;                                 \
		const struct sc_stack *s_ = sc_stack_of(fd, &h_); \
		sc_current_step = "inside " #op "()";         \
		last_stack = s_;                              \
		return s_->op args;                           \
	} while (0)

int sc_bind(int fd, const struct sockaddr *addr, socklen_t len) { DISPATCH(fd, bind, (h_, addr, len)); }
int sc_listen(int fd, int backlog) { DISPATCH(fd, listen, (h_, backlog)); }
int sc_connect(int fd, const struct sockaddr *addr, socklen_t len) { DISPATCH(fd, connect, (h_, addr, len)); }
int sc_getsockname(int fd, struct sockaddr *addr, socklen_t *len) { DISPATCH(fd, getsockname, (h_, addr, len)); }
/* A stack whose sockets are one thread's at a time must not meet a blocked recv() on one. */
static void refuse_second_thread(int fd)
{
	sc_handle h;
	const struct sc_stack *s = sc_stack_of(fd, &h);

	if (s->one_thread_per_socket && sc_recv_blocked_on(fd))
		skip(s->one_thread_per_socket);
}

int sc_shutdown(int fd, int how)
{
	refuse_second_thread(fd);
	DISPATCH(fd, shutdown, (h_, how));
}
ssize_t sc_send(int fd, const void *buf, size_t len, int flags) { DISPATCH(fd, send, (h_, buf, len, flags)); }
ssize_t sc_recv(int fd, void *buf, size_t len, int flags) { DISPATCH(fd, recv, (h_, buf, len, flags)); }
ssize_t sc_write(int fd, const void *buf, size_t len) { DISPATCH(fd, write, (h_, buf, len)); }
int sc_setsockopt(int fd, int level, int name, const void *val, socklen_t len) { DISPATCH(fd, setsockopt, (h_, level, name, val, len)); }
int sc_getsockopt(int fd, int level, int name, void *val, socklen_t *len) { DISPATCH(fd, getsockopt, (h_, level, name, val, len)); }
int set_nonblocking(int fd, int on) { DISPATCH(fd, set_nonblocking, (h_, on)); }
long sc_unacked_bytes(int fd, int family) { DISPATCH(fd, unacked_bytes, (h_, family)); }
int sc_getpeername(int fd, struct sockaddr *addr, socklen_t *len) { DISPATCH(fd, getpeername, (h_, addr, len)); }
int sc_tcp_state_raw(int fd) { DISPATCH(fd, tcp_state, (h_)); }

int sc_epoll_revents_raw(int fd, short events)
{
	sc_handle h;
	const struct sc_stack *s = sc_stack_of(fd, &h);

	last_stack = s;
	if (!s->epoll_revents) {
		errno = ENOSYS;
		return -1;
	}
	return s->epoll_revents(h, events);
}

int sc_accept(int fd, struct sockaddr *addr, socklen_t *len)
{
	sc_handle h;
	const struct sc_stack *s = sc_stack_of(fd, &h);

	last_stack = s;
	return sc_adopt(s, s->accept(h, addr, len));
}

int sc_dup(int fd)
{
	sc_handle h;
	const struct sc_stack *s = sc_stack_of(fd, &h);

	if (!s->dup) {
		char why[96];
		snprintf(why, sizeof why, "the %s stack has no dup(): a socket has one descriptor", s->name);
		skip(why);
	}
	last_stack = s;
	return sc_adopt(s, s->dup(h));
}

int sc_close(int fd)
{
	sc_handle h;
	const struct sc_stack *s;
	int ret;

	refuse_second_thread(fd);
	s = sc_stack_of(fd, &h);
	last_stack = s;
	ret = s->close(h);

	if (ret == 0) /* a virtual descriptor stays mapped: later calls still reach its stack */
		forget(fd);
	return ret;
}

/* All descriptors of one poll must belong to one stack. */
int sc_poll(struct pollfd *fds, unsigned nfds, int timeout_ms)
{
	struct pollfd native[64];
	const struct sc_stack *stack = NULL;
	int ret;

	if (nfds > 64) {
		errno = EINVAL;
		return -1;
	}
	for (unsigned i = 0; i < nfds; i++) {
		sc_handle h;
		const struct sc_stack *s = sc_stack_of((int)fds[i].fd, &h);

		if (stack && s != stack) {
			errno = EINVAL;
			return -1;
		}
		stack = s;
		native[i] = fds[i];
		native[i].fd = h;
	}
	if (!stack) /* nothing to poll: a pause, which is the platform's to give */
		return sc_plat_pause_ms(timeout_ms);
	last_stack = stack;
	ret = stack->poll(native, nfds, timeout_ms);
	for (unsigned i = 0; i < nfds; i++)
		fds[i].revents = native[i].revents;
	return ret;
}
