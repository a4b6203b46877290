/*
 * mutants.c: broken stacks, to prove that every case can fail.
 *
 * Loaded with LD_PRELOAD (Linux, glibc), this library wraps the socket
 * calls a case makes and, when SOCKCONF_MUTANT names one of the mutants
 * below, breaks exactly one documented behaviour.  Without
 * SOCKCONF_MUTANT it changes nothing.  Only sockets are touched: the
 * runner, which is preloaded too, closes and writes files unharmed.
 */
#define _GNU_SOURCE
#include "mutant.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>


/* The catalogue of broken behaviours (SOCKCONF_MUTANT=list prints it). */
static const struct mutant mutants[] = {
	{"shutwr_no_fin", "shutdown(SHUT_WR) sends no FIN (SHUT_RDWR acts as SHUT_RD)"},
	{"shutwr_is_rdwr", "shutdown(SHUT_WR) also shuts down receiving"},
	{"linger0_graceful", "SO_LINGER {1,0} is ignored: close() stays graceful"},
	{"linger_no_wait", "SO_LINGER {1,N} is ignored: close() never lingers"},
	{"linger_waits_out", "a blocking close() with SO_LINGER {1,N} returns only after N s, though the data was delivered sooner (as gVisor 20221219 does)"},
	{"close_unread_fin", "close() with unread data drains it first: FIN instead of RST"},
	{"close_always_rst", "every close() is abortive (RST), as if SO_LINGER {1,0}"},
	{"close_shuts_down", "close() of one descriptor of a socket shuts the connection down"},
	{"close_keeps_handle", "close() returns 0 but the descriptor stays usable"},
	{"eof_as_error", "recv() returns -1 ENOTCONN instead of 0 at end of stream"},
	{"reset_as_eof", "recv() returns 0 instead of -1 ECONNRESET (as Wine 8.0 does)"},
	{"send_ignores_shutwr", "send()/write() after SHUT_WR succeed silently"},
	{"no_sigpipe", "SIGPIPE is never raised (MSG_NOSIGNAL forced)"},
	{"sigpipe_always", "MSG_NOSIGNAL is ignored: SIGPIPE is raised anyway"},
	{"epipe_as_econnreset", "EPIPE from send()/write() is reported as ECONNRESET"},
	{"shutrd_noop", "shutdown(SHUT_RD) does nothing"},
	{"shutrd_drops", "after SHUT_RD, data already queued or arriving is discarded"},
	{"shutrd_resets", "shutdown(SHUT_RD) resets the connection"},
	{"shutdown_errors_hidden", "shutdown() never fails: its errors are swallowed"},
	{"shutwr_twice_fails", "a second SHUT_WR fails with ENOTCONN"},
	{"enotsock_as_ebadf", "shutdown() on a descriptor that is no socket reports EBADF"},
	{"so_error_hidden", "getsockopt(SO_ERROR) always reports 0"},
	{"linger_reads_off", "getsockopt(SO_LINGER) always reports {0,0}"},
	{"poll_no_hup", "poll() and epoll never report a hangup, an error or RDHUP"},
	{"rst_flushes_data", "after an RST, data received before it is discarded"},
	{"death_resets", "a process's death resets its connections (linger 0 before every fork)"},
	{"death_graceful", "a process's death never resets: what it would leave unread is read away before every fork"},
	{"reset_send_enotconn", "a TCP send() after the peer's reset fails with ENOTCONN, neither EPIPE nor ECONNRESET"},
	{"close_synsent_rst", "close() of a socket in SYN_SENT sends an RST (made with a raw socket)"},
	{"close_synsent_continues", "close() of a socket in SYN_SENT leaves the attempt alive: a late SYN-ACK completes it"},
	{"listen_close_graceful", "close() of a listener ends its queued connections with a FIN, not an RST"},
	{"shutrdwr_unread_resets", "shutdown(SHUT_RDWR) with unread data resets the connection (as Winsock documents)"},
	{"sigpipe_on_econnreset", "a send() or write() that fails with ECONNRESET raises SIGPIPE too"},
	{"exit_lingers", "_exit() closes each socket with SO_LINGER {1,N} as close() does, waiting out the linger"},
};

