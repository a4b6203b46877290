/*
 * stack.h: the dispatch layer.
 *
 * A socket belongs to a stack.  Cases call the ordinary names; each
 * wrapper below finds the stack that owns the descriptor and calls it
 * there.  The wrappers are functions (every argument evaluated once), and
 * sockconf.h maps the ordinary names onto them for case code only.
 *
 * Descriptors: a stack whose handles are small ints in a space of their
 * own (the POSIX kernel) hands them out unchanged.  Any other stack's
 * handles (Winsock SOCKETs, lwIP's numbers that overlap kernel fds) get a
 * descriptor from lib's table, at SC_VIRTUAL_FD_BASE and up.  A descriptor
 * lib has never seen is the platform's (a file, a pipe, a closed number) and
 * goes to the platform's stack as it is, so the platform's own answer to a
 * bad descriptor (EBADF, ENOTSOCK) is what the case observes, whichever
 * stack is under test.
 *
 * Each end of a connection lives on a stack (stacks.c): the case's own end
 * on the stack under test, the peer on the same one or on a reference stack.
 */
#ifndef SOCKCONF_STACK_H
#define SOCKCONF_STACK_H

#include "platform.h"

#define SC_VIRTUAL_FD_BASE 0x40000

typedef intptr_t sc_handle; /* a stack's own descriptor */

struct sc_stack {
	const char *name;   /* "kernel", "winsock", "lwip" */
	int identity_fds;   /* handles are usable as case descriptors as they are */
	int (*init)(void);  /* 0, or -1 with errno when the stack cannot start */
	/* the stack's own release ("2.1.3"); NULL: the platform's (the kernel's) */
	const char *(*version)(void);
	unsigned families;  /* the families it makes sockets of: SC_INET | SC_INET6 | SC_UNIX */
	/* NULL, or why a forked child cannot share this stack's sockets (lwIP
	 * lives in the process: a child gets a copy of the whole stack) */
	const char *no_fork;
	int raises_sigpipe; /* a send on a broken connection raises SIGPIPE */
	/* NULL, or why a socket is one thread's at a time: a call on a socket
	 * while another thread is blocked in recv() on it is then refused with
	 * this as the SKIP's reason (lwIP without LWIP_NETCONN_FULLDUPLEX) */
	const char *one_thread_per_socket;
	/* NULL, or why a call blocked in another thread is not one asleep in the
	 * stack (an agent without threads makes it once a poll says it can
	 * complete): the cases about what wakes a blocked call skip with this */
	const char *blocked_calls_retried;
	/* where this stack's listeners listen, for `family`: 0, or -1 (no such family) */
	int (*address)(int family, struct sockaddr_storage *ss, socklen_t *len);
	/* the error of this stack's last failed call, as an errno value */
	int (*last_error)(void);
	/* The wire (wire_pcap.c).  A stack whose segments cross a device of the
	 * platform names it ("tap3"); NULL: the platform's loopback.  A stack
	 * that carries its segments itself (lwIP's in-process loopback) hands
	 * each IP packet it takes in to `seen` instead (observe: 0, or -1 where
	 * it cannot); NULL observe: it has no such hook. */
	const char *(*wire_device)(void);
	int (*observe)(void (*seen)(const unsigned char *ip, size_t len, void *ctx), void *ctx);
	sc_handle (*socket)(int domain, int type, int protocol);
	int (*socketpair)(int domain, int type, int protocol, sc_handle sv[2]);
	int (*bind)(sc_handle s, const struct sockaddr *addr, socklen_t len);
	int (*listen)(sc_handle s, int backlog);
	sc_handle (*accept)(sc_handle s, struct sockaddr *addr, socklen_t *len);
	int (*connect)(sc_handle s, const struct sockaddr *addr, socklen_t len);
	int (*getsockname)(sc_handle s, struct sockaddr *addr, socklen_t *len);
	int (*close)(sc_handle s);
	int (*shutdown)(sc_handle s, int how);
	ssize_t (*send)(sc_handle s, const void *buf, size_t len, int flags);
	ssize_t (*recv)(sc_handle s, void *buf, size_t len, int flags);
	ssize_t (*write)(sc_handle s, const void *buf, size_t len);
	int (*setsockopt)(sc_handle s, int level, int name, const void *val, socklen_t len);
	int (*getsockopt)(sc_handle s, int level, int name, void *val, socklen_t *len);
	sc_handle (*dup)(sc_handle s); /* NULL: the stack has none (cases that dup skip) */
	int (*set_nonblocking)(sc_handle s, int on);
	/* poll on handles of this stack; same contract as poll(2) */
	int (*poll)(struct pollfd *fds, unsigned nfds, int timeout_ms);
	/* bytes sent on s that the peer has not acknowledged, or -1 if unobservable */
	long (*unacked_bytes)(sc_handle s, int family);
	/* the receiver's view, for stacks that show no unacknowledged count: bytes sent
	 * on s that the other end, a socket of this process, has neither read nor
	 * queued; -1 where it cannot be told (no such end here).  NULL: never told */
	long (*undelivered_bytes)(sc_handle s, int family);
	int (*getpeername)(sc_handle s, struct sockaddr *addr, socklen_t *len);
	/* s's TCP state as an enum sc_tcp_state, or -1 if unobservable */
	int (*tcp_state)(sc_handle s);
	/* the state the stack lists for the connection self<->other, SC_TCP_CLOSED
	 * if none, -1 if the stack keeps no list we can read */
	int (*listed_tcp_state)(const struct sockaddr *self, const struct sockaddr *other);
	/* what epoll reports for s now, as poll bits (POLLIN, SC_POLLRDHUP, ...);
	 * -1 with errno ENOSYS where the stack has no epoll */
	int (*epoll_revents)(sc_handle s, short events);
};

