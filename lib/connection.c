/*
 * connection.c: connected stream pairs.  TCP pairs are made the way an
 * application makes them (listen, connect, accept), so both ends are
 * ordinary ESTABLISHED sockets; the listener is closed before the case
 * begins.  The peer listens on its own stack at that stack's address; the
 * case's end connects from the stack under test (stacks.c), so one pair
 * can span two stacks.  AF_UNIX pairs come from socketpair().
 */
#define SC_LIB_INTERNAL
#include "sockconf.h"
#include "outcome.h"
#include "path.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *sc_family_name(enum sc_family family)
{
	switch (family) {
	case SC_INET: return "inet";
	case SC_INET6: return "inet6";
	case SC_UNIX: return "unix";
	}
	return "?";
}

static SC_NORETURN void setup_failed(const char *what, enum sc_family family)
{
	char err[64];

	sc_format_errno(err, sizeof err, sc_socket_errno());
	sc_fail(NULL, "setting up the %s connection: %s failed: %s", sc_family_name(family), what, err);
}

static int domain_of(enum sc_family family)
{
	return family == SC_INET6 ? AF_INET6 : family == SC_UNIX ? AF_UNIX : AF_INET;
}

/* socket() failed: a family the stack does not have is a SKIP, anything else a failure. */
static void family_unavailable_or_fail(const char *what, enum sc_family family)
{
	if (errno == EAFNOSUPPORT || errno == EPROTONOSUPPORT) {
		char why[96];
		snprintf(why, sizeof why, "%s stream sockets are not available on this stack",
			 family == SC_INET6 ? "AF_INET6" : family == SC_UNIX ? "AF_UNIX" : "AF_INET");
		skip(why);
	}
	setup_failed(what, family);
}

int sc_open_on(enum sc_end end, enum sc_family family)
{
	int s = sc_socket_on(sc_stack_for(end, family), domain_of(family), SOCK_STREAM, 0);

	if (s == -1)
		family_unavailable_or_fail("socket()", family);
	return s;
}

int open_unconnected(enum sc_family family)
{
	return sc_open_on(SC_END_LOCAL, family);
}

int sc_kernel_address(int family, struct sockaddr_storage *ss, socklen_t *len)
{
	const char *given = getenv(family == SC_INET6 ? "SOCKCONF_KERNEL_ADDR6" : "SOCKCONF_KERNEL_ADDR4");

	memset(ss, 0, sizeof *ss);
	if (family == SC_INET6) {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;
		sin6->sin6_family = AF_INET6;
		sin6->sin6_addr = in6addr_loopback;
		*len = sizeof *sin6;
		return given && *given && inet_pton(AF_INET6, given, &sin6->sin6_addr) != 1 ? -1 : 0;
	}
	if (family == SC_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)ss;
		sin->sin_family = AF_INET;
		sin->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		*len = sizeof *sin;
		return given && *given && inet_pton(AF_INET, given, &sin->sin_addr) != 1 ? -1 : 0;
	}
	return -1;
}

void sc_end_address(enum sc_end end, enum sc_family family, struct sockaddr_storage *ss, socklen_t *len)
{
	const struct sc_stack *s = sc_stack_for(end, family);

	if (s->address((int)family, ss, len) == -1)
		sc_fail(NULL, "the %s stack has no %s address to listen on (check SOCKCONF_*_ADDR%s)", s->name,
			sc_family_name(family), family == SC_INET6 ? "6" : "4");
}

int sc_connect_bounded(int fd, const struct sockaddr *addr, socklen_t len, double *ms)
{
	double started = now_ms(), deadline = started + sc_wait_bound_ms();
	int ret = -1, err = 0;

	if (set_nonblocking(fd, 1) == -1)
		return -1;
	if (sc_connect(fd, addr, len) == 0) {
		ret = 0;
	} else if (errno == EINPROGRESS || errno == EWOULDBLOCK || errno == EINTR) {
		for (;;) {
			struct pollfd p = {.fd = fd, .events = POLLOUT, .revents = 0};
			double left = deadline - now_ms();
			socklen_t elen = sizeof err;
			int n;

			if (left <= 0) {
				err = ETIMEDOUT;
				break;
			}
			n = sc_poll(&p, 1, (int)left + 1);
			if (n == -1 && errno != EINTR) {
				err = errno;
				break;
			}
			if (n <= 0 || !(p.revents & (POLLOUT | POLLERR | POLLHUP)))
				continue;
			/* the handshake is over: SO_ERROR says how it ended */
			if (sc_getsockopt(fd, SOL_SOCKET, SO_ERROR, (void *)&err, &elen) == -1)
				err = errno;
			ret = err ? -1 : 0;
			break;
		}
	} else {
		err = errno;
	}
	*ms = now_ms() - started;
	set_nonblocking(fd, 0);
	errno = err;
	return ret;
}

/* RFC 6298 §2.1: "the RTO SHOULD be set to 1 second" until a sample is taken. */
#define INITIAL_RTO_MS 1000.0

void sc_link_handshake(int fd, double ms)
{
	struct sc_path p;
	int shown = sc_path_of(fd, &p) == 0;

	if (shown && p.rtt_ms > 0)
		sc_link_measured(p.rtt_ms, p.rttvar_ms, "rtt"); /* the stack's own sample */
	else if ((!shown || p.retransmits <= 0) && ms < INITIAL_RTO_MS)
		sc_link_measured(ms, 0, "handshake");
	/* else a SYN was sent again (the stack says so, or the handshake outlasted the first
	 * retransmission timeout): its time is no round trip (Karn's algorithm) */
}