REAL(shutdown, int, int, int)
REAL(close, int, int)
REAL(recv, ssize_t, int, void *, size_t, int)
REAL(send, ssize_t, int, const void *, size_t, int)
REAL(write, ssize_t, int, const void *, size_t)
REAL(setsockopt, int, int, int, int, const void *, socklen_t)
REAL(getsockopt, int, int, int, int, void *, socklen_t *)
REAL(poll, int, struct pollfd *, nfds_t, int)
REAL(fork, pid_t, void)
REAL(epoll_wait, int, int, struct epoll_event *, int, int)
REAL(connect, int, int, const struct sockaddr *, socklen_t)

#define MAX_FD 4096
static unsigned char shut_wr[MAX_FD], shut_rd[MAX_FD];

static int is_socket(int fd)
{
	int type;
	socklen_t len = sizeof type;

	return fd >= 0 && get_getsockopt()(fd, SOL_SOCKET, SO_TYPE, &type, &len) == 0;
}

static int is_tcp(int fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof ss;

	return is_socket(fd) && getsockname(fd, (struct sockaddr *)&ss, &len) == 0 &&
	       (ss.ss_family == AF_INET || ss.ss_family == AF_INET6);
}

static void forget(int fd)
{
	if (fd >= 0 && fd < MAX_FD)
		shut_wr[fd] = shut_rd[fd] = 0;
}

static void drain(int fd)
{
	char buf[4096];

	while (get_recv()(fd, buf, sizeof buf, MSG_DONTWAIT) > 0)
		;
}

static void set_linger0(int fd)
{
	struct linger abortive = {1, 0};

	get_setsockopt()(fd, SOL_SOCKET, SO_LINGER, &abortive, sizeof abortive);
}

int shutdown(int fd, int how)
{
	int ret;

	if (is("shutdown_errors_hidden")) { /* any descriptor's: EBADF and ENOTSOCK too */
		get_shutdown()(fd, how);
		return 0;
	}
	if (!is_socket(fd)) {
		ret = get_shutdown()(fd, how);
		if (ret == -1 && errno == ENOTSOCK && is("enotsock_as_ebadf"))
			errno = EBADF;
		return ret;
	}
	if (is("shutwr_twice_fails") && how == SHUT_WR && fd < MAX_FD && shut_wr[fd]) {
		errno = ENOTCONN;
		return -1;
	}
	if (fd < MAX_FD && (how == SHUT_WR || how == SHUT_RDWR))
		shut_wr[fd] = 1;
	if (fd < MAX_FD && (how == SHUT_RD || how == SHUT_RDWR))
		shut_rd[fd] = 1;
	/* the next two leave an invalid `how` to the real call: its EINVAL is not theirs to hide */
	if (is("shutwr_no_fin") && (how == SHUT_WR || how == SHUT_RDWR))
		return how == SHUT_RDWR ? get_shutdown()(fd, SHUT_RD) : 0;
	if (is("shutwr_is_rdwr") && how == SHUT_WR)
		how = SHUT_RDWR;
	if (is("shutrd_noop") && (how == SHUT_RD || how == SHUT_RDWR))
		return how == SHUT_RDWR ? get_shutdown()(fd, SHUT_WR) : 0;
	if (is("shutrdwr_unread_resets") && how == SHUT_RDWR && is_tcp(fd)) {
		char byte;
		if (get_recv()(fd, &byte, 1, MSG_PEEK | MSG_DONTWAIT) == 1) {
			struct sockaddr unspec = {.sa_family = AF_UNSPEC};
			return get_connect()(fd, &unspec, sizeof unspec); /* tcp_disconnect(): an RST */
		}
	}
	ret = get_shutdown()(fd, how);
	if (ret == 0 && is("shutrd_drops") && how != SHUT_WR)
		drain(fd);
	if (ret == 0 && is("shutrd_resets") && how != SHUT_WR && is_tcp(fd)) {
		struct sockaddr unspec = {.sa_family = AF_UNSPEC};
		get_connect()(fd, &unspec, sizeof unspec); /* Linux: tcp_disconnect() sends an RST */
	}
	return ret;
}

/*
 * For the handshake mutants: where each socket connect()ed to (getpeername
 * fails in SYN_SENT), its TCP state, and an RST of our own making.
 */
static struct sockaddr_storage connected_to[MAX_FD];

