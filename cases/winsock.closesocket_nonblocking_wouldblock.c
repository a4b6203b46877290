/*
 * winsock.closesocket_nonblocking_wouldblock: closesocket() on a
 * non-blocking socket with SO_LINGER {1, 1} and data the peer cannot take
 * fails with WSAEWOULDBLOCK at once, instead of waiting for the linger
 * time; the handle stays valid, no disconnect begins, and the application
 * closes it with a later closesocket().
 *
 * (linger.nonblocking makes the same close and asserts only that it does
 * not wait: POSIX names no error.  This is Winsock's documented answer.)
 *
 * Timeline:  local: send until the stack takes no more (peer never reads)
 *            local: SO_LINGER {1, 1} ; FIONBIO 1 ; closesocket() -> -1 WSAEWOULDBLOCK
 *            local: getsockopt(SO_TYPE) on the same handle succeeds ;
 *            SO_LINGER {1, 0} ; closesocket() == 0
 */
#include "sockconf.h"
#include "winsock.h"

static void nonblocking_lingering_close_would_block(enum sc_family family)
{
	struct sc_conn c;
	struct linger one_second = {1, 1}, abortive = {1, 0};
	struct sc_close_timing closed;
	size_t queued;
	int type = 0;
	socklen_t len = sizeof type;

	winsock_only("closesocket()'s WSAEWOULDBLOCK on a non-blocking lingering socket");
	c = open_connection(family);
	queued = send_pattern_until_full(c.local); /* undeliverable until the peer reads, which it never does */
	note("queued", "%lu bytes", (unsigned long)queued);
	check_int(bytes_arrived(c.peer, queued), <, queued); /* closesocket() meets unsent data */
	check_call(setsockopt(c.local, SOL_SOCKET, SO_LINGER, (const void *)&one_second, sizeof one_second));
	check_call(set_nonblocking(c.local, 1));

	closed = timed_close(c.local);
	check_int(closed.ret, ==, -1);
	check_int(closed.err, ==, EWOULDBLOCK);
	check_int(closed.seconds, ==, 0); /* it did not wait for the linger time */
	check_call(getsockopt(c.local, SOL_SOCKET, SO_TYPE, (void *)&type, &len)); /* still a socket */
	check_call(setsockopt(c.local, SOL_SOCKET, SO_LINGER, (const void *)&abortive, sizeof abortive));
	check_call(close(c.local)); /* the close the application still owes */
}

SOCKCONF_CASE(
	.id = "winsock.closesocket_nonblocking_wouldblock",
	.claim = "closesocket() on a non-blocking socket with SO_LINGER {1, 1} and unsent data fails at once with WSAEWOULDBLOCK, and the handle stays valid until a later closesocket().",
	.families = SC_TCP,
	.unix_note = "a Winsock behaviour, run over TCP: Windows's AF_UNIX is no stack of this suite",
	.cites = {
		{"Winsock closesocket(): \"WSAEWOULDBLOCK The socket is marked as nonblocking, but the l_onoff member of the linger structure is set to nonzero and the l_linger member of the linger structure is set to a nonzero timeout value.\"",
		 "https://learn.microsoft.com/en-us/windows/win32/api/winsock/nf-winsock-closesocket"},
		{"Winsock closesocket(): \"If closesocket fails with WSAEWOULDBLOCK the socket handle is still valid, and a disconnect is not initiated. The application must call closesocket again to close the socket.\"",
		 "https://learn.microsoft.com/en-us/windows/win32/api/winsock/nf-winsock-closesocket"},
	},
	.run = nonblocking_lingering_close_would_block,
);
