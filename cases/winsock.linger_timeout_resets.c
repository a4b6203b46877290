/*
 * winsock.linger_timeout_resets: a blocking closesocket() with SO_LINGER
 * {1, 1} and data the peer does not take waits out the linger second, and
 * then, the data still unsent, terminates the connection: a hard close.
 * The peer's recv() fails with WSAECONNRESET (the data it had not read is
 * lost with the connection).
 *
 * (POSIX's close() only blocks "for up to the current linger interval";
 * what follows when it passes is left open.  linger.timeout_blocks asserts
 * the wait, here the reset is Winsock's documented answer.)
 *
 * Timeline:  local: send until the stack takes no more (peer never reads)
 *            local: SO_LINGER {1, 1} ; blocking closesocket() -- about 1 s  ->  RST
 *            peer: recv() ... == -1 WSAECONNRESET
 */
#include "sockconf.h"
#include "winsock.h"

static void linger_timeout_is_a_hard_close(enum sc_family family)
{
	struct sc_conn c;
	struct linger one_second = {1, 1};
	struct sc_close_timing closed;
	size_t queued, received = 0;

	winsock_only("a hard close when closesocket()'s linger time runs out");
	c = open_connection(family);
	queued = send_pattern_until_full(c.local); /* the peer never reads: the data stays unsent */
	note("queued", "%lu bytes", (unsigned long)queued);
	check_int(bytes_arrived(c.peer, queued), <, queued);
	check_call(setsockopt(c.local, SOL_SOCKET, SO_LINGER, (const void *)&one_second, sizeof one_second));
	check_call(set_nonblocking(c.local, 0)); /* a blocking close: it lingers */

	closed = timed_close(c.local); /* noted: its result and how long it waited */
	check_int(closed.seconds, ==, 1);
	check_fails(recv_pattern_until_end(c.peer, &received), ECONNRESET);
	note("received", "%lu of %lu bytes before the reset", (unsigned long)received, (unsigned long)queued);
}

SOCKCONF_CASE(
	.id = "winsock.linger_timeout_resets",
	.claim = "A blocking closesocket() with SO_LINGER {1, 1} whose data is still unsent when the linger second runs out resets the connection: the peer's recv() fails with WSAECONNRESET.",
	.families = SC_TCP,
	.unix_note = "a Winsock behaviour, run over TCP: Windows's AF_UNIX is no stack of this suite",
	.cites = {
		{"Winsock closesocket(): with a nonzero l_linger on a blocking socket \"the closesocket call blocks until the remaining data has been sent or until the timeout expires ... If the timeout expires before all data has been sent, the Windows Sockets implementation terminates the connection before closesocket returns\"",
		 "https://learn.microsoft.com/en-us/windows/win32/api/winsock/nf-winsock-closesocket"},
		{"Winsock Terminating a Connection: \"If the termination was abortive, then send() and recv() calls will fail with the error WSAECONNRESET.\"",
		 "https://library.thedatadungeon.com/msdn-1998-06/conf/html/SA8ED.content.HTM"},
	},
	.run = linger_timeout_is_a_hard_close,
);
