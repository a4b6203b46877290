/*
 * agent_bsd.h: agent.h's socket hooks over a BSD socket API, for a port
 * whose stack has one (the host kernel, lwIP, Winsock, Zephyr, NuttX...).
 *
 * Include it from the port's .c, once, after the stack's own headers and
 * after defining how its calls are spelt; every macro below has the POSIX
 * spelling as its default:
 *   BSD_CALL(name)     the stack's name of a call: name, lwip_##name
 *   BSD_CLOSE(s)       close(s), closesocket(s)
 *   BSD_POLL(f, n, t)  poll(f, n, t), WSAPoll(f, n, t)
 *   BSD_NONBLOCK(s,on) 0 or -1: O_NONBLOCK, FIONBIO
 *   BSD_ERRNO()        the last call's error: errno, WSAGetLastError()
 *   BSD_SET_ERRNO(e)   set it: errno = e, WSASetLastError(e)
 *   BSD_E(name)        the stack's error number of that name: E##name, WSAE##name
 *   BSD_SHUT_RD/WR/RDWR  SHUT_RD..., SD_RECEIVE...
 * The stack's <sys/socket.h>, <netinet/in.h>, <netinet/tcp.h> and <poll.h>
 * (or theirs) must be included first: this file uses struct sockaddr_in,
 * sockaddr_in6, sockaddr_storage, linger, pollfd and the SO_, TCP_, MSG_,
 * POLL constants, each only where the stack defines it.
 */
#ifndef BSD_CALL
#define BSD_CALL(name) name
#endif
#ifndef BSD_CLOSE
#define BSD_CLOSE(s) BSD_CALL(close)(s)
#endif
#ifndef BSD_POLL
#define BSD_POLL(f, n, t) BSD_CALL(poll)(f, n, t)
#endif
#ifndef BSD_ERRNO
#define BSD_ERRNO() errno
#endif
#ifndef BSD_SET_ERRNO
#define BSD_SET_ERRNO(e) (errno = (e))
#endif
#ifndef BSD_E
#define BSD_E(name) E##name
#endif
#ifndef BSD_SHUT_RD
#define BSD_SHUT_RD SHUT_RD
#define BSD_SHUT_WR SHUT_WR
#define BSD_SHUT_RDWR SHUT_RDWR
#endif

#include <string.h>

/* An agent_addr as the stack's sockaddr: its length, or 0 for a family it lacks. */
static socklen_t to_sockaddr(const struct agent_addr *a, struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof *ss);
	if (a->family == AGENT_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)ss;
		sin->sin_family = AF_INET;
		sin->sin_port = htons((unsigned short)a->port);
		memcpy(&sin->sin_addr, a->ip, 4);
		return sizeof *sin;
	}
	if (a->family == AGENT_INET6) {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons((unsigned short)a->port);
		memcpy(&sin6->sin6_addr, a->ip, 16);
		return sizeof *sin6;
	}
	return 0;
}

static void from_sockaddr(const struct sockaddr_storage *ss, struct agent_addr *a)
{
	memset(a, 0, sizeof *a);
	if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)ss;
		a->family = AGENT_INET6;
		a->port = ntohs(sin6->sin6_port);
		memcpy(a->ip, &sin6->sin6_addr, 16);
	} else {
		const struct sockaddr_in *sin = (const struct sockaddr_in *)ss;
		a->family = AGENT_INET; /* AF_INET, or nothing known: 0.0.0.0 0 */
		a->port = ntohs(sin->sin_port);
		memcpy(a->ip, &sin->sin_addr, 4);
	}
}

agent_sock port_socket(int family, int type)
{
	return BSD_CALL(socket)(family == AGENT_INET6 ? AF_INET6 : AF_INET,
				type == AGENT_DGRAM ? SOCK_DGRAM : SOCK_STREAM, 0);
}

int port_bind(agent_sock s, const struct agent_addr *a)
{
	struct sockaddr_storage ss;
	socklen_t len = to_sockaddr(a, &ss);

	return BSD_CALL(bind)(s, (struct sockaddr *)&ss, len);
}

int port_listen(agent_sock s, int backlog) { return BSD_CALL(listen)(s, backlog); }