/* connect() timed out: on a link that lost the SYN (or its answer) the stack did nothing wrong. */
SC_NORETURN void sc_connect_timed_out(int fd, const char *what)
{
	struct sc_path p;
	char why[300];

	if (sc_path_of(fd, &p) == 0 && p.retransmits > 0) {
		snprintf(why, sizeof why, "inconclusive: %s did not complete within %s; the link lost "
			 "segments (the SYN sent %ld more times)", what, sc_wait_text(), p.retransmits);
		skip(why);
	}
	sc_fail(NULL, "%s did not complete within %s (waiting for the listener's SYN-ACK)", what, sc_wait_text());
}

int sc_tcp_listener(enum sc_family family, struct sockaddr_storage *addr, socklen_t *len)
{
	int listener = sc_open_on(SC_END_PEER, family);

	sc_end_address(SC_END_PEER, family, addr, len);
	if (sc_bind(listener, (struct sockaddr *)addr, *len) == -1) {
		if (family == SC_INET6 && errno == EADDRNOTAVAIL)
			skip("the peer's IPv6 address (::1 on loopback) is not configured on this machine");
		setup_failed("bind()", family);
	}
	if (sc_listen(listener, 1) == -1)
		setup_failed("listen()", family);
	if (sc_getsockname(listener, (struct sockaddr *)addr, len) == -1)
		setup_failed("getsockname()", family);
	return listener;
}

/*
 * connect() has returned, so the client took the SYN-ACK; the listener
 * queues the connection once the handshake's last ACK arrives.  A link
 * that lost that ACK leaves accept() to wait for the listener's next
 * SYN-ACK and its answer: bounded here, and inconclusive past the bound.
 */
void sc_wait_queued(int listener, enum sc_family family)
{
	double deadline = now_ms() + sc_wait_bound_ms();

	sc_current_step = "the listener to queue the connection (the handshake's last ACK)";
	for (;;) {
		struct pollfd p = {.fd = listener, .events = POLLIN, .revents = 0};
		double left = deadline - now_ms();
		char why[300];

		if (sc_poll(&p, 1, left > 0 ? (int)left + 1 : 0) == 1 && (p.revents & POLLIN))
			return;
		if (now_ms() < deadline)
			continue;
		snprintf(why, sizeof why, "inconclusive: connect() completed, but the %s listener did not queue "
			 "the connection within %s: the link lost the handshake's last ACK and the SYN-ACK "
			 "sent again", sc_family_name(family), sc_wait_text());
		skip(why);
	}
}

struct sc_conn sc_tcp_connect_to(enum sc_family family, int listener,
				 const struct sockaddr_storage *addr, socklen_t len)
{
	struct sc_conn c;
	double ms;

	c.local = sc_open_on(SC_END_LOCAL, family);
	sc_current_step = "connect() to the listener: the handshake";
	if (sc_connect_bounded(c.local, (const struct sockaddr *)addr, len, &ms) == -1) {
		if (errno == ETIMEDOUT) {
			char what[64];
			snprintf(what, sizeof what, "setting up the %s connection: connect()", sc_family_name(family));
			sc_connect_timed_out(c.local, what);
		}
		setup_failed("connect()", family);
	}
	sc_wait_queued(listener, family);
	c.peer = sc_accept(listener, NULL, NULL);
	if (c.peer == -1)
		setup_failed("accept()", family);
	sc_link_handshake(c.local, ms);
	return c;
}

static struct sc_conn open_tcp(enum sc_family family)
{
	struct sockaddr_storage addr;
	socklen_t len;
	int listener = sc_tcp_listener(family, &addr, &len);
	struct sc_conn c = sc_tcp_connect_to(family, listener, &addr, len);

	sc_close(listener);
	return c;
}

struct sc_conn open_connection(enum sc_family family)
{
	struct sc_conn c;
	int sv[2];

	if (family != SC_UNIX)
		return open_tcp(family);
	sc_stack_for(SC_END_LOCAL, family); /* a SKIP where the stack has no AF_UNIX */
	if (sc_socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == -1)
		family_unavailable_or_fail("socketpair(AF_UNIX, SOCK_STREAM)", family);
	c.local = sv[0];
	c.peer = sv[1];
	return c;
}

void peer_resets(struct sc_conn c)
{
	static const struct linger abortive = {1, 0};
	static const char unread = 'u';

	if (sc_send(c.local, &unread, 1, MSG_NOSIGNAL) != 1)
		sc_fail(NULL, "the byte to leave unread at the peer could not be sent");
	wait_readable(c.peer);
	if (bytes_arrived(c.peer, 1) != 1)
		sc_fail(NULL, "the byte to leave unread at the peer never arrived there");
	sc_current_step = "the peer's abortive close()";
	if (sc_setsockopt(c.peer, SOL_SOCKET, SO_LINGER, &abortive, sizeof abortive) == -1 || sc_close(c.peer) == -1) {
		char err[64];
		sc_format_errno(err, sizeof err, sc_socket_errno());
		sc_fail(NULL, "the peer's abortive close (SO_LINGER {1, 0}, close()) failed: %s", err);
	}
}