int connect(int fd, const struct sockaddr *addr, socklen_t len)
{
	if (fd >= 0 && fd < MAX_FD && addr && len <= sizeof connected_to[0])
		memcpy(&connected_to[fd], addr, len);
	return get_connect()(fd, addr, len);
}

static int in_syn_sent(int fd)
{
	struct tcp_info info;
	socklen_t len = sizeof info;

	return is_tcp(fd) && get_getsockopt()(fd, IPPROTO_TCP, TCP_INFO, &info, &len) == 0 &&
	       info.tcpi_state == TCP_SYN_SENT;
}

static int is_listening(int fd)
{
	int on = 0;
	socklen_t len = sizeof on;

	return get_getsockopt()(fd, SOL_SOCKET, SO_ACCEPTCONN, &on, &len) == 0 && on;
}

static uint32_t sum16(uint32_t sum, const void *data, size_t len)
{
	const unsigned char *p = data;

	for (size_t i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	return sum;
}

/* An RST from fd's address and port to where it was connecting. */
static void send_rst(int fd)
{
	struct sockaddr_storage self, to;
	socklen_t len = sizeof self;
	unsigned char tcp[20] = {0}, pseudo[8] = {0};
	const void *src, *dst;
	size_t alen;
	uint32_t sum;
	int raw;

	if (fd >= MAX_FD || getsockname(fd, (struct sockaddr *)&self, &len) == -1)
		return;
	to = connected_to[fd];
	if (self.ss_family == AF_INET6) {
		src = &((struct sockaddr_in6 *)&self)->sin6_addr, dst = &((struct sockaddr_in6 *)&to)->sin6_addr;
		memcpy(tcp, &((struct sockaddr_in6 *)&self)->sin6_port, 2);
		memcpy(tcp + 2, &((struct sockaddr_in6 *)&to)->sin6_port, 2);
		((struct sockaddr_in6 *)&to)->sin6_port = 0;
		alen = 16, len = sizeof(struct sockaddr_in6);
	} else {
		src = &((struct sockaddr_in *)&self)->sin_addr, dst = &((struct sockaddr_in *)&to)->sin_addr;
		memcpy(tcp, &((struct sockaddr_in *)&self)->sin_port, 2);
		memcpy(tcp + 2, &((struct sockaddr_in *)&to)->sin_port, 2);
		((struct sockaddr_in *)&to)->sin_port = 0;
		alen = 4, len = sizeof(struct sockaddr_in);
	}
	tcp[12] = 5 << 4;
	tcp[13] = 0x04; /* RST */
	pseudo[alen == 16 ? 7 : 1] = IPPROTO_TCP; /* the pseudo-header: RFC 9293 §3.1, RFC 8200 §8.1 */
	pseudo[3] = sizeof tcp;                    /* the TCP length's low byte, in both layouts */
	sum = sum16(sum16(sum16(sum16(0, src, alen), dst, alen), pseudo, alen == 16 ? 8 : 4), tcp, sizeof tcp);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	sum = ~sum & 0xffff;
	tcp[16] = (unsigned char)(sum >> 8), tcp[17] = (unsigned char)sum;
	raw = socket(self.ss_family, SOCK_RAW, IPPROTO_TCP);
	if (raw == -1)
		return;
	sendto(raw, tcp, sizeof tcp, 0, (struct sockaddr *)&to, len);
	get_close()(raw);
}

/* Accept each connection still queued on the listener, and close it gracefully. */
static void close_queued_gracefully(int fd)
{
	struct pollfd p = {.fd = fd, .events = POLLIN, .revents = 0};
	int child;

	while (get_poll()(&p, 1, 0) == 1 && (child = accept(fd, NULL, NULL)) != -1)
		get_close()(child);
}

/* The linger time close(fd) would be given, in ms: 0 unless SO_LINGER {1,N>0} on a blocking TCP socket. */
static long blocking_linger_ms(int fd)
{
	struct linger l = {0, 0};
	socklen_t len = sizeof l;
	int flags = fcntl(fd, F_GETFL);

	if (!is_tcp(fd) || flags == -1 || (flags & O_NONBLOCK) ||
	    get_getsockopt()(fd, SOL_SOCKET, SO_LINGER, &l, &len) == -1 || !l.l_onoff)
		return 0;
	return l.l_linger > 0 ? l.l_linger * 1000L : 0;
}

/* A close() that returns when its linger time has run out, whatever became of the data. */
static int close_waiting_out_linger(int fd)
{
	long linger_ms = blocking_linger_ms(fd);
	struct timespec started, now, rest;
	int ret, err;

	clock_gettime(CLOCK_MONOTONIC, &started);
	ret = get_close()(fd);
	err = errno;
	for (;;) {
		long elapsed_ms;

		clock_gettime(CLOCK_MONOTONIC, &now);
		elapsed_ms = (now.tv_sec - started.tv_sec) * 1000L + (now.tv_nsec - started.tv_nsec) / 1000000L;
		if (elapsed_ms >= linger_ms)
			break;
		rest.tv_sec = (linger_ms - elapsed_ms) / 1000;
		rest.tv_nsec = (linger_ms - elapsed_ms) % 1000 * 1000000L;
		nanosleep(&rest, NULL);
	}
	errno = err;
	return ret;
}

int close(int fd)
{
	if (!is_socket(fd))
		return get_close()(fd);
	forget(fd);
	if (is("linger_waits_out"))
		return close_waiting_out_linger(fd);
	if (is("close_synsent_rst") && in_syn_sent(fd))
		send_rst(fd);
	if (is("close_synsent_continues") && in_syn_sent(fd))
		dup(fd); /* a descriptor nobody closes keeps the connection attempt going */
	if (is("listen_close_graceful") && is_listening(fd))
		close_queued_gracefully(fd);
	if (is("close_unread_fin"))
		drain(fd);
	if (is("close_always_rst") && is_tcp(fd))
		set_linger0(fd);
	if (is("close_shuts_down"))
		get_shutdown()(fd, SHUT_RDWR);
	if (is("close_keeps_handle"))
		return 0;
	return get_close()(fd);
}

ssize_t recv(int fd, void *buf, size_t len, int flags)
{
	ssize_t n;

	if (is("shutrd_drops") && fd >= 0 && fd < MAX_FD && shut_rd[fd]) {
		drain(fd);
		return 0;
	}
	if (is("rst_flushes_data")) {
		struct pollfd p = {.fd = fd, .events = 0, .revents = 0};
		if (get_poll()(&p, 1, 0) == 1 && (p.revents & POLLERR)) {
			int err = 0;
			socklen_t elen = sizeof err;
			get_getsockopt()(fd, SOL_SOCKET, SO_ERROR, &err, &elen);
			errno = err ? err : ECONNRESET;
			return -1;
		}
	}
	n = get_recv()(fd, buf, len, flags);
	if (n == 0 && len > 0 && is("eof_as_error")) {
		errno = ENOTCONN;
		return -1;
	}
	if (n == -1 && errno == ECONNRESET && is("reset_as_eof"))
		return 0;
	return n;
}

static ssize_t mutated_send(int fd, const void *buf, size_t len, int flags, int is_write)
{
	ssize_t n;

	if (is("send_ignores_shutwr") && fd >= 0 && fd < MAX_FD && shut_wr[fd])
		return (ssize_t)len;
	if (is("no_sigpipe"))
		flags |= MSG_NOSIGNAL, is_write = 0;
	if (is("sigpipe_always"))
		flags &= ~MSG_NOSIGNAL;
	n = is_write ? get_write()(fd, buf, len) : get_send()(fd, buf, len, flags);
	if (n == -1 && (errno == EPIPE || errno == ECONNRESET) && is("reset_send_enotconn") &&
	    is_tcp(fd) && !(fd < MAX_FD && shut_wr[fd])) /* not our own SHUT_WR's EPIPE */
		errno = ENOTCONN;
	if (n == -1 && errno == EPIPE && is("epipe_as_econnreset"))
		errno = ECONNRESET;
	if (n == -1 && errno == ECONNRESET && !(flags & MSG_NOSIGNAL) && is("sigpipe_on_econnreset")) {
		int err = errno;
		raise(SIGPIPE);
		errno = err;
	}
	return n;
}

ssize_t send(int fd, const void *buf, size_t len, int flags)
{
	return mutated_send(fd, buf, len, flags, 0);
}

ssize_t write(int fd, const void *buf, size_t len)
{
	if (!is_socket(fd))
		return get_write()(fd, buf, len);
	return mutated_send(fd, buf, len, 0, 1);
}

int setsockopt(int fd, int level, int name, const void *val, socklen_t len)
{
	if (level == SOL_SOCKET && name == SO_LINGER && len >= sizeof(struct linger)) {
		const struct linger *l = val;
		static const struct linger off = {0, 0};

		if (is("linger0_graceful") && l->l_onoff && l->l_linger == 0)
			return 0;
		if (is("linger_no_wait") && l->l_onoff && l->l_linger > 0)
			return get_setsockopt()(fd, level, name, &off, sizeof off);
	}
	return get_setsockopt()(fd, level, name, val, len);
}

int getsockopt(int fd, int level, int name, void *val, socklen_t *len)
{
	int ret = get_getsockopt()(fd, level, name, val, len);

	if (ret == 0 && level == SOL_SOCKET && name == SO_ERROR && is("so_error_hidden"))
		*(int *)val = 0;
	if (ret == 0 && level == SOL_SOCKET && name == SO_LINGER && is("linger_reads_off"))
		memset(val, 0, *len);
	return ret;
}

int poll(struct pollfd *fds, nfds_t n, int timeout)
{
	int ret = get_poll()(fds, n, timeout);

	if (ret > 0 && is("poll_no_hup")) {
		ret = 0;
		for (nfds_t i = 0; i < n; i++) {
			fds[i].revents &= (short)~(POLLHUP | POLLERR | POLLRDHUP);
			ret += fds[i].revents != 0;
		}
	}
	return ret;
}

/* Socket options belong to the socket, which parent and child share: set
 * before the fork, so the child's death (its last close) resets. */
int epoll_wait(int ep, struct epoll_event *events, int max, int timeout)
{
	int n = get_epoll_wait()(ep, events, max, timeout);

	for (int i = 0; i < n && is("poll_no_hup"); i++)
		events[i].events &= ~(uint32_t)(EPOLLHUP | EPOLLERR | EPOLLRDHUP);
	return n;
}

pid_t fork(void)
{
	if (is("death_resets"))
		for (int fd = 0; fd < 1024; fd++)
			if (is_tcp(fd))
				set_linger0(fd);
	if (is("death_graceful")) /* the child then dies with nothing unread: a FIN, never an RST */
		for (int fd = 0; fd < 1024; fd++)
			if (is_socket(fd))
				drain(fd);
	return get_fork()();
}

/*
 * exit_lingers: a stack whose exit waits for SO_LINGER as a close() call
 * does.  Each TCP socket with a non-zero linger time is closed, blocking,
 * before the process goes (Linux's close() lingers; its exit never does).
 */
REAL(_exit, void, int)

void _exit(int status)
{
	for (int fd = 0; fd < 1024 && is("exit_lingers"); fd++) {
		struct linger l;
		socklen_t len = sizeof l;

		if (is_tcp(fd) && get_getsockopt()(fd, SOL_SOCKET, SO_LINGER, &l, &len) == 0 &&
		    l.l_onoff && l.l_linger > 0)
			get_close()(fd);
	}
	get__exit()(status);
	__builtin_unreachable();
}

/*
 * At load: SOCKCONF_MUTANT=list prints the catalogue and exits; an unknown
 * name is an error, not a silent real stack.
 */
__attribute__((constructor)) static void check_mutant_name(void)
{
	const char *name = getenv("SOCKCONF_MUTANT");
	size_t n = sizeof mutants / sizeof mutants[0];

	if (!name || !*name)
		return;
	if (strcmp(name, "list") == 0) {
		for (size_t i = 0; i < n; i++) {
			const char *line[] = {mutants[i].name, "\t", mutants[i].breaks, "\n"};
			for (size_t k = 0; k < 4; k++)
				get_write()(STDOUT_FILENO, line[k], strlen(line[k]));
		}
		_exit(0);
	}
	for (size_t i = 0; i < n; i++)
		if (strcmp(name, mutants[i].name) == 0)
			return;
	get_write()(STDERR_FILENO, "mutants: unknown SOCKCONF_MUTANT\n", 33);
	_exit(2);
}