/* The kernel's sockets through this platform's API (BSD sockets or Winsock). */
extern const struct sc_stack sc_kernel_stack;
extern const struct sc_stack sc_agent_stack; /* stack_agent.c: a sockconf agent's, over a stream */
#if SC_HAVE_LWIP
extern const struct sc_stack sc_lwip_stack; /* stack_lwip.c */
#endif

/*
 * Where the platform's stack listens: 127.0.0.1 or ::1, or the addresses
 * SOCKCONF_KERNEL_ADDR4 / SOCKCONF_KERNEL_ADDR6 name (the kernel's side of
 * a link to another stack).  `family` is an enum sc_family.
 */
int sc_kernel_address(int family, struct sockaddr_storage *ss, socklen_t *len);

/* The two ends of a connection: the case's own, and its peer. */
enum sc_end { SC_END_LOCAL, SC_END_PEER };

/* The stack an end lives on, started (SOCKCONF_STACK, SOCKCONF_PEER_STACK). */
const struct sc_stack *sc_stack_at(enum sc_end end);
/* The same, for a socket of `family`: a SKIP where the stack has none. */
const struct sc_stack *sc_stack_for(enum sc_end end, enum sc_family family);
/* The stack NAME names (`var`: where the name came from), started; NULL and why if not. */
const struct sc_stack *sc_stack_start(const char *var, const char *name, char *why, size_t whysize);
/* The stack name the environment variable var gives, or fallback. */
const char *sc_stack_name_in(const char *var, const char *fallback);
/* The platform's own stack, started: the owner of descriptors lib never made. */
const struct sc_stack *sc_platform_stack(void);
/* The stack owning fd, and its handle there. */
const struct sc_stack *sc_stack_of(int fd, sc_handle *handle);
/* A case descriptor for a new handle of `stack`. */
int sc_adopt(const struct sc_stack *stack, sc_handle handle);
/* The error of the calling thread's last stack call, as an errno value. */
int sc_socket_errno(void);

/* socket() on a given stack; sc_socket() is the case's own end's. */
int sc_socket_on(const struct sc_stack *stack, int domain, int type, int protocol);
int sc_socket(int domain, int type, int protocol);
int sc_socketpair(int domain, int type, int protocol, int sv[2]);
int sc_bind(int fd, const struct sockaddr *addr, socklen_t len);
int sc_listen(int fd, int backlog);
int sc_accept(int fd, struct sockaddr *addr, socklen_t *len);
int sc_connect(int fd, const struct sockaddr *addr, socklen_t len);
int sc_getsockname(int fd, struct sockaddr *addr, socklen_t *len);
int sc_getpeername(int fd, struct sockaddr *addr, socklen_t *len);
int sc_close(int fd);
int sc_shutdown(int fd, int how);
ssize_t sc_send(int fd, const void *buf, size_t len, int flags);
ssize_t sc_recv(int fd, void *buf, size_t len, int flags);
ssize_t sc_write(int fd, const void *buf, size_t len);
int sc_setsockopt(int fd, int level, int name, const void *val, socklen_t len);
int sc_getsockopt(int fd, int level, int name, void *val, socklen_t *len);
int sc_dup(int fd);
int sc_poll(struct pollfd *fds, unsigned nfds, int timeout_ms);
int set_nonblocking(int fd, int on);
long sc_unacked_bytes(int fd, int family);
int sc_tcp_state_raw(int fd); /* stack op; tcp_state() in sockconf.h skips when -1 */
int sc_epoll_revents_raw(int fd, short events); /* stack op; epoll_revents() skips when -1 */

#endif