agent_sock port_accept(agent_sock s, struct agent_addr *peer)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof ss;
	agent_sock n;

	memset(&ss, 0, sizeof ss);
	n = BSD_CALL(accept)(s, (struct sockaddr *)&ss, &len);
	if (n != AGENT_NO_SOCK)
		from_sockaddr(&ss, peer);
	return n;
}

int port_connect(agent_sock s, const struct agent_addr *a)
{
	struct sockaddr_storage ss;
	socklen_t len = to_sockaddr(a, &ss);

	return BSD_CALL(connect)(s, (struct sockaddr *)&ss, len);
}

int port_getsockname(agent_sock s, struct agent_addr *a)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof ss;

	memset(&ss, 0, sizeof ss);
	if (BSD_CALL(getsockname)(s, (struct sockaddr *)&ss, &len) != 0)
		return -1;
	from_sockaddr(&ss, a);
	return 0;
}

int port_getpeername(agent_sock s, struct agent_addr *a)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof ss;

	memset(&ss, 0, sizeof ss);
	if (BSD_CALL(getpeername)(s, (struct sockaddr *)&ss, &len) != 0)
		return -1;
	from_sockaddr(&ss, a);
	return 0;
}

int port_close(agent_sock s) { return BSD_CLOSE(s) == 0 ? 0 : -1; }

int port_shutdown(agent_sock s, int how)
{
	return BSD_CALL(shutdown)(s, how == AGENT_SHUT_RD ? BSD_SHUT_RD : how == AGENT_SHUT_WR ? BSD_SHUT_WR
				  : BSD_SHUT_RDWR) == 0 ? 0 : -1;
}

/* The stack's MSG_ flags, or -1 for one it lacks (a flag with nothing to do is no flag) */
static int msg_flags(int flags)
{
	int f = 0;

	if (flags & AGENT_MSG_PEEK)
		f |= MSG_PEEK;
	if (flags & AGENT_MSG_OOB)
		f |= MSG_OOB;
	if (flags & AGENT_MSG_DONTWAIT) {
#ifdef MSG_DONTWAIT
		f |= MSG_DONTWAIT;
#else
		return -1;
#endif
	}
	/* without MSG_NOSIGNAL the stack raises no SIGPIPE (Winsock, lwIP), or the
	 * port ignores it (macOS): nothing is left for the flag to suppress */
#ifdef MSG_NOSIGNAL
	if (flags & AGENT_MSG_NOSIGNAL)
		f |= MSG_NOSIGNAL;
#endif
	return f;
}

long port_send(agent_sock s, const void *buf, size_t len, int flags)
{
	int f = msg_flags(flags);

	if (f < 0) {
		BSD_SET_ERRNO(BSD_E(OPNOTSUPP));
		return -1;
	}
	return (long)BSD_CALL(send)(s, buf, (int)len, f);
}

long port_recv(agent_sock s, void *buf, size_t len, int flags)
{
	int f = msg_flags(flags);

	if (f < 0) {
		BSD_SET_ERRNO(BSD_E(OPNOTSUPP));
		return -1;
	}
	return (long)BSD_CALL(recv)(s, buf, (int)len, f);
}

/* level and name of an option; 0, or -1 for one the stack lacks */
static int option(enum agent_opt opt, int *level, int *name)
{
	*level = SOL_SOCKET;
	switch (opt) {
	case AGENT_SO_LINGER: *name = SO_LINGER; return 0;
	case AGENT_SO_ERROR: *name = SO_ERROR; return 0;
	case AGENT_SO_RCVBUF: *name = SO_RCVBUF; return 0;
	case AGENT_SO_SNDBUF: *name = SO_SNDBUF; return 0;
	case AGENT_SO_KEEPALIVE: *name = SO_KEEPALIVE; return 0;
	case AGENT_SO_REUSEADDR: *name = SO_REUSEADDR; return 0;
	case AGENT_SO_TYPE: *name = SO_TYPE; return 0;
#ifdef SO_DONTLINGER
	case AGENT_SO_DONTLINGER: *name = SO_DONTLINGER; return 0;
#endif
	default: break;
	}
	*level = IPPROTO_TCP;
	switch (opt) {
	case AGENT_TCP_NODELAY: *name = TCP_NODELAY; return 0;
#ifdef TCP_KEEPIDLE
	case AGENT_TCP_KEEPIDLE: *name = TCP_KEEPIDLE; return 0;
#elif defined(TCP_KEEPALIVE)
	case AGENT_TCP_KEEPIDLE: *name = TCP_KEEPALIVE; return 0; /* macOS's name, in seconds */
#endif
#ifdef TCP_KEEPINTVL
	case AGENT_TCP_KEEPINTVL: *name = TCP_KEEPINTVL; return 0;
#endif
#ifdef TCP_KEEPCNT
	case AGENT_TCP_KEEPCNT: *name = TCP_KEEPCNT; return 0;
#endif
	default: break;
	}
	return -1;
}

