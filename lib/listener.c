/*
 * listener.c: TCP listeners and clients for behaviours of the handshake and
 * of the accept queue, which open_connection() hides (it accepts at once
 * and closes its listener).  As in a connection, the listener is the
 * peer's (its stack, its address) and the client is the case's own end.
 */
#define SC_LIB_INTERNAL
#include "sockconf.h"
#include "outcome.h"
#include "path.h"

#include <string.h>

static SC_NORETURN void call_failed(const char *what)
{
	char err[64];

	sc_format_errno(err, sizeof err, sc_socket_errno());
	sc_fail(NULL, "%s failed: %s", what, err);
}

/* A TCP socket of the family on an end's stack, bound to its address, port chosen by the stack. */
static int open_bound(enum sc_end end, enum sc_family family)
{
	struct sockaddr_storage addr;
	socklen_t len;
	int s;

	if (family == SC_UNIX)
		sc_fail(NULL, "listener.c makes TCP listeners only: the case runs it over unix");
	s = sc_open_on(end, family);
	sc_end_address(end, family, &addr, &len);
	if (sc_bind(s, (struct sockaddr *)&addr, len) == -1) {
		if (family == SC_INET6 && errno == EADDRNOTAVAIL)
			skip("the IPv6 address (::1 on loopback) is not configured on this machine");
		call_failed("bind() to the stack's address");
	}
	return s;
}

int open_listener(enum sc_family family, int backlog)
{
	int s = open_bound(SC_END_PEER, family);

	if (sc_listen(s, backlog) == -1)
		call_failed("listen()");
	return s;
}

int open_client(int listener)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof ss;

	if (sc_getsockname(listener, (struct sockaddr *)&ss, &len) == -1)
		call_failed("getsockname() on the listener");
	return open_bound(SC_END_LOCAL, ss.ss_family == AF_INET6 ? SC_INET6 : SC_INET);
}

static void start_connect(int client, int listener, int blocking)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof ss;

	if (sc_getsockname(listener, (struct sockaddr *)&ss, &len) == -1)
		call_failed("getsockname() on the listener");
	if (blocking) { /* bounded, like every wait: a SYN the link drops must not hang the case */
		double ms;
		sc_current_step = "connect() to the listener: the handshake";
		if (sc_connect_bounded(client, (struct sockaddr *)&ss, len, &ms) == 0) {
			sc_link_handshake(client, ms);
			return;
		}
		if (errno == ETIMEDOUT)
			sc_connect_timed_out(client, "connect() to the listener");
		call_failed("connect() to the listener");
	}
	if (set_nonblocking(client, 1) == -1)
		call_failed("making the client non-blocking");
	if (sc_connect(client, (struct sockaddr *)&ss, len) == 0)
		return;
	if (errno == EINPROGRESS || errno == EWOULDBLOCK)
		return;
	call_failed("connect() to the listener");
}

void connect_blocking(int client, int listener)
{
	start_connect(client, listener, 1);
}

void connect_nonblocking(int client, int listener)
{
	start_connect(client, listener, 0);
}

/*
 * backlog 0 leaves room for one connection (Linux: the queue is full when
 * it holds more than the backlog, sk_acceptq_is_full()); one client that
 * has connected and sits unaccepted fills it.  A SYN to a full queue is
 * dropped, unanswered (tcp_conn_request(): "goto drop").
 */
int open_full_listener(enum sc_family family)
{
	int listener = open_listener(family, 0);
	int queued = open_client(listener);

	connect_blocking(queued, listener);
	sc_wait_queued(listener, family); /* accept() would now return it */
	return listener;
}

void check_held_in_syn_sent(int client)
{
	enum sc_tcp_state state = tcp_state(client);

	if (state == SC_TCP_ESTABLISHED)
		skip("the listener took a connection past its full accept queue (backlog 0): this stack "
		     "does not bound the queue, so no connect() can be held in SYN_SENT");
	check_tcp_state(client, SC_TCP_SYN_SENT);
}