int port_setsockopt(agent_sock s, enum agent_opt opt, const int *val, int nval)
{
	int level, name;

	(void)nval;
	if (opt == AGENT_SO_ERROR || opt == AGENT_SO_TYPE || option(opt, &level, &name) == -1) {
		BSD_SET_ERRNO(BSD_E(NOPROTOOPT));
		return -1;
	}
	if (opt == AGENT_SO_LINGER) {
		struct linger l;
		memset(&l, 0, sizeof l);
		l.l_onoff = val[0];
		l.l_linger = val[1];
		return BSD_CALL(setsockopt)(s, level, name, (void *)&l, sizeof l) == 0 ? 0 : -1;
	}
	return BSD_CALL(setsockopt)(s, level, name, (void *)val, sizeof *val) == 0 ? 0 : -1;
}

int port_getsockopt(agent_sock s, enum agent_opt opt, int *val, int *nval)
{
	int level, name;
	socklen_t len;

	if (option(opt, &level, &name) == -1) {
		BSD_SET_ERRNO(BSD_E(NOPROTOOPT));
		return -1;
	}
	*nval = 1;
	if (opt == AGENT_SO_LINGER) {
		struct linger l;
		memset(&l, 0, sizeof l);
		len = sizeof l;
		if (BSD_CALL(getsockopt)(s, level, name, (void *)&l, &len) != 0)
			return -1;
		val[0] = l.l_onoff;
		val[1] = l.l_linger;
		*nval = 2;
		return 0;
	}
	val[0] = 0;
	len = sizeof *val;
	if (BSD_CALL(getsockopt)(s, level, name, (void *)val, &len) != 0)
		return -1;
	if (opt == AGENT_SO_TYPE)
		val[0] = val[0] == SOCK_DGRAM ? AGENT_DGRAM : AGENT_STREAM;
	return 0;
}

static const struct {
	int agent;
	int stack;
} poll_bits[] = {
	{AGENT_POLLIN, POLLIN}, {AGENT_POLLOUT, POLLOUT}, {AGENT_POLLPRI, POLLPRI},
	{AGENT_POLLERR, POLLERR}, {AGENT_POLLHUP, POLLHUP}, {AGENT_POLLNVAL, POLLNVAL},
#ifdef POLLRDHUP
	{AGENT_POLLRDHUP, POLLRDHUP},
#endif
};

int port_poll(struct agent_pollfd *fds, int n, int timeout_ms)
{
	struct pollfd p[AGENT_POLL_MAX > AGENT_MAX_PARKED ? AGENT_POLL_MAX : AGENT_MAX_PARKED];
	int ready;

	for (int i = 0; i < n; i++) {
		int unknown = fds[i].events;
		p[i].fd = fds[i].s;
		p[i].events = 0;
		p[i].revents = 0;
		for (size_t b = 0; b < sizeof poll_bits / sizeof poll_bits[0]; b++)
			if (fds[i].events & poll_bits[b].agent) {
				p[i].events |= (short)poll_bits[b].stack;
				unknown &= ~poll_bits[b].agent;
			}
		if (unknown) { /* rdhup, where the stack has no such event */
			BSD_SET_ERRNO(BSD_E(OPNOTSUPP));
			return -1;
		}
	}
	ready = BSD_POLL(p, (unsigned)n, timeout_ms);
	if (ready < 0)
		return -1;
	for (int i = 0; i < n; i++) {
		fds[i].revents = 0;
		for (size_t b = 0; b < sizeof poll_bits / sizeof poll_bits[0]; b++)
			if (p[i].revents & poll_bits[b].stack)
				fds[i].revents |= poll_bits[b].agent;
	}
	return ready;
}

int port_nonblock(agent_sock s, int on) { return BSD_NONBLOCK(s, on) == 0 ? 0 : -1; }

int port_error(void) { return BSD_ERRNO(); }
